/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"
#include "ct-resolver.h"
#include "ct-source.h"

#define CT_FETCH_DEFAULT_TIMEOUT 10
/* --jobs: first accesses in flight at once, by default and at most (each holds a socket) */
#define CT_FETCH_JOBS_DEFAULT 8
#define CT_FETCH_JOBS_MAX 256

/* the first access, like a browser's: connect (libsoup for URLs, GIO TLS for
 * host:port), accept whatever the server presents but record every problem, fetch
 * the page when there is one; rules are --resolve; timeout bounds the whole access */
CtChain *
ct_fetch(const gchar *source,
	 GPtrArray *rules,
	 guint timeout_seconds,
	 GCancellable *cancellable,
	 GError **error); /* (transfer full) */

/* what one first access of many gave: the chain, or why there is none */
typedef struct {
	gchar *source;
	CtChain *chain; /* NULL when error is set */
	GError *error;	/* CT_ERROR, naming the target */
} CtFetchResult;

void
ct_fetch_result_free(CtFetchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFetchResult, ct_fetch_result_free)

/* called on the caller's thread for each result in the order given, as soon as it and
 * every one before it are there (index of total); it may steal result->chain */
typedef void (*CtFetchReadyFunc)(CtFetchResult *result,
				 guint index,
				 guint total,
				 gpointer user_data);

/* every SOURCE read: the first access of each server, up to jobs at once on one main loop
 * (a private context on this thread), each with its own timeout; a file is read when its
 * turn comes; one target's failure never stops the others; returns a CtFetchResult for
 * each source, in the order given */
GPtrArray *
ct_fetch_many(const gchar *const *sources,
	      GPtrArray *rules,
	      guint timeout_seconds,
	      guint jobs,
	      CtFetchReadyFunc ready,
	      gpointer ready_data,
	      GCancellable *cancellable); /* (transfer full) CtFetchResult* */
