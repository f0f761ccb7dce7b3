/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-cleanup.h"
#include "ct-scenario.h"
#include "ct-test.h"

/* the scenario runner and the browser driver under hostile input */

static gchar *runner_dir;

static void
runner_setup(void)
{
	runner_dir = ct_test_tmpdir_new();
}

static void
runner_teardown(void)
{
	/* also called before a skip: once only */
	ct_test_tmpdir_remove(runner_dir);
	g_clear_pointer(&runner_dir, g_free);
}

TestSuite(runner, .init = runner_setup, .fini = runner_teardown, .timeout = 240);

/* the environment of a certtrust run in runner_dir: its own HOME, XDG dirs and TMPDIR */
static gchar **
runner_environ(void)
{
	const gchar *variables[] = {"HOME",	      "XDG_CONFIG_HOME", "XDG_DATA_HOME",
				    "XDG_STATE_HOME", "XDG_CACHE_HOME",	 "TMPDIR"};
	const gchar *dirs[] = {"home",
			       "home/.config",
			       "home/.local/share",
			       "home/.local/state",
			       "home/.cache",
			       "tmp"};
	gchar **envp = g_get_environ();

	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree gchar *dir = g_build_filename(runner_dir, dirs[i], NULL);
		cr_assert_eq(g_mkdir_with_parents(dir, 0700), 0);
		envp = g_environ_setenv(envp, variables[i], dir, TRUE);
	}
	return envp;
}

/* in the child: a session of its own, so that everything it starts can be found */
static void
runner_new_session(gpointer user_data)
{
	setsid();
}

static GSubprocess *
runner_spawn(const gchar *const *argv, gchar **envp)
{
	g_autoptr(GSubprocessLauncher)
	    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_autoptr(GError) error = NULL;
	GSubprocess *process;

	g_subprocess_launcher_set_environ(launcher, envp);
	g_subprocess_launcher_set_cwd(launcher, runner_dir);
	g_subprocess_launcher_set_child_setup(launcher, runner_new_session, NULL, NULL);
	process = g_subprocess_launcher_spawnv(launcher, argv, &error);
	cr_assert_not_null(process, "cannot start %s: %s", argv[0],
			   error != NULL ? error->message : "");
	return process;
}

/* processes (not zombies) of session sid, as "pid comm" lines */
static gchar *
runner_session_processes(gint sid)
{
	g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
	g_autoptr(GString) found = g_string_new(NULL);
	const gchar *name;

	cr_assert_not_null(proc);
	while ((name = g_dir_read_name(proc)) != NULL) {
		g_autofree gchar *path = g_build_filename("/proc", name, "stat", NULL);
		g_autofree gchar *stat = NULL;
		const gchar *end;
		gchar state = 0;
		gint parent = 0, group = 0, session = 0;

		if (!g_ascii_isdigit(name[0]) || !g_file_get_contents(path, &stat, NULL, NULL))
			continue;
		end = strrchr(stat, ')');
		if (end == NULL ||
		    sscanf(end + 1, " %c %d %d %d", &state, &parent, &group, &session) != 4)
			continue;
		if (session == sid && state != 'Z' && state != 'X')
			g_string_append_printf(found, "%s %.*s\n", name,
					       (gint)(end - strchr(stat, '(')), strchr(stat, '('));
	}
	return g_string_free(g_steal_pointer(&found), found->len == 0);
}

/* wait up to seconds for the session to be empty; what is left, or NULL */
static gchar *
runner_wait_session_empty(gint sid, guint seconds)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
	gchar *left = NULL;

	while ((left = runner_session_processes(sid)) != NULL &&
	       g_get_monotonic_time() < deadline) {
		g_free(left);
		g_usleep(50 * 1000);
	}
	return left;
}

/* kill what a failed test left (the session of a process this test started) */
static void
runner_kill_session(gint sid)
{
	g_autofree gchar *left = runner_session_processes(sid);
	g_auto(GStrv) lines = left != NULL ? g_strsplit(left, "\n", -1) : NULL;

	for (guint i = 0; lines != NULL && lines[i] != NULL; i++) {
		gint pid = atoi(lines[i]);
		if (pid > 1)
			kill(pid, SIGKILL);
	}
}

