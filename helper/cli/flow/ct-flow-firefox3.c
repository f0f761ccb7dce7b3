/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <string.h>

#include "ct-cli-browser.h"
#include "ct-cli-show.h"
#include "ct-cli-trust.h"
#include "ct-fetch.h"
#include "ct-firefox.h"
#include "ct-flow-import-wizard.h"
#include "ct-source.h"
#include "ct-time.h"

/* Firefox 3.x */

static const CtFlowDialog ct_flow_firefox3_understand_the_risks =
    {"This Connection is Untrusted - I Understand The Risks",
     {"If you understand what's going on, you can tell Firefox to start trusting this site's "
      "identification. Even if you trust the site, this error could mean that someone is "
      "tampering with your connection.",
      "Don't add an exception unless you know there's a good reason why this site doesn't "
      "use trusted identification."},
     "Add Exception...",
     NULL,
     "none"};

static void
ct_flow_firefox3_problems(CtFlow *flow, CtFlowStep *step)
{
	CtCertificate *leaf = ct_chain_get_leaf(flow->chain);
	GTlsCertificateFlags problems = flow->chain->problems;
	const gchar *code = NULL;

	ct_flow_text(step, "%s uses an invalid security certificate.", flow->host);
	if (problems & G_TLS_CERTIFICATE_UNKNOWN_CA) {
		ct_flow_text(step, "%s",
			     leaf->self_signed ? "The certificate is not trusted because it is "
						 "self signed."
					       : "The certificate is not trusted because the "
						 "issuer certificate is unknown.");
		code = leaf->self_signed ? "sec_error_untrusted_issuer"
					 : "sec_error_unknown_issuer";
	}
	if (problems & G_TLS_CERTIFICATE_BAD_IDENTITY) {
		g_autoptr(GString) names = g_string_new(NULL);
		for (guint i = 0; leaf->san_dns != NULL && i < leaf->san_dns->len; i++)
			g_string_append_printf(names, "%s%s", names->len > 0 ? ", " : "",
					       (const gchar *)g_ptr_array_index(leaf->san_dns, i));
		for (guint i = 0; leaf->san_ip != NULL && i < leaf->san_ip->len; i++)
			g_string_append_printf(names, "%s%s", names->len > 0 ? ", " : "",
					       (const gchar *)g_ptr_array_index(leaf->san_ip, i));
		if (names->len == 0)
			g_string_append(names, ct_flow_name_of(leaf));
		ct_flow_text(step, "The certificate is only valid for %s", names->str);
		if (code == NULL)
			code = "ssl_error_bad_cert_domain";
	}
	if (problems & G_TLS_CERTIFICATE_EXPIRED) {
		g_autofree gchar *date = ct_time_format(leaf->not_after, CT_TIME_DAY_SECOND);
		ct_flow_text(step, "The certificate expired on %s.", date);
		if (code == NULL)
			code = "sec_error_expired_certificate";
	}
	if (problems & G_TLS_CERTIFICATE_NOT_ACTIVATED) {
		g_autofree gchar *date = ct_time_format(leaf->not_before, CT_TIME_DAY_SECOND);
		ct_flow_text(step, "The certificate will not be valid until %s.", date);
		if (code == NULL)
			code = "sec_error_expired_certificate";
	}
	if (code != NULL)
		ct_flow_text(step, "(Error code: %s)", code);
}

