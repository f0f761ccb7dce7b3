/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli-trust.h"
#include "ct-json.h"
#include "ct-time.h"

/* "SHA (trusted 2026-01-02T03:04:05Z for NAMES, expires ...)" */
static void
ct_cli_trust_render_entry(GString *out, const CtLedgerEntry *entry)
{
	g_autofree gchar *when = ct_time_format(entry->time, CT_TIME_ISO8601);
	g_autofree gchar *expires = ct_time_format(entry->not_after, CT_TIME_ISO8601);
	g_autofree gchar *joined = entry->host != NULL	  ? g_strdup(entry->host)
				   : entry->names != NULL ? g_strjoinv(", ", entry->names)
							  : g_strdup("");
	g_autofree gchar *names = ct_cli_escape(joined);

	g_string_append_printf(out, "%s (trusted %s for %s, expires %s)", entry->sha256, when,
			       names, expires);
}

static void
ct_cli_trust_render_retired(GString *out, CtTrustStep *step, gboolean results)
{
	for (guint j = 0; step->retired != NULL && j < step->retired->len; j++) {
		CtUntrustResult *retired = g_ptr_array_index(step->retired, j);
		g_string_append(out, results ? "  retire " : "  will retire ");
		ct_cli_trust_render_entry(out, retired->entry);
		if (!results && step->target != NULL) {
			g_autofree gchar *expires = ct_time_format(step->target->not_after,
								   CT_TIME_ISO8601);
			g_string_append_printf(out, ",\n    replaced by %s (expires %s)",
					       step->target->sha256, expires);
		}
		if (results && retired->result != CT_REMOVAL_RESULT_PLANNED)
			g_string_append_printf(out, ": %s",
					       ct_removal_result_to_string(retired->result));
		if (results && retired->message != NULL) {
			g_autofree gchar *message = ct_cli_escape(retired->message);
			g_string_append_printf(out, " (%s)", message);
		}
		g_string_append_c(out, '\n');
	}
	for (guint j = 0; step->kept != NULL && j < step->kept->len; j++) {
		CtUntrustResult *kept = g_ptr_array_index(step->kept, j);
		g_autofree gchar *message = ct_cli_escape(kept->message);
		g_string_append(out, "  keeps ");
		ct_cli_trust_render_entry(out, kept->entry);
		g_string_append_printf(out, ": %s\n", message);
	}
}

void
ct_cli_trust_render_plan(GString *out, CtTrustPlan *plan, gboolean results)
{
	CtCertificate *leaf = ct_chain_get_leaf(plan->chain);
	g_autofree gchar *subject = ct_cli_escape(leaf->subject);

	if (!results) {
		g_string_append_printf(out, "Certificate %s\n  SHA-256 %s\n", subject,
				       leaf->sha256);
		ct_cli_append_redirect(out, plan->chain);
	}
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		g_autofree gchar *location = ct_cli_escape(step->store->location);
		g_autofree gchar *what = ct_cli_escape(step->plan);
		g_string_append_printf(out, "%s %s\n", ct_store_kind_to_string(step->store->kind),
				       location);
		if (!results) {
			g_string_append_printf(out, "  %s: %s\n",
					       step->action == CT_TRUST_ACTION_NONE ? "nothing"
										    : "will write",
					       what);
			for (guint j = 0; step->commands != NULL && j < step->commands->len; j++)
				g_string_append_printf(out, "  # %s\n",
						       (const gchar *)
							   g_ptr_array_index(step->commands, j));
			for (guint j = 0; j < step->predictions->len; j++) {
				CtPrediction *prediction = g_ptr_array_index(step->predictions, j);
				g_autofree gchar *name = ct_cli_escape(prediction->name);
				g_string_append_printf(out, "  https://%s/ in %s: %s", name,
						       prediction->browser,
						       ct_prediction_verdict_to_string(
							   prediction->verdict));
				if (prediction->reason != NULL)
					g_string_append_printf(out, " (%s)", prediction->reason);
				g_string_append_c(out, '\n');
			}
			ct_cli_trust_render_retired(out, step, FALSE);
			if (step->action != CT_TRUST_ACTION_NONE && !ct_trust_step_helps(step) &&
			    ct_chain_tls_version_is_obsolete(plan->chain))
				g_string_append_printf(
				    out,
				    "  warning: the server speaks only %s, which the browsers "
				    "refuse whatever is trusted; it is written all the same. "
				    "Enable TLS 1.2 or 1.3 on the server\n",
				    ct_chain_tls_version_to_string(plan->chain->tls_version));
			else if (step->action != CT_TRUST_ACTION_NONE && !ct_trust_step_helps(step))
				g_string_append(
				    out, "  warning: under none of the names typed will this "
					 "load the page (see above); it is written all the "
					 "same. Give the name the certificate holds (--name), "
					 "or for Firefox use --mode exception\n");
			continue;
		}
		g_string_append_printf(out, "  %s",
				       step->result != CT_TRUST_RESULT_PLANNED
					   ? ct_trust_result_to_string(step->result)
					   : "-");
		if (step->message != NULL) {
			g_autofree gchar *message = ct_cli_escape(step->message);
			g_string_append_printf(out, ": %s", message);
		}
		g_string_append_c(out, '\n');
		ct_cli_trust_render_retired(out, step, TRUE);
		if (step->result == CT_TRUST_RESULT_NEEDS_ROOT) {
			for (guint j = 0; step->commands != NULL && j < step->commands->len; j++)
				g_string_append_printf(out, "  %s\n",
						       (const gchar *)
							   g_ptr_array_index(step->commands, j));
		}
	}
}