static gboolean
runner_file_has_text(const gchar *path)
{
	g_autofree gchar *contents = NULL;
	return g_file_get_contents(path, &contents, NULL, NULL) && contents[0] != '\0';
}

/* the stubborn browser wrote its pid within seconds */
static void
runner_wait_browser(const gchar *pids, guint seconds)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;

	while (!runner_file_has_text(pids) && g_get_monotonic_time() < deadline)
		g_usleep(50 * 1000);
	cr_assert(runner_file_has_text(pids), "the browser did not start within %u s", seconds);
	/* it is connected to and asked for its version soon after */
	g_usleep(500 * 1000);
}

/* wait up to seconds for the exit; the wait status, or -1 when it still runs */
static gint
runner_wait_exit(GSubprocess *process, guint seconds, gdouble *elapsed)
{
	gint64 start = g_get_monotonic_time();
	gint64 deadline = start + (gint64)seconds * G_USEC_PER_SEC;
	gint status = 0;

	/* GSubprocess's own reaping runs in GLib's worker thread: ask it, do not waitpid */
	while (g_get_monotonic_time() < deadline) {
		if (g_subprocess_get_identifier(process) == NULL) {
			g_subprocess_wait(process, NULL, NULL);
			status = g_subprocess_get_status(process);
			*elapsed = (gdouble)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
			return status;
		}
		g_usleep(20 * 1000);
	}
	*elapsed = (gdouble)seconds;
	return -1;
}

/* a run with a browser that will not stop gets SIGINT, then (while it cleans up) the
 * second signal: it must exit 130 within a few seconds, leave no process of its session
 * (the browser's helpers included) and no temp dir */
static void
runner_check_second_signal(const gchar *const *argv, gchar **envp, guint start_s, gint second)
{
	g_autofree gchar *pids = g_build_filename(runner_dir, "browser-pids", NULL);
	g_autofree gchar *tmp = g_build_filename(runner_dir, "tmp", NULL);
	g_autoptr(GSubprocess) process = runner_spawn(argv, envp);
	g_autoptr(GDir) dir = NULL;
	g_autofree gchar *left = NULL;
	gint sid = atoi(g_subprocess_get_identifier(process));
	gdouble elapsed = 0;
	gint status;
	const gchar *name;

	runner_wait_browser(pids, start_s);
	kill(sid, SIGINT);
	g_usleep(300 * 1000);
	kill(sid, second);
	status = runner_wait_exit(process, 5, &elapsed);
	left = runner_wait_session_empty(sid, 3);
	if (status == -1 || left != NULL) {
		runner_kill_session(sid);
		g_subprocess_force_exit(process);
		g_subprocess_wait(process, NULL, NULL);
	}
	cr_assert_neq(status, -1, "still running 5 s after SIGINT and then %s",
		      g_strsignal(second));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130,
		  "wait status %d, not exit 130 (after %.1f s)", status, elapsed);
	cr_assert_null(left, "left running after the exit:\n%s", left);
	dir = g_dir_open(tmp, 0, NULL);
	cr_assert_not_null(dir);
	name = g_dir_read_name(dir);
	cr_assert_null(name, "a temp dir was left in TMPDIR: %s", name);
}

static gchar **
runner_stubborn_environ(void)
{
	g_autofree gchar *pids = g_build_filename(runner_dir, "browser-pids", NULL);
	g_autofree gchar *browser = g_build_filename(g_getenv("CT_TEST_SRCDIR"), "security",
						     "stubborn-browser.py", NULL);
	gchar **envp = runner_environ();

	envp = g_environ_setenv(envp, "CT_CHROMIUM", browser, TRUE);
	envp = g_environ_setenv(envp, "STUBBORN_PIDS", pids, TRUE);
	return envp;
}

static void
runner_check_verify(gint second)
{
	g_auto(GStrv) envp = runner_stubborn_environ();
	g_autofree gchar *url = g_strdup_printf("https://localhost:%u/", ct_test_free_port());
	const gchar *argv[] =
	    {g_getenv("CT_CERTTRUST"), "verify", url, "--browser", "chromium", NULL};

	runner_check_second_signal(argv, envp, 30, second);
}

