/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestPem"

#include "config.h"

#include <string.h>

#include "ct-pem.h"
#include "ct-test.h"

#define GARBAGE_SIZE (10 * 1024 * 1024)

/* bytes that are the same in every run */
static GBytes *
pem_random_bytes(guint32 seed, gsize len)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
	guint8 *data = g_malloc(len);

	for (gsize i = 0; i < len; i++)
		data[i] = (guint8)g_rand_int_range(rand, 0, 256);
	return g_bytes_new_take(data, len);
}

/* a PEM block written by hand: base64 in lines of width columns, each ended by eol */
static gchar *
pem_armor(const gchar *label, GBytes *der, gsize width, const gchar *eol)
{
	g_autofree gchar *b64 = g_base64_encode(g_bytes_get_data(der, NULL), g_bytes_get_size(der));
	GString *str = g_string_new(NULL);
	gsize b64_len = strlen(b64);

	g_string_append_printf(str, "-----BEGIN %s-----%s", label, eol);
	for (gsize i = 0; i < b64_len; i += width) {
		g_string_append_len(str, b64 + i, MIN(width, b64_len - i));
		g_string_append(str, eol);
	}
	g_string_append_printf(str, "-----END %s-----%s", label, eol);
	return g_string_free(str, FALSE);
}

static GPtrArray *
pem_decode_str(const gchar *text, GError **error)
{
	return ct_pem_decode((const guint8 *)text, strlen(text), error);
}

static void
pem_assert_block(GPtrArray *blocks, guint idx, const gchar *label, GBytes *der)
{
	CtPemBlock *block;

	cr_assert(blocks != NULL);
	cr_assert_lt(idx, blocks->len);
	block = g_ptr_array_index(blocks, idx);
	cr_assert_str_eq(block->label, label);
	cr_assert(g_bytes_equal(block->der, der), "block %u: decoded bytes differ", idx);
}

static void
pem_assert_error(const gchar *text, gsize len, const gchar *message)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = ct_pem_decode((const guint8 *)text, len, &error);

	cr_assert_null(blocks);
	cr_assert_not_null(error);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA), "wrong error: %s",
		  error->message);
	cr_assert_str_eq(error->message, message);
}

Test(pem, lf_block_decodes)
{
	g_autoptr(GBytes) der = pem_random_bytes(1, 1000);
	g_autofree gchar *text = pem_armor("CERTIFICATE", der, 64, "\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = pem_decode_str(text, &error);

	cr_assert_null(error, "%s", error->message);
	cr_assert_eq(blocks->len, 1);
	pem_assert_block(blocks, 0, "CERTIFICATE", der);
}

Test(pem, crlf_and_cr_line_ends_decode_the_same)
{
	const gchar *eols[] = {"\n", "\r\n", "\r"};
	g_autoptr(GBytes) der = pem_random_bytes(2, 777);

	for (guint i = 0; i < G_N_ELEMENTS(eols); i++) {
		g_autofree gchar *text = pem_armor("CERTIFICATE", der, 64, eols[i]);
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) blocks = pem_decode_str(text, &error);

		cr_assert_null(error, "line end %u: %s", i, error->message);
		cr_assert_eq(blocks->len, 1);
		pem_assert_block(blocks, 0, "CERTIFICATE", der);
	}
}

Test(pem, mixed_line_ends_in_one_file_decode)
{
	g_autoptr(GBytes) der = pem_random_bytes(3, 100);
	g_autofree gchar *b64 = g_base64_encode(g_bytes_get_data(der, NULL), 100);
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;

	/* 100 bytes are 136 base64 characters: split them over three lines */
	text = g_strdup_printf("-----BEGIN CERTIFICATE-----\r%.64s\n%.64s\r\n%s\r"
			       "-----END CERTIFICATE-----",
			       b64, b64 + 64, b64 + 128);
	blocks = pem_decode_str(text, &error);
	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks, 0, "CERTIFICATE", der);
}

