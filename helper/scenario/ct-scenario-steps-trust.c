/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include "ct-scenario-steps.h"
#include "ct-trust-result.h"

/* the steps that change the stores or write files: trust, untrust, export and a
 * browser's whole flow; each runs its certtrust command and checks its JSON document */

/* trust and untrust: each expected store result */
static void
ct_scenario_check_store_results(CtScenarioStepReport *report,
				const CtScenarioStep *step,
				JsonArray *stores)
{
	for (guint i = 0; i < step->results->len; i++) {
		CtScenarioStoreResult *expected = g_ptr_array_index(step->results, i);
		guint seen = 0;
		for (guint j = 0; stores != NULL && j < json_array_get_length(stores); j++) {
			JsonObject *store = ct_json_node_get_object(
			    json_array_get_element(stores, j));
			const gchar *kind = ct_json_get_string(store, "store");
			g_autofree gchar *what = NULL;
			if (expected->store != NULL && g_strcmp0(kind, expected->store) != 0)
				continue;
			seen++;
			what = g_strdup_printf("store %s", kind);
			ct_scenario_check_string(report, what, expected->result,
						 ct_json_get_string(store, "result"));
		}
		if (seen == 0) {
			g_autofree gchar *what = g_strdup_printf("store %s", expected->store != NULL
										 ? expected->store
										 : "(any)");
			ct_scenario_mismatch(report, what, expected->result, "no such store");
		}
	}
}

/* the exit status the stores' results call for: failed, refused, else 0 */
static gint
ct_scenario_stores_exit_status(JsonArray *stores)
{
	gboolean refused = FALSE;
	gboolean failed = FALSE;

	for (guint i = 0; stores != NULL && i < json_array_get_length(stores); i++) {
		JsonObject *store = ct_json_node_get_object(json_array_get_element(stores, i));
		CtTrustResult result = CT_TRUST_RESULT_PLANNED;
		if (!ct_trust_result_from_string(ct_json_get_string(store, "result"), &result))
			continue;
		refused |= result == CT_TRUST_RESULT_REFUSED;
		failed |= result == CT_TRUST_RESULT_FAILED || result == CT_TRUST_RESULT_NEEDS_ROOT;
	}
	if (failed)
		return ct_error_code_get_exit_status(CT_ERROR_FAILED);
	return refused ? ct_error_code_get_exit_status(CT_ERROR_REFUSED) : 0;
}

static void
ct_scenario_check_predictions(CtScenarioRun *run,
			      CtScenarioStepReport *report,
			      const CtScenarioStep *step,
			      JsonArray *stores)
{
	for (guint i = 0; i < step->predictions->len; i++) {
		CtScenarioPrediction *expected = g_ptr_array_index(step->predictions, i);
		g_autofree gchar *typed = ct_scenario_typed(run, expected->name);
		g_autofree gchar *what = g_strdup_printf("prediction for %s in %s", expected->name,
							 expected->browser);
		const gchar *verdict = NULL;
		for (guint j = 0; stores != NULL && j < json_array_get_length(stores); j++) {
			JsonObject *store = ct_json_node_get_object(
			    json_array_get_element(stores, j));
			JsonArray *predictions = ct_json_get_array(store, "predictions");
			for (guint k = 0;
			     predictions != NULL && k < json_array_get_length(predictions); k++) {
				JsonObject *prediction = ct_json_node_get_object(
				    json_array_get_element(predictions, k));
				if (g_strcmp0(ct_json_get_string(prediction, "name"), typed) == 0 &&
				    g_strcmp0(ct_json_get_string(prediction, "browser"),
					      expected->browser) == 0)
					verdict = ct_json_get_string(prediction, "verdict");
			}
		}
		ct_scenario_check_string(report, what, expected->verdict,
					 verdict != NULL ? verdict : "no prediction");
	}
}

