#pragma once

#include "ct-scenario-cursor.h"

/* one `step` line of a scenario file (scenarios/README.md) */

void
ct_scenario_step_free(CtScenarioStep *step);

/* the step at the cursor, after the word `step`: *out is set as soon as the kind is known
 * (the caller owns it then, also when parsing fails later on the line) */
gboolean
ct_scenario_parse_step(CtScenarioCursor *cursor, CtScenarioStep **out, GError **error);
