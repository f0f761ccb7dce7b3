/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-nssdb.h"
#include "ct-test.h"

/* every write is checked with certutil, which shares no code with us beyond libnss3;
 * fingerprints come from openssl */

static gchar *ct_test_dir = NULL;

static void
ct_test_setup(void)
{
	g_autofree gchar *home = NULL;

	ct_test_dir = ct_test_tmpdir_new();
	/* neither we nor certutil may touch the real HOME */
	home = g_build_filename(ct_test_dir, "home", NULL);
	cr_assert_eq(g_mkdir(home, 0700), 0);
	g_setenv("HOME", home, TRUE);
}

static void
ct_test_teardown(void)
{
	ct_nssdb_shutdown();
	ct_test_tmpdir_remove(ct_test_dir);
	g_clear_pointer(&ct_test_dir, g_free);
}

TestSuite(nssdb_db, .init = ct_test_setup, .fini = ct_test_teardown, .timeout = 60);

/* a skipped test does not run .fini: clean up first */
static void
ct_test_skip(const gchar *reason)
{
	ct_test_teardown();
	cr_skip_test("%s", reason);
}

/* a new directory in the test's temp dir */
static gchar *
ct_test_mkdir(const gchar *name)
{
	gchar *path = g_build_filename(ct_test_dir, name, NULL);
	cr_assert_eq(g_mkdir(path, 0700), 0, "mkdir %s: %s", path, g_strerror(errno));
	return path;
}

static CtTestRun *
ct_test_shell(const gchar *format, ...) G_GNUC_PRINTF(1, 2);

static CtTestRun *
ct_test_shell(const gchar *format, ...)
{
	g_autofree gchar *command = NULL;
	va_list args;

	va_start(args, format);
	command = g_strdup_vprintf(format, args);
	va_end(args);
	return ct_test_run_shell(command);
}

/* run certutil ARGS -d sql:DIR and require success */
static gchar *
ct_test_certutil(const gchar *dir, const gchar *args)
{
	g_autofree gchar *db = g_strconcat("sql:", dir, NULL);
	g_autofree gchar *quoted = g_shell_quote(db);
	g_autoptr(CtTestRun) run = ct_test_shell("certutil %s -d %s", args, quoted);

	cr_assert_eq(run->exit_status, 0, "certutil %s -d %s: %s%s", args, quoted, run->out,
		     run->err);
	return g_strdup(run->out);
}

/* the entries certutil -L lists: nickname -> trust; *count is every listed line */
static GHashTable *
ct_test_certutil_list(const gchar *dir, guint *count)
{
	g_autofree gchar *out = ct_test_certutil(dir, "-L");
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
	GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	*count = 0;
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree gchar *line = g_strchomp(g_strdup(lines[i]));
		gchar *space = strrchr(line, ' ');
		const gchar *trust;
		g_autofree gchar *nickname = NULL;

		if (space == NULL)
			continue;
		trust = space + 1;
		nickname = g_strstrip(g_strndup(line, space - line));
		/* the header's second line has no nickname; trust is "x,y,z" */
		if (nickname[0] == '\0' || strchr(trust, ',') == NULL ||
		    strchr(strchr(trust, ',') + 1, ',') == NULL ||
		    g_str_has_prefix(nickname, "Certificate Nickname"))
			continue;
		(*count)++;
		g_hash_table_insert(table, g_steal_pointer(&nickname), g_strdup(trust));
	}
	return table;
}

/* what certutil -L shows as the trust of nickname, asserting it is listed */
static void
ct_test_assert_certutil_trust(const gchar *dir, const gchar *nickname, const gchar *trust)
{
	guint count = 0;
	g_autoptr(GHashTable) table = ct_test_certutil_list(dir, &count);
	const gchar *shown = g_hash_table_lookup(table, nickname);

	cr_assert_not_null(shown, "certutil -L -d sql:%s does not list %s", dir, nickname);
	cr_assert_str_eq(shown, trust, "certutil shows %s as %s, not %s", nickname, shown, trust);
}

static guint
ct_test_certutil_count(const gchar *dir)
{
	guint count = 0;
	g_autoptr(GHashTable) table = ct_test_certutil_list(dir, &count);
	return count;
}

/* the SHA-256 fingerprints of the certificates certutil -L -n nickname -a prints */
static GPtrArray *
ct_test_certutil_fingerprints(const gchar *dir, const gchar *nickname)
{
	g_autofree gchar *quoted = g_shell_quote(nickname);
	g_autofree gchar *args = g_strdup_printf("-L -n %s -a", quoted);
	g_autofree gchar *pem = ct_test_certutil(dir, args);
	g_autofree gchar *file = g_build_filename(ct_test_dir, "certutil.pem", NULL);
	g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func(g_free);
	const gchar *begin = "-----BEGIN CERTIFICATE-----";
	const gchar *p = pem;

	while ((p = strstr(p, begin)) != NULL) {
		const gchar *end = strstr(p, "-----END CERTIFICATE-----");
		g_autofree gchar *one = NULL;
		g_autofree gchar *quoted_file = g_shell_quote(file);
		g_autoptr(CtTestRun) run = NULL;
		const gchar *eq;

		cr_assert_not_null(end);
		end += strlen("-----END CERTIFICATE-----");
		one = g_strndup(p, end - p);
		cr_assert(g_file_set_contents(file, one, -1, NULL));
		run = ct_test_shell("openssl x509 -in %s -noout -fingerprint -sha256", quoted_file);
		cr_assert_eq(run->exit_status, 0, "%s", run->err);
		eq = strchr(run->out, '=');
		cr_assert_not_null(eq);
		g_ptr_array_add(result, g_strstrip(g_strdup(eq + 1)));
		g_unlink(file);
		p = end;
	}
	return g_steal_pointer(&result);
}