gboolean
ct_scenario_step_trust(CtScenarioRun *run,
		       const CtScenarioStep *step,
		       CtScenarioStepReport *report,
		       GError **error)
{
	g_autofree gchar *source = ct_scenario_source(run, step->from, error);
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_auto(CtScenarioOutput) output = {0};
	JsonObject *root;
	JsonArray *stores;
	guint nss_stores = 0;

	if (source == NULL)
		return FALSE;
	g_ptr_array_add(args, g_strdup("trust"));
	g_ptr_array_add(args, g_strdup(source));
	ct_scenario_add_store_args(run, args, step->stores);
	if (step->mode != NULL) {
		g_ptr_array_add(args, g_strdup("--mode"));
		g_ptr_array_add(args, g_strdup(step->mode));
	}
	if (step->allow_ca)
		g_ptr_array_add(args, g_strdup("--allow-ca"));
	/* the scenario's own NSS database is made by its first trust */
	for (guint i = 0; i < step->stores->len; i++) {
		if (g_strcmp0(g_ptr_array_index(step->stores, i), "nss") == 0) {
			g_ptr_array_add(args, g_strdup("--create"));
			break;
		}
	}
	/* a file SOURCE has no host: the name the user types is the scenario's */
	if (!ct_scenario_from_server(step)) {
		g_ptr_array_add(args, g_strdup("--name"));
		g_ptr_array_add(args, ct_scenario_typed(run, ct_scenario_first_name(run)));
	}
	for (guint i = 0; i < step->names->len; i++) {
		g_ptr_array_add(args, g_strdup("--name"));
		g_ptr_array_add(args, ct_scenario_typed(run, g_ptr_array_index(step->names, i)));
	}
	g_ptr_array_add(args, NULL);
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)args->pdata,
				   ct_scenario_from_server(step), 0, &output, error))
		return FALSE;
	root = ct_json_node_get_object(output.root);
	stores = ct_json_get_array(root, "stores");
	if (stores == NULL) {
		ct_scenario_check_exit(report, &output, 0);
		if (root != NULL)
			ct_scenario_mismatch(report, "stdout", "a \"stores\" report", "none");
		return TRUE;
	}
	/* the exit status follows the stores' results (docs/cli.md, "Exit status") */
	ct_scenario_check_exit(report, &output, ct_scenario_stores_exit_status(stores));
	if (output.status == 0 && ct_json_get_string(root, "sha256") != NULL) {
		g_free(run->trusted_sha256);
		run->trusted_sha256 = g_strdup(ct_json_get_string(root, "sha256"));
	}
	ct_scenario_check_store_results(report, step, stores);
	for (guint i = 0; i < json_array_get_length(stores); i++) {
		JsonObject *store = ct_json_node_get_object(json_array_get_element(stores, i));
		const gchar *kind = ct_json_get_string(store, "store");
		g_autofree gchar *action_what = g_strdup_printf("store %s action", kind);
		g_autofree gchar *flags_what = g_strdup_printf("store %s flags", kind);
		ct_scenario_check_string(report, action_what, step->action,
					 ct_json_get_string(store, "action"));
		if (g_strcmp0(ct_json_get_string(store, "action"), "nss") != 0)
			continue;
		nss_stores++;
		ct_scenario_check_string(report, flags_what, step->flags,
					 ct_json_get_string(store, "trust"));
	}
	if (step->flags != NULL && nss_stores == 0)
		ct_scenario_mismatch(report, "flags", step->flags, "no store with NSS trust");
	ct_scenario_check_predictions(run, report, step, stores);
	return TRUE;
}

