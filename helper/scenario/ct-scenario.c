#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-escape.h"
#include "ct-scenario.h"
#include "ct-serve.h"

/* the default name a scenario reaches its server by */
#define CT_SCENARIO_DEFAULT_NAME "ucm.example.test"
/* a file reports this many errors at most */
#define CT_SCENARIO_MAX_PROBLEMS 50

static const gchar *const ct_scenario_kinds[] = {
    [CT_SCENARIO_STEP_ACCESS] = "access",
    [CT_SCENARIO_STEP_SHOW] = "show",
    [CT_SCENARIO_STEP_CHECK_HOST] = "check-host",
    [CT_SCENARIO_STEP_TRUST] = "trust",
    [CT_SCENARIO_STEP_UNTRUST] = "untrust",
    [CT_SCENARIO_STEP_EXPORT] = "export",
    [CT_SCENARIO_STEP_STATUS] = "status",
    [CT_SCENARIO_STEP_LIST] = "list",
    [CT_SCENARIO_STEP_VERIFY] = "verify",
    [CT_SCENARIO_STEP_SESSION] = "session",
    [CT_SCENARIO_STEP_REGENERATE] = "regenerate",
    [CT_SCENARIO_STEP_RESTART] = "restart",
    [CT_SCENARIO_STEP_SOAP] = "soap",
    [CT_SCENARIO_STEP_FLOW] = "flow",
};

static const gchar *const ct_scenario_stores[] = {"firefox", "chromium", "nss", "system", NULL};
static const gchar *const ct_scenario_problems[] = {"unknown-ca",    "bad-identity",
						    "not-activated", "expired",
						    "revoked",	     "insecure",
						    "generic-error", NULL};
static const gchar *const ct_scenario_trust_results[] = {"done",       "unchanged", "refused",
							 "failed",     "skipped",   "dry-run",
							 "needs-root", NULL};
static const gchar *const ct_scenario_untrust_results[] = {"removed", "absent", "refused", "failed",
							   NULL};
static const gchar *const ct_scenario_statuses[] = {"trusted", "changed", "not-trusted", "removed",
						    NULL};
static const gchar *const ct_scenario_export_sets[] = {"ie8",	    "firefox3", "safari4",
						       "der",	    "base64",	"pem",
						       "pem-chain", "pkcs7",	"pkcs7-chain",
						       NULL};
static const gchar *const ct_scenario_roles[] = {"leaf", "intermediate", "root", NULL};
static const gchar *const ct_scenario_files[] =
    {"server",		 "pem",	       "der", "root-pem", "root-der", "intermediate-pem",
     "intermediate-der", "full-chain", NULL};
static const gchar *const ct_scenario_flows[] = {"ie8", "firefox3", "safari4", NULL};
static const gchar *const ct_scenario_choices[] = {"continue", "cancel", "session", "permanent",
						   NULL};
static const gchar *const ct_scenario_flow_outcomes[] = {"trusted", "session",	     "no-warning",
							 "blocked", "name-mismatch", "refused",
							 "failed",  "not-found",     "needs-root",
							 NULL};
static const gchar *const ct_scenario_actions[] = {"exception", "nss", "anchor", "none", NULL};
static const gchar *const ct_scenario_verdicts[] =
    {"loads",	  "name-mismatch",   "no-san",	"expired", "ca-as-end-entity",
     "untrusted", "if-issued-by-it", "old-tls", NULL};

/* the header lines, before the steps */
static const gchar *const ct_scenario_headers[] = {"scenario", "profile", "server", "name",
						   "resolve",  "layout",  NULL};

/* the words that end a list of names or stores */
static const gchar *const ct_scenario_keywords[] = {"expect", "todo",	"path",	    "name",
						    "from",   "mode",	"allow-ca", "exact",
						    "store",  "choice", "export",   NULL};

const gchar *
ct_scenario_step_kind_to_string(CtScenarioStepKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(ct_scenario_kinds))
		return "unknown";
	return ct_scenario_kinds[kind];
}

const gchar *
ct_scenario_layout_to_string(CtScenarioLayout layout)
{
	return layout == CT_SCENARIO_LAYOUT_LEGACY ? "legacy" : "current";
}

gboolean
ct_scenario_layout_from_string(const gchar *text, CtScenarioLayout *layout)
{
	if (g_strcmp0(text, "legacy") == 0)
		*layout = CT_SCENARIO_LAYOUT_LEGACY;
	else if (g_strcmp0(text, "current") == 0)
		*layout = CT_SCENARIO_LAYOUT_CURRENT;
	else
		return FALSE;
	return TRUE;
}

gboolean
ct_scenario_step_needs_browser(const CtScenarioStep *step)
{
	/* Firefox 3's unticked "Permanently store this exception" opens a real Firefox */
	gboolean firefox_session = step->kind == CT_SCENARIO_STEP_FLOW &&
				   g_strcmp0(step->browser, "firefox3") == 0 &&
				   g_ptr_array_find_with_equal_func(step->choices, "session",
								    g_str_equal, NULL);
	return step->kind == CT_SCENARIO_STEP_VERIFY || step->kind == CT_SCENARIO_STEP_SESSION ||
	       firefox_session;
}

static void
ct_scenario_prediction_free(CtScenarioPrediction *prediction)
{
	g_free(prediction->name);
	g_free(prediction->browser);
	g_free(prediction->verdict);
	g_free(prediction);
}

static void
ct_scenario_store_result_free(CtScenarioStoreResult *result)
{
	g_free(result->store);
	g_free(result->result);
	g_free(result);
}

