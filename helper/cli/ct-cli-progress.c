/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "ct-cli.h"
#include "ct-escape.h"

/* a progress line stays on one terminal line of a narrow window */
#define CT_CLI_PROGRESS_MAX_CHARS 70

gboolean
ct_cli_progress_enabled(CtCli *cli)
{
	if (cli->json || !isatty(STDERR_FILENO))
		return FALSE;
	/* a dumb terminal cannot erase a line: the lines would pile up */
	return g_strcmp0(g_getenv("TERM"), "dumb") != 0;
}

void
ct_cli_progress_update(CtCliProgress *self, guint done, const gchar *what)
{
	g_autofree gchar *safe = NULL;

	if (!ct_cli_progress_enabled(self->cli))
		return;
	safe = ct_escape_for_terminal(what != NULL ? what : "", -1, CT_CLI_PROGRESS_MAX_CHARS);
	/* what went to stdout goes out first, so the line lands below it */
	fflush(stdout);
	if (self->total > 0)
		fprintf(stderr, "\r\033[K[%u/%u] %s", done, self->total, safe);
	else
		fprintf(stderr, "\r\033[K%s", safe);
	fflush(stderr);
	self->cli->progress_shown = TRUE;
}

void
ct_cli_progress_clear(CtCli *cli)
{
	if (!cli->progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	cli->progress_shown = FALSE;
}
