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

/* `certtrust trust` in a private HOME: real NSS databases checked with certutil, real
 * cert_override.txt files, real servers from `certtrust serve`, a --sysroot OS store */

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

Test(trust, nss_store_gets_a_trusted_leaf_and_untrust_restores_it)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *create = g_strdup_printf("mkdir -p '%s' && certutil -N -d 'sql:%s' "
						   "--empty-password",
						   db, db);
	g_autoptr(CtTestRun) made = ct_test_run_shell(create);
	g_autofree gchar *before = ct_test_certutil_text(db);
	g_autoptr(CtTestRun) first = ct_test_run_certtrust("trust", tomcat, "--store", store,
							   "--name", "ucm.example.com:8443", NULL);
	g_autofree gchar *during = ct_test_certutil_text(db);
	g_autoptr(CtTestRun) again = ct_test_run_certtrust("trust", tomcat, "--store", store,
							   "--name", "ucm.example.com:8443", NULL);
	g_autoptr(CtTestRun) removed = ct_test_run_certtrust("untrust", tomcat, NULL);
	g_autofree gchar *after = ct_test_certutil_text(db);

	cr_assert_eq(made->exit_status, 0, "%s", made->err);
	cr_assert_eq(first->exit_status, 0, "%s%s", first->out, first->err);
	cr_assert_not_null(strstr(during, "P,,"), "%s", during);
	cr_assert_not_null(strstr(during, "certtrust-ucm.example.com-"), "%s", during);
	cr_assert_eq(again->exit_status, 0, "%s", again->err);
	cr_assert_not_null(strstr(again->out, "unchanged"), "%s", again->out);
	cr_assert_eq(removed->exit_status, 0, "%s%s", removed->out, removed->err);
	cr_assert_str_eq(after, before, "untrust leaves the database as it was");
}

Test(trust, firefox_exception_line_and_chromium_db_from_a_served_page)
{
	g_autofree gchar *certs = trust_path("serve");
	CtTestServer *server = ct_test_server_start("tomcat", certs, NULL);
	g_autofree gchar *url = g_strdup_printf("https://ucm.example.com:%u/", server->https_port);
	g_autofree gchar *rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1",
						 server->https_port);
	g_autoptr(CtTestRun)
	    run = ct_test_run_certtrust("trust", url, "--resolve", rule, "--json", NULL);
	g_autofree gchar *override = g_build_filename(profile, "cert_override.txt", NULL);
	g_autofree gchar *chromium = trust_path("home/.local/share/pki/nssdb");
	g_autofree gchar *contents = NULL;
	g_autofree gchar *sha = NULL;
	g_autofree gchar *line = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *stores;
	g_autoptr(CtTestRun) removed = NULL;
	guint port;

	sha = g_strdup(json_object_get_string_member(
	    json_array_get_object_element(json_object_get_array_member(json_node_get_object(
									   server->document),
								       "certificates"),
					  0),
	    "sha256"));
	port = server->https_port;
	ct_test_server_stop(server);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	root = ct_test_parse_one_json_document(run->out);
	stores = json_object_get_array_member(json_node_get_object(root), "stores");
	cr_assert_eq(json_array_get_length(stores), 2, "one Firefox profile and Chromium");
	cr_assert(g_file_get_contents(override, &contents, NULL, NULL));
	line = g_strdup_printf("ucm.example.com:%u:\tOID.2.16.840.1.101.3.4.2.1\t%s\t", port, sha);
	cr_assert_not_null(strstr(contents, line), "%s", contents);
	cr_assert_not_null(strstr(ct_test_certutil_text(chromium), "P,,"));

	removed = ct_test_run_certtrust("untrust", sha, NULL);
	cr_assert_eq(removed->exit_status, 0, "%s%s", removed->out, removed->err);
	/* certtrust made cert_override.txt: untrust takes it away again, as it was before */
	cr_assert_not(g_file_test(override, G_FILE_TEST_EXISTS), "%s is still there", override);
	cr_assert_null(strstr(ct_test_certutil_text(chromium), "certtrust-"));
}