gboolean
ct_scenario_step_untrust(CtScenarioRun *run,
			 const CtScenarioStep *step,
			 CtScenarioStepReport *report,
			 GError **error)
{
	g_autofree gchar *source = NULL;
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_auto(CtScenarioOutput) output = {0};
	JsonArray *stores;

	if (g_strcmp0(step->from, "trusted") == 0) {
		if (run->trusted_sha256 == NULL) {
			g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA,
					    "'from trusted' needs a trust step that succeeded "
					    "before it");
			return FALSE;
		}
		source = g_strdup(run->trusted_sha256);
	} else {
		source = ct_scenario_source(run, step->from, error);
		if (source == NULL)
			return FALSE;
	}
	g_ptr_array_add(args, g_strdup("untrust"));
	g_ptr_array_add(args, g_strdup(source));
	ct_scenario_add_store_args(run, args, step->stores);
	g_ptr_array_add(args, NULL);
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)args->pdata,
				   ct_scenario_from_server(step), 0, &output, error))
		return FALSE;
	if (g_strcmp0(step->outcome, "not-found") == 0) {
		ct_scenario_check_exit(report, &output,
				       ct_error_code_get_exit_status(CT_ERROR_NOT_FOUND));
		return TRUE;
	}
	stores = ct_json_get_array(ct_json_node_get_object(output.root), "stores");
	if (stores == NULL) {
		ct_scenario_check_exit(report, &output, 0);
		if (output.root != NULL && output.status == 0)
			ct_scenario_mismatch(report, "stdout", "a \"stores\" report", "none");
		return TRUE;
	}
	ct_scenario_check_exit(report, &output, ct_scenario_stores_exit_status(stores));
	ct_scenario_check_store_results(report, step, stores);
	return TRUE;
}

static const gchar *
ct_scenario_export_suffix(const gchar *format)
{
	const gchar *suffixes[][2] = {{"der", ".der"},	 {"base64", "-base64.cer"},
				      {"pem", ".pem"},	 {"pem-chain", "-chain.pem"},
				      {"pkcs7", ".p7c"}, {"pkcs7-chain", ".p7b"}};
	for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		if (g_strcmp0(format, suffixes[i][0]) == 0)
			return suffixes[i][1];
	}
	return NULL;
}

/* the roles of the certificates a file holds, in order: "leaf,intermediate" */
static gchar *
ct_scenario_roles_of(CtScenarioRun *run, JsonObject *result, guint *count)
{
	JsonArray *certificates = ct_json_get_array(result, "certificates");
	g_autoptr(GPtrArray) roles = g_ptr_array_new();

	*count = certificates != NULL ? json_array_get_length(certificates) : 0;
	for (guint i = 0; i < *count; i++) {
		JsonObject *certificate = ct_json_node_get_object(
		    json_array_get_element(certificates, i));
		const gchar *role =
		    g_hash_table_lookup(run->roles, ct_json_get_string(certificate, "sha256")
							? ct_json_get_string(certificate, "sha256")
							: "");
		g_ptr_array_add(roles, (gpointer)(role != NULL ? role : "other"));
	}
	g_ptr_array_add(roles, NULL);
	return g_strjoinv(",", (gchar **)roles->pdata);
}

