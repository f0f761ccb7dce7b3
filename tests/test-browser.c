#define G_LOG_DOMAIN "CtTestBrowser"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ct-browser.h"
#include "ct-firefox.h"
#include "ct-test.h"

/* the product's own browser driver against the packaged Firefox ESR and Chromium and a
 * real `certtrust serve`: blocked, trusted, a wrong name, several pages in one launch,
 * a missing binary, a browser that hangs or is interrupted, the profile left alone */

#define BT_OID "OID.2.16.840.1.101.3.4.2.1"

static gchar *bt_dir = NULL;
static CtTestServer *bt_server = NULL;
/* closed in teardown when an assertion ends a test early */
static CtBrowser *bt_browser = NULL;

static void
bt_setup(void)
{
	g_autofree gchar *tmp = NULL;

	bt_dir = ct_test_tmpdir_new();
	/* the driver's throwaway dirs go here, where only this test makes them (other
	 * certtrust runs on the machine use /tmp too) */
	tmp = g_build_filename(bt_dir, "tmp", NULL);
	cr_assert_eq(g_mkdir(tmp, 0700), 0);
	g_setenv("TMPDIR", tmp, TRUE);
}

static void
bt_teardown(void)
{
	g_clear_pointer(&bt_browser, ct_browser_close);
	g_clear_pointer(&bt_server, ct_test_server_stop);
	ct_test_tmpdir_remove(bt_dir);
	g_clear_pointer(&bt_dir, g_free);
}

TestSuite(browser, .init = bt_setup, .fini = bt_teardown, .timeout = 240);

/* a skipped test does not run .fini: clean up first */
static void
bt_skip_test(const gchar *reason)
{
	bt_teardown();
	cr_skip_test("%s", reason);
}

static void
bt_require(CtBrowserKind kind)
{
	const gchar *reason = ct_test_browser_unavailable(kind == CT_BROWSER_FIREFOX ? "firefox"
										     : "chromium");

	if (reason != NULL)
		bt_skip_test(reason);
}

static gchar *
bt_path(const gchar *relative)
{
	return g_build_filename(bt_dir, relative, NULL);
}

static gchar *
bt_mkdir(const gchar *relative)
{
	gchar *path = bt_path(relative);
	cr_assert_eq(g_mkdir_with_parents(path, 0700), 0, "mkdir %s: %s", path, g_strerror(errno));
	return path;
}

static void
bt_shell(const gchar *command)
{
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "%s: %s%s", command, run->out, run->err);
}

/* `certtrust serve --profile tomcat`, a self-signed certificate for ucm.example.com */
static void
bt_serve(void)
{
	g_autofree gchar *cert_dir = bt_mkdir("certs");
	bt_server = ct_test_server_start("tomcat", cert_dir, NULL);
}

static const gchar *
bt_server_member(const gchar *name)
{
	JsonObject *document = json_node_get_object(bt_server->document);
	JsonArray *certificates = json_object_get_array_member(document, "certificates");
	if (g_strcmp0(name, "pem") == 0)
		return json_object_get_string_member(json_object_get_object_member(document,
										   "files"),
						     "pem");
	return json_object_get_string_member(json_array_get_object_element(certificates, 0), name);
}

static gchar *
bt_url(const gchar *name, guint port)
{
	return g_strdup_printf("https://%s:%u/ccmadmin", name, port);
}

static CtBrowser *
bt_launch(CtBrowserKind kind, const gchar *profile, const gchar *home)
{
	const gchar *names[] = {"ucm.example.com", "wrong.example.com", NULL};
	CtBrowserOptions options = {
	    .kind = kind,
	    .profile = profile,
	    .home = home,
	    .map_names = names,
	    .timeout_ms = 60000,
	};
	g_autoptr(GError) error = NULL;

	bt_browser = ct_browser_launch(&options, NULL, &error);
	cr_assert_not_null(bt_browser, "launch: %s", error != NULL ? error->message : "");
	cr_log_info("%s launched in %u ms", ct_browser_get_version(bt_browser),
		    ct_browser_get_launch_ms(bt_browser));
	return bt_browser;
}

