/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include <string.h>

#include "ct-browser-process.h"
#include "ct-browser-wire.h"
#include "ct-escape.h"
#include "ct-json.h"

/* how long a closed connection waits for the exit it usually means */
#define CT_BROWSER_EXIT_NOTICE_MS 500
/* how often the browser's output is read while waiting for its address */
#define CT_BROWSER_POLL_MS 20
/* events nobody waits for are dropped beyond this */
#define CT_BROWSER_MAX_EVENTS 1000

gint64
ct_browser_deadline(CtBrowser *self)
{
	self->step_ms = self->timeout_ms;
	return g_get_monotonic_time() + (gint64)self->timeout_ms * 1000;
}

gint64
ct_browser_launch_deadline(CtBrowser *self)
{
	self->step_ms = self->launch_timeout_ms;
	return self->started + (gint64)self->launch_timeout_ms * 1000;
}

static gboolean
ct_browser_cancelled_cb(GCancellable *cancellable, gpointer user_data)
{
	return G_SOURCE_CONTINUE;
}

gboolean
ct_browser_wait(CtBrowser *self,
		CtBrowserDoneFunc done,
		gpointer user_data,
		gint64 deadline,
		GCancellable *cancellable,
		const gchar *what,
		GError **error)
{
	gint64 remaining = deadline - g_get_monotonic_time();
	g_autoptr(GSource) timeout = NULL;
	g_autoptr(GSource) cancel = NULL;
	gboolean ok = FALSE;

	/* wake up at the deadline and on cancellation, whatever else happens */
	timeout = g_timeout_source_new(remaining > 0 ? (guint)(remaining / 1000) + 1 : 0);
	g_source_set_callback(timeout, ct_browser_wakeup_cb, NULL, NULL);
	g_source_attach(timeout, self->context);
	if (cancellable != NULL) {
		cancel = g_cancellable_source_new(cancellable);
		g_source_set_callback(cancel, G_SOURCE_FUNC(ct_browser_cancelled_cb), NULL, NULL);
		g_source_attach(cancel, self->context);
	}
	for (;;) {
		if (done != NULL && done(self, user_data)) {
			ok = TRUE;
			break;
		}
		if (g_cancellable_is_cancelled(cancellable)) {
			g_set_error(error, CT_ERROR, CT_ERROR_CANCELLED, "%s: cancelled while %s",
				    self->name, what);
			break;
		}
		/* a closed connection is most often a browser that died: say how */
		if (self->websocket_closed && !self->exited)
			ct_browser_wait_exit(self, CT_BROWSER_EXIT_NOTICE_MS);
		if (self->exited) {
			g_autofree gchar *how = ct_browser_describe_exit(self);
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
				    "%s exited while %s (%s)", self->name, what, how);
			break;
		}
		if (self->websocket_closed) {
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
				    "%s closed its connection while %s", self->name, what);
			break;
		}
		if (g_get_monotonic_time() >= deadline) {
			self->timed_out = TRUE;
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
				    "%s did not answer within %u ms while %s", self->name,
				    self->step_ms, what);
			break;
		}
		g_main_context_iteration(self->context, TRUE);
	}
	g_source_destroy(timeout);
	if (cancel != NULL)
		g_source_destroy(cancel);
	return ok;
}

typedef struct {
	const gchar *prefix;
	gchar *url;
} CtBrowserEndpoint;

/* a ws:// address on a loopback IP literal: the browser must not listen anywhere else. No
 * host name, not even "localhost": a name is looked up again when connecting, and the hosts
 * file or a resolver may send it off this machine */
static gboolean
ct_browser_is_loopback_endpoint(const gchar *url)
{
	g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
	g_autoptr(GInetAddress) address = NULL;
	const gchar *host;

	if (uri == NULL || g_strcmp0(g_uri_get_scheme(uri), "ws") != 0 ||
	    g_uri_get_userinfo(uri) != NULL || g_uri_get_port(uri) <= 0)
		return FALSE;
	host = g_uri_get_host(uri);
	address = host != NULL ? g_inet_address_new_from_string(host) : NULL;
	return address != NULL && g_inet_address_get_is_loopback(address);
}

