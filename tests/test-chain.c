#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include "ct-chain.h"
#include "ct-test.h"

static GError *
ct_test_load_error(const gchar *name)
{
	g_autofree gchar *path = ct_test_data_path(name);
	GError *error = NULL;
	g_autoptr(CtChain) chain = ct_chain_load_file(path, NULL, &error);
	cr_assert_null(chain, "%s loaded but should not", name);
	cr_assert_not_null(error);
	cr_assert(strstr(error->message, path) != NULL, "the message names the file: %s",
		  error->message);
	return error;
}

static const gchar *
ct_test_sha256(CtChain *chain, guint index)
{
	CtCertificate *certificate = g_ptr_array_index(chain->certificates, index);
	return certificate->sha256;
}

TestSuite(chain, .timeout = 30);

Test(chain, every_input_format_gives_the_same_leaf)
{
	const gchar *names[] = {"leaf.der",	      "leaf.pem",	  "leaf-crlf.pem",
				"leaf-cr.pem",	      "leaf-windows.cer", "chain.pem",
				"chain-shuffled.pem", "chain.p7b",	  "chain-p7.pem",
				"leaf-inter.pem"};
	g_autoptr(CtChain) reference = ct_test_load_chain("leaf.der");

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(CtChain) chain = ct_test_load_chain(names[i]);
		cr_assert_str_eq(ct_test_sha256(chain, 0), ct_test_sha256(reference, 0), "%s",
				 names[i]);
	}
}

Test(chain, shuffled_chain_is_ordered_leaf_to_root)
{
	g_autoptr(CtChain) ordered = ct_test_load_chain("chain.pem");
	g_autoptr(CtChain) shuffled = ct_test_load_chain("chain-shuffled.pem");

	cr_assert_eq(shuffled->certificates->len, 3);
	cr_assert_eq(shuffled->path_length, 3);
	for (guint i = 0; i < 3; i++)
		cr_assert_str_eq(ct_test_sha256(shuffled, i), ct_test_sha256(ordered, i));
	cr_assert_eq(ct_chain_get_role(shuffled, 0), CT_CHAIN_ROLE_LEAF);
	cr_assert_eq(ct_chain_get_role(shuffled, 1), CT_CHAIN_ROLE_INTERMEDIATE);
	cr_assert_eq(ct_chain_get_role(shuffled, 2), CT_CHAIN_ROLE_ROOT);
}

Test(chain, chain_without_root_has_no_root_role)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("leaf-inter.pem");
	cr_assert_eq(chain->path_length, 2);
	cr_assert_eq(ct_chain_get_role(chain, 1), CT_CHAIN_ROLE_INTERMEDIATE);
}

Test(chain, unrelated_certificates_stay_off_the_path)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *contents = NULL;
	g_autofree gchar *more = NULL;
	g_autofree gchar *both = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(CtChain) chain = NULL;

	cr_assert(g_file_get_contents(leaf, &contents, NULL, NULL));
	cr_assert(g_file_get_contents(tomcat, &more, NULL, NULL));
	both = g_strconcat(contents, more, NULL);
	bytes = g_bytes_new(both, strlen(both));
	chain = ct_chain_load_bytes("test", bytes, &error);
	cr_assert_not_null(chain);
	cr_assert_eq(chain->certificates->len, 2);
	cr_assert_eq(chain->path_length, 1);
	cr_assert_eq(ct_chain_get_role(chain, 1), CT_CHAIN_ROLE_UNRELATED);
}

Test(chain, a_certificate_twice_counts_once)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *contents = NULL;
	g_autofree gchar *twice = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(CtChain) chain = NULL;

	cr_assert(g_file_get_contents(leaf, &contents, NULL, NULL));
	twice = g_strconcat(contents, contents, NULL);
	bytes = g_bytes_new(twice, strlen(twice));
	chain = ct_chain_load_bytes("test", bytes, NULL);
	cr_assert_not_null(chain);
	cr_assert_eq(chain->certificates->len, 1);
}

