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
	gint64 not_before;	     /* seconds since the epoch, UTC */
	gint64 not_after;	     /* seconds since the epoch, UTC */
	gchar *signature_algorithm;  /* "sha256WithRSAEncryption", ... */
	gchar *public_key_algorithm; /* "RSA", "EC", "DSA", "Ed25519", ... */
	guint public_key_bits;	     /* modulus or field size */
	gchar *public_key_curve;     /* "P-256" for EC keys, else NULL */
	gchar *sha1;		     /* uppercase hex with colons */
	gchar *sha256;		     /* uppercase hex with colons */
	gboolean self_signed;	     /* issuer == subject and the own key verifies the signature */
	gboolean ca_capable;	     /* CA:TRUE, keyCertSign, or a v1 certificate */
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
/* release NSS at exit, so leak checkers see a clean process */
void
ct_nssdb_shutdown(void);

/* one DER certificate; fails with CT_ERROR_INVALID_DATA */
CtCertificate *
ct_nssdb_parse_certificate(GBytes *der, GError **error); /* (transfer full) */

/* TRUE when issuer's key verifies subject's signature (and the names chain) */
gboolean
ct_nssdb_is_issued_by(const CtCertificate *subject, const CtCertificate *issuer);

/* does this DER look like a PKCS#7 ContentInfo (SEQUENCE { OID signedData ... })? */
gboolean
ct_nssdb_is_pkcs7(GBytes *der);

/* the certificates of a DER PKCS#7 SignedData, in encoded order; GBytes DER each */
GPtrArray *
ct_nssdb_decode_pkcs7(GBytes *der, GError **error); /* (transfer full) */

/* a DER certs-only SignedData (no content, no signers) holding ders in that order */
GBytes *
ct_nssdb_encode_pkcs7(GPtrArray *ders, GError **error); /* (transfer full) */
