/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "ct-test.h"

/* `certtrust verify https://bücher.example:PORT/ --resolve bücher.example:PORT:127.0.0.1`
 * in the real Firefox ESR and Chromium, against openssl s_server with an openssl-made
 * certificate for xn--bcher-kva.example: the browsers reach the server under the Unicode
 * name, block it before trust and load it after */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;
static GSubprocess *server = NULL;

static gchar *
idn_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static void
idn_setup(void)
{
	g_autofree gchar *browser_tmp = NULL;

	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
	/* the browsers' throwaway dirs land in this test's own dir */
	browser_tmp = idn_path("tmp");
	cr_assert_eq(g_mkdir_with_parents(browser_tmp, 0700), 0);
	g_setenv("TMPDIR", browser_tmp, TRUE);
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
	g_unsetenv("TMPDIR");
}

TestSuite(browser_idn, .init = idn_setup, .fini = idn_teardown, .timeout = 300);

static void
idn_require(const gchar *browser)
{
	const gchar *reason = ct_test_browser_unavailable(browser);

	if (reason != NULL) {
		idn_teardown();
		cr_skip_test("%s", reason);
	}
}

/* openssl s_server -WWW serving docroot with the xn--bcher-kva.example certificate */
static guint
idn_start_server(const gchar *docroot)
{
	g_autofree gchar *cert = ct_test_data_path("idn.pem");
	g_autofree gchar *key = ct_test_data_path("idn.key");
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE |
	    G_SUBPROCESS_FLAGS_STDIN_PIPE);
	g_autoptr(GError) error = NULL;
	guint port = ct_test_free_port();
	g_autofree gchar *accept = g_strdup_printf("127.0.0.1:%u", port);
	const gchar *argv[] = {"openssl", "s_server", "-quiet", "-accept", accept, "-cert",
			       cert,	  "-key",     key,	"-WWW",	   NULL};

	g_subprocess_launcher_set_cwd(launcher, docroot);
	server = g_subprocess_launcher_spawnv(launcher, argv, &error);
	cr_assert_not_null(server, "openssl s_server: %s", error != NULL ? error->message : "");
	ct_test_wait_listening(port);
	return port;
}

/* the one navigation of a verify --json document */
static JsonObject *
idn_navigation(CtTestRun *run, JsonNode **root)
{
	JsonArray *navigations;

	*root = ct_test_parse_one_json_document(run->out);
	navigations = json_object_get_array_member(json_node_get_object(*root), "navigations");
	cr_assert_eq(json_array_get_length(navigations), 1, "%s", run->out);
	return json_array_get_object_element(navigations, 0);
}

static void
idn_page_loads_after_trust(const gchar *browser, const gchar *untrusted_code)
{
	g_autofree gchar *docroot = idn_path("www");
	g_autofree gchar *index = g_build_filename(docroot, "idn.html", NULL);
	g_autofree gchar *store = NULL;
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(CtTestRun) before = NULL;
	g_autoptr(CtTestRun) trust = NULL;
	g_autoptr(CtTestRun) after = NULL;
	g_autoptr(CtTestRun) upper = NULL;
	g_autoptr(JsonNode) before_root = NULL;
	g_autoptr(JsonNode) after_root = NULL;
	g_autoptr(JsonNode) upper_root = NULL;
	JsonObject *page;
	guint port;

	idn_require(browser);
	store = g_strcmp0(browser, "chromium") == 0 ? g_strdup("chromium")
						    : g_strdup_printf("firefox:%s", profile);
	cr_assert_eq(g_mkdir_with_parents(docroot, 0700), 0);
	cr_assert(
	    g_file_set_contents(index,
				"<html><head><meta charset=\"utf-8\"><title>Bücherei</title></head>"
				"<body>IDN</body></html>\n",
				-1, NULL));
	port = idn_start_server(docroot);
	url = g_strdup_printf("https://bücher.example:%u/idn.html", port);
	rule = g_strdup_printf("bücher.example:%u:127.0.0.1", port);

	/* the browser reaches the server under the Unicode name: it sees the certificate */
	before = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", browser,
				       "--store", store, "--json", NULL);
	cr_assert_eq(before->exit_status, 4, "%s%s", before->out, before->err);
	page = idn_navigation(before, &before_root);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "blocked", "%s",
			 before->out);
	cr_assert_str_eq(json_object_get_string_member(page, "error_code"), untrusted_code, "%s",
			 before->out);

	trust = ct_test_run_certtrust("trust", url, "--resolve", rule, "--store", store, "--yes",
				      NULL);
	cr_assert_eq(trust->exit_status, 0, "%s%s", trust->out, trust->err);

	after = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", browser,
				      "--store", store, "--json", NULL);
	cr_assert_eq(after->exit_status, 0, "%s%s", after->out, after->err);
	page = idn_navigation(after, &after_root);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads", "%s", after->out);
	cr_assert_str_eq(json_object_get_string_member(page, "title"), "Bücherei", "%s",
			 after->out);

	/* the same name in upper case and as its A-label is the same page */
	{
		g_autofree gchar *upper_url = g_strdup_printf("https://BÜCHER.example:%u/idn.html",
							      port);
		g_autofree gchar *ace_rule = g_strdup_printf("xn--bcher-kva.example:%u:127.0.0.1",
							     port);
		upper = ct_test_run_certtrust("verify", upper_url, "--resolve", ace_rule,
					      "--browser", browser, "--store", store, "--json",
					      NULL);
	}
	cr_assert_eq(upper->exit_status, 0, "%s%s", upper->out, upper->err);
	page = idn_navigation(upper, &upper_root);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads", "%s", upper->out);
}

Test(browser_idn, unicode_name_loads_after_trust_in_chromium)
{
	idn_page_loads_after_trust("chromium", "ERR_CERT_AUTHORITY_INVALID");
}

Test(browser_idn, unicode_name_loads_after_trust_in_firefox)
{
	idn_page_loads_after_trust("firefox", "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT");
}
