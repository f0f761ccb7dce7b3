/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFetch"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "ct-fetch.h"
#include "ct-hostname.h"
#include "ct-source.h"
#include "ct-tls-database.h"

/* what the first access reads of a page (its status and <title>); the rest is never read */
#define CT_FETCH_PAGE_MAX (64 * 1024)
/* a presented chain longer than this is cut (and a loop cannot hang us) */
#define CT_FETCH_CHAIN_MAX 16

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

	/* the deadline, or the socket's own timeout (the same length) that came first */
	if (timed_out || g_error_matches(error_local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
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

/* one first access in flight: everything it holds until it is done */
typedef struct {
	gchar *source;
	CtSourceServer *target;
	guint timeout_seconds;
	GCancellable *access; /* cancelled by the deadline or the caller */
	GCancellable *parent;
	gulong parent_handler;
	GSource *deadline;
	gboolean timed_out;
	gboolean handshake_started;
	CtFetchCapture capture;
	SoupSession *session;
	SoupMessage *msg;
	GInputStream *body;
	guint8 *page;
	gsize page_len;
	GSocketClient *client;
	GSocketConnection *connection;
	GIOStream *tls;
	gchar *peer;
	guint status;
	gchar *redirect;
} CtFetchJob;

static void
ct_fetch_job_free(CtFetchJob *job)
{
	if (job->deadline != NULL) {
		g_source_destroy(job->deadline);
		g_source_unref(job->deadline);
	}
	if (job->parent != NULL) {
		g_cancellable_disconnect(job->parent, job->parent_handler);
		g_object_unref(job->parent);
	}
	g_clear_object(&job->capture.certificate);
	g_clear_object(&job->tls);
	g_clear_object(&job->connection);
	g_clear_object(&job->client);
	g_clear_object(&job->body);
	g_clear_object(&job->msg);
	g_clear_object(&job->session);
	g_clear_object(&job->access);
	ct_source_server_free(job->target);
	g_free(job->source);
	g_free(job->page);
	g_free(job->peer);
	g_free(job->redirect);
	g_free(job);
}

static gboolean
ct_fetch_deadline_cb(gpointer user_data)
{
	CtFetchJob *job = user_data;

	job->timed_out = TRUE;
	g_cancellable_cancel(job->access);
	return G_SOURCE_REMOVE;
}

/* the access is over (error_local NULL: it got as far as it goes): make the chain or the
 * error, naming the target */
static void
ct_fetch_job_return(GTask *task, GError *error_local)
{
	CtFetchJob *job = g_task_get_task_data(task);
	g_autoptr(GPtrArray) ders = NULL;
	g_autoptr(CtHostCheck) check = NULL;
	g_autoptr(CtChain) chain = NULL;
	g_autoptr(GError) error = NULL;

	if (job->deadline != NULL) {
		g_source_destroy(job->deadline);
		g_clear_pointer(&job->deadline, g_source_unref);
	}
	/* a certificate obtained is a successful first access, even if the page failed */
	if (job->capture.certificate == NULL) {
		g_autoptr(GError) none = NULL;
		if (error_local == NULL)
			none = g_error_new_literal(G_TLS_ERROR, G_TLS_ERROR_MISC,
						   "the server presented no certificate");
		ct_fetch_set_error(&error, error_local != NULL ? error_local : none, job->target,
				   job->timed_out, job->timeout_seconds, job->handshake_started);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	ders = ct_fetch_certificate_ders(job->capture.certificate);
	chain = ct_chain_new_from_ders(job->source, ders, &error);
	if (chain == NULL) {
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	chain->problems = job->capture.errors;
	chain->tls_version = job->capture.version;
	/* GnuTLS still falls back to the CN; browsers do not: judge the name as they do */
	check = ct_hostname_check(ct_chain_get_leaf(chain), job->target->host);
	if (!check->strict.match)
		chain->problems |= G_TLS_CERTIFICATE_BAD_IDENTITY;
	chain->peer = g_steal_pointer(&job->peer);
	chain->http_status = job->status;
	if (job->page != NULL) {
		g_autoptr(GBytes) page = g_bytes_new_static(job->page, job->page_len);
		chain->page_title = ct_fetch_find_title(page);
	}
	chain->redirect = g_steal_pointer(&job->redirect);
	g_task_return_pointer(task, g_steal_pointer(&chain), (GDestroyNotify)ct_chain_free);
}

/* a URL: libsoup, one GET, as a browser's first request; a redirect is recorded, never
 * followed: the certificate captured is the one this host:port presented; at most
 * CT_FETCH_PAGE_MAX bytes of the page are read (a server may send an endless body) */
static void
ct_fetch_url_read_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	CtFetchJob *job = g_task_get_task_data(task);
	g_autoptr(GError) error_local = NULL;

	if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), result, &job->page_len,
					    &error_local)) {
		g_clear_pointer(&job->page, g_free);
		ct_fetch_job_return(task, error_local);
		return;
	}
	/* closing before the end drops the connection instead of draining the body */
	g_input_stream_close(job->body, NULL, NULL);
	job->status = soup_message_get_status(job->msg);
	if (SOUP_STATUS_IS_REDIRECTION(job->status))
		job->redirect = g_strdup(
		    soup_message_headers_get_one(soup_message_get_response_headers(job->msg),
						 "Location"));
	ct_fetch_job_return(task, NULL);
}

