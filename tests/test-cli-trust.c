#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>
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
	g_autofree gchar *home = NULL;
	g_autofree gchar *ini_dir = NULL;
	g_autofree gchar *ini = NULL;

	tmpdir = ct_test_tmpdir_new();
	home = trust_path("home");
	/* everything certtrust resolves comes from these */
	g_setenv("HOME", home, TRUE);
	g_setenv("XDG_CONFIG_HOME", trust_path("home/.config"), TRUE);
	g_setenv("XDG_DATA_HOME", trust_path("home/.local/share"), TRUE);
	g_setenv("XDG_STATE_HOME", trust_path("home/.local/state"), TRUE);
	ini_dir = g_build_filename(home, ".mozilla", "firefox", NULL);
	profile = g_build_filename(ini_dir, "abcd.default-esr", NULL);
	cr_assert_eq(g_mkdir_with_parents(profile, 0700), 0);
	ini = g_build_filename(ini_dir, "profiles.ini", NULL);
	cr_assert(g_file_set_contents(ini,
				      "[Profile0]\nName=default-esr\nIsRelative=1\n"
				      "Path=abcd.default-esr\nDefault=1\n\n[General]\n"
				      "StartWithLastProfile=1\nVersion=2\n",
				      -1, NULL));
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
	g_autofree gchar *after = NULL;
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
	cr_assert(g_file_get_contents(override, &after, NULL, NULL));
	cr_assert_null(strstr(after, sha), "%s", after);
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
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
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
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
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
	g_autoptr(CtTestRun) run = trust_run("trust", file, "--store", store, "--name",
					     "ucm.example.com:8443", "--name", "localhost");
	g_autoptr(CtTestRun) dry = NULL;

	(void)run;
	ct_test_tmpdir_remove(db);
	dry = trust_run("trust", file, "--store", store, "--name", "ucm.example.com:8443",
			"--dry-run", NULL);
	cr_assert_eq(dry->exit_status, 0, "%s", dry->err);
	cr_assert_not_null(strstr(dry->out, "ucm.example.com:8443/ in chromium: loads"), "%s",
			   dry->out);
	cr_assert_not(g_file_test(db, G_FILE_TEST_EXISTS), "--dry-run created %s", db);
}

Test(trust, status_sees_a_regenerated_server_certificate)
{
	g_autofree gchar *certs = trust_path("serve");
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	const gchar *regenerate[] = {"--regenerate", NULL};
	CtTestServer *server = ct_test_server_start("tomcat", certs, NULL);
	g_autofree gchar *url = g_strdup_printf("https://ucm.example.com:%u/", server->https_port);
	g_autofree gchar *rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1",
						 server->https_port);
	g_autoptr(CtTestRun) trusted = trust_run("trust", url, "--resolve", rule, "--store", store,
						 "--store", g_strconcat("firefox:", profile, NULL));
	g_autoptr(CtTestRun)
	    same = trust_run("status", url, "--resolve", rule, NULL, NULL, NULL, NULL);
	g_autoptr(CtTestRun) changed = NULL;
	g_autofree gchar *url2 = NULL;
	g_autofree gchar *rule2 = NULL;

	ct_test_server_stop(server);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	cr_assert_eq(same->exit_status, 0, "%s%s", same->out, same->err);

	/* the upgrade: same names, a new certificate; the port may differ, the ledger has it */
	server = ct_test_server_start("tomcat", certs, regenerate);
	url2 = g_strdup_printf("https://ucm.example.com:%u/", server->https_port);
	rule2 = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server->https_port);
	changed = trust_run("status", url2, "--resolve", rule2, NULL, NULL, NULL, NULL);
	ct_test_server_stop(server);
	cr_assert_eq(changed->exit_status, 4, "%s%s", changed->out, changed->err);
}

Test(trust, list_shows_what_was_trusted)
{
	g_autofree gchar *db = trust_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
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
					     "ucm.example.com:8443", NULL, NULL);

	/* hostile.pem is self-signed without SAN: Chromium would refuse, nothing is written */
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_null(strchr(run->out, '\x1b'), "no raw ESC on stdout");
	cr_assert_null(strchr(run->out, '\r'), "no raw CR on stdout");
	cr_assert_not(g_file_test(db, G_FILE_TEST_EXISTS), "a refused store is not touched");
}
