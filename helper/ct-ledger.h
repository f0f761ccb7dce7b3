/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "ct-error.h"

/* what certtrust wrote, so that untrust removes exactly that */
typedef struct {
	gchar *store;		/* "firefox", "chromium", "nss", "system" */
	gchar *location;	/* profile or database directory, or the anchor file */
	gchar *sysroot;		/* anchor: the OS store's tree (--sysroot, "/" for the host) */
	gchar *kind;		/* "override", "nss" or "anchor" */
	gchar *sha256;		/* of the certificate written (the leaf, or the root of a chain) */
	gchar *for_sha256;	/* of the server's certificate it was written for */
	gchar *nickname;	/* nss: the nickname used */
	gchar *trust;		/* nss: the trust flags set */
	gchar *host;		/* override: "host:port" */
	gchar **names;		/* the "host:port" names it was written for (NULL in old ledgers) */
	gchar *subject;		/* for people reading `list` */
	gchar *previous_trust;	/* nss: the user's own trust flags of a certificate that was
				   there before under another nickname; untrust puts them back */
	gchar *previous_sha256; /* override: the fingerprint of the user's own exception for
				   host that this one replaced; untrust puts it back */
	gint64 not_after;	/* when the certificate written expires */
	gint64 time;		/* when it was written */
} CtLedgerEntry;

void
ct_ledger_entry_free(CtLedgerEntry *entry);
CtLedgerEntry *
ct_ledger_entry_copy(const CtLedgerEntry *entry); /* (transfer full) */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtLedgerEntry, ct_ledger_entry_free)

typedef struct _CtLedger CtLedger;

/* open (and lock against other certtrust processes) the ledger at path; a missing file is
 * an empty ledger, a corrupt one CT_ERROR_INVALID_DATA naming it */
CtLedger *
ct_ledger_open(const gchar *path, GError **error); /* (transfer full) */

/* the same for root working for another user (sudo): the directories it makes, the lock
 * and the ledger file itself are given to owner_uid:owner_gid, so that user's certtrust
 * reads and changes it afterwards */
CtLedger *
ct_ledger_open_for(const gchar *path, uid_t owner_uid, gid_t owner_gid, GError **error);
void
ct_ledger_close(CtLedger *ledger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtLedger, ct_ledger_close)

GPtrArray *
ct_ledger_get_entries(CtLedger *ledger); /* (transfer none) CtLedgerEntry* */

/* record entry (taking it); an entry for the same store, location, kind, certificate and
 * host is replaced, and the names it was written for are kept with the new ones, as is
 * the previous state (previous_trust, previous_sha256) it recorded */
void
ct_ledger_add(CtLedger *ledger, CtLedgerEntry *entry);

/* the recorded entry for the same store, location, kind, certificate and host, or NULL */
CtLedgerEntry *
ct_ledger_lookup(CtLedger *ledger, const CtLedgerEntry *entry); /* (transfer none) */

/* does recorded already say all that entry would (the same write, trust, nickname,
 * previous state and every name), but for when it was written? */
gboolean
ct_ledger_entry_covers(const CtLedgerEntry *recorded, const CtLedgerEntry *entry);

/* was entry written for the "host:port" name? */
gboolean
ct_ledger_entry_has_name(const CtLedgerEntry *entry, const gchar *name);

/* the entries for a certificate: written as it, or for it */
GPtrArray *
ct_ledger_find(CtLedger *ledger, const gchar *sha256); /* (transfer container) */

/* text as the start of a SHA-256 fingerprint, uppercase hex without colons, or NULL: at
 * least 8 hex digits, either without colons or in colon-separated pairs as fingerprints are
 * printed (so an IPv6 address like 2001:db8::1 is never one) */
gchar *
ct_ledger_parse_sha256_prefix(const gchar *text); /* (transfer full) */

/* the SHA-256 fingerprints (as written, or written for) that start with the prefix, each
 * once, in ledger order */
GPtrArray *
ct_ledger_find_prefix(CtLedger *ledger, const gchar *prefix); /* (transfer full) gchar* */

void
ct_ledger_remove(CtLedger *ledger, CtLedgerEntry *entry);

/* write it back atomically (0600) */
gboolean
ct_ledger_save(CtLedger *ledger, GError **error);
