/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ct-test.h"

/* an internationalized host name (bücher.example, whose A-label xn--bcher-kva.example is
 * the certificate's SAN, made by openssl) served by openssl s_server: fetch, --resolve,
 * check-host, trust and the ledger all keep one form of the name, whatever the user typed */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;
static GSubprocess *server = NULL;
static guint port = 0;

static void
idn_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
}

static void
idn_teardown(void)
{
	if (server != NULL) {
		g_subprocess_force_exit(server);
		g_subprocess_wait(server, NULL, NULL);
		g_clear_object(&server);
	}
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
}

TestSuite(idn, .init = idn_setup, .fini = idn_teardown, .timeout = 120);

/* openssl s_server on a loopback port with the xn--bcher-kva.example certificate */
static void
idn_start_server(void)
{
	g_autofree gchar *cert = ct_test_data_path("idn.pem");
	g_autofree gchar *key = ct_test_data_path("idn.key");
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *accept = NULL;

	port = ct_test_free_port();
	accept = g_strdup_printf("127.0.0.1:%u", port);
	server = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
				      G_SUBPROCESS_FLAGS_STDERR_SILENCE |
				      G_SUBPROCESS_FLAGS_STDIN_PIPE,
				  &error, "openssl", "s_server", "-quiet", "-accept", accept,
				  "-cert", cert, "-key", key, "-WWW", NULL);
	cr_assert_not_null(server, "openssl s_server: %s", error != NULL ? error->message : "");
	for (guint i = 0; i < 400; i++) {
		g_autoptr(GSocketConnection) connection =
		    g_socket_client_connect_to_host(client, "127.0.0.1", (guint16)port, NULL, NULL);
		if (connection != NULL)
			return;
		g_usleep(25 * 1000);
	}
	cr_assert_fail("openssl s_server does not listen on port %u", port);
}

/* the certificate's SHA-256 fingerprint as openssl prints it */
static gchar *
idn_openssl_sha256(void)
{
	g_autofree gchar *cert = ct_test_data_path("idn.pem");
	g_autofree gchar *cmd = g_strdup_printf("openssl x509 -noout -fingerprint -sha256 -in '%s'",
						cert);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	const gchar *equals = strchr(run->out, '=');

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert_not_null(equals, "%s", run->out);
	return g_strstrip(g_strdup(equals + 1));
}

static gboolean
idn_has_problem(JsonObject *document, const gchar *problem)
{
	JsonArray *problems = json_object_get_array_member(document, "problems");

	for (guint i = 0; i < json_array_get_length(problems); i++) {
		if (g_strcmp0(json_array_get_string_element(problems, i), problem) == 0)
			return TRUE;
	}
	return FALSE;
}

/* fetch SOURCE --resolve RULE --json */
static CtTestRun *
idn_fetch(const gchar *source, const gchar *rule)
{
	const gchar *argv[] = {"certtrust", "fetch",	 source, "--resolve", rule,
			       "--json",    "--timeout", "20",	 NULL};
	return ct_test_run(argv, NULL);
}

/* every spelling of the name in --resolve, and both forms of SOURCE, reach openssl s_server,
 * get its certificate, and match its name */
Test(idn, fetch_resolves_every_spelling_of_a_unicode_name)
{
	const gchar *spellings[] = {"bücher.example", "BÜCHER.example", "xn--bcher-kva.example",
				    "XN--BCHER-KVA.EXAMPLE."};
	g_autofree gchar *expected = NULL;

	idn_start_server();
	expected = idn_openssl_sha256();
	for (guint i = 0; i < G_N_ELEMENTS(spellings); i++) {
		g_autofree gchar *url = g_strdup_printf("https://bücher.example:%u/", port);
		g_autofree gchar *host_port = g_strdup_printf("bücher.example:%u", port);
		g_autofree gchar *rule = g_strdup_printf("%s:%u:127.0.0.1", spellings[i], port);
		const gchar *sources[] = {url, host_port};

		for (guint j = 0; j < G_N_ELEMENTS(sources); j++) {
			g_autoptr(CtTestRun) run = idn_fetch(sources[j], rule);
			g_autoptr(JsonNode) root = NULL;
			JsonObject *document;
			JsonObject *leaf;

			cr_assert_eq(run->exit_status, 0, "%s --resolve %s: %s%s", sources[j], rule,
				     run->out, run->err);
			root = ct_test_parse_one_json_document(run->out);
			document = json_node_get_object(root);
			leaf = json_array_get_object_element(
			    json_object_get_array_member(document, "certificates"), 0);
			cr_assert_str_eq(json_object_get_string_member(leaf, "sha256"), expected);
			cr_assert(!idn_has_problem(document, "bad-identity"),
				  "%s --resolve %s: the name does not match: %s", sources[j], rule,
				  run->out);
			cr_assert(idn_has_problem(document, "unknown-ca"), "%s", run->out);
		}
	}
}

