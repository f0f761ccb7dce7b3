/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "ct-export.h"
#include "ct-test.h"

static gchar *tmpdir = NULL;

static void
setup(void)
{
	tmpdir = ct_test_tmpdir_new();
}

static void
teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(export, .init = setup, .fini = teardown, .timeout = 30);

static GBytes *
ct_test_render(CtChain *chain, CtExportFormat format)
{
	g_autoptr(GError) error = NULL;
	GBytes *bytes = ct_export_render(chain, format, &error);
	cr_assert_not_null(bytes, "%s", error != NULL ? error->message : "");
	return bytes;
}

Test(export, der_is_the_leaf_bytes)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("chain-shuffled.pem");
	g_autoptr(GBytes) der = ct_test_render(chain, CT_EXPORT_FORMAT_DER);
	g_autoptr(GBytes) leaf = ct_test_data_bytes("leaf.der");
	cr_assert(g_bytes_equal(der, leaf));
}

Test(export, pem_lines_are_64_columns_with_crlf)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("leaf.der");
	g_autoptr(GBytes) pem = ct_test_render(chain, CT_EXPORT_FORMAT_PEM);
	g_autofree gchar *text = g_strndup(g_bytes_get_data(pem, NULL), g_bytes_get_size(pem));
	g_auto(GStrv) lines = g_strsplit(text, "\r\n", -1);
	guint n = g_strv_length(lines);

	cr_assert(g_str_has_suffix(text, "-----END CERTIFICATE-----\r\n"));
	cr_assert_null(strstr(g_strjoinv("", lines), "\n"), "no bare LF");
	cr_assert_str_eq(lines[0], "-----BEGIN CERTIFICATE-----");
	/* the body: full 64-column lines, then one shorter line */
	for (guint i = 1; i + 3 < n; i++)
		cr_assert_eq(strlen(lines[i]), 64, "line %u is %zu columns", i, strlen(lines[i]));
	cr_assert_leq(strlen(lines[n - 3]), 64);
	cr_assert_str_eq(lines[n - 1], "");
}

Test(export, base64_and_pem_are_the_same_bytes)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("leaf.der");
	g_autoptr(GBytes) pem = ct_test_render(chain, CT_EXPORT_FORMAT_PEM);
	g_autoptr(GBytes) b64 = ct_test_render(chain, CT_EXPORT_FORMAT_BASE64);
	cr_assert(g_bytes_equal(pem, b64));
}

Test(export, windows_base64_cer_is_reproduced_exactly)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("leaf.der");
	g_autoptr(GBytes) b64 = ct_test_render(chain, CT_EXPORT_FORMAT_BASE64);
	g_autoptr(GBytes) windows = ct_test_data_bytes("leaf-windows.cer");
	cr_assert(g_bytes_equal(b64, windows));
}

Test(export, pem_chain_and_pkcs7_chain_follow_the_path)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("chain-shuffled.pem");
	g_autoptr(GBytes) p7 = ct_test_render(chain, CT_EXPORT_FORMAT_PKCS7_CHAIN);
	g_autoptr(GBytes) openssl = ct_test_data_bytes("chain.p7b");
	g_autoptr(GBytes) pem = ct_test_render(chain, CT_EXPORT_FORMAT_PEM_CHAIN);
	g_autoptr(CtChain) again = ct_chain_load_bytes("again", pem, NULL);

	cr_assert(g_bytes_equal(p7, openssl));
	cr_assert_not_null(again);
	cr_assert_eq(again->certificates->len, 3);
}

Test(export, single_pkcs7_holds_only_the_leaf)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("chain.pem");
	g_autoptr(GBytes) p7 = ct_test_render(chain, CT_EXPORT_FORMAT_PKCS7);
	g_autoptr(CtChain) again = ct_chain_load_bytes("again", p7, NULL);
	cr_assert_not_null(again);
	cr_assert_eq(again->certificates->len, 1);
}

Test(export, file_is_0644_and_not_overwritten_without_force)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("leaf.der");
	g_autofree gchar *path = g_build_filename(tmpdir, "out.pem", NULL);
	g_autoptr(GError) error = NULL;
	struct stat st;
	mode_t old = umask(0077);

	cr_assert(ct_export_to_file(chain, CT_EXPORT_FORMAT_PEM, path, FALSE, &error));
	umask(old);
	cr_assert_eq(g_stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
	cr_assert(g_file_set_contents(path, "mine", -1, NULL));
	cr_assert_not(ct_export_to_file(chain, CT_EXPORT_FORMAT_PEM, path, FALSE, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_EXISTS));
	g_clear_error(&error);
	cr_assert(ct_export_to_file(chain, CT_EXPORT_FORMAT_PEM, path, TRUE, &error));
}

Test(export, browser_dir_is_all_or_nothing)
{
	g_autoptr(CtChain) chain = ct_test_load_chain("leaf.der");
	g_autofree gchar *blocker = g_build_filename(tmpdir, "ucm.example.com.p7c", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) paths = NULL;
	g_autoptr(GDir) dir = NULL;
	guint count = 0;

	cr_assert(g_file_set_contents(blocker, "mine", -1, NULL));
	paths = ct_export_to_browser_dir(chain, "firefox3", tmpdir, FALSE, &error);
	cr_assert_null(paths);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_EXISTS));
	dir = g_dir_open(tmpdir, 0, NULL);
	while (g_dir_read_name(dir) != NULL)
		count++;
	cr_assert_eq(count, 1, "only the file that was there before");
}

Test(export, browser_offers_match_the_seed)
{
	const CtExportOffer *ie8 = ct_export_get_browser_offers("ie8", NULL);
	const CtExportOffer *firefox3 = ct_export_get_browser_offers("firefox3", NULL);
	const CtExportOffer *safari4 = ct_export_get_browser_offers("safari4", NULL);
	guint n = 0;
	g_autoptr(GError) error = NULL;

	while (firefox3[n].label != NULL)
		n++;
	cr_assert_eq(n, 5, "Firefox 3 offers five formats");
	cr_assert_eq(ie8[0].format, CT_EXPORT_FORMAT_DER);
	cr_assert_eq(ie8[1].format, CT_EXPORT_FORMAT_BASE64);
	cr_assert_eq(ie8[2].format, CT_EXPORT_FORMAT_PKCS7_CHAIN);
	cr_assert_null(ie8[3].label);
	cr_assert_eq(safari4, ie8, "Safari 4 shows the Windows wizard");
	cr_assert_null(ct_export_get_browser_offers("netscape", &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS));
}
