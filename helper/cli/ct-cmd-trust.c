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
		if (!ct_trust_plan_find_retired_recorded(plan, error))
			return FALSE;
		ct_cli_trust_render_plan(out, plan, FALSE);
		ct_cli_print(cli, "%s", out->str);
	}
	if (!dry_run && !ct_cmd_trust_confirm(cli, error))
		return FALSE;
	if (!ct_trust_plan_apply_recorded(plan, dry_run, error))
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
	return ct_cli_trust_set_outcome(done, code, error);
}
