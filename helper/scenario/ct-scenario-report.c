/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include "ct-escape.h"
#include "ct-scenario-report.h"

/* the reports of a run for machines: TAP 14 and JUnit XML, and the totals of the results;
 * the program prints them (its text and JSON reports are its own) */

const gchar *
ct_scenario_result_to_string(CtScenarioResult result)
{
	switch (result) {
	case CT_SCENARIO_RESULT_PASS:
		return "pass";
	case CT_SCENARIO_RESULT_FAIL:
		return "fail";
	case CT_SCENARIO_RESULT_SKIP:
		return "skip";
	case CT_SCENARIO_RESULT_TODO:
		return "todo";
	case CT_SCENARIO_RESULT_TODO_PASS:
		return "todo-pass";
	default:
		return "unknown";
	}
}

static void
ct_scenario_step_report_free(CtScenarioStepReport *report)
{
	g_free(report->message);
	g_free(report->expected);
	g_free(report->actual);
	g_free(report->command);
	g_free(report->output);
	g_free(report);
}

void
ct_scenario_report_free(CtScenarioReport *report)
{
	if (report == NULL)
		return;
	g_ptr_array_unref(report->steps);
	g_free(report->dir);
	g_free(report);
}

gboolean
ct_scenario_report_passed(const CtScenarioReport *report)
{
	if (report->cancelled)
		return FALSE;
	for (guint i = 0; i < report->steps->len; i++) {
		CtScenarioStepReport *step = g_ptr_array_index(report->steps, i);
		if (step->result == CT_SCENARIO_RESULT_FAIL)
			return FALSE;
	}
	return TRUE;
}

CtScenarioReport *
ct_scenario_report_new(const CtScenario *scenario)
{
	CtScenarioReport *report = g_new0(CtScenarioReport, 1);

	report->scenario = scenario;
	report->steps = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)ct_scenario_step_report_free);
	for (guint i = 0; i < scenario->steps->len; i++) {
		CtScenarioStepReport *step_report = g_new0(CtScenarioStepReport, 1);
		step_report->step = g_ptr_array_index(scenario->steps, i);
		step_report->result = CT_SCENARIO_RESULT_SKIP;
		g_ptr_array_add(report->steps, step_report);
	}
	return report;
}

/* a field is cut after this many characters, as the program cuts its own fields */
#define CT_SCENARIO_REPORT_MAX_FIELD 1000

/* one field of a report: terminal-safe, cut as the program's other fields */
static gchar *
ct_scenario_report_escape(const gchar *text)
{
	return ct_escape_for_terminal(text != NULL ? text : "", -1, CT_SCENARIO_REPORT_MAX_FIELD);
}

/* text for one line of TAP or a report: terminal-safe, no '#' that TAP would read */
static gchar *
ct_scenario_report_line_text(const gchar *text)
{
	g_autofree gchar *escaped = ct_scenario_report_escape(text);
	g_auto(GStrv) parts = g_strsplit(escaped, "#", -1);
	return g_strjoinv("\\#", parts);
}

/* a YAML double-quoted scalar: terminal-safe text (control characters and newlines
 * are escapes already), quotes and backslashes escaped once more for YAML */
