/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtServe"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ct-hostname.h"
#include "ct-pem.h"
#include "ct-save.h"
#include "ct-serve-listener.h"
#include "ct-serve-profiles.h"
#include "ct-serve.h"
#include "ct-source.h"

struct _CtServer {
	GObject parent_instance;
	SoupServer *server;
	CtChain *chain;
	gchar *https_url;
	gchar *http_url;
	gchar *name; /* the first name, shown on the pages */
	GHashTable *files;
	gboolean generated;
	GPtrArray *listeners; /* CtServeListener */
};

G_DEFINE_TYPE(CtServer, ct_server, G_TYPE_OBJECT)

/* the HTTPS applications of a UCM (docs/browser-procedures.md, "The server") */
static const struct {
	const gchar *path;
	const gchar *title;
} ct_serve_applications[] = {
    {"/ccmadmin", "Cisco Unified CM Administration"},
    {"/ccmservice", "Cisco Unified Serviceability"},
    {"/cmplatform", "Cisco Unified Operating System Administration"},
    {"/cmuser", "Cisco Personal Assistant"},
    {"/ast", "Cisco Unified Real Time Monitoring Tool"},
    {"/RTMTReports", "RTMT Report Archive"},
    {"/PktCap", "Packet Capture"},
    {"/art", "CDR Analysis and Reporting"},
    {"/taps", "Tool for Auto-Registered Phones Support"},
    {"/dna", "Dialed Number Analyzer"},
    {"/drf", "Disaster Recovery System"},
};

static gchar *
ct_serve_pem(GBytes *der)
{
	return ct_pem_encode("CERTIFICATE", der);
}

/* the certificate copies of one profile in the certificate directory */
typedef struct {
	const gchar *dir;
	const gchar *profile;
	GHashTable *files; /* the server's: key -> path of each file written */
} CtServeCopies;

/* a copy's file: DIR/PROFILE.EXT for the leaf's (part NULL), else DIR/PROFILE-PART.EXT */
static gchar *
ct_serve_file_path(const CtServeCopies *copies, const gchar *part, const gchar *ext)
{
	g_autofree gchar *name = part != NULL
				     ? g_strdup_printf("%s-%s.%s", copies->profile, part, ext)
				     : g_strdup_printf("%s.%s", copies->profile, ext);
	return g_build_filename(copies->dir, name, NULL);
}

/* write one file atomically and remember it under EXT or PART-EXT */
static gboolean
ct_serve_write(const CtServeCopies *copies,
	       const gchar *part,
	       const gchar *ext,
	       GBytes *contents,
	       guint mode,
	       GError **error)
{
	g_autofree gchar *path = ct_serve_file_path(copies, part, ext);
	g_autofree gchar *key = part != NULL ? g_strdup_printf("%s-%s", part, ext) : g_strdup(ext);

	if (!ct_save_file(path, contents, mode, CT_SAVE_FLAG_REPLACE, error))
		return FALSE;
	g_hash_table_replace(copies->files, g_steal_pointer(&key), g_steal_pointer(&path));
	return TRUE;
}

/* a certificate as .der and .pem */
static gboolean
ct_serve_write_certificate(const CtServeCopies *copies,
			   const gchar *part,
			   GBytes *der,
			   GError **error)
{
	g_autofree gchar *pem = ct_serve_pem(der);
	g_autoptr(GBytes) pem_bytes = g_bytes_new(pem, strlen(pem));

	if (!ct_serve_write(copies, part, "der", der, 0644, error))
		return FALSE;
	return ct_serve_write(copies, part, "pem", pem_bytes, 0644, error);
}

static GBytes *
ct_serve_read(const CtServeCopies *copies, const gchar *part, const gchar *ext)
{
	g_autofree gchar *path = ct_serve_file_path(copies, part, ext);
	gchar *contents = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &contents, &len, NULL))
		return NULL;
	return g_bytes_new_take(contents, len);
}

/* the DER of the first PEM block in a file of ours */
static GBytes *
ct_serve_read_pem(const CtServeCopies *copies, const gchar *part, const gchar *ext)
{
	g_autoptr(GBytes) bytes = ct_serve_read(copies, part, ext);
	g_autoptr(GPtrArray) blocks = NULL;
	CtPemBlock *block;

	if (bytes == NULL)
		return NULL;
	blocks = ct_pem_decode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), NULL);
	if (blocks == NULL)
		return NULL;
	block = g_ptr_array_index(blocks, 0);
	return g_bytes_ref(block->der);
}

