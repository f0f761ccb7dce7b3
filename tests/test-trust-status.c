/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestTrustStatus"

#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "ct-firefox.h"
#include "ct-ledger.h"
#include "ct-test.h"
#include "ct-trust-status.h"

static gchar *tmpdir;
static CtChain *chain;

static void
status_setup(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");

	tmpdir = ct_test_tmpdir_new();
	chain = ct_chain_load_file(pem, NULL, &error);
	cr_assert_not_null(chain, "%s", error != NULL ? error->message : "");
}

static void
status_teardown(void)
{
	g_clear_pointer(&chain, ct_chain_free);
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(trust_status, .init = status_setup, .fini = status_teardown);

/* a ledger in the temp dir, empty */
static CtLedger *
status_ledger(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = g_build_filename(tmpdir, "ledger.json", NULL);
	CtLedger *ledger = ct_ledger_open(path, &error);

	cr_assert_not_null(ledger, "%s", error != NULL ? error->message : "");
	return ledger;
}

/* a Firefox profile dir (as certtrust finds one) */
static gchar *
status_profile(void)
{
	gchar *profile = g_build_filename(tmpdir, "profile", NULL);

	cr_assert_eq(g_mkdir_with_parents(profile, 0700), 0);
	return profile;
}

/* what `trust --store firefox` records for an exception for sha256 under host */
static void
status_record_override(CtLedger *ledger,
		       const gchar *profile,
		       const gchar *host,
		       const gchar *sha256)
{
	CtLedgerEntry *entry = g_new0(CtLedgerEntry, 1);
	const gchar *names[] = {host, NULL};

	entry->store = g_strdup("firefox");
	entry->location = g_strdup(profile);
	entry->kind = g_strdup("override");
	entry->sha256 = g_strdup(sha256);
	entry->for_sha256 = g_strdup(sha256);
	entry->host = g_strdup(host);
	entry->names = g_strdupv((gchar **)names);
	ct_ledger_add(ledger, entry);
}

static CtTrustStatus *
status_of(CtLedger *ledger, const gchar *name, gboolean exact)
{
	g_autoptr(GError) error = NULL;
	CtTrustStatus *status = ct_trust_status_new(ledger, ct_chain_get_leaf(chain), name, NULL,
						    exact, &error);

	cr_assert_not_null(status, "%s", error != NULL ? error->message : "");
	return status;
}

Test(trust_status, a_certificate_certtrust_never_trusted_is_not_trusted)
{
	g_autoptr(CtLedger) ledger = status_ledger();
	g_autoptr(CtTrustStatus) status = status_of(ledger, "ucm.example.com:8443", FALSE);

	cr_assert_eq(status->verdict, CT_TRUST_VERDICT_NOT_TRUSTED);
	cr_assert_str_eq(ct_trust_verdict_to_string(status->verdict), "not-trusted");
	cr_assert_eq(status->present->len + status->missing->len, 0);
	cr_assert_null(status->trusted_sha256);
	cr_assert_gt(status->days_left, 0);
}

/* the exception is in the profile's cert_override.txt: trusted, with the entry present */
Test(trust_status, an_exception_still_in_the_profile_is_trusted)
{
	g_autoptr(CtLedger) ledger = status_ledger();
	g_autofree gchar *profile = status_profile();
	CtCertificate *leaf = ct_chain_get_leaf(chain);
	g_autoptr(CtTrustStatus) status = NULL;
	g_autoptr(GError) error = NULL;
	gboolean changed = FALSE;

	cr_assert(ct_firefox_override_add(profile,
					  &(CtFirefoxOverride){"ucm.example.com", 8443,
							       leaf->sha256},
					  &changed, NULL, &error),
		  "%s", error != NULL ? error->message : "");
	status_record_override(ledger, profile, "ucm.example.com:8443", leaf->sha256);
	status = status_of(ledger, "ucm.example.com:8443", TRUE);
	cr_assert_eq(status->verdict, CT_TRUST_VERDICT_TRUSTED);
	cr_assert_str_eq(ct_trust_verdict_to_string(status->verdict), "trusted");
	cr_assert_eq(status->present->len, 1);
	cr_assert_eq(status->missing->len, 0);
}

/* the user deleted the exception by hand: the ledger alone would say trusted */
Test(trust_status, an_exception_removed_by_hand_is_removed)
{
	g_autoptr(CtLedger) ledger = status_ledger();
	g_autofree gchar *profile = status_profile();
	CtCertificate *leaf = ct_chain_get_leaf(chain);
	g_autoptr(CtTrustStatus) status = NULL;

	status_record_override(ledger, profile, "ucm.example.com:8443", leaf->sha256);
	status = status_of(ledger, "ucm.example.com:8443", FALSE);
	cr_assert_eq(status->verdict, CT_TRUST_VERDICT_REMOVED);
	cr_assert_str_eq(ct_trust_verdict_to_string(status->verdict), "removed");
	cr_assert_eq(status->present->len, 0);
	cr_assert_eq(status->missing->len, 1);
}

/* certtrust trusted another certificate for the name (a regenerated one): changed, naming
 * the newest certificate trusted for it */
Test(trust_status, another_certificate_trusted_for_the_name_is_changed)
{
	g_autoptr(CtLedger) ledger = status_ledger();
	g_autofree gchar *profile = status_profile();
	g_autoptr(CtTrustStatus) status = NULL;
	g_autoptr(CtTrustStatus) other_name = NULL;
	const gchar *older =
	    "AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:"
	    "AA:AA:AA:AA:AA:AA:AA";
	const gchar *newer =
	    "BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:BB:"
	    "BB:BB:BB:BB:BB:BB:BB";

	status_record_override(ledger, profile, "ucm.example.com:8443", older);
	status_record_override(ledger, profile, "ucm.example.com:8443", newer);
	status = status_of(ledger, "ucm.example.com:8443", FALSE);
	cr_assert_eq(status->verdict, CT_TRUST_VERDICT_CHANGED);
	cr_assert_str_eq(ct_trust_verdict_to_string(status->verdict), "changed");
	cr_assert_str_eq(status->trusted_sha256, newer);
	other_name = status_of(ledger, "other.example.com:8443", FALSE);
	cr_assert_eq(other_name->verdict, CT_TRUST_VERDICT_NOT_TRUSTED);
}

/* a file that is no ledger (what the fuzzer fed it) is refused, says so, and is left as it
 * was; an entry that is no object is skipped; a host spelled "127." is kept in the one form
 * it reads back in (the ledger fuzzer's round trip found "127." -> "127" -> "0.0.0.127") */
Test(trust_status, a_ledger_that_is_no_ledger_is_refused_and_kept)
{
	const gchar *bad[] = {"[]",
			      "{\"entries\": 5}",
			      "{\"entries\": {}}",
			      "{\"version\": 1}",
			      "{\"entries\": [1, 2]",
			      "null"};
	g_autofree gchar *path = g_build_filename(tmpdir, "ledger.json", NULL);

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(CtLedger) ledger = NULL;
		g_autofree gchar *after = NULL;
		cr_assert(g_file_set_contents(path, bad[i], -1, NULL));
		ledger = ct_ledger_open(path, &error);
		cr_assert_null(ledger, "%s was read as a ledger", bad[i]);
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA), "%s", bad[i]);
		cr_assert(strstr(error->message, "is not a certtrust ledger") != NULL, "%s",
			  error->message);
		cr_assert(g_file_get_contents(path, &after, NULL, NULL));
		cr_assert_str_eq(after, bad[i]);
	}
}