/* openssl's SHA-256 fingerprint of a DER file */
static gchar *
ct_test_openssl_sha256(const gchar *path)
{
	g_autofree gchar *quoted = g_shell_quote(path);
	g_autoptr(CtTestRun) run =
	    ct_test_shell("openssl x509 -inform DER -in %s -noout -fingerprint -sha256", quoted);
	const gchar *eq = strchr(run->out, '=');

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert_not_null(eq);
	return g_strstrip(g_strdup(eq + 1));
}

static gchar *
ct_test_data_sha256(const gchar *name)
{
	g_autofree gchar *path = ct_test_data_path(name);
	return ct_test_openssl_sha256(path);
}

static CtNssDb *
ct_test_open(const gchar *dir, gboolean create)
{
	g_autoptr(GError) error = NULL;
	CtNssDb *db = ct_nssdb_open(dir, create, &error);
	cr_assert_not_null(db, "open %s: %s", dir, error != NULL ? error->message : "");
	cr_assert_null(error);
	cr_assert_str_eq(ct_nssdb_get_dir(db), dir);
	return db;
}

static void
ct_test_add(CtNssDb *db, const gchar *name, const gchar *nickname, const gchar *trust)
{
	g_autoptr(GBytes) der = ct_test_data_bytes(name);
	g_autoptr(GError) error = NULL;

	cr_assert(ct_nssdb_add(db, der, nickname, trust, &error), "add %s as %s %s: %s", name,
		  nickname, trust, error != NULL ? error->message : "");
	cr_assert_null(error);
}

static void
ct_test_add_bytes(CtNssDb *db, GBytes *der, const gchar *nickname, const gchar *trust)
{
	g_autoptr(GError) error = NULL;

	cr_assert(ct_nssdb_add(db, der, nickname, trust, &error), "add %s %s: %s", nickname, trust,
		  error != NULL ? error->message : "");
	cr_assert_null(error);
}

static void
ct_test_assert_error(const GError *error, gint code, const gchar *needle)
{
	cr_assert_not_null(error, "expected error %d (%s)", code, needle);
	cr_assert(g_error_matches(error, CT_ERROR, code), "\"%s\": code %d, not %d", error->message,
		  error->code, code);
	cr_assert(strstr(error->message, needle) != NULL, "\"%s\" does not name \"%s\"",
		  error->message, needle);
}

static GPtrArray *
ct_test_list(CtNssDb *db)
{
	g_autoptr(GError) error = NULL;
	GPtrArray *entries = ct_nssdb_list(db, &error);
	cr_assert_not_null(entries, "list: %s", error != NULL ? error->message : "");
	cr_assert_null(error);
	return entries;
}

static CtNssDbEntry *
ct_test_find(CtNssDb *db, const gchar *sha256)
{
	g_autoptr(GError) error = NULL;
	CtNssDbEntry *entry = ct_nssdb_find(db, sha256, &error);
	cr_assert_null(error, "find: %s", error != NULL ? error->message : "");
	return entry;
}

static gboolean
ct_test_remove(CtNssDb *db, const gchar *sha256)
{
	g_autoptr(GError) error = NULL;
	gboolean removed = -1;

	cr_assert(ct_nssdb_remove(db, sha256, &removed, &error), "remove %s: %s", sha256,
		  error != NULL ? error->message : "");
	cr_assert_null(error);
	cr_assert(removed == TRUE || removed == FALSE, "removed was not set");
	return removed;
}

/* a self-signed certificate with the Tomcat subject; serial 0 is random */
static GBytes *
ct_test_generate_tomcat(guint64 serial)
{
	CtNssDbCertificateSpec spec = {0};
	static const gchar *const names[] = {"ucm.example.com", NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) key = NULL;
	GBytes *der = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	spec.common_name = "ucm.example.com";
	spec.organization = "Cisco";
	spec.dns_names = names;
	spec.not_before = now - 3600;
	spec.not_after = now + 24 * 3600;
	spec.serial = serial;
	spec.path_length = -1;
	spec.subject_key_id = TRUE;
	cr_assert(ct_nssdb_generate_certificate(&spec, NULL, NULL, &der, &key, &error), "%s",
		  error != NULL ? error->message : "");
	return der;
}

static gchar *
ct_test_bytes_sha256(GBytes *der)
{
	g_autofree gchar *file = g_build_filename(ct_test_dir, "generated.der", NULL);
	gchar *sha256;

	cr_assert(
	    g_file_set_contents(file, g_bytes_get_data(der, NULL), g_bytes_get_size(der), NULL));
	sha256 = ct_test_openssl_sha256(file);
	g_unlink(file);
	return sha256;
}

