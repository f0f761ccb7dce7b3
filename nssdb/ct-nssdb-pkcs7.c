/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <secasn1.h>
#include <secoid.h>

#include "ct-nssdb-private.h"

static gboolean
ct_nssdb_copy_oid(PLArenaPool *arena, SECOidTag tag, SECItem *out)
{
	SECOidData *oid = SECOID_FindOIDByTag(tag);
	if (oid == NULL)
		return FALSE;
	return SECITEM_CopyItem(arena, out, &oid->oid) == SECSuccess;
}

/* DER of the OID 1.2.840.113549.1.7.2 (signedData) */
static const guint8 ct_nssdb_oid_signed_data[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
						  0xf7, 0x0d, 0x01, 0x07, 0x02};

/* the header of the ContentInfo SEQUENCE (definite or indefinite length), or 0 */
static gsize
ct_nssdb_pkcs7_header_size(const guint8 *data, gsize len)
{
	if (len < 2 || data[0] != 0x30)
		return 0;
	return data[1] < 0x80 ? 2 : 2 + (data[1] & 0x7f);
}

gboolean
ct_nssdb_is_pkcs7(GBytes *der)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	gsize header = ct_nssdb_pkcs7_header_size(data, len);

	if (header == 0 || len < header + sizeof(ct_nssdb_oid_signed_data))
		return FALSE;
	return memcmp(data + header, ct_nssdb_oid_signed_data, sizeof(ct_nssdb_oid_signed_data)) ==
	       0;
}

gchar *
ct_nssdb_describe_pkcs7_other(GBytes *der)
{
	static const gchar *const names[] = {NULL,
					     "data",
					     "signedData",
					     "envelopedData",
					     "signedAndEnvelopedData",
					     "digestedData",
					     "encryptedData"};
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	gsize header = ct_nssdb_pkcs7_header_size(data, len);
	gsize prefix = sizeof(ct_nssdb_oid_signed_data) - 1;
	guint8 arc;

	/* the signedData OID but for its last arc: 1.2.840.113549.1.7.N */
	if (header == 0 || len < header + sizeof(ct_nssdb_oid_signed_data) ||
	    memcmp(data + header, ct_nssdb_oid_signed_data, prefix) != 0)
		return NULL;
	arc = data[header + prefix];
	if (arc == 2)
		return NULL;
	return g_strdup_printf("%s (1.2.840.113549.1.7.%u)",
			       arc < G_N_ELEMENTS(names) && names[arc] != NULL ? names[arc]
									       : "unknown",
			       arc);
}

static SECStatus
ct_nssdb_collect_certificates_cb(void *arg, SECItem **certs, int numcerts)
{
	GPtrArray *ders = arg;
	for (int i = 0; i < numcerts; i++)
		g_ptr_array_add(ders, g_bytes_new(certs[i]->data, certs[i]->len));
	return SECSuccess;
}

GPtrArray *
ct_nssdb_decode_pkcs7(GBytes *der, GError **error)
{
	g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);

	if (!ct_nssdb_ensure_initialized(error))
		return NULL;
	if (!ct_nssdb_is_pkcs7(der)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "not a PKCS#7 SignedData");
		return NULL;
	}
	/* BER as RFC 2315 and 5652 allow (indefinite lengths: some Windows and Java tools
	 * write .p7b files that way), which NSS decodes too; but exactly one element */
	if (!ct_nssdb_ber_check_single(data, len, FALSE, error)) {
		g_prefix_error(error, "not a valid PKCS#7 SignedData: ");
		return NULL;
	}
	if (CERT_DecodeCertPackage((char *)data, (int)len, ct_nssdb_collect_certificates_cb,
				   ders) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "not a valid PKCS#7 SignedData: %s", why);
		return NULL;
	}
	if (ders->len == 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "the PKCS#7 SignedData holds no certificates");
		return NULL;
	}
	return g_steal_pointer(&ders);
}

/* RFC 2315 section 9.1, the degenerate certs-only case:
 *   ContentInfo ::= SEQUENCE { contentType signedData, content [0] EXPLICIT SignedData }
 *   SignedData ::= SEQUENCE { version 1, digestAlgorithms SET {}, contentInfo
 *     SEQUENCE { data }, certificates [0] IMPLICIT SET OF Certificate, signerInfos SET {} } */
typedef struct {
	SECItem version;
	SECItem **digest_algorithms;
	SECItem data_type;
	SECItem **certificates;
	SECItem **signer_infos;
} CtNssDbSignedData;