static gboolean
ct_browser_endpoint_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserEndpoint *endpoint = user_data;
	g_autofree gchar *text = NULL;
	const gchar *line;

	if (!g_file_get_contents(self->log_path, &text, NULL, NULL))
		return FALSE;
	for (line = strstr(text, endpoint->prefix); line != NULL;
	     line = strstr(line + 1, endpoint->prefix)) {
		const gchar *start = line + strlen(endpoint->prefix);
		const gchar *end = strchr(start, '\n');

		if (line != text && line[-1] != '\n')
			continue;
		/* the line is not complete yet */
		if (end == NULL)
			return FALSE;
		endpoint->url = g_strstrip(g_strndup(start, (gsize)(end - start)));
		return TRUE;
	}
	return FALSE;
}

gchar *
ct_browser_wait_for_endpoint(CtBrowser *self,
			     const gchar *prefix,
			     gint64 deadline,
			     GCancellable *cancellable,
			     GError **error)
{
	CtBrowserEndpoint endpoint = {prefix, NULL};
	g_autoptr(GSource) poll = g_timeout_source_new(CT_BROWSER_POLL_MS);
	gboolean ok;

	g_source_set_callback(poll, ct_browser_wakeup_cb, NULL, NULL);
	g_source_attach(poll, self->context);
	ok = ct_browser_wait(self, ct_browser_endpoint_cb, &endpoint, deadline, cancellable,
			     "starting", error);
	g_source_destroy(poll);
	if (!ok)
		return NULL;
	if (!ct_browser_is_loopback_endpoint(endpoint.url)) {
		g_autofree gchar *shown = ct_escape_for_terminal(endpoint.url, -1, 200);

		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "%s offers its remote protocol at %s, not at a loopback address: "
			    "refused",
			    self->name, shown);
		g_free(endpoint.url);
		return NULL;
	}
	g_debug("%s listens on %s after %" G_GINT64_FORMAT " ms", self->name, endpoint.url,
		(g_get_monotonic_time() - self->started) / 1000);
	return endpoint.url;
}

/* write one protocol command (params: transfer full) */
static void
ct_browser_write_command(CtBrowser *self,
			 gint64 id,
			 const gchar *method,
			 JsonObject *params,
			 const gchar *session_id)
{
	g_autoptr(JsonObject) message = json_object_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *text = NULL;

	json_object_set_int_member(message, "id", id);
	json_object_set_string_member(message, "method", method);
	json_object_set_object_member(message, "params", params);
	if (session_id != NULL)
		json_object_set_string_member(message, "sessionId", session_id);
	root = json_node_init_object(json_node_alloc(), message);
	text = json_to_string(root, FALSE);
	g_debug("-> %s", text);
	soup_websocket_connection_send_text(self->websocket, text);
}

void
ct_browser_send(CtBrowser *self, const gchar *method, JsonObject *params, const gchar *session_id)
{
	ct_browser_write_command(self, ++self->next_id, method, params, session_id);
}