/* the copies a previous start left for the same profile and names, if complete */
static gboolean
ct_serve_load(const CtServeCopies *copies,
	      const gchar *names_text,
	      CtServeIssued *leaf,
	      CtServeIssued *intermediate)
{
	gboolean chain = g_strcmp0(copies->profile, "chain") == 0;
	g_autoptr(GBytes) names = ct_serve_read(copies, NULL, "names");

	if (names == NULL || g_bytes_get_size(names) != strlen(names_text) ||
	    memcmp(g_bytes_get_data(names, NULL), names_text, strlen(names_text)) != 0)
		return FALSE;
	leaf->der = ct_serve_read_pem(copies, NULL, "pem");
	leaf->key = ct_serve_read_pem(copies, NULL, "key");
	if (chain)
		intermediate->der = ct_serve_read_pem(copies, "intermediate", "pem");
	if (leaf->der == NULL || leaf->key == NULL || (chain && intermediate->der == NULL)) {
		ct_serve_issued_clear(leaf);
		ct_serve_issued_clear(intermediate);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ct_serve_save(const CtServeCopies *copies,
	      const gchar *names_text,
	      CtServeIssued *leaf,
	      CtServeIssued *intermediate,
	      CtServeIssued *root,
	      GError **error)
{
	g_autofree gchar *encoded = ct_pem_encode("PRIVATE KEY", leaf->key);
	g_autoptr(GBytes) key_bytes = g_bytes_new(encoded, strlen(encoded));
	g_autoptr(GBytes) names = g_bytes_new(names_text, strlen(names_text));

	/* the key first: a certificate without its key would be useless on the next start */
	if (!ct_serve_write(copies, NULL, "key", key_bytes, 0600, error))
		return FALSE;
	if (!ct_serve_write_certificate(copies, NULL, leaf->der, error))
		return FALSE;
	if (root->der != NULL && !ct_serve_write_certificate(copies, "root", root->der, error))
		return FALSE;
	if (intermediate->der != NULL &&
	    !ct_serve_write_certificate(copies, "intermediate", intermediate->der, error))
		return FALSE;
	return ct_serve_write(copies, NULL, "names", names, 0644, error);
}

static gboolean
ct_serve_ensure_dir(const gchar *dir, GError **error)
{
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return TRUE;
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR,
			    errsv == EACCES || errsv == EROFS ? CT_ERROR_PERMISSION_DENIED
							      : CT_ERROR_FAILED,
			    "cannot create %s: %s", dir, g_strerror(errsv));
		return FALSE;
	}
	/* the private key lives here: nobody else may list or read it */
	g_chmod(dir, 0700);
	return TRUE;
}

static void
ct_serve_page(SoupServerMessage *msg, guint status, const gchar *type, const gchar *body)
{
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, body, strlen(body));
}

static gchar *
ct_serve_html(const gchar *title, const gchar *name, const gchar *marker, const gchar *extra)
{
	g_autofree gchar *t = g_markup_escape_text(title, -1);
	g_autofree gchar *n = g_markup_escape_text(name, -1);
	return g_strdup_printf("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
			       "<title>%s</title></head>\n<body><h1>%s</h1>\n"
			       "<p id=\"certtrust-page\" data-marker=\"%s\">%s on %s "
			       "(certtrust serve)</p>\n%s</body></html>\n",
			       t, t, marker, t, n, extra != NULL ? extra : "");
}

static void
ct_serve_application_cb(SoupServer *server,
			SoupServerMessage *msg,
			const char *path,
			GHashTable *query,
			gpointer user_data)
{
	CtServer *self = CT_SERVER(g_object_get_data(G_OBJECT(server), "ct-server"));
	guint index = GPOINTER_TO_UINT(user_data);
	g_autofree gchar *marker = g_strdup_printf("certtrust-serve%s",
						   ct_serve_applications[index].path);
	g_autofree gchar *body = ct_serve_html(ct_serve_applications[index].title, self->name,
					       marker, NULL);
	ct_serve_page(msg, SOUP_STATUS_OK, "text/html", body);
}

