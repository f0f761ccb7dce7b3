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

/* {"source" when many, "sha256" or "for", "stores": [one object per removal]} */
static void
ct_cmd_untrust_add_json(JsonBuilder *builder,
			const gchar *source,
			const gchar *sha256,
			const gchar *for_name,
			GPtrArray *results)
{
	json_builder_begin_object(builder);
	if (source != NULL)
		ct_json_add_string(builder, "source", source);
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
}

/* whether a removal failed, or was refused or left */
static void
ct_cmd_untrust_judge(GPtrArray *results, gboolean *failed, gboolean *refused)
{
	for (guint i = 0; i < results->len; i++) {
		CtUntrustResult *result = g_ptr_array_index(results, i);
		/* left: the user changed it by hand, so untrust did not undo it (exit 6) */
		*refused |= result->result == CT_REMOVAL_RESULT_REFUSED ||
			    result->result == CT_REMOVAL_RESULT_LEFT;
		*failed |= result->result == CT_REMOVAL_RESULT_FAILED;
	}
}

/* one line per removal */
static void
ct_cmd_untrust_render(GString *out, GPtrArray *results)
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
	}
}

/* one thing to untrust: a SOURCE, a SHA-256 (or its start) or --for HOST:PORT; what it
 * took away, or why not */
typedef struct {
	const gchar *text;
	gchar *prefix;
	gchar *for_name;
	gchar *sha256;
	GPtrArray *removals;
	GError *error;
} CtCmdUntrustTarget;

static void
ct_cmd_untrust_target_free(CtCmdUntrustTarget *target)
{
	g_free(target->prefix);
	g_free(target->for_name);
	g_free(target->sha256);
	g_clear_pointer(&target->removals, g_ptr_array_unref);
	g_clear_error(&target->error);
	g_free(target);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtCmdUntrustTarget, ct_cmd_untrust_target_free)

/* the targets in the order given; a malformed one is the command's usage error */
static GPtrArray *
ct_cmd_untrust_targets_new(gchar **for_texts, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GPtrArray)
	    targets = g_ptr_array_new_with_free_func((GDestroyNotify)ct_cmd_untrust_target_free);

	for (guint i = 0; for_texts != NULL && for_texts[i] != NULL; i++) {
		g_autoptr(CtCmdUntrustTarget) target = g_new0(CtCmdUntrustTarget, 1);
		guint16 port = CT_SOURCE_DEFAULT_PORT;
		target->text = for_texts[i];
		target->for_name = ct_cli_source_name(for_texts[i], &port);
		if (target->for_name == NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--for %s: give HOST:PORT, the name the server was trusted for",
				    for_texts[i]);
			return NULL;
		}
		g_ptr_array_add(targets, g_steal_pointer(&target));
	}
	for (gint i = 1; i < argc; i++) {
		g_autoptr(CtCmdUntrustTarget) target = g_new0(CtCmdUntrustTarget, 1);
		target->text = argv[i];
		if (!ct_cmd_untrust_parse_prefix(argv[i], &target->prefix, error))
			return NULL;
		g_ptr_array_add(targets, g_steal_pointer(&target));
	}
	return g_steal_pointer(&targets);
}

/* every SOURCE among the targets read (concurrently, without holding the ledger): its
 * leaf's SHA-256, or why it could not be read */
static gboolean
ct_cmd_untrust_read_sources(CtCli *cli, GPtrArray *targets, GError **error)
{
	g_autoptr(GPtrArray) sources = g_ptr_array_new();
	g_autoptr(GPtrArray) reading = g_ptr_array_new();
	g_autoptr(GPtrArray) results = NULL;

	g_ptr_array_add(sources, (gpointer) "untrust");
	for (guint i = 0; i < targets->len; i++) {
		CtCmdUntrustTarget *target = g_ptr_array_index(targets, i);
		if (target->prefix != NULL || target->for_name != NULL)
			continue;
		g_ptr_array_add(sources, (gpointer)target->text);
		g_ptr_array_add(reading, target);
	}
	if (reading->len == 0)
		return TRUE;
	results = ct_cli_acquire_sources(cli, (gint)sources->len, (gchar **)sources->pdata, NULL,
					 NULL, error);
	if (results == NULL)
		return FALSE;
	for (guint i = 0; i < results->len; i++) {
		CtFetchResult *result = g_ptr_array_index(results, i);
		CtCmdUntrustTarget *target = g_ptr_array_index(reading, i);
		if (result->chain == NULL) {
			target->error = g_steal_pointer(&result->error);
			continue;
		}
		target->sha256 = g_strdup(ct_chain_get_leaf(result->chain)->sha256);
	}
	return TRUE;
}

