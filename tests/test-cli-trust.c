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

/* `certtrust trust / untrust / list / status` in a private HOME: real NSS databases checked
 * with certutil, real cert_override.txt files, real servers from `certtrust serve` */

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

static CtTestRun *
trust_run(const gchar *a,
	  const gchar *b,
	  const gchar *c,
	  const gchar *d,
	  const gchar *e,
	  const gchar *f,
	  const gchar *g,
	  const gchar *h)
{
	const gchar *argv[] = {"certtrust", a, b, c, d, e, f, g, h, NULL};
	return ct_test_run(argv, NULL);
}

/* `certutil -L -d sql:DIR` as text */
static gchar *
trust_certutil_list(const gchar *dir)
{
	g_autofree gchar *cmd = g_strdup_printf("certutil -L -d 'sql:%s'", dir);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 0, "%s: %s", cmd, run->err);
	return g_strdup(run->out);
}

/* "nss:DIR" for a new empty database that certutil made in DIR */
static gchar *
trust_nss_store(const gchar *db)
{
	g_autofree gchar *cmd = g_strdup_printf("mkdir -p '%s' && certutil -N -d 'sql:%s' "
						"--empty-password",
						db, db);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 0, "%s: %s", cmd, run->err);
	return g_strconcat("nss:", db, NULL);
}

static gchar *
trust_sha256(const gchar *file)
{
	g_autofree gchar *path = ct_test_data_path(file);
	g_autofree gchar *cmd =
	    g_strdup_printf("openssl x509 -in '%s' -noout -fingerprint -sha256 | cut -d= -f2",
			    path);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	return g_strstrip(g_strdup(run->out));
}

Test(trust, nss_store_gets_a_trusted_leaf_and_untrust_restores_it)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *create = g_strdup_printf("mkdir -p '%s' && certutil -N -d 'sql:%s' "
						   "--empty-password",
						   db, db);
	g_autoptr(CtTestRun) made = ct_test_run_shell(create);
	g_autofree gchar *before = trust_certutil_list(db);
	g_autoptr(CtTestRun) first = trust_run("trust", tomcat, "--store", store, "--name",
					       "ucm.example.com:8443", NULL, NULL);
	g_autofree gchar *during = trust_certutil_list(db);
	g_autoptr(CtTestRun) again = trust_run("trust", tomcat, "--store", store, "--name",
					       "ucm.example.com:8443", NULL, NULL);
	g_autoptr(CtTestRun)
	    removed = trust_run("untrust", tomcat, NULL, NULL, NULL, NULL, NULL, NULL);
	g_autofree gchar *after = trust_certutil_list(db);

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
	    run = trust_run("trust", url, "--resolve", rule, "--json", NULL, NULL, NULL);
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
	cr_assert_not_null(strstr(trust_certutil_list(chromium), "P,,"));

	removed = trust_run("untrust", sha, NULL, NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(removed->exit_status, 0, "%s%s", removed->out, removed->err);
	/* certtrust made cert_override.txt: untrust takes it away again, as it was before */
	cr_assert_not(g_file_test(override, G_FILE_TEST_EXISTS), "%s is still there", override);
	cr_assert_null(strstr(trust_certutil_list(chromium), "certtrust-"));
}

Test(trust, ca_capable_certificate_is_refused_as_an_anchor)
{
	g_autofree gchar *file = ct_test_data_path("ca-leaf.pem");
	g_autofree gchar *store = g_strconcat("firefox:", profile, NULL);
	g_autoptr(CtTestRun) run = trust_run("trust", file, "--store", store, "--mode", "anchor",
					     "--name", "ucm.example.com:8443");
	g_autofree gchar *db = g_build_filename(profile, "cert9.db", NULL);

	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "CA_CERT_USED_AS_END_ENTITY"), "%s", run->out);
	cr_assert_not(g_file_test(db, G_FILE_TEST_EXISTS), "nothing was written");
}

