/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"
#include "ct-resolver.h"
#include "ct-source.h"

#define CT_FETCH_DEFAULT_TIMEOUT 10

/* ct-cmd-flow.c's names for ct-source.h's, until flow moves (issue 14): use ct-source.h */
typedef CtSourceServer CtFetchTarget;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFetchTarget, ct_source_server_free)

CtFetchTarget *
ct_fetch_target_parse(const gchar *source, GError **error); /* (transfer full) */
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
