/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* what certtrust must end and delete when it is told to stop at once (a second Ctrl-C):
 * a process-wide list of the child processes and temp dirs its normal clean-up would end
 * and delete later; every unit that starts a child or makes a temp dir registers it here
 * and forgets it once it is gone */

typedef enum {
	/* a process group of its own (a browser and its helpers): SIGKILL to the group */
	CT_CLEANUP_PROCESS_GROUP,
	/* a certtrust child: SIGTERM until it takes it as its own second signal and cleans
	 * up after itself at once (its browsers, its temp dirs), SIGKILL if it does not */
	CT_CLEANUP_PROCESS_CERTTRUST,
} CtCleanupProcessKind;

/* a child to end at once */
void
ct_cleanup_add_process(gint pid, CtCleanupProcessKind kind);
/* call it once the child is reaped, before its pid can be reused */
void
ct_cleanup_forget_process(gint pid);

/* a temp dir to delete (ct_tmpdir_new() registers each one it makes) */
void
ct_cleanup_add_dir(const gchar *path);
/* no longer delete it (ct_tmpdir_remove() deleted it, or it is to be kept) */
void
ct_cleanup_forget_dir(const gchar *path);

/* wait for the writes held, end every process registered (each by its kind, within a few
 * seconds), then delete every dir registered; for the last moments of the process (it
 * forgets nothing, and no write starts after it) */
void
ct_cleanup_now(void);

/* a write that must not be cut short (a file and its rename, a store and its ledger
 * record): ct_cleanup_now() waits for those under way (a few seconds at most) and lets
 * none start; nests within a thread */
void
ct_cleanup_hold(void);
void
ct_cleanup_release(void);

/* delete a tree without following symbolic links (a directory made read-only inside is
 * opened); TRUE when it is gone */
gboolean
ct_cleanup_remove_tree(const gchar *path);
