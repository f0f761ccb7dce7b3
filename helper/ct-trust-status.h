/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"
#include "ct-ledger.h"

/* status: is the certificate a server presents the one certtrust trusted? The verdict
 * re-reads every store (a user can remove trust by hand); docs/cli.md lists the words */
typedef enum {
	CT_TRUST_VERDICT_TRUSTED,     /* in at least one store */
	CT_TRUST_VERDICT_CHANGED,     /* certtrust trusted another certificate for this name */
	CT_TRUST_VERDICT_REMOVED,     /* certtrust trusted it, but no store holds it any more */
	CT_TRUST_VERDICT_NOT_TRUSTED, /* certtrust never trusted it */
} CtTrustVerdict;

const gchar *
ct_trust_verdict_to_string(CtTrustVerdict verdict);

typedef struct {
	CtTrustVerdict verdict;
	GPtrArray *present;    /* CtLedgerEntry (borrowed from the ledger): still in its store */
	GPtrArray *missing;    /* CtLedgerEntry (borrowed): removed outside certtrust */
	gchar *trusted_sha256; /* changed: what certtrust trusted for the name, the newest */
	gint64 days_left;      /* until the presented certificate expires (negative: since) */
} CtTrustStatus;

void
ct_trust_status_free(CtTrustStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtTrustStatus, ct_trust_status_free)

/* the verdict for leaf as presented under name ("host:port", NULL for a file) among the
 * ledger's entries of stores (CtStore*, NULL: every store); exact: only the certificate
 * itself counts, not a CA that issued it. NULL with error when a store cannot be read */
CtTrustStatus *
ct_trust_status_new(CtLedger *ledger,
		    CtCertificate *leaf,
		    const gchar *name,
		    GPtrArray *stores,
		    gboolean exact,
		    GError **error); /* (transfer full) */