Test(nssdb_db, add_shows_the_trust_in_certutil)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autofree gchar *sha256 = ct_test_data_sha256("tomcat.der");
	g_autoptr(GBytes) der = ct_test_data_bytes("tomcat.der");
	g_autoptr(GPtrArray) entries = NULL;
	g_autoptr(GPtrArray) fingerprints = NULL;
	g_autofree gchar *verify = NULL;
	CtNssDbEntry *entry;

	ct_test_add(db, "tomcat.der", "ucm tomcat", "CP,,");

	ct_test_assert_certutil_trust(dir, "ucm tomcat", "CP,,");
	cr_assert_eq(ct_test_certutil_count(dir), 1);
	fingerprints = ct_test_certutil_fingerprints(dir, "ucm tomcat");
	cr_assert_eq(fingerprints->len, 1);
	cr_assert_str_eq(g_ptr_array_index(fingerprints, 0), sha256);
	/* NSS itself now accepts it as a TLS server certificate */
	verify = ct_test_certutil(dir, "-V -n 'ucm tomcat' -u V");
	cr_assert(strstr(verify, "certificate is valid") != NULL, "%s", verify);

	entries = ct_test_list(db);
	cr_assert_eq(entries->len, 1);
	entry = g_ptr_array_index(entries, 0);
	cr_assert_str_eq(entry->nickname, "ucm tomcat");
	cr_assert_str_eq(entry->sha256, sha256);
	cr_assert_str_eq(entry->trust, "CP,,");
	cr_assert(g_bytes_equal(entry->der, der));
}

Test(nssdb_db, every_accepted_trust_reads_back_as_certutil_shows_it)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autofree gchar *sha256 = ct_test_data_sha256("tomcat.der");
	/* what we write, and how certutil prints it: flags in any order, shown in its own */
	const gchar *trusts[][2] = {{"C,,", "C,,"},   {"P,,", "P,,"},	{"T,,", "T,,"},
				    {"CP,,", "CP,,"}, {"PC,,", "CP,,"}, {"CT,,", "CT,,"},
				    {"TP,,", "TP,,"}, {"PT,,", "TP,,"}, {"CP,,", "CP,,"}};

	for (guint i = 0; i < G_N_ELEMENTS(trusts); i++) {
		g_autoptr(CtNssDbEntry) entry = NULL;

		ct_test_add(db, "tomcat.der", "tc", trusts[i][0]);
		ct_test_assert_certutil_trust(dir, "tc", trusts[i][1]);
		entry = ct_test_find(db, sha256);
		cr_assert_not_null(entry);
		cr_assert_str_eq(entry->trust, trusts[i][1]);
	}
	cr_assert_eq(ct_test_certutil_count(dir), 1);
}

Test(nssdb_db, add_twice_is_a_no_op_that_keeps_the_nickname)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autoptr(GPtrArray) entries = NULL;

	ct_test_add(db, "leaf.der", "first", "CP,,");
	ct_test_add(db, "leaf.der", "first", "CP,,");
	ct_test_add(db, "leaf.der", "second", "CP,,");

	cr_assert_eq(ct_test_certutil_count(dir), 1);
	ct_test_assert_certutil_trust(dir, "first", "CP,,");
	entries = ct_test_list(db);
	cr_assert_eq(entries->len, 1);
	cr_assert_str_eq(((CtNssDbEntry *)g_ptr_array_index(entries, 0))->nickname, "first");
}

Test(nssdb_db, add_again_sets_the_new_trust)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);

	ct_test_add(db, "ca.der", "root", "CP,,");
	ct_test_assert_certutil_trust(dir, "root", "CP,,");
	ct_test_add(db, "ca.der", "root", "C,,");
	ct_test_assert_certutil_trust(dir, "root", "C,,");
	cr_assert_eq(ct_test_certutil_count(dir), 1);
}

Test(nssdb_db, two_databases_open_at_once_keep_to_themselves)
{
	g_autofree gchar *dir_a = ct_test_mkdir("firefox");
	g_autofree gchar *dir_b = ct_test_mkdir("chromium");
	g_autoptr(CtNssDb) a = ct_test_open(dir_a, TRUE);
	g_autoptr(CtNssDb) b = ct_test_open(dir_b, TRUE);
	g_autofree gchar *leaf = ct_test_data_sha256("leaf.der");
	g_autofree gchar *tomcat = ct_test_data_sha256("tomcat.der");
	g_autoptr(GPtrArray) list_a = NULL;
	g_autoptr(GPtrArray) list_b = NULL;
	g_autoptr(CtNssDbEntry) in_a = NULL;
	g_autoptr(CtNssDbEntry) in_b = NULL;
	g_autoptr(CtNssDbEntry) leaf_in_b = NULL;

	ct_test_add(a, "leaf.der", "leaf", "CP,,");
	ct_test_add(b, "ca.der", "root", "C,,");
	/* one certificate in both with different trust: NSS's shared cache must not mix
	 * them up (CERT_ChangeCertTrust would skip the second write) */
	ct_test_add(a, "tomcat.der", "tc-a", "C,,");
	ct_test_add(b, "tomcat.der", "tc-b", "P,,");

	list_a = ct_test_list(a);
	list_b = ct_test_list(b);
	cr_assert_eq(list_a->len, 2);
	cr_assert_eq(list_b->len, 2);
	leaf_in_b = ct_test_find(b, leaf);
	cr_assert_null(leaf_in_b);
	in_a = ct_test_find(a, tomcat);
	in_b = ct_test_find(b, tomcat);
	cr_assert_str_eq(in_a->nickname, "tc-a");
	cr_assert_str_eq(in_a->trust, "C,,");
	cr_assert_str_eq(in_b->nickname, "tc-b");
	cr_assert_str_eq(in_b->trust, "P,,");

	cr_assert_eq(ct_test_certutil_count(dir_a), 2);
	cr_assert_eq(ct_test_certutil_count(dir_b), 2);
	ct_test_assert_certutil_trust(dir_a, "leaf", "CP,,");
	ct_test_assert_certutil_trust(dir_a, "tc-a", "C,,");
	ct_test_assert_certutil_trust(dir_b, "root", "C,,");
	ct_test_assert_certutil_trust(dir_b, "tc-b", "P,,");

	/* removing from one leaves the other alone */
	cr_assert(ct_test_remove(b, tomcat));
	cr_assert_not(ct_test_remove(b, leaf));
	ct_test_assert_certutil_trust(dir_a, "tc-a", "C,,");
	cr_assert_eq(ct_test_certutil_count(dir_b), 1);
}

