/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-test.h"

/* `certtrust verify` as a user runs it, in a private HOME, against `certtrust serve`, with
 * the real Firefox ESR and Chromium: the verdicts follow trust and untrust */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;
static CtTestServer *server = NULL;
/* a headed session's display and certtrust, ended in teardown when a test fails */
static GSubprocess *headed_xvfb = NULL;
static GSubprocess *headed_session = NULL;
/* a server nobody on the team wrote: openssl s_server */
static GSubprocess *openssl_server = NULL;

static void
verify_end_process(GSubprocess **process)
{
	if (*process == NULL)
		return;
	g_subprocess_force_exit(*process);
	g_subprocess_wait(*process, NULL, NULL);
	g_clear_object(process);
}

static gchar *
verify_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static void
verify_setup(void)
{
	g_autofree gchar *browser_tmp = NULL;

	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
	/* the browsers' throwaway dirs land here, where a test can look for leftovers */
	browser_tmp = verify_path("tmp");
	cr_assert_eq(g_mkdir_with_parents(browser_tmp, 0700), 0);
	g_setenv("TMPDIR", browser_tmp, TRUE);
}

static void
verify_teardown(void)
{
	/* certtrust's browser dies with it (PR_SET_PDEATHSIG) */
	verify_end_process(&headed_session);
	verify_end_process(&headed_xvfb);
	verify_end_process(&openssl_server);
	g_clear_pointer(&server, ct_test_server_stop);
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
	g_unsetenv("TMPDIR");
}

TestSuite(verify, .init = verify_setup, .fini = verify_teardown, .timeout = 240);

static void
verify_require(const gchar *browser)
{
	const gchar *reason = ct_test_browser_unavailable(browser);

	if (reason != NULL) {
		verify_teardown();
		cr_skip_test("%s", reason);
	}
}

static CtTestRun *
verify_run(const gchar *a,
	   const gchar *b,
	   const gchar *c,
	   const gchar *d,
	   const gchar *e,
	   const gchar *f,
	   const gchar *g,
	   const gchar *h)
{
	const gchar *argv[] = {"certtrust", a, b, c, d, e, f, g, h, NULL};
	return ct_test_run(argv, NULL);
}

/* the navigations of a verify --json document: "outcome[ code]" each, joined by "; " */
static gchar *
verify_outcomes(CtTestRun *run)
{
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(run->out);
	JsonArray *navigations = json_object_get_array_member(json_node_get_object(root),
							      "navigations");
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < json_array_get_length(navigations); i++) {
		JsonObject *navigation = json_array_get_object_element(navigations, i);
		const gchar *code = json_object_get_string_member(navigation, "error_code");
		g_string_append_printf(text, "%s%s%s%s", i > 0 ? "; " : "",
				       json_object_get_string_member(navigation, "outcome"),
				       code != NULL ? " " : "", code != NULL ? code : "");
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* files and their bytes under dir, as one string; GLib's own settings cache (dconf,
 * written by certtrust's first access through GIO's proxy settings) left out */
static gchar *
verify_listing(const gchar *dir)
{
	g_autofree gchar *cmd = g_strdup_printf(
	    "cd '%s' && find . -type f ! -path './.cache/dconf/*' -exec sha256sum {} + | sort",
	    dir);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	return g_strdup(run->out);
}

Test(verify, chromium_blocks_then_loads_after_trust_then_blocks_after_untrust)
{
	g_autofree gchar *db = verify_path("home/.pki/nssdb");
	g_autofree gchar *create = g_strdup_printf("certutil -N -d 'sql:%s' --empty-password", db);
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(CtTestRun) made = NULL;
	g_autoptr(CtTestRun) before = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(CtTestRun) after = NULL;
	g_autoptr(CtTestRun) untrusted = NULL;
	g_autoptr(CtTestRun) undone = NULL;
	g_autofree gchar *before_outcomes = NULL;
	g_autofree gchar *after_outcomes = NULL;
	g_autofree gchar *undone_outcomes = NULL;

	verify_require("chromium");
	cr_assert_eq(g_mkdir_with_parents(db, 0700), 0);
	made = ct_test_run_shell(create);
	cr_assert_eq(made->exit_status, 0, "%s", made->err);
	server = ct_test_server_start("tomcat", verify_path("certs"), NULL);
	url = g_strdup_printf("https://ucm.example.com:%u/ccmadmin", server->https_port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server->https_port);

	before = verify_run("verify", url, "--resolve", rule, "--browser", "chromium", "--name",
			    "127.0.0.1");
	cr_assert_eq(before->exit_status, 4, "%s%s", before->out, before->err);
	cr_assert_not_null(strstr(before->out, "blocked ERR_CERT_AUTHORITY_INVALID"), "%s",
			   before->out);

	trusted = verify_run("trust", url, "--resolve", rule, "--store", "chromium", "--yes", NULL);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	after = verify_run("verify", url, "--resolve", rule, "--browser", "chromium", "--json",
			   NULL);
	after_outcomes = verify_outcomes(after);
	cr_assert_str_eq(after_outcomes, "loads");
	cr_assert_eq(after->exit_status, 0, "%s%s", after->out, after->err);

	untrusted = verify_run("untrust", url, "--resolve", rule, NULL, NULL, NULL, NULL);
	cr_assert_eq(untrusted->exit_status, 0, "%s%s", untrusted->out, untrusted->err);
	undone = verify_run("verify", url, "--resolve", rule, "--browser", "chromium", "--json",
			    "--name=127.0.0.1");
	cr_assert_eq(undone->exit_status, 4, "%s%s", undone->out, undone->err);
	undone_outcomes = verify_outcomes(undone);
	cr_assert_str_eq(undone_outcomes,
			 "blocked ERR_CERT_AUTHORITY_INVALID; blocked ERR_CERT_AUTHORITY_INVALID");
}

