/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <arpa/inet.h>
#include <secasn1.h>
#include <secder.h>
#include <secoid.h>

#include "ct-nssdb-private.h"

void
ct_extension_free(CtExtension *extension)
{
	if (extension == NULL)
		return;
	g_free(extension->oid);
	g_free(extension->name);
	g_free(extension->label);
	g_free(extension->value);
	g_free(extension);
}

void
ct_certificate_free(CtCertificate *certificate)
{
	if (certificate == NULL)
		return;
	g_bytes_unref(certificate->der);
	g_free(certificate->serial);
	g_free(certificate->subject);
	g_free(certificate->issuer);
	g_free(certificate->subject_cn);
	g_bytes_unref(certificate->subject_der);
	g_bytes_unref(certificate->issuer_der);
	if (certificate->subject_key_id != NULL)
		g_bytes_unref(certificate->subject_key_id);
	if (certificate->authority_key_id != NULL)
		g_bytes_unref(certificate->authority_key_id);
	g_free(certificate->signature_algorithm);
	g_free(certificate->public_key_algorithm);
	g_free(certificate->public_key_curve);
	g_free(certificate->sha1);
	g_free(certificate->sha256);
	g_free(certificate->spki_sha256_base64);
	g_ptr_array_unref(certificate->san_dns);
	g_ptr_array_unref(certificate->san_ip);
	g_ptr_array_unref(certificate->extensions);
	g_free(certificate);
}

static gchar *
ct_nssdb_ip_to_text(const SECItem *item)
{
	gchar buf[INET6_ADDRSTRLEN] = {0};

	if (item->len == 4 && inet_ntop(AF_INET, item->data, buf, sizeof(buf)) != NULL)
		return g_strdup(buf);
	if (item->len == 16 && inet_ntop(AF_INET6, item->data, buf, sizeof(buf)) != NULL)
		return g_strdup(buf);
	return ct_nssdb_hex_colons(item->data, item->len);
}

static gchar *
ct_nssdb_oid_to_dotted(const SECItem *oid)
{
	g_auto(ct_nss_string) dotted = CERT_GetOidString(oid);
	if (dotted == NULL)
		return ct_nssdb_hex_colons(oid->data, oid->len);
	/* NSS writes "OID.1.2.3" */
	if (g_str_has_prefix(dotted, "OID."))
		return g_strdup(dotted + 4);
	return g_strdup(dotted);
}

/* a string from certificate bytes: NUL is spelled \x00 so C strings keep all of it */
static gchar *
ct_nssdb_bytes_to_text(const guint8 *data, gsize len)
{
	GString *str = g_string_sized_new(len);
	for (gsize i = 0; i < len; i++) {
		if (data[i] == '\0')
			g_string_append(str, "\\x00");
		else
			g_string_append_c(str, (gchar)data[i]);
	}
	return g_string_free(str, FALSE);
}

static gchar *
ct_nssdb_item_to_text(const SECItem *item)
{
	return ct_nssdb_bytes_to_text(item->data, item->len);
}

static const struct {
	SECOidTag tag;
	const gchar *name;
} ct_nssdb_attribute_names[] = {
    {SEC_OID_AVA_COMMON_NAME, "CN"},
    {SEC_OID_AVA_COUNTRY_NAME, "C"},
    {SEC_OID_AVA_LOCALITY, "L"},
    {SEC_OID_AVA_STATE_OR_PROVINCE, "ST"},
    {SEC_OID_AVA_ORGANIZATION_NAME, "O"},
    {SEC_OID_AVA_ORGANIZATIONAL_UNIT_NAME, "OU"},
    {SEC_OID_AVA_DC, "DC"},
    {SEC_OID_AVA_STREET_ADDRESS, "street"},
    {SEC_OID_AVA_SERIAL_NUMBER, "serialNumber"},
    {SEC_OID_AVA_TITLE, "title"},
    {SEC_OID_AVA_GIVEN_NAME, "givenName"},
    {SEC_OID_AVA_SURNAME, "SN"},
    {SEC_OID_AVA_NAME, "name"},
    {SEC_OID_AVA_DN_QUALIFIER, "dnQualifier"},
    {SEC_OID_PKCS9_EMAIL_ADDRESS, "emailAddress"},
    {SEC_OID_RFC1274_UID, "UID"},
};

