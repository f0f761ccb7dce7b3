/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>

#include "ct-test.h"

/* `certtrust verify` against HTTPS servers nobody on this team wrote (openssl s_server -WWW,
 * gnutls-serv --http, Python's ssl + http.server), in the real Firefox ESR and Chromium,
 * after `certtrust trust`: a page loads when the browser shows it, whatever it holds */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;
/* the servers of a test: GSubprocess*, ended in teardown */
static GPtrArray *servers = NULL;

static gchar *
servers_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static void
servers_end(GSubprocess *process)
{
	g_subprocess_force_exit(process);
	g_subprocess_wait(process, NULL, NULL);
	g_object_unref(process);
}

static void
servers_setup(void)
{
	g_autofree gchar *browser_tmp = NULL;

	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
	servers = g_ptr_array_new_with_free_func((GDestroyNotify)servers_end);
	/* the browsers' throwaway dirs land here, where a test can look for leftovers */
	browser_tmp = servers_path("tmp");
	cr_assert_eq(g_mkdir_with_parents(browser_tmp, 0700), 0);
	g_setenv("TMPDIR", browser_tmp, TRUE);
}

static void
servers_teardown(void)
{
	g_clear_pointer(&servers, g_ptr_array_unref);
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
	g_unsetenv("TMPDIR");
}

TestSuite(servers, .init = servers_setup, .fini = servers_teardown, .timeout = 300);

static void
servers_require(const gchar *browser)
{
	const gchar *reason = ct_test_browser_unavailable(browser);

	if (reason != NULL) {
		servers_teardown();
		cr_skip_test("%s", reason);
	}
}

/* certtrust with the arguments up to NULL, under `strace -f` logging connect() and listen()
 * to log_path (or without strace when log_path is NULL) */
static CtTestRun *
servers_run_traced(const gchar *log_path, const gchar *first, ...)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	va_list args;

	if (log_path != NULL) {
		const gchar *strace[] = {"strace", "-f",    "-qq",
					 "-yy",	   "-e",    "trace=connect,listen",
					 "-o",	   log_path};
		for (gsize i = 0; i < G_N_ELEMENTS(strace); i++)
			g_ptr_array_add(argv, (gpointer)strace[i]);
		/* ct_test_run finds certtrust only as the first word */
		cr_assert_not_null(g_getenv("CT_CERTTRUST"), "run the tests with meson test");
		g_ptr_array_add(argv, (gpointer)g_getenv("CT_CERTTRUST"));
	} else {
		g_ptr_array_add(argv, (gpointer) "certtrust");
	}
	va_start(args, first);
	for (const gchar *arg = first; arg != NULL; arg = va_arg(args, const gchar *))
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	return ct_test_run((const gchar *const *)argv->pdata, NULL);
}

/* wait until something accepts connections on the loopback port */
static guint
servers_start(const gchar *const *argv, const gchar *cwd, guint port)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE |
	    G_SUBPROCESS_FLAGS_STDIN_PIPE);
	g_autoptr(GError) error = NULL;
	GSubprocess *process;

	g_subprocess_launcher_set_cwd(launcher, cwd);
	process = g_subprocess_launcher_spawnv(launcher, argv, &error);
	cr_assert_not_null(process, "cannot start %s: %s", argv[0],
			   error != NULL ? error->message : "");
	g_ptr_array_add(servers, process);
	ct_test_wait_listening(port);
	return port;
}

/* openssl s_server -WWW serving the files of docroot with the test PKI's name (cert) */
static guint
servers_start_openssl(const gchar *name, const gchar *docroot)
{
	g_autofree gchar *cert = g_strdup_printf("%s.pem", name);
	g_autofree gchar *key = g_strdup_printf("%s.key", name);
	g_autofree gchar *cert_path = ct_test_data_path(cert);
	g_autofree gchar *key_path = ct_test_data_path(key);
	guint port = ct_test_free_port();
	g_autofree gchar *accept = g_strdup_printf("127.0.0.1:%u", port);
	const gchar *argv[] = {"openssl", "s_server", "-quiet", "-accept", accept, "-cert",
			       cert_path, "-key",     key_path, "-WWW",	   NULL};

	return servers_start(argv, docroot, port);
}

/* gnutls-serv --http with the test PKI's name */
static guint
servers_start_gnutls(const gchar *name)
{
	g_autofree gchar *cert = g_strdup_printf("%s.pem", name);
	g_autofree gchar *key = g_strdup_printf("%s.key", name);
	g_autofree gchar *cert_path = ct_test_data_path(cert);
	g_autofree gchar *key_path = ct_test_data_path(key);
	guint port = ct_test_free_port();
	g_autofree gchar *port_text = g_strdup_printf("%u", port);
	const gchar *argv[] = {"gnutls-serv",	 "--http",  "--quiet",	     "-p",     port_text,
			       "--x509certfile", cert_path, "--x509keyfile", key_path, NULL};

	if (!g_file_test("/usr/bin/gnutls-serv", G_FILE_TEST_IS_EXECUTABLE)) {
		servers_teardown();
		cr_skip_test("gnutls-serv is not installed (Debian package gnutls-bin)");
	}
	return servers_start(argv, tmpdir, port);
}

