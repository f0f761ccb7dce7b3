/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <string.h>

#include "ct-cli-trust.h"
#include "ct-flow-import-wizard.h"
#include "ct-hostname.h"
#include "ct-json.h"
#include "ct-source.h"

/* the Yes and No of the Security Warning, IE8's and Safari's alike */
static const CtFlowButton ct_flow_import_wizard_warning[] = {
    {'y', "Yes", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT, NULL},
    {'n', "No", CT_FLOW_CANCEL | CT_FLOW_SESSION, NULL},
};

static const CtFlowDialog ct_flow_import_wizard_welcome =
    {"Certificate Import Wizard",
     {"Welcome to the Certificate Import Wizard"},
     "Next >",
     NULL,
     "none"};

static const CtFlowDialog ct_flow_import_wizard_success = {"Certificate Import Wizard",
							   {"The import was successful."},
							   "OK",
							   NULL,
							   "none"};

/* the names the user types: the SOURCE's and each --name; without --name also
 * localhost and the IP address, which are shown but do not decide the exit status */
static GPtrArray *
ct_flow_import_wizard_check_names(CtFlow *flow, guint *counted, GError **error)
{
	const gchar *defaults[] = {"localhost", "127.0.0.1", NULL};
	gchar **names = flow->names != NULL && flow->names[0] != NULL ? flow->names
								      : (gchar **)defaults;
	GPtrArray *typed = ct_cli_typed_names(flow->source, names, error);

	if (typed != NULL)
		*counted = names == flow->names ? typed->len : 1;
	return typed;
}

static CtTrustPlan *
ct_flow_import_wizard_system_plan(CtFlow *flow, GError **error)
{
	const gchar *specs[] = {"system", NULL};
	guint counted = 0;
	g_autoptr(GPtrArray) names = ct_flow_import_wizard_check_names(flow, &counted, error);

	if (names == NULL)
		return NULL;
	flow->stores = ct_store_resolve(specs, flow->cli->sysroot, FALSE, error);
	if (flow->stores == NULL)
		return NULL;
	return ct_trust_plan_new(flow->chain, flow->stores, names, CT_TRUST_MODE_AUTO,
				 flow->allow_ca, flow->cli->sysroot, error);
}

/* the plan's stores and results as the step's "trust" member for --json */
static void
ct_flow_add_trust_extra(CtFlowStep *step, CtTrustPlan *plan)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	ct_cli_trust_add_json(builder, plan);
	json_builder_end_object(builder);
	ct_flow_set_extra(step, "trust", json_builder_get_root(builder));
}

