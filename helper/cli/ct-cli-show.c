/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli-show.h"
#include "ct-cli.h"
#include "ct-time.h"

static const gchar *const ct_cli_show_views[] = {
    [CT_CLI_SHOW_VIEW_ALL] = "all",
    [CT_CLI_SHOW_VIEW_V1] = "v1",
    [CT_CLI_SHOW_VIEW_EXTENSIONS] = "extensions",
    [CT_CLI_SHOW_VIEW_CRITICAL] = "critical",
    [CT_CLI_SHOW_VIEW_PROPERTIES] = "properties",
};

const gchar *
ct_cli_show_view_to_string(CtCliShowView view)
{
	g_return_val_if_fail((guint)view < G_N_ELEMENTS(ct_cli_show_views), NULL);
	return ct_cli_show_views[view];
}

gboolean
ct_cli_show_parse_view(const gchar *text, CtCliShowView *view, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS(ct_cli_show_views); i++) {
		if (g_strcmp0(text, ct_cli_show_views[i]) == 0) {
			*view = i;
			return TRUE;
		}
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "unknown view '%s': use all, v1, extensions, critical or properties", text);
	return FALSE;
}

static void
ct_cli_show_field(GString *out, const gchar *label, const gchar *value)
{
	g_autofree gchar *escaped = ct_cli_escape(value);
	g_string_append_printf(out, "  %-20s %s\n", label, escaped);
}

static void
ct_cli_show_v1(GString *out, CtCertificate *certificate)
{
	g_autofree gchar *version = g_strdup_printf("V%u", certificate->version);
	g_autofree gchar *not_before = ct_time_format(certificate->not_before, CT_TIME_DAY_SECOND);
	g_autofree gchar *not_after = ct_time_format(certificate->not_after, CT_TIME_DAY_SECOND);
	g_autofree gchar *key = NULL;

	if (certificate->public_key_curve != NULL)
		key = g_strdup_printf("%s %s (%u bits)", certificate->public_key_algorithm,
				      certificate->public_key_curve, certificate->public_key_bits);
	else
		key = g_strdup_printf("%s (%u bits)", certificate->public_key_algorithm,
				      certificate->public_key_bits);
	ct_cli_show_field(out, "Version:", version);
	ct_cli_show_field(out, "Serial Number:", certificate->serial);
	ct_cli_show_field(out, "Signature Algorithm:", certificate->signature_algorithm);
	ct_cli_show_field(out, "Issuer:", certificate->issuer);
	ct_cli_show_field(out, "Valid From:", not_before);
	ct_cli_show_field(out, "Valid To:", not_after);
	ct_cli_show_field(out, "Subject:", certificate->subject);
	ct_cli_show_field(out, "Public Key:", key);
}

static void
ct_cli_show_extensions(GString *out, CtCertificate *certificate, gboolean critical_only)
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
ct_cli_show_properties(GString *out, CtChain *chain, guint index)
{
	CtCertificate *certificate = g_ptr_array_index(chain->certificates, index);
	g_autoptr(GString)
	    role = g_string_new(ct_chain_role_to_string(ct_chain_get_role(chain, index)));

	if (certificate->self_signed)
		g_string_append(role, ", self-signed");
	if (certificate->ca_capable)
		g_string_append_printf(role, ", CA-capable (%s)", certificate->ca_reason);
	ct_cli_show_field(out, "SHA-1 Thumbprint:", certificate->sha1);
	ct_cli_show_field(out, "SHA-256 Thumbprint:", certificate->sha256);
	ct_cli_show_field(out, "Role:", role->str);
}

void
ct_cli_show_render_certificate(GString *out, CtChain *chain, guint index, CtCliShowView view)
{
	CtCertificate *certificate = g_ptr_array_index(chain->certificates, index);

	if (view == CT_CLI_SHOW_VIEW_ALL || view == CT_CLI_SHOW_VIEW_V1)
		ct_cli_show_v1(out, certificate);
	if (view == CT_CLI_SHOW_VIEW_ALL || view == CT_CLI_SHOW_VIEW_EXTENSIONS)
		ct_cli_show_extensions(out, certificate, FALSE);
	if (view == CT_CLI_SHOW_VIEW_CRITICAL)
		ct_cli_show_extensions(out, certificate, TRUE);
	if (view == CT_CLI_SHOW_VIEW_ALL || view == CT_CLI_SHOW_VIEW_PROPERTIES)
		ct_cli_show_properties(out, chain, index);
}

void
ct_cli_show_render_summary(GString *out, CtChain *chain)
{
	CtCertificate *leaf = ct_chain_get_leaf(chain);
	g_autoptr(GPtrArray) problems = ct_chain_get_problem_names(chain);
	g_autofree gchar *source = ct_cli_escape(chain->source);
	g_autofree gchar *subject = ct_cli_escape(leaf->subject);
	g_autofree gchar *issuer = ct_cli_escape(leaf->issuer);
	g_autofree gchar *from = ct_time_format(leaf->not_before, CT_TIME_DAY_MINUTE);
	g_autofree gchar *to = ct_time_format(leaf->not_after, CT_TIME_DAY_MINUTE);

	g_string_append_printf(out, "%s", source);
	if (chain->peer != NULL)
		g_string_append_printf(out, " (%s)", chain->peer);
	g_string_append_c(out, '\n');
	if (chain->peer == NULL) {
		/* a file: no connection was made, so nothing was judged */
		g_string_append(out, "  A certificate file: no connection made, no TLS problem to "
				     "show.\n");
	} else if (problems->len == 0) {
		g_string_append(out, "  The connection is trusted by this system.\n");
	} else {
		g_autofree gchar *joined = NULL;
		g_ptr_array_add(problems, NULL);
		joined = g_strjoinv(", ", (gchar **)problems->pdata);
		g_string_append_printf(out, "  This connection is untrusted: %s\n", joined);
	}
	g_string_append_printf(out, "  Issued to:    %s\n", subject);
	g_string_append_printf(out, "  Issued by:    %s%s\n", issuer,
			       leaf->self_signed ? " (self-signed)" : "");
	g_string_append_printf(out, "  Valid:        %s to %s\n", from, to);
	g_string_append_printf(out, "  SHA-256:      %s\n", leaf->sha256);
	g_string_append_printf(out, "  Presented:    %u certificate%s\n", chain->certificates->len,
			       chain->certificates->len == 1 ? "" : "s");
	if (ct_chain_tls_version_to_string(chain->tls_version) != NULL)
		g_string_append_printf(out, "  Protocol:     %s%s\n",
				       ct_chain_tls_version_to_string(chain->tls_version),
				       ct_chain_tls_version_is_obsolete(chain)
					   ? " (obsolete: Firefox and Chromium refuse it)"
					   : "");
	if (chain->http_status != 0) {
		g_autofree gchar *title = ct_cli_escape(chain->page_title);
		g_string_append_printf(out, "  Page:         HTTP %u%s%s%s\n", chain->http_status,
				       chain->page_title != NULL ? " \"" : "",
				       chain->page_title != NULL ? title : "",
				       chain->page_title != NULL ? "\"" : "");
	}
	ct_cli_append_redirect(out, chain);
}
