/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <unistd.h>

#include "ct-cli.h"
#include "ct-flow-engine.h"

/* flow: the command; the procedures and their engine are in flow/ */

gboolean
ct_cmd_flow(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) choice_texts = NULL;
	g_auto(GStrv) names = NULL;
	g_autofree gchar *export_dir = NULL;
	gboolean force = FALSE;
	gboolean allow_ca = FALSE;
	g_autoptr(CtFlow) flow = NULL;
	g_autoptr(GPtrArray) typed = NULL;
	const GOptionEntry entries[] = {
	    {"choice", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &choice_texts,
	     "continue, cancel, session or permanent: answers the dialogs that ask, in order; "
	     "the last one answers the rest (repeatable)",
	     "C"},
	    {"export-dir", 0, 0, G_OPTION_ARG_FILENAME, &export_dir,
	     "Also Copy to File / Export: every format the browser offers, into DIR", "DIR"},
	    {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace existing export files", NULL},
	    {"name", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &names,
	     "Another name you type, HOST or HOST:PORT (repeatable); without it IE8 and "
	     "Safari also show localhost and 127.0.0.1",
	     "HOST"},
	    {"allow-ca", 0, 0, G_OPTION_ARG_NONE, &allow_ca,
	     "Allow installing a certificate that can sign others into the OS store", NULL},
	    G_OPTION_ENTRY_NULL,
	};

	/* before any thread: Ctrl-C cancels, a session's browser and its profile go */
	ct_cli_cancel_on_signals(cli);
	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (argc != 3) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give the browser (ie8, firefox3 or safari4) and one SOURCE");
		return FALSE;
	}
	flow = ct_flow_new(cli, argv[1], argv[2], error);
	if (flow == NULL)
		return FALSE;
	flow->names = names;
	flow->export_dir = export_dir;
	flow->force = force;
	flow->allow_ca = allow_ca;
	typed = ct_cli_typed_names(flow->source, names, error);
	if (typed == NULL)
		return FALSE;
	if (!ct_flow_parse_choices(flow, choice_texts, error))
		return FALSE;
	flow->interactive = flow->choices->len == 0 && !cli->yes;
	if (flow->interactive && !isatty(STDIN_FILENO)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "standard input is not a terminal: answer the dialogs with "
				    "--choice continue, cancel, session or permanent (or --yes)");
		return FALSE;
	}

	if (!cli->json) {
		g_autofree gchar *source = ct_cli_escape(flow->source);
		ct_cli_print(cli, "%s: %s\n", flow->title, source);
	}
	if (!ct_flow_run(flow, error))
		return FALSE;

	if (cli->json) {
		ct_flow_print_json(flow);
	} else {
		g_autofree gchar *message = ct_cli_escape(flow->message);
		ct_cli_print(cli, "\nOutcome: %s%s%s\n", flow->outcome,
			     flow->error == NULL ? ": " : "", flow->error == NULL ? message : "");
	}
	if (flow->error != NULL) {
		g_propagate_error(error, g_steal_pointer(&flow->error));
		return FALSE;
	}
	return TRUE;
}
