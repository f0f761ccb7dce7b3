/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-browser-instance.h"
#include "ct-browser-navigation.h"

/* the page's verdict, the same for every protocol: the probe script run in the page, its
 * answer read into a CtNavigation, and the code in a browser's error text */

/* the code in a browser's error text: net::ERR_X, NS_ERROR_GENERATE_FAILURE(
 * NS_ERROR_MODULE_SECURITY, X), MOZILLA_PKIX_ERROR_X / SEC_ERROR_X / SSL_ERROR_X,
 * NS_ERROR_X; NULL when there is none */
gchar *
ct_browser_code_from_message(const gchar *message); /* (transfer full) */

/* the JavaScript that reports a page as JSON: {uri, title, status, text, code}; text
 * says whether the page's text holds expect_text (NULL: always TRUE) */
gchar *
ct_browser_probe_script(const gchar *expect_text); /* (transfer full) */

/* what the probe saw in the page */
typedef struct {
	gchar *uri;   /* document.documentURI */
	gchar *title; /* document.title */
	gint status;  /* the navigation's HTTP status, 0 when the browser does not say */
	gboolean text_found;
	gchar *code; /* the code an error page knows (Firefox's about:certerror/neterror) */
} CtBrowserProbe;

void
ct_browser_probe_clear(CtBrowserProbe *probe);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CtBrowserProbe, ct_browser_probe_clear)

/* parse the probe's JSON into probe; FALSE when it is not the probe's answer */
gboolean
ct_browser_parse_probe(const gchar *json, CtBrowserProbe *probe);

/* run the probe script in the page: method with params (transfer full, the driver's way
 * of naming the script and the page); what it saw goes into probe, which stays as it is
 * when the browser refuses or the script throws (BiDi's answer has a type other than
 * success_type; CDP's, success_type NULL, has exceptionDetails); FALSE only when the
 * browser is gone or hangs */
gboolean
ct_browser_probe_page(CtBrowser *self,
		      const gchar *method,
		      JsonObject *params,
		      const gchar *session_id,
		      const gchar *success_type,
		      gint64 deadline,
		      GCancellable *cancellable,
		      CtBrowserProbe *probe,
		      GError **error);

/* the verdict from what the page shows: an https:// page loads (blocked TEXT_MISSING when
 * the expected text is not in it), with its status, address and title; any other page
 * (an error page) is blocked with the probe's code, else fallback_code */
void
ct_browser_judge(CtNavigation *navigation, const CtBrowserProbe *probe, const gchar *fallback_code);