Test(runner, verify_ends_at_a_second_sigint)
{
	runner_check_verify(SIGINT);
}

Test(runner, verify_ends_at_sigterm_after_sigint)
{
	runner_check_verify(SIGTERM);
}

Test(runner, verify_ends_at_sighup_after_sigint)
{
	runner_check_verify(SIGHUP);
}

static void
runner_check_scenario(gint second)
{
	g_auto(GStrv) envp = runner_stubborn_environ();
	g_autofree gchar *file = g_build_filename(runner_dir, "stubborn.scenario", NULL);
	const gchar *argv[] = {g_getenv("CT_CERTTRUST"), "scenario", file, "--browsers", NULL};

	cr_assert(g_file_set_contents(file,
				      "# a browser that will not stop\n"
				      "profile tomcat\n"
				      "step verify chromium expect loads\n",
				      -1, NULL));
	runner_check_second_signal(argv, envp, 120, second);
}

Test(runner, scenario_ends_at_a_second_sigint)
{
	runner_check_scenario(SIGINT);
}

Test(runner, scenario_ends_at_sigterm_after_sigint)
{
	runner_check_scenario(SIGTERM);
}

/* run argv in runner_dir with envp to its end: its wait status, stderr in *err */
static gint
runner_run(const gchar *const *argv, gchar **envp, gchar **err)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GSubprocess) process = NULL;
	g_autoptr(GError) error = NULL;

	g_subprocess_launcher_set_environ(launcher, envp);
	g_subprocess_launcher_set_cwd(launcher, runner_dir);
	process = g_subprocess_launcher_spawnv(launcher, argv, &error);
	cr_assert_not_null(process, "cannot start %s: %s", argv[0],
			   error != NULL ? error->message : "");
	cr_assert(g_subprocess_communicate_utf8(process, NULL, NULL, NULL, err, &error), "%s",
		  error != NULL ? error->message : "");
	return g_subprocess_get_status(process);
}

/* the first connect() in an strace log to an address off loopback, or to a DNS server,
 * or NULL */
static gchar *
runner_connect_off_loopback(const gchar *log)
{
	g_autofree gchar *contents = NULL;
	g_auto(GStrv) lines = NULL;

	cr_assert(g_file_get_contents(log, &contents, NULL, NULL), "no strace log %s", log);
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *v4 = strstr(lines[i], "inet_addr(\"");
		const gchar *v6 = strstr(lines[i], "inet_pton(AF_INET6, \"");

		if (strstr(lines[i], "connect(") == NULL && strstr(lines[i], "sendto(") == NULL)
			continue;
		/* a DNS query, wherever it goes, is a lookup past the browser's resolver rules */
		if (strstr(lines[i], "htons(53)") != NULL)
			return g_strdup(lines[i]);
		/* with strace -yy: a UDP connect() sends nothing (Chromium's reachability
		 * probe to a public address is one) */
		if (strstr(lines[i], "<UDP") != NULL)
			continue;
		if (v4 != NULL && !g_str_has_prefix(v4 + strlen("inet_addr(\""), "127."))
			return g_strdup(lines[i]);
		if (v6 != NULL) {
			const gchar *address = v6 + strlen("inet_pton(AF_INET6, \"");
			if (!g_str_has_prefix(address, "::1\"") &&
			    !g_str_has_prefix(address, "::ffff:127."))
				return g_strdup(lines[i]);
		}
	}
	return NULL;
}

typedef struct {
	const gchar *text; /* the scenario file */
	guint line;	   /* where the refused name is */
	const gchar *name;
} RunnerAddressCase;

/* a scenario on serve names an address off loopback (an IPv4 address, or a number that
 * inet_aton() and the browsers read as one): refused when the file is read (exit 2, with
 * its line), and nothing is connected to off loopback (strace) */