static void
ct_scenario_step_free(CtScenarioStep *step)
{
	g_free(step->text);
	g_ptr_array_unref(step->names);
	g_ptr_array_unref(step->stores);
	g_free(step->browser);
	g_ptr_array_unref(step->choices);
	g_ptr_array_unref(step->dialogs);
	g_ptr_array_unref(step->paths);
	g_free(step->mode);
	g_free(step->from);
	g_free(step->format);
	g_free(step->todo);
	g_free(step->outcome);
	g_ptr_array_unref(step->problems);
	g_free(step->error_code);
	g_free(step->title);
	g_ptr_array_unref(step->order);
	g_free(step->strict);
	g_free(step->legacy);
	g_free(step->firefox);
	g_free(step->chromium);
	g_ptr_array_unref(step->results);
	g_free(step->action);
	g_free(step->flags);
	g_ptr_array_unref(step->predictions);
	g_free(step);
}

static CtScenarioStep *
ct_scenario_step_new(guint line)
{
	CtScenarioStep *step = g_new0(CtScenarioStep, 1);

	step->line = line;
	step->names = g_ptr_array_new_with_free_func(g_free);
	step->choices = g_ptr_array_new_with_free_func(g_free);
	step->dialogs = g_ptr_array_new_with_free_func(g_free);
	step->paths = g_ptr_array_new_with_free_func(g_free);
	step->stores = g_ptr_array_new_with_free_func(g_free);
	step->problems = g_ptr_array_new_with_free_func(g_free);
	step->order = g_ptr_array_new_with_free_func(g_free);
	step->results = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)ct_scenario_store_result_free);
	step->predictions = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)ct_scenario_prediction_free);
	step->http_status = -1;
	step->https_status = -1;
	step->certificates = -1;
	step->files = -1;
	step->version = -1;
	step->self_signed = -1;
	step->ca_capable = -1;
	step->entries = -1;
	return step;
}

void
ct_scenario_free(CtScenario *scenario)
{
	if (scenario == NULL)
		return;
	g_free(scenario->path);
	g_free(scenario->name);
	g_free(scenario->description);
	g_free(scenario->profile);
	g_free(scenario->server);
	g_free(scenario->address);
	g_ptr_array_unref(scenario->names);
	g_ptr_array_unref(scenario->steps);
	g_free(scenario);
}

/* one line's words, and where the parser is among them */
typedef struct {
	const gchar *path;
	guint line;
	GPtrArray *tokens; /* gchar* */
	guint pos;
} CtScenarioCursor;

static const gchar *
ct_scenario_peek(CtScenarioCursor *cursor)
{
	if (cursor->pos >= cursor->tokens->len)
		return NULL;
	return g_ptr_array_index(cursor->tokens, cursor->pos);
}

static const gchar *
ct_scenario_next(CtScenarioCursor *cursor)
{
	const gchar *token = ct_scenario_peek(cursor);
	if (token != NULL)
		cursor->pos++;
	return token;
}

static gboolean
ct_scenario_accept(CtScenarioCursor *cursor, const gchar *word)
{
	if (g_strcmp0(ct_scenario_peek(cursor), word) != 0)
		return FALSE;
	cursor->pos++;
	return TRUE;
}

static gboolean
ct_scenario_at_end(CtScenarioCursor *cursor)
{
	return ct_scenario_peek(cursor) == NULL;
}

static gchar *
ct_scenario_describe(const gchar *token)
{
	g_autofree gchar *safe = NULL;
	if (token == NULL)
		return g_strdup("the end of the line");
	safe = ct_escape_for_terminal(token, -1, 60);
	return g_strdup_printf("'%s'", safe);
}

/* "PATH:LINE: expected WHAT, got 'TOKEN'" about the token at the cursor */
static gboolean
ct_scenario_expected(CtScenarioCursor *cursor, const gchar *what, GError **error)
{
	g_autofree gchar *got = ct_scenario_describe(ct_scenario_peek(cursor));
	g_autofree gchar *path = ct_escape_for_terminal(cursor->path, -1, 0);
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "%s:%u: expected %s, got %s", path,
		    cursor->line, what, got);
	return FALSE;
}

static gboolean
ct_scenario_in(const gchar *const *words, const gchar *word)
{
	return word != NULL && g_strv_contains(words, word);
}

static gchar *
ct_scenario_join_words(const gchar *const *words)
{
	return g_strjoinv(", ", (gchar **)words);
}

/* take one of words, or fail naming them */
static gboolean
ct_scenario_take_word(CtScenarioCursor *cursor,
		      const gchar *what,
		      const gchar *const *words,
		      gchar **out,
		      GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	g_autofree gchar *list = NULL;
	g_autofree gchar *expected = NULL;

	if (ct_scenario_in(words, token)) {
		g_free(*out);
		*out = g_strdup(ct_scenario_next(cursor));
		return TRUE;
	}
	list = ct_scenario_join_words(words);
	expected = g_strdup_printf("%s (%s)", what, list);
	return ct_scenario_expected(cursor, expected, error);
}

static gboolean
ct_scenario_take_number(CtScenarioCursor *cursor,
			const gchar *what,
			guint64 min,
			guint64 max,
			gint *out,
			GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	guint64 value = 0;

	if (token == NULL || !g_ascii_string_to_unsigned(token, 10, min, max, &value, NULL)) {
		g_autofree gchar *expected = g_strdup_printf("%s (a number from %" G_GUINT64_FORMAT
							     " to %" G_GUINT64_FORMAT ")",
							     what, min, max);
		return ct_scenario_expected(cursor, expected, error);
	}
	cursor->pos++;
	*out = (gint)value;
	return TRUE;
}

