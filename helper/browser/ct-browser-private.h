/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ct-browser.h"
#include "ct-json.h"

/* shared by ct-browser.c (process, WebSocket, waiting) and the two protocol files */

struct _CtBrowser {
	CtBrowserKind kind;
	const gchar *name; /* "Firefox", "Chromium" */
	gchar *binary;
	gchar **envp;		 /* the browser's environment */
	guint timeout_ms;	 /* a navigation */
	guint launch_timeout_ms; /* the launch */
	guint step_ms;		 /* the budget of the step under way, for messages */
	gint64 started;		 /* monotonic time of the spawn */
	guint launch_ms;
	GMainContext *context;
	gchar *tmpdir;	 /* every throwaway file: profile, home, user data, log */
	gchar *log_path; /* the browser's stdout and stderr */
	GSubprocess *process;
	gint pid; /* also the process group */
	gboolean exited;
	GCancellable *wait_cancellable;
	gboolean broken; /* stopped after a failure: no more navigations */
	SoupSession *session;
	SoupWebsocketConnection *websocket;
	gboolean websocket_closed;
	gint64 next_id;
	gint64 pending_id;
	JsonObject *reply; /* the answer to pending_id */
	GQueue events;	   /* JsonObject*: messages without an id */
	gchar *version;
	GSubprocess *version_process; /* firefox --version, run alongside the launch */
	GCancellable *version_cancellable;
	gchar *version_output;
	gboolean version_done;
	gchar *context_id;   /* Firefox: the browsing context */
	gchar *session_id;   /* Chromium: the flat session of the page target */
	guint dialogs;	     /* dismissed during the navigation under way */
	gboolean timed_out;  /* the last wait ended at its deadline */
	gchar *probe_script; /* the JavaScript that reports a page (ct_browser_probe_script) */
};

/* the browser's environment: HOME and XDG_* under home (NULL: inherited), TMPDIR in the
 * throwaway dir (what a killed browser leaves there goes with it), no proxy variables,
 * no crash reporter, no automatic safe mode */
gchar **
ct_browser_environ(CtBrowser *self, const gchar *home, GError **error); /* (transfer full) */

/* tmpdir/name, mode 0700 */
gchar *
ct_browser_make_dir(CtBrowser *self, const gchar *name, GError **error); /* (transfer full) */

/* start argv in its own process group, dying with certtrust, in tmpdir, stdin /dev/null;
 * output to the log, or stdout to a pipe when !to_log */
GSubprocess *
ct_browser_spawn(CtBrowser *self,
		 const gchar *const *argv,
		 const gchar *const *envp,
		 gboolean to_log,
		 GError **error); /* (transfer full) */

/* the process id (and group) of a running process, 0 once it is reaped */
gint
ct_browser_process_group(GSubprocess *process);

typedef gboolean (*CtBrowserDoneFunc)(CtBrowser *self, gpointer user_data);

/* the deadline of a navigation: now + the timeout */
gint64
ct_browser_deadline(CtBrowser *self);
/* the deadline of the launch: the spawn + the launch timeout */
gint64
ct_browser_launch_deadline(CtBrowser *self);

/* iterate the private context until done() (NULL: until the deadline only); errors:
 * CT_ERROR_CANCELLED, CT_ERROR_NOT_REACHABLE (exited, connection closed, deadline);
 * what names the step in the message */
gboolean
ct_browser_wait(CtBrowser *self,
		CtBrowserDoneFunc done,
		gpointer user_data,
		gint64 deadline,
		GCancellable *cancellable,
		const gchar *what,
		GError **error);

/* the ws:// address after prefix in the browser's output, once the whole line is there */
gchar *
ct_browser_wait_for_endpoint(CtBrowser *self,
			     const gchar *prefix,
			     gint64 deadline,
			     GCancellable *cancellable,
			     GError **error); /* (transfer full) */

/* open the WebSocket */
gboolean
ct_browser_connect(CtBrowser *self,
		   const gchar *url,
		   gint64 deadline,
		   GCancellable *cancellable,
		   GError **error);

typedef gboolean (*CtBrowserEventFunc)(JsonObject *event, gpointer user_data);

/* send {"id", "method", "params", "sessionId"} and wait for the answer with that id;
 * params (transfer full) may be NULL for {}; returns the "result" member; when the browser
 * answers with an error, NULL with CT_ERROR_FAILED and its message in *protocol_error */
