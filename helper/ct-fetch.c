/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFetch"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "ct-fetch.h"
#include "ct-hostname.h"
#include "ct-source.h"

/* what the first access reads of a page (its status and <title>); the rest is never read */
#define CT_FETCH_PAGE_MAX (64 * 1024)
/* a presented chain longer than this is cut (and a loop cannot hang us) */
#define CT_FETCH_CHAIN_MAX 16

/* a thread that cancels the access when its time is up */
typedef struct {
	GMutex lock;
	GCond cond;
	gboolean done;
	gboolean fired;
	gint64 deadline;
	GCancellable *cancellable;
	GThread *thread;
} CtFetchDeadline;

static gpointer
ct_fetch_deadline_thread(gpointer data)
{
	CtFetchDeadline *deadline = data;

	g_mutex_lock(&deadline->lock);
	while (!deadline->done) {
		if (!g_cond_wait_until(&deadline->cond, &deadline->lock, deadline->deadline)) {
			if (!deadline->done) {
				deadline->fired = TRUE;
				g_cancellable_cancel(deadline->cancellable);
			}
			break;
		}
	}
	g_mutex_unlock(&deadline->lock);
	return NULL;
}

static void
ct_fetch_deadline_start(CtFetchDeadline *deadline, GCancellable *cancellable, guint seconds)
{
	g_mutex_init(&deadline->lock);
	g_cond_init(&deadline->cond);
	deadline->cancellable = cancellable;
	deadline->deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
	deadline->thread = g_thread_new("certtrust-deadline", ct_fetch_deadline_thread, deadline);
}

static gboolean
ct_fetch_deadline_stop(CtFetchDeadline *deadline)
{
	gboolean fired;

	g_mutex_lock(&deadline->lock);
	deadline->done = TRUE;
	g_cond_signal(&deadline->cond);
	g_mutex_unlock(&deadline->lock);
	g_thread_join(deadline->thread);
	fired = deadline->fired;
	g_mutex_clear(&deadline->lock);
	g_cond_clear(&deadline->cond);
	return fired;
}

/* what the server presented, as it passed the TLS handshake */
typedef struct {
	GTlsCertificate *certificate;
	GTlsCertificateFlags errors;
	GTlsProtocolVersion version; /* negotiated */
} CtFetchCapture;

static gboolean
ct_fetch_accept_certificate_cb(GObject *source,
			       GTlsCertificate *certificate,
			       GTlsCertificateFlags errors,
			       gpointer user_data)
{
	CtFetchCapture *capture = user_data;

	/* a first access looks at whatever is presented; trust is decided later; only the
	 * first handshake counts: nothing else may stand in for what HOST:PORT presented */
	if (capture->certificate != NULL)
		return TRUE;
	g_set_object(&capture->certificate, certificate);
	capture->errors = errors;
	return TRUE;
}

static GPtrArray *
ct_fetch_certificate_ders(GTlsCertificate *certificate)
{
	GPtrArray *ders = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);

	for (GTlsCertificate *c = certificate; c != NULL && ders->len < CT_FETCH_CHAIN_MAX;
	     c = g_tls_certificate_get_issuer(c)) {
		g_autoptr(GByteArray) der = NULL;
		g_object_get(c, "certificate", &der, NULL);
		if (der == NULL)
			break;
		g_ptr_array_add(ders, g_bytes_new(der->data, der->len));
	}
	return ders;
}

static gchar *
ct_fetch_address_to_string(GSocketAddress *address)
{
	g_autofree gchar *ip = NULL;
	GInetSocketAddress *inet;

	if (!G_IS_INET_SOCKET_ADDRESS(address))
		return NULL;
	inet = G_INET_SOCKET_ADDRESS(address);
	ip = g_inet_address_to_string(g_inet_socket_address_get_address(inet));
	return ct_source_format_host_port(ip, g_inet_socket_address_get_port(inet));
}

/* the text of <title>, white space collapsed, or NULL */
static gchar *
ct_fetch_find_title(GBytes *page)
{
	gsize len = 0;
	const gchar *data = g_bytes_get_data(page, &len);
	g_autofree gchar *text = g_strndup(data != NULL ? data : "", len);
	g_autofree gchar *lower = g_ascii_strdown(text, -1);
	const gchar *start = strstr(lower, "<title");
	const gchar *open_end = start != NULL ? strchr(start, '>') : NULL;
	const gchar *end = open_end != NULL ? strstr(open_end, "</title") : NULL;
	GString *title = NULL;

	if (end == NULL)
		return NULL;
	title = g_string_new(NULL);
	for (const gchar *p = text + (open_end + 1 - lower); p < text + (end - lower); p++) {
		if (g_ascii_isspace(*p)) {
			if (title->len > 0 && title->str[title->len - 1] != ' ')
				g_string_append_c(title, ' ');
			continue;
		}
		g_string_append_c(title, *p);
	}
	if (title->len > 0 && title->str[title->len - 1] == ' ')
		g_string_truncate(title, title->len - 1);
	return g_string_free(title, FALSE);
}