/* Chromium aborts when its singleton socket's path passes 107 bytes: a long TMPDIR must
 * not take it down (the driver's throwaway dir goes to /tmp then) */
Test(verify, chromium_runs_under_a_long_tmpdir_and_leaves_nothing_in_it)
{
	g_autofree gchar *long_tmp = verify_path(
	    "a-temporary-directory-whose-path-is-far-longer-than-any-unix-socket-path-can-be");
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(GDir) dir = NULL;

	verify_require("chromium");
	cr_assert_eq(g_mkdir_with_parents(long_tmp, 0700), 0);
	server = ct_test_server_start("tomcat", verify_path("certs"), NULL);
	url = g_strdup_printf("https://ucm.example.com:%u/ccmadmin", server->https_port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server->https_port);
	g_setenv("TMPDIR", long_tmp, TRUE);
	run = verify_run("verify", url, "--resolve", rule, "--browser", "chromium", NULL, NULL);
	cr_assert_eq(run->exit_status, 4, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "blocked ERR_CERT_AUTHORITY_INVALID"), "%s", run->out);
	dir = g_dir_open(long_tmp, 0, NULL);
	cr_assert_not_null(dir);
	cr_assert_null(g_dir_read_name(dir), "something is left in the long TMPDIR");
}

Test(verify, firefox_default_profile_loads_with_the_exception_and_stays_untouched)
{
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *files_before = NULL;
	g_autofree gchar *files_after = NULL;
	g_autofree gchar *outcomes = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(CtTestRun) after = NULL;

	verify_require("firefox");
	server = ct_test_server_start("tomcat", verify_path("certs"), NULL);
	url = g_strdup_printf("https://ucm.example.com:%u/ccmadmin", server->https_port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server->https_port);
	trusted = verify_run("trust", url, "--resolve", rule, "--store", "firefox", "--yes", NULL);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	files_before = verify_listing(profile);

	/* the exception covers the name it was made for, not another one */
	after = verify_run("verify", url, "--resolve", rule, "--browser", "firefox", "--json",
			   "--name=127.0.0.1");
	outcomes = verify_outcomes(after);
	cr_assert_str_eq(outcomes, "loads; blocked MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT");
	cr_assert_eq(after->exit_status, 4, "%s%s", after->out, after->err);
	files_after = verify_listing(profile);
	cr_assert_str_eq(files_after, files_before, "verify changed the user's profile");
}

Test(verify, missing_browser_names_the_debian_package)
{
	g_autoptr(CtTestRun) run = NULL;

	g_setenv("CT_CHROMIUM", "/nonexistent/chromium", TRUE);
	run = verify_run("verify", "https://ucm.example.com:8443/", "--browser", "chromium", NULL,
			 NULL, NULL, NULL);
	g_unsetenv("CT_CHROMIUM");
	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->err, "chromium"), "%s", run->err);
	cr_assert_not_null(strstr(run->err, "apt"), "%s", run->err);
}

