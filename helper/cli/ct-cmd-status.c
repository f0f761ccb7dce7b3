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
#include "ct-trust-status.h"
#include "ct-trust.h"

/* status: is the certificate a server presents the one certtrust trusted? */

static void
ct_cmd_status_add_entries(JsonBuilder *builder, const gchar *member, GPtrArray *entries)
{
	json_builder_set_member_name(builder, member);
	json_builder_begin_array(builder);
	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		json_builder_begin_object(builder);
		ct_cli_trust_add_entry_members(builder, entry);
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

static JsonBuilder *
ct_cmd_status_to_json(CtTrustStatus *status, CtCertificate *leaf)
{
	JsonBuilder *builder = json_builder_new();
	gboolean trusted = status->verdict == CT_TRUST_VERDICT_TRUSTED;

	json_builder_begin_object(builder);
	ct_json_add_string(builder, "status", ct_trust_verdict_to_string(status->verdict));
	ct_json_add_string(builder, "sha256", leaf->sha256);
	ct_json_add_string(builder, "trusted_sha256",
			   trusted ? leaf->sha256 : status->trusted_sha256);
	ct_json_add_int(builder, "days_left", status->days_left);
	ct_json_add_int(builder, "stores", status->present->len);
	ct_cmd_status_add_entries(builder, "present", status->present);
	ct_cmd_status_add_entries(builder, "missing", status->missing);
	json_builder_end_object(builder);
	return builder;
}

static void
ct_cmd_status_render(GString *out, CtTrustStatus *status, CtCertificate *leaf, gboolean exact)
{
	gint64 days = status->days_left;

	switch (status->verdict) {
	case CT_TRUST_VERDICT_TRUSTED:
		g_string_append_printf(out,
				       "trusted: the server presents the certificate certtrust "
				       "trusted%s; it %s %" G_GINT64_FORMAT " days\n",
				       exact ? " itself" : "", days >= 0 ? "expires in" : "expired",
				       days >= 0 ? days : -days);
		break;
	case CT_TRUST_VERDICT_CHANGED:
		g_string_append_printf(out,
				       "changed: the server now presents\n  %s\nbut certtrust "
				       "trusted\n  %s\n(a regenerated certificate: check it, then "
				       "trust it again)\n",
				       leaf->sha256, status->trusted_sha256);
		break;
	case CT_TRUST_VERDICT_REMOVED:
		g_string_append_printf(out,
				       "removed: certtrust trusted %s%s, but it is no longer in "
				       "the stores (removed by hand?)\n",
				       leaf->sha256, exact ? " itself" : "");
		break;
	case CT_TRUST_VERDICT_NOT_TRUSTED:
	default:
		g_string_append_printf(out, "not trusted: certtrust has not trusted %s%s\n",
				       leaf->sha256, exact ? " itself" : "");
		break;
	}
	ct_cmd_status_print_entries(out, "in", status->present);
	ct_cmd_status_print_entries(out, "gone from", status->missing);
}

/* every verdict but trusted is a negative check (exit 4), saying which */
static gboolean
ct_cmd_status_set_error(CtTrustStatus *status, GError **error)
{
	const gchar *why;

	switch (status->verdict) {
	case CT_TRUST_VERDICT_TRUSTED:
		return TRUE;
	case CT_TRUST_VERDICT_CHANGED:
		why = "the server's certificate changed";
		break;
	case CT_TRUST_VERDICT_REMOVED:
		why = "the trust certtrust wrote is no longer in the stores";
		break;
	case CT_TRUST_VERDICT_NOT_TRUSTED:
	default:
		why = "the server's certificate is not trusted by certtrust";
		break;
	}
	g_set_error_literal(error, CT_ERROR, CT_ERROR_CHECK_FAILED, why);
	return FALSE;
}

gboolean
ct_cmd_status(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	gboolean exact = FALSE;
	g_auto(GStrv) store_specs = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) chains = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autoptr(CtTrustStatus) status = NULL;
	g_autofree gchar *name = NULL;
	CtCertificate *leaf;
	guint16 port = CT_SOURCE_DEFAULT_PORT;
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
	ledger = ct_trust_open_ledger(error);
	if (ledger == NULL)
		return FALSE;
	status = ct_trust_status_new(ledger, leaf, name, stores, exact, error);
	if (status == NULL)
		return FALSE;
	if (cli->json) {
		g_autoptr(JsonBuilder) builder = ct_cmd_status_to_json(status, leaf);
		ct_cli_print_json(cli, builder);
	} else {
		g_autoptr(GString) out = g_string_new(NULL);
		ct_cmd_status_render(out, status, leaf, exact);
		ct_cli_print(cli, "%s", out->str);
	}
	return ct_cmd_status_set_error(status, error);
}