Test(trust, chain_trusts_the_root_only_with_allow_ca)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = trust_nss_store(db);
	g_autofree gchar *chain = ct_test_data_path("chain.pem");
	g_autoptr(CtTestRun) leaf = trust_run("trust", chain, "--store", store, "--name",
					      "ucm.example.com:8443", NULL, NULL);
	g_autofree gchar *listing = trust_certutil_list(db);
	g_autofree gchar *root_sha = trust_sha256("ca.pem");
	g_autoptr(CtTestRun) undo = trust_run("untrust", chain, NULL, NULL, NULL, NULL, NULL, NULL);
	g_autoptr(CtTestRun) root = trust_run("trust", chain, "--store", store, "--name",
					      "ucm.example.com:8443", "--allow-ca", NULL);
	g_autofree gchar *with_ca = trust_certutil_list(db);
	g_autoptr(CtTestRun)
	    by_root = trust_run("untrust", root_sha, NULL, NULL, NULL, NULL, NULL, NULL);

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
	g_autoptr(CtTestRun) refused = trust_run("trust", ca, "--store", store, "--name",
						 "ucm.example.com:8443", "--create", NULL);
	g_autofree gchar *cert9 = g_build_filename(db, "cert9.db", NULL);
	gboolean written = g_file_test(cert9, G_FILE_TEST_EXISTS);
	g_autofree gchar *made = trust_nss_store(db);
	g_autoptr(CtTestRun) exception = trust_run("trust", ca, "--store", firefox, "--name",
						   "ucm.example.com:8443", "--allow-ca", NULL);
	g_autoptr(CtTestRun) anchor = trust_run("trust", ca, "--store", store, "--name",
						"ucm.example.com:8443", "--allow-ca", "--json");
	g_autofree gchar *listing = trust_certutil_list(db);
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
	g_autofree gchar *store = trust_nss_store(trust_path("db"));
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) wrong = trust_run("trust", file, "--store", store, "--name",
					       "wrong.example.com:8443", "--dry-run", NULL);
	g_autoptr(CtTestRun)
	    wrong_json = trust_run("trust", file, "--store", store, "--name",
				   "wrong.example.com:8443", "--dry-run", "--json");
	g_autoptr(CtTestRun) right_json = trust_run("trust", file, "--store", store, "--name",
						    "ucm.example.com:8443", "--dry-run", "--json");
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
	run = trust_run("trust", file, "--store", store, "--name", "ucm.example.com:8443", NULL,
			NULL);
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "running"), "%s", run->out);
	cr_assert(g_file_get_contents(override, &after, NULL, NULL));
	cr_assert_str_eq(after, "# mine\n");
}