/* tests/lib/pages-server.py with the test PKI's name; returns its port */
static guint
servers_start_pages(const gchar *name)
{
	g_autofree gchar *cert = g_strdup_printf("%s.pem", name);
	g_autofree gchar *key = g_strdup_printf("%s.key", name);
	g_autofree gchar *cert_path = ct_test_data_path(cert);
	g_autofree gchar *key_path = ct_test_data_path(key);
	CtTestPeer *peer = ct_test_pages_start(cert_path, key_path);
	guint port = peer->port;

	/* the teardown stops it with the other servers */
	g_ptr_array_add(servers, g_steal_pointer(&peer->process));
	g_free(peer);
	return port;
}

/* the store `trust` writes and `verify` reads for a browser */
static const gchar *
servers_store(const gchar *browser)
{
	static gchar *firefox_store = NULL;

	if (g_strcmp0(browser, "chromium") == 0)
		return "chromium";
	g_free(firefox_store);
	firefox_store = g_strdup_printf("firefox:%s", profile);
	return firefox_store;
}

static void
servers_trust(const gchar *browser, const gchar *url, const gchar *rule)
{
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("trust", url, "--resolve", rule, "--store",
							 servers_store(browser), "--yes", NULL);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
}

/* the navigations of a verify --json document */
static JsonArray *
servers_navigations(CtTestRun *run, JsonNode **root)
{
	JsonObject *object;

	*root = ct_test_parse_one_json_document(run->out);
	object = json_node_get_object(*root);
	cr_assert(json_object_has_member(object, "navigations"), "%s", run->out);
	return json_object_get_array_member(object, "navigations");
}

static const gchar *
servers_string(JsonObject *object, const gchar *name)
{
	return json_object_get_null_member(object, name)
		   ? NULL
		   : json_object_get_string_member(object, name);
}

/* what curl (not certtrust) gets as the HTTP status of url */
static gint
servers_curl_status(const gchar *url, guint port)
{
	g_autofree gchar *command = g_strdup_printf(
	    "curl -sk -o /dev/null -w '%%{http_code}' --resolve ucm.example.com:%u:127.0.0.1 '%s'",
	    port, url);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	return (gint)g_ascii_strtoll(run->out, NULL, 10);
}

/* a page of openssl s_server -WWW (no certtrust-page marker, no HTTP headers to speak of)
 * is blocked before trust and loads after it, with its title and status; --expect-text is
 * only an extra check */
static void
servers_openssl_page_loads_after_trust(const gchar *browser, const gchar *untrusted_code)
{
	g_autofree gchar *docroot = servers_path("www");
	g_autofree gchar *index = g_build_filename(docroot, "ucm.html", NULL);
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(CtTestRun) before = NULL;
	g_autoptr(CtTestRun) after = NULL;
	g_autoptr(CtTestRun) text = NULL;
	g_autoptr(CtTestRun) no_text = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *navigations;
	JsonObject *page;
	guint port;

	servers_require(browser);
	cr_assert_eq(g_mkdir_with_parents(docroot, 0700), 0);
	cr_assert(g_file_set_contents(index,
				      "<html><head><title>Cisco Unified CM Console</title></head>"
				      "<body><h1>Cisco Unified Communications Manager</h1></body>"
				      "</html>\n",
				      -1, NULL));
	port = servers_start_openssl("tomcat", docroot);
	url = g_strdup_printf("https://ucm.example.com:%u/ucm.html", port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);

	before = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", browser,
				       "--store", servers_store(browser), NULL);
	cr_assert_eq(before->exit_status, 4, "%s%s", before->out, before->err);
	cr_assert_not_null(strstr(before->out, untrusted_code), "%s", before->out);

	servers_trust(browser, url, rule);
	after = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", browser,
				      "--store", servers_store(browser), "--json", NULL);
	cr_assert_eq(after->exit_status, 0, "%s%s", after->out, after->err);
	navigations = servers_navigations(after, &root);
	cr_assert_eq(json_array_get_length(navigations), 1);
	page = json_array_get_object_element(navigations, 0);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads");
	cr_assert_null(servers_string(page, "error_code"));
	cr_assert_eq(json_object_get_int_member(page, "http_status"),
		     servers_curl_status(url, port));
	cr_assert_str_eq(servers_string(page, "title"), "Cisco Unified CM Console");
	cr_assert_str_eq(servers_string(page, "final_url"), url);

	/* the text check is QA's extra, never what decides loads */
	text = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", browser,
				     "--store", servers_store(browser), "--expect-text",
				     "Communications Manager", NULL);
	cr_assert_eq(text->exit_status, 0, "%s%s", text->out, text->err);
	cr_assert_not_null(strstr(text->out,
				  "loads (HTTP 200, title \"Cisco Unified CM Console\")"),
			   "%s", text->out);
	no_text = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", browser,
					"--store", servers_store(browser), "--expect-text",
					"certtrust-page", NULL);
	cr_assert_eq(no_text->exit_status, 4, "%s%s", no_text->out, no_text->err);
	cr_assert_not_null(strstr(no_text->out, "blocked TEXT_MISSING"), "%s", no_text->out);
}

