/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-scenario-cursor.h"
#include "ct-scenario-steps.h"

/* one `step` line of a scenario file (scenarios/README.md) */

/* what a step kind takes between its keyword and `expect`, tried in this order */
typedef enum {
	CT_SCENARIO_TAKES_STORES = 1 << 0,	  /* firefox, chromium, nss, system */
	CT_SCENARIO_TAKES_NAMES = 1 << 1,	  /* host names */
	CT_SCENARIO_TAKES_ONE_NAME = 1 << 2,	  /* one host name, before its paths */
	CT_SCENARIO_TAKES_PATH = 1 << 3,	  /* path /P */
	CT_SCENARIO_TAKES_MODE = 1 << 4,	  /* mode exception|anchor */
	CT_SCENARIO_TAKES_ALLOW_CA = 1 << 5,	  /* allow-ca */
	CT_SCENARIO_TAKES_CHOICE = 1 << 6,	  /* choice ANSWER */
	CT_SCENARIO_TAKES_EXPORT = 1 << 7,	  /* export */
	CT_SCENARIO_TAKES_NAME = 1 << 8,	  /* name HOST */
	CT_SCENARIO_TAKES_FROM = 1 << 9,	  /* from FILE (a file of serve's, server) */
	CT_SCENARIO_TAKES_FROM_TRUSTED = 1 << 10, /* from FILE or from trusted */
	CT_SCENARIO_TAKES_EXACT = 1 << 11,	  /* exact */
	CT_SCENARIO_TAKES_STORE = 1 << 12,	  /* store S, once */
} CtScenarioStepTakes;

/* reads one part of a step line at the cursor into step */
typedef gboolean (*CtScenarioStepParser)(CtScenarioCursor *cursor,
					 CtScenarioStep *step,
					 GError **error);

/* one row of the table of step kinds: the parser, the runner and the format's messages
 * all come from it */
typedef struct {
	const gchar *keyword;		  /* after `step` */
	const gchar *help;		  /* what the step does, one line */
	CtScenarioStepParser parse_first; /* the operand right after the keyword, or NULL */
	CtScenarioStepTakes takes;
	const gchar *operands;		   /* what may follow the first operand, for errors */
	CtScenarioStepParser parse_expect; /* one item after `expect`; NULL: no `expect` (the
					      step checks itself) */
	const gchar *outcome_wanted;	   /* the outcome must be expected: the error's words */
	const gchar *serve_only;	   /* why an external server cannot run it, or NULL */
	gboolean needs_browser;		   /* it runs a real browser */
	gboolean offline;		   /* it connects to nothing (its names are not checked
					      for loopback) */
	CtScenarioStepRunner run;
} CtScenarioStepKindInfo;

/* the row of a kind (one for every CtScenarioStepKind) */
const CtScenarioStepKindInfo *
ct_scenario_step_kind_get(CtScenarioStepKind kind);

void
ct_scenario_step_free(CtScenarioStep *step);

/* the step at the cursor, after the word `step`: *out is set as soon as the kind is known
 * (the caller owns it then, also when parsing fails later on the line) */
gboolean
ct_scenario_parse_step(CtScenarioCursor *cursor, CtScenarioStep **out, GError **error);