static void
ct_fetch_url_capture(CtFetchJob *job)
{
	if (job->capture.certificate == NULL &&
	    soup_message_get_tls_peer_certificate(job->msg) != NULL) {
		g_set_object(&job->capture.certificate,
			     soup_message_get_tls_peer_certificate(job->msg));
		job->capture.errors = soup_message_get_tls_peer_certificate_errors(job->msg);
	}
	job->capture.version = soup_message_get_tls_protocol_version(job->msg);
	job->peer = ct_fetch_address_to_string(soup_message_get_remote_address(job->msg));
}

static void
ct_fetch_url_send_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	CtFetchJob *job = g_task_get_task_data(task);
	g_autoptr(GError) error_local = NULL;

	job->body = soup_session_send_finish(SOUP_SESSION(source), result, &error_local);
	ct_fetch_url_capture(job);
	if (job->body == NULL) {
		ct_fetch_job_return(task, error_local);
		return;
	}
	job->page = g_malloc(CT_FETCH_PAGE_MAX);
	g_input_stream_read_all_async(job->body, job->page, CT_FETCH_PAGE_MAX, G_PRIORITY_DEFAULT,
				      job->access, ct_fetch_url_read_cb, g_steal_pointer(&task));
}

static void
ct_fetch_url_start(GTask *task)
{
	CtFetchJob *job = g_task_get_task_data(task);
	g_autoptr(GUri) uri = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *where = ct_source_format_host_port(job->target->host, job->target->port);
	g_autofree gchar *url = g_strdup_printf("https://%s%s", where, job->target->path);

	uri = g_uri_parse(url, SOUP_HTTP_URI_FLAGS, &error);
	if (uri == NULL) {
		ct_error_convert(&error);
		g_task_return_error(task, g_steal_pointer(&error));
		g_object_unref(task);
		return;
	}
	job->session = soup_session_new_with_options("timeout", job->timeout_seconds,
						     "idle-timeout", job->timeout_seconds,
						     "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
						     NULL);
	job->msg = soup_message_new_from_uri(SOUP_METHOD_GET, uri);
	soup_message_add_flags(job->msg, SOUP_MESSAGE_NO_REDIRECT);
	g_signal_connect(job->msg, "accept-certificate", G_CALLBACK(ct_fetch_accept_certificate_cb),
			 &job->capture);
	soup_session_send_async(job->session, job->msg, G_PRIORITY_DEFAULT, job->access,
				ct_fetch_url_send_cb, task);
}

/* host:port: a TLS handshake with GIO, no HTTP */
static void
ct_fetch_tls_close_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;

	g_io_stream_close_finish(G_IO_STREAM(source), result, NULL);
	ct_fetch_job_return(task, NULL);
}