static gchar *
ct_scenario_report_yaml_quote(const gchar *text)
{
	g_autofree gchar *escaped = ct_escape_for_terminal(text != NULL ? text : "", -1, 4000);
	GString *out = g_string_new("\"");

	for (const gchar *p = escaped; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else
			g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
	return g_string_free(out, FALSE);
}

static void
ct_scenario_report_yaml_member(GString *out, const gchar *key, const gchar *value)
{
	g_autofree gchar *quoted = NULL;

	if (value == NULL)
		return;
	quoted = ct_scenario_report_yaml_quote(value);
	g_string_append_printf(out, "  %s: %s\n", key, quoted);
}

/* TAP 14 test points, one per step, numbered on from *number */
gchar *
ct_scenario_report_tap(const CtScenarioReport *report, guint *number)
{
	const CtScenario *scenario = report->scenario;
	GString *out = g_string_new(NULL);
	g_autofree gchar *name = ct_scenario_report_line_text(scenario->name);
	g_autofree gchar *path = ct_scenario_report_escape(scenario->path);
	g_autofree gchar *quoted_path = ct_scenario_report_yaml_quote(scenario->path);

	g_autofree gchar *server = scenario->server != NULL
				       ? ct_scenario_report_escape(scenario->server)
				       : NULL;

	g_string_append_printf(out, "# scenario %s (%s, %s %s, layout %s, %.1f s)\n", name, path,
			       server != NULL ? "server" : "profile",
			       server != NULL ? server : scenario->profile,
			       ct_scenario_layout_to_string(report->layout), report->seconds);
	if (report->dir != NULL) {
		g_autofree gchar *dir = ct_scenario_report_line_text(report->dir);
		g_string_append_printf(out, "# kept in %s\n", dir);
	}
	for (guint i = 0; i < report->steps->len; i++) {
		CtScenarioStepReport *step = g_ptr_array_index(report->steps, i);
		g_autofree gchar *text = ct_scenario_report_line_text(step->step->text);
		g_autofree gchar *message = ct_scenario_report_line_text(step->message);
		g_autofree gchar *todo = ct_scenario_report_line_text(step->step->todo);
		gboolean ok = step->result != CT_SCENARIO_RESULT_FAIL &&
			      step->result != CT_SCENARIO_RESULT_TODO;

		(*number)++;
		g_string_append_printf(out, "%s %u - %s: %s", ok ? "ok" : "not ok", *number, name,
				       text);
		if (step->result == CT_SCENARIO_RESULT_SKIP)
			g_string_append_printf(out, " # SKIP %s", message);
		else if (step->result == CT_SCENARIO_RESULT_TODO ||
			 step->result == CT_SCENARIO_RESULT_TODO_PASS)
			g_string_append_printf(out, " # TODO %s", todo);
		g_string_append_c(out, '\n');
		if (step->result != CT_SCENARIO_RESULT_FAIL &&
		    step->result != CT_SCENARIO_RESULT_TODO)
			continue;
		/* a failure says where, what was expected and what came out */
		g_string_append(out, "  ---\n");
		ct_scenario_report_yaml_member(out, "message", step->message);
		g_string_append(out, "  severity: fail\n");
		g_string_append_printf(out, "  at:\n    file: %s\n    line: %u\n", quoted_path,
				       step->step->line);
		ct_scenario_report_yaml_member(out, "expected", step->expected);
		ct_scenario_report_yaml_member(out, "actual", step->actual);
		ct_scenario_report_yaml_member(out, "command", step->command);
		ct_scenario_report_yaml_member(out, "stderr", step->output);
		g_string_append(out, "  ...\n");
	}
	return g_string_free(out, FALSE);
}

void
ct_scenario_totals_add(CtScenarioTotals *totals, CtScenarioReport *report)
{
	totals->scenarios++;
	totals->scenarios_failed += !ct_scenario_report_passed(report);
	totals->cancelled |= report->cancelled;
	for (guint i = 0; i < report->steps->len; i++) {
		CtScenarioStepReport *step = g_ptr_array_index(report->steps, i);
		totals->steps++;
		switch (step->result) {
		case CT_SCENARIO_RESULT_PASS:
			totals->passed++;
			break;
		case CT_SCENARIO_RESULT_FAIL:
			totals->failed++;
			break;
		case CT_SCENARIO_RESULT_SKIP:
			totals->skipped++;
			break;
		case CT_SCENARIO_RESULT_TODO:
			totals->todo++;
			break;
		case CT_SCENARIO_RESULT_TODO_PASS:
		default:
			totals->todo_passed++;
			break;
		}
	}
}

/* XML character data: terminal-safe (no control characters XML 1.0 forbids), lines kept */
static gchar *
ct_scenario_report_xml(const gchar *text)
{
	g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	GString *out = g_string_new(NULL);

	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree gchar *escaped = ct_escape_for_terminal(lines[i], -1, 4000);
		g_autofree gchar *markup = g_markup_escape_text(escaped, -1);
		g_string_append_printf(out, "%s%s", i > 0 ? "\n" : "", markup);
	}
	return g_string_free(out, FALSE);
}