/* the rule is what sends the name to the server: another name's rule does not, and a name
 * the certificate lacks is a mismatch (the two checks above can fail) */
Test(idn, fetch_applies_only_the_rule_of_the_name_and_checks_it)
{
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *other_url = NULL;
	g_autofree gchar *other_rule = NULL;
	g_autoptr(CtTestRun) elsewhere = NULL;
	g_autoptr(CtTestRun) other = NULL;
	g_autoptr(JsonNode) root = NULL;

	idn_start_server();
	url = g_strdup_printf("https://bücher.example:%u/", port);
	rule = g_strdup_printf("bucher.example:%u:127.0.0.1", port);
	elsewhere = idn_fetch(url, rule);
	cr_assert_eq(elsewhere->exit_status, 5, "%s%s", elsewhere->out, elsewhere->err);

	other_url = g_strdup_printf("https://bücher.example.org:%u/", port);
	other_rule = g_strdup_printf("bücher.example.org:%u:127.0.0.1", port);
	other = idn_fetch(other_url, other_rule);
	cr_assert_eq(other->exit_status, 0, "%s%s", other->out, other->err);
	root = ct_test_parse_one_json_document(other->out);
	cr_assert(idn_has_problem(json_node_get_object(root), "bad-identity"), "%s", other->out);
}

/* a NAME that cannot be a host name is a usage error, not a rule that never matches */
Test(idn, resolve_name_that_is_no_host_is_a_usage_error)
{
	const gchar *rules[] = {"bü cher.example:8443:127.0.0.1", "a..example:8443:127.0.0.1",
				"[bücher.example]:8443:127.0.0.1"};

	for (guint i = 0; i < G_N_ELEMENTS(rules); i++) {
		g_autoptr(CtTestRun) run = idn_fetch("https://bücher.example:8443/", rules[i]);
		cr_assert_eq(run->exit_status, 2, "%s: %s%s", rules[i], run->out, run->err);
		cr_assert_not_null(strstr(run->err, "--resolve"), "%s", run->err);
	}
}

/* check-host compares the one form, whatever the spelling, and says which */
Test(idn, check_host_matches_every_spelling)
{
	const gchar *spellings[] = {"bücher.example", "BÜCHER.EXAMPLE.", "xn--bcher-kva.example",
				    "XN--BCHER-KVA.Example"};
	g_autofree gchar *cert = ct_test_data_path("idn.pem");

	for (guint i = 0; i < G_N_ELEMENTS(spellings); i++) {
		const gchar *argv[] = {"certtrust",  "check-host", cert, "--name",
				       spellings[i], "--json",	   NULL};
		g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
		g_autoptr(JsonNode) root = NULL;
		JsonObject *result;

		cr_assert_eq(run->exit_status, 0, "%s: %s%s", spellings[i], run->out, run->err);
		root = ct_test_parse_one_json_document(run->out);
		/* one name: its result is the document */
		result = json_node_get_object(root);
		cr_assert_str_eq(json_object_get_string_member(result, "reference"),
				 "xn--bcher-kva.example");
	}
}

/* the lines of cert_override.txt that are not comments */
static GPtrArray *
idn_override_lines(void)
{
	g_autofree gchar *path = g_build_filename(profile, "cert_override.txt", NULL);
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;
	GPtrArray *result = g_ptr_array_new_with_free_func(g_free);

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return result;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (lines[i][0] != '\0' && lines[i][0] != '#')
			g_ptr_array_add(result, g_strdup(lines[i]));
	}
	return result;
}

/* trust under several spellings of one name writes one exception, for the A-label Firefox
 * looks up, and the ledger holds that same form */
