/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-chain.h"
#include "ct-cli-show.h"
#include "ct-cli.h"
#include "ct-json.h"

static void
ct_cmd_show_render(GString *out, CtChain *chain, CtCliShowView view)
{
	g_autoptr(GPtrArray) problems = ct_chain_get_problem_names(chain);
	g_autofree gchar *source = ct_cli_escape(chain->source);

	g_string_append_printf(out, "%s\n", source);
	if (problems->len > 0) {
		g_autofree gchar *joined = NULL;
		g_ptr_array_add(problems, NULL);
		joined = g_strjoinv(", ", (gchar **)problems->pdata);
		g_string_append_printf(out, "  Problems: %s\n", joined);
	}
	for (guint i = 0; i < chain->certificates->len; i++) {
		CtChainRole role = ct_chain_get_role(chain, i);
		g_string_append_printf(out, "\nCertificate %u of %u (%s)\n", i + 1,
				       chain->certificates->len, ct_chain_role_to_string(role));
		ct_cli_show_render_certificate(out, chain, i, view);
	}
}

gboolean
ct_cmd_show(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *view_name = NULL;
	CtCliShowView view = CT_CLI_SHOW_VIEW_ALL;
	g_autoptr(GPtrArray) chains = NULL;
	const GOptionEntry entries[] = {
	    {"view", 0, 0, G_OPTION_ARG_STRING, &view_name,
	     "all, v1, extensions, critical or properties (default all)", "VIEW"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (view_name != NULL && !ct_cli_show_parse_view(view_name, &view, error))
		return FALSE;
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;

	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_json_add_chains_members(builder, chains);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
		return TRUE;
	}
	for (guint i = 0; i < chains->len; i++) {
		g_autoptr(GString) out = g_string_new(i > 0 ? "\n" : NULL);
		ct_cmd_show_render(out, g_ptr_array_index(chains, i), view);
		ct_cli_print(cli, "%s", out->str);
	}
	return TRUE;
}
