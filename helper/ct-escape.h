#pragma once

#include <glib.h>

/* printable text for a terminal: control characters (C0, DEL, C1), backslash and
 * invalid UTF-8 become C-style escapes (\e, \r, \x00, \\, \u202e); longer than
 * max_chars (0 = no limit) and the rest is cut with a note of how much was left out */
gchar *
ct_escape_for_terminal(const gchar *text, gssize len, gsize max_chars); /* (transfer full) */

/* a single safe path component: [A-Za-z0-9._-] kept, runs of anything else become
 * one '_', no leading dot, at most 64 bytes, never empty (fallback used instead) */
gchar *
ct_escape_for_filename(const gchar *text, const gchar *fallback); /* (transfer full) */