Test(trust, cn_only_certificate_cannot_work_in_chromium_and_says_so)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = trust_nss_store(db);
	g_autofree gchar *file = ct_test_data_path("cn-only.pem");
	g_autoptr(CtTestRun) run = trust_run("trust", file, "--store", store, "--name",
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
	g_autoptr(CtTestRun) dry = trust_run("trust", file, "--store", store, "--name",
					     "ucm.example.com:8443", "--dry-run", "--create");

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

/* the upgrade: the server comes back under the same name and port with a new certificate;
 * status says "changed" with both thumbprints, whichever store the trust went to */
typedef struct {
	gchar store[16];
} TrustStoreParam;

static TrustStoreParam trust_regenerate_stores[] = {{"nss"}, {"firefox"}, {"system"}};

ParameterizedTestParameters(trust, status_says_changed_after_a_regenerate_in_every_store)
{
	return cr_make_param_array(TrustStoreParam, trust_regenerate_stores,
				   G_N_ELEMENTS(trust_regenerate_stores));
}

static gchar *
trust_status_member(CtTestRun *run, const gchar *member)
{
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(run->out);
	return g_strdup(json_object_get_string_member(json_node_get_object(root), member));
}

ParameterizedTest(TrustStoreParam *param,
		  trust,
		  status_says_changed_after_a_regenerate_in_every_store)
{
	g_autofree gchar *certs = trust_path("serve");
	g_autofree gchar *root = trust_path("sysroot");
	g_autofree gchar *anchors = g_build_filename(root, "etc/pki/ca-trust/source/anchors", NULL);
	g_autofree gchar *store = NULL;
	g_autofree gchar *port = NULL;
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *verdict = NULL;
	g_autofree gchar *now_sha = NULL;
	g_autofree gchar *trusted_sha = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(CtTestRun) same = NULL;
	g_autoptr(CtTestRun) changed = NULL;
	CtTestServer *server = NULL;

	cr_assert_eq(g_mkdir_with_parents(anchors, 0755), 0);
	if (g_str_equal(param->store, "nss"))
		store = trust_nss_store(trust_path("db"));
	else if (g_str_equal(param->store, "firefox"))
		store = g_strconcat("firefox:", profile, NULL);
	else
		store = g_strdup("system");
	server = ct_test_server_start("tomcat", certs, NULL);
	port = g_strdup_printf("%u", server->https_port);
	url = g_strdup_printf("https://ucm.example.com:%s/", port);
	rule = g_strdup_printf("ucm.example.com:%s:127.0.0.1", port);
	trusted = trust_run("--sysroot", root, "trust", url, "--resolve", rule, "--store", store);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	same = trust_run("--sysroot", root, "status", url, "--resolve", rule, "--json", NULL);
	cr_assert_eq(same->exit_status, 0, "%s%s", same->out, same->err);
	before = trust_status_member(same, "sha256");
	ct_test_server_stop(server);

	{
		const gchar *regenerate[] = {"--https-port", port, "--regenerate", NULL};
		server = ct_test_server_start("tomcat", certs, regenerate);
	}
	changed = trust_run("--sysroot", root, "status", url, "--resolve", rule, "--json", NULL);
	ct_test_server_stop(server);
	cr_assert_eq(changed->exit_status, 4, "%s%s", changed->out, changed->err);
	verdict = trust_status_member(changed, "status");
	now_sha = trust_status_member(changed, "sha256");
	trusted_sha = trust_status_member(changed, "trusted_sha256");
	cr_assert_str_eq(verdict, "changed", "%s", changed->out);
	cr_assert_str_eq(trusted_sha, before, "status names what was trusted");
	cr_assert_str_neq(now_sha, before, "the server kept its certificate");
}

Test(trust, list_shows_what_was_trusted)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = trust_nss_store(db);
	g_autofree gchar *file = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) run = trust_run("trust", file, "--store", store, "--name",
					     "ucm.example.com:8443", NULL, NULL);
	g_autoptr(CtTestRun) list = trust_run("list", "--json", NULL, NULL, NULL, NULL, NULL, NULL);
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
	run = trust_run("trust", file, "--store", store, "--name", "ucm.example.com:8443", NULL,
			NULL);
	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, db), "the message names the database: %s", run->out);
	list = trust_run("list", "--json", NULL, NULL, NULL, NULL, NULL, NULL);
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
	g_autoptr(CtTestRun) run = trust_run("trust", file, "--store", store, "--name",
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
	g_autofree gchar *sha = trust_sha256("tomcat.pem");
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) removed = NULL;
	g_autoptr(GDir) dir = NULL;
	g_autofree gchar *written = NULL;
	g_autofree gchar *check = NULL;
	g_autoptr(CtTestRun) openssl = NULL;
	const gchar *name;

	/* a Fedora layout: certtrust writes the anchor; update-ca-trust is not run in a tree */
	cr_assert_eq(g_mkdir_with_parents(anchors, 0755), 0);
	run = trust_run("--sysroot", root, "trust", file, "--store", "system", "--name",
			"ucm.example.com:8443");
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	dir = g_dir_open(anchors, 0, NULL);
	name = g_dir_read_name(dir);
	cr_assert_not_null(name, "no anchor written in %s", anchors);
	written = g_build_filename(anchors, name, NULL);
	check = g_strdup_printf("openssl x509 -in '%s' -noout -fingerprint -sha256 | cut -d= -f2",
				written);
	openssl = ct_test_run_shell(check);
	cr_assert_str_eq(g_strstrip(openssl->out), sha, "the anchor is the certificate");

	removed = trust_run("--sysroot", root, "untrust", sha, NULL, NULL, NULL, NULL);
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
	refused = trust_run("--sysroot", root, "trust", file, "--store", "system", "--name",
			    "ucm.example.com:8443");
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
	list = trust_run("list", "--json", NULL, NULL, NULL, NULL, NULL, NULL);
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
	g_autofree gchar *listing = trust_certutil_list(db);
	g_autoptr(CtTestRun) list = trust_run("list", "--json", NULL, NULL, NULL, NULL, NULL, NULL);
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
	g_autofree gchar *before = trust_certutil_list(db);
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
		stored = trust_certutil_list(db);
		list = trust_run("list", "--json", NULL, NULL, NULL, NULL, NULL, NULL);
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
		undo = trust_run("untrust", tomcat, NULL, NULL, NULL, NULL, NULL, NULL);
		/* nothing recorded: nothing to undo (exit 3, not found) */
		cr_assert_eq(undo->exit_status,
			     trust_ledger_count(ledger, "nss", NULL) +
					 trust_ledger_count(ledger, "firefox", NULL) >
				     0
				 ? 0
				 : 3,
			     "kill after %u ms: untrust: %s%s", i * 6, undo->out, undo->err);
		after = trust_certutil_list(db);
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
	g_autofree gchar *nss = trust_nss_store(db);
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

	trusted = trust_run("trust", tomcat, "--store", nss, "--store", firefox, "--name",
			    "ucm.example.com:8443");
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	both = trust_run("status", tomcat, "--json", NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(both->exit_status, 0, "%s%s", both->out, both->err);

	/* the user deletes it from the db by hand: status sees it, from the db itself */
	delete_cmd = g_strdup_printf("certutil -D -d 'sql:%s' -n "
				     "\"$(certutil -L -d 'sql:%s' | grep -o 'certtrust-[^ ]*')\"",
				     db, db);
	deleted = ct_test_run_shell(delete_cmd);
	cr_assert_eq(deleted->exit_status, 0, "%s", deleted->err);
	one_gone = trust_run("status", tomcat, "--json", NULL, NULL, NULL, NULL, NULL);
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
	only_firefox = trust_run("status", tomcat, "--store", nss, NULL, NULL, NULL, NULL);
	cr_assert_eq(only_firefox->exit_status, 4, "%s%s", only_firefox->out, only_firefox->err);
	cr_assert_not_null(strstr(only_firefox->out, "no longer in the stores"), "%s",
			   only_firefox->out);

	/* and the exception file too: nothing is trusted any more */
	cr_assert_eq(g_unlink(override), 0);
	all_gone = trust_run("status", tomcat, NULL, NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(all_gone->exit_status, 4, "%s%s", all_gone->out, all_gone->err);

	/* trust via the private root: the leaf is trusted, but not itself (TVS) */
	root = trust_run("trust", chain, "--store", nss, "--allow-ca", "--name",
			 "ucm.example.com:8443", NULL);
	cr_assert_eq(root->exit_status, 0, "%s%s", root->out, root->err);
	by_root = trust_run("status", chain, NULL, NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(by_root->exit_status, 0, "%s%s", by_root->out, by_root->err);
	exact = trust_run("status", chain, "--exact", NULL, NULL, NULL, NULL, NULL);
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
	g_autofree gchar *good_store = trust_nss_store(good);
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
	cr_assert_not_null(strstr(trust_certutil_list(good), "P,,"));
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
	human = trust_run("trust", tomcat, "--store", nss, "--name", "ucm.example.com:8443", NULL,
			  NULL);
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
	named = trust_run("--yes", "trust", tomcat, "--store", "firefox", "--name",
			  "ucm.example.com:8443", NULL);
	cr_assert_eq(named->exit_status, 1, "%s%s", named->out, named->err);
	cr_assert_not_null(strstr(named->out, "failed: no Firefox profile found"), "%s",
			   named->out);
	cr_assert_not(g_file_test(chromium, G_FILE_TEST_EXISTS), "only Firefox was named");

	defaults = trust_run("--yes", "trust", tomcat, "--name", "ucm.example.com:8443", NULL, NULL,
			     NULL);
	cr_assert_eq(defaults->exit_status, 0, "%s%s", defaults->out, defaults->err);
	cr_assert_not_null(strstr(defaults->out, "skipped: no Firefox profile found"), "%s",
			   defaults->out);
	cr_assert_not_null(strstr(trust_certutil_list(chromium), "P,,"));
}

/* --create asks for a new database: then certutil reads the trusted leaf from it */
Test(trust, create_makes_a_new_nss_database_only_when_asked)
{
	g_autofree gchar *db = trust_path("new/db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) run = trust_run("trust", tomcat, "--store", store, "--name",
					     "ucm.example.com:8443", "--create", NULL);

	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(trust_certutil_list(db), "P,,"));
}

/* on a terminal (script(1) gives it one) trust asks; "n" is the user's refusal (exit 6,
 * nothing written), not an interruption (130); "y" writes */
Test(trust, declining_the_prompt_is_a_refusal_and_writes_nothing)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = trust_nss_store(db);
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
	g_autofree gchar *after_no = trust_certutil_list(db);
	g_autoptr(CtTestRun) yes = ct_test_run_shell(yes_cmd);

	cr_assert_eq(no->exit_status, 6, "%s%s", no->out, no->err);
	cr_assert_not_null(strstr(no->out, "declined"), "%s", no->out);
	cr_assert_null(strstr(after_no, "certtrust-"), "%s", after_no);
	cr_assert_eq(yes->exit_status, 0, "%s%s", yes->out, yes->err);
	cr_assert_not_null(strstr(trust_certutil_list(db), "P,,"));
}

