/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestSecurityFetch"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "ct-test.h"

/* the first access under hostile servers: a redirect to another server's certificate,
 * a page that never ends; each server is Python's ssl + http.server (tests/lib/pages-server.py)
 * with a certificate openssl makes for the test */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;
static GPtrArray *servers = NULL;

static void
fetch_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
	servers = g_ptr_array_new_with_free_func(g_object_unref);
}

static void
fetch_teardown(void)
{
	for (guint i = 0; servers != NULL && i < servers->len; i++) {
		GSubprocess *process = g_ptr_array_index(servers, i);
		g_subprocess_send_signal(process, SIGTERM);
		g_subprocess_wait(process, NULL, NULL);
	}
	g_clear_pointer(&servers, g_ptr_array_unref);
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
}

TestSuite(security_fetch, .init = fetch_setup, .fini = fetch_teardown, .timeout = 120);

/* a self-signed certificate for name (tmpdir/name.pem, tmpdir/name.key); its SHA-256 as
 * openssl prints it (uppercase hex with colons) */
static gchar *
fetch_make_certificate(const gchar *name)
{
	g_autofree gchar *command = g_strdup_printf(
	    "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-subj '/CN=%s' -addext 'subjectAltName=DNS:%s' -addext 'basicConstraints=CA:FALSE' "
	    "-days 3650 -keyout '%s.key' -out '%s.pem' 2>/dev/null && "
	    "openssl x509 -in '%s.pem' -noout -fingerprint -sha256",
	    tmpdir, name, name, name, name, name);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	const gchar *equals = strchr(run->out, '=');

	cr_assert_eq(run->exit_status, 0, "openssl: %s", run->err);
	cr_assert_not_null(equals, "openssl printed no fingerprint: %s", run->out);
	return g_strstrip(g_strdup(equals + 1));
}

/* tests/lib/pages-server.py with tmpdir/name.pem; returns its port */
static guint
fetch_start_pages(const gchar *name)
{
	g_autofree gchar *cert = g_strdup_printf("%s/%s.pem", tmpdir, name);
	g_autofree gchar *key = g_strdup_printf("%s/%s.key", tmpdir, name);
	CtTestPeer *peer = ct_test_pages_start(cert, key);
	guint port = peer->port;

	/* the teardown stops it with the other servers */
	g_ptr_array_add(servers, g_steal_pointer(&peer->process));
	g_free(peer);
	return port;
}

/* the SHA-256 of every certificate in the NSS db at dir, as openssl reads them */
static gchar *
fetch_nssdb_fingerprints(const gchar *dir)
{
	g_autofree gchar *command =
	    g_strdup_printf("certutil -L -d 'sql:%s' | tail -n +5 | sed -E "
			    "'s/[[:space:]]+[^[:space:]]+[[:space:]]*$//' | "
			    "while IFS= read -r nick; do certutil -L -d 'sql:%s' -n \"$nick\" -a | "
			    "openssl x509 -noout -fingerprint -sha256 || exit 1; done",
			    dir, dir);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);

	cr_assert_eq(run->exit_status, 0, "certutil -L: %s", run->err);
	return g_strdup(run->out);
}

static gchar *
fetch_read_override(void)
{
	g_autofree gchar *path = g_build_filename(profile, "cert_override.txt", NULL);
	gchar *contents = NULL;

	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return g_strdup("");
	return contents;
}

/* V2: a 302 from victim.test:P1 to another server must not make certtrust trust that other
 * server's certificate for victim.test:P1 */
