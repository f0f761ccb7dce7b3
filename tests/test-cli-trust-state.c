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

/* `certtrust trust / status / list` when things go wrong or change underneath: a kill at
 * any moment, stores changed by others, stores that do not exist, a declined prompt;
 * checked with certutil, SQLite and cert_override.txt */

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

/* the ledger's entries of one store kind (and host, for overrides) */
static guint
trust_ledger_count(JsonNode *list, const gchar *store, const gchar *host)
{
	JsonArray *entries = json_object_get_array_member(json_node_get_object(list), "entries");
	guint count = 0;

	for (guint i = 0; i < json_array_get_length(entries); i++) {
		JsonObject *entry = json_array_get_object_element(entries, i);
		if (g_strcmp0(json_object_get_string_member(entry, "store"), store) != 0)
			continue;
		if (host != NULL &&
		    g_strcmp0(json_object_get_string_member(entry, "host"), host) != 0)
			continue;
		count++;
	}
	return count;
}

/* SQLite opens both databases read-write (rolling back what a killed writer left: NSS
 * writes key4.db too) and finds them intact */
static void
trust_sqlite_integrity_check(const gchar *dir)
{
	const gchar *files[] = {"cert9.db", "key4.db"};

	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *cmd = g_strdup_printf(
		    "python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
		    "\"pragma integrity_check\").fetchone()[0])' '%s/%s'",
		    dir, files[i]);
		g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);

		cr_assert_eq(run->exit_status, 0, "%s", run->err);
		cr_assert_str_eq(g_strstrip(run->out), "ok", "%s/%s", dir, files[i]);
	}
}

static gchar *
trust_read_overrides(void)
{
	g_autofree gchar *path = g_build_filename(profile, "cert_override.txt", NULL);
	gchar *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return g_strdup("");
	return text;
}

Test(trust, sigkill_at_any_moment_leaves_stores_usable_and_recorded, .timeout = 240)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *nss = g_strconcat("nss:", db, NULL);
	g_autofree gchar *firefox = g_strconcat("firefox:", profile, NULL);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *create = g_strdup_printf("mkdir -p '%s' && certutil -N -d 'sql:%s' "
						   "--empty-password",
						   db, db);
	g_autoptr(CtTestRun) made = ct_test_run_shell(create);
	g_autofree gchar *before = ct_test_certutil_text(db);
	const gchar *argv[] = {g_getenv("CT_CERTTRUST"),
			       "trust",
			       tomcat,
			       "--store",
			       nss,
			       "--store",
			       firefox,
			       "--name",
			       "ucm.example.com:8443",
			       "--name",
			       "127.0.0.1:8443",
			       "--yes",
			       NULL};
	const gchar *hosts[] = {"ucm.example.com:8443", "127.0.0.1:8443"};
	g_auto(GStrv) envp = ct_test_environ_to_kill();
	guint cut_short = 0;

	cr_assert_eq(made->exit_status, 0, "%s", made->err);
	cr_assert_not_null(argv[0]);
	/* a whole trust takes about 0.1 s here: kills from the start to past the end */
	for (guint i = 0; i < 25; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(CtTestRun) list = NULL;
		g_autoptr(CtTestRun) undo = NULL;
		g_autoptr(JsonNode) ledger = NULL;
		g_autofree gchar *stored = NULL;
		g_autofree gchar *overrides = NULL;
		g_autofree gchar *overrides_after = NULL;
		g_autofree gchar *after = NULL;
		gboolean in_db;
		gint status = 0;
		GPid pid;

		cr_assert(g_spawn_async(NULL, (gchar **)argv, envp,
					G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
					    G_SPAWN_STDERR_TO_DEV_NULL,
					NULL, NULL, &pid, &error),
			  "%s", error != NULL ? error->message : "");
		g_usleep((gulong)i * 6000);
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status))
			cut_short++;

		/* the database opens, the ledger parses. A kill inside a transaction leaves
		 * cert9.db-journal behind, which SQLite rolls back on the next read-write open
		 * (the browsers, certtrust, certutil -A); a read-only `certutil -L` says
		 * SEC_ERROR_BAD_DATABASE until then, so SQLite itself opens it first */
		trust_sqlite_integrity_check(db);
		stored = ct_test_certutil_text(db);
		list = ct_test_run_certtrust("list", "--json", NULL);
		cr_assert_eq(list->exit_status, 0, "kill after %u ms: list: %s", i * 6, list->err);
		ledger = ct_test_parse_one_json_document(list->out);
		/* whatever reached a store was recorded first */
		in_db = strstr(stored, "certtrust-") != NULL;
		cr_assert(!in_db || trust_ledger_count(ledger, "nss", NULL) == 1,
			  "kill after %u ms: the db has the certificate, the ledger does not",
			  i * 6);
		overrides = trust_read_overrides();
		for (guint h = 0; h < G_N_ELEMENTS(hosts); h++) {
			g_autofree gchar *line = g_strdup_printf("\n%s:\t", hosts[h]);
			cr_assert(strstr(overrides, line) == NULL ||
				      trust_ledger_count(ledger, "firefox", hosts[h]) == 1,
				  "kill after %u ms: %s is in cert_override.txt, not in the ledger",
				  i * 6, hosts[h]);
		}

		/* and untrust gives everything back */
		undo = ct_test_run_certtrust("untrust", tomcat, NULL);
		/* nothing recorded: nothing to undo (exit 3, not found) */
		cr_assert_eq(undo->exit_status,
			     trust_ledger_count(ledger, "nss", NULL) +
					 trust_ledger_count(ledger, "firefox", NULL) >
				     0
				 ? 0
				 : 3,
			     "kill after %u ms: untrust: %s%s", i * 6, undo->out, undo->err);
		after = ct_test_certutil_text(db);
		cr_assert_str_eq(after, before, "kill after %u ms", i * 6);
		overrides_after = trust_read_overrides();
		for (guint h = 0; h < G_N_ELEMENTS(hosts); h++)
			cr_assert_null(strstr(overrides_after, hosts[h]), "kill after %u ms: %s",
				       i * 6, overrides_after);
	}
	/* some kills must have landed while it was working, or this proved nothing */
	cr_assert_gt(cut_short, 0);
	cr_log_info("%u of 25 trusts were killed before they finished", cut_short);
}