gboolean
ct_scenario_step_export(CtScenarioRun *run,
			const CtScenarioStep *step,
			CtScenarioStepReport *report,
			GError **error)
{
	g_autofree gchar *source = ct_scenario_source(run, step->from, error);
	g_autofree gchar *dir_name = g_strdup_printf("export-%u", ++run->exports);
	g_autofree gchar *dir = g_build_filename(run->dir, dir_name, NULL);
	const gchar *suffix = ct_scenario_export_suffix(step->format);
	g_autofree gchar *file = NULL;
	g_autoptr(GPtrArray) show_args = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) formats = g_ptr_array_new();
	g_auto(CtScenarioOutput) output = {0};
	g_auto(CtScenarioOutput) shown = {0};
	g_autoptr(GPtrArray) results = NULL;
	g_autofree gchar *order = NULL;
	JsonArray *files;

	if (source == NULL || !ct_scenario_mkdir(dir, error))
		return FALSE;
	if (suffix != NULL) {
		g_autofree gchar *base = g_strconcat("export", suffix, NULL);
		const gchar *args[] = {"export", source, "--format", step->format,
				       "-o",	 NULL,	 NULL};
		file = g_build_filename(dir, base, NULL);
		args[5] = file;
		if (!ct_scenario_certtrust(run, report, args, ct_scenario_from_server(step), 0,
					   &output, error))
			return FALSE;
	} else {
		const gchar *args[] = {"export", source, "--browser", step->format,
				       "--dir",	 dir,	 NULL};
		if (!ct_scenario_certtrust(run, report, args, ct_scenario_from_server(step), 0,
					   &output, error))
			return FALSE;
	}
	ct_scenario_check_exit(report, &output, 0);
	files = ct_json_get_array(ct_json_node_get_object(output.root), "files");
	if (files == NULL || output.status != 0)
		return TRUE;
	ct_scenario_check_number(report, "files", step->files, json_array_get_length(files));
	if (json_array_get_length(files) == 0)
		return TRUE;

	/* read every file back with show */
	g_ptr_array_add(show_args, g_strdup("show"));
	for (guint i = 0; i < json_array_get_length(files); i++) {
		JsonObject *written = ct_json_node_get_object(json_array_get_element(files, i));
		g_ptr_array_add(show_args, g_strdup(ct_json_get_string(written, "path")));
		g_ptr_array_add(formats, (gpointer)ct_json_get_string(written, "format"));
	}
	g_ptr_array_add(show_args, NULL);
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)show_args->pdata, FALSE, 0,
				   &shown, error))
		return FALSE;
	ct_scenario_check_exit(report, &shown, 0);
	if (shown.root == NULL || shown.status != 0)
		return TRUE;
	results = ct_scenario_json_results(ct_json_node_get_object(shown.root));
	if (results->len != formats->len) {
		ct_scenario_check_number(report, "files read back", (gint)formats->len,
					 results->len);
		return TRUE;
	}
	if (step->order->len > 0) {
		GString *joined = g_string_new(NULL);
		for (guint i = 0; i < step->order->len; i++)
			g_string_append_printf(joined, "%s%s", i > 0 ? "," : "",
					       (const gchar *)g_ptr_array_index(step->order, i));
		order = g_string_free(joined, FALSE);
	}
	for (guint i = 0; i < results->len; i++) {
		const gchar *format = g_ptr_array_index(formats, i);
		const gchar *path = g_ptr_array_index(show_args, i + 1);
		g_autofree gchar *base = g_path_get_basename(path);
		g_autofree gchar *what = NULL;
		guint count = 0;
		g_autofree gchar *roles = ct_scenario_roles_of(run, g_ptr_array_index(results, i),
							       &count);
		/* in a browser's set the files without the path hold the leaf alone */
		if (suffix == NULL && !g_str_has_suffix(format != NULL ? format : "", "-chain")) {
			what = g_strdup_printf("%s holds", base);
			ct_scenario_check_string(report, what, "leaf", roles);
			continue;
		}
		what = g_strdup_printf("%s certificates", base);
		ct_scenario_check_number(report, what, step->certificates, count);
		g_free(what);
		what = g_strdup_printf("%s order", base);
		ct_scenario_check_string(report, what, order, roles);
	}
	return TRUE;
}

/* the exit status a flow's outcome comes with (certtrust flow --help) */
static gint
ct_scenario_flow_exit_status(const gchar *outcome)
{
	const gchar *ok[] = {"trusted", "session", "no-warning", NULL};
	const gchar *negative[] = {"blocked", "name-mismatch", NULL};

	if (g_strv_contains(ok, outcome))
		return 0;
	if (g_strv_contains(negative, outcome))
		return ct_error_code_get_exit_status(CT_ERROR_CHECK_FAILED);
	if (g_strcmp0(outcome, "refused") == 0)
		return ct_error_code_get_exit_status(CT_ERROR_REFUSED);
	if (g_strcmp0(outcome, "not-found") == 0)
		return ct_error_code_get_exit_status(CT_ERROR_NOT_FOUND);
	return ct_error_code_get_exit_status(CT_ERROR_FAILED);
}

