/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "ct-chain.h"
#include "ct-test.h"

/* chain files made to mislead or to stall. An unrelated CA put first must not
 * become "the leaf" (the leaf is found by structure; two candidates are refused), and
 * thousands of certificates with one name (in an issuer loop, or without key identifiers)
 * are ordered or refused in bounded, near-linear time. Files are made here by openssl and
 * by tests/lib/chain-gen (libcrypto); the witness for the leaf is openssl's fingerprint */

static gchar *tmpdir = NULL;

static gchar *
chain_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static void
chain_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	g_free(ct_test_private_home(tmpdir));
}

static void
chain_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(chain, .init = chain_setup, .fini = chain_teardown, .timeout = 120);

/* in tmpdir: root.pem (a CA), leaf.pem (www.bank.example, CA:FALSE, issued by root),
 * other.pem (an unrelated CA), other-leaf.pem (another server certificate, self-signed) */
static void
chain_make_files(void)
{
	g_autofree gchar *script = g_strdup_printf(
	    "set -e; cd '%s'; "
	    "printf '[req]\\ndistinguished_name=dn\\n[dn]\\n[ca]\\nbasicConstraints=critical,"
	    "CA:TRUE\\nkeyUsage=keyCertSign,cRLSign\\n[leaf]\\nbasicConstraints=CA:FALSE\\n"
	    "subjectAltName=DNS:www.bank.example\\n' > x.cnf; "
	    "for k in root other leaf other-leaf; do "
	    "openssl ecparam -name prime256v1 -genkey -noout -out $k.key; done; "
	    "openssl req -x509 -new -key root.key -subj '/CN=Bank Root CA' -days 3650 "
	    "-config x.cnf -extensions ca -out root.pem; "
	    "openssl req -x509 -new -key other.key -subj '/CN=Unrelated CA' -days 3650 "
	    "-config x.cnf -extensions ca -out other.pem; "
	    "openssl req -x509 -new -key other-leaf.key -subj '/CN=www.other.example' "
	    "-days 3650 -config x.cnf -extensions leaf -out other-leaf.pem; "
	    "openssl req -new -key leaf.key -subj '/CN=www.bank.example' -config x.cnf "
	    "-out leaf.csr; "
	    "openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 5 "
	    "-days 365 -extfile x.cnf -extensions leaf -out leaf.pem",
	    tmpdir);
	g_autoptr(CtTestRun) run = ct_test_run_shell(script);

	cr_assert_eq(run->exit_status, 0, "making the files: %s", run->err);
}

/* a file in tmpdir holding the named files of tmpdir in that order */
static gchar *
chain_concatenate(const gchar *out, const gchar *const *names)
{
	g_autoptr(GString) text = g_string_new(NULL);
	gchar *path = chain_path(out);

	for (guint i = 0; names[i] != NULL; i++) {
		g_autofree gchar *in = chain_path(names[i]);
		g_autofree gchar *contents = NULL;
		cr_assert(g_file_get_contents(in, &contents, NULL, NULL), "%s", in);
		g_string_append(text, contents);
	}
	cr_assert(g_file_set_contents(path, text->str, (gssize)text->len, NULL));
	return path;
}

/* openssl's SHA-256 fingerprint of a PEM file's first certificate */
static gchar *
chain_openssl_sha256(const gchar *path)
{
	g_autofree gchar *cmd =
	    g_strdup_printf("openssl x509 -in '%s' -noout -fingerprint -sha256 | cut -d= -f2",
			    path);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	return g_strdup(g_strstrip(run->out));
}

/* `certtrust show FILE --json`: the leaf's sha256, and the roles in order */
static gchar *
chain_show_leaf(const gchar *file, guint *count)
{
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("show", file, "--json", NULL);
	g_autoptr(JsonNode) document = NULL;
	JsonArray *certificates;

	cr_assert_eq(run->exit_status, 0, "%s: %s", file, run->err);
	document = ct_test_parse_one_json_document(run->out);
	certificates = json_object_get_array_member(json_node_get_object(document), "certificates");
	*count = json_array_get_length(certificates);
	return g_strdup(
	    json_object_get_string_member(json_array_get_object_element(certificates, 0),
					  "sha256"));
}

Test(chain, an_unrelated_ca_first_does_not_become_the_leaf)
{
	const gchar *ca_first[] = {"other.pem", "leaf.pem", "root.pem", NULL};
	const gchar *ca_last[] = {"leaf.pem", "root.pem", "other.pem", NULL};
	const gchar *root_first[] = {"root.pem", "other.pem", "leaf.pem", NULL};
	const gchar *const *orders[] = {ca_first, ca_last, root_first};
	g_autofree gchar *leaf = NULL;

	chain_make_files();
	leaf = chain_openssl_sha256(chain_path("leaf.pem"));
	for (guint i = 0; i < G_N_ELEMENTS(orders); i++) {
		g_autofree gchar *name = g_strdup_printf("order-%u.pem", i);
		g_autofree gchar *file = chain_concatenate(name, orders[i]);
		guint count = 0;
		g_autofree gchar *shown = chain_show_leaf(file, &count);
		cr_assert_str_eq(shown, leaf, "order %u: the leaf is www.bank.example's", i);
		cr_assert_eq(count, 3);
	}
}