static void
ct_serve_index_cb(SoupServer *server,
		  SoupServerMessage *msg,
		  const char *path,
		  GHashTable *query,
		  gpointer user_data)
{
	CtServer *self = user_data;
	g_autoptr(GString) links = g_string_new("<ul>\n");
	g_autofree gchar *body = NULL;

	if (g_strcmp0(path, "/") != 0) {
		ct_serve_page(msg, SOUP_STATUS_NOT_FOUND, "text/plain", "not found\n");
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS(ct_serve_applications); i++)
		g_string_append_printf(links, "<li><a href=\"%s\">%s</a></li>\n",
				       ct_serve_applications[i].path,
				       ct_serve_applications[i].title);
	g_string_append(links, "</ul>\n");
	body = ct_serve_html("Cisco Unified Communications Manager", self->name, "certtrust-serve/",
			     links->str);
	ct_serve_page(msg, SOUP_STATUS_OK, "text/html", body);
}

/* docs/browser-procedures.md: the SOAP database API is HTTPS only; over plain HTTP the request
 * fails */
static void
ct_serve_soap_cb(SoupServer *server,
		 SoupServerMessage *msg,
		 const char *path,
		 GHashTable *query,
		 gpointer user_data)
{
	GUri *uri = soup_server_message_get_uri(msg);
	const gchar *fault =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>"
	    "<faultstring>SOAP requests are accepted over HTTPS only</faultstring>"
	    "</soapenv:Fault></soapenv:Body></soapenv:Envelope>\n";
	const gchar *answer =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soapenv:Body><axl:getCCMVersionResponse xmlns:axl=\"http://www.cisco.com/AXL/API/"
	    "8.0\"><return><componentVersion><version>8.0.0</version></componentVersion></return>"
	    "</axl:getCCMVersionResponse></soapenv:Body></soapenv:Envelope>\n";

	if (g_strcmp0(g_uri_get_scheme(uri), "https") != 0) {
		ct_serve_page(msg, SOUP_STATUS_FORBIDDEN, "text/xml", fault);
		return;
	}
	ct_serve_page(msg, SOUP_STATUS_OK, "text/xml", answer);
}

/* the largest request body served: a SOAP request to /axl; nothing else takes one */
#define CT_SERVE_BODY_MAX (64 * 1024)

static gboolean
ct_serve_is_soap_path(const gchar *path)
{
	return g_strcmp0(path, "/axl") == 0 || g_str_has_prefix(path, "/axl/");
}

/* refuse a request before its body is read, as Tomcat does: an error page, and the
 * connection closed when a body would follow */
static void
ct_serve_refuse(SoupServerMessage *msg, guint status, const gchar *allow)
{
	SoupMessageHeaders *request = soup_server_message_get_request_headers(msg);
	SoupMessageHeaders *response = soup_server_message_get_response_headers(msg);
	SoupEncoding encoding = soup_message_headers_get_encoding(request);
	goffset length = soup_message_headers_get_content_length(request);
	const gchar *reason = soup_status_get_phrase(status);
	g_autofree gchar *body = g_strdup_printf("%u %s\n", status, reason);
	g_autofree gchar *answer = NULL;

	/* a small body is read and dropped; libsoup answers after it */
	if (encoding == SOUP_ENCODING_NONE ||
	    (encoding == SOUP_ENCODING_CONTENT_LENGTH && length <= CT_SERVE_BODY_MAX)) {
		soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
		if (allow != NULL)
			soup_message_headers_replace(response, "Allow", allow);
		ct_serve_page(msg, status, "text/plain", body);
		return;
	}
	/* a large or unbounded one is never read: the answer now, then the end */
	answer = g_strdup_printf("HTTP/1.1 %u %s\r\nServer: certtrust-serve\r\n"
				 "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
				 "%s%s%sConnection: close\r\n\r\n%s",
				 status, reason, strlen(body), allow != NULL ? "Allow: " : "",
				 allow != NULL ? allow : "", allow != NULL ? "\r\n" : "", body);
	soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
	ct_serve_page(msg, status, "text/plain", body);
	soup_message_headers_replace(response, "Connection", "close");
	ct_serve_listener_answer_and_close(msg, answer);
}

/* the methods a path answers (GET and HEAD; POST for the SOAP API) and the size of a
 * body: everything else is refused before the body is read */