Test(trust_status, a_ledger_keeps_one_form_of_a_host)
{
	const gchar *text =
	    "{\"entries\": [1, \"x\", {\"store\": \"firefox\", \"location\": \"/p\","
	    " \"kind\": \"override\", \"sha256\": \"AA\", \"host\": \"127.:8443\","
	    " \"names\": [\"127.:8443\", \"0.0.0.127:8443\"]}]}";
	g_autofree gchar *path = g_build_filename(tmpdir, "ledger.json", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autoptr(CtLedger) again = NULL;
	const CtLedgerEntry *entry;

	cr_assert(g_file_set_contents(path, text, -1, NULL));
	ledger = ct_ledger_open(path, &error);
	cr_assert_not_null(ledger, "%s", error != NULL ? error->message : "");
	cr_assert_eq(ct_ledger_get_entries(ledger)->len, 1);
	entry = g_ptr_array_index(ct_ledger_get_entries(ledger), 0);
	cr_assert_str_eq(entry->host, "0.0.0.127:8443");
	cr_assert_eq(g_strv_length(entry->names), 1);
	cr_assert_str_eq(entry->names[0], "0.0.0.127:8443");
	cr_assert(ct_ledger_save(ledger, &error), "%s", error != NULL ? error->message : "");
	g_clear_pointer(&ledger, ct_ledger_close);
	again = ct_ledger_open(path, &error);
	cr_assert_not_null(again, "%s", error != NULL ? error->message : "");
	entry = g_ptr_array_index(ct_ledger_get_entries(again), 0);
	cr_assert_str_eq(entry->host, "0.0.0.127:8443");
}

/* a string json-glib hands back as bytes that are not UTF-8 (a broken \u escape, found by
 * the ledger fuzzer) is kept in the form it is written in, so a save reads back the same */
Test(trust_status, a_ledger_string_with_a_broken_escape_reads_back_the_same)
{
	const gchar *text =
	    "{\"entries\": [{\"store\": \"chromium\", \"location\": \"/p\","
	    " \"kind\": \"nss\", \"sha256\": \"AA\", \"subject\": \"O=\\u00c\xc3\x9co\"}]}";
	g_autofree gchar *path = g_build_filename(tmpdir, "ledger.json", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autoptr(CtLedger) again = NULL;
	g_autofree gchar *subject = NULL;
	const CtLedgerEntry *entry;

	cr_assert(g_file_set_contents(path, text, -1, NULL));
	ledger = ct_ledger_open(path, &error);
	cr_assert_not_null(ledger, "%s", error != NULL ? error->message : "");
	entry = g_ptr_array_index(ct_ledger_get_entries(ledger), 0);
	cr_assert(g_utf8_validate(entry->subject, -1, NULL));
	subject = g_strdup(entry->subject);
	cr_assert(ct_ledger_save(ledger, &error), "%s", error != NULL ? error->message : "");
	g_clear_pointer(&ledger, ct_ledger_close);
	again = ct_ledger_open(path, &error);
	cr_assert_not_null(again, "%s", error != NULL ? error->message : "");
	entry = g_ptr_array_index(ct_ledger_get_entries(again), 0);
	cr_assert_str_eq(entry->subject, subject);
}
