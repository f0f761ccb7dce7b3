/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <secder.h>
#include <secoid.h>

#include "ct-nssdb-openssl.h"
#include "ct-nssdb-private.h"

/* Can this certificate sign others? Every consumer of a trust store answers for itself:
 * NSS decodes strictly and drops what does not decode as absent, OpenSSL's X509_check_ca()
 * (curl, Python, wget over ca-certificates.crt) reads BER, trailing bytes, huge path
 * lengths and Netscape cert types as a CA. So the judge fails closed: an extension that
 * grants CA power (basicConstraints, keyUsage, Netscape cert type) and is malformed,
 * duplicated or not DER counts as granting it, and OpenSSL is asked too. */

/* one DER element of the given tag at data (definite length in its shortest form) */
static gboolean
ct_nssdb_ca_read_element(const guint8 *data,
			 gsize len,
			 guint8 tag,
			 const guint8 **content,
			 gsize *content_len,
			 gsize *consumed)
{
	gsize header = 2;
	gsize value;

	if (len < 2 || data[0] != tag)
		return FALSE;
	if (data[1] < 0x80) {
		value = data[1];
	} else if (data[1] == 0x81 && len >= 3 && data[2] >= 0x80) {
		value = data[2];
		header = 3;
	} else {
		/* indefinite, non-minimal, or longer than any of these extensions can be */
		return FALSE;
	}
	if (value > len - header)
		return FALSE;
	*content = data + header;
	*content_len = value;
	*consumed = header + value;
	return TRUE;
}

/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL },
 * exactly DER: the default FALSE omitted, TRUE as FF, a small minimal non-negative INTEGER
 * only with cA, nothing after */
static gboolean
ct_nssdb_ca_read_basic_constraints(const guint8 *data, gsize len, gboolean *is_ca)
{
	const guint8 *seq = NULL;
	const guint8 *item = NULL;
	gsize seq_len = 0;
	gsize item_len = 0;
	gsize used = 0;
	gsize pos = 0;

	*is_ca = FALSE;
	if (!ct_nssdb_ca_read_element(data, len, 0x30, &seq, &seq_len, &used) || used != len)
		return FALSE;
	if (pos < seq_len && seq[pos] == 0x01) {
		if (!ct_nssdb_ca_read_element(seq + pos, seq_len - pos, 0x01, &item, &item_len,
					      &used) ||
		    item_len != 1 || item[0] != 0xff)
			return FALSE;
		*is_ca = TRUE;
		pos += used;
	}
	if (pos < seq_len && seq[pos] == 0x02) {
		if (!ct_nssdb_ca_read_element(seq + pos, seq_len - pos, 0x02, &item, &item_len,
					      &used) ||
		    !*is_ca || item_len == 0 || item_len > 4 || (item[0] & 0x80) != 0 ||
		    (item_len > 1 && item[0] == 0x00 && (item[1] & 0x80) == 0))
			return FALSE;
		pos += used;
	}
	return pos == seq_len;
}

/* a DER BIT STRING (keyUsage, Netscape cert type): its first octet of bits, 0 when empty */
static gboolean
ct_nssdb_ca_read_bits(const guint8 *data, gsize len, guint8 *first)
{
	const guint8 *bits = NULL;
	gsize bits_len = 0;
	gsize used = 0;
	guint8 unused;

	if (!ct_nssdb_ca_read_element(data, len, 0x03, &bits, &bits_len, &used) || used != len ||
	    bits_len == 0)
		return FALSE;
	unused = bits[0];
	if (unused > 7 || (bits_len == 1 && unused != 0))
		return FALSE;
	if (bits_len > 1 && (bits[bits_len - 1] & ((1u << unused) - 1)) != 0)
		return FALSE;
	*first = bits_len > 1 ? bits[1] : 0;
	return TRUE;
}

/* why NSS's rules, read strictly and failing closed, make it a CA; NULL when they do not */
static const gchar *
ct_nssdb_ca_judge_nss(CERTCertificate *cert)
{
	guint basic = 0;
	guint usage = 0;
	guint netscape = 0;

	if (cert->version.len == 0 || DER_GetInteger(&cert->version) < 2)
		return "a version 1 or 2 certificate, which stores treat as a CA";
	for (CERTCertExtension **ext = cert->extensions; ext != NULL && *ext != NULL; ext++) {
		SECOidTag tag = SECOID_FindOIDTag(&(*ext)->id);
		const guint8 *data = (*ext)->value.data;
		gsize len = (*ext)->value.len;
		gboolean is_ca = FALSE;
		gboolean ok;
		guint8 first = 0;

		switch (tag) {
		case SEC_OID_X509_BASIC_CONSTRAINTS:
			if (++basic > 1)
				return "basicConstraints twice";
			ok = ct_nssdb_ca_read_basic_constraints(data, len, &is_ca);
			/* CA:TRUE read before what is wrong after it (a pathLen of 2^64) */
			if (is_ca)
				return "basicConstraints CA:TRUE";
			if (!ok)
				return "a basicConstraints that is not plain DER";
			break;
		case SEC_OID_X509_KEY_USAGE:
			if (++usage > 1)
				return "keyUsage twice";
			if (!ct_nssdb_ca_read_bits(data, len, &first))
				return "a keyUsage that is not plain DER";
			if ((first & 0x04) != 0)
				return "keyUsage keyCertSign";
			break;
		case SEC_OID_NS_CERT_EXT_CERT_TYPE:
			if (++netscape > 1)
				return "Netscape cert type twice";
			if (!ct_nssdb_ca_read_bits(data, len, &first))
				return "a Netscape cert type that is not plain DER";
			/* SSL CA, S/MIME CA, object-signing CA */
			if ((first & 0x07) != 0)
				return "a CA bit in Netscape cert type";
			break;
		default:
			break;
		}
	}
	return NULL;
}

const gchar *
ct_nssdb_judge_ca_power(CERTCertificate *cert, GBytes *der)
{
	const gchar *why = ct_nssdb_ca_judge_nss(cert);
	return why != NULL ? why : ct_nssdb_openssl_judge_ca_power(der);
}
