/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-scenario-world.h"

/* each step: the certtrust command it runs in the scenario's world, and what its JSON
 * document and exit status are checked against (ct-scenario-steps.c; the steps that change
 * the stores or write files are in ct-scenario-steps-trust.c) */

/* runs one step: FALSE only when it could not run at all, a difference is a mismatch in
 * report. Each kind's runner is in the table of step kinds (ct-scenario-step.c) */
typedef gboolean (*CtScenarioStepRunner)(CtScenarioRun *run,
					 const CtScenarioStep *step,
					 CtScenarioStepReport *report,
					 GError **error);

/* ct-scenario-steps.c */
gboolean
ct_scenario_step_access(CtScenarioRun *run,
			const CtScenarioStep *step,
			CtScenarioStepReport *report,
			GError **error);
gboolean
ct_scenario_step_show(CtScenarioRun *run,
		      const CtScenarioStep *step,
		      CtScenarioStepReport *report,
		      GError **error);
gboolean
ct_scenario_step_check_host(CtScenarioRun *run,
			    const CtScenarioStep *step,
			    CtScenarioStepReport *report,
			    GError **error);
gboolean
ct_scenario_step_status(CtScenarioRun *run,
			const CtScenarioStep *step,
			CtScenarioStepReport *report,
			GError **error);
gboolean
ct_scenario_step_list(CtScenarioRun *run,
		      const CtScenarioStep *step,
		      CtScenarioStepReport *report,
		      GError **error);
gboolean
ct_scenario_step_browser(CtScenarioRun *run,
			 const CtScenarioStep *step,
			 CtScenarioStepReport *report,
			 GError **error);
gboolean
ct_scenario_step_restart(CtScenarioRun *run,
			 const CtScenarioStep *step,
			 CtScenarioStepReport *report,
			 GError **error);
gboolean
ct_scenario_step_soap(CtScenarioRun *run,
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