static CtNavigation *
bt_navigate(const gchar *name)
{
	g_autofree gchar *url = bt_url(name, bt_server->https_port);
	g_autoptr(GError) error = NULL;
	CtNavigation *navigation = ct_browser_navigate(bt_browser, url, NULL, &error);

	cr_assert_not_null(navigation, "%s: %s", url, error != NULL ? error->message : "");
	cr_assert_str_eq(navigation->url, url);
	cr_log_info("%s: %s %s in %u ms", url, navigation->outcome,
		    navigation->error_code != NULL ? navigation->error_code : "",
		    navigation->elapsed_ms);
	return navigation;
}

static void
bt_assert_loads(const gchar *name)
{
	g_autoptr(CtNavigation) navigation = bt_navigate(name);
	cr_assert_str_eq(navigation->outcome, "loads", "%s: %s %s (%s)", name, navigation->outcome,
			 navigation->error_code, navigation->detail);
	cr_assert_null(navigation->error_code);
}

static void
bt_assert_blocked(const gchar *name, const gchar *code)
{
	g_autoptr(CtNavigation) navigation = bt_navigate(name);
	cr_assert_str_eq(navigation->outcome, "blocked", "%s loads", name);
	cr_assert_str_eq(navigation->error_code, code, "%s: %s (%s)", name, navigation->error_code,
			 navigation->detail);
}

/* SHA-256 of a file's bytes, or "absent" */
static gchar *
bt_checksum(const gchar *path)
{
	g_autofree gchar *contents = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &contents, &len, NULL))
		return g_strdup("absent");
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)contents, len);
}

static gint
bt_compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* every name in a directory with its size, sorted */
static gchar *
bt_listing(const gchar *dir_path)
{
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	cr_assert_not_null(dir, "%s", dir_path);
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir_path, name, NULL);
		GStatBuf st;
		cr_assert_eq(g_lstat(path, &st), 0);
		g_ptr_array_add(names, g_strdup_printf("%s:%lld", name, (long long)st.st_size));
	}
	g_ptr_array_sort(names, bt_compare_strings);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(" ", (gchar **)names->pdata);
}

/* live (not zombie) processes in a process group */
static guint
bt_count_group(gint group)
{
	g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
	const gchar *name;
	guint count = 0;

	cr_assert_not_null(proc);
	while ((name = g_dir_read_name(proc)) != NULL) {
		g_autofree gchar *path = NULL;
		g_autofree gchar *stat = NULL;
		const gchar *end;
		gchar state = 0;
		gint ppid = 0;
		gint pgrp = 0;

		if (!g_ascii_isdigit(name[0]))
			continue;
		path = g_build_filename("/proc", name, "stat", NULL);
		if (!g_file_get_contents(path, &stat, NULL, NULL))
			continue;
		/* "pid (comm) state ppid pgrp ...": comm may hold anything but not after ')' */
		end = strrchr(stat, ')');
		if (end == NULL || sscanf(end + 1, " %c %d %d", &state, &ppid, &pgrp) != 3)
			continue;
		if (pgrp == group && state != 'Z' && state != 'X')
			count++;
	}
	return count;
}

/* the throwaway dirs the driver makes, in the temp dir */
static guint
bt_count_throwaway_dirs(void)
{
	g_autoptr(GDir) dir = g_dir_open(g_get_tmp_dir(), 0, NULL);
	/* named for the process that launched the browser: this test's (other runs share /tmp) */
	g_autofree gchar *prefix = g_strdup_printf("certtrust-browser-%x-", (guint)getpid());
	const gchar *name;
	guint count = 0;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_prefix(name, prefix))
			count++;
	}
	return count;
}

/* a fake browser: records its pid, then hangs (ignoring SIGTERM if asked) with a child
 * of its own, so that the whole process group has to go */
static gchar *
bt_hanging_browser(gboolean ignore_term)
{
	g_autofree gchar *pid_file = bt_path("hang.pid");
	g_autofree gchar *script = NULL;
	g_autoptr(GError) error = NULL;
	gchar *path = bt_path("hanging-browser");

	script = g_strdup_printf("#!/bin/sh\n"
				 "%s"
				 "echo $$ > '%s'\n"
				 "sleep 600 &\n"
				 "wait\n",
				 ignore_term ? "trap '' TERM\n" : "", pid_file);
	cr_assert(g_file_set_contents(path, script, -1, &error), "%s",
		  error != NULL ? error->message : "");
	cr_assert_eq(g_chmod(path, 0755), 0);
	return path;
}

