/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestSecurityTerminal"

#include "config.h"

#include <string.h>

#include "ct-test.h"

/* what reaches the terminal: a certificate whose names carry zero-width characters, word
 * joiners, bidi overrides and isolates, a C1 CSI and a tag character, made by openssl, through
 * `show` (escaped) and `show --json` (\u escapes that parse back to the very text) */

static gchar *tmpdir = NULL;

static void
terminal_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	g_free(ct_test_private_home(tmpdir));
}

static void
terminal_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(security_terminal, .init = terminal_setup, .fini = terminal_teardown, .timeout = 60);

/* a CN that reads "victimexe.txt" with U+202E (RLO), U+2066 (LRI), U+200B, U+2060, U+FEFF */
#define TERMINAL_CN                                               \
	"victim\xe2\x80\xae"                                      \
	"txt.exe\xe2\x81\xa6\xe2\x80\x8b\xe2\x81\xa0\xef\xbb\xbf" \
	"end"
/* an O with a C1 CSI (U+009B) that some terminals obey, U+2064 and a tag U+E0001 */
#define TERMINAL_O     \
	"Evil\xc2\x9b" \
	"31mCorp\xe2\x81\xa4\xf3\xa0\x80\x81"

/* a character a reader would not see, or a control a terminal would act on */
static gboolean
terminal_is_hidden(gunichar c)
{
	GUnicodeType type = g_unichar_type(c);
	return (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f) || type == G_UNICODE_FORMAT ||
	       type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

static void
terminal_assert_nothing_hidden(const gchar *what, const gchar *text)
{
	cr_assert(g_utf8_validate(text, -1, NULL), "%s is not UTF-8", what);
	for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char(p))
		cr_assert(!terminal_is_hidden(g_utf8_get_char(p)), "%s carries U+%04X raw:\n%s",
			  what, g_utf8_get_char(p), text);
}

static gchar *
terminal_make_certificate(void)
{
	gchar *pem = g_build_filename(tmpdir, "hostile.pem", NULL);
	g_autofree gchar *key = g_build_filename(tmpdir, "hostile.key", NULL);
	g_autofree gchar *subject = g_strdup_printf("/CN=%s/O=%s", TERMINAL_CN, TERMINAL_O);
	const gchar *argv[] = {"openssl",
			       "req",
			       "-x509",
			       "-utf8",
			       "-newkey",
			       "ec",
			       "-pkeyopt",
			       "ec_paramgen_curve:P-256",
			       "-nodes",
			       "-subj",
			       subject,
			       "-addext",
			       "subjectAltName=DNS:victim.test",
			       "-days",
			       "3650",
			       "-keyout",
			       key,
			       "-out",
			       pem,
			       NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 0, "openssl req: %s", run->err);
	return pem;
}

Test(security_terminal, show_escapes_invisible_and_bidi_characters)
{
	g_autofree gchar *pem = terminal_make_certificate();
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("show", pem, NULL);

	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	terminal_assert_nothing_hidden("show", run->out);
	cr_assert_not_null(strstr(run->out, "victim\\u202etxt.exe\\u2066\\u200b\\u2060\\ufeffend"),
			   "%s", run->out);
	cr_assert_not_null(strstr(run->out, "Evil\\u009b31mCorp\\u2064\\U000e0001"), "%s",
			   run->out);
}

Test(security_terminal, show_json_u_escapes_them_and_keeps_the_text)
{
	g_autofree gchar *pem = terminal_make_certificate();
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("--json", "show", pem, NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *certificate;

	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	terminal_assert_nothing_hidden("show --json", run->out);
	cr_assert_not_null(strstr(run->out, "victim\\u202etxt.exe\\u2066\\u200b\\u2060\\ufeffend"),
			   "%s", run->out);
	cr_assert_not_null(strstr(run->out, "Evil\\u009b31mCorp\\u2064\\udb40\\udc01"), "%s",
			   run->out);
	/* a JSON parser gets the certificate's very text back */
	root = ct_test_parse_one_json_document(run->out);
	certificate =
	    json_array_get_object_element(json_object_get_array_member(json_node_get_object(root),
								       "certificates"),
					  0);
	cr_assert_str_eq(json_object_get_string_member(certificate, "common_name"), TERMINAL_CN);
	cr_assert_not_null(strstr(json_object_get_string_member(certificate, "subject"),
				  "O=" TERMINAL_O),
			   "%s", json_object_get_string_member(certificate, "subject"));
}
