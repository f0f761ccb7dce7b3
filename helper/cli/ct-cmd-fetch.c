/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-chain.h"
#include "ct-cli-show.h"
#include "ct-cli.h"
#include "ct-export.h"
#include "ct-json.h"

gboolean
ct_cmd_fetch(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *output = NULL;
	g_autofree gchar *format_name = NULL;
	gboolean force = FALSE;
	CtExportFormat format = CT_EXPORT_FORMAT_PEM_CHAIN;
	g_autoptr(GPtrArray) chains = NULL;
	const GOptionEntry entries[] = {
	    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Save the chain to FILE", "FILE"},
	    {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
	     "Format for -o: der, base64, pem, pem-chain (default), pkcs7 or pkcs7-chain", "F"},
	    {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace an existing FILE", NULL},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (format_name != NULL && !ct_export_format_from_string(format_name, &format, error))
		return FALSE;
	if (format_name != NULL && output == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--format needs -o FILE");
		return FALSE;
	}
	if (output != NULL && argc > 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "-o FILE takes one SOURCE");
		return FALSE;
	}
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;
	if (output != NULL) {
		g_autoptr(GError) error_local = NULL;
		if (!ct_export_to_file(g_ptr_array_index(chains, 0), format, output, force,
				       &error_local)) {
			if (g_error_matches(error_local, CT_ERROR, CT_ERROR_EXISTS)) {
				g_set_error(error, CT_ERROR, CT_ERROR_EXISTS,
					    "%s: use --force to replace", error_local->message);
				return FALSE;
			}
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
	}

	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_json_add_chains_members(builder, chains);
		if (output != NULL) {
			ct_json_add_string(builder, "saved", output);
		}
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
		return TRUE;
	}
	for (guint i = 0; i < chains->len; i++) {
		g_autoptr(GString) out = g_string_new(i > 0 ? "\n" : NULL);
		ct_cli_show_render_summary(out, g_ptr_array_index(chains, i));
		ct_cli_print(cli, "%s", out->str);
	}
	if (output != NULL) {
		g_autofree gchar *path = ct_cli_escape(output);
		ct_cli_print(cli, "saved %s (%s)\n", path, ct_export_format_to_string(format));
	}
	return TRUE;
}
