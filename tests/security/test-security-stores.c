/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "ct-test.h"

/* the user's own entries and one form of every name (V3, V4, the previous state,
 * concurrent writers): a private HOME, real cert_override.txt files and NSS databases,
 * witnessed by the file's exact lines, certutil -L and `certtrust list --json` */

#define STORES_OID "OID.2.16.840.1.101.3.4.2.1"
#define STORES_HEADER \
	"# PSM Certificate Override Settings file\n# This is a generated file!  Do not edit.\n"

static gchar *tmpdir = NULL;
static gchar *profile = NULL;

static void
stores_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
}

static void
stores_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
}

TestSuite(stores, .init = stores_setup, .fini = stores_teardown, .timeout = 240);

static gchar *
stores_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static gchar *
stores_override_path(void)
{
	return g_build_filename(profile, "cert_override.txt", NULL);
}

static gchar *
stores_ledger_path(void)
{
	return g_build_filename(g_getenv("XDG_STATE_HOME"), "certtrust", "ledger.json", NULL);
}

/* the file's text, or NULL when there is none */
static gchar *
stores_read(const gchar *path)
{
	gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return text;
}

static void
stores_write(const gchar *path, const gchar *text)
{
	g_autofree gchar *dir = g_path_get_dirname(path);
	cr_assert_eq(g_mkdir_with_parents(dir, 0700), 0);
	cr_assert(g_file_set_contents(path, text, -1, NULL), "cannot write %s", path);
}

/* the exception line Firefox writes for host:port */
static gchar *
stores_line(const gchar *host_port, const gchar *sha256)
{
	return g_strdup_printf("%s:\t" STORES_OID "\t%s\t", host_port, sha256);
}

/* how many lines of the override file are exactly line */
static guint
stores_count_line(const gchar *line)
{
	g_autofree gchar *path = stores_override_path();
	g_autofree gchar *text = stores_read(path);
	g_auto(GStrv) lines = NULL;
	guint count = 0;

	if (text == NULL)
		return 0;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++)
		count += g_strcmp0(lines[i], line) == 0;
	return count;
}

static gchar *
stores_sha256(const gchar *name)
{
	g_autoptr(CtChain) chain = ct_test_load_chain(name);
	return g_strdup(ct_chain_get_leaf(chain)->sha256);
}

/* `certtrust list --json`'s entries (transfer full) */
static JsonNode *
stores_list(void)
{
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("list", "--json", NULL);
	cr_assert_eq(run->exit_status, 0, "list: %s", run->err);
	return ct_test_parse_one_json_document(run->out);
}

static JsonArray *
stores_list_entries(JsonNode *root)
{
	return json_object_get_array_member(json_node_get_object(root), "entries");
}

/* --- V3: one form of every name, also in a ledger an older version wrote ------------- */

/* an older certtrust recorded `--name VICTIM.TEST` as typed while the file got the
 * canonical line: status said "removed" right after the trust, and `untrust --for
 * victim.test:443` found nothing. The ledger is read in the one form. */
