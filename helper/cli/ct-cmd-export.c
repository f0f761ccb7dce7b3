/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli.h"
#include "ct-export.h"
#include "ct-json.h"

static void
ct_cmd_export_add_file(JsonBuilder *builder,
		       const gchar *path,
		       CtExportFormat format,
		       const gchar *label)
{
	json_builder_begin_object(builder);
	ct_json_add_string(builder, "path", path);
	ct_json_add_string(builder, "format", ct_export_format_to_string(format));
	ct_json_add_string(builder, "label", label);
	json_builder_end_object(builder);
}

static void
ct_cmd_export_print_file(CtCli *cli, const gchar *path, const gchar *label)
{
	g_autofree gchar *escaped = ct_cli_escape(path);
	ct_cli_verbose(cli, "wrote %s (%s)", path, label);
	if (!cli->json)
		ct_cli_print(cli, "%s\t%s\n", escaped, label);
}

gboolean
ct_cli_export_to_dir(CtCli *cli,
		     CtChain *chain,
		     const gchar *browser,
		     const gchar *dir,
		     gboolean force,
		     JsonBuilder *files,
		     GError **error)
{
	const CtExportOffer *offers = ct_export_get_browser_offers(browser, error);
	g_autoptr(GPtrArray) paths = NULL;

	if (offers == NULL)
		return FALSE;
	paths = ct_export_to_browser_dir(chain, browser, dir, force, error);
	if (paths == NULL)
		return FALSE;
	for (guint i = 0; i < paths->len; i++) {
		const gchar *path = g_ptr_array_index(paths, i);
		ct_cmd_export_add_file(files, path, offers[i].format, offers[i].label);
		ct_cmd_export_print_file(cli, path, offers[i].label);
	}
	return TRUE;
}

static gboolean
ct_cmd_export_browser(CtCli *cli,
		      GPtrArray *chains,
		      const gchar *browser,
		      const gchar *dir,
		      gboolean force,
		      JsonBuilder *builder,
		      GError **error)
{
	const CtExportOffer *offers = ct_export_get_browser_offers(browser, error);

	if (offers == NULL)
		return FALSE;
	/* two sources with one name would overwrite each other's files */
	for (guint i = 0; i < chains->len; i++) {
		g_autofree gchar *name = ct_export_get_base_name(g_ptr_array_index(chains, i));
		for (guint j = 0; j < i; j++) {
			CtChain *other = g_ptr_array_index(chains, j);
			g_autofree gchar *other_name = ct_export_get_base_name(other);
			if (g_strcmp0(name, other_name) == 0) {
				CtChain *chain = g_ptr_array_index(chains, i);
				g_set_error(
				    error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "%s and %s would both be written as %s in %s: export them "
				    "into different directories",
				    other->source, chain->source, name, dir);
				return FALSE;
			}
		}
	}
	for (guint i = 0; i < chains->len; i++) {
		if (!ct_cli_export_to_dir(cli, g_ptr_array_index(chains, i), browser, dir, force,
					  builder, error))
			return FALSE;
	}
	return TRUE;
}

/* an existing output is the one failure the user fixes with a flag: say which */
static gboolean
ct_cmd_export_propagate(GError **error, GError *error_local)
{
	if (g_error_matches(error_local, CT_ERROR, CT_ERROR_EXISTS)) {
		g_set_error(error, CT_ERROR, CT_ERROR_EXISTS, "%s: use --force to replace",
			    error_local->message);
		g_error_free(error_local);
		return FALSE;
	}
	g_propagate_error(error, error_local);
	return FALSE;
}

gboolean
ct_cmd_export(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *format_name = NULL;
	g_autofree gchar *output = NULL;
	g_autofree gchar *browser = NULL;
	g_autofree gchar *dir = NULL;
	gboolean force = FALSE;
	CtExportFormat format = CT_EXPORT_FORMAT_DER;
	g_autoptr(GPtrArray) chains = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GError) error_local = NULL;
	const GOptionEntry entries[] = {
	    {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
	     "der, base64, pem, pem-chain, pkcs7 or pkcs7-chain", "F"},
	    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The file to write", "FILE"},
	    {"browser", 'b', 0, G_OPTION_ARG_STRING, &browser,
	     "Every format this browser's dialog offers: ie8, firefox3, safari4 or all (the six "
	     "formats once each)",
	     "B"},
	    {"dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir, "Directory for --browser", "DIR"},
	    {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace existing files", NULL},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if ((browser != NULL) == (format_name != NULL)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give either --format F -o FILE or --browser B --dir DIR");
		return FALSE;
	}
	if (format_name != NULL && (output == NULL || dir != NULL)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--format needs -o FILE (and no --dir)");
		return FALSE;
	}
	if (browser != NULL && (dir == NULL || output != NULL)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--browser needs --dir DIR (and no -o)");
		return FALSE;
	}
	if (format_name != NULL && !ct_export_format_from_string(format_name, &format, error))
		return FALSE;
	if (browser != NULL && ct_export_get_browser_offers(browser, error) == NULL)
		return FALSE;
	if (output != NULL && argc > 2) {
		g_set_error_literal(
		    error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "-o FILE takes one SOURCE: use --browser B --dir DIR for several");
		return FALSE;
	}
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;

	json_builder_begin_object(builder);
	ct_json_begin_array_member(builder, "files");
	if (output != NULL) {
		if (!ct_export_to_file(g_ptr_array_index(chains, 0), format, output, force,
				       &error_local))
			return ct_cmd_export_propagate(error, g_steal_pointer(&error_local));
		ct_cmd_export_add_file(builder, output, format, format_name);
		ct_cmd_export_print_file(cli, output, format_name);
	} else if (!ct_cmd_export_browser(cli, chains, browser, dir, force, builder,
					  &error_local)) {
		return ct_cmd_export_propagate(error, g_steal_pointer(&error_local));
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	if (cli->json)
		ct_cli_print_json(cli, builder);
	return TRUE;
}