typedef struct {
	SECItem content_type;
	CtNssDbSignedData signed_data;
} CtNssDbContentInfo;

static const SEC_ASN1Template ct_nssdb_data_content_info_template[] = {
    {SEC_ASN1_SEQUENCE, 0, NULL, sizeof(SECItem)},
    {SEC_ASN1_OBJECT_ID, 0},
    {0},
};

static const SEC_ASN1Template ct_nssdb_signed_data_template[] = {
    {SEC_ASN1_SEQUENCE, 0, NULL, sizeof(CtNssDbSignedData)},
    {SEC_ASN1_INTEGER, offsetof(CtNssDbSignedData, version)},
    {SEC_ASN1_SET_OF | SEC_ASN1_XTRN, offsetof(CtNssDbSignedData, digest_algorithms),
     SEC_ASN1_SUB(SEC_AnyTemplate)},
    {SEC_ASN1_INLINE, offsetof(CtNssDbSignedData, data_type), ct_nssdb_data_content_info_template},
    {SEC_ASN1_CONSTRUCTED | SEC_ASN1_CONTEXT_SPECIFIC | SEC_ASN1_XTRN | 0,
     offsetof(CtNssDbSignedData, certificates), SEC_ASN1_SUB(SEC_SetOfAnyTemplate)},
    {SEC_ASN1_SET_OF | SEC_ASN1_XTRN, offsetof(CtNssDbSignedData, signer_infos),
     SEC_ASN1_SUB(SEC_AnyTemplate)},
    {0},
};

static const SEC_ASN1Template ct_nssdb_content_info_template[] = {
    {SEC_ASN1_SEQUENCE, 0, NULL, sizeof(CtNssDbContentInfo)},
    {SEC_ASN1_OBJECT_ID, offsetof(CtNssDbContentInfo, content_type)},
    {SEC_ASN1_EXPLICIT | SEC_ASN1_CONSTRUCTED | SEC_ASN1_CONTEXT_SPECIFIC | 0,
     offsetof(CtNssDbContentInfo, signed_data), ct_nssdb_signed_data_template},
    {0},
};

/* what Firefox's "X.509 Certificate (PKCS#7)" writes: a degenerate SignedData with
 * an empty data content, no signers and the certificates in the order given; encoded
 * with NSS's DER encoder from the bytes as given, outside NSS's certificate cache */
GBytes *
ct_nssdb_encode_pkcs7(GPtrArray *ders, GError **error)
{
	g_autoptr(PLArenaPool) arena = NULL;
	CtNssDbContentInfo content_info = {{0}};
	CtNssDbSignedData *signed_data = &content_info.signed_data;
	SECItem *empty[] = {NULL};
	SECItem **certificates = NULL;
	SECItem *encoded = NULL;
	guint8 version = 1;

	g_return_val_if_fail(ders != NULL && ders->len > 0, NULL);

	if (!ct_nssdb_ensure_initialized(error))
		return NULL;
	arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	certificates = arena != NULL ? PORT_ArenaZNewArray(arena, SECItem *, ders->len + 1) : NULL;
	if (certificates == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_FAILED, "out of memory");
		return NULL;
	}
	for (guint i = 0; i < ders->len; i++) {
		GBytes *der = g_ptr_array_index(ders, i);
		gsize len = 0;
		const guint8 *data = g_bytes_get_data(der, &len);
		SECItem item = {siBuffer, (unsigned char *)data, (unsigned int)len};
		certificates[i] = SECITEM_ArenaDupItem(arena, &item);
		if (certificates[i] == NULL) {
			g_set_error_literal(error, CT_ERROR, CT_ERROR_FAILED, "out of memory");
			return NULL;
		}
	}
	signed_data->version.data = &version;
	signed_data->version.len = 1;
	signed_data->digest_algorithms = empty;
	signed_data->certificates = certificates;
	signed_data->signer_infos = empty;
	if (!ct_nssdb_copy_oid(arena, SEC_OID_PKCS7_DATA, &signed_data->data_type) ||
	    !ct_nssdb_copy_oid(arena, SEC_OID_PKCS7_SIGNED_DATA, &content_info.content_type)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_FAILED, "no OID for PKCS#7");
		return NULL;
	}
	encoded = SEC_ASN1EncodeItem(arena, NULL, &content_info, ct_nssdb_content_info_template);
	if (encoded == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot encode PKCS#7: %s", why);
		return NULL;
	}
	return g_bytes_new(encoded->data, encoded->len);
}