static void
ct_fetch_tls_handshake_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	CtFetchJob *job = g_task_get_task_data(task);
	GTlsConnection *tls = G_TLS_CONNECTION(source);
	g_autoptr(GError) error_local = NULL;

	if (!g_tls_connection_handshake_finish(tls, result, &error_local)) {
		ct_fetch_job_return(task, error_local);
		return;
	}
	job->capture.version = g_tls_connection_get_protocol_version(tls);
	if (job->capture.certificate == NULL) {
		g_set_object(&job->capture.certificate, g_tls_connection_get_peer_certificate(tls));
		job->capture.errors = g_tls_connection_get_peer_certificate_errors(tls);
	}
	g_io_stream_close_async(job->tls, G_PRIORITY_DEFAULT, job->access, ct_fetch_tls_close_cb,
				g_steal_pointer(&task));
}

static void
ct_fetch_tls_connect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	CtFetchJob *job = g_task_get_task_data(task);
	g_autoptr(GSocketConnectable) identity = NULL;
	g_autoptr(GSocketAddress) remote = NULL;
	g_autoptr(GError) error_local = NULL;

	job->connection = g_socket_client_connect_to_host_finish(G_SOCKET_CLIENT(source), result,
								 &error_local);
	if (job->connection == NULL) {
		ct_fetch_job_return(task, error_local);
		return;
	}
	remote = g_socket_connection_get_remote_address(job->connection, NULL);
	job->peer = remote != NULL ? ct_fetch_address_to_string(remote) : NULL;
	identity = g_network_address_new(job->target->host, job->target->port);
	job->tls = g_tls_client_connection_new(G_IO_STREAM(job->connection), identity,
					       &error_local);
	if (job->tls == NULL) {
		ct_fetch_job_return(task, error_local);
		return;
	}
	g_signal_connect(job->tls, "accept-certificate", G_CALLBACK(ct_fetch_accept_certificate_cb),
			 &job->capture);
	job->handshake_started = TRUE;
	g_tls_connection_handshake_async(G_TLS_CONNECTION(job->tls), G_PRIORITY_DEFAULT,
					 job->access, ct_fetch_tls_handshake_cb,
					 g_steal_pointer(&task));
}

static void
ct_fetch_tls_start(GTask *task)
{
	CtFetchJob *job = g_task_get_task_data(task);

	job->client = g_socket_client_new();
	g_socket_client_set_timeout(job->client, job->timeout_seconds);
	g_socket_client_connect_to_host_async(job->client, job->target->host, job->target->port,
					      job->access, ct_fetch_tls_connect_cb, task);
}

/* one first access on the thread-default main context; the caller has installed the
 * --resolve rules for its port (ct_fetch_many groups the targets by them) */
static void
ct_fetch_async(const gchar *source,
	       guint timeout_seconds,
	       GCancellable *cancellable,
	       GAsyncReadyCallback callback,
	       gpointer user_data)
{
	GTask *task = g_task_new(NULL, cancellable, callback, user_data);
	CtFetchJob *job = g_new0(CtFetchJob, 1);
	GError *error = NULL;

	g_task_set_task_data(task, job, (GDestroyNotify)ct_fetch_job_free);
	job->source = g_strdup(source);
	job->capture.version = G_TLS_PROTOCOL_VERSION_UNKNOWN;
	job->timeout_seconds = timeout_seconds > 0 ? timeout_seconds : CT_FETCH_DEFAULT_TIMEOUT;
	job->target = ct_source_parse_server(source, &error);
	if (job->target == NULL) {
		g_task_return_error(task, error);
		g_object_unref(task);
		return;
	}
	job->access = g_cancellable_new();
	if (cancellable != NULL) {
		job->parent = g_object_ref(cancellable);
		job->parent_handler = g_cancellable_connect(cancellable,
							    G_CALLBACK(g_cancellable_cancel),
							    g_object_ref(job->access),
							    g_object_unref);
	}
	job->deadline = g_timeout_source_new_seconds(job->timeout_seconds);
	g_source_set_callback(job->deadline, ct_fetch_deadline_cb, job, NULL);
	g_source_attach(job->deadline, g_main_context_get_thread_default());
	if (job->target->path != NULL)
		ct_fetch_url_start(task);
	else
		ct_fetch_tls_start(task);
}