Test(trust, ca_capable_certificate_is_refused_as_an_anchor)
{
	g_autofree gchar *file = ct_test_data_path("ca-leaf.pem");
	g_autofree gchar *store = g_strconcat("firefox:", profile, NULL);
	g_autoptr(CtTestRun)
	    run = ct_test_run_certtrust("trust", file, "--store", store, "--mode", "anchor",
					"--name", "ucm.example.com:8443", NULL);
	g_autofree gchar *db = g_build_filename(profile, "cert9.db", NULL);

	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "CA_CERT_USED_AS_END_ENTITY"), "%s", run->out);
	cr_assert_not(g_file_test(db, G_FILE_TEST_EXISTS), "nothing was written");
}

Test(trust, chain_trusts_the_root_only_with_allow_ca)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = ct_test_nss_store_new(db);
	g_autofree gchar *chain = ct_test_data_path("chain.pem");
	g_autoptr(CtTestRun) leaf = ct_test_run_certtrust("trust", chain, "--store", store,
							  "--name", "ucm.example.com:8443", NULL);
	g_autofree gchar *listing = ct_test_certutil_text(db);
	g_autofree gchar *root_sha = ct_test_sha256_of("ca.pem");
	g_autoptr(CtTestRun) undo = ct_test_run_certtrust("untrust", chain, NULL);
	g_autoptr(CtTestRun)
	    root = ct_test_run_certtrust("trust", chain, "--store", store, "--name",
					 "ucm.example.com:8443", "--allow-ca", NULL);
	g_autofree gchar *with_ca = ct_test_certutil_text(db);
	g_autoptr(CtTestRun) by_root = ct_test_run_certtrust("untrust", root_sha, NULL);

	cr_assert_eq(leaf->exit_status, 0, "%s%s", leaf->out, leaf->err);
	cr_assert_not_null(strstr(listing, "P,,"), "without --allow-ca: the leaf as a peer");
	cr_assert_null(strstr(listing, "C,,"), "%s", listing);
	cr_assert_eq(undo->exit_status, 0, "%s", undo->err);
	cr_assert_eq(root->exit_status, 0, "%s%s", root->out, root->err);
	cr_assert_not_null(strstr(with_ca, "C,,"), "%s", with_ca);
	cr_assert_not_null(strstr(with_ca, "certtrust-certtrust_Test_Root_CA-"), "%s", with_ca);
	cr_assert_eq(by_root->exit_status, 0, "%s", by_root->err);
}

/* the root CA's file on its own (no subjectAltName: no server presents it) is a CA to trust
 * with --allow-ca, as an anchor C,, in an NSS db; never a Firefox exception */
Test(trust, root_file_alone_is_a_ca_anchor_only_with_allow_ca)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *firefox = g_strconcat("firefox:", profile, NULL);
	g_autofree gchar *ca = ct_test_data_path("ca.pem");
	g_autofree gchar *overrides = g_build_filename(profile, "cert_override.txt", NULL);
	g_autoptr(CtTestRun)
	    refused = ct_test_run_certtrust("trust", ca, "--store", store, "--name",
					    "ucm.example.com:8443", "--create", NULL);
	g_autofree gchar *cert9 = g_build_filename(db, "cert9.db", NULL);
	gboolean written = g_file_test(cert9, G_FILE_TEST_EXISTS);
	g_autofree gchar *made = ct_test_nss_store_new(db);
	g_autoptr(CtTestRun)
	    exception = ct_test_run_certtrust("trust", ca, "--store", firefox, "--name",
					      "ucm.example.com:8443", "--allow-ca", NULL);
	g_autoptr(CtTestRun)
	    anchor = ct_test_run_certtrust("trust", ca, "--store", store, "--name",
					   "ucm.example.com:8443", "--allow-ca", "--json", NULL);
	g_autofree gchar *listing = ct_test_certutil_text(db);
	g_autoptr(JsonNode) root = NULL;
	JsonArray *stores;
	JsonObject *step;
	JsonObject *prediction;

	cr_assert_eq(refused->exit_status, 6, "%s%s", refused->out, refused->err);
	cr_assert_not_null(strstr(refused->out, "--allow-ca"), "%s", refused->out);
	cr_assert_null(strstr(refused->out, "subjectAltName"), "%s", refused->out);
	cr_assert_not(written, "a refused trust created %s", cert9);
	cr_assert_eq(exception->exit_status, 6, "%s%s", exception->out, exception->err);
	cr_assert_not_null(strstr(exception->out, "--mode anchor"), "%s", exception->out);
	cr_assert_not(g_file_test(overrides, G_FILE_TEST_EXISTS), "an exception was written");

	cr_assert_eq(anchor->exit_status, 0, "%s%s", anchor->out, anchor->err);
	cr_assert_not_null(strstr(listing, "certtrust-certtrust_Test_Root_CA-"), "%s", listing);
	cr_assert_not_null(strstr(listing, "C,,"), "%s", listing);
	root = ct_test_parse_one_json_document(anchor->out);
	stores = json_object_get_array_member(json_node_get_object(root), "stores");
	step = json_array_get_object_element(stores, 0);
	prediction =
	    json_array_get_object_element(json_object_get_array_member(step, "predictions"), 0);
	cr_assert_str_eq(json_object_get_string_member(prediction, "verdict"), "if-issued-by-it");
}