/* take away what certtrust trusted for one target; nothing found is the target's error */
static void
ct_cmd_untrust_remove(CtCli *cli, CtLedger *ledger, GPtrArray *stores, CtCmdUntrustTarget *target)
{
	const gchar *sysroot = cli->sysroot != NULL ? cli->sysroot : "/";
	guint16 port = CT_SOURCE_DEFAULT_PORT;
	g_autofree gchar *source_name = NULL;
	g_autofree gchar *hint = NULL;

	if (target->error != NULL)
		return;
	if (target->prefix != NULL) {
		target->sha256 = ct_cmd_untrust_find_prefix(ledger, target->text, target->prefix,
							    &target->error);
		if (target->sha256 == NULL)
			return;
	}
	target->removals = target->for_name != NULL
			       ? ct_trust_remove_for(ledger, target->for_name, stores, sysroot)
			       : ct_trust_remove(ledger, target->sha256, stores, sysroot);
	ct_cli_trust_print_removals_verbose(cli, target->removals);
	if (target->removals->len > 0)
		return;
	if (target->for_name == NULL && target->prefix == NULL)
		source_name = ct_cli_source_name(target->text, &port);
	hint = source_name != NULL
		   ? g_strdup_printf(" (if the server changed its certificate, untrust --for "
				     "%s removes what was trusted for it)",
				     source_name)
		   : g_strdup("");
	g_set_error(&target->error, CT_ERROR, CT_ERROR_NOT_FOUND,
		    "certtrust has not trusted %s%s in %s%s",
		    target->for_name != NULL ? "anything for " : "",
		    target->for_name != NULL ? target->for_name : target->sha256,
		    stores != NULL ? "those stores" : "any store", hint);
}

/* many targets: {"results": [{"source", then the one target's members or "error"}]} */
static void
ct_cmd_untrust_print_json(CtCli *cli, GPtrArray *targets, gboolean many)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	if (many) {
		json_builder_begin_object(builder);
		ct_json_begin_array_member(builder, "results");
	}
	for (guint i = 0; i < targets->len; i++) {
		CtCmdUntrustTarget *target = g_ptr_array_index(targets, i);
		gboolean removed = target->removals != NULL && target->removals->len > 0;
		if (!many && !removed)
			return;
		if (!removed) {
			json_builder_begin_object(builder);
			ct_json_add_string(builder, "source", target->text);
			ct_json_add_error(builder, target->error);
			json_builder_end_object(builder);
			continue;
		}
		ct_cmd_untrust_add_json(builder, many ? target->text : NULL, target->sha256,
					target->for_name, target->removals);
	}
	if (many) {
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	ct_cli_print_json(cli, builder);
}

/* one target: its lines; many: each under "== TARGET", a failed one with its reason */
static void
ct_cmd_untrust_print_text(CtCli *cli, GPtrArray *targets, gboolean many)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < targets->len; i++) {
		CtCmdUntrustTarget *target = g_ptr_array_index(targets, i);
		if (many) {
			g_autofree gchar *text = ct_cli_escape(target->text);
			g_string_append_printf(out, "%s== %s\n", i > 0 ? "\n" : "", text);
		}
		if (target->removals != NULL && target->removals->len > 0) {
			ct_cmd_untrust_render(out, target->removals);
		} else if (many) {
			g_autofree gchar *message = ct_cli_escape(target->error->message);
			g_string_append_printf(out, "  failed: %s\n", message);
		}
	}
	ct_cli_print(cli, "%s", out->str);
}

gboolean
ct_cmd_untrust(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) store_specs = NULL;
	g_auto(GStrv) for_texts = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) targets = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new();
	g_autoptr(CtLedger) ledger = NULL;
	gboolean many = FALSE;
	const GOptionEntry entries[] = {
	    {"store", 's', 0, G_OPTION_ARG_STRING_ARRAY, &store_specs,
	     "Only these stores (default: everywhere certtrust wrote it)", "S"},
	    {"for", 0, 0, G_OPTION_ARG_STRING_ARRAY, &for_texts,
	     "What certtrust trusted for HOST:PORT, whichever certificate that was (repeatable)",
	     "HOST:PORT"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (for_texts != NULL ? argc != 1 : argc < 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give SOURCEs or SHA-256s (or their first 8 or more hex "
				    "digits), or --for HOST:PORT");
		return FALSE;
	}
	if (!ct_cli_trust_stores_filter(cli, store_specs, &stores, error))
		return FALSE;
	targets = ct_cmd_untrust_targets_new(for_texts, argc, argv, error);
	if (targets == NULL)
		return FALSE;
	many = targets->len > 1;
	/* reading servers can take a while: the ledger is not held meanwhile */
	if (!ct_cmd_untrust_read_sources(cli, targets, error))
		return FALSE;
	ledger = ct_trust_open_ledger(error);
	if (ledger == NULL)
		return FALSE;
	for (guint i = 0; i < targets->len; i++)
		ct_cmd_untrust_remove(cli, ledger, stores, g_ptr_array_index(targets, i));
	/* a removal done but not saved is found absent and forgotten by the next untrust */
	if (!ct_ledger_save(ledger, error))
		return FALSE;
	if (cli->json)
		ct_cmd_untrust_print_json(cli, targets, many);
	else
		ct_cmd_untrust_print_text(cli, targets, many);
	for (guint i = 0; i < targets->len; i++) {
		CtCmdUntrustTarget *target = g_ptr_array_index(targets, i);
		if (target->error == NULL && target->removals != NULL) {
			gboolean failed = FALSE;
			gboolean refused = FALSE;
			ct_cmd_untrust_judge(target->removals, &failed, &refused);
			ct_cli_trust_set_outcome(!failed && !refused,
						 failed ? CT_ERROR_FAILED : CT_ERROR_REFUSED,
						 &target->error);
		}
		if (target->error != NULL)
			g_ptr_array_add(errors, target->error);
	}
	ct_cli_summarise_targets(errors, targets->len, error);
	return errors->len == 0;
}
