/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <arpa/inet.h>
#include <cryptohi.h>
#include <secasn1.h>
#include <secder.h>
#include <secoid.h>
#include <string.h>

#include "ct-nssdb-private.h"

#define CT_NSSDB_GENERATE_KEY_BITS 2048
#define CT_NSSDB_GENERATE_PUBLIC_EXPONENT 65537
/* X.509 names nine key usage bits: digitalSignature (0) to decipherOnly (8) */
#define CT_NSSDB_GENERATE_KEY_USAGE_BITS 9
/* basicConstraints, keyUsage, extKeyUsage, subjectAltName, SKI and AKI */
#define CT_NSSDB_GENERATE_MAX_EXTENSIONS 6
/* what GeneralizedTime can say: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z */
#define CT_NSSDB_GENERATE_TIME_MIN G_GINT64_CONSTANT(-62135596800)
#define CT_NSSDB_GENERATE_TIME_MAX G_GINT64_CONSTANT(253402300799)

/* key bytes handed out as GBytes: zeroed when the last reference goes */
typedef struct {
	gsize len;
	guint8 data[];
} CtNssDbSecret;

static void
ct_nssdb_secret_free(gpointer user_data)
{
	CtNssDbSecret *secret = user_data;
	explicit_bzero(secret->data, secret->len);
	g_free(secret);
}

static GBytes *
ct_nssdb_secret_bytes_new(const guint8 *data, gsize len)
{
	CtNssDbSecret *secret = g_malloc(sizeof(CtNssDbSecret) + len);
	secret->len = len;
	memcpy(secret->data, data, len);
	return g_bytes_new_with_free_func(secret->data, len, ct_nssdb_secret_free, secret);
}

/* an NSS failure that is not the caller's fault */
static gboolean
ct_nssdb_generate_failed(const gchar *what, GError **error)
{
	g_autofree gchar *why = ct_nssdb_describe_error();
	g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s: %s", what, why);
	return FALSE;
}

/* a textual IPv4 or IPv6 address as the 4 or 16 bytes of an iPAddress name */
static gboolean
ct_nssdb_parse_ip_address(const gchar *text, guint8 buf[16], gsize *len)
{
	if (inet_pton(AF_INET, text, buf) == 1) {
		*len = 4;
		return TRUE;
	}
	if (inet_pton(AF_INET6, text, buf) == 1) {
		*len = 16;
		return TRUE;
	}
	return FALSE;
}

static gboolean
ct_nssdb_check_time(gint64 seconds, const gchar *what, GError **error)
{
	if (seconds < CT_NSSDB_GENERATE_TIME_MIN || seconds > CT_NSSDB_GENERATE_TIME_MAX) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s %" G_GINT64_FORMAT " is outside the years 1 to 9999", what,
			    seconds);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ct_nssdb_check_utf8(const gchar *value, const gchar *what, GError **error)
{
	if (value != NULL && !g_utf8_validate(value, -1, NULL)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "the %s is not valid UTF-8",
			    what);
		return FALSE;
	}
	return TRUE;
}

/* everything that is the caller's fault, found before a key is generated */
static gboolean
ct_nssdb_check_spec(const CtNssDbCertificateSpec *spec, GError **error)
{
	if (!ct_nssdb_check_time(spec->not_before, "not_before", error) ||
	    !ct_nssdb_check_time(spec->not_after, "not_after", error))
		return FALSE;
	if (spec->not_after < spec->not_before) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "the validity ends before it starts");
		return FALSE;
	}
	if (!ct_nssdb_check_utf8(spec->common_name, "common name", error) ||
	    !ct_nssdb_check_utf8(spec->organization, "organization", error))
		return FALSE;

	/* a v1 certificate has no extensions, so nothing below is written */
	if (spec->version1)
		return TRUE;
	switch (spec->basic_constraints) {
	case CT_NSSDB_BASIC_CONSTRAINTS_NONE:
	case CT_NSSDB_BASIC_CONSTRAINTS_CA_FALSE:
	case CT_NSSDB_BASIC_CONSTRAINTS_CA_TRUE:
		break;
	default:
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "unknown basic constraints %d",
			    (gint)spec->basic_constraints);
		return FALSE;
	}
	if ((spec->key_usage >> CT_NSSDB_GENERATE_KEY_USAGE_BITS) != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "unknown key usage bits 0x%x",
			    spec->key_usage);
		return FALSE;
	}
	for (const gchar *const *dns = spec->dns_names; dns != NULL && *dns != NULL; dns++) {
		if (**dns == '\0') {
			g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
					    "empty dNSName");
			return FALSE;
		}
		/* an IA5String: anything else would be a different name to every reader */
		for (const gchar *p = *dns; *p != '\0'; p++) {
			if ((guchar)*p >= 0x80) {
				g_autofree gchar *escaped = g_strescape(*dns, NULL);
				g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
					    "dNSName \"%s\" is not ASCII", escaped);
				return FALSE;
			}
		}
	}
	for (const gchar *const *ip = spec->ip_addresses; ip != NULL && *ip != NULL; ip++) {
		guint8 buf[16];
		gsize len = 0;
		if (!ct_nssdb_parse_ip_address(*ip, buf, &len)) {
			g_autofree gchar *escaped = g_strescape(*ip, NULL);
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "invalid IP address \"%s\"", escaped);
			return FALSE;
		}
	}
	return TRUE;
}