Test(servers, openssl_page_loads_after_trust_in_chromium)
{
	servers_openssl_page_loads_after_trust("chromium", "blocked ERR_CERT_AUTHORITY_INVALID");
}

Test(servers, openssl_page_loads_after_trust_in_firefox)
{
	servers_openssl_page_loads_after_trust("firefox",
					       "blocked MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT");
}

/* Python's server after trust: a page without a title, a 404 and a 500 load (the
 * certificate was accepted), a same-origin redirect loads where it ends, a redirect to
 * gnutls-serv whose certificate nobody trusted is blocked with that server's code */
static void
servers_python_pages(const gchar *browser, const gchar *untrusted_code)
{
	g_autofree gchar *rule = NULL;
	g_autofree gchar *gnutls_rule = NULL;
	g_autofree gchar *base = NULL;
	g_autofree gchar *gnutls_url = NULL;
	g_autofree gchar *no_title = NULL;
	g_autofree gchar *missing = NULL;
	g_autofree gchar *broken = NULL;
	g_autofree gchar *same = NULL;
	g_autofree gchar *away = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *navigations;
	JsonObject *page;
	g_autofree gchar *where = NULL;
	g_autofree gchar *gnutls_port_text = NULL;
	guint port;
	guint gnutls_port;

	servers_require(browser);
	port = servers_start_pages("tomcat");
	/* issued by the test CA, which nobody trusts */
	gnutls_port = servers_start_gnutls("leaf");
	gnutls_port_text = g_strdup_printf("%u", gnutls_port);
	base = g_strdup_printf("https://ucm.example.com:%u", port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);
	gnutls_rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", gnutls_port);
	gnutls_url = g_strdup_printf("https://ucm.example.com:%u/", gnutls_port);
	no_title = g_strdup_printf("%s/no-title", base);
	missing = g_strdup_printf("%s/missing", base);
	broken = g_strdup_printf("%s/broken", base);
	same = g_strdup_printf("%s/redirect-same", base);
	away = g_strdup_printf("%s/redirect?to=%s", base, gnutls_url);
	servers_trust(browser, base, rule);

	run = ct_test_run_certtrust("verify", no_title, missing, broken, same, away, "--resolve",
				    rule, "--resolve", gnutls_rule, "--browser", browser, "--store",
				    servers_store(browser), "--json", NULL);
	cr_assert_eq(run->exit_status, 4, "%s%s", run->out, run->err);
	navigations = servers_navigations(run, &root);
	cr_assert_eq(json_array_get_length(navigations), 5, "%s", run->out);

	page = json_array_get_object_element(navigations, 0);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads", "%s", run->out);
	cr_assert_str_eq(servers_string(page, "title"), "");
	cr_assert_eq(json_object_get_int_member(page, "http_status"), 200);

	page = json_array_get_object_element(navigations, 1);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads", "%s", run->out);
	cr_assert_eq(json_object_get_int_member(page, "http_status"),
		     servers_curl_status(missing, port));
	cr_assert_eq(json_object_get_int_member(page, "http_status"), 404);
	cr_assert_str_eq(servers_string(page, "title"), "Not Found");

	page = json_array_get_object_element(navigations, 2);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads", "%s", run->out);
	cr_assert_eq(json_object_get_int_member(page, "http_status"), 500);

	page = json_array_get_object_element(navigations, 3);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads", "%s", run->out);
	cr_assert_str_eq(servers_string(page, "final_url"), no_title);

	page = json_array_get_object_element(navigations, 4);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "blocked", "%s", run->out);
	cr_assert_str_eq(servers_string(page, "error_code"), untrusted_code, "%s", run->out);
	/* where it failed: the other server */
	where = g_strdup_printf("%s %s", servers_string(page, "detail"),
				servers_string(page, "final_url"));
	cr_assert_not_null(strstr(where, gnutls_port_text), "%s", run->out);
}

Test(servers, python_server_pages_in_chromium)
{
	servers_python_pages("chromium", "ERR_CERT_AUTHORITY_INVALID");
}

