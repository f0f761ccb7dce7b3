#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli-show.h"
#include "ct-cli-trust.h"
#include "ct-flow-import-wizard.h"
#include "ct-time.h"

/* Internet Explorer 8 */

/* the address bar's Certificate Error, View certificates */
static const CtFlowDialog ct_flow_ie8_view_certificates =
    {"Certificate Error",
     {"The security certificate presented by this website has errors.",
      "This problem might indicate an attempt to fool you or intercept any data you send to "
      "the server.",
      "We recommend that you close this webpage."},
     "View certificates",
     "the Certificate dialog opens",
     "show"};

/* IE8 picks the store itself: Trusted Root Certification Authorities for a root */
static const CtFlowImportWizard ct_flow_ie8_import_wizard = {
    .before_store = NULL,
    .n_before_store = 0,
    .store = {"Certificate Import Wizard - Certificate Store",
	      {"Certificate stores are system areas where certificates are kept.",
	       "(*) Automatically select the certificate store based on the type of certificate"},
	      "Next >",
	      "the store: Trusted Root Certification Authorities, on Linux the OS trust store",
	      "plan"},
    .completing = {"Completing the Certificate Import Wizard",
		   {"Certificate Store Selected: Automatically determined by the wizard",
		    "Content: Certificate"},
		   "Finish",
		   NULL,
		   "none"},
};