/* the value of an attribute as text; strings decoded to UTF-8, anything else as #hex */
static gchar *
ct_nssdb_ava_value(CERTAVA *ava)
{
	g_autoptr(SECItem) value = CERT_DecodeAVAValue(&ava->value);
	g_autofree gchar *hex = NULL;

	if (value != NULL)
		return ct_nssdb_bytes_to_text(value->data, value->len);
	hex = ct_nssdb_hex_colons(ava->value.data, ava->value.len);
	return g_strdup_printf("#%s", hex);
}

/* RFC 4514 escaping of the characters that would change the meaning of the string;
 * control characters stay as they are, for the front end to escape as it needs */
static void
ct_nssdb_append_escaped_value(GString *out, const gchar *value)
{
	gsize len = strlen(value);
	for (gsize i = 0; i < len; i++) {
		gchar c = value[i];
		if (strchr(",+\"\\<>;", c) != NULL || (i == 0 && (c == '#' || c == ' ')) ||
		    (i == len - 1 && c == ' '))
			g_string_append_c(out, '\\');
		g_string_append_c(out, c);
	}
}

/* most specific RDN first, as browsers and NSS show names; values are not cut */
static gchar *
ct_nssdb_name_to_string(CERTName *name)
{
	GString *out = g_string_new(NULL);
	guint n = 0;

	for (CERTRDN **rdn = name->rdns; rdn != NULL && *rdn != NULL; rdn++)
		n++;
	for (guint i = n; i > 0; i--) {
		CERTRDN *rdn = name->rdns[i - 1];
		for (CERTAVA **ava = rdn->avas; ava != NULL && *ava != NULL; ava++) {
			SECOidTag tag = CERT_GetAVATag(*ava);
			g_autofree gchar *value = ct_nssdb_ava_value(*ava);
			g_autofree gchar *type = NULL;
			for (guint j = 0; j < G_N_ELEMENTS(ct_nssdb_attribute_names); j++) {
				if (ct_nssdb_attribute_names[j].tag == tag)
					type = g_strdup(ct_nssdb_attribute_names[j].name);
			}
			if (type == NULL)
				type = ct_nssdb_oid_to_dotted(&(*ava)->type);
			if (out->len > 0)
				g_string_append_c(out, ava == rdn->avas ? ',' : '+');
			g_string_append_printf(out, "%s=", type);
			ct_nssdb_append_escaped_value(out, value);
		}
	}
	return g_string_free(out, FALSE);
}

/* the most specific (last) CN, unescaped, or NULL */
static gchar *
ct_nssdb_name_get_common_name(CERTName *name)
{
	gchar *cn = NULL;
	for (CERTRDN **rdn = name->rdns; rdn != NULL && *rdn != NULL; rdn++) {
		for (CERTAVA **ava = (*rdn)->avas; ava != NULL && *ava != NULL; ava++) {
			if (CERT_GetAVATag(*ava) != SEC_OID_AVA_COMMON_NAME)
				continue;
			g_free(cn);
			cn = ct_nssdb_ava_value(*ava);
		}
	}
	return cn;
}

