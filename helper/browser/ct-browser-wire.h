/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-browser-instance.h"

/* the wire: the browser's WebSocket, commands with ids and their answers, the queue of
 * events, and waiting for any of them with a deadline; it knows no protocol's methods */

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

/* open the WebSocket; every event goes to dismiss_dialog(event, self) first, and one it
 * answers is counted in self->dialogs */
gboolean
ct_browser_connect(CtBrowser *self,
		   const gchar *url,
		   CtBrowserEventFunc dismiss_dialog,
		   gint64 deadline,
		   GCancellable *cancellable,
		   GError **error);

/* close the WebSocket (if open) and drop the session */
void
ct_browser_disconnect(CtBrowser *self);

/* send a command whose answer nobody waits for (params: transfer full) */
void
ct_browser_send(CtBrowser *self, const gchar *method, JsonObject *params, const gchar *session_id);

/* send {"id", "method", "params", "sessionId"} and wait for the answer with that id;
 * params (transfer full) may be NULL for {}; returns the "result" member; when the browser
 * answers with an error, NULL with CT_ERROR_FAILED and its message in *protocol_error */
JsonObject *
ct_browser_call(CtBrowser *self,
		const gchar *method,
		JsonObject *params,
		const gchar *session_id,
		gint64 deadline,
		GCancellable *cancellable,
		gchar **protocol_error,
		GError **error); /* (transfer full) */
/* ct_browser_call for a command whose answer says nothing but that it was done */
gboolean
ct_browser_command(CtBrowser *self,
		   const gchar *method,
		   JsonObject *params,
		   const gchar *session_id,
		   gint64 deadline,
		   GCancellable *cancellable,
		   GError **error);
/* an event to wait for: the first one match(event, user_data) accepts, taken off the
 * queue into found (transfer full) */
typedef struct {
	CtBrowserEventFunc match;
	gpointer user_data;
	JsonObject *found;
} CtBrowserEventWait;

/* ct_browser_call: the same, but an event early->match() accepts, arriving before the
 * answer, ends the wait: NULL without an error and the event in early->found (the answer,
 * when it comes, is dropped) */
JsonObject *
ct_browser_call_or_event(CtBrowser *self,
			 const gchar *method,
			 JsonObject *params,
			 const gchar *session_id,
			 CtBrowserEventWait *early,
			 gint64 deadline,
			 GCancellable *cancellable,
			 gchar **protocol_error,
			 GError **error);

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
