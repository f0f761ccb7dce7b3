/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <string.h>

#include "ct-escape.h"
#include "ct-scenario-step.h"
#include "ct-serve.h"
#include "ct-source.h"

/* a scenario file's text, line by line: the header lines, each step (ct-scenario-step.c),
 * and the checks on the whole; every error of the file is reported together */

/* the default name a scenario reaches its server by */
#define CT_SCENARIO_DEFAULT_NAME "ucm.example.test"
/* a file reports this many errors at most */
#define CT_SCENARIO_MAX_PROBLEMS 50

/* the header lines, before the steps */
static const gchar *const ct_scenario_headers[] = {"scenario", "profile", "server", "name",
						   "resolve",  "layout",  NULL};

/* `server https://HOST[:PORT][/]`: an external server, reached by HOST */
static gboolean
ct_scenario_parse_server(CtScenarioCursor *cursor, CtScenario *scenario, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	const gchar *what = "an https://HOST:PORT/ URL (a host name or an IPv4 address, no path)";
	g_autoptr(GUri) uri = NULL;
	g_autofree gchar *host = NULL;
	const gchar *path;

	if (token != NULL)
		uri = g_uri_parse(token, G_URI_FLAGS_NONE, NULL);
	if (uri == NULL || g_strcmp0(g_uri_get_scheme(uri), "https") != 0 ||
	    g_uri_get_host(uri) == NULL || g_uri_get_userinfo(uri) != NULL ||
	    g_uri_get_query(uri) != NULL || g_uri_get_fragment(uri) != NULL)
		return ct_scenario_expected(cursor, what, error);
	path = g_uri_get_path(uri);
	host = g_ascii_strdown(g_uri_get_host(uri), -1);
	if ((path[0] != '\0' && g_strcmp0(path, "/") != 0) || !ct_scenario_is_name(host) ||
	    g_uri_get_port(uri) == 0)
		return ct_scenario_expected(cursor, what, error);
	scenario->port = g_uri_get_port(uri) > 0 ? (guint)g_uri_get_port(uri)
						 : CT_SOURCE_DEFAULT_PORT;
	scenario->server = g_strdup_printf("https://%s:%u/", host, scenario->port);
	g_ptr_array_set_size(scenario->names, 0);
	g_ptr_array_add(scenario->names, g_steal_pointer(&host));
	cursor->pos++;
	return TRUE;
}

/* the header lines: scenario, profile or server, name, resolve, layout; once each */
static gboolean
ct_scenario_parse_header(CtScenarioCursor *cursor,
			 CtScenario *scenario,
			 GHashTable *seen,
			 GError **error)
{
	const gchar *directive = NULL;
	const gchar *layouts[] = {"legacy", "current", NULL};
	g_autofree gchar *profiles = ct_scenario_join_words(ct_serve_profiles_get_names());

	/* the seen set keeps the static word: the line's words are freed after it */
	for (guint i = 0; ct_scenario_headers[i] != NULL; i++) {
		if (g_strcmp0(ct_scenario_peek(cursor), ct_scenario_headers[i]) == 0)
			directive = ct_scenario_headers[i];
	}
	g_return_val_if_fail(directive != NULL, FALSE);
	if (scenario->steps->len > 0)
		return ct_scenario_expected(cursor,
					    "a 'step' (scenario, profile or server, name, resolve "
					    "and layout come first)",
					    error);
	if (g_hash_table_contains(seen, directive)) {
		g_autofree gchar *once = g_strdup_printf("one '%s' line only", directive);
		return ct_scenario_expected(cursor, once, error);
	}
	g_hash_table_add(seen, (gpointer)directive);
	if ((g_strcmp0(directive, "profile") == 0 && scenario->server != NULL) ||
	    (g_strcmp0(directive, "server") == 0 && scenario->profile != NULL))
		return ct_scenario_expected(cursor, "'profile' or 'server', not both", error);
	if ((g_strcmp0(directive, "name") == 0 && scenario->server != NULL) ||
	    (g_strcmp0(directive, "server") == 0 && g_hash_table_contains(seen, "name")))
		return ct_scenario_expected(cursor,
					    "no 'name' with 'server' (the server's URL names "
					    "the host)",
					    error);
	cursor->pos++;
	if (g_strcmp0(directive, "scenario") == 0) {
		const gchar *name = ct_scenario_peek(cursor);
		if (name == NULL ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789._-") != strlen(name))
			return ct_scenario_expected(cursor,
						    "a scenario name (letters, digits, '.', '_', "
						    "'-')",
						    error);
		g_free(scenario->name);
		scenario->name = g_strdup(ct_scenario_next(cursor));
	} else if (g_strcmp0(directive, "profile") == 0) {
		g_autofree gchar *what = g_strdup_printf("a serve profile (%s)", profiles);
		if (!ct_scenario_in(ct_serve_profiles_get_names(), ct_scenario_peek(cursor)))
			return ct_scenario_expected(cursor, what, error);
		scenario->profile = g_strdup(ct_scenario_next(cursor));
	} else if (g_strcmp0(directive, "server") == 0) {
		if (!ct_scenario_parse_server(cursor, scenario, error))
			return FALSE;
	} else if (g_strcmp0(directive, "resolve") == 0) {
		const gchar *address = ct_scenario_peek(cursor);
		if (address == NULL || !g_hostname_is_ip_address(address))
			return ct_scenario_expected(cursor, "an IP address", error);
		scenario->address = g_strdup(ct_scenario_next(cursor));
		scenario->address_line = cursor->line;
	} else if (g_strcmp0(directive, "layout") == 0) {
		g_autofree gchar *layout = NULL;
		if (!ct_scenario_take_word(cursor, "a home layout", layouts, &layout, error))
			return FALSE;
		ct_scenario_layout_from_string(layout, &scenario->layout);
	} else {
		g_ptr_array_set_size(scenario->names, 0);
		do {
			if (!ct_scenario_take_name(cursor, scenario->names, error))
				return FALSE;
		} while (!ct_scenario_at_end(cursor));
		if (!ct_scenario_check_loopback_names(cursor, scenario, scenario->names, error))
			return FALSE;
	}
	if (!ct_scenario_at_end(cursor))
		return ct_scenario_expected(cursor, "the end of the line", error);
	return TRUE;
}

/* what only serve's own server has: its restarts, its plain HTTP port, its files */
static gboolean
ct_scenario_check_external_step(CtScenarioCursor *cursor,
				CtScenario *scenario,
				CtScenarioStep *step,
				GError **error)
{
	const gchar *why;
	g_autofree gchar *path = NULL;
	g_autofree gchar *text = NULL;

	if (scenario->server == NULL)
		return TRUE;
	why = ct_scenario_step_kind_get(step->kind)->serve_only;
	if (why == NULL && step->from != NULL && g_strcmp0(step->from, "server") != 0 &&
	    g_strcmp0(step->from, "trusted") != 0)
		why = "'from' names one of serve's files (use 'from server')";
	if (why == NULL)
		return TRUE;
	path = ct_escape_for_terminal(cursor->path, -1, 0);
	text = ct_escape_for_terminal(step->text, -1, 80);
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
		    "%s:%u: expected a step an external server allows, got '%s': %s", path,
		    cursor->line, text, why);
	return FALSE;
}