Test(servers, python_server_pages_in_firefox)
{
	servers_python_pages("firefox", "SEC_ERROR_UNKNOWN_ISSUER");
}

/* gnutls-serv --http's status page loads after trust */
static void
servers_gnutls_loads_after_trust(const gchar *browser)
{
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *navigations;
	JsonObject *page;
	guint port;

	servers_require(browser);
	port = servers_start_gnutls("tomcat");
	url = g_strdup_printf("https://ucm.example.com:%u/", port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);
	servers_trust(browser, url, rule);
	run = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", browser,
				    "--store", servers_store(browser), "--json", NULL);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	navigations = servers_navigations(run, &root);
	page = json_array_get_object_element(navigations, 0);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads");
	cr_assert_eq(json_object_get_int_member(page, "http_status"),
		     servers_curl_status(url, port));
}

Test(servers, gnutls_page_loads_after_trust_in_chromium)
{
	servers_gnutls_loads_after_trust("chromium");
}

Test(servers, gnutls_page_loads_after_trust_in_firefox)
{
	servers_gnutls_loads_after_trust("firefox");
}

/* processes whose command line names dir: what a browser launched there left running */
static guint
servers_count_processes_naming(const gchar *dir)
{
	g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
	const gchar *name;
	guint count = 0;

	while (proc != NULL && (name = g_dir_read_name(proc)) != NULL) {
		g_autofree gchar *path = NULL;
		g_autofree gchar *cmdline = NULL;
		gsize length = 0;
		if (!g_ascii_isdigit(name[0]))
			continue;
		path = g_build_filename("/proc", name, "cmdline", NULL);
		if (!g_file_get_contents(path, &cmdline, &length, NULL) || length == 0)
			continue;
		for (gsize i = 0; i + 1 < length; i++) {
			if (cmdline[i] == '\0')
				cmdline[i] = ' ';
		}
		if (strstr(cmdline, dir) != NULL)
			count++;
	}
	return count;
}

/* pages that call alert(), confirm(), prompt(), open popups, set beforeunload or never
 * finish loading: each gets its own verdict, the run ends within its timeouts with exit
 * 5, and no browser process or throwaway file is left */
static void
servers_hostile_pages(const gchar *browser)
{
	const gchar *paths[] = {"alert", "never", "confirm", "prompt", "popup", "beforeunload", ""};
	const gchar *outcomes[] = {"loads", "timeout", "loads", "loads", "loads", "loads", "loads"};
	const guint dialogs[] = {1, 0, 1, 1, 0, 0, 0};
	g_autofree gchar *browser_tmp = servers_path("tmp");
	g_autofree gchar *rule = NULL;
	g_autofree gchar *base = NULL;
	g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GDir) left = NULL;
	JsonArray *navigations;
	gint64 started;
	guint port;

	servers_require(browser);
	port = servers_start_pages("tomcat");
	base = g_strdup_printf("https://ucm.example.com:%u", port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);
	servers_trust(browser, base, rule);
	for (guint i = 0; i < G_N_ELEMENTS(paths); i++)
		g_ptr_array_add(urls, g_strdup_printf("%s/%s", base, paths[i]));

	started = g_get_monotonic_time();
	run = ct_test_run_certtrust("verify", urls->pdata[0], urls->pdata[1], urls->pdata[2],
				    urls->pdata[3], urls->pdata[4], urls->pdata[5], urls->pdata[6],
				    "--resolve", rule, "--browser", browser, "--store",
				    servers_store(browser), "--timeout", "5", "--json", NULL);
	cr_assert_eq(run->exit_status, 5, "%s%s", run->out, run->err);
	/* the launch, six quick pages, one page of 5 s and leaving it: well under 2 min */
	cr_assert_lt(g_get_monotonic_time() - started, 120 * G_USEC_PER_SEC);
	navigations = servers_navigations(run, &root);
	cr_assert_eq(json_array_get_length(navigations), G_N_ELEMENTS(paths), "%s", run->out);
	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		JsonObject *page = json_array_get_object_element(navigations, i);
		cr_assert_str_eq(json_object_get_string_member(page, "outcome"), outcomes[i],
				 "/%s: %s", paths[i], run->out);
		cr_assert_eq(json_object_get_int_member(page, "dialogs"), dialogs[i], "/%s: %s",
			     paths[i], run->out);
	}
	cr_assert_str_eq(servers_string(json_array_get_object_element(navigations, 6), "title"),
			 "Pages server");

	/* nothing left running, nothing left in the browsers' temp dir */
	cr_assert_eq(servers_count_processes_naming(browser_tmp), 0, "a browser process is left");
	left = g_dir_open(browser_tmp, 0, NULL);
	cr_assert_not_null(left);
	cr_assert_null(g_dir_read_name(left), "a throwaway dir is left in TMPDIR");
}