Test(pem, multiple_blocks_keep_their_order_and_labels)
{
	g_autoptr(GBytes) der1 = pem_random_bytes(4, 500);
	g_autoptr(GBytes) der2 = pem_random_bytes(5, 1);
	g_autoptr(GBytes) der3 = pem_random_bytes(6, 2);
	g_autofree gchar *pem1 = pem_armor("CERTIFICATE", der1, 64, "\n");
	g_autofree gchar *pem2 = pem_armor("X509 CRL", der2, 64, "\n");
	g_autofree gchar *pem3 = pem_armor("CERTIFICATE", der3, 64, "\n");
	g_autofree gchar *text = g_strconcat(pem1, pem2, pem3, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = pem_decode_str(text, &error);

	cr_assert_null(error, "%s", error->message);
	cr_assert_eq(blocks->len, 3);
	pem_assert_block(blocks, 0, "CERTIFICATE", der1);
	pem_assert_block(blocks, 1, "X509 CRL", der2);
	pem_assert_block(blocks, 2, "CERTIFICATE", der3);
}

Test(pem, text_before_between_and_after_blocks_is_ignored)
{
	g_autoptr(GBytes) der1 = pem_random_bytes(7, 60);
	g_autoptr(GBytes) der2 = pem_random_bytes(8, 61);
	g_autofree gchar *pem1 = pem_armor("CERTIFICATE", der1, 64, "\n");
	g_autofree gchar *pem2 = pem_armor("CERTIFICATE", der2, 64, "\n");
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;

	/* what `openssl x509 -text` and `openssl s_client -showcerts` print around the blocks */
	text = g_strconcat("Certificate:\n    Data:\n        Version: 3 (0x2)\n"
			   "-----END CERTIFICATE-----\n",
			   pem1, " 1 s:CN = intermediate\n   i:CN = root\n", pem2,
			   "---\nServer certificate\n", NULL);
	blocks = pem_decode_str(text, &error);
	cr_assert_null(error, "%s", error->message);
	cr_assert_eq(blocks->len, 2);
	pem_assert_block(blocks, 0, "CERTIFICATE", der1);
	pem_assert_block(blocks, 1, "CERTIFICATE", der2);
}

Test(pem, rfc1421_headers_are_skipped)
{
	g_autoptr(GBytes) der = pem_random_bytes(9, 64);
	g_autofree gchar *b64 = g_base64_encode(g_bytes_get_data(der, NULL), 64);
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;

	text = g_strdup_printf("-----BEGIN RSA PRIVATE KEY-----\n"
			       "Proc-Type: 4,ENCRYPTED\n"
			       "DEK-Info: DES-EDE3-CBC,\n"
			       "  0123456789ABCDEF\n"
			       "\n"
			       "%s\n"
			       "-----END RSA PRIVATE KEY-----\n",
			       b64);
	blocks = pem_decode_str(text, &error);
	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks, 0, "RSA PRIVATE KEY", der);
}

Test(pem, pkcs7_label_is_kept_as_written)
{
	g_autoptr(GBytes) der = pem_random_bytes(10, 300);
	g_autofree gchar *text = pem_armor("PKCS7", der, 64, "\r\n");
	g_autofree gchar *lower = pem_armor("pkcs7", der, 64, "\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = pem_decode_str(text, &error);
	g_autoptr(GPtrArray) blocks_lower = NULL;

	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks, 0, "PKCS7", der);
	blocks_lower = pem_decode_str(lower, &error);
	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks_lower, 0, "pkcs7", der);
}

Test(pem, whitespace_around_and_inside_lines_is_tolerated)
{
	g_autoptr(GBytes) der = pem_random_bytes(11, 200);
	g_autofree gchar *b64 = g_base64_encode(g_bytes_get_data(der, NULL), 200);
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;

	/* indented armour, trailing blanks, blank lines, 76 columns and a space mid-line */
	text = g_strdup_printf("  -----BEGIN CERTIFICATE-----  \n"
			       "\t%.76s \n"
			       "\n"
			       "%.100s %s\t\n"
			       "\t-----END CERTIFICATE-----\t\n",
			       b64, b64 + 76, b64 + 176);
	blocks = pem_decode_str(text, &error);
	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks, 0, "CERTIFICATE", der);
}

