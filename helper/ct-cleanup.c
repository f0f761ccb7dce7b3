/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCleanup"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ct-cleanup.h"

/* how long ct_cleanup_now() gives the processes to go (a certtrust child waits up to
 * CT_CLEANUP_KILL_WAIT_MS for its own), and how often it looks */
#define CT_CLEANUP_KILL_WAIT_MS 2000
#define CT_CLEANUP_CHILD_WAIT_MS 4000
#define CT_CLEANUP_POLL_MS 100
/* how long ct_cleanup_now() waits for the writes under way */
#define CT_CLEANUP_HOLD_WAIT_MS 10000

typedef struct {
	gint pid;
	CtCleanupProcessKind kind;
} CtCleanupProcess;

static GMutex ct_cleanup_lock;
static GArray *ct_cleanup_processes; /* CtCleanupProcess */
static GPtrArray *ct_cleanup_dirs;   /* gchar* */

static GMutex ct_cleanup_hold_lock;
static GCond ct_cleanup_hold_cond;
static guint ct_cleanup_holds;	       /* threads inside a held write */
static gboolean ct_cleanup_stopping;   /* ct_cleanup_now() began: no new write */
static GPrivate ct_cleanup_hold_depth; /* this thread's nesting */

gboolean
ct_cleanup_remove_tree(const gchar *path)
{
	GStatBuf st;

	if (g_lstat(path, &st) != 0)
		return errno == ENOENT;
	if (S_ISDIR(st.st_mode)) {
		g_autoptr(GDir) dir = NULL;
		const gchar *name;
		/* a scenario may leave a read-only directory behind */
		g_chmod(path, 0700);
		dir = g_dir_open(path, 0, NULL);
		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			ct_cleanup_remove_tree(child);
		}
		if (g_rmdir(path) != 0) {
			g_debug("cannot remove %s: %s", path, g_strerror(errno));
			return FALSE;
		}
		return TRUE;
	}
	return g_unlink(path) == 0 || errno == ENOENT;
}

void
ct_cleanup_hold(void)
{
	guint depth = GPOINTER_TO_UINT(g_private_get(&ct_cleanup_hold_depth));

	if (depth == 0) {
		g_mutex_lock(&ct_cleanup_hold_lock);
		/* the process is about to end: this write never starts */
		while (ct_cleanup_stopping)
			g_cond_wait(&ct_cleanup_hold_cond, &ct_cleanup_hold_lock);
		ct_cleanup_holds++;
		g_mutex_unlock(&ct_cleanup_hold_lock);
	}
	g_private_set(&ct_cleanup_hold_depth, GUINT_TO_POINTER(depth + 1));
}

void
ct_cleanup_release(void)
{
	guint depth = GPOINTER_TO_UINT(g_private_get(&ct_cleanup_hold_depth));

	g_return_if_fail(depth > 0);
	g_private_set(&ct_cleanup_hold_depth, GUINT_TO_POINTER(depth - 1));
	if (depth > 1)
		return;
	g_mutex_lock(&ct_cleanup_hold_lock);
	ct_cleanup_holds--;
	g_cond_broadcast(&ct_cleanup_hold_cond);
	g_mutex_unlock(&ct_cleanup_hold_lock);
}

/* let the writes under way finish, and no other start */
static void
ct_cleanup_stop_writes(void)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)CT_CLEANUP_HOLD_WAIT_MS * 1000;

	g_mutex_lock(&ct_cleanup_hold_lock);
	ct_cleanup_stopping = TRUE;
	while (ct_cleanup_holds > 0 &&
	       g_cond_wait_until(&ct_cleanup_hold_cond, &ct_cleanup_hold_lock, deadline))
		;
	if (ct_cleanup_holds > 0)
		g_debug("%u writes still under way", ct_cleanup_holds);
	g_mutex_unlock(&ct_cleanup_hold_lock);
}

void
ct_cleanup_add_process(gint pid, CtCleanupProcessKind kind)
{
	CtCleanupProcess process = {.pid = pid, .kind = kind};

	/* 0 and -1 would mean certtrust's own group, or every process */
	if (pid <= 1)
		return;
	g_mutex_lock(&ct_cleanup_lock);
	if (ct_cleanup_processes == NULL)
		ct_cleanup_processes = g_array_new(FALSE, FALSE, sizeof(CtCleanupProcess));
	g_array_append_val(ct_cleanup_processes, process);
	g_mutex_unlock(&ct_cleanup_lock);
}

