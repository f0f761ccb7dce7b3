/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <string.h>

#include "ct-escape.h"
#include "ct-scenario-steps.h"

/* each step: the certtrust command it runs, and what its JSON document and exit status
 * are checked against; a difference is a mismatch in the step's report, an error only
 * when the step could not run at all */

/* one page of the first access: its outcome, problems, status, title, chain */
static void
ct_scenario_check_access(CtScenarioStepReport *report,
			 const CtScenarioStep *step,
			 JsonObject *result,
			 const gchar *page)
{
	g_autofree gchar *problems = ct_scenario_join_array(ct_json_get_array(result, "problems"));
	JsonArray *certificates = ct_json_get_array(result, "certificates");
	g_autofree gchar *outcome_what = g_strdup_printf("%s outcome", page);
	g_autofree gchar *problems_what = g_strdup_printf("%s problems", page);
	g_autofree gchar *status_what = g_strdup_printf("%s HTTP status", page);
	g_autofree gchar *title_what = g_strdup_printf("%s title", page);
	g_autofree gchar *certificates_what = g_strdup_printf("%s certificates", page);

	ct_scenario_check_string(report, outcome_what, step->outcome,
				 problems[0] == '\0' ? "loads" : "blocked");
	if (step->problems->len > 0) {
		g_autoptr(GPtrArray) words = g_ptr_array_new();
		g_autofree gchar *joined = NULL;
		g_autofree gchar *expected = NULL;
		g_autofree gchar *actual = ct_scenario_sorted_words(problems);
		for (guint i = 0; i < step->problems->len; i++)
			g_ptr_array_add(words, g_ptr_array_index(step->problems, i));
		g_ptr_array_add(words, NULL);
		joined = g_strjoinv(" ", (gchar **)words->pdata);
		expected = ct_scenario_sorted_words(joined);
		ct_scenario_check_string(report, problems_what, expected,
					 actual[0] != '\0' ? actual : "none");
	}
	ct_scenario_check_number(report, status_what, step->http_status,
				 ct_json_get_int(result, "http_status"));
	ct_scenario_check_string(report, title_what, step->title,
				 ct_json_get_string(result, "page_title"));
	ct_scenario_check_number(report, certificates_what, step->certificates,
				 certificates != NULL ? (gint64)json_array_get_length(certificates)
						      : -1);
}

/* the first access, as a browser makes it: fetch, one process for every page */
gboolean
ct_scenario_step_access(CtScenarioRun *run,
			const CtScenarioStep *step,
			CtScenarioStepReport *report,
			GError **error)
{
	const gchar *name = step->names->len > 0 ? g_ptr_array_index(step->names, 0)
						 : ct_scenario_first_name(run);
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_auto(CtScenarioOutput) output = {0};
	g_autoptr(GPtrArray) results = NULL;
	guint pages = MAX(step->paths->len, 1);

	g_ptr_array_add(args, g_strdup("fetch"));
	for (guint i = 0; i < pages; i++)
		g_ptr_array_add(args, ct_scenario_url(run, name,
						      step->paths->len > 0
							  ? g_ptr_array_index(step->paths, i)
							  : NULL));
	g_ptr_array_add(args, NULL);
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)args->pdata, TRUE, 0, &output,
				   error))
		return FALSE;
	ct_scenario_check_exit(report, &output, 0);
	if (output.root == NULL || output.status != 0)
		return TRUE;
	results = ct_scenario_json_results(ct_json_node_get_object(output.root));
	if (results->len != pages) {
		ct_scenario_check_number(report, "pages", (gint)pages, results->len);
		return TRUE;
	}
	for (guint i = 0; i < pages; i++) {
		const gchar *path = step->paths->len > 0 ? g_ptr_array_index(step->paths, i) : "/";
		ct_scenario_check_access(report, step, g_ptr_array_index(results, i), path);
	}
	return TRUE;
}