Test(security_fetch, a_redirect_is_reported_and_never_followed)
{
	g_autofree gchar *victim = fetch_make_certificate("victim.test");
	g_autofree gchar *other = fetch_make_certificate("other.test");
	guint victim_port = fetch_start_pages("victim.test");
	guint other_port = fetch_start_pages("other.test");
	g_autofree gchar *location = g_strdup_printf("https://127.0.0.1:%u/", other_port);
	g_autofree gchar *url = g_strdup_printf("https://victim.test:%u/redirect?to=%s",
						victim_port, location);
	g_autofree gchar *rule = g_strdup_printf("victim.test:%u:127.0.0.1", victim_port);
	g_autofree gchar *nssdb = g_build_filename(tmpdir, "nssdb", NULL);
	g_autofree gchar *store = g_strdup_printf("nss:%s", nssdb);
	g_autofree gchar *firefox = g_strdup_printf("firefox:%s", profile);
	g_autofree gchar *override = NULL;
	g_autofree gchar *in_db = NULL;
	g_autoptr(CtTestRun) dry = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *redirect;

	cr_assert_eq(g_mkdir(nssdb, 0700), 0);
	/* the plan says where the redirect went and that it was not followed */
	dry = ct_test_run_certtrust("trust", url, "--resolve", rule, "--store", firefox,
				    "--dry-run", NULL);
	cr_assert_eq(dry->exit_status, 0, "%s%s", dry->out, dry->err);
	cr_assert_not_null(strstr(dry->out, "HTTP 302"), "%s", dry->out);
	cr_assert_not_null(strstr(dry->out, location), "the plan hides the redirect:\n%s",
			   dry->out);
	cr_assert_not_null(strstr(dry->out, "not followed"), "%s", dry->out);

	run = ct_test_run_certtrust("--json", "trust", url, "--resolve", rule, "--store", firefox,
				    "--store", store, "--create", "--yes", NULL);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	root = ct_test_parse_one_json_document(run->out);
	cr_assert_str_eq(json_object_get_string_member(json_node_get_object(root), "sha256"),
			 victim);
	redirect = json_object_get_object_member(json_node_get_object(root), "redirect");
	cr_assert_not_null(redirect, "no \"redirect\" in %s", run->out);
	cr_assert_eq(json_object_get_int_member(redirect, "status"), 302);
	cr_assert_str_eq(json_object_get_string_member(redirect, "location"), location);

	/* the witnesses: the override file and the NSS db hold victim.test's certificate */
	override = fetch_read_override();
	cr_assert_not_null(strstr(override, victim), "override file:\n%s", override);
	cr_assert_null(strstr(override, other), "the redirect's certificate was trusted:\n%s",
		       override);
	in_db = fetch_nssdb_fingerprints(nssdb);
	cr_assert_not_null(strstr(in_db, victim), "NSS db:\n%s", in_db);
	cr_assert_null(strstr(in_db, other), "the redirect's certificate was trusted:\n%s", in_db);
}

/* fetch shows the redirect too, and a hostile Location reaches the terminal escaped */
Test(security_fetch, a_redirect_location_is_escaped)
{
	g_autofree gchar *victim = fetch_make_certificate("victim.test");
	guint port = fetch_start_pages("victim.test");
	g_autofree gchar *url = g_strdup_printf(
	    "https://victim.test:%u/redirect?to=https://elsewhere.test/%%1b%%5b31mred", port);
	g_autofree gchar *rule = g_strdup_printf("victim.test:%u:127.0.0.1", port);
	g_autoptr(CtTestRun) text = NULL;
	g_autoptr(CtTestRun) json = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *redirect;

	text = ct_test_run_certtrust("fetch", url, "--resolve", rule, NULL);
	cr_assert_eq(text->exit_status, 0, "%s%s", text->out, text->err);
	cr_assert_null(strchr(text->out, 0x1b), "a raw escape reached the terminal");
	cr_assert_not_null(strstr(text->out, "https://elsewhere.test/\\e[31mred"), "%s", text->out);
	cr_assert_not_null(strstr(text->out, victim), "%s", text->out);

	json = ct_test_run_certtrust("--json", "fetch", url, "--resolve", rule, NULL);
	cr_assert_eq(json->exit_status, 0, "%s%s", json->out, json->err);
	root = ct_test_parse_one_json_document(json->out);
	redirect = json_object_get_object_member(json_node_get_object(root), "redirect");
	cr_assert_not_null(redirect, "no \"redirect\" in %s", json->out);
	cr_assert_str_eq(json_object_get_string_member(redirect, "location"),
			 "https://elsewhere.test/\x1b[31mred");
	cr_assert_null(strchr(json->out, 0x1b), "JSON carries a raw escape: %s", json->out);
}