/* regular files in dir, -1 when it cannot be read */
static gint
ct_scenario_count_files(const gchar *dir)
{
	g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
	const gchar *name;
	gint count = 0;

	if (listing == NULL)
		return -1;
	while ((name = g_dir_read_name(listing)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
			count++;
	}
	return count;
}

/* certtrust flow BROWSER URL: the whole procedure, its dialogs and its outcome */
gboolean
ct_scenario_step_flow(CtScenarioRun *run,
		      const CtScenarioStep *step,
		      CtScenarioStepReport *report,
		      GError **error)
{
	g_autofree gchar *url = ct_scenario_url(run, ct_scenario_first_name(run), NULL);
	g_autofree gchar *dir_name = g_strdup_printf("export-%u", ++run->exports);
	g_autofree gchar *dir = g_build_filename(run->dir, dir_name, NULL);
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_auto(CtScenarioOutput) output = {0};
	JsonObject *root;
	JsonArray *steps;
	gboolean had_mismatch;
	guint timeout = 0;

	g_ptr_array_add(args, g_strdup("flow"));
	g_ptr_array_add(args, g_strdup(step->browser));
	g_ptr_array_add(args, g_strdup(url));
	for (guint i = 0; i < step->choices->len; i++) {
		g_ptr_array_add(args, g_strdup("--choice"));
		g_ptr_array_add(args, g_strdup(g_ptr_array_index(step->choices, i)));
	}
	if (step->choices->len == 0)
		g_ptr_array_add(args, g_strdup("--yes"));
	for (guint i = 0; i < step->names->len; i++) {
		g_ptr_array_add(args, g_strdup("--name"));
		g_ptr_array_add(args, ct_scenario_typed(run, g_ptr_array_index(step->names, i)));
	}
	if (step->allow_ca)
		g_ptr_array_add(args, g_strdup("--allow-ca"));
	if (step->exports) {
		g_ptr_array_add(args, g_strdup("--export-dir"));
		g_ptr_array_add(args, g_strdup(dir));
	}
	g_ptr_array_add(args, NULL);
	if (ct_scenario_step_needs_browser(step))
		timeout = run->options->timeout > 0 ? run->options->timeout
						    : CT_SCENARIO_BROWSER_TIMEOUT_S;
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)args->pdata, TRUE, timeout,
				   &output, error))
		return FALSE;
	root = ct_json_node_get_object(output.root);
	if (root == NULL || json_object_has_member(root, "error")) {
		ct_scenario_check_exit(report, &output,
				       ct_scenario_flow_exit_status(step->outcome));
		return TRUE;
	}
	had_mismatch = report->message != NULL;
	ct_scenario_check_string(report, "outcome", step->outcome,
				 ct_json_get_string(root, "outcome"));
	steps = ct_json_get_array(root, "steps");
	for (guint i = 0; i < step->dialogs->len; i++) {
		const gchar *title = g_ptr_array_index(step->dialogs, i);
		gboolean shown = FALSE;
		for (guint j = 0; steps != NULL && j < json_array_get_length(steps) && !shown;
		     j++) {
			JsonObject *dialog = ct_json_node_get_object(
			    json_array_get_element(steps, j));
			shown = g_strcmp0(ct_json_get_string(dialog, "dialog"), title) == 0;
		}
		if (!shown) {
			g_autofree gchar *what = g_strdup_printf("dialog \"%s\"", title);
			ct_scenario_mismatch(report, what, "shown", "not shown");
		}
	}
	if (step->exports)
		ct_scenario_check_number(report, "files", step->files,
					 ct_scenario_count_files(dir));
	ct_scenario_check_exit_after(report, &output, had_mismatch,
				     ct_scenario_flow_exit_status(step->outcome));
	return TRUE;
}
