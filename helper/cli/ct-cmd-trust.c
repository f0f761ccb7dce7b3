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

/* trust, untrust, list and status: the commands around the ledger */

static gboolean
ct_cmd_trust_parse_mode(const gchar *text, CtTrustMode *mode, GError **error)
{
	if (text == NULL || g_strcmp0(text, "auto") == 0) {
		*mode = CT_TRUST_MODE_AUTO;
		return TRUE;
	}
	if (g_strcmp0(text, "exception") == 0) {
		*mode = CT_TRUST_MODE_EXCEPTION;
		return TRUE;
	}
	if (g_strcmp0(text, "anchor") == 0) {
		*mode = CT_TRUST_MODE_ANCHOR;
		return TRUE;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "unknown mode '%s': use auto, exception or anchor", text);
	return FALSE;
}

/* on a terminal, ask; a "no" (or end of input) is the user's refusal, exit 6, and only
 * Ctrl-C while asking is an interruption, exit 130 */
static gboolean
ct_cmd_trust_confirm(CtCli *cli, GError **error)
{
	gchar answer[16] = {0};
	gboolean yes;

	if (cli->yes || cli->json || !isatty(STDIN_FILENO))
		return TRUE;
	fputs("Trust this certificate as planned? [y/N] ", stderr);
	fflush(stderr);
	yes = fgets(answer, sizeof(answer), stdin) != NULL &&
	      (answer[0] == 'y' || answer[0] == 'Y');
	if (g_cancellable_set_error_if_cancelled(cli->cancellable, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	if (!yes) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_REFUSED,
				    "declined at the prompt: nothing was written");
		return FALSE;
	}
	return TRUE;
}

/* done, or why not (CT_ERROR_REFUSED or CT_ERROR_FAILED) for the command's exit status */
static gboolean
ct_cmd_trust_set_outcome(gboolean done, CtError code, GError **error)
{
	if (done)
		return TRUE;
	if (code == CT_ERROR_REFUSED)
		g_set_error_literal(error, CT_ERROR, CT_ERROR_REFUSED,
				    "some stores were not written: see why above");
	else
		g_set_error_literal(error, CT_ERROR, CT_ERROR_FAILED,
				    "some stores could not be written: see why above");
	return FALSE;
}

gboolean
ct_cmd_trust(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) store_specs = NULL;
	g_auto(GStrv) names = NULL;
	g_autofree gchar *mode_name = NULL;
	gboolean allow_ca = FALSE;
	gboolean override_distrust = FALSE;
	gboolean dry_run = FALSE;
	gboolean create = FALSE;
	CtTrustMode mode = CT_TRUST_MODE_AUTO;
	g_autoptr(GPtrArray) chains = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) typed = NULL;
	g_autoptr(CtTrustPlan) plan = NULL;
	CtError code = CT_ERROR_FAILED;
	gboolean done;
	const GOptionEntry entries[] = {
	    {"store", 's', 0, G_OPTION_ARG_STRING_ARRAY, &store_specs,
	     "firefox, firefox:DIR, chromium, nss:DIR, system or all (repeatable; default: "
	     "firefox and chromium)",
	     "S"},
	    {"mode", 'm', 0, G_OPTION_ARG_STRING, &mode_name,
	     "Firefox: exception (default, cert_override.txt) or anchor (cert9.db)", "MODE"},
	    {"name", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &names,
	     "Another name you will type, HOST or HOST:PORT (repeatable)", "HOST"},
	    {"allow-ca", 0, 0, G_OPTION_ARG_NONE, &allow_ca,
	     "Allow installing a certificate that can sign others as a trust anchor", NULL},
	    {"override-distrust", 0, 0, G_OPTION_ARG_NONE, &override_distrust,
	     "Trust a certificate you distrust in an NSS database (untrust puts the distrust "
	     "back)",
	     NULL},
	    {"dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, "Show the plan, write nothing", NULL},
	    {"create", 0, 0, G_OPTION_ARG_NONE, &create,
	     "Make a new NSS database for nss:DIR when there is none", NULL},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (!ct_cmd_trust_parse_mode(mode_name, &mode, error))
		return FALSE;
	if (argc != 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give one SOURCE to trust");
		return FALSE;
	}
	typed = ct_cli_typed_names(argv[1], names, error);
	if (typed == NULL)
		return FALSE;
	stores = ct_store_resolve((const gchar *const *)store_specs, cli->sysroot, create, error);
	if (stores == NULL)
		return FALSE;
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;
	plan = ct_trust_plan_new(g_ptr_array_index(chains, 0), stores, typed, mode, allow_ca,
				 cli->sysroot, error);
	if (plan == NULL)
		return FALSE;
	plan->override_distrust = override_distrust;
	ct_trust_plan_find_users_entries(plan);
	if (!cli->json) {
		g_autoptr(GString) out = g_string_new(NULL);
		if (!ct_cli_trust_find_retired(plan, error))
			return FALSE;
		ct_cli_trust_render_plan(out, plan, FALSE);
		ct_cli_print(cli, "%s", out->str);
	}
	if (!dry_run && !ct_cmd_trust_confirm(cli, error))
		return FALSE;
	if (!ct_cli_trust_apply(plan, dry_run, error))
		return FALSE;
	ct_cli_trust_print_verbose(cli, plan);
	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_cli_trust_add_json(builder, plan);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
	} else {
		g_autoptr(GString) out = g_string_new("\n");
		ct_cli_trust_render_plan(out, plan, TRUE);
		ct_cli_print(cli, "%s", out->str);
	}
	done = ct_trust_plan_get_outcome(plan, &code);
	return ct_cmd_trust_set_outcome(done, code, error);
}