Test(nssdb_db, same_subject_both_stored_and_remove_takes_only_one)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autoptr(GBytes) old_der = ct_test_generate_tomcat(0);
	g_autoptr(GBytes) new_der = ct_test_generate_tomcat(0);
	g_autofree gchar *old_sha = ct_test_bytes_sha256(old_der);
	g_autofree gchar *new_sha = ct_test_bytes_sha256(new_der);
	g_autoptr(GPtrArray) fingerprints = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	g_autoptr(CtNssDbEntry) gone = NULL;

	/* a regenerated Tomcat certificate: same subject, same nickname */
	ct_test_add_bytes(db, old_der, "ucm", "CP,,");
	ct_test_add_bytes(db, new_der, "ucm", "CP,,");
	entries = ct_test_list(db);
	cr_assert_eq(entries->len, 2);
	fingerprints = ct_test_certutil_fingerprints(dir, "ucm");
	cr_assert_eq(fingerprints->len, 2, "certutil -L -n ucm shows %u", fingerprints->len);
	cr_assert_eq(ct_test_certutil_count(dir), 2);

	cr_assert(ct_test_remove(db, old_sha));
	g_clear_pointer(&fingerprints, g_ptr_array_unref);
	fingerprints = ct_test_certutil_fingerprints(dir, "ucm");
	cr_assert_eq(fingerprints->len, 1);
	cr_assert_str_eq(g_ptr_array_index(fingerprints, 0), new_sha);
	ct_test_assert_certutil_trust(dir, "ucm", "CP,,");
	gone = ct_test_find(db, old_sha);
	cr_assert_null(gone);
}

Test(nssdb_db, remove_of_an_absent_certificate_is_not_an_error)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autofree gchar *leaf = ct_test_data_sha256("leaf.der");
	g_autofree gchar *ca = ct_test_data_sha256("ca.der");
	g_autoptr(GError) error = NULL;
	gboolean removed = TRUE;

	ct_test_add(db, "ca.der", "root", "C,,");
	cr_assert_not(ct_test_remove(db, leaf));
	cr_assert_eq(ct_test_certutil_count(dir), 1);
	/* lower case without colons names the same certificate */
	{
		g_autofree gchar *plain = g_ascii_strdown(ca, -1);
		g_autoptr(GString) str = g_string_new(plain);
		g_string_replace(str, ":", "", 0);
		cr_assert(ct_test_remove(db, str->str));
	}
	cr_assert_eq(ct_test_certutil_count(dir), 0);
	cr_assert_not(ct_nssdb_remove(db, "not-a-fingerprint", &removed, &error));
	ct_test_assert_error(error, CT_ERROR_INVALID_ARGS, "SHA-256");
	cr_assert_not(removed);
}

Test(nssdb_db, remove_then_add_again_in_one_process)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autofree gchar *sha256 = ct_test_data_sha256("leaf.der");

	ct_test_add(db, "leaf.der", "leaf", "CP,,");
	cr_assert(ct_test_remove(db, sha256));
	cr_assert_eq(ct_test_certutil_count(dir), 0);
	ct_test_add(db, "leaf.der", "leaf again", "P,,");
	ct_test_assert_certutil_trust(dir, "leaf again", "P,,");
	cr_assert_eq(ct_test_certutil_count(dir), 1);
}

Test(nssdb_db, removing_the_root_makes_certutil_reject_the_chain)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autofree gchar *ca = ct_test_data_sha256("ca.der");
	g_autofree gchar *inter = ct_test_data_path("inter.pem");
	g_autofree gchar *leaf = ct_test_data_path("leaf.der");
	g_autofree gchar *args = NULL;
	g_autofree gchar *verify = NULL;
	g_autofree gchar *db_arg = g_strconcat("sql:", dir, NULL);
	g_autofree gchar *quoted_db = g_shell_quote(db_arg);
	g_autoptr(CtTestRun) run = NULL;

	ct_test_add(db, "ca.der", "root", "C,,");
	args = g_strdup_printf("-A -n inter -t ,, -i '%s'", inter);
	g_free(ct_test_certutil(dir, args));
	g_free(args);
	args = g_strdup_printf("-A -n leaf -t ,, -i '%s'", leaf);
	g_free(ct_test_certutil(dir, args));
	verify = ct_test_certutil(dir, "-V -n leaf -u V");
	cr_assert(strstr(verify, "certificate is valid") != NULL, "%s", verify);

	cr_assert(ct_test_remove(db, ca));
	run = ct_test_shell("certutil -V -d %s -n leaf -u V", quoted_db);
	cr_assert_neq(run->exit_status, 0, "still valid: %s", run->out);
}