/* say what went wrong with the access, naming the target, as CT_ERROR */
static void
ct_fetch_set_error(GError **error,
		   GError *error_local,
		   const CtSourceServer *target,
		   gboolean timed_out,
		   guint timeout_seconds,
		   gboolean handshake_started)
{
	g_autofree gchar *where = ct_source_format_host_port(target->host, target->port);

	if (timed_out) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
			    "%s: no answer within %u s (--timeout)", where, timeout_seconds);
		return;
	}
	if (g_error_matches(error_local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		g_set_error(error, CT_ERROR, CT_ERROR_CANCELLED, "%s: interrupted", where);
		return;
	}
	if (error_local->domain == G_RESOLVER_ERROR) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE, "%s: cannot resolve %s: %s",
			    where, target->host, error_local->message);
		return;
	}
	if (error_local->domain == G_TLS_ERROR || handshake_started) {
		g_set_error(error, CT_ERROR, CT_ERROR_TLS,
			    "%s: TLS handshake failed (is it an HTTPS port?): %s", where,
			    error_local->message);
		return;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE, "%s: cannot connect: %s", where,
		    error_local->message);
}

/* at most CT_FETCH_PAGE_MAX bytes of the page: a server may send an endless body */
static GBytes *
ct_fetch_read_page_prefix(GInputStream *stream, GCancellable *cancellable, GError **error)
{
	g_autofree guint8 *data = g_malloc(CT_FETCH_PAGE_MAX);
	gsize len = 0;

	if (!g_input_stream_read_all(stream, data, CT_FETCH_PAGE_MAX, &len, cancellable, error))
		return NULL;
	/* closing before the end drops the connection instead of draining the body */
	g_input_stream_close(stream, NULL, NULL);
	return g_bytes_new_take(g_steal_pointer(&data), len);
}

/* a URL: libsoup, one GET, as a browser's first request; a redirect is recorded, never
 * followed: the certificate captured is the one this host:port presented */
static gboolean
ct_fetch_url(const CtSourceServer *target,
	     guint timeout_seconds,
	     CtFetchCapture *capture,
	     guint *status,
	     gchar **title,
	     gchar **redirect,
	     gchar **peer,
	     GCancellable *cancellable,
	     GError **error)
{
	g_autoptr(SoupSession) session = NULL;
	g_autoptr(SoupMessage) msg = NULL;
	g_autoptr(GInputStream) stream = NULL;
	g_autoptr(GBytes) page = NULL;
	g_autoptr(GUri) uri = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *where = ct_source_format_host_port(target->host, target->port);
	g_autofree gchar *url = g_strdup_printf("https://%s%s", where, target->path);

	uri = g_uri_parse(url, SOUP_HTTP_URI_FLAGS, error);
	if (uri == NULL) {
		ct_error_convert(error);
		return FALSE;
	}
	session = soup_session_new_with_options("timeout", timeout_seconds, "idle-timeout",
						timeout_seconds, "user-agent",
						PACKAGE_NAME "/" PACKAGE_VERSION, NULL);
	msg = soup_message_new_from_uri(SOUP_METHOD_GET, uri);
	soup_message_add_flags(msg, SOUP_MESSAGE_NO_REDIRECT);
	g_signal_connect(msg, "accept-certificate", G_CALLBACK(ct_fetch_accept_certificate_cb),
			 capture);
	stream = soup_session_send(session, msg, cancellable, &error_local);
	if (stream != NULL)
		page = ct_fetch_read_page_prefix(stream, cancellable, &error_local);
	if (capture->certificate == NULL && soup_message_get_tls_peer_certificate(msg) != NULL) {
		g_set_object(&capture->certificate, soup_message_get_tls_peer_certificate(msg));
		capture->errors = soup_message_get_tls_peer_certificate_errors(msg);
	}
	capture->version = soup_message_get_tls_protocol_version(msg);
	*peer = ct_fetch_address_to_string(soup_message_get_remote_address(msg));
	if (page == NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	*status = soup_message_get_status(msg);
	if (SOUP_STATUS_IS_REDIRECTION(*status))
		*redirect = g_strdup(
		    soup_message_headers_get_one(soup_message_get_response_headers(msg),
						 "Location"));
	*title = ct_fetch_find_title(page);
	return TRUE;
}

/* host:port: a TLS handshake with GIO, no HTTP */
static gboolean
ct_fetch_tls(const CtSourceServer *target,
	     guint timeout_seconds,
	     CtFetchCapture *capture,
	     gchar **peer,
	     gboolean *handshake_started,
	     GCancellable *cancellable,
	     GError **error)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) connection = NULL;
	g_autoptr(GSocketConnectable) identity = NULL;
	g_autoptr(GIOStream) tls = NULL;
	g_autoptr(GSocketAddress) remote = NULL;

	g_socket_client_set_timeout(client, timeout_seconds);
	connection = g_socket_client_connect_to_host(client, target->host, target->port,
						     cancellable, error);
	if (connection == NULL)
		return FALSE;
	remote = g_socket_connection_get_remote_address(connection, NULL);
	*peer = remote != NULL ? ct_fetch_address_to_string(remote) : NULL;
	identity = g_network_address_new(target->host, target->port);
	tls = g_tls_client_connection_new(G_IO_STREAM(connection), identity, error);
	if (tls == NULL)
		return FALSE;
	g_signal_connect(tls, "accept-certificate", G_CALLBACK(ct_fetch_accept_certificate_cb),
			 capture);
	*handshake_started = TRUE;
	if (!g_tls_connection_handshake(G_TLS_CONNECTION(tls), cancellable, error))
		return FALSE;
	capture->version = g_tls_connection_get_protocol_version(G_TLS_CONNECTION(tls));
	if (capture->certificate == NULL) {
		g_set_object(&capture->certificate,
			     g_tls_connection_get_peer_certificate(G_TLS_CONNECTION(tls)));
		capture->errors = g_tls_connection_get_peer_certificate_errors(
		    G_TLS_CONNECTION(tls));
	}
	g_io_stream_close(tls, NULL, NULL);
	return TRUE;
}