/* a page that never ends: the first access reads what the title needs and stops, with
 * bounded memory (the maximum RSS /usr/bin/time measures) and in bounded time */
Test(security_fetch, an_endless_page_is_not_read_whole)
{
	g_autofree gchar *victim = fetch_make_certificate("victim.test");
	guint port = fetch_start_pages("victim.test");
	g_autofree gchar *url = g_strdup_printf("https://victim.test:%u/endless", port);
	g_autofree gchar *rule = g_strdup_printf("victim.test:%u:127.0.0.1", port);
	g_autofree gchar *rss_path = g_build_filename(tmpdir, "rss", NULL);
	g_autofree gchar *rss_text = NULL;
	const gchar *argv[] = {"/usr/bin/time",
			       "-f",
			       "%M",
			       "-o",
			       rss_path,
			       g_getenv("CT_CERTTRUST"),
			       "--json",
			       "fetch",
			       url,
			       "--resolve",
			       rule,
			       "--timeout",
			       "15",
			       NULL};
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *object;
	guint64 rss_kib;
	gint64 started;
	gint64 elapsed_ms;

	if (!g_file_test(argv[0], G_FILE_TEST_IS_EXECUTABLE))
		cr_skip_test("/usr/bin/time is not installed (Debian package time)");
	started = g_get_monotonic_time();
	run = ct_test_run(argv, NULL);
	elapsed_ms = (g_get_monotonic_time() - started) / 1000;
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	root = ct_test_parse_one_json_document(run->out);
	object = json_node_get_object(root);
	cr_assert_str_eq(json_object_get_string_member(object, "page_title"), "Endless");
	cr_assert_eq(json_object_get_int_member(object, "http_status"), 200);
	cr_assert(g_file_get_contents(rss_path, &rss_text, NULL, NULL));
	rss_kib = g_ascii_strtoull(rss_text, NULL, 10);
	cr_assert(rss_kib > 0, "no RSS measured: %s", rss_text);
	/* the program itself (GLib, GnuTLS, NSS) is some 20-40 MiB; a page read whole is GBs */
	cr_assert_lt(rss_kib, 96 * 1024, "certtrust fetch used %" G_GUINT64_FORMAT " KiB", rss_kib);
	/* well inside --timeout 15: it stopped reading, it was not stopped by the clock */
	cr_assert_lt(elapsed_ms, 10000, "certtrust fetch took %" G_GINT64_FORMAT " ms", elapsed_ms);
}

/* openssl s_server -www with tmpdir/name.pem speaking only TLS 1.0 (SECLEVEL=0, as an old
 * appliance does); waits until it accepts; returns its port */
static guint
fetch_start_tls10(const gchar *name)
{
	g_autofree gchar *cert = g_strdup_printf("%s/%s.pem", tmpdir, name);
	g_autofree gchar *key = g_strdup_printf("%s/%s.key", tmpdir, name);
	guint port = ct_test_free_port();
	g_autofree gchar *accept = g_strdup_printf("127.0.0.1:%u", port);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	GSubprocess *process;

	process = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
				       G_SUBPROCESS_FLAGS_STDERR_SILENCE,
				   &error, "openssl", "s_server", "-tls1", "-cipher",
				   "DEFAULT:@SECLEVEL=0", "-accept", accept, "-cert", cert, "-key",
				   key, "-www", NULL);
	cr_assert_not_null(process, "openssl s_server: %s", error != NULL ? error->message : "");
	g_ptr_array_add(servers, process);
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
	for (;;) {
		g_autofree gchar *line = g_data_input_stream_read_line(out, NULL, NULL, NULL);
		cr_assert_not_null(line, "openssl s_server -tls1 did not start");
		if (g_str_has_prefix(line, "ACCEPT"))
			break;
	}
	return port;
}

