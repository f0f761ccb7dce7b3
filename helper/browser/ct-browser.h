/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-error.h"

/* the packaged Firefox ESR (WebDriver BiDi) and Chromium (DevTools protocol), headless,
 * driven over a loopback WebSocket: navigate to a URL and say whether the page loaded (the
 * browser committed the top-level navigation to an https:// page with no certificate or
 * network error, whatever the HTTP status) or was blocked with the browser's own code */

typedef enum {
	CT_BROWSER_FIREFOX,
	CT_BROWSER_CHROMIUM,
} CtBrowserKind;

typedef struct {
	CtBrowserKind kind;
	/* NULL: $CT_FIREFOX / $CT_CHROMIUM, else /usr/lib/firefox-esr/firefox-esr or
	 * /usr/lib/chromium/chromium; a name without '/' is looked up in PATH */
	const gchar *binary;
	/* Firefox: a profile whose trust (cert9.db, cert_override.txt, prefs.js, user.js, HSTS
	 * state) is read into a throwaway profile, so that the directory itself is never
	 * written; refused while a Firefox runs on it; NULL: an empty throwaway profile */
	const gchar *profile;
	/* Chromium: used as it is, refused while a Chromium runs on it; NULL: a throwaway one */
	const gchar *user_data_dir;
	/* Chromium: the NSS database to trust; it becomes .pki/nssdb of a throwaway HOME
	 * (a symbolic link, never followed when the HOME goes); NULL: home decides */
	const gchar *nss_db;
	/* HOME, with XDG_* under it, for the browser (Chromium reads HOME/.pki/nssdb);
	 * NULL: Chromium inherits HOME, Firefox gets a throwaway one */
	const gchar *home;
	/* names resolved to 127.0.0.1 by the browser (Firefox network.dns.localDomains,
	 * Chromium --host-resolver-rules, where every other name then fails); a leading "*."
	 * works in Chromium only */
	const gchar *const *map_names;
	/* Chromium: "NAME=ADDR", NAME resolved to the IP address ADDR (--resolve to any
	 * address) */
	const gchar *const *resolve_rules;
	/* the hosts the user named (names and IP literals): Chromium resolves these names
	 * the normal way and no name neither here nor mapped; Firefox connects directly to
	 * these and the mapped names only, any other host through a proxy that is not there */
	const gchar *const *allow_names;
	/* Firefox: permanent exceptions "host:port=SHA-256", written into the throwaway
	 * profile only (open --session) */
	const gchar *const *overrides;
	/* appended to the command line, e.g. --ignore-certificate-errors-spki-list=... */
	const gchar *const *extra_args;
	gboolean headed;
	/* a page loads only when its text holds this too (blocked TEXT_MISSING otherwise);
	 * NULL: any page */
	const gchar *expect_text;
	/* each navigation; 0: 30 s */
	guint timeout_ms;
	/* the launch, up to an open session; 0: timeout_ms */
	guint launch_timeout_ms;
} CtBrowserOptions;

typedef struct {
	gchar *url;
	gchar *outcome;	   /* "loads" | "blocked" | "timeout" (not loaded within the timeout;
			      the browser left it and went on) */
	gchar *error_code; /* the browser's code, e.g. ERR_CERT_AUTHORITY_INVALID, or
			      TEXT_MISSING; NULL when it loads */
	gchar *detail;	   /* the browser's own words, or the page address; may be NULL */
	gint http_status;  /* of the page shown (a 404 loads too); 0 when unknown */
	gchar *final_url;  /* where the browser ended up (after redirects); may be NULL */
	gchar *title;	   /* the page's title, "" when it has none; NULL when unknown */
	guint dialogs;	   /* alert/confirm/prompt/beforeunload dialogs dismissed */
	guint elapsed_ms;
} CtNavigation;

void
ct_navigation_free(CtNavigation *navigation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNavigation, ct_navigation_free)

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