gboolean
ct_scenario_step_show(CtScenarioRun *run,
		      const CtScenarioStep *step,
		      CtScenarioStepReport *report,
		      GError **error)
{
	g_autofree gchar *source = ct_scenario_source(run, step->from, error);
	const gchar *args[] = {"show", source, NULL};
	g_auto(CtScenarioOutput) output = {0};
	JsonArray *certificates;
	JsonObject *leaf = NULL;
	const gchar *yes_no[] = {"no", "yes"};
	gint self_signed;
	gint ca_capable;

	if (source == NULL)
		return FALSE;
	if (!ct_scenario_certtrust(run, report, args, ct_scenario_from_server(step), 0, &output,
				   error))
		return FALSE;
	ct_scenario_check_exit(report, &output, 0);
	certificates = ct_json_get_array(ct_json_node_get_object(output.root), "certificates");
	if (certificates == NULL || output.status != 0)
		return TRUE;
	ct_scenario_check_number(report, "certificates", step->certificates,
				 json_array_get_length(certificates));
	if (json_array_get_length(certificates) > 0)
		leaf = ct_json_node_get_object(json_array_get_element(certificates, 0));
	ct_scenario_check_number(report, "version", step->version,
				 ct_json_get_int(leaf, "version"));
	self_signed = ct_json_get_boolean(leaf, "self_signed");
	ca_capable = ct_json_get_boolean(leaf, "ca_capable");
	if (step->self_signed >= 0)
		ct_scenario_check_string(report, "self-signed", yes_no[step->self_signed],
					 self_signed >= 0 ? yes_no[self_signed] : NULL);
	if (step->ca_capable >= 0)
		ct_scenario_check_string(report, "ca-capable", yes_no[step->ca_capable],
					 ca_capable >= 0 ? yes_no[ca_capable] : NULL);
	return TRUE;
}

gboolean
ct_scenario_step_check_host(CtScenarioRun *run,
			    const CtScenarioStep *step,
			    CtScenarioStepReport *report,
			    GError **error)
{
	const gchar *copy = g_hash_table_lookup(run->files, "pem");
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_auto(CtScenarioOutput) output = {0};
	g_autoptr(GPtrArray) results = NULL;
	gboolean had_mismatch;
	gboolean any_mismatch = FALSE;

	/* the verdict is the certificate's: check serve's copy of what it presents (the
	 * fingerprint says it is that one), without a TLS connection per step */
	if (copy == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_NOT_FOUND,
				    "serve wrote no copy of its certificate");
		return FALSE;
	}
	g_ptr_array_add(args, g_strdup("check-host"));
	g_ptr_array_add(args, g_strdup(copy));
	for (guint i = 0; i < step->names->len; i++) {
		g_ptr_array_add(args, g_strdup("--name"));
		g_ptr_array_add(args, g_strdup(g_ptr_array_index(step->names, i)));
	}
	g_ptr_array_add(args, NULL);
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)args->pdata, FALSE, 0,
				   &output, error))
		return FALSE;
	if (output.root == NULL)
		return TRUE;
	had_mismatch = report->message != NULL;
	results = ct_scenario_json_results(ct_json_node_get_object(output.root));
	for (guint i = 0; i < step->names->len; i++) {
		const gchar *name = g_ptr_array_index(step->names, i);
		const gchar *policies[] = {"strict", "legacy", "firefox", "chromium"};
		const gchar *expectations[] = {step->strict, step->legacy, step->firefox,
					       step->chromium};
		JsonObject *found = NULL;
		for (guint j = 0; j < results->len && found == NULL; j++) {
			JsonObject *result = g_ptr_array_index(results, j);
			if (g_ascii_strcasecmp(ct_json_get_string(result, "name") != NULL
						   ? ct_json_get_string(result, "name")
						   : "",
					       name) == 0)
				found = result;
		}
		for (guint k = 0; k < G_N_ELEMENTS(policies); k++) {
			const gchar *policy = policies[k];
			const gchar *expected = expectations[k];
			g_autofree gchar *what = g_strdup_printf("%s %s", name, policy);
			JsonObject *verdict = NULL;
			gint match;
			if (found != NULL && json_object_has_member(found, policy))
				verdict = ct_json_node_get_object(
				    json_object_get_member(found, policy));
			match = ct_json_get_boolean(verdict, "match");
			if (k == 0)
				ct_scenario_check_string(report, "certificate checked", run->sha256,
							 ct_json_get_string(found, "sha256"));
			any_mismatch |= k == 0 && match == 0;
			ct_scenario_check_string(report, what, expected,
						 match < 0    ? NULL
						 : match == 1 ? "match"
							      : "mismatch");
		}
	}
	/* a strict mismatch is exit 4 (check-host's default policy), else 0 */
	ct_scenario_check_exit_after(report, &output, had_mismatch, any_mismatch ? 4 : 0);
	return TRUE;
}