Test(nssdb_db, create_on_an_empty_directory_makes_a_database_certutil_opens)
{
	g_autofree gchar *dir = ct_test_mkdir("new");
	g_autofree gchar *cert9 = g_build_filename(dir, "cert9.db", NULL);
	g_autofree gchar *key4 = g_build_filename(dir, "key4.db", NULL);
	g_autofree gchar *db_arg = g_strconcat("sql:", dir, NULL);
	g_autofree gchar *quoted_db = g_shell_quote(db_arg);
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) keys = NULL;

	{
		g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
		g_autoptr(GPtrArray) entries = ct_test_list(db);
		cr_assert_eq(entries->len, 0);
	}
	cr_assert(g_file_test(cert9, G_FILE_TEST_IS_REGULAR));
	cr_assert(g_file_test(key4, G_FILE_TEST_IS_REGULAR));
	run = ct_test_shell("certutil -L -d %s 2>&1", quoted_db);
	cr_assert_eq(run->exit_status, 0, "%s", run->out);
	/* initialised with the empty password, like certutil -N --empty-password */
	cr_assert(strstr(run->out, "needs user init") == NULL, "%s", run->out);
	keys = ct_test_shell("certutil -K -d %s </dev/null 2>&1", quoted_db);
	cr_assert(strstr(keys->out, "Enter Password") == NULL, "%s", keys->out);

	/* and it opens again without create */
	{
		g_autoptr(CtNssDb) again = ct_test_open(dir, FALSE);
		ct_test_add(again, "leaf.der", "leaf", "CP,,");
	}
	ct_test_assert_certutil_trust(dir, "leaf", "CP,,");
}

Test(nssdb_db, a_missing_directory_is_not_found)
{
	g_autofree gchar *dir = g_build_filename(ct_test_dir, "missing", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNssDb) db = ct_nssdb_open(dir, TRUE, &error);

	cr_assert_null(db);
	ct_test_assert_error(error, CT_ERROR_NOT_FOUND, dir);
	cr_assert_not(g_file_test(dir, G_FILE_TEST_EXISTS));
}

Test(nssdb_db, no_database_without_create_is_not_found_and_creates_nothing)
{
	g_autofree gchar *dir = ct_test_mkdir("empty");
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNssDb) db = ct_nssdb_open(dir, FALSE, &error);
	g_autoptr(GDir) listing = NULL;

	cr_assert_null(db);
	ct_test_assert_error(error, CT_ERROR_NOT_FOUND, dir);
	listing = g_dir_open(dir, 0, NULL);
	cr_assert_null(g_dir_read_name(listing), "files appeared in %s", dir);
}

Test(nssdb_db, a_corrupt_database_is_invalid_data_naming_the_directory)
{
	g_autofree gchar *dir = ct_test_mkdir("corrupt");
	g_autofree gchar *cert9 = g_build_filename(dir, "cert9.db", NULL);
	guint8 garbage[8192];
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNssDb) db = NULL;

	for (gsize i = 0; i < sizeof(garbage); i++)
		garbage[i] = (guint8)g_random_int();
	cr_assert(g_file_set_contents(cert9, (const gchar *)garbage, sizeof(garbage), NULL));
	db = ct_nssdb_open(dir, TRUE, &error);
	cr_assert_null(db);
	ct_test_assert_error(error, CT_ERROR_INVALID_DATA, dir);
	g_clear_error(&error);
	db = ct_nssdb_open(dir, FALSE, &error);
	cr_assert_null(db);
	ct_test_assert_error(error, CT_ERROR_INVALID_DATA, dir);
}

/* NSS 3.87 spins forever on some of these: the check before it must catch them all */
Test(nssdb_db, a_database_with_damaged_pages_is_invalid_data)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.der");
	g_autofree gchar *ca = ct_test_data_path("ca.der");
	g_autofree gchar *add_leaf = g_strdup_printf("-A -n leaf -t CP,, -i '%s'", leaf);
	g_autofree gchar *add_ca = g_strdup_printf("-A -n root -t C,, -i '%s'", ca);
	const goffset offsets[] = {1024, 4096, 8192, 12000, 16384};

	for (guint i = 0; i < G_N_ELEMENTS(offsets); i++) {
		g_autofree gchar *name = g_strdup_printf("damaged-%u", i);
		g_autofree gchar *dir = ct_test_mkdir(name);
		g_autofree gchar *cert9 = g_build_filename(dir, "cert9.db", NULL);
		g_autoptr(GRand) rand = g_rand_new_with_seed(i);
		g_autoptr(GError) error = NULL;
		g_autoptr(CtNssDb) db = NULL;
		guint8 garbage[4096];
		FILE *file;

		g_free(ct_test_certutil(dir, add_leaf));
		g_free(ct_test_certutil(dir, add_ca));
		for (gsize j = 0; j < sizeof(garbage); j++)
			garbage[j] = (guint8)g_rand_int(rand);
		file = fopen(cert9, "r+b");
		cr_assert_not_null(file);
		cr_assert_eq(fseeko(file, offsets[i], SEEK_SET), 0);
		cr_assert_eq(fwrite(garbage, 1, sizeof(garbage), file), sizeof(garbage));
		cr_assert_eq(fclose(file), 0);

		db = ct_nssdb_open(dir, FALSE, &error);
		cr_assert_null(db, "damaged at %u: opened", (guint)offsets[i]);
		ct_test_assert_error(error, CT_ERROR_INVALID_DATA, dir);
	}
}

