/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestEscape"

#include "config.h"

#include <string.h>

#include "ct-escape.h"
#include "ct-json.h"
#include "ct-test.h"

static void
escape_assert_terminal(const gchar *text, gssize len, gsize max_chars, const gchar *expected)
{
	g_autofree gchar *escaped = ct_escape_for_terminal(text, len, max_chars);

	cr_assert_str_eq(escaped, expected);
}

static void
escape_assert_filename(const gchar *text, const gchar *fallback, const gchar *expected)
{
	g_autofree gchar *escaped = ct_escape_for_filename(text, fallback);

	cr_assert_str_eq(escaped, expected);
}

/* nothing a terminal would act on: valid UTF-8, no C0, DEL, C1 or bidi controls */
static void
escape_assert_terminal_safe(const gchar *escaped)
{
	cr_assert(g_utf8_validate(escaped, -1, NULL), "not UTF-8: %s", escaped);
	for (const gchar *p = escaped; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		cr_assert(c >= 0x20 && c != 0x7f, "control U+%04X left", c);
		cr_assert(c < 0x80 || c > 0x9f, "C1 control U+%04X left", c);
		cr_assert(!(c >= 0x200b && c <= 0x200f) && !(c >= 0x202a && c <= 0x202e) &&
			      !(c >= 0x2060 && c <= 0x2064) && !(c >= 0x2066 && c <= 0x2069) &&
			      c != 0xfeff,
			  "format control U+%04X left", c);
		cr_assert(g_unichar_type(c) != G_UNICODE_FORMAT &&
			      g_unichar_type(c) != G_UNICODE_LINE_SEPARATOR &&
			      g_unichar_type(c) != G_UNICODE_PARAGRAPH_SEPARATOR,
			  "invisible U+%04X left", c);
	}
}

static gchar *
escape_random_text(guint32 seed, gsize len)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
	gchar *text = g_malloc(len + 1);

	for (gsize i = 0; i < len; i++)
		text[i] = (gchar)g_rand_int_range(rand, 1, 256);
	text[len] = '\0';
	return text;
}

Test(escape, printable_text_is_unchanged)
{
	escape_assert_terminal("CN=www.example.com, O=Example Ltd", -1, 0,
			       "CN=www.example.com, O=Example Ltd");
	escape_assert_terminal("Grüße ☃ 日本語 🙂", -1, 0, "Grüße ☃ 日本語 🙂");
	escape_assert_terminal("", -1, 0, "");
}

Test(escape, esc_cr_lf_tab_become_c_escapes)
{
	escape_assert_terminal("a\x1b[31mred\x1b[0m\r\n\tb", -1, 0, "a\\e[31mred\\e[0m\\r\\n\\tb");
}

Test(escape, nul_is_escaped_when_a_length_is_given)
{
	escape_assert_terminal("a\0b\0", 4, 0, "a\\x00b\\x00");
}

Test(escape, negative_length_stops_at_nul)
{
	escape_assert_terminal("a\0b", -1, 0, "a");
}

Test(escape, other_c0_controls_and_del_become_hex)
{
	escape_assert_terminal("\x01\x07\x08\x0b\x0c\x1f\x7f", -1, 0,
			       "\\x01\\x07\\x08\\x0b\\x0c\\x1f\\x7f");
}

Test(escape, c1_controls_become_unicode_escapes)
{
	/* U+0085 NEL, U+009B CSI (a one-character escape sequence start), U+0080 */
	escape_assert_terminal("a\xc2\x85"
			       "b\xc2\x9b"
			       "31m\xc2\x80",
			       -1, 0, "a\\u0085b\\u009b31m\\u0080");
	/* U+00A0 is the first character after C1 and is printable */
	escape_assert_terminal("\xc2\xa0", -1, 0, "\xc2\xa0");
}

Test(escape, bidi_and_invisible_format_controls_are_escaped)
{
	escape_assert_terminal("admin\xe2\x80\xae"
			       "gpj.exe",
			       -1, 0, "admin\\u202egpj.exe");
	escape_assert_terminal(
	    "\xe2\x80\x8b\xe2\x80\x8f\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9\xef\xbb\xbf", -1, 0,
	    "\\u200b\\u200f\\u202a\\u2066\\u2069\\ufeff");
	/* visible neighbours of the ranges stay (U+206A after the isolates is a deprecated
	 * invisible format character, escaped since; U+2070 is superscript zero) */
	escape_assert_terminal("\xe2\x80\x90\xe2\x81\xb0", -1, 0, "\xe2\x80\x90\xe2\x81\xb0");
}