/* PrintableString when every character allows it, as certutil -s does; else UTF8String */
static gboolean
ct_nssdb_is_printable_string(const gchar *value)
{
	for (const gchar *p = value; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr(" '()+,-./:=?", *p) == NULL)
			return FALSE;
	}
	return TRUE;
}

/* one RDN with one attribute: the value is data, never parsed, so ',' '+' '='
 * cannot add attributes */
static gboolean
ct_nssdb_name_add(CERTName *name,
		  SECOidTag kind,
		  const gchar *value,
		  const gchar *what,
		  GError **error)
{
	int type = ct_nssdb_is_printable_string(value) ? SEC_ASN1_PRINTABLE_STRING
						       : SEC_ASN1_UTF8_STRING;
	CERTAVA *ava = CERT_CreateAVA(name->arena, kind, type, (char *)value);
	CERTRDN *rdn = ava != NULL ? CERT_CreateRDN(name->arena, ava, NULL) : NULL;

	/* NSS refuses values over its bounds: 640 bytes for CN, 128 for O */
	if (rdn == NULL || CERT_AddRDN(name, rdn) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "cannot use the %s (%" G_GSIZE_FORMAT " bytes): %s", what,
			    strlen(value), why);
		return FALSE;
	}
	return TRUE;
}

static CERTName *
ct_nssdb_create_subject(const CtNssDbCertificateSpec *spec, GError **error)
{
	g_autoptr(CERTName) name = CERT_CreateName(NULL);

	if (name == NULL) {
		ct_nssdb_generate_failed("cannot create the subject name", error);
		return NULL;
	}
	/* most significant first: O, then CN */
	if (spec->organization != NULL &&
	    !ct_nssdb_name_add(name, SEC_OID_AVA_ORGANIZATION_NAME, spec->organization,
			       "organization", error))
		return NULL;
	if (spec->common_name != NULL &&
	    !ct_nssdb_name_add(name, SEC_OID_AVA_COMMON_NAME, spec->common_name, "common name",
			       error))
		return NULL;
	return g_steal_pointer(&name);
}

/* a positive INTEGER: random 64 bits in 8 bytes (first byte 0x01..0x7f), or the value
 * given in its shortest form, with a zero byte before a high bit */
static gboolean
ct_nssdb_set_serial(PLArenaPool *arena, SECItem *item, guint64 serial, GError **error)
{
	guint8 buf[9] = {0};
	gsize start = 0;
	gsize len;

	if (serial == 0) {
		do {
			if (PK11_GenerateRandom(buf + 1, 8) != SECSuccess)
				return ct_nssdb_generate_failed("cannot make a random serial",
								error);
			buf[1] &= 0x7f;
		} while (buf[1] == 0);
		start = 1;
	} else {
		for (guint i = 0; i < 8; i++)
			buf[1 + i] = (guint8)(serial >> (56 - 8 * i));
		while (start < 8 && buf[start] == 0 && buf[start + 1] < 0x80)
			start++;
	}
	len = sizeof(buf) - start;
	item->type = siBuffer;
	item->data = PORT_ArenaAlloc(arena, len);
	if (item->data == NULL)
		return ct_nssdb_generate_failed("cannot store the serial", error);
	memcpy(item->data, buf + start, len);
	item->len = (unsigned int)len;
	return TRUE;
}

/* RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents
 * (NSS keeps BIT STRING lengths in bits) */
static SECItem *
ct_nssdb_key_id(PLArenaPool *arena, const CERTSubjectPublicKeyInfo *spki)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA1);
	guint8 digest[20];
	gsize len = sizeof(digest);
	SECItem item = {siBuffer, digest, 0};

	g_checksum_update(checksum, spki->subjectPublicKey.data,
			  (spki->subjectPublicKey.len + 7) / 8);
	g_checksum_get_digest(checksum, digest, &len);
	item.len = (unsigned int)len;
	return SECITEM_ArenaDupItem(arena, &item);
}

/* the issuer's own subjectKeyIdentifier, or one computed from its key when it has none */
static SECItem *
ct_nssdb_issuer_key_id(PLArenaPool *arena, CERTCertificate *issuer_cert)
{
	SECItem ski = {siBuffer, NULL, 0};
	SECItem *copy = NULL;

	if (CERT_FindSubjectKeyIDExtension(issuer_cert, &ski) != SECSuccess || ski.len == 0) {
		SECITEM_FreeItem(&ski, PR_FALSE);
		return ct_nssdb_key_id(arena, &issuer_cert->subjectPublicKeyInfo);
	}
	copy = SECITEM_ArenaDupItem(arena, &ski);
	SECITEM_FreeItem(&ski, PR_FALSE);
	return copy;
}

static gboolean
ct_nssdb_extensions_append(PLArenaPool *arena,
			   CERTCertExtension **extensions,
			   SECOidTag tag,
			   gboolean critical,
			   const SECItem *value)
{
	SECOidData *oid = SECOID_FindOIDByTag(tag);
	CERTCertExtension *extension = PORT_ArenaZNew(arena, CERTCertExtension);
	guint i = 0;

	if (oid == NULL || extension == NULL ||
	    SECITEM_CopyItem(arena, &extension->id, &oid->oid) != SECSuccess)
		return FALSE;
	/* the value is already in the certificate's arena */
	extension->value = *value;
	/* DER leaves out the DEFAULT FALSE */
	if (critical) {
		extension->critical.data = PORT_ArenaAlloc(arena, 1);
		if (extension->critical.data == NULL)
			return FALSE;
		extension->critical.data[0] = 0xff;
		extension->critical.len = 1;
	}
	while (extensions[i] != NULL)
		i++;
	extensions[i] = extension;
	return TRUE;
}

static gboolean
ct_nssdb_general_names_add(PLArenaPool *arena,
			   CERTGeneralName **head,
			   CERTGeneralNameType type,
			   const guint8 *data,
			   gsize len)
{
	CERTGeneralName *name = PORT_ArenaZNew(arena, CERTGeneralName);

	if (name == NULL)
		return FALSE;
	name->type = type;
	name->name.other.type = siBuffer;
	name->name.other.data = PORT_ArenaAlloc(arena, MAX(len, 1));
	if (name->name.other.data == NULL)
		return FALSE;
	memcpy(name->name.other.data, data, len);
	name->name.other.len = (unsigned int)len;
	/* a circular list in the order given */
	PR_INIT_CLIST(&name->l);
	if (*head == NULL)
		*head = name;
	else
		PR_APPEND_LINK(&name->l, &(*head)->l);
	return TRUE;
}

/* dNSName entries then iPAddress entries; *names stays NULL when there are none */
static gboolean
ct_nssdb_create_alt_names(PLArenaPool *arena,
			  const CtNssDbCertificateSpec *spec,
			  CERTGeneralName **names,
			  GError **error)
{
	for (const gchar *const *dns = spec->dns_names; dns != NULL && *dns != NULL; dns++) {
		if (!ct_nssdb_general_names_add(arena, names, certDNSName, (const guint8 *)*dns,
						strlen(*dns)))
			return ct_nssdb_generate_failed("cannot store a dNSName", error);
	}
	for (const gchar *const *ip = spec->ip_addresses; ip != NULL && *ip != NULL; ip++) {
		guint8 buf[16];
		gsize len = 0;
		if (!ct_nssdb_parse_ip_address(*ip, buf, &len)) {
			g_autofree gchar *escaped = g_strescape(*ip, NULL);
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "invalid IP address \"%s\"", escaped);
			return FALSE;
		}
		if (!ct_nssdb_general_names_add(arena, names, certIPAddress, buf, len))
			return ct_nssdb_generate_failed("cannot store an iPAddress", error);
	}
	return TRUE;
}