Test(runner, a_scenario_naming_an_address_off_loopback_is_refused)
{
	const RunnerAddressCase cases[] = {
	    {"profile tomcat\nname 192.0.2.1\nstep access expect loads\n", 2, "192.0.2.1"},
	    {"profile tomcat\nstep access 10.0.0.1 expect loads\n", 2, "10.0.0.1"},
	    {"profile tomcat\nname 0x7f.1\nstep access expect loads\n", 2, "0x7f.1"},
	    {"profile tomcat\nname ucm.example.test\nstep access 10.1 expect loads\n", 3, "10.1"},
	    {"profile tomcat\nstep trust chromium name 2130706433 expect done\n", 2, "2130706433"},
	    {"profile ip-san\nstep verify chromium 203.0.113.7 expect loads\n", 2, "203.0.113.7"},
	    /* IPv6 has no place in a name at all */
	    {"profile tomcat\nname 2001:db8::1\nstep access expect loads\n", 2, "2001:db8::1"},
	    {"profile tomcat\nstep access ::ffff:192.0.2.1 expect loads\n", 2, "::ffff:192.0.2.1"},
	};
	g_auto(GStrv) envp = runner_environ();
	g_autofree gchar *strace = g_find_program_in_path("strace");

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *file = g_strdup_printf("%s/address-%u.scenario", runner_dir, i);
		g_autofree gchar *log = g_strdup_printf("%s/address-%u.strace", runner_dir, i);
		g_autofree gchar *where = g_strdup_printf("address-%u.scenario:%u: expected a host "
							  "name",
							  i, cases[i].line);
		g_autofree gchar *quoted = g_strdup_printf("'%s'", cases[i].name);
		g_autofree gchar *err = NULL;
		g_autofree gchar *off = NULL;
		const gchar *argv[] = {strace,
				       "-f",
				       "-qq",
				       "-e",
				       "trace=connect,sendto",
				       "-o",
				       log,
				       g_getenv("CT_CERTTRUST"),
				       "scenario",
				       file,
				       NULL};
		gint status;

		cr_assert(g_file_set_contents(file, cases[i].text, -1, NULL));
		status = runner_run(strace != NULL ? argv : argv + 7, envp, &err);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2,
			  "%s: wait status %d, not exit 2 (a file is wrong): %s", cases[i].name,
			  status, err);
		cr_assert(strstr(err, where) != NULL && strstr(err, quoted) != NULL,
			  "%s: the error does not name the line and the address: %s", cases[i].name,
			  err);
		if (strace == NULL)
			continue;
		off = runner_connect_off_loopback(log);
		cr_assert_null(off, "%s: connected off loopback: %s", cases[i].name, off);
	}
	if (strace == NULL)
		cr_log_warn("strace is not installed: connections were not watched");
}

/* the names a scenario may use stay accepted: loopback addresses and host names, and any
 * address in check-host (it compares names and connects to nothing) */
