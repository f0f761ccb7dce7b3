/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-browser-instance.h"

/* the browser's process: its binary, its environment and throwaway directories, the
 * spawn into a process group of its own, its exit and its end */

/* the binary to run, or CT_ERROR_FAILED naming the Debian package */
gchar *
ct_browser_find_binary(const CtBrowserOptions *options, GError **error); /* (transfer full) */

/* the directory of every throwaway file, named for this process */
gchar *
ct_browser_make_throwaway_dir(GError **error); /* (transfer full) */

/* tmpdir/name, mode 0700 */
gchar *
ct_browser_make_dir(CtBrowser *self, const gchar *name, GError **error); /* (transfer full) */

/* the browser's environment: HOME and XDG_* under home (NULL: inherited), TMPDIR in the
 * throwaway dir (what a killed browser leaves there goes with it), no proxy variables,
 * no crash reporter, no automatic safe mode */
gchar **
ct_browser_environ(CtBrowser *self, const gchar *home, GError **error); /* (transfer full) */

/* start argv in its own process group, dying with certtrust, in tmpdir, stdin /dev/null;
 * output to the log, or stdout to a pipe when !to_log */
GSubprocess *
ct_browser_spawn(CtBrowser *self,
		 const gchar *const *argv,
		 const gchar *const *envp,
		 gboolean to_log,
		 GError **error); /* (transfer full) */

/* the process id (and group) of a running process, 0 once it is reaped */
gint
ct_browser_process_group(GSubprocess *process);

/* the browser's process is self->process: its group ends with certtrust's clean-up, and
 * self->exited says when it is gone */
void
ct_browser_watch_process(CtBrowser *self);

/* how the browser ended, with the last line it printed */
gchar *
ct_browser_describe_exit(CtBrowser *self); /* (transfer full) */

/* a source callback that only wakes the context up */
gboolean
ct_browser_wakeup_cb(gpointer user_data);

/* self->exited, as a wait's done function */
gboolean
ct_browser_has_exited_cb(CtBrowser *self, gpointer user_data);

/* wait up to ms for the main process to end; no error: this is the way out */
void
ct_browser_wait_exit(CtBrowser *self, guint ms);

/* SIGTERM to the whole process group, SIGKILL after a grace period, reaped; marks the
 * browser broken */
void
ct_browser_kill(CtBrowser *self);