Test(verify, usage_errors_exit_2)
{
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) no_browser = verify_run("verify", "https://ucm.example.com:8443/",
						     NULL, NULL, NULL, NULL, NULL, NULL);
	g_autoptr(CtTestRun) bad_browser = verify_run("verify", "https://ucm.example.com:8443/",
						      "--browser", "lynx", NULL, NULL, NULL, NULL);
	g_autoptr(CtTestRun)
	    a_file = verify_run("verify", file, "--browser", "firefox", NULL, NULL, NULL, NULL);
	/* a browser goes to an IP address, not to another name */
	g_autoptr(CtTestRun)
	    far_address = verify_run("verify", "https://ucm.example.com:8443/", "--browser",
				     "firefox", "--resolve",
				     "ucm.example.com:8443:ucm.elsewhere.example", NULL, NULL);
	g_autoptr(CtTestRun)
	    nothing = verify_run("verify", "--browser", "firefox", NULL, NULL, NULL, NULL, NULL);

	cr_assert_eq(no_browser->exit_status, 2, "%s", no_browser->err);
	cr_assert_not_null(strstr(no_browser->err, "--browser"), "%s", no_browser->err);
	cr_assert_eq(bad_browser->exit_status, 2, "%s", bad_browser->err);
	cr_assert_eq(a_file->exit_status, 2, "%s", a_file->err);
	cr_assert_not_null(strstr(a_file->err, "not a server"), "%s", a_file->err);
	cr_assert_eq(far_address->exit_status, 2, "%s", far_address->err);
	cr_assert_not_null(strstr(far_address->err, "IP address"), "%s", far_address->err);
	cr_assert_eq(nothing->exit_status, 2, "%s", nothing->err);
}

/* processes whose command line names text (a dir): what a browser launched there left running */
static guint
verify_count_processes_naming(const gchar *dir)
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
		if (!g_file_get_contents(path, &cmdline, &length, NULL))
			continue;
		/* certtrust itself is not a leftover */
		if (length == 0 || g_str_has_suffix(cmdline, "certtrust"))
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

/* the throwaway dirs of certtrust's process pid in dir (certtrust names them
 * certtrust-browser-PID-..., PID in hex) */
static guint
verify_count_throwaway_dirs(const gchar *dir, GPid pid)
{
	g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
	g_autofree gchar *prefix = g_strdup_printf("certtrust-browser-%x-", (guint)pid);
	const gchar *name;
	guint count = 0;

	while (listing != NULL && (name = g_dir_read_name(listing)) != NULL)
		count += g_str_has_prefix(name, prefix) ? 1 : 0;
	return count;
}

Test(verify, ctrl_c_ends_the_browser_and_leaves_nothing_behind)
{
	g_autofree gchar *browser_tmp = verify_path("tmp");
	g_autofree gchar *throwaway = NULL;
	CtTestPeer *peer = NULL;
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) left = NULL;
	const gchar *argv[8] = {g_getenv("CT_CERTTRUST"),
				"verify",
				NULL,
				"--browser",
				"chromium",
				"--resolve",
				NULL,
				NULL};
	gint64 start;
	gint status = 0;
	GPid pid;

	verify_require("chromium");
	/* a server that accepts and never answers: the page hangs */
	peer = ct_test_peer_start("silent");
	url = g_strdup_printf("https://ucm.example.com:%u/", peer->port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", peer->port);
	argv[2] = url;
	argv[6] = rule;
	cr_assert(g_spawn_async(NULL, (gchar **)argv, NULL,
				G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
				    G_SPAWN_STDERR_TO_DEV_NULL,
				NULL, NULL, &pid, &error),
		  "%s", error != NULL ? error->message : "");
	/* wait until the browser is up and hanging on the page. Its throwaway dir is in TMPDIR,
	 * or in /tmp when Chromium's socket path under TMPDIR would be too long for a Unix
	 * socket (this test's TMPDIR is) */
	throwaway = g_strdup_printf("certtrust-browser-%x-", (guint)pid);
	for (guint i = 0; i < 300 && verify_count_processes_naming(throwaway) == 0; i++)
		g_usleep(50000);
	cr_assert_gt(verify_count_processes_naming(throwaway), 0, "no browser came up");
	g_usleep(1000000);
	start = g_get_monotonic_time();
	kill(pid, SIGINT);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	ct_test_peer_stop(peer);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d", status);
	cr_assert_lt(g_get_monotonic_time() - start, 10 * G_USEC_PER_SEC);
	for (guint i = 0; i < 40 && verify_count_processes_naming(throwaway) > 0; i++)
		g_usleep(50000);
	cr_assert_eq(verify_count_processes_naming(throwaway), 0, "browser processes are left");
	left = g_dir_open(browser_tmp, 0, NULL);
	cr_assert_null(g_dir_read_name(left), "a throwaway directory is left in %s", browser_tmp);
	cr_assert_eq(verify_count_throwaway_dirs("/tmp", pid), 0,
		     "a throwaway directory %s* is left in /tmp", throwaway);
}

/* "for this session only" (docs/browser-procedures.md): the session loads, the user's own stores
 * still block afterwards and are byte for byte as they were, and nothing of the session stays */