/* the plan's predictions for the browsers, "browser=verdict reason" lines */
static gchar *
fetch_predictions(JsonObject *root)
{
	JsonArray *stores = json_object_get_array_member(root, "stores");
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < json_array_get_length(stores); i++) {
		JsonObject *store = json_array_get_object_element(stores, i);
		JsonArray *predictions = json_object_get_array_member(store, "predictions");
		for (guint j = 0; j < json_array_get_length(predictions); j++) {
			JsonObject *prediction = json_array_get_object_element(predictions, j);
			g_string_append_printf(
			    text, "%s=%s %s\n",
			    json_object_get_string_member(prediction, "browser"),
			    json_object_get_string_member(prediction, "verdict"),
			    json_object_get_string_member_with_default(prediction, "reason", ""));
		}
	}
	return g_string_free(text, FALSE);
}

/* a server that speaks only TLS 1.0: no trust makes Firefox or Chromium load it, and the plan
 * must say so instead of "loads" (a modern server on the same certificate is the control) */
Test(security_fetch, a_tls10_only_server_is_predicted_blocked)
{
	g_autofree gchar *fingerprint = fetch_make_certificate("old.test");
	guint old_port = fetch_start_tls10("old.test");
	guint new_port = fetch_start_pages("old.test");
	g_autofree gchar *old_url = g_strdup_printf("https://old.test:%u/", old_port);
	g_autofree gchar *new_url = g_strdup_printf("https://old.test:%u/", new_port);
	g_autofree gchar *old_rule = g_strdup_printf("old.test:%u:127.0.0.1", old_port);
	g_autofree gchar *new_rule = g_strdup_printf("old.test:%u:127.0.0.1", new_port);
	g_autofree gchar *firefox = g_strdup_printf("firefox:%s", profile);
	g_autofree gchar *s_client =
	    g_strdup_printf("openssl s_client -connect 127.0.0.1:%u -tls1_2 </dev/null", old_port);
	g_autofree gchar *old_predictions = NULL;
	g_autofree gchar *new_predictions = NULL;
	g_autoptr(CtTestRun) witness = NULL;
	g_autoptr(CtTestRun) fetch = NULL;
	g_autoptr(CtTestRun) old_plan = NULL;
	g_autoptr(CtTestRun) old_text = NULL;
	g_autoptr(CtTestRun) new_plan = NULL;
	g_autoptr(JsonNode) fetch_root = NULL;
	g_autoptr(JsonNode) old_root = NULL;
	g_autoptr(JsonNode) new_root = NULL;

	/* the witness: the server refuses TLS 1.2, what both browsers need at least */
	witness = ct_test_run_shell(s_client);
	cr_assert_neq(witness->exit_status, 0, "the server spoke TLS 1.2: %s", witness->out);

	old_plan = ct_test_run_certtrust("--json", "trust", old_url, "--resolve", old_rule,
					 "--store", firefox, "--store", "chromium", "--dry-run",
					 NULL);
	cr_assert_eq(old_plan->exit_status, 0, "%s%s", old_plan->out, old_plan->err);
	old_root = ct_test_parse_one_json_document(old_plan->out);
	old_predictions = fetch_predictions(json_node_get_object(old_root));
	cr_assert_not_null(strstr(old_predictions, "firefox=old-tls the server speaks TLS 1.0"),
			   "%s", old_predictions);
	cr_assert_not_null(strstr(old_predictions, "chromium=old-tls the server speaks TLS 1.0"),
			   "%s", old_predictions);
	cr_assert_null(strstr(old_predictions, "loads"), "%s", old_predictions);
	old_text = ct_test_run_certtrust("trust", old_url, "--resolve", old_rule, "--store",
					 firefox, "--dry-run", NULL);
	cr_assert_eq(old_text->exit_status, 0, "%s%s", old_text->out, old_text->err);
	cr_assert_not_null(strstr(old_text->out,
				  "Firefox refuses (SSL_ERROR_PROTOCOL_VERSION_ALERT)"),
			   "%s", old_text->out);
	cr_assert_not_null(strstr(old_text->out, "warning: the server speaks only TLS 1.0"), "%s",
			   old_text->out);

	fetch = ct_test_run_certtrust("--json", "fetch", old_url, "--resolve", old_rule, NULL);
	cr_assert_eq(fetch->exit_status, 0, "certtrust cannot reach a TLS 1.0 server: %s%s",
		     fetch->out, fetch->err);
	fetch_root = ct_test_parse_one_json_document(fetch->out);
	cr_assert_str_eq(json_object_get_string_member_with_default(json_node_get_object(
									fetch_root),
								    "tls_version", "(none)"),
			 "TLS 1.0");

	/* the control: the same certificate from a modern server loads */
	new_plan = ct_test_run_certtrust("--json", "trust", new_url, "--resolve", new_rule,
					 "--store", firefox, "--store", "chromium", "--dry-run",
					 NULL);
	cr_assert_eq(new_plan->exit_status, 0, "%s%s", new_plan->out, new_plan->err);
	new_root = ct_test_parse_one_json_document(new_plan->out);
	new_predictions = fetch_predictions(json_node_get_object(new_root));
	cr_assert_not_null(strstr(new_predictions, "firefox=loads"), "%s", new_predictions);
	cr_assert_not_null(strstr(new_predictions, "chromium=loads"), "%s", new_predictions);
	cr_assert_str_eq(json_object_get_string_member(json_node_get_object(new_root), "sha256"),
			 fingerprint);
}

