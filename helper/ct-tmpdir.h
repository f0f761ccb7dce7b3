/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "ct-error.h"

/* certtrust's temporary directories: "certtrust-KIND-PID-START-PIDNS-XXXXXX" in hex, where
 * START is the process's start time (clock ticks after boot, /proc/PID/stat) and PIDNS its
 * PID namespace; a process killed with SIGKILL cannot remove its own, so the next certtrust
 * does: ct_tmpdir_clean_stale() */

/* a new private (0700) directory under parent (NULL: the user's temp dir), registered to be
 * deleted if certtrust is told to stop at once (ct-cleanup.h) (transfer full) */
gchar *
ct_tmpdir_new(const gchar *parent, const gchar *kind, GError **error);

/* delete a directory ct_tmpdir_new() made, and unregister it */
void
ct_tmpdir_remove(const gchar *path);

/* remove the directories ct_tmpdir_new() made in parent (NULL: the user's temp dir, and
 * /tmp) for processes that are gone: the caller's own only, from its PID namespace, whose
 * PID is no longer running or now runs a process that started at another time; anything
 * else (another user's, a live process's, a name of another shape) stays; returns how
 * many were removed */
guint
ct_tmpdir_clean_stale(const gchar *parent);