void
ct_cleanup_forget_process(gint pid)
{
	g_mutex_lock(&ct_cleanup_lock);
	for (guint i = 0; ct_cleanup_processes != NULL && i < ct_cleanup_processes->len; i++) {
		if (g_array_index(ct_cleanup_processes, CtCleanupProcess, i).pid == pid) {
			g_array_remove_index_fast(ct_cleanup_processes, i);
			break;
		}
	}
	g_mutex_unlock(&ct_cleanup_lock);
}

void
ct_cleanup_add_dir(const gchar *path)
{
	g_mutex_lock(&ct_cleanup_lock);
	if (ct_cleanup_dirs == NULL)
		ct_cleanup_dirs = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(ct_cleanup_dirs, g_strdup(path));
	g_mutex_unlock(&ct_cleanup_lock);
}

void
ct_cleanup_forget_dir(const gchar *path)
{
	if (path == NULL)
		return;
	g_mutex_lock(&ct_cleanup_lock);
	for (guint i = 0; ct_cleanup_dirs != NULL && i < ct_cleanup_dirs->len; i++) {
		if (g_strcmp0(g_ptr_array_index(ct_cleanup_dirs, i), path) == 0) {
			g_ptr_array_remove_index_fast(ct_cleanup_dirs, i);
			break;
		}
	}
	g_mutex_unlock(&ct_cleanup_lock);
}

/* still running: present and not a zombie (a zombie is ended; its parent, certtrust, is
 * about to go and the init process reaps it) */
static gboolean
ct_cleanup_is_running(gint pid)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/stat", pid);
	g_autofree gchar *stat = NULL;
	const gchar *end;
	gchar state = 0;

	if (!g_file_get_contents(path, &stat, NULL, NULL))
		return FALSE;
	/* "pid (comm) state ...": comm may hold anything, but not after ')' */
	end = strrchr(stat, ')');
	if (end == NULL || sscanf(end + 1, " %c", &state) != 1)
		return FALSE;
	return state != 'Z' && state != 'X';
}

/* SIGTERM to the certtrust children still running (again and again: a signal sent while
 * one is pending is lost) and SIGKILL to the groups; TRUE while one still runs */
static gboolean
ct_cleanup_signal_running(gboolean first)
{
	gboolean running = FALSE;

	for (guint i = 0; ct_cleanup_processes != NULL && i < ct_cleanup_processes->len; i++) {
		CtCleanupProcess *process = &g_array_index(ct_cleanup_processes, CtCleanupProcess,
							   i);
		if (!ct_cleanup_is_running(process->pid))
			continue;
		running = TRUE;
		if (process->kind == CT_CLEANUP_PROCESS_CERTTRUST)
			kill(process->pid, SIGTERM);
		else if (first)
			kill(-process->pid, SIGKILL);
	}
	return running;
}

void
ct_cleanup_now(void)
{
	gint64 deadline = g_get_monotonic_time() +
			  (gint64)(CT_CLEANUP_KILL_WAIT_MS + CT_CLEANUP_CHILD_WAIT_MS) * 1000;

	ct_cleanup_stop_writes();
	g_mutex_lock(&ct_cleanup_lock);
	/* a process still running may be writing into a dir about to be deleted */
	for (gboolean first = TRUE; ct_cleanup_signal_running(first); first = FALSE) {
		if (g_get_monotonic_time() >= deadline)
			break;
		g_usleep(CT_CLEANUP_POLL_MS * 1000);
	}
	for (guint i = 0; ct_cleanup_processes != NULL && i < ct_cleanup_processes->len; i++) {
		CtCleanupProcess *process = &g_array_index(ct_cleanup_processes, CtCleanupProcess,
							   i);
		kill(process->kind == CT_CLEANUP_PROCESS_GROUP ? -process->pid : process->pid,
		     SIGKILL);
	}
	for (guint i = 0; ct_cleanup_dirs != NULL && i < ct_cleanup_dirs->len; i++) {
		const gchar *dir = g_ptr_array_index(ct_cleanup_dirs, i);
		/* twice: a process of a killed group may have written one more file */
		if (!ct_cleanup_remove_tree(dir)) {
			g_usleep(CT_CLEANUP_POLL_MS * 1000);
			ct_cleanup_remove_tree(dir);
		}
	}
	g_mutex_unlock(&ct_cleanup_lock);
}
