/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* one page's verdict (ct_browser_navigate) */

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

/* a page not (yet) judged: outcome "blocked", no code */
CtNavigation *
ct_browser_navigation_new(const gchar *url); /* (transfer full) */
