/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>

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

/* the files' contents one after the other, loaded as one input */
static CtChain *
ct_test_load_concatenated(const gchar *first, const gchar *second, GError **error)
{
	g_autofree gchar *first_path = ct_test_data_path(first);
	g_autofree gchar *second_path = ct_test_data_path(second);
	g_autofree gchar *contents = NULL;
	g_autofree gchar *more = NULL;
	g_autofree gchar *both = NULL;
	g_autoptr(GBytes) bytes = NULL;

	cr_assert(g_file_get_contents(first_path, &contents, NULL, NULL));
	cr_assert(g_file_get_contents(second_path, &more, NULL, NULL));
	both = g_strconcat(contents, more, NULL);
	bytes = g_bytes_new(both, strlen(both));
	return ct_chain_load_bytes("test", bytes, error);
}

Test(chain, unrelated_certificates_stay_off_the_path)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtChain) reference = ct_test_load_chain("leaf.pem");
	/* an unrelated CA first: the server's certificate is still the leaf */
	g_autoptr(CtChain) chain = ct_test_load_concatenated("ca-leaf.pem", "leaf.pem", &error);

	cr_assert_not_null(chain, "%s", error != NULL ? error->message : "");
	cr_assert_eq(chain->certificates->len, 2);
	cr_assert_eq(chain->path_length, 1);
	cr_assert_str_eq(ct_test_sha256(chain, 0), ct_test_sha256(reference, 0));
	cr_assert_eq(ct_chain_get_role(chain, 1), CT_CHAIN_ROLE_UNRELATED);
}

Test(chain, two_server_certificates_are_refused_as_ambiguous)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtChain) chain = ct_test_load_concatenated("leaf.pem", "tomcat.pem", &error);

	cr_assert_null(chain, "two possible leaves loaded");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	cr_assert_not_null(strstr(error->message, "2 certificates could be the server's"), "%s",
			   error->message);
	cr_assert_not_null(strstr(error->message, "ucm.example.com"), "%s", error->message);
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

/* PKCS#7 in BER and the errors for files that are refused (docs/formats.md) */

static GError *
ct_test_load_bytes_error(const guint8 *data, gsize len)
{
	g_autoptr(GBytes) bytes = g_bytes_new(data, len);
	GError *error = NULL;
	g_autoptr(CtChain) chain = ct_chain_load_bytes("input", bytes, &error);
	cr_assert_null(chain, "the input loaded but should not");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA), "%s",
		  error != NULL ? error->message : "no error");
	return error;
}

Test(chain, ber_pkcs7_gives_the_same_chain_as_der)
{
	const gchar *names[] = {"chain-ber.p7b", "chain-ber-p7.pem"};
	g_autoptr(CtChain) reference = ct_test_load_chain("chain.p7b");
	g_autoptr(GBytes) ber = ct_test_data_bytes("chain-ber.p7b");
	const guint8 *data = g_bytes_get_data(ber, NULL);

	/* the file really uses the indefinite form, else this test proves nothing */
	cr_assert(data[0] == 0x30 && data[1] == 0x80);
	cr_assert_eq(reference->certificates->len, 3);
	for (guint n = 0; n < G_N_ELEMENTS(names); n++) {
		g_autoptr(CtChain) chain = ct_test_load_chain(names[n]);
		cr_assert_eq(chain->certificates->len, 3, "%s", names[n]);
		for (guint i = 0; i < 3; i++)
			cr_assert_str_eq(ct_test_sha256(chain, i), ct_test_sha256(reference, i),
					 "%s: certificate %u", names[n], i);
	}
}

Test(chain, openssl_streaming_signed_message_gives_its_certificates)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("cms-stream.p7s");
	g_autoptr(CtChain) leaf_inter = ct_test_load_chain("leaf-inter.pem");

	cr_assert_eq(chain->certificates->len, 2);
	for (guint i = 0; i < 2; i++)
		cr_assert_str_eq(ct_test_sha256(chain, i), ct_test_sha256(leaf_inter, i));
}