static void
verify_open_session(const gchar *browser, const gchar *serve_profile, const gchar *code)
{
	g_autofree gchar *db = verify_path("home/.pki/nssdb");
	g_autofree gchar *create = g_strdup_printf("certutil -N -d 'sql:%s' --empty-password", db);
	g_autofree gchar *browser_tmp = verify_path("tmp");
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *home_before = NULL;
	g_autofree gchar *home_after = NULL;
	g_autofree gchar *session_outcomes = NULL;
	g_autofree gchar *after_outcomes = NULL;
	g_autofree gchar *expected = g_strdup_printf("blocked %s", code);
	g_autoptr(CtTestRun) made = NULL;
	g_autoptr(CtTestRun) session = NULL;
	g_autoptr(CtTestRun) after = NULL;
	g_autoptr(GDir) left = NULL;

	verify_require(browser);
	cr_assert_eq(g_mkdir_with_parents(db, 0700), 0);
	made = ct_test_run_shell(create);
	cr_assert_eq(made->exit_status, 0, "%s", made->err);
	server = ct_test_server_start(serve_profile, verify_path("certs"), NULL);
	url = g_strdup_printf("https://ucm.example.com:%u/ccmadmin", server->https_port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server->https_port);
	home_before = verify_listing(verify_path("home"));

	/* no display in the tests: the session runs headless and reports */
	g_unsetenv("DISPLAY");
	g_unsetenv("WAYLAND_DISPLAY");
	session = verify_run("open", url, "--resolve", rule, "--browser", browser, "--session",
			     "--json");
	session_outcomes = verify_outcomes(session);
	cr_assert_str_eq(session_outcomes, "loads");
	cr_assert_eq(session->exit_status, 0, "%s%s", session->out, session->err);

	after = verify_run("verify", url, "--resolve", rule, "--browser", browser, "--json", NULL);
	after_outcomes = verify_outcomes(after);
	cr_assert_str_eq(after_outcomes, expected);
	cr_assert_eq(after->exit_status, 4, "%s%s", after->out, after->err);

	home_after = verify_listing(verify_path("home"));
	cr_assert_str_eq(home_after, home_before, "the session changed the user's HOME");
	left = g_dir_open(browser_tmp, 0, NULL);
	cr_assert_null(g_dir_read_name(left), "the session left something in %s", browser_tmp);
}

Test(verify, firefox_session_loads_while_the_profile_still_blocks)
{
	verify_open_session("firefox", "tomcat", "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT");
}

/* a certificate without SAN: no trust store makes Chromium accept it, a session can */
Test(verify, chromium_session_loads_even_without_san_while_the_db_still_blocks)
{
	verify_open_session("chromium", "cn-only", "ERR_CERT_AUTHORITY_INVALID");
}

/* flow firefox3 --choice session: "Permanently store this exception" unticked is the real
 * session, open --session's Firefox; nothing of it stays, the profile is not written */
Test(verify, flow_firefox3_session_loads_and_stores_nothing)
{
	g_autofree gchar *browser_tmp = verify_path("tmp");
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *home_before = NULL;
	g_autofree gchar *home_after = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GDir) left = NULL;
	JsonArray *steps;
	JsonObject *last;
	JsonArray *navigations;

	verify_require("firefox");
	server = ct_test_server_start("tomcat", verify_path("certs"), NULL);
	url = g_strdup_printf("https://ucm.example.com:%u/ccmadmin", server->https_port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server->https_port);
	home_before = verify_listing(verify_path("home"));

	g_unsetenv("DISPLAY");
	g_unsetenv("WAYLAND_DISPLAY");
	run = verify_run("flow", "firefox3", url, "--resolve", rule, "--choice", "session",
			 "--json");
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	root = ct_test_parse_one_json_document(run->out);
	cr_assert_str_eq(json_object_get_string_member(json_node_get_object(root), "outcome"),
			 "session");
	steps = json_object_get_array_member(json_node_get_object(root), "steps");
	last = json_array_get_object_element(steps, json_array_get_length(steps) - 1);
	cr_assert_str_eq(json_object_get_string_member(last, "action"), "open-session");
	navigations = json_object_get_array_member(last, "navigations");
	cr_assert_eq(json_array_get_length(navigations), 1);
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(navigations,
										     0),
						       "outcome"),
			 "loads");

	home_after = verify_listing(verify_path("home"));
	cr_assert_str_eq(home_after, home_before, "the session changed the user's HOME");
	left = g_dir_open(browser_tmp, 0, NULL);
	cr_assert_null(g_dir_read_name(left), "the session left something in %s", browser_tmp);
}

