/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-chain.h"
#include "ct-cli.h"
#include "ct-hostname.h"
#include "ct-json.h"

static void
ct_cmd_check_host_add_verdict(JsonBuilder *builder,
			      const gchar *member,
			      const CtHostnameVerdict *verdict)
{
	ct_json_begin_object_member(builder, member);
	ct_json_add_boolean(builder, "match", verdict->match);
	ct_json_add_string(builder, "reason", verdict->reason);
	json_builder_end_object(builder);
}

static void
ct_cmd_check_host_add_json(JsonBuilder *builder, CtChain *chain, const CtHostCheck *check)
{
	CtCertificate *leaf = ct_chain_get_leaf(chain);

	json_builder_begin_object(builder);
	ct_json_add_string(builder, "name", check->name);
	ct_json_add_string(builder, "reference", check->reference);
	ct_json_add_string(builder, "source", chain->source);
	ct_json_add_string(builder, "sha256", leaf->sha256);
	ct_cmd_check_host_add_verdict(builder, "strict", &check->strict);
	ct_cmd_check_host_add_verdict(builder, "legacy", &check->legacy);
	ct_cmd_check_host_add_verdict(builder, "firefox", &check->firefox);
	ct_cmd_check_host_add_verdict(builder, "chromium", &check->chromium);
	json_builder_end_object(builder);
}

static void
ct_cmd_check_host_print_verdict(GString *out, const gchar *label, const CtHostnameVerdict *verdict)
{
	g_autofree gchar *reason = ct_cli_escape(verdict->reason);
	g_string_append_printf(out, "  %-42s %-8s %s\n", label,
			       verdict->match ? "match" : "MISMATCH", reason);
}

static void
ct_cmd_check_host_print(CtCli *cli,
			CtChain *chain,
			const CtHostCheck *check,
			gboolean all,
			CtHostnamePolicy policy)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree gchar *name = ct_cli_escape(check->name);
	g_autofree gchar *source = ct_cli_escape(chain->source);
	gboolean differ = ct_host_check_browsers_differ(check);

	g_string_append_printf(out, "%s against %s\n", name, source);
	if (all ? !differ : policy == CT_HOSTNAME_POLICY_STRICT)
		ct_cmd_check_host_print_verdict(out,
						differ
						    ? "strict (RFC 9525):"
						    : "strict (Firefox, Chromium, Safari today):",
						&check->strict);
	/* where the browsers disagree, each says its own */
	if ((all && differ) || policy == CT_HOSTNAME_POLICY_FIREFOX)
		ct_cmd_check_host_print_verdict(out, "firefox (Firefox ESR):", &check->firefox);
	if ((all && differ) || policy == CT_HOSTNAME_POLICY_CHROMIUM)
		ct_cmd_check_host_print_verdict(out,
						"chromium (Chromium, Chrome):", &check->chromium);
	if (all || policy == CT_HOSTNAME_POLICY_LEGACY)
		ct_cmd_check_host_print_verdict(out, "legacy (IE8, Firefox 3.x, Safari 4.x):",
						&check->legacy);
	ct_cli_print(cli, "%s", out->str);
}

gboolean
ct_cmd_check_host(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) names = NULL;
	g_autofree gchar *policy_name = NULL;
	CtHostnamePolicy policy = CT_HOSTNAME_POLICY_STRICT;
	g_autoptr(GPtrArray) chains = NULL;
	g_autoptr(GPtrArray)
	    checks = g_ptr_array_new_with_free_func((GDestroyNotify)ct_host_check_free);
	g_autoptr(GPtrArray) check_chains = g_ptr_array_new();
	guint mismatches = 0;
	const GOptionEntry entries[] = {
	    {"name", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &names,
	     "The host name or IP address the user types (repeatable)", "NAME"},
	    {"policy", 0, 0, G_OPTION_ARG_STRING, &policy_name,
	     "strict (RFC 9525, the default for the exit status), legacy, firefox or chromium "
	     "(where the browsers differ: Chromium refuses a wildcard over a public suffix); "
	     "without it every verdict is shown",
	     "POLICY"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (names == NULL || names[0] == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--name NAME is required");
		return FALSE;
	}
	if (policy_name != NULL && !ct_hostname_policy_from_string(policy_name, &policy, error))
		return FALSE;
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;

	for (guint i = 0; i < chains->len; i++) {
		CtChain *chain = g_ptr_array_index(chains, i);
		for (guint j = 0; names[j] != NULL; j++) {
			CtHostCheck *check = ct_hostname_check(ct_chain_get_leaf(chain), names[j]);
			if (!ct_host_check_get_verdict(check, policy)->match)
				mismatches++;
			g_ptr_array_add(checks, check);
			g_ptr_array_add(check_chains, chain);
		}
	}

	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		if (checks->len == 1) {
			ct_cmd_check_host_add_json(builder, g_ptr_array_index(check_chains, 0),
						   g_ptr_array_index(checks, 0));
		} else {
			json_builder_begin_object(builder);
			ct_json_begin_array_member(builder, "results");
			for (guint i = 0; i < checks->len; i++)
				ct_cmd_check_host_add_json(builder,
							   g_ptr_array_index(check_chains, i),
							   g_ptr_array_index(checks, i));
			json_builder_end_array(builder);
			json_builder_end_object(builder);
		}
		ct_cli_print_json(cli, builder);
	} else {
		for (guint i = 0; i < checks->len; i++)
			ct_cmd_check_host_print(cli, g_ptr_array_index(check_chains, i),
						g_ptr_array_index(checks, i), policy_name == NULL,
						policy);
	}
	if (mismatches > 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_CHECK_FAILED,
			    "%u of %u names do not match under the %s rules", mismatches,
			    checks->len, ct_hostname_policy_to_string(policy));
		return FALSE;
	}
	return TRUE;
}