static gboolean
ct_cmd_trust_stores_filter(CtCli *cli, gchar **specs, GPtrArray **stores, GError **error)
{
	*stores = NULL;
	if (specs == NULL || specs[0] == NULL)
		return TRUE;
	*stores = ct_store_resolve((const gchar *const *)specs, cli->sysroot, FALSE, error);
	return *stores != NULL;
}

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

gboolean
ct_cmd_untrust(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) store_specs = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autofree gchar *ledger_path = ct_context_get_ledger_path();
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
	if (!ct_cmd_trust_stores_filter(cli, store_specs, &stores, error))
		return FALSE;
	ledger = ct_ledger_open(ledger_path, error);
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
		ledger = ct_ledger_open(ledger_path, error);
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
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		if (sha256 != NULL) {
			json_builder_set_member_name(builder, "sha256");
			json_builder_add_string_value(builder, sha256);
		}
		if (for_name != NULL) {
			json_builder_set_member_name(builder, "for");
			json_builder_add_string_value(builder, for_name);
		}
		json_builder_set_member_name(builder, "stores");
		json_builder_begin_array(builder);
		for (guint i = 0; i < results->len; i++) {
			CtUntrustResult *result = g_ptr_array_index(results, i);
			json_builder_begin_object(builder);
			json_builder_set_member_name(builder, "store");
			json_builder_add_string_value(builder, result->entry->store);
			json_builder_set_member_name(builder, "location");
			json_builder_add_string_value(builder, result->entry->location);
			json_builder_set_member_name(builder, "action");
			json_builder_add_string_value(builder, result->entry->kind);
			json_builder_set_member_name(builder, "sha256");
			json_builder_add_string_value(builder, result->entry->sha256);
			json_builder_set_member_name(builder, "result");
			json_builder_add_string_value(builder, result->result);
			json_builder_set_member_name(builder, "message");
			json_builder_add_string_value(builder, result->message != NULL
								   ? result->message
								   : "");
			json_builder_end_object(builder);
		}
		json_builder_end_array(builder);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
	}
	for (guint i = 0; i < results->len; i++) {
		CtUntrustResult *result = g_ptr_array_index(results, i);
		g_autofree gchar *location = ct_cli_escape(result->entry->location);
		g_string_append_printf(out, "%s %s %s%s%s: %s", result->entry->store, location,
				       result->entry->kind, result->entry->host != NULL ? " " : "",
				       result->entry->host != NULL ? result->entry->host : "",
				       result->result);
		if (result->message != NULL) {
			g_autofree gchar *message = ct_cli_escape(result->message);
			g_string_append_printf(out, " (%s)", message);
		}
		g_string_append_c(out, '\n');
		/* left: the user changed it by hand, so untrust did not undo it (exit 6) */
		refused |= g_strcmp0(result->result, "refused") == 0 ||
			   g_strcmp0(result->result, "left") == 0;
		failed |= g_strcmp0(result->result, "failed") == 0;
	}
	if (!cli->json)
		ct_cli_print(cli, "%s", out->str);
	return ct_cmd_trust_set_outcome(!failed && !refused,
					failed ? CT_ERROR_FAILED : CT_ERROR_REFUSED, error);
}

