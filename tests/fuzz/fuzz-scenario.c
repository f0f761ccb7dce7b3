/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>

#include "ct-scenario.h"

/* libFuzzer target for the scenario parser (ct_scenario_parse). Beyond "no crash": a parsed
 * scenario has a name, names either a serve profile or a server, and each step's line is a
 * line of the text; a refusal is CT_ERROR_INVALID_DATA naming the file and a line. */

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtScenario) scenario = ct_scenario_parse("fuzz.scenario", (const gchar *)data,
							   (gssize)size, &error);
	guint lines = 1;

	if (scenario == NULL) {
		if (error == NULL || error->domain != CT_ERROR || error->message[0] == '\0' ||
		    !g_str_has_prefix(error->message, "fuzz.scenario"))
			abort();
		return 0;
	}
	for (gsize i = 0; i < size; i++) {
		if (data[i] == '\n')
			lines++;
	}
	if (scenario->name == NULL || scenario->steps == NULL || scenario->names == NULL)
		abort();
	if ((scenario->profile == NULL) == (scenario->server == NULL))
		abort();
	for (guint i = 0; i < scenario->steps->len; i++) {
		const CtScenarioStep *step = g_ptr_array_index(scenario->steps, i);
		if (step->line < 1 || step->line > lines || step->text == NULL ||
		    ct_scenario_step_kind_to_string(step->kind) == NULL)
			abort();
		(void)ct_scenario_step_needs_browser(step);
	}
	return 0;
}