/* a fake browser that announces its remote protocol at an address of its choosing, then
 * waits (the endpoint never answers) */
static gchar *
bt_announcing_browser(const gchar *line)
{
	g_autofree gchar *pid_file = bt_path("hang.pid");
	g_autofree gchar *script = NULL;
	g_autoptr(GError) error = NULL;
	gchar *path = bt_path("announcing-browser");

	script = g_strdup_printf("#!/bin/sh\n"
				 "if [ \"$1\" = --version ]; then echo 'Fake 1.0'; exit 0; fi\n"
				 "echo $$ > '%s'\n"
				 "echo '%s' >&2\n"
				 "sleep 600 &\n"
				 "wait\n",
				 pid_file, line);
	cr_assert(g_file_set_contents(path, script, -1, &error), "%s",
		  error != NULL ? error->message : "");
	cr_assert_eq(g_chmod(path, 0755), 0);
	return path;
}

static gint
bt_hanging_browser_pid(void)
{
	g_autofree gchar *pid_file = bt_path("hang.pid");
	g_autofree gchar *text = NULL;

	cr_assert(g_file_get_contents(pid_file, &text, NULL, NULL),
		  "the fake browser never started");
	return (gint)g_ascii_strtoll(text, NULL, 10);
}

static void
bt_assert_gone(gint pid)
{
	cr_assert_gt(pid, 0);
	cr_assert_eq(bt_count_group(pid), 0, "processes of group %d are left", pid);
	cr_assert(kill(pid, 0) != 0 && errno == ESRCH, "process %d is left", pid);
}

Test(browser, firefox_blocks_a_self_signed_server)
{
	guint dirs;

	bt_require(CT_BROWSER_FIREFOX);
	bt_serve();
	dirs = bt_count_throwaway_dirs();
	bt_launch(CT_BROWSER_FIREFOX, NULL, NULL);
	cr_assert(g_str_has_prefix(ct_browser_get_version(bt_browser), "Firefox "), "%s",
		  ct_browser_get_version(bt_browser));
	cr_assert_gt(ct_browser_get_pid(bt_browser), 0);
	bt_assert_blocked("ucm.example.com", "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT");
	g_clear_pointer(&bt_browser, ct_browser_close);
	cr_assert_eq(bt_count_throwaway_dirs(), dirs, "the throwaway profile is left");
}

Test(browser, chromium_blocks_a_self_signed_server)
{
	g_autofree gchar *home = NULL;
	guint dirs;

	bt_require(CT_BROWSER_CHROMIUM);
	home = bt_mkdir("home");
	bt_serve();
	dirs = bt_count_throwaway_dirs();
	bt_launch(CT_BROWSER_CHROMIUM, NULL, home);
	cr_assert(g_str_has_prefix(ct_browser_get_version(bt_browser), "Chromium "), "%s",
		  ct_browser_get_version(bt_browser));
	bt_assert_blocked("ucm.example.com", "ERR_CERT_AUTHORITY_INVALID");
	g_clear_pointer(&bt_browser, ct_browser_close);
	cr_assert_eq(bt_count_throwaway_dirs(), dirs, "the throwaway user data dir is left");
}

/* a permanent exception, written while Firefox is stopped, is honoured; the profile's
 * files are only read */
