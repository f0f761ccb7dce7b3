/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "ct-error.h"

/* certtrust's own state (the ledger, its lock, the anchors waiting for root) lives in a
 * directory the user can write; root may run certtrust with that user's HOME: nothing there
 * is followed through a symlink, and nothing owned by another user than the caller (root
 * excepted) is used. Refusals are CT_ERROR_REFUSED naming the path */

/* root working for the user who ran sudo (the ledger is theirs): that user's files and
 * directories are used too, besides the caller's and root's */
void
ct_state_set_owner(uid_t uid);

/* create dir (0700, parents as needed) when absent; it must be a real directory owned by
 * the caller or root */
gboolean
ct_state_ensure_dir(const gchar *dir, GError **error);

/* is dir, when it exists, a real directory owned by the caller or root? a missing one is
 * fine (*exists FALSE) */
gboolean
ct_state_check_dir(const gchar *dir, gboolean *exists, GError **error);

/* open a state file with flags (O_NOFOLLOW and O_CLOEXEC added); it must be a regular
 * file owned by the caller or root; -1 with error set, CT_ERROR_NOT_FOUND when absent */
gint
ct_state_open_file(const gchar *path, gint flags, guint mode, GError **error);

/* the whole contents of a state file opened as above (transfer full) */
gboolean
ct_state_read_file(const gchar *path, gchar **contents, gsize *len, GError **error);