gboolean
ct_cmd_list(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) store_specs = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autofree gchar *ledger_path = ct_context_get_ledger_path();
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
	if (!ct_cmd_trust_stores_filter(cli, store_specs, &stores, error))
		return FALSE;
	ledger = ct_ledger_open(ledger_path, error);
	if (ledger == NULL)
		return FALSE;
	entries = ct_ledger_get_entries(ledger);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "entries");
	json_builder_begin_array(builder);
	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		g_autofree gchar *subject = ct_cli_escape(entry->subject);
		g_autofree gchar *location = ct_cli_escape(entry->location);
		gint64 days = (entry->not_after - now) / (24 * 60 * 60);
		g_autoptr(GError) error_local = NULL;
		gboolean present = FALSE;
		if (!ct_store_selects(stores, entry))
			continue;
		/* what the store holds now, not what the ledger remembers */
		if (!ct_trust_entry_is_present(entry, &present, &error_local))
			present = FALSE;
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "present");
		json_builder_add_boolean_value(builder, present);
		if (error_local != NULL) {
			json_builder_set_member_name(builder, "problem");
			json_builder_add_string_value(builder, error_local->message);
		}
		json_builder_set_member_name(builder, "store");
		json_builder_add_string_value(builder, entry->store);
		json_builder_set_member_name(builder, "location");
		json_builder_add_string_value(builder, entry->location);
		json_builder_set_member_name(builder, "action");
		json_builder_add_string_value(builder, entry->kind);
		json_builder_set_member_name(builder, "sha256");
		json_builder_add_string_value(builder, entry->sha256);
		json_builder_set_member_name(builder, "host");
		json_builder_add_string_value(builder, entry->host != NULL ? entry->host : "");
		json_builder_set_member_name(builder, "nickname");
		json_builder_add_string_value(builder,
					      entry->nickname != NULL ? entry->nickname : "");
		/* what the user had before certtrust's write, which untrust puts back */
		if (entry->previous_trust != NULL) {
			json_builder_set_member_name(builder, "previous_trust");
			json_builder_add_string_value(builder, entry->previous_trust);
		}
		if (entry->previous_sha256 != NULL) {
			json_builder_set_member_name(builder, "previous_sha256");
			json_builder_add_string_value(builder, entry->previous_sha256);
		}
		json_builder_set_member_name(builder, "names");
		json_builder_begin_array(builder);
		if (entry->host != NULL)
			json_builder_add_string_value(builder, entry->host);
		for (guint n = 0;
		     entry->host == NULL && entry->names != NULL && entry->names[n] != NULL; n++)
			json_builder_add_string_value(builder, entry->names[n]);
		json_builder_end_array(builder);
		json_builder_set_member_name(builder, "days_left");
		json_builder_add_int_value(builder, days);
		json_builder_end_object(builder);
		g_string_append_printf(out,
				       "%s %s\n  %s %s\n  %s\n  SHA-256 %s, %s %" G_GINT64_FORMAT
				       " days\n",
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
		if (error_local != NULL) {
			g_autofree gchar *problem = ct_cli_escape(error_local->message);
			g_string_append_printf(out, "  cannot read the store: %s\n", problem);
		} else if (!present) {
			g_string_append(out,
					"  no longer in the store (removed outside certtrust): "
					"certtrust untrust forgets it\n");
		}
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	if (cli->json)
		ct_cli_print_json(cli, builder);
	else
		ct_cli_print(cli, "%s", out->len > 0 ? out->str : "certtrust trusts nothing yet\n");
	return TRUE;
}

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
	if (!ct_cmd_trust_stores_filter(cli, store_specs, &stores, error))
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
