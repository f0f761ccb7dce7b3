/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestTrustApply"

#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ct-test.h"
#include "ct-trust.h"

/* a plan applied with certtrust's own ledger (ct_trust_plan_apply_recorded): the store
 * written, certutil's view of it, and the ledger file's content after each end */

static gchar *tmpdir;
static gchar *profile;
static gchar *nssdir;
static CtChain *chain;

static void
apply_setup(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");

	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
	nssdir = g_build_filename(tmpdir, "nssdb", NULL);
	cr_assert_eq(g_mkdir_with_parents(nssdir, 0700), 0);
	chain = ct_chain_load_file(pem, NULL, &error);
	cr_assert_not_null(chain, "%s", error != NULL ? error->message : "");
}

static void
apply_teardown(void)
{
	g_clear_pointer(&chain, ct_chain_free);
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
	g_clear_pointer(&nssdir, g_free);
}

TestSuite(trust_apply, .init = apply_setup, .fini = apply_teardown);

/* where the temp HOME's ledger is, from the environment the test set */
static gchar *
apply_ledger_path(void)
{
	return g_build_filename(g_getenv("XDG_STATE_HOME"), "certtrust", "ledger.json", NULL);
}

/* the stores named as --store would name them (nss:DIR may be created) */
static GPtrArray *
apply_stores(const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static GPtrArray *
apply_stores(const gchar *first, ...)
{
	g_autoptr(GPtrArray) specs = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	GPtrArray *stores;
	va_list args;

	va_start(args, first);
	for (const gchar *spec = first; spec != NULL; spec = va_arg(args, const gchar *))
		g_ptr_array_add(specs, (gpointer)spec);
	va_end(args);
	g_ptr_array_add(specs, NULL);
	stores = ct_store_resolve((const gchar *const *)specs->pdata, NULL, TRUE, &error);
	cr_assert_not_null(stores, "%s", error != NULL ? error->message : "");
	return stores;
}

static CtTrustPlan *
apply_plan(GPtrArray *stores)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	CtTrustPlan *plan;

	g_ptr_array_add(names, g_strdup("ucm.example.com:8443"));
	plan = ct_trust_plan_new(chain, stores, names, CT_TRUST_MODE_AUTO, FALSE, NULL, &error);
	cr_assert_not_null(plan, "%s", error != NULL ? error->message : "");
	return plan;
}

static CtTrustStep *
apply_step(CtTrustPlan *plan, guint i)
{
	cr_assert_lt(i, plan->steps->len);
	return g_ptr_array_index(plan->steps, i);
}

/* the ledger file's "entries", parsed by json-glib (not by the ledger's own reader) */
static JsonArray *
apply_ledger_entries(JsonParser *parser)
{
	g_autofree gchar *path = apply_ledger_path();
	g_autoptr(GError) error = NULL;
	JsonObject *root;

	cr_assert(json_parser_load_from_file(parser, path, &error), "%s",
		  error != NULL ? error->message : "");
	root = json_node_get_object(json_parser_get_root(parser));
	return json_object_get_array_member(root, "entries");
}

/* what `certutil -L` lists in the temp NSS db: an independent reader of the store */
static gchar *
apply_certutil_list(void)
{
	g_autofree gchar *db = g_build_filename(nssdir, "cert9.db", NULL);
	g_autofree gchar *command = g_strdup_printf("certutil -L -d sql:'%s'", nssdir);
	g_autoptr(CtTestRun) run = NULL;

	if (!g_file_test(db, G_FILE_TEST_EXISTS))
		return g_strdup(""); /* no database made: nothing in it */
	run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "certutil: %s", run->err);
	return g_strdup(run->out);
}

