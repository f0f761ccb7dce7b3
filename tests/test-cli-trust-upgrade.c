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

/* a server that comes back with a new certificate: `status` says changed in every store,
 * and trusting again retires the old one (certtrust serve and openssl s_server) */

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
		store = ct_test_nss_store_new(trust_path("db"));
	else if (g_str_equal(param->store, "firefox"))
		store = g_strconcat("firefox:", profile, NULL);
	else
		store = g_strdup("system");
	server = ct_test_server_start("tomcat", certs, NULL);
	port = g_strdup_printf("%u", server->https_port);
	url = g_strdup_printf("https://ucm.example.com:%s/", port);
	rule = g_strdup_printf("ucm.example.com:%s:127.0.0.1", port);
	trusted = ct_test_run_certtrust("--sysroot", root, "trust", url, "--resolve", rule,
					"--store", store, NULL);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	same = ct_test_run_certtrust("--sysroot", root, "status", url, "--resolve", rule, "--json",
				     NULL);
	cr_assert_eq(same->exit_status, 0, "%s%s", same->out, same->err);
	before = trust_status_member(same, "sha256");
	ct_test_server_stop(server);

	{
		const gchar *regenerate[] = {"--https-port", port, "--regenerate", NULL};
		server = ct_test_server_start("tomcat", certs, regenerate);
	}
	changed = ct_test_run_certtrust("--sysroot", root, "status", url, "--resolve", rule,
					"--json", NULL);
	ct_test_server_stop(server);
	cr_assert_eq(changed->exit_status, 4, "%s%s", changed->out, changed->err);
	verdict = trust_status_member(changed, "status");
	now_sha = trust_status_member(changed, "sha256");
	trusted_sha = trust_status_member(changed, "trusted_sha256");
	cr_assert_str_eq(verdict, "changed", "%s", changed->out);
	cr_assert_str_eq(trusted_sha, before, "status names what was trusted");
	cr_assert_str_neq(now_sha, before, "the server kept its certificate");
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
		server->sha256 = ct_test_sha256_of(pem_name);
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
				       ct_test_sha256_of("ca.pem"));
	cr_assert(g_file_set_contents(override, foreign_line, -1, NULL));

	trust_upgrade_start(&server, param->server, 0);
	old_sha = g_strdup(server.sha256);
	url = g_strdup_printf("https://ucm.example.com:%u/", server.port);
	rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", server.port);
	for_name = g_strdup_printf("ucm.example.com:%u", server.port);
	first = ct_test_run_certtrust("trust", url, "--resolve", rule, NULL);
	/* and in the profile's own NSS db too (Firefox's anchor mode) */
	anchored = ct_test_run_certtrust("trust", url, "--resolve", rule, "--store", "firefox",
					 "--mode", "anchor", NULL);
	trust_upgrade_stop(&server);
	cr_assert_eq(first->exit_status, 0, "%s%s", first->out, first->err);
	cr_assert_eq(anchored->exit_status, 0, "%s%s", anchored->out, anchored->err);
	listing = ct_test_certutil_text(profile);
	cr_assert_not_null(strstr(listing, "C,,"), "%s", listing);
	g_clear_pointer(&listing, g_free);

	trust_upgrade_start(&server, param->server, 1);
	new_sha = g_strdup(server.sha256);
	changed = ct_test_run_certtrust("status", url, "--resolve", rule, NULL);
	stale = ct_test_run_certtrust("untrust", url, "--resolve", rule, NULL);
	again = ct_test_run_certtrust("trust", url, "--resolve", rule, "--json", NULL);
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
	list = ct_test_run_certtrust("list", "--json", NULL);
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
	listing = ct_test_certutil_text(chromium);
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
	listing = ct_test_certutil_text(profile);
	cr_assert_null(strstr(listing, "certtrust-"), "Firefox's db let it go: %s", listing);
	cr_assert(g_file_get_contents(override, &contents, NULL, NULL));
	cr_assert_null(strstr(contents, old_sha), "%s", contents);
	cr_assert_not_null(strstr(contents, new_sha), "%s", contents);
	cr_assert_not_null(strstr(contents, foreign_line), "%s", contents);
	g_clear_pointer(&contents, g_free);
	g_clear_pointer(&listing, g_free);

	/* untrust by the name: no server needed, whichever certificate it was */
	removed = ct_test_run_certtrust("untrust", "--for", for_name, NULL);
	cr_assert_eq(removed->exit_status, 0, "%s%s", removed->out, removed->err);
	listing = ct_test_certutil_text(chromium);
	cr_assert_null(strstr(listing, "certtrust-"), "%s", listing);
	cr_assert_not_null(strstr(listing, "foreign-ca"), "%s", listing);
	cr_assert(g_file_get_contents(override, &contents, NULL, NULL));
	cr_assert_null(strstr(contents, "ucm.example.com"), "%s", contents);
	cr_assert_not_null(strstr(contents, foreign_line), "%s", contents);
	empty = ct_test_run_certtrust("list", NULL);
	cr_assert_not_null(strstr(empty->out, "certtrust trusts nothing yet"), "%s", empty->out);
	g_free(server.sha256);
}