static void
ct_cli_trust_add_json_entries(JsonBuilder *builder, const gchar *member, GPtrArray *results)
{
	ct_json_begin_array_member(builder, member);
	for (guint i = 0; results != NULL && i < results->len; i++) {
		CtUntrustResult *result = g_ptr_array_index(results, i);
		g_autofree gchar *when = ct_time_format(result->entry->time, CT_TIME_ISO8601);
		g_autofree gchar *expires = ct_time_format(result->entry->not_after,
							   CT_TIME_ISO8601);
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "sha256", result->entry->sha256);
		ct_json_add_string(builder, "action", result->entry->kind);
		ct_json_begin_array_member(builder, "names");
		if (result->entry->host != NULL)
			json_builder_add_string_value(builder, result->entry->host);
		for (guint n = 0; result->entry->host == NULL && result->entry->names != NULL &&
				  result->entry->names[n] != NULL;
		     n++)
			json_builder_add_string_value(builder, result->entry->names[n]);
		json_builder_end_array(builder);
		ct_json_add_string(builder, "trusted_at", when);
		ct_json_add_string(builder, "not_after", expires);
		ct_cli_trust_add_removal_members(builder, result);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

void
ct_cli_trust_add_json(JsonBuilder *builder, CtTrustPlan *plan)
{
	ct_json_add_string(builder, "sha256", ct_chain_get_leaf(plan->chain)->sha256);
	ct_json_add_redirect(builder, plan->chain);
	ct_json_begin_array_member(builder, "stores");
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		g_autofree gchar *message =
		    g_utf8_make_valid(step->message != NULL ? step->message : step->plan, -1);
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "store", ct_store_kind_to_string(step->store->kind));
		ct_json_add_string(builder, "location", step->store->location);
		ct_json_add_string(builder, "action", ct_trust_action_to_string(step->action));
		if (step->trust != NULL) {
			ct_json_add_string(builder, "trust", step->trust);
		}
		if (step->target != NULL) {
			ct_json_add_string(builder, "target_sha256", step->target->sha256);
		}
		ct_json_add_string(builder, "result", ct_trust_result_to_string(step->result));
		ct_json_add_string(builder, "message", message);
		ct_json_add_string_array(builder, "commands", step->commands);
		ct_cli_trust_add_json_entries(builder, "retired", step->retired);
		ct_cli_trust_add_json_entries(builder, "kept", step->kept);
		ct_json_add_boolean(builder, "helps", ct_trust_step_helps(step));
		ct_json_begin_array_member(builder, "predictions");
		for (guint j = 0; j < step->predictions->len; j++) {
			CtPrediction *prediction = g_ptr_array_index(step->predictions, j);
			json_builder_begin_object(builder);
			ct_json_add_string(builder, "name", prediction->name);
			ct_json_add_string(builder, "browser", prediction->browser);
			ct_json_add_string(builder, "verdict",
					   ct_prediction_verdict_to_string(prediction->verdict));
			if (prediction->reason != NULL) {
				ct_json_add_string(builder, "reason", prediction->reason);
			}
			json_builder_end_object(builder);
		}
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

void
ct_cli_trust_print_verbose(CtCli *cli, CtTrustPlan *plan)
{
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		ct_cli_verbose(cli, "%s %s: %s; %s%s%s", ct_store_kind_to_string(step->store->kind),
			       step->store->location, step->plan,
			       step->result != CT_TRUST_RESULT_PLANNED
				   ? ct_trust_result_to_string(step->result)
				   : "not applied",
			       step->message != NULL ? ": " : "",
			       step->message != NULL ? step->message : "");
	}
}

void
ct_cli_trust_print_removals_verbose(CtCli *cli, GPtrArray *results)
{
	for (guint i = 0; i < results->len; i++) {
		CtUntrustResult *result = g_ptr_array_index(results, i);
		ct_cli_verbose(cli, "%s %s: %s %s%s%s; %s%s%s", result->entry->store,
			       result->entry->location, result->entry->kind, result->entry->sha256,
			       result->entry->host != NULL ? " for " : "",
			       result->entry->host != NULL ? result->entry->host : "",
			       ct_removal_result_to_string(result->result),
			       result->message != NULL ? ": " : "",
			       result->message != NULL ? result->message : "");
	}
}

/* done, or why not (CT_ERROR_REFUSED or CT_ERROR_FAILED) for the command's exit status */
gboolean
ct_cli_trust_set_outcome(gboolean done, CtError code, GError **error)
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

/* the stores named by --store (NULL: all of them), for the commands that read the ledger */
gboolean
ct_cli_trust_stores_filter(CtCli *cli, gchar **specs, GPtrArray **stores, GError **error)
{
	*stores = NULL;
	if (specs == NULL || specs[0] == NULL)
		return TRUE;
	*stores = ct_store_resolve((const gchar *const *)specs, cli->sysroot, FALSE, error);
	return *stores != NULL;
}

/* the stores named by --store, then the ledger that list and untrust read against them */
CtLedger *
ct_cli_trust_open_ledger(CtCli *cli, gchar **specs, GPtrArray **stores, GError **error)
{
	if (!ct_cli_trust_stores_filter(cli, specs, stores, error))
		return NULL;
	return ct_trust_open_ledger(error);
}

void
ct_cli_trust_add_removal_members(JsonBuilder *builder, const CtUntrustResult *result)
{
	ct_json_add_string(builder, "result", ct_removal_result_to_string(result->result));
	ct_json_add_string(builder, "message", result->message != NULL ? result->message : "");
}

void
ct_cli_trust_add_entry_members(JsonBuilder *builder, const CtLedgerEntry *entry)
{
	ct_json_add_string(builder, "store", entry->store);
	ct_json_add_string(builder, "location", entry->location);
	ct_json_add_string(builder, "action", entry->kind);
	ct_json_add_string(builder, "sha256", entry->sha256);
}