Test(trust, status_rereads_the_stores_and_exact_wants_the_certificate_itself)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *nss = ct_test_nss_store_new(db);
	g_autofree gchar *firefox = g_strconcat("firefox:", profile, NULL);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *chain = ct_test_data_path("chain.pem");
	g_autofree gchar *override = g_build_filename(profile, "cert_override.txt", NULL);
	g_autofree gchar *delete_cmd = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(CtTestRun) both = NULL;
	g_autoptr(CtTestRun) one_gone = NULL;
	g_autoptr(CtTestRun) only_firefox = NULL;
	g_autoptr(CtTestRun) all_gone = NULL;
	g_autoptr(CtTestRun) deleted = NULL;
	g_autoptr(CtTestRun) root = NULL;
	g_autoptr(CtTestRun) by_root = NULL;
	g_autoptr(CtTestRun) exact = NULL;
	g_autoptr(JsonNode) doc = NULL;
	JsonObject *object;

	trusted = ct_test_run_certtrust("trust", tomcat, "--store", nss, "--store", firefox,
					"--name", "ucm.example.com:8443", NULL);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	both = ct_test_run_certtrust("status", tomcat, "--json", NULL);
	cr_assert_eq(both->exit_status, 0, "%s%s", both->out, both->err);

	/* the user deletes it from the db by hand: status sees it, from the db itself */
	delete_cmd = g_strdup_printf("certutil -D -d 'sql:%s' -n "
				     "\"$(certutil -L -d 'sql:%s' | grep -o 'certtrust-[^ ]*')\"",
				     db, db);
	deleted = ct_test_run_shell(delete_cmd);
	cr_assert_eq(deleted->exit_status, 0, "%s", deleted->err);
	one_gone = ct_test_run_certtrust("status", tomcat, "--json", NULL);
	cr_assert_eq(one_gone->exit_status, 0, "%s%s", one_gone->out, one_gone->err);
	doc = ct_test_parse_one_json_document(one_gone->out);
	object = json_node_get_object(doc);
	cr_assert_str_eq(json_object_get_string_member(object, "status"), "trusted");
	cr_assert_eq(json_array_get_length(json_object_get_array_member(object, "present")), 1);
	cr_assert_eq(json_array_get_length(json_object_get_array_member(object, "missing")), 1);
	cr_assert_str_eq(json_object_get_string_member(
			     json_array_get_object_element(json_object_get_array_member(object,
											"missing"),
							   0),
			     "store"),
			 "nss");
	only_firefox = ct_test_run_certtrust("status", tomcat, "--store", nss, NULL);
	cr_assert_eq(only_firefox->exit_status, 4, "%s%s", only_firefox->out, only_firefox->err);
	cr_assert_not_null(strstr(only_firefox->out, "no longer in the stores"), "%s",
			   only_firefox->out);

	/* and the exception file too: nothing is trusted any more */
	cr_assert_eq(g_unlink(override), 0);
	all_gone = ct_test_run_certtrust("status", tomcat, NULL);
	cr_assert_eq(all_gone->exit_status, 4, "%s%s", all_gone->out, all_gone->err);

	/* trust via the private root: the leaf is trusted, but not itself (TVS) */
	root = ct_test_run_certtrust("trust", chain, "--store", nss, "--allow-ca", "--name",
				     "ucm.example.com:8443", NULL);
	cr_assert_eq(root->exit_status, 0, "%s%s", root->out, root->err);
	by_root = ct_test_run_certtrust("status", chain, NULL);
	cr_assert_eq(by_root->exit_status, 0, "%s%s", by_root->out, by_root->err);
	exact = ct_test_run_certtrust("status", chain, "--exact", NULL);
	cr_assert_eq(exact->exit_status, 4, "%s%s", exact->out, exact->err);
	cr_assert_not_null(strstr(exact->out, "itself"), "%s", exact->out);
}

