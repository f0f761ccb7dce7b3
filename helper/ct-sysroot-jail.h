/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-error.h"

/* a tool run for a --sysroot tree writes only inside it: the directories it may write,
 * relative to the tree, must lead to real directories inside the tree (no symlink on the
 * way); when run as root the tool gets a private mount namespace in which every mount is
 * read-only except those directories, a private scratch directory (its TMPDIR) and an
 * empty private /dev/shm, and it cannot mount or trace processes (those capabilities leave
 * its bounding set) */
typedef struct _CtSysrootJail CtSysrootJail;

/* check the writable directories (each relative to sysroot) and prepare the jail;
 * CT_ERROR_REFUSED naming the path when one leads outside the tree or is no directory */
CtSysrootJail *
ct_sysroot_jail_new(const gchar *sysroot,
		    const gchar *const *writable,
		    GError **error); /* (transfer full) */
void
ct_sysroot_jail_free(CtSysrootJail *jail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtSysrootJail, ct_sysroot_jail_free)

/* a launcher for flags whose children run in the jail */
GSubprocessLauncher *
ct_sysroot_jail_new_launcher(CtSysrootJail *jail, GSubprocessFlags flags); /* (transfer full) */
