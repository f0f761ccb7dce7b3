/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <cert.h>

#include "ct-nssdb-private.h"

/* the PKCS#11 objects of one database's slot: certificates and their trust objects,
 * read and written in that slot alone */

void
ct_nssdb_trust_object_free(CtNssDbTrustObject *trust)
{
	if (trust == NULL)
		return;
	g_clear_pointer(&trust->issuer, g_bytes_unref);
	g_clear_pointer(&trust->serial, g_bytes_unref);
	g_clear_pointer(&trust->sha1, g_bytes_unref);
	g_free(trust);
}

void
ct_nssdb_cert_object_free(CtNssDbCertObject *cert)
{
	if (cert == NULL)
		return;
	ct_nssdb_entry_free(cert->entry);
	g_free(cert);
}

/* the DER INTEGER around the content octets of a serial number */
static GBytes *
ct_nssdb_object_encode_serial(const SECItem *content)
{
	g_autoptr(GByteArray) der = g_byte_array_new();
	guint8 header[2 + sizeof(guint32)] = {0x02};
	guint header_len = 2;

	if (content->len < 0x80) {
		header[1] = (guint8)content->len;
	} else {
		guint n = 0;
		for (guint32 len = content->len; len != 0; len >>= 8)
			n++;
		header[1] = (guint8)(0x80 | n);
		for (guint i = 0; i < n; i++)
			header[2 + i] = (guint8)(content->len >> (8 * (n - 1 - i)));
		header_len += n;
	}
	g_byte_array_append(der, header, header_len);
	g_byte_array_append(der, content->data, content->len);
	return g_byte_array_free_to_bytes(g_steal_pointer(&der));
}

/* the DER issuer name and the DER serial number INTEGER, as NSS stores them in the
 * certificate's and the trust object's CKA_ISSUER and CKA_SERIAL_NUMBER */
static gboolean
ct_nssdb_object_get_issuer_serial(GBytes *der, GBytes **issuer, GBytes **serial)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	CERTCertificate *cert = NULL;

	if (arena == NULL)
		return FALSE;
	cert = ct_nssdb_decode_certificate(arena, der);
	if (cert == NULL)
		return FALSE;
	*issuer = g_bytes_new(cert->derIssuer.data, cert->derIssuer.len);
	*serial = ct_nssdb_object_encode_serial(&cert->serialNumber);
	return TRUE;
}

/* an attribute's value, or NULL when the object has none */
static GBytes *
ct_nssdb_object_read_attribute(PK11GenericObject *object, CK_ATTRIBUTE_TYPE type)
{
	g_auto(SECItem) item = {siBuffer, NULL, 0};

	if (PK11_ReadRawAttribute(PK11_TypeGeneric, object, type, &item) != SECSuccess)
		return NULL;
	return g_bytes_new(item.data, item.len);
}

static CK_TRUST
ct_nssdb_object_read_trust_attribute(PK11GenericObject *object, CK_ATTRIBUTE_TYPE type)
{
	g_auto(SECItem) item = {siBuffer, NULL, 0};
	CK_TRUST value = CKT_NSS_TRUST_UNKNOWN;

	if (PK11_ReadRawAttribute(PK11_TypeGeneric, object, type, &item) != SECSuccess)
		return CKT_NSS_TRUST_UNKNOWN;
	if (item.len == sizeof(value))
		memcpy(&value, item.data, sizeof(value));
	return value;
}

/* every trust object in the slot */
static GPtrArray *
ct_nssdb_object_read_trusts(CtNssDb *db)
{
	g_autoptr(GPtrArray)
	    trusts = g_ptr_array_new_with_free_func((GDestroyNotify)ct_nssdb_trust_object_free);
	g_autoptr(PK11GenericObject) objects = PK11_FindGenericObjects(db->slot, CKO_NSS_TRUST);

	for (PK11GenericObject *object = objects; object != NULL;
	     object = PK11_GetNextGenericObject(object)) {
		g_autoptr(CtNssDbTrustObject) trust = g_new0(CtNssDbTrustObject, 1);

		trust->handle = PK11_GetObjectHandle(PK11_TypeGeneric, object, NULL);
		trust->issuer = ct_nssdb_object_read_attribute(object, CKA_ISSUER);
		trust->serial = ct_nssdb_object_read_attribute(object, CKA_SERIAL_NUMBER);
		if (trust->issuer == NULL || trust->serial == NULL)
			continue;
		trust->sha1 = ct_nssdb_object_read_attribute(object, CKA_CERT_SHA1_HASH);
		trust->server_auth = ct_nssdb_object_read_trust_attribute(object,
									  CKA_TRUST_SERVER_AUTH);
		trust->client_auth = ct_nssdb_object_read_trust_attribute(object,
									  CKA_TRUST_CLIENT_AUTH);
		trust->email_protection =
		    ct_nssdb_object_read_trust_attribute(object, CKA_TRUST_EMAIL_PROTECTION);
		trust->code_signing = ct_nssdb_object_read_trust_attribute(object,
									   CKA_TRUST_CODE_SIGNING);
		g_ptr_array_add(trusts, g_steal_pointer(&trust));
	}
	return g_steal_pointer(&trusts);
}