/* the upgrade, end to end: a server (certtrust serve, or openssl s_server with two
 * openssl-made certificates swapped) is trusted in Firefox (exception) and Chromium's
 * db; it comes back on the same port with a new certificate; status says changed; trust
 * again retires the old one everywhere (certutil and cert_override.txt agree), list
 * shows exactly the new one, untrust --for takes ours away and leaves foreign entries */
typedef struct {
	gchar server[16];
} TrustUpgradeParam;

static TrustUpgradeParam trust_upgrade_servers[] = {{"serve"}, {"openssl"}};

ParameterizedTestParameters(trust, a_regenerated_certificate_end_to_end)
{
	return cr_make_param_array(TrustUpgradeParam, trust_upgrade_servers,
				   G_N_ELEMENTS(trust_upgrade_servers));
}

typedef struct {
	CtTestServer *serve;
	GSubprocess *openssl;
	guint port;
	gchar *sha256;
} TrustUpgradeServer;

static void
trust_upgrade_wait_for_port(guint port)
{
	for (guint i = 0; i < 200; i++) {
		g_autoptr(GSocketClient) client = g_socket_client_new();
		g_autoptr(GSocketConnection) connection =
		    g_socket_client_connect_to_host(client, "127.0.0.1", (guint16)port, NULL, NULL);
		if (connection != NULL)
			return;
		g_usleep(50 * 1000);
	}
	cr_assert_fail("nothing listens on 127.0.0.1:%u", port);
}