gboolean
ct_scenario_step_status(CtScenarioRun *run,
			const CtScenarioStep *step,
			CtScenarioStepReport *report,
			GError **error)
{
	g_autofree gchar *url = ct_scenario_url(run, ct_scenario_first_name(run), NULL);
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_auto(CtScenarioOutput) output = {0};
	gboolean had_mismatch;

	g_ptr_array_add(args, g_strdup("status"));
	g_ptr_array_add(args, g_strdup(url));
	if (step->exact)
		g_ptr_array_add(args, g_strdup("--exact"));
	ct_scenario_add_store_args(run, args, step->stores);
	g_ptr_array_add(args, NULL);
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)args->pdata, TRUE, 0, &output,
				   error))
		return FALSE;
	if (output.root == NULL)
		return TRUE;
	had_mismatch = report->message != NULL;
	ct_scenario_check_string(report, "status", step->outcome,
				 ct_json_get_string(ct_json_node_get_object(output.root),
						    "status"));
	ct_scenario_check_exit_after(report, &output, had_mismatch,
				     g_strcmp0(step->outcome, "trusted") == 0 ? 0 : 4);
	return TRUE;
}

gboolean
ct_scenario_step_list(CtScenarioRun *run,
		      const CtScenarioStep *step,
		      CtScenarioStepReport *report,
		      GError **error)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_auto(CtScenarioOutput) output = {0};
	JsonArray *entries;

	g_ptr_array_add(args, g_strdup("list"));
	ct_scenario_add_store_args(run, args, step->stores);
	g_ptr_array_add(args, NULL);
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)args->pdata, FALSE, 0,
				   &output, error))
		return FALSE;
	ct_scenario_check_exit(report, &output, 0);
	entries = ct_json_get_array(ct_json_node_get_object(output.root), "entries");
	if (output.root == NULL || output.status != 0)
		return TRUE;
	ct_scenario_check_number(report, "entries", step->entries,
				 entries != NULL ? (gint64)json_array_get_length(entries) : -1);
	return TRUE;
}