/* the result certtrust reports for the store at location, from trust --json */
static gchar *
trust_store_result(CtTestRun *run, const gchar *location)
{
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(run->out);
	JsonArray *stores = json_object_get_array_member(json_node_get_object(root), "stores");

	for (guint i = 0; i < json_array_get_length(stores); i++) {
		JsonObject *store = json_array_get_object_element(stores, i);
		if (g_str_equal(json_object_get_string_member(store, "location"), location))
			return g_strdup_printf("%s: %s",
					       json_object_get_string_member(store, "result"),
					       json_object_get_string_member(store, "message"));
	}
	cr_assert_fail("no store %s in %s", location, run->out);
	return NULL;
}

/* a mistyped directory is no success: the store named fails (exit 1), says why, and
 * nothing is created; the store that can be written still is */
Test(trust, a_named_store_that_does_not_exist_fails_and_creates_nothing)
{
	g_autofree gchar *good = trust_path("good");
	g_autofree gchar *good_store = ct_test_nss_store_new(good);
	g_autofree gchar *missing_profile = trust_path("mistyped-profile");
	g_autofree gchar *missing_db = trust_path("mistyped-db");
	g_autofree gchar *empty_db = trust_path("empty");
	g_autofree gchar *firefox = g_strconcat("firefox:", missing_profile, NULL);
	g_autofree gchar *nss = g_strconcat("nss:", missing_db, NULL);
	g_autofree gchar *empty = g_strconcat("nss:", empty_db, NULL);
	g_autofree gchar *empty_cert9 = g_build_filename(empty_db, "cert9.db", NULL);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	const gchar *argv[] = {"certtrust",
			       "trust",
			       tomcat,
			       "--store",
			       good_store,
			       "--store",
			       firefox,
			       "--store",
			       nss,
			       "--store",
			       empty,
			       "--name",
			       "ucm.example.com:8443",
			       "--json",
			       NULL};
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) human = NULL;
	g_autofree gchar *result = NULL;

	cr_assert_eq(g_mkdir(empty_db, 0700), 0);
	run = ct_test_run(argv, NULL);
	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	result = trust_store_result(run, good);
	cr_assert(g_str_has_prefix(result, "done"), "%s", result);
	cr_assert_not_null(strstr(ct_test_certutil_text(good), "P,,"));
	g_free(result);
	result = trust_store_result(run, missing_profile);
	cr_assert(g_str_has_prefix(result, "failed"), "%s", result);
	cr_assert_not_null(strstr(result, "does not exist"), "%s", result);
	g_free(result);
	result = trust_store_result(run, missing_db);
	cr_assert(g_str_has_prefix(result, "failed"), "%s", result);
	cr_assert_not_null(strstr(result, "--create"), "the message says how: %s", result);
	g_free(result);
	result = trust_store_result(run, empty_db);
	cr_assert(g_str_has_prefix(result, "failed"), "%s", result);
	cr_assert_not(g_file_test(missing_profile, G_FILE_TEST_EXISTS), "profile dir created");
	cr_assert_not(g_file_test(missing_db, G_FILE_TEST_EXISTS), "NSS dir created");
	cr_assert_not(g_file_test(empty_cert9, G_FILE_TEST_EXISTS), "NSS db created");

	/* the human plan says it too */
	human = ct_test_run_certtrust("trust", tomcat, "--store", nss, "--name",
				      "ucm.example.com:8443", NULL);
	cr_assert_eq(human->exit_status, 1, "%s%s", human->out, human->err);
	cr_assert_not_null(strstr(human->out, "failed"), "%s", human->out);
	cr_assert_not(g_file_test(missing_db, G_FILE_TEST_EXISTS), "NSS dir created");
}

