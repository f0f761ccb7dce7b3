/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "ct-error.h"

/* the only public face of NSS in certtrust: GLib types in, GLib types out */

typedef struct {
	gchar *oid;	   /* dotted decimal */
	gchar *name;	   /* "subjectAltName", ... or the dotted oid when unknown */
	gchar *label;	   /* "Subject Alternative Name", ... for people */
	gboolean critical; /* the critical flag as encoded */
	gchar *value;	   /* readable value; certificate-derived, never escaped here */
} CtExtension;

typedef struct {
	GBytes *der;		     /* the whole certificate */
	guint version;		     /* 1, 2 or 3 */
	gchar *serial;		     /* uppercase hex with colons */
	gchar *subject;		     /* RFC 4514 string; certificate-derived */
	gchar *issuer;		     /* RFC 4514 string; certificate-derived */
	gchar *subject_cn;	     /* the most specific CN, or NULL */
	GBytes *subject_der;	     /* DER Name, to chain certificates */
	GBytes *issuer_der;	     /* DER Name */
	GBytes *subject_key_id;	     /* subjectKeyIdentifier's octets, or NULL */
	GBytes *authority_key_id;    /* authorityKeyIdentifier's keyIdentifier, or NULL */
	gint64 not_before;	     /* seconds since the epoch, UTC */
	gint64 not_after;	     /* seconds since the epoch, UTC */
	gchar *signature_algorithm;  /* "sha256WithRSAEncryption", ... */
	gchar *public_key_algorithm; /* "RSA", "EC", "DSA", "Ed25519", ... */
	guint public_key_bits;	     /* modulus or field size */
	gchar *public_key_curve;     /* "P-256" for EC keys, else NULL */
	gchar *sha1;		     /* uppercase hex with colons */
	gchar *sha256;		     /* uppercase hex with colons */
	gchar *spki_sha256_base64;   /* SHA-256 of the DER SubjectPublicKeyInfo, base64 (the
					form Chromium's --ignore-certificate-errors-spki-list
					and HPKP pins take) */
	gboolean self_signed;	     /* issuer == subject and the own key verifies the signature */
	gboolean ca_capable;	     /* NSS or OpenSSL would take it as a CA (CA:TRUE,
					keyCertSign, Netscape CA bits, v1, or any of those
					extensions malformed, twice or not DER) */
	const gchar *ca_reason;	     /* why ca_capable, static text; NULL when not */
	gboolean basic_ca;	     /* basicConstraints says CA:TRUE */
	gboolean has_san;	     /* a subjectAltName extension is present */
	GPtrArray *san_dns;	     /* gchar*, a NUL inside an entry is written as \x00 */
	GPtrArray *san_ip;	     /* gchar*, textual IPv4 or IPv6 */
	GPtrArray *extensions;	     /* CtExtension*, in certificate order */
} CtCertificate;

void
ct_extension_free(CtExtension *extension);
void
ct_certificate_free(CtCertificate *certificate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtExtension, ct_extension_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtCertificate, ct_certificate_free)

gboolean
ct_nssdb_ensure_initialized(GError **error);

/* "AB:CD:..." from any spelling of a SHA-256 (case, colons), or NULL when it is not one */
gchar *
ct_nssdb_normalize_sha256(const gchar *text); /* (transfer full) */
/* the version of the NSS library certtrust runs with (not the one it was built against) */
const gchar *
ct_nssdb_get_version(void);

/* release NSS at exit, so leak checkers see a clean process */
void
ct_nssdb_shutdown(void);

/* one DER certificate; fails with CT_ERROR_INVALID_DATA */
CtCertificate *
ct_nssdb_parse_certificate(GBytes *der, GError **error); /* (transfer full) */

/* TRUE when issuer's key verifies subject's signature (and the names chain) */
gboolean
ct_nssdb_is_issued_by(const CtCertificate *subject, const CtCertificate *issuer);

/* does this DER or BER look like a PKCS#7 ContentInfo (SEQUENCE { OID signedData ... })? */
gboolean
ct_nssdb_is_pkcs7(GBytes *der);

/* "envelopedData (1.2.840.113549.1.7.3)" when der is a PKCS#7 ContentInfo of another
 * type than signedData (which holds no certificates), else NULL */
gchar *
ct_nssdb_describe_pkcs7_other(GBytes *der); /* (transfer full) */

/* the certificates of a PKCS#7 SignedData in DER or BER (indefinite lengths), in encoded
 * order; GBytes each, as found (a certificate that is not DER is refused when parsed) */
GPtrArray *
ct_nssdb_decode_pkcs7(GBytes *der, GError **error); /* (transfer full) */

/* a DER certs-only SignedData (no content, no signers) holding ders in that order */
GBytes *
ct_nssdb_encode_pkcs7(GPtrArray *ders, GError **error); /* (transfer full) */

/* what a generated certificate says; everything else is fixed: RSA 2048, SHA-256 */
typedef enum {
	CT_NSSDB_BASIC_CONSTRAINTS_NONE,     /* no extension, like keytool's Tomcat certificate */
	CT_NSSDB_BASIC_CONSTRAINTS_CA_FALSE, /* critical CA:FALSE */
	CT_NSSDB_BASIC_CONSTRAINTS_CA_TRUE,  /* critical CA:TRUE (path_length >= 0 adds pathlen) */
} CtNssDbBasicConstraints;

