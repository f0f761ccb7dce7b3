/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"
#include "ct-serve-listener.h"
#include "ct-serve-profiles.h"

/* the embedded UCM-like server: the applications of docs/browser-procedures.md over HTTPS and HTTP,
 * with certificates generated the way UCM (or a test) needs them */

typedef struct {
	const gchar *profile;	   /* tomcat (default), leaf, chain, expired, ... */
	const gchar *const *names; /* CN and SAN; NULL for the machine's host name */
	const gchar *listen;	   /* address, NULL for 127.0.0.1 */
	gint https_port;	   /* 0 for an ephemeral port */
	gint http_port;		   /* 0 for an ephemeral port, -1 for no HTTP */
	const gchar *cert_dir;	   /* where the certificate copies go */
	gboolean regenerate;	   /* a new certificate even if one is there (an upgrade) */
	guint handshake_timeout;   /* seconds a peer has for its TLS handshake; 0: the default */
	CtServeLogFunc log_func;   /* what a hostile or broken peer caused; may be NULL */
	gpointer log_data;
} CtServeOptions;

/* seconds a peer has to complete its TLS handshake */
#define CT_SERVE_HANDSHAKE_TIMEOUT_DEFAULT 10

#define CT_TYPE_SERVER (ct_server_get_type())
G_DECLARE_FINAL_TYPE(CtServer, ct_server, CT, SERVER, GObject)

/* load or generate the certificate, then listen; the caller runs the main loop */
CtServer *
ct_server_new(const CtServeOptions *options, GError **error); /* (transfer full) */

const gchar *
ct_server_get_https_url(CtServer *self);
const gchar *
ct_server_get_http_url(CtServer *self); /* NULL without HTTP */
/* what the server presents (leaf first) */
CtChain *
ct_server_get_chain(CtServer *self);
/* TRUE when this start made a new certificate */
gboolean
ct_server_get_generated(CtServer *self);
/* the files written to the cert dir: "pem", "der", "key", "root-pem", ... -> path */
GHashTable *
ct_server_get_files(CtServer *self);