/* trust predicts only for the names the user types: the scenario's and the step's */
static void
ct_scenario_check_predictions(CtScenario *scenario, GPtrArray *problems)
{
	for (guint i = 0; i < scenario->steps->len; i++) {
		CtScenarioStep *step = g_ptr_array_index(scenario->steps, i);
		for (guint j = 0; j < step->predictions->len; j++) {
			CtScenarioPrediction *prediction = g_ptr_array_index(step->predictions, j);
			g_autofree gchar *path = NULL;
			if (g_strcmp0(prediction->name, g_ptr_array_index(scenario->names, 0)) ==
				0 ||
			    g_ptr_array_find_with_equal_func(step->names, prediction->name,
							     g_str_equal, NULL))
				continue;
			path = ct_escape_for_terminal(scenario->path, -1, 0);
			g_ptr_array_add(problems,
					g_strdup_printf("%s:%u: expected 'name %s' in the trust "
							"step before predicting for it, got no "
							"such name",
							path, step->line, prediction->name));
		}
	}
}

static gchar *
ct_scenario_default_name(const gchar *path)
{
	g_autofree gchar *base = g_path_get_basename(path);
	if (g_str_has_suffix(base, ".scenario"))
		base[strlen(base) - strlen(".scenario")] = '\0';
	return g_steal_pointer(&base);
}

/* keep a line's error and go on to the next line: a file's errors are reported together */
static void
ct_scenario_add_problem(GPtrArray *problems, GError **error)
{
	g_ptr_array_add(problems, g_strdup((*error)->message));
	g_clear_error(error);
}

/* a `step` line, kept in the scenario as soon as its kind is known */
static gboolean
ct_scenario_parse_step_line(CtScenarioCursor *cursor, CtScenario *scenario, GError **error)
{
	CtScenarioStep *step = NULL;
	gboolean ok;

	ok = ct_scenario_parse_step(cursor, &step, error);
	if (step != NULL)
		g_ptr_array_add(scenario->steps, step);
	if (ok)
		ok = ct_scenario_check_external_step(cursor, scenario, step, error);
	/* check-host only compares names: it connects to nothing */
	if (ok && !ct_scenario_step_kind_get(step->kind)->offline)
		ok = ct_scenario_check_loopback_names(cursor, scenario, step->names, error);
	return ok;
}

