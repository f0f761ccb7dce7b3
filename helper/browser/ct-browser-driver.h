/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-browser-instance.h"
#include "ct-browser-navigation.h"

/* a protocol, as the API (ct-browser.c) drives it: one const table per browser, each in
 * its own file; the protocol files talk through the wire (ct-browser-wire.h) and keep
 * their state in self->protocol */

struct _CtBrowserDriver {
	const gchar *name; /* "Firefox", "Chromium" */
	/* before the spawn: self->protocol, the throwaway files, the environment (*envp) and
	 * the arguments after the binary */
	gboolean (*prepare)(CtBrowser *self,
			    const CtBrowserOptions *options,
			    GPtrArray *argv,
			    gchar ***envp,
			    GError **error);
	/* the process runs: connect and open a session by the launch deadline; sets
	 * self->version */
	gboolean (*start)(CtBrowser *self, GCancellable *cancellable, GError **error);
	/* one page, by the navigation deadline; NULL with an error when the browser failed
	 * (self->timed_out when the deadline came first) */
	CtNavigation *(*navigate)(CtBrowser *self,
				  const gchar *url,
				  GCancellable *cancellable,
				  GError **error);
	/* to about:blank, so that the next page starts clean */
	gboolean (*leave)(CtBrowser *self,
			  gint64 deadline,
			  GCancellable *cancellable,
			  GError **error);
	/* the command that asks the browser to end (no error: the API kills it anyway) */
	const gchar *quit_method;
	/* end what the driver started besides the browser and free self->protocol (which
	 * may be NULL when the launch failed early) */
	void (*release)(CtBrowser *self);
};

/* ct-browser-firefox.c: WebDriver BiDi */
extern const CtBrowserDriver ct_browser_firefox_driver;
/* ct-browser-chromium.c: the DevTools protocol */
extern const CtBrowserDriver ct_browser_chromium_driver;