static void
ct_nssdb_general_names_append(CtCertificate *certificate,
			      CERTGeneralName *names,
			      gboolean collect_san,
			      GString *out)
{
	CERTGeneralName *current = names;

	if (names == NULL)
		return;
	do {
		g_autofree gchar *text = NULL;
		const gchar *prefix = NULL;

		switch (current->type) {
		case certDNSName:
			prefix = "DNS";
			text = ct_nssdb_item_to_text(&current->name.other);
			if (collect_san)
				g_ptr_array_add(certificate->san_dns, g_strdup(text));
			break;
		case certIPAddress:
			prefix = "IP";
			text = ct_nssdb_ip_to_text(&current->name.other);
			if (collect_san)
				g_ptr_array_add(certificate->san_ip, g_strdup(text));
			break;
		case certRFC822Name:
			prefix = "email";
			text = ct_nssdb_item_to_text(&current->name.other);
			break;
		case certURI:
			prefix = "URI";
			text = ct_nssdb_item_to_text(&current->name.other);
			break;
		case certDirectoryName:
			prefix = "DirName";
			text = ct_nssdb_name_to_string(&current->name.directoryName);
			break;
		case certRegisterID:
			prefix = "RID";
			text = ct_nssdb_oid_to_dotted(&current->name.other);
			break;
		case certOtherName:
			prefix = "othername";
			text = ct_nssdb_oid_to_dotted(&current->name.OthName.oid);
			break;
		case certX400Address:
		case certEDIPartyName:
		default:
			prefix = "other";
			text = ct_nssdb_hex_colons(current->name.other.data,
						   current->name.other.len);
			break;
		}
		if (out->len > 0)
			g_string_append(out, ", ");
		g_string_append_printf(out, "%s:%s", prefix, text);
		current = CERT_GetNextGeneralName(current);
	} while (current != NULL && current != names);
}

static gchar *
ct_nssdb_decode_alt_names(CtCertificate *certificate, const SECItem *value, gboolean collect_san)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	GString *out = g_string_new(NULL);
	CERTGeneralName *names = NULL;

	if (arena == NULL)
		return g_string_free(out, FALSE);
	names = CERT_DecodeAltNameExtension(arena, (SECItem *)value);
	if (names == NULL) {
		g_string_free(out, TRUE);
		return NULL;
	}
	ct_nssdb_general_names_append(certificate, names, collect_san, out);
	return g_string_free(out, FALSE);
}

static gchar *
ct_nssdb_decode_octet_string(const SECItem *value, GBytes **octets_out)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	SECItem octets = {siBuffer, NULL, 0};

	if (arena == NULL)
		return NULL;
	if (SEC_QuickDERDecodeItem(arena, &octets, SEC_ASN1_GET(SEC_OctetStringTemplate), value) !=
	    SECSuccess)
		return NULL;
	if (octets_out != NULL && *octets_out == NULL && octets.len > 0)
		*octets_out = g_bytes_new(octets.data, octets.len);
	return ct_nssdb_hex_colons(octets.data, octets.len);
}

static const gchar *ct_nssdb_key_usage_names[] = {"digitalSignature", "nonRepudiation",
						  "keyEncipherment",  "dataEncipherment",
						  "keyAgreement",     "keyCertSign",
						  "cRLSign",	      "encipherOnly",
						  "decipherOnly"};

/* the key usage bits, bit 0 (digitalSignature) first; -1 when undecodable */
static gint
ct_nssdb_decode_key_usage_bits(const SECItem *value)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	SECItem bits = {siBuffer, NULL, 0};
	gint result = 0;
	guint nbits;

	if (arena == NULL)
		return -1;
	if (SEC_QuickDERDecodeItem(arena, &bits, SEC_ASN1_GET(SEC_BitStringTemplate), value) !=
	    SECSuccess)
		return -1;
	/* bits.len is in bits after decoding a BIT STRING */
	nbits = MIN(bits.len, G_N_ELEMENTS(ct_nssdb_key_usage_names));
	for (guint i = 0; i < nbits; i++) {
		if (bits.data[i / 8] & (0x80 >> (i % 8)))
			result |= 1 << i;
	}
	return result;
}

static gchar *
ct_nssdb_key_usage_to_text(gint bits)
{
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < G_N_ELEMENTS(ct_nssdb_key_usage_names); i++) {
		if ((bits & (1 << i)) == 0)
			continue;
		if (out->len > 0)
			g_string_append(out, ", ");
		g_string_append(out, ct_nssdb_key_usage_names[i]);
	}
	if (out->len == 0)
		g_string_append(out, "(none)");
	return g_string_free(out, FALSE);
}

