#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli-show.h"
#include "ct-cli-trust.h"
#include "ct-flow-import-wizard.h"
#include "ct-time.h"

/* Safari 4.x */

static const CtFlowDialog ct_flow_safari4_install = {"Certificate",
						     {NULL},
						     "Install Certificate...",
						     NULL,
						     "none"};

/* Safari's wizard lets the user browse for the store */
static const CtFlowDialog ct_flow_safari4_place_in_store[] = {
    {"Certificate Import Wizard - Certificate Store",
     {"(*) Place all certificates in the following store"},
     "Browse...",
     NULL,
     "none"},
};

static const CtFlowImportWizard ct_flow_safari4_import_wizard = {
    .before_store = ct_flow_safari4_place_in_store,
    .n_before_store = G_N_ELEMENTS(ct_flow_safari4_place_in_store),
    .store = {"Select Certificate Store",
	      {"Trusted Root Certification Authorities"},
	      "OK",
	      "on Linux: the OS trust store",
	      "plan"},
    .completing = {"Completing the Certificate Import Wizard",
		   {"Certificate Store Selected by User: Trusted Root Certification Authorities",
		    "Content: Certificate"},
		   "Finish",
		   NULL,
		   "none"},
};

static void
ct_flow_safari4_show(CtFlow *flow)
{
	const struct {
		const gchar *title;
		CtCliShowView view;
	} views[] = {
	    {"Certificate - Details (Show: Version 1 Fields Only)", CT_CLI_SHOW_VIEW_V1},
	    {"Certificate - Details (Show: Extensions Only)", CT_CLI_SHOW_VIEW_EXTENSIONS},
	    {"Certificate - Details (Show: Critical Extensions Only)", CT_CLI_SHOW_VIEW_CRITICAL},
	    {"Certificate - Details (Show: Properties Only)", CT_CLI_SHOW_VIEW_PROPERTIES},
	};
	CtCertificate *leaf = ct_chain_get_leaf(flow->chain);
	g_autofree gchar *not_before = ct_time_format(leaf->not_before, CT_TIME_DAY_SECOND);
	g_autofree gchar *not_after = ct_time_format(leaf->not_after, CT_TIME_DAY_SECOND);
	CtFlowStep *step = ct_flow_step_new(flow, "Certificate - General");

	ct_flow_text(step, "Issued to: %s", ct_flow_name_of(leaf));
	ct_flow_text(step, "Issued by: %s", ct_flow_issuer_name(flow->chain));
	ct_flow_text(step, "Valid from %s to %s", not_before, not_after);
	ct_flow_add_certificate_extra(step, flow->chain);
	ct_flow_done(flow, step, "show");
	/* "All" is these four together */
	for (guint i = 0; i < G_N_ELEMENTS(views); i++) {
		step = ct_flow_step_new(flow, views[i].title);
		ct_flow_add_view(step, flow->chain, views[i].view);
		ct_flow_done(flow, step, "show");
	}
}

gboolean
ct_flow_run_safari4(CtFlow *flow, GError **error)
{
	static const CtFlowButton alert[] = {
	    {'y', "Yes", CT_FLOW_SESSION, "trust the certificate for this session only"},
	    {'s', "Show Certificate", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT,
	     "then Install Certificate: always trust it"},
	    {'n', "No", CT_FLOW_CANCEL, "cancel: no access"},
	};
	static const CtFlowButton alert_again[] = {
	    {'y', "Yes", CT_FLOW_CONTINUE | CT_FLOW_SESSION | CT_FLOW_PERMANENT,
	     "trust the certificate for this session only"},
	    {'n', "No", CT_FLOW_CANCEL, "cancel: no access"},
	};
	g_autoptr(CtTrustPlan) plan = NULL;
	CtFlowStep *step;
	gboolean installed = FALSE;
	guint answer = 0;

	step = ct_flow_step_new(flow, "Security Alert");
	ct_flow_text(step, "Safari can't verify the identity of the website \"%s\".", flow->host);
	ct_flow_text(step,
		     "The certificate for this website is invalid. You might be connecting to a "
		     "website that is pretending to be \"%s\", which could put your confidential "
		     "information at risk. Would you like to connect to the website anyway?",
		     flow->host);
	if (!ct_flow_ask(flow, step, alert, G_N_ELEMENTS(alert), &answer, error))
		return FALSE;
	if (answer == 2) {
		ct_flow_result(step, "cancelled: no access");
		ct_flow_done(flow, step, "none");
		ct_flow_blocked(flow, step);
		return TRUE;
	}
	if (answer == 0) {
		ct_flow_page_opens(flow, step,
				   "; Safari trusts the certificate for this session only and "
				   "shows the Security Alert again next time; nothing was written");
		ct_flow_done(flow, step, "open-page");
		ct_flow_end(flow, "session", -1, "Safari trusts %s for this session only",
			    flow->host);
		return TRUE;
	}
	ct_flow_result(step, "the Certificate pane opens");
	ct_flow_done(flow, step, "show");

	ct_flow_safari4_show(flow);

	ct_flow_show_dialogs(flow, &ct_flow_safari4_install, 1);
	plan = ct_flow_import_wizard_run(flow, &ct_flow_safari4_import_wizard, &installed, error);
	if (plan == NULL)
		return FALSE;
	if (flow->outcome != NULL)
		return TRUE;
	if (!installed) {
		/* back at the Security Alert, without Show Certificate this time */
		step = ct_flow_step_new(flow, "Security Alert");
		ct_flow_text(step, "Safari can't verify the identity of the website \"%s\".",
			     flow->host);
		if (!ct_flow_ask(flow, step, alert_again, G_N_ELEMENTS(alert_again), &answer,
				 error))
			return FALSE;
		if (answer == 1) {
			ct_flow_result(step, "cancelled: no access");
			ct_flow_done(flow, step, "none");
			ct_flow_blocked(flow, step);
			return TRUE;
		}
		ct_flow_page_opens(flow, step, "; trusted for this session only");
		ct_flow_done(flow, step, "open-page");
		ct_flow_end(flow, "session", -1, "Safari trusts %s for this session only",
			    flow->host);
		return TRUE;
	}
	step = ct_flow_step_new(flow, "Security Alert");
	ct_flow_text(step, "Trust the certificate always, without this dialog?");
	ct_flow_click(step, "Yes");
	ct_flow_result(step, "the Security Alert no longer appears for %s", flow->host);
	ct_flow_done(flow, step, "none");

	ct_flow_certification_path(flow, g_ptr_array_index(plan->steps, 0));
	if (flow->outcome != NULL)
		return TRUE;
	ct_flow_name_rule(flow, TRUE);
	return TRUE;
}
