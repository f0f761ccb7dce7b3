/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "ct-error.h"

/* the operating system's trust store, by distribution (docs/trust-semantics.md, "Where the stores
 * are") */
typedef enum {
	CT_SYSTEM_STORE_UNKNOWN,
	CT_SYSTEM_STORE_DEBIAN, /* *.crt in /usr/local/share/ca-certificates +
				 * update-ca-certificates
				 */
	CT_SYSTEM_STORE_FEDORA, /* /etc/pki/ca-trust/source/anchors/ + update-ca-trust extract */
	CT_SYSTEM_STORE_ARCH,	/* /etc/ca-certificates/trust-source/anchors/ + trust extract-compat
				 */
	CT_SYSTEM_STORE_OPENSUSE, /* /etc/pki/trust/anchors/ + update-ca-certificates */
} CtSystemStoreKind;

const gchar *
ct_system_store_kind_to_string(CtSystemStoreKind kind);

/* which layout sysroot has, by its directories (first match wins, as mkcert does) */
CtSystemStoreKind
ct_system_store_detect(const gchar *sysroot);

/* the anchor file certtrust writes for name (already made safe for a file name) */
gchar *
ct_system_store_get_anchor_path(const gchar *sysroot, CtSystemStoreKind kind, const gchar *name);

/* the commands that install the PEM file source_pem as that anchor (source_pem NULL:
 * remove it) and refresh the store, one per line, as a root shell would run them; for
 * printing when not root or with --dry-run; an empty array for CT_SYSTEM_STORE_UNKNOWN */
GPtrArray *
ct_system_store_get_commands(const gchar *sysroot,
			     CtSystemStoreKind kind,
			     const gchar *anchor_path,
			     const gchar *source_pem); /* (transfer full) gchar* */

/* write der as the PEM file the install commands copy (atomically, 0644) */
gboolean
ct_system_store_write_source(const gchar *source_pem, GBytes *der, GError **error);

/* write the PEM anchor atomically (0644) and run the refresh; *changed FALSE when the same
 * certificate was already there. With a sysroot other than "/", Debian's refresh runs with
 * its --localcertsdir/--certsdir/--etccertsdir/--hooksdir options inside that tree; the
 * other layouts only get the file (their tools have no such options) */
gboolean
ct_system_store_install(const gchar *sysroot,
			CtSystemStoreKind kind,
			const gchar *anchor_path,
			GBytes *der,
			gboolean *changed,
			GError **error);

/* the complete undo: remove the file, the /etc/ssl/certs links it made, refresh, and tell
 * the update hooks ("-/etc/ssl/certs/NAME.pem"), so nothing stays behind */
gboolean
ct_system_store_remove(const gchar *sysroot,
		       CtSystemStoreKind kind,
		       const gchar *anchor_path,
		       gboolean *changed,
		       GError **error);
