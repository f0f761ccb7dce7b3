/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-scenario.h"

/* what one scenario came out as (ct_scenario_run() fills it in), and the reports of a run
 * of scenarios for machines (TAP 14, JUnit XML) and the totals of the results; strings for
 * the program to print or save */

typedef enum {
	CT_SCENARIO_RESULT_PASS,
	CT_SCENARIO_RESULT_FAIL,
	CT_SCENARIO_RESULT_SKIP,
	CT_SCENARIO_RESULT_TODO,      /* failed as its `todo` says: a known problem */
	CT_SCENARIO_RESULT_TODO_PASS, /* marked `todo` but passed: the problem is gone */
} CtScenarioResult;

typedef struct {
	const CtScenarioStep *step; /* (transfer none) */
	CtScenarioResult result;
	gchar *message;	 /* what differed, or why it was skipped; NULL when it passed */
	gchar *expected; /* the expectations that failed, or NULL */
	gchar *actual;	 /* what came out instead, or NULL */
	gchar *command;	 /* what ran, for people to repeat it */
	gchar *output;	 /* the command's stderr (cut), or NULL */
	gdouble seconds;
} CtScenarioStepReport;

typedef struct {
	const CtScenario *scenario; /* (transfer none) */
	GPtrArray *steps;	    /* CtScenarioStepReport*, one per step, in order */
	gboolean cancelled;	    /* interrupted: the steps not run are skipped */
	gchar *dir;		    /* with options->keep: where everything was */
	CtScenarioLayout layout;    /* where its HOME kept the browsers' stores */
	gdouble seconds;
} CtScenarioReport;

void
ct_scenario_report_free(CtScenarioReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtScenarioReport, ct_scenario_report_free)

/* TRUE when no step failed (passes, skips and known problems) */
gboolean
ct_scenario_report_passed(const CtScenarioReport *report);

const gchar *
ct_scenario_result_to_string(CtScenarioResult result);

/* a report with every step skipped, until it runs */
CtScenarioReport *
ct_scenario_report_new(const CtScenario *scenario); /* (transfer full) */

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
