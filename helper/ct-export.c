/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtExport"

#include "config.h"

#include <glib/gstdio.h>

#include "ct-escape.h"
#include "ct-export.h"
#include "ct-pem.h"
#include "ct-save.h"

static const gchar *ct_export_format_names[] = {
    [CT_EXPORT_FORMAT_DER] = "der",	[CT_EXPORT_FORMAT_BASE64] = "base64",
    [CT_EXPORT_FORMAT_PEM] = "pem",	[CT_EXPORT_FORMAT_PEM_CHAIN] = "pem-chain",
    [CT_EXPORT_FORMAT_PKCS7] = "pkcs7", [CT_EXPORT_FORMAT_PKCS7_CHAIN] = "pkcs7-chain",
};

/* the wording of each browser's export dialog (docs/browser-procedures.md) */
static const CtExportOffer ct_export_offers_ie8[] = {
    {CT_EXPORT_FORMAT_DER, "DER encoded binary X.509 (.CER)", "-der.cer"},
    {CT_EXPORT_FORMAT_BASE64, "Base-64 encoded X.509 (.CER)", "-base64.cer"},
    {CT_EXPORT_FORMAT_PKCS7_CHAIN,
     "Cryptographic Message Syntax Standard - PKCS #7 Certificates (.P7B)", ".p7b"},
    {0, NULL, NULL},
};

static const CtExportOffer ct_export_offers_firefox3[] = {
    {CT_EXPORT_FORMAT_PEM, "X.509 Certificate (PEM)", ".pem"},
    {CT_EXPORT_FORMAT_PEM_CHAIN, "X.509 Certificate with chain (PEM)", "-chain.pem"},
    {CT_EXPORT_FORMAT_DER, "X.509 Certificate (DER)", ".der"},
    {CT_EXPORT_FORMAT_PKCS7, "X.509 Certificate (PKCS#7)", ".p7c"},
    {CT_EXPORT_FORMAT_PKCS7_CHAIN, "X.509 Certificate with chain (PKCS#7)", "-chain.p7c"},
    {0, NULL, NULL},
};

/* all: every format any of the three dialogs offers, each once, under Firefox 3's names
 * (its dialog offers five of the six) and IE8's for the base64 one */
static const CtExportOffer ct_export_offers_all[] = {
    {CT_EXPORT_FORMAT_DER, "X.509 Certificate (DER)", ".der"},
    {CT_EXPORT_FORMAT_BASE64, "Base-64 encoded X.509 (.CER)", "-base64.cer"},
    {CT_EXPORT_FORMAT_PEM, "X.509 Certificate (PEM)", ".pem"},
    {CT_EXPORT_FORMAT_PEM_CHAIN, "X.509 Certificate with chain (PEM)", "-chain.pem"},
    {CT_EXPORT_FORMAT_PKCS7, "X.509 Certificate (PKCS#7)", ".p7c"},
    {CT_EXPORT_FORMAT_PKCS7_CHAIN, "X.509 Certificate with chain (PKCS#7)", "-chain.p7c"},
    {0, NULL, NULL},
};

const gchar *
ct_export_format_to_string(CtExportFormat format)
{
	if (format >= CT_EXPORT_FORMAT_LAST)
		return NULL;
	return ct_export_format_names[format];
}

gboolean
ct_export_format_from_string(const gchar *text, CtExportFormat *format, GError **error)
{
	for (guint i = 0; i < CT_EXPORT_FORMAT_LAST; i++) {
		if (g_strcmp0(text, ct_export_format_names[i]) == 0) {
			*format = i;
			return TRUE;
		}
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "unknown format '%s': use der, base64, pem, pem-chain, pkcs7 or pkcs7-chain",
		    text);
	return FALSE;
}

const CtExportOffer *
ct_export_get_browser_offers(const gchar *browser, GError **error)
{
	/* Safari 4 on Windows shows the Windows export wizard, the same as IE8 */
	if (g_strcmp0(browser, "ie8") == 0 || g_strcmp0(browser, "safari4") == 0)
		return ct_export_offers_ie8;
	if (g_strcmp0(browser, "firefox3") == 0)
		return ct_export_offers_firefox3;
	if (g_strcmp0(browser, "all") == 0)
		return ct_export_offers_all;
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "unknown browser '%s': use ie8, firefox3, safari4 or all", browser);
	return NULL;
}

static GBytes *
ct_export_render_pem(GPtrArray *certificates)
{
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(certificates, i);
		g_autofree gchar *pem = ct_pem_encode("CERTIFICATE", certificate->der);
		g_string_append(out, pem);
	}
	return g_string_free_to_bytes(out);
}