Test(servers, hostile_pages_each_get_a_verdict_in_chromium)
{
	servers_hostile_pages("chromium");
}

Test(servers, hostile_pages_each_get_a_verdict_in_firefox)
{
	servers_hostile_pages("firefox");
}

/* --browser twice (or all): one report per browser, in one call, against openssl s_server
 * trusted in both browsers' default stores */
Test(servers, several_browsers_give_one_report_each)
{
	g_autofree gchar *docroot = servers_path("www");
	g_autofree gchar *index = g_build_filename(docroot, "index.html", NULL);
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *reports;
	guint port;

	servers_require("firefox");
	servers_require("chromium");
	cr_assert_eq(g_mkdir_with_parents(docroot, 0700), 0);
	cr_assert(g_file_set_contents(index, "<title>Lab</title>lab server\n", -1, NULL));
	port = servers_start_openssl("tomcat", docroot);
	url = g_strdup_printf("https://ucm.example.com:%u/index.html", port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);
	/* the default stores: every Firefox profile and Chromium's NSS db */
	trusted = ct_test_run_certtrust("trust", url, "--resolve", rule, "--yes", NULL);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);

	run = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", "firefox",
				    "--browser", "chromium", "--json", NULL);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	root = ct_test_parse_one_json_document(run->out);
	reports = json_object_get_array_member(json_node_get_object(root), "reports");
	cr_assert_not_null(reports, "%s", run->out);
	cr_assert_eq(json_array_get_length(reports), 2, "%s", run->out);
	for (guint i = 0; i < 2; i++) {
		JsonObject *report = json_array_get_object_element(reports, i);
		JsonArray *navigations = json_object_get_array_member(report, "navigations");
		JsonObject *page = json_array_get_object_element(navigations, 0);
		cr_assert_str_eq(json_object_get_string_member(report, "browser"),
				 i == 0 ? "firefox" : "chromium");
		cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "loads", "%s",
				 run->out);
		cr_assert_str_eq(servers_string(page, "title"), "Lab");
	}
}

/* an option that takes one value, given twice, is a usage error in every command, not
 * silently the last one */
Test(servers, an_option_given_twice_is_a_usage_error)
{
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autofree gchar *out_a = servers_path("a.pem");
	g_autofree gchar *out_b = servers_path("b.pem");
	g_autoptr(CtTestRun)
	    timeout = ct_test_run_certtrust("verify", "https://ucm.example.com:8443/", "--browser",
					    "chromium", "--timeout", "5", "--timeout=6", NULL);
	g_autoptr(CtTestRun)
	    session = ct_test_run_certtrust("open", "https://ucm.example.com:8443/", "--session",
					    "--browser", "firefox", "-b", "chromium", NULL);
	g_autoptr(CtTestRun) output = ct_test_run_certtrust("export", file, "--format", "pem", "-o",
							    out_a, "-o", out_b, NULL);
	g_autoptr(CtTestRun) mode = ct_test_run_certtrust("trust", file, "--mode", "anchor",
							  "--mode", "exception", "--dry-run", NULL);
	/* a value that looks like an option is a value */
	g_autoptr(CtTestRun)
	    value = ct_test_run_certtrust("check-host", file, "--name", "ucm.example.com",
					  "--policy", "strict", NULL);

	cr_assert_eq(timeout->exit_status, 2, "%s", timeout->err);
	cr_assert_not_null(strstr(timeout->err, "--timeout given twice"), "%s", timeout->err);
	cr_assert_eq(session->exit_status, 2, "%s", session->err);
	cr_assert_not_null(strstr(session->err, "--browser given twice"), "%s", session->err);
	cr_assert_eq(output->exit_status, 2, "%s", output->err);
	cr_assert(!g_file_test(out_a, G_FILE_TEST_EXISTS) &&
		  !g_file_test(out_b, G_FILE_TEST_EXISTS));
	cr_assert_eq(mode->exit_status, 2, "%s", mode->err);
	cr_assert_eq(value->exit_status, 0, "%s%s", value->out, value->err);
}

/* this machine's own name when it resolves to a loopback address (getent, not certtrust),
 * else NULL: a host the browser can reach "the normal way" in a test */
static gchar *
servers_resolvable_name(void)
{
	const gchar *name = g_get_host_name();
	g_autofree gchar *command = g_strdup_printf("getent ahostsv4 '%s'", name);
	g_autoptr(CtTestRun) run = NULL;

	if (strchr(name, '\'') != NULL || strchr(name, '.') != NULL)
		return NULL;
	run = ct_test_run_shell(command);
	if (run->exit_status != 0 || !g_str_has_prefix(run->out, "127."))
		return NULL;
	return g_ascii_strdown(name, -1);
}

