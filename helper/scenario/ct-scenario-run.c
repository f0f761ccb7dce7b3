/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include "ct-browser.h"
#include "ct-scenario-run.h"
#include "ct-scenario-step.h"

/* the run of one scenario: each step in its turn in the isolated world
 * (ct-scenario-world.h), what each came out as, and the report */

/* why a browser step cannot run here, or NULL */
static gchar *
ct_scenario_browser_skip(const CtScenarioRunOptions *options, const CtScenarioStep *step)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL;

	if (!ct_scenario_step_needs_browser(step))
		return NULL;
	if (!options->browsers)
		return g_strdup("a real browser: run with --browsers");
	path = ct_browser_find(g_strcmp0(step->browser, "firefox") == 0 ? CT_BROWSER_FIREFOX
									: CT_BROWSER_CHROMIUM,
			       &error);
	if (path == NULL)
		return g_strdup(error->message);
	return NULL;
}

static void
ct_scenario_skip(CtScenarioStepReport *report, gchar *why)
{
	report->result = CT_SCENARIO_RESULT_SKIP;
	g_free(report->message);
	report->message = why;
}

CtScenarioReport *
ct_scenario_run(const CtScenario *scenario,
		const CtScenarioRunOptions *options,
		GCancellable *cancellable)
{
	g_autoptr(CtScenarioReport) report = ct_scenario_report_new(scenario);
	g_autoptr(GError) setup_error = NULL;
	CtScenarioRun run = {0};
	gint64 started = g_get_monotonic_time();
	gchar *stopped = NULL;

	run.scenario = scenario;
	run.options = options;
	run.layout = options->override_layout ? options->layout : scenario->layout;
	report->layout = run.layout;
	run.cancellable = cancellable;
	run.context = g_main_context_new();
	run.resolve = g_ptr_array_new_with_free_func(g_free);
	run.files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	run.roles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_main_context_push_thread_default(run.context);

	if (g_cancellable_is_cancelled(cancellable)) {
		/* interrupted before it started: nothing to set up or clean */
		report->cancelled = TRUE;
		stopped = g_strdup("not run: interrupted");
	} else if (!ct_scenario_setup(&run, &setup_error)) {
		CtScenarioStepReport *first = g_ptr_array_index(report->steps, 0);
		first->result = CT_SCENARIO_RESULT_FAIL;
		first->message = g_strdup_printf("the scenario's setup failed: %s",
						 setup_error->message);
		report->cancelled = g_error_matches(setup_error, CT_ERROR, CT_ERROR_CANCELLED);
		stopped = g_strdup("not run: the setup failed");
	}
	for (guint i = 0; i < report->steps->len; i++) {
		CtScenarioStepReport *step_report = g_ptr_array_index(report->steps, i);
		const CtScenarioStep *step = step_report->step;
		g_autoptr(GError) error = NULL;
		gint64 step_started = g_get_monotonic_time();
		gchar *skip;

		if (stopped != NULL) {
			if (step_report->result == CT_SCENARIO_RESULT_SKIP)
				ct_scenario_skip(step_report, g_strdup(stopped));
			continue;
		}
		if (g_cancellable_is_cancelled(cancellable)) {
			report->cancelled = TRUE;
			stopped = g_strdup("not run: interrupted");
			ct_scenario_skip(step_report, g_strdup(stopped));
			continue;
		}
		skip = ct_scenario_browser_skip(options, step);
		if (skip != NULL) {
			ct_scenario_skip(step_report, skip);
			continue;
		}
		if (!ct_scenario_step_kind_get(step->kind)->run(&run, step, step_report, &error)) {
			g_autofree gchar *message = step_report->message;
			step_report->message = message != NULL
						   ? g_strdup_printf("%s; %s", error->message,
								     message)
						   : g_strdup(error->message);
			report->cancelled |= g_error_matches(error, CT_ERROR, CT_ERROR_CANCELLED);
		}
		/* Ctrl-C reaches the commands too: what they said then is no result */
		if (g_cancellable_is_cancelled(cancellable) && !report->cancelled) {
			report->cancelled = TRUE;
			g_free(step_report->message);
			step_report->message = g_strdup("interrupted");
		}
		step_report->seconds = (gdouble)(g_get_monotonic_time() - step_started) /
				       G_USEC_PER_SEC;
		if (step_report->message == NULL)
			step_report->result = step->todo != NULL ? CT_SCENARIO_RESULT_TODO_PASS
								 : CT_SCENARIO_RESULT_PASS;
		else
			step_report->result = step->todo != NULL ? CT_SCENARIO_RESULT_TODO
								 : CT_SCENARIO_RESULT_FAIL;
		/* a known problem does not stop the scenario; a failure does */
		if (step_report->result == CT_SCENARIO_RESULT_FAIL || report->cancelled)
			stopped = report->cancelled
				      ? g_strdup("not run: interrupted")
				      : g_strdup_printf("not run: step %u (line %u) failed", i + 1,
							step->line);
	}
	g_free(stopped);

	if (options->keep)
		report->dir = g_strdup(run.dir);
	ct_scenario_teardown(&run);
	g_main_context_pop_thread_default(run.context);
	g_main_context_unref(run.context);
	report->seconds = (gdouble)(g_get_monotonic_time() - started) / G_USEC_PER_SEC;
	return g_steal_pointer(&report);
}
