/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ct-browser-process.h"
#include "ct-cleanup.h"
#include "ct-tmpdir.h"

/* how long a browser gets to exit after SIGTERM, and to be reaped after SIGKILL */
#define CT_BROWSER_TERM_GRACE_MS 2000
#define CT_BROWSER_KILL_WAIT_MS 10000
/* what Chromium adds under its TMPDIR for its singleton socket, and what the driver adds
 * under the temp dir for that TMPDIR; a Unix socket path holds at most 107 bytes */
#define CT_BROWSER_SOCKET_TAIL "/.org.chromium.Chromium.XXXXXX/SingletonSocket"
#define CT_BROWSER_TMPDIR_TAIL "/certtrust-browser-PPPPPP-SSSSSSSS-NNNNNNNN-XXXXXX/tmp"
#define CT_BROWSER_MAX_SOCKET_PATH 107

gchar *
ct_browser_find_binary(const CtBrowserOptions *options, GError **error)
{
	gboolean firefox = options->kind == CT_BROWSER_FIREFOX;
	const gchar *variable = firefox ? "CT_FIREFOX" : "CT_CHROMIUM";
	const gchar *wanted = options->binary;
	g_autofree gchar *path = NULL;

	if (wanted == NULL || wanted[0] == '\0')
		wanted = g_getenv(variable);
	if (wanted == NULL || wanted[0] == '\0')
		wanted = firefox ? "/usr/lib/firefox-esr/firefox-esr"
				 : "/usr/lib/chromium/chromium";
	path = strchr(wanted, '/') != NULL ? g_strdup(wanted) : g_find_program_in_path(wanted);
	if (path == NULL || g_file_test(path, G_FILE_TEST_IS_DIR) ||
	    !g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "%s is not installed: %s not found; install the Debian package %s "
			    "(apt install %s) or name the program in %s",
			    firefox ? "Firefox ESR" : "Chromium", wanted,
			    firefox ? "firefox-esr" : "chromium",
			    firefox ? "firefox-esr" : "chromium", variable);
		return NULL;
	}
	return g_steal_pointer(&path);
}

/* the throwaway dir goes in the user's temp dir, unless Chromium's socket path under it
 * would pass what a Unix socket can hold (Chromium aborts then): /tmp instead */
gchar *
ct_browser_make_throwaway_dir(GError **error)
{
	const gchar *parent = g_get_tmp_dir();

	if (strlen(parent) + strlen(CT_BROWSER_TMPDIR_TAIL) + strlen(CT_BROWSER_SOCKET_TAIL) >
	    CT_BROWSER_MAX_SOCKET_PATH)
		parent = "/tmp";
	/* named for this process, so that the next certtrust removes it if this one is killed */
	return ct_tmpdir_new(parent, "browser", error);
}