/* the trust object NSS would use for this certificate: same issuer and serial, and the
 * same SHA-1 when the object records one */
static CtNssDbTrustObject *
ct_nssdb_object_find_trust(GPtrArray *trusts, GBytes *der)
{
	g_autoptr(GBytes) issuer = NULL;
	g_autoptr(GBytes) serial = NULL;
	g_autoptr(GBytes) sha1 = NULL;

	if (!ct_nssdb_object_get_issuer_serial(der, &issuer, &serial))
		return NULL;
	sha1 = ct_nssdb_digest_bytes(G_CHECKSUM_SHA1, der);
	for (guint i = 0; i < trusts->len; i++) {
		CtNssDbTrustObject *trust = g_ptr_array_index(trusts, i);
		if (!g_bytes_equal(trust->issuer, issuer) || !g_bytes_equal(trust->serial, serial))
			continue;
		if (trust->sha1 != NULL && g_bytes_get_size(trust->sha1) > 0 &&
		    !g_bytes_equal(trust->sha1, sha1))
			continue;
		return trust;
	}
	return NULL;
}

/* every certificate object in the slot with its trust (borrowed from trusts) */
static GPtrArray *
ct_nssdb_object_read_certs(CtNssDb *db, GPtrArray *trusts)
{
	g_autoptr(GPtrArray)
	    certs = g_ptr_array_new_with_free_func((GDestroyNotify)ct_nssdb_cert_object_free);
	g_autoptr(PK11GenericObject) objects = PK11_FindGenericObjects(db->slot, CKO_CERTIFICATE);

	for (PK11GenericObject *object = objects; object != NULL;
	     object = PK11_GetNextGenericObject(object)) {
		g_autoptr(CtNssDbCertObject) cert = g_new0(CtNssDbCertObject, 1);
		g_autoptr(GBytes) label = NULL;
		g_autoptr(GBytes) der = ct_nssdb_object_read_attribute(object, CKA_VALUE);

		if (der == NULL || g_bytes_get_size(der) == 0)
			continue;
		label = ct_nssdb_object_read_attribute(object, CKA_LABEL);
		cert->handle = PK11_GetObjectHandle(PK11_TypeGeneric, object, NULL);
		cert->trust = ct_nssdb_object_find_trust(trusts, der);
		cert->entry = g_new0(CtNssDbEntry, 1);
		cert->entry->nickname = label != NULL ? g_strndup(g_bytes_get_data(label, NULL),
								  g_bytes_get_size(label))
						      : g_strdup("");
		cert->entry->sha256 = ct_nssdb_digest(G_CHECKSUM_SHA256, der);
		cert->entry->trust = ct_nssdb_trust_flags_encode(cert->trust);
		cert->entry->der = g_steal_pointer(&der);
		g_ptr_array_add(certs, g_steal_pointer(&cert));
	}
	return g_steal_pointer(&certs);
}

gboolean
ct_nssdb_objects_hold_der(CtNssDb *db, GBytes *der)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	SECItem item = {siDERCertBuffer, (unsigned char *)data, (unsigned int)len};
	g_autoptr(CERTCertificate) cert = NULL;

	if (len == 0 || len > G_MAXINT)
		return FALSE;
	/* this token alone, by the encoded certificate: NSS's own exact-match search */
	cert = PK11_FindCertFromDERCertItem(db->slot, &item, NULL);
	return cert != NULL;
}

CtNssDbObjects *
ct_nssdb_objects_read(CtNssDb *db)
{
	CtNssDbObjects *objects = g_new0(CtNssDbObjects, 1);

	objects->trusts = ct_nssdb_object_read_trusts(db);
	objects->certs = ct_nssdb_object_read_certs(db, objects->trusts);
	return objects;
}