/* the browser process certtrust launched (its child): pid, and whether it runs headless */
static GPid
verify_browser_child(GPid parent, gboolean *headless)
{
	g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
	const gchar *name;

	while (proc != NULL && (name = g_dir_read_name(proc)) != NULL) {
		g_autofree gchar *stat_path = NULL;
		g_autofree gchar *stat = NULL;
		g_autofree gchar *cmd_path = NULL;
		g_autofree gchar *cmdline = NULL;
		gsize length = 0;
		const gchar *end;
		gint ppid = 0;
		gchar state = 0;

		if (!g_ascii_isdigit(name[0]))
			continue;
		stat_path = g_build_filename("/proc", name, "stat", NULL);
		cmd_path = g_build_filename("/proc", name, "cmdline", NULL);
		if (!g_file_get_contents(stat_path, &stat, NULL, NULL) ||
		    !g_file_get_contents(cmd_path, &cmdline, &length, NULL))
			continue;
		end = strrchr(stat, ')');
		if (end == NULL || sscanf(end + 1, " %c %d", &state, &ppid) != 2 || ppid != parent)
			continue;
		*headless = FALSE;
		for (gsize i = 0; i < length; i += strlen(cmdline + i) + 1) {
			if (g_str_has_prefix(cmdline + i, "--headless") ||
			    g_str_equal(cmdline + i, "-headless"))
				*headless = TRUE;
		}
		return (GPid)g_ascii_strtoll(name, NULL, 10);
	}
	return 0;
}

typedef struct {
	gchar *line;
	gboolean done;
} VerifyLine;

static void
verify_line_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	VerifyLine *read = user_data;
	read->line = g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(source), result, NULL,
							  NULL);
	read->done = TRUE;
}

/* the first line holding text, within seconds; NULL at the end of the output or then */
static gchar *
verify_read_line_with(GDataInputStream *in, const gchar *text, guint seconds)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
	g_autoptr(GCancellable) cancellable = g_cancellable_new();

	while (g_get_monotonic_time() < deadline) {
		VerifyLine read = {NULL, FALSE};
		g_data_input_stream_read_line_async(in, G_PRIORITY_DEFAULT, cancellable,
						    verify_line_cb, &read);
		while (!read.done && g_get_monotonic_time() < deadline) {
			if (!g_main_context_iteration(NULL, FALSE))
				g_usleep(10000);
		}
		if (!read.done) {
			g_cancellable_cancel(cancellable);
			while (!read.done)
				g_main_context_iteration(NULL, TRUE);
		}
		if (read.line == NULL)
			return NULL;
		if (strstr(read.line, text) != NULL)
			return read.line;
		g_free(read.line);
	}
	return NULL;
}

/* a visible window of process pid on display whose title holds text, within seconds: its
 * X id, or NULL */
static gchar *
verify_window_showing(const gchar *display, GPid pid, const gchar *text, guint seconds)
{
	g_autofree gchar *search = g_strdup_printf(
	    "for w in $(DISPLAY='%s' xdotool search --onlyvisible --pid %d 2>/dev/null); do "
	    "echo \"$w $(DISPLAY='%s' xdotool getwindowname $w)\"; done",
	    display, (gint)pid, display);

	for (guint i = 0; i < seconds * 2; i++) {
		g_autoptr(CtTestRun) run = ct_test_run_shell(search);
		g_auto(GStrv) lines = g_strsplit(run->out, "\n", -1);
		for (guint j = 0; lines[j] != NULL; j++) {
			const gchar *space = strchr(lines[j], ' ');
			if (space != NULL && strstr(space, text) != NULL)
				return g_strndup(lines[j], space - lines[j]);
		}
		g_usleep(G_USEC_PER_SEC / 2);
	}
	return NULL;
}

/* with a display the session is a window showing the page: certtrust waits until the user
 * closes it (the browser ends), then deletes the throwaway profile; the user's HOME is not
 * written */