gchar **
ct_browser_environ(CtBrowser *self, const gchar *home, GError **error)
{
	const gchar *proxies[] = {"http_proxy", "https_proxy", "all_proxy",
				  "ftp_proxy",	"HTTP_PROXY",  "HTTPS_PROXY",
				  "ALL_PROXY",	"FTP_PROXY",   NULL};
	g_autofree gchar *tmp = ct_browser_make_dir(self, "tmp", error);
	gchar **envp = NULL;

	if (tmp == NULL)
		return NULL;
	envp = g_get_environ();
	envp = g_environ_setenv(envp, "TMPDIR", tmp, TRUE);
	if (home == NULL) {
		/* the user's HOME for its trust (~/.pki/nssdb, $XDG_DATA_HOME/pki/nssdb) only:
		 * what the browser writes for itself (crash reports, caches) stays in tmp */
		g_autofree gchar *config = g_build_filename(tmp, "config", NULL);
		g_autofree gchar *cache = g_build_filename(tmp, "cache", NULL);
		envp = g_environ_setenv(envp, "XDG_CONFIG_HOME", config, TRUE);
		envp = g_environ_setenv(envp, "XDG_CACHE_HOME", cache, TRUE);
	}

	if (home != NULL) {
		g_autofree gchar *config = g_build_filename(home, ".config", NULL);
		g_autofree gchar *cache = g_build_filename(home, ".cache", NULL);
		g_autofree gchar *data = g_build_filename(home, ".local", "share", NULL);
		g_autofree gchar *state = g_build_filename(home, ".local", "state", NULL);
		envp = g_environ_setenv(envp, "HOME", home, TRUE);
		envp = g_environ_setenv(envp, "XDG_CONFIG_HOME", config, TRUE);
		envp = g_environ_setenv(envp, "XDG_CACHE_HOME", cache, TRUE);
		envp = g_environ_setenv(envp, "XDG_DATA_HOME", data, TRUE);
		envp = g_environ_setenv(envp, "XDG_STATE_HOME", state, TRUE);
	}
	/* keep the browser off any proxy the caller's environment names */
	for (guint i = 0; proxies[i] != NULL; i++)
		envp = g_environ_unsetenv(envp, proxies[i]);
	envp = g_environ_setenv(envp, "MOZ_CRASHREPORTER_DISABLE", "1", TRUE);
	envp = g_environ_setenv(envp, "MOZ_DISABLE_AUTO_SAFE_MODE", "1", TRUE);
	return envp;
}

gchar *
ct_browser_make_dir(CtBrowser *self, const gchar *name, GError **error)
{
	g_autofree gchar *path = g_build_filename(self->tmpdir, name, NULL);
	if (g_mkdir(path, 0700) != 0) {
		gint saved = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot create %s: %s", path,
			    g_strerror(saved));
		return NULL;
	}
	return g_steal_pointer(&path);
}

/* in the child, before exec: its own process group, so that one kill() reaches every
 * process the browser starts, and death with certtrust */
static void
ct_browser_child_setup(gpointer user_data)
{
	pid_t parent = (pid_t)GPOINTER_TO_INT(user_data);

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* certtrust died before prctl(): nobody would ever end this browser */
	if (getppid() != parent)
		_exit(127);
}

GSubprocess *
ct_browser_spawn(CtBrowser *self,
		 const gchar *const *argv,
		 const gchar *const *envp,
		 gboolean to_log,
		 GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GError) error_local = NULL;
	GSubprocess *process;

	launcher = g_subprocess_launcher_new(to_log ? G_SUBPROCESS_FLAGS_STDERR_MERGE
						    : G_SUBPROCESS_FLAGS_STDOUT_PIPE |
							  G_SUBPROCESS_FLAGS_STDERR_SILENCE);
	g_subprocess_launcher_set_environ(launcher, (gchar **)envp);
	g_subprocess_launcher_set_cwd(launcher, self->tmpdir);
	g_subprocess_launcher_set_stdin_file_path(launcher, "/dev/null");
	if (to_log)
		g_subprocess_launcher_set_stdout_file_path(launcher, self->log_path);
	g_subprocess_launcher_set_child_setup(launcher, ct_browser_child_setup,
					      GINT_TO_POINTER((gint)getpid()), NULL);
	process = g_subprocess_launcher_spawnv(launcher, argv, &error_local);
	if (process == NULL)
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot start %s: %s", argv[0],
			    error_local->message);
	return process;
}

gint
ct_browser_process_group(GSubprocess *process)
{
	const gchar *identifier = process != NULL ? g_subprocess_get_identifier(process) : NULL;
	return identifier != NULL ? (gint)g_ascii_strtoll(identifier, NULL, 10) : 0;
}

static void
ct_browser_exited_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CtBrowser *self = user_data;

	/* FALSE only when cancelled in ct_browser_close(), after which self is gone */
	if (!g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL))
		return;
	self->exited = TRUE;
	g_debug("%s (%d) exited", self->name, self->pid);
}

void
ct_browser_watch_process(CtBrowser *self)
{
	self->pid = ct_browser_process_group(self->process);
	ct_cleanup_add_process(self->pid, CT_CLEANUP_PROCESS_GROUP);
	g_subprocess_wait_async(self->process, self->wait_cancellable, ct_browser_exited_cb, self);
}