static void
ct_serve_got_headers_cb(SoupServerMessage *msg, gpointer user_data)
{
	const gchar *method = soup_server_message_get_method(msg);
	const gchar *path = g_uri_get_path(soup_server_message_get_uri(msg));
	SoupMessageHeaders *request = soup_server_message_get_request_headers(msg);
	SoupEncoding encoding = soup_message_headers_get_encoding(request);
	gboolean soap = ct_serve_is_soap_path(path);
	gboolean allowed = g_strcmp0(method, "GET") == 0 || g_strcmp0(method, "HEAD") == 0 ||
			   (soap && g_strcmp0(method, "POST") == 0);

	if (soup_server_message_get_status(msg) != 0)
		return;
	if (!allowed) {
		ct_serve_refuse(msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
				soap ? "GET, HEAD, POST" : "GET, HEAD");
		return;
	}
	if (encoding == SOUP_ENCODING_CHUNKED) {
		ct_serve_refuse(msg, SOUP_STATUS_LENGTH_REQUIRED, NULL);
		return;
	}
	if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
	    soup_message_headers_get_content_length(request) > CT_SERVE_BODY_MAX) {
		ct_serve_refuse(msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
		return;
	}
}

static void
ct_serve_request_started_cb(SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
	g_signal_connect(msg, "got-headers", G_CALLBACK(ct_serve_got_headers_cb), NULL);
}

/* listen on address:port; the URL it got, with the real port */
static gchar *
ct_serve_listen(CtServer *self,
		const CtServeOptions *options,
		GInetAddress *address,
		gint port,
		GTlsCertificate *certificate,
		GError **error)
{
	g_autoptr(GSocketAddress)
	    socket_address = g_inet_socket_address_new(address, (guint16)port);
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *ip = g_inet_address_to_string(address);
	g_autofree gchar *where = NULL;
	const gchar *scheme = certificate != NULL ? "https" : "http";
	CtServeListener *listener;
	guint16 bound;

	listener = ct_serve_listener_new(self->server, socket_address, certificate,
					 options->handshake_timeout > 0
					     ? options->handshake_timeout
					     : CT_SERVE_HANDSHAKE_TIMEOUT_DEFAULT,
					 options->log_func, options->log_data, &error_local);
	if (listener == NULL) {
		ct_error_convert(&error_local);
		g_set_error(error, CT_ERROR,
			    error_local->code == CT_ERROR_FAILED ? CT_ERROR_BUSY
								 : error_local->code,
			    "cannot listen on %s port %d: %s (choose another with --%s-port)", ip,
			    port, error_local->message, scheme);
		return NULL;
	}
	g_ptr_array_add(self->listeners, listener);
	bound = ct_serve_listener_get_port(listener);
	where = ct_source_format_host_port(ip, bound);
	return g_strdup_printf("%s://%s/", scheme, where);
}

static GTlsCertificate *
ct_serve_tls_certificate(CtServeIssued *leaf, CtServeIssued *intermediate, GError **error)
{
	g_autofree gchar *leaf_pem = ct_serve_pem(leaf->der);
	g_autofree gchar *inter_pem = intermediate->der != NULL ? ct_serve_pem(intermediate->der)
								: g_strdup("");
	g_autofree gchar *key_pem = ct_pem_encode("PRIVATE KEY", leaf->key);
	g_autofree gchar *all = g_strconcat(leaf_pem, inter_pem, key_pem, NULL);
	GTlsCertificate *certificate = g_tls_certificate_new_from_pem(all, -1, error);

	memset(key_pem, 0, strlen(key_pem));
	memset(all, 0, strlen(all));
	if (certificate == NULL)
		ct_error_convert(error);
	return certificate;
}

