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
#include "ct-trust.h"

/* trust: write a certificate into the stores the user named, after showing the plan */

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
ct_cmd_trust_confirm(CtCli *cli, guint certificates, GError **error)
{
	gchar answer[16] = {0};
	gboolean yes;

	if (cli->yes || cli->json || !isatty(STDIN_FILENO))
		return TRUE;
	if (certificates == 1)
		fputs("Trust this certificate as planned? [y/N] ", stderr);
	else
		fprintf(stderr, "Trust these %u certificates as planned? [y/N] ", certificates);
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

/* what trust was asked: the options every SOURCE shares */
typedef struct {
	GPtrArray *stores;
	gchar **names;
	CtTrustMode mode;
	gboolean allow_ca;
	gboolean override_distrust;
	guint16 port; /* for a file's own names */
} CtCmdTrustRequest;

/* is a Firefox profile among the stores that will be written? */
static gboolean
ct_cmd_trust_has_firefox(GPtrArray *stores)
{
	for (guint i = 0; i < stores->len; i++) {
		CtStore *store = g_ptr_array_index(stores, i);
		if (store->kind == CT_STORE_FIREFOX && store->problem == NULL)
			return TRUE;
	}
	return FALSE;
}

/* the names the user will type: the SOURCE's and --name's; a file without --name, for
 * stores that record no name, its certificate's own names (*derived TRUE) */
static GPtrArray *
ct_cmd_trust_names(CtCmdTrustRequest *request,
		   const gchar *source,
		   CtChain *chain,
		   gboolean *derived,
		   GError **error)
{
	g_autofree gchar *safe = NULL;

	*derived = FALSE;
	if (ct_source_is_network(source) || request->names != NULL)
		return ct_cli_typed_names(source, request->names, error);
	safe = ct_cli_escape(source);
	if (ct_cmd_trust_has_firefox(request->stores) && request->mode != CT_TRUST_MODE_ANCHOR) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s is a file: a Firefox exception is for the HOST:PORT you type: give "
			    "--name HOST:PORT, or name only stores that keep no name (--store "
			    "chromium, nss:DIR or system)",
			    safe);
		return NULL;
	}
	*derived = TRUE;
	return ct_cli_certificate_names(ct_chain_get_leaf(chain), request->port, error);
}

/* one SOURCE's plan, its names and the user's own entries looked up */
static CtTrustPlan *
ct_cmd_trust_plan(CtCli *cli,
		  CtCmdTrustRequest *request,
		  const gchar *source,
		  CtChain *chain,
		  CtTrustPlan *share_with,
		  gboolean *derived,
		  GError **error)
{
	g_autoptr(GPtrArray) typed = ct_cmd_trust_names(request, source, chain, derived, error);
	CtTrustPlan *plan = NULL;

	if (typed == NULL)
		return NULL;
	plan = ct_trust_plan_new(chain, request->stores, typed, request->mode, request->allow_ca,
				 cli->sysroot, error);
	if (plan == NULL)
		return NULL;
	plan->override_distrust = request->override_distrust;
	plan->names_derived = *derived;
	/* each NSS database opened once for the whole run */
	if (share_with != NULL)
		ct_trust_plan_share_databases(plan, share_with);
	ct_trust_plan_find_users_entries(plan);
	return plan;
}

/* "no --name: ..." above a plan predicted for the certificate's own names */
static void
ct_cmd_trust_render_derived(GString *out, CtTrustPlan *plan, guint16 port)
{
	g_string_append_printf(out,
			       "No --name: predicted for the certificate's own names on port %u "
			       "(--port N for another):",
			       port);
	for (guint i = 0; i < plan->names->len; i++) {
		g_autofree gchar *name = ct_cli_escape(g_ptr_array_index(plan->names, i));
		g_string_append_printf(out, " %s", name);
	}
	g_string_append_c(out, '\n');
}

/* one target of a trust of many SOURCEs */
typedef struct {
	gchar *source;
	CtChain *chain;
	CtTrustPlan *plan;
	gboolean derived;
	GError *error; /* not read, no plan, or not every store written */
} CtCmdTrustTarget;

static void
ct_cmd_trust_target_free(CtCmdTrustTarget *target)
{
	if (target->plan != NULL)
		ct_trust_plan_free(target->plan);
	if (target->chain != NULL)
		ct_chain_free(target->chain);
	g_clear_error(&target->error);
	g_free(target->source);
	g_free(target);
}