/* --store firefox when there is no Firefox profile: the user named Firefox, so the store failed
 * (exit 1); as a default store it is only skipped, and Chromium is still trusted */
Test(trust, firefox_named_with_no_profile_fails_and_as_a_default_is_skipped)
{
	g_autofree gchar *home = trust_path("no-firefox");
	g_autofree gchar *config = g_build_filename(home, ".config", NULL);
	g_autofree gchar *data = g_build_filename(home, ".local/share", NULL);
	g_autofree gchar *state = g_build_filename(home, ".local/state", NULL);
	g_autofree gchar *chromium = g_build_filename(data, "pki/nssdb", NULL);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) named = NULL;
	g_autoptr(CtTestRun) defaults = NULL;

	cr_assert_eq(g_mkdir_with_parents(home, 0700), 0);
	g_setenv("HOME", home, TRUE);
	g_setenv("XDG_CONFIG_HOME", config, TRUE);
	g_setenv("XDG_DATA_HOME", data, TRUE);
	g_setenv("XDG_STATE_HOME", state, TRUE);
	named = ct_test_run_certtrust("--yes", "trust", tomcat, "--store", "firefox", "--name",
				      "ucm.example.com:8443", NULL);
	cr_assert_eq(named->exit_status, 1, "%s%s", named->out, named->err);
	cr_assert_not_null(strstr(named->out, "failed: no Firefox profile found"), "%s",
			   named->out);
	cr_assert_not(g_file_test(chromium, G_FILE_TEST_EXISTS), "only Firefox was named");

	defaults = ct_test_run_certtrust("--yes", "trust", tomcat, "--name", "ucm.example.com:8443",
					 NULL);
	cr_assert_eq(defaults->exit_status, 0, "%s%s", defaults->out, defaults->err);
	cr_assert_not_null(strstr(defaults->out, "skipped: no Firefox profile found"), "%s",
			   defaults->out);
	cr_assert_not_null(strstr(ct_test_certutil_text(chromium), "P,,"));
}

/* --create asks for a new database: then certutil reads the trusted leaf from it */
Test(trust, create_makes_a_new_nss_database_only_when_asked)
{
	g_autofree gchar *db = trust_path("new/db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun)
	    run = ct_test_run_certtrust("trust", tomcat, "--store", store, "--name",
					"ucm.example.com:8443", "--create", NULL);

	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(ct_test_certutil_text(db), "P,,"));
}

/* on a terminal (script(1) gives it one) trust asks; "n" is the user's refusal (exit 6,
 * nothing written), not an interruption (130); "y" writes */
Test(trust, declining_the_prompt_is_a_refusal_and_writes_nothing)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = ct_test_nss_store_new(db);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *no_cmd =
	    g_strdup_printf("printf 'n\\n' | script -qec \"'%s' trust '%s' --store '%s' --name "
			    "ucm.example.com:8443\" /dev/null",
			    g_getenv("CT_CERTTRUST"), tomcat, store);
	g_autofree gchar *yes_cmd =
	    g_strdup_printf("printf 'y\\n' | script -qec \"'%s' trust '%s' --store '%s' --name "
			    "ucm.example.com:8443\" /dev/null",
			    g_getenv("CT_CERTTRUST"), tomcat, store);
	g_autoptr(CtTestRun) no = ct_test_run_shell(no_cmd);
	g_autofree gchar *after_no = ct_test_certutil_text(db);
	g_autoptr(CtTestRun) yes = ct_test_run_shell(yes_cmd);

	cr_assert_eq(no->exit_status, 6, "%s%s", no->out, no->err);
	cr_assert_not_null(strstr(no->out, "declined"), "%s", no->out);
	cr_assert_null(strstr(after_no, "certtrust-"), "%s", after_no);
	cr_assert_eq(yes->exit_status, 0, "%s%s", yes->out, yes->err);
	cr_assert_not_null(strstr(ct_test_certutil_text(db), "P,,"));
}
