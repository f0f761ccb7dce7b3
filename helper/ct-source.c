/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtSource"

#include "config.h"

#include <string.h>

#include "ct-error.h"
#include "ct-hostname.h"
#include "ct-source.h"

/* the longest host text a SOURCE may carry (an IDN in U-labels included) */
#define CT_SOURCE_HOST_MAX 1024

void
ct_source_server_free(CtSourceServer *server)
{
	if (server == NULL)
		return;
	g_free(server->host);
	g_free(server->path);
	g_free(server);
}

/* "AB:CD[:...]": two hex digits per group, at least two groups, as NSS prints a SHA-256 */
static gboolean
ct_source_is_fingerprint(const gchar *text)
{
	guint groups = 0;

	for (const gchar *p = text;; p += 3) {
		if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]))
			return FALSE;
		groups++;
		if (p[2] == '\0')
			return groups >= 2;
		if (p[2] != ':')
			return FALSE;
	}
}

static gboolean
ct_source_has_file_extension(const gchar *text)
{
	const gchar *extensions[] = {".pem", ".der", ".cer", ".crt", ".p7b", ".p7c", ".p7", ".txt"};

	for (guint i = 0; i < G_N_ELEMENTS(extensions); i++) {
		if (g_str_has_suffix(text, extensions[i]))
			return TRUE;
	}
	return FALSE;
}

CtSourceKind
ct_source_classify(const gchar *text)
{
	g_return_val_if_fail(text != NULL, CT_SOURCE_KIND_FILE);

	if (strstr(text, "://") != NULL)
		return CT_SOURCE_KIND_URL;
	if (g_strcmp0(text, "-") == 0)
		return CT_SOURCE_KIND_STDIN;
	if (strchr(text, '/') != NULL || g_file_test(text, G_FILE_TEST_EXISTS))
		return CT_SOURCE_KIND_FILE;
	if (ct_source_is_fingerprint(text))
		return CT_SOURCE_KIND_FINGERPRINT;
	if (ct_source_has_file_extension(text))
		return CT_SOURCE_KIND_FILE;
	/* one word without a dot or a port is a file name far more often than a server: a
	 * server by a short name is written ucm:443 or https://ucm/ */
	if (strchr(text, '.') == NULL && strchr(text, ':') == NULL && text[0] != '[')
		return CT_SOURCE_KIND_FILE;
	return CT_SOURCE_KIND_HOST_PORT;
}

gboolean
ct_source_is_network(const gchar *text)
{
	CtSourceKind kind = ct_source_classify(text);
	return kind == CT_SOURCE_KIND_URL || kind == CT_SOURCE_KIND_HOST_PORT;
}

static gboolean
ct_source_parse_port(const gchar *text, const gchar *source, guint16 *port, GError **error)
{
	guint64 value = 0;

	if (!g_ascii_string_to_unsigned(text, 10, 1, 65535, &value, NULL)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s: '%s' is not a port number",
			    source, text);
		return FALSE;
	}
	*port = (guint16)value;
	return TRUE;
}

gboolean
ct_source_split_host_port(const gchar *text,
			  guint16 default_port,
			  gchar **host,
			  guint16 *port,
			  GError **error)
{
	g_autofree gchar *found = NULL;
	const gchar *colon = strchr(text, ':');
	const gchar *port_text = NULL;

	g_return_val_if_fail(text != NULL, FALSE);

	if (text[0] == '[') {
		const gchar *end = strchr(text, ']');
		/* brackets hold an IPv6 address (RFC 3986's IP-literal), nothing else */
		if (end == NULL || (end[1] != '\0' && end[1] != ':') || colon == NULL ||
		    colon > end) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "%s: expected [ADDRESS]:PORT", text);
			return FALSE;
		}
		found = g_strndup(text + 1, end - text - 1);
		port_text = end[1] == ':' ? end + 2 : NULL;
	} else if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		found = g_strndup(text, colon - text);
		port_text = colon + 1;
	} else {
		/* a name, or an IPv6 address without brackets and so without a port */
		found = g_strdup(text);
	}
	if (port_text == NULL && default_port == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s: expected HOST:PORT", text);
		return FALSE;
	}
	*port = default_port;
	if (port_text != NULL && !ct_source_parse_port(port_text, text, port, error))
		return FALSE;
	*host = g_steal_pointer(&found);
	return TRUE;
}

