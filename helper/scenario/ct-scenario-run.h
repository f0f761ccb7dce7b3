#pragma once

#include "ct-scenario.h"

/* run one scenario, isolated: its own temp HOME and XDG dirs, a Firefox profile and
 * Chromium's NSS db in that HOME, its own OS-store tree (--sysroot), its own
 * `certtrust serve` on ephemeral loopback ports; each step runs the certtrust program
 * as a subprocess with --json and is checked against what the step expects */

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

/* what the scenarios of one run share, to start faster: the certificates serve generated
 * for a profile and names (RSA key generation is the dearest part of a start; each
 * scenario gets a copy, and `regenerate` still makes a new one), and an empty NSS
 * database to copy. Its directory is removed when it is freed */
typedef struct _CtScenarioCache CtScenarioCache;

CtScenarioCache *
ct_scenario_cache_new(GError **error); /* (transfer full) */
void
ct_scenario_cache_free(CtScenarioCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtScenarioCache, ct_scenario_cache_free)

typedef struct {
	const gchar *program;	  /* the certtrust binary every step runs */
	CtScenarioCache *cache;	  /* NULL: each scenario makes everything itself */
	gboolean browsers;	  /* run verify and session steps; else they are skipped */
	gboolean keep;		  /* leave the scenario's directory for a look (report->dir) */
	guint timeout;		  /* seconds one command may take; 0: 120 (300 for browsers) */
	gboolean override_layout; /* every scenario's HOME in layout, whatever its file says */
	CtScenarioLayout layout;
} CtScenarioRunOptions;

/* run it to the end, or to the first failure (the rest are then skipped); never fails
 * as a whole: a setup problem is the first step's failure. Safe to call from several
 * threads at once; cancellable (Ctrl-C) stops the subprocesses and cleans up */
CtScenarioReport *
ct_scenario_run(const CtScenario *scenario,
		const CtScenarioRunOptions *options,
		GCancellable *cancellable); /* (transfer full) */