/* the browser reaches the hosts the user named, resolved the normal way, and nothing
 * else: a redirect to a host nobody named is blocked and reported with where it led; the
 * same host named as a SOURCE is reached (its certificate is checked) */
static void
servers_only_named_hosts(const gchar *browser, const gchar *unnamed_code)
{
	g_autofree gchar *host = servers_resolvable_name();
	g_autofree gchar *docroot = servers_path("www");
	g_autofree gchar *index = g_build_filename(docroot, "index.html", NULL);
	g_autofree gchar *rule = NULL;
	g_autofree gchar *elsewhere = NULL;
	g_autofree gchar *away = NULL;
	g_autofree gchar *unnamed = NULL;
	g_autofree gchar *base = NULL;
	g_autoptr(CtTestRun) led = NULL;
	g_autoptr(CtTestRun) direct = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *page;
	guint port;
	guint other_port;

	servers_require(browser);
	if (host == NULL) {
		servers_teardown();
		cr_skip_test("this machine's name does not resolve to a loopback address");
	}
	cr_assert_eq(g_mkdir_with_parents(docroot, 0700), 0);
	cr_assert(g_file_set_contents(index, "<title>Other</title>other\n", -1, NULL));
	port = servers_start_pages("tomcat");
	other_port = servers_start_openssl("tomcat", docroot);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);
	elsewhere = g_strdup_printf("https://%s:%u/index.html", host, other_port);
	away = g_strdup_printf("https://ucm.example.com:%u/redirect?to=%s", port, elsewhere);
	base = g_strdup_printf("https://ucm.example.com:%u/", port);
	servers_trust(browser, base, rule);

	led = ct_test_run_certtrust("verify", away, "--resolve", rule, "--browser", browser,
				    "--store", servers_store(browser), "--json", NULL);
	cr_assert_eq(led->exit_status, 4, "%s%s", led->out, led->err);
	page = json_array_get_object_element(servers_navigations(led, &root), 0);
	cr_assert_str_eq(json_object_get_string_member(page, "outcome"), "blocked");
	cr_assert_str_eq(servers_string(page, "error_code"), unnamed_code, "%s", led->out);
	unnamed = g_strdup_printf("%s %s", servers_string(page, "detail"),
				  servers_string(page, "final_url"));
	cr_assert_not_null(strstr(unnamed, host), "%s", led->out);

	/* named, the same host is reached: its certificate (for ucm.example.com) is what
	 * fails now */
	direct = ct_test_run_certtrust("verify", elsewhere, "--browser", browser, "--store",
				       servers_store(browser), NULL);
	cr_assert_eq(direct->exit_status, 4, "%s%s", direct->out, direct->err);
	cr_assert_null(strstr(direct->out, unnamed_code), "%s", direct->out);
	cr_assert_null(strstr(direct->out, "NOT_RESOLVED"), "%s", direct->out);
}

Test(servers, chromium_reaches_only_the_hosts_named)
{
	servers_only_named_hosts("chromium", "ERR_NAME_NOT_RESOLVED");
}

Test(servers, firefox_reaches_only_the_hosts_named)
{
	servers_only_named_hosts("firefox", "neterror:proxyConnectFailure");
}

/* --resolve to an address other than 127.0.0.1 (here 127.0.0.2, where openssl s_server
 * listens alone): the browser goes there */
static void
servers_resolve_to_another_address(const gchar *browser)
{
	g_autofree gchar *docroot = servers_path("www");
	g_autofree gchar *index = g_build_filename(docroot, "index.html", NULL);
	g_autofree gchar *cert = ct_test_data_path("tomcat.pem");
	g_autofree gchar *key = ct_test_data_path("tomcat.key");
	guint port = ct_test_free_port();
	g_autofree gchar *accept = g_strdup_printf("127.0.0.2:%u", port);
	const gchar *argv[] = {"openssl", "s_server", "-quiet", "-accept", accept, "-cert",
			       cert,	  "-key",     key,	"-WWW",	   NULL};
	g_autofree gchar *url = g_strdup_printf("https://ucm.example.com:%u/index.html", port);
	g_autofree gchar *rule = g_strdup_printf("ucm.example.com:%u:127.0.0.2", port);
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(GSocketClient) client = g_socket_client_new();
	GSubprocess *process;

	servers_require(browser);
	cr_assert_eq(g_mkdir_with_parents(docroot, 0700), 0);
	cr_assert(g_file_set_contents(index, "<title>Far</title>far away\n", -1, NULL));
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
					     G_SUBPROCESS_FLAGS_STDERR_SILENCE |
					     G_SUBPROCESS_FLAGS_STDIN_PIPE);
	g_subprocess_launcher_set_cwd(launcher, docroot);
	process = g_subprocess_launcher_spawnv(launcher, argv, NULL);
	cr_assert_not_null(process);
	g_ptr_array_add(servers, process);
	for (guint i = 0; i < 400; i++) {
		g_autoptr(GSocketConnection) connection =
		    g_socket_client_connect_to_host(client, "127.0.0.2", (guint16)port, NULL, NULL);
		if (connection != NULL)
			break;
		g_usleep(25 * 1000);
	}
	servers_trust(browser, url, rule);
	run = ct_test_run_certtrust("verify", url, "--resolve", rule, "--browser", browser,
				    "--store", servers_store(browser), NULL);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "loads (HTTP 200, title \"Far\")"), "%s", run->out);
}