static gboolean
ct_nssdb_encode_failed(const gchar *extension, GError **error)
{
	g_autofree gchar *what = g_strdup_printf("cannot encode %s", extension);
	return ct_nssdb_generate_failed(what, error);
}

/* the v3 extensions the spec asks for, in this order: basicConstraints, keyUsage,
 * extKeyUsage, subjectAltName, subjectKeyIdentifier, authorityKeyIdentifier */
static gboolean
ct_nssdb_add_extensions(CERTCertificate *cert,
			const CtNssDbCertificateSpec *spec,
			CERTCertificate *issuer_cert,
			GError **error)
{
	PLArenaPool *arena = cert->arena;
	CERTCertExtension **extensions = PORT_ArenaZNewArray(arena, CERTCertExtension *,
							     CT_NSSDB_GENERATE_MAX_EXTENSIONS + 1);
	CERTGeneralName *alt_names = NULL;
	SECItem value = {siBuffer, NULL, 0};

	if (extensions == NULL)
		return ct_nssdb_generate_failed("cannot store the extensions", error);

	if (spec->basic_constraints != CT_NSSDB_BASIC_CONSTRAINTS_NONE) {
		CERTBasicConstraints bc = {0};
		bc.isCA = spec->basic_constraints == CT_NSSDB_BASIC_CONSTRAINTS_CA_TRUE;
		bc.pathLenConstraint = bc.isCA && spec->path_length >= 0
					   ? spec->path_length
					   : CERT_UNLIMITED_PATH_CONSTRAINT;
		if (CERT_EncodeBasicConstraintValue(arena, &bc, &value) != SECSuccess ||
		    !ct_nssdb_extensions_append(arena, extensions, SEC_OID_X509_BASIC_CONSTRAINTS,
						TRUE, &value))
			return ct_nssdb_encode_failed("basicConstraints", error);
	}

	if (spec->key_usage != 0) {
		guint8 bits[2] = {0};
		SECItem bit_string = {siBuffer, bits, 0};
		/* bit 0 is the first (most significant) bit; DER drops trailing zero bits and
		 * the BIT STRING template counts its length in bits */
		for (guint i = 0; i < CT_NSSDB_GENERATE_KEY_USAGE_BITS; i++) {
			if ((spec->key_usage & (1u << i)) == 0)
				continue;
			bits[i / 8] |= 0x80 >> (i % 8);
			bit_string.len = i + 1;
		}
		if (SEC_ASN1EncodeItem(arena, &value, &bit_string,
				       SEC_ASN1_GET(SEC_BitStringTemplate)) == NULL ||
		    !ct_nssdb_extensions_append(arena, extensions, SEC_OID_X509_KEY_USAGE, TRUE,
						&value))
			return ct_nssdb_encode_failed("keyUsage", error);
	}

	if (spec->server_auth) {
		SECOidData *server = SECOID_FindOIDByTag(SEC_OID_EXT_KEY_USAGE_SERVER_AUTH);
		SECOidData *client = SECOID_FindOIDByTag(SEC_OID_EXT_KEY_USAGE_CLIENT_AUTH);
		SECItem *oids[3] = {NULL};
		SECItem **sequence = oids;
		oids[0] = server != NULL ? &server->oid : NULL;
		oids[1] = client != NULL ? &client->oid : NULL;
		if (oids[0] == NULL || oids[1] == NULL ||
		    SEC_ASN1EncodeItem(arena, &value, &sequence,
				       SEC_ASN1_GET(SEC_SequenceOfObjectIDTemplate)) == NULL ||
		    !ct_nssdb_extensions_append(arena, extensions, SEC_OID_X509_EXT_KEY_USAGE,
						FALSE, &value))
			return ct_nssdb_encode_failed("extKeyUsage", error);
	}

	if (!ct_nssdb_create_alt_names(arena, spec, &alt_names, error))
		return FALSE;
	if (alt_names != NULL) {
		/* RFC 5280 4.2.1.6: critical when the subject is empty */
		gboolean critical = spec->common_name == NULL && spec->organization == NULL;
		if (CERT_EncodeAltNameExtension(arena, alt_names, &value) != SECSuccess ||
		    !ct_nssdb_extensions_append(arena, extensions, SEC_OID_X509_SUBJECT_ALT_NAME,
						critical, &value))
			return ct_nssdb_encode_failed("subjectAltName", error);
	}

	if (spec->subject_key_id) {
		SECItem *key_id = ct_nssdb_key_id(arena, &cert->subjectPublicKeyInfo);
		if (key_id == NULL ||
		    CERT_EncodeSubjectKeyID(arena, key_id, &value) != SECSuccess ||
		    !ct_nssdb_extensions_append(arena, extensions, SEC_OID_X509_SUBJECT_KEY_ID,
						FALSE, &value))
			return ct_nssdb_encode_failed("subjectKeyIdentifier", error);
	}

	if (spec->authority_key_id) {
		CERTAuthKeyID akid = {{0}};
		SECItem *key_id = issuer_cert != NULL
				      ? ct_nssdb_issuer_key_id(arena, issuer_cert)
				      : ct_nssdb_key_id(arena, &cert->subjectPublicKeyInfo);
		if (key_id == NULL)
			return ct_nssdb_encode_failed("authorityKeyIdentifier", error);
		akid.keyID = *key_id;
		if (CERT_EncodeAuthKeyID(arena, &akid, &value) != SECSuccess ||
		    !ct_nssdb_extensions_append(arena, extensions, SEC_OID_X509_AUTH_KEY_ID, FALSE,
						&value))
			return ct_nssdb_encode_failed("authorityKeyIdentifier", error);
	}

	/* Extensions ::= SEQUENCE SIZE (1..MAX): leave the field out when empty */
	cert->extensions = extensions[0] != NULL ? extensions : NULL;
	return TRUE;
}