Test(stores, old_ledger_names_are_read_canonically)
{
	g_autofree gchar *sha = stores_sha256("tomcat.pem");
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *line = stores_line("victim.test:443", sha);
	g_autofree gchar *override = stores_override_path();
	g_autofree gchar *ledger_path = stores_ledger_path();
	g_autofree gchar *nodb = stores_path("no-such-db");
	g_autofree gchar *file = g_strconcat(STORES_HEADER, line, "\n", NULL);
	g_autofree gchar *ledger = g_strdup_printf(
	    "{\"version\":1,\"entries\":["
	    "{\"store\":\"firefox\",\"location\":\"%s\",\"kind\":\"override\",\"sha256\":\"%s\","
	    "\"for_sha256\":\"%s\",\"host\":\"VICTIM.TEST:443\",\"subject\":\"CN=ucm\","
	    "\"not_after\":4102444800,\"time\":1},"
	    "{\"store\":\"nss\",\"location\":\"%s\",\"kind\":\"nss\",\"sha256\":\"%s\","
	    "\"for_sha256\":\"%s\",\"nickname\":\"certtrust-x\",\"trust\":\"P,,\","
	    "\"names\":[\"B\xc3\x9c"
	    "CHER.example.:443\",\"xn--bcher-kva.example:443\","
	    "\"\xef\xbd\x96\xef\xbd\x89\xef\xbd\x83\xef\xbd\x94\xef\xbd\x89\xef\xbd\x8d.test:443\"]"
	    ",\"subject\":\"CN=ucm\",\"not_after\":4102444800,\"time\":1}]}",
	    profile, sha, sha, nodb, sha, sha);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *entry;
	JsonArray *names;

	stores_write(override, file);
	stores_write(ledger_path, ledger);

	root = stores_list();
	cr_assert_eq(json_array_get_length(stores_list_entries(root)), 2);
	entry = json_array_get_object_element(stores_list_entries(root), 0);
	cr_expect_str_eq(json_object_get_string_member(entry, "host"), "victim.test:443");
	cr_expect(json_object_get_boolean_member(entry, "present"),
		  "the exception is in the file: list must say present");
	entry = json_array_get_object_element(stores_list_entries(root), 1);
	names = json_object_get_array_member(entry, "names");
	cr_assert_eq(json_array_get_length(names), 2, "one form of each name, each once");
	cr_expect_str_eq(json_array_get_string_element(names, 0), "xn--bcher-kva.example:443");
	cr_expect_str_eq(json_array_get_string_element(names, 1), "victim.test:443");

	{
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("status", pem, "--store", "firefox", NULL);
		cr_expect_eq(run->exit_status, 0, "status right after the trust: %s%s", run->out,
			     run->err);
		cr_expect(strstr(run->out, "trusted:") != NULL, "%s", run->out);
	}
	{
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("untrust", "--for", "victim.test:443", "--store",
						"firefox", NULL);
		cr_expect_eq(run->exit_status, 0, "untrust --for: %s%s", run->out, run->err);
	}
	cr_expect_eq(stores_count_line(line), 0, "the exception certtrust wrote is gone");
}

/* the user's own exception for victim.test:443 (the same certificate) survives a trust
 * and untrust under every spelling of the name: certtrust never records it as its own */
Test(stores, users_exception_survives_every_spelling)
{
	g_autofree gchar *sha = stores_sha256("tomcat.pem");
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *override = stores_override_path();
	g_autofree gchar *ledger_path = stores_ledger_path();
	g_autofree gchar *store = g_strconcat("firefox:", profile, NULL);
	const struct {
		const gchar *typed;
		const gchar *host_port;
	} cases[] = {
	    {"VICTIM.TEST", "victim.test:443"},
	    {"victim.test.:443", "victim.test:443"},
	    /* full-width letters and a full-width dot */
	    {"\xef\xbd\x96\xef\xbd\x89\xef\xbd\x83\xef\xbd\x94\xef\xbd\x89\xef\xbd\x8d\xef\xbc\x8e"
	     "test",
	     "victim.test:443"},
	    {"B\xc3\x9c"
	     "CHER.example",
	     "xn--bcher-kva.example:443"},
	    {"[0:0::1]:8443", "[::1]:8443"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *line = stores_line(cases[i].host_port, sha);
		g_autofree gchar *file = g_strconcat(STORES_HEADER, line, "\n", NULL);
		g_autoptr(CtTestRun) trust = NULL;
		g_autoptr(CtTestRun) untrust = NULL;
		g_autoptr(JsonNode) root = NULL;

		g_unlink(ledger_path);
		stores_write(override, file);
		trust = ct_test_run_certtrust("trust", pem, "--store", store, "--name",
					      cases[i].typed, "--yes", NULL);
		cr_expect_eq(trust->exit_status, 0, "%s: %s%s", cases[i].typed, trust->out,
			     trust->err);
		root = stores_list();
		cr_expect_eq(json_array_get_length(stores_list_entries(root)), 0,
			     "%s: the user's own exception was recorded as certtrust's",
			     cases[i].typed);
		untrust = ct_test_run_certtrust("untrust", sha, NULL);
		cr_expect_eq(untrust->exit_status, 3, "%s: %s%s", cases[i].typed, untrust->out,
			     untrust->err);
		cr_expect_eq(stores_count_line(line), 1, "%s: the user's exception is gone",
			     cases[i].typed);
	}
}

/* --- V4 and the previous state: the user's own NSS entries and exceptions ------------- */

/* a new NSS database in dir, with the certificate under the user's nickname "mine" and
 * trust (NULL: no certificate) */
static void
stores_nssdb_new(const gchar *dir, const gchar *pem, const gchar *trust)
{
	g_autofree gchar *command = NULL;
	g_autoptr(CtTestRun) run = NULL;

	cr_assert_eq(g_mkdir_with_parents(dir, 0700), 0);
	if (trust == NULL)
		command = g_strdup_printf("certutil -N -d 'sql:%s' --empty-password", dir);
	else
		command = g_strdup_printf("certutil -N -d 'sql:%s' --empty-password && certutil "
					  "-A -d 'sql:%s' -n mine -t '%s' -i '%s'",
					  dir, dir, trust, pem);
	run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "%s: %s", command, run->err);
}

