/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-ledger.h"

/* the stores trust writes to and untrust, list and status read: a Firefox profile, an NSS
 * database (Chromium's or one named), the OS store */

typedef enum {
	CT_STORE_FIREFOX, /* one Firefox profile */
	CT_STORE_CHROMIUM,
	CT_STORE_NSS,
	CT_STORE_SYSTEM,
} CtStoreKind;

typedef struct {
	CtStoreKind kind;
	gchar *location; /* profile or database directory; the sysroot for system */
	gchar *problem;	 /* why it cannot be used (no profile found ...), or NULL */
	gboolean named;	 /* the user named this location: a problem fails it, never skips it */
	gboolean create; /* an NSS database may be made here (chromium; nss:DIR with --create) */
} CtStore;

void
ct_store_free(CtStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtStore, ct_store_free)

const gchar *
ct_store_kind_to_string(CtStoreKind kind);

/* "firefox", "firefox:DIR", "chromium", "nss:DIR", "system", "all"; none given: the
 * user-level stores (Firefox and Chromium), never system unless named. A firefox:DIR or
 * nss:DIR that does not exist, or an nss:DIR with no database unless create_nss, carries
 * its problem: a store named that cannot be written fails (and nothing creates an NSS
 * database nobody asked for) */
GPtrArray *
ct_store_resolve(const gchar *const *specs,
		 const gchar *sysroot,
		 gboolean create_nss,
		 GError **error); /* (transfer full) CtStore* */

/* does a ledger entry belong to one of these stores? (NULL: every store) */
gboolean
ct_store_selects(GPtrArray *stores, const CtLedgerEntry *entry);