static void
ct_flow_firefox3_status(CtFlow *flow, CtFlowStep *step)
{
	GTlsCertificateFlags problems = flow->chain->problems;

	ct_flow_result(step, "Certificate Status: This site attempts to identify itself with "
			     "invalid information.");
	if (problems & G_TLS_CERTIFICATE_BAD_IDENTITY)
		ct_flow_result(step, "Wrong Site: Certificate belongs to a different site, which "
				     "could indicate an identity theft.");
	if (problems & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
		ct_flow_result(step,
			       "Outdated Information: Certificate is not currently valid. "
			       "It is impossible to verify whether this identity was reported "
			       "as stolen or lost.");
	if (problems & G_TLS_CERTIFICATE_UNKNOWN_CA)
		ct_flow_result(step, "Unknown Identity: Certificate is not trusted, because it "
				     "hasn't been verified by a recognized authority.");
}

/* Confirm Security Exception with "Permanently store this exception" ticked: an
 * exception in every Firefox profile, as trust --store firefox writes it */
static gboolean
ct_flow_firefox3_permanent(CtFlow *flow, CtFlowStep *step, GError **error)
{
	const gchar *specs[] = {"firefox", NULL};
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(CtTrustPlan) plan = NULL;
	guint written = 0;
	CtError code = CT_ERROR_FAILED;
	gboolean done;

	names = ct_cli_typed_names(flow->source, flow->names, error);
	if (names == NULL)
		return FALSE;
	stores = ct_store_resolve(specs, flow->cli->sysroot, FALSE, error);
	if (stores == NULL)
		return FALSE;
	/* the procedure chose Firefox, not the user: no profile at all is "not found" (exit 3),
	 * said below, not a store the user named that failed */
	for (guint i = 0; i < stores->len; i++)
		((CtStore *)g_ptr_array_index(stores, i))->named = FALSE;
	plan = ct_trust_plan_new(flow->chain, stores, names, CT_TRUST_MODE_EXCEPTION,
				 flow->allow_ca, flow->cli->sysroot, error);
	if (plan == NULL)
		return FALSE;
	if (!ct_flow_apply_trust(flow, step, plan, error))
		return FALSE;
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *store_step = g_ptr_array_index(plan->steps, i);
		if (store_step->result == CT_TRUST_RESULT_DONE ||
		    store_step->result == CT_TRUST_RESULT_UNCHANGED) {
			ct_flow_result(step, "the exception is stored permanently in %s/%s",
				       store_step->store->location, "cert_override.txt");
			written++;
		} else {
			ct_flow_result(step, "not stored in %s: %s", store_step->store->location,
				       store_step->message != NULL ? store_step->message
								   : store_step->plan);
		}
	}
	ct_flow_done(flow, step, "trust");

	done = ct_trust_plan_get_outcome(plan, &code);
	if (!done && code == CT_ERROR_REFUSED)
		ct_flow_end(flow, "refused", CT_ERROR_REFUSED,
			    "Firefox 3: some profiles refused the exception: see why above");
	else if (!done)
		ct_flow_end(
		    flow, "failed", CT_ERROR_FAILED,
		    "Firefox 3: some profiles could not store the exception: see why above");
	else if (written == 0)
		ct_flow_end(flow, "not-found", CT_ERROR_NOT_FOUND,
			    "Firefox 3: no Firefox profile found to store the exception in (run "
			    "Firefox once)");
	if (written == 0)
		return TRUE;

	/* Tools > Options > Advanced > View Certificates: the exceptions, re-read */
	step = ct_flow_step_new(flow, "Certificate Manager - Servers");
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *store_step = g_ptr_array_index(plan->steps, i);
		g_autoptr(GHashTable) present = NULL;
		if (store_step->hosts == NULL)
			continue;
		present = ct_firefox_override_list(store_step->store->location, error);
		if (present == NULL)
			return FALSE;
		for (guint j = 0; j < store_step->hosts->len; j++) {
			const gchar *host = g_ptr_array_index(store_step->hosts, j);
			gboolean found = g_strcmp0(g_hash_table_lookup(present, host),
						   store_step->target->sha256) == 0;
			ct_flow_result(step, "%s %s (%s)", host, found ? "Permanent" : "missing",
				       store_step->store->location);
			if (!found && flow->outcome == NULL)
				ct_flow_end(flow, "failed", CT_ERROR_FAILED,
					    "Firefox 3: the exception for %s is not in %s", host,
					    store_step->store->location);
		}
	}
	ct_flow_done(flow, step, "list");
	if (flow->outcome == NULL)
		ct_flow_end(flow, "trusted", -1,
			    "Firefox 3 trusts the certificate for %s: a permanent exception",
			    flow->host);
	return TRUE;
}

/* Confirm Security Exception with the box unticked: the real session, open --session's
 * Firefox on a throwaway copy of the profile that has the exception */
static gboolean
ct_flow_firefox3_session(CtFlow *flow, GError **error)
{
	const gchar *argv[] = {"certtrust flow", flow->source, NULL};
	g_autoptr(CtCliBrowser) browser = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	CtFlowStep *step = ct_flow_step_new(flow, "Mozilla Firefox (this session only)");
	guint blocked = 0;

	step->action = g_strdup("open-session");
	ct_flow_text(step, "Firefox on a throwaway copy of the profile that has the exception, "
			   "deleted when it ends; the profile itself is not written");
	browser = ct_cli_browser_new(flow->cli, "firefox", NULL, NULL, flow->names, 2,
				     (gchar **)argv, error);
	if (browser == NULL)
		return FALSE;
	browser->names = flow->names;
	if (!ct_cli_browser_add_session_trust(browser, flow->chains, 2, (gchar **)argv, error))
		return FALSE;
	browser->options.headed = ct_cli_browser_has_display();
	if (!ct_cli_browser_launch(flow->cli, browser, error) ||
	    !ct_cli_browser_visit(flow->cli, browser, error))
		return FALSE;
	json_builder_begin_array(builder);
	for (guint i = 0; i < browser->navigations->len; i++) {
		CtNavigation *navigation = g_ptr_array_index(browser->navigations, i);
		if (g_strcmp0(navigation->outcome, "loads") != 0)
			blocked++;
		ct_flow_result(step, "%s: %s%s%s", navigation->url, navigation->outcome,
			       navigation->error_code != NULL ? " " : "",
			       navigation->error_code != NULL ? navigation->error_code : "");
		ct_cli_browser_add_navigation(builder, navigation);
	}
	json_builder_end_array(builder);
	ct_flow_set_extra(step, "navigations", json_builder_get_root(builder));
	ct_flow_result(step, "%s%s", browser->version,
		       browser->options.headed ? ": close its window to end the session" : "");
	ct_flow_done(flow, step, "open-session");
	if (browser->options.headed &&
	    !ct_browser_wait_closed(browser->browser, flow->cli->cancellable, error))
		return FALSE;
	ct_cli_browser_finish(browser);
	if (blocked > 0)
		ct_flow_end(flow, "blocked", CT_ERROR_CHECK_FAILED,
			    "Firefox 3: the session's Firefox blocked %u of %u pages", blocked,
			    browser->navigations->len);
	else
		ct_flow_end(flow, "session", -1,
			    "Firefox 3 trusts %s for this session only: the exception went with "
			    "the session",
			    flow->host);
	return TRUE;
}