Test(nssdb_db, a_locked_database_is_busy)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autofree gchar *cert9 = g_build_filename(dir, "cert9.db", NULL);
	g_autoptr(GSubprocess) holder = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	g_autofree gchar *line = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNssDb) db = NULL;
	const gchar *script = "import sqlite3, sys\n"
			      "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
			      "c.execute('begin exclusive')\n"
			      "print('locked', flush=True)\n"
			      "sys.stdin.read()\n";

	g_free(ct_test_certutil(dir, "-N --empty-password"));
	holder = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
				  &error, "python3", "-c", script, cert9, NULL);
	if (holder == NULL)
		ct_test_skip("python3 is not available to hold a SQLite lock");
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(holder));
	line = g_data_input_stream_read_line(out, NULL, NULL, NULL);
	cr_assert_str_eq(line, "locked");

	db = ct_nssdb_open(dir, FALSE, &error);
	cr_assert_null(db);
	ct_test_assert_error(error, CT_ERROR_BUSY, dir);

	cr_assert(g_output_stream_close(g_subprocess_get_stdin_pipe(holder), NULL, NULL));
	cr_assert(g_subprocess_wait(holder, NULL, NULL));
	g_clear_error(&error);
	db = ct_nssdb_open(dir, FALSE, &error);
	cr_assert_not_null(db, "%s", error != NULL ? error->message : "");
}

/* in a child: make dir read-only, then check what open/add/remove/list say;
 * 0 passed, 77 the read-only mount is not possible here, anything else failed */
static gint
ct_test_read_only_child(const gchar *dir, const gchar *empty, const gchar *sha256)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNssDb) db = NULL;
	g_autoptr(CtNssDb) none = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	g_autoptr(GBytes) der = ct_test_data_bytes("ca.der");
	gboolean removed = TRUE;
	const gchar *const dirs[] = {dir, empty};

	if (geteuid() == 0) {
		/* root ignores modes: a read-only bind mount in a mount namespace of our own */
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
			return 77;
		for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
			if (mount(dirs[i], dirs[i], NULL, MS_BIND, NULL) != 0 ||
			    mount(NULL, dirs[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) != 0)
				return 77;
		}
	} else {
		if (g_chmod(dir, 0500) != 0 || g_chmod(empty, 0500) != 0)
			return 77;
	}

	/* nothing can be created in an empty read-only directory */
	none = ct_nssdb_open(empty, TRUE, &error);
	if (none != NULL || !g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED) ||
	    strstr(error->message, empty) == NULL) {
		g_printerr("create in read-only %s: %s\n", empty,
			   error != NULL ? error->message : "succeeded");
		return 1;
	}
	g_clear_error(&error);

	/* an existing database can still be listed, but not changed */
	db = ct_nssdb_open(dir, FALSE, &error);
	if (db == NULL) {
		g_printerr("open read-only %s: %s\n", dir, error->message);
		return 2;
	}
	entries = ct_nssdb_list(db, &error);
	if (entries == NULL || entries->len != 1) {
		g_printerr("list read-only %s: %u entries\n", dir,
			   entries != NULL ? entries->len : 0);
		return 3;
	}
	if (ct_nssdb_add(db, der, "root", "C,,", &error) ||
	    !g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED) ||
	    strstr(error->message, dir) == NULL) {
		g_printerr("add to read-only %s: %s\n", dir,
			   error != NULL ? error->message : "succeeded");
		return 4;
	}
	g_clear_error(&error);
	if (ct_nssdb_remove(db, sha256, &removed, &error) ||
	    !g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED) || removed) {
		g_printerr("remove from read-only %s: %s\n", dir,
			   error != NULL ? error->message : "succeeded");
		return 5;
	}
	return 0;
}

Test(nssdb_db, a_read_only_directory_is_permission_denied)
{
	g_autofree gchar *dir = ct_test_mkdir("ro");
	g_autofree gchar *empty = ct_test_mkdir("ro-empty");
	g_autofree gchar *leaf = ct_test_data_path("leaf.der");
	g_autofree gchar *sha256 = ct_test_data_sha256("leaf.der");
	g_autofree gchar *args = g_strdup_printf("-A -n leaf -t CP,, -i '%s'", leaf);
	gint status = 0;
	pid_t pid;

	g_free(ct_test_certutil(dir, args));
	/* NSS is not initialised in this process yet: the child starts it afresh */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		gint code = ct_test_read_only_child(dir, empty, sha256);
		ct_nssdb_shutdown();
		_exit(code);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the child crashed: status %d", status);
	if (WEXITSTATUS(status) == 77)
		ct_test_skip("cannot make a read-only directory here (no mount namespace)");
	cr_assert_eq(WEXITSTATUS(status), 0, "read-only check %d failed (see stderr)",
		     WEXITSTATUS(status));
	/* still there, untouched */
	ct_test_assert_certutil_trust(dir, "leaf", "CP,,");
	cr_assert_eq(ct_test_certutil_count(dir), 1);
}