/* what the file as a whole needs: a server, steps, `resolve` only where it means something */
static void
ct_scenario_check_whole(CtScenario *scenario,
			GHashTable *seen,
			const gchar *safe_path,
			GPtrArray *problems)
{
	if (!g_hash_table_contains(seen, "profile") && !g_hash_table_contains(seen, "server")) {
		g_autofree gchar *profiles = ct_scenario_join_words(ct_serve_profiles_get_names());
		g_ptr_array_add(problems, g_strdup_printf("%s: expected a 'profile' line (%s) or a "
							  "'server https://HOST:PORT/' line, got "
							  "none",
							  safe_path, profiles));
	}
	if (scenario->address != NULL && scenario->server != NULL &&
	    g_hostname_is_ip_address(g_ptr_array_index(scenario->names, 0)))
		g_ptr_array_add(problems, g_strdup_printf("%s:%u: expected 'resolve' only for a "
							  "server named by a host name, got an "
							  "address in its URL",
							  safe_path, scenario->address_line));
	if (scenario->address != NULL && !g_hash_table_contains(seen, "server"))
		g_ptr_array_add(problems, g_strdup_printf("%s:%u: expected 'resolve' only with a "
							  "'server' line, got it with a serve "
							  "profile (it is on 127.0.0.1)",
							  safe_path, scenario->address_line));
	if (scenario->steps->len == 0)
		g_ptr_array_add(problems, g_strdup_printf("%s: expected at least one 'step' line, "
							  "got none",
							  safe_path));
	if (scenario->names->len == 0)
		g_ptr_array_add(scenario->names, g_strdup(CT_SCENARIO_DEFAULT_NAME));
	ct_scenario_check_predictions(scenario, problems);
}

/* every problem of the file in one error, the first CT_SCENARIO_MAX_PROBLEMS of them */
static void
ct_scenario_set_problems(GPtrArray *problems, const gchar *safe_path, GError **error)
{
	g_autofree gchar *all = NULL;

	if (problems->len > CT_SCENARIO_MAX_PROBLEMS) {
		g_ptr_array_set_size(problems, CT_SCENARIO_MAX_PROBLEMS);
		g_ptr_array_add(problems, g_strdup_printf("%s: more errors: only the first %u are "
							  "shown",
							  safe_path, CT_SCENARIO_MAX_PROBLEMS));
	}
	g_ptr_array_add(problems, NULL);
	all = g_strjoinv("\n", (gchar **)problems->pdata);
	g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA, all);
}

CtScenario *
ct_scenario_parse(const gchar *path, const gchar *text, gssize length, GError **error)
{
	g_autoptr(CtScenario) scenario = g_new0(CtScenario, 1);
	g_autoptr(GString) description = g_string_new(NULL);
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) lines = NULL;
	g_autofree gchar *copy = NULL;
	g_autofree gchar *safe_path = ct_escape_for_terminal(path, -1, 0);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	gboolean header_comments = TRUE;
	gsize len = length < 0 ? strlen(text) : (gsize)length;

	scenario->path = g_strdup(path);
	scenario->name = ct_scenario_default_name(path);
	scenario->names = g_ptr_array_new_with_free_func(g_free);
	scenario->steps = g_ptr_array_new_with_free_func((GDestroyNotify)ct_scenario_step_free);

	if (memchr(text, '\0', len) != NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "%s: expected a text file, got a NUL byte", safe_path);
		return NULL;
	}
	copy = g_strndup(text, len);
	lines = g_strsplit(copy, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GPtrArray) tokens = NULL;
		g_autoptr(GError) error_local = NULL;
		CtScenarioCursor cursor = {path, i + 1, NULL, 0};
		gchar *line = lines[i];
		gsize line_len = strlen(line);
		const gchar *first;

		if (line_len > 0 && line[line_len - 1] == '\r')
			line[line_len - 1] = '\0';
		if (!g_utf8_validate(line, -1, NULL)) {
			g_ptr_array_add(problems,
					g_strdup_printf("%s:%u: expected UTF-8 text, got invalid "
							"bytes",
							safe_path, i + 1));
			continue;
		}
		tokens = ct_scenario_tokenize(path, i + 1, line, &error_local);
		if (tokens == NULL) {
			ct_scenario_add_problem(problems, &error_local);
			continue;
		}
		if (tokens->len == 0) {
			const gchar *comment = line + strspn(line, " \t");
			/* the comments before the first directive describe the scenario */
			if (header_comments && comment[0] == '#') {
				comment += strspn(comment, "# \t");
				if (comment[0] != '\0')
					g_string_append_printf(description, "%s%s",
							       description->len > 0 ? " " : "",
							       comment);
			}
			continue;
		}
		header_comments = FALSE;
		cursor.tokens = tokens;
		first = ct_scenario_peek(&cursor);
		if (g_strcmp0(first, "step") == 0) {
			cursor.pos++;
			if (!ct_scenario_parse_step_line(&cursor, scenario, &error_local))
				ct_scenario_add_problem(problems, &error_local);
		} else if (ct_scenario_in(ct_scenario_headers, first)) {
			if (!ct_scenario_parse_header(&cursor, scenario, seen, &error_local))
				ct_scenario_add_problem(problems, &error_local);
		} else {
			ct_scenario_expected(&cursor,
					     "'scenario', 'profile', 'server', 'name', 'resolve', "
					     "'layout' or 'step'",
					     &error_local);
			ct_scenario_add_problem(problems, &error_local);
		}
	}
	ct_scenario_check_whole(scenario, seen, safe_path, problems);
	if (problems->len > 0) {
		ct_scenario_set_problems(problems, safe_path, error);
		return NULL;
	}
	if (description->len > 0)
		scenario->description = g_strdup(description->str);
	return g_steal_pointer(&scenario);
}