Test(escape, word_joiners_and_every_other_invisible_format_character_are_escaped)
{
	/* U+2060..U+2064 (word joiner, invisible times/separator/plus), U+206A..U+206F, the
	 * soft hyphen, the Mongolian vowel separator, the line and paragraph separators */
	escape_assert_terminal("a\xe2\x81\xa0\xe2\x81\xa1\xe2\x81\xa2\xe2\x81\xa3\xe2\x81\xa4"
			       "b",
			       -1, 0, "a\\u2060\\u2061\\u2062\\u2063\\u2064b");
	escape_assert_terminal(
	    "\xe2\x81\xaa\xe2\x81\xaf\xc2\xad\xe1\xa0\x8e\xe2\x80\xa8\xe2\x80\xa9", -1, 0,
	    "\\u206a\\u206f\\u00ad\\u180e\\u2028\\u2029");
	/* tag characters beyond the BMP hide text too: 8 hex digits, never ambiguous */
	escape_assert_terminal("ok\xf3\xa0\x80\x81\xf3\xa0\x81\xa1", -1, 0,
			       "ok\\U000e0001\\U000e0061");
	/* visible neighbours stay: U+2065 is unassigned, U+2070 is superscript zero */
	escape_assert_terminal("\xe2\x81\xb0x\xe2\x80\x94", -1, 0, "\xe2\x81\xb0x\xe2\x80\x94");
}

/* the same characters in --json: \u escapes (a surrogate pair beyond the BMP), which a JSON
 * parser turns back into the very text; the document stays valid */
Test(escape, json_carries_c1_bidi_and_invisible_characters_as_u_escapes)
{
	const gchar *hostile = "a\xc2\x85"
			       "b\xc2\x9b"
			       "31m\xe2\x80\xae"
			       "gpj\xe2\x80\x8b\xe2\x81\xa0\xe2\x81\xa6\xef\xbb\xbf\xf3\xa0\x80\x81"
			       "\x1b\\\" \xc3\xa9\xe2\x98\x83";
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	JsonObject *root;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "subject");
	json_builder_add_string_value(builder, hostile);
	json_builder_end_object(builder);
	text = ct_json_to_string(builder, TRUE);

	cr_assert_not_null(strstr(text, "a\\u0085b\\u009b31m\\u202egpj\\u200b\\u2060\\u2066\\ufeff"
					"\\udb40\\udc01\\u001b\\\\\\\" \xc3\xa9\xe2\x98\x83"),
			   "%s", text);
	for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		cr_assert(!(c >= 0x7f && c <= 0x9f) && g_unichar_type(c) != G_UNICODE_FORMAT,
			  "raw U+%04X in %s", c, text);
	}
	cr_assert(json_parser_load_from_data(parser, text, -1, &error), "%s: %s", text,
		  error != NULL ? error->message : "");
	root = json_node_get_object(json_parser_get_root(parser));
	cr_assert_str_eq(json_object_get_string_member(root, "subject"), hostile);
}

Test(escape, backslash_is_doubled)
{
	escape_assert_terminal("C:\\dir\\x41", -1, 0, "C:\\\\dir\\\\x41");
}

Test(escape, invalid_utf8_bytes_become_hex_one_by_one)
{
	/* lone continuation bytes, 0xff, an overlong '/', a surrogate, a truncated sequence */
	escape_assert_terminal("a\x80\xbf"
			       "b",
			       -1, 0, "a\\x80\\xbfb");
	escape_assert_terminal("\xff\xfe", -1, 0, "\\xff\\xfe");
	escape_assert_terminal("\xc0\xaf", -1, 0, "\\xc0\\xaf");
	escape_assert_terminal("\xed\xa0\x80", -1, 0, "\\xed\\xa0\\x80");
	escape_assert_terminal("ok\xe2\x80", -1, 0, "ok\\xe2\\x80");
	/* a NUL inside a multi-byte sequence does not hide the bytes around it */
	escape_assert_terminal("\xe2\0\x80", 3, 0, "\\xe2\\x00\\x80");
}

Test(escape, random_bytes_always_come_out_safe)
{
	for (guint32 seed = 1; seed <= 20; seed++) {
		g_autofree gchar *text = escape_random_text(seed, 10000);
		g_autofree gchar *escaped = ct_escape_for_terminal(text, 10000, 0);
		g_autofree gchar *cut = ct_escape_for_terminal(text, 10000, 100);

		escape_assert_terminal_safe(escaped);
		escape_assert_terminal_safe(cut);
		cr_assert(g_str_has_suffix(cut, "more characters]"));
	}
}

Test(escape, long_text_is_cut_with_a_note)
{
	g_autofree gchar *text = g_strnfill(10000, 'a');
	g_autofree gchar *shown = g_strnfill(100, 'a');
	g_autofree gchar *expected = g_strconcat(shown, "…[9900 more characters]", NULL);

	escape_assert_terminal(text, -1, 100, expected);
}