Test(chain, bare_base64_without_armour_is_read)
{
	g_autoptr(GBytes) der = ct_test_data_bytes("leaf.der");
	g_autofree gchar *b64 = g_base64_encode(g_bytes_get_data(der, NULL), g_bytes_get_size(der));
	g_autoptr(GBytes) bytes = g_bytes_new(b64, strlen(b64));
	g_autoptr(CtChain) chain = ct_chain_load_bytes("test", bytes, NULL);
	cr_assert_not_null(chain);
	cr_assert_eq(chain->certificates->len, 1);
}

Test(chain, private_key_blocks_are_skipped_not_shown)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *key = ct_test_data_path("leaf.key");
	g_autofree gchar *a = NULL;
	g_autofree gchar *b = NULL;
	g_autofree gchar *key_only = NULL;
	g_autofree gchar *both = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GBytes) key_bytes = NULL;
	g_autoptr(CtChain) chain = NULL;
	g_autoptr(GError) error = NULL;

	cr_assert(g_file_get_contents(leaf, &a, NULL, NULL));
	cr_assert(g_file_get_contents(key, &b, NULL, NULL));
	both = g_strconcat(b, a, NULL);
	bytes = g_bytes_new(both, strlen(both));
	chain = ct_chain_load_bytes("test", bytes, &error);
	cr_assert_not_null(chain);
	cr_assert_eq(chain->certificates->len, 1);

	key_bytes = g_bytes_new(b, strlen(b));
	cr_assert_null(ct_chain_load_bytes("test", key_bytes, &error));
	cr_assert(strstr(error->message, "no certificate") != NULL, "%s", error->message);
}

Test(chain, empty_file_is_invalid_data)
{
	g_autoptr(GError) error = ct_test_load_error("empty.der");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	cr_assert(strstr(error->message, "empty") != NULL, "%s", error->message);
}

Test(chain, truncated_der_is_invalid_data)
{
	g_autoptr(GError) error = ct_test_load_error("truncated.der");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
}

Test(chain, broken_base64_is_invalid_data)
{
	g_autoptr(GError) error = ct_test_load_error("broken-base64.pem");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	cr_assert(strstr(error->message, "base64") != NULL, "%s", error->message);
}

Test(chain, pkcs7_without_certificates_is_invalid_data)
{
	g_autoptr(GError) error = ct_test_load_error("empty.p7b");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
}

Test(chain, mismatched_end_line_is_invalid_data)
{
	g_autoptr(GError) error = ct_test_load_error("mismatched-end.pem");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
}

Test(chain, missing_file_is_not_found)
{
	g_autoptr(GError) error = ct_test_load_error("no-such-file.pem");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_FOUND));
}

Test(chain, directory_is_refused_as_invalid_data)
{
	g_autofree gchar *dir = ct_test_data_path("");
	g_autoptr(GError) error = NULL;
	g_autoptr(CtChain) chain = ct_chain_load_file(dir, NULL, &error);
	cr_assert_null(chain);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA), "%s", error->message);
	cr_assert(strstr(error->message, "directory") != NULL, "%s", error->message);
}

Test(chain, ten_megabytes_of_garbage_fail_fast)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(7);
	g_autofree guint8 *buf = g_malloc(10 * 1024 * 1024);
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();

	for (gsize i = 0; i < 10 * 1024 * 1024; i++)
		buf[i] = (guint8)g_rand_int(rand);
	/* the worst case: garbage that starts like DER */
	buf[0] = 0x30;
	bytes = g_bytes_new(buf, 10 * 1024 * 1024);
	cr_assert_null(ct_chain_load_bytes("garbage", bytes, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	cr_assert_lt(g_get_monotonic_time() - start, 5 * G_USEC_PER_SEC);
}

Test(chain, problem_names_follow_the_design)
{
	g_autoptr(CtChain) chain = ct_chain_new("x");
	g_autoptr(GPtrArray) names = NULL;

	chain->problems = G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_EXPIRED;
	names = ct_chain_get_problem_names(chain);
	cr_assert_eq(names->len, 2);
	cr_assert_str_eq(g_ptr_array_index(names, 0), "unknown-ca");
	cr_assert_str_eq(g_ptr_array_index(names, 1), "expired");
}