Test(browser, firefox_loads_with_an_override_and_leaves_the_profile_alone)
{
	g_autofree gchar *profile = NULL;
	g_autofree gchar *command = NULL;
	g_autofree gchar *line = NULL;
	g_autofree gchar *overrides = NULL;
	g_autofree gchar *db = NULL;
	g_autofree gchar *overrides_sum = NULL;
	g_autofree gchar *db_sum = NULL;
	g_autofree gchar *listing = NULL;
	g_autofree gchar *after = NULL;
	g_autofree gchar *after_overrides = NULL;
	g_autofree gchar *after_db = NULL;
	gint pid;

	bt_require(CT_BROWSER_FIREFOX);
	bt_serve();
	profile = bt_mkdir("profile");
	command = g_strdup_printf("certutil -N -d 'sql:%s' --empty-password", profile);
	bt_shell(command);
	line = g_strdup_printf("ucm.example.com:%u:\t" BT_OID "\t%s\t\n", bt_server->https_port,
			       bt_server_member("sha256"));
	overrides = g_build_filename(profile, "cert_override.txt", NULL);
	cr_assert(g_file_set_contents(overrides, line, -1, NULL));
	db = g_build_filename(profile, "cert9.db", NULL);
	overrides_sum = bt_checksum(overrides);
	db_sum = bt_checksum(db);
	listing = bt_listing(profile);

	bt_launch(CT_BROWSER_FIREFOX, profile, NULL);
	pid = ct_browser_get_pid(bt_browser);
	bt_assert_loads("ucm.example.com");
	/* no exception for this name: still untrusted, so the trust error comes first */
	bt_assert_blocked("wrong.example.com", "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT");
	bt_assert_loads("ucm.example.com");
	g_clear_pointer(&bt_browser, ct_browser_close);
	bt_assert_gone(pid);

	after_overrides = bt_checksum(overrides);
	after_db = bt_checksum(db);
	after = bt_listing(profile);
	cr_assert_str_eq(after_overrides, overrides_sum, "cert_override.txt changed");
	cr_assert_str_eq(after_db, db_sum, "cert9.db changed");
	cr_assert_str_eq(after, listing, "the profile changed: %s -> %s", listing, after);
}

/* NSS trust in the profile's cert9.db: the name decides */
Test(browser, firefox_trusted_certificate_under_a_wrong_name_is_a_mismatch)
{
	g_autofree gchar *profile = NULL;
	g_autofree gchar *command = NULL;
	g_autofree gchar *db = NULL;
	g_autofree gchar *db_sum = NULL;
	g_autofree gchar *after_db = NULL;

	bt_require(CT_BROWSER_FIREFOX);
	bt_serve();
	profile = bt_mkdir("profile");
	command = g_strdup_printf("certutil -N -d 'sql:%s' --empty-password && "
				  "certutil -A -d 'sql:%s' -n ucm -t C,, -i '%s'",
				  profile, profile, bt_server_member("pem"));
	bt_shell(command);
	db = g_build_filename(profile, "cert9.db", NULL);
	db_sum = bt_checksum(db);

	bt_launch(CT_BROWSER_FIREFOX, profile, NULL);
	bt_assert_loads("ucm.example.com");
	bt_assert_blocked("wrong.example.com", "SSL_ERROR_BAD_CERT_DOMAIN");
	g_clear_pointer(&bt_browser, ct_browser_close);
	after_db = bt_checksum(db);
	cr_assert_str_eq(after_db, db_sum, "cert9.db changed");
}

/* a trusted leaf (P,,) in HOME/.pki/nssdb; several pages in one launch */
Test(browser, chromium_loads_a_trusted_leaf_and_reports_a_mismatch)
{
	g_autofree gchar *home = NULL;
	g_autofree gchar *nssdb = NULL;
	g_autofree gchar *command = NULL;
	g_autofree gchar *db = NULL;
	g_autofree gchar *db_sum = NULL;
	g_autofree gchar *after_db = NULL;
	gint pid;

	bt_require(CT_BROWSER_CHROMIUM);
	bt_serve();
	home = bt_mkdir("home");
	nssdb = bt_mkdir("home/.pki/nssdb");
	command = g_strdup_printf("certutil -N -d 'sql:%s' --empty-password && "
				  "certutil -A -d 'sql:%s' -n x -t P,, -i '%s'",
				  nssdb, nssdb, bt_server_member("pem"));
	bt_shell(command);
	db = g_build_filename(nssdb, "cert9.db", NULL);
	db_sum = bt_checksum(db);

	bt_launch(CT_BROWSER_CHROMIUM, NULL, home);
	pid = ct_browser_get_pid(bt_browser);
	bt_assert_loads("ucm.example.com");
	bt_assert_blocked("wrong.example.com", "ERR_CERT_COMMON_NAME_INVALID");
	bt_assert_loads("ucm.example.com");
	g_clear_pointer(&bt_browser, ct_browser_close);
	bt_assert_gone(pid);
	after_db = bt_checksum(db);
	cr_assert_str_eq(after_db, db_sum, "cert9.db changed");
}

