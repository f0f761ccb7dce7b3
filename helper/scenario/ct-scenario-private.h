#pragma once

#include <json-glib/json-glib.h>

#include "ct-scenario-run.h"

/* what ct-scenario-run.c (the isolated world, the processes, the server) and
 * ct-scenario-steps.c (each step's command and checks) share */

#define CT_SCENARIO_TIMEOUT_S 120
#define CT_SCENARIO_BROWSER_TIMEOUT_S 300
#define CT_SCENARIO_STOP_GRACE_S 15
/* how long a restart waits for its ports to be free again */
#define CT_SCENARIO_REBIND_S 5
#define CT_SCENARIO_MAX_OUTPUT 2000
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

/* what one command printed, and how it ended */
typedef struct {
	gint status; /* exit status; -1 when a signal ended it */
	gchar *out;
	gchar *err;
	JsonNode *root; /* stdout as JSON, NULL when it was none */
} CtScenarioOutput;

void
ct_scenario_output_clear(CtScenarioOutput *output);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CtScenarioOutput, ct_scenario_output_clear)

/* ct-scenario-run.c */
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
const gchar *
ct_scenario_first_name(CtScenarioRun *run);
gboolean
ct_scenario_mkdir(const gchar *path, GError **error);
gboolean
ct_scenario_serve_start(CtScenarioRun *run,
			gboolean regenerate,
			CtScenarioStepReport *report,
			GError **error);
void
ct_scenario_serve_stop(CtScenarioRun *run);
gchar *
ct_scenario_source(CtScenarioRun *run, const gchar *from, GError **error);
gchar *
ct_scenario_store_spec(CtScenarioRun *run, const gchar *store);
gchar *
ct_scenario_typed(CtScenarioRun *run, const gchar *name);
gchar *
ct_scenario_url(CtScenarioRun *run, const gchar *name, const gchar *path);

/* ct-scenario-steps.c */
gchar *
ct_scenario_cut(const gchar *text);
JsonArray *
ct_scenario_json_array(JsonObject *object, const gchar *member);
gint
ct_scenario_json_bool(JsonObject *object, const gchar *member);
JsonObject *
ct_scenario_json_object(JsonNode *node);
const gchar *
ct_scenario_json_string(JsonObject *object, const gchar *member);
gchar *
ct_scenario_last_line(const gchar *text);
void
ct_scenario_mismatch(CtScenarioStepReport *report,
		     const gchar *what,
		     const gchar *expected,
		     const gchar *actual);
gboolean
ct_scenario_run_step(CtScenarioRun *run,
		     const CtScenarioStep *step,
		     CtScenarioStepReport *report,
		     GError **error);