static void
ct_scenario_report_junit_case(GString *out,
			      const CtScenario *scenario,
			      guint index,
			      CtScenarioStepReport *step)
{
	g_autofree gchar *name = NULL;
	g_autofree gchar *classname = ct_scenario_report_xml(scenario->name);
	g_autofree gchar *file = ct_scenario_report_xml(scenario->path);
	g_autofree gchar *message = ct_scenario_report_xml(step->message);
	g_autofree gchar *todo = ct_scenario_report_xml(step->step->todo);
	g_autofree gchar *text = g_strdup_printf("%u %s", index + 1, step->step->text);

	name = ct_scenario_report_xml(text);
	g_string_append_printf(out,
			       "    <testcase name=\"%s\" classname=\"scenario.%s\" file=\"%s\" "
			       "line=\"%u\" time=\"%.3f\"",
			       name, classname, file, step->step->line, step->seconds);
	switch (step->result) {
	case CT_SCENARIO_RESULT_FAIL: {
		g_autoptr(GString) details = g_string_new(NULL);
		g_autofree gchar *body = NULL;
		if (step->expected != NULL)
			g_string_append_printf(details, "expected: %s\n", step->expected);
		if (step->actual != NULL)
			g_string_append_printf(details, "actual: %s\n", step->actual);
		if (step->command != NULL)
			g_string_append_printf(details, "command:\n%s\n", step->command);
		if (step->output != NULL)
			g_string_append_printf(details, "stderr:\n%s\n", step->output);
		body = ct_scenario_report_xml(details->str);
		g_string_append_printf(out,
				       ">\n      <failure message=\"%s\" type=\"mismatch\">%s"
				       "</failure>\n    </testcase>\n",
				       message, body);
		break;
	}
	case CT_SCENARIO_RESULT_SKIP:
		g_string_append_printf(out, ">\n      <skipped message=\"%s\"/>\n    </testcase>\n",
				       message);
		break;
	case CT_SCENARIO_RESULT_TODO:
		/* JUnit has no expected failure: a known problem is skipped, and says so */
		g_string_append_printf(out,
				       ">\n      <skipped message=\"known problem: %s (%s)\"/>\n"
				       "    </testcase>\n",
				       todo, message);
		break;
	case CT_SCENARIO_RESULT_TODO_PASS:
		g_string_append_printf(out,
				       ">\n      <system-out>passes although marked todo: %s"
				       "</system-out>\n    </testcase>\n",
				       todo);
		break;
	case CT_SCENARIO_RESULT_PASS:
	default:
		g_string_append(out, "/>\n");
		break;
	}
}

/* a JUnit XML document: a testsuite per scenario, a testcase per step */
gchar *
ct_scenario_report_junit(GPtrArray *reports, gdouble seconds)
{
	GString *out = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	g_autoptr(GString) suites = g_string_new(NULL);
	CtScenarioTotals all = {0};

	for (guint i = 0; i < reports->len; i++) {
		CtScenarioReport *report = g_ptr_array_index(reports, i);
		const CtScenario *scenario = report->scenario;
		CtScenarioTotals totals = {0};
		g_autofree gchar *name = ct_scenario_report_xml(scenario->name);
		g_autofree gchar *file = ct_scenario_report_xml(scenario->path);
		g_autofree gchar *profile = ct_scenario_report_xml(scenario->profile);
		g_autofree gchar *server = ct_scenario_report_xml(scenario->server);
		g_autofree gchar *description = ct_scenario_report_xml(scenario->description);

		ct_scenario_totals_add(&totals, report);
		ct_scenario_totals_add(&all, report);
		g_string_append_printf(
		    suites,
		    "  <testsuite name=\"%s\" file=\"%s\" tests=\"%u\" "
		    "failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%.3f\">\n"
		    "    <properties>\n"
		    "      <property name=\"profile\" value=\"%s\"/>\n"
		    "      <property name=\"server\" value=\"%s\"/>\n"
		    "      <property name=\"layout\" value=\"%s\"/>\n"
		    "      <property name=\"description\" value=\"%s\"/>\n"
		    "    </properties>\n",
		    name, file, totals.steps, totals.failed, totals.skipped + totals.todo,
		    report->seconds, profile, server, ct_scenario_layout_to_string(report->layout),
		    description);
		for (guint j = 0; j < report->steps->len; j++)
			ct_scenario_report_junit_case(suites, scenario, j,
						      g_ptr_array_index(report->steps, j));
		g_string_append(suites, "  </testsuite>\n");
	}
	g_string_append_printf(
	    out,
	    "<testsuites name=\"certtrust scenario\" tests=\"%u\" failures=\"%u\" "
	    "errors=\"0\" skipped=\"%u\" time=\"%.3f\">\n%s</testsuites>\n",
	    all.steps, all.failed, all.skipped + all.todo, seconds, suites->str);
	return g_string_free(out, FALSE);
}
