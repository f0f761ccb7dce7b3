/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* the port of an https:// URL or a host given without one */
#define CT_SOURCE_DEFAULT_PORT 443

/* what a SOURCE argument names */
typedef enum {
	CT_SOURCE_KIND_FILE,	    /* a path: has '/', exists, has a certificate file's
				     * extension, or is one word without a dot or a port */
	CT_SOURCE_KIND_STDIN,	    /* "-" */
	CT_SOURCE_KIND_URL,	    /* SCHEME://...; only https:// carries a certificate */
	CT_SOURCE_KIND_HOST_PORT,   /* host[:port], [v6]:port or a bare IPv6 address */
	CT_SOURCE_KIND_FINGERPRINT, /* hex pairs joined by ':' (AB:CD:...): a SHA-256 or its
				     * start as NSS and the browsers print it, never a host */
} CtSourceKind;

/* where a network SOURCE points */
typedef struct {
	gchar *host;  /* name or IP address as given, no brackets */
	guint16 port; /* CT_SOURCE_DEFAULT_PORT when not given */
	gchar *path;  /* "/..." for URLs; NULL for host:port (no HTTP) */
} CtSourceServer;

void
ct_source_server_free(CtSourceServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtSourceServer, ct_source_server_free)

/* which kind of SOURCE text is; an existing file of that name is a file */
CtSourceKind
ct_source_classify(const gchar *text);

/* is this SOURCE meant for the network (a URL or a host:port) rather than a file? */
gboolean
ct_source_is_network(const gchar *text);

/* https://host[:port][/path], host[:port], [v6]:port or a bare IPv6 address; malformed,
 * http://, a port outside 1..65535 (0 included) is CT_ERROR_INVALID_ARGS */
CtSourceServer *
ct_source_parse_server(const gchar *text, GError **error); /* (transfer full) */

/* host[:port], [v6][:port] or a bare IPv6 address split into the host (no brackets, not
 * checked) and the port, default_port when none is given (0: the port is required); a port
 * outside 1..65535 or a bad bracket is CT_ERROR_INVALID_ARGS naming text */
gboolean
ct_source_split_host_port(const gchar *text,
			  guint16 default_port,
			  gchar **host,
			  guint16 *port,
			  GError **error);

/* "host:port", with [brackets] around an IPv6 address */
gchar *
ct_source_format_host_port(const gchar *host, guint port); /* (transfer full) */

/* "host:port" ("[v6]:port") with the host in its one canonical form (ct_hostname_canonical),
 * or NULL when text is not a host and a port (1 to 65535) */
gchar *
ct_source_canonical_host_port(const gchar *text); /* (transfer full) */