/* verify and session: the real browser visits the server under each name */
gboolean
ct_scenario_step_browser(CtScenarioRun *run,
			 const CtScenarioStep *step,
			 CtScenarioStepReport *report,
			 GError **error)
{
	GPtrArray *names = step->names->len > 0 ? step->names : run->scenario->names;
	g_autofree gchar *url = ct_scenario_url(run, g_ptr_array_index(names, 0), NULL);
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_auto(CtScenarioOutput) output = {0};
	JsonArray *navigations;
	gboolean had_mismatch;
	guint timeout = run->options->timeout > 0 ? run->options->timeout
						  : CT_SCENARIO_BROWSER_TIMEOUT_S;

	g_ptr_array_add(args, g_strdup(step->kind == CT_SCENARIO_STEP_VERIFY ? "verify" : "open"));
	g_ptr_array_add(args, g_strdup(url));
	g_ptr_array_add(args, g_strdup("--browser"));
	g_ptr_array_add(args, g_strdup(step->browser));
	if (step->kind == CT_SCENARIO_STEP_SESSION) {
		g_ptr_array_add(args, g_strdup("--session"));
		g_ptr_array_add(args, g_strdup("--headless"));
	}
	for (guint i = 1; i < names->len; i++) {
		g_ptr_array_add(args, g_strdup("--name"));
		g_ptr_array_add(args, ct_scenario_typed(run, g_ptr_array_index(names, i)));
	}
	ct_scenario_add_store_args(run, args, step->stores);
	g_ptr_array_add(args, NULL);
	if (!ct_scenario_certtrust(run, report, (const gchar *const *)args->pdata, TRUE, timeout,
				   &output, error))
		return FALSE;
	navigations = ct_json_get_array(ct_json_node_get_object(output.root), "navigations");
	if (navigations == NULL) {
		ct_scenario_check_exit(report, &output,
				       g_strcmp0(step->outcome, "loads") == 0 ? 0 : 4);
		return TRUE;
	}
	had_mismatch = report->message != NULL;
	ct_scenario_check_number(report, "pages visited", (gint)names->len,
				 json_array_get_length(navigations));
	for (guint i = 0; i < json_array_get_length(navigations); i++) {
		JsonObject *navigation = ct_json_node_get_object(
		    json_array_get_element(navigations, i));
		const gchar *page = ct_json_get_string(navigation, "url");
		const gchar *outcome = ct_json_get_string(navigation, "outcome");
		const gchar *code = ct_json_get_string(navigation, "error_code");
		g_autofree gchar *expected = NULL;
		g_autofree gchar *actual = NULL;
		expected = step->error_code != NULL
			       ? g_strdup_printf("%s %s", step->outcome, step->error_code)
			       : g_strdup(step->outcome);
		actual = code != NULL && g_strcmp0(outcome, "loads") != 0
			     ? g_strdup_printf("%s %s", outcome, code)
			     : g_strdup(outcome);
		ct_scenario_check_string(report, page != NULL ? page : "page", expected, actual);
	}
	ct_scenario_check_exit_after(report, &output, had_mismatch,
				     g_strcmp0(step->outcome, "loads") == 0 ? 0 : 4);
	return TRUE;
}

/* regenerate and restart: serve again on the same ports and certificate directory */
gboolean
ct_scenario_step_restart(CtScenarioRun *run,
			 const CtScenarioStep *step,
			 CtScenarioStepReport *report,
			 GError **error)
{
	gboolean regenerate = step->kind == CT_SCENARIO_STEP_REGENERATE;
	g_autofree gchar *before = g_strdup(run->sha256);

	ct_scenario_serve_stop(run);
	if (!ct_scenario_serve_start(run, regenerate, report, error))
		return FALSE;
	if (regenerate) {
		ct_scenario_check_string(report, "certificate", "a new one",
					 g_strcmp0(before, run->sha256) != 0 && run->generated
					     ? "a new one"
					     : "the old one");
	} else {
		ct_scenario_check_string(report, "certificate", "the saved one",
					 g_strcmp0(before, run->sha256) == 0 && !run->generated
					     ? "the saved one"
					     : "a new one");
	}
	return TRUE;
}

/* the SOAP API: POST /axl/, over plain HTTP and over HTTPS */

static gboolean
ct_scenario_accept_certificate_cb(GTlsConnection *connection,
				  GTlsCertificate *peer,
				  GTlsCertificateFlags errors,
				  gpointer user_data)
{
	/* only the certificate serve said it presents */
	return g_tls_certificate_is_same(peer, G_TLS_CERTIFICATE(user_data));
}

