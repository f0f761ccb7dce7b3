/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* shared by the ct-firefox-*.c files only */

#include "ct-firefox.h"

#define CT_FIREFOX_OVERRIDE_FILE "cert_override.txt"
#define CT_FIREFOX_SHA256_OID "OID.2.16.840.1.101.3.4.2.1"

/* one line of cert_override.txt; host is NULL for a line Firefox would not load */
typedef struct {
	gchar *text; /* the bytes as in the file, without the '\n' */
	gsize len;
	gboolean newline;    /* the line ended with '\n' (the last one may not) */
	gchar *host;	     /* without the brackets of an IPv6 address */
	guint port;	     /* 1 to 65535 */
	gboolean attributes; /* originAttributes present (private browsing, containers) */
	gchar *fingerprint;  /* the third field, as written */
} CtFirefoxLine;

void
ct_firefox_line_free(CtFirefoxLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFirefoxLine, ct_firefox_line_free)

/* ct-firefox-file.c: the whole of a regular file of at most 16 MiB; CT_ERROR_NOT_FOUND
 * when it does not exist; a FIFO or device is refused rather than blocked on */
GBytes *
ct_firefox_read_file(const gchar *path, GError **error); /* (transfer full) */

/* ct-firefox-file.c: profile_dir exists and is a directory, else an error naming it */
gboolean
ct_firefox_check_profile_dir(const gchar *profile_dir, GError **error);

/* ct-firefox-lock.c: CT_ERROR_REFUSED while Firefox runs on the profile */
gboolean
ct_firefox_refuse_if_running(const gchar *profile_dir, GError **error);

/* ct-firefox-lock.c: certtrust's own exclusive lock on the profile, held until the
 * descriptor is closed; -1 with error */
gint
ct_firefox_lock_overrides(const gchar *profile_dir, GError **error);

/* ct-firefox-override-line.c: uppercase hex bytes joined by ':' */
gboolean
ct_firefox_fingerprint_is_valid(const gchar *sha256);

/* ct-firefox-override-line.c: the line for host (normalized) and port, without '\n' */
gchar *
ct_firefox_format_line(const gchar *host, guint port, const gchar *sha256); /* (transfer full) */

/* ct-firefox-override-line.c: the normalized host, or an error naming what is wrong */
gchar *
ct_firefox_check_args(const gchar *host,
		      guint16 port,
		      const gchar *sha256,
		      GError **error); /* (transfer full) */

/* ct-firefox-override-line.c: one line of the file, parsed */
CtFirefoxLine *
ct_firefox_line_new(const gchar *text, gsize len, gboolean newline); /* (transfer full) */

/* ct-firefox-override-line.c: does this line set the override Firefox uses for host:port
 * in a normal window? */
gboolean
ct_firefox_line_is_for(const CtFirefoxLine *line, const gchar *host, guint port);

/* ct-firefox-override-line.c: the line as text without its line end */
gchar *
ct_firefox_line_get_text(const CtFirefoxLine *line); /* (transfer full) */

/* ct-firefox-override-line.c: the lines of contents, every byte kept */
GPtrArray *
ct_firefox_split_lines(GBytes *contents); /* (transfer full) CtFirefoxLine* */
