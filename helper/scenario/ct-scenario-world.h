/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-scenario-check.h"
#include "ct-scenario-options.h"
#include "ct-scenario-report.h"

/* the isolated world one scenario runs in (ct-scenario-world.c: HOME, XDG dirs, the
 * browsers' stores, the OS-store tree, the cache), the certtrust commands run in it
 * (ct-scenario-world-process.c) and its server (ct-scenario-world-server.c). The steps
 * (ct-scenario-steps.h) and the run's loop (ct-scenario-run.c) use it; it uses neither */

#define CT_SCENARIO_TIMEOUT_S 120
#define CT_SCENARIO_BROWSER_TIMEOUT_S 300
#define CT_SCENARIO_STOP_GRACE_S 15
/* how long a restart waits for its ports to be free again */
#define CT_SCENARIO_REBIND_S 5
#define CT_SCENARIO_NET_TIMEOUT_S 10

/* the scenario's `certtrust serve`, running in a thread of its own */
typedef struct _CtScenarioServer CtScenarioServer;

/* one scenario being run */
typedef struct {
	const CtScenario *scenario;
	const CtScenarioRunOptions *options;
	CtScenarioLayout layout; /* where HOME keeps the browsers' stores */
	GCancellable *cancellable;
	GMainContext *context;
	gchar *dir;	    /* everything of this scenario is under it */
	gchar *home;	    /* HOME */
	gchar *sysroot;	    /* --sysroot: a Fedora-like OS store */
	gchar *cert_dir;    /* serve --cert-dir */
	gchar *nss_dir;	    /* the `nss` store */
	gchar **envp;	    /* every subprocess's environment */
	GPtrArray *resolve; /* gchar* NAME:PORT:127.0.0.1 */
	CtScenarioServer *serve;
	guint https_port;
	guint http_port;
	gchar *sha256;	       /* of the leaf the server presents */
	gboolean generated;    /* serve made a new certificate on its last start */
	GHashTable *files;     /* serve's file key -> path */
	GHashTable *roles;     /* SHA-256 -> leaf, intermediate, root */
	gchar *trusted_sha256; /* what the last successful trust step trusted */
	gchar *presented;      /* a PEM file: the chain the server presents, leaf first */
	guint exports;
} CtScenarioRun;

/* NSS databases are made in this process, by one thread at a time */
extern GMutex ct_scenario_nss_lock;

/* ct-scenario-world.c */
gboolean
ct_scenario_setup(CtScenarioRun *run, GError **error);
void
ct_scenario_teardown(CtScenarioRun *run);
gboolean
ct_scenario_mkdir(const gchar *path, GError **error);
const gchar *
ct_scenario_first_name(CtScenarioRun *run);
gchar *
ct_scenario_source(CtScenarioRun *run, const gchar *from, GError **error);
void
ct_scenario_add_store_args(CtScenarioRun *run, GPtrArray *args, GPtrArray *stores);
gchar *
ct_scenario_typed(CtScenarioRun *run, const gchar *name);
gchar *
ct_scenario_url(CtScenarioRun *run, const gchar *name, const gchar *path);

/* ct-scenario-world-process.c */
void
ct_scenario_add_command(CtScenarioStepReport *report, const gchar *command);
gboolean
ct_scenario_certtrust(CtScenarioRun *run,
		      CtScenarioStepReport *report,
		      const gchar *const *args,
		      gboolean connects,
		      guint seconds,
		      CtScenarioOutput *output,
		      GError **error);

/* ct-scenario-world-server.c */
gboolean
ct_scenario_external_read(CtScenarioRun *run, GError **error);
gboolean
ct_scenario_serve_start(CtScenarioRun *run,
			gboolean regenerate,
			CtScenarioStepReport *report,
			GError **error);
void
ct_scenario_serve_stop(CtScenarioRun *run);
