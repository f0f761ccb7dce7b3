/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <cert.h>
#include <pk11pub.h>

#include "ct-nssdb-private.h"

/* the entries of a database: list, find, add with trust, restore a trust, remove */

void
ct_nssdb_entry_free(CtNssDbEntry *entry)
{
	if (entry == NULL)
		return;
	g_free(entry->nickname);
	g_free(entry->sha256);
	g_free(entry->trust);
	g_clear_pointer(&entry->der, g_bytes_unref);
	g_free(entry);
}

/* a nickname is a PKCS#11 label that certutil prints and takes back with -n */
static gboolean
ct_nssdb_entry_check_nickname(const gchar *nickname, GError **error)
{
	if (nickname[0] == '\0') {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "empty nickname");
		return FALSE;
	}
	if (!g_utf8_validate(nickname, -1, NULL)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "nickname is not valid UTF-8");
		return FALSE;
	}
	for (const gchar *p = nickname; *p != '\0'; p = g_utf8_next_char(p)) {
		if (g_unichar_iscntrl(g_utf8_get_char(p))) {
			g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
					    "nickname contains control characters");
			return FALSE;
		}
	}
	return TRUE;
}

static CtNssDbEntry *
ct_nssdb_entry_copy(const CtNssDbEntry *entry)
{
	CtNssDbEntry *copy = g_new0(CtNssDbEntry, 1);

	copy->nickname = g_strdup(entry->nickname);
	copy->sha256 = g_strdup(entry->sha256);
	copy->trust = g_strdup(entry->trust);
	copy->der = g_bytes_ref(entry->der);
	return copy;
}

/* the certificate object of a SHA-256 in any spelling, or NULL when the database has none
 * (*objects then still holds what was read); FALSE only when sha256 is not one */
static gboolean
ct_nssdb_entry_lookup(CtNssDb *db,
		      const gchar *sha256,
		      CtNssDbObjects **objects,
		      CtNssDbCertObject **cert,
		      GError **error)
{
	g_autofree gchar *wanted = ct_nssdb_normalize_sha256(sha256);

	if (wanted == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "invalid SHA-256 fingerprint: expected 32 bytes in hex");
		return FALSE;
	}
	*objects = ct_nssdb_objects_read(db);
	*cert = ct_nssdb_objects_find_cert(*objects, wanted);
	return TRUE;
}

GPtrArray *
ct_nssdb_list(CtNssDb *db, GError **error)
{
	g_autoptr(CtNssDbObjects) objects = NULL;
	g_autoptr(GPtrArray)
	    entries = g_ptr_array_new_with_free_func((GDestroyNotify)ct_nssdb_entry_free);

	g_return_val_if_fail(db != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	objects = ct_nssdb_objects_read(db);
	for (guint i = 0; i < objects->certs->len; i++) {
		CtNssDbCertObject *cert = g_ptr_array_index(objects->certs, i);
		g_ptr_array_add(entries, g_steal_pointer(&cert->entry));
	}
	return g_steal_pointer(&entries);
}

CtNssDbEntry *
ct_nssdb_find(CtNssDb *db, const gchar *sha256, GError **error)
{
	g_autoptr(CtNssDbObjects) objects = NULL;
	CtNssDbCertObject *cert = NULL;

	g_return_val_if_fail(db != NULL, NULL);
	g_return_val_if_fail(sha256 != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!ct_nssdb_entry_lookup(db, sha256, &objects, &cert, error))
		return NULL;
	if (cert == NULL)
		return NULL;
	return ct_nssdb_entry_copy(cert->entry);
}

CtNssDbEntry *
ct_nssdb_find_der(CtNssDb *db, GBytes *der, GError **error)
{
	g_autofree gchar *sha256 = NULL;

	g_return_val_if_fail(db != NULL, NULL);
	g_return_val_if_fail(der != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!ct_nssdb_objects_hold_der(db, der))
		return NULL;
	sha256 = ct_nssdb_digest(G_CHECKSUM_SHA256, der);
	return ct_nssdb_find(db, sha256, error);
}

gboolean
ct_nssdb_add(CtNssDb *db, GBytes *der, const gchar *nickname, const gchar *trust, GError **error)
{
	g_autoptr(CtNssDbObjects) objects = NULL;
	g_autoptr(CERTCertificate) cert = NULL;
	g_autofree gchar *sha256 = NULL;
	CERTCertTrust cert_trust = {0};
	CtNssDbCertObject *existing;
	gsize len = 0;
	const guint8 *data;

	g_return_val_if_fail(db != NULL, FALSE);
	g_return_val_if_fail(der != NULL, FALSE);
	g_return_val_if_fail(nickname != NULL, FALSE);
	g_return_val_if_fail(trust != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (!ct_nssdb_entry_check_nickname(nickname, error))
		return FALSE;
	if (!ct_nssdb_trust_flags_parse(trust, nickname, &cert_trust, error))
		return FALSE;
	data = g_bytes_get_data(der, &len);
	if (len > G_MAXINT) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "the certificate for %s is too large", nickname);
		return FALSE;
	}
	if (!ct_nssdb_ber_check_single(data, len, TRUE, error)) {
		g_prefix_error(error, "the certificate for %s is not valid DER: ", nickname);
		return FALSE;
	}

	if (!ct_nssdb_db_ensure_writable(db, error))
		return FALSE;

	/* the same certificate again: its trust is set, its nickname stays (every object is
	 * read only when a search by the certificate found it) */
	sha256 = ct_nssdb_digest(G_CHECKSUM_SHA256, der);
	if (ct_nssdb_objects_hold_der(db, der))
		objects = ct_nssdb_objects_read(db);
	existing = objects != NULL ? ct_nssdb_objects_find_cert(objects, sha256) : NULL;
	if (existing != NULL) {
		g_debug("%s is in %s already as %s", sha256, db->dir, existing->entry->nickname);
		return ct_nssdb_object_write_trust(db, der, existing->entry->nickname, &cert_trust,
						   error);
	}

	{
		SECItem item = {siDERCertBuffer, (unsigned char *)data, (unsigned int)len};
		cert = CERT_NewTempCertificate(CERT_GetDefaultCertDB(), &item, NULL, PR_FALSE,
					       PR_TRUE);
	}
	if (cert == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "the certificate for %s is not valid DER: %s", nickname, why);
		return FALSE;
	}
	/* NSS hands back the certificate it knows by issuer and serial: another one with
	 * the same issuer and serial number must not be stored in place of ours */
	if (cert->derCert.len != len || memcmp(cert->derCert.data, data, len) != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "cannot add %s to the NSS database in %s: a different certificate "
			    "with the same issuer and serial number is already known",
			    nickname, db->dir);
		return FALSE;
	}
	if (PK11_ImportCert(db->slot, cert, CK_INVALID_HANDLE, nickname, PR_FALSE) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
			    "cannot add %s to the NSS database in %s: %s", nickname, db->dir, why);
		return FALSE;
	}
	/* no certificate without the trust asked for: take back what was just added */
	if (!ct_nssdb_object_write_trust(db, der, nickname, &cert_trust, error)) {
		CK_OBJECT_HANDLE handle = PK11_FindCertInSlot(db->slot, cert, NULL);
		if (handle != CK_INVALID_HANDLE)
			PK11_DestroyTokenObject(db->slot, handle);
		return FALSE;
	}
	return TRUE;
}