/* `certutil -L`'s rows (nickname and trust) after the header, as "NICK TRUST" lines */
static gchar *
stores_certutil_rows(const gchar *dir)
{
	g_autofree gchar *command = g_strdup_printf("certutil -L -d 'sql:%s'", dir);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	g_auto(GStrv) lines = NULL;
	g_autoptr(GString) rows = g_string_new(NULL);

	cr_assert_eq(run->exit_status, 0, "%s: %s", command, run->err);
	lines = g_strsplit(run->out, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) words = NULL;
		g_autofree gchar *line = g_strstrip(g_strdup(lines[i]));
		guint n;

		/* the header: "Certificate Nickname  Trust Attributes", "SSL,S/MIME,...", blank */
		if (*line == '\0' || g_str_has_prefix(line, "Certificate Nickname") ||
		    g_str_has_prefix(line, "SSL,S/MIME"))
			continue;
		words = g_strsplit_set(line, " \t", -1);
		n = g_strv_length(words);
		g_string_append_printf(rows, "%s %s\n", words[0], words[n - 1]);
	}
	return g_string_free(g_steal_pointer(&rows), FALSE);
}

/* V4: the certificate is in the db already as the user's "mine" CT,C,C: trust must not
 * take the user's entry silently and then refuse to undo it; certtrust records the trust
 * it replaced and untrust puts exactly that back */
Test(stores, users_nss_trust_is_put_back_exactly)
{
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *db = stores_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *rows = NULL;
	g_autoptr(CtTestRun) trust = NULL;
	g_autoptr(CtTestRun) untrust = NULL;
	g_autoptr(JsonNode) root = NULL;

	stores_nssdb_new(db, pem, "CT,C,C");
	trust = ct_test_run_certtrust("trust", pem, "--store", store, "--name", "ucm.example.com",
				      "--yes", NULL);
	cr_assert_eq(trust->exit_status, 0, "%s%s", trust->out, trust->err);
	cr_expect(strstr(trust->out, "CT,C,C") != NULL, "the user is told: %s", trust->out);
	rows = stores_certutil_rows(db);
	cr_expect_str_eq(rows, "mine P,C,C\n", "TLS trust ours, the rest the user's");
	root = stores_list();
	cr_assert_eq(json_array_get_length(stores_list_entries(root)), 1, "recorded");
	cr_expect_str_eq(json_object_get_string_member_with_default(
			     json_array_get_object_element(stores_list_entries(root), 0),
			     "previous_trust", ""),
			 "CT,C,C");

	untrust = ct_test_run_certtrust("untrust", pem, NULL);
	cr_expect_eq(untrust->exit_status, 0, "%s%s", untrust->out, untrust->err);
	g_free(rows);
	rows = stores_certutil_rows(db);
	cr_expect_str_eq(rows, "mine CT,C,C\n", "the user's own trust is back, exactly");
}

/* V4: an explicit distrust (p,,) is never lifted without --override-distrust; with it,
 * untrust puts the distrust back */