Test(nssdb_db, a_password_protected_database_is_refused_untouched)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autofree gchar *password = g_build_filename(ct_test_dir, "password", NULL);
	g_autofree gchar *args = g_strdup_printf("-N -f '%s'", password);
	g_autoptr(CtNssDb) db = NULL;
	g_autoptr(GBytes) der = ct_test_data_bytes("leaf.der");
	g_autoptr(GError) error = NULL;

	cr_assert(g_file_set_contents(password, "secret password\n", -1, NULL));
	g_free(ct_test_certutil(dir, args));
	db = ct_test_open(dir, FALSE);
	cr_assert_not(ct_nssdb_add(db, der, "leaf", "CP,,", &error));
	ct_test_assert_error(error, CT_ERROR_PERMISSION_DENIED, dir);
	cr_assert_eq(ct_test_certutil_count(dir), 0);
}

Test(nssdb_db, distrust_and_odd_trust_strings_are_refused)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autoptr(GBytes) der = ct_test_data_bytes("tomcat.der");
	const gchar *bad[] = {"p,,",  "Cp,,", "pC,,", "P,,p", "c,,", "CPT,,", "CC,,", ",,",
			      "C,C,", "C,,C", "C",    "CP",   "X,,", "C ,,",  "",     "C,,,"};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		cr_assert_not(ct_nssdb_add(db, der, "tomcat", bad[i], &error), "\"%s\" accepted",
			      bad[i]);
		ct_test_assert_error(error, CT_ERROR_INVALID_ARGS, "tomcat");
	}
	{
		g_autoptr(GError) error = NULL;
		cr_assert_not(ct_nssdb_add(db, der, "", "CP,,", &error));
		ct_test_assert_error(error, CT_ERROR_INVALID_ARGS, "nickname");
	}
	cr_assert_eq(ct_test_certutil_count(dir), 0);
}

Test(nssdb_db, invalid_certificates_are_invalid_data)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	const gchar *names[] = {"truncated.der", "empty.der", "leaf.pem"};

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(GBytes) der = ct_test_data_bytes(names[i]);
		g_autoptr(GError) error = NULL;
		cr_assert_not(ct_nssdb_add(db, der, "bad", "CP,,", &error), "%s", names[i]);
		ct_test_assert_error(error, CT_ERROR_INVALID_DATA, "bad");
	}
	cr_assert_eq(ct_test_certutil_count(dir), 0);
}

Test(nssdb_db, another_certificate_with_the_same_issuer_and_serial_is_refused)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autoptr(GBytes) first = ct_test_generate_tomcat(0x4242);
	g_autoptr(GBytes) second = ct_test_generate_tomcat(0x4242);
	g_autofree gchar *first_sha = ct_test_bytes_sha256(first);
	g_autoptr(GPtrArray) fingerprints = NULL;
	g_autoptr(GError) error = NULL;

	cr_assert_not(g_bytes_equal(first, second));
	ct_test_add_bytes(db, first, "ucm", "CP,,");
	cr_assert_not(ct_nssdb_add(db, second, "ucm-new", "CP,,", &error));
	ct_test_assert_error(error, CT_ERROR_INVALID_DATA, "ucm-new");
	fingerprints = ct_test_certutil_fingerprints(dir, "ucm");
	cr_assert_eq(fingerprints->len, 1);
	cr_assert_str_eq(g_ptr_array_index(fingerprints, 0), first_sha);
	cr_assert_eq(ct_test_certutil_count(dir), 1);
}

Test(nssdb_db, a_database_made_by_certutil_is_listed_as_certutil_shows_it)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	const gchar *files[] = {"leaf.der", "ca.der", "tomcat.der", "inter.pem"};
	const gchar *nicknames[] = {"leaf", "root CA", "tomcat", "intermediate"};
	const gchar *trusts[] = {"CP,,", "C,,", "P,,", ",,"};
	g_autoptr(CtNssDb) db = NULL;
	g_autoptr(GPtrArray) entries = NULL;

	g_free(ct_test_certutil(dir, "-N --empty-password"));
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *path = ct_test_data_path(files[i]);
		g_autofree gchar *args = g_strdup_printf("-A -n '%s' -t '%s' -i '%s'", nicknames[i],
							 trusts[i], path);
		g_free(ct_test_certutil(dir, args));
	}

	db = ct_test_open(dir, FALSE);
	entries = ct_test_list(db);
	cr_assert_eq(entries->len, G_N_ELEMENTS(files));
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autoptr(GPtrArray)
		    fingerprints = ct_test_certutil_fingerprints(dir, nicknames[i]);
		g_autoptr(CtNssDbEntry) entry = NULL;

		cr_assert_eq(fingerprints->len, 1);
		entry = ct_test_find(db, g_ptr_array_index(fingerprints, 0));
		cr_assert_not_null(entry, "%s is not found", nicknames[i]);
		cr_assert_str_eq(entry->nickname, nicknames[i]);
		cr_assert_str_eq(entry->trust, trusts[i]);
		cr_assert_str_eq(entry->sha256, g_ptr_array_index(fingerprints, 0));
	}
}

