/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtServe"

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "ct-serve-listener.h"
#include "ct-serve-record-guard.h"

/* how long accepting pauses after an error (EMFILE: until a connection closes) */
#define CT_SERVE_LISTENER_PAUSE_MS 250
/* accept errors are reported at most this often */
#define CT_SERVE_LISTENER_LOG_INTERVAL_S 10
/* connections accepted per wake-up, so that the other sources get their turn */
#define CT_SERVE_LISTENER_BATCH 32
/* how often a peer that sent part of its first TLS record is looked at again */
#define CT_SERVE_LISTENER_RECHECK_MS 200
/* a TLS record's header and the largest first record a client may send */
#define CT_SERVE_LISTENER_RECORD_HEADER 5
#define CT_SERVE_LISTENER_RECORD_MAX (16384 + 2048)
/* TLS handshakes at a time: each takes a thread of GIO's pool (about ten) and a GnuTLS
 * session; the other peers wait their turn on the main loop, where one that leaves costs
 * nothing */
#define CT_SERVE_LISTENER_HANDSHAKES 8
#define CT_SERVE_LISTENER_SOCKET_KEY "ct-serve-listener-socket"
#define CT_SERVE_LISTENER_STREAM_KEY "ct-serve-listener-stream"

struct _CtServeListener {
	SoupServer *server;
	GSocket *socket;
	GTlsCertificate *certificate; /* NULL for HTTP */
	guint handshake_timeout;      /* seconds */
	CtServeLogFunc log_func;
	gpointer log_data;
	GMainContext *context; /* the thread-default one it was made in: every source goes there */
	GSource *accept_source;
	GSource *resume_source;
	gint64 logged;	     /* monotonic time of the last accept error logged */
	guint failures;	     /* accept errors since */
	GHashTable *pending; /* CtServeConnection: accepted, not yet handed to the server */
	GQueue waiting;	     /* CtServeConnection: hello complete, waiting for a handshake */
	guint handshakes;    /* under way */
};

/* one accepted connection before the server has it */
typedef struct {
	CtServeListener *listener; /* NULL once the listener is gone */
	GSocket *socket;
	GSocketConnection *connection;
	GIOStream *guard; /* between the TCP connection and the TLS one */
	GTlsConnection *tls;
	GCancellable *cancellable;
	GMainContext *context; /* the listener's */
	GSource *wait_source;  /* the socket turning readable, or a recheck */
	GSource *deadline_source;
	gboolean handshaking; /* a thread has it: the callback frees it */
	gboolean queued;      /* in listener->waiting */
} CtServeConnection;

/* destroy a source of ours, if any (g_source_remove() would look for it in the global
 * default context, not in the listener's) */
static void
ct_serve_listener_clear_source(GSource **source)
{
	if (*source == NULL)
		return;
	g_source_destroy(*source);
	g_clear_pointer(source, g_source_unref);
}

/* close: the connection never reached the server; otherwise the server's stream holds
 * the socket now */
static void
ct_serve_connection_free(CtServeConnection *conn, gboolean close_socket)
{
	if (conn->wait_source != NULL) {
		g_source_destroy(conn->wait_source);
		g_source_unref(conn->wait_source);
	}
	ct_serve_listener_clear_source(&conn->deadline_source);
	/* the socket itself: a peer that failed gets no close_notify, and no socket is left
	 * half open (CLOSE-WAIT) until the objects around it happen to be finalized */
	if (close_socket)
		g_socket_close(conn->socket, NULL);
	g_clear_object(&conn->tls);
	g_clear_object(&conn->guard);
	g_clear_object(&conn->connection);
	g_clear_object(&conn->socket);
	g_clear_object(&conn->cancellable);
	g_main_context_unref(conn->context);
	g_free(conn);
}

/* drop a connection that never reached the server */
static void
ct_serve_connection_drop(CtServeConnection *conn)
{
	if (conn->listener != NULL && conn->queued)
		g_queue_remove(&conn->listener->waiting, conn);
	if (conn->listener != NULL)
		g_hash_table_remove(conn->listener->pending, conn);
	ct_serve_connection_free(conn, TRUE);
}

static void
ct_serve_connection_hand_over(CtServeConnection *conn, GIOStream *stream)
{
	CtServeListener *self = conn->listener;
	g_autoptr(GSocketAddress) local = g_socket_get_local_address(conn->socket, NULL);
	g_autoptr(GSocketAddress) remote = g_socket_get_remote_address(conn->socket, NULL);

	/* a peer that left already has no addresses */
	if (local == NULL || remote == NULL) {
		ct_serve_connection_drop(conn);
		return;
	}
	g_object_set_data_full(G_OBJECT(remote), CT_SERVE_LISTENER_SOCKET_KEY,
			       g_object_ref(conn->socket), g_object_unref);
	g_object_set_data_full(G_OBJECT(remote), CT_SERVE_LISTENER_STREAM_KEY, g_object_ref(stream),
			       g_object_unref);
	soup_server_accept_iostream(self->server, stream, local, remote, NULL);
	g_hash_table_remove(self->pending, conn);
	ct_serve_connection_free(conn, FALSE);
}

