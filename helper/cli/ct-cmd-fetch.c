/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-chain.h"
#include "ct-cli-show.h"
#include "ct-cli.h"
#include "ct-export.h"
#include "ct-fetch.h"
#include "ct-json.h"

/* what fetch of many SOURCEs shows as each result comes, in input order */
typedef struct {
	CtCli *cli;
	JsonBuilder *builder; /* --json: the "results" array being built */
	GPtrArray *errors;    /* GError*, the failed targets' */
	gboolean many;
} CtCmdFetchMany;

static void
ct_cmd_fetch_ready_cb(CtFetchResult *result, guint index, guint total, gpointer user_data)
{
	CtCmdFetchMany *self = user_data;
	g_autoptr(CtChain) chain = g_steal_pointer(&result->chain);
	g_autoptr(GString) out = g_string_new(index > 0 ? "\n" : NULL);

	if (result->error != NULL)
		g_ptr_array_add(self->errors, g_error_copy(result->error));
	/* one SOURCE that failed is any command's error */
	if (!self->many && result->error != NULL)
		return;
	if (self->builder != NULL) {
		if (self->many)
			json_builder_begin_object(self->builder);
		if (chain != NULL) {
			ct_json_add_chain_members(self->builder, chain);
		} else {
			ct_json_add_string(self->builder, "source", result->source);
			ct_json_add_error(self->builder, result->error);
		}
		if (self->many)
			json_builder_end_object(self->builder);
		return;
	}
	if (chain != NULL) {
		ct_cli_show_render_summary(out, chain);
	} else {
		g_autofree gchar *source = ct_cli_escape(result->source);
		g_autofree gchar *message = ct_cli_escape(result->error->message);
		g_string_append_printf(out, "%s\n  failed: %s\n", source, message);
	}
	ct_cli_print(self->cli, "%s", out->str);
}

/* every SOURCE, the servers read at once: each target shown as soon as it and the ones
 * before it are there, a failure in its place; the exit status is the worst target's */
static gboolean
ct_cmd_fetch_many(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);
	g_autoptr(JsonBuilder) builder = cli->json ? json_builder_new() : NULL;
	CtCmdFetchMany self = {cli, builder, errors, argc > 2};

	if (builder != NULL) {
		json_builder_begin_object(builder);
		if (self.many)
			ct_json_begin_array_member(builder, "results");
	}
	results = ct_cli_acquire_sources(cli, argc, argv, ct_cmd_fetch_ready_cb, &self, error);
	if (results == NULL)
		return FALSE;
	if (!self.many && errors->len > 0) {
		ct_cli_summarise_targets(errors, 1, error);
		return FALSE;
	}
	if (builder != NULL) {
		if (self.many)
			json_builder_end_array(builder);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
	}
	ct_cli_summarise_targets(errors, results->len, error);
	return errors->len == 0;
}

gboolean
ct_cmd_fetch(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *output = NULL;
	g_autofree gchar *format_name = NULL;
	gboolean force = FALSE;
	CtExportFormat format = CT_EXPORT_FORMAT_PEM_CHAIN;
	g_autoptr(GPtrArray) chains = NULL;
	g_autoptr(GError) error_local = NULL;
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
	if (output == NULL)
		return ct_cmd_fetch_many(cli, argc, argv, error);
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;
	if (!ct_export_to_file(g_ptr_array_index(chains, 0), format, output, force, &error_local)) {
		if (g_error_matches(error_local, CT_ERROR, CT_ERROR_EXISTS)) {
			g_set_error(error, CT_ERROR, CT_ERROR_EXISTS, "%s: use --force to replace",
				    error_local->message);
			return FALSE;
		}
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_json_add_chains_members(builder, chains);
		ct_json_add_string(builder, "saved", output);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
		return TRUE;
	}
	{
		g_autoptr(GString) out = g_string_new(NULL);
		g_autofree gchar *path = ct_cli_escape(output);
		ct_cli_show_render_summary(out, g_ptr_array_index(chains, 0));
		ct_cli_print(cli, "%s", out->str);
		ct_cli_print(cli, "saved %s (%s)\n", path, ct_export_format_to_string(format));
	}
	return TRUE;
}
