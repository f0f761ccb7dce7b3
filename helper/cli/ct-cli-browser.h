/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-browser.h"
#include "ct-cli.h"

/* what verify and open share: which browser, the trust it reads (the user's Firefox
 * profile or Chromium's NSS db, or the one --profile/--store names), the pages to visit
 * (each SOURCE under every --name), the names mapped to 127.0.0.1 (--resolve) */

typedef struct {
	CtBrowserOptions options;
	gchar *browser_name;
	gchar *location;	/* the profile or NSS db whose trust the browser reads */
	GPtrArray *mapped;	/* gchar*, NULL-terminated */
	GPtrArray *resolved;	/* CtResolveRule* to another address than 127.0.0.1, (transfer
				   none: the CtCli's), NULL-terminated */
	GPtrArray *allowed;	/* gchar* the hosts named, NULL-terminated */
	GPtrArray *extra_args;	/* gchar*: add before ct_cli_browser_launch */
	GPtrArray *overrides;	/* gchar* "host:port=SHA-256": add before ct_cli_browser_launch */
	gchar **names;		/* --name, (transfer none) */
	GPtrArray *urls;	/* gchar* */
	GPtrArray *navigations; /* CtNavigation* */
	CtBrowser *browser;
	gchar *version;
} CtCliBrowser;

void
ct_cli_browser_free(CtCliBrowser *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtCliBrowser, ct_cli_browser_free)

/* argv[1..argc) are the SOURCEs; usage errors are CT_ERROR_INVALID_ARGS */
CtCliBrowser *
ct_cli_browser_new(CtCli *cli,
		   const gchar *browser_name,
		   const gchar *profile,
		   const gchar *store_spec,
		   gchar **names,
		   gint argc,
		   gchar **argv,
		   GError **error); /* (transfer full) */

gboolean
ct_cli_browser_launch(CtCli *cli, CtCliBrowser *self, GError **error);

/* every URL in turn, each a navigation */
gboolean
ct_cli_browser_visit(CtCli *cli, CtCliBrowser *self, GError **error);

/* end the browser and remove what was made for it */
void
ct_cli_browser_finish(CtCliBrowser *self);

/* the navigations as text or JSON; CT_ERROR_NOT_REACHABLE when one did not finish (timeout,
 * the browser failed), else CT_ERROR_CHECK_FAILED when one was blocked */
gboolean
ct_cli_browser_report(CtCli *cli, CtCliBrowser *self, GError **error);
/* the same for several browsers (CtCliBrowser*), one report each: JSON {"reports": [...]}
 * when there are several */
gboolean
ct_cli_browser_report_all(CtCli *cli, GPtrArray *browsers, GError **error);

/* open --session's trust, for chains (one per SOURCE argv[1..argc)): Firefox an exception
 * per name the user types (the throwaway profile only), Chromium the leaves' SPKI pins */
gboolean
ct_cli_browser_add_session_trust(CtCliBrowser *self,
				 GPtrArray *chains,
				 gint argc,
				 gchar **argv,
				 GError **error);

/* is there a display for a browser window (DISPLAY or WAYLAND_DISPLAY)? */
gboolean
ct_cli_browser_has_display(void);

/* one page's verdict as JSON: {"url", "outcome", "error_code", "elapsed_ms"} */
void
ct_cli_browser_add_navigation(JsonBuilder *builder, const CtNavigation *navigation);
