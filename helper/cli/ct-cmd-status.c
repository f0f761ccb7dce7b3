/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-cli-trust.h"
#include "ct-cli.h"
#include "ct-context.h"
#include "ct-json.h"
#include "ct-source.h"
#include "ct-trust.h"

/* status: is the certificate a server presents the one certtrust trusted? */

/* the ledger's entries for a certificate, each re-read from its store: present ones in
 * found, the ones a user removed by hand in missing */
static gboolean
ct_cmd_status_recheck(GPtrArray *entries,
		      GPtrArray *stores,
		      const gchar *exact_sha256,
		      GPtrArray *found,
		      GPtrArray *missing,
		      GError **error)
{
	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		gboolean present = FALSE;

		if (!ct_store_selects(stores, entry))
			continue;
		/* UCM's TVS rule (docs/browser-procedures.md): that certificate, not its CA */
		if (exact_sha256 != NULL && g_strcmp0(entry->sha256, exact_sha256) != 0)
			continue;
		if (!ct_trust_entry_is_present(entry, &present, error))
			return FALSE;
		g_ptr_array_add(present ? found : missing, entry);
	}
	return TRUE;
}

static void
ct_cmd_status_add_entries(JsonBuilder *builder, const gchar *member, GPtrArray *entries)
{
	json_builder_set_member_name(builder, member);
	json_builder_begin_array(builder);
	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "store");
		json_builder_add_string_value(builder, entry->store);
		json_builder_set_member_name(builder, "location");
		json_builder_add_string_value(builder, entry->location);
		json_builder_set_member_name(builder, "action");
		json_builder_add_string_value(builder, entry->kind);
		json_builder_set_member_name(builder, "sha256");
		json_builder_add_string_value(builder, entry->sha256);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

static void
ct_cmd_status_print_entries(GString *out, const gchar *title, GPtrArray *entries)
{
	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		g_autofree gchar *location = ct_cli_escape(entry->location);
		g_string_append_printf(out, "  %s %s %s: %s\n", title, entry->store, entry->kind,
				       location);
	}
}

gboolean
ct_cmd_status(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	gboolean exact = FALSE;
	g_auto(GStrv) store_specs = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) chains = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autofree gchar *ledger_path = ct_context_get_ledger_path();
	g_autofree gchar *name = NULL;
	g_autoptr(GPtrArray) ours = NULL;
	g_autoptr(GPtrArray) found = g_ptr_array_new();
	g_autoptr(GPtrArray) missing = g_ptr_array_new();
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree gchar *trusted_sha = NULL;
	CtCertificate *leaf;
	GPtrArray *entries;
	guint16 port = CT_SOURCE_DEFAULT_PORT;
	gint64 days;
	const gchar *verdict;
	const GOptionEntry options[] = {
	    {"exact", 0, 0, G_OPTION_ARG_NONE, &exact,
	     "That exact certificate must be trusted, not its CA (the seed's TVS rule)", NULL},
	    {"store", 's', 0, G_OPTION_ARG_STRING_ARRAY, &store_specs, "Only these stores", "S"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, options, &argc, &argv, error))
		return FALSE;
	if (argc != 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "give one SOURCE");
		return FALSE;
	}
	if (!ct_cli_trust_stores_filter(cli, store_specs, &stores, error))
		return FALSE;
	name = ct_cli_source_name(argv[1], &port);
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;
	leaf = ct_chain_get_leaf(g_ptr_array_index(chains, 0));
	ledger = ct_ledger_open(ledger_path, error);
	if (ledger == NULL)
		return FALSE;
	ours = ct_ledger_find(ledger, leaf->sha256);
	if (!ct_cmd_status_recheck(ours, stores, exact ? leaf->sha256 : NULL, found, missing,
				   error))
		return FALSE;
	/* what certtrust trusted for this host:port before, if the server changed */
	entries = ct_ledger_get_entries(ledger);
	for (guint i = 0; name != NULL && i < entries->len && ours->len == 0; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		if (ct_ledger_entry_has_name(entry, name) && ct_store_selects(stores, entry)) {
			/* the newest entry for the name wins */
			g_free(trusted_sha);
			trusted_sha = g_strdup(entry->for_sha256);
		}
	}
	days = (leaf->not_after - g_get_real_time() / G_USEC_PER_SEC) / (24 * 60 * 60);
	verdict = found->len > 0	? "trusted"
		  : trusted_sha != NULL ? "changed"
		  : missing->len > 0	? "removed"
					: "not-trusted";

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "status");
	json_builder_add_string_value(builder, verdict);
	json_builder_set_member_name(builder, "sha256");
	json_builder_add_string_value(builder, leaf->sha256);
	json_builder_set_member_name(builder, "trusted_sha256");
	json_builder_add_string_value(builder, found->len > 0 ? leaf->sha256 : trusted_sha);
	json_builder_set_member_name(builder, "days_left");
	json_builder_add_int_value(builder, days);
	json_builder_set_member_name(builder, "stores");
	json_builder_add_int_value(builder, found->len);
	ct_cmd_status_add_entries(builder, "present", found);
	ct_cmd_status_add_entries(builder, "missing", missing);
	json_builder_end_object(builder);

	if (found->len > 0)
		g_string_append_printf(out,
				       "trusted: the server presents the certificate certtrust "
				       "trusted%s; it %s %" G_GINT64_FORMAT " days\n",
				       exact ? " itself" : "", days >= 0 ? "expires in" : "expired",
				       days >= 0 ? days : -days);
	else if (trusted_sha != NULL)
		g_string_append_printf(out,
				       "changed: the server now presents\n  %s\nbut certtrust "
				       "trusted\n  %s\n(a regenerated certificate: check it, then "
				       "trust it again)\n",
				       leaf->sha256, trusted_sha);
	else if (missing->len > 0)
		g_string_append_printf(out,
				       "removed: certtrust trusted %s%s, but it is no longer in "
				       "the stores (removed by hand?)\n",
				       leaf->sha256, exact ? " itself" : "");
	else
		g_string_append_printf(out, "not trusted: certtrust has not trusted %s%s\n",
				       leaf->sha256, exact ? " itself" : "");
	ct_cmd_status_print_entries(out, "in", found);
	ct_cmd_status_print_entries(out, "gone from", missing);
	if (cli->json)
		ct_cli_print_json(cli, builder);
	else
		ct_cli_print(cli, "%s", out->str);
	if (found->len == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_CHECK_FAILED,
			    trusted_sha != NULL ? "the server's certificate changed"
			    : missing->len > 0
				? "the trust certtrust wrote is no longer in the stores"
				: "the server's certificate is not trusted by certtrust");
		return FALSE;
	}
	return TRUE;
}
