#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-flow-engine.h"

/* the dialogs go where the user sees them: stdout, or stderr when --json keeps stdout
 * for the transcript and a prompt needs them on the terminal */
static void
ct_flow_terminal_tell(CtFlow *flow, const gchar *text)
{
	if (!flow->cli->json) {
		ct_cli_print(flow->cli, "%s", text);
		fflush(stdout);
	} else if (flow->interactive) {
		fputs(text, stderr);
		fflush(stderr);
	}
}

/* "Continue to this website (not recommended)." and "continue to this website" alike */
static gboolean
ct_flow_terminal_label_equal(const gchar *label, const gchar *answer)
{
	g_autofree gchar *a = g_ascii_strdown(label, -1);
	g_autofree gchar *b = g_ascii_strdown(answer, -1);

	g_strchomp(a);
	while (g_str_has_suffix(a, ".") || g_str_has_suffix(a, "!"))
		a[strlen(a) - 1] = '\0';
	while (g_str_has_suffix(b, ".") || g_str_has_suffix(b, "!"))
		b[strlen(b) - 1] = '\0';
	return g_strcmp0(a, b) == 0;
}

/* a typed answer: a button's key, its name (or the start of it, when only one button
 * starts so), or one of the choices */
static gboolean
ct_flow_terminal_match_answer(const gchar *answer,
			      const CtFlowButton *buttons,
			      guint n_buttons,
			      guint *index)
{
	guint prefixed = 0;
	guint found = 0;

	if (strlen(answer) == 1) {
		for (guint i = 0; i < n_buttons; i++) {
			if (g_ascii_tolower(answer[0]) == buttons[i].key) {
				*index = i;
				return TRUE;
			}
		}
	}
	for (guint i = 0; i < n_buttons; i++) {
		if (ct_flow_terminal_label_equal(buttons[i].label, answer)) {
			*index = i;
			return TRUE;
		}
	}
	if (ct_flow_choice_from_string(answer) != 0) {
		*index = ct_flow_button_for(buttons, n_buttons, ct_flow_choice_from_string(answer));
		return TRUE;
	}
	for (guint i = 0; i < n_buttons && strlen(answer) >= 2; i++) {
		if (g_ascii_strncasecmp(buttons[i].label, answer, strlen(answer)) == 0) {
			prefixed++;
			found = i;
		}
	}
	if (prefixed == 1) {
		*index = found;
		return TRUE;
	}
	return FALSE;
}

/* the prompt: read answers until one names a button; end of input is the dialog's
 * cancel, Enter the button of the seed's procedure */
static gboolean
ct_flow_terminal_ask(CtFlow *flow,
		     const CtFlowButton *buttons,
		     guint n_buttons,
		     guint *index,
		     GError **error)
{
	guint fallback = ct_flow_button_for(buttons, n_buttons, CT_FLOW_CONTINUE);
	g_autoptr(GString) keys = g_string_new(NULL);

	for (guint i = 0; i < n_buttons; i++)
		g_string_append_printf(keys, "%s%c", i > 0 ? "/" : "", buttons[i].key);
	if (flow->input == NULL) {
		g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new(STDIN_FILENO, FALSE);
		flow->input = g_data_input_stream_new(stdin_stream);
	}
	for (;;) {
		g_autoptr(GError) error_local = NULL;
		g_autofree gchar *line = NULL;

		fprintf(stderr, "   Your answer [%s, Enter: %c]: ", keys->str,
			buttons[fallback].key);
		fflush(stderr);
		line = g_data_input_stream_read_line(flow->input, NULL, flow->cli->cancellable,
						     &error_local);
		if (line == NULL && error_local != NULL) {
			fputc('\n', stderr);
			g_propagate_error(error, g_steal_pointer(&error_local));
			ct_error_convert(error);
			return FALSE;
		}
		if (line == NULL) {
			/* the window closed: the dialog's cancel */
			fputc('\n', stderr);
			*index = ct_flow_button_for(buttons, n_buttons, CT_FLOW_CANCEL);
			return TRUE;
		}
		g_strstrip(line);
		if (line[0] == '\0') {
			*index = fallback;
			return TRUE;
		}
		if (g_utf8_validate(line, -1, NULL) &&
		    ct_flow_terminal_match_answer(line, buttons, n_buttons, index))
			return TRUE;
		fprintf(stderr,
			"   Answer %s, a button's name, or continue, cancel, session or "
			"permanent.\n",
			keys->str);
	}
}

const CtFlowPrompt ct_flow_terminal_prompt = {
    .tell = ct_flow_terminal_tell,
    .ask = ct_flow_terminal_ask,
};
