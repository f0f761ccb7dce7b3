#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "ct-escape.h"
#include "ct-scenario-cursor.h"

/* the words of one line of a scenario file and the parser's place among them: taking a
 * word, a number, a name, and the "PATH:LINE: expected ..., got ..." errors */

/* the words that end a list of names or stores */
static const gchar *const ct_scenario_keywords[] = {"expect", "todo",	"path",	    "name",
						    "from",   "mode",	"allow-ca", "exact",
						    "store",  "choice", "export",   NULL};

const gchar *
ct_scenario_peek(CtScenarioCursor *cursor)
{
	if (cursor->pos >= cursor->tokens->len)
		return NULL;
	return g_ptr_array_index(cursor->tokens, cursor->pos);
}

const gchar *
ct_scenario_next(CtScenarioCursor *cursor)
{
	const gchar *token = ct_scenario_peek(cursor);
	if (token != NULL)
		cursor->pos++;
	return token;
}

gboolean
ct_scenario_accept(CtScenarioCursor *cursor, const gchar *word)
{
	if (g_strcmp0(ct_scenario_peek(cursor), word) != 0)
		return FALSE;
	cursor->pos++;
	return TRUE;
}

gboolean
ct_scenario_at_end(CtScenarioCursor *cursor)
{
	return ct_scenario_peek(cursor) == NULL;
}

static gchar *
ct_scenario_describe(const gchar *token)
{
	g_autofree gchar *safe = NULL;
	if (token == NULL)
		return g_strdup("the end of the line");
	safe = ct_escape_for_terminal(token, -1, 60);
	return g_strdup_printf("'%s'", safe);
}

/* "PATH:LINE: expected WHAT, got 'TOKEN'" about the token at the cursor */
gboolean
ct_scenario_expected(CtScenarioCursor *cursor, const gchar *what, GError **error)
{
	g_autofree gchar *got = ct_scenario_describe(ct_scenario_peek(cursor));
	g_autofree gchar *path = ct_escape_for_terminal(cursor->path, -1, 0);
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "%s:%u: expected %s, got %s", path,
		    cursor->line, what, got);
	return FALSE;
}

gboolean
ct_scenario_in(const gchar *const *words, const gchar *word)
{
	return word != NULL && g_strv_contains(words, word);
}

gchar *
ct_scenario_join_words(const gchar *const *words)
{
	return g_strjoinv(", ", (gchar **)words);
}

/* take one of words, or fail naming them */
gboolean
ct_scenario_take_word(CtScenarioCursor *cursor,
		      const gchar *what,
		      const gchar *const *words,
		      gchar **out,
		      GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	g_autofree gchar *list = NULL;
	g_autofree gchar *expected = NULL;

	if (ct_scenario_in(words, token)) {
		g_free(*out);
		*out = g_strdup(ct_scenario_next(cursor));
		return TRUE;
	}
	list = ct_scenario_join_words(words);
	expected = g_strdup_printf("%s (%s)", what, list);
	return ct_scenario_expected(cursor, expected, error);
}

gboolean
ct_scenario_take_number(CtScenarioCursor *cursor,
			const gchar *what,
			guint64 min,
			guint64 max,
			gint *out,
			GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	guint64 value = 0;

	if (token == NULL || !g_ascii_string_to_unsigned(token, 10, min, max, &value, NULL)) {
		g_autofree gchar *expected = g_strdup_printf("%s (a number from %" G_GUINT64_FORMAT
							     " to %" G_GUINT64_FORMAT ")",
							     what, min, max);
		return ct_scenario_expected(cursor, expected, error);
	}
	cursor->pos++;
	*out = (gint)value;
	return TRUE;
}

gboolean
ct_scenario_take_yes_no(CtScenarioCursor *cursor, const gchar *what, gint *out, GError **error)
{
	const gchar *const words[] = {"yes", "no", NULL};
	g_autofree gchar *word = NULL;

	if (!ct_scenario_take_word(cursor, what, words, &word, error))
		return FALSE;
	*out = g_strcmp0(word, "yes") == 0 ? 1 : 0;
	return TRUE;
}

gboolean
ct_scenario_take_text(CtScenarioCursor *cursor, const gchar *what, gchar **out, GError **error)
{
	const gchar *token = ct_scenario_peek(cursor);
	if (token == NULL)
		return ct_scenario_expected(cursor, what, error);
	g_free(*out);
	*out = g_strdup(ct_scenario_next(cursor));
	return TRUE;
}