Test(pem, missing_final_line_end_is_accepted)
{
	g_autoptr(GBytes) der = pem_random_bytes(12, 30);
	g_autofree gchar *text = pem_armor("CERTIFICATE", der, 64, "\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;

	text[strlen(text) - 1] = '\0';
	blocks = pem_decode_str(text, &error);
	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks, 0, "CERTIFICATE", der);
}

Test(pem, broken_base64_names_the_block_and_label)
{
	g_autoptr(GBytes) der = pem_random_bytes(13, 90);
	g_autofree gchar *good = pem_armor("CERTIFICATE", der, 64, "\n");
	g_autofree gchar *bad = pem_armor("CERTIFICATE", der, 64, "\n");
	g_autofree gchar *text = NULL;

	/* a character outside the alphabet in the body of the second block */
	bad[strlen("-----BEGIN CERTIFICATE-----\n") + 10] = '@';
	text = g_strconcat(good, bad, NULL);
	pem_assert_error(text, strlen(text), "PEM block 2 (CERTIFICATE): invalid base64");
}

Test(pem, padding_before_the_end_is_invalid)
{
	const gchar *text = "-----BEGIN CERTIFICATE-----\nAA==\nAAAA\n-----END CERTIFICATE-----\n";
	const gchar *mid = "-----BEGIN CERTIFICATE-----\nAA=A\n-----END CERTIFICATE-----\n";
	const gchar *three = "-----BEGIN CERTIFICATE-----\nA===\n-----END CERTIFICATE-----\n";

	pem_assert_error(text, strlen(text), "PEM block 1 (CERTIFICATE): invalid base64");
	pem_assert_error(mid, strlen(mid), "PEM block 1 (CERTIFICATE): invalid base64");
	pem_assert_error(three, strlen(three), "PEM block 1 (CERTIFICATE): invalid base64");
}

Test(pem, truncated_base64_is_invalid)
{
	const gchar *text = "-----BEGIN CERTIFICATE-----\nAAECAwQ\n-----END CERTIFICATE-----\n";

	pem_assert_error(text, strlen(text), "PEM block 1 (CERTIFICATE): invalid base64");
}

Test(pem, header_after_base64_is_invalid)
{
	const gchar *text = "-----BEGIN CERTIFICATE-----\nAAAA\nKey: value\n"
			    "-----END CERTIFICATE-----\n";

	pem_assert_error(text, strlen(text), "PEM block 1 (CERTIFICATE): invalid base64");
}

Test(pem, mismatched_end_is_an_error)
{
	const gchar *text = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PKCS7-----\n";
	const gchar *trailing = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE----- x\n";

	pem_assert_error(text, strlen(text),
			 "PEM block 1 (CERTIFICATE): END line does not match the BEGIN line");
	pem_assert_error(trailing, strlen(trailing),
			 "PEM block 1 (CERTIFICATE): END line does not match the BEGIN line");
}

Test(pem, missing_end_is_an_error)
{
	g_autoptr(GBytes) der = pem_random_bytes(14, 90);
	g_autofree gchar *good = pem_armor("CERTIFICATE", der, 64, "\r\n");
	g_autofree gchar *text = g_strconcat(good, "-----BEGIN PKCS7-----\r\nAAAA\r\n", NULL);
	const gchar *nested = "-----BEGIN CERTIFICATE-----\nAAAA\n"
			      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

	pem_assert_error(text, strlen(text), "PEM block 2 (PKCS7): no END line");
	pem_assert_error(nested, strlen(nested),
			 "PEM block 1 (CERTIFICATE): no END line before the next BEGIN line");
}

