/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-scenario.h"

/* how a run of scenarios is made: what they share and how each runs */

/* what the scenarios of one run share, to start faster: the certificates serve generated
 * for a profile and names (RSA key generation is the dearest part of a start; each
 * scenario gets a copy, and `regenerate` still makes a new one), and an empty NSS
 * database to copy. Its directory is removed when it is freed */
typedef struct _CtScenarioCache CtScenarioCache;

CtScenarioCache *
ct_scenario_cache_new(GError **error); /* (transfer full) */
void
ct_scenario_cache_free(CtScenarioCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtScenarioCache, ct_scenario_cache_free)

typedef struct {
	const gchar *program;	  /* the certtrust binary every step runs */
	CtScenarioCache *cache;	  /* NULL: each scenario makes everything itself */
	gboolean browsers;	  /* run verify and session steps; else they are skipped */
	gboolean keep;		  /* leave the scenario's directory for a look (report->dir) */
	guint timeout;		  /* seconds one command may take; 0: 120 (300 for browsers) */
	gboolean override_layout; /* every scenario's HOME in layout, whatever its file says */
	CtScenarioLayout layout;
} CtScenarioRunOptions;
