/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* shared by ct-system-store.c and ct-system-store-debian.c only */

#include "ct-sysroot-jail.h"
#include "ct-system-store.h"

/* Debian's directories, relative to the sysroot (update-ca-certificates' defaults) */
#define CT_SYSTEM_STORE_DEBIAN_ETC_CERTS_DIR "etc/ssl/certs"
#define CT_SYSTEM_STORE_DEBIAN_HOOKS_DIR "etc/ca-certificates/update.d"

/* ct-system-store.c: relative inside sysroot (or the host's /) */
gchar *
ct_system_store_path(const gchar *sysroot, const gchar *relative); /* (transfer full) */

/* ct-system-store.c: the absolute path of a program, or an error naming it */
gchar *
ct_system_store_find_tool(const gchar *name, GError **error); /* (transfer full) */

/* ct-system-store.c: run argv (no shell, in the jail when there is one), stdin_text on
 * its stdin, its stdout in *stdout_text; a failure quotes its stderr */
gboolean
ct_system_store_run(CtSysrootJail *jail,
		    GPtrArray *argv,
		    const gchar *stdin_text,
		    gchar **stdout_text,
		    GError **error);

/* ct-system-store.c: remove path; a missing one is no error (*removed FALSE) */
gboolean
ct_system_store_unlink(const gchar *path, gboolean *removed, GError **error);

/* ct-system-store-debian.c: the /etc/ssl/certs link update-ca-certificates makes for a
 * local .crt anchor */
gchar *
ct_system_store_debian_get_link_path(const gchar *sysroot,
				     const gchar *anchor_path); /* (transfer full) */

/* ct-system-store-debian.c: did a refresh link /etc/ssl/certs/NAME.pem to anchor_path? */
gboolean
ct_system_store_debian_is_linked(const gchar *sysroot, const gchar *anchor_path);

/* ct-system-store-debian.c: remove the link of anchor_path and its hash links; the link's
 * path in *link_path when there was one, *gap when a rehash must close a gap */
gboolean
ct_system_store_debian_remove_links(const gchar *sysroot,
				    const gchar *anchor_path,
				    gchar **link_path,
				    gboolean *gap,
				    GError **error);

/* ct-system-store-debian.c: tell every hook that link_path is gone */
gboolean
ct_system_store_debian_run_hooks(const gchar *sysroot,
				 CtSysrootJail *jail,
				 const gchar *link_path,
				 GError **error);

/* ct-system-store-debian.c: take pem (a removed anchor's whole text) out of
 * /etc/ssl/certs/ca-certificates.crt when update-ca-certificates left it there: with no
 * certificate left in the store it keeps the old bundle (Debian #996005's workaround) */
gboolean
ct_system_store_debian_drop_from_bundle(const gchar *sysroot, const gchar *pem, GError **error);

/* ct-system-store-debian.c: openssl rehash of /etc/ssl/certs */
gboolean
ct_system_store_debian_rehash(const gchar *sysroot, CtSysrootJail *jail, GError **error);
