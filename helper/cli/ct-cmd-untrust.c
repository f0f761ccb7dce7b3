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

/* untrust: remove what certtrust wrote for a certificate (by SHA-256 prefix or SOURCE), putting
 * back what it replaced */

/* the one certificate certtrust trusted whose SHA-256 starts with prefix; several: exit 2
 * naming each */
static gchar *
ct_cmd_untrust_find_prefix(CtLedger *ledger, const gchar *text, const gchar *prefix, GError **error)
{
	g_autoptr(GPtrArray) matches = ct_ledger_find_prefix(ledger, prefix);
	g_autoptr(GString) candidates = g_string_new(NULL);

	if (matches->len == 1)
		return g_strdup(g_ptr_array_index(matches, 0));
	if (matches->len == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "certtrust has not trusted a certificate whose SHA-256 starts with %s",
			    text);
		return NULL;
	}
	for (guint i = 0; i < matches->len; i++) {
		const gchar *sha256 = g_ptr_array_index(matches, i);
		g_autoptr(GPtrArray) entries = ct_ledger_find(ledger, sha256);
		CtLedgerEntry *entry = g_ptr_array_index(entries, 0);
		g_autofree gchar *subject = ct_cli_escape(
		    g_strcmp0(entry->sha256, sha256) == 0 ? entry->subject : "(its CA trusted)");
		g_string_append_printf(candidates, "\n  %s %s", sha256, subject);
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "%s matches %u certificates certtrust trusted; give more digits:%s", text,
		    matches->len, candidates->str);
	return NULL;
}

/* the start of a SHA-256 that text is (*prefix NULL: a SOURCE to read). A fingerprint (or
 * its start) is looked up before any host (never an IPv6 address); only a file of that name
 * comes first; hex pairs too few to look up are a usage error, never a host */
static gboolean
ct_cmd_untrust_parse_prefix(const gchar *text, gchar **prefix, GError **error)
{
	if (g_file_test(text, G_FILE_TEST_EXISTS))
		return TRUE;
	*prefix = ct_ledger_parse_sha256_prefix(text);
	if (*prefix == NULL && ct_source_classify(text) == CT_SOURCE_KIND_FINGERPRINT) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s is not a SHA-256 nor its start: give 8 to 64 hex digits", text);
		return FALSE;
	}
	return TRUE;
}