Test(pem, empty_body_is_an_error)
{
	const gchar *text = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
	const gchar *blank = "-----BEGIN CERTIFICATE-----\n \n\t\n-----END CERTIFICATE-----\n";
	const gchar *headers = "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n"
			       "-----END CERTIFICATE-----\n";

	pem_assert_error(text, strlen(text), "PEM block 1 (CERTIFICATE): empty body");
	pem_assert_error(blank, strlen(blank), "PEM block 1 (CERTIFICATE): empty body");
	pem_assert_error(headers, strlen(headers), "PEM block 1 (CERTIFICATE): empty body");
}

Test(pem, malformed_begin_line_is_an_error)
{
	const gchar *no_dashes = "-----BEGIN CERTIFICATE\nAAAA\n-----END CERTIFICATE-----\n";
	const gchar *no_label = "-----BEGIN -----\nAAAA\n-----END -----\n";
	const gchar *control = "-----BEGIN CERT\x1b[31m-----\nAAAA\n-----END CERT\x1b[31m-----\n";

	pem_assert_error(no_dashes, strlen(no_dashes), "PEM block 1: malformed BEGIN line");
	pem_assert_error(no_label, strlen(no_label), "PEM block 1: malformed BEGIN line");
	pem_assert_error(control, strlen(control), "PEM block 1: malformed BEGIN line");
}

Test(pem, empty_input_is_an_error)
{
	pem_assert_error("", 0, "no PEM block found");
	pem_assert_error(NULL, 0, "no PEM block found");
	pem_assert_error("\n\r\n  \n", 6, "no PEM block found");
}

Test(pem, text_without_armor_is_an_error)
{
	const gchar *mid_line = "see the -----BEGIN CERTIFICATE----- block below\n";

	pem_assert_error("hello\n", 6, "no PEM block found");
	/* armour in the middle of a sentence is prose, not a block */
	pem_assert_error(mid_line, strlen(mid_line), "no PEM block found");
}

Test(pem, random_garbage_is_rejected_quickly, .timeout = 30)
{
	g_autoptr(GBytes) garbage = pem_random_bytes(15, GARBAGE_SIZE);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;
	gint64 start = g_get_monotonic_time();

	blocks = ct_pem_decode(g_bytes_get_data(garbage, NULL), GARBAGE_SIZE, &error);
	cr_assert_null(blocks);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	cr_assert_lt(g_get_monotonic_time() - start, 10 * G_USEC_PER_SEC);
}

Test(pem, random_garbage_in_a_body_is_invalid_base64, .timeout = 30)
{
	g_autoptr(GBytes) garbage = pem_random_bytes(16, GARBAGE_SIZE);
	g_autoptr(GByteArray) text = g_byte_array_new();
	const gchar *begin = "junk\n-----BEGIN CERTIFICATE-----\n";
	const gchar *end = "\n-----END CERTIFICATE-----\n";

	g_byte_array_append(text, (const guint8 *)begin, strlen(begin));
	g_byte_array_append(text, g_bytes_get_data(garbage, NULL), GARBAGE_SIZE);
	g_byte_array_append(text, (const guint8 *)end, strlen(end));
	pem_assert_error((const gchar *)text->data, text->len,
			 "PEM block 1 (CERTIFICATE): invalid base64");
}

Test(pem, huge_single_line_decodes, .timeout = 30)
{
	g_autoptr(GBytes) der = pem_random_bytes(17, 3 * 1024 * 1024);
	g_autofree gchar *text = pem_armor("CERTIFICATE", der, G_MAXSIZE / 2, "\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = pem_decode_str(text, &error);

	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks, 0, "CERTIFICATE", der);
}

