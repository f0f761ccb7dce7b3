/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ct-test.h"

/* `certtrust wizard` (what the desktop entries run) answered line by line on stdin, in a
 * private HOME, against Python's ssl server (tests/lib/pages-server.py) holding the test
 * PKI's Tomcat certificate; what it wrote is checked with certutil, openssl and the
 * Firefox file itself. And progress and colour: only on a terminal (util-linux script). */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;

static void
wizard_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
}

static void
wizard_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
}

TestSuite(wizard, .init = wizard_setup, .fini = wizard_teardown, .timeout = 90);

/* the wizard with these answers (one per line) */
static CtTestRun *
wizard_run(const gchar *answers, const gchar *const *args)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GBytes) input = g_bytes_new(answers, strlen(answers));

	g_ptr_array_add(argv, "certtrust");
	g_ptr_array_add(argv, "wizard");
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	return ct_test_run((const gchar *const *)argv->pdata, input);
}

static CtTestPeer *
wizard_start_tomcat(void)
{
	g_autofree gchar *cert = ct_test_data_path("tomcat.pem");
	g_autofree gchar *key = ct_test_data_path("tomcat.key");

	return ct_test_pages_start(cert, key);
}

static gchar *
wizard_override_path(void)
{
	return g_build_filename(profile, "cert_override.txt", NULL);
}

Test(wizard, trusts_a_server_in_firefox_and_chromium_and_says_how_to_undo)
{
	CtTestPeer *peer = wizard_start_tomcat();
	g_autofree gchar *url = g_strdup_printf("https://ucm.example.com:%u/", peer->port);
	g_autofree gchar *rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", peer->port);
	g_autofree gchar *sha = ct_test_sha256_of("tomcat.pem");
	g_autofree gchar *line = g_strdup_printf("ucm.example.com:%u:\tOID.2.16.840.1.101.3.4.2.1"
						 "\t%s\t",
						 peer->port, sha);
	g_autofree gchar *chromium = g_build_filename(tmpdir, "home/.local/share/pki/nssdb", NULL);
	g_autofree gchar *override = wizard_override_path();
	g_autofree gchar *contents = NULL;
	g_autofree gchar *prefix = g_strndup(sha, 11);
	g_autoptr(CtTestRun)
	    run = wizard_run("\n1\n", (const gchar *const[]){url, "--resolve", rule, NULL});
	g_autoptr(CtTestRun) removed = NULL;

	ct_test_peer_stop(peer);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	/* it showed what the first access found and the thumbprints before asking */
	cr_assert_not_null(strstr(run->out, "This connection is untrusted"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, sha), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "the certificate names it"), "%s", run->out);
	cr_assert_not_null(strstr(run->err, "What now?"), "%s", run->err);
	cr_assert(g_file_get_contents(override, &contents, NULL, NULL));
	cr_assert_not_null(strstr(contents, line), "%s", contents);
	cr_assert_not_null(strstr(ct_test_certutil_text(chromium), "P,,"));
	cr_assert_not_null(strstr(run->out, prefix), "the undo command names it: %s", run->out);

	/* the undo it printed works, and the list the CLI keeps saw the wizard's entries */
	removed = ct_test_run_certtrust("untrust", prefix, NULL);
	cr_assert_eq(removed->exit_status, 0, "%s%s", removed->out, removed->err);
	cr_assert_not(g_file_test(override, G_FILE_TEST_EXISTS), "%s is still there", override);
	cr_assert_null(strstr(ct_test_certutil_text(chromium), "certtrust-"));
}

Test(wizard, asks_for_the_server_and_cancel_writes_nothing)
{
	CtTestPeer *peer = wizard_start_tomcat();
	g_autofree gchar *rule = g_strdup_printf("ucm.example.com:%u:127.0.0.1", peer->port);
	g_autofree gchar *answers = g_strdup_printf("\nucm.example.com:%u\nwww.example.com\n\n6\n",
						    peer->port);
	g_autofree gchar *override = wizard_override_path();
	g_autoptr(CtTestRun)
	    run = wizard_run(answers, (const gchar *const[]){"--resolve", rule, NULL});
	g_autoptr(CtTestRun) list = ct_test_run_certtrust("list", "--json", NULL);

	ct_test_peer_stop(peer);
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->err, "Server address"), "%s", run->err);
	cr_assert_not_null(strstr(run->err, "cancelled: nothing was written"), "%s", run->err);
	/* the extra name the certificate does not hold is called out before the choice */
	cr_assert_not_null(strstr(run->out, "www.example.com:"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "MISMATCH"), "%s", run->out);
	cr_assert_not(g_file_test(override, G_FILE_TEST_EXISTS));
	cr_assert_eq(list->exit_status, 0, "%s", list->err);
	cr_assert_null(strstr(list->out, "ucm.example.com"), "%s", list->out);
}