static const gchar *
ct_nssdb_eku_name(SECOidTag tag)
{
	switch (tag) {
	case SEC_OID_EXT_KEY_USAGE_SERVER_AUTH:
		return "serverAuth";
	case SEC_OID_EXT_KEY_USAGE_CLIENT_AUTH:
		return "clientAuth";
	case SEC_OID_EXT_KEY_USAGE_CODE_SIGN:
		return "codeSigning";
	case SEC_OID_EXT_KEY_USAGE_EMAIL_PROTECT:
		return "emailProtection";
	case SEC_OID_EXT_KEY_USAGE_TIME_STAMP:
		return "timeStamping";
	case SEC_OID_OCSP_RESPONDER:
		return "OCSPSigning";
	case SEC_OID_X509_ANY_EXT_KEY_USAGE:
		return "anyExtendedKeyUsage";
	default:
		return NULL;
	}
}

static gchar *
ct_nssdb_decode_eku(const SECItem *value)
{
	g_autoptr(CERTOidSequence) seq = CERT_DecodeOidSequence(value);
	GString *out = NULL;

	if (seq == NULL)
		return NULL;
	out = g_string_new(NULL);
	for (SECItem **oid = seq->oids; oid != NULL && *oid != NULL; oid++) {
		const gchar *name = ct_nssdb_eku_name(SECOID_FindOIDTag(*oid));
		g_autofree gchar *dotted = NULL;
		if (out->len > 0)
			g_string_append(out, ", ");
		if (name != NULL) {
			g_string_append(out, name);
			continue;
		}
		dotted = ct_nssdb_oid_to_dotted(*oid);
		g_string_append(out, dotted);
	}
	return g_string_free(out, FALSE);
}

static gchar *
ct_nssdb_decode_basic_constraints(const SECItem *value, gboolean *is_ca)
{
	CERTBasicConstraints bc = {0};

	if (CERT_DecodeBasicConstraintValue(&bc, value) != SECSuccess)
		return NULL;
	*is_ca = bc.isCA ? TRUE : FALSE;
	if (!bc.isCA)
		return g_strdup("CA:FALSE");
	if (bc.pathLenConstraint == CERT_UNLIMITED_PATH_CONSTRAINT)
		return g_strdup("CA:TRUE");
	return g_strdup_printf("CA:TRUE, pathlen:%d", bc.pathLenConstraint);
}

static gchar *
ct_nssdb_decode_auth_key_id(CtCertificate *certificate, const SECItem *value)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	CERTAuthKeyID *akid = NULL;
	GString *out = NULL;

	if (arena == NULL)
		return NULL;
	akid = CERT_DecodeAuthKeyID(arena, (SECItem *)value);
	if (akid == NULL)
		return NULL;
	out = g_string_new(NULL);
	if (akid->keyID.len > 0 && certificate->authority_key_id == NULL)
		certificate->authority_key_id = g_bytes_new(akid->keyID.data, akid->keyID.len);
	if (akid->keyID.len > 0) {
		g_autofree gchar *hex = ct_nssdb_hex_colons(akid->keyID.data, akid->keyID.len);
		g_string_append_printf(out, "keyid:%s", hex);
	}
	if (akid->authCertIssuer != NULL) {
		g_autoptr(GString) names = g_string_new(NULL);
		ct_nssdb_general_names_append(certificate, akid->authCertIssuer, FALSE, names);
		g_string_append_printf(out, "%sissuer:%s", out->len > 0 ? ", " : "", names->str);
	}
	if (akid->authCertSerialNumber.len > 0) {
		g_autofree gchar *hex = ct_nssdb_hex_colons(akid->authCertSerialNumber.data,
							    akid->authCertSerialNumber.len);
		g_string_append_printf(out, "%sserial:%s", out->len > 0 ? ", " : "", hex);
	}
	return g_string_free(out, FALSE);
}

