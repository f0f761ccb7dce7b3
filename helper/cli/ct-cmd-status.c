/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-cli-trust.h"
#include "ct-cli.h"
#include "ct-fetch.h"
#include "ct-json.h"
#include "ct-source.h"
#include "ct-trust-status.h"
#include "ct-trust.h"

/* status: is the certificate a server presents the one certtrust trusted? */

static void
ct_cmd_status_add_entries(JsonBuilder *builder, const gchar *member, GPtrArray *entries)
{
	ct_json_begin_array_member(builder, member);
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

static void
ct_cmd_status_add_members(JsonBuilder *builder,
			  CtTrustStatus *status,
			  CtCertificate *leaf,
			  const gchar *source)
{
	gboolean trusted = status->verdict == CT_TRUST_VERDICT_TRUSTED;

	ct_json_add_string(builder, "source", source);
	ct_json_add_string(builder, "status", ct_trust_verdict_to_string(status->verdict));
	ct_json_add_string(builder, "sha256", leaf->sha256);
	ct_json_add_string(builder, "trusted_sha256",
			   trusted ? leaf->sha256 : status->trusted_sha256);
	ct_json_add_int(builder, "days_left", status->days_left);
	ct_json_add_int(builder, "stores", status->present->len);
	ct_cmd_status_add_entries(builder, "present", status->present);
	ct_cmd_status_add_entries(builder, "missing", status->missing);
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

static void
ct_cmd_status_add_error(JsonBuilder *builder, const gchar *source, const GError *error)
{
	ct_json_add_string(builder, "source", source);
	ct_json_add_error(builder, error);
}

/* status of many SOURCEs: each target's verdict as it comes, in the order given */
typedef struct {
	CtCli *cli;
	CtLedger *ledger;
	GPtrArray *stores;
	gboolean exact;
	gboolean many;
	JsonBuilder *builder; /* --json */
	GPtrArray *errors;    /* GError*: targets not trusted, or not read */
} CtCmdStatusMany;

static void
ct_cmd_status_ready_cb(CtFetchResult *result, guint index, guint total, gpointer user_data)
{
	CtCmdStatusMany *self = user_data;
	g_autoptr(GString) out = g_string_new(self->many && index > 0 ? "\n" : NULL);
	g_autoptr(CtTrustStatus) status = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *source = ct_cli_escape(result->source);
	CtCertificate *leaf = NULL;
	guint16 port = CT_SOURCE_DEFAULT_PORT;

	if (result->chain != NULL) {
		name = ct_cli_source_name(result->source, &port);
		leaf = ct_chain_get_leaf(result->chain);
		status = ct_trust_status_new(self->ledger, leaf, name, self->stores, self->exact,
					     &error);
	} else {
		error = g_error_copy(result->error);
	}
	if (status != NULL)
		ct_cmd_status_set_error(status, &error);
	if (error != NULL)
		g_ptr_array_add(self->errors, g_error_copy(error));
	/* one SOURCE that could not be read or judged is any command's error */
	if (!self->many && status == NULL)
		return;
	if (self->cli->json) {
		json_builder_begin_object(self->builder);
		if (status != NULL)
			ct_cmd_status_add_members(self->builder, status, leaf, result->source);
		else
			ct_cmd_status_add_error(self->builder, result->source, error);
		json_builder_end_object(self->builder);
		return;
	}
	if (self->many)
		g_string_append_printf(out, "%s\n", source);
	if (status != NULL) {
		ct_cmd_status_render(out, status, leaf, self->exact);
	} else {
		g_autofree gchar *message = ct_cli_escape(error->message);
		g_string_append_printf(out, "  failed: %s\n", message);
	}
	ct_cli_print(self->cli, "%s", out->str);
}

gboolean
ct_cmd_status(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	gboolean exact = FALSE;
	g_auto(GStrv) store_specs = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);
	g_autoptr(CtLedger) ledger = NULL;
	g_autoptr(JsonBuilder) builder = NULL;
	CtCmdStatusMany self = {0};
	const GOptionEntry options[] = {
	    {"exact", 0, 0, G_OPTION_ARG_NONE, &exact,
	     "That exact certificate must be trusted, not its CA (the seed's TVS rule)", NULL},
	    {"store", 's', 0, G_OPTION_ARG_STRING_ARRAY, &store_specs, "Only these stores", "S"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, options, &argc, &argv, error))
		return FALSE;
	if (!ct_cli_trust_stores_filter(cli, store_specs, &stores, error))
		return FALSE;
	ledger = ct_trust_open_ledger(error);
	if (ledger == NULL)
		return FALSE;
	self.cli = cli;
	self.ledger = ledger;
	self.stores = stores;
	self.exact = exact;
	self.many = argc > 2;
	self.errors = errors;
	/* one SOURCE: its document; several: one entry each in "results" */
	if (cli->json) {
		builder = json_builder_new();
		if (self.many) {
			json_builder_begin_object(builder);
			ct_json_begin_array_member(builder, "results");
		}
	}
	self.builder = builder;
	results = ct_cli_acquire_sources(cli, argc, argv, ct_cmd_status_ready_cb, &self, error);
	if (results == NULL)
		return FALSE;
	if (builder != NULL && self.many) {
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	/* nothing built: the one SOURCE could not be read, its error is the document */
	if (builder != NULL) {
		g_autoptr(JsonNode) root = json_builder_get_root(builder);
		if (root != NULL)
			ct_cli_print_json(cli, builder);
	}
	ct_cli_summarise_targets(errors, results->len, error);
	return errors->len == 0;
}