Test(trust_apply, an_applied_store_is_written_and_recorded_in_the_ledger)
{
	g_autofree gchar *spec = g_strconcat("nss:", nssdir, NULL);
	g_autoptr(GPtrArray) stores = apply_stores(spec, NULL);
	g_autoptr(CtTrustPlan) plan = apply_plan(stores);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listed = NULL;
	CtTrustStep *step = apply_step(plan, 0);
	JsonArray *entries;
	JsonObject *entry;
	CtError code = CT_ERROR_FAILED;

	cr_assert(ct_trust_plan_apply_recorded(plan, FALSE, &error), "%s",
		  error != NULL ? error->message : "");
	cr_assert_eq(step->result, CT_TRUST_RESULT_DONE, "%s", step->message);
	cr_assert(ct_trust_plan_get_outcome(plan, &code));

	listed = apply_certutil_list();
	cr_assert_not_null(strstr(listed, step->nickname), "%s", listed);
	cr_assert_not_null(strstr(listed, "P,,"), "a leaf gets P,, (no CA power): %s", listed);

	entries = apply_ledger_entries(parser);
	cr_assert_eq(json_array_get_length(entries), 1);
	entry = json_array_get_object_element(entries, 0);
	cr_assert_str_eq(json_object_get_string_member(entry, "store"), "nss");
	cr_assert_str_eq(json_object_get_string_member(entry, "location"), nssdir);
	cr_assert_str_eq(json_object_get_string_member(entry, "kind"), "nss");
	cr_assert_str_eq(json_object_get_string_member(entry, "sha256"),
			 ct_chain_get_leaf(chain)->sha256);
	cr_assert_str_eq(json_object_get_string_member(entry, "trust"), "P,,");
	cr_assert_str_eq(json_object_get_string_member(entry, "nickname"), step->nickname);
}

/* a dry run writes neither the store nor the ledger: no ledger file is made, and one that
 * exists keeps its bytes */
Test(trust_apply, a_dry_run_leaves_the_ledger_and_the_store_as_they_were)
{
	g_autofree gchar *spec = g_strconcat("nss:", nssdir, NULL);
	g_autofree gchar *firefox = g_strconcat("firefox:", profile, NULL);
	g_autofree gchar *ledger_path = apply_ledger_path();
	g_autofree gchar *overrides = g_build_filename(profile, "cert_override.txt", NULL);
	g_autoptr(GPtrArray) nss_stores = apply_stores(spec, NULL);
	g_autoptr(GPtrArray) firefox_stores = apply_stores(firefox, NULL);
	g_autoptr(CtTrustPlan) dry = apply_plan(nss_stores);
	g_autoptr(CtTrustPlan) written = NULL;
	g_autoptr(CtTrustPlan) dry_firefox = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listed = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;

	cr_assert(ct_trust_plan_apply_recorded(dry, TRUE, &error), "%s",
		  error != NULL ? error->message : "");
	cr_assert_eq(apply_step(dry, 0)->result, CT_TRUST_RESULT_DRY_RUN);
	cr_assert_not(g_file_test(ledger_path, G_FILE_TEST_EXISTS), "a dry run made %s",
		      ledger_path);
	listed = apply_certutil_list();
	cr_assert_null(strstr(listed, apply_step(dry, 0)->nickname), "%s", listed);

	written = apply_plan(nss_stores);
	cr_assert(ct_trust_plan_apply_recorded(written, FALSE, &error), "%s",
		  error != NULL ? error->message : "");
	cr_assert(g_file_get_contents(ledger_path, &before, NULL, NULL));

	dry_firefox = apply_plan(firefox_stores);
	cr_assert(ct_trust_plan_apply_recorded(dry_firefox, TRUE, &error), "%s",
		  error != NULL ? error->message : "");
	cr_assert_eq(apply_step(dry_firefox, 0)->result, CT_TRUST_RESULT_DRY_RUN);
	cr_assert(g_file_get_contents(ledger_path, &after, NULL, NULL));
	cr_assert_str_eq(after, before, "a dry run changed the ledger");
	cr_assert_not(g_file_test(overrides, G_FILE_TEST_EXISTS), "a dry run wrote %s", overrides);
}

/* a store that cannot be written fails alone: the ledger records the store that was
 * written and nothing for the one that failed */