static CtChain *
ct_fetch_finish(GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

void
ct_fetch_result_free(CtFetchResult *result)
{
	if (result == NULL)
		return;
	g_free(result->source);
	if (result->chain != NULL)
		ct_chain_free(result->chain);
	g_clear_error(&result->error);
	g_free(result);
}

/* the --resolve rules that apply to one target: those for its port; targets whose ports
 * have the same rules can share one resolver, so they run at once */
static gint
ct_fetch_rules_key(GPtrArray *rules, const gchar *source)
{
	g_autoptr(CtSourceServer) target = ct_source_parse_server(source, NULL);

	if (target == NULL || rules == NULL)
		return -1;
	for (guint i = 0; i < rules->len; i++) {
		CtResolveRule *rule = g_ptr_array_index(rules, i);
		if (rule->port == target->port)
			return target->port;
	}
	return -1;
}

/* the process's resolver with the rules for port (none for -1); returns the one before */
static GResolver *
ct_fetch_install_resolver(GPtrArray *rules, gint port)
{
	g_autoptr(GResolver) previous = g_resolver_get_default();
	g_autoptr(CtResolver) resolver = ct_resolver_new(previous);

	for (guint i = 0; rules != NULL && i < rules->len; i++) {
		CtResolveRule *rule = g_ptr_array_index(rules, i);
		if ((gint)rule->port == port)
			ct_resolver_add_rule(resolver, rule);
	}
	g_resolver_set_default(G_RESOLVER(resolver));
	return g_steal_pointer(&previous);
}

typedef struct {
	GPtrArray *results; /* CtFetchResult*, input order */
	GArray *order;	    /* indexes into results, in the order they are started */
	gint *keys;	    /* ct_fetch_rules_key of each result */
	GPtrArray *rules;
	guint timeout_seconds;
	guint jobs;
	guint next; /* into order */
	guint running;
	guint done;
	gint key; /* the rules installed now */
	GResolver *original;
	guint reported; /* results[0..reported) went to ready */
	gboolean *finished;
	CtFetchReadyFunc ready;
	gpointer ready_data;
	GCancellable *cancellable;
} CtFetchBatch;

/* hand every finished result whose turn has come to ready, in input order */
static void
ct_fetch_batch_report(CtFetchBatch *batch)
{
	while (batch->reported < batch->results->len && batch->finished[batch->reported]) {
		CtFetchResult *item = g_ptr_array_index(batch->results, batch->reported);
		if (batch->ready != NULL)
			batch->ready(item, batch->reported, batch->results->len, batch->ready_data);
		batch->reported++;
	}
}

static void
ct_fetch_batch_start_more(CtFetchBatch *batch);

/* one access of a batch, as its callback sees it */
typedef struct {
	CtFetchBatch *batch;
	CtFetchResult *item;
	guint index;
} CtFetchSlot;

static void
ct_fetch_batch_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autofree CtFetchSlot *slot = user_data;
	CtFetchBatch *batch = slot->batch;

	slot->item->chain = ct_fetch_finish(result, &slot->item->error);
	batch->finished[slot->index] = TRUE;
	batch->running--;
	batch->done++;
	ct_fetch_batch_report(batch);
	ct_fetch_batch_start_more(batch);
}