gboolean
ct_flow_run_firefox3(CtFlow *flow, GError **error)
{
	static const CtFlowButton alert[] = {
	    {'i', "I Understand The Risks", CT_FLOW_CONTINUE | CT_FLOW_SESSION | CT_FLOW_PERMANENT,
	     NULL},
	    {'g', "Get Me Out Of Here", CT_FLOW_CANCEL, "cancel: no access"},
	};
	static const CtFlowButton exception[] = {
	    {'c', "Confirm Security Exception", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT,
	     "with \"Permanently store this exception\" ticked: stored in the profile"},
	    {'u', "Confirm Security Exception (\"Permanently store this exception\" unticked)",
	     CT_FLOW_SESSION, "this session only"},
	    {'x', "Cancel", CT_FLOW_CANCEL, NULL},
	};
	g_autofree gchar *location = NULL;
	g_autoptr(CtSourceServer) target = ct_source_parse_server(flow->source, NULL);
	CtFlowStep *step;
	guint answer = 0;

	step = ct_flow_step_new(flow, "Security Alert - This Connection is Untrusted");
	ct_flow_text(step,
		     "You have asked Firefox to connect securely to %s, but we can't confirm that "
		     "your connection is secure.",
		     flow->host);
	ct_flow_text(step, "Normally, when you try to connect securely, sites will present trusted "
			   "identification to prove that you are going to the right place. "
			   "However, this site's identity can't be verified.");
	ct_flow_text(step, "What Should I Do?");
	ct_flow_text(step, "If you usually connect to this site without problems, this error "
			   "could mean that someone is trying to impersonate the site, and you "
			   "shouldn't continue.");
	ct_flow_text(step, "Technical Details");
	ct_flow_firefox3_problems(flow, step);
	if (!ct_flow_ask(flow, step, alert, G_N_ELEMENTS(alert), &answer, error))
		return FALSE;
	if (answer == 1) {
		ct_flow_result(step, "Firefox leaves the site: no access");
		ct_flow_done(flow, step, "none");
		ct_flow_blocked(flow, step);
		return TRUE;
	}
	ct_flow_done(flow, step, "none");

	ct_flow_show_dialogs(flow, &ct_flow_firefox3_understand_the_risks, 1);

	if (target != NULL) {
		g_autofree gchar *host_port = ct_source_format_host_port(target->host,
									 target->port);
		location = g_strdup_printf("https://%s/", host_port);
	} else {
		location = g_strdup(flow->source);
	}
	step = ct_flow_step_new(flow, "Add Security Exception");
	ct_flow_text(step, "You are about to override how Firefox identifies this site.");
	ct_flow_text(step, "Legitimate banks, stores, and other public sites will not ask you to "
			   "do this.");
	ct_flow_text(step, "Server Location: %s", location);
	ct_flow_click(step, "Get Certificate");
	ct_flow_firefox3_status(flow, step);
	ct_flow_done(flow, step, "fetch");

	step = ct_flow_step_new(flow, "Certificate Viewer - Details");
	ct_flow_text(step, "Certificate Fields / Field Values:");
	ct_flow_add_view(step, flow->chain, CT_CLI_SHOW_VIEW_ALL);
	ct_flow_add_certificate_extra(step, flow->chain);
	ct_flow_click(step, "View...");
	ct_flow_done(flow, step, "show");

	step = ct_flow_step_new(flow, "Add Security Exception");
	ct_flow_text(step, "Permanently store this exception: ticked");
	if (!ct_flow_ask(flow, step, exception, G_N_ELEMENTS(exception), &answer, error))
		return FALSE;
	if (answer == 2) {
		ct_flow_result(step, "no exception: the page stays blocked");
		ct_flow_done(flow, step, "none");
		ct_flow_blocked(flow, step);
		return TRUE;
	}
	if (answer == 1) {
		ct_flow_result(step, "an exception for this session only: nothing is stored");
		ct_flow_done(flow, step, "none");
		return ct_flow_firefox3_session(flow, error);
	}
	return ct_flow_firefox3_permanent(flow, step, error);
}