gboolean
ct_flow_apply_trust(CtFlow *flow, CtFlowStep *step, CtTrustPlan *plan, GError **error)
{
	if (g_cancellable_set_error_if_cancelled(flow->cli->cancellable, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	if (!ct_trust_plan_apply_recorded(plan, FALSE, error))
		return FALSE;
	ct_flow_add_trust_extra(step, plan);
	return TRUE;
}

/* the flow ends without the import: refused, or failed with status and code; why says why */
static void
ct_flow_import_wizard_end_unimported(CtFlow *flow,
				     gboolean refused,
				     const gchar *status,
				     CtError code,
				     const gchar *why)
{
	if (refused)
		ct_flow_end(flow, "refused", CT_ERROR_REFUSED, "%s: the import was refused: %s",
			    flow->title, why);
	else
		ct_flow_end(flow, status, code, "%s: the import failed: %s", flow->title, why);
}

/* the wizard cannot import: the plan says why (a CA without --allow-ca, no OS store) */
static void
ct_flow_import_wizard_import_refused(CtFlow *flow, CtTrustStep *store_step)
{
	CtFlowStep *step = ct_flow_step_new(flow, "Completing the Certificate Import Wizard");

	ct_flow_click(step, "Finish");
	ct_flow_result(step, "The import failed.");
	ct_flow_result(step, "%s", store_step->plan);
	ct_flow_done(flow, step, "none");
	ct_flow_import_wizard_end_unimported(flow, store_step->refusal == CT_ERROR_REFUSED,
					     "not-found", CT_ERROR_NOT_FOUND, store_step->plan);
}

static void
ct_flow_import_wizard_security_warning_text(CtFlowStep *step, CtCertificate *target)
{
	const gchar *name = ct_flow_name_of(target);

	ct_flow_text(step,
		     "You are about to install a certificate from a certification authority (CA) "
		     "claiming to represent:");
	ct_flow_text(step, "    %s", name);
	ct_flow_text(step,
		     "Windows cannot validate that the certificate is actually from \"%s\". You "
		     "should confirm its origin by contacting \"%s\". The following number will "
		     "assist you in this process:",
		     name, name);
	ct_flow_text(step, "    Thumbprint (sha1): %s", target->sha1);
	ct_flow_text(step, "Warning: if you install this root certificate, it is trusted for "
			   "every site it vouches for. Installing a certificate with an "
			   "unconfirmed thumbprint is a security risk.");
	ct_flow_text(step, "Do you want to install this certificate?");
}

/* Yes in the Security Warning: the anchor is written (or the root commands printed) */
static gboolean
ct_flow_import_wizard_system_apply(CtFlow *flow,
				   CtFlowStep *step,
				   CtTrustPlan *plan,
				   GError **error)
{
	CtTrustStep *store_step = g_ptr_array_index(plan->steps, 0);
	const gchar *why;

	if (!ct_flow_apply_trust(flow, step, plan, error))
		return FALSE;
	if (store_step->result == CT_TRUST_RESULT_DONE ||
	    store_step->result == CT_TRUST_RESULT_UNCHANGED) {
		ct_flow_result(step, "The import was successful.%s",
			       store_step->result == CT_TRUST_RESULT_UNCHANGED
				   ? " (the certificate was there already)"
				   : "");
		ct_flow_result(step, "the OS trust store's anchor: %s", store_step->anchor_path);
		ct_flow_done(flow, step, "trust");
		return TRUE;
	}
	if (store_step->result == CT_TRUST_RESULT_NEEDS_ROOT) {
		ct_flow_result(step, "The import needs root: nothing was written. As root, run:");
		for (guint i = 0; store_step->commands != NULL && i < store_step->commands->len;
		     i++)
			ct_flow_result(step, "    %s",
				       (const gchar *)g_ptr_array_index(store_step->commands, i));
		ct_flow_result(step, "(%s holds the certificate)", store_step->source_path);
		ct_flow_done(flow, step, "trust");
		ct_flow_end(flow, "needs-root", CT_ERROR_FAILED,
			    "%s: the OS trust store needs root: run the commands shown as root, "
			    "or give --sysroot DIR",
			    flow->title);
		return TRUE;
	}
	/* a refused step always has its message (ct_trust_set_result) */
	why = store_step->message != NULL ? store_step->message : store_step->plan;
	ct_flow_result(step, "The import failed: %s", why);
	ct_flow_done(flow, step, "trust");
	ct_flow_import_wizard_end_unimported(flow, store_step->result == CT_TRUST_RESULT_REFUSED,
					     "failed", CT_ERROR_FAILED, why);
	return TRUE;
}

/* the Certification Path tab after the import: is the anchor really there? */
static gboolean
ct_flow_import_wizard_anchor_is_present(CtTrustStep *store_step)
{
	g_autoptr(CtChain) anchor = NULL;

	if (store_step->anchor_path == NULL)
		return FALSE;
	anchor = ct_chain_load_file(store_step->anchor_path, NULL, NULL);
	return anchor != NULL &&
	       g_strcmp0(ct_chain_get_leaf(anchor)->sha256, store_step->target->sha256) == 0;
}

void
ct_flow_certification_path(CtFlow *flow, CtTrustStep *store_step)
{
	CtFlowStep *step = ct_flow_step_new(flow, "Certificate - Certification Path");
	gboolean present = ct_flow_import_wizard_anchor_is_present(store_step);

	ct_flow_text(step, "Certificate status:");
	ct_flow_result(step, "%s",
		       present ? "This certificate is OK."
			       : "This CA Root certificate is not trusted: it is not in the "
				 "Trusted Root Certification Authorities store.");
	ct_flow_done(flow, step, "check");
	if (!present)
		ct_flow_end(flow, "failed", CT_ERROR_FAILED,
			    "%s: the anchor %s is not in the OS trust store after the import",
			    flow->title, store_step->anchor_path);
}

/* the host part of "host:port" or "[v6]:port" (the name as it is when it is neither) */
static gchar *
ct_flow_import_wizard_host_of(const gchar *name)
{
	gchar *host = NULL;
	guint16 port = 0;

	if (!ct_source_split_host_port(name, CT_SOURCE_DEFAULT_PORT, &host, &port, NULL))
		return g_strdup(name);
	return host;
}

/* the name rule, after the install: the address typed must be the certificate's
 * name (the legacy rules of IE8 and Safari 4); localhost and the IP address warn */
void
ct_flow_name_rule(CtFlow *flow, gboolean safari)
{
	guint counted = 0;
	guint mismatches = 0;
	g_autoptr(GString) failed = g_string_new(NULL);
	g_autoptr(GPtrArray) names = ct_flow_import_wizard_check_names(flow, &counted, NULL);
	CtCertificate *leaf = ct_chain_get_leaf(flow->chain);

	for (guint i = 0; names != NULL && i < names->len; i++) {
		const gchar *name = g_ptr_array_index(names, i);
		g_autofree gchar *host = ct_flow_import_wizard_host_of(name);
		g_autoptr(CtHostCheck) check = ct_hostname_check(leaf, host);
		g_autoptr(JsonBuilder) builder = json_builder_new();
		g_autofree gchar *dialog =
		    g_strdup_printf("%s - https://%s/",
				    safari ? "Safari" : "Windows Internet Explorer", name);
		CtFlowStep *step = ct_flow_step_new(flow, dialog);

		ct_flow_text(step, "Address: https://%s/%s", name,
			     i < counted ? "" : " (the seed: localhost and the IP address warn)");
		if (check->legacy.match) {
			ct_flow_result(step, "%s",
				       safari ? "Safari opens it without a Security Alert"
					      : "the page opens; no Certificate Error");
		} else if (safari) {
			ct_flow_result(step, "Security Alert: the name on the security certificate "
					     "does not match the name of the site.");
		} else {
			ct_flow_result(step,
				       "Certificate Error: the security certificate presented "
				       "by this website was issued for a different website's "
				       "address.");
		}
		ct_flow_result(step, "%s: %s", check->legacy.match ? "match" : "mismatch",
			       check->legacy.reason);
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "name", name);
		ct_json_add_string(builder, "policy", "legacy");
		ct_json_add_boolean(builder, "match", check->legacy.match);
		ct_json_add_string(builder, "reason", check->legacy.reason);
		ct_json_add_boolean(builder, "counted", i < counted);
		json_builder_end_object(builder);
		ct_flow_set_extra(step, "check", json_builder_get_root(builder));
		ct_flow_done(flow, step, "check-host");
		if (!check->legacy.match && i < counted) {
			mismatches++;
			g_string_append_printf(failed, "%s%s", failed->len > 0 ? ", " : "", name);
		}
	}
	if (mismatches > 0)
		ct_flow_end(flow, "name-mismatch", CT_ERROR_CHECK_FAILED,
			    "%s: installed, but it still warns for %s: the name is not in the "
			    "certificate",
			    flow->title, failed->str);
	else
		ct_flow_end(flow, "trusted", -1,
			    "%s trusts the certificate: it is in the OS trust store", flow->title);
}

/* the wizard from the Security Warning on, IE8's and Safari's alike; *installed when the
 * anchor is in the store */
static gboolean
ct_flow_import_wizard_system_import(CtFlow *flow,
				    CtTrustPlan *plan,
				    gboolean *installed,
				    GError **error)
{
	const CtFlowButton *buttons = ct_flow_import_wizard_warning;
	guint n_buttons = G_N_ELEMENTS(ct_flow_import_wizard_warning);
	CtTrustStep *store_step = g_ptr_array_index(plan->steps, 0);
	CtFlowStep *step = ct_flow_step_new(flow, "Security Warning");
	guint answer = 0;

	*installed = FALSE;
	ct_flow_import_wizard_security_warning_text(step, store_step->target);
	if (!ct_flow_ask(flow, step, buttons, n_buttons, &answer, error))
		return FALSE;
	if (buttons[answer].answers & CT_FLOW_CANCEL) {
		ct_flow_result(step, "the certificate was not installed: nothing was written");
		ct_flow_done(flow, step, "none");
		return TRUE;
	}
	if (!ct_flow_import_wizard_system_apply(flow, step, plan, error))
		return FALSE;
	*installed = flow->outcome == NULL;
	return TRUE;
}

CtTrustPlan *
ct_flow_import_wizard_run(CtFlow *flow,
			  const CtFlowImportWizard *wizard,
			  gboolean *installed,
			  GError **error)
{
	const CtFlowDialog *store = &wizard->store;
	g_autoptr(CtTrustPlan) plan = NULL;
	CtTrustStep *store_step;
	CtFlowStep *step;

	*installed = FALSE;
	ct_flow_show_dialogs(flow, &ct_flow_import_wizard_welcome, 1);
	ct_flow_show_dialogs(flow, wizard->before_store, wizard->n_before_store);
	step = ct_flow_step_new(flow, store->dialog);
	for (guint i = 0; i < G_N_ELEMENTS(store->text) && store->text[i] != NULL; i++)
		ct_flow_text(step, "%s", store->text[i]);
	ct_flow_click(step, store->button);
	plan = ct_flow_import_wizard_system_plan(flow, error);
	if (plan == NULL)
		return NULL;
	store_step = g_ptr_array_index(plan->steps, 0);
	step->view = g_string_new(NULL);
	ct_cli_trust_render_plan(step->view, plan, FALSE);
	ct_flow_result(step, "%s (%s)", store->result, store_step->store->location);
	ct_flow_done(flow, step, store->action);
	if (store_step->action == CT_TRUST_ACTION_NONE) {
		ct_flow_import_wizard_import_refused(flow, store_step);
		return g_steal_pointer(&plan);
	}
	ct_flow_show_dialogs(flow, &wizard->completing, 1);
	if (!ct_flow_import_wizard_system_import(flow, plan, installed, error))
		return NULL;
	if (*installed)
		ct_flow_show_dialogs(flow, &ct_flow_import_wizard_success, 1);
	return g_steal_pointer(&plan);
}
