/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* shared inside nssdb/ only */

#include "ct-nss-autocleanups.h"
#include "ct-nssdb.h"

/* CK_TRUST and the NSS object classes, after the PKCS#11 types pk11pub.h brings */
#include <pkcs11n.h>

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

/* the digest of der, as bytes */
GBytes *
ct_nssdb_digest_bytes(GChecksumType type, GBytes *der); /* (transfer full) */

/* the digest of der as uppercase hex with colons */
gchar *
ct_nssdb_digest(GChecksumType type, GBytes *der); /* (transfer full) */

/* each database is a softoken slot of its own (SECMOD_OpenUserDB), next to the
 * database-less context of ct_nssdb_ensure_initialized(); everything that reads or
 * writes a database talks PKCS#11 to that slot alone, because NSS's certificate cache
 * merges the copies of one certificate in several databases: CERT_GetCertTrust() mixes
 * their trust and CERT_ChangeCertTrust() writes to whichever token it prefers (or to
 * none when the merged trust already matches) */
struct _CtNssDb {
	gchar *dir;
	PK11SlotInfo *slot;
	gboolean read_only; /* opened read-only: the directory or cert9.db is not writable */
	gchar *read_only_why;
};

/* a trust object (CKO_NSS_TRUST) in the slot; NSS finds it by issuer and serial */
typedef struct {
	CK_OBJECT_HANDLE handle;
	GBytes *issuer;
	GBytes *serial; /* the DER INTEGER, tag and length included */
	GBytes *sha1;	/* CKA_CERT_SHA1_HASH, NULL when absent */
	CK_TRUST server_auth;
	CK_TRUST client_auth;
	CK_TRUST email_protection;
	CK_TRUST code_signing;
} CtNssDbTrustObject;

/* a certificate object in the slot, with the entry it shows as */
typedef struct {
	CK_OBJECT_HANDLE handle;
	CtNssDbEntry *entry;
	CtNssDbTrustObject *trust; /* borrowed from the trust list, or NULL */
} CtNssDbCertObject;

void
ct_nssdb_trust_object_free(CtNssDbTrustObject *trust);
void
ct_nssdb_cert_object_free(CtNssDbCertObject *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNssDbTrustObject, ct_nssdb_trust_object_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNssDbCertObject, ct_nssdb_cert_object_free)

/* ct-nssdb-db.c: PR_GetError() after a failed write, as a CtError code */
gint
ct_nssdb_db_error_code(void);

/* ct-nssdb-db.c: can we write trust here? (read-only, the empty password, a real one) */
gboolean
ct_nssdb_db_ensure_writable(CtNssDb *db, GError **error);

/* ct-nssdb-object.c: the objects of a database's slot, read at one time */
typedef struct {
	GPtrArray *trusts; /* CtNssDbTrustObject* */
	GPtrArray *certs;  /* CtNssDbCertObject*, each with its trust borrowed from trusts */
} CtNssDbObjects;

CtNssDbObjects *
ct_nssdb_objects_read(CtNssDb *db); /* (transfer full) */
/* is a certificate object with exactly these bytes in this database? One search by value,
 * not a read of every object: what lets a batch of adds stay linear */
gboolean
ct_nssdb_objects_hold_der(CtNssDb *db, GBytes *der);
void
ct_nssdb_objects_free(CtNssDbObjects *objects);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNssDbObjects, ct_nssdb_objects_free)

/* ct-nssdb-object.c: the certificate object with this SHA-256 (normalized), or NULL */
CtNssDbCertObject *
ct_nssdb_objects_find_cert(CtNssDbObjects *objects, const gchar *sha256);

/* ct-nssdb-object.c: write the trust object for der into this slot alone */
gboolean
ct_nssdb_object_write_trust(CtNssDb *db,
			    GBytes *der,
			    const gchar *nickname,
			    const CERTCertTrust *trust,
			    GError **error);

/* ct-nssdb-trust-flags.c: how NSS writes CERTCertTrust flags as one purpose */
CK_TRUST
ct_nssdb_trust_flags_to_ck_trust(unsigned int flags, gboolean client_auth);

/* ct-nssdb-trust-flags.c: the trust string certutil -L prints for this trust object */
gchar *
ct_nssdb_trust_flags_encode(const CtNssDbTrustObject *object); /* (transfer full) */

/* ct-nssdb-trust-flags.c: a server certificate's trust string ("CP,,") into result */
gboolean
ct_nssdb_trust_flags_parse(const gchar *trust,
			   const gchar *nickname,
			   CERTCertTrust *result,
			   GError **error);
