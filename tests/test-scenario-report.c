/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "ct-scenario-report.h"
#include "ct-test.h"

/* the runner's reports for machines (helper/scenario/ct-scenario-report.c): TAP 14 with a
 * YAML block for each failure, JUnit XML read back by xmllint, the totals */

static const gchar *const report_scenario_text = "# two steps\n"
						 "scenario report-test\n"
						 "profile tomcat\n"
						 "step access expect loads\n"
						 "step status expect trusted\n"
						 "step list expect entries 1\n";

/* a report as the runner makes it: the first step passed, the second failed with text a
 * terminal, TAP and XML must not take as their own, the third was skipped */
static CtScenarioReport *
report_new(const CtScenario *scenario)
{
	CtScenarioReport *report = ct_scenario_report_new(scenario);
	CtScenarioStepReport *step = NULL;

	report->layout = CT_SCENARIO_LAYOUT_LEGACY;
	report->seconds = 2.25;
	step = g_ptr_array_index(report->steps, 0);
	step->result = CT_SCENARIO_RESULT_PASS;
	step = g_ptr_array_index(report->steps, 1);
	step->result = CT_SCENARIO_RESULT_FAIL;
	step->message = g_strdup(
	    "status: expected trusted, got changed # not a directive \033[31m");
	step->expected = g_strdup("status: \"trusted\"");
	step->actual = g_strdup("status: <changed> & more");
	step->command = g_strdup("certtrust --json status firefox");
	step = g_ptr_array_index(report->steps, 2);
	step->message = g_strdup("not run: step 2 (line 5) failed");
	return report;
}

static CtScenario *
report_scenario(void)
{
	g_autoptr(GError) error = NULL;
	CtScenario *scenario = ct_scenario_parse("dir/report-test.scenario", report_scenario_text,
						 -1, &error);
	cr_assert_not_null(scenario, "%s", error != NULL ? error->message : "");
	return scenario;
}

Test(scenario_report, tap_has_a_point_per_step_numbered_on_and_yaml_for_a_failure)
{
	g_autoptr(CtScenario) scenario = report_scenario();
	g_autoptr(CtScenarioReport) report = report_new(scenario);
	guint number = 4;
	g_autofree gchar *tap = ct_scenario_report_tap(report, &number);
	g_auto(GStrv) lines = g_strsplit(tap, "\n", -1);

	cr_assert_eq(number, 7, "numbered on from 4 over three steps: %u", number);
	cr_assert_str_eq(lines[0], "# scenario report-test (dir/report-test.scenario, profile "
				   "tomcat, layout legacy, 2.2 s)");
	cr_assert_str_eq(lines[1], "ok 5 - report-test: access expect loads");
	cr_assert_str_eq(lines[2], "not ok 6 - report-test: status expect trusted");
	cr_assert_str_eq(lines[3], "  ---");
	/* the message's '#' would start a TAP directive, its escape sequence would colour a
	 * terminal: neither reaches the output raw */
	cr_assert_null(strchr(tap, '\033'), "%s", tap);
	cr_assert(g_str_has_prefix(lines[4], "  message: \"status: expected trusted, got changed "
					     "# not a directive"),
		  "%s", lines[4]);
	cr_assert_str_eq(lines[5], "  severity: fail");
	cr_assert_str_eq(lines[6], "  at:");
	cr_assert_str_eq(lines[7], "    file: \"dir/report-test.scenario\"");
	cr_assert_str_eq(lines[8], "    line: 5");
	cr_assert_str_eq(lines[9], "  expected: \"status: \\\"trusted\\\"\"");
	cr_assert_str_eq(lines[10], "  actual: \"status: <changed> & more\"");
	cr_assert_str_eq(lines[11], "  command: \"certtrust --json status firefox\"");
	cr_assert_str_eq(lines[12], "  ...");
	cr_assert_str_eq(lines[13], "ok 7 - report-test: list expect entries 1 # SKIP not run: "
				    "step 2 (line 5) failed");
	cr_assert_str_eq(lines[14], "");
	cr_assert_null(lines[15]);
}

Test(scenario_report, totals_count_each_result)
{
	g_autoptr(CtScenario) scenario = report_scenario();
	g_autoptr(CtScenarioReport) report = report_new(scenario);
	CtScenarioTotals totals = {0};

	ct_scenario_totals_add(&totals, report);
	ct_scenario_totals_add(&totals, report);
	cr_assert_eq(totals.scenarios, 2);
	cr_assert_eq(totals.scenarios_failed, 2);
	cr_assert_eq(totals.steps, 6);
	cr_assert_eq(totals.passed, 2);
	cr_assert_eq(totals.failed, 2);
	cr_assert_eq(totals.skipped, 2);
	cr_assert_eq(totals.todo, 0);
	cr_assert_not(totals.cancelled);
}

/* what xmllint (libxml2, not GLib) reads at xpath in the document */
static gchar *
report_xpath(const gchar *path, const gchar *xpath)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;
	gint status = 0;
	const gchar *argv[] = {"xmllint", "--xpath", xpath, path, NULL};

	if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
			  &status, &error))
		cr_skip_test("xmllint: %s", error->message);
	cr_assert(g_spawn_check_wait_status(status, NULL), "xmllint %s: %s", xpath, err);
	return g_strstrip(g_steal_pointer(&out));
}

Test(scenario_report, junit_is_well_formed_xml_with_a_case_per_step)
{
	g_autoptr(CtScenario) scenario = report_scenario();
	g_autoptr(CtScenarioReport) report = report_new(scenario);
	g_autoptr(GPtrArray) reports = g_ptr_array_new();
	g_autofree gchar *dir = g_dir_make_tmp("ct-test-report-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "junit.xml", NULL);
	g_autofree gchar *xml = NULL;
	g_autofree gchar *tests = NULL;
	g_autofree gchar *failures = NULL;
	g_autofree gchar *skipped = NULL;
	g_autofree gchar *message = NULL;
	g_autofree gchar *layout = NULL;

	cr_assert_not_null(dir);
	g_ptr_array_add(reports, report);
	xml = ct_scenario_report_junit(reports, 3.5);
	cr_assert(g_file_set_contents(path, xml, -1, NULL));
	tests = report_xpath(path, "string(/testsuites/@tests)");
	failures = report_xpath(path, "string(/testsuites/@failures)");
	skipped = report_xpath(path, "string(/testsuites/testsuite/@skipped)");
	message = report_xpath(path, "string(//testcase[2]/failure/@message)");
	layout = report_xpath(path, "string(//property[@name='layout']/@value)");
	cr_assert_str_eq(tests, "3");
	cr_assert_str_eq(failures, "1");
	cr_assert_str_eq(skipped, "1");
	cr_assert(g_str_has_prefix(message, "status: expected trusted, got changed # not a "
					    "directive"),
		  "%s", message);
	cr_assert_null(strchr(message, '\033'));
	cr_assert_str_eq(layout, "legacy");
	cr_assert_eq(g_unlink(path), 0);
	cr_assert_eq(g_rmdir(dir), 0);
}
