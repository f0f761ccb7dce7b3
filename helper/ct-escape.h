/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* a character nobody sees or that reorders the text around it: C0, DEL, C1, and every
 * Unicode format character (zero-width U+200B..U+200F, word joiners U+2060..U+2064, bidi
 * embeddings, overrides and isolates, BOM, tags) and line/paragraph separator */
gboolean
ct_escape_is_invisible(gunichar c);

/* printable text for a terminal: control characters (C0, DEL, C1), invisible characters
 * (above), backslash and invalid UTF-8 become C-style escapes (\e, \r, \x00, \\, \u202e,
 * \U000e0001); longer than
 * max_chars (0 = no limit) and the rest is cut with a note of how much was left out */
gchar *
ct_escape_for_terminal(const gchar *text, gssize len, gsize max_chars); /* (transfer full) */

/* a single safe path component: [A-Za-z0-9._-] kept, runs of anything else become
 * one '_', no leading dot, at most 64 bytes, never empty (fallback used instead) */
gchar *
ct_escape_for_filename(const gchar *text, const gchar *fallback); /* (transfer full) */
