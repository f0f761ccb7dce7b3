/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <string.h>

#include "ct-scenario-step.h"

/* one `step` line of a scenario file: its kinds, its operands and what it expects */

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

void
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

/* the operands some kinds start with */
static gboolean
ct_scenario_parse_first_format(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	return ct_scenario_take_word(cursor, "a format or a browser's set", ct_scenario_export_sets,
				     &step->format, error);
}

static gboolean
ct_scenario_parse_first_browser(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *browsers[] = {"firefox", "chromium", NULL};

	return ct_scenario_take_word(cursor, "a browser", browsers, &step->browser, error);
}

static gboolean
ct_scenario_parse_first_name(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	return ct_scenario_take_name(cursor, step->names, error);
}

static gboolean
ct_scenario_parse_first_flow(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	return ct_scenario_take_word(cursor, "a browser's flow", ct_scenario_flows, &step->browser,
				     error);
}

/* the operands of each kind, up to `expect`, `todo` or the end */
static gboolean
ct_scenario_parse_operands(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
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

	const CtScenarioStepKindInfo *info = ct_scenario_step_kind_get(step->kind);

	if (info->parse_first != NULL && !info->parse_first(cursor, step, error))
		return FALSE;

	while (!ct_scenario_at_end(cursor) && g_strcmp0(ct_scenario_peek(cursor), "expect") != 0 &&
	       g_strcmp0(ct_scenario_peek(cursor), "todo") != 0) {
		const gchar *token = ct_scenario_peek(cursor);
		CtScenarioStepTakes takes = info->takes;
		gboolean takes_names = (takes & CT_SCENARIO_TAKES_NAMES) != 0 ||
				       ((takes & CT_SCENARIO_TAKES_ONE_NAME) != 0 &&
					step->names->len == 0);

		if ((takes & CT_SCENARIO_TAKES_STORES) != 0 &&
		    ct_scenario_in(ct_scenario_stores, token)) {
			g_ptr_array_add(step->stores, g_strdup(ct_scenario_next(cursor)));
		} else if (takes_names && ct_scenario_is_name(token)) {
			if (!ct_scenario_take_name(cursor, step->names, error))
				return FALSE;
		} else if ((takes & CT_SCENARIO_TAKES_PATH) != 0 &&
			   ct_scenario_accept(cursor, "path")) {
			if (ct_scenario_peek(cursor) == NULL ||
			    ct_scenario_peek(cursor)[0] != '/' ||
			    strpbrk(ct_scenario_peek(cursor), "?#") != NULL)
				return ct_scenario_expected(cursor, "a path that starts with '/'",
							    error);
			g_ptr_array_add(step->paths, g_strdup(ct_scenario_next(cursor)));
		} else if ((takes & CT_SCENARIO_TAKES_MODE) != 0 &&
			   ct_scenario_accept(cursor, "mode")) {
			if (!ct_scenario_take_word(cursor, "a mode", modes, &step->mode, error))
				return FALSE;
		} else if ((takes & CT_SCENARIO_TAKES_ALLOW_CA) != 0 &&
			   ct_scenario_accept(cursor, "allow-ca")) {
			step->allow_ca = TRUE;
		} else if ((takes & CT_SCENARIO_TAKES_CHOICE) != 0 &&
			   ct_scenario_accept(cursor, "choice")) {
			g_autofree gchar *choice = NULL;
			if (!ct_scenario_take_word(cursor, "a choice", ct_scenario_choices, &choice,
						   error))
				return FALSE;
			g_ptr_array_add(step->choices, g_steal_pointer(&choice));
		} else if ((takes & CT_SCENARIO_TAKES_EXPORT) != 0 &&
			   ct_scenario_accept(cursor, "export")) {
			step->exports = TRUE;
		} else if ((takes & CT_SCENARIO_TAKES_NAME) != 0 &&
			   ct_scenario_accept(cursor, "name")) {
			if (!ct_scenario_take_name(cursor, step->names, error))
				return FALSE;
		} else if ((takes & CT_SCENARIO_TAKES_FROM) != 0 &&
			   ct_scenario_accept(cursor, "from")) {
			if (!ct_scenario_take_word(cursor, "a file of the server's",
						   ct_scenario_files, &step->from, error))
				return FALSE;
		} else if ((takes & CT_SCENARIO_TAKES_FROM_TRUSTED) != 0 &&
			   ct_scenario_accept(cursor, "from")) {
			if (!ct_scenario_take_word(cursor, "a file of the server's or 'trusted'",
						   untrust_from, &step->from, error))
				return FALSE;
		} else if ((takes & CT_SCENARIO_TAKES_EXACT) != 0 &&
			   ct_scenario_accept(cursor, "exact")) {
			step->exact = TRUE;
		} else if ((takes & CT_SCENARIO_TAKES_STORE) != 0 &&
			   ct_scenario_accept(cursor, "store")) {
			const gchar *verify_stores[] = {"firefox", "chromium", "nss", NULL};
			g_autofree gchar *store = NULL;
			if (!ct_scenario_take_word(cursor, "a store", verify_stores, &store, error))
				return FALSE;
			g_ptr_array_add(step->stores, g_steal_pointer(&store));
		} else {
			return ct_scenario_expected(cursor, info->operands, error);
		}
	}
	if ((info->takes & CT_SCENARIO_TAKES_STORE) != 0 && step->stores->len > 1)
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

/* after `expect` in access: the outcome, the problems, the page */
static gboolean
ct_scenario_parse_expect_access(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	if (ct_scenario_accept(cursor, "loads")) {
		g_free(step->outcome);
		step->outcome = g_strdup("loads");
		return TRUE;
	}
	if (ct_scenario_accept(cursor, "blocked")) {
		g_free(step->outcome);
		step->outcome = g_strdup("blocked");
		if (!ct_scenario_in(ct_scenario_problems, ct_scenario_peek(cursor))) {
			g_autofree gchar *list = ct_scenario_join_words(ct_scenario_problems);
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
			return ct_scenario_expected(cursor, "no 'title' for several paths", error);
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
}

/* after `expect` in show: what the viewer says */
static gboolean
ct_scenario_parse_expect_show(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	if (ct_scenario_accept(cursor, "version"))
		return ct_scenario_take_number(cursor, "a version", 1, 3, &step->version, error);
	if (ct_scenario_accept(cursor, "self-signed"))
		return ct_scenario_take_yes_no(cursor, "yes or no", &step->self_signed, error);
	if (ct_scenario_accept(cursor, "ca-capable"))
		return ct_scenario_take_yes_no(cursor, "yes or no", &step->ca_capable, error);
	if (ct_scenario_accept(cursor, "certificates"))
		return ct_scenario_take_number(cursor, "a certificate count", 0, 100,
					       &step->certificates, error);
	return ct_scenario_expected(cursor,
				    "'version N', 'self-signed yes|no', 'ca-capable yes|no' or "
				    "'certificates N'",
				    error);
}

/* after `expect` in check-host: each verdict */
static gboolean
ct_scenario_parse_expect_check_host(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *match[] = {"match", "mismatch", NULL};

	if (ct_scenario_accept(cursor, "strict"))
		return ct_scenario_take_word(cursor, "a verdict", match, &step->strict, error);
	if (ct_scenario_accept(cursor, "legacy"))
		return ct_scenario_take_word(cursor, "a verdict", match, &step->legacy, error);
	if (ct_scenario_accept(cursor, "firefox"))
		return ct_scenario_take_word(cursor, "a verdict", match, &step->firefox, error);
	if (ct_scenario_accept(cursor, "chromium"))
		return ct_scenario_take_word(cursor, "a verdict", match, &step->chromium, error);
	return ct_scenario_expected(cursor,
				    "'strict match|mismatch', 'legacy match|mismatch', "
				    "'firefox match|mismatch' or 'chromium match|mismatch'",
				    error);
}

/* after `expect` in trust: each store's result, the action, the flags, the predictions */
static gboolean
ct_scenario_parse_expect_trust(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);

	if (ct_scenario_accept(cursor, "action"))
		return ct_scenario_take_word(cursor, "an action", ct_scenario_actions,
					     &step->action, error);
	if (ct_scenario_accept(cursor, "flags"))
		return ct_scenario_take_text(cursor, "NSS trust flags such as P,,", &step->flags,
					     error);
	if (ct_scenario_accept(cursor, "predict"))
		return ct_scenario_parse_prediction(cursor, step, error);
	if (ct_scenario_in(ct_scenario_stores, token) ||
	    ct_scenario_in(ct_scenario_trust_results, token))
		return ct_scenario_parse_store_result(cursor, step, ct_scenario_trust_results,
						      error);
	return ct_scenario_expected(cursor,
				    "a result (done, unchanged, refused, ...), 'STORE "
				    "RESULT', 'action A', 'flags F' or 'predict NAME "
				    "BROWSER VERDICT'",
				    error);
}

/* after `expect` in untrust: each store's result, or nothing to remove */
static gboolean
ct_scenario_parse_expect_untrust(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);

	if (ct_scenario_accept(cursor, "not-found")) {
		g_free(step->outcome);
		step->outcome = g_strdup("not-found");
		return TRUE;
	}
	if (ct_scenario_in(ct_scenario_stores, token) ||
	    ct_scenario_in(ct_scenario_untrust_results, token))
		return ct_scenario_parse_store_result(cursor, step, ct_scenario_untrust_results,
						      error);
	return ct_scenario_expected(cursor,
				    "a result (removed, absent, refused, failed), 'STORE "
				    "RESULT' or 'not-found'",
				    error);
}

/* after `expect` in export: the files, the certificates, their order */
static gboolean
ct_scenario_parse_expect_export(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	if (ct_scenario_accept(cursor, "files"))
		return ct_scenario_take_number(cursor, "a file count", 1, 100, &step->files, error);
	if (ct_scenario_accept(cursor, "certificates"))
		return ct_scenario_take_number(cursor, "a certificate count", 1, 100,
					       &step->certificates, error);
	if (ct_scenario_accept(cursor, "order"))
		return ct_scenario_parse_order(cursor, step, error);
	return ct_scenario_expected(cursor, "'files N', 'certificates N' or 'order ROLES'", error);
}

/* after `expect` in verify and session: loads, or blocked with the browser's code */
static gboolean
ct_scenario_parse_expect_browser(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	const gchar *outcomes[] = {"loads", "blocked", NULL};

	if (!ct_scenario_take_word(cursor, "an outcome", outcomes, &step->outcome, error))
		return FALSE;
	if (g_strcmp0(step->outcome, "blocked") != 0)
		return TRUE;
	token = ct_scenario_peek(cursor);
	if (token == NULL ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:") != strlen(token))
		return ct_scenario_expected(
		    cursor, "the browser's error code (e.g. ERR_CERT_AUTHORITY_INVALID)", error);
	g_free(step->error_code);
	step->error_code = g_strdup(ct_scenario_next(cursor));
	return TRUE;
}

/* after `expect` in soap: the HTTP statuses */
static gboolean
ct_scenario_parse_expect_soap(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	if (ct_scenario_accept(cursor, "http"))
		return ct_scenario_take_number(cursor, "an HTTP status", 100, 599,
					       &step->http_status, error);
	if (ct_scenario_accept(cursor, "https"))
		return ct_scenario_take_number(cursor, "an HTTP status", 100, 599,
					       &step->https_status, error);
	return ct_scenario_expected(cursor, "'http N' or 'https N'", error);
}

/* after `expect` in flow: the outcome, the files, the dialogs */
static gboolean
ct_scenario_parse_expect_flow(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);

	if (ct_scenario_in(ct_scenario_flow_outcomes, token))
		return ct_scenario_take_word(cursor, "an outcome", ct_scenario_flow_outcomes,
					     &step->outcome, error);
	if (ct_scenario_accept(cursor, "files"))
		return ct_scenario_take_number(cursor, "a file count", 0, 100, &step->files, error);
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
}

/* after `expect` in status: the verdict */
static gboolean
ct_scenario_parse_expect_status(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	return ct_scenario_take_word(cursor, "a status", ct_scenario_statuses, &step->outcome,
				     error);
}

/* after `expect` in list: how many entries */
static gboolean
ct_scenario_parse_expect_list(CtScenarioCursor *cursor, CtScenarioStep *step, GError **error)
{
	if (ct_scenario_accept(cursor, "entries"))
		return ct_scenario_take_number(cursor, "an entry count", 0, 1000, &step->entries,
					       error);
	return ct_scenario_expected(cursor, "'entries N'", error);
}

#define CT_SCENARIO_STORE_WORDS "a store (firefox, chromium, nss, system)"
#define CT_SCENARIO_LOADS_OR_BLOCKED "'loads' or 'blocked CODE' after 'expect'"

/* the step kinds, in the order the format's messages list them */
static const CtScenarioStepKindInfo ct_scenario_step_kinds[] = {
    [CT_SCENARIO_STEP_ACCESS] =
	{
	    .keyword = "access",
	    .help = "fetch: the first access, outcome and problem class",
	    .takes = CT_SCENARIO_TAKES_ONE_NAME | CT_SCENARIO_TAKES_PATH,
	    .operands = "a host name, 'path', 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_access,
	    .run = ct_scenario_step_access,
	},
    [CT_SCENARIO_STEP_SHOW] =
	{
	    .keyword = "show",
	    .help = "show: the certificate viewer",
	    .takes = CT_SCENARIO_TAKES_FROM,
	    .operands = "'from', 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_show,
	    .run = ct_scenario_step_show,
	},
    [CT_SCENARIO_STEP_CHECK_HOST] =
	{
	    .keyword = "check-host",
	    .help = "check-host: strict, legacy and per-browser verdicts",
	    .parse_first = ct_scenario_parse_first_name,
	    .takes = CT_SCENARIO_TAKES_NAMES,
	    .operands = "a host name, 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_check_host,
	    .offline = TRUE,
	    .run = ct_scenario_step_check_host,
	},
    [CT_SCENARIO_STEP_TRUST] =
	{
	    .keyword = "trust",
	    .help = "trust: per-store results, writes and predictions",
	    .takes = CT_SCENARIO_TAKES_STORES | CT_SCENARIO_TAKES_MODE |
		     CT_SCENARIO_TAKES_ALLOW_CA | CT_SCENARIO_TAKES_NAME | CT_SCENARIO_TAKES_FROM,
	    .operands = CT_SCENARIO_STORE_WORDS ", 'mode', 'allow-ca', 'name', 'from', 'expect' "
						"or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_trust,
	    .run = ct_scenario_step_trust,
	},
    [CT_SCENARIO_STEP_UNTRUST] =
	{
	    .keyword = "untrust",
	    .help = "untrust: per-store removals",
	    .takes = CT_SCENARIO_TAKES_STORES | CT_SCENARIO_TAKES_FROM_TRUSTED,
	    .operands = CT_SCENARIO_STORE_WORDS ", 'from', 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_untrust,
	    .run = ct_scenario_step_untrust,
	},
    [CT_SCENARIO_STEP_EXPORT] =
	{
	    .keyword = "export",
	    .help = "export: a format or a browser's set, read back",
	    .parse_first = ct_scenario_parse_first_format,
	    .takes = CT_SCENARIO_TAKES_FROM,
	    .operands = "'from', 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_export,
	    .run = ct_scenario_step_export,
	},
    [CT_SCENARIO_STEP_STATUS] =
	{
	    .keyword = "status",
	    .help = "status [--exact]: the trust status",
	    .takes = CT_SCENARIO_TAKES_STORES | CT_SCENARIO_TAKES_EXACT,
	    .operands = "'exact', " CT_SCENARIO_STORE_WORDS ", 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_status,
	    .outcome_wanted = "a status after 'expect'",
	    .run = ct_scenario_step_status,
	},
    [CT_SCENARIO_STEP_LIST] =
	{
	    .keyword = "list",
	    .help = "list: how many ledger entries",
	    .takes = CT_SCENARIO_TAKES_STORES,
	    .operands = CT_SCENARIO_STORE_WORDS ", 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_list,
	    .run = ct_scenario_step_list,
	},
    [CT_SCENARIO_STEP_VERIFY] =
	{
	    .keyword = "verify",
	    .help = "verify: the real browser on the stores",
	    .parse_first = ct_scenario_parse_first_browser,
	    .takes = CT_SCENARIO_TAKES_NAMES | CT_SCENARIO_TAKES_STORE,
	    .operands = "a host name, 'store', 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_browser,
	    .outcome_wanted = CT_SCENARIO_LOADS_OR_BLOCKED,
	    .needs_browser = TRUE,
	    .run = ct_scenario_step_browser,
	},
    [CT_SCENARIO_STEP_SESSION] =
	{
	    .keyword = "session",
	    .help = "open --session --headless: trust for this session",
	    .parse_first = ct_scenario_parse_first_browser,
	    .takes = CT_SCENARIO_TAKES_NAMES,
	    .operands = "a host name, 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_browser,
	    .outcome_wanted = CT_SCENARIO_LOADS_OR_BLOCKED,
	    .needs_browser = TRUE,
	    .run = ct_scenario_step_browser,
	},
    [CT_SCENARIO_STEP_REGENERATE] =
	{
	    .keyword = "regenerate",
	    .help = "restart serve with --regenerate (an upgrade)",
	    .operands = "the end of the line or 'todo'",
	    .serve_only = "it restarts serve",
	    .run = ct_scenario_step_restart,
	},
    [CT_SCENARIO_STEP_RESTART] =
	{
	    .keyword = "restart",
	    .help = "restart serve on its saved certificate (a migration)",
	    .operands = "the end of the line or 'todo'",
	    .serve_only = "it restarts serve",
	    .run = ct_scenario_step_restart,
	},
    [CT_SCENARIO_STEP_SOAP] =
	{
	    .keyword = "soap",
	    .help = "POST /axl/ over HTTP and HTTPS",
	    .operands = "'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_soap,
	    .serve_only = "it needs serve's plain HTTP port and certificate file",
	    .run = ct_scenario_step_soap,
	},
    [CT_SCENARIO_STEP_FLOW] =
	{
	    .keyword = "flow",
	    .help = "flow ie8|firefox3|safari4: a browser's whole procedure",
	    .parse_first = ct_scenario_parse_first_flow,
	    .takes = CT_SCENARIO_TAKES_ALLOW_CA | CT_SCENARIO_TAKES_CHOICE |
		     CT_SCENARIO_TAKES_EXPORT | CT_SCENARIO_TAKES_NAME,
	    .operands = "'choice', 'name', 'allow-ca', 'export', 'expect' or 'todo'",
	    .parse_expect = ct_scenario_parse_expect_flow,
	    .outcome_wanted = "the flow's outcome after 'expect'",
	    .run = ct_scenario_step_flow,
	},
};

const CtScenarioStepKindInfo *
ct_scenario_step_kind_get(CtScenarioStepKind kind)
{
	g_return_val_if_fail((guint)kind < G_N_ELEMENTS(ct_scenario_step_kinds), NULL);
	return &ct_scenario_step_kinds[kind];
}

const gchar *
ct_scenario_step_kind_to_string(CtScenarioStepKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(ct_scenario_step_kinds))
		return "unknown";
	return ct_scenario_step_kinds[kind].keyword;
}