JsonObject *
ct_browser_call_or_event(CtBrowser *self,
			 const gchar *method,
			 JsonObject *params,
			 const gchar *session_id,
			 CtBrowserEventFunc early,
			 gpointer early_data,
			 JsonObject **early_event,
			 gint64 deadline,
			 GCancellable *cancellable,
			 gchar **protocol_error,
			 GError **error);
/* ct_browser_call_or_event: the same, but an event early() accepts, arriving before the
 * answer, ends the wait: NULL without an error and the event in *early_event (the answer,
 * when it comes, is dropped) */
JsonObject *
ct_browser_call(CtBrowser *self,
		const gchar *method,
		JsonObject *params,
		const gchar *session_id,
		gint64 deadline,
		GCancellable *cancellable,
		gchar **protocol_error,
		GError **error); /* (transfer full) */

/* the first event (queued or arriving before the deadline) that match() accepts, taken
 * off the queue */
JsonObject *
ct_browser_wait_for_event(CtBrowser *self,
			  CtBrowserEventFunc match,
			  gpointer user_data,
			  gint64 deadline,
			  GCancellable *cancellable,
			  const gchar *what,
			  GError **error); /* (transfer full) */
void
ct_browser_clear_events(CtBrowser *self);

/* the code in a browser's error text: net::ERR_X, NS_ERROR_GENERATE_FAILURE(
 * NS_ERROR_MODULE_SECURITY, X), MOZILLA_PKIX_ERROR_X / SEC_ERROR_X / SSL_ERROR_X,
 * NS_ERROR_X; NULL when there is none */
gchar *
ct_browser_code_from_message(const gchar *message); /* (transfer full) */

/* the JavaScript that reports a page as JSON: {uri, title, status, text, code}; text
 * says whether the page's text holds expect_text (NULL: always TRUE) */
gchar *
ct_browser_probe_script(const gchar *expect_text); /* (transfer full) */

/* what the probe saw in the page */
typedef struct {
	gchar *uri;   /* document.documentURI */
	gchar *title; /* document.title */
	gint status;  /* the navigation's HTTP status, 0 when the browser does not say */
	gboolean text_found;
	gchar *code; /* the code an error page knows (Firefox's about:certerror/neterror) */
} CtBrowserProbe;

void
ct_browser_probe_clear(CtBrowserProbe *probe);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CtBrowserProbe, ct_browser_probe_clear)

/* parse the probe's JSON into probe; FALSE when it is not the probe's answer */
gboolean
ct_browser_parse_probe(const gchar *json, CtBrowserProbe *probe);

/* the verdict from what the page shows: an https:// page loads (blocked TEXT_MISSING when
 * the expected text is not in it), with its status, address and title; any other page
 * (an error page) is blocked with the probe's code, else fallback_code */
void
ct_browser_judge(CtNavigation *navigation, const CtBrowserProbe *probe, const gchar *fallback_code);

CtNavigation *
ct_browser_navigation_new(const gchar *url); /* (transfer full) */

/* Firefox: ct-browser-firefox.c */
gboolean
ct_browser_firefox_prepare(CtBrowser *self,
			   const CtBrowserOptions *options,
			   GPtrArray *argv,
			   gchar ***envp,
			   GError **error);
gboolean
ct_browser_firefox_start(CtBrowser *self, GCancellable *cancellable, GError **error);
CtNavigation *
ct_browser_firefox_navigate(CtBrowser *self,
			    const gchar *url,
			    GCancellable *cancellable,
			    GError **error);
void
ct_browser_firefox_quit(CtBrowser *self, gint64 deadline);

/* Chromium: ct-browser-chromium.c */
gboolean
ct_browser_chromium_prepare(CtBrowser *self,
			    const CtBrowserOptions *options,
			    GPtrArray *argv,
			    gchar ***envp,
			    GError **error);
gboolean
ct_browser_chromium_start(CtBrowser *self, GCancellable *cancellable, GError **error);
CtNavigation *
ct_browser_chromium_navigate(CtBrowser *self,
			     const gchar *url,
			     GCancellable *cancellable,
			     GError **error);
void
ct_browser_chromium_quit(CtBrowser *self, gint64 deadline);