Test(nssdb_db, a_directory_with_quotes_and_spaces_works)
{
	g_autofree gchar *dir = ct_test_mkdir("it's a \"db\" \\ dir");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);

	ct_test_add(db, "leaf.der", "leaf", "CP,,");
	ct_test_assert_certutil_trust(dir, "leaf", "CP,,");
}

Test(nssdb_db, two_processes_adding_at_once_both_get_in)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	const gchar *files[] = {"leaf.der", "tomcat.der", "ca.der"};
	const gchar *nicknames[] = {"leaf", "tomcat", "root"};
	GPid pids[G_N_ELEMENTS(files)];
	const gchar *writer = g_getenv("CT_TEST_NSSDB_ADD");
	g_autofree gchar *ca_leaf = ct_test_data_path("ca-leaf.pem");
	g_autofree gchar *args = g_strdup_printf("-A -n ca-leaf -t C,, -i '%s'", ca_leaf);

	cr_assert_not_null(writer, "CT_TEST_NSSDB_ADD is not set: run the tests with meson test");
	g_free(ct_test_certutil(dir, "-N --empty-password"));
	/* three of our writers, each a process of its own, and certutil as a fourth, all at
	 * the same time: SQLite's locking must let every one in */
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *der = ct_test_data_path(files[i]);
		const gchar *argv[] = {writer, dir, der, nicknames[i], "CP,,", NULL};
		g_autoptr(GError) error = NULL;
		cr_assert(g_spawn_async(NULL, (gchar **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
					NULL, &pids[i], &error),
			  "%s: %s", writer, error != NULL ? error->message : "");
	}
	g_free(ct_test_certutil(dir, args));
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		gint status = 0;
		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "writer %s failed: status %d", nicknames[i], status);
	}
	cr_assert_eq(ct_test_certutil_count(dir), 4);
	for (guint i = 0; i < G_N_ELEMENTS(files); i++)
		ct_test_assert_certutil_trust(dir, nicknames[i], "CP,,");
	ct_test_assert_certutil_trust(dir, "ca-leaf", "C,,");
}

Test(nssdb_db, find_takes_any_spelling_and_absent_is_null)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autofree gchar *sha256 = ct_test_data_sha256("leaf.der");
	g_autofree gchar *lower = g_ascii_strdown(sha256, -1);
	g_autofree gchar *ca = ct_test_data_sha256("ca.der");
	g_autoptr(CtNssDbEntry) entry = NULL;
	g_autoptr(CtNssDbEntry) absent = NULL;
	g_autoptr(CtNssDbEntry) bad = NULL;
	g_autoptr(GError) error = NULL;

	ct_test_add(db, "leaf.der", "leaf", "CP,,");
	entry = ct_test_find(db, lower);
	cr_assert_not_null(entry);
	cr_assert_str_eq(entry->sha256, sha256);
	absent = ct_test_find(db, ca);
	cr_assert_null(absent);
	bad = ct_nssdb_find(db, "AB:CD", &error);
	cr_assert_null(bad);
	ct_test_assert_error(error, CT_ERROR_INVALID_ARGS, "SHA-256");
}

/* the user's own trust put back exactly, distrust and S/MIME fields included; a trust
 * string NSS cannot read and a certificate not there are errors */
Test(nssdb_db, set_trust_puts_back_any_trust)
{
	g_autofree gchar *dir = ct_test_mkdir("db");
	g_autoptr(CtNssDb) db = ct_test_open(dir, TRUE);
	g_autofree gchar *sha256 = ct_test_data_sha256("tomcat.der");
	g_autofree gchar *other = ct_test_data_sha256("leaf.der");
	const gchar *trusts[] = {"p,,", "CT,C,C", "P,C,C", ",,"};

	ct_test_add(db, "tomcat.der", "mine", "P,,");
	for (guint i = 0; i < G_N_ELEMENTS(trusts); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(CtNssDbEntry) entry = NULL;

		cr_assert(ct_nssdb_set_trust(db, sha256, trusts[i], &error), "%s: %s", trusts[i],
			  error != NULL ? error->message : "");
		ct_test_assert_certutil_trust(dir, "mine", trusts[i]);
		entry = ct_test_find(db, sha256);
		cr_assert_str_eq(entry->trust, trusts[i]);
		cr_assert_str_eq(entry->nickname, "mine");
	}
	{
		g_autoptr(GError) error = NULL;
		cr_assert_not(ct_nssdb_set_trust(db, sha256, "P,", &error));
		ct_test_assert_error(error, CT_ERROR_INVALID_ARGS, "P,");
	}
	{
		g_autoptr(GError) error = NULL;
		cr_assert_not(ct_nssdb_set_trust(db, other, "P,,", &error));
		ct_test_assert_error(error, CT_ERROR_NOT_FOUND, dir);
	}
	cr_assert_eq(ct_test_certutil_count(dir), 1);
}