Test(wizard, a_certificate_file_needs_a_name_and_saves_firefox_files)
{
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *out_dir = g_build_filename(tmpdir, "saved", NULL);
	g_autofree gchar *answers =
	    g_strdup_printf("\nnot a name!\nucm.example.com:8443\n\n5\nf\n%s\n", out_dir);
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(GDir) dir = NULL;
	g_autofree gchar *sha = ct_test_sha256_of("tomcat.pem");
	const gchar *name;
	guint checked = 0;

	cr_assert_eq(g_mkdir(out_dir, 0700), 0);
	run = wizard_run(answers, (const gchar *const[]){tomcat, NULL});
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->err, "The name you will type"), "%s", run->err);
	/* the wrong name was said and asked again */
	cr_assert_not_null(strstr(run->err, "not a name!"), "%s", run->err);
	dir = g_dir_open(out_dir, 0, NULL);
	cr_assert_not_null(dir);
	/* every PEM file saved is the certificate shown, as openssl reads it */
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(out_dir, name, NULL);
		g_autofree gchar *command = NULL;
		g_autoptr(CtTestRun) fingerprint = NULL;

		if (!g_str_has_suffix(name, ".pem") && !g_str_has_suffix(name, ".crt"))
			continue;
		command = g_strdup_printf(
		    "openssl x509 -in '%s' -noout -fingerprint -sha256 | cut -d= -f2", path);
		fingerprint = ct_test_run_shell(command);
		cr_assert_str_eq(g_strstrip(fingerprint->out), sha, "%s", name);
		checked++;
	}
	cr_assert_geq(checked, 1, "no .pem or .crt saved in %s: %s", out_dir, run->out);
}

Test(wizard, end_of_input_and_json_write_nothing)
{
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) eof = wizard_run("", (const gchar *const[]){tomcat, NULL});
	g_autoptr(CtTestRun) json = wizard_run("", (const gchar *const[]){tomcat, "--json", NULL});
	g_autoptr(JsonNode) root = NULL;

	cr_assert_eq(eof->exit_status, 6, "%s%s", eof->out, eof->err);
	cr_assert_not_null(strstr(eof->err, "end of input"), "%s", eof->err);
	cr_assert_eq(json->exit_status, 2, "%s%s", json->out, json->err);
	root = ct_test_parse_one_json_document(json->out);
	cr_assert(json_object_has_member(json_node_get_object(root), "error"));
}

Test(wizard, keep_open_says_the_error_once_then_waits)
{
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) run = wizard_run("ucm.example.com\n\n6\n\n",
					      (const gchar *const[]){tomcat, "-k", NULL});
	const gchar *first = strstr(run->err, "cancelled");

	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(first, "%s", run->err);
	cr_assert_null(strstr(first + 1, "cancelled"), "said twice: %s", run->err);
	cr_assert_not_null(strstr(run->err, "Press Enter to close"), "%s", run->err);
}

/* a command line run on a terminal (util-linux script gives it a pty), its output */
static CtTestRun *
wizard_on_terminal(const gchar *env, const gchar *args)
{
	g_autofree gchar *command = g_strdup_printf("%s script -qec \"'%s' %s\" /dev/null", env,
						    g_getenv("CT_CERTTRUST"), args);

	return ct_test_run_shell(command);
}

Test(progress, many_sources_show_a_count_on_a_terminal_and_none_in_a_pipe)
{
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *args = g_strdup_printf("fetch '%s' '%s'", tomcat, leaf);
	g_autoptr(CtTestRun) tty = wizard_on_terminal("TERM=xterm", args);
	g_autoptr(CtTestRun) dumb = wizard_on_terminal("TERM=dumb", args);
	g_autoptr(CtTestRun) piped = ct_test_run_certtrust("fetch", tomcat, leaf, NULL);

	cr_assert_eq(tty->exit_status, 0, "%s%s", tty->out, tty->err);
	cr_assert_not_null(strstr(tty->out, "[2/2] "), "%s", tty->out);
	/* the line is erased before the results, which are all there */
	cr_assert_not_null(strstr(tty->out, "\r\033[K"), "%s", tty->out);
	cr_assert_not_null(strstr(tty->out, "ucm.example.com"), "%s", tty->out);
	cr_assert_null(strstr(dumb->out, "[2/2] "), "a dumb terminal cannot erase: %s", dumb->out);
	cr_assert_eq(piped->exit_status, 0, "%s", piped->err);
	cr_assert_null(strstr(piped->err, "[1/2]"), "%s", piped->err);
	cr_assert_null(strstr(piped->out, "\033"), "%s", piped->out);
}

Test(progress, colour_follows_no_color_as_no_color_org_says)
{
	g_autofree gchar *file = g_build_filename(g_getenv("CT_TEST_SRCDIR"), "..", "scenarios",
						  "safari4", "safari4-copy-to-file.scenario", NULL);
	g_autofree gchar *args = g_strdup_printf("scenario '%s'", file);
	g_autoptr(CtTestRun) unset = wizard_on_terminal("env -u NO_COLOR TERM=xterm", args);
	g_autoptr(CtTestRun) set = wizard_on_terminal("NO_COLOR=1 TERM=xterm", args);
	g_autoptr(CtTestRun) empty = wizard_on_terminal("NO_COLOR= TERM=xterm", args);

	cr_assert_eq(unset->exit_status, 0, "%s%s", unset->out, unset->err);
	cr_assert_not_null(strstr(unset->out, "\033[32mPASS"), "%s", unset->out);
	cr_assert_null(strstr(set->out, "\033[3"), "%s", set->out);
	cr_assert_not_null(strstr(set->out, "PASS"), "%s", set->out);
	cr_assert_not_null(strstr(empty->out, "\033[32mPASS"), "empty NO_COLOR is unset: %s",
			   empty->out);
}