static void
verify_headed_session(const gchar *browser)
{
	g_autofree gchar *browser_tmp = verify_path("tmp");
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *home_before = NULL;
	g_autofree gchar *home_after = NULL;
	g_autofree gchar *display = NULL;
	g_autofree gchar *display_name = NULL;
	g_autofree gchar *said = NULL;
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GDataInputStream) xvfb_out = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) left = NULL;
	g_autofree gchar *window = NULL;
	g_autofree gchar *close_command = NULL;
	g_autoptr(CtTestRun) closed = NULL;
	gboolean headless = TRUE;
	GPid child = 0;

	verify_require(browser);
	if (!g_file_test("/usr/bin/Xvfb", G_FILE_TEST_IS_EXECUTABLE) ||
	    !g_file_test("/usr/bin/xdotool", G_FILE_TEST_IS_EXECUTABLE)) {
		verify_teardown();
		cr_skip_test("Xvfb or xdotool is not installed (tests/browser/install-deps "
			     "installs them)");
	}
	server = ct_test_server_start("tomcat", verify_path("certs"), NULL);
	url = g_strdup_printf("https://ucm.example.com:%u/ccmadmin", server->https_port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server->https_port);
	home_before = verify_listing(verify_path("home"));

	/* a display of its own: Xvfb says its number when it is ready */
	headed_xvfb = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					   G_SUBPROCESS_FLAGS_STDERR_SILENCE,
				       &error, "/usr/bin/Xvfb", "-displayfd", "1", "-nolisten",
				       "tcp", "-screen", "0", "1280x800x24", NULL);
	cr_assert_not_null(headed_xvfb, "%s", error != NULL ? error->message : "");
	xvfb_out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(headed_xvfb));
	display = g_data_input_stream_read_line(xvfb_out, NULL, NULL, &error);
	cr_assert_not_null(display, "Xvfb gave no display number");

	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					     G_SUBPROCESS_FLAGS_STDERR_MERGE);
	display_name = g_strconcat(":", display, NULL);
	g_subprocess_launcher_setenv(launcher, "DISPLAY", display_name, TRUE);
	g_subprocess_launcher_unsetenv(launcher, "WAYLAND_DISPLAY");
	headed_session = g_subprocess_launcher_spawn(launcher, &error, g_getenv("CT_CERTTRUST"),
						     "open", url, "--resolve", rule, "--browser",
						     browser, "--session", NULL);
	cr_assert_not_null(headed_session, "%s", error != NULL ? error->message : "");
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(headed_session));
	said = verify_read_line_with(out, "close its window", 120);
	cr_assert_not_null(said, "certtrust open never said the window was up");
	child =
	    verify_browser_child((GPid)g_ascii_strtoll(g_subprocess_get_identifier(headed_session),
						       NULL, 10),
				 &headless);
	cr_assert_gt(child, 0, "no browser under certtrust");
	cr_assert_not(headless, "with a display the session is a window, not headless");
	/* the page is in the window: its title is the UCM page's */
	window = verify_window_showing(display_name, child, "Cisco Unified", 60);
	cr_assert_not_null(window, "no window of the browser shows the page");
	cr_assert_not_null(g_subprocess_get_identifier(headed_session),
			   "certtrust did not wait for the window: %s", said);
	/* the user closes the window (Ctrl+Shift+W, typed into it): the browser ends, and so
	 * does the session */
	close_command = g_strdup_printf("DISPLAY='%s' xdotool windowfocus --sync %s key "
					"ctrl+shift+w",
					display_name, window);
	closed = ct_test_run_shell(close_command);
	cr_assert_eq(closed->exit_status, 0, "%s", closed->err);
	for (guint i = 0; i < 300 && g_subprocess_get_identifier(headed_session) != NULL; i++)
		g_usleep(100000);
	cr_assert_null(g_subprocess_get_identifier(headed_session),
		       "certtrust open still runs 30 s after its window closed");
	cr_assert(g_subprocess_get_if_exited(headed_session) &&
		      g_subprocess_get_exit_status(headed_session) == 0,
		  "certtrust open ended badly");
	g_clear_object(&headed_session);
	verify_end_process(&headed_xvfb);
	verify_end_process(&openssl_server);

	cr_assert_eq(verify_count_processes_naming(browser_tmp), 0, "browser processes are left");
	left = g_dir_open(browser_tmp, 0, NULL);
	cr_assert_null(g_dir_read_name(left), "the session left something in %s", browser_tmp);
	home_after = verify_listing(verify_path("home"));
	cr_assert_str_eq(home_after, home_before, "the session changed the user's HOME");
}

Test(verify, headed_chromium_session_lasts_until_its_window_closes)
{
	verify_headed_session("chromium");
}

Test(verify, headed_firefox_session_lasts_until_its_window_closes)
{
	verify_headed_session("firefox");
}

Test(verify, open_without_session_says_what_to_do)
{
	g_autoptr(CtTestRun) run = verify_run("open", "https://ucm.example.com:8443/", "--browser",
					      "firefox", NULL, NULL, NULL, NULL);

	cr_assert_eq(run->exit_status, 2, "%s", run->err);
	cr_assert_not_null(strstr(run->err, "--session"), "%s", run->err);
	cr_assert_not_null(strstr(run->err, "certtrust trust"), "%s", run->err);
}

/* openssl s_server -www on a free loopback port with a generated leaf (NAME.pem,
 * NAME.key) and the intermediate; returns the port once it accepts connections */
