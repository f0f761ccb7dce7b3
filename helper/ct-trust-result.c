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

static const gchar *const ct_prediction_verdict_words[] = {
    [CT_PREDICTION_LOADS] = "loads",
    [CT_PREDICTION_NAME_MISMATCH] = "name-mismatch",
    [CT_PREDICTION_NO_SAN] = "no-san",
    [CT_PREDICTION_EXPIRED] = "expired",
    [CT_PREDICTION_CA_AS_END_ENTITY] = "ca-as-end-entity",
    [CT_PREDICTION_UNTRUSTED] = "untrusted",
    [CT_PREDICTION_IF_ISSUED_BY_IT] = "if-issued-by-it",
    [CT_PREDICTION_OLD_TLS] = "old-tls",
};

/* words[value], or the first word (with a critical) for a value out of the table */
static const gchar *
ct_trust_word_get(const gchar *const *words, guint n_words, guint value)
{
	g_return_val_if_fail(value < n_words, words[0]);
	return words[value];
}

/* *value = the index of word in words: TRUE; FALSE (*value as it was) for another word.
 * value points to one of this file's enums: none has a negative value, so each is
 * compatible with guint */
static gboolean
ct_trust_word_find(const gchar *const *words, guint n_words, const gchar *word, guint *value)
{
	for (guint i = 0; word != NULL && i < n_words; i++) {
		if (g_strcmp0(words[i], word) == 0) {
			*value = i;
			return TRUE;
		}
	}
	return FALSE;
}

const gchar *
ct_trust_result_to_string(CtTrustResult result)
{
	return ct_trust_word_get(ct_trust_result_words, G_N_ELEMENTS(ct_trust_result_words),
				 result);
}

gboolean
ct_trust_result_from_string(const gchar *word, CtTrustResult *result)
{
	return ct_trust_word_find(ct_trust_result_words, G_N_ELEMENTS(ct_trust_result_words), word,
				  (guint *)result);
}

const gchar *
ct_removal_result_to_string(CtRemovalResult result)
{
	return ct_trust_word_get(ct_removal_result_words, G_N_ELEMENTS(ct_removal_result_words),
				 result);
}

gboolean
ct_removal_result_from_string(const gchar *word, CtRemovalResult *result)
{
	return ct_trust_word_find(ct_removal_result_words, G_N_ELEMENTS(ct_removal_result_words),
				  word, (guint *)result);
}

const gchar *
ct_trust_action_to_string(CtTrustAction action)
{
	return ct_trust_word_get(ct_trust_action_words, G_N_ELEMENTS(ct_trust_action_words),
				 action);
}

gboolean
ct_trust_action_from_string(const gchar *word, CtTrustAction *action)
{
	return ct_trust_word_find(ct_trust_action_words, G_N_ELEMENTS(ct_trust_action_words), word,
				  (guint *)action);
}

const gchar *
ct_prediction_verdict_to_string(CtPredictionVerdict verdict)
{
	return ct_trust_word_get(ct_prediction_verdict_words,
				 G_N_ELEMENTS(ct_prediction_verdict_words), verdict);
}

gboolean
ct_prediction_verdict_from_string(const gchar *word, CtPredictionVerdict *verdict)
{
	return ct_trust_word_find(ct_prediction_verdict_words,
				  G_N_ELEMENTS(ct_prediction_verdict_words), word,
				  (guint *)verdict);
}
