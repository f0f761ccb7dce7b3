/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-scenario-options.h"
#include "ct-scenario-report.h"

/* run one scenario, isolated: its own temp HOME and XDG dirs, a Firefox profile and
 * Chromium's NSS db in that HOME, its own OS-store tree (--sysroot), its own
 * `certtrust serve` on ephemeral loopback ports; each step runs the certtrust program
 * as a subprocess with --json and is checked against what the step expects */

/* run it to the end, or to the first failure (the rest are then skipped); never fails
 * as a whole: a setup problem is the first step's failure. Safe to call from several
 * threads at once; cancellable (Ctrl-C) stops the subprocesses and cleans up */
CtScenarioReport *
ct_scenario_run(const CtScenario *scenario,
		const CtScenarioRunOptions *options,
		GCancellable *cancellable); /* (transfer full) */