/* a write that no name typed can use is written, but the plan says so */
Test(trust, a_trust_no_typed_name_can_use_is_flagged)
{
	g_autofree gchar *store = ct_test_nss_store_new(trust_path("db"));
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun)
	    wrong = ct_test_run_certtrust("trust", file, "--store", store, "--name",
					  "wrong.example.com:8443", "--dry-run", NULL);
	g_autoptr(CtTestRun) wrong_json = ct_test_run_certtrust("trust", file, "--store", store,
								"--name", "wrong.example.com:8443",
								"--dry-run", "--json", NULL);
	g_autoptr(CtTestRun)
	    right_json = ct_test_run_certtrust("trust", file, "--store", store, "--name",
					       "ucm.example.com:8443", "--dry-run", "--json", NULL);
	g_autoptr(JsonNode) wrong_root = NULL;
	g_autoptr(JsonNode) right_root = NULL;
	JsonObject *step;

	cr_assert_eq(wrong->exit_status, 0, "%s%s", wrong->out, wrong->err);
	cr_assert_not_null(strstr(wrong->out, "warning: under none of the names typed"), "%s",
			   wrong->out);
	wrong_root = ct_test_parse_one_json_document(wrong_json->out);
	step = json_array_get_object_element(json_object_get_array_member(json_node_get_object(
									      wrong_root),
									  "stores"),
					     0);
	cr_assert_not(json_object_get_boolean_member(step, "helps"));
	right_root = ct_test_parse_one_json_document(right_json->out);
	step = json_array_get_object_element(json_object_get_array_member(json_node_get_object(
									      right_root),
									  "stores"),
					     0);
	cr_assert(json_object_get_boolean_member(step, "helps"));
}

Test(trust, running_firefox_is_refused_and_its_file_untouched)
{
	g_autofree gchar *lock = g_build_filename(profile, "lock", NULL);
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:+%d", (gint)getpid());
	g_autofree gchar *override = g_build_filename(profile, "cert_override.txt", NULL);
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autofree gchar *store = g_strconcat("firefox:", profile, NULL);
	g_autofree gchar *after = NULL;
	g_autoptr(CtTestRun) run = NULL;

	cr_assert(g_file_set_contents(override, "# mine\n", -1, NULL));
	cr_assert_eq(symlink(target, lock), 0);
	run = ct_test_run_certtrust("trust", file, "--store", store, "--name",
				    "ucm.example.com:8443", NULL);
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "running"), "%s", run->out);
	cr_assert(g_file_get_contents(override, &after, NULL, NULL));
	cr_assert_str_eq(after, "# mine\n");
}