static void
ct_flow_ie8_problems(CtFlow *flow, CtFlowStep *step)
{
	GTlsCertificateFlags problems = flow->chain->problems;

	if (problems & G_TLS_CERTIFICATE_UNKNOWN_CA)
		ct_flow_text(step, "The security certificate presented by this website was not "
				   "issued by a trusted certificate authority.");
	if (problems & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
		ct_flow_text(step, "The security certificate presented by this website has "
				   "expired or is not yet valid.");
	if (problems & G_TLS_CERTIFICATE_BAD_IDENTITY)
		ct_flow_text(step, "The security certificate presented by this website was "
				   "issued for a different website's address.");
	if (problems & (G_TLS_CERTIFICATE_REVOKED | G_TLS_CERTIFICATE_INSECURE |
			G_TLS_CERTIFICATE_GENERIC_ERROR))
		ct_flow_text(step, "The security certificate presented by this website has "
				   "errors.");
}

static void
ct_flow_ie8_show(CtFlow *flow)
{
	CtCertificate *leaf = ct_chain_get_leaf(flow->chain);
	g_autoptr(GPtrArray) path = ct_chain_get_path(flow->chain);
	CtCertificate *top = g_ptr_array_index(path, path->len - 1);
	g_autofree gchar *not_before = ct_time_format(leaf->not_before, CT_TIME_DAY_SECOND);
	g_autofree gchar *not_after = ct_time_format(leaf->not_after, CT_TIME_DAY_SECOND);
	CtFlowStep *step;

	ct_flow_show_dialogs(flow, &ct_flow_ie8_view_certificates, 1);

	step = ct_flow_step_new(flow, "Certificate - General");
	ct_flow_text(step, "Certificate Information");
	ct_flow_text(step, "%s",
		     leaf->self_signed ? "This CA Root certificate is not trusted. To enable "
					 "trust, install this certificate in the Trusted Root "
					 "Certification Authorities store."
				       : "Windows does not have enough information to verify this "
					 "certificate.");
	ct_flow_text(step, "Issued to: %s", ct_flow_name_of(leaf));
	ct_flow_text(step, "Issued by: %s", ct_flow_issuer_name(flow->chain));
	ct_flow_text(step, "Valid from %s to %s", not_before, not_after);
	ct_flow_add_certificate_extra(step, flow->chain);
	ct_flow_done(flow, step, "show");

	step = ct_flow_step_new(flow, "Certificate - Details");
	ct_flow_add_view(step, flow->chain, CT_CLI_SHOW_VIEW_ALL);
	ct_flow_done(flow, step, "show");

	step = ct_flow_step_new(flow, "Certificate - Certification Path");
	for (guint i = path->len; i > 0; i--) {
		g_autofree gchar *indent = g_strnfill((path->len - i) * 2, ' ');
		ct_flow_text(step, "%s%s", indent, ct_flow_name_of(g_ptr_array_index(path, i - 1)));
	}
	ct_flow_text(step, "Certificate status:");
	if (flow->chain->problems & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
		ct_flow_text(step, "This certificate has expired or is not yet valid.");
	else if (top->self_signed)
		ct_flow_text(step, "This CA Root certificate is not trusted because it is not in "
				   "the Trusted Root Certification Authorities store.");
	else
		ct_flow_text(step, "The issuer of this certificate could not be found.");
	ct_flow_done(flow, step, "show");
}

gboolean
ct_flow_run_ie8(CtFlow *flow, GError **error)
{
	static const CtFlowButton blocked[] = {
	    {'c', "Continue to this website (not recommended).",
	     CT_FLOW_CONTINUE | CT_FLOW_SESSION | CT_FLOW_PERMANENT, NULL},
	    {'x', "Click here to close this webpage.", CT_FLOW_CANCEL, NULL},
	};
	static const CtFlowButton general[] = {
	    {'i', "Install Certificate...", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT,
	     "into the Trusted Root Certification Authorities store, for good"},
	    {'o', "OK", CT_FLOW_SESSION | CT_FLOW_CANCEL,
	     "close it without installing: trusted for this session only"},
	};
	g_autoptr(CtTrustPlan) plan = NULL;
	CtTrustStep *store_step;
	CtFlowStep *step;
	gboolean installed = FALSE;
	guint answer = 0;

	step = ct_flow_step_new(flow, "Certificate Error: Navigation Blocked");
	ct_flow_text(step, "There is a problem with this website's security certificate.");
	ct_flow_ie8_problems(flow, step);
	ct_flow_text(step, "Security certificate problems may indicate an attempt to fool you or "
			   "intercept any data you send to the server.");
	ct_flow_text(step, "We recommend that you close this webpage and do not continue to this "
			   "website.");
	if (!ct_flow_ask(flow, step, blocked, G_N_ELEMENTS(blocked), &answer, error))
		return FALSE;
	if (answer == 1) {
		ct_flow_result(step, "the webpage closes: navigation stays blocked");
		ct_flow_done(flow, step, "none");
		ct_flow_blocked(flow, step);
		return TRUE;
	}
	ct_flow_page_opens(flow, step, "; the address bar is red: Certificate Error");
	ct_flow_done(flow, step, "open-page");

	ct_flow_ie8_show(flow);

	step = ct_flow_step_new(flow, "Certificate - General");
	if (!ct_flow_ask(flow, step, general, G_N_ELEMENTS(general), &answer, error))
		return FALSE;
	if (answer == 1) {
		ct_flow_result(step, "IE8 remembers the certificate for this session only and "
				     "warns again next time; nothing was written");
		ct_flow_done(flow, step, "none");
		ct_flow_end(flow, "session", -1, "IE8 trusts %s for this session only", flow->host);
		return TRUE;
	}
	ct_flow_result(step, "the Certificate Import Wizard starts");
	ct_flow_done(flow, step, "none");

	plan = ct_flow_import_wizard_run(flow, &ct_flow_ie8_import_wizard, &installed, error);
	if (plan == NULL)
		return FALSE;
	if (flow->outcome != NULL)
		return TRUE;
	if (!installed) {
		ct_flow_end(flow, "session", -1,
			    "IE8 trusts %s for this session only: the import was cancelled",
			    flow->host);
		return TRUE;
	}
	store_step = g_ptr_array_index(plan->steps, 0);
	ct_flow_certification_path(flow, store_step);
	if (flow->outcome != NULL)
		return TRUE;

	step = ct_flow_step_new(flow, "Internet Options - Content - Certificates - Trusted Root "
				      "Certification Authorities");
	ct_flow_text(step, "Issued To: %s", ct_flow_name_of(store_step->target));
	ct_flow_text(step, "Issued By: %s",
		     store_step->target == ct_chain_get_leaf(flow->chain)
			 ? ct_flow_issuer_name(flow->chain)
			 : ct_flow_name_of(store_step->target));
	ct_flow_result(step, "in the store: %s", store_step->anchor_path);
	ct_flow_done(flow, step, "list");

	ct_flow_name_rule(flow, FALSE);
	return TRUE;
}