Test(runner, loopback_addresses_and_check_host_addresses_are_accepted)
{
	g_autofree gchar *file = g_build_filename(runner_dir, "fine.scenario", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(CtScenario) scenario = NULL;

	cr_assert(g_file_set_contents(file,
				      "profile ip-san\nname 127.0.0.1 ucm.example.test\n"
				      "step access 127.0.0.2 expect blocked unknown-ca\n"
				      "step check-host 192.0.2.1 expect strict mismatch\n",
				      -1, NULL));
	scenario = ct_scenario_load(file, &error);
	cr_assert_not_null(scenario, "%s", error != NULL ? error->message : "");
}

/* a proxy that counts the connections it gets and answers none */
typedef struct {
	GSocketListener *listener;
	GCancellable *stop;
	GThread *thread;
	guint port;
	gint connections;
} RunnerProxy;

static gpointer
runner_proxy_thread(gpointer data)
{
	RunnerProxy *proxy = data;
	GSocketConnection *connection;

	while ((connection = g_socket_listener_accept(proxy->listener, NULL, proxy->stop, NULL)) !=
	       NULL) {
		g_atomic_int_inc(&proxy->connections);
		g_object_unref(connection);
	}
	return NULL;
}

static void
runner_proxy_start(RunnerProxy *proxy)
{
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;

	proxy->listener = g_socket_listener_new();
	proxy->stop = g_cancellable_new();
	cr_assert(g_socket_listener_add_address(proxy->listener, any, G_SOCKET_TYPE_STREAM,
						G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL));
	proxy->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
	proxy->thread = g_thread_new("proxy", runner_proxy_thread, proxy);
}

static gint
runner_proxy_stop(RunnerProxy *proxy)
{
	g_cancellable_cancel(proxy->stop);
	g_thread_join(proxy->thread);
	g_socket_listener_close(proxy->listener);
	g_clear_object(&proxy->listener);
	g_clear_object(&proxy->stop);
	return g_atomic_int_get(&proxy->connections);
}

/* every proxy variable names a proxy that records connections: the soap step (the runner
 * speaks HTTP itself) and the access steps still go straight to serve and pass, and the
 * proxy got nothing */
Test(runner, the_users_proxy_variables_are_ignored)
{
	const gchar *variables[] = {"http_proxy", "https_proxy", "all_proxy",
				    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"};
	g_autofree gchar *file = g_build_filename(runner_dir, "soap.scenario", NULL);
	g_auto(GStrv) envp = runner_environ();
	g_autofree gchar *url = NULL;
	g_autofree gchar *err = NULL;
	RunnerProxy proxy = {0};
	const gchar *argv[] = {g_getenv("CT_CERTTRUST"), "scenario", file, NULL};
	gint status;

	runner_proxy_start(&proxy);
	url = g_strdup_printf("http://127.0.0.1:%u", proxy.port);
	for (guint i = 0; i < G_N_ELEMENTS(variables); i++)
		envp = g_environ_setenv(envp, variables[i], url, TRUE);
	envp = g_environ_unsetenv(envp, "no_proxy");
	envp = g_environ_unsetenv(envp, "NO_PROXY");
	envp = g_environ_unsetenv(envp, "GIO_USE_PROXY_RESOLVER");
	cr_assert(g_file_set_contents(file,
				      "profile tomcat\n"
				      "step soap expect http 403 https 200\n"
				      "step access expect blocked unknown-ca\n",
				      -1, NULL));
	status = runner_run(argv, envp, &err);
	cr_assert_eq(runner_proxy_stop(&proxy), 0, "the proxy got connections: %s", err);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "wait status %d: %s", status, err);
}

/* every path under dir, one a line, sorted */
static void
runner_list_tree(const gchar *dir, const gchar *prefix, GPtrArray *paths)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	const gchar *name;

	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		g_autofree gchar *relative = g_strconcat(prefix, name, NULL);
		g_ptr_array_add(paths, g_strdup(relative));
		if (g_file_test(path, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
			g_autofree gchar *deeper = g_strconcat(relative, "/", NULL);
			runner_list_tree(path, deeper, paths);
		}
	}
}

/* the user's real HOME (a fresh dir here, with no XDG_* and no session bus, as on a
 * console login) is left exactly as it was: no ~/.cache/dconf, nothing else */
Test(runner, the_users_home_is_left_as_it_was)
{
	const gchar *unset[] = {"XDG_CONFIG_HOME",	    "XDG_DATA_HOME",
				"XDG_STATE_HOME",	    "XDG_CACHE_HOME",
				"XDG_RUNTIME_DIR",	    "GSETTINGS_BACKEND",
				"DBUS_SESSION_BUS_ADDRESS", "GIO_USE_VFS",
				"GIO_USE_PROXY_RESOLVER"};
	g_autofree gchar *home = g_build_filename(runner_dir, "real-home", NULL);
	g_autofree gchar *profile = g_build_filename(home, "profile-of-the-user", NULL);
	g_autofree gchar *file = g_build_filename(runner_dir, "home.scenario", NULL);
	g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) envp = runner_environ();
	g_autofree gchar *err = NULL;
	const gchar *argv[] = {g_getenv("CT_CERTTRUST"), "scenario", file, NULL};
	gint status;

	cr_assert_eq(g_mkdir_with_parents(profile, 0700), 0);
	envp = g_environ_setenv(envp, "HOME", home, TRUE);
	for (guint i = 0; i < G_N_ELEMENTS(unset); i++)
		envp = g_environ_unsetenv(envp, unset[i]);
	cr_assert(g_file_set_contents(file,
				      "profile tomcat\n"
				      "step soap expect http 403 https 200\n"
				      "step access expect blocked unknown-ca\n"
				      "step trust chromium expect chromium done\n",
				      -1, NULL));
	runner_list_tree(home, "", before);
	status = runner_run(argv, envp, &err);
	runner_list_tree(home, "", after);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "wait status %d: %s", status, err);
	for (guint i = 0; i < after->len; i++)
		cr_assert(g_ptr_array_find_with_equal_func(before, after->pdata[i], g_str_equal,
							   NULL),
			  "the run wrote ~/%s in the user's HOME", (gchar *)after->pdata[i]);
	cr_assert_eq(after->len, before->len, "the run removed something from the user's HOME");
}