/* a host name (letters, digits, '-', '_', dots) or an IPv4 address, never a keyword */
gboolean
ct_scenario_is_name(const gchar *token)
{
	gsize len;

	if (token == NULL || ct_scenario_in(ct_scenario_keywords, token))
		return FALSE;
	len = strlen(token);
	if (len == 0 || len > 253 || token[0] == '.' || token[0] == '-' || token[len - 1] == '.')
		return FALSE;
	for (const gchar *p = token; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
			return FALSE;
		if (*p == '.' && p[1] == '.')
			return FALSE;
	}
	return TRUE;
}

/* "nothing leaves loopback" for a scenario on serve: a name is mapped to 127.0.0.1, but
 * an address is connected to as it is, so an IPv4 address must be a loopback one; and a
 * number that is not a dotted quad (0x7f.1, 10.1, 2130706433: inet_aton() and the
 * browsers read it as an address, a mapping does not catch it) is never a name (IPv6 has
 * no place in a name: ':' is refused by the tokens already) */
gboolean
ct_scenario_check_loopback_name(CtScenarioCursor *cursor,
				const CtScenario *scenario,
				const gchar *name,
				GError **error)
{
	g_autofree gchar *path = NULL;
	struct in_addr address;

	if (inet_aton(name, &address) == 0)
		return TRUE;
	path = ct_escape_for_terminal(cursor->path, -1, 0);
	if (!g_hostname_is_ip_address(name)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "%s:%u: expected a host name or an IPv4 address in four decimal parts, "
			    "got '%s': a number read as an IPv4 address",
			    path, cursor->line, name);
		return FALSE;
	}
	if (scenario->server != NULL || (ntohl(address.s_addr) >> 24) == 127)
		return TRUE;
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
		    "%s:%u: expected a host name or a loopback address (127.0.0.1), got '%s': "
		    "the scenario's server is on 127.0.0.1 and an address is connected to as it "
		    "is (a host name is mapped to 127.0.0.1)",
		    path, cursor->line, name);
	return FALSE;
}

gboolean
ct_scenario_check_loopback_names(CtScenarioCursor *cursor,
				 const CtScenario *scenario,
				 GPtrArray *names,
				 GError **error)
{
	for (guint i = 0; i < names->len; i++) {
		if (!ct_scenario_check_loopback_name(cursor, scenario, g_ptr_array_index(names, i),
						     error))
			return FALSE;
	}
	return TRUE;
}

gboolean
ct_scenario_take_name(CtScenarioCursor *cursor, GPtrArray *names, GError **error)
{
	if (!ct_scenario_is_name(ct_scenario_peek(cursor)))
		return ct_scenario_expected(cursor, "a host name or an IPv4 address", error);
	g_ptr_array_add(names, g_ascii_strdown(ct_scenario_next(cursor), -1));
	return TRUE;
}

/* the words of one line: separated by blanks, "quoted" (with \" and \\) when they hold
 * blanks, up to a '#' that starts a word */
GPtrArray *
ct_scenario_tokenize(const gchar *path, guint line, const gchar *text, GError **error)
{
	g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func(g_free);
	const gchar *p = text;

	for (;;) {
		g_autoptr(GString) token = NULL;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		token = g_string_new(NULL);
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					g_autofree gchar *safe = ct_escape_for_terminal(path, -1,
											0);
					g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
						    "%s:%u: expected a closing '\"', got the end "
						    "of the line",
						    safe, line);
					return NULL;
				}
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				g_string_append_c(token, *p);
			}
			p++;
		} else {
			while (*p != '\0' && *p != ' ' && *p != '\t')
				g_string_append_c(token, *p++);
		}
		g_ptr_array_add(tokens, g_string_free(g_steal_pointer(&token), FALSE));
	}
	return g_steal_pointer(&tokens);
}

/* the step's words again, for reports: quoted where they hold blanks */
gchar *
ct_scenario_join_tokens(GPtrArray *tokens, guint from)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = from; i < tokens->len; i++) {
		const gchar *token = g_ptr_array_index(tokens, i);
		if (text->len > 0)
			g_string_append_c(text, ' ');
		if (token[0] != '\0' && strpbrk(token, " \t#\"\\") == NULL) {
			g_string_append(text, token);
			continue;
		}
		g_string_append_c(text, '"');
		for (const gchar *p = token; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c(text, '\\');
			g_string_append_c(text, *p);
		}
		g_string_append_c(text, '"');
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}