static gchar *
ct_nssdb_decode_crl_dp(CtCertificate *certificate, const SECItem *value)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	CERTCrlDistributionPoints *dps = NULL;
	GString *out = NULL;

	if (arena == NULL)
		return NULL;
	dps = CERT_DecodeCRLDistributionPoints(arena, (SECItem *)value);
	if (dps == NULL)
		return NULL;
	out = g_string_new(NULL);
	for (CRLDistributionPoint **dp = dps->distPoints; dp != NULL && *dp != NULL; dp++) {
		if ((*dp)->distPointType == generalName)
			ct_nssdb_general_names_append(certificate, (*dp)->distPoint.fullName, FALSE,
						      out);
	}
	return g_string_free(out, FALSE);
}

static gchar *
ct_nssdb_decode_aia(CtCertificate *certificate, const SECItem *value)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	CERTAuthInfoAccess **aia = NULL;
	GString *out = NULL;

	if (arena == NULL)
		return NULL;
	aia = CERT_DecodeAuthInfoAccessExtension(arena, (SECItem *)value);
	if (aia == NULL)
		return NULL;
	out = g_string_new(NULL);
	for (CERTAuthInfoAccess **ad = aia; *ad != NULL; ad++) {
		SECOidTag tag = SECOID_FindOIDTag(&(*ad)->method);
		g_autoptr(GString) location = g_string_new(NULL);
		const gchar *method = tag == SEC_OID_PKIX_OCSP	       ? "OCSP"
				      : tag == SEC_OID_PKIX_CA_ISSUERS ? "caIssuers"
								       : "other";
		ct_nssdb_general_names_append(certificate, (*ad)->location, FALSE, location);
		g_string_append_printf(out, "%s%s - %s", out->len > 0 ? ", " : "", method,
				       location->str);
	}
	return g_string_free(out, FALSE);
}

typedef struct {
	SECOidTag tag;
	const gchar *name;
	const gchar *label;
} CtNssDbExtensionName;

static const CtNssDbExtensionName ct_nssdb_extension_names[] = {
    {SEC_OID_X509_SUBJECT_ALT_NAME, "subjectAltName", "Subject Alternative Name"},
    {SEC_OID_X509_ISSUER_ALT_NAME, "issuerAltName", "Issuer Alternative Name"},
    {SEC_OID_X509_SUBJECT_KEY_ID, "subjectKeyIdentifier", "Subject Key Identifier"},
    {SEC_OID_X509_AUTH_KEY_ID, "authorityKeyIdentifier", "Authority Key Identifier"},
    {SEC_OID_X509_KEY_USAGE, "keyUsage", "Key Usage"},
    {SEC_OID_X509_EXT_KEY_USAGE, "extKeyUsage", "Extended Key Usage"},
    {SEC_OID_X509_BASIC_CONSTRAINTS, "basicConstraints", "Basic Constraints"},
    {SEC_OID_X509_CRL_DIST_POINTS, "cRLDistributionPoints", "CRL Distribution Points"},
    {SEC_OID_X509_AUTH_INFO_ACCESS, "authorityInfoAccess", "Authority Information Access"},
    {SEC_OID_X509_CERTIFICATE_POLICIES, "certificatePolicies", "Certificate Policies"},
    {SEC_OID_X509_NAME_CONSTRAINTS, "nameConstraints", "Name Constraints"},
    {SEC_OID_X509_POLICY_CONSTRAINTS, "policyConstraints", "Policy Constraints"},
    {SEC_OID_NS_CERT_EXT_COMMENT, "nsComment", "Netscape Comment"},
    {SEC_OID_NS_CERT_EXT_CERT_TYPE, "nsCertType", "Netscape Certificate Type"},
};

