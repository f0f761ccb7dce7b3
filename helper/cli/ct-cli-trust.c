#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli-trust.h"
#include "ct-context.h"

void
ct_cli_trust_render_plan(GString *out, CtTrustPlan *plan, gboolean results)
{
	CtCertificate *leaf = ct_chain_get_leaf(plan->chain);
	g_autofree gchar *subject = ct_cli_escape(leaf->subject);

	if (!results)
		g_string_append_printf(out, "Certificate %s\n  SHA-256 %s\n", subject,
				       leaf->sha256);
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
				g_string_append_printf(out, "  https://%s/ in %s: %s\n", name,
						       prediction->browser, prediction->verdict);
			}
			if (step->action != CT_TRUST_ACTION_NONE && !ct_trust_step_helps(step))
				g_string_append(
				    out, "  warning: under none of the names typed will this "
					 "load the page (see above); it is written all the "
					 "same. Give the name the certificate holds (--name), "
					 "or for Firefox use --mode exception\n");
			continue;
		}
		g_string_append_printf(out, "  %s", step->result != NULL ? step->result : "-");
		if (step->message != NULL) {
			g_autofree gchar *message = ct_cli_escape(step->message);
			g_string_append_printf(out, ": %s", message);
		}
		g_string_append_c(out, '\n');
		if (g_strcmp0(step->result, "needs-root") == 0) {
			for (guint j = 0; step->commands != NULL && j < step->commands->len; j++)
				g_string_append_printf(out, "  %s\n",
						       (const gchar *)
							   g_ptr_array_index(step->commands, j));
		}
	}
}

void
ct_cli_trust_add_json(JsonBuilder *builder, CtTrustPlan *plan)
{
	const gchar *actions[] = {"none", "exception", "nss", "anchor"};

	json_builder_set_member_name(builder, "sha256");
	json_builder_add_string_value(builder, ct_chain_get_leaf(plan->chain)->sha256);
	json_builder_set_member_name(builder, "stores");
	json_builder_begin_array(builder);
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		g_autofree gchar *message =
		    g_utf8_make_valid(step->message != NULL ? step->message : step->plan, -1);
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "store");
		json_builder_add_string_value(builder, ct_store_kind_to_string(step->store->kind));
		json_builder_set_member_name(builder, "location");
		json_builder_add_string_value(builder, step->store->location);
		json_builder_set_member_name(builder, "action");
		json_builder_add_string_value(builder, actions[step->action]);
		if (step->trust != NULL) {
			json_builder_set_member_name(builder, "trust");
			json_builder_add_string_value(builder, step->trust);
		}
		if (step->target != NULL) {
			json_builder_set_member_name(builder, "target_sha256");
			json_builder_add_string_value(builder, step->target->sha256);
		}
		json_builder_set_member_name(builder, "result");
		json_builder_add_string_value(builder,
					      step->result != NULL ? step->result : "planned");
		json_builder_set_member_name(builder, "message");
		json_builder_add_string_value(builder, message);
		json_builder_set_member_name(builder, "commands");
		json_builder_begin_array(builder);
		for (guint j = 0; step->commands != NULL && j < step->commands->len; j++)
			json_builder_add_string_value(builder,
						      g_ptr_array_index(step->commands, j));
		json_builder_end_array(builder);
		json_builder_set_member_name(builder, "helps");
		json_builder_add_boolean_value(builder, ct_trust_step_helps(step));
		json_builder_set_member_name(builder, "predictions");
		json_builder_begin_array(builder);
		for (guint j = 0; j < step->predictions->len; j++) {
			CtPrediction *prediction = g_ptr_array_index(step->predictions, j);
			json_builder_begin_object(builder);
			json_builder_set_member_name(builder, "name");
			json_builder_add_string_value(builder, prediction->name);
			json_builder_set_member_name(builder, "browser");
			json_builder_add_string_value(builder, prediction->browser);
			json_builder_set_member_name(builder, "verdict");
			json_builder_add_string_value(builder, prediction->verdict);
			json_builder_end_object(builder);
		}
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

gboolean
ct_cli_trust_apply(CtTrustPlan *plan, gboolean dry_run, GError **error)
{
	g_autofree gchar *ledger_path = ct_context_get_ledger_path();
	g_autoptr(CtLedger) ledger = ct_ledger_open(ledger_path, error);

	if (ledger == NULL)
		return FALSE;
	ct_trust_plan_apply(plan, ledger, dry_run);
	return dry_run || ct_ledger_save(ledger, error);
}