static guint
verify_start_openssl_server(const gchar *name)
{
	g_autofree gchar *cert_name = g_strdup_printf("%s.pem", name);
	g_autofree gchar *key_name = g_strdup_printf("%s.key", name);
	g_autofree gchar *cert = ct_test_data_path(cert_name);
	g_autofree gchar *key = ct_test_data_path(key_name);
	g_autofree gchar *chain = ct_test_data_path("inter.pem");
	guint port = ct_test_free_port();
	g_autofree gchar *accept = g_strdup_printf("127.0.0.1:%u", port);
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocketClient) client = g_socket_client_new();

	openssl_server =
	    g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE |
				 G_SUBPROCESS_FLAGS_STDIN_PIPE,
			     &error, "openssl", "s_server", "-quiet", "-www", "-accept", accept,
			     "-cert", cert, "-key", key, "-cert_chain", chain, NULL);
	cr_assert_not_null(openssl_server, "openssl s_server: %s", error->message);
	for (guint i = 0; i < 100; i++) {
		g_autoptr(GSocketConnection)
		    connection = g_socket_client_connect_to_host(client, accept, 0, NULL, NULL);
		if (connection != NULL)
			return port;
		g_usleep(100 * 1000);
	}
	cr_assert_fail("openssl s_server does not listen on %s", accept);
	return 0;
}

/* trust --json's predictions, one "browser name verdict" a line */
static gchar *
verify_predictions(const gchar *json)
{
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(json);
	JsonArray *stores = json_object_get_array_member(json_node_get_object(root), "stores");
	g_autoptr(GString) lines = g_string_new(NULL);

	for (guint i = 0; i < json_array_get_length(stores); i++) {
		JsonObject *store = json_array_get_object_element(stores, i);
		JsonArray *predictions = json_object_get_array_member(store, "predictions");
		for (guint j = 0; j < json_array_get_length(predictions); j++) {
			JsonObject *p = json_array_get_object_element(predictions, j);
			g_string_append_printf(lines, "%s %s %s\n",
					       json_object_get_string_member(p, "browser"),
					       json_object_get_string_member(p, "name"),
					       json_object_get_string_member(p, "verdict"));
		}
	}
	return g_string_free(g_steal_pointer(&lines), FALSE);
}

/* the verdicts of certtrust check-host --json FILE --name NAME: "firefox chromium" as
 * "match"/"mismatch" */
