/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFirefox"

#include "config.h"

#include <string.h>

#include "ct-firefox-private.h"
#include "ct-hostname.h"
#include "ct-source.h"

/* one line of cert_override.txt: parsed as Firefox reads it, formatted as it writes it */

/* 32 bytes as "AB:" ... "EF" */
#define CT_FIREFOX_SHA256_TEXT_LEN (32 * 3 - 1)

void
ct_firefox_line_free(CtFirefoxLine *line)
{
	if (line == NULL)
		return;
	g_free(line->text);
	g_free(line->host);
	g_free(line->fingerprint);
	g_free(line);
}

/* uppercase hex bytes joined by ':', as NSS prints them and Firefox compares them */
gboolean
ct_firefox_fingerprint_is_valid(const gchar *sha256)
{
	if (strlen(sha256) != CT_FIREFOX_SHA256_TEXT_LEN)
		return FALSE;
	for (guint i = 0; i < CT_FIREFOX_SHA256_TEXT_LEN; i++) {
		if (i % 3 == 2) {
			if (sha256[i] != ':')
				return FALSE;
		} else if (!g_ascii_isdigit(sha256[i]) && (sha256[i] < 'A' || sha256[i] > 'F')) {
			return FALSE;
		}
	}
	return TRUE;
}

gchar *
ct_firefox_format_line(const gchar *host, guint port, const gchar *sha256)
{
	g_autofree gchar *host_port = ct_source_format_host_port(host, port);
	return g_strdup_printf("%s:\t%s\t%s\t", host_port, CT_FIREFOX_SHA256_OID, sha256);
}

/* the normalized host, or an error naming what is wrong with the arguments */
gchar *
ct_firefox_check_args(const gchar *host, guint16 port, const gchar *sha256, GError **error)
{
	/* Firefox keys a host as the one canonical form: lower case, punycode, IPv6 compressed */
	g_autofree gchar *normalized = ct_hostname_canonical(host, error);

	if (normalized == NULL)
		return NULL;
	if (port == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "port 0 of %s is not valid",
			    host);
		return NULL;
	}
	if (!ct_firefox_fingerprint_is_valid(sha256)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "'%s' is not a SHA-256 fingerprint in upper-case hex with colons",
			    sha256);
		return NULL;
	}
	return g_steal_pointer(&normalized);
}

/* NULL when host, port or fingerprint is not valid (the add and remove calls say why) */
gchar *
ct_firefox_override_line(const gchar *host, guint16 port, const gchar *sha256)
{
	g_autofree gchar *normalized = NULL;

	g_return_val_if_fail(host != NULL, NULL);
	g_return_val_if_fail(sha256 != NULL, NULL);

	normalized = ct_firefox_check_args(host, port, sha256, NULL);
	if (normalized == NULL)
		return NULL;
	return ct_firefox_format_line(normalized, port, sha256);
}

/* the end of a token: the next space, tab or the end of the line */
static const gchar *
ct_firefox_skip_token(const gchar *p)
{
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static const gchar *
ct_firefox_skip_white(const gchar *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* parse text as Firefox's nsCertOverrideService::Read does: "host:port:attributes" or
 * the older "host:port", whitespace, the SHA-256 OID, whitespace, the fingerprint and
 * whitespace after it (anything further is the old bits and dbKey, ignored); comments,
 * blank and malformed lines leave line->host NULL */
static void
ct_firefox_parse_line(CtFirefoxLine *line, const gchar *text)
{
	g_autofree gchar *host = NULL;
	const gchar *p = text;
	const gchar *end;
	guint port = 0;
	gboolean attributes = FALSE;

	if (*p == '\0' || *p == '#')
		return;
	if (*p == '[') {
		end = strchr(p + 1, ']');
		if (end == NULL || end == p + 1 || end[1] != ':')
			return;
		host = g_strndup(p + 1, end - p - 1);
		p = end + 2;
	} else {
		end = strchr(p, ':');
		if (end == NULL || end == p)
			return;
		host = g_strndup(p, end - p);
		p = end + 1;
	}
	if (!g_ascii_isdigit(*p))
		return;
	for (; g_ascii_isdigit(*p); p++) {
		port = port * 10 + (guint)(*p - '0');
		if (port > G_MAXUINT16)
			return;
	}
	if (port == 0)
		return;
	if (*p == ':') {
		end = ct_firefox_skip_token(p + 1);
		attributes = end != p + 1;
		p = end;
	}
	if (*p != ' ' && *p != '\t')
		return;
	p = ct_firefox_skip_white(p);
	end = ct_firefox_skip_token(p);
	if ((gsize)(end - p) != strlen(CT_FIREFOX_SHA256_OID) ||
	    strncmp(p, CT_FIREFOX_SHA256_OID, end - p) != 0 || *end == '\0')
		return;
	p = ct_firefox_skip_white(end);
	end = ct_firefox_skip_token(p);
	/* Firefox needs a delimiter after the fingerprint */
	if (end == p || *end == '\0')
		return;
	line->fingerprint = g_strndup(p, end - p);
	line->host = g_steal_pointer(&host);
	line->port = port;
	line->attributes = attributes;
}

CtFirefoxLine *
ct_firefox_line_new(const gchar *text, gsize len, gboolean newline)
{
	g_autoptr(CtFirefoxLine) line = g_new0(CtFirefoxLine, 1);
	g_autofree gchar *parsed = NULL;
	gsize parsed_len = len;

	line->text = g_memdup2(text, len);
	line->len = len;
	line->newline = newline;
	/* a NUL byte: certainly not a line Firefox loads, but kept as it is */
	if (memchr(text, '\0', len) != NULL)
		return g_steal_pointer(&line);
	if (parsed_len > 0 && text[parsed_len - 1] == '\r')
		parsed_len--;
	parsed = g_strndup(text, parsed_len);
	ct_firefox_parse_line(line, parsed);
	return g_steal_pointer(&line);
}

/* does this line set the override Firefox uses for host:port in a normal window? */
gboolean
ct_firefox_line_is_for(const CtFirefoxLine *line, const gchar *host, guint port)
{
	return line->host != NULL && !line->attributes && line->port == port &&
	       strcmp(line->host, host) == 0;
}

/* the lines of contents, every byte kept */
GPtrArray *
ct_firefox_split_lines(GBytes *contents)
{
	g_autoptr(GPtrArray)
	    lines = g_ptr_array_new_with_free_func((GDestroyNotify)ct_firefox_line_free);
	gsize len = 0;
	const gchar *data = g_bytes_get_data(contents, &len);
	gsize start = 0;

	while (start < len) {
		const gchar *newline = memchr(data + start, '\n', len - start);
		gsize end = newline != NULL ? (gsize)(newline - data) : len;

		g_ptr_array_add(lines,
				ct_firefox_line_new(data + start, end - start, newline != NULL));
		start = end + 1;
	}
	return g_steal_pointer(&lines);
}

/* the line as text without its line end, for *replaced */
gchar *
ct_firefox_line_get_text(const CtFirefoxLine *line)
{
	gsize len = line->len;

	if (len > 0 && line->text[len - 1] == '\r')
		len--;
	return g_strndup(line->text, len);
}
