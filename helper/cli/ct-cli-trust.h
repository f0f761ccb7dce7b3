/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-cli.h"
#include "ct-trust.h"

/* what trust and flow share: a trust plan as text and as JSON, and its application */

/* the plan (what will be written where, the commands, the predictions), or with results
 * what happened in each store; every certificate-derived string escaped */
void
ct_cli_trust_render_plan(GString *out, CtTrustPlan *plan, gboolean results);

/* "sha256" and "stores":[...] members, into an open object */
void
ct_cli_trust_add_json(JsonBuilder *builder, CtTrustPlan *plan);

/* --verbose: each store's decision (what is written where, or why not) and its result */
void
ct_cli_trust_print_verbose(CtCli *cli, CtTrustPlan *plan);

/* --verbose: each removal of untrust (CtUntrustResult*): the store, what, the result */
void
ct_cli_trust_print_removals_verbose(CtCli *cli, GPtrArray *results);

/* a command's end from its stores' outcome: TRUE when done, else error with code
 * (CT_ERROR_REFUSED or CT_ERROR_FAILED) pointing at the lines above */
gboolean
ct_cli_trust_set_outcome(gboolean done, CtError code, GError **error);

/* the stores named by --store S... (*stores NULL when none is named: every store) */
gboolean
ct_cli_trust_stores_filter(CtCli *cli, gchar **specs, GPtrArray **stores, GError **error);

/* the stores named by --store S... (as ct_cli_trust_stores_filter), then the ledger; NULL
 * with error when either fails */
CtLedger *
ct_cli_trust_open_ledger(CtCli *cli, gchar **specs, GPtrArray **stores, GError **error);

/* "store", "location", "action" (the entry's kind) and "sha256" of a ledger entry, into an
 * open object: what list, status and untrust say of each entry */
void
ct_cli_trust_add_entry_members(JsonBuilder *builder, const CtLedgerEntry *entry);

/* "result" and "message" of a removal (untrust's, or retiring's), into an open object */
void
ct_cli_trust_add_removal_members(JsonBuilder *builder, const CtUntrustResult *result);