Test(chain, trust_of_a_file_with_an_unrelated_ca_first_trusts_the_server_certificate)
{
	const gchar *ca_first[] = {"other.pem", "leaf.pem", "root.pem", NULL};
	g_autofree gchar *file = NULL;
	g_autofree gchar *db = chain_path("db");
	g_autofree gchar *store = g_strconcat("nss:", db, NULL);
	g_autofree gchar *list = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) certutil = NULL;

	chain_make_files();
	file = chain_concatenate("ca-first.pem", ca_first);
	run = ct_test_run_certtrust("trust", file, "--store", store, "--create", "--name",
				    "www.bank.example", NULL);
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	list = g_strdup_printf("certutil -L -d 'sql:%s'", db);
	certutil = ct_test_run_shell(list);
	cr_assert_eq(certutil->exit_status, 0, "%s", certutil->err);
	cr_assert_not_null(strstr(certutil->out, "certtrust-www.bank.example"), "%s",
			   certutil->out);
	cr_assert_null(strstr(certutil->out, "Unrelated"), "%s", certutil->out);
}

Test(chain, two_server_certificates_in_a_file_are_refused_as_ambiguous)
{
	const gchar *two[] = {"leaf.pem", "root.pem", "other-leaf.pem", NULL};
	g_autofree gchar *file = NULL;
	g_autoptr(CtTestRun) run = NULL;

	chain_make_files();
	file = chain_concatenate("two.pem", two);
	run = ct_test_run_certtrust("show", file, NULL);
	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->err, "2 certificates could be the server's"), "%s",
			   run->err);
	cr_assert_not_null(strstr(run->err, "www.other.example"), "%s", run->err);
	cr_assert_not_null(strstr(run->err, "www.bank.example"), "%s", run->err);
}

/* tests/lib/chain-gen SHAPE N into tmpdir/NAME */
static gchar *
chain_generate(const gchar *shape, guint n)
{
	g_autofree gchar *name = g_strdup_printf("%s-%u.pem", shape, n);
	gchar *path = chain_path(name);
	g_autofree gchar *count = g_strdup_printf("%u", n);
	const gchar *argv[] = {g_getenv("CT_TEST_CHAIN_GEN"), shape, count, path, NULL};
	g_autoptr(CtTestRun) run = NULL;

	cr_assert_not_null(argv[0], "CT_TEST_CHAIN_GEN is not set");
	run = ct_test_run(argv, NULL);
	cr_assert_eq(run->exit_status, 0, "chain-gen: %s", run->err);
	return path;
}

/* certtrust ARGS..., and how long it took in seconds */
static CtTestRun *
chain_timed_show(const gchar *file, gdouble *seconds)
{
	gint64 start = g_get_monotonic_time();
	CtTestRun *run = ct_test_run_certtrust("show", file, "--json", NULL);

	*seconds = (gdouble)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
	return run;
}

/* 500 certificates of one name in an issuer loop took 112 s; a loop has no leaf */
Test(chain, an_issuer_loop_of_500_same_named_certificates_is_refused_quickly)
{
	const gchar *shapes[] = {"cycle", "cycle-bare"};

	for (guint i = 0; i < G_N_ELEMENTS(shapes); i++) {
		g_autofree gchar *file = chain_generate(shapes[i], 500);
		gdouble seconds = 0;
		g_autoptr(CtTestRun) run = chain_timed_show(file, &seconds);

		cr_assert_eq(run->exit_status, 1, "%s: %s%s", shapes[i], run->out, run->err);
		cr_assert(strstr(run->out, "no leaf") != NULL ||
			      strstr(run->out, "too many certificates named") != NULL,
			  "%s: %s", shapes[i], run->out);
		/* the machine may be loaded and ASan slows it: 112 s before, well under 1 s */
		cr_assert_lt(seconds, 15.0, "%s: %.1f s", shapes[i], seconds);
	}
}

Test(chain, a_path_of_500_same_named_certificates_is_ordered_quickly)
{
	g_autofree gchar *file = chain_generate("line", 500);
	g_autofree gchar *leaf_file = g_strconcat(file, ".leaf", NULL);
	g_autofree gchar *leaf = chain_openssl_sha256(leaf_file);
	g_autofree gchar *shown = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) document = NULL;
	JsonArray *certificates;
	gdouble seconds = 0;

	run = chain_timed_show(file, &seconds);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert_lt(seconds, 15.0, "%.1f s", seconds);
	document = ct_test_parse_one_json_document(run->out);
	certificates = json_object_get_array_member(json_node_get_object(document), "certificates");
	cr_assert_eq(json_array_get_length(certificates), 500);
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(certificates,
										     0),
						       "sha256"),
			 leaf);
}

/* without key identifiers each certificate's issuer hides among 499 keys: the work is
 * bounded, and the file refused, before it grows quadratic */
Test(chain, a_path_of_same_named_certificates_without_key_ids_is_bounded)
{
	g_autofree gchar *file = chain_generate("line-bare", 500);
	gdouble seconds = 0;
	g_autoptr(CtTestRun) run = chain_timed_show(file, &seconds);

	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "too many certificates named CN=www.same-name.example"),
			   "%s", run->out);
	cr_assert_lt(seconds, 15.0, "%.1f s", seconds);
}

Test(chain, more_certificates_than_the_limit_are_refused)
{
	g_autofree gchar *file = chain_generate("cycle", CT_CHAIN_MAX_CERTIFICATES + 1);
	g_autofree gchar *expected = NULL;
	gdouble seconds = 0;
	g_autoptr(CtTestRun) run = chain_timed_show(file, &seconds);

	cr_assert_eq(run->exit_status, 1, "%s%s", run->out, run->err);
	expected = g_strdup_printf("%u certificates, more than %u", CT_CHAIN_MAX_CERTIFICATES + 1,
				   CT_CHAIN_MAX_CERTIFICATES);
	cr_assert_not_null(strstr(run->out, expected), "%s", run->out);
	cr_assert_lt(seconds, 15.0, "%.1f s", seconds);
}