/* the last line the browser printed, for error messages */
static gchar *
ct_browser_log_tail(CtBrowser *self)
{
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(self->log_path, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = g_strv_length(lines); i > 0; i--) {
		g_strstrip(lines[i - 1]);
		if (lines[i - 1][0] != '\0')
			return g_utf8_make_valid(lines[i - 1], MIN(strlen(lines[i - 1]), 300));
	}
	return NULL;
}

gchar *
ct_browser_describe_exit(CtBrowser *self)
{
	g_autofree gchar *tail = ct_browser_log_tail(self);
	g_autofree gchar *status = NULL;

	if (g_subprocess_get_if_signaled(self->process))
		status = g_strdup_printf("killed by signal %d",
					 g_subprocess_get_term_sig(self->process));
	else
		status = g_strdup_printf("exit status %d",
					 g_subprocess_get_exit_status(self->process));
	if (tail != NULL)
		return g_strdup_printf("%s, last output: %s", status, tail);
	return g_steal_pointer(&status);
}

gboolean
ct_browser_wakeup_cb(gpointer user_data)
{
	return G_SOURCE_CONTINUE;
}

gboolean
ct_browser_has_exited_cb(CtBrowser *self, gpointer user_data)
{
	return self->exited;
}

void
ct_browser_wait_exit(CtBrowser *self, guint ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
	g_autoptr(GSource) timeout = g_timeout_source_new(ms);

	g_source_set_callback(timeout, ct_browser_wakeup_cb, NULL, NULL);
	g_source_attach(timeout, self->context);
	while (!ct_browser_has_exited_cb(self, NULL) && g_get_monotonic_time() < deadline)
		g_main_context_iteration(self->context, TRUE);
	g_source_destroy(timeout);
}

/* does a process of this group still run? (zombies do not: nobody may ever reap the
 * children a dead browser leaves to init) */
static gboolean
ct_browser_group_is_alive(gint group)
{
	g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
	const gchar *name;

	while (proc != NULL && (name = g_dir_read_name(proc)) != NULL) {
		g_autofree gchar *path = NULL;
		g_autofree gchar *stat = NULL;
		const gchar *end;
		gchar state = 0;
		gint parent = 0;
		gint pgrp = 0;

		if (!g_ascii_isdigit(name[0]))
			continue;
		path = g_build_filename("/proc", name, "stat", NULL);
		if (!g_file_get_contents(path, &stat, NULL, NULL))
			continue;
		/* "pid (comm) state ppid pgrp ...": comm may hold anything, but not after ')' */
		end = strrchr(stat, ')');
		if (end == NULL || sscanf(end + 1, " %c %d %d", &state, &parent, &pgrp) != 3)
			continue;
		if (pgrp == group && state != 'Z' && state != 'X')
			return TRUE;
	}
	return FALSE;
}

/* SIGTERM to the whole process group, SIGKILL after a grace period, reaped; then SIGKILL
 * to whatever of the group outlived the main process, and a moment for it to go */
void
ct_browser_kill(CtBrowser *self)
{
	gint64 deadline;

	self->broken = TRUE;
	if (self->pid <= 0)
		return;
	if (!self->exited) {
		kill(-self->pid, SIGTERM);
		ct_browser_wait_exit(self, CT_BROWSER_TERM_GRACE_MS);
	}
	if (!self->exited) {
		g_debug("%s (%d) ignored SIGTERM", self->name, self->pid);
		kill(-self->pid, SIGKILL);
		ct_browser_wait_exit(self, CT_BROWSER_KILL_WAIT_MS);
	}
	if (kill(-self->pid, SIGKILL) != 0)
		return;
	deadline = g_get_monotonic_time() + (gint64)CT_BROWSER_TERM_GRACE_MS * 1000;
	while (ct_browser_group_is_alive(self->pid) && g_get_monotonic_time() < deadline)
		g_usleep(10 * 1000);
}