static CtExtension *
ct_nssdb_parse_extension(CtCertificate *certificate, CERTCertExtension *ext)
{
	g_autoptr(CtExtension) extension = g_new0(CtExtension, 1);
	SECOidTag tag = SECOID_FindOIDTag(&ext->id);
	gboolean is_ca = FALSE;
	gint ku;

	extension->oid = ct_nssdb_oid_to_dotted(&ext->id);
	extension->critical = ext->critical.len > 0 && ext->critical.data[0] != 0;
	for (guint i = 0; i < G_N_ELEMENTS(ct_nssdb_extension_names); i++) {
		if (ct_nssdb_extension_names[i].tag != tag)
			continue;
		extension->name = g_strdup(ct_nssdb_extension_names[i].name);
		extension->label = g_strdup(ct_nssdb_extension_names[i].label);
	}
	if (extension->name == NULL) {
		const char *desc = SECOID_FindOIDTagDescription(tag);
		extension->name = g_strdup(extension->oid);
		extension->label = g_strdup(
		    tag != SEC_OID_UNKNOWN && desc != NULL ? desc : extension->oid);
	}

	switch (tag) {
	case SEC_OID_X509_SUBJECT_ALT_NAME:
		certificate->has_san = TRUE;
		extension->value = ct_nssdb_decode_alt_names(certificate, &ext->value, TRUE);
		break;
	case SEC_OID_X509_ISSUER_ALT_NAME:
		extension->value = ct_nssdb_decode_alt_names(certificate, &ext->value, FALSE);
		break;
	case SEC_OID_X509_SUBJECT_KEY_ID:
		extension->value = ct_nssdb_decode_octet_string(&ext->value,
								&certificate->subject_key_id);
		break;
	case SEC_OID_X509_AUTH_KEY_ID:
		extension->value = ct_nssdb_decode_auth_key_id(certificate, &ext->value);
		break;
	case SEC_OID_X509_KEY_USAGE:
		ku = ct_nssdb_decode_key_usage_bits(&ext->value);
		if (ku >= 0)
			extension->value = ct_nssdb_key_usage_to_text(ku);
		break;
	case SEC_OID_X509_EXT_KEY_USAGE:
		extension->value = ct_nssdb_decode_eku(&ext->value);
		break;
	case SEC_OID_X509_BASIC_CONSTRAINTS:
		extension->value = ct_nssdb_decode_basic_constraints(&ext->value, &is_ca);
		if (is_ca)
			certificate->basic_ca = TRUE;
		break;
	case SEC_OID_X509_CRL_DIST_POINTS:
		extension->value = ct_nssdb_decode_crl_dp(certificate, &ext->value);
		break;
	case SEC_OID_X509_AUTH_INFO_ACCESS:
		extension->value = ct_nssdb_decode_aia(certificate, &ext->value);
		break;
	default:
		break;
	}
	/* undecodable or not decoded: the raw DER value, so nothing is hidden */
	if (extension->value == NULL) {
		g_autofree gchar *hex = ct_nssdb_hex_colons(ext->value.data, ext->value.len);
		extension->value = g_strdup_printf("(DER) %s", hex);
	}
	return g_steal_pointer(&extension);
}

static const gchar *
ct_nssdb_curve_name(SECOidTag tag)
{
	switch (tag) {
	case SEC_OID_SECG_EC_SECP256R1:
		return "P-256";
	case SEC_OID_SECG_EC_SECP384R1:
		return "P-384";
	case SEC_OID_SECG_EC_SECP521R1:
		return "P-521";
	case SEC_OID_CURVE25519:
		return "Curve25519";
	default:
		return NULL;
	}
}