/* {"sha256" or "for", "stores": [one object per removal]} */
static JsonBuilder *
ct_cmd_untrust_to_json(const gchar *sha256, const gchar *for_name, GPtrArray *results)
{
	JsonBuilder *builder = json_builder_new();

	json_builder_begin_object(builder);
	if (sha256 != NULL) {
		ct_json_add_string(builder, "sha256", sha256);
	}
	if (for_name != NULL) {
		ct_json_add_string(builder, "for", for_name);
	}
	ct_json_begin_array_member(builder, "stores");
	for (guint i = 0; i < results->len; i++) {
		CtUntrustResult *result = g_ptr_array_index(results, i);
		json_builder_begin_object(builder);
		ct_cli_trust_add_entry_members(builder, result->entry);
		ct_cli_trust_add_removal_members(builder, result);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	return builder;
}

/* one line per removal; *failed and *refused say whether one failed or was refused or left */
static void
ct_cmd_untrust_render(GString *out, GPtrArray *results, gboolean *failed, gboolean *refused)
{
	for (guint i = 0; i < results->len; i++) {
		CtUntrustResult *result = g_ptr_array_index(results, i);
		g_autofree gchar *location = ct_cli_escape(result->entry->location);
		g_string_append_printf(out, "%s %s %s%s%s: %s", result->entry->store, location,
				       result->entry->kind, result->entry->host != NULL ? " " : "",
				       result->entry->host != NULL ? result->entry->host : "",
				       ct_removal_result_to_string(result->result));
		if (result->message != NULL) {
			g_autofree gchar *message = ct_cli_escape(result->message);
			g_string_append_printf(out, " (%s)", message);
		}
		g_string_append_c(out, '\n');
		/* left: the user changed it by hand, so untrust did not undo it (exit 6) */
		*refused |= result->result == CT_REMOVAL_RESULT_REFUSED ||
			    result->result == CT_REMOVAL_RESULT_LEFT;
		*failed |= result->result == CT_REMOVAL_RESULT_FAILED;
	}
}

gboolean
ct_cmd_untrust(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) store_specs = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autofree gchar *sha256 = NULL;
	g_autofree gchar *prefix = NULL;
	g_autofree gchar *for_text = NULL;
	g_autofree gchar *for_name = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	gboolean failed = FALSE;
	gboolean refused = FALSE;
	guint16 port = CT_SOURCE_DEFAULT_PORT;
	const GOptionEntry entries[] = {
	    {"store", 's', 0, G_OPTION_ARG_STRING_ARRAY, &store_specs,
	     "Only these stores (default: everywhere certtrust wrote it)", "S"},
	    {"for", 0, 0, G_OPTION_ARG_STRING, &for_text,
	     "What certtrust trusted for HOST:PORT, whichever certificate that was", "HOST:PORT"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (for_text != NULL ? argc != 1 : argc != 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give one SOURCE, a SHA-256 (or its first 8 or more hex "
				    "digits), or --for HOST:PORT");
		return FALSE;
	}
	if (for_text != NULL) {
		for_name = ct_cli_source_name(for_text, &port);
		if (for_name == NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--for %s: give HOST:PORT, the name the server was trusted for",
				    for_text);
			return FALSE;
		}
	}
	ledger = ct_cli_trust_open_ledger(cli, store_specs, &stores, error);
	if (ledger == NULL)
		return FALSE;
	if (for_name == NULL && !ct_cmd_untrust_parse_prefix(argv[1], &prefix, error))
		return FALSE;
	if (prefix != NULL) {
		sha256 = ct_cmd_untrust_find_prefix(ledger, argv[1], prefix, error);
		if (sha256 == NULL)
			return FALSE;
	} else if (for_name == NULL) {
		g_autoptr(GPtrArray) chains = NULL;
		/* fetching can take a while: the ledger is not held meanwhile */
		g_clear_pointer(&ledger, ct_ledger_close);
		chains = ct_cli_load_sources(cli, argc, argv, error);
		if (chains == NULL)
			return FALSE;
		sha256 = g_strdup(ct_chain_get_leaf(g_ptr_array_index(chains, 0))->sha256);
		ledger = ct_trust_open_ledger(error);
		if (ledger == NULL)
			return FALSE;
	}
	results = for_name != NULL ? ct_trust_remove_for(ledger, for_name, stores,
							 cli->sysroot != NULL ? cli->sysroot : "/")
				   : ct_trust_remove(ledger, sha256, stores,
						     cli->sysroot != NULL ? cli->sysroot : "/");
	if (!ct_ledger_save(ledger, error))
		return FALSE;
	ct_cli_trust_print_removals_verbose(cli, results);
	if (results->len == 0) {
		g_autofree gchar *source_name = for_name == NULL && prefix == NULL
						    ? ct_cli_source_name(argv[1], &port)
						    : NULL;
		g_autofree gchar *hint =
		    source_name != NULL
			? g_strdup_printf(" (if the server changed its certificate, untrust --for "
					  "%s removes what was trusted for it)",
					  source_name)
			: g_strdup("");
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "certtrust has not trusted %s%s in %s%s",
			    for_name != NULL ? "anything for " : "",
			    for_name != NULL ? for_name : sha256,
			    stores != NULL ? "those stores" : "any store", hint);
		return FALSE;
	}
	if (cli->json) {
		g_autoptr(JsonBuilder) builder = ct_cmd_untrust_to_json(sha256, for_name, results);
		ct_cli_print_json(cli, builder);
	}
	ct_cmd_untrust_render(out, results, &failed, &refused);
	if (!cli->json)
		ct_cli_print(cli, "%s", out->str);
	return ct_cli_trust_set_outcome(!failed && !refused,
					failed ? CT_ERROR_FAILED : CT_ERROR_REFUSED, error);
}
