/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-nssdb.h"

/* what every command works on: the certificates a source presented, leaf first,
 * the TLS problems seen while getting them, and where they came from */
typedef struct {
	gchar *source;			 /* what the user named: a path, "-" or a URL */
	GPtrArray *certificates;	 /* CtCertificate*, leaf first toward the root */
	guint path_length;		 /* certificates[0..path_length) chain leaf to root */
	GTlsCertificateFlags problems;	 /* empty for files */
	gchar *peer;			 /* "address:port" the chain came from, NULL for files */
	guint http_status;		 /* the page's HTTP status after the first access, or 0 */
	gchar *page_title;		 /* its <title>, or NULL */
	gchar *redirect;		 /* a 3xx answer's Location (never followed), or NULL */
	GTlsProtocolVersion tls_version; /* negotiated by the first access; UNKNOWN for files */
} CtChain;

typedef enum {
	CT_CHAIN_ROLE_LEAF,
	CT_CHAIN_ROLE_INTERMEDIATE,
	CT_CHAIN_ROLE_ROOT,
	CT_CHAIN_ROLE_UNRELATED, /* in the input but not on the leaf's path */
} CtChainRole;

CtChain *
ct_chain_new(const gchar *source);
void
ct_chain_free(CtChain *chain);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtChain, ct_chain_free)

/* at most this many certificates from one file or server (a chain has a handful, the
 * system's whole CA bundle some 150): bounds what a hostile input can make certtrust do */
#define CT_CHAIN_MAX_CERTIFICATES 1000

/* certificates from bytes in any supported format, detected by content: DER,
 * PEM with one or more CERTIFICATE blocks, PKCS#7 in DER or PEM, Base64 .cer */
CtChain *
ct_chain_load_bytes(const gchar *source, GBytes *data, GError **error); /* (transfer full) */

/* DER certificates as a server presented them (leaf first), put in path order */
CtChain *
ct_chain_new_from_ders(const gchar *source, GPtrArray *ders, GError **error); /* (transfer full) */

/* the same from a file, "-" for stdin; at most CT_CHAIN_MAX_INPUT bytes */
#define CT_CHAIN_MAX_INPUT (16 * 1024 * 1024)
CtChain *
ct_chain_load_file(const gchar *path, GCancellable *cancellable, GError **error);

CtCertificate *
ct_chain_get_leaf(CtChain *chain);
CtChainRole
ct_chain_get_role(CtChain *chain, guint index);
const gchar *
ct_chain_role_to_string(CtChainRole role);

/* the leaf and the path toward the root, each issued by the one before it */
GPtrArray *
ct_chain_get_path(CtChain *chain); /* (transfer container) CtCertificate* */

/* "TLS 1.2", "TLS 1.0", ... or NULL when unknown (a file) */
const gchar *
ct_chain_tls_version_to_string(GTlsProtocolVersion version);
/* TRUE when a server negotiated a protocol the browsers no longer speak (below TLS 1.2:
 * Firefox SSL_ERROR_UNSUPPORTED_VERSION, Chromium ERR_SSL_VERSION_OR_CIPHER_MISMATCH) */
gboolean
ct_chain_tls_version_is_obsolete(CtChain *chain);

/* docs/cli.md's problem names ("unknown-ca", "expired", ...) of the flags set */
GPtrArray *
ct_chain_get_problem_names(CtChain *chain); /* (transfer container) const gchar* */