Test(servers, chromium_follows_resolve_to_another_address)
{
	servers_resolve_to_another_address("chromium");
}

Test(servers, firefox_follows_resolve_to_another_address)
{
	servers_resolve_to_another_address("firefox");
}

/* this test's process, and all it starts from now on, in a network namespace of its own (what
 * `unshare -n` makes) with only loopback, brought up: no route off the machine, no DNS server */
static void
servers_enter_private_network(void)
{
	g_autoptr(CtTestRun) up = NULL;
	g_autoptr(CtTestRun) links = NULL;
	g_autoptr(CtTestRun) routes = NULL;

	if (unshare(CLONE_NEWNET) != 0) {
		int saved = errno;

		servers_teardown();
		cr_skip_test("a private network namespace is not permitted here "
			     "(unshare(CLONE_NEWNET), as `unshare -n`: %s)",
			     g_strerror(saved));
	}
	up = ct_test_run_shell("ip link set lo up");
	cr_assert_eq(up->exit_status, 0, "ip link set lo up: %s", up->err);
	/* the namespace really is bare: loopback is its only link, and nothing routes off it */
	links = ct_test_run_shell("ip -o link show | awk '{print $2}'");
	cr_assert_eq(links->exit_status, 0, "%s", links->err);
	cr_assert_str_eq(links->out, "lo:\n");
	routes = ct_test_run_shell("ip route show; ip -6 route show | grep -v '^::1 '");
	cr_assert_str_eq(routes->out, "", "%s", routes->out);
}

/* the number of times needle is in haystack */
static guint
servers_count(const gchar *haystack, const gchar *needle)
{
	guint count = 0;

	for (const gchar *at = strstr(haystack, needle); at != NULL;
	     at = strstr(at + strlen(needle), needle))
		count++;
	return count;
}

/* the connection attempts strace logged (strace -f -yy -e trace=connect,listen): TCP only to
 * the named server's port or to a port one of the traced processes listens on itself (the
 * browser's protocol endpoint), never to another address or port; no DNS query (UDP port
 * 53). Anything else is a browser reaching for something the user did not name: a
 * background service, telemetry, safe browsing, a captive portal or connectivity check. */
static void
servers_assert_only_named_connections(const gchar *log_path, guint server_port)
{
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GRegex)
	    listen_re = g_regex_new("listen\\(\\d+<TCP(?:v6)?:\\[.*:(\\d+)\\]>", 0, 0, NULL);
	g_autoptr(GRegex) connect_re =
	    g_regex_new("connect\\(\\d+<(TCP|UDP)(?:v6)?:[^>]*>, \\{sa_family=AF_INET6?, "
			"sin6?_port=htons\\((\\d+)\\), (?:sin_addr=inet_addr\\(\"([^\"]+)\"\\)|"
			"sin6_flowinfo=[^,]*, inet_pton\\(AF_INET6, \"([^\"]+)\")",
			0, 0, NULL);
	g_autoptr(GHashTable) listening = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(GString) unexpected = g_string_new(NULL);
	guint tcp = 0;
	guint udp = 0;

	cr_assert(g_file_get_contents(log_path, &text, NULL, NULL), "no strace log %s", log_path);
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GMatchInfo) match = NULL;

		if (g_regex_match(listen_re, lines[i], 0, &match)) {
			g_autofree gchar *port = g_match_info_fetch(match, 1);
			g_hash_table_add(listening,
					 GUINT_TO_POINTER((guint)g_ascii_strtoull(port, NULL, 10)));
		}
	}
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GMatchInfo) match = NULL;
		g_autofree gchar *protocol = NULL;
		g_autofree gchar *port_text = NULL;
		g_autofree gchar *address_text = NULL;
		g_autoptr(GInetAddress) address = NULL;
		guint port;

		if (!g_regex_match(connect_re, lines[i], 0, &match))
			continue;
		protocol = g_match_info_fetch(match, 1);
		port_text = g_match_info_fetch(match, 2);
		address_text = g_match_info_fetch(match, 3);
		if (address_text == NULL || *address_text == '\0') {
			g_free(address_text);
			address_text = g_match_info_fetch(match, 4);
		}
		port = (guint)g_ascii_strtoull(port_text, NULL, 10);
		address = g_inet_address_new_from_string(address_text);
		if (g_strcmp0(protocol, "UDP") == 0) {
			/* a UDP connect() sends nothing (Chromium's IPv6 reachability probe is
			 * one); a DNS query would go to port 53 */
			udp++;
			if (port == 53)
				g_string_append_printf(unexpected, "%s\n", lines[i]);
			continue;
		}
		tcp++;
		if (address == NULL || !g_inet_address_get_is_loopback(address) ||
		    (port != server_port &&
		     !g_hash_table_contains(listening, GUINT_TO_POINTER(port))))
			g_string_append_printf(unexpected, "%s\n", lines[i]);
	}
	cr_log_info("strace: %u TCP and %u UDP connect() calls, %u listening ports", tcp, udp,
		    g_hash_table_size(listening));
	/* the log holds the browsers' connections to the server at least */
	cr_assert_gt(tcp, 0, "strace logged no TCP connect() at all");
	cr_assert_eq(unexpected->len, 0, "connection attempts to what nobody named:\n%s",
		     unexpected->str);
}

