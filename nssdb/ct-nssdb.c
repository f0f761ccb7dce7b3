/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <prerror.h>

#include "ct-nssdb-private.h"

static NSSInitContext *ct_nssdb_context = NULL;

gchar *
ct_nssdb_describe_error(void)
{
	PRErrorCode code = PR_GetError();
	const char *name = PR_ErrorToName(code);
	const char *text = PR_ErrorToString(code, PR_LANGUAGE_I_DEFAULT);

	if (name == NULL)
		return g_strdup_printf("NSS error %d", (gint)code);
	if (text == NULL || text[0] == '\0')
		return g_strdup_printf("%s (%d)", name, (gint)code);
	return g_strdup_printf("%s (%s, %d)", text, name, (gint)code);
}

/* NSS without any database: enough to parse, hash and encode certificates;
 * databases are opened later with contexts of their own */
gboolean
ct_nssdb_ensure_initialized(GError **error)
{
	if (ct_nssdb_context != NULL)
		return TRUE;
	ct_nssdb_context = NSS_InitContext("", "", "", "", NULL,
					   NSS_INIT_READONLY | NSS_INIT_NOCERTDB |
					       NSS_INIT_NOMODDB | NSS_INIT_FORCEOPEN |
					       NSS_INIT_NOROOTINIT | NSS_INIT_OPTIMIZESPACE);
	if (ct_nssdb_context == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot initialise NSS: %s", why);
		return FALSE;
	}
	return TRUE;
}

const gchar *
ct_nssdb_get_version(void)
{
	return NSS_GetVersion();
}

void
ct_nssdb_shutdown(void)
{
	if (ct_nssdb_context == NULL)
		return;
	NSS_ShutdownContext(ct_nssdb_context);
	ct_nssdb_context = NULL;
}

gchar *
ct_nssdb_hex_colons(const guint8 *data, gsize len)
{
	GString *str = g_string_sized_new(len * 3);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf(str, i == 0 ? "%02X" : ":%02X", data[i]);
	return g_string_free(str, FALSE);
}

GBytes *
ct_nssdb_digest_bytes(GChecksumType type, GBytes *der)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(type);
	guint8 digest[64];
	gsize len = sizeof(digest);

	g_checksum_update(checksum, g_bytes_get_data(der, NULL), g_bytes_get_size(der));
	g_checksum_get_digest(checksum, digest, &len);
	return g_bytes_new(digest, len);
}

gchar *
ct_nssdb_digest(GChecksumType type, GBytes *der)
{
	g_autoptr(GBytes) digest = ct_nssdb_digest_bytes(type, der);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(digest, &len);

	return ct_nssdb_hex_colons(data, len);
}

gchar *
ct_nssdb_normalize_sha256(const gchar *text)
{
	guint8 bytes[32];
	guint digits = 0;

	for (const gchar *p = text; *p != '\0'; p++) {
		gint value = g_ascii_xdigit_value(*p);
		if (*p == ':')
			continue;
		if (value < 0 || digits >= 2 * sizeof(bytes))
			return NULL;
		if (digits % 2 == 0)
			bytes[digits / 2] = (guint8)(value << 4);
		else
			bytes[digits / 2] |= (guint8)value;
		digits++;
	}
	if (digits != 2 * sizeof(bytes))
		return NULL;
	return ct_nssdb_hex_colons(bytes, sizeof(bytes));
}
