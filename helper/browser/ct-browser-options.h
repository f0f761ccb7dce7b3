/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "ct-resolver.h"

/* what a browser is launched with (ct_browser_launch) */

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
	/* NAME resolved to the IP address ADDR (--resolve to any address; the port is not
	 * the browser's): Chromium maps each name, Firefox sends every name it looks up to
	 * their one address */
	const CtResolveRule *const *resolve_rules;
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