static void
ct_fetch_batch_start_more(CtFetchBatch *batch)
{
	while (batch->next < batch->order->len && batch->running < batch->jobs) {
		guint index = g_array_index(batch->order, guint, batch->next);
		CtFetchResult *item = g_ptr_array_index(batch->results, index);
		CtFetchSlot *slot = NULL;
		if (!ct_source_is_network(item->source)) {
			item->chain = ct_chain_load_file(item->source, batch->cancellable,
							 &item->error);
			batch->finished[index] = TRUE;
			batch->next++;
			batch->done++;
			ct_fetch_batch_report(batch);
			continue;
		}
		if (batch->keys[index] != batch->key) {
			/* other rules: wait until every access under these rules is done */
			if (batch->running > 0)
				return;
			/* the process's resolver is only touched where rules apply */
			if (batch->key != -1)
				g_resolver_set_default(batch->original);
			if (batch->keys[index] != -1) {
				g_autoptr(GResolver) previous =
				    ct_fetch_install_resolver(batch->rules, batch->keys[index]);
			}
			batch->key = batch->keys[index];
		}
		slot = g_new0(CtFetchSlot, 1);
		slot->batch = batch;
		slot->item = item;
		slot->index = index;
		batch->next++;
		batch->running++;
		ct_fetch_async(slot->item->source, batch->timeout_seconds, batch->cancellable,
			       ct_fetch_batch_done_cb, slot);
	}
}

/* the targets in the order they start: grouped by the rules that apply to them (in the
 * order each group first appears), input order within a group */
static GArray *
ct_fetch_batch_order(const gint *keys, guint n)
{
	GArray *order = g_array_sized_new(FALSE, FALSE, sizeof(guint), n);
	g_autofree gboolean *placed = g_new0(gboolean, n);

	for (guint i = 0; i < n; i++) {
		if (placed[i])
			continue;
		for (guint j = i; j < n; j++) {
			if (placed[j] || keys[j] != keys[i])
				continue;
			placed[j] = TRUE;
			g_array_append_val(order, j);
		}
	}
	return order;
}

GPtrArray *
ct_fetch_many(const gchar *const *sources,
	      GPtrArray *rules,
	      guint timeout_seconds,
	      guint jobs,
	      CtFetchReadyFunc ready,
	      gpointer ready_data,
	      GCancellable *cancellable)
{
	g_autoptr(GMainContext) context = g_main_context_new();
	g_autofree gint *keys = NULL;
	g_autofree gboolean *finished = NULL;
	g_autoptr(GArray) order = NULL;
	CtFetchBatch batch = {0};
	guint n = sources != NULL ? g_strv_length((gchar **)sources) : 0;

	ct_tls_database_ensure_default();
	batch.results = g_ptr_array_new_full(n, (GDestroyNotify)ct_fetch_result_free);
	keys = g_new0(gint, n + 1);
	finished = g_new0(gboolean, n + 1);
	for (guint i = 0; i < n; i++) {
		CtFetchResult *item = g_new0(CtFetchResult, 1);
		item->source = g_strdup(sources[i]);
		g_ptr_array_add(batch.results, item);
		keys[i] = ct_fetch_rules_key(rules, sources[i]);
	}
	order = ct_fetch_batch_order(keys, n);
	batch.order = order;
	batch.keys = keys;
	batch.rules = rules;
	batch.timeout_seconds = timeout_seconds;
	batch.jobs = CLAMP(jobs, 1, CT_FETCH_JOBS_MAX);
	batch.key = -1;
	batch.original = g_resolver_get_default();
	batch.finished = finished;
	batch.ready = ready;
	batch.ready_data = ready_data;
	batch.cancellable = cancellable;

	g_main_context_push_thread_default(context);
	ct_fetch_batch_start_more(&batch);
	while (batch.done < n)
		g_main_context_iteration(context, TRUE);
	if (batch.key != -1)
		g_resolver_set_default(batch.original);
	g_object_unref(batch.original);
	/* what a finished access left to do (a closed stream's last callbacks) */
	while (g_main_context_iteration(context, FALSE))
		;
	g_main_context_pop_thread_default(context);
	return batch.results;
}

CtChain *
ct_fetch(const gchar *source,
	 GPtrArray *rules,
	 guint timeout_seconds,
	 GCancellable *cancellable,
	 GError **error)
{
	const gchar *sources[] = {source, NULL};
	g_autoptr(GPtrArray)
	    results = ct_fetch_many(sources, rules, timeout_seconds, 1, NULL, NULL, cancellable);
	CtFetchResult *result = g_ptr_array_index(results, 0);

	if (result->chain == NULL) {
		g_propagate_error(error, g_steal_pointer(&result->error));
		return NULL;
	}
	return g_steal_pointer(&result->chain);
}
