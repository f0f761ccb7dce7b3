#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli-browser.h"

/* verify: the real browser, headless, on the user's own trust, says whether the page
 * loads under each name the user types */

gboolean
ct_cmd_verify(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *browser_name = NULL;
	g_autofree gchar *profile = NULL;
	g_autofree gchar *store_spec = NULL;
	g_auto(GStrv) names = NULL;
	g_autofree gchar *expect_text = NULL;
	g_autoptr(CtCliBrowser) browser = NULL;
	const GOptionEntry entries[] = {
	    {"browser", 'b', 0, G_OPTION_ARG_STRING, &browser_name, "firefox or chromium", "B"},
	    {"profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile,
	     "The Firefox profile, or the NSS database Chromium reads (default: the user's)",
	     "DIR"},
	    {"store", 's', 0, G_OPTION_ARG_STRING, &store_spec,
	     "The store whose trust the browser uses: firefox[:DIR], chromium, nss:DIR", "S"},
	    {"name", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &names,
	     "Also visit the server under this name (HOST or HOST:PORT)", "HOST"},
	    {"expect-text", 0, 0, G_OPTION_ARG_STRING, &expect_text,
	     "A page loads only when its text holds TEXT too (else blocked TEXT_MISSING)", "TEXT"},
	    G_OPTION_ENTRY_NULL,
	};

	ct_cli_cancel_on_signals(cli);
	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	browser = ct_cli_browser_new(cli, browser_name, profile, store_spec, names, argc, argv,
				     error);
	if (browser == NULL)
		return FALSE;
	browser->options.expect_text = expect_text;
	if (!ct_cli_browser_launch(cli, browser, error) ||
	    !ct_cli_browser_visit(cli, browser, error))
		return FALSE;
	ct_cli_browser_finish(browser);
	return ct_cli_browser_report(cli, browser, error);
}
