#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-chain.h"
#include "ct-cli.h"
#include "ct-json.h"

/* Safari 4's Details views (shared/seed/README.md) */
typedef enum {
	CT_SHOW_VIEW_ALL,
	CT_SHOW_VIEW_V1,
	CT_SHOW_VIEW_EXTENSIONS,
	CT_SHOW_VIEW_CRITICAL,
	CT_SHOW_VIEW_PROPERTIES,
} CtShowView;

static gboolean
ct_cmd_show_parse_view(const gchar *text, CtShowView *view, GError **error)
{
	const gchar *names[] = {"all", "v1", "extensions", "critical", "properties"};
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		if (g_strcmp0(text, names[i]) == 0) {
			*view = i;
			return TRUE;
		}
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "unknown view '%s': use all, v1, extensions, critical or properties", text);
	return FALSE;
}

static void
ct_cmd_show_field(GString *out, const gchar *label, const gchar *value)
{
	g_autofree gchar *escaped = ct_cli_escape(value);
	g_string_append_printf(out, "  %-20s %s\n", label, escaped);
}

static gchar *
ct_cmd_show_time(gint64 unix_seconds)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(unix_seconds);
	if (dt == NULL)
		return g_strdup("(out of range)");
	return g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC");
}

static void
ct_cmd_show_v1(GString *out, CtCertificate *certificate)
{
	g_autofree gchar *version = g_strdup_printf("V%u", certificate->version);
	g_autofree gchar *not_before = ct_cmd_show_time(certificate->not_before);
	g_autofree gchar *not_after = ct_cmd_show_time(certificate->not_after);
	g_autofree gchar *key = NULL;

	if (certificate->public_key_curve != NULL)
		key = g_strdup_printf("%s %s (%u bits)", certificate->public_key_algorithm,
				      certificate->public_key_curve, certificate->public_key_bits);
	else
		key = g_strdup_printf("%s (%u bits)", certificate->public_key_algorithm,
				      certificate->public_key_bits);
	ct_cmd_show_field(out, "Version:", version);
	ct_cmd_show_field(out, "Serial Number:", certificate->serial);
	ct_cmd_show_field(out, "Signature Algorithm:", certificate->signature_algorithm);
	ct_cmd_show_field(out, "Issuer:", certificate->issuer);
	ct_cmd_show_field(out, "Valid From:", not_before);
	ct_cmd_show_field(out, "Valid To:", not_after);
	ct_cmd_show_field(out, "Subject:", certificate->subject);
	ct_cmd_show_field(out, "Public Key:", key);
}

static void
ct_cmd_show_extensions(GString *out, CtCertificate *certificate, gboolean critical_only)
{
	guint shown = 0;

	g_string_append(out, critical_only ? "  Critical Extensions:\n" : "  Extensions:\n");
	for (guint i = 0; i < certificate->extensions->len; i++) {
		CtExtension *extension = g_ptr_array_index(certificate->extensions, i);
		g_autofree gchar *label = ct_cli_escape(extension->label);
		g_autofree gchar *value = ct_cli_escape(extension->value);
		if (critical_only && !extension->critical)
			continue;
		g_string_append_printf(out, "    %s%s: %s\n", label,
				       extension->critical ? " (critical)" : "", value);
		shown++;
	}
	if (shown == 0)
		g_string_append(out, "    (none)\n");
}

static void
ct_cmd_show_properties(GString *out, CtChain *chain, guint index)
{
	CtCertificate *certificate = g_ptr_array_index(chain->certificates, index);
	g_autoptr(GString)
	    role = g_string_new(ct_chain_role_to_string(ct_chain_get_role(chain, index)));

	if (certificate->self_signed)
		g_string_append(role, ", self-signed");
	if (certificate->ca_capable)
		g_string_append(role, ", CA-capable");
	ct_cmd_show_field(out, "SHA-1 Thumbprint:", certificate->sha1);
	ct_cmd_show_field(out, "SHA-256 Thumbprint:", certificate->sha256);
	ct_cmd_show_field(out, "Role:", role->str);
}

static void
ct_cmd_show_render(GString *out, CtChain *chain, CtShowView view)
{
	g_autoptr(GPtrArray) problems = ct_chain_get_problem_names(chain);
	g_autofree gchar *source = ct_cli_escape(chain->source);

	g_string_append_printf(out, "%s\n", source);
	if (problems->len > 0) {
		g_autofree gchar *joined = NULL;
		g_ptr_array_add(problems, NULL);
		joined = g_strjoinv(", ", (gchar **)problems->pdata);
		g_string_append_printf(out, "  Problems: %s\n", joined);
	}
	for (guint i = 0; i < chain->certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(chain->certificates, i);
		CtChainRole role = ct_chain_get_role(chain, i);
		g_string_append_printf(out, "\nCertificate %u of %u (%s)\n", i + 1,
				       chain->certificates->len, ct_chain_role_to_string(role));
		if (view == CT_SHOW_VIEW_ALL || view == CT_SHOW_VIEW_V1)
			ct_cmd_show_v1(out, certificate);
		if (view == CT_SHOW_VIEW_ALL || view == CT_SHOW_VIEW_EXTENSIONS)
			ct_cmd_show_extensions(out, certificate, FALSE);
		if (view == CT_SHOW_VIEW_CRITICAL)
			ct_cmd_show_extensions(out, certificate, TRUE);
		if (view == CT_SHOW_VIEW_ALL || view == CT_SHOW_VIEW_PROPERTIES)
			ct_cmd_show_properties(out, chain, i);
	}
}

gboolean
ct_cmd_show(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *view_name = NULL;
	CtShowView view = CT_SHOW_VIEW_ALL;
	g_autoptr(GPtrArray) chains = NULL;
	const GOptionEntry entries[] = {
	    {"view", 0, 0, G_OPTION_ARG_STRING, &view_name,
	     "all, v1, extensions, critical or properties (default all)", "VIEW"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (view_name != NULL && !ct_cmd_show_parse_view(view_name, &view, error))
		return FALSE;
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;

	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_json_add_chains_members(builder, chains);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
		return TRUE;
	}
	for (guint i = 0; i < chains->len; i++) {
		g_autoptr(GString) out = g_string_new(i > 0 ? "\n" : NULL);
		ct_cmd_show_render(out, g_ptr_array_index(chains, i), view);
		ct_cli_print(cli, "%s", out->str);
	}
	return TRUE;
}
