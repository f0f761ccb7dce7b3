/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestTrustStatus"

#include "config.h"

#include <criterion/criterion.h>

#include "ct-firefox.h"
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