static gboolean
ct_scenario_take_yes_no(CtScenarioCursor *cursor, const gchar *what, gint *out, GError **error)
{
	const gchar *const words[] = {"yes", "no", NULL};
	g_autofree gchar *word = NULL;

	if (!ct_scenario_take_word(cursor, what, words, &word, error))
		return FALSE;
	*out = g_strcmp0(word, "yes") == 0 ? 1 : 0;
	return TRUE;
}

static gboolean
ct_scenario_take_text(CtScenarioCursor *cursor, const gchar *what, gchar **out, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	if (token == NULL)
		return ct_scenario_expected(cursor, what, error);
	g_free(*out);
	*out = g_strdup(ct_scenario_next(cursor));
	return TRUE;
}

/* a host name (letters, digits, '-', '_', dots) or an IPv4 address, never a keyword */
static gboolean
ct_scenario_is_name(const gchar *token)
{
	gsize len;

	if (token == NULL || ct_scenario_in(ct_scenario_keywords, token))
		return FALSE;
	len = strlen(token);
	if (len == 0 || len > 253 || token[0] == '.' || token[0] == '-' || token[len - 1] == '.')
		return FALSE;
	for (const gchar *p = token; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
			return FALSE;
		if (*p == '.' && p[1] == '.')
			return FALSE;
	}
	return TRUE;
}

/* "nothing leaves loopback" for a scenario on serve: a name is mapped to 127.0.0.1, but
 * an address is connected to as it is, so an IPv4 address must be a loopback one; and a
 * number that is not a dotted quad (0x7f.1, 10.1, 2130706433: inet_aton() and the
 * browsers read it as an address, a mapping does not catch it) is never a name (IPv6 has
 * no place in a name: ':' is refused by the tokens already) */
static gboolean
ct_scenario_check_loopback_name(CtScenarioCursor *cursor,
				const CtScenario *scenario,
				const gchar *name,
				GError **error)
{
	g_autofree gchar *path = NULL;
	struct in_addr address;

	if (inet_aton(name, &address) == 0)
		return TRUE;
	path = ct_escape_for_terminal(cursor->path, -1, 0);
	if (!g_hostname_is_ip_address(name)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "%s:%u: expected a host name or an IPv4 address in four decimal parts, "
			    "got '%s': a number read as an IPv4 address",
			    path, cursor->line, name);
		return FALSE;
	}
	if (scenario->server != NULL || (ntohl(address.s_addr) >> 24) == 127)
		return TRUE;
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
		    "%s:%u: expected a host name or a loopback address (127.0.0.1), got '%s': "
		    "the scenario's server is on 127.0.0.1 and an address is connected to as it "
		    "is (a host name is mapped to 127.0.0.1)",
		    path, cursor->line, name);
	return FALSE;
}

static gboolean
ct_scenario_check_loopback_names(CtScenarioCursor *cursor,
				 const CtScenario *scenario,
				 GPtrArray *names,
				 GError **error)
{
	for (guint i = 0; i < names->len; i++) {
		if (!ct_scenario_check_loopback_name(cursor, scenario, g_ptr_array_index(names, i),
						     error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
ct_scenario_take_name(CtScenarioCursor *cursor, GPtrArray *names, GError **error)
{
	if (!ct_scenario_is_name(ct_scenario_peek(cursor)))
		return ct_scenario_expected(cursor, "a host name or an IPv4 address", error);
	g_ptr_array_add(names, g_ascii_strdown(ct_scenario_next(cursor), -1));
	return TRUE;
}

/* the words of one line: separated by blanks, "quoted" (with \" and \\) when they hold
 * blanks, up to a '#' that starts a word */
static GPtrArray *
ct_scenario_tokenize(const gchar *path, guint line, const gchar *text, GError **error)
{
	g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func(g_free);
	const gchar *p = text;

	for (;;) {
		g_autoptr(GString) token = NULL;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		token = g_string_new(NULL);
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					g_autofree gchar *safe = ct_escape_for_terminal(path, -1,
											0);
					g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
						    "%s:%u: expected a closing '\"', got the end "
						    "of the line",
						    safe, line);
					return NULL;
				}
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				g_string_append_c(token, *p);
			}
			p++;
		} else {
			while (*p != '\0' && *p != ' ' && *p != '\t')
				g_string_append_c(token, *p++);
		}
		g_ptr_array_add(tokens, g_string_free(g_steal_pointer(&token), FALSE));
	}
	return g_steal_pointer(&tokens);
}