/* key usage bits, as X.509 numbers them */
typedef enum {
	CT_NSSDB_KEY_USAGE_DIGITAL_SIGNATURE = 1 << 0,
	CT_NSSDB_KEY_USAGE_KEY_ENCIPHERMENT = 1 << 2,
	CT_NSSDB_KEY_USAGE_KEY_CERT_SIGN = 1 << 5,
	CT_NSSDB_KEY_USAGE_CRL_SIGN = 1 << 6,
} CtNssDbKeyUsage;

typedef struct {
	const gchar *common_name;	  /* subject CN, NULL for none */
	const gchar *organization;	  /* subject O, NULL for none */
	const gchar *const *dns_names;	  /* SAN dNSName entries, NULL-terminated; NULL for none */
	const gchar *const *ip_addresses; /* SAN iPAddress entries as text (v4 or v6) */
	gint64 not_before;		  /* seconds since the epoch */
	gint64 not_after;		  /* seconds since the epoch */
	guint64 serial;			  /* 0: a random 64-bit serial */
	gboolean version1;		  /* a v1 certificate: no extensions at all */
	CtNssDbBasicConstraints basic_constraints;
	gint path_length;	   /* with CA_TRUE: >= 0 is written, < 0 means unlimited */
	guint key_usage;	   /* CtNssDbKeyUsage bits, critical; 0 for no extension */
	gboolean server_auth;	   /* extKeyUsage serverAuth (and clientAuth) */
	gboolean subject_key_id;   /* SKI from the public key (SHA-1 of the key bits) */
	gboolean authority_key_id; /* AKI = the issuer's SKI (the own one when self-signed) */
} CtNssDbCertificateSpec;

/* a new RSA 2048 key and a SHA-256 certificate for it, signed by the issuer (its DER
 * certificate and PKCS#8 key) or self-signed when issuer_der is NULL; the SAN extension
 * is written only when there are names; outputs DER certificate and PKCS#8 DER key */
gboolean
ct_nssdb_generate_certificate(const CtNssDbCertificateSpec *spec,
			      GBytes *issuer_der,
			      GBytes *issuer_key_pkcs8,
			      GBytes **certificate_der,
			      GBytes **key_pkcs8,
			      GError **error);

/* an NSS certificate database (cert9.db, "sql:"), opened read-write next to any other */
typedef struct _CtNssDb CtNssDb;

/* one certificate in a database */
typedef struct {
	gchar *nickname;
	gchar *sha256; /* uppercase hex with colons */
	gchar *trust;  /* "CP,,", "C,,", ",," ... as certutil -L shows it */
	GBytes *der;
} CtNssDbEntry;

void
ct_nssdb_entry_free(CtNssDbEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNssDbEntry, ct_nssdb_entry_free)

/* open the database in dir; with create, make cert9.db/key4.db (empty password) when the
 * directory has none; a missing directory is CT_ERROR_NOT_FOUND, a corrupt or locked
 * database CT_ERROR_INVALID_DATA / CT_ERROR_BUSY, each naming the directory */
CtNssDb *
ct_nssdb_open(const gchar *dir, gboolean create, GError **error); /* (transfer full) */
/* for reads (list, status): NSS's read-only mode, nothing created or changed; a missing
 * cert9.db is CT_ERROR_NOT_FOUND, an empty (0-byte) cert9.db or key4.db, or a missing
 * key4.db, CT_ERROR_INVALID_DATA */
CtNssDb *
ct_nssdb_open_read_only(const gchar *dir, GError **error); /* (transfer full) */
void
ct_nssdb_close(CtNssDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNssDb, ct_nssdb_close)

const gchar *
ct_nssdb_get_dir(CtNssDb *db);

/* every certificate stored in this database (not NSS's built-in roots) */
GPtrArray *
ct_nssdb_list(CtNssDb *db, GError **error); /* (transfer full) CtNssDbEntry* */

/* the entry with this SHA-256, or NULL (no error) */
CtNssDbEntry *
ct_nssdb_find(CtNssDb *db, const gchar *sha256, GError **error); /* (transfer full) */
/* the same for the DER certificate itself: one search of the database by the certificate
 * (not a read of every object), then ct_nssdb_find when it is there; NULL without error
 * when it is not */
CtNssDbEntry *
ct_nssdb_find_der(CtNssDb *db, GBytes *der, GError **error); /* (transfer full) */

/* store der under nickname with trust ("CP,,", "C,,", "P,,"; lower-case 'p' is refused);
 * if the same certificate is there already its trust is set to trust and its nickname kept */
gboolean
ct_nssdb_add(CtNssDb *db, GBytes *der, const gchar *nickname, const gchar *trust, GError **error);

/* put back the trust a user had given a certificate already in the database (any flags
 * certutil -t takes, distrust 'p' included): only to undo a change certtrust made, never
 * to grant trust; a certificate not there is CT_ERROR_NOT_FOUND */
gboolean
ct_nssdb_set_trust(CtNssDb *db, const gchar *sha256, const gchar *trust, GError **error);

/* remove exactly the certificate with this SHA-256 (others sharing its subject or
 * nickname stay); *removed says whether it was there */
gboolean
ct_nssdb_remove(CtNssDb *db, const gchar *sha256, gboolean *removed, GError **error);