static gint
ct_scenario_soap_post(CtScenarioRun *run,
		      gboolean https,
		      const gchar *name,
		      guint port,
		      GError **error)
{
	const gchar *body =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
	    "xmlns:ns=\"http://www.cisco.com/AXL/API/8.0\"><soapenv:Body><ns:getCCMVersion/>"
	    "</soapenv:Body></soapenv:Envelope>\n";
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) connection = NULL;
	g_autoptr(GIOStream) tls = NULL;
	g_autoptr(GTlsCertificate) expected = NULL;
	g_autoptr(GDataInputStream) in = NULL;
	g_autofree gchar *request = NULL;
	g_autofree gchar *status_line = NULL;
	g_autofree gchar *code = NULL;
	GIOStream *stream;
	guint64 status = 0;

	g_socket_client_set_timeout(client, CT_SCENARIO_NET_TIMEOUT_S);
	/* straight to serve on loopback, whatever proxy the user's environment names */
	g_socket_client_set_enable_proxy(client, FALSE);
	connection = g_socket_client_connect_to_host(client, "127.0.0.1", (guint16)port,
						     run->cancellable, error);
	if (connection == NULL)
		return -1;
	stream = G_IO_STREAM(connection);
	if (https) {
		g_autoptr(GSocketConnectable) identity = g_network_address_new(name, (guint16)port);
		expected = g_tls_certificate_new_from_file(g_hash_table_lookup(run->files, "pem"),
							   error);
		if (expected == NULL)
			return -1;
		tls = g_tls_client_connection_new(stream, identity, error);
		if (tls == NULL)
			return -1;
		g_signal_connect(tls, "accept-certificate",
				 G_CALLBACK(ct_scenario_accept_certificate_cb), expected);
		if (!g_tls_connection_handshake(G_TLS_CONNECTION(tls), run->cancellable, error))
			return -1;
		stream = tls;
	}
	request = g_strdup_printf("POST /axl/ HTTP/1.1\r\nHost: %s:%u\r\n"
				  "Content-Type: text/xml; charset=utf-8\r\n"
				  "SOAPAction: \"CUCM:DB ver=8.0 getCCMVersion\"\r\n"
				  "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
				  name, port, strlen(body), body);
	if (!g_output_stream_write_all(g_io_stream_get_output_stream(stream), request,
				       strlen(request), NULL, run->cancellable, error))
		return -1;
	in = g_data_input_stream_new(g_io_stream_get_input_stream(stream));
	g_data_input_stream_set_newline_type(in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
	status_line = g_data_input_stream_read_line(in, NULL, run->cancellable, error);
	if (status_line == NULL) {
		if (error != NULL && *error == NULL)
			g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA,
					    "no HTTP response");
		return -1;
	}
	if (g_str_has_prefix(status_line, "HTTP/1.") && strlen(status_line) >= 12)
		code = g_strndup(status_line + 9, 3);
	if (code == NULL || !g_ascii_string_to_unsigned(code, 10, 100, 599, &status, NULL)) {
		g_autofree gchar *safe = ct_escape_for_terminal(status_line, -1, 100);
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "not an HTTP status line: %s",
			    safe);
		return -1;
	}
	g_io_stream_close(stream, NULL, NULL);
	return (gint)status;
}

gboolean
ct_scenario_step_soap(CtScenarioRun *run,
		      const CtScenarioStep *step,
		      CtScenarioStepReport *report,
		      GError **error)
{
	const gchar *name = ct_scenario_first_name(run);

	for (guint i = 0; i < 2; i++) {
		gboolean https = i == 1;
		gint expected = https ? step->https_status : step->http_status;
		guint port = https ? run->https_port : run->http_port;
		g_autoptr(GError) error_local = NULL;
		g_autofree gchar *command = NULL;
		g_autofree gchar *what = NULL;
		gint status;

		if (expected < 0)
			continue;
		command = g_strdup_printf("POST %s://%s:%u/axl/ (to 127.0.0.1)",
					  https ? "https" : "http", name, port);
		ct_scenario_add_command(report, command);
		what = g_strdup_printf("%s status", https ? "HTTPS" : "HTTP");
		status = ct_scenario_soap_post(run, https, name, port, &error_local);
		if (status < 0) {
			g_autofree gchar *why = NULL;
			if (g_cancellable_is_cancelled(run->cancellable)) {
				g_set_error_literal(error, CT_ERROR, CT_ERROR_CANCELLED,
						    "interrupted");
				return FALSE;
			}
			why = g_strdup_printf("no answer (%s)", error_local->message);
			ct_scenario_check_string(report, what, "an answer", why);
			continue;
		}
		ct_scenario_check_number(report, what, expected, status);
	}
	return TRUE;
}