static void
ct_cmd_trust_render_many(CtCli *cli,
			 CtCmdTrustRequest *request,
			 GPtrArray *targets,
			 gboolean results)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < targets->len; i++) {
		CtCmdTrustTarget *target = g_ptr_array_index(targets, i);
		g_autofree gchar *source = ct_cli_escape(target->source);
		g_string_append_printf(out, "%s== %s\n", i > 0 || results ? "\n" : "", source);
		if (target->plan == NULL) {
			g_autofree gchar *message = ct_cli_escape(target->error->message);
			g_string_append_printf(out, "  failed: %s\n", message);
			continue;
		}
		if (!results && target->derived)
			ct_cmd_trust_render_derived(out, target->plan, request->port);
		ct_cli_trust_render_plan(out, target->plan, results);
	}
	ct_cli_print(cli, "%s", out->str);
}

/* trust of many SOURCEs (a cluster, a directory of certificates): every SOURCE read, a
 * plan for each shown, one question, then every plan written with one ledger; one
 * target's failure never stops the others, the exit status is the worst target's */
static gboolean
ct_cmd_trust_many(CtCli *cli,
		  CtCmdTrustRequest *request,
		  gboolean dry_run,
		  gint argc,
		  gchar **argv,
		  GError **error)
{
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GPtrArray)
	    targets = g_ptr_array_new_with_free_func((GDestroyNotify)ct_cmd_trust_target_free);
	g_autoptr(GPtrArray) errors = g_ptr_array_new();
	g_autoptr(CtLedger) ledger = NULL;
	CtTrustPlan *first = NULL;
	guint planned = 0;

	if (request->names != NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--name is for one SOURCE: trust each server under its own "
				    "names, or give each SOURCE a command of its own");
		return FALSE;
	}
	results = ct_cli_acquire_sources(cli, argc, argv, NULL, NULL, error);
	if (results == NULL)
		return FALSE;
	for (guint i = 0; i < results->len; i++) {
		CtFetchResult *result = g_ptr_array_index(results, i);
		CtCmdTrustTarget *target = g_new0(CtCmdTrustTarget, 1);
		target->source = g_strdup(result->source);
		target->chain = g_steal_pointer(&result->chain);
		target->error = g_steal_pointer(&result->error);
		if (target->chain != NULL)
			target->plan = ct_cmd_trust_plan(cli, request, target->source,
							 target->chain, first, &target->derived,
							 &target->error);
		if (first == NULL)
			first = target->plan;
		planned += target->plan != NULL ? 1 : 0;
		g_ptr_array_add(targets, target);
	}
	/* one ledger, locked, for the plan shown and every write */
	ledger = ct_trust_open_ledger(error);
	if (ledger == NULL)
		return FALSE;
	for (guint i = 0; i < targets->len; i++) {
		CtCmdTrustTarget *target = g_ptr_array_index(targets, i);
		if (target->plan != NULL)
			ct_trust_plan_find_retired(target->plan, ledger);
	}
	if (!cli->json)
		ct_cmd_trust_render_many(cli, request, targets, FALSE);
	if (planned > 0 && !dry_run && !ct_cmd_trust_confirm(cli, planned, error))
		return FALSE;
	/* every NSS write of the run recorded ahead, in one save; one more save at the end */
	if (!dry_run) {
		g_autoptr(GPtrArray) plans = g_ptr_array_new();
		for (guint i = 0; i < targets->len; i++) {
			CtCmdTrustTarget *target = g_ptr_array_index(targets, i);
			if (target->plan != NULL)
				g_ptr_array_add(plans, target->plan);
		}
		if (!ct_trust_plans_record_ahead(plans, ledger, error))
			return FALSE;
	}
	for (guint i = 0; i < targets->len; i++) {
		CtCmdTrustTarget *target = g_ptr_array_index(targets, i);
		CtError code = CT_ERROR_FAILED;
		if (target->plan == NULL)
			continue;
		ct_trust_plan_apply(target->plan, ledger, dry_run);
		ct_cli_trust_print_verbose(cli, target->plan);
		if (!ct_trust_plan_get_outcome(target->plan, &code))
			g_set_error(&target->error, CT_ERROR, code,
				    "%s: some stores were not written: see why above",
				    target->source);
	}
	if (!dry_run && !ct_ledger_save(ledger, error))
		return FALSE;
	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_json_begin_array_member(builder, "results");
		for (guint i = 0; i < targets->len; i++) {
			CtCmdTrustTarget *target = g_ptr_array_index(targets, i);
			json_builder_begin_object(builder);
			ct_json_add_string(builder, "source", target->source);
			if (target->plan != NULL)
				ct_cli_trust_add_json(builder, target->plan);
			if (target->error != NULL)
				ct_json_add_error(builder, target->error);
			json_builder_end_object(builder);
		}
		json_builder_end_array(builder);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
	} else {
		ct_cmd_trust_render_many(cli, request, targets, TRUE);
	}
	for (guint i = 0; i < targets->len; i++) {
		CtCmdTrustTarget *target = g_ptr_array_index(targets, i);
		if (target->error != NULL)
			g_ptr_array_add(errors, target->error);
	}
	ct_cli_summarise_targets(errors, targets->len, error);
	return errors->len == 0;
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
	g_autofree gchar *export_dir = NULL;
	g_autoptr(JsonBuilder) files = json_builder_new();
	gint port = CT_SOURCE_DEFAULT_PORT;
	CtTrustMode mode = CT_TRUST_MODE_AUTO;
	g_autoptr(GPtrArray) chains = NULL;
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(CtTrustPlan) plan = NULL;
	CtCmdTrustRequest request = {0};
	CtError code = CT_ERROR_FAILED;
	gboolean derived = FALSE;
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
	    {"port", 0, 0, G_OPTION_ARG_INT, &port,
	     "For a file without --name: the port of its own names (default 443)", "N"},
	    {"allow-ca", 0, 0, G_OPTION_ARG_NONE, &allow_ca,
	     "Allow installing a certificate that can sign others as a trust anchor", NULL},
	    {"override-distrust", 0, 0, G_OPTION_ARG_NONE, &override_distrust,
	     "Trust a certificate you distrust in an NSS database (untrust puts the distrust "
	     "back)",
	     NULL},
	    {"dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, "Show the plan, write nothing", NULL},
	    {"create", 0, 0, G_OPTION_ARG_NONE, &create,
	     "Make a new NSS database for nss:DIR when there is none", NULL},
	    {"export-dir", 0, 0, G_OPTION_ARG_FILENAME, &export_dir,
	     "Also save the certificate read in all six formats the browsers offer into DIR "
	     "(before the question; an existing file stops everything)",
	     "DIR"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (!ct_cmd_trust_parse_mode(mode_name, &mode, error))
		return FALSE;
	if (argc < 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give a SOURCE to trust");
		return FALSE;
	}
	if (port < 1 || port > 65535) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "--port %d: give 1 to 65535",
			    port);
		return FALSE;
	}
	stores = ct_store_resolve((const gchar *const *)store_specs, cli->sysroot, create, error);
	if (stores == NULL)
		return FALSE;
	request.stores = stores;
	request.names = names;
	request.mode = mode;
	request.allow_ca = allow_ca;
	request.override_distrust = override_distrust;
	request.port = (guint16)port;
	if (argc > 2 && export_dir != NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--export-dir is for one SOURCE: export several with certtrust "
				    "export --browser all --dir DIR");
		return FALSE;
	}
	if (argc > 2)
		return ct_cmd_trust_many(cli, &request, dry_run, argc, argv, error);

	/* a wrong --name is a usage error before any server is asked */
	if (ct_source_is_network(argv[1]) || names != NULL) {
		g_autoptr(GPtrArray) typed = ct_cli_typed_names(argv[1], names, error);
		if (typed == NULL)
			return FALSE;
	}
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;
	plan = ct_cmd_trust_plan(cli, &request, argv[1], g_ptr_array_index(chains, 0), NULL,
				 &derived, error);
	if (plan == NULL)
		return FALSE;
	/* saving grants nothing: the files come from the same first access, before the
	 * question, and a file in the way stops the trust too */
	json_builder_begin_array(files);
	if (export_dir != NULL && !dry_run &&
	    !ct_cli_export_to_dir(cli, g_ptr_array_index(chains, 0), "all", export_dir, FALSE,
				  files, error)) {
		if (g_error_matches(*error, CT_ERROR, CT_ERROR_EXISTS))
			g_prefix_error(error, "--export-dir: nothing was trusted: ");
		return FALSE;
	}
	json_builder_end_array(files);
	if (!cli->json) {
		g_autoptr(GString) out = g_string_new(NULL);
		if (!ct_trust_plan_find_retired_recorded(plan, error))
			return FALSE;
		if (derived)
			ct_cmd_trust_render_derived(out, plan, request.port);
		ct_cli_trust_render_plan(out, plan, FALSE);
		ct_cli_print(cli, "%s", out->str);
	}
	if (!dry_run && !ct_cmd_trust_confirm(cli, 1, error))
		return FALSE;
	if (!ct_trust_plan_apply_recorded(plan, dry_run, error))
		return FALSE;
	ct_cli_trust_print_verbose(cli, plan);
	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_cli_trust_add_json(builder, plan);
		if (export_dir != NULL) {
			json_builder_set_member_name(builder, "files");
			json_builder_add_value(builder, json_builder_get_root(files));
		}
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
	} else {
		g_autoptr(GString) out = g_string_new("\n");
		ct_cli_trust_render_plan(out, plan, TRUE);
		ct_cli_print(cli, "%s", out->str);
	}
	done = ct_trust_plan_get_outcome(plan, &code);
	return ct_cli_trust_set_outcome(done, code, error);
}
