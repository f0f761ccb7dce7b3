#pragma once

#include "ct-scenario.h"

/* the words of one line of a scenario file, and where the parser is among them */
typedef struct {
	const gchar *path;
	guint line;
	GPtrArray *tokens; /* gchar* */
	guint pos;
} CtScenarioCursor;

/* the word at the cursor, or NULL at the end of the line */
const gchar *
ct_scenario_peek(CtScenarioCursor *cursor);
/* the word at the cursor, and step over it */
const gchar *
ct_scenario_next(CtScenarioCursor *cursor);
/* step over word when it is the one at the cursor */
gboolean
ct_scenario_accept(CtScenarioCursor *cursor, const gchar *word);
gboolean
ct_scenario_at_end(CtScenarioCursor *cursor);
/* always FALSE: "PATH:LINE: expected WHAT, got 'TOKEN'" about the word at the cursor */
gboolean
ct_scenario_expected(CtScenarioCursor *cursor, const gchar *what, GError **error);

gboolean
ct_scenario_in(const gchar *const *words, const gchar *word);
gchar *
ct_scenario_join_words(const gchar *const *words); /* (transfer full) */

/* take one word of a kind into out, or fail naming what was expected */
gboolean
ct_scenario_take_word(CtScenarioCursor *cursor,
		      const gchar *what,
		      const gchar *const *words,
		      gchar **out,
		      GError **error);
gboolean
ct_scenario_take_number(CtScenarioCursor *cursor,
			const gchar *what,
			guint64 min,
			guint64 max,
			gint *out,
			GError **error);
gboolean
ct_scenario_take_yes_no(CtScenarioCursor *cursor, const gchar *what, gint *out, GError **error);
gboolean
ct_scenario_take_text(CtScenarioCursor *cursor, const gchar *what, gchar **out, GError **error);
/* a host name or an IPv4 address, lower case, appended to names */
gboolean
ct_scenario_take_name(CtScenarioCursor *cursor, GPtrArray *names, GError **error);
gboolean
ct_scenario_is_name(const gchar *token);
/* a scenario on serve reaches nothing but loopback */
gboolean
ct_scenario_check_loopback_name(CtScenarioCursor *cursor,
				const CtScenario *scenario,
				const gchar *name,
				GError **error);
gboolean
ct_scenario_check_loopback_names(CtScenarioCursor *cursor,
				 const CtScenario *scenario,
				 GPtrArray *names,
				 GError **error);

/* a line's words (gchar*), or NULL and an error for an unclosed quote */
GPtrArray *
ct_scenario_tokenize(const gchar *path,
		     guint line,
		     const gchar *text,
		     GError **error); /* (transfer full) */
/* the words from one on, quoted where needed: the step as written */
gchar *
ct_scenario_join_tokens(GPtrArray *tokens, guint from); /* (transfer full) */
