/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

/* the listening socket of `certtrust serve`, in place of soup_server_listen(): libsoup
 * stops accepting for good after one failed accept() and runs every TLS handshake
 * without a time limit in a shared thread pool, so a few hundred idle peers starve it.
 * This one pauses and resumes after an accept error, waits on the main loop for a
 * complete first TLS record before a handshake takes a thread, bounds the handshake,
 * then hands the connection to the SoupServer */

typedef struct _CtServeListener CtServeListener;

/* what went wrong, once per episode; the text is not escaped */
typedef void (*CtServeLogFunc)(const gchar *message, gpointer user_data);

/* listen on address; certificate NULL for plain HTTP */
CtServeListener *
ct_serve_listener_new(SoupServer *server,
		      GSocketAddress *address,
		      GTlsCertificate *certificate,
		      guint handshake_timeout,
		      CtServeLogFunc log_func,
		      gpointer log_data,
		      GError **error); /* (transfer full) */
/* the port it got (the one asked for, or an ephemeral one for 0) */
guint16
ct_serve_listener_get_port(CtServeListener *self);
void
ct_serve_listener_free(CtServeListener *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtServeListener, ct_serve_listener_free)

/* write a whole HTTP answer (status line, headers, body) straight to the peer of msg and
 * close the connection, before the request's body is read: libsoup reads every body
 * whole before it answers, a body nobody will read is cut off this way; FALSE when msg
 * did not come through a CtServeListener */
gboolean
ct_serve_listener_answer_and_close(SoupServerMessage *msg, const gchar *answer);
