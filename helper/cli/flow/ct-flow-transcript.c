/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-flow-engine.h"
#include "ct-json.h"

/* the transcript */

static void
ct_flow_transcript_add_lines(JsonBuilder *builder, const gchar *member, GPtrArray *lines)
{
	g_autoptr(GString) joined = g_string_new(NULL);

	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf(joined, "%s%s", i > 0 ? "\n" : "",
				       (const gchar *)g_ptr_array_index(lines, i));
	ct_json_add_string(builder, member, joined->str);
}

void
ct_flow_print_json(CtFlow *flow)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GPtrArray) problems = NULL;

	json_builder_begin_object(builder);
	ct_json_add_string(builder, "flow", flow->browser);
	ct_json_add_string(builder, "browser", flow->title);
	ct_json_add_string(builder, "source", flow->source);
	ct_json_add_string(builder, "sha256",
			   flow->chain != NULL ? ct_chain_get_leaf(flow->chain)->sha256 : NULL);
	problems = flow->chain != NULL ? ct_chain_get_problem_names(flow->chain) : NULL;
	ct_json_add_string_array(builder, "problems", problems);
	json_builder_set_member_name(builder, "steps");
	json_builder_begin_array(builder);
	for (guint i = 0; i < flow->steps->len; i++) {
		CtFlowStep *step = g_ptr_array_index(flow->steps, i);
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "dialog", step->dialog);
		ct_flow_transcript_add_lines(builder, "text", step->text);
		ct_json_add_string_array(builder, "buttons", step->buttons);
		ct_json_add_boolean(builder, "asked", step->asked);
		ct_json_add_string(builder, "choice", step->choice);
		ct_json_add_string(builder, "answered_by", step->answered_by);
		ct_json_add_string(builder, "action", step->action);
		ct_flow_transcript_add_lines(builder, "result", step->result);
		if (step->extra != NULL) {
			json_builder_set_member_name(builder, step->extra_name);
			json_builder_add_value(builder, json_node_ref(step->extra));
		}
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	ct_json_add_string(builder, "outcome", flow->outcome);
	ct_json_add_string(builder, "message", flow->message);
	ct_json_add_int(builder, "exit_status", ct_error_get_exit_status(flow->error));
	json_builder_end_object(builder);
	ct_cli_print_json(flow->cli, builder);
}