/* the witness for the prediction above: the real browsers, after the trust is written,
 * still block the TLS 1.0-only server, with the error codes the plan gave */
Test(security_fetch, the_browsers_block_a_tls10_only_server_even_when_trusted, .timeout = 600)
{
	g_autofree gchar *fingerprint = fetch_make_certificate("old.test");
	guint port = fetch_start_tls10("old.test");
	g_autofree gchar *url = g_strdup_printf("https://old.test:%u/", port);
	g_autofree gchar *rule = g_strdup_printf("old.test:%u:127.0.0.1", port);
	const gchar *browsers[] = {"firefox", "chromium"};
	const gchar *codes[] = {"SSL_ERROR_PROTOCOL_VERSION_ALERT",
				"ERR_SSL_VERSION_OR_CIPHER_MISMATCH"};
	g_autoptr(CtTestRun) trust = NULL;
	g_autofree gchar *override = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(browsers); i++) {
		if (ct_test_browser_unavailable(browsers[i]) != NULL)
			cr_skip_test("%s", ct_test_browser_unavailable(browsers[i]));
	}
	trust = ct_test_run_certtrust("trust", url, "--resolve", rule, "--yes", NULL);
	cr_assert_eq(trust->exit_status, 0, "%s%s", trust->out, trust->err);
	override = fetch_read_override();
	cr_assert_not_null(strstr(override, fingerprint), "%s", override);
	for (guint i = 0; i < G_N_ELEMENTS(browsers); i++) {
		g_autoptr(CtTestRun)
		    verify = ct_test_run_certtrust("--json", "verify", url, "--resolve", rule,
						   "--browser", browsers[i], "--timeout", "60",
						   NULL);
		g_autoptr(JsonNode) root = NULL;
		JsonObject *navigation;

		cr_assert_eq(verify->exit_status, 4, "%s: %s%s", browsers[i], verify->out,
			     verify->err);
		root = ct_test_parse_one_json_document(verify->out);
		navigation =
		    json_array_get_object_element(json_object_get_array_member(json_node_get_object(
										   root),
									       "navigations"),
						  0);
		cr_assert_str_eq(json_object_get_string_member(navigation, "outcome"), "blocked");
		cr_assert_str_eq(json_object_get_string_member(navigation, "error_code"), codes[i]);
	}
}