gboolean
ct_nssdb_set_trust(CtNssDb *db, const gchar *sha256, const gchar *trust, GError **error)
{
	g_autoptr(CtNssDbObjects) objects = NULL;
	g_autofree gchar *copy = NULL;
	CERTCertTrust cert_trust = {0};
	CtNssDbCertObject *cert = NULL;
	guint commas = 0;

	g_return_val_if_fail(db != NULL, FALSE);
	g_return_val_if_fail(sha256 != NULL, FALSE);
	g_return_val_if_fail(trust != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (!ct_nssdb_entry_lookup(db, sha256, &objects, &cert, error))
		return FALSE;
	for (const gchar *p = trust; *p != '\0'; p++)
		commas += *p == ',';
	copy = g_strdup(trust);
	if (commas != 2 || CERT_DecodeTrustString(&cert_trust, copy) != SECSuccess) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "invalid trust flags \"%s\": expected three fields like \"CT,C,C\"",
			    trust);
		return FALSE;
	}
	if (cert == NULL) {
		g_autofree gchar *wanted = ct_nssdb_normalize_sha256(sha256);
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "%s is not in the NSS database in %s", wanted, db->dir);
		return FALSE;
	}
	if (!ct_nssdb_db_ensure_writable(db, error))
		return FALSE;
	return ct_nssdb_object_write_trust(db, cert->entry->der, cert->entry->nickname, &cert_trust,
					   error);
}

gboolean
ct_nssdb_remove(CtNssDb *db, const gchar *sha256, gboolean *removed, GError **error)
{
	g_autoptr(CtNssDbObjects) objects = NULL;
	CtNssDbCertObject *cert = NULL;

	g_return_val_if_fail(db != NULL, FALSE);
	g_return_val_if_fail(sha256 != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (removed != NULL)
		*removed = FALSE;
	if (!ct_nssdb_entry_lookup(db, sha256, &objects, &cert, error))
		return FALSE;
	if (cert == NULL)
		return TRUE;
	if (db->read_only) {
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "cannot remove %s: the NSS database in %s is read-only: %s",
			    cert->entry->nickname, db->dir, db->read_only_why);
		return FALSE;
	}

	/* the trust first: a failure half way leaves less trust, never more */
	if (cert->trust != NULL &&
	    PK11_DestroyTokenObject(db->slot, cert->trust->handle) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
			    "cannot remove the trust of %s from the NSS database in %s: %s",
			    cert->entry->nickname, db->dir, why);
		return FALSE;
	}
	if (PK11_DestroyTokenObject(db->slot, cert->handle) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
			    "cannot remove %s from the NSS database in %s: %s",
			    cert->entry->nickname, db->dir, why);
		return FALSE;
	}
	if (removed != NULL)
		*removed = TRUE;
	return TRUE;
}