/* a FIFO named *.scenario (given, or found in a directory) is refused at once: opening it
 * would wait for a writer for ever */
Test(runner, a_fifo_named_scenario_is_refused_at_once)
{
	g_autofree gchar *dir = g_build_filename(runner_dir, "library", NULL);
	g_autofree gchar *fifo = g_build_filename(dir, "hang.scenario", NULL);
	g_autofree gchar *good = g_build_filename(dir, "good.scenario", NULL);
	g_auto(GStrv) envp = runner_environ();
	const gchar *paths[] = {fifo, dir};

	cr_assert_eq(g_mkdir_with_parents(dir, 0700), 0);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert(
	    g_file_set_contents(good, "profile tomcat\nstep list expect entries 0\n", -1, NULL));
	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		const gchar *argv[] = {g_getenv("CT_CERTTRUST"), "scenario", paths[i], NULL};
		g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
		g_autoptr(GSubprocess) process = NULL;
		g_autoptr(GDataInputStream) err = NULL;
		g_autofree gchar *line = NULL;
		gdouble elapsed = 0;
		gint status;

		g_subprocess_launcher_set_environ(launcher, envp);
		process = g_subprocess_launcher_spawnv(launcher, argv, NULL);
		cr_assert_not_null(process);
		status = runner_wait_exit(process, 20, &elapsed);
		if (status == -1) {
			g_subprocess_force_exit(process);
			g_subprocess_wait(process, NULL, NULL);
		}
		cr_assert_neq(status, -1, "%s: still reading after 20 s", paths[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2,
			  "%s: wait status %d, not exit 2", paths[i], status);
		err = g_data_input_stream_new(g_subprocess_get_stderr_pipe(process));
		line = g_data_input_stream_read_line(err, NULL, NULL, NULL);
		cr_assert(line != NULL && strstr(line, "hang.scenario: expected a regular file, "
						       "got a FIFO") != NULL,
			  "%s: the error does not say why: %s", paths[i], line);
	}
}

/* a directory walk enters each directory once: a link back up (sub/up -> ..), and two
 * (which doubled the work at each level), find the one scenario once */
Test(runner, a_symlink_loop_in_the_scenario_tree_is_walked_once)
{
	g_autofree gchar *dir = g_build_filename(runner_dir, "library", NULL);
	g_autofree gchar *sub = g_build_filename(dir, "sub", NULL);
	g_autofree gchar *file = g_build_filename(sub, "one.scenario", NULL);
	g_autofree gchar *up = g_build_filename(sub, "up", NULL);
	g_autofree gchar *again = g_build_filename(sub, "again", NULL);
	g_autoptr(GError) error = NULL;

	cr_assert_eq(g_mkdir_with_parents(sub, 0700), 0);
	cr_assert(
	    g_file_set_contents(file, "profile tomcat\nstep list expect entries 0\n", -1, NULL));
	cr_assert_eq(symlink("..", up), 0);
	for (guint links = 1; links <= 2; links++) {
		g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
		if (links == 2)
			cr_assert_eq(symlink(".", again), 0);
		cr_assert(ct_scenario_find_files(dir, files, &error), "%s",
			  error != NULL ? error->message : "");
		cr_assert_eq(files->len, 1, "%u files found with %u links, not 1: %s ...",
			     files->len, links, (gchar *)files->pdata[files->len - 1]);
		cr_assert_str_eq(files->pdata[0], file);
	}
}

/* Chromium blocks a host nobody named with ERR_NAME_NOT_RESOLVED; its DNS probe then asked
 * the system's DNS servers and 8.8.8.8 directly, past the resolver rules: a page that
 * leads to such a host (a redirect; a popup's navigation is the same) is blocked, and
 * strace sees no DNS query and no TCP connection off loopback */