Test(stores, users_distrust_is_never_lifted_silently)
{
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *db = stores_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *rows = NULL;

	stores_nssdb_new(db, pem, "p,,");
	{
		/* the plan says so before anything is asked or written */
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("trust", pem, "--store", store, "--name",
						"ucm.example.com", "--dry-run", NULL);
		cr_expect_eq(run->exit_status, 6, "%s%s", run->out, run->err);
		cr_expect(strstr(run->out, "untrusted") != NULL, "no name loads: %s", run->out);
	}
	{
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("trust", pem, "--store", store, "--name",
						"ucm.example.com", "--yes", NULL);
		cr_expect_eq(run->exit_status, 6, "%s%s", run->out, run->err);
		cr_expect(strstr(run->out, "mine") != NULL && strstr(run->out, "p,,") != NULL,
			  "the refusal names the entry and its trust: %s", run->out);
	}
	rows = stores_certutil_rows(db);
	cr_expect_str_eq(rows, "mine p,,\n", "the distrust stays");
	{
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("trust", pem, "--store", store, "--name",
						"ucm.example.com", "--override-distrust", "--yes",
						NULL);
		cr_expect_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	}
	g_free(rows);
	rows = stores_certutil_rows(db);
	cr_expect_str_eq(rows, "mine P,,\n");
	{
		g_autoptr(CtTestRun) run = ct_test_run_certtrust("untrust", pem, NULL);
		cr_expect_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	}
	g_free(rows);
	rows = stores_certutil_rows(db);
	cr_expect_str_eq(rows, "mine p,,\n", "untrust puts the distrust back");
}

/* certtrust's own NSS entry whose trust the user changed by hand is left, and said so */
Test(stores, hand_edited_nss_entry_is_left)
{
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *db = stores_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *rows = NULL;
	g_autofree gchar *command = NULL;
	g_autofree gchar *nickname = NULL;
	g_autoptr(JsonNode) root = NULL;

	stores_nssdb_new(db, pem, NULL);
	{
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("trust", pem, "--store", store, "--name",
						"ucm.example.com", "--yes", NULL);
		cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	}
	rows = stores_certutil_rows(db);
	cr_assert(g_str_has_prefix(rows, "certtrust-") && g_str_has_suffix(rows, " P,,\n"), "%s",
		  rows);
	nickname = g_strndup(rows, strchr(rows, ' ') - rows);
	command = g_strdup_printf("certutil -M -d 'sql:%s' -n '%s' -t 'CP,,'", db, nickname);
	{
		g_autoptr(CtTestRun) run = ct_test_run_shell(command);
		cr_assert_eq(run->exit_status, 0, "%s", run->err);
	}
	{
		g_autoptr(CtTestRun) run = ct_test_run_certtrust("untrust", pem, NULL);
		cr_expect_eq(run->exit_status, 6, "%s%s", run->out, run->err);
		cr_expect(strstr(run->out, "by hand") != NULL, "%s", run->out);
	}
	g_free(rows);
	rows = stores_certutil_rows(db);
	{
		g_autofree gchar *expected = g_strdup_printf("%s CP,,\n", nickname);
		cr_expect_str_eq(rows, expected, "the user's edit stays");
	}
	root = stores_list();
	cr_expect_eq(json_array_get_length(stores_list_entries(root)), 0,
		     "certtrust no longer counts it as its own");
}

/* the user's own exception for the host:port (another certificate) is replaced by trust
 * and comes back, byte for byte in the line Firefox reads, with untrust */
Test(stores, users_exception_is_restored)
{
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *sha = stores_sha256("tomcat.pem");
	g_autofree gchar *users_sha = stores_sha256("leaf.pem");
	g_autofree gchar *override = stores_override_path();
	g_autofree gchar *users = stores_line("ucm.example.com:443", users_sha);
	g_autofree gchar *ours = stores_line("ucm.example.com:443", sha);
	g_autofree gchar *other = stores_line("other.example:443", users_sha);
	g_autofree gchar *file = g_strconcat(STORES_HEADER, users, "\n", other, "\n", NULL);
	g_autofree gchar *after = NULL;

	stores_write(override, file);
	{
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("trust", pem, "--store", "firefox", "--name",
						"ucm.example.com", "--yes", NULL);
		cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	}
	cr_expect_eq(stores_count_line(ours), 1);
	cr_expect_eq(stores_count_line(users), 0, "Firefox keeps one exception per host:port");
	{
		g_autoptr(JsonNode) root = stores_list();
		cr_assert_eq(json_array_get_length(stores_list_entries(root)), 1);
		cr_expect_str_eq(json_object_get_string_member_with_default(
				     json_array_get_object_element(stores_list_entries(root), 0),
				     "previous_sha256", ""),
				 users_sha);
	}
	{
		g_autoptr(CtTestRun) run = ct_test_run_certtrust("untrust", pem, NULL);
		cr_expect_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	}
	after = stores_read(override);
	cr_expect_str_eq(after, file, "the file is as the user had it");
}

