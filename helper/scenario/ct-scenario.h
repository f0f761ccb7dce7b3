/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-error.h"

/* a QA scenario: one `*.scenario` file (scenarios/README.md), parsed. The file names the
 * `certtrust serve` profile, the name used to reach the server and the steps, each with
 * what it must come out as */

/* the largest scenario file read (the library's are a few KB) */
#define CT_SCENARIO_MAX_FILE 1048576u

/* the kinds of step; each one's row (keyword, what it takes, what it does, its runner) is
 * in the table of ct-scenario-step.c */
typedef enum {
	CT_SCENARIO_STEP_ACCESS,
	CT_SCENARIO_STEP_SHOW,
	CT_SCENARIO_STEP_CHECK_HOST,
	CT_SCENARIO_STEP_TRUST,
	CT_SCENARIO_STEP_UNTRUST,
	CT_SCENARIO_STEP_EXPORT,
	CT_SCENARIO_STEP_STATUS,
	CT_SCENARIO_STEP_LIST,
	CT_SCENARIO_STEP_VERIFY,
	CT_SCENARIO_STEP_SESSION,
	CT_SCENARIO_STEP_REGENERATE,
	CT_SCENARIO_STEP_RESTART,
	CT_SCENARIO_STEP_SOAP,
	CT_SCENARIO_STEP_FLOW,
} CtScenarioStepKind;

/* trust: what `predict NAME BROWSER VERDICT` wants one prediction to say */
typedef struct {
	gchar *name;	/* host, without the port */
	gchar *browser; /* as trust reports it: firefox, chromium, "curl, GLib" */
	gchar *verdict;
} CtScenarioPrediction;

/* one store's expected result (trust, untrust), or NULL store for every store */
typedef struct {
	gchar *store;
	gchar *result;
} CtScenarioStoreResult;

typedef struct {
	CtScenarioStepKind kind;
	guint line;
	gchar *text; /* the step as written, without comment, whitespace folded */

	/* what to do */
	GPtrArray *names;   /* gchar*: host names or IPv4 addresses typed (may be empty) */
	GPtrArray *stores;  /* gchar*: firefox, chromium, nss, system (may be empty) */
	gchar *browser;	    /* verify, session: firefox or chromium; flow: ie8, firefox3, safari4 */
	GPtrArray *choices; /* flow: --choice answers in order (gchar*); none: --yes */
	gboolean exports;   /* flow: --export-dir */
	GPtrArray *paths;   /* access: URL paths (gchar*), none for "/" */
	gchar *mode;	    /* trust: exception or anchor, NULL for auto */
	gboolean allow_ca;  /* trust */
	gboolean exact;	    /* status */
	gchar *from;	    /* trust, untrust, export, show: "server" (a TLS connection), a serve
			       file key, "full-chain", "trusted"; NULL: the chain the server
			       presents, from serve's copies */
	gchar *format;	    /* export: a format or ie8, firefox3, safari4 */
	gchar *todo;	    /* a known problem: a failure is reported as TODO, not a failure */

	/* what must come out; unset: -1 or NULL */
	gchar *outcome;		/* access, verify, session: loads or blocked; status: the
				   verdict; untrust: not-found; flow: its outcome */
	GPtrArray *dialogs;	/* flow: dialog titles the transcript must hold (gchar*) */
	GPtrArray *problems;	/* access: exactly these problem names (gchar*) */
	gchar *error_code;	/* verify, session: the browser's code when blocked */
	gint http_status;	/* access; soap over HTTP */
	gint https_status;	/* soap over HTTPS */
	gchar *title;		/* access: the page title */
	gint certificates;	/* access, show, export: how many certificates */
	gint files;		/* export, flow: how many files */
	GPtrArray *order;	/* export: leaf, intermediate, root (gchar*) */
	gint version;		/* show */
	gint self_signed;	/* show: 0 no, 1 yes */
	gint ca_capable;	/* show: 0 no, 1 yes */
	gchar *strict;		/* check-host: match or mismatch */
	gchar *legacy;		/* check-host: match or mismatch */
	gchar *firefox;		/* check-host: Firefox's own verdict, match or mismatch */
	gchar *chromium;	/* check-host: Chromium's own verdict (public suffixes) */
	GPtrArray *results;	/* trust, untrust: CtScenarioStoreResult* */
	gchar *action;		/* trust: exception, nss, anchor, none (every store) */
	gchar *flags;		/* trust: the NSS trust flags written (every NSS store) */
	GPtrArray *predictions; /* trust: CtScenarioPrediction* */
	gint entries;		/* list */
} CtScenarioStep;

/* where a scenario's HOME keeps the browsers' stores (both are found by certtrust) */
typedef enum {
	CT_SCENARIO_LAYOUT_CURRENT, /* ~/.config/mozilla/firefox, ~/.local/share/pki/nssdb:
				       what Firefox ESR 140+ and Debian's Chromium make when
				       the legacy ones are absent */
	CT_SCENARIO_LAYOUT_LEGACY,  /* ~/.mozilla/firefox, ~/.pki/nssdb */
} CtScenarioLayout;

typedef struct {
	gchar *path;	    /* the file, as given */
	gchar *name;	    /* `scenario NAME`, else the file's base name */
	gchar *description; /* the comment lines before the first directive, or NULL */
	gchar *profile;	    /* a serve profile, or NULL with server */
	gchar *server;	    /* an external server, https://HOST:PORT/, or NULL with profile */
	guint port;	    /* server's port */
	gchar *address;	    /* `resolve ADDR`: where server's HOST is, or NULL (DNS) */
	guint address_line; /* the line of `resolve` */
	CtScenarioLayout layout;
	GPtrArray *names; /* gchar*: `name HOST...` or server's HOST; the first is the one
			     typed */
	GPtrArray *steps; /* CtScenarioStep* */
} CtScenario;

void
ct_scenario_free(CtScenario *scenario);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtScenario, ct_scenario_free)

const gchar *
ct_scenario_step_kind_to_string(CtScenarioStepKind kind);

/* "current" or "legacy", as the `layout` line writes it */
const gchar *
ct_scenario_layout_to_string(CtScenarioLayout layout);

/* parse "current" or "legacy" */
gboolean
ct_scenario_layout_from_string(const gchar *text, CtScenarioLayout *layout);

/* does the step need a real browser? */
gboolean
ct_scenario_step_needs_browser(const CtScenarioStep *step);

/* parse a scenario from text; path names it in errors. Syntax errors are
 * CT_ERROR_INVALID_DATA, one line "PATH:LINE: expected ..., got ..." for each error of
 * the file (the first 50) */
CtScenario *
ct_scenario_parse(const gchar *path,
		  const gchar *text,
		  gssize length,
		  GError **error); /* (transfer full) */

/* read and parse a file: a regular file only (a FIFO, a device or a directory is refused
 * at once, CT_ERROR_INVALID_ARGS), at most CT_SCENARIO_MAX_FILE bytes */
CtScenario *
ct_scenario_load(const gchar *path, GError **error); /* (transfer full) */

/* the scenario files PATH names: itself, or every *.scenario under a directory (sorted,
 * recursively, each directory once however symbolic links lead to it); appended to files
 * (gchar*) */
gboolean
ct_scenario_find_files(const gchar *path, GPtrArray *files, GError **error);