static CERTCertificate *
ct_nssdb_decode_issuer(PLArenaPool *arena, GBytes *der, GError **error)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	CERTCertificate *cert = NULL;

	if (arena == NULL) {
		ct_nssdb_generate_failed("cannot decode the issuer certificate", error);
		return NULL;
	}
	if (!ct_nssdb_ber_check_single(data, len, TRUE, error)) {
		g_prefix_error(error, "not a valid DER issuer certificate: ");
		return NULL;
	}
	cert = ct_nssdb_decode_certificate(arena, der);
	if (cert == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "not a valid DER issuer certificate: %s", why);
		return NULL;
	}
	return cert;
}

/* a session key on the internal slot, never stored */
static SECKEYPrivateKey *
ct_nssdb_import_private_key(GBytes *pkcs8, GError **error)
{
	g_autoptr(PK11SlotInfo) slot = PK11_GetInternalSlot();
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(pkcs8, &len);
	SECItem item = {siBuffer, (unsigned char *)data, (unsigned int)len};
	SECKEYPrivateKey *key = NULL;

	if (len == 0 || len > G_MAXINT) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "not a valid PKCS#8 issuer key: empty");
		return NULL;
	}
	if (slot == NULL) {
		ct_nssdb_generate_failed("no internal NSS slot", error);
		return NULL;
	}
	if (PK11_ImportDERPrivateKeyInfoAndReturnKey(slot, &item, NULL, NULL, PR_FALSE, PR_FALSE,
						     KU_ALL, &key, NULL) != SECSuccess ||
	    key == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "not a valid PKCS#8 issuer key: %s", why);
		return NULL;
	}
	return key;
}

/* RSA 2048, exponent 65537: session objects that are not sensitive and can be
 * extracted, so the caller gets the key as PKCS#8 */
static SECKEYPrivateKey *
ct_nssdb_generate_key_pair(SECKEYPublicKey **public_key, GError **error)
{
	g_autoptr(PK11SlotInfo) slot = PK11_GetInternalSlot();
	PK11RSAGenParams params = {CT_NSSDB_GENERATE_KEY_BITS, CT_NSSDB_GENERATE_PUBLIC_EXPONENT};
	SECKEYPrivateKey *key = NULL;

	if (slot == NULL) {
		ct_nssdb_generate_failed("no internal NSS slot", error);
		return NULL;
	}
	key = PK11_GenerateKeyPairWithFlags(slot, CKM_RSA_PKCS_KEY_PAIR_GEN, &params, public_key,
					    PK11_ATTR_SESSION | PK11_ATTR_PUBLIC |
						PK11_ATTR_INSENSITIVE | PK11_ATTR_EXTRACTABLE,
					    NULL);
	if (key == NULL) {
		ct_nssdb_generate_failed("cannot generate an RSA key", error);
		return NULL;
	}
	return key;
}