/* --- concurrent writers of one profile's cert_override.txt ---------------------------- */

/* 10 certtrust processes at once, each with its own ledger (XDG_STATE_HOME), on one
 * profile: each writes the line for its own host (or, with untrust, takes it out); a
 * read-modify-replace not under the profile's lock loses the others' lines */
static void
stores_run_ten(gboolean untrust, const gchar *pem, guint round)
{
	g_autoptr(GString) script = g_string_new("pids=; ");
	g_autoptr(CtTestRun) run = NULL;

	for (guint i = 0; i < 10; i++) {
		g_autofree gchar *args =
		    untrust ? g_strdup_printf("untrust --for host%u.test:443", i)
			    : g_strdup_printf("trust '%s' --name host%u.test --yes", pem, i);
		g_string_append_printf(script,
				       "XDG_STATE_HOME='%s/state%u' \"$CT_CERTTRUST\" %s --store "
				       "'firefox:%s' >'%s/out%u-%u' 2>&1 & pids=\"$pids $!\"; ",
				       tmpdir, i, args, profile, tmpdir, round, i);
	}
	g_string_append(script, "s=0; for p in $pids; do wait $p || s=1; done; exit $s");
	run = ct_test_run_shell(script->str);
	cr_assert_eq(run->exit_status, 0, "a concurrent %s failed (see %s/out%u-*)",
		     untrust ? "untrust" : "trust", tmpdir, round);
}

Test(stores, concurrent_writers_keep_every_line)
{
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *sha = stores_sha256("tomcat.pem");

	for (guint round = 0; round < 6; round++) {
		g_autofree gchar *override = stores_override_path();
		guint lost = 0;
		guint duplicated = 0;

		stores_run_ten(FALSE, pem, round);
		for (guint i = 0; i < 10; i++) {
			g_autofree gchar *host = g_strdup_printf("host%u.test:443", i);
			g_autofree gchar *line = stores_line(host, sha);
			guint count = stores_count_line(line);
			lost += count == 0;
			duplicated += count > 1;
		}
		cr_assert_eq(lost + duplicated, 0,
			     "round %u: %u of 10 lines lost, %u duplicated after 10 concurrent "
			     "trusts",
			     round, lost, duplicated);
		/* each untrust takes its own line out; the lines of the others stay */
		stores_run_ten(TRUE, pem, round + 100);
		cr_assert(!g_file_test(override, G_FILE_TEST_EXISTS),
			  "round %u: lines are left after 10 concurrent untrusts", round);
	}
}

/* the user's exception survives certtrust's own changes in between: the server's
 * certificate changes (the new one retires the old) and untrust still brings the user's
 * line back */
Test(stores, users_exception_survives_a_regenerated_certificate)
{
	g_autofree gchar *first = ct_test_data_path("tomcat.pem");
	g_autofree gchar *second = ct_test_data_path("leaf.pem");
	g_autofree gchar *users_sha = stores_sha256("ec.pem");
	g_autofree gchar *override = stores_override_path();
	g_autofree gchar *users = stores_line("ucm.example.com:443", users_sha);
	g_autofree gchar *file = g_strconcat(STORES_HEADER, users, "\n", NULL);
	g_autofree gchar *after = NULL;
	const gchar *pems[] = {first, second};

	stores_write(override, file);
	for (guint i = 0; i < G_N_ELEMENTS(pems); i++) {
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("trust", pems[i], "--store", "firefox", "--name",
						"ucm.example.com", "--yes", NULL);
		cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	}
	cr_expect_eq(stores_count_line(users), 0);
	{
		g_autoptr(CtTestRun) run = ct_test_run_certtrust("untrust", second, NULL);
		cr_expect_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	}
	after = stores_read(override);
	cr_expect_str_eq(after, file, "the file is as the user had it");
}