static gchar *
verify_predicted(const gchar *file, const gchar *name)
{
	g_autofree gchar *path = ct_test_data_path(file);
	const gchar *argv[] = {"certtrust", "check-host", "--json", path, "--name", name, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(run->out);
	JsonObject *object = json_node_get_object(root);
	gboolean firefox = json_object_get_boolean_member(json_object_get_object_member(object,
											"firefox"),
							  "match");
	gboolean chromium =
	    json_object_get_boolean_member(json_object_get_object_member(object, "chromium"),
					   "match");

	return g_strdup_printf("%s %s", firefox ? "match" : "mismatch",
			       chromium ? "match" : "mismatch");
}

/* docs/trust-semantics.md, "Predictions": a wildcard over a public suffix (*.co.uk). The private
 * root is trusted as an anchor in both browsers, so only the name decides; Chromium refuses the
 * wildcard by the public suffix list, Firefox accepts it, and check-host and trust's predictions
 * say so per browser. An ordinary wildcard (*.example.com) over an IDN A-label is measured
 * beside it: both browsers must agree with check-host there too */
Test(verify, public_suffix_wildcard_loads_in_firefox_and_is_refused_by_chromium)
{
	const gchar *names[] = {"foo.co.uk", "xn--bcher-kva.example.com", "www.example.com"};
	const gchar *browsers[] = {"firefox", "chromium"};
	g_autofree gchar *db = verify_path("home/.pki/nssdb");
	g_autofree gchar *create = g_strdup_printf("certutil -N -d 'sql:%s' --empty-password &&"
						   " certutil -N -d 'sql:%s' --empty-password",
						   db, profile);
	g_autoptr(CtTestRun) made = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) predicted_firefox = g_string_new(NULL);
	g_autoptr(GString) predicted_chromium = g_string_new(NULL);
	g_autofree gchar *bundle = verify_path("public-suffix-chain.pem");
	g_autofree gchar *bundle_command =
	    g_strdup_printf("cd '%s' && cat public-suffix.pem inter.pem ca.pem >'%s'",
			    g_getenv("CT_TEST_DATADIR"), bundle);
	g_autoptr(CtTestRun) bundle_made = NULL;
	g_autofree gchar *predictions = NULL;
	guint port;

	verify_require("firefox");
	verify_require("chromium");
	cr_assert_eq(g_mkdir_with_parents(db, 0700), 0);
	made = ct_test_run_shell(create);
	cr_assert_eq(made->exit_status, 0, "%s", made->err);
	port = verify_start_openssl_server("public-suffix");
	bundle_made = ct_test_run_shell(bundle_command);
	cr_assert_eq(bundle_made->exit_status, 0, "%s", bundle_made->err);

	/* certtrust's first access and trust: the root it sent is made an anchor */
	g_ptr_array_add(args, g_strdup("certtrust"));
	g_ptr_array_add(args, g_strdup("--json"));
	g_ptr_array_add(args, g_strdup("trust"));
	g_ptr_array_add(args, g_strdup(bundle));
	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		g_ptr_array_add(args, g_strdup_printf("--name=%s:%u", names[i], port));
	g_ptr_array_add(args, g_strdup("--allow-ca"));
	g_ptr_array_add(args, g_strdup("--mode=anchor"));
	g_ptr_array_add(args, g_strdup("--store=firefox"));
	g_ptr_array_add(args, g_strdup("--store=chromium"));
	g_ptr_array_add(args, g_strdup("--yes"));
	g_ptr_array_add(args, NULL);
	trusted = ct_test_run((const gchar *const *)args->pdata, NULL);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree gchar *predicted = verify_predicted("public-suffix.pem", names[i]);
		g_auto(GStrv) both = g_strsplit(predicted, " ", 2);
		g_string_append_printf(predicted_firefox, "%s%s", i > 0 ? "; " : "",
				       g_strcmp0(both[0], "match") == 0 ? "loads" : "blocked");
		g_string_append_printf(predicted_chromium, "%s%s", i > 0 ? "; " : "",
				       g_strcmp0(both[1], "match") == 0 ? "loads" : "blocked");
	}
	/* what the browsers decide, measured; check-host's verdicts are compared below */
	for (guint b = 0; b < G_N_ELEMENTS(browsers); b++) {
		g_autoptr(GPtrArray) verify = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(CtTestRun) run = NULL;
		g_autofree gchar *outcomes = NULL;
		g_autoptr(GString) loads_or_not = g_string_new(NULL);
		g_auto(GStrv) each = NULL;

		g_ptr_array_add(verify, g_strdup("certtrust"));
		g_ptr_array_add(verify, g_strdup("verify"));
		g_ptr_array_add(verify, g_strdup_printf("https://%s:%u/", names[0], port));
		for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
			g_ptr_array_add(verify, g_strdup_printf("--resolve=%s:%u:127.0.0.1",
								names[i], port));
			if (i > 0)
				g_ptr_array_add(verify,
						g_strdup_printf("--name=%s:%u", names[i], port));
		}
		g_ptr_array_add(verify, g_strdup_printf("--browser=%s", browsers[b]));
		g_ptr_array_add(verify, g_strdup("--json"));
		g_ptr_array_add(verify, NULL);
		run = ct_test_run((const gchar *const *)verify->pdata, NULL);
		outcomes = verify_outcomes(run);
		cr_log_info("%s: %s", browsers[b], outcomes);
		each = g_strsplit(outcomes, "; ", -1);
		for (guint i = 0; each[i] != NULL; i++)
			g_string_append_printf(loads_or_not, "%s%s", i > 0 ? "; " : "",
					       g_str_has_prefix(each[i], "loads") ? "loads"
										  : "blocked");
		if (b == 0) {
			cr_assert(g_str_has_prefix(outcomes, "loads"), "Firefox: %s", outcomes);
			cr_assert_str_eq(loads_or_not->str, predicted_firefox->str,
					 "Firefox did %s", outcomes);
		} else {
			cr_assert(g_str_has_prefix(outcomes,
						   "blocked ERR_CERT_COMMON_NAME_INVALID"),
				  "Chromium: %s", outcomes);
			cr_assert_str_eq(loads_or_not->str, predicted_chromium->str,
					 "Chromium did %s", outcomes);
		}
	}
	/* trust's predictions said the same before anything was written */
	predictions = verify_predictions(trusted->out);
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree gchar *predicted = verify_predicted("public-suffix.pem", names[i]);
		g_auto(GStrv) both = g_strsplit(predicted, " ", 2);
		for (guint b = 0; b < G_N_ELEMENTS(browsers); b++) {
			g_autofree gchar *line = g_strdup_printf("%s %s:%u %s\n", browsers[b],
								 names[i], port,
								 g_strcmp0(both[b], "match") == 0
								     ? "loads"
								     : "name-mismatch");
			cr_assert_not_null(strstr(predictions, line), "no \"%s\" in\n%s", line,
					   predictions);
		}
	}
}