Test(trust_apply, a_failing_store_leaves_no_record_beside_the_written_one)
{
	g_autofree gchar *spec = g_strconcat("nss:", nssdir, NULL);
	g_autofree gchar *firefox = g_strconcat("firefox:", profile, NULL);
	g_autofree gchar *overrides = g_build_filename(profile, "cert_override.txt", NULL);
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(CtTrustPlan) plan = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	JsonArray *entries;
	CtError code = CT_ERROR_REFUSED;

	/* cert_override.txt as a directory: Firefox's store cannot be read or written */
	cr_assert_eq(g_mkdir_with_parents(overrides, 0700), 0);
	stores = apply_stores(firefox, spec, NULL);
	plan = apply_plan(stores);
	cr_assert(ct_trust_plan_apply_recorded(plan, FALSE, &error), "%s",
		  error != NULL ? error->message : "");
	cr_assert_eq(apply_step(plan, 0)->result, CT_TRUST_RESULT_FAILED);
	cr_assert_eq(apply_step(plan, 1)->result, CT_TRUST_RESULT_DONE, "%s",
		     apply_step(plan, 1)->message);
	cr_assert_not(ct_trust_plan_get_outcome(plan, &code));
	cr_assert_eq(code, CT_ERROR_FAILED);

	entries = apply_ledger_entries(parser);
	cr_assert_eq(json_array_get_length(entries), 1);
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(entries, 0),
						       "store"),
			 "nss");
	cr_assert(g_file_test(overrides, G_FILE_TEST_IS_DIR));
}

/* a ledger that cannot be read stops before any store is written: nothing unrecorded */
Test(trust_apply, a_corrupt_ledger_writes_no_store)
{
	g_autofree gchar *spec = g_strconcat("nss:", nssdir, NULL);
	g_autofree gchar *ledger_path = apply_ledger_path();
	g_autofree gchar *ledger_dir = g_path_get_dirname(ledger_path);
	g_autoptr(GPtrArray) stores = apply_stores(spec, NULL);
	g_autoptr(CtTrustPlan) plan = apply_plan(stores);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listed = NULL;
	g_autofree gchar *after = NULL;

	cr_assert_eq(g_mkdir_with_parents(ledger_dir, 0700), 0);
	cr_assert(g_file_set_contents(ledger_path, "{not json", -1, NULL));
	cr_assert_not(ct_trust_plan_apply_recorded(plan, FALSE, &error));
	cr_assert_not_null(error);
	cr_assert_eq(error->code, CT_ERROR_INVALID_DATA, "%s", error->message);
	cr_assert_eq(apply_step(plan, 0)->result, CT_TRUST_RESULT_PLANNED);
	listed = apply_certutil_list();
	cr_assert_null(strstr(listed, "certtrust-"), "%s", listed);
	cr_assert(g_file_get_contents(ledger_path, &after, NULL, NULL));
	cr_assert_str_eq(after, "{not json");
}

/* a run of many plans records every NSS write ahead in one save, before any store is
 * written, and the run's last save drops the record of a write that failed */
Test(trust_apply, a_run_records_ahead_once_and_drops_what_failed)
{
	g_autofree gchar *spec = g_strconcat("nss:", nssdir, NULL);
	g_autofree gchar *broken_dir = g_build_filename(tmpdir, "broken", NULL);
	g_autofree gchar *broken_db = g_build_filename(broken_dir, "cert9.db", NULL);
	g_autofree gchar *broken = g_strconcat("nss:", broken_dir, NULL);
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(CtTrustPlan) plan = NULL;
	g_autoptr(GPtrArray) plans = g_ptr_array_new();
	g_autoptr(CtLedger) ledger = NULL;
	g_autoptr(JsonParser) ahead = json_parser_new();
	g_autoptr(JsonParser) saved = json_parser_new();
	g_autoptr(GError) error = NULL;
	JsonArray *entries;

	cr_assert_eq(g_mkdir_with_parents(broken_dir, 0700), 0);
	cr_assert(g_file_set_contents(broken_db, "not a database", -1, NULL));
	cr_assert_not_null(ct_test_nss_store_new(nssdir));
	stores = apply_stores(spec, broken, NULL);
	plan = apply_plan(stores);
	g_ptr_array_add(plans, plan);
	ledger = ct_trust_open_ledger(&error);
	cr_assert_not_null(ledger, "%s", error != NULL ? error->message : "");

	cr_assert(ct_trust_plans_record_ahead(plans, ledger, &error), "%s",
		  error != NULL ? error->message : "");
	/* on disk before any write: both writes named; the database still empty */
	entries = apply_ledger_entries(ahead);
	cr_assert_eq(json_array_get_length(entries), 2);
	before = apply_certutil_list();
	cr_assert_null(strstr(before, "certtrust-"), "%s", before);

	ct_trust_plan_apply(plan, ledger, FALSE);
	cr_assert(ct_ledger_save(ledger, &error), "%s", error != NULL ? error->message : "");
	cr_assert_eq(apply_step(plan, 0)->result, CT_TRUST_RESULT_DONE, "%s",
		     apply_step(plan, 0)->message);
	cr_assert_eq(apply_step(plan, 1)->result, CT_TRUST_RESULT_FAILED);
	after = apply_certutil_list();
	cr_assert_not_null(strstr(after, "certtrust-"), "%s", after);
	entries = apply_ledger_entries(saved);
	cr_assert_eq(json_array_get_length(entries), 1);
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(entries, 0),
						       "location"),
			 nssdir);
}