static void
ct_nssdb_parse_public_key(CtCertificate *certificate, CERTCertificate *cert)
{
	CERTSubjectPublicKeyInfo *spki = &cert->subjectPublicKeyInfo;
	SECOidTag tag = SECOID_GetAlgorithmTag(&spki->algorithm);
	g_autoptr(SECKEYPublicKey) key = CERT_ExtractPublicKey(cert);
	const char *desc = NULL;

	switch (tag) {
	case SEC_OID_PKCS1_RSA_ENCRYPTION:
	case SEC_OID_PKCS1_RSA_PSS_SIGNATURE:
		certificate->public_key_algorithm = g_strdup("RSA");
		break;
	case SEC_OID_ANSIX962_EC_PUBLIC_KEY:
		certificate->public_key_algorithm = g_strdup("EC");
		break;
	case SEC_OID_ANSIX9_DSA_SIGNATURE:
		certificate->public_key_algorithm = g_strdup("DSA");
		break;
	default:
		desc = SECOID_FindOIDTagDescription(tag);
		if (tag != SEC_OID_UNKNOWN && desc != NULL)
			certificate->public_key_algorithm = g_strdup(desc);
		else
			certificate->public_key_algorithm = ct_nssdb_oid_to_dotted(
			    &spki->algorithm.algorithm);
		break;
	}
	if (key == NULL)
		return;
	certificate->public_key_bits = SECKEY_PublicKeyStrengthInBits(key);
	if (key->keyType == ecKey) {
		SECItem *params = &key->u.ec.DEREncodedParams;
		/* the parameters are an OBJECT IDENTIFIER naming the curve */
		if (params->len > 2 && params->data[0] == SEC_ASN1_OBJECT_ID &&
		    params->data[1] == params->len - 2) {
			SECItem oid = {siBuffer, params->data + 2, params->len - 2};
			const gchar *curve = ct_nssdb_curve_name(SECOID_FindOIDTag(&oid));
			certificate->public_key_curve = curve != NULL ? g_strdup(curve) : NULL;
		}
	}
}

static gchar *
ct_nssdb_signature_algorithm(CERTCertificate *cert)
{
	SECOidTag tag = SECOID_GetAlgorithmTag(&cert->signature);
	const char *desc = SECOID_FindOIDTagDescription(tag);

	if (tag != SEC_OID_UNKNOWN && desc != NULL)
		return g_strdup(desc);
	return ct_nssdb_oid_to_dotted(&cert->signature.algorithm);
}

/* base64 of the SHA-256 of the DER SubjectPublicKeyInfo, or NULL when it cannot be
 * encoded */
static gchar *
ct_nssdb_spki_pin(CERTCertificate *cert)
{
	SECItem *spki = SEC_ASN1EncodeItem(NULL, NULL, &cert->subjectPublicKeyInfo,
					   SEC_ASN1_GET(CERT_SubjectPublicKeyInfoTemplate));
	guint8 digest[32];
	gsize digest_len = sizeof(digest);
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);

	if (spki == NULL)
		return NULL;
	g_checksum_update(checksum, spki->data, spki->len);
	SECITEM_FreeItem(spki, PR_TRUE);
	g_checksum_get_digest(checksum, digest, &digest_len);
	return g_base64_encode(digest, digest_len);
}

static gboolean
ct_nssdb_verify_signature(CERTCertificate *cert, CERTSubjectPublicKeyInfo *spki)
{
	return CERT_VerifySignedDataWithPublicKeyInfo(&cert->signatureWrap, spki, NULL) ==
	       SECSuccess;
}

CERTCertificate *
ct_nssdb_decode_certificate(PLArenaPool *arena, GBytes *der)
{
	CERTCertificate *cert = PORT_ArenaZNew(arena, CERTCertificate);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	SECItem item = {siDERCertBuffer, (unsigned char *)data, (unsigned int)len};

	if (cert == NULL || len == 0 || len > G_MAXINT)
		return NULL;
	/* the decoded fields point into derCert: keep a copy in the same arena */
	if (SECITEM_CopyItem(arena, &cert->derCert, &item) != SECSuccess)
		return NULL;
	if (SEC_QuickDERDecodeItem(arena, cert, SEC_ASN1_GET(SEC_SignedCertificateTemplate),
				   &cert->derCert) != SECSuccess)
		return NULL;
	return cert;
}