static void
ct_browser_message_cb(SoupWebsocketConnection *websocket,
		      gint type,
		      GBytes *message,
		      gpointer user_data)
{
	CtBrowser *self = user_data;
	g_autoptr(JsonParser) parser = json_parser_new();
	gsize len = 0;
	const gchar *data = g_bytes_get_data(message, &len);
	JsonNode *root;
	JsonNode *id;
	JsonObject *object;

	if (type != SOUP_WEBSOCKET_DATA_TEXT || data == NULL)
		return;
	g_debug("<- %.*s", (gint)MIN(len, 600), data);
	if (!json_parser_load_from_data(parser, data, (gssize)len, NULL))
		return;
	root = json_parser_get_root(parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
		return;
	object = json_node_get_object(root);
	id = json_object_get_member(object, "id");
	if (id != NULL && JSON_NODE_HOLDS_VALUE(id) &&
	    json_node_get_value_type(id) == G_TYPE_INT64) {
		/* an answer to a call given up on is dropped */
		if (json_node_get_int(id) == self->pending_id && self->reply == NULL)
			self->reply = json_object_ref(object);
		return;
	}
	if (!json_object_has_member(object, "method"))
		return;
	/* a page's alert(), confirm(), prompt() or beforeunload dialog would hold the page
	 * (and the load) until someone answers: the driver dismisses it at once, and it is
	 * counted for the page's report */
	if (self->dismiss_dialog != NULL && self->websocket != NULL && !self->websocket_closed &&
	    self->dismiss_dialog(object, self))
		self->dialogs++;
	g_queue_push_tail(&self->events, json_object_ref(object));
	while (g_queue_get_length(&self->events) > CT_BROWSER_MAX_EVENTS)
		json_object_unref(g_queue_pop_head(&self->events));
}

static void
ct_browser_closed_cb(SoupWebsocketConnection *websocket, gpointer user_data)
{
	CtBrowser *self = user_data;
	self->websocket_closed = TRUE;
}

typedef struct {
	gboolean done;
	SoupWebsocketConnection *websocket;
	GError *error;
} CtBrowserConnect;

static void
ct_browser_connect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CtBrowserConnect *connect = user_data;
	connect->websocket = soup_session_websocket_connect_finish(SOUP_SESSION(source), result,
								   &connect->error);
	connect->done = TRUE;
}

static gboolean
ct_browser_connect_done_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserConnect *connect = user_data;
	return connect->done;
}

gboolean
ct_browser_connect(CtBrowser *self,
		   const gchar *url,
		   CtBrowserEventFunc dismiss_dialog,
		   gint64 deadline,
		   GCancellable *cancellable,
		   GError **error)
{
	g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new(NULL, NULL);
	g_autoptr(GCancellable) abandon = g_cancellable_new();
	g_autoptr(SoupMessage) msg = soup_message_new(SOUP_METHOD_GET, url);
	CtBrowserConnect connect = {FALSE, NULL, NULL};

	if (msg == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s offers a bad address: %s",
			    self->name, url);
		return FALSE;
	}
	/* never through a proxy: the browser listens on loopback */
	self->session = soup_session_new_with_options("proxy-resolver", direct, NULL);
	soup_session_websocket_connect_async(self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
					     abandon, ct_browser_connect_cb, &connect);
	if (!ct_browser_wait(self, ct_browser_connect_done_cb, &connect, deadline, cancellable,
			     "connecting", error)) {
		/* the callback must run before connect leaves the stack */
		g_cancellable_cancel(abandon);
		while (!connect.done)
			g_main_context_iteration(self->context, TRUE);
		g_clear_object(&connect.websocket);
		g_clear_error(&connect.error);
		return FALSE;
	}
	if (connect.websocket == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
			    "cannot connect to %s at %s: %s", self->name, url,
			    connect.error->message);
		g_clear_error(&connect.error);
		return FALSE;
	}
	self->websocket = connect.websocket;
	self->dismiss_dialog = dismiss_dialog;
	/* page answers (outerHTML, trees) may exceed libsoup's 128 KiB default */
	soup_websocket_connection_set_max_incoming_payload_size(self->websocket, 64 * 1024 * 1024);
	g_signal_connect(self->websocket, "message", G_CALLBACK(ct_browser_message_cb), self);
	g_signal_connect(self->websocket, "closed", G_CALLBACK(ct_browser_closed_cb), self);
	return TRUE;
}

void
ct_browser_disconnect(CtBrowser *self)
{
	if (self->websocket != NULL) {
		g_signal_handlers_disconnect_by_data(self->websocket, self);
		if (soup_websocket_connection_get_state(self->websocket) ==
		    SOUP_WEBSOCKET_STATE_OPEN)
			soup_websocket_connection_close(self->websocket,
							SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
		g_clear_object(&self->websocket);
	}
	g_clear_object(&self->session);
}

/* the text of a protocol error: BiDi {"error": "unknown error", "message": "..."},
 * CDP {"error": {"code": -32000, "message": "..."}} */
static gchar *
ct_browser_reply_error(JsonObject *reply)
{
	JsonNode *node = json_object_get_member(reply, "error");
	const gchar *message = NULL;

	if (node == NULL || JSON_NODE_HOLDS_NULL(node))
		return NULL;
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		message = ct_json_get_string(json_node_get_object(node), "message");
	} else {
		message = ct_json_get_string(reply, "message");
		if (message == NULL || message[0] == '\0')
			message = ct_json_get_string(reply, "error");
	}
	return g_strdup(message != NULL ? message : "unknown error");
}

