/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include "ct-browser-navigation.h"

void
ct_navigation_free(CtNavigation *navigation)
{
	if (navigation == NULL)
		return;
	g_free(navigation->url);
	g_free(navigation->outcome);
	g_free(navigation->error_code);
	g_free(navigation->detail);
	g_free(navigation->final_url);
	g_free(navigation->title);
	g_free(navigation);
}

CtNavigation *
ct_browser_navigation_new(const gchar *url)
{
	CtNavigation *navigation = g_new0(CtNavigation, 1);
	navigation->url = g_strdup(url);
	navigation->outcome = g_strdup("blocked");
	return navigation;
}