gboolean
ct_scenario_step_needs_browser(const CtScenarioStep *step)
{
	/* Firefox 3's unticked "Permanently store this exception" opens a real Firefox */
	gboolean firefox_session = step->kind == CT_SCENARIO_STEP_FLOW &&
				   g_strcmp0(step->browser, "firefox3") == 0 &&
				   g_ptr_array_find_with_equal_func(step->choices, "session",
								    g_str_equal, NULL);
	return ct_scenario_step_kind_get(step->kind)->needs_browser || firefox_session;
}

/* the kind a keyword names; NULL and "a step kind (access, show, ...)" in what when none */
static const CtScenarioStepKindInfo *
ct_scenario_step_kind_find(const gchar *keyword, gchar **what)
{
	g_autoptr(GPtrArray) keywords = g_ptr_array_new();
	g_autofree gchar *list = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(ct_scenario_step_kinds); i++) {
		if (g_strcmp0(keyword, ct_scenario_step_kinds[i].keyword) == 0)
			return &ct_scenario_step_kinds[i];
		g_ptr_array_add(keywords, (gpointer)ct_scenario_step_kinds[i].keyword);
	}
	g_ptr_array_add(keywords, NULL);
	list = ct_scenario_join_words((const gchar *const *)keywords->pdata);
	*what = g_strdup_printf("a step kind (%s)", list);
	return NULL;
}