/* generation 0: the first certificate; 1: a new one on the same port */
static void
trust_upgrade_start(TrustUpgradeServer *server, const gchar *kind, guint generation)
{
	g_autofree gchar *port = NULL;

	g_clear_pointer(&server->sha256, g_free);
	if (g_str_equal(kind, "serve")) {
		g_autofree gchar *certs = trust_path("serve");
		port = g_strdup_printf("%u", server->port);
		{
			const gchar *first[] = {NULL};
			const gchar *again[] = {"--https-port", port, "--regenerate", NULL};
			server->serve = ct_test_server_start("tomcat", certs,
							     generation == 0 ? first : again);
		}
		server->port = server->serve->https_port;
		server->sha256 = g_strdup(json_object_get_string_member(
		    json_array_get_object_element(json_object_get_array_member(json_node_get_object(
										   server->serve
										       ->document),
									       "certificates"),
						  0),
		    "sha256"));
		return;
	}
	{
		const gchar *stem = generation == 0 ? "tomcat" : "ec";
		g_autofree gchar *pem_name = g_strconcat(stem, ".pem", NULL);
		g_autofree gchar *key_name = g_strconcat(stem, ".key", NULL);
		g_autofree gchar *pem = ct_test_data_path(pem_name);
		g_autofree gchar *key = ct_test_data_path(key_name);
		g_autofree gchar *accept = NULL;
		g_autoptr(GError) error = NULL;

		if (server->port == 0)
			server->port = ct_test_free_port();
		accept = g_strdup_printf("127.0.0.1:%u", server->port);
		server->openssl = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
						       G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
						       G_SUBPROCESS_FLAGS_STDERR_SILENCE,
						   &error, "openssl", "s_server", "-accept", accept,
						   "-cert", pem, "-key", key, "-www", "-quiet",
						   NULL);
		cr_assert_not_null(server->openssl, "%s", error != NULL ? error->message : "");
		trust_upgrade_wait_for_port(server->port);
		server->sha256 = trust_sha256(pem_name);
	}
}

static void
trust_upgrade_stop(TrustUpgradeServer *server)
{
	if (server->serve != NULL)
		ct_test_server_stop(server->serve);
	server->serve = NULL;
	if (server->openssl != NULL) {
		g_subprocess_force_exit(server->openssl);
		cr_assert(g_subprocess_wait(server->openssl, NULL, NULL));
		g_clear_object(&server->openssl);
	}
}

/* the JSON stores' "retired" sha256 values, joined */
static gchar *
trust_upgrade_retired(CtTestRun *run)
{
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(run->out);
	JsonArray *stores = json_object_get_array_member(json_node_get_object(root), "stores");
	g_autoptr(GString) joined = g_string_new(NULL);

	for (guint i = 0; i < json_array_get_length(stores); i++) {
		JsonArray *retired =
		    json_object_get_array_member(json_array_get_object_element(stores, i),
						 "retired");
		for (guint j = 0; j < json_array_get_length(retired); j++)
			g_string_append_printf(
			    joined, "%s;",
			    json_object_get_string_member(json_array_get_object_element(retired, j),
							  "sha256"));
	}
	return g_string_free(g_steal_pointer(&joined), FALSE);
}