Test(chain, truncated_ber_pkcs7_says_where_it_ends)
{
	g_autoptr(GBytes) ber = ct_test_data_bytes("chain-ber.p7b");
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(ber, &len);
	g_autoptr(GError) last_byte = NULL;
	g_autoptr(GError) mid_certificate = NULL;
	g_autofree gchar *expect_last = g_strdup_printf("truncated at byte %" G_GSIZE_FORMAT,
							len - 1);

	/* one end-of-contents octet missing: only a BER reader can see it */
	last_byte = ct_test_load_bytes_error(data, len - 1);
	cr_assert_not_null(strstr(last_byte->message, expect_last), "%s", last_byte->message);
	cr_assert_not_null(strstr(last_byte->message, "end-of-contents"), "%s", last_byte->message);
	mid_certificate = ct_test_load_bytes_error(data, 700);
	cr_assert_not_null(strstr(mid_certificate->message, "truncated at byte 700"), "%s",
			   mid_certificate->message);
}

Test(chain, trailing_data_after_a_pkcs7_or_a_certificate_says_after_which_byte)
{
	const gchar *names[] = {"chain-ber.p7b", "chain.p7b", "leaf.der"};

	for (guint n = 0; n < G_N_ELEMENTS(names); n++) {
		g_autoptr(GBytes) bytes = ct_test_data_bytes(names[n]);
		g_autoptr(GByteArray) longer = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		g_autofree gchar *expect = NULL;
		gsize len = g_bytes_get_size(bytes);

		g_byte_array_append(longer, g_bytes_get_data(bytes, NULL), (guint)len);
		g_byte_array_append(longer, (const guint8 *)"junk", 4);
		error = ct_test_load_bytes_error(longer->data, longer->len);
		expect = g_strdup_printf("trailing data after byte %" G_GSIZE_FORMAT
					 " (4 more bytes)",
					 len);
		cr_assert_not_null(strstr(error->message, expect), "%s: %s", names[n],
				   error->message);
	}
}

Test(chain, truncated_der_certificate_says_where_it_ends)
{
	g_autofree gchar *path = ct_test_data_path("truncated.der");
	g_autoptr(GBytes) leaf = ct_test_data_bytes("leaf.der");
	g_autoptr(GError) error = ct_test_load_error("truncated.der");
	g_autofree gchar *expect = NULL;
	GStatBuf st;

	cr_assert_eq(g_stat(path, &st), 0);
	expect = g_strdup_printf("truncated at byte %" G_GSIZE_FORMAT
				 ": the element at byte 0 needs %" G_GSIZE_FORMAT " bytes",
				 (gsize)st.st_size, g_bytes_get_size(leaf));
	cr_assert_not_null(strstr(error->message, expect), "%s", error->message);
}

Test(chain, certificate_in_ber_inside_a_pkcs7_is_refused_as_not_der)
{
	g_autoptr(GError) error = ct_test_load_error("chain-ber-certificates.p7b");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	cr_assert_not_null(strstr(error->message, "certificate 1 of the PKCS#7"), "%s",
			   error->message);
	cr_assert_not_null(strstr(error->message, "indefinite length at byte 0"), "%s",
			   error->message);
}

Test(chain, encrypted_pkcs7_says_it_is_not_signed_data)
{
	g_autoptr(GError) error = ct_test_load_error("enveloped.p7m");
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	cr_assert_not_null(strstr(error->message, "envelopedData"), "%s", error->message);
	cr_assert_not_null(strstr(error->message, "not signedData"), "%s", error->message);
}

Test(chain, indefinite_length_on_a_primitive_element_is_refused)
{
	/* SEQUENCE (indefinite) { OCTET STRING with the indefinite form } */
	static const guint8 data[] = {0x30, 0x80, 0x04, 0x80, 0x00, 0x00, 0x00, 0x00};
	g_autoptr(GError) error = ct_test_load_bytes_error(data, sizeof(data));
	cr_assert_not_null(strstr(error->message, "primitive element at byte 2"), "%s",
			   error->message);
}

Test(chain, deeply_nested_indefinite_lengths_fail_without_recursing_forever)
{
	g_autofree guint8 *data = g_malloc(200000);

	for (gsize i = 0; i < 200000; i += 2) {
		data[i] = 0x30;
		data[i + 1] = 0x80;
	}
	{
		g_autoptr(GError) error = ct_test_load_bytes_error(data, 200000);
		cr_assert_not_null(strstr(error->message, "nested more than"), "%s",
				   error->message);
	}
}