/* after the operands: `expect` and what must come out, unless the step checks itself */
static gboolean
ct_scenario_parse_expectations(CtScenarioCursor *cursor,
			       CtScenarioStep *step,
			       const CtScenarioStepKindInfo *info,
			       GError **error)
{
	/* regenerate and restart check themselves: a new certificate, the same one */
	if (info->parse_expect == NULL) {
		if (g_strcmp0(ct_scenario_peek(cursor), "expect") == 0)
			return ct_scenario_expected(cursor, "the end of the line or 'todo'", error);
		return TRUE;
	}
	/* a step without expectations could not fail */
	if (!ct_scenario_accept(cursor, "expect"))
		return ct_scenario_expected(cursor, "'expect' and what must come out", error);
	if (ct_scenario_at_end(cursor) || g_strcmp0(ct_scenario_peek(cursor), "todo") == 0)
		return ct_scenario_expected(cursor, "what must come out after 'expect'", error);
	while (!ct_scenario_at_end(cursor) && g_strcmp0(ct_scenario_peek(cursor), "todo") != 0) {
		if (!info->parse_expect(cursor, step, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
ct_scenario_parse_step(CtScenarioCursor *cursor, CtScenarioStep **out, GError **error)
{
	g_autofree gchar *kinds = NULL;
	const CtScenarioStepKindInfo *info = ct_scenario_step_kind_find(ct_scenario_peek(cursor),
									&kinds);
	CtScenarioStep *step = NULL;

	if (info == NULL)
		return ct_scenario_expected(cursor, kinds, error);
	step = ct_scenario_step_new(cursor->line);
	step->kind = (CtScenarioStepKind)(info - ct_scenario_step_kinds);
	*out = step;
	cursor->pos++;
	step->text = ct_scenario_join_tokens(cursor->tokens, cursor->pos - 1);
	if (!ct_scenario_parse_operands(cursor, step, error) ||
	    !ct_scenario_parse_expectations(cursor, step, info, error))
		return FALSE;
	if (ct_scenario_accept(cursor, "todo")) {
		if (!ct_scenario_take_text(cursor, "why the step is known to fail", &step->todo,
					   error))
			return FALSE;
	}
	if (!ct_scenario_at_end(cursor))
		return ct_scenario_expected(cursor, "the end of the line", error);
	if (info->outcome_wanted != NULL && step->outcome == NULL)
		return ct_scenario_expected(cursor, info->outcome_wanted, error);
	if ((info->takes & CT_SCENARIO_TAKES_EXPORT) != 0 && step->files >= 0 && !step->exports)
		return ct_scenario_expected(cursor, "'export' before expecting files", error);
	return TRUE;
}
