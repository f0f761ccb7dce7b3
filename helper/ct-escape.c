/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtEscape"

#include "config.h"

#include <string.h>

#include "ct-escape.h"

#define CT_ESCAPE_FILENAME_MAX 64
#define CT_ESCAPE_FILENAME_FALLBACK "unnamed"

gboolean
ct_escape_is_invisible(gunichar c)
{
	GUnicodeType type;

	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return TRUE;
	/* Cf is every zero-width, bidi, joiner, BOM and tag character (Trojan Source,
	 * CVE-2021-42574); the list below keeps them escaped should a Unicode table lag */
	if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x206f) || c == 0x061c ||
	    c == 0xfeff)
		return TRUE;
	type = g_unichar_type(c);
	return type == G_UNICODE_FORMAT || type == G_UNICODE_LINE_SEPARATOR ||
	       type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

/* the escaped form of one byte that is not printable ASCII */
static void
ct_escape_append_byte(GString *str, guint8 c)
{
	switch (c) {
	case '\\':
		g_string_append(str, "\\\\");
		break;
	case 0x1b:
		g_string_append(str, "\\e");
		break;
	case '\r':
		g_string_append(str, "\\r");
		break;
	case '\n':
		g_string_append(str, "\\n");
		break;
	case '\t':
		g_string_append(str, "\\t");
		break;
	default:
		g_string_append_printf(str, "\\x%02x", c);
		break;
	}
}

/* one input unit (a valid character or a single invalid byte) at p, escaped into out;
 * returns the number of input bytes consumed */
static gsize
ct_escape_unit(const gchar *p, gsize remaining, GString *out)
{
	guint8 c = (guint8)p[0];
	gunichar uc;
	gsize uc_len;

	if (c < 0x80) {
		if (c >= 0x20 && c < 0x7f && c != '\\')
			g_string_append_c(out, (gchar)c);
		else
			ct_escape_append_byte(out, c);
		return 1;
	}
	uc = g_utf8_get_char_validated(p, (gssize)MIN(remaining, 6));
	if (uc == (gunichar)-1 || uc == (gunichar)-2) {
		ct_escape_append_byte(out, c);
		return 1;
	}
	uc_len = (gsize)g_unichar_to_utf8(uc, NULL);
	if (ct_escape_is_invisible(uc) && uc > 0xffff)
		g_string_append_printf(out, "\\U%08x", uc);
	else if (ct_escape_is_invisible(uc))
		g_string_append_printf(out, "\\u%04x", uc);
	else
		g_string_append_len(out, p, (gssize)uc_len);
	return uc_len;
}

gchar *
ct_escape_for_terminal(const gchar *text, gssize len, gsize max_chars)
{
	g_autoptr(GString) unit = g_string_new(NULL);
	GString *str;
	gsize text_len;
	gsize pos = 0;
	gsize shown_chars = 0;
	gsize hidden = 0;

	if (text == NULL)
		return g_strdup("");
	text_len = len < 0 ? strlen(text) : (gsize)len;
	str = g_string_sized_new(MIN(text_len, 4096) + 16);

	while (pos < text_len) {
		gsize unit_chars;
		gsize consumed;

		g_string_truncate(unit, 0);
		consumed = ct_escape_unit(text + pos, text_len - pos, unit);
		/* everything in the escaped unit is ASCII except a kept character, which is one */
		unit_chars = (gsize)g_utf8_strlen(unit->str, (gssize)unit->len);
		if (max_chars > 0 && shown_chars + unit_chars > max_chars)
			break;
		g_string_append_len(str, unit->str, (gssize)unit->len);
		shown_chars += unit_chars;
		pos += consumed;
	}

	if (pos < text_len) {
		/* count what was left out with the same units as above */
		while (pos < text_len) {
			g_string_truncate(unit, 0);
			pos += ct_escape_unit(text + pos, text_len - pos, unit);
			hidden++;
		}
		g_string_append_printf(str, "…[%" G_GSIZE_FORMAT " more %s]", hidden,
				       hidden == 1 ? "character" : "characters");
	}
	return g_string_free(str, FALSE);
}

static gboolean
ct_escape_is_filename_char(gchar c)
{
	return g_ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
}

/* the safe form of text, or "" when nothing safe is left */
static gchar *
ct_escape_filename_part(const gchar *text)
{
	GString *str = g_string_new(NULL);
	gsize start = 0;

	for (const gchar *p = text; *p != '\0'; p++) {
		if (ct_escape_is_filename_char(*p)) {
			g_string_append_c(str, *p);
			continue;
		}
		/* a run of anything else, together with a '_' before it, becomes one '_' */
		if (str->len == 0 || str->str[str->len - 1] != '_')
			g_string_append_c(str, '_');
	}

	/* no hidden files, no "." or "..", nothing a tool could take for an option */
	while (start < str->len &&
	       (str->str[start] == '.' || str->str[start] == '_' || str->str[start] == '-'))
		start++;
	g_string_erase(str, 0, (gssize)start);
	if (str->len > CT_ESCAPE_FILENAME_MAX)
		g_string_truncate(str, CT_ESCAPE_FILENAME_MAX);
	while (str->len > 0 && str->str[str->len - 1] == '_')
		g_string_truncate(str, str->len - 1);
	return g_string_free(str, FALSE);
}

gchar *
ct_escape_for_filename(const gchar *text, const gchar *fallback)
{
	g_autofree gchar *safe = NULL;

	if (text != NULL) {
		safe = ct_escape_filename_part(text);
		if (safe[0] != '\0')
			return g_steal_pointer(&safe);
		g_clear_pointer(&safe, g_free);
	}
	/* the fallback goes through the same rules: it must never be a way around them */
	if (fallback != NULL) {
		safe = ct_escape_filename_part(fallback);
		if (safe[0] != '\0')
			return g_steal_pointer(&safe);
	}
	return g_strdup(CT_ESCAPE_FILENAME_FALLBACK);
}