/* decode without any database; the result owns copies of everything it shows */
CtCertificate *
ct_nssdb_parse_certificate(GBytes *der, GError **error)
{
	g_autoptr(CtCertificate) certificate = NULL;
	g_autoptr(PLArenaPool) arena = NULL;
	CERTCertificate *cert = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	PRTime not_before = 0;
	PRTime not_after = 0;

	if (!ct_nssdb_ensure_initialized(error))
		return NULL;
	if (len == 0 || len > G_MAXINT) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA, "empty certificate");
		return NULL;
	}
	/* NSS ignores bytes after the certificate and a truncated length is not always
	 * caught early; a certificate must be exactly one DER element, and the error says
	 * what is wrong where */
	if (data[0] != 0x30) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "not a valid DER certificate: it starts with byte 0x%02X, not 0x30 "
			    "(SEQUENCE)",
			    data[0]);
		return NULL;
	}
	if (!ct_nssdb_ber_check_single(data, len, TRUE, error)) {
		g_prefix_error(error, "not a valid DER certificate: ");
		return NULL;
	}
	arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	if (arena != NULL)
		cert = ct_nssdb_decode_certificate(arena, der);
	if (cert == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "not a valid DER certificate: %s", why);
		return NULL;
	}

	certificate = g_new0(CtCertificate, 1);
	certificate->der = g_bytes_ref(der);
	certificate->san_dns = g_ptr_array_new_with_free_func(g_free);
	certificate->san_ip = g_ptr_array_new_with_free_func(g_free);
	certificate->extensions = g_ptr_array_new_with_free_func((GDestroyNotify)ct_extension_free);
	certificate->version = cert->version.len > 0 ? (guint)DER_GetInteger(&cert->version) + 1
						     : 1;
	certificate->serial = ct_nssdb_hex_colons(cert->serialNumber.data, cert->serialNumber.len);
	certificate->subject = ct_nssdb_name_to_string(&cert->subject);
	certificate->issuer = ct_nssdb_name_to_string(&cert->issuer);
	certificate->subject_cn = ct_nssdb_name_get_common_name(&cert->subject);
	certificate->subject_der = g_bytes_new(cert->derSubject.data, cert->derSubject.len);
	certificate->issuer_der = g_bytes_new(cert->derIssuer.data, cert->derIssuer.len);
	if (CERT_GetCertTimes(cert, &not_before, &not_after) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "bad validity dates: %s", why);
		return NULL;
	}
	certificate->not_before = not_before / G_USEC_PER_SEC;
	certificate->not_after = not_after / G_USEC_PER_SEC;
	certificate->signature_algorithm = ct_nssdb_signature_algorithm(cert);
	ct_nssdb_parse_public_key(certificate, cert);
	certificate->sha1 = ct_nssdb_digest(G_CHECKSUM_SHA1, der);
	certificate->sha256 = ct_nssdb_digest(G_CHECKSUM_SHA256, der);
	certificate->spki_sha256_base64 = ct_nssdb_spki_pin(cert);

	for (CERTCertExtension **ext = cert->extensions; ext != NULL && *ext != NULL; ext++)
		g_ptr_array_add(certificate->extensions,
				ct_nssdb_parse_extension(certificate, *ext));
	/* one judge for every store: fails closed, and asks OpenSSL too */
	certificate->ca_reason = ct_nssdb_judge_ca_power(cert, der);
	certificate->ca_capable = certificate->ca_reason != NULL;

	certificate->self_signed = SECITEM_CompareItem(&cert->derSubject, &cert->derIssuer) ==
				       SECEqual &&
				   ct_nssdb_verify_signature(cert, &cert->subjectPublicKeyInfo);
	return g_steal_pointer(&certificate);
}

gboolean
ct_nssdb_is_issued_by(const CtCertificate *subject, const CtCertificate *issuer)
{
	g_autoptr(PLArenaPool) arena = NULL;
	CERTCertificate *cert = NULL;
	CERTCertificate *issuer_cert = NULL;

	if (!g_bytes_equal(subject->issuer_der, issuer->subject_der))
		return FALSE;
	arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	if (arena == NULL)
		return FALSE;
	cert = ct_nssdb_decode_certificate(arena, subject->der);
	issuer_cert = ct_nssdb_decode_certificate(arena, issuer->der);
	if (cert == NULL || issuer_cert == NULL)
		return FALSE;
	return ct_nssdb_verify_signature(cert, &issuer_cert->subjectPublicKeyInfo);
}