Test(pem, huge_line_without_end_is_an_error, .timeout = 30)
{
	g_autofree gchar *text = g_malloc(GARBAGE_SIZE + 1);
	const gchar *begin = "-----BEGIN CERTIFICATE-----\n";

	memset(text, 'A', GARBAGE_SIZE);
	memcpy(text, begin, strlen(begin));
	text[GARBAGE_SIZE] = '\0';
	pem_assert_error(text, GARBAGE_SIZE, "PEM block 1 (CERTIFICATE): no END line");
}

Test(pem, many_short_cr_lines_are_linear, .timeout = 30)
{
	g_autoptr(GString) text = g_string_sized_new(GARBAGE_SIZE + 64);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;
	CtPemBlock *block;
	gsize lines = 0;

	/* millions of CR-only lines, no LF anywhere: a naive memchr for LF would be quadratic */
	g_string_append(text, "-----BEGIN CERTIFICATE-----\r");
	for (; text->len < GARBAGE_SIZE; lines++)
		g_string_append(text, "AAAA\r");
	g_string_append(text, "-----END CERTIFICATE-----\r");
	blocks = ct_pem_decode((const guint8 *)text->str, text->len, &error);
	cr_assert_null(error, "%s", error->message);
	block = g_ptr_array_index(blocks, 0);
	cr_assert_eq(g_bytes_get_size(block->der), lines * 3);
}

Test(pem, nul_bytes_outside_blocks_are_ignored_and_inside_are_invalid)
{
	static const gchar outside[] = "\0\0binary\0\n-----BEGIN CERTIFICATE-----\nAAEC\n"
				       "-----END CERTIFICATE-----\n\0\0";
	static const gchar inside[] = "-----BEGIN CERTIFICATE-----\nAA\0C\n"
				      "-----END CERTIFICATE-----\n";
	static const guint8 expected[] = {0x00, 0x01, 0x02};
	g_autoptr(GBytes) der = g_bytes_new_static(expected, sizeof(expected));
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;

	blocks = ct_pem_decode((const guint8 *)outside, sizeof(outside) - 1, &error);
	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks, 0, "CERTIFICATE", der);
	pem_assert_error(inside, sizeof(inside) - 1, "PEM block 1 (CERTIFICATE): invalid base64");
}

Test(pem, contains_armor_finds_begin_anywhere)
{
	static const gchar binary[] = "\0\x30\x82\0-----BEGIN \0";

	cr_assert(ct_pem_contains_armor((const guint8 *)binary, sizeof(binary) - 1));
	cr_assert(ct_pem_contains_armor((const guint8 *)"x -----BEGIN y", 14));
	cr_assert_not(ct_pem_contains_armor((const guint8 *)"-----BEGIN", 10));
	cr_assert_not(ct_pem_contains_armor((const guint8 *)"-----BEGIN X", 10));
	cr_assert_not(ct_pem_contains_armor((const guint8 *)"", 0));
	cr_assert_not(ct_pem_contains_armor(NULL, 0));
}

Test(pem, encode_writes_64_columns_with_crlf)
{
	const gsize sizes[] = {1, 2, 3, 47, 48, 49, 96, 1000, 4096};

	for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
		g_autoptr(GBytes) der = pem_random_bytes(18 + i, sizes[i]);
		g_autofree gchar *pem = ct_pem_encode("CERTIFICATE", der);
		g_autofree gchar *b64 = g_base64_encode(g_bytes_get_data(der, NULL), sizes[i]);
		g_autoptr(GString) body = g_string_new(NULL);
		g_auto(GStrv) lines = NULL;
		guint n;

		cr_assert(g_str_has_suffix(pem, "\r\n"));
		lines = g_strsplit(pem, "\r\n", -1);
		n = g_strv_length(lines);
		cr_assert_geq(n, 4);
		cr_assert_str_eq(lines[0], "-----BEGIN CERTIFICATE-----");
		cr_assert_str_eq(lines[n - 2], "-----END CERTIFICATE-----");
		cr_assert_str_eq(lines[n - 1], "");
		for (guint j = 1; j < n - 2; j++) {
			gsize len = strlen(lines[j]);
			cr_assert_null(strchr(lines[j], '\r'));
			cr_assert_null(strchr(lines[j], '\n'));
			if (j < n - 3)
				cr_assert_eq(len, 64, "size %zu line %u: %zu columns", sizes[i], j,
					     len);
			else
				cr_assert(len > 0 && len <= 64);
			g_string_append(body, lines[j]);
		}
		/* the same base64 as GLib's, only reflowed */
		cr_assert_str_eq(body->str, b64);
	}
}