static void
ct_serve_listener_next_handshake(CtServeListener *self);

static void
ct_serve_connection_handshake_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CtServeConnection *conn = user_data;
	CtServeListener *self = conn->listener;
	g_autoptr(GError) error = NULL;

	conn->handshaking = FALSE;
	if (self != NULL)
		self->handshakes--;
	if (!g_tls_connection_handshake_finish(G_TLS_CONNECTION(source), result, &error) ||
	    self == NULL) {
		ct_serve_connection_drop(conn);
	} else {
		/* from now on a client handshake record is a renegotiation */
		ct_serve_record_guard_arm(CT_SERVE_RECORD_GUARD(conn->guard));
		ct_serve_connection_hand_over(conn, G_IO_STREAM(conn->tls));
	}
	if (self != NULL)
		ct_serve_listener_next_handshake(self);
}

/* TRUE when the peer has shut its side: a TLS client never does before its handshake,
 * a flood does */
static gboolean
ct_serve_connection_peer_left(CtServeConnection *conn)
{
	struct pollfd poll_fd = {g_socket_get_fd(conn->socket), POLLRDHUP, 0};
	return poll(&poll_fd, 1, 0) > 0 &&
	       (poll_fd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static void
ct_serve_connection_handshake(CtServeConnection *conn)
{
	const gchar *protocols[] = {"http/1.1", "http/1.0", NULL};
	g_autoptr(GIOStream) tls = NULL;

	if (conn->listener->handshakes >= CT_SERVE_LISTENER_HANDSHAKES) {
		g_queue_push_tail(&conn->listener->waiting, conn);
		conn->queued = TRUE;
		return;
	}

	conn->guard = ct_serve_record_guard_new(G_IO_STREAM(conn->connection));
	/* "database" NULL, said: left unset, GIO reads the system's CA store for each
	 * connection (40 ms of the main loop here), for client certificates serve never asks */
	tls = g_initable_new(g_tls_backend_get_server_connection_type(g_tls_backend_get_default()),
			     NULL, NULL, "base-io-stream", conn->guard, "certificate",
			     conn->listener->certificate, "database", NULL, NULL);
	if (tls == NULL) {
		ct_serve_connection_drop(conn);
		return;
	}
	conn->tls = G_TLS_CONNECTION(g_steal_pointer(&tls));
	g_tls_connection_set_require_close_notify(conn->tls, FALSE);
	g_tls_connection_set_advertised_protocols(conn->tls, protocols);
	conn->handshaking = TRUE;
	conn->listener->handshakes++;
	g_tls_connection_handshake_async(conn->tls, G_PRIORITY_DEFAULT, conn->cancellable,
					 ct_serve_connection_handshake_cb, conn);
}

/* TRUE when the peer's first TLS record is all there (or it is no TLS at all); *closed
 * when the peer left */
static gboolean
ct_serve_connection_hello_ready(CtServeConnection *conn, gboolean *closed)
{
	g_autofree guint8 *buffer = g_malloc(CT_SERVE_LISTENER_RECORD_HEADER +
					     CT_SERVE_LISTENER_RECORD_MAX);
	gssize got = recv(g_socket_get_fd(conn->socket), buffer,
			  CT_SERVE_LISTENER_RECORD_HEADER + CT_SERVE_LISTENER_RECORD_MAX,
			  MSG_PEEK | MSG_DONTWAIT);
	gsize length;

	*closed = got == 0 ||
		  (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ||
		  ct_serve_connection_peer_left(conn);
	if (got < CT_SERVE_LISTENER_RECORD_HEADER)
		return FALSE;
	/* 22: a handshake record; anything else fails the handshake at once */
	if (buffer[0] != 22)
		return TRUE;
	length = ((gsize)buffer[3] << 8) | buffer[4];
	return (gsize)got >= CT_SERVE_LISTENER_RECORD_HEADER + length ||
	       length > CT_SERVE_LISTENER_RECORD_MAX;
}

/* the next waiting peers get their handshakes; those that left are dropped */
static void
ct_serve_listener_next_handshake(CtServeListener *self)
{
	while (self->handshakes < CT_SERVE_LISTENER_HANDSHAKES && self->waiting.length > 0) {
		CtServeConnection *conn = g_queue_pop_head(&self->waiting);
		conn->queued = FALSE;
		if (ct_serve_connection_peer_left(conn))
			ct_serve_connection_drop(conn);
		else
			ct_serve_connection_handshake(conn);
	}
}

static gboolean
ct_serve_connection_readable_cb(GSocket *socket, GIOCondition condition, gpointer user_data);

static gboolean
ct_serve_connection_recheck_cb(gpointer user_data)
{
	return ct_serve_connection_readable_cb(NULL, G_IO_IN, user_data);
}

/* the peer sent something: a handshake when its hello is complete */
static gboolean
ct_serve_connection_readable_cb(GSocket *socket, GIOCondition condition, gpointer user_data)
{
	CtServeConnection *conn = user_data;
	gboolean closed = FALSE;
	gboolean ready = ct_serve_connection_hello_ready(conn, &closed);

	if (!ready && !closed && socket == NULL)
		return G_SOURCE_CONTINUE;
	g_source_destroy(conn->wait_source);
	g_clear_pointer(&conn->wait_source, g_source_unref);
	if (closed) {
		ct_serve_connection_drop(conn);
		return G_SOURCE_REMOVE;
	}
	if (ready) {
		ct_serve_connection_handshake(conn);
		return G_SOURCE_REMOVE;
	}
	/* part of a record: look again later, not on every wake-up of a readable socket */
	conn->wait_source = g_timeout_source_new(CT_SERVE_LISTENER_RECHECK_MS);
	g_source_set_callback(conn->wait_source, ct_serve_connection_recheck_cb, conn, NULL);
	g_source_attach(conn->wait_source, conn->context);
	return G_SOURCE_REMOVE;
}

/* the handshake's time is up: an idle or slow peer loses its connection */
static gboolean
ct_serve_connection_deadline_cb(gpointer user_data)
{
	CtServeConnection *conn = user_data;

	g_clear_pointer(&conn->deadline_source, g_source_unref);
	if (conn->handshaking) {
		/* the thread returns with an error; its callback frees the connection */
		g_cancellable_cancel(conn->cancellable);
		g_socket_shutdown(conn->socket, TRUE, TRUE, NULL);
		return G_SOURCE_REMOVE;
	}
	ct_serve_connection_drop(conn);
	return G_SOURCE_REMOVE;
}

static void
ct_serve_listener_accepted(CtServeListener *self, GSocket *socket)
{
	CtServeConnection *conn = NULL;

	g_socket_set_option(socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
	conn = g_new0(CtServeConnection, 1);
	conn->listener = self;
	conn->context = g_main_context_ref(self->context);
	conn->socket = g_object_ref(socket);
	conn->connection = g_socket_connection_factory_create_connection(socket);
	conn->cancellable = g_cancellable_new();
	g_hash_table_add(self->pending, conn);
	if (self->certificate == NULL) {
		ct_serve_connection_hand_over(conn, G_IO_STREAM(conn->connection));
		return;
	}
	conn->deadline_source = g_timeout_source_new_seconds(self->handshake_timeout);
	g_source_set_callback(conn->deadline_source, ct_serve_connection_deadline_cb, conn, NULL);
	g_source_attach(conn->deadline_source, self->context);
	conn->wait_source = g_socket_create_source(socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
	g_source_set_callback(conn->wait_source, G_SOURCE_FUNC(ct_serve_connection_readable_cb),
			      conn, NULL);
	g_source_attach(conn->wait_source, conn->context);
}

static gboolean
ct_serve_listener_accept_cb(GSocket *socket, GIOCondition condition, gpointer user_data);

static void
ct_serve_listener_watch(CtServeListener *self)
{
	self->accept_source = g_socket_create_source(self->socket, G_IO_IN, NULL);
	g_source_set_callback(self->accept_source, G_SOURCE_FUNC(ct_serve_listener_accept_cb), self,
			      NULL);
	g_source_attach(self->accept_source, self->context);
}

static gboolean
ct_serve_listener_resume_cb(gpointer user_data)
{
	CtServeListener *self = user_data;

	g_clear_pointer(&self->resume_source, g_source_unref);
	ct_serve_listener_watch(self);
	return G_SOURCE_REMOVE;
}

static gboolean
ct_serve_listener_accept_cb(GSocket *socket, GIOCondition condition, gpointer user_data)
{
	CtServeListener *self = user_data;

	for (guint i = 0; i < CT_SERVE_LISTENER_BATCH; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GSocket) accepted = g_socket_accept(self->socket, NULL, &error);

		if (accepted != NULL) {
			ct_serve_listener_accepted(self, accepted);
			continue;
		}
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			return G_SOURCE_CONTINUE;
		/* EMFILE and friends: the listener stays; accepting pauses, then resumes; one
		 * line every few seconds says so */
		self->failures++;
		if (self->log_func != NULL &&
		    (self->logged == 0 || g_get_monotonic_time() - self->logged >=
					      CT_SERVE_LISTENER_LOG_INTERVAL_S * G_USEC_PER_SEC)) {
			g_autofree gchar *message = g_strdup_printf(
			    "cannot accept a connection on port %u: %s (%u failure%s since the "
			    "last "
			    "report; accepting pauses %d ms after each, then goes on)",
			    ct_serve_listener_get_port(self), error->message, self->failures,
			    self->failures == 1 ? "" : "s", CT_SERVE_LISTENER_PAUSE_MS);
			self->log_func(message, self->log_data);
			self->logged = g_get_monotonic_time();
			self->failures = 0;
		}
		g_source_destroy(self->accept_source);
		g_clear_pointer(&self->accept_source, g_source_unref);
		self->resume_source = g_timeout_source_new(CT_SERVE_LISTENER_PAUSE_MS);
		g_source_set_callback(self->resume_source, ct_serve_listener_resume_cb, self, NULL);
		g_source_attach(self->resume_source, self->context);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

CtServeListener *
ct_serve_listener_new(SoupServer *server,
		      GSocketAddress *address,
		      GTlsCertificate *certificate,
		      guint handshake_timeout,
		      CtServeLogFunc log_func,
		      gpointer log_data,
		      GError **error)
{
	g_autoptr(CtServeListener) self = g_new0(CtServeListener, 1);
	GSocketFamily family = g_socket_address_get_family(address);

	self->context = g_main_context_ref_thread_default();
	self->server = g_object_ref(server);
	self->certificate = certificate != NULL ? g_object_ref(certificate) : NULL;
	self->handshake_timeout = handshake_timeout;
	self->log_func = log_func;
	self->log_data = log_data;
	self->pending = g_hash_table_new(NULL, NULL);
	self->socket = g_socket_new(family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
	if (self->socket == NULL)
		return NULL;
	if (family == G_SOCKET_FAMILY_IPV6)
		g_socket_set_option(self->socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
	/* a burst of clients waits in the kernel's queue rather than being refused */
	g_socket_set_listen_backlog(self->socket, SOMAXCONN);
	g_socket_set_blocking(self->socket, FALSE);
	if (!g_socket_bind(self->socket, address, TRUE, error) ||
	    !g_socket_listen(self->socket, error))
		return NULL;
	ct_serve_listener_watch(self);
	return g_steal_pointer(&self);
}

guint16
ct_serve_listener_get_port(CtServeListener *self)
{
	g_autoptr(GSocketAddress) local = g_socket_get_local_address(self->socket, NULL);

	if (local == NULL)
		return 0;
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
}

gboolean
ct_serve_listener_answer_and_close(SoupServerMessage *msg, const gchar *answer)
{
	GSocketAddress *remote = soup_server_message_get_remote_address(msg);
	GSocket *socket;
	GIOStream *stream;

	if (remote == NULL)
		return FALSE;
	socket = g_object_get_data(G_OBJECT(remote), CT_SERVE_LISTENER_SOCKET_KEY);
	stream = g_object_get_data(G_OBJECT(remote), CT_SERVE_LISTENER_STREAM_KEY);
	if (socket == NULL || stream == NULL)
		return FALSE;
	/* a few hundred bytes: they fit in the socket's buffer, the write does not wait */
	g_output_stream_write_all(g_io_stream_get_output_stream(stream), answer, strlen(answer),
				  NULL, NULL, NULL);
	g_output_stream_flush(g_io_stream_get_output_stream(stream), NULL, NULL);
	/* the server's read of the body ends at once, with an error, and it drops the
	 * connection; the peer has the answer and an end of stream */
	g_socket_shutdown(socket, TRUE, TRUE, NULL);
	return TRUE;
}

void
ct_serve_listener_free(CtServeListener *self)
{
	GHashTableIter iter;
	gpointer key;

	g_queue_clear(&self->waiting);
	if (self->pending != NULL) {
		g_hash_table_iter_init(&iter, self->pending);
		while (g_hash_table_iter_next(&iter, &key, NULL)) {
			CtServeConnection *conn = key;
			conn->listener = NULL;
			conn->queued = FALSE;
			g_hash_table_iter_remove(&iter);
			if (conn->handshaking)
				g_cancellable_cancel(conn->cancellable);
			else
				ct_serve_connection_free(conn, TRUE);
		}
		g_hash_table_unref(self->pending);
	}
	if (self->accept_source != NULL) {
		g_source_destroy(self->accept_source);
		g_source_unref(self->accept_source);
	}
	ct_serve_listener_clear_source(&self->resume_source);
	if (self->socket != NULL)
		g_socket_close(self->socket, NULL);
	g_clear_object(&self->socket);
	g_clear_object(&self->certificate);
	g_clear_object(&self->server);
	g_clear_pointer(&self->context, g_main_context_unref);
	g_free(self);
}
