/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-flow-engine.h"

/* the OS store: IE8 and Safari install into Trusted Root Certification Authorities,
 * which is the OS trust store on Linux, through the same Certificate Import Wizard */

/* where the browsers' wizards differ */
typedef struct {
	const CtFlowDialog *before_store; /* the pages up to the one that picks the store */
	guint n_before_store;
	CtFlowDialog store;	 /* that page; its result says where, " (LOCATION)" follows */
	CtFlowDialog completing; /* Completing the Certificate Import Wizard, Finish */
} CtFlowImportWizard;

/* the wizard up to "The import was successful.": the plan for the OS store (its first
 * step), *installed when the anchor is in the store; flow->outcome is set when the flow
 * ended in the wizard (refused, needs root, failed) */
CtTrustPlan *
ct_flow_import_wizard_run(CtFlow *flow,
			  const CtFlowImportWizard *wizard,
			  gboolean *installed,
			  GError **error); /* (transfer full) */

/* the Certification Path tab after the import: is the anchor really there? */
void
ct_flow_certification_path(CtFlow *flow, CtTrustStep *store_step);

/* the name rule of docs/browser-procedures.md, after the install (IE8, Safari 4) */
void
ct_flow_name_rule(CtFlow *flow, gboolean safari);

/* apply the procedure's plan (never a dry run) unless interrupted; the plan's stores and
 * results become the step's "trust" member for --json */
gboolean
ct_flow_apply_trust(CtFlow *flow, CtFlowStep *step, CtTrustPlan *plan, GError **error);