void
ct_nssdb_objects_free(CtNssDbObjects *objects)
{
	if (objects == NULL)
		return;
	/* the certificates borrow the trust objects: they go first */
	g_ptr_array_unref(objects->certs);
	g_ptr_array_unref(objects->trusts);
	g_free(objects);
}

CtNssDbCertObject *
ct_nssdb_objects_find_cert(CtNssDbObjects *objects, const gchar *sha256)
{
	for (guint i = 0; i < objects->certs->len; i++) {
		CtNssDbCertObject *cert = g_ptr_array_index(objects->certs, i);
		if (g_strcmp0(cert->entry->sha256, sha256) == 0)
			return cert;
	}
	return NULL;
}

/* write the trust object for der into this slot alone: a token object with the
 * attributes nssToken_ImportTrust() gives it; the softoken replaces an existing trust
 * object of the same issuer and serial in place */
gboolean
ct_nssdb_object_write_trust(CtNssDb *db,
			    GBytes *der,
			    const gchar *nickname,
			    const CERTCertTrust *trust,
			    GError **error)
{
	g_autoptr(GBytes) issuer = NULL;
	g_autoptr(GBytes) serial = NULL;
	g_autoptr(GBytes) sha1 = ct_nssdb_digest_bytes(G_CHECKSUM_SHA1, der);
	g_autoptr(GBytes) md5 = ct_nssdb_digest_bytes(G_CHECKSUM_MD5, der);
	g_autoptr(PK11GenericObject) object = NULL;
	CK_OBJECT_CLASS klass = CKO_NSS_TRUST;
	CK_BBOOL yes = CK_TRUE;
	CK_BBOOL no = CK_FALSE;
	CK_TRUST server_auth = ct_nssdb_trust_flags_to_ck_trust(trust->sslFlags, FALSE);
	CK_TRUST client_auth = ct_nssdb_trust_flags_to_ck_trust(trust->sslFlags, TRUE);
	CK_TRUST email_protection = ct_nssdb_trust_flags_to_ck_trust(trust->emailFlags, FALSE);
	CK_TRUST code_signing = ct_nssdb_trust_flags_to_ck_trust(trust->objectSigningFlags, FALSE);
	gsize sha1_len = 0;
	gsize md5_len = 0;
	gsize issuer_len = 0;
	gsize serial_len = 0;

	if (!ct_nssdb_object_get_issuer_serial(der, &issuer, &serial)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "cannot read the issuer and serial number of %s", nickname);
		return FALSE;
	}
	{
		CK_ATTRIBUTE attrs[] = {
		    {CKA_CLASS, &klass, sizeof(klass)},
		    {CKA_TOKEN, &yes, sizeof(yes)},
		    {CKA_ISSUER, (gpointer)g_bytes_get_data(issuer, &issuer_len), 0},
		    {CKA_SERIAL_NUMBER, (gpointer)g_bytes_get_data(serial, &serial_len), 0},
		    {CKA_CERT_SHA1_HASH, (gpointer)g_bytes_get_data(sha1, &sha1_len), 0},
		    {CKA_CERT_MD5_HASH, (gpointer)g_bytes_get_data(md5, &md5_len), 0},
		    {CKA_TRUST_SERVER_AUTH, &server_auth, sizeof(server_auth)},
		    {CKA_TRUST_CLIENT_AUTH, &client_auth, sizeof(client_auth)},
		    {CKA_TRUST_EMAIL_PROTECTION, &email_protection, sizeof(email_protection)},
		    {CKA_TRUST_CODE_SIGNING, &code_signing, sizeof(code_signing)},
		    {CKA_TRUST_STEP_UP_APPROVED, &no, sizeof(no)},
		};
		attrs[2].ulValueLen = issuer_len;
		attrs[3].ulValueLen = serial_len;
		attrs[4].ulValueLen = sha1_len;
		attrs[5].ulValueLen = md5_len;
		object = PK11_CreateManagedGenericObject(db->slot, attrs, G_N_ELEMENTS(attrs),
							 PR_TRUE);
	}
	if (object == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
			    "cannot set the trust of %s in the NSS database in %s: %s", nickname,
			    db->dir, why);
		return FALSE;
	}
	return TRUE;
}
