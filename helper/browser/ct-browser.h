/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-browser-navigation.h"
#include "ct-browser-options.h"
#include "ct-error.h"

/* the packaged Firefox ESR (WebDriver BiDi) and Chromium (DevTools protocol), headless,
 * driven over a loopback WebSocket: navigate to a URL and say whether the page loaded (the
 * browser committed the top-level navigation to an https:// page with no certificate or
 * network error, whatever the HTTP status) or was blocked with the browser's own code */

/* the program ct_browser_launch() would run ($CT_FIREFOX / $CT_CHROMIUM, else the
 * packaged one), or CT_ERROR_FAILED naming the Debian package when it is not there */
gchar *
ct_browser_find(CtBrowserKind kind, GError **error); /* (transfer full) */

typedef struct _CtBrowser CtBrowser;

/* start the browser and open a session; NULL means the process is gone again. Errors:
 * CT_ERROR_FAILED when the binary is missing (naming the Debian package),
 * CT_ERROR_NOT_REACHABLE when it exits or does not answer within the launch timeout,
 * CT_ERROR_CANCELLED, CT_ERROR_REFUSED when a browser runs on the profile or the user
 * data directory, CT_ERROR_INVALID_ARGS for a map name that is no host name.
 * The browser dies with the calling thread (PR_SET_PDEATHSIG): launch, navigate and close
 * from one thread that outlives it; each call iterates a private main context */
CtBrowser *
ct_browser_launch(const CtBrowserOptions *options,
		  GCancellable *cancellable,
		  GError **error); /* (transfer full) */

/* "Firefox 153.7.0esr", "Chromium 156.0.8078.108" */
const gchar *
ct_browser_get_version(CtBrowser *self);
/* the browser's process id (also its process group), 0 once it is gone */
gint
ct_browser_get_pid(CtBrowser *self);
/* wall time of the launch, up to the open session */
guint
ct_browser_get_launch_ms(CtBrowser *self);

/* load url and wait for the page; a certificate error is a result, not an error:
 * outcome "blocked" with error_code; a page not loaded within the timeout is outcome
 * "timeout" (the browser goes on when it can leave the page); dialogs are dismissed; a
 * crash or cancellation is an error (CT_ERROR_NOT_REACHABLE / CT_ERROR_CANCELLED) and ends
 * the browser */
CtNavigation *
ct_browser_navigate(CtBrowser *self,
		    const gchar *url,
		    GCancellable *cancellable,
		    GError **error); /* (transfer full) */

/* a headed browser: wait until the user closes it (its main process ends); FALSE with
 * CT_ERROR_CANCELLED when cancelled first */
gboolean
ct_browser_wait_closed(CtBrowser *self, GCancellable *cancellable, GError **error);

/* end the browser (politely, then SIGTERM and SIGKILL to its process group), reap it,
 * remove the throwaway directories and free self */
void
ct_browser_close(CtBrowser *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtBrowser, ct_browser_close)