Test(browser, firefox_missing_binary_names_the_package)
{
	g_autofree gchar *missing = bt_path("no-such-firefox");
	CtBrowserOptions options = {.kind = CT_BROWSER_FIREFOX, .binary = missing};
	g_autoptr(GError) error = NULL;
	g_autoptr(CtBrowser) browser = ct_browser_launch(&options, NULL, &error);

	cr_assert_null(browser);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_FAILED), "%s", error->message);
	cr_assert_eq(ct_error_get_exit_status(error), 1);
	cr_assert_not_null(strstr(error->message, "Debian package firefox-esr"), "%s",
			   error->message);
	cr_assert_not_null(strstr(error->message, missing), "%s", error->message);
}

Test(browser, chromium_missing_binary_names_the_package)
{
	g_autofree gchar *missing = bt_path("no-such-chromium");
	CtBrowserOptions options = {.kind = CT_BROWSER_CHROMIUM};
	g_autoptr(GError) error = NULL;
	g_autoptr(CtBrowser) browser = NULL;

	g_setenv("CT_CHROMIUM", missing, TRUE);
	browser = ct_browser_launch(&options, NULL, &error);
	cr_assert_null(browser);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_FAILED), "%s", error->message);
	cr_assert_not_null(strstr(error->message, "Debian package chromium"), "%s", error->message);
}

/* a browser that never offers its protocol, and ignores SIGTERM: killed at the timeout,
 * with every process of its group */
Test(browser, hung_launch_times_out_and_leaves_no_process)
{
	g_autofree gchar *fake = bt_hanging_browser(TRUE);
	CtBrowserOptions options = {.kind = CT_BROWSER_CHROMIUM, .timeout_ms = 1500};
	g_autoptr(GError) error = NULL;
	g_autoptr(CtBrowser) browser = NULL;
	gint64 started;
	gint64 elapsed_ms;

	g_setenv("CT_CHROMIUM", fake, TRUE);
	started = g_get_monotonic_time();
	browser = ct_browser_launch(&options, NULL, &error);
	elapsed_ms = (g_get_monotonic_time() - started) / 1000;
	cr_assert_null(browser);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_REACHABLE), "%s", error->message);
	cr_assert_eq(ct_error_get_exit_status(error), 5);
	cr_assert_not_null(strstr(error->message, "1500 ms"), "%s", error->message);
	/* the timeout, then SIGTERM's grace period, then SIGKILL */
	cr_assert_geq(elapsed_ms, 1500);
	cr_assert_lt(elapsed_ms, 1500 + 2000 + 2500, "took %" G_GINT64_FORMAT " ms", elapsed_ms);
	cr_log_info("hung launch given up after %" G_GINT64_FORMAT " ms", elapsed_ms);
	bt_assert_gone(bt_hanging_browser_pid());
}

/* the driver connects only to a protocol endpoint at a loopback address: anything else
 * (another address, a host name, another scheme) is refused at once, and the browser ended */