/* the step's words again, for reports: quoted where they hold blanks */
static gchar *
ct_scenario_join_tokens(GPtrArray *tokens, guint from)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = from; i < tokens->len; i++) {
		const gchar *token = g_ptr_array_index(tokens, i);
		if (text->len > 0)
			g_string_append_c(text, ' ');
		if (token[0] != '\0' && strpbrk(token, " \t#\"\\") == NULL) {
			g_string_append(text, token);
			continue;
		}
		g_string_append_c(text, '"');
		for (const gchar *p = token; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c(text, '\\');
			g_string_append_c(text, *p);
		}
		g_string_append_c(text, '"');
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* the operands of each kind, up to `expect`, `todo` or the end */
static gboolean
ct_scenario_parse_operands(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *browsers[] = {"firefox", "chromium", NULL};
	const gchar *modes[] = {"exception", "anchor", NULL};
	const gchar *untrust_from[] = {"server",
				       "pem",
				       "der",
				       "root-pem",
				       "root-der",
				       "intermediate-pem",
				       "intermediate-der",
				       "full-chain",
				       "trusted",
				       NULL};

	switch (step->kind) {
	case CT_SCENARIO_STEP_EXPORT:
		if (!ct_scenario_take_word(cursor, "a format or a browser's set",
					   ct_scenario_export_sets, &step->format, error))
			return FALSE;
		break;
	case CT_SCENARIO_STEP_VERIFY:
	case CT_SCENARIO_STEP_SESSION:
		if (!ct_scenario_take_word(cursor, "a browser", browsers, &step->browser, error))
			return FALSE;
		break;
	case CT_SCENARIO_STEP_CHECK_HOST:
		if (!ct_scenario_take_name(cursor, step->names, error))
			return FALSE;
		break;
	case CT_SCENARIO_STEP_FLOW:
		if (!ct_scenario_take_word(cursor, "a browser's flow", ct_scenario_flows,
					   &step->browser, error))
			return FALSE;
		break;
	case CT_SCENARIO_STEP_ACCESS:
	case CT_SCENARIO_STEP_SHOW:
	case CT_SCENARIO_STEP_TRUST:
	case CT_SCENARIO_STEP_UNTRUST:
	case CT_SCENARIO_STEP_STATUS:
	case CT_SCENARIO_STEP_LIST:
	case CT_SCENARIO_STEP_REGENERATE:
	case CT_SCENARIO_STEP_RESTART:
	case CT_SCENARIO_STEP_SOAP:
	default:
		break;
	}

	while (!ct_scenario_at_end(cursor) && g_strcmp0(ct_scenario_peek(cursor), "expect") != 0 &&
	       g_strcmp0(ct_scenario_peek(cursor), "todo") != 0) {
		const gchar *token = ct_scenario_peek(cursor);
		CtScenarioStepKind kind = step->kind;
		gboolean takes_stores = kind == CT_SCENARIO_STEP_TRUST ||
					kind == CT_SCENARIO_STEP_UNTRUST ||
					kind == CT_SCENARIO_STEP_STATUS ||
					kind == CT_SCENARIO_STEP_LIST;
		gboolean takes_names = kind == CT_SCENARIO_STEP_CHECK_HOST ||
				       kind == CT_SCENARIO_STEP_VERIFY ||
				       kind == CT_SCENARIO_STEP_SESSION ||
				       (kind == CT_SCENARIO_STEP_ACCESS && step->names->len == 0);
		gboolean takes_from = kind == CT_SCENARIO_STEP_TRUST ||
				      kind == CT_SCENARIO_STEP_EXPORT ||
				      kind == CT_SCENARIO_STEP_SHOW;

		if (takes_stores && ct_scenario_in(ct_scenario_stores, token)) {
			g_ptr_array_add(step->stores, g_strdup(ct_scenario_next(cursor)));
		} else if (takes_names && ct_scenario_is_name(token)) {
			if (!ct_scenario_take_name(cursor, step->names, error))
				return FALSE;
		} else if (kind == CT_SCENARIO_STEP_ACCESS && ct_scenario_accept(cursor, "path")) {
			if (ct_scenario_peek(cursor) == NULL ||
			    ct_scenario_peek(cursor)[0] != '/' ||
			    strpbrk(ct_scenario_peek(cursor), "?#") != NULL)
				return ct_scenario_expected(cursor, "a path that starts with '/'",
							    error);
			g_ptr_array_add(step->paths, g_strdup(ct_scenario_next(cursor)));
		} else if (kind == CT_SCENARIO_STEP_TRUST && ct_scenario_accept(cursor, "mode")) {
			if (!ct_scenario_take_word(cursor, "a mode", modes, &step->mode, error))
				return FALSE;
		} else if ((kind == CT_SCENARIO_STEP_TRUST || kind == CT_SCENARIO_STEP_FLOW) &&
			   ct_scenario_accept(cursor, "allow-ca")) {
			step->allow_ca = TRUE;
		} else if (kind == CT_SCENARIO_STEP_FLOW && ct_scenario_accept(cursor, "choice")) {
			g_autofree gchar *choice = NULL;
			if (!ct_scenario_take_word(cursor, "a choice", ct_scenario_choices, &choice,
						   error))
				return FALSE;
			g_ptr_array_add(step->choices, g_steal_pointer(&choice));
		} else if (kind == CT_SCENARIO_STEP_FLOW && ct_scenario_accept(cursor, "export")) {
			step->exports = TRUE;
		} else if ((kind == CT_SCENARIO_STEP_TRUST || kind == CT_SCENARIO_STEP_FLOW) &&
			   ct_scenario_accept(cursor, "name")) {
			if (!ct_scenario_take_name(cursor, step->names, error))
				return FALSE;
		} else if (takes_from && ct_scenario_accept(cursor, "from")) {
			if (!ct_scenario_take_word(cursor, "a file of the server's",
						   ct_scenario_files, &step->from, error))
				return FALSE;
		} else if (kind == CT_SCENARIO_STEP_UNTRUST && ct_scenario_accept(cursor, "from")) {
			if (!ct_scenario_take_word(cursor, "a file of the server's or 'trusted'",
						   untrust_from, &step->from, error))
				return FALSE;
		} else if (kind == CT_SCENARIO_STEP_STATUS && ct_scenario_accept(cursor, "exact")) {
			step->exact = TRUE;
		} else if (kind == CT_SCENARIO_STEP_VERIFY && ct_scenario_accept(cursor, "store")) {
			const gchar *verify_stores[] = {"firefox", "chromium", "nss", NULL};
			g_autofree gchar *store = NULL;
			if (!ct_scenario_take_word(cursor, "a store", verify_stores, &store, error))
				return FALSE;
			g_ptr_array_add(step->stores, g_steal_pointer(&store));
		} else {
			const gchar *what[] = {
			    [CT_SCENARIO_STEP_ACCESS] = "a host name, 'path', 'expect' or 'todo'",
			    [CT_SCENARIO_STEP_SHOW] = "'from', 'expect' or 'todo'",
			    [CT_SCENARIO_STEP_CHECK_HOST] = "a host name, 'expect' or 'todo'",
			    [CT_SCENARIO_STEP_TRUST] =
				"a store (firefox, chromium, nss, system), 'mode', 'allow-ca', "
				"'name', 'from', 'expect' or 'todo'",
			    [CT_SCENARIO_STEP_UNTRUST] =
				"a store (firefox, chromium, nss, system), 'from', 'expect' or "
				"'todo'",
			    [CT_SCENARIO_STEP_EXPORT] = "'from', 'expect' or 'todo'",
			    [CT_SCENARIO_STEP_STATUS] =
				"'exact', a store (firefox, chromium, nss, system), 'expect' or "
				"'todo'",
			    [CT_SCENARIO_STEP_LIST] =
				"a store (firefox, chromium, nss, system), 'expect' or 'todo'",
			    [CT_SCENARIO_STEP_VERIFY] = "a host name, 'store', 'expect' or 'todo'",
			    [CT_SCENARIO_STEP_SESSION] = "a host name, 'expect' or 'todo'",
			    [CT_SCENARIO_STEP_REGENERATE] = "the end of the line or 'todo'",
			    [CT_SCENARIO_STEP_RESTART] = "the end of the line or 'todo'",
			    [CT_SCENARIO_STEP_SOAP] = "'expect' or 'todo'",
			    [CT_SCENARIO_STEP_FLOW] =
				"'choice', 'name', 'allow-ca', 'export', 'expect' or 'todo'",
			};
			return ct_scenario_expected(cursor, what[kind], error);
		}
	}
	if (step->kind == CT_SCENARIO_STEP_VERIFY && step->stores->len > 1)
		return ct_scenario_expected(cursor, "one 'store' at most", error);
	return TRUE;
}

static gboolean
ct_scenario_parse_store_result(CtScenarioCursor *cursor,
			       CtScenarioStep *step,
			       const gchar *const *results,
			       GError **error)
{
	CtScenarioStoreResult *result = g_new0(CtScenarioStoreResult, 1);

	if (ct_scenario_in(ct_scenario_stores, ct_scenario_peek(cursor)))
		result->store = g_strdup(ct_scenario_next(cursor));
	g_ptr_array_add(step->results, result);
	return ct_scenario_take_word(cursor, "a result", results, &result->result, error);
}

static gboolean
ct_scenario_parse_prediction(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *browsers[] = {"firefox", "chromium", "os", NULL};
	CtScenarioPrediction *prediction = NULL;
	g_autoptr(GPtrArray) name = g_ptr_array_new_with_free_func(g_free);

	/* a prediction is kept only with its name: the checks after parsing compare names */
	if (!ct_scenario_take_name(cursor, name, error))
		return FALSE;
	prediction = g_new0(CtScenarioPrediction, 1);
	prediction->name = g_strdup(g_ptr_array_index(name, 0));
	g_ptr_array_add(step->predictions, prediction);
	if (!ct_scenario_take_word(cursor, "a browser", browsers, &prediction->browser, error))
		return FALSE;
	/* trust reports the OS store's clients as "curl, GLib" */
	if (g_strcmp0(prediction->browser, "os") == 0) {
		g_free(prediction->browser);
		prediction->browser = g_strdup("curl, GLib");
	}
	return ct_scenario_take_word(cursor, "a verdict", ct_scenario_verdicts,
				     &prediction->verdict, error);
}

static gboolean
ct_scenario_parse_order(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	g_auto(GStrv) roles = NULL;

	if (token == NULL)
		return ct_scenario_expected(cursor, "roles such as leaf,intermediate,root", error);
	roles = g_strsplit(token, ",", -1);
	for (guint i = 0; roles[i] != NULL; i++) {
		if (!ct_scenario_in(ct_scenario_roles, roles[i]))
			return ct_scenario_expected(
			    cursor, "roles (leaf, intermediate, root) separated by ','", error);
	}
	g_ptr_array_set_size(step->order, 0);
	for (guint i = 0; roles[i] != NULL; i++)
		g_ptr_array_add(step->order, g_strdup(roles[i]));
	cursor->pos++;
	return TRUE;
}

/* one item after `expect`; what may come depends on the kind */
static gboolean
ct_scenario_parse_expectation(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	const gchar *match[] = {"match", "mismatch", NULL};
	const gchar *outcomes[] = {"loads", "blocked", NULL};

	switch (step->kind) {
	case CT_SCENARIO_STEP_ACCESS:
		if (ct_scenario_accept(cursor, "loads")) {
			g_free(step->outcome);
			step->outcome = g_strdup("loads");
			return TRUE;
		}
		if (ct_scenario_accept(cursor, "blocked")) {
			g_free(step->outcome);
			step->outcome = g_strdup("blocked");
			if (!ct_scenario_in(ct_scenario_problems, ct_scenario_peek(cursor))) {
				g_autofree gchar *list = ct_scenario_join_words(
				    ct_scenario_problems);
				g_autofree gchar *what = g_strdup_printf("a problem (%s)", list);
				return ct_scenario_expected(cursor, what, error);
			}
			while (ct_scenario_in(ct_scenario_problems, ct_scenario_peek(cursor)))
				g_ptr_array_add(step->problems, g_strdup(ct_scenario_next(cursor)));
			return TRUE;
		}
		if (ct_scenario_accept(cursor, "http"))
			return ct_scenario_take_number(cursor, "an HTTP status", 100, 599,
						       &step->http_status, error);
		if (ct_scenario_accept(cursor, "title")) {
			/* one title for one page */
			if (step->paths->len > 1) {
				cursor->pos--;
				return ct_scenario_expected(cursor, "no 'title' for several paths",
							    error);
			}
			return ct_scenario_take_text(cursor, "a page title", &step->title, error);
		}
		if (ct_scenario_accept(cursor, "certificates"))
			return ct_scenario_take_number(cursor, "a certificate count", 0, 100,
						       &step->certificates, error);
		return ct_scenario_expected(cursor,
					    "'loads', 'blocked PROBLEM...', 'http N', 'title TEXT' "
					    "or 'certificates N'",
					    error);
	case CT_SCENARIO_STEP_SHOW:
		if (ct_scenario_accept(cursor, "version"))
			return ct_scenario_take_number(cursor, "a version", 1, 3, &step->version,
						       error);
		if (ct_scenario_accept(cursor, "self-signed"))
			return ct_scenario_take_yes_no(cursor, "yes or no", &step->self_signed,
						       error);
		if (ct_scenario_accept(cursor, "ca-capable"))
			return ct_scenario_take_yes_no(cursor, "yes or no", &step->ca_capable,
						       error);
		if (ct_scenario_accept(cursor, "certificates"))
			return ct_scenario_take_number(cursor, "a certificate count", 0, 100,
						       &step->certificates, error);
		return ct_scenario_expected(
		    cursor,
		    "'version N', 'self-signed yes|no', 'ca-capable yes|no' or "
		    "'certificates N'",
		    error);
	case CT_SCENARIO_STEP_CHECK_HOST:
		if (ct_scenario_accept(cursor, "strict"))
			return ct_scenario_take_word(cursor, "a verdict", match, &step->strict,
						     error);
		if (ct_scenario_accept(cursor, "legacy"))
			return ct_scenario_take_word(cursor, "a verdict", match, &step->legacy,
						     error);
		if (ct_scenario_accept(cursor, "firefox"))
			return ct_scenario_take_word(cursor, "a verdict", match, &step->firefox,
						     error);
		if (ct_scenario_accept(cursor, "chromium"))
			return ct_scenario_take_word(cursor, "a verdict", match, &step->chromium,
						     error);
		return ct_scenario_expected(cursor,
					    "'strict match|mismatch', 'legacy match|mismatch', "
					    "'firefox match|mismatch' or 'chromium match|mismatch'",
					    error);
	case CT_SCENARIO_STEP_TRUST:
		if (ct_scenario_accept(cursor, "action"))
			return ct_scenario_take_word(cursor, "an action", ct_scenario_actions,
						     &step->action, error);
		if (ct_scenario_accept(cursor, "flags"))
			return ct_scenario_take_text(cursor, "NSS trust flags such as P,,",
						     &step->flags, error);
		if (ct_scenario_accept(cursor, "predict"))
			return ct_scenario_parse_prediction(cursor, step, error);
		if (ct_scenario_in(ct_scenario_stores, token) ||
		    ct_scenario_in(ct_scenario_trust_results, token))
			return ct_scenario_parse_store_result(cursor, step,
							      ct_scenario_trust_results, error);
		return ct_scenario_expected(cursor,
					    "a result (done, unchanged, refused, ...), 'STORE "
					    "RESULT', 'action A', 'flags F' or 'predict NAME "
					    "BROWSER VERDICT'",
					    error);
	case CT_SCENARIO_STEP_UNTRUST:
		if (ct_scenario_accept(cursor, "not-found")) {
			g_free(step->outcome);
			step->outcome = g_strdup("not-found");
			return TRUE;
		}
		if (ct_scenario_in(ct_scenario_stores, token) ||
		    ct_scenario_in(ct_scenario_untrust_results, token))
			return ct_scenario_parse_store_result(cursor, step,
							      ct_scenario_untrust_results, error);
		return ct_scenario_expected(cursor,
					    "a result (removed, absent, refused, failed), 'STORE "
					    "RESULT' or 'not-found'",
					    error);
	case CT_SCENARIO_STEP_EXPORT:
		if (ct_scenario_accept(cursor, "files"))
			return ct_scenario_take_number(cursor, "a file count", 1, 100, &step->files,
						       error);
		if (ct_scenario_accept(cursor, "certificates"))
			return ct_scenario_take_number(cursor, "a certificate count", 1, 100,
						       &step->certificates, error);
		if (ct_scenario_accept(cursor, "order"))
			return ct_scenario_parse_order(cursor, step, error);
		return ct_scenario_expected(cursor, "'files N', 'certificates N' or 'order ROLES'",
					    error);
	case CT_SCENARIO_STEP_STATUS:
		return ct_scenario_take_word(cursor, "a status", ct_scenario_statuses,
					     &step->outcome, error);
	case CT_SCENARIO_STEP_LIST:
		if (ct_scenario_accept(cursor, "entries"))
			return ct_scenario_take_number(cursor, "an entry count", 0, 1000,
						       &step->entries, error);
		return ct_scenario_expected(cursor, "'entries N'", error);
	case CT_SCENARIO_STEP_VERIFY:
	case CT_SCENARIO_STEP_SESSION:
		if (!ct_scenario_take_word(cursor, "an outcome", outcomes, &step->outcome, error))
			return FALSE;
		if (g_strcmp0(step->outcome, "blocked") != 0)
			return TRUE;
		token = ct_scenario_peek(cursor);
		if (token == NULL ||
		    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:") != strlen(token))
			return ct_scenario_expected(
			    cursor, "the browser's error code (e.g. ERR_CERT_AUTHORITY_INVALID)",
			    error);
		g_free(step->error_code);
		step->error_code = g_strdup(ct_scenario_next(cursor));
		return TRUE;
	case CT_SCENARIO_STEP_SOAP:
		if (ct_scenario_accept(cursor, "http"))
			return ct_scenario_take_number(cursor, "an HTTP status", 100, 599,
						       &step->http_status, error);
		if (ct_scenario_accept(cursor, "https"))
			return ct_scenario_take_number(cursor, "an HTTP status", 100, 599,
						       &step->https_status, error);
		return ct_scenario_expected(cursor, "'http N' or 'https N'", error);
	case CT_SCENARIO_STEP_FLOW:
		if (ct_scenario_in(ct_scenario_flow_outcomes, token))
			return ct_scenario_take_word(cursor, "an outcome",
						     ct_scenario_flow_outcomes, &step->outcome,
						     error);
		if (ct_scenario_accept(cursor, "files"))
			return ct_scenario_take_number(cursor, "a file count", 0, 100, &step->files,
						       error);
		if (ct_scenario_accept(cursor, "dialog")) {
			g_autofree gchar *title = NULL;
			if (!ct_scenario_take_text(cursor, "a dialog's title", &title, error))
				return FALSE;
			g_ptr_array_add(step->dialogs, g_steal_pointer(&title));
			return TRUE;
		}
		return ct_scenario_expected(cursor,
					    "an outcome (trusted, session, blocked, name-mismatch, "
					    "refused, ...), 'files N' or 'dialog TITLE'",
					    error);
	case CT_SCENARIO_STEP_REGENERATE:
	case CT_SCENARIO_STEP_RESTART:
	default:
		return ct_scenario_expected(cursor, "the end of the line", error);
	}
}

static gboolean
ct_scenario_parse_step(CtScenarioCursor *cursor, CtScenarioStep **out, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	g_autoptr(GPtrArray) kinds = g_ptr_array_new();
	CtScenarioStep *step = NULL;
	gboolean takes_expect;

	for (guint i = 0; i < G_N_ELEMENTS(ct_scenario_kinds); i++) {
		if (g_strcmp0(token, ct_scenario_kinds[i]) == 0) {
			step = ct_scenario_step_new(cursor->line);
			step->kind = (CtScenarioStepKind)i;
		}
		g_ptr_array_add(kinds, (gpointer)ct_scenario_kinds[i]);
	}
	g_ptr_array_add(kinds, NULL);
	if (step == NULL) {
		g_autofree gchar *list = ct_scenario_join_words((const gchar *const *)kinds->pdata);
		g_autofree gchar *what = g_strdup_printf("a step kind (%s)", list);
		return ct_scenario_expected(cursor, what, error);
	}
	*out = step;
	cursor->pos++;
	step->text = ct_scenario_join_tokens(cursor->tokens, cursor->pos - 1);
	if (!ct_scenario_parse_operands(cursor, step, error))
		return FALSE;

	takes_expect = step->kind != CT_SCENARIO_STEP_REGENERATE &&
		       step->kind != CT_SCENARIO_STEP_RESTART;
	/* regenerate and restart check themselves: a new certificate, the same one */
	if (!takes_expect && g_strcmp0(ct_scenario_peek(cursor), "expect") == 0)
		return ct_scenario_expected(cursor, "the end of the line or 'todo'", error);
	if (takes_expect) {
		/* a step without expectations could not fail */
		if (!ct_scenario_accept(cursor, "expect"))
			return ct_scenario_expected(cursor, "'expect' and what must come out",
						    error);
		if (ct_scenario_at_end(cursor) || g_strcmp0(ct_scenario_peek(cursor), "todo") == 0)
			return ct_scenario_expected(cursor, "what must come out after 'expect'",
						    error);
		while (!ct_scenario_at_end(cursor) &&
		       g_strcmp0(ct_scenario_peek(cursor), "todo") != 0) {
			if (!ct_scenario_parse_expectation(cursor, step, error))
				return FALSE;
		}
	}
	if (ct_scenario_accept(cursor, "todo")) {
		if (!ct_scenario_take_text(cursor, "why the step is known to fail", &step->todo,
					   error))
			return FALSE;
	}
	if (!ct_scenario_at_end(cursor))
		return ct_scenario_expected(cursor, "the end of the line", error);
	if ((step->kind == CT_SCENARIO_STEP_STATUS || step->kind == CT_SCENARIO_STEP_VERIFY ||
	     step->kind == CT_SCENARIO_STEP_SESSION || step->kind == CT_SCENARIO_STEP_FLOW) &&
	    step->outcome == NULL)
		return ct_scenario_expected(cursor,
					    step->kind == CT_SCENARIO_STEP_STATUS
						? "a status after 'expect'"
					    : step->kind == CT_SCENARIO_STEP_FLOW
						? "the flow's outcome after 'expect'"
						: "'loads' or 'blocked CODE' after 'expect'",
					    error);
	if (step->kind == CT_SCENARIO_STEP_FLOW && step->files >= 0 && !step->exports)
		return ct_scenario_expected(cursor, "'export' before expecting files", error);
	return TRUE;
}

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
	scenario->port = g_uri_get_port(uri) > 0 ? (guint)g_uri_get_port(uri) : 443;
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
	g_autofree gchar *profiles = ct_scenario_join_words(ct_server_get_profiles());

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
		if (!ct_scenario_in(ct_server_get_profiles(), ct_scenario_peek(cursor)))
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
	const gchar *why = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *text = NULL;

	if (scenario->server == NULL)
		return TRUE;
	if (step->kind == CT_SCENARIO_STEP_REGENERATE || step->kind == CT_SCENARIO_STEP_RESTART)
		why = "it restarts serve";
	else if (step->kind == CT_SCENARIO_STEP_SOAP)
		why = "it needs serve's plain HTTP port and certificate file";
	else if (step->from != NULL && g_strcmp0(step->from, "server") != 0 &&
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
			CtScenarioStep *step = NULL;
			gboolean ok;
			cursor.pos++;
			ok = ct_scenario_parse_step(&cursor, &step, &error_local);
			if (step != NULL)
				g_ptr_array_add(scenario->steps, step);
			if (ok)
				ok = ct_scenario_check_external_step(&cursor, scenario, step,
								     &error_local);
			/* check-host only compares names; it connects to nothing */
			if (ok && step->kind != CT_SCENARIO_STEP_CHECK_HOST)
				ok = ct_scenario_check_loopback_names(&cursor, scenario,
								      step->names, &error_local);
			if (!ok)
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
	if (!g_hash_table_contains(seen, "profile") && !g_hash_table_contains(seen, "server")) {
		g_autofree gchar *profiles = ct_scenario_join_words(ct_server_get_profiles());
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
	if (problems->len > 0) {
		g_autofree gchar *all = NULL;
		if (problems->len > CT_SCENARIO_MAX_PROBLEMS) {
			g_ptr_array_set_size(problems, CT_SCENARIO_MAX_PROBLEMS);
			g_ptr_array_add(problems,
					g_strdup_printf("%s: more errors: only the first %u are "
							"shown",
							safe_path, CT_SCENARIO_MAX_PROBLEMS));
		}
		g_ptr_array_add(problems, NULL);
		all = g_strjoinv("\n", (gchar **)problems->pdata);
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA, all);
		return NULL;
	}
	if (description->len > 0)
		scenario->description = g_strdup(description->str);
	return g_steal_pointer(&scenario);
}

/* what a file that is not a regular one is, for the error */
static const gchar *
ct_scenario_file_type(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* the whole of a regular file: opened without blocking (a FIFO would wait for a writer
 * for ever) and refused unless fstat() says regular; at most CT_SCENARIO_MAX_FILE bytes */
static gchar *
ct_scenario_read_file(const gchar *path, gsize *len, GError **error)
{
	g_autofree gchar *safe = ct_escape_for_terminal(path, -1, 0);
	g_autofree gchar *text = NULL;
	struct stat st;
	gsize done = 0;
	gint fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		gint saved = errno;
		g_set_error(error, CT_ERROR,
			    saved == ENOENT ? CT_ERROR_NOT_FOUND : CT_ERROR_INVALID_ARGS,
			    "%s: cannot read it: %s", safe, g_strerror(saved));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		gint saved = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s: cannot read it: %s", safe,
			    g_strerror(saved));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s: expected a regular file, got %s", safe,
			    ct_scenario_file_type(st.st_mode));
		close(fd);
		return NULL;
	}
	if (st.st_size > CT_SCENARIO_MAX_FILE) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s: expected a scenario file of at most %u bytes, got %lld", safe,
			    CT_SCENARIO_MAX_FILE, (long long)st.st_size);
		close(fd);
		return NULL;
	}
	text = g_malloc((gsize)st.st_size + 1);
	while (done < (gsize)st.st_size) {
		gssize got = read(fd, text + done, (gsize)st.st_size - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			gint saved = got < 0 ? errno : EIO;
			g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s: cannot read it: %s",
				    safe, g_strerror(saved));
			close(fd);
			return NULL;
		}
		done += (gsize)got;
	}
	close(fd);
	text[done] = '\0';
	*len = done;
	return g_steal_pointer(&text);
}

