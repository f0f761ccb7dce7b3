/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* the words trust and untrust write into their JSON ("result"), each enum with one table
 * of words: certtrust writes them with to_string, the scenario runner reads them back with
 * from_string */

/* how a store's step of a trust plan ended */
typedef enum {
	CT_TRUST_RESULT_PLANNED,    /* not applied (yet) */
	CT_TRUST_RESULT_DONE,	    /* written */
	CT_TRUST_RESULT_UNCHANGED,  /* it was there already */
	CT_TRUST_RESULT_REFUSED,    /* certtrust will not write it (see why) */
	CT_TRUST_RESULT_FAILED,	    /* the write failed, or a store the user named is missing */
	CT_TRUST_RESULT_SKIPPED,    /* a store not found, not named */
	CT_TRUST_RESULT_DRY_RUN,    /* --dry-run: nothing written */
	CT_TRUST_RESULT_NEEDS_ROOT, /* the OS store: the commands to run as root */
} CtTrustResult;

const gchar *
ct_trust_result_to_string(CtTrustResult result);
gboolean
ct_trust_result_from_string(const gchar *word, CtTrustResult *result);

/* how one removal of what the ledger recorded ended (untrust, or retiring an older write) */
typedef enum {
	CT_REMOVAL_RESULT_PLANNED,  /* not done (yet) */
	CT_REMOVAL_RESULT_REMOVED,  /* taken out of the store */
	CT_REMOVAL_RESULT_RESTORED, /* the user's previous exception or NSS trust is back */
	CT_REMOVAL_RESULT_ABSENT,   /* no longer in the store */
	CT_REMOVAL_RESULT_LEFT,	    /* changed by hand since: left as it is and forgotten */
	CT_REMOVAL_RESULT_REFUSED,
	CT_REMOVAL_RESULT_FAILED,
	CT_REMOVAL_RESULT_RETIRED, /* retiring: replaced by the new write, removed */
	CT_REMOVAL_RESULT_KEPT,	   /* another name still needs it */
} CtRemovalResult;

const gchar *
ct_removal_result_to_string(CtRemovalResult result);
gboolean
ct_removal_result_from_string(const gchar *word, CtRemovalResult *result);

typedef enum {
	CT_TRUST_ACTION_NONE,	  /* nothing will be written: see refusal */
	CT_TRUST_ACTION_OVERRIDE, /* cert_override.txt lines */
	CT_TRUST_ACTION_NSS,	  /* a certificate with trust flags in an NSS database */
	CT_TRUST_ACTION_ANCHOR,	  /* an anchor file in the OS store */
} CtTrustAction;

/* "none", "exception", "nss", "anchor" */
const gchar *
ct_trust_action_to_string(CtTrustAction action);
gboolean
ct_trust_action_from_string(const gchar *word, CtTrustAction *action);

/* what a browser will make of a name typed once a step is written */
typedef enum {
	CT_PREDICTION_LOADS,
	CT_PREDICTION_NAME_MISMATCH,
	CT_PREDICTION_NO_SAN,
	CT_PREDICTION_EXPIRED,
	CT_PREDICTION_CA_AS_END_ENTITY,
	CT_PREDICTION_UNTRUSTED,       /* nothing is written */
	CT_PREDICTION_IF_ISSUED_BY_IT, /* a CA trusted: what it issued loads */
	CT_PREDICTION_OLD_TLS,	       /* below TLS 1.2: no trust helps */
} CtPredictionVerdict;

/* "loads", "name-mismatch", "no-san", "expired", "ca-as-end-entity", "untrusted",
 * "if-issued-by-it", "old-tls" */
const gchar *
ct_prediction_verdict_to_string(CtPredictionVerdict verdict);
gboolean
ct_prediction_verdict_from_string(const gchar *word, CtPredictionVerdict *verdict);
