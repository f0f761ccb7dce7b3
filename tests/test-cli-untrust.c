/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-test.h"

/* `certtrust untrust` by fingerprint: a prefix is enough, never read as a host, and an
 * ambiguous one names the candidates */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;

static gchar *
trust_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static void
trust_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
}

static void
trust_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
}

TestSuite(trust, .init = trust_setup, .fini = trust_teardown, .timeout = 90);

Test(trust, untrust_by_a_unique_fingerprint_prefix)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = ct_test_nss_store_new(db);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *ec = ct_test_data_path("ec.pem");
	g_autofree gchar *tomcat_sha = ct_test_sha256_of("tomcat.pem");
	g_autofree gchar *ec_sha = ct_test_sha256_of("ec.pem");
	g_autofree gchar *pairs = g_ascii_strdown(tomcat_sha, 11); /* "ab:cd:ef:01" */
	g_autofree gchar *bare = g_strdup(ec_sha);
	g_autoptr(CtTestRun) one = ct_test_run_certtrust("trust", tomcat, "--store", store,
							 "--name", "a.example:443", NULL);
	g_autoptr(CtTestRun) two = ct_test_run_certtrust("trust", ec, "--store", store, "--name",
							 "b.example:443", NULL);
	g_autoptr(CtTestRun) nothing = NULL;
	g_autoptr(CtTestRun) v6 = NULL;
	g_autoptr(CtTestRun) by_pairs = NULL;
	g_autoptr(CtTestRun) by_bare = NULL;
	g_autofree gchar *listing = NULL;

	cr_assert_eq(one->exit_status, 0, "%s%s", one->out, one->err);
	cr_assert_eq(two->exit_status, 0, "%s%s", two->out, two->err);
	nothing = ct_test_run_certtrust("untrust", "0000000000", NULL);
	cr_assert_eq(nothing->exit_status, 3, "%s%s", nothing->out, nothing->err);
	cr_assert_null(strstr(nothing->err, "connect"), "not read as a host: %s", nothing->err);
	/* 32 hex digits in groups of four: an IPv6 address (the loopback), never a prefix */
	v6 = ct_test_run_certtrust("untrust", "0000:0000:0000:0000:0000:0000:0000:0001",
				   "--timeout", "5", NULL);
	cr_assert_eq(v6->exit_status, 5, "read as a server: %s%s", v6->out, v6->err);
	by_pairs = ct_test_run_certtrust("untrust", pairs, NULL);
	cr_assert_eq(by_pairs->exit_status, 0, "%s%s", by_pairs->out, by_pairs->err);
	listing = ct_test_certutil_text(db);
	{
		g_autofree gchar *tomcat_short = g_strndup(tomcat_sha, 11);
		g_autofree gchar *ec_short = g_strndup(ec_sha, 11);
		g_strdelimit(tomcat_short, ":", '-');
		g_strdelimit(ec_short, ":", '-');
		cr_assert_null(strstr(listing, tomcat_short), "%s", listing);
		cr_assert_not_null(strstr(listing, ec_short), "the other one stays: %s", listing);
	}
	g_strdelimit(bare, ":", ' ');
	{
		/* colons optional: the first 12 hex digits without them */
		g_autoptr(GString) hex = g_string_new(NULL);
		for (const gchar *p = bare; *p != '\0' && hex->len < 12; p++)
			if (*p != ' ')
				g_string_append_c(hex, *p);
		by_bare = ct_test_run_certtrust("untrust", hex->str, NULL);
	}
	cr_assert_eq(by_bare->exit_status, 0, "%s%s", by_bare->out, by_bare->err);
	g_free(listing);
	listing = ct_test_certutil_text(db);
	cr_assert_null(strstr(listing, "certtrust-"), "%s", listing);
}

/* hex pairs too few to look up are still a fingerprint: exit 2 saying how many digits, never
 * a host:port to resolve ("00:11" was host "00", port 11), and nothing is removed */
Test(trust, a_short_fingerprint_is_a_usage_error_never_a_host)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = ct_test_nss_store_new(db);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *tomcat_sha = ct_test_sha256_of("tomcat.pem");
	g_autofree gchar *own_start = g_strndup(tomcat_sha, 5); /* "AB:CD" */
	const gchar *texts[] = {"00:11", "ab:cd:ef", NULL};
	g_autoptr(CtTestRun) trusted = ct_test_run_certtrust("trust", tomcat, "--store", store,
							     "--name", "a.example:443", NULL);
	g_autofree gchar *listing = NULL;

	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	texts[2] = own_start;
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("untrust", texts[i], "--timeout", "5", NULL);
		cr_assert_eq(run->exit_status, 2, "%s: %d %s", texts[i], run->exit_status,
			     run->err);
		cr_assert_not_null(strstr(run->err, "8 to 64 hex digits"), "%s", run->err);
		cr_assert_null(strstr(run->err, "resolve"), "not a host: %s", run->err);
	}
	listing = ct_test_certutil_text(db);
	cr_assert_not_null(strstr(listing, "certtrust-"), "still trusted: %s", listing);
	/* nor is it a SOURCE to trust: said to be a fingerprint, not "a file" */
	{
		g_autoptr(CtTestRun) as_source = ct_test_run_certtrust("trust", "00:11", "--store",
								       store, "--dry-run", NULL);
		cr_assert_eq(as_source->exit_status, 2, "%d %s", as_source->exit_status,
			     as_source->err);
		cr_assert_not_null(strstr(as_source->err, "00:11 is a fingerprint"), "%s",
				   as_source->err);
	}
}

/* two certificates whose fingerprints start alike (a ledger entry copied with another
 * ending: no two real certificates share 8 hex digits on demand): exit 2 naming both,
 * nothing removed */
Test(trust, an_ambiguous_fingerprint_prefix_lists_the_candidates)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = ct_test_nss_store_new(db);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *sha = ct_test_sha256_of("tomcat.pem");
	g_autofree gchar *ledger = trust_path("home/.local/state/certtrust/ledger.json");
	g_autofree gchar *twin = g_strdup(sha);
	g_autofree gchar *prefix = g_strndup(sha, 11);
	g_autofree gchar *copy = NULL;
	g_autoptr(CtTestRun) trusted = ct_test_run_certtrust("trust", tomcat, "--store", store,
							     "--name", "a.example:443", NULL);
	g_autoptr(CtTestRun) copied = NULL;
	g_autoptr(CtTestRun) ambiguous = NULL;

	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	twin[strlen(twin) - 1] = twin[strlen(twin) - 1] == '0' ? '1' : '0';
	copy = g_strdup_printf(
	    "python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); "
	    "e=dict(d[\"entries\"][0]); e[\"sha256\"]=e[\"for_sha256\"]=sys.argv[2]; "
	    "e[\"subject\"]=\"CN=twin\"; d[\"entries\"].append(e); json.dump(d, open(p, \"w\"))' "
	    "'%s' '%s'",
	    ledger, twin);
	copied = ct_test_run_shell(copy);
	cr_assert_eq(copied->exit_status, 0, "%s", copied->err);
	ambiguous = ct_test_run_certtrust("untrust", prefix, NULL);
	cr_assert_eq(ambiguous->exit_status, 2, "%s%s", ambiguous->out, ambiguous->err);
	cr_assert_not_null(strstr(ambiguous->err, sha), "%s", ambiguous->err);
	cr_assert_not_null(strstr(ambiguous->err, twin), "%s", ambiguous->err);
	cr_assert_not_null(strstr(ct_test_certutil_text(db), "P,,"), "nothing was removed");
}
