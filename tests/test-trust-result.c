/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestTrustResult"

#include "config.h"

#include <criterion/criterion.h>

#include "ct-trust-result.h"

/* the words trust and untrust write into their JSON: scripts and the scenario runner read
 * them, so each stays as it was, and each reads back as the value it was written for */

Test(trust_result, each_trust_result_has_its_json_word_and_reads_back)
{
	const gchar *words[] = {"planned", "done",    "unchanged", "refused",
				"failed",  "skipped", "dry-run",   "needs-root"};

	for (guint i = 0; i < G_N_ELEMENTS(words); i++) {
		CtTrustResult result = CT_TRUST_RESULT_PLANNED;
		cr_assert_str_eq(ct_trust_result_to_string((CtTrustResult)i), words[i]);
		cr_assert(ct_trust_result_from_string(words[i], &result), "%s", words[i]);
		cr_assert_eq(result, (CtTrustResult)i, "%s", words[i]);
	}
}

Test(trust_result, each_removal_result_has_its_json_word_and_reads_back)
{
	const gchar *words[] = {"planned", "removed", "restored", "absent", "left",
				"refused", "failed",  "retired",  "kept"};

	for (guint i = 0; i < G_N_ELEMENTS(words); i++) {
		CtRemovalResult result = CT_REMOVAL_RESULT_PLANNED;
		cr_assert_str_eq(ct_removal_result_to_string((CtRemovalResult)i), words[i]);
		cr_assert(ct_removal_result_from_string(words[i], &result), "%s", words[i]);
		cr_assert_eq(result, (CtRemovalResult)i, "%s", words[i]);
	}
}

Test(trust_result, each_action_has_its_json_word_and_reads_back)
{
	const gchar *words[] = {"none", "exception", "nss", "anchor"};

	for (guint i = 0; i < G_N_ELEMENTS(words); i++) {
		CtTrustAction action = CT_TRUST_ACTION_NONE;
		cr_assert_str_eq(ct_trust_action_to_string((CtTrustAction)i), words[i]);
		cr_assert(ct_trust_action_from_string(words[i], &action), "%s", words[i]);
		cr_assert_eq(action, (CtTrustAction)i, "%s", words[i]);
	}
}

Test(trust_result, each_prediction_verdict_has_its_json_word_and_reads_back)
{
	const gchar *words[] = {"loads",	   "name-mismatch",    "no-san",
				"expired",	   "ca-as-end-entity", "untrusted",
				"if-issued-by-it", "old-tls"};

	for (guint i = 0; i < G_N_ELEMENTS(words); i++) {
		CtPredictionVerdict verdict = CT_PREDICTION_UNTRUSTED;
		cr_assert_str_eq(ct_prediction_verdict_to_string((CtPredictionVerdict)i), words[i]);
		cr_assert(ct_prediction_verdict_from_string(words[i], &verdict), "%s", words[i]);
		cr_assert_eq(verdict, (CtPredictionVerdict)i, "%s", words[i]);
	}
}

/* a word certtrust never writes is no result: the value given stays as it was */
Test(trust_result, an_unknown_word_is_no_result)
{
	CtTrustResult result = CT_TRUST_RESULT_DONE;
	CtRemovalResult removal = CT_REMOVAL_RESULT_KEPT;
	CtTrustAction action = CT_TRUST_ACTION_NSS;

	cr_assert_not(ct_trust_result_from_string("Done", &result));
	cr_assert_not(ct_trust_result_from_string(NULL, &result));
	cr_assert_not(ct_trust_result_from_string("removed", &result));
	cr_assert_eq(result, CT_TRUST_RESULT_DONE);
	cr_assert_not(ct_removal_result_from_string("done", &removal));
	cr_assert_eq(removal, CT_REMOVAL_RESULT_KEPT);
	cr_assert_not(ct_trust_action_from_string("override", &action));
	cr_assert_eq(action, CT_TRUST_ACTION_NSS);
}