Test(runner, chromium_sends_no_dns_probe_after_a_blocked_host)
{
	g_autofree gchar *script = g_build_filename(g_getenv("CT_TEST_SRCDIR"), "lib",
						    "pages-server.py", NULL);
	g_autofree gchar *cert = ct_test_data_path("tomcat.pem");
	g_autofree gchar *key = ct_test_data_path("tomcat.key");
	g_autofree gchar *strace = g_find_program_in_path("strace");
	g_autofree gchar *log = g_build_filename(runner_dir, "chromium.strace", NULL);
	g_autofree gchar *base = NULL;
	g_autofree gchar *away = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *line = NULL;
	g_autofree gchar *err = NULL;
	g_autofree gchar *off = NULL;
	g_autoptr(GSubprocess) server = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	g_auto(GStrv) envp = runner_environ();
	const gchar *reason = ct_test_browser_unavailable("chromium");
	guint port;
	gint status;

	if (reason != NULL || strace == NULL) {
		runner_teardown();
		cr_skip_test("%s", reason != NULL ? reason : "strace is not installed");
	}
	server = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, NULL, "python3", script, cert,
				  key, NULL);
	cr_assert_not_null(server);
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(server));
	line = g_data_input_stream_read_line(out, NULL, NULL, NULL);
	cr_assert_not_null(line, "pages-server.py printed no port");
	port = (guint)g_ascii_strtoull(line, NULL, 10);
	base = g_strdup_printf("https://ucm.example.com:%u/", port);
	away = g_strdup_printf("%sredirect?to=https://blocked.example.org/", base);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);
	{
		const gchar *trust[] = {g_getenv("CT_CERTTRUST"),
					"trust",
					base,
					"--resolve",
					rule,
					"--store",
					"chromium",
					"--yes",
					NULL};
		g_autofree gchar *trust_err = NULL;
		status = runner_run(trust, envp, &trust_err);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "trust: %s", trust_err);
	}
	{
		const gchar *verify[] = {strace,      "-f",	   "-qq",
					 "-yy",	      "-e",	   "trace=connect,sendto",
					 "-o",	      log,	   g_getenv("CT_CERTTRUST"),
					 "verify",    away,	   "--resolve",
					 rule,	      "--browser", "chromium",
					 "--timeout", "30",	   NULL};
		status = runner_run(verify, envp, &err);
	}
	g_subprocess_force_exit(server);
	g_subprocess_wait(server, NULL, NULL);
	/* blocked where it led, the way a host nobody named is */
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 4, "verify: wait status %d: %s",
		  status, err);
	off = runner_connect_off_loopback(log);
	cr_assert_null(off, "Chromium reached past its resolver rules: %s", off);
}

typedef struct {
	gint phase; /* 1 holding, 2 released */
	gboolean now_returned;
} RunnerHold;

static gpointer
runner_cleanup_now_thread(gpointer data)
{
	RunnerHold *hold = data;

	ct_cleanup_now();
	/* it must not return while the write is held */
	g_atomic_int_set(&hold->now_returned, g_atomic_int_get(&hold->phase) == 2 ? 1 : -1);
	return NULL;
}

/* a second Ctrl-C ends the program at once, but never inside a held write (a file and its
 * rename, a store and its ledger record): ct_cleanup_now() waits for it to end */
Test(runner, stopping_at_once_waits_for_the_write_under_way)
{
	RunnerHold hold = {0};
	GThread *thread;

	ct_cleanup_hold();
	ct_cleanup_hold(); /* nested: one hold */
	g_atomic_int_set(&hold.phase, 1);
	thread = g_thread_new("now", runner_cleanup_now_thread, &hold);
	g_usleep(500 * 1000);
	cr_assert_eq(g_atomic_int_get(&hold.now_returned), 0,
		     "ct_cleanup_now() returned during a held write");
	ct_cleanup_release();
	g_usleep(300 * 1000);
	cr_assert_eq(g_atomic_int_get(&hold.now_returned), 0,
		     "ct_cleanup_now() returned inside the outer hold");
	g_atomic_int_set(&hold.phase, 2);
	ct_cleanup_release();
	g_thread_join(thread);
	cr_assert_eq(g_atomic_int_get(&hold.now_returned), 1);
}
