/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"
#include "ct-resolver.h"
#include "ct-source.h"

#define CT_FETCH_DEFAULT_TIMEOUT 10

/* the first access, like a browser's: connect (libsoup for URLs, GIO TLS for
 * host:port), accept whatever the server presents but record every problem, fetch
 * the page when there is one; rules are --resolve; timeout bounds the whole access */
CtChain *
ct_fetch(const gchar *source,
	 GPtrArray *rules,
	 guint timeout_seconds,
	 GCancellable *cancellable,
	 GError **error); /* (transfer full) */
