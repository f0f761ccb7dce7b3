/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* shared inside nssdb/ only */

#include "ct-nss-autocleanups.h"
#include "ct-nssdb.h"

/* the NSS error for a message: "security library: improperly formatted DER-encoded
 * message. (SEC_ERROR_BAD_DER, -8183)" */
gchar *
ct_nssdb_describe_error(void); /* (transfer full) */

/* the size of the BER element at data (definite or indefinite lengths, nested, as
 * NSS's decoder reads them); *first_indefinite is the offset of the first indefinite
 * length in it, or G_MAXSIZE; an error says where the input is truncated or malformed */
gboolean
ct_nssdb_ber_measure(const guint8 *data,
		     gsize len,
		     gsize *size,
		     gsize *first_indefinite,
		     GError **error);

/* is data exactly one BER element (with der: one DER-length element), no trailing
 * bytes? the error says what is wrong and at which byte */
gboolean
ct_nssdb_ber_check_single(const guint8 *data, gsize len, gboolean der, GError **error);

/* a CERTCertificate decoded from DER into arena, outside any database or cache;
 * only its parsed fields are valid: never pass it to CERT_DestroyCertificate */
CERTCertificate *
ct_nssdb_decode_certificate(PLArenaPool *arena, GBytes *der);

/* why the certificate can sign others as NSS (read strictly, failing closed) or OpenSSL
 * (X509_check_ca) would take it, as static text; NULL when neither would */
const gchar *
ct_nssdb_judge_ca_power(CERTCertificate *cert, GBytes *der);

/* uppercase hex with colons, as browsers show thumbprints */
gchar *
ct_nssdb_hex_colons(const guint8 *data, gsize len); /* (transfer full) */

/* the digest of der as uppercase hex with colons */
gchar *
ct_nssdb_digest(GChecksumType type, GBytes *der); /* (transfer full) */
