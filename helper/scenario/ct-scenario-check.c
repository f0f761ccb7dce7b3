/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <string.h>

#include "ct-escape.h"
#include "ct-scenario-check.h"

/* what a step expects against what came out: the mismatches a step's report collects,
 * the readers of a command's JSON document, its exit status */

void
ct_scenario_output_clear(CtScenarioOutput *output)
{
	g_clear_pointer(&output->out, g_free);
	g_clear_pointer(&output->err, g_free);
	g_clear_pointer(&output->root, json_node_unref);
}

/* does the step read the certificate from the server itself (a TLS connection)? */
gboolean
ct_scenario_from_server(const CtScenarioStep *step)
{
	return g_strcmp0(step->from, "server") == 0;
}

/* a difference between what the step expects and what came out */
void
ct_scenario_mismatch(CtScenarioStepReport *report,
		     const gchar *what,
		     const gchar *expected,
		     const gchar *actual)
{
	g_autofree gchar *message = NULL;
	g_autofree gchar *expected_line = NULL;
	g_autofree gchar *actual_line = NULL;

	message = g_strdup_printf("%s%s%s: expected %s, got %s",
				  report->message != NULL ? report->message : "",
				  report->message != NULL ? "; " : "", what, expected, actual);
	expected_line = g_strdup_printf("%s%s%s: %s",
					report->expected != NULL ? report->expected : "",
					report->expected != NULL ? "; " : "", what, expected);
	actual_line = g_strdup_printf("%s%s%s: %s", report->actual != NULL ? report->actual : "",
				      report->actual != NULL ? "; " : "", what, actual);
	g_free(report->message);
	report->message = g_steal_pointer(&message);
	g_free(report->expected);
	report->expected = g_steal_pointer(&expected_line);
	g_free(report->actual);
	report->actual = g_steal_pointer(&actual_line);
}

void
ct_scenario_check_string(CtScenarioStepReport *report,
			 const gchar *what,
			 const gchar *expected,
			 const gchar *actual)
{
	if (expected == NULL || g_strcmp0(expected, actual) == 0)
		return;
	ct_scenario_mismatch(report, what, expected, actual != NULL ? actual : "nothing");
}

void
ct_scenario_check_number(CtScenarioStepReport *report,
			 const gchar *what,
			 gint expected,
			 gint64 actual)
{
	g_autofree gchar *expected_text = NULL;
	g_autofree gchar *actual_text = NULL;

	if (expected < 0 || expected == actual)
		return;
	expected_text = g_strdup_printf("%d", expected);
	actual_text = actual < 0 ? g_strdup("nothing")
				 : g_strdup_printf("%" G_GINT64_FORMAT, actual);
	ct_scenario_mismatch(report, what, expected_text, actual_text);
}

/* one object per SOURCE: "results" when there were several, else the document itself */
GPtrArray *
ct_scenario_json_results(JsonObject *root)
{
	GPtrArray *results = g_ptr_array_new();
	JsonArray *array = ct_json_get_array(root, "results");

	if (array == NULL) {
		g_ptr_array_add(results, root);
		return results;
	}
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonObject *object = ct_json_node_get_object(json_array_get_element(array, i));
		if (object != NULL)
			g_ptr_array_add(results, object);
	}
	return results;
}

gchar *
ct_scenario_cut(const gchar *text)
{
	g_autofree gchar *trimmed = g_strstrip(g_strdup(text != NULL ? text : ""));
	if (trimmed[0] == '\0')
		return NULL;
	return ct_escape_for_terminal(trimmed, -1, CT_SCENARIO_MAX_OUTPUT);
}

/* the last line of a text, for a short message */
gchar *
ct_scenario_last_line(const gchar *text)
{
	g_autofree gchar *trimmed = g_strstrip(g_strdup(text != NULL ? text : ""));
	const gchar *newline = strrchr(trimmed, '\n');
	return ct_escape_for_terminal(newline != NULL ? newline + 1 : trimmed, -1, 300);
}

/* the exit status, and when it is wrong what the command said */
void
ct_scenario_check_exit(CtScenarioStepReport *report, CtScenarioOutput *output, gint expected)
{
	JsonObject *root = ct_json_node_get_object(output->root);
	JsonObject *error_object = NULL;
	g_autofree gchar *actual = NULL;
	g_autofree gchar *why = NULL;
	g_autofree gchar *expected_text = g_strdup_printf("%d", expected);

	if (output->status == expected)
		return;
	if (root != NULL && json_object_has_member(root, "error"))
		error_object = ct_json_node_get_object(json_object_get_member(root, "error"));
	if (error_object != NULL)
		why = ct_escape_for_terminal(ct_json_get_string(error_object, "message"), -1, 300);
	else
		why = ct_scenario_last_line(output->err);
	actual = why != NULL && why[0] != '\0' ? g_strdup_printf("%d (%s)", output->status, why)
					       : g_strdup_printf("%d", output->status);
	ct_scenario_mismatch(report, "exit status", expected_text, actual);
}

/* a verdict that differs says enough; the exit status is checked when the verdict is
 * right (it must follow it) or when the command failed outright (its message shows). The
 * verdict is wrong when its checks gave the report its first mismatch: had_mismatch is
 * whether the report had one before them */
void
ct_scenario_check_exit_after(CtScenarioStepReport *report,
			     CtScenarioOutput *output,
			     gboolean had_mismatch,
			     gint expected)
{
	JsonObject *root = ct_json_node_get_object(output->root);
	gboolean failed = root == NULL || json_object_has_member(root, "error");
	gboolean verdict_wrong = !had_mismatch && report->message != NULL;

	if (!verdict_wrong || failed)
		ct_scenario_check_exit(report, output, expected);
}

gchar *
ct_scenario_join_array(JsonArray *array)
{
	g_autoptr(GPtrArray) words = g_ptr_array_new();

	for (guint i = 0; array != NULL && i < json_array_get_length(array); i++) {
		JsonNode *node = json_array_get_element(array, i);
		if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
			g_ptr_array_add(words, (gpointer)json_node_get_string(node));
	}
	g_ptr_array_add(words, NULL);
	return g_strjoinv(" ", (gchar **)words->pdata);
}

static gint
ct_scenario_compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

gchar *
ct_scenario_sorted_words(const gchar *text)
{
	g_auto(GStrv) words = g_strsplit(text, " ", -1);
	g_autoptr(GPtrArray) list = g_ptr_array_new();

	for (guint i = 0; words[i] != NULL; i++) {
		if (words[i][0] != '\0')
			g_ptr_array_add(list, words[i]);
	}
	g_ptr_array_sort(list, ct_scenario_compare_strings);
	g_ptr_array_add(list, NULL);
	return g_strjoinv(" ", (gchar **)list->pdata);
}