CtScenario *
ct_scenario_load(const gchar *path, GError **error)
{
	g_autofree gchar *text = NULL;
	gsize len = 0;

	text = ct_scenario_read_file(path, &len, error);
	if (text == NULL)
		return NULL;
	return ct_scenario_parse(path, text, (gssize)len, error);
}

static gint
ct_scenario_compare_paths(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* a directory's identity, to enter each one once (symbolic links may loop) */
static gchar *
ct_scenario_dir_key(const gchar *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return NULL;
	return g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
}

static gboolean
ct_scenario_find_files_under(const gchar *path,
			     GPtrArray *files,
			     GHashTable *visited,
			     GError **error)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) children = NULL;
	gchar *key = ct_scenario_dir_key(path);
	const gchar *name;

	/* a directory seen already (a link back up, or a second way to it): nothing new */
	if (key == NULL || !g_hash_table_add(visited, key))
		return TRUE;
	dir = g_dir_open(path, 0, error);
	if (dir == NULL) {
		ct_error_convert(error);
		return FALSE;
	}
	children = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR) || g_str_has_suffix(name, ".scenario"))
			g_ptr_array_add(children, g_steal_pointer(&child));
	}
	g_ptr_array_sort(children, ct_scenario_compare_paths);
	for (guint i = 0; i < children->len; i++) {
		const gchar *child = g_ptr_array_index(children, i);
		if (g_file_test(child, G_FILE_TEST_IS_DIR)) {
			if (!ct_scenario_find_files_under(child, files, visited, error))
				return FALSE;
		} else {
			g_ptr_array_add(files, g_strdup(child));
		}
	}
	return TRUE;
}

gboolean
ct_scenario_find_files(const gchar *path, GPtrArray *files, GError **error)
{
	g_autoptr(GHashTable) visited = NULL;

	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_autofree gchar *safe = ct_escape_for_terminal(path, -1, 0);
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND, "%s: no such file or directory",
			    safe);
		return FALSE;
	}
	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_ptr_array_add(files, g_strdup(path));
		return TRUE;
	}
	visited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return ct_scenario_find_files_under(path, files, visited, error);
}
