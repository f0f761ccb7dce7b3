/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include "ct-browser-probe.h"
#include "ct-test.h"

/* the page's verdict both drivers share (helper/browser/ct-browser-probe.c), without a
 * browser: the browsers' error texts, the probe's answer, the judgement of a page */

TestSuite(browser_probe, .timeout = 30);

Test(browser_probe, codes_are_found_in_each_browsers_words)
{
	const gchar *cases[][2] = {
	    {"net::ERR_CERT_AUTHORITY_INVALID", "ERR_CERT_AUTHORITY_INVALID"},
	    {"NS_ERROR_GENERATE_FAILURE(NS_ERROR_MODULE_SECURITY, SEC_ERROR_UNKNOWN_ISSUER)",
	     "SEC_ERROR_UNKNOWN_ISSUER"},
	    {"Reached error page: about:certerror?e=nssBadCert MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT",
	     "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"},
	    {"failed: NS_ERROR_UNKNOWN_HOST", "NS_ERROR_UNKNOWN_HOST"},
	    {"SSL_ERROR_BAD_CERT_DOMAIN and NS_ERROR_FAILURE", "SSL_ERROR_BAD_CERT_DOMAIN"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *code = ct_browser_code_from_message(cases[i][0]);
		cr_assert_str_eq(code, cases[i][1], "%s", cases[i][0]);
	}
	cr_assert_null(ct_browser_code_from_message("the page is gone"));
	cr_assert_null(ct_browser_code_from_message(NULL));
}

Test(browser_probe, the_answer_is_read_or_refused)
{
	g_auto(CtBrowserProbe) probe = {0};

	cr_assert(ct_browser_parse_probe("{\"uri\": \"https://a.example/\", \"title\": \"A\", "
					 "\"status\": 404, \"text\": true, \"code\": null}",
					 &probe));
	cr_assert_str_eq(probe.uri, "https://a.example/");
	cr_assert_str_eq(probe.title, "A");
	cr_assert_eq(probe.status, 404);
	cr_assert(probe.text_found);
	cr_assert_null(probe.code);
	/* not the probe's answer: what was read stays */
	cr_assert_not(ct_browser_parse_probe("not json", &probe));
	cr_assert_not(ct_browser_parse_probe("[1]", &probe));
	cr_assert_not(ct_browser_parse_probe(NULL, &probe));
	cr_assert_str_eq(probe.uri, "https://a.example/");
	/* a status no HTTP answer has is unknown */
	cr_assert(
	    ct_browser_parse_probe("{\"uri\": \"https://a.example/\", \"status\": 99}", &probe));
	cr_assert_eq(probe.status, 0);
	cr_assert_null(probe.title);
	cr_assert_not(probe.text_found);
}

Test(browser_probe, an_https_page_loads_unless_its_text_is_missing)
{
	g_autoptr(CtNavigation) loads = ct_browser_navigation_new("https://a.example/");
	g_autoptr(CtNavigation) missing = ct_browser_navigation_new("https://a.example/");
	CtBrowserProbe page = {.uri = "https://a.example/x", .status = 200, .text_found = TRUE};
	CtBrowserProbe no_text = {.uri = "https://a.example/", .title = "T", .status = 200};

	cr_assert_str_eq(loads->outcome, "blocked", "not judged yet");
	ct_browser_judge(loads, &page, "UNKNOWN");
	cr_assert_str_eq(loads->outcome, "loads");
	cr_assert_null(loads->error_code);
	cr_assert_str_eq(loads->final_url, "https://a.example/x");
	cr_assert_str_eq(loads->title, "", "no title is an empty one");
	cr_assert_eq(loads->http_status, 200);

	ct_browser_judge(missing, &no_text, "UNKNOWN");
	cr_assert_str_eq(missing->outcome, "blocked");
	cr_assert_str_eq(missing->error_code, "TEXT_MISSING");
	cr_assert_str_eq(missing->title, "T");
}

Test(browser_probe, any_other_page_is_blocked_with_its_code)
{
	g_autoptr(CtNavigation) plain = ct_browser_navigation_new("https://a.example/");
	g_autoptr(CtNavigation) error_page = ct_browser_navigation_new("https://a.example/");
	g_autoptr(CtNavigation) unknown = ct_browser_navigation_new("https://a.example/");
	CtBrowserProbe http = {.uri = "http://a.example/", .text_found = TRUE};
	CtBrowserProbe certerror = {.uri = "about:certerror?e=nssBadCert",
				    .code = "SEC_ERROR_UNKNOWN_ISSUER"};
	CtBrowserProbe chrome = {.uri = "chrome-error://chromewebdata/"};

	ct_browser_judge(plain, &http, "UNKNOWN");
	cr_assert_str_eq(plain->outcome, "blocked");
	cr_assert_str_eq(plain->error_code, "NOT_HTTPS");
	ct_browser_judge(error_page, &certerror, "UNKNOWN");
	cr_assert_str_eq(error_page->error_code, "SEC_ERROR_UNKNOWN_ISSUER");
	cr_assert_str_eq(error_page->detail, "about:certerror?e=nssBadCert");
	ct_browser_judge(unknown, &chrome, "NAVIGATION_FAILED");
	cr_assert_str_eq(unknown->error_code, "NAVIGATION_FAILED");
	cr_assert_null(unknown->title);
}
