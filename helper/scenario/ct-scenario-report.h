#pragma once

#include "ct-scenario-run.h"

/* the reports of a run of scenarios for machines (TAP 14, JUnit XML) and the totals of the
 * results; strings for the program to print or save */

/* how the steps and scenarios of a run came out */
typedef struct {
	guint scenarios;
	guint scenarios_failed;
	guint steps;
	guint passed;
	guint failed;
	guint skipped;
	guint todo;
	guint todo_passed;
	gboolean cancelled;
} CtScenarioTotals;

/* count one scenario's report in totals */
void
ct_scenario_totals_add(CtScenarioTotals *totals, CtScenarioReport *report);

/* TAP 14 test points, one per step, numbered on from *number (which is advanced) */
gchar *
ct_scenario_report_tap(const CtScenarioReport *report, guint *number); /* (transfer full) */

/* a JUnit XML document for reports (CtScenarioReport*): a testsuite per scenario, a
 * testcase per step; seconds is the run's time */
gchar *
ct_scenario_report_junit(GPtrArray *reports, gdouble seconds); /* (transfer full) */
