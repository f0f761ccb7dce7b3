/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTrust"

#include "config.h"

#include "ct-trust-private.h"
#include "ct-trust.h"

/* retiring: what certtrust trusted earlier for exactly a plan's names (a regenerated
 * server certificate), found before the write and removed once the new one is in */

/* is the ledger entry in the step's store? (an anchor: a file under the plan's sysroot) */
static gboolean
ct_trust_step_holds(const CtTrustStep *step, const CtTrustPlan *plan, const CtLedgerEntry *entry)
{
	if (g_strcmp0(ct_store_kind_to_string(step->store->kind), entry->store) != 0)
		return FALSE;
	if (step->store->kind == CT_STORE_SYSTEM) {
		g_autofree gchar *tree = ct_trust_entry_get_sysroot(entry, plan->sysroot, NULL);
		g_autofree gchar *root = g_canonicalize_filename(plan->sysroot, NULL);
		return g_strcmp0(tree, root) == 0;
	}
	return g_strcmp0(step->store->location, entry->location) == 0;
}

static gboolean
ct_trust_plan_has_name(const CtTrustPlan *plan, const gchar *name)
{
	return g_ptr_array_find_with_equal_func(plan->names, name, g_str_equal, NULL);
}

/* the entry's names the plan does not have, joined, or NULL when the plan has them all */
static gchar *
ct_trust_other_names(const CtTrustPlan *plan, const CtLedgerEntry *entry)
{
	g_autoptr(GString) others = g_string_new(NULL);

	if (entry->host != NULL)
		return NULL; /* an exception is for its one host:port */
	for (guint i = 0; entry->names != NULL && entry->names[i] != NULL; i++) {
		if (ct_trust_plan_has_name(plan, entry->names[i]))
			continue;
		g_string_append_printf(others, "%s%s", others->len > 0 ? ", " : "",
				       entry->names[i]);
	}
	return others->len > 0 ? g_string_free(g_steal_pointer(&others), FALSE) : NULL;
}

static gboolean
ct_trust_entry_for_plan(const CtTrustPlan *plan, const CtLedgerEntry *entry)
{
	for (guint i = 0; i < plan->names->len; i++) {
		if (ct_ledger_entry_has_name(entry, g_ptr_array_index(plan->names, i)))
			return TRUE;
	}
	return FALSE;
}

void
ct_trust_plan_find_retired(CtTrustPlan *plan, CtLedger *ledger)
{
	GPtrArray *entries = ct_ledger_get_entries(ledger);
	const gchar *leaf_sha = ct_chain_get_leaf(plan->chain)->sha256;

	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);

		g_clear_pointer(&step->retired, g_ptr_array_unref);
		g_clear_pointer(&step->kept, g_ptr_array_unref);
		step->retired = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)ct_untrust_result_free);
		step->kept = g_ptr_array_new_with_free_func((GDestroyNotify)ct_untrust_result_free);
		/* names read from the certificate, not typed: another certificate naming the
		 * same host is no regenerated one of this server, so nothing is retired */
		if (step->action == CT_TRUST_ACTION_NONE || plan->names_derived)
			continue;
		for (guint j = 0; j < entries->len; j++) {
			CtLedgerEntry *entry = g_ptr_array_index(entries, j);
			CtUntrustResult *found;
			g_autofree gchar *others = NULL;

			/* the same certificate (or the same root) written again is no change */
			if (g_ascii_strcasecmp(entry->sha256, step->target->sha256) == 0 ||
			    g_ascii_strcasecmp(entry->for_sha256 != NULL ? entry->for_sha256 : "",
					       leaf_sha) == 0)
				continue;
			if (!ct_trust_step_holds(step, plan, entry) ||
			    !ct_trust_entry_for_plan(plan, entry))
				continue;
			found = g_new0(CtUntrustResult, 1);
			found->entry = ct_ledger_entry_copy(entry);
			others = ct_trust_other_names(plan, entry);
			if (others != NULL) {
				found->result = CT_REMOVAL_RESULT_KEPT;
				found->message = g_strdup_printf("still trusted for %s", others);
				g_ptr_array_add(step->kept, found);
			} else {
				g_ptr_array_add(step->retired, found);
			}
		}
	}
}

/* the new certificate is in: what it replaces goes, from the store and the ledger */
void
ct_trust_retire(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	gboolean written = step->result == CT_TRUST_RESULT_DONE ||
			   step->result == CT_TRUST_RESULT_UNCHANGED;

	if (step->result == CT_TRUST_RESULT_DRY_RUN)
		return;
	for (guint i = 0; step->retired != NULL && i < step->retired->len; i++) {
		CtUntrustResult *retired = g_ptr_array_index(step->retired, i);
		CtLedgerEntry *entry = ct_ledger_lookup(ledger, retired->entry);
		g_autoptr(GError) error = NULL;
		CtTrustRemoval removal = {0};

		retired->result = CT_REMOVAL_RESULT_PLANNED;
		g_clear_pointer(&retired->message, g_free);
		if (!written) {
			retired->result = CT_REMOVAL_RESULT_KEPT;
			retired->message = g_strdup("the new certificate was not written");
			continue;
		}
		if (entry == NULL) {
			retired->result = CT_REMOVAL_RESULT_RETIRED;
			retired->message = g_strdup("no longer in the ledger");
			continue;
		}
		if (!ct_trust_remove_entry(entry, plan->sysroot, &removal, &error)) {
			retired->result = CT_REMOVAL_RESULT_FAILED;
			retired->message = g_strdup(error->message);
			continue;
		}
		if (removal.result == CT_REMOVAL_RESULT_LEFT) {
			retired->result = CT_REMOVAL_RESULT_KEPT;
			retired->message = g_steal_pointer(&removal.message);
			ct_ledger_remove(ledger, entry);
			continue;
		}
		g_free(removal.message);
		retired->result = CT_REMOVAL_RESULT_RETIRED;
		/* a new exception for the same host:port already replaced the old line */
		if (removal.result == CT_REMOVAL_RESULT_ABSENT &&
		    step->action != CT_TRUST_ACTION_OVERRIDE)
			retired->message = g_strdup("it was no longer in the store");
		ct_ledger_remove(ledger, entry);
	}
}

gboolean
ct_trust_plan_find_retired_recorded(CtTrustPlan *plan, GError **error)
{
	g_autoptr(CtLedger) ledger = ct_trust_open_ledger(error);

	if (ledger == NULL)
		return FALSE;
	ct_trust_plan_find_retired(plan, ledger);
	return TRUE;
}
