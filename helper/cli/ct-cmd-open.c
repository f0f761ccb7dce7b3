/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-chain.h"
#include "ct-cli-browser.h"

/* open --session: "trust for this session only" (docs/browser-procedures.md). The browser runs on a
 * throwaway profile that trusts the server's certificate (Firefox: a copy of the user's
 * profile with the exception; Chromium: a throwaway user data dir and the certificate's
 * SPKI pin in --ignore-certificate-errors-spki-list); it is deleted when the browser
 * ends, and the user's own stores are never written */

gboolean
ct_cmd_open(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *browser_name = NULL;
	g_autofree gchar *profile = NULL;
	g_auto(GStrv) names = NULL;
	g_autofree gchar *expect_text = NULL;
	g_autoptr(CtCliBrowser) browser = NULL;
	g_autoptr(GPtrArray) chains = NULL;
	gboolean session = FALSE;
	gboolean headless = FALSE;
	const GOptionEntry entries[] = {
	    {"browser", 'b', 0, G_OPTION_ARG_STRING, &browser_name, "firefox or chromium", "B"},
	    {"session", 0, 0, G_OPTION_ARG_NONE, &session,
	     "Trust the server for this browser session only (a throwaway profile)", NULL},
	    {"profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile,
	     "Firefox: the profile to start from (default: the user's; it is copied, never "
	     "written)",
	     "DIR"},
	    {"name", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &names,
	     "Also trust and visit the server under this name (HOST or HOST:PORT)", "HOST"},
	    {"headless", 0, 0, G_OPTION_ARG_NONE, &headless,
	     "No window: load the pages, say how each went, end the session", NULL},
	    {"expect-text", 0, 0, G_OPTION_ARG_STRING, &expect_text,
	     "A page loads only when its text holds TEXT too (else blocked TEXT_MISSING)", "TEXT"},
	    G_OPTION_ENTRY_NULL,
	};

	ct_cli_cancel_on_signals(cli);
	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (!session) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give --session (to trust the server for good, use certtrust "
				    "trust, then certtrust verify)");
		return FALSE;
	}
	if (profile != NULL && g_strcmp0(browser_name, "firefox") != 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--profile is a Firefox profile: a Chromium session starts "
				    "from a throwaway user data dir");
		return FALSE;
	}
	browser = ct_cli_browser_new(cli, browser_name, profile, NULL, names, argc, argv, error);
	if (browser == NULL)
		return FALSE;
	browser->options.expect_text = expect_text;
	/* a Chromium session reads nothing of the user's: a throwaway user data dir, and
	 * the report names no database */
	if (browser->options.kind == CT_BROWSER_CHROMIUM)
		g_clear_pointer(&browser->location, g_free);
	browser->names = names;
	chains = ct_cli_load_sources(cli, argc, argv, error);
	if (chains == NULL)
		return FALSE;
	if (!ct_cli_browser_add_session_trust(browser, chains, argc, argv, error))
		return FALSE;
	/* a window when there is a display to show it on */
	browser->options.headed = !headless && ct_cli_browser_has_display();
	if (!ct_cli_browser_launch(cli, browser, error) ||
	    !ct_cli_browser_visit(cli, browser, error))
		return FALSE;
	if (browser->options.headed) {
		ct_cli_print(cli,
			     "%s trusts the server for this session only: close its window to "
			     "end the session (its profile is then deleted)\n",
			     browser->version);
		if (!ct_browser_wait_closed(browser->browser, cli->cancellable, error))
			return FALSE;
		ct_cli_browser_finish(browser);
		return TRUE;
	}
	ct_cli_browser_finish(browser);
	return ct_cli_browser_report(cli, browser, error);
}