/* the --resolve rules for this target's port, as the process's resolver */
static GResolver *
ct_fetch_install_resolver(GPtrArray *rules, const CtSourceServer *target)
{
	g_autoptr(GResolver) previous = g_resolver_get_default();
	g_autoptr(CtResolver) resolver = NULL;
	guint used = 0;

	if (rules == NULL)
		return NULL;
	resolver = ct_resolver_new(previous);
	for (guint i = 0; i < rules->len; i++) {
		CtResolveRule *rule = g_ptr_array_index(rules, i);
		if (rule->port != target->port)
			continue;
		ct_resolver_add_rule(resolver, rule);
		used++;
	}
	if (used == 0)
		return NULL;
	g_resolver_set_default(G_RESOLVER(resolver));
	return g_steal_pointer(&previous);
}

CtChain *
ct_fetch(const gchar *source,
	 GPtrArray *rules,
	 guint timeout_seconds,
	 GCancellable *cancellable,
	 GError **error)
{
	g_autoptr(CtSourceServer) target = ct_source_parse_server(source, error);
	g_autoptr(GCancellable) access = g_cancellable_new();
	g_autoptr(GResolver) previous = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GPtrArray) ders = NULL;
	g_autoptr(CtHostCheck) check = NULL;
	g_autofree gchar *peer = NULL;
	g_autofree gchar *title = NULL;
	g_autofree gchar *redirect = NULL;
	CtFetchCapture capture = {NULL, 0, G_TLS_PROTOCOL_VERSION_UNKNOWN};
	CtFetchDeadline deadline = {0};
	CtChain *chain = NULL;
	gboolean handshake_started = FALSE;
	gboolean timed_out;
	gboolean ok;
	guint status = 0;
	gulong parent_handler = 0;

	if (target == NULL)
		return NULL;
	if (timeout_seconds == 0)
		timeout_seconds = CT_FETCH_DEFAULT_TIMEOUT;
	if (cancellable != NULL)
		parent_handler = g_cancellable_connect(cancellable,
						       G_CALLBACK(g_cancellable_cancel),
						       g_object_ref(access), g_object_unref);
	previous = ct_fetch_install_resolver(rules, target);
	ct_fetch_deadline_start(&deadline, access, timeout_seconds);
	if (target->path != NULL)
		ok = ct_fetch_url(target, timeout_seconds, &capture, &status, &title, &redirect,
				  &peer, access, &error_local);
	else
		ok = ct_fetch_tls(target, timeout_seconds, &capture, &peer, &handshake_started,
				  access, &error_local);
	timed_out = ct_fetch_deadline_stop(&deadline);
	if (previous != NULL)
		g_resolver_set_default(previous);
	if (cancellable != NULL)
		g_cancellable_disconnect(cancellable, parent_handler);

	/* a certificate obtained is a successful first access, even if the page failed */
	if (capture.certificate == NULL) {
		if (ok)
			g_set_error_literal(&error_local, G_TLS_ERROR, G_TLS_ERROR_MISC,
					    "the server presented no certificate");
		ct_fetch_set_error(error, error_local, target, timed_out, timeout_seconds,
				   handshake_started);
		return NULL;
	}
	ders = ct_fetch_certificate_ders(capture.certificate);
	g_clear_object(&capture.certificate);
	chain = ct_chain_new_from_ders(source, ders, error);
	if (chain == NULL)
		return NULL;
	chain->problems = capture.errors;
	chain->tls_version = capture.version;
	/* GnuTLS still falls back to the CN; browsers do not: judge the name as they do */
	check = ct_hostname_check(ct_chain_get_leaf(chain), target->host);
	if (!check->strict.match)
		chain->problems |= G_TLS_CERTIFICATE_BAD_IDENTITY;
	chain->peer = g_steal_pointer(&peer);
	chain->http_status = status;
	chain->page_title = g_steal_pointer(&title);
	chain->redirect = g_steal_pointer(&redirect);
	return chain;
}