static gboolean
ct_browser_find_event_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserEventWait *wait = user_data;

	for (GList *l = self->events.head; l != NULL; l = l->next) {
		if (wait->match(l->data, wait->user_data)) {
			wait->found = l->data;
			g_queue_delete_link(&self->events, l);
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
ct_browser_has_reply_or_event_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserEventWait *wait = user_data;
	return self->reply != NULL || (wait->match != NULL && ct_browser_find_event_cb(self, wait));
}

JsonObject *
ct_browser_call(CtBrowser *self,
		const gchar *method,
		JsonObject *params,
		const gchar *session_id,
		gint64 deadline,
		GCancellable *cancellable,
		gchar **protocol_error,
		GError **error)
{
	CtBrowserEventWait no_event = {NULL, NULL, NULL};

	return ct_browser_call_or_event(self, method, params, session_id, &no_event, deadline,
					cancellable, protocol_error, error);
}

gboolean
ct_browser_command(CtBrowser *self,
		   const gchar *method,
		   JsonObject *params,
		   const gchar *session_id,
		   gint64 deadline,
		   GCancellable *cancellable,
		   GError **error)
{
	g_autoptr(JsonObject) result = ct_browser_call(self, method, params, session_id, deadline,
						       cancellable, NULL, error);
	return result != NULL;
}

JsonObject *
ct_browser_call_or_event(CtBrowser *self,
			 const gchar *method,
			 JsonObject *params,
			 const gchar *session_id,
			 CtBrowserEventWait *early,
			 gint64 deadline,
			 GCancellable *cancellable,
			 gchar **protocol_error,
			 GError **error)
{
	g_autoptr(JsonObject) owned = params != NULL ? params : json_object_new();
	g_autoptr(JsonObject) reply = NULL;
	g_autofree gchar *what = g_strdup_printf("waiting for %s", method);
	g_autofree gchar *failure = NULL;
	JsonNode *result;

	if (self->websocket == NULL || self->websocket_closed) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE, "%s is not connected",
			    self->name);
		return NULL;
	}
	self->pending_id = ++self->next_id;
	g_clear_pointer(&self->reply, json_object_unref);
	ct_browser_write_command(self, self->pending_id, method, json_object_ref(owned),
				 session_id);
	if (!ct_browser_wait(self, ct_browser_has_reply_or_event_cb, early, deadline, cancellable,
			     what, error)) {
		self->pending_id = 0;
		return NULL;
	}
	if (early->found != NULL) {
		/* the event came first: the answer, when it comes, is dropped */
		self->pending_id = 0;
		g_clear_pointer(&self->reply, json_object_unref);
		return NULL;
	}
	reply = g_steal_pointer(&self->reply);
	self->pending_id = 0;
	failure = ct_browser_reply_error(reply);
	if (failure != NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s refused %s: %s", self->name,
			    method, failure);
		if (protocol_error != NULL)
			*protocol_error = g_steal_pointer(&failure);
		return NULL;
	}
	result = json_object_get_member(reply, "result");
	if (result == NULL || !JSON_NODE_HOLDS_OBJECT(result)) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s answered %s without a result",
			    self->name, method);
		return NULL;
	}
	return json_object_ref(json_node_get_object(result));
}

JsonObject *
ct_browser_wait_for_event(CtBrowser *self,
			  CtBrowserEventFunc match,
			  gpointer user_data,
			  gint64 deadline,
			  GCancellable *cancellable,
			  const gchar *what,
			  GError **error)
{
	CtBrowserEventWait wait = {match, user_data, NULL};

	if (!ct_browser_wait(self, ct_browser_find_event_cb, &wait, deadline, cancellable, what,
			     error))
		return NULL;
	return wait.found;
}

void
ct_browser_clear_events(CtBrowser *self)
{
	g_queue_clear_full(&self->events, (GDestroyNotify)json_object_unref);
}