/* SHA-256 with the issuer's key type: RSA (PKCS#1 v1.5) or ECDSA */
static GBytes *
ct_nssdb_sign_certificate(CERTCertificate *cert, SECKEYPrivateKey *key, GError **error)
{
	KeyType key_type = SECKEY_GetPrivateKeyType(key);
	SECOidTag algorithm = SEC_OID_UNKNOWN;
	SECItem *tbs = NULL;
	SECItem signed_der = {siBuffer, NULL, 0};

	if (key_type == rsaKey || key_type == ecKey)
		algorithm = SEC_GetSignatureAlgorithmOidTag(key_type, SEC_OID_SHA256);
	if (algorithm == SEC_OID_UNKNOWN) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "the issuer key is neither RSA nor EC");
		return NULL;
	}
	/* the TBS names the algorithm too; NULL parameters are added for RSA */
	if (SECOID_SetAlgorithmID(cert->arena, &cert->signature, algorithm, NULL) != SECSuccess) {
		ct_nssdb_generate_failed("cannot set the signature algorithm", error);
		return NULL;
	}
	tbs = SEC_ASN1EncodeItem(cert->arena, NULL, cert, SEC_ASN1_GET(CERT_CertificateTemplate));
	if (tbs == NULL || tbs->len > G_MAXINT) {
		ct_nssdb_generate_failed("cannot encode the certificate", error);
		return NULL;
	}
	if (SEC_DerSignData(cert->arena, &signed_der, tbs->data, (int)tbs->len, key, algorithm) !=
	    SECSuccess) {
		ct_nssdb_generate_failed("cannot sign the certificate", error);
		return NULL;
	}
	return g_bytes_new(signed_der.data, signed_der.len);
}

/* what ct_nssdb_is_issued_by() will check: the issuer name chains byte for byte and
 * the issuer's public key verifies the signature (a key that is not the issuer's
 * fails here) */
static gboolean
ct_nssdb_check_generated(GBytes *der, CERTCertificate *issuer_cert, GError **error)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	CERTCertificate *cert = arena != NULL ? ct_nssdb_decode_certificate(arena, der) : NULL;
	CERTSubjectPublicKeyInfo *spki = NULL;
	const SECItem *issuer_name = NULL;

	if (cert == NULL)
		return ct_nssdb_generate_failed("cannot decode the generated certificate", error);
	spki = issuer_cert != NULL ? &issuer_cert->subjectPublicKeyInfo
				   : &cert->subjectPublicKeyInfo;
	issuer_name = issuer_cert != NULL ? &issuer_cert->derSubject : &cert->derSubject;
	if (!SECITEM_ItemsAreEqual(&cert->derIssuer, issuer_name)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_FAILED,
				    "the issuer name does not encode as in the issuer certificate");
		return FALSE;
	}
	if (CERT_VerifySignedDataWithPublicKeyInfo(&cert->signatureWrap, spki, NULL) !=
	    SECSuccess) {
		if (issuer_cert != NULL) {
			g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
					    "the issuer key does not belong to the issuer "
					    "certificate");
			return FALSE;
		}
		return ct_nssdb_generate_failed("the generated certificate does not verify", error);
	}
	return TRUE;
}

static GBytes *
ct_nssdb_export_private_key(SECKEYPrivateKey *key, GError **error)
{
	g_autoptr(SECKEYPrivateKeyInfo) info = PK11_ExportPrivKeyInfo(key, NULL);
	g_autoptr(CtNssSecretItem) der = NULL;

	if (info == NULL) {
		ct_nssdb_generate_failed("cannot export the new key", error);
		return NULL;
	}
	der = SEC_ASN1EncodeItem(NULL, NULL, info, SEC_ASN1_GET(SECKEY_PrivateKeyInfoTemplate));
	if (der == NULL) {
		ct_nssdb_generate_failed("cannot encode the new key as PKCS#8", error);
		return NULL;
	}
	return ct_nssdb_secret_bytes_new(der->data, der->len);
}

