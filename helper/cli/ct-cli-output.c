/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <stdio.h>

#include "ct-cli.h"
#include "ct-escape.h"
#include "ct-json.h"

/* long certificate fields (a 10 000-character subject) stay readable */
#define CT_CLI_MAX_FIELD_CHARS 1000

gchar *
ct_cli_escape(const gchar *text)
{
	return ct_escape_for_terminal(text != NULL ? text : "", -1, CT_CLI_MAX_FIELD_CHARS);
}

void
ct_cli_print(CtCli *cli, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *text = NULL;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	ct_cli_progress_clear(cli);
	fputs(text, stdout);
	/* a line may be what a script waits for while certtrust goes on (a session's
	 * window, a prompt): it goes out now, also into a pipe */
	fflush(stdout);
}

void
ct_cli_verbose(CtCli *cli, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *text = NULL;
	g_autofree gchar *escaped = NULL;

	if (!cli->verbose)
		return;
	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	escaped = ct_escape_for_terminal(text, -1, 2 * CT_CLI_MAX_FIELD_CHARS);
	ct_cli_progress_clear(cli);
	fflush(stdout);
	fprintf(stderr, "certtrust: %s\n", escaped);
}

void
ct_cli_print_json(CtCli *cli, JsonBuilder *builder)
{
	g_autofree gchar *text = ct_json_to_string(builder, TRUE);
	cli->json_printed = TRUE;
	ct_cli_progress_clear(cli);
	fputs(text, stdout);
	fputc('\n', stdout);
}

void
ct_cli_append_redirect(GString *out, CtChain *chain)
{
	g_autofree gchar *location = ct_cli_escape(chain->redirect);
	g_autofree gchar *source = ct_cli_escape(chain->source);

	if (chain->http_status < 300 || chain->http_status > 399)
		return;
	g_string_append_printf(
	    out,
	    "  Redirect:     HTTP %u to %s (not followed: the certificate is the "
	    "one %s presented)\n",
	    chain->http_status, chain->redirect != NULL ? location : "nowhere", source);
}

void
ct_cli_print_error(CtCli *cli, const GError *error)
{
	/* a message of several lines (a scenario file's every error) prints one line each, each
	 * escaped: no line of it can move the cursor or forge another */
	g_auto(GStrv) lines = g_strsplit(error->message, "\n", -1);

	ct_cli_progress_clear(cli);
	cli->error_printed = TRUE;
	fflush(stdout);
	/* a negative check already printed its result document: the exit status says the rest */
	if (cli->json && !cli->json_printed) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_json_add_error(builder, error);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
	}
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree gchar *line = ct_escape_for_terminal(lines[i], -1, 0);
		if (lines[i][0] != '\0' || lines[i + 1] == NULL)
			fprintf(stderr, "certtrust: %s\n", line);
	}
	if (g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS))
		fprintf(stderr, "Use certtrust %s%s--help for usage.\n",
			cli->command != NULL ? cli->command->name : "",
			cli->command != NULL ? " " : "");
}
