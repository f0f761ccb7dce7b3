/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli-browser.h"

/* verify: the real browser, headless, on the user's own trust, says whether the page
 * loads under each name the user types */

gboolean
ct_cmd_verify(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) browser_names = NULL;
	g_autoptr(GPtrArray) kinds = g_ptr_array_new();
	g_autoptr(GPtrArray)
	    browsers = g_ptr_array_new_with_free_func((GDestroyNotify)ct_cli_browser_free);
	g_autofree gchar *profile = NULL;
	g_autofree gchar *store_spec = NULL;
	g_auto(GStrv) names = NULL;
	g_autofree gchar *expect_text = NULL;
	const GOptionEntry entries[] = {
	    {"browser", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &browser_names,
	     "firefox, chromium or all (repeatable: one report per browser)", "B"},
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
	/* each browser once, in the order given; all: both */
	for (guint i = 0; browser_names != NULL && browser_names[i] != NULL; i++) {
		const gchar *name = browser_names[i];
		const gchar *both[] = {"firefox", "chromium", NULL};
		for (guint j = 0; j < (g_strcmp0(name, "all") == 0 ? 2u : 1u); j++) {
			const gchar *one = g_strcmp0(name, "all") == 0 ? both[j] : name;
			if (!g_ptr_array_find_with_equal_func(kinds, one, g_str_equal, NULL))
				g_ptr_array_add(kinds, (gpointer)one);
		}
	}
	if (kinds->len == 0)
		g_ptr_array_add(kinds, NULL);
	/* every usage error before any browser starts */
	for (guint i = 0; i < kinds->len; i++) {
		CtCliBrowser *browser = ct_cli_browser_new(cli, g_ptr_array_index(kinds, i),
							   profile, store_spec, names, argc, argv,
							   error);
		if (browser == NULL)
			return FALSE;
		browser->options.expect_text = expect_text;
		g_ptr_array_add(browsers, browser);
	}
	for (guint i = 0; i < browsers->len; i++) {
		CtCliBrowser *browser = g_ptr_array_index(browsers, i);
		if (!ct_cli_browser_launch(cli, browser, error) ||
		    !ct_cli_browser_visit(cli, browser, error))
			return FALSE;
		ct_cli_browser_finish(browser);
	}
	return ct_cli_browser_report_all(cli, browsers, error);
}
