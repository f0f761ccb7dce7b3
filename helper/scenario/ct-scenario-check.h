/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "ct-json.h"
#include "ct-scenario-report.h"

/* what a step expects against what came out: a command's output, the readers of its JSON
 * document, and the mismatches a step's report collects */

/* the most of a command's stderr a report keeps */
#define CT_SCENARIO_MAX_OUTPUT 2000

/* what one command printed, and how it ended */
typedef struct {
	gint status; /* exit status; -1 when a signal ended it */
	gchar *out;
	gchar *err;
	JsonNode *root; /* stdout as JSON, NULL when it was none */
} CtScenarioOutput;

void
ct_scenario_output_clear(CtScenarioOutput *output);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CtScenarioOutput, ct_scenario_output_clear)

/* does the step read the certificate from the server itself (a TLS connection)? */
gboolean
ct_scenario_from_server(const CtScenarioStep *step);

/* a difference between what the step expects and what came out */
void
ct_scenario_mismatch(CtScenarioStepReport *report,
		     const gchar *what,
		     const gchar *expected,
		     const gchar *actual);
/* a mismatch unless expected is NULL (not asked) or equal */
void
ct_scenario_check_string(CtScenarioStepReport *report,
			 const gchar *what,
			 const gchar *expected,
			 const gchar *actual);
/* a mismatch unless expected is negative (not asked) or equal */
void
ct_scenario_check_number(CtScenarioStepReport *report,
			 const gchar *what,
			 gint expected,
			 gint64 actual);
void
ct_scenario_check_exit(CtScenarioStepReport *report, CtScenarioOutput *output, gint expected);
void
ct_scenario_check_exit_after(CtScenarioStepReport *report,
			     CtScenarioOutput *output,
			     gboolean had_mismatch,
			     gint expected);

GPtrArray *
ct_scenario_json_results(JsonObject *root); /* (transfer container) */

/* the strings of a JSON array, joined by spaces */
gchar *
ct_scenario_join_array(JsonArray *array); /* (transfer full) */
/* the words of a text, sorted */
gchar *
ct_scenario_sorted_words(const gchar *text); /* (transfer full) */
/* a command's output for a report: trimmed, escaped, cut; NULL when empty */
gchar *
ct_scenario_cut(const gchar *text); /* (transfer full) */
gchar *
ct_scenario_last_line(const gchar *text); /* (transfer full) */
