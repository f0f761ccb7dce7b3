/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"
#include "ct-resolver.h"

#define CT_FETCH_DEFAULT_TIMEOUT 10

/* where a network SOURCE points */
typedef struct {
	gchar *host;  /* name or IP address, no brackets */
	guint16 port; /* 443 when not given */
	gchar *path;  /* "/..." for URLs; NULL for host:port (no HTTP) */
} CtFetchTarget;

void
ct_fetch_target_free(CtFetchTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFetchTarget, ct_fetch_target_free)

/* https://host[:port][/path], host[:port], [v6]:port or a bare IPv6 address;
 * malformed or http:// is CT_ERROR_INVALID_ARGS */
CtFetchTarget *
ct_fetch_target_parse(const gchar *source, GError **error); /* (transfer full) */

/* is this SOURCE meant for the network rather than a file? */
gboolean
ct_fetch_is_network_source(const gchar *source);

/* the first access, like a browser's: connect (libsoup for URLs, GIO TLS for
 * host:port), accept whatever the server presents but record every problem, fetch
 * the page when there is one; rules are --resolve; timeout bounds the whole access */
CtChain *
ct_fetch(const gchar *source,
	 GPtrArray *rules,
	 guint timeout_seconds,
	 GCancellable *cancellable,
	 GError **error); /* (transfer full) */