/* what certutil -S does, in memory and without a database */
gboolean
ct_nssdb_generate_certificate(const CtNssDbCertificateSpec *spec,
			      GBytes *issuer_der,
			      GBytes *issuer_key_pkcs8,
			      GBytes **certificate_der,
			      GBytes **key_pkcs8,
			      GError **error)
{
	g_autoptr(PLArenaPool) issuer_arena = NULL;
	g_autoptr(SECKEYPrivateKey) issuer_key = NULL;
	g_autoptr(CERTName) subject = NULL;
	g_autoptr(SECKEYPublicKey) public_key = NULL;
	g_autoptr(SECKEYPrivateKey) key = NULL;
	g_autoptr(CERTSubjectPublicKeyInfo) spki = NULL;
	g_autoptr(CERTCertificateRequest) request = NULL;
	g_autoptr(CERTValidity) validity = NULL;
	g_autoptr(CERTCertificate) cert = NULL;
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key_der = NULL;
	CERTCertificate *issuer_cert = NULL;

	g_return_val_if_fail(spec != NULL, FALSE);
	g_return_val_if_fail((issuer_der == NULL) == (issuer_key_pkcs8 == NULL), FALSE);
	g_return_val_if_fail(certificate_der != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (!ct_nssdb_ensure_initialized(error))
		return FALSE;
	if (!ct_nssdb_check_spec(spec, error))
		return FALSE;
	if (issuer_der != NULL) {
		/* decoded outside NSS's certificate cache: never CERT_DestroyCertificate it */
		issuer_arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
		issuer_cert = ct_nssdb_decode_issuer(issuer_arena, issuer_der, error);
		if (issuer_cert == NULL)
			return FALSE;
		issuer_key = ct_nssdb_import_private_key(issuer_key_pkcs8, error);
		if (issuer_key == NULL)
			return FALSE;
	}
	subject = ct_nssdb_create_subject(spec, error);
	if (subject == NULL)
		return FALSE;
	key = ct_nssdb_generate_key_pair(&public_key, error);
	if (key == NULL)
		return FALSE;

	spki = SECKEY_CreateSubjectPublicKeyInfo(public_key);
	if (spki != NULL)
		request = CERT_CreateCertificateRequest(subject, spki, NULL);
	validity = CERT_CreateValidity(spec->not_before * G_USEC_PER_SEC,
				       spec->not_after * G_USEC_PER_SEC);
	if (request == NULL || validity == NULL)
		return ct_nssdb_generate_failed("cannot prepare the certificate", error);
	/* the issuer's subject as our issuer name, or our own subject when self-signed */
	cert = CERT_CreateCertificate(0, issuer_cert != NULL ? &issuer_cert->subject : subject,
				      validity, request);
	if (cert == NULL)
		return ct_nssdb_generate_failed("cannot create the certificate", error);
	if (!ct_nssdb_set_serial(cert->arena, &cert->serialNumber, spec->serial, error))
		return FALSE;
	if (spec->version1) {
		/* DER leaves out the DEFAULT v1 version, and v1 has no extensions */
		cert->version.data = NULL;
		cert->version.len = 0;
		cert->extensions = NULL;
	} else {
		if (DER_SetUInteger(cert->arena, &cert->version, SEC_CERTIFICATE_VERSION_3) !=
		    SECSuccess)
			return ct_nssdb_generate_failed("cannot set the version", error);
		if (!ct_nssdb_add_extensions(cert, spec, issuer_cert, error))
			return FALSE;
	}

	der = ct_nssdb_sign_certificate(cert, issuer_key != NULL ? issuer_key : key, error);
	if (der == NULL)
		return FALSE;
	if (!ct_nssdb_check_generated(der, issuer_cert, error))
		return FALSE;
	if (key_pkcs8 != NULL) {
		key_der = ct_nssdb_export_private_key(key, error);
		if (key_der == NULL)
			return FALSE;
		*key_pkcs8 = g_steal_pointer(&key_der);
	}
	*certificate_der = g_steal_pointer(&der);
	return TRUE;
}
