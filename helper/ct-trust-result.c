/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTrust"

#include "config.h"

#include "ct-trust-result.h"

static const gchar *const ct_trust_result_words[] = {
    [CT_TRUST_RESULT_PLANNED] = "planned",     [CT_TRUST_RESULT_DONE] = "done",
    [CT_TRUST_RESULT_UNCHANGED] = "unchanged", [CT_TRUST_RESULT_REFUSED] = "refused",
    [CT_TRUST_RESULT_FAILED] = "failed",       [CT_TRUST_RESULT_SKIPPED] = "skipped",
    [CT_TRUST_RESULT_DRY_RUN] = "dry-run",     [CT_TRUST_RESULT_NEEDS_ROOT] = "needs-root",
};

static const gchar *const ct_removal_result_words[] = {
    [CT_REMOVAL_RESULT_PLANNED] = "planned",   [CT_REMOVAL_RESULT_REMOVED] = "removed",
    [CT_REMOVAL_RESULT_RESTORED] = "restored", [CT_REMOVAL_RESULT_ABSENT] = "absent",
    [CT_REMOVAL_RESULT_LEFT] = "left",	       [CT_REMOVAL_RESULT_REFUSED] = "refused",
    [CT_REMOVAL_RESULT_FAILED] = "failed",     [CT_REMOVAL_RESULT_RETIRED] = "retired",
    [CT_REMOVAL_RESULT_KEPT] = "kept",
};

static const gchar *const ct_trust_action_words[] = {
    [CT_TRUST_ACTION_NONE] = "none",
    [CT_TRUST_ACTION_OVERRIDE] = "exception",
    [CT_TRUST_ACTION_NSS] = "nss",
    [CT_TRUST_ACTION_ANCHOR] = "anchor",
};

/* the index of word in words, or -1 */
static gint
ct_trust_result_find_word(const gchar *const *words, guint n_words, const gchar *word)
{
	for (guint i = 0; word != NULL && i < n_words; i++)
		if (g_strcmp0(words[i], word) == 0)
			return (gint)i;
	return -1;
}

const gchar *
ct_trust_result_to_string(CtTrustResult result)
{
	g_return_val_if_fail((guint)result < G_N_ELEMENTS(ct_trust_result_words), "planned");
	return ct_trust_result_words[result];
}

gboolean
ct_trust_result_from_string(const gchar *word, CtTrustResult *result)
{
	gint found = ct_trust_result_find_word(ct_trust_result_words,
					       G_N_ELEMENTS(ct_trust_result_words), word);
	if (found < 0)
		return FALSE;
	*result = (CtTrustResult)found;
	return TRUE;
}

const gchar *
ct_removal_result_to_string(CtRemovalResult result)
{
	g_return_val_if_fail((guint)result < G_N_ELEMENTS(ct_removal_result_words), "planned");
	return ct_removal_result_words[result];
}

gboolean
ct_removal_result_from_string(const gchar *word, CtRemovalResult *result)
{
	gint found = ct_trust_result_find_word(ct_removal_result_words,
					       G_N_ELEMENTS(ct_removal_result_words), word);
	if (found < 0)
		return FALSE;
	*result = (CtRemovalResult)found;
	return TRUE;
}

const gchar *
ct_trust_action_to_string(CtTrustAction action)
{
	g_return_val_if_fail((guint)action < G_N_ELEMENTS(ct_trust_action_words), "none");
	return ct_trust_action_words[action];
}

gboolean
ct_trust_action_from_string(const gchar *word, CtTrustAction *action)
{
	gint found = ct_trust_result_find_word(ct_trust_action_words,
					       G_N_ELEMENTS(ct_trust_action_words), word);
	if (found < 0)
		return FALSE;
	*action = (CtTrustAction)found;
	return TRUE;
}