CtServer *
ct_server_new(const CtServeOptions *options, GError **error)
{
	g_autoptr(CtServer) self = g_object_new(CT_TYPE_SERVER, NULL);
	g_autoptr(GPtrArray) dns = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) ips = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) ders = g_ptr_array_new();
	g_autoptr(GTlsCertificate) tls = NULL;
	g_autoptr(GInetAddress) address = NULL;
	g_autoptr(GString) names_text = g_string_new(NULL);
	g_auto(CtServeIssued) leaf = {NULL, NULL};
	g_auto(CtServeIssued) intermediate = {NULL, NULL};
	g_auto(CtServeIssued) root = {NULL, NULL};
	const gchar *profile = options->profile != NULL ? options->profile
							: ct_serve_profiles_get_names()[0];
	const gchar *listen = options->listen != NULL ? options->listen : "127.0.0.1";
	CtServeCopies copies = {options->cert_dir, profile, self->files};
	const gchar *host_name[] = {g_get_host_name(), NULL};
	const gchar *const *names = options->names != NULL && options->names[0] != NULL
					? options->names
					: host_name;

	if (!g_strv_contains(ct_serve_profiles_get_names(), profile)) {
		g_autofree gchar *profiles = ct_serve_profiles_describe(FALSE);
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "unknown profile '%s': use %s",
			    profile, profiles);
		return NULL;
	}
	address = g_inet_address_new_from_string(listen);
	if (address == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--listen %s: not an IP address", listen);
		return NULL;
	}
	for (guint i = 0; names[i] != NULL; i++) {
		/* the SAN holds the one canonical form (A-labels, lower case, IPv6
		 * compressed) the browsers and the rest of certtrust compare */
		gboolean wildcard = g_str_has_prefix(names[i], "*.");
		g_autofree gchar *canonical =
		    ct_hostname_canonical(wildcard ? names[i] + 2 : names[i], NULL);
		gchar *san;
		if (canonical == NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--name '%s': not a host name or address", names[i]);
			return NULL;
		}
		san = wildcard ? g_strconcat("*.", canonical, NULL) : g_strdup(canonical);
		g_ptr_array_add(!wildcard && g_hostname_is_ip_address(san) ? ips : dns, san);
		g_string_append_printf(names_text, "%s\n", san);
	}
	/* NULL-terminated: the certificate specs read them as string vectors */
	g_ptr_array_add(dns, NULL);
	g_ptr_array_add(ips, NULL);
	g_string_append_printf(names_text, "listen %s\n", listen);
	self->name = g_strdup(names[0]);

	if (!ct_serve_ensure_dir(options->cert_dir, error))
		return NULL;
	if (options->regenerate || !ct_serve_load(&copies, names_text->str, &leaf, &intermediate)) {
		if (!ct_serve_profiles_make(profile, dns, ips, listen, &leaf, &intermediate, &root,
					    error))
			return NULL;
		if (!ct_serve_save(&copies, names_text->str, &leaf, &intermediate, &root, error))
			return NULL;
		self->generated = TRUE;
	}

	g_ptr_array_add(ders, leaf.der);
	if (intermediate.der != NULL)
		g_ptr_array_add(ders, intermediate.der);
	self->chain = ct_chain_new_from_ders(profile, ders, error);
	if (self->chain == NULL)
		return NULL;
	tls = ct_serve_tls_certificate(&leaf, &intermediate, error);
	if (tls == NULL)
		return NULL;

	/* the listeners do the TLS: the server gets connections after their handshake */
	self->server = soup_server_new("server-header", "certtrust-serve", NULL);
	g_object_set_data(G_OBJECT(self->server), "ct-server", self);
	g_signal_connect(self->server, "request-started", G_CALLBACK(ct_serve_request_started_cb),
			 NULL);
	soup_server_add_handler(self->server, NULL, ct_serve_index_cb, self, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(ct_serve_applications); i++)
		soup_server_add_handler(self->server, ct_serve_applications[i].path,
					ct_serve_application_cb, GUINT_TO_POINTER(i), NULL);
	soup_server_add_handler(self->server, "/axl", ct_serve_soap_cb, self, NULL);
	self->https_url = ct_serve_listen(self, options, address, options->https_port, tls, error);
	if (self->https_url == NULL)
		return NULL;
	if (options->http_port >= 0) {
		self->http_url = ct_serve_listen(self, options, address, options->http_port, NULL,
						 error);
		if (self->http_url == NULL)
			return NULL;
	}
	return g_steal_pointer(&self);
}

const gchar *
ct_server_get_https_url(CtServer *self)
{
	return self->https_url;
}

const gchar *
ct_server_get_http_url(CtServer *self)
{
	return self->http_url;
}

CtChain *
ct_server_get_chain(CtServer *self)
{
	return self->chain;
}

gboolean
ct_server_get_generated(CtServer *self)
{
	return self->generated;
}

GHashTable *
ct_server_get_files(CtServer *self)
{
	return self->files;
}

static void
ct_server_finalize(GObject *object)
{
	CtServer *self = CT_SERVER(object);

	g_ptr_array_unref(self->listeners);
	if (self->server != NULL)
		soup_server_disconnect(self->server);
	g_clear_object(&self->server);
	g_clear_pointer(&self->chain, ct_chain_free);
	g_free(self->https_url);
	g_free(self->http_url);
	g_free(self->name);
	g_hash_table_unref(self->files);
	G_OBJECT_CLASS(ct_server_parent_class)->finalize(object);
}

static void
ct_server_class_init(CtServerClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ct_server_finalize;
}

static void
ct_server_init(CtServer *self)
{
	self->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->listeners = g_ptr_array_new_with_free_func((GDestroyNotify)ct_serve_listener_free);
}
