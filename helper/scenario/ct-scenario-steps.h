#pragma once

#include "ct-scenario-world.h"

/* each step: the certtrust command it runs in the scenario's world, and what its JSON
 * document and exit status are checked against (ct-scenario-steps.c; the steps that change
 * the stores or write files are in ct-scenario-steps-trust.c) */

/* run one step; FALSE only when it could not run at all, a difference is a mismatch in
 * report */
gboolean
ct_scenario_run_step(CtScenarioRun *run,
		     const CtScenarioStep *step,
		     CtScenarioStepReport *report,
		     GError **error);

/* ct-scenario-steps-trust.c */
gboolean
ct_scenario_step_trust(CtScenarioRun *run,
		       const CtScenarioStep *step,
		       CtScenarioStepReport *report,
		       GError **error);
gboolean
ct_scenario_step_untrust(CtScenarioRun *run,
			 const CtScenarioStep *step,
			 CtScenarioStepReport *report,
			 GError **error);
gboolean
ct_scenario_step_export(CtScenarioRun *run,
			const CtScenarioStep *step,
			CtScenarioStepReport *report,
			GError **error);
gboolean
ct_scenario_step_flow(CtScenarioRun *run,
		      const CtScenarioStep *step,
		      CtScenarioStepReport *report,
		      GError **error);