Test(idn, trust_keeps_one_form_of_the_name_in_store_and_ledger)
{
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *store = g_strdup_printf("firefox:%s", profile);
	g_autofree gchar *expected_prefix = NULL;
	g_autoptr(CtTestRun) trust = NULL;
	g_autoptr(CtTestRun) list = NULL;
	g_autoptr(GPtrArray) lines = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *entries;
	guint firefox_entries = 0;

	idn_start_server();
	url = g_strdup_printf("https://BÜCHER.example:%u/", port);
	rule = g_strdup_printf("bücher.example:%u:127.0.0.1", port);
	{
		const gchar *argv[] = {"certtrust",
				       "trust",
				       url,
				       "--resolve",
				       rule,
				       "--store",
				       store,
				       "--name",
				       "bücher.example.",
				       "--name",
				       "XN--BCHER-KVA.EXAMPLE",
				       "--yes",
				       NULL};
		trust = ct_test_run(argv, NULL);
	}
	cr_assert_eq(trust->exit_status, 0, "%s%s", trust->out, trust->err);
	expected_prefix = g_strdup_printf("xn--bcher-kva.example:%u:\t", port);
	lines = idn_override_lines();
	cr_assert_eq(lines->len, 1, "one exception for one name");
	cr_assert(g_str_has_prefix(g_ptr_array_index(lines, 0), expected_prefix), "%s",
		  (const gchar *)g_ptr_array_index(lines, 0));

	{
		const gchar *argv[] = {"certtrust", "list", "--json", NULL};
		list = ct_test_run(argv, NULL);
	}
	cr_assert_eq(list->exit_status, 0, "%s", list->err);
	root = ct_test_parse_one_json_document(list->out);
	entries = json_object_get_array_member(json_node_get_object(root), "entries");
	for (guint i = 0; i < json_array_get_length(entries); i++) {
		JsonObject *entry = json_array_get_object_element(entries, i);
		g_autofree gchar *host = NULL;
		if (g_strcmp0(json_object_get_string_member(entry, "store"), "firefox") != 0)
			continue;
		firefox_entries++;
		host = g_strdup_printf("xn--bcher-kva.example:%u", port);
		cr_assert_str_eq(json_object_get_string_member(entry, "host"), host);
	}
	cr_assert_eq(firefox_entries, 1, "%s", list->out);

	/* untrust --for finds it under another spelling, and takes it away */
	{
		g_autofree gchar *for_name = g_strdup_printf("BÜCHER.example.:%u", port);
		const gchar *argv[] = {"certtrust", "untrust", "--for", for_name,
				       "--store",   store,     "--yes", NULL};
		g_autoptr(CtTestRun) untrust = ct_test_run(argv, NULL);
		g_autoptr(GPtrArray) left = NULL;

		cr_assert_eq(untrust->exit_status, 0, "%s%s", untrust->out, untrust->err);
		left = idn_override_lines();
		cr_assert_eq(left->len, 0, "the exception is still there");
	}
}

/* a --name that cannot be a host name is a usage error and nothing is written */
Test(idn, trust_refuses_a_name_that_is_no_host)
{
	g_autofree gchar *cert = ct_test_data_path("idn.pem");
	g_autofree gchar *store = g_strdup_printf("firefox:%s", profile);
	const gchar *names[] = {"a..example:443", "bü cher.example", "[::1:443"};

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		const gchar *argv[] = {"certtrust", "trust",  cert,    "--store", store,
				       "--name",    names[i], "--yes", NULL};
		g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
		g_autoptr(GPtrArray) lines = idn_override_lines();

		cr_assert_eq(run->exit_status, 2, "%s: %s%s", names[i], run->out, run->err);
		cr_assert_not_null(strstr(run->err, "--name"), "%s", run->err);
		cr_assert_eq(lines->len, 0, "%s: cert_override.txt was written", names[i]);
	}
}

/* serve --name writes the name into its certificate as openssl reads it back: the A-label,
 * lower case, whatever the spelling */
Test(idn, serve_writes_the_a_label_into_its_certificate)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "serve", NULL);
	const gchar *extra[] = {"--name", "BÜCHER.example.", NULL};
	CtTestServer *served = ct_test_server_start("tomcat", dir, extra);
	g_autofree gchar *cmd = g_strdup_printf(
	    "openssl s_client -connect 127.0.0.1:%u -servername xn--bcher-kva.example "
	    "</dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName",
	    served->https_port);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);

	ct_test_server_stop(served);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert_not_null(strstr(run->out, "DNS:xn--bcher-kva.example"), "%s", run->out);
	cr_assert_null(strstr(run->out, "xn--bcher-kva.example."), "%s", run->out);
	cr_assert_null(strstr(run->out, "BÜCHER"), "%s", run->out);
}