Test(pem, encode_then_decode_round_trips)
{
	for (guint i = 0; i < 50; i++) {
		g_autoptr(GBytes) der = pem_random_bytes(100 + i, 1 + i * 37);
		g_autofree gchar *pem = ct_pem_encode("PKCS7", der);
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) blocks = pem_decode_str(pem, &error);

		cr_assert_null(error, "%s", error->message);
		cr_assert_eq(blocks->len, 1);
		pem_assert_block(blocks, 0, "PKCS7", der);
	}
}

Test(pem, encode_and_decode_agree_with_openssl, .timeout = 60)
{
	g_autofree gchar *openssl = g_find_program_in_path("openssl");
	g_autofree gchar *tmpdir = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *ours = NULL;
	g_autofree gchar *theirs_pem = NULL;
	g_autofree gchar *pem_data = NULL;
	g_autofree gchar *der_data = NULL;
	g_autofree gchar *roundtrip_data = NULL;
	g_autofree gchar *encoded = NULL;
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) roundtrip = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = NULL;
	g_autoptr(CtTestRun) run = NULL;
	gsize pem_len = 0;
	gsize der_len = 0;
	gsize roundtrip_len = 0;

	if (openssl == NULL)
		cr_skip_test("openssl is not installed");
	tmpdir = ct_test_tmpdir_new();

	/* a real certificate from openssl, as PEM (LF) and as DER */
	cmd = g_strdup_printf("cd '%s' && openssl req -x509 -newkey ec "
			      "-pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=pem.test "
			      "-days 1 -keyout key.pem -out cert.pem 2>/dev/null && "
			      "openssl x509 -in cert.pem -outform DER -out cert.der",
			      tmpdir);
	run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 0, "openssl: %s", run->err);
	theirs_pem = g_build_filename(tmpdir, "cert.pem", NULL);
	cr_assert(g_file_get_contents(theirs_pem, &pem_data, &pem_len, NULL));
	g_clear_pointer(&cmd, g_free);
	cmd = g_build_filename(tmpdir, "cert.der", NULL);
	cr_assert(g_file_get_contents(cmd, &der_data, &der_len, NULL));
	der = g_bytes_new(der_data, der_len);

	/* openssl's PEM decodes to openssl's DER */
	blocks = ct_pem_decode((const guint8 *)pem_data, pem_len, &error);
	cr_assert_null(error, "%s", error->message);
	pem_assert_block(blocks, 0, "CERTIFICATE", der);

	/* our CRLF PEM is read back by openssl as the same certificate */
	encoded = ct_pem_encode("CERTIFICATE", der);
	ours = g_build_filename(tmpdir, "ours.pem", NULL);
	cr_assert(g_file_set_contents(ours, encoded, -1, NULL));
	g_clear_pointer(&cmd, g_free);
	cmd = g_strdup_printf("cd '%s' && openssl x509 -in ours.pem -outform DER -out back.der",
			      tmpdir);
	g_clear_pointer(&run, ct_test_run_free);
	run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 0, "openssl rejected our PEM: %s", run->err);
	g_clear_pointer(&cmd, g_free);
	cmd = g_build_filename(tmpdir, "back.der", NULL);
	cr_assert(g_file_get_contents(cmd, &roundtrip_data, &roundtrip_len, NULL));
	roundtrip = g_bytes_new(roundtrip_data, roundtrip_len);
	cr_assert(g_bytes_equal(roundtrip, der));

	ct_test_tmpdir_remove(tmpdir);
}