/* with no network but loopback (`unshare -n`), both browsers give the verdicts they give
 * outside, in time: openssl s_server's self-signed certificate is blocked with each
 * browser's own code before trust, and loads after; no background service, DNS lookup or
 * connectivity probe makes a browser hang or fail */
Test(servers, both_browsers_give_their_verdicts_with_no_network_but_loopback)
{
	g_autofree gchar *docroot = servers_path("www");
	g_autofree gchar *index = g_build_filename(docroot, "index.html", NULL);
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(CtTestRun) before = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(CtTestRun) after = NULL;
	g_autofree gchar *strace = g_find_program_in_path("strace");
	g_autofree gchar *before_log = strace != NULL ? servers_path("before.strace") : NULL;
	g_autofree gchar *after_log = strace != NULL ? servers_path("after.strace") : NULL;
	gint64 started;
	gint64 elapsed_ms;
	guint port;

	servers_require("firefox");
	servers_require("chromium");
	if (strace == NULL)
		cr_log_warn("strace is not installed: the connection attempts are not checked");
	servers_enter_private_network();
	cr_assert_eq(g_mkdir_with_parents(docroot, 0700), 0);
	cr_assert(g_file_set_contents(index, "<title>Lab</title>lab server\n", -1, NULL));
	port = servers_start_openssl("tomcat", docroot);
	url = g_strdup_printf("https://ucm.example.com:%u/index.html", port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);

	/* under strace: every connection attempt of both browsers is logged, blocked or not */
	started = g_get_monotonic_time();
	before = servers_run_traced(before_log, "verify", url, "--resolve", rule, "--browser",
				    "firefox", "--browser", "chromium", "--timeout", "30", NULL);
	elapsed_ms = (g_get_monotonic_time() - started) / 1000;
	cr_log_info("verify before trust, no network: %" G_GINT64_FORMAT " ms", elapsed_ms);
	cr_assert_eq(before->exit_status, 4, "%s%s", before->out, before->err);
	cr_assert_not_null(strstr(before->out, ": blocked MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"),
			   "%s", before->out);
	cr_assert_not_null(strstr(before->out, ": blocked ERR_CERT_AUTHORITY_INVALID"), "%s",
			   before->out);
	/* one page each, each within its 30 s, with room for the two launches */
	cr_assert_lt(elapsed_ms, 150 * 1000, "took %" G_GINT64_FORMAT " ms", elapsed_ms);

	/* the default stores: every Firefox profile and Chromium's NSS db */
	trusted = ct_test_run_certtrust("trust", url, "--resolve", rule, "--yes", NULL);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);

	started = g_get_monotonic_time();
	after = servers_run_traced(after_log, "verify", url, "--resolve", rule, "--browser",
				   "firefox", "--browser", "chromium", "--timeout", "30", NULL);
	elapsed_ms = (g_get_monotonic_time() - started) / 1000;
	cr_log_info("verify after trust, no network: %" G_GINT64_FORMAT " ms", elapsed_ms);
	cr_assert_eq(after->exit_status, 0, "%s%s", after->out, after->err);
	cr_assert_eq(servers_count(after->out, ": loads (HTTP 200, title \"Lab\")"), 2, "%s",
		     after->out);
	cr_assert_not_null(strstr(after->out, "Firefox "), "%s", after->out);
	cr_assert_not_null(strstr(after->out, "Chromium "), "%s", after->out);
	cr_assert_lt(elapsed_ms, 150 * 1000, "took %" G_GINT64_FORMAT " ms", elapsed_ms);
	if (strace != NULL) {
		servers_assert_only_named_connections(before_log, port);
		servers_assert_only_named_connections(after_log, port);
	}
}
