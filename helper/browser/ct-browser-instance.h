/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ct-browser-options.h"
#include "ct-error.h"

/* the one browser the driver's units share: its process (ct-browser-process.c), its
 * connection (ct-browser-wire.c) and what the API keeps (ct-browser.c); what a protocol
 * keeps for itself (Firefox's browsing context, Chromium's session) is behind protocol,
 * its driver's own struct (ct-browser-driver.h) */

typedef struct _CtBrowser CtBrowser;
typedef struct _CtBrowserDriver CtBrowserDriver;

typedef gboolean (*CtBrowserEventFunc)(JsonObject *event, gpointer user_data);

struct _CtBrowser {
	const CtBrowserDriver *driver;
	gpointer protocol; /* the driver's own state, freed by its release() */
	const gchar *name; /* "Firefox", "Chromium" */
	/* the process */
	gchar *binary;
	gchar **envp;	/* the browser's environment */
	gint64 started; /* monotonic time of the spawn */
	guint launch_ms;
	GMainContext *context;
	gchar *tmpdir;	 /* every throwaway file: profile, home, user data, log */
	gchar *log_path; /* the browser's stdout and stderr */
	GSubprocess *process;
	gint pid; /* also the process group */
	gboolean exited;
	GCancellable *wait_cancellable;
	gboolean broken; /* stopped after a failure: no more navigations */
	/* the wire */
	guint timeout_ms;	 /* a navigation */
	guint launch_timeout_ms; /* the launch */
	guint step_ms;		 /* the budget of the step under way, for messages */
	SoupSession *session;
	SoupWebsocketConnection *websocket;
	gboolean websocket_closed;
	/* a page's dialog among the events: the driver answers it, TRUE when it was one */
	CtBrowserEventFunc dismiss_dialog;
	gint64 next_id;
	gint64 pending_id;
	JsonObject *reply;  /* the answer to pending_id */
	GQueue events;	    /* JsonObject*: messages without an id */
	guint dialogs;	    /* dismissed during the navigation under way */
	gboolean timed_out; /* the last wait ended at its deadline */
	/* the session */
	gchar *version;
	gchar *probe_script; /* the JavaScript that reports a page (ct_browser_probe_script) */
};