/* the ledger file's inode: every save replaces the file (written aside, renamed) */
static ino_t
apply_ledger_inode(void)
{
	g_autofree gchar *path = apply_ledger_path();
	struct stat st;

	cr_assert_eq(g_stat(path, &st), 0, "%s", path);
	return st.st_ino;
}

/* a batch that writes again what the ledger already names (a database made anew, the same
 * certificate, trust and names) saves the ledger only at the end of the run; a write the
 * ledger does not name as it will be done (a new name) is still recorded before it happens */
Test(trust_apply, a_write_the_ledger_names_already_is_not_saved_again_ahead)
{
	g_autofree gchar *spec = g_strconcat("nss:", nssdir, NULL);
	g_autoptr(GPtrArray) stores = apply_stores(spec, NULL);
	g_autoptr(CtTrustPlan) first = apply_plan(stores);
	g_autoptr(CtTrustPlan) again = NULL;
	g_autoptr(CtTrustPlan) renamed = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(CtLedger) ledger = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listed = NULL;
	ino_t inode;

	cr_assert(ct_trust_plan_apply_recorded(first, FALSE, &error), "%s",
		  error != NULL ? error->message : "");
	/* the database made anew: certtrust's write is to be done again */
	ct_test_tmpdir_remove(nssdir);
	cr_assert_eq(g_mkdir_with_parents(nssdir, 0700), 0);
	g_free(ct_test_nss_store_new(nssdir));
	inode = apply_ledger_inode();

	ledger = ct_trust_open_ledger(&error);
	cr_assert_not_null(ledger, "%s", error != NULL ? error->message : "");
	again = apply_plan(stores);
	ct_trust_plan_apply(again, ledger, FALSE);
	cr_assert_eq(apply_step(again, 0)->result, CT_TRUST_RESULT_DONE, "%s",
		     apply_step(again, 0)->message);
	listed = apply_certutil_list();
	cr_assert_not_null(strstr(listed, apply_step(again, 0)->nickname), "%s", listed);
	cr_assert_eq(apply_ledger_inode(), inode, "the ledger named that write already");

	/* another name for it: the ledger must say so before the store is written */
	g_ptr_array_add(names, g_strdup("other.example.com:8443"));
	renamed = ct_trust_plan_new(chain, stores, names, CT_TRUST_MODE_AUTO, FALSE, NULL, &error);
	cr_assert_not_null(renamed, "%s", error != NULL ? error->message : "");
	ct_trust_plan_apply(renamed, ledger, FALSE);
	cr_assert_neq(apply_ledger_inode(), inode, "a new name is recorded ahead");
	/* on disk now, read by json-glib: the one entry, for both names */
	{
		JsonArray *entries = apply_ledger_entries(parser);
		JsonArray *written = NULL;
		gboolean other = FALSE;
		cr_assert_eq(json_array_get_length(entries), 1);
		written = json_object_get_array_member(json_array_get_object_element(entries, 0),
						       "names");
		for (guint i = 0; i < json_array_get_length(written); i++)
			other |= g_strcmp0(json_array_get_string_element(written, i),
					   "other.example.com:8443") == 0;
		cr_assert(other, "the new name is in the ledger on disk");
	}
}