ParameterizedTest(TrustUpgradeParam *param, trust, a_regenerated_certificate_end_to_end)
{
	TrustUpgradeServer server = {0};
	g_autofree gchar *chromium = trust_path("home/.pki/nssdb");
	g_autofree gchar *override = g_build_filename(profile, "cert_override.txt", NULL);
	g_autofree gchar *foreign_pem = ct_test_data_path("ca.pem");
	g_autofree gchar *foreign_line = NULL;
	g_autofree gchar *old_sha = NULL;
	g_autofree gchar *new_sha = NULL;
	g_autofree gchar *url = NULL;
	g_autofree gchar *rule = NULL;
	g_autofree gchar *for_name = NULL;
	g_autofree gchar *expected_retired = NULL;
	g_autofree gchar *retired = NULL;
	g_autofree gchar *contents = NULL;
	g_autofree gchar *listing = NULL;
	g_autofree gchar *seed = NULL;
	g_autoptr(CtTestRun) seeded = NULL;
	g_autoptr(CtTestRun) first = NULL;
	g_autoptr(CtTestRun) anchored = NULL;
	g_autoptr(CtTestRun) changed = NULL;
	g_autoptr(CtTestRun) stale = NULL;
	g_autoptr(CtTestRun) again = NULL;
	g_autoptr(CtTestRun) list = NULL;
	g_autoptr(CtTestRun) removed = NULL;
	g_autoptr(CtTestRun) empty = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *entries;

	/* what the user had before certtrust: a CA in Chromium's db, an exception of their own */
	seed = g_strdup_printf("mkdir -p '%s' && certutil -N -d 'sql:%s' --empty-password && "
			       "certutil -A -d 'sql:%s' -n foreign-ca -t C,, -i '%s'",
			       chromium, chromium, chromium, foreign_pem);
	seeded = ct_test_run_shell(seed);
	cr_assert_eq(seeded->exit_status, 0, "%s", seeded->err);
	foreign_line = g_strdup_printf("foreign.example:443:\tOID.2.16.840.1.101.3.4.2.1\t%s\t",
				       trust_sha256("ca.pem"));
	cr_assert(g_file_set_contents(override, foreign_line, -1, NULL));

	trust_upgrade_start(&server, param->server, 0);
	old_sha = g_strdup(server.sha256);
	url = g_strdup_printf("https://ucm.example.com:%u/", server.port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server.port);
	for_name = g_strdup_printf("ucm.example.com:%u", server.port);
	first = trust_run("trust", url, "--resolve", rule, NULL, NULL, NULL, NULL);
	/* and in the profile's own NSS db too (Firefox's anchor mode) */
	anchored = trust_run("trust", url, "--resolve", rule, "--store", "firefox", "--mode",
			     "anchor");
	trust_upgrade_stop(&server);
	cr_assert_eq(first->exit_status, 0, "%s%s", first->out, first->err);
	cr_assert_eq(anchored->exit_status, 0, "%s%s", anchored->out, anchored->err);
	listing = trust_certutil_list(profile);
	cr_assert_not_null(strstr(listing, "C,,"), "%s", listing);
	g_clear_pointer(&listing, g_free);

	trust_upgrade_start(&server, param->server, 1);
	new_sha = g_strdup(server.sha256);
	changed = trust_run("status", url, "--resolve", rule, NULL, NULL, NULL, NULL);
	stale = trust_run("untrust", url, "--resolve", rule, NULL, NULL, NULL, NULL);
	again = trust_run("trust", url, "--resolve", rule, "--json", NULL, NULL, NULL);
	trust_upgrade_stop(&server);
	/* the new certificate was never trusted: untrust says how to reach the old one */
	cr_assert_eq(stale->exit_status, 3, "%s%s", stale->out, stale->err);
	cr_assert_not_null(strstr(stale->err, for_name), "%s", stale->err);
	cr_assert_not_null(strstr(stale->err, "--for"), "%s", stale->err);
	cr_assert_str_neq(old_sha, new_sha, "the server kept its certificate");
	cr_assert_eq(changed->exit_status, 4, "%s%s", changed->out, changed->err);
	cr_assert_not_null(strstr(changed->out, "changed"), "%s", changed->out);
	cr_assert_eq(again->exit_status, 0, "%s%s", again->out, again->err);
	/* every store retired the old certificate (Firefox: exception and NSS), and said so */
	retired = trust_upgrade_retired(again);
	expected_retired = g_strdup_printf("%s;%s;%s;", old_sha, old_sha, old_sha);
	cr_assert_str_eq(retired, expected_retired, "%s", again->out);

	/* list: exactly the new one, each re-read and present */
	list = trust_run("list", "--json", NULL, NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(list->exit_status, 0, "%s", list->err);
	root = ct_test_parse_one_json_document(list->out);
	entries = json_object_get_array_member(json_node_get_object(root), "entries");
	cr_assert_eq(json_array_get_length(entries), 2, "%s", list->out);
	for (guint i = 0; i < json_array_get_length(entries); i++) {
		JsonObject *entry = json_array_get_object_element(entries, i);
		cr_assert_str_eq(json_object_get_string_member(entry, "sha256"), new_sha, "%s",
				 list->out);
		cr_assert(json_object_get_boolean_member(entry, "present"), "%s", list->out);
	}

	/* the stores themselves, read by certutil and from the file */
	listing = trust_certutil_list(chromium);
	{
		g_autofree gchar *old_short = g_strndup(old_sha, 11);
		g_autofree gchar *new_short = g_strndup(new_sha, 11);
		g_strdelimit(old_short, ":", '-');
		g_strdelimit(new_short, ":", '-');
		cr_assert_null(strstr(listing, old_short), "the old one is gone: %s", listing);
		cr_assert_not_null(strstr(listing, new_short), "%s", listing);
		cr_assert_not_null(strstr(listing, "foreign-ca"), "%s", listing);
	}
	g_clear_pointer(&listing, g_free);
	listing = trust_certutil_list(profile);
	cr_assert_null(strstr(listing, "certtrust-"), "Firefox's db let it go: %s", listing);
	cr_assert(g_file_get_contents(override, &contents, NULL, NULL));
	cr_assert_null(strstr(contents, old_sha), "%s", contents);
	cr_assert_not_null(strstr(contents, new_sha), "%s", contents);
	cr_assert_not_null(strstr(contents, foreign_line), "%s", contents);
	g_clear_pointer(&contents, g_free);
	g_clear_pointer(&listing, g_free);

	/* untrust by the name: no server needed, whichever certificate it was */
	removed = trust_run("untrust", "--for", for_name, NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(removed->exit_status, 0, "%s%s", removed->out, removed->err);
	listing = trust_certutil_list(chromium);
	cr_assert_null(strstr(listing, "certtrust-"), "%s", listing);
	cr_assert_not_null(strstr(listing, "foreign-ca"), "%s", listing);
	cr_assert(g_file_get_contents(override, &contents, NULL, NULL));
	cr_assert_null(strstr(contents, "ucm.example.com"), "%s", contents);
	cr_assert_not_null(strstr(contents, foreign_line), "%s", contents);
	empty = trust_run("list", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	cr_assert_not_null(strstr(empty->out, "certtrust trusts nothing yet"), "%s", empty->out);
	g_free(server.sha256);
}

/* a fingerprint's start is enough (never read as a host); two matches: exit 2 naming both */
Test(trust, untrust_by_a_unique_fingerprint_prefix)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = trust_nss_store(db);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *ec = ct_test_data_path("ec.pem");
	g_autofree gchar *tomcat_sha = trust_sha256("tomcat.pem");
	g_autofree gchar *ec_sha = trust_sha256("ec.pem");
	g_autofree gchar *pairs = g_ascii_strdown(tomcat_sha, 11); /* "ab:cd:ef:01" */
	g_autofree gchar *bare = g_strdup(ec_sha);
	g_autoptr(CtTestRun) one = trust_run("trust", tomcat, "--store", store, "--name",
					     "a.example:443", NULL, NULL);
	g_autoptr(CtTestRun)
	    two = trust_run("trust", ec, "--store", store, "--name", "b.example:443", NULL, NULL);
	g_autoptr(CtTestRun) nothing = NULL;
	g_autoptr(CtTestRun) v6 = NULL;
	g_autoptr(CtTestRun) by_pairs = NULL;
	g_autoptr(CtTestRun) by_bare = NULL;
	g_autofree gchar *listing = NULL;

	cr_assert_eq(one->exit_status, 0, "%s%s", one->out, one->err);
	cr_assert_eq(two->exit_status, 0, "%s%s", two->out, two->err);
	nothing = trust_run("untrust", "0000000000", NULL, NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(nothing->exit_status, 3, "%s%s", nothing->out, nothing->err);
	cr_assert_null(strstr(nothing->err, "connect"), "not read as a host: %s", nothing->err);
	/* 32 hex digits in groups of four: an IPv6 address (the loopback), never a prefix */
	v6 = trust_run("untrust", "0000:0000:0000:0000:0000:0000:0000:0001", "--timeout", "5", NULL,
		       NULL, NULL, NULL);
	cr_assert_eq(v6->exit_status, 5, "read as a server: %s%s", v6->out, v6->err);
	by_pairs = trust_run("untrust", pairs, NULL, NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(by_pairs->exit_status, 0, "%s%s", by_pairs->out, by_pairs->err);
	listing = trust_certutil_list(db);
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
		by_bare = trust_run("untrust", hex->str, NULL, NULL, NULL, NULL, NULL, NULL);
	}
	cr_assert_eq(by_bare->exit_status, 0, "%s%s", by_bare->out, by_bare->err);
	g_free(listing);
	listing = trust_certutil_list(db);
	cr_assert_null(strstr(listing, "certtrust-"), "%s", listing);
}

/* hex pairs too few to look up are still a fingerprint: exit 2 saying how many digits, never
 * a host:port to resolve ("00:11" was host "00", port 11), and nothing is removed */
Test(trust, a_short_fingerprint_is_a_usage_error_never_a_host)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = trust_nss_store(db);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *tomcat_sha = trust_sha256("tomcat.pem");
	g_autofree gchar *own_start = g_strndup(tomcat_sha, 5); /* "AB:CD" */
	const gchar *texts[] = {"00:11", "ab:cd:ef", NULL};
	g_autoptr(CtTestRun) trusted = trust_run("trust", tomcat, "--store", store, "--name",
						 "a.example:443", NULL, NULL);
	g_autofree gchar *listing = NULL;

	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	texts[2] = own_start;
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
		g_autoptr(CtTestRun)
		    run = trust_run("untrust", texts[i], "--timeout", "5", NULL, NULL, NULL, NULL);
		cr_assert_eq(run->exit_status, 2, "%s: %d %s", texts[i], run->exit_status,
			     run->err);
		cr_assert_not_null(strstr(run->err, "8 to 64 hex digits"), "%s", run->err);
		cr_assert_null(strstr(run->err, "resolve"), "not a host: %s", run->err);
	}
	listing = trust_certutil_list(db);
	cr_assert_not_null(strstr(listing, "certtrust-"), "still trusted: %s", listing);
	/* nor is it a SOURCE to trust: said to be a fingerprint, not "a file" */
	{
		g_autoptr(CtTestRun) as_source = trust_run("trust", "00:11", "--store", store,
							   "--dry-run", NULL, NULL, NULL);
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
	g_autofree gchar *store = trust_nss_store(db);
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *sha = trust_sha256("tomcat.pem");
	g_autofree gchar *ledger = trust_path("home/.local/state/certtrust/ledger.json");
	g_autofree gchar *twin = g_strdup(sha);
	g_autofree gchar *prefix = g_strndup(sha, 11);
	g_autofree gchar *copy = NULL;
	g_autoptr(CtTestRun) trusted = trust_run("trust", tomcat, "--store", store, "--name",
						 "a.example:443", NULL, NULL);
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
	ambiguous = trust_run("untrust", prefix, NULL, NULL, NULL, NULL, NULL, NULL);
	cr_assert_eq(ambiguous->exit_status, 2, "%s%s", ambiguous->out, ambiguous->err);
	cr_assert_not_null(strstr(ambiguous->err, sha), "%s", ambiguous->err);
	cr_assert_not_null(strstr(ambiguous->err, twin), "%s", ambiguous->err);
	cr_assert_not_null(strstr(trust_certutil_list(db), "P,,"), "nothing was removed");
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
	g_autofree gchar *store = trust_nss_store(db);
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *sha256 = trust_sha256("leaf.pem");
	g_autofree gchar *listed = NULL;
	g_autoptr(CtTestRun) quiet = NULL;
	g_autoptr(CtTestRun) loud = NULL;
	g_autoptr(CtTestRun) gone = NULL;
	g_autofree gchar *read = g_strdup_printf("certtrust: read %s: 1 certificate(s)", leaf);
	g_autofree gchar *decision = g_strdup_printf("certtrust: nss %s: import ", db);

	quiet = trust_run("--json", "trust", leaf, "--store", store, "--name", "ucm.example.com",
			  "--dry-run");
	cr_assert_eq(quiet->exit_status, 0, "%s", quiet->err);
	cr_assert_str_empty(quiet->err);

	loud = trust_run("--json", "--verbose", "trust", leaf, "--store", store, "--name",
			 "ucm.example.com");
	cr_assert_eq(loud->exit_status, 0, "%s", loud->err);
	cr_assert(strstr(loud->err, read) != NULL, "no read line: %s", loud->err);
	cr_assert(strstr(loud->err, sha256) != NULL, "no SHA-256 %s: %s", sha256, loud->err);
	cr_assert(strstr(loud->err, decision) != NULL, "no decision: %s", loud->err);
	cr_assert(strstr(loud->err, "with trust P,,") != NULL, "%s", loud->err);
	cr_assert(strstr(loud->err, "; done") != NULL, "no result: %s", loud->err);
	json_node_unref(ct_test_parse_one_json_document(loud->out));
	listed = trust_certutil_list(db);
	cr_assert(strstr(listed, "P,,") != NULL, "certutil does not show P,,: %s", listed);

	gone = trust_run("-v", "untrust", sha256, "--store", store, NULL, NULL, NULL);
	cr_assert_eq(gone->exit_status, 0, "%s", gone->err);
	cr_assert(strstr(gone->err, "; removed") != NULL, "no removal: %s", gone->err);
}
