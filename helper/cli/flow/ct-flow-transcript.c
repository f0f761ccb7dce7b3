#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-flow-engine.h"

/* the transcript */

static void
ct_flow_transcript_add_lines(JsonBuilder *builder, const gchar *member, GPtrArray *lines)
{
	g_autoptr(GString) joined = g_string_new(NULL);
	g_autofree gchar *valid = NULL;

	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf(joined, "%s%s", i > 0 ? "\n" : "",
				       (const gchar *)g_ptr_array_index(lines, i));
	valid = g_utf8_make_valid(joined->str, -1);
	json_builder_set_member_name(builder, member);
	json_builder_add_string_value(builder, valid);
}

static void
ct_flow_transcript_add_string_or_null(JsonBuilder *builder, const gchar *member, const gchar *value)
{
	json_builder_set_member_name(builder, member);
	if (value != NULL) {
		g_autofree gchar *valid = g_utf8_make_valid(value, -1);
		json_builder_add_string_value(builder, valid);
	} else {
		json_builder_add_null_value(builder);
	}
}

void
ct_flow_print_json(CtFlow *flow)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GPtrArray) problems = NULL;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "flow");
	json_builder_add_string_value(builder, flow->browser);
	json_builder_set_member_name(builder, "browser");
	json_builder_add_string_value(builder, flow->title);
	ct_flow_transcript_add_string_or_null(builder, "source", flow->source);
	ct_flow_transcript_add_string_or_null(builder, "sha256",
					      flow->chain != NULL
						  ? ct_chain_get_leaf(flow->chain)->sha256
						  : NULL);
	json_builder_set_member_name(builder, "problems");
	json_builder_begin_array(builder);
	problems = flow->chain != NULL ? ct_chain_get_problem_names(flow->chain) : NULL;
	for (guint i = 0; problems != NULL && i < problems->len; i++)
		json_builder_add_string_value(builder, g_ptr_array_index(problems, i));
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "steps");
	json_builder_begin_array(builder);
	for (guint i = 0; i < flow->steps->len; i++) {
		CtFlowStep *step = g_ptr_array_index(flow->steps, i);
		json_builder_begin_object(builder);
		ct_flow_transcript_add_string_or_null(builder, "dialog", step->dialog);
		ct_flow_transcript_add_lines(builder, "text", step->text);
		json_builder_set_member_name(builder, "buttons");
		json_builder_begin_array(builder);
		for (guint j = 0; j < step->buttons->len; j++)
			json_builder_add_string_value(builder, g_ptr_array_index(step->buttons, j));
		json_builder_end_array(builder);
		json_builder_set_member_name(builder, "asked");
		json_builder_add_boolean_value(builder, step->asked);
		ct_flow_transcript_add_string_or_null(builder, "choice", step->choice);
		ct_flow_transcript_add_string_or_null(builder, "answered_by", step->answered_by);
		ct_flow_transcript_add_string_or_null(builder, "action", step->action);
		ct_flow_transcript_add_lines(builder, "result", step->result);
		if (step->extra != NULL) {
			json_builder_set_member_name(builder, step->extra_name);
			json_builder_add_value(builder, json_node_ref(step->extra));
		}
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	ct_flow_transcript_add_string_or_null(builder, "outcome", flow->outcome);
	ct_flow_transcript_add_string_or_null(builder, "message", flow->message);
	json_builder_set_member_name(builder, "exit_status");
	json_builder_add_int_value(builder, ct_error_get_exit_status(flow->error));
	json_builder_end_object(builder);
	ct_cli_print_json(flow->cli, builder);
}