gchar *
ct_source_format_host_port(const gchar *host, guint port)
{
	g_return_val_if_fail(host != NULL, NULL);

	if (strchr(host, ':') != NULL)
		return g_strdup_printf("[%s]:%u", host, port);
	return g_strdup_printf("%s:%u", host, port);
}

gchar *
ct_source_canonical_host_port(const gchar *text)
{
	g_autofree gchar *host = NULL;
	g_autofree gchar *canonical = NULL;
	guint16 port = 0;

	g_return_val_if_fail(text != NULL, NULL);

	if (!ct_source_split_host_port(text, 0, &host, &port, NULL))
		return NULL;
	canonical = ct_hostname_canonical(host, NULL);
	if (canonical == NULL)
		return NULL;
	return ct_source_format_host_port(canonical, port);
}

/* letters, digits, '.', '-', '_', ':' (IPv6) and non-ASCII (IDN); nothing else */
static gboolean
ct_source_is_valid_host(const gchar *host)
{
	if (host[0] == '\0' || strlen(host) > CT_SOURCE_HOST_MAX)
		return FALSE;
	for (const guchar *p = (const guchar *)host; *p != '\0'; p++) {
		if (*p >= 0x80 || g_ascii_isalnum(*p) || strchr(".-_:", *p) != NULL)
			continue;
		return FALSE;
	}
	return TRUE;
}

static CtSourceServer *
ct_source_parse_url(const gchar *source, GError **error)
{
	g_autoptr(CtSourceServer) server = g_new0(CtSourceServer, 1);
	g_autoptr(GUri) uri = NULL;
	g_autoptr(GError) error_local = NULL;
	const gchar *host;
	const gchar *path;

	uri = g_uri_parse(source, G_URI_FLAGS_NONE, &error_local);
	if (uri == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s: not a valid URL: %s",
			    source, error_local->message);
		return NULL;
	}
	if (g_ascii_strcasecmp(g_uri_get_scheme(uri), "https") != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s: only https:// URLs carry a certificate", source);
		return NULL;
	}
	host = g_uri_get_host(uri);
	if (host == NULL || host[0] == '\0') {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s: the URL has no host",
			    source);
		return NULL;
	}
	if (!ct_source_is_valid_host(host)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s: '%s' is not a host name",
			    source, host);
		return NULL;
	}
	/* GUri says -1 for no port; ":0" is a port no server listens on, not the default */
	if (g_uri_get_port(uri) == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s: '0' is not a port number",
			    source);
		return NULL;
	}
	server->host = g_strdup(host);
	server->port = g_uri_get_port(uri) > 0 ? (guint16)g_uri_get_port(uri)
					       : CT_SOURCE_DEFAULT_PORT;
	path = g_uri_get_path(uri);
	server->path = g_strdup(path != NULL && path[0] != '\0' ? path : "/");
	if (g_uri_get_query(uri) != NULL) {
		gchar *with_query = g_strconcat(server->path, "?", g_uri_get_query(uri), NULL);
		g_free(server->path);
		server->path = with_query;
	}
	return g_steal_pointer(&server);
}

CtSourceServer *
ct_source_parse_server(const gchar *text, GError **error)
{
	g_autoptr(CtSourceServer) server = NULL;

	g_return_val_if_fail(text != NULL, NULL);

	if (strstr(text, "://") != NULL)
		return ct_source_parse_url(text, error);
	server = g_new0(CtSourceServer, 1);
	if (!ct_source_split_host_port(text, CT_SOURCE_DEFAULT_PORT, &server->host, &server->port,
				       error))
		return NULL;
	if (!ct_source_is_valid_host(server->host)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s: not a host name", text);
		return NULL;
	}
	return g_steal_pointer(&server);
}