Test(browser, a_protocol_endpoint_off_loopback_is_refused)
{
	const struct {
		CtBrowserKind kind;
		const gchar *line;
	} cases[] = {
	    {CT_BROWSER_CHROMIUM, "DevTools listening on ws://192.0.2.1:9222/devtools/browser/x"},
	    {CT_BROWSER_CHROMIUM, "DevTools listening on ws://localhost:9222/devtools/browser/x"},
	    {CT_BROWSER_CHROMIUM, "DevTools listening on ws://127.0.0.1.example.com:9222/x"},
	    {CT_BROWSER_CHROMIUM, "DevTools listening on ws://0.0.0.0:9222/devtools/browser/x"},
	    {CT_BROWSER_FIREFOX, "WebDriver BiDi listening on ws://[2001:db8::1]:9222"},
	    {CT_BROWSER_FIREFOX, "WebDriver BiDi listening on wss://127.0.0.1:9222"},
	    {CT_BROWSER_FIREFOX, "WebDriver BiDi listening on ws://user@127.0.0.1:9222"},
	    {CT_BROWSER_FIREFOX, "WebDriver BiDi listening on ws://127.0.0.1"},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *fake = bt_announcing_browser(cases[i].line);
		g_autofree gchar *pid_file = bt_path("hang.pid");
		CtBrowserOptions options = {.kind = cases[i].kind,
					    .binary = fake,
					    .timeout_ms = 20000};
		g_autoptr(GError) error = NULL;
		g_autoptr(CtBrowser) browser = NULL;
		gint64 started = g_get_monotonic_time();
		gint64 elapsed_ms;

		browser = ct_browser_launch(&options, NULL, &error);
		elapsed_ms = (g_get_monotonic_time() - started) / 1000;
		cr_assert_null(browser, "%s was accepted", cases[i].line);
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_FAILED), "%s: %s",
			  cases[i].line, error->message);
		cr_assert_not_null(strstr(error->message, "not at a loopback address"), "%s",
				   error->message);
		cr_assert_eq(ct_error_get_exit_status(error), 1);
		/* refused on sight, not after the timeout of a connection that never answers */
		cr_assert_lt(elapsed_ms, 10000, "took %" G_GINT64_FORMAT " ms", elapsed_ms);
		bt_assert_gone(bt_hanging_browser_pid());
		cr_assert_eq(g_unlink(pid_file), 0);
	}
}

static gpointer
bt_cancel_later_cb(gpointer user_data)
{
	g_usleep(300 * 1000);
	g_cancellable_cancel(G_CANCELLABLE(user_data));
	return NULL;
}

Test(browser, cancelled_launch_reaps_the_browser)
{
	g_autofree gchar *fake = bt_hanging_browser(FALSE);
	CtBrowserOptions options = {.kind = CT_BROWSER_FIREFOX,
				    .binary = fake,
				    .timeout_ms = 60000};
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(CtBrowser) browser = NULL;
	GThread *thread;
	gint64 started = g_get_monotonic_time();
	gint64 elapsed_ms;

	thread = g_thread_new("cancel", bt_cancel_later_cb, cancellable);
	browser = ct_browser_launch(&options, cancellable, &error);
	elapsed_ms = (g_get_monotonic_time() - started) / 1000;
	g_thread_join(thread);
	cr_assert_null(browser);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_CANCELLED), "%s", error->message);
	cr_assert_eq(ct_error_get_exit_status(error), 130);
	cr_assert_lt(elapsed_ms, 5000, "took %" G_GINT64_FORMAT " ms", elapsed_ms);
	bt_assert_gone(bt_hanging_browser_pid());
}

/* a server that accepts connections and never says a word: the navigation times out, and
 * the browser is ended, not left hanging */
Test(browser, chromium_hung_page_is_a_timeout_and_the_browser_goes_on)
{
	const gchar *names[] = {"ucm.example.com", NULL};
	g_autofree gchar *home = NULL;
	g_autofree gchar *url = NULL;
	g_autoptr(GSocket) silent = NULL;
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNavigation) navigation = NULL;
	CtBrowserOptions options = {
	    .kind = CT_BROWSER_CHROMIUM,
	    .map_names = names,
	    .timeout_ms = 3000,
	    .launch_timeout_ms = 60000,
	};
	gint64 started;
	gint64 elapsed_ms;
	gint pid;

	bt_require(CT_BROWSER_CHROMIUM);
	home = bt_mkdir("home");
	options.home = home;
	silent = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
			      NULL);
	cr_assert(g_socket_bind(silent, any, TRUE, NULL));
	cr_assert(g_socket_listen(silent, NULL));
	bound = g_socket_get_local_address(silent, NULL);
	url = bt_url("ucm.example.com",
		     g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound)));

	bt_browser = ct_browser_launch(&options, NULL, &error);
	cr_assert_not_null(bt_browser, "launch: %s", error != NULL ? error->message : "");
	pid = ct_browser_get_pid(bt_browser);
	started = g_get_monotonic_time();
	navigation = ct_browser_navigate(bt_browser, url, NULL, &error);
	elapsed_ms = (g_get_monotonic_time() - started) / 1000;
	/* the page's own outcome, not an error: other pages keep their verdicts */
	cr_assert_not_null(navigation, "%s", error != NULL ? error->message : "");
	cr_assert_str_eq(navigation->outcome, "timeout");
	cr_assert_str_eq(navigation->error_code, "TIMEOUT");
	cr_assert_not_null(strstr(navigation->detail, url), "%s", navigation->detail);
	cr_assert_geq(elapsed_ms, 3000);
	/* the page's time, then at most 10 s to leave it for about:blank */
	cr_assert_lt(elapsed_ms, 3000 + 10000 + 2500, "took %" G_GINT64_FORMAT " ms", elapsed_ms);
	/* the browser left the page and still runs, for the next one */
	cr_assert_eq(ct_browser_get_pid(bt_browser), pid);

	/* and closing it leaves nothing running */
	g_clear_pointer(&bt_browser, ct_browser_close);
	bt_assert_gone(pid);
}

