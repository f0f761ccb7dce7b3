/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestSecurityName"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ct-test.h"

/* --name: a name no browser can type is refused (exit 2, nothing written) for every store,
 * before anything is planned; a numeric IPv4 form that is not the dotted quad (127.1,
 * 0x7f.1, 0177.0.0.1, 2130706433) is refused too: a browser reads 0177 as 127, whoever
 * typed it may have meant 177, so the address must be written out */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;

static void
name_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
}

static void
name_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
}

TestSuite(security_name, .init = name_setup, .fini = name_teardown, .timeout = 120);

/* nothing was written anywhere: no override file, no NSS db, no ledger */
static void
name_assert_nothing_written(const gchar *nssdb, const gchar *name)
{
	g_autofree gchar *override = g_build_filename(profile, "cert_override.txt", NULL);
	g_autofree gchar *cert9 = g_build_filename(nssdb, "cert9.db", NULL);
	g_autofree gchar *chromium = g_build_filename(g_getenv("XDG_DATA_HOME"), "pki", NULL);
	g_autofree gchar *ledger = g_build_filename(g_getenv("XDG_STATE_HOME"), "certtrust",
						    "ledger.json", NULL);

	cr_assert(!g_file_test(override, G_FILE_TEST_EXISTS), "--name %s wrote %s", name, override);
	cr_assert(!g_file_test(cert9, G_FILE_TEST_EXISTS), "--name %s wrote %s", name, cert9);
	cr_assert(!g_file_test(chromium, G_FILE_TEST_EXISTS), "--name %s made %s", name, chromium);
	cr_assert(!g_file_test(ledger, G_FILE_TEST_EXISTS), "--name %s wrote %s", name, ledger);
}

static void
name_assert_refused(const gchar *name, const gchar *why)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *nssdb = g_build_filename(tmpdir, "nssdb", NULL);
	g_autofree gchar *store = g_strdup_printf("nss:%s", nssdb);
	g_autofree gchar *firefox = g_strdup_printf("firefox:%s", profile);
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) json = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *error;

	g_mkdir(nssdb, 0700);
	run = ct_test_run_certtrust("trust", leaf, "--name", name, "--store", firefox, "--store",
				    "chromium", "--store", store, "--create", "--yes", NULL);
	cr_assert_eq(run->exit_status, 2, "--name %s: exit %d\n%s%s", name, run->exit_status,
		     run->out, run->err);
	cr_assert_not_null(strstr(run->err, "--name"), "--name %s: %s", name, run->err);
	cr_assert_not_null(strstr(run->err, why), "--name %s: no '%s' in %s", name, why, run->err);
	name_assert_nothing_written(nssdb, name);

	json = ct_test_run_certtrust("--json", "trust", leaf, "--name", name, "--store", store,
				     "--create", "--yes", NULL);
	cr_assert_eq(json->exit_status, 2, "--name %s: %s", name, json->out);
	root = ct_test_parse_one_json_document(json->out);
	error = json_object_get_object_member(json_node_get_object(root), "error");
	cr_assert_not_null(error, "%s", json->out);
	cr_assert_eq(json_object_get_int_member(error, "exit_status"), 2);
	name_assert_nothing_written(nssdb, name);
}

Test(security_name, numeric_forms_that_are_not_a_dotted_quad_are_refused)
{
	name_assert_refused("127.1", "write it as 127.0.0.1");
	name_assert_refused("0x7f.1", "write it as 127.0.0.1");
	name_assert_refused("0177.0.0.1", "write it as 127.0.0.1");
	name_assert_refused("2130706433", "write it as 127.0.0.1");
	name_assert_refused("10.0.0.010", "write it as 10.0.0.8");
	name_assert_refused("0x7F000001:8443", "write it as 127.0.0.1");
}

Test(security_name, names_no_browser_can_type_are_refused)
{
	g_autoptr(GString) long_label = g_string_new(NULL);
	g_autoptr(GString) long_name = g_string_new(NULL);

	for (guint i = 0; i < 64; i++)
		g_string_append_c(long_label, 'a');
	g_string_append(long_label, ".test");
	while (long_name->len < 260)
		g_string_append(long_name, "abcdefg.");
	g_string_append(long_name, "test");

	name_assert_refused("a..b.test", "empty label");
	name_assert_refused(".a.test", "empty label");
	name_assert_refused("", "empty");
	name_assert_refused("a b.test", "not allowed");
	name_assert_refused("x/y.test", "not allowed");
	name_assert_refused("*.example.com", "not allowed");
	name_assert_refused("999.1.1.1", "not an IPv4 address");
	name_assert_refused(long_label->str, "long");
	name_assert_refused(long_name->str, "long");
}

/* the control: names a browser types are planned, in their one canonical form */
Test(security_name, names_a_browser_types_are_accepted)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	const gchar *names[] = {"127.0.0.1", "UCM.Example.COM", "ucm", "[::1]:8443", "10.0.0.8"};

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(CtTestRun)
		    run = ct_test_run_certtrust("trust", leaf, "--name", names[i], "--store",
						"chromium", "--dry-run", NULL);
		cr_assert_eq(run->exit_status, 0, "--name %s: %s%s", names[i], run->out, run->err);
	}
}
