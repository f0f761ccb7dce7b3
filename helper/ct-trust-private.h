/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-trust.h"

/* what the parts of trust (ct-trust-plan.c, ct-trust-apply.c, ct-trust-retire.c,
 * ct-trust-remove.c) share; not for their callers */

/* "host:port" -> host (IPv6 without brackets) and port, *port when none is given; a name
 * that is no host:port stays whole */
gchar *
ct_trust_split_name(const gchar *name, guint16 *port); /* (transfer full) */

/* a CA's own certificate given on its own (the root file an administrator hands out): one
 * self-signed CA:TRUE certificate, no subjectAltName */
gboolean
ct_trust_is_lone_ca(CtChain *chain);

/* what the step's browser will make of each of the plan's names once the step is written
 * (override: a Firefox exception, which covers the name it was made for) */
void
ct_trust_predict(CtTrustStep *step, CtTrustPlan *plan, const gchar *browser, gboolean override);

/* the step writes nothing: code (a CtError) and why */
void
ct_trust_refuse(CtTrustStep *step, gint code, const gchar *why);

/* one field of NSS trust flags ("CT,C,C": 0 is TLS), as a new string */
gchar *
ct_trust_flags_field(const gchar *trust, guint field); /* (transfer full) */

/* how a removal went: the result, and its message (owned) */
typedef struct {
	CtRemovalResult result;
	gchar *message;
} CtTrustRemoval;

/* take what the entry records out of its store: removal->result says how (removed,
 * restored, absent, left) */
gboolean
ct_trust_remove_entry(CtLedgerEntry *entry,
		      const gchar *sysroot,
		      CtTrustRemoval *removal,
		      GError **error);

/* the OS store tree an anchor entry was written in: the recorded one, or for a ledger from
 * before trees were recorded, sysroot when the anchor file is inside it */
gchar *
ct_trust_entry_get_sysroot(const CtLedgerEntry *entry,
			   const gchar *sysroot,
			   GError **error); /* (transfer full) */

/* the step's new certificate is in (or not): what it replaces goes, from the store and the
 * ledger (ct_trust_plan_find_retired found it) */
void
ct_trust_retire(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger);

/* the NSS database of store, open for the plan (and the plans sharing its databases): opened
 * once, closed with the last plan (transfer none) */
CtNssDb *
ct_trust_plan_get_nssdb(CtTrustPlan *plan, const CtStore *store, GError **error);