Test(escape, cut_counts_escaped_output_and_never_splits_an_escape)
{
	/* each ESC is two output characters: two fit in 5, the third does not */
	escape_assert_terminal("\x1b\x1b\x1b\x1b", -1, 5, "\\e\\e…[2 more characters]");
	escape_assert_terminal("ab\x01", -1, 4, "ab…[1 more character]");
	/* a kept non-ASCII character counts as one */
	escape_assert_terminal("日本語です", -1, 3, "日本語…[2 more characters]");
}

Test(escape, text_that_fits_has_no_note)
{
	escape_assert_terminal("abc", -1, 3, "abc");
	escape_assert_terminal("a\\", -1, 3, "a\\\\");
}

Test(escape, zero_max_chars_means_no_limit)
{
	g_autofree gchar *text = g_strnfill(100000, 'x');
	g_autofree gchar *escaped = ct_escape_for_terminal(text, -1, 0);

	cr_assert_str_eq(escaped, text);
}

Test(escape, null_text_gives_an_empty_string)
{
	escape_assert_terminal(NULL, -1, 0, "");
	escape_assert_terminal(NULL, 5, 10, "");
}

Test(escape, safe_file_names_are_unchanged)
{
	escape_assert_filename("www.example.com", "certificate", "www.example.com");
	escape_assert_filename("ucm-pub_01.cer", "certificate", "ucm-pub_01.cer");
}

Test(escape, path_traversal_has_no_slash_and_no_leading_dot)
{
	g_autofree gchar *escaped = ct_escape_for_filename("../../etc/passwd", "certificate");

	cr_assert_null(strchr(escaped, '/'));
	cr_assert_neq(escaped[0], '.');
	cr_assert_str_eq(escaped, "etc_passwd");
	escape_assert_filename("/etc/passwd", "certificate", "etc_passwd");
	escape_assert_filename("..\\..\\boot.ini", "certificate", "boot.ini");
}

Test(escape, runs_of_unsafe_bytes_become_one_underscore)
{
	escape_assert_filename("CN=Foo Bar, O=Baz", "x", "CN_Foo_Bar_O_Baz");
	escape_assert_filename("a \t/\\:*?\"<>|b", "x", "a_b");
	escape_assert_filename("a_ b", "x", "a_b");
	escape_assert_filename("\x1b[31mred\x1b[0m", "x", "31mred_0m");
	escape_assert_filename("Grüße", "x", "Gr_e");
}

Test(escape, dots_and_dashes_alone_give_the_fallback)
{
	escape_assert_filename(".", "certificate", "certificate");
	escape_assert_filename("..", "certificate", "certificate");
	escape_assert_filename("...", "certificate", "certificate");
	escape_assert_filename("/", "certificate", "certificate");
	escape_assert_filename("日本", "certificate", "certificate");
}

Test(escape, leading_dots_dashes_and_underscores_are_stripped)
{
	escape_assert_filename(".hidden", "x", "hidden");
	escape_assert_filename("-rf", "x", "rf");
	escape_assert_filename("_._-name_", "x", "name");
	escape_assert_filename("name.", "x", "name.");
}

Test(escape, long_names_are_cut_to_64_bytes)
{
	g_autofree gchar *text = g_strnfill(1000, 'n');
	g_autofree gchar *escaped = ct_escape_for_filename(text, "certificate");
	g_autofree gchar *slashes = g_strnfill(1000, '/');
	g_autofree gchar *mixed = NULL;
	g_autofree gchar *mixed_escaped = NULL;

	cr_assert_eq(strlen(escaped), 64);
	cr_assert(strspn(escaped, "n") == 64);
	escape_assert_filename(slashes, "certificate", "certificate");

	/* a cut that ends on a '_' does not keep it */
	mixed = g_strdup_printf("%s/%s", text + 1000 - 63, "tail");
	mixed_escaped = ct_escape_for_filename(mixed, "certificate");
	cr_assert_eq(strlen(mixed_escaped), 63);
}

Test(escape, empty_or_null_text_gives_the_fallback)
{
	escape_assert_filename("", "certificate", "certificate");
	escape_assert_filename(NULL, "certificate", "certificate");
}

Test(escape, unsafe_fallback_follows_the_same_rules)
{
	escape_assert_filename("", "../x", "x");
	escape_assert_filename("", "", "unnamed");
	escape_assert_filename(NULL, NULL, "unnamed");
}

Test(escape, random_names_are_always_safe)
{
	for (guint32 seed = 1; seed <= 200; seed++) {
		g_autofree gchar *text = escape_random_text(seed, 1 + seed * 3);
		g_autofree gchar *escaped = ct_escape_for_filename(text, "fallback");
		gsize len = strlen(escaped);

		cr_assert_gt(len, 0);
		cr_assert_leq(len, 64);
		cr_assert_eq(
		    strspn(escaped,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"),
		    len, "unsafe byte in %s", escaped);
		cr_assert(g_ascii_isalnum(escaped[0]), "bad first byte in %s", escaped);
		cr_assert_neq(escaped[len - 1], '_');
	}
}