Test(trust, cn_only_certificate_cannot_work_in_chromium_and_says_so)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = ct_test_nss_store_new(db);
	g_autofree gchar *file = ct_test_data_path("cn-only.pem");
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("trust", file, "--store", store, "--name",
							 "ucm.example.com:8443", "--json", NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *step;

	cr_assert_eq(run->exit_status, 6, "%s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	step =
	    json_array_get_object_element(json_object_get_array_member(json_node_get_object(root),
								       "stores"),
					  0);
	cr_assert_str_eq(json_object_get_string_member(step, "result"), "refused");
	cr_assert_not_null(
	    strstr(json_object_get_string_member(step, "message"), "ERR_CERT_COMMON_NAME_INVALID"));
}

Test(trust, dry_run_writes_nothing_and_predicts)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun)
	    dry = ct_test_run_certtrust("trust", file, "--store", store, "--name",
					"ucm.example.com:8443", "--dry-run", "--create", NULL);

	cr_assert_eq(dry->exit_status, 0, "%s", dry->err);
	cr_assert_not_null(strstr(dry->out, "ucm.example.com:8443/ in chromium: loads"), "%s",
			   dry->out);
	cr_assert_not(g_file_test(db, G_FILE_TEST_EXISTS), "--dry-run created %s", db);
}

/* each browser by its own name rules (docs/trust-semantics.md, "Predictions"). Chromium refuses a
 * wildcard over a public suffix (*.co.uk), Firefox accepts it (proven in the real browsers by
 * tests/test-cli-browser.c); the root of the chain is made an anchor in both */
Test(trust, predictions_follow_each_browsers_name_rules)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *bundle = trust_path("public-suffix-chain.pem");
	g_autofree gchar *command = g_strdup_printf(
	    "cd '%s' && cat public-suffix.pem inter.pem ca.pem >'%s' && certutil -N -d 'sql:%s' "
	    "--empty-password",
	    g_getenv("CT_TEST_DATADIR"), bundle, profile);
	g_autoptr(CtTestRun) made = ct_test_run_shell(command);
	g_autoptr(CtTestRun) dry = NULL;
	const gchar *argv[] = {"certtrust",
			       "trust",
			       bundle,
			       "--dry-run",
			       "--create",
			       "--store",
			       store,
			       "--store=firefox",
			       "--mode=anchor",
			       "--allow-ca",
			       "--name=foo.co.uk:8443",
			       "--name=www.example.com:8443",
			       NULL};

	cr_assert_eq(made->exit_status, 0, "%s", made->err);
	dry = ct_test_run(argv, NULL);
	cr_assert_eq(dry->exit_status, 0, "%s%s", dry->out, dry->err);
	cr_assert_not_null(strstr(dry->out, "https://foo.co.uk:8443/ in chromium: name-mismatch"),
			   "%s", dry->out);
	cr_assert_not_null(strstr(dry->out, "https://foo.co.uk:8443/ in firefox: loads"), "%s",
			   dry->out);
	cr_assert_not_null(strstr(dry->out, "https://www.example.com:8443/ in chromium: loads"),
			   "%s", dry->out);
	cr_assert_not_null(strstr(dry->out, "https://www.example.com:8443/ in firefox: loads"),
			   "%s", dry->out);
}

/* measured (tests/browser): Chromium and Firefox both report a name the certificate lacks
 * before its expiry, so only the certificate's own name is predicted "expired" */
Test(trust, expired_certificate_under_a_wrong_name_is_a_name_mismatch)
{
	g_autofree gchar *certs = trust_path("serve");
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	CtTestServer *server = ct_test_server_start("expired", certs, NULL);
	guint port = server->https_port;
	g_autofree gchar *url = g_strdup_printf("https://ucm.example.com:%u/", port);
	g_autofree gchar *rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", port);
	const gchar *argv[] = {"certtrust", "trust", url,      "--resolve",	    rule,
			       "--store",   store,   "--name", "wrong.example.com", "--dry-run",
			       "--create",  NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autofree gchar *right = g_strdup_printf("ucm.example.com:%u/ in chromium: expired", port);
	g_autofree gchar *wrong =
	    g_strdup_printf("wrong.example.com:%u/ in chromium: name-mismatch", port);

	ct_test_server_stop(server);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, right), "%s", run->out);
	cr_assert_not_null(strstr(run->out, wrong), "%s", run->out);
}

Test(trust, list_shows_what_was_trusted)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = ct_test_nss_store_new(db);
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("trust", file, "--store", store, "--name",
							 "ucm.example.com:8443", NULL);
	g_autoptr(CtTestRun) list = ct_test_run_certtrust("list", "--json", NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonArray *entries;

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert_eq(list->exit_status, 0, "%s", list->err);
	root = ct_test_parse_one_json_document(list->out);
	entries = json_object_get_array_member(json_node_get_object(root), "entries");
	cr_assert_eq(json_array_get_length(entries), 1);
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(entries, 0),
						       "store"),
			 "nss");
}

