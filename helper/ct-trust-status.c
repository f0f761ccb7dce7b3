/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTrust"

#include "config.h"

#include "ct-trust-status.h"
#include "ct-trust.h"

#define CT_TRUST_STATUS_DAY (24 * 60 * 60)

const gchar *
ct_trust_verdict_to_string(CtTrustVerdict verdict)
{
	switch (verdict) {
	case CT_TRUST_VERDICT_TRUSTED:
		return "trusted";
	case CT_TRUST_VERDICT_CHANGED:
		return "changed";
	case CT_TRUST_VERDICT_REMOVED:
		return "removed";
	case CT_TRUST_VERDICT_NOT_TRUSTED:
	default:
		return "not-trusted";
	}
}

void
ct_trust_status_free(CtTrustStatus *status)
{
	if (status == NULL)
		return;
	g_ptr_array_unref(status->present);
	g_ptr_array_unref(status->missing);
	g_free(status->trusted_sha256);
	g_free(status);
}

/* the ledger's entries for the certificate, each re-read from its store */
static gboolean
ct_trust_status_recheck(CtTrustStatus *status,
			GPtrArray *entries,
			GPtrArray *stores,
			const gchar *exact_sha256,
			GError **error)
{
	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		gboolean present = FALSE;

		if (!ct_store_selects(stores, entry))
			continue;
		/* the certificate itself, not a CA that issued it (docs/browser-procedures.md) */
		if (exact_sha256 != NULL && g_strcmp0(entry->sha256, exact_sha256) != 0)
			continue;
		if (!ct_trust_entry_is_present(entry, &present, error))
			return FALSE;
		g_ptr_array_add(present ? status->present : status->missing, entry);
	}
	return TRUE;
}

CtTrustStatus *
ct_trust_status_new(CtLedger *ledger,
		    CtCertificate *leaf,
		    const gchar *name,
		    GPtrArray *stores,
		    gboolean exact,
		    GError **error)
{
	g_autoptr(CtTrustStatus) status = g_new0(CtTrustStatus, 1);
	g_autoptr(GPtrArray) ours = ct_ledger_find(ledger, leaf->sha256);
	GPtrArray *entries = ct_ledger_get_entries(ledger);

	status->present = g_ptr_array_new();
	status->missing = g_ptr_array_new();
	if (!ct_trust_status_recheck(status, ours, stores, exact ? leaf->sha256 : NULL, error))
		return NULL;
	/* what certtrust trusted for this host:port before, if the server changed */
	for (guint i = 0; name != NULL && i < entries->len && ours->len == 0; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		if (ct_ledger_entry_has_name(entry, name) && ct_store_selects(stores, entry)) {
			/* the newest entry for the name wins */
			g_free(status->trusted_sha256);
			status->trusted_sha256 = g_strdup(entry->for_sha256);
		}
	}
	status->days_left = (leaf->not_after - g_get_real_time() / G_USEC_PER_SEC) /
			    CT_TRUST_STATUS_DAY;
	status->verdict = status->present->len > 0	   ? CT_TRUST_VERDICT_TRUSTED
			  : status->trusted_sha256 != NULL ? CT_TRUST_VERDICT_CHANGED
			  : status->missing->len > 0	   ? CT_TRUST_VERDICT_REMOVED
							   : CT_TRUST_VERDICT_NOT_TRUSTED;
	return g_steal_pointer(&status);
}