static GBytes *
ct_export_render_pkcs7(GPtrArray *certificates, GError **error)
{
	g_autoptr(GPtrArray) ders = g_ptr_array_new();
	for (guint i = 0; i < certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(certificates, i);
		g_ptr_array_add(ders, certificate->der);
	}
	return ct_nssdb_encode_pkcs7(ders, error);
}

GBytes *
ct_export_render(CtChain *chain, CtExportFormat format, GError **error)
{
	CtCertificate *leaf = ct_chain_get_leaf(chain);
	g_autoptr(GPtrArray) single = g_ptr_array_new();
	g_autoptr(GPtrArray) path = NULL;

	if (leaf == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "no certificate to export");
		return NULL;
	}
	g_ptr_array_add(single, leaf);
	path = ct_chain_get_path(chain);
	switch (format) {
	case CT_EXPORT_FORMAT_DER:
		return g_bytes_ref(leaf->der);
	case CT_EXPORT_FORMAT_BASE64:
	case CT_EXPORT_FORMAT_PEM:
		return ct_export_render_pem(single);
	case CT_EXPORT_FORMAT_PEM_CHAIN:
		return ct_export_render_pem(path);
	case CT_EXPORT_FORMAT_PKCS7:
		return ct_export_render_pkcs7(single, error);
	case CT_EXPORT_FORMAT_PKCS7_CHAIN:
		return ct_export_render_pkcs7(path, error);
	case CT_EXPORT_FORMAT_LAST:
	default:
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "unknown format %d", format);
		return NULL;
	}
}

gboolean
ct_export_to_file(CtChain *chain,
		  CtExportFormat format,
		  const gchar *path,
		  gboolean force,
		  GError **error)
{
	g_autoptr(GBytes) bytes = ct_export_render(chain, format, error);
	if (bytes == NULL)
		return FALSE;
	return ct_save_file(path, bytes, 0644, force ? CT_SAVE_FLAG_REPLACE : CT_SAVE_FLAG_NONE,
			    error);
}

gchar *
ct_export_get_base_name(CtChain *chain)
{
	CtCertificate *leaf = ct_chain_get_leaf(chain);
	return ct_escape_for_filename(leaf != NULL ? leaf->subject_cn : NULL, "certificate");
}

/* a later write failed: take back the files this export created */
static void
ct_export_remove_created(GPtrArray *created)
{
	for (guint i = 0; i < created->len; i++)
		g_unlink(g_ptr_array_index(created, i));
}

GPtrArray *
ct_export_to_browser_dir(CtChain *chain,
			 const gchar *browser,
			 const gchar *dir,
			 gboolean force,
			 GError **error)
{
	const CtExportOffer *offers = ct_export_get_browser_offers(browser, error);
	g_autofree gchar *base = NULL;
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray)
	    contents = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func(g_free);

	if (offers == NULL)
		return NULL;
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR,
			    errsv == EACCES || errsv == EROFS ? CT_ERROR_PERMISSION_DENIED
							      : CT_ERROR_FAILED,
			    "cannot create directory %s: %s", dir, g_strerror(errsv));
		return NULL;
	}
	base = ct_export_get_base_name(chain);

	/* render everything and check every target first: all or nothing */
	for (guint i = 0; offers[i].label != NULL; i++) {
		g_autofree gchar *name = g_strconcat(base, offers[i].suffix, NULL);
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		GBytes *bytes = ct_export_render(chain, offers[i].format, error);
		if (bytes == NULL)
			return NULL;
		g_ptr_array_add(contents, bytes);
		if (!force && g_file_test(path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK)) {
			g_set_error(error, CT_ERROR, CT_ERROR_EXISTS,
				    "%s already exists: nothing was written", path);
			return NULL;
		}
		g_ptr_array_add(paths, g_steal_pointer(&path));
	}
	for (guint i = 0; i < paths->len; i++) {
		const gchar *path = g_ptr_array_index(paths, i);
		gboolean existed = g_file_test(path, G_FILE_TEST_EXISTS);
		if (!ct_save_file(path, g_ptr_array_index(contents, i), 0644,
				  force ? CT_SAVE_FLAG_REPLACE : CT_SAVE_FLAG_NONE, error)) {
			ct_export_remove_created(created);
			return NULL;
		}
		if (!existed)
			g_ptr_array_add(created, g_strdup(path));
	}
	return g_steal_pointer(&paths);
}