Test(trust, corrupt_database_fails_clearly_and_records_nothing)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *cert9 = g_build_filename(db, "cert9.db", NULL);
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) list = NULL;
	g_autoptr(JsonNode) root = NULL;

	cr_assert_eq(g_mkdir_with_parents(db, 0700), 0);
	cr_assert(g_file_set_contents(cert9, "this is not a database", -1, NULL));
	run = ct_test_run_certtrust("trust", file, "--store", store, "--name",
				    "ucm.example.com:8443", NULL);
	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, db), "the message names the database: %s", run->out);
	list = ct_test_run_certtrust("list", "--json", NULL);
	root = ct_test_parse_one_json_document(list->out);
	cr_assert_eq(json_array_get_length(
			 json_object_get_array_member(json_node_get_object(root), "entries")),
		     0, "%s", list->out);
}

Test(trust, hostile_subject_makes_a_safe_nickname)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *file = ct_test_data_path("hostile.pem");
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("trust", file, "--store", store, "--name",
							 "ucm.example.com:8443", "--create", NULL);

	/* hostile.pem is self-signed without SAN: Chromium would refuse, nothing is written */
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_null(strchr(run->out, '\x1b'), "no raw ESC on stdout");
	cr_assert_null(strchr(run->out, '\r'), "no raw CR on stdout");
	cr_assert_not(g_file_test(db, G_FILE_TEST_EXISTS), "a refused store is not touched");
}

Test(trust, system_store_on_a_sysroot_tree_gets_an_anchor_and_loses_it)
{
	g_autofree gchar *root = trust_path("sysroot");
	g_autofree gchar *anchors = g_build_filename(root, "etc/pki/ca-trust/source/anchors", NULL);
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autofree gchar *sha = ct_test_sha256_of("tomcat.pem");
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) removed = NULL;
	g_autoptr(GDir) dir = NULL;
	g_autofree gchar *written = NULL;
	g_autofree gchar *check = NULL;
	g_autoptr(CtTestRun) openssl = NULL;
	const gchar *name;

	/* a Fedora layout: certtrust writes the anchor; update-ca-trust is not run in a tree */
	cr_assert_eq(g_mkdir_with_parents(anchors, 0755), 0);
	run = ct_test_run_certtrust("--sysroot", root, "trust", file, "--store", "system", "--name",
				    "ucm.example.com:8443", NULL);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	dir = g_dir_open(anchors, 0, NULL);
	name = g_dir_read_name(dir);
	cr_assert_not_null(name, "no anchor written in %s", anchors);
	written = g_build_filename(anchors, name, NULL);
	check = g_strdup_printf("openssl x509 -in '%s' -noout -fingerprint -sha256 | cut -d= -f2",
				written);
	openssl = ct_test_run_shell(check);
	cr_assert_str_eq(g_strstrip(openssl->out), sha, "the anchor is the certificate");

	removed = ct_test_run_certtrust("--sysroot", root, "untrust", sha, NULL);
	cr_assert_eq(removed->exit_status, 0, "%s%s", removed->out, removed->err);
	cr_assert_not(g_file_test(written, G_FILE_TEST_EXISTS), "%s is still there", written);
}

Test(trust, system_store_refuses_a_ca_without_allow_ca)
{
	g_autofree gchar *root = trust_path("sysroot");
	g_autofree gchar *anchors = g_build_filename(root, "etc/pki/ca-trust/source/anchors", NULL);
	g_autofree gchar *file = ct_test_data_path("ca-leaf.pem");
	g_autoptr(CtTestRun) refused = NULL;
	g_autoptr(CtTestRun) allowed = NULL;
	g_autoptr(GDir) dir = NULL;

	cr_assert_eq(g_mkdir_with_parents(anchors, 0755), 0);
	refused = ct_test_run_certtrust("--sysroot", root, "trust", file, "--store", "system",
					"--name", "ucm.example.com:8443", NULL);
	cr_assert_eq(refused->exit_status, 6, "%s%s", refused->out, refused->err);
	cr_assert_not_null(strstr(refused->out, "--allow-ca"), "%s", refused->out);
	dir = g_dir_open(anchors, 0, NULL);
	cr_assert_null(g_dir_read_name(dir), "a refusal writes nothing");
	{
		const gchar *argv[] = {"certtrust",  "--sysroot", root,
				       "trust",	     file,	  "--store",
				       "system",     "--name",	  "ucm.example.com:8443",
				       "--allow-ca", NULL};
		allowed = ct_test_run(argv, NULL);
	}
	cr_assert_eq(allowed->exit_status, 0, "%s%s", allowed->out, allowed->err);
}

