/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-cli-trust.h"
#include "ct-cli.h"
#include "ct-json.h"
#include "ct-source.h"
#include "ct-trust.h"

/* list: what certtrust trusts where, each entry re-read from its store */

/* one entry of list's JSON: what the store holds now (present, or the problem reading it)
 * beside what the ledger recorded */
static void
ct_cmd_list_add_json(JsonBuilder *builder,
		     CtLedgerEntry *entry,
		     gboolean present,
		     const GError *problem,
		     gint64 days)
{
	json_builder_begin_object(builder);
	ct_json_add_boolean(builder, "present", present);
	if (problem != NULL) {
		ct_json_add_string(builder, "problem", problem->message);
	}
	ct_cli_trust_add_entry_members(builder, entry);
	ct_json_add_string(builder, "host", entry->host != NULL ? entry->host : "");
	ct_json_add_string(builder, "nickname", entry->nickname != NULL ? entry->nickname : "");
	/* what the user had before certtrust's write, which untrust puts back */
	if (entry->previous_trust != NULL) {
		ct_json_add_string(builder, "previous_trust", entry->previous_trust);
	}
	if (entry->previous_sha256 != NULL) {
		ct_json_add_string(builder, "previous_sha256", entry->previous_sha256);
	}
	ct_json_begin_array_member(builder, "names");
	if (entry->host != NULL)
		json_builder_add_string_value(builder, entry->host);
	for (guint n = 0; entry->host == NULL && entry->names != NULL && entry->names[n] != NULL;
	     n++)
		json_builder_add_string_value(builder, entry->names[n]);
	json_builder_end_array(builder);
	ct_json_add_int(builder, "days_left", days);
	json_builder_end_object(builder);
}

/* one entry of list's text */
static void
ct_cmd_list_render(GString *out,
		   CtLedgerEntry *entry,
		   gboolean present,
		   const GError *problem,
		   gint64 days)
{
	g_autofree gchar *subject = ct_cli_escape(entry->subject);
	g_autofree gchar *location = ct_cli_escape(entry->location);

	g_string_append_printf(out,
			       "%s %s\n  %s %s\n  %s\n  SHA-256 %s, %s %" G_GINT64_FORMAT " days\n",
			       entry->store, location, entry->kind,
			       entry->host != NULL
				   ? entry->host
				   : (entry->nickname != NULL ? entry->nickname : ""),
			       subject, entry->sha256, days >= 0 ? "expires in" : "expired",
			       days >= 0 ? days : -days);
	if (entry->host == NULL && entry->names != NULL && entry->names[0] != NULL) {
		g_autofree gchar *joined = g_strjoinv(", ", entry->names);
		g_autofree gchar *shown = ct_cli_escape(joined);
		g_string_append_printf(out, "  for %s\n", shown);
	}
	if (problem != NULL) {
		g_autofree gchar *shown = ct_cli_escape(problem->message);
		g_string_append_printf(out, "  cannot read the store: %s\n", shown);
	} else if (!present) {
		g_string_append(out, "  no longer in the store (removed outside certtrust): "
				     "certtrust untrust forgets it\n");
	}
}

gboolean
ct_cmd_list(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) store_specs = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GString) out = g_string_new(NULL);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	GPtrArray *entries;
	const GOptionEntry options[] = {
	    {"store", 's', 0, G_OPTION_ARG_STRING_ARRAY, &store_specs, "Only these stores", "S"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_options(cli, options, &argc, &argv, error))
		return FALSE;
	ledger = ct_cli_trust_open_ledger(cli, store_specs, &stores, error);
	if (ledger == NULL)
		return FALSE;
	entries = ct_ledger_get_entries(ledger);
	json_builder_begin_object(builder);
	ct_json_begin_array_member(builder, "entries");
	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		gint64 days = (entry->not_after - now) / (24 * 60 * 60);
		g_autoptr(GError) error_local = NULL;
		gboolean present = FALSE;
		if (!ct_store_selects(stores, entry))
			continue;
		/* what the store holds now, not what the ledger remembers */
		if (!ct_trust_entry_is_present(entry, &present, &error_local))
			present = FALSE;
		ct_cmd_list_add_json(builder, entry, present, error_local, days);
		ct_cmd_list_render(out, entry, present, error_local, days);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	if (cli->json)
		ct_cli_print_json(cli, builder);
	else
		ct_cli_print(cli, "%s", out->len > 0 ? out->str : "certtrust trusts nothing yet\n");
	return TRUE;
}