/* the rule: a profile in use is read from a disposable copy, never written */
Test(browser, firefox_runs_on_a_copy_of_a_profile_in_use)
{
	g_autofree gchar *profile = NULL;
	g_autofree gchar *lock = NULL;
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:+%d", (gint)getpid());
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	CtBrowserOptions options = {.kind = CT_BROWSER_FIREFOX};
	g_autoptr(GError) error = NULL;
	CtBrowser *browser = NULL;

	bt_require(CT_BROWSER_FIREFOX);
	profile = bt_mkdir("profile");
	lock = g_build_filename(profile, "lock", NULL);
	cr_assert_eq(symlink(target, lock), 0);
	cr_assert(ct_firefox_profile_is_running(profile));
	before = bt_listing(profile);
	options.profile = profile;
	browser = ct_browser_launch(&options, NULL, &error);
	cr_assert_not_null(browser, "%s", error != NULL ? error->message : "");
	ct_browser_close(browser);
	after = bt_listing(profile);
	cr_assert_str_eq(after, before, "the profile in use was changed");
}

Test(browser, a_map_name_that_is_no_host_name_is_a_usage_error)
{
	const gchar *names[] = {"ucm.example.com\", evil", NULL};
	CtBrowserOptions options = {.kind = CT_BROWSER_FIREFOX, .map_names = names};
	g_autoptr(GError) error = NULL;
	g_autoptr(CtBrowser) browser = ct_browser_launch(&options, NULL, &error);

	cr_assert_null(browser);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s", error->message);
}

Test(browser, chromium_refuses_a_user_data_dir_in_use)
{
	g_autofree gchar *user_data_dir = NULL;
	g_autofree gchar *lock = NULL;
	g_autofree gchar *target = g_strdup_printf("somehost-%d", (gint)getpid());
	CtBrowserOptions options = {.kind = CT_BROWSER_CHROMIUM};
	g_autoptr(GError) error = NULL;
	g_autoptr(CtBrowser) browser = NULL;

	bt_require(CT_BROWSER_CHROMIUM);
	user_data_dir = bt_mkdir("user-data");
	lock = g_build_filename(user_data_dir, "SingletonLock", NULL);
	cr_assert_eq(symlink(target, lock), 0);
	options.user_data_dir = user_data_dir;
	browser = ct_browser_launch(&options, NULL, &error);
	cr_assert_null(browser);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_REFUSED), "%s", error->message);
	cr_assert_not_null(strstr(error->message, user_data_dir), "%s", error->message);
}

/* a browser that dies under the driver: the next page is an error, nothing is left */
Test(browser, chromium_that_dies_is_not_reachable)
{
	g_autofree gchar *home = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNavigation) navigation = NULL;
	gint pid;

	bt_require(CT_BROWSER_CHROMIUM);
	bt_serve();
	home = bt_mkdir("home");
	bt_launch(CT_BROWSER_CHROMIUM, NULL, home);
	pid = ct_browser_get_pid(bt_browser);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	navigation = ct_browser_navigate(bt_browser, bt_server->https_url, NULL, &error);
	cr_assert_null(navigation);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_REACHABLE), "%s", error->message);
	cr_log_info("%s", error->message);
	bt_assert_gone(pid);
}