Test(trust, read_only_profile_fails_clearly_and_records_nothing)
{
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) probe = ct_test_run_shell("unshare -m true");
	g_autofree gchar *cmd = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) list = NULL;
	g_autoptr(JsonNode) root = NULL;

	if (probe->exit_status != 0)
		cr_skip_test("no mount namespaces here (unshare -m)");
	/* root ignores file modes: a read-only bind mount is what really refuses writes */
	cmd =
	    g_strdup_printf("unshare -m sh -c 'mount --make-rprivate / && mount --bind \"%s\" "
			    "\"%s\" && mount -o remount,bind,ro \"%s\" && exec \"%s\" trust \"%s\" "
			    "--store \"firefox:%s\" --name ucm.example.com:8443'",
			    profile, profile, profile, g_getenv("CT_CERTTRUST"), file, profile);
	run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, profile), "the message names the profile: %s",
			   run->out);
	list = ct_test_run_certtrust("list", "--json", NULL);
	root = ct_test_parse_one_json_document(list->out);
	cr_assert_eq(json_array_get_length(
			 json_object_get_array_member(json_node_get_object(root), "entries")),
		     0);
}

Test(trust, two_trusts_at_once_on_one_database_both_land)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *ec = ct_test_data_path("ec.pem");
	g_autofree gchar *cmd = g_strdup_printf(
	    "mkdir -p '%s' && certutil -N -d 'sql:%s' --empty-password && "
	    "('%s' trust '%s' --store 'nss:%s' --name a.example:1 >/dev/null & "
	    "'%s' trust '%s' --store 'nss:%s' --name b.example:1 >/dev/null & wait)",
	    db, db, g_getenv("CT_CERTTRUST"), tomcat, db, g_getenv("CT_CERTTRUST"), ec, db);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	g_autofree gchar *listing = ct_test_certutil_text(db);
	g_autoptr(CtTestRun) list = ct_test_run_certtrust("list", "--json", NULL);
	g_autoptr(JsonNode) root = NULL;
	guint certtrust_entries = 0;

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	for (const gchar *p = listing; (p = strstr(p, "certtrust-")) != NULL; p++)
		certtrust_entries++;
	cr_assert_eq(certtrust_entries, 2, "both certificates in the db: %s", listing);
	root = ct_test_parse_one_json_document(list->out);
	cr_assert_eq(json_array_get_length(
			 json_object_get_array_member(json_node_get_object(root), "entries")),
		     2, "both writes in the ledger: %s", list->out);
}

/* a user without write access to the --sysroot tree (nobody, through setpriv): the store
 * says root is needed, and the command it prints copies a file that holds the certificate */
