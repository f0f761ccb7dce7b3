/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"
#include "ct-ledger.h"
#include "ct-store.h"
#include "ct-trust-result.h"

/* trust, decided per store (docs/trust-semantics.md), planned, then written and recorded */

typedef enum {
	CT_TRUST_MODE_AUTO,	 /* Firefox: exception; the others: their one way */
	CT_TRUST_MODE_EXCEPTION, /* Firefox: a cert_override.txt line per host:port */
	CT_TRUST_MODE_ANCHOR,	 /* Firefox: NSS trust in the profile's cert9.db */
} CtTrustMode;

/* one removal of what the ledger says was written */
typedef struct {
	CtLedgerEntry *entry; /* (transfer full) */
	CtRemovalResult result;
	gchar *message;
} CtUntrustResult;

void
ct_untrust_result_free(CtUntrustResult *result);

typedef struct {
	gchar *name;	/* as the user will type it: host or host:port */
	gchar *browser; /* "firefox", "chromium", "curl, GLib" */
	CtPredictionVerdict verdict;
	gchar *reason; /* why it will not load, when certtrust knows more than the verdict */
} CtPrediction;

typedef struct {
	CtStore *store; /* (transfer none) */
	CtTrustAction action;
	CtCertificate *target; /* (transfer none) what is written: the leaf or the root */
	gchar *trust;	       /* NSS flags */
	gchar *nickname;       /* NSS nickname, anchor file name */
	GPtrArray *hosts;      /* override: "host:port" */
	gchar *anchor_path;    /* system */
	gchar *source_path;    /* system: the PEM (in certtrust's state dir) the commands install */
	gint refusal;	       /* a CtError code when action is NONE */
	gchar *plan;	       /* what will be written where, or why not */
	GPtrArray *predictions; /* CtPrediction* */
	CtTrustResult result;	/* after apply */
	gchar *message;		/* after apply */
	GPtrArray *commands;	/* root commands for the OS store */
	GPtrArray *retired;	/* CtUntrustResult*: what certtrust trusted here earlier for
				   exactly these names, removed once the new one is written */
	GPtrArray *kept;	/* CtUntrustResult*: earlier entries for these names that another
				   name still needs */
	CtLedgerEntry *ahead;	/* recorded for this step by ct_trust_plans_record_ahead
				   (borrowed from the ledger), or NULL */
	gboolean ahead_added;	/* ahead is new in the ledger (not a record of before) */
} CtTrustStep;

typedef struct {
	CtChain *chain;	  /* (transfer none) */
	GPtrArray *names; /* gchar* host:port */
	GPtrArray *steps; /* CtTrustStep* */
	gchar *sysroot;
	gboolean override_distrust; /* a certificate the user distrusts in an NSS database
				       (lower-case p) may be trusted: else that store refuses */
	gboolean names_derived;	    /* names are the certificate's own (a file without
				       --name), not typed: predicted for, never retired for */
	GHashTable *nssdbs;	    /* location -> CtNssDb*: each NSS database opened once for the
				       plan, and for every plan of a run (ct_trust_plan_share_databases) */
} CtTrustPlan;

/* the name certtrust gives certificate in a store, "certtrust-CN-AB-CD-EF-01": the NSS
 * nickname, and the OS anchor's file name (the privileged helper derives it the same way) */
gchar *
ct_trust_get_nickname(const CtCertificate *certificate); /* (transfer full) */

void
ct_trust_plan_free(CtTrustPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtTrustPlan, ct_trust_plan_free)

/* decide for every store; names are "host" or "host:port" (port defaults to
 * default_port); refusals are steps, not errors */
CtTrustPlan *
ct_trust_plan_new(CtChain *chain,
		  GPtrArray *stores,
		  GPtrArray *names,
		  CtTrustMode mode,
		  gboolean allow_ca,
		  const gchar *sysroot,
		  GError **error); /* (transfer full) */

/* plan uses the NSS databases with's plans have open (and opens), so a run of many plans
 * opens each database once */
void
ct_trust_plan_share_databases(CtTrustPlan *plan, CtTrustPlan *with);

/* what each step retires: the ledger's entries in its store for another certificate
 * written for one of the plan's names (a regenerated server certificate); an entry also
 * written for a name the plan does not have is kept. Called again before apply. */
void
ct_trust_plan_find_retired(CtTrustPlan *plan, CtLedger *ledger);

/* what each NSS step will find of the user's own, read from the databases (written
 * nothing): the same certificate under the user's nickname. The plan then says so; a
 * distrust (lower-case p) refuses the step unless plan->override_distrust. Apply checks
 * again. */
void
ct_trust_plan_find_users_entries(CtTrustPlan *plan);

/* write every step that can be written, record each write in the ledger; then retire
 * what the step's new write replaces (ct_trust_plan_find_retired) */
void
ct_trust_plan_apply(CtTrustPlan *plan, CtLedger *ledger, gboolean dry_run);

/* write-ahead for a run of many plans, saved once: the ledger records every NSS write the
 * plans may make before any is made (ct_trust_plan_apply then makes them without a save
 * each, and drops the record of a write that did not happen; the caller saves the ledger
 * after). An error when the ledger cannot be saved: nothing was written */
gboolean
ct_trust_plans_record_ahead(GPtrArray *plans, CtLedger *ledger, GError **error);

/* certtrust's own ledger (at ct_context_get_ledger_path()), opened and locked */
CtLedger *
ct_trust_open_ledger(GError **error); /* (transfer full) */

/* ct_trust_plan_apply with certtrust's own ledger (ct_context_get_ledger_path()), saved
 * after (dry_run: results only, nothing written, the ledger file untouched); each store's
 * result is in its step, an error only when the ledger cannot be read or saved */
gboolean
ct_trust_plan_apply_recorded(CtTrustPlan *plan, gboolean dry_run, GError **error);

/* ct_trust_plan_find_retired with certtrust's own ledger as it is now (for the plan shown
 * before asking); an error only when the ledger cannot be read */
gboolean
ct_trust_plan_find_retired_recorded(CtTrustPlan *plan, GError **error);

/* how the steps ended: TRUE when each was done or unchanged; else FALSE and code is
 * CT_ERROR_FAILED when a step failed or needs root, CT_ERROR_REFUSED when one was refused */
gboolean
ct_trust_plan_get_outcome(CtTrustPlan *plan, CtError *code);

/* will what the step writes let its browser load the page under one of the names typed?
 * (a write for a certificate whose names match none of them does not) */
gboolean
ct_trust_step_helps(const CtTrustStep *step);

/* remove exactly what the ledger recorded for sha256 (written as it or for it), in the
 * stores given (NULL: all); each removal reports its own result */
GPtrArray *
ct_trust_remove(CtLedger *ledger,
		const gchar *sha256,
		GPtrArray *stores,
		const gchar *sysroot); /* (transfer full) CtUntrustResult* */

/* remove what the ledger recorded for the "host:port" name, in the stores given (NULL:
 * all), whichever certificate it was (the server may have changed it since); an entry
 * written for other names too stays, its result "kept" saying which */
GPtrArray *
ct_trust_remove_for(CtLedger *ledger,
		    const gchar *name,
		    GPtrArray *stores,
		    const gchar *sysroot); /* (transfer full) CtUntrustResult* */

/* is what the ledger entry records still in its store? Re-read from the store itself (the
 * exception line, the db's certificate and trust flags, the anchor file), never from the
 * ledger: a user can remove trust by hand */
gboolean
ct_trust_entry_is_present(const CtLedgerEntry *entry, gboolean *present, GError **error);