Test(trust, system_store_write_refused_under_a_sysroot_says_root_is_needed)
{
	g_autofree gchar *root = trust_path("sysroot");
	g_autofree gchar *anchors = g_build_filename(root, "etc/pki/ca-trust/source/anchors", NULL);
	g_autofree gchar *home = trust_path("nobody");
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *copy = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *source = NULL;
	g_autofree gchar *check = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) same = NULL;
	g_autoptr(JsonNode) doc = NULL;
	JsonObject *store;
	const gchar *install;

	if (geteuid() != 0)
		cr_skip_test("needs root to become nobody (setpriv)");
	cr_assert_eq(g_mkdir_with_parents(anchors, 0755), 0);
	cr_assert_eq(g_mkdir(home, 0777), 0);
	cr_assert_eq(g_chmod(home, 0777), 0);
	cr_assert_eq(g_chmod(tmpdir, 0755), 0);
	cmd = g_strdup_printf("setpriv --reuid=65534 --regid=65534 --clear-groups env HOME='%s' "
			      "XDG_STATE_HOME='%s/state' '%s' --sysroot '%s' --json trust '%s' "
			      "--store system --name ucm.example.com:8443",
			      home, home, g_getenv("CT_CERTTRUST"), root, tomcat);
	run = ct_test_run_shell(cmd);
	if (run->exit_status != 1 && strstr(run->err, "setpriv") != NULL)
		cr_skip_test("setpriv cannot run as nobody here: %s", run->err);
	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	doc = ct_test_parse_one_json_document(run->out);
	store =
	    json_array_get_object_element(json_object_get_array_member(json_node_get_object(doc),
								       "stores"),
					  0);
	cr_assert_str_eq(json_object_get_string_member(store, "result"), "needs-root", "%s",
			 run->out);
	cr_assert_not_null(strstr(json_object_get_string_member(store, "message"), "root"), "%s",
			   run->out);
	install = json_array_get_string_element(json_object_get_array_member(store, "commands"), 0);
	copy = g_strdup_printf("install -m 0644 %s/state/certtrust/anchors/", home);
	cr_assert(g_str_has_prefix(install, copy), "%s", install);
	source = g_strndup(install + strlen("install -m 0644 "),
			   strchr(install + strlen("install -m 0644 "), ' ') -
			       (install + strlen("install -m 0644 ")));
	check = g_strdup_printf("test \"$(openssl x509 -in '%s' -noout -fingerprint -sha256)\" = "
				"\"$(openssl x509 -in '%s' -noout -fingerprint -sha256)\"",
				source, tomcat);
	same = ct_test_run_shell(check);
	cr_assert_eq(same->exit_status, 0, "%s holds another certificate", source);
}

/* --verbose says on stderr what was read and each store's decision and result, and only
 * then: stdout (the JSON document) is the same with and without it; certutil witnesses
 * that the decision said is what the store holds */
Test(trust, verbose_says_what_was_read_and_each_stores_decision)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = ct_test_nss_store_new(db);
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *sha256 = ct_test_sha256_of("leaf.pem");
	g_autofree gchar *listed = NULL;
	g_autoptr(CtTestRun) quiet = NULL;
	g_autoptr(CtTestRun) loud = NULL;
	g_autoptr(CtTestRun) gone = NULL;
	g_autofree gchar *read = g_strdup_printf("certtrust: read %s: 1 certificate(s)", leaf);
	g_autofree gchar *decision = g_strdup_printf("certtrust: nss %s: import ", db);

	quiet = ct_test_run_certtrust("--json", "trust", leaf, "--store", store, "--name",
				      "ucm.example.com", "--dry-run", NULL);
	cr_assert_eq(quiet->exit_status, 0, "%s", quiet->err);
	cr_assert_str_empty(quiet->err);

	loud = ct_test_run_certtrust("--json", "--verbose", "trust", leaf, "--store", store,
				     "--name", "ucm.example.com", NULL);
	cr_assert_eq(loud->exit_status, 0, "%s", loud->err);
	cr_assert(strstr(loud->err, read) != NULL, "no read line: %s", loud->err);
	cr_assert(strstr(loud->err, sha256) != NULL, "no SHA-256 %s: %s", sha256, loud->err);
	cr_assert(strstr(loud->err, decision) != NULL, "no decision: %s", loud->err);
	cr_assert(strstr(loud->err, "with trust P,,") != NULL, "%s", loud->err);
	cr_assert(strstr(loud->err, "; done") != NULL, "no result: %s", loud->err);
	json_node_unref(ct_test_parse_one_json_document(loud->out));
	listed = ct_test_certutil_text(db);
	cr_assert(strstr(listed, "P,,") != NULL, "certutil does not show P,,: %s", listed);

	gone = ct_test_run_certtrust("-v", "untrust", sha256, "--store", store, NULL);
	cr_assert_eq(gone->exit_status, 0, "%s", gone->err);
	cr_assert(strstr(gone->err, "; removed") != NULL, "no removal: %s", gone->err);
}
