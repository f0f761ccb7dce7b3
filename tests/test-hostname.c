/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "ct-hostname.h"
#include "ct-test.h"

/* a certificate as the matcher sees it: san is "NONE" (no extension) or entries
 * "DNS:x|IP:y" ("" = an extension with no DNS or IP entry); cn "" = no CN */
typedef struct {
	gchar name[80];
	gchar san[128];
	gchar cn[48];
	gboolean strict;
	gboolean legacy;
} CtHostCase;

static CtCertificate *
ct_test_certificate_new(const gchar *san, const gchar *cn)
{
	CtCertificate *certificate = g_new0(CtCertificate, 1);
	g_auto(GStrv) entries = NULL;

	certificate->san_dns = g_ptr_array_new_with_free_func(g_free);
	certificate->san_ip = g_ptr_array_new_with_free_func(g_free);
	certificate->extensions = g_ptr_array_new_with_free_func((GDestroyNotify)ct_extension_free);
	certificate->subject_cn = cn[0] != '\0' ? g_strdup(cn) : NULL;
	if (g_strcmp0(san, "NONE") == 0)
		return certificate;
	certificate->has_san = TRUE;
	entries = g_strsplit(san, "|", -1);
	for (guint i = 0; entries[i] != NULL; i++) {
		if (g_str_has_prefix(entries[i], "DNS:"))
			g_ptr_array_add(certificate->san_dns, g_strdup(entries[i] + 4));
		else if (g_str_has_prefix(entries[i], "IP:"))
			g_ptr_array_add(certificate->san_ip, g_strdup(entries[i] + 3));
	}
	return certificate;
}

/* Microsoft KB258858 (IE), NSS CERT_VerifyCertName (Firefox 3) and RFC 9525 */
ParameterizedTestParameters(hostname, table)
{
	static CtHostCase cases[] = {
	    /* plain names against SAN dNSName */
	    {"ucm.example.com", "DNS:ucm.example.com", "", TRUE, TRUE},
	    {"UCM.EXAMPLE.COM", "DNS:ucm.example.com", "", TRUE, TRUE},
	    {"ucm.example.com", "DNS:UCM.EXAMPLE.COM", "", TRUE, TRUE},
	    {"ucm.example.com.", "DNS:ucm.example.com", "", TRUE, TRUE},
	    {"ucm.example.com..", "DNS:ucm.example.com", "", FALSE, FALSE},
	    {"ucm..example.com", "DNS:ucm.example.com", "", FALSE, FALSE},
	    {"ucm.example.co", "DNS:ucm.example.com", "", FALSE, FALSE},
	    {"example.com", "DNS:ucm.example.com", "", FALSE, FALSE},
	    {"www.ucm.example.com", "DNS:ucm.example.com", "", FALSE, FALSE},
	    {"ucm", "DNS:ucm", "", TRUE, TRUE},
	    {"ucm", "DNS:ucm.example.com", "", FALSE, FALSE},
	    {"localhost", "DNS:localhost", "", TRUE, TRUE},
	    {"under_score.example.com", "DNS:under_score.example.com", "", TRUE, TRUE},
	    {"www.example.com", "DNS:www.example.com.", "", FALSE, FALSE},
	    {"ucm.example.com", "DNS:ucm .example.com", "", FALSE, FALSE},
	    {"ucm.x.com", "DNS:ucm.*.com", "", FALSE, FALSE},
	    {"ucm.example.com", "DNS:ucm.example.com\\x00.evil.com", "", FALSE, FALSE},
	    {"ucm.example.com", "DNS:other.example.com|DNS:ucm.example.com", "", TRUE, TRUE},
	    /* docs/browser-procedures.md: the server's name, localhost, its addresses */
	    {"ucm.example.com", "DNS:ucm.example.com|IP:10.1.1.5", "ucm.example.com", TRUE, TRUE},
	    {"localhost", "DNS:ucm.example.com|IP:10.1.1.5", "ucm.example.com", FALSE, FALSE},
	    {"127.0.0.1", "DNS:ucm.example.com|IP:10.1.1.5", "ucm.example.com", FALSE, FALSE},
	    {"::1", "DNS:ucm.example.com|IP:10.1.1.5", "ucm.example.com", FALSE, FALSE},
	    {"10.1.1.5", "DNS:ucm.example.com|IP:10.1.1.5", "ucm.example.com", TRUE, TRUE},
	    {"localhost", "NONE", "ucm.example.com", FALSE, FALSE},
	    {"127.0.0.1", "NONE", "ucm.example.com", FALSE, FALSE},
	    /* IP addresses: bytes against iPAddress entries only */
	    {"127.0.0.1", "DNS:ucm.example.com|IP:127.0.0.1", "", TRUE, TRUE},
	    {"127.1", "IP:127.0.0.1", "", TRUE, TRUE},
	    {"0x7f.0.0.1", "IP:127.0.0.1", "", TRUE, TRUE},
	    {"0177.0.0.1", "IP:127.0.0.1", "", TRUE, TRUE},
	    {"2130706433", "IP:127.0.0.1", "", TRUE, TRUE},
	    {"127.0.0.2", "IP:127.0.0.1", "", FALSE, FALSE},
	    {"256.0.0.1", "DNS:256.0.0.1", "", FALSE, FALSE},
	    {"1.2.3.4.5", "DNS:1.2.3.4.5", "", FALSE, FALSE},
	    {"::1", "IP:::1", "", TRUE, TRUE},
	    {"[::1]", "IP:::1", "", TRUE, TRUE},
	    {"0:0:0:0:0:0:0:1", "IP:::1", "", TRUE, TRUE},
	    {"::1", "IP:127.0.0.1", "", FALSE, FALSE},
	    {"::ffff:127.0.0.1", "IP:127.0.0.1", "", FALSE, FALSE},
	    {"fe80::1%eth0", "IP:fe80::1", "", FALSE, FALSE},
	    {"127.0.0.1", "DNS:127.0.0.1", "", FALSE, FALSE},
	    {"10.0.0.1", "DNS:ucm.example.com", "", FALSE, FALSE},
	    {"127.0.0.1", "", "127.0.0.1", FALSE, FALSE},
	    /* no subjectAltName: only the legacy rules fall back to the CN */
	    {"ucm.example.com", "NONE", "ucm.example.com", FALSE, TRUE},
	    {"UCM.example.com", "NONE", "ucm.example.com", FALSE, TRUE},
	    {"ucm.example.com.", "NONE", "ucm.example.com", FALSE, TRUE},
	    {"www.example.com", "NONE", "ucm.example.com", FALSE, FALSE},
	    {"ucm.example.com", "NONE", "", FALSE, FALSE},
	    {"127.0.0.1", "NONE", "127.0.0.1", FALSE, TRUE},
	    {"::1", "NONE", "::1", FALSE, TRUE},
	    {"www.example.com", "NONE", "*.example.com", FALSE, TRUE},
	    {"www.example.com", "NONE", "w*.example.com", FALSE, TRUE},
	    {"127.0.0.1", "NONE", "www.example.com", FALSE, FALSE},
	    /* a SAN extension hides the CN from every browser, old ones too */
	    {"ucm.example.com", "DNS:other.example.com", "ucm.example.com", FALSE, FALSE},
	    {"ucm.example.com", "IP:127.0.0.1", "ucm.example.com", FALSE, FALSE},
	    {"ucm.example.com", "", "ucm.example.com", FALSE, FALSE},
	    /* wildcards: the whole left-most label, one label */
	    {"www.example.com", "DNS:*.example.com", "", TRUE, TRUE},
	    {"WWW.EXAMPLE.COM", "DNS:*.example.com", "", TRUE, TRUE},
	    {"www.example.com", "DNS:*.EXAMPLE.com", "", TRUE, TRUE},
	    {"example.com", "DNS:*.example.com", "", FALSE, FALSE},
	    {"a.b.example.com", "DNS:*.example.com", "", FALSE, FALSE},
	    {"www.abc.com", "DNS:*.abc.com", "", TRUE, TRUE},
	    {"www.example.abc.com", "DNS:*.abc.com", "", FALSE, FALSE},
	    {"a.b.c", "DNS:*.b.c", "", TRUE, TRUE},
	    {"b.c.", "DNS:*.b.c", "", FALSE, FALSE},
	    {"a.ucm", "DNS:*.ucm", "", FALSE, FALSE},
	    {"www.example.com", "DNS:*.example.com.", "", FALSE, FALSE},
	    /* KB258858's table: IE accepted a prefix before '*' in the first label */
	    {"www.example.com", "DNS:w*.example.com", "", FALSE, TRUE},
	    {"www.example.com", "DNS:ww*.example.com", "", FALSE, TRUE},
	    {"w.example.com", "DNS:w*.example.com", "", FALSE, TRUE},
	    {"xyz.example.com", "DNS:w*.example.com", "", FALSE, FALSE},
	    {"www.example.com", "DNS:*www.example.com", "", FALSE, FALSE},
	    {"www.example.com", "DNS:w*w.example.com", "", FALSE, FALSE},
	    {"www.example.com", "DNS:www.e*ample.com", "", FALSE, FALSE},
	    {"www.example.com", "DNS:www.*.com", "", FALSE, FALSE},
	    {"example.com", "DNS:*.com", "", FALSE, FALSE},
	    {"foo.com", "DNS:*.com", "", FALSE, FALSE},
	    {"a.b", "DNS:*.*", "", FALSE, FALSE},
	    {"example", "DNS:*", "", FALSE, FALSE},
	    {"ab.dc.example.com", "DNS:a*.d*.example.com", "", FALSE, FALSE},
	    {"www.example.com.au", "DNS:*.*.com.au", "", FALSE, FALSE},
	    {"www.example.com.au", "DNS:www.*.com.au", "", FALSE, FALSE},
	    /* internationalized names compare as A-labels */
	    {"xn--bcher-kva.example.com", "DNS:xn--bcher-kva.example.com", "", TRUE, TRUE},
	    {"XN--BCHER-KVA.example.com", "DNS:xn--bcher-kva.example.com", "", TRUE, TRUE},
	    {"b\xc3\xbc"
	     "cher.example.com",
	     "DNS:xn--bcher-kva.example.com", "", TRUE, TRUE},
	    {"b\xc3\xbc"
	     "cher.example.com",
	     "DNS:b\xc3\xbc"
	     "cher.example.com",
	     "", FALSE, FALSE},
	    /* a whole-label wildcard covers an A-label: Firefox ESR 153 and Chromium 156 load
	     * it (tests/test-cli-browser.c measures it); a partial one never does */
	    {"xn--bcher-kva.example.com", "DNS:*.example.com", "", TRUE, TRUE},
	    {"xn--bcher-kva.example.com", "DNS:x*.example.com", "", FALSE, FALSE},
	    /* x509-limbo's webpki::san name cases (the peer suite's expectations) */
	    {"example2.com", "DNS:example.com", "", FALSE, FALSE},
	    {"def.example.com", "DNS:abc.example.com", "", FALSE, FALSE},
	    {"abc.example.com", "DNS:example.com", "", FALSE, FALSE},
	    {"example.com", "DNS:abc.example.com", "", FALSE, FALSE},
	    {"foo.example.com", "DNS:*.example.com", "", TRUE, TRUE},
	    {"baz.example.com", "DNS:ba*.example.com", "", FALSE, TRUE},
	    {"foo.bar.example.com", "DNS:foo.*.example.com", "", FALSE, FALSE},
	    {"foo.bar.example.com", "DNS:*.example.com", "", FALSE, FALSE},
	    {"xn--bliss-1b3c148a.example.com", "DNS:xn--*-1b3c148a.example.com", "", FALSE, FALSE},
	    {"xn--628h.example.com",
	     "DNS:\xf0\x9f\x98\x9c"
	     ".example.com",
	     "", FALSE, FALSE},
	    {"example.com", "NONE", "example.com", FALSE, TRUE},
	    /* names no browser would send */
	    {"", "DNS:ucm.example.com", "", FALSE, FALSE},
	    {"exa mple.com", "DNS:exa mple.com", "", FALSE, FALSE},
	    {"*.example.com", "DNS:*.example.com", "", FALSE, FALSE},
	    {"a\x1b[31m.example.com", "DNS:*.example.com", "", FALSE, FALSE},
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", "DNS:*.com",
	     "", FALSE, FALSE},
	};
	return cr_make_param_array(CtHostCase, cases, G_N_ELEMENTS(cases));
}

ParameterizedTest(CtHostCase *param, hostname, table)
{
	g_autoptr(CtCertificate) certificate = ct_test_certificate_new(param->san, param->cn);
	g_autoptr(CtHostCheck) check = ct_hostname_check(certificate, param->name);

	cr_assert_eq(check->strict.match, param->strict, "strict: %s against SAN %s CN %s: %s",
		     param->name, param->san, param->cn, check->strict.reason);
	cr_assert_eq(check->legacy.match, param->legacy, "legacy: %s against SAN %s CN %s: %s",
		     param->name, param->san, param->cn, check->legacy.reason);
	cr_assert_not_null(check->strict.reason);
	cr_assert_not_null(check->legacy.reason);
	/* whatever a modern browser accepts, an old one accepted too */
	cr_assert(!check->strict.match || check->legacy.match);
	/* none of these names stands under a public suffix: the browsers agree with strict */
	cr_assert_eq(check->firefox.match, check->strict.match, "firefox: %s", param->name);
	cr_assert_eq(check->chromium.match, check->strict.match, "chromium: %s: %s", param->name,
		     check->chromium.reason);
}

/* where the browsers part: Chromium refuses a wildcard whose remainder is a public suffix
 * of the ICANN section (net/cert/x509_certificate.cc), Firefox matches it */
typedef struct {
	gchar name[64];
	gchar san[96];
	gboolean firefox;
	gboolean chromium;
} CtBrowserCase;

ParameterizedTestParameters(hostname, browsers)
{
	static CtBrowserCase cases[] = {
	    {"foo.co.uk", "DNS:*.co.uk", TRUE, FALSE},
	    {"FOO.CO.UK.", "DNS:*.co.uk", TRUE, FALSE},
	    {"foo.com.au", "DNS:*.com.au", TRUE, FALSE},
	    {"foo.ac.jp", "DNS:*.ac.jp", TRUE, FALSE},
	    /* an exact entry beside the wildcard still matches in Chromium */
	    {"foo.co.uk", "DNS:*.co.uk|DNS:foo.co.uk", TRUE, TRUE},
	    {"www.example.co.uk", "DNS:*.example.co.uk", TRUE, TRUE},
	    {"www.example.co.uk", "DNS:*.co.uk", FALSE, FALSE},
	    /* private registries (the list's PRIVATE section) do not count for Chromium */
	    {"app.appspot.com", "DNS:*.appspot.com", TRUE, TRUE},
	    {"user.github.io", "DNS:*.github.io", TRUE, TRUE},
	    {"ucm.corp.internal", "DNS:*.corp.internal", TRUE, TRUE},
	    {"xn--bcher-kva.co.uk", "DNS:*.co.uk", TRUE, FALSE},
	    {"127.0.0.1", "IP:127.0.0.1", TRUE, TRUE},
	    {"foo.co.uk", "DNS:other.co.uk", FALSE, FALSE},
	};
	return cr_make_param_array(CtBrowserCase, cases, G_N_ELEMENTS(cases));
}

ParameterizedTest(CtBrowserCase *param, hostname, browsers)
{
	g_autoptr(CtCertificate) certificate = ct_test_certificate_new(param->san, "");
	g_autoptr(CtHostCheck) check = ct_hostname_check(certificate, param->name);

	cr_assert_eq(check->firefox.match, param->firefox, "firefox: %s against %s: %s",
		     param->name, param->san, check->firefox.reason);
	cr_assert_eq(check->chromium.match, param->chromium, "chromium: %s against %s: %s",
		     param->name, param->san, check->chromium.reason);
	cr_assert_eq(check->strict.match, param->firefox, "strict is what Firefox does");
	cr_assert_eq(ct_host_check_browsers_differ(check), param->firefox != param->chromium);
	if (param->firefox && !param->chromium)
		cr_assert_not_null(strstr(check->chromium.reason, "public suffix"), "%s",
				   check->chromium.reason);
}

/* the rule reads the ICANN section of Debian's list (publicsuffix), not the PRIVATE one:
 * checked against the list file itself, which nobody on the team wrote */
Test(hostname, chromium_rule_follows_the_sections_of_the_public_suffix_list)
{
	const gchar *path = "/usr/share/publicsuffix/public_suffix_list.dat";
	g_autofree gchar *text = NULL;
	const gchar *icann[] = {"co.uk", "com.au"};
	const gchar *private_rules[] = {"appspot.com", "github.io"};
	const gchar *private_start;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		cr_skip_test("%s is missing (Debian: publicsuffix)", path);
	private_start = strstr(text, "===BEGIN PRIVATE DOMAINS===");
	cr_assert_not_null(private_start);
	for (guint i = 0; i < G_N_ELEMENTS(icann); i++) {
		g_autofree gchar *line = g_strdup_printf("\n%s\n", icann[i]);
		g_autofree gchar *san = g_strdup_printf("DNS:*.%s", icann[i]);
		g_autofree gchar *name = g_strdup_printf("host.%s", icann[i]);
		const gchar *at = strstr(text, line);
		g_autoptr(CtCertificate) cert = ct_test_certificate_new(san, "");
		g_autoptr(CtHostCheck) check = ct_hostname_check(cert, name);
		cr_assert(at != NULL && at < private_start, "%s is not an ICANN rule", icann[i]);
		cr_assert(!check->chromium.match, "%s", name);
	}
	for (guint i = 0; i < G_N_ELEMENTS(private_rules); i++) {
		g_autofree gchar *line = g_strdup_printf("\n%s\n", private_rules[i]);
		g_autofree gchar *san = g_strdup_printf("DNS:*.%s", private_rules[i]);
		g_autofree gchar *name = g_strdup_printf("host.%s", private_rules[i]);
		const gchar *at = strstr(private_start, line);
		g_autoptr(CtCertificate) cert = ct_test_certificate_new(san, "");
		g_autoptr(CtHostCheck) check = ct_hostname_check(cert, name);
		cr_assert_not_null(at, "%s is not a PRIVATE rule", private_rules[i]);
		cr_assert(check->chromium.match, "%s: %s", name, check->chromium.reason);
	}
}

TestSuite(hostname, .timeout = 30);

Test(hostname, reasons_name_the_entry_that_matched)
{
	g_autoptr(CtCertificate) certificate = ct_test_certificate_new("DNS:*.example.com", "x");
	g_autoptr(CtHostCheck) check = ct_hostname_check(certificate, "www.example.com");

	cr_assert_not_null(strstr(check->strict.reason, "*.example.com"), "%s",
			   check->strict.reason);
	cr_assert_not_null(strstr(check->strict.reason, "wildcard"), "%s", check->strict.reason);
}

Test(hostname, strict_reason_says_the_cn_is_never_used)
{
	g_autoptr(CtCertificate) certificate = ct_test_certificate_new("NONE", "ucm.example.com");
	g_autoptr(CtHostCheck) check = ct_hostname_check(certificate, "ucm.example.com");

	cr_assert_not_null(strstr(check->strict.reason, "no subjectAltName"), "%s",
			   check->strict.reason);
	cr_assert_not_null(strstr(check->legacy.reason, "CN"), "%s", check->legacy.reason);
}

Test(hostname, reference_is_normalized)
{
	g_autoptr(CtCertificate) certificate = ct_test_certificate_new("NONE", "");
	g_autoptr(CtHostCheck) idn = ct_hostname_check(certificate, "B\xc3\x9c"
								    "CHER.Example.COM.");
	g_autoptr(CtHostCheck) ip = ct_hostname_check(certificate, "0x7f.1");
	g_autoptr(CtHostCheck) v6 = ct_hostname_check(certificate, "[0:0::1]");

	cr_assert_str_eq(idn->reference, "xn--bcher-kva.example.com");
	cr_assert_not(idn->is_ip);
	cr_assert_str_eq(ip->reference, "127.0.0.1");
	cr_assert(ip->is_ip);
	cr_assert_str_eq(v6->reference, "::1");
}

Test(hostname, ten_thousand_character_name_gets_a_clear_verdict)
{
	g_autofree gchar *name = g_strnfill(10000, 'a');
	g_autoptr(CtCertificate) certificate = ct_test_certificate_new("DNS:*.example.com", name);
	g_autoptr(CtHostCheck) check = ct_hostname_check(certificate, name);

	cr_assert_not(check->strict.match);
	cr_assert_not(check->legacy.match);
	cr_assert_not_null(strstr(check->strict.reason, "253"), "%s", check->strict.reason);
}

Test(hostname, ten_thousand_san_entries_are_all_read)
{
	g_autoptr(CtCertificate) certificate = ct_test_certificate_new("", "");
	g_autoptr(CtHostCheck) hit = NULL;
	g_autoptr(CtHostCheck) miss = NULL;

	for (guint i = 0; i < 10000; i++)
		g_ptr_array_add(certificate->san_dns, g_strdup_printf("host%u.example.com", i));
	hit = ct_hostname_check(certificate, "host9999.example.com");
	miss = ct_hostname_check(certificate, "host10000.example.com");
	cr_assert(hit->strict.match);
	cr_assert_not(miss->strict.match);
	/* the reason lists a few entries, not ten thousand */
	cr_assert_lt(strlen(miss->strict.reason), 1000);
	cr_assert_not_null(strstr(miss->strict.reason, "more"), "%s", miss->strict.reason);
}

Test(hostname, longest_valid_name_matches)
{
	/* 3 labels of 63, one of 61: 253 characters */
	g_autofree gchar *a = g_strnfill(63, 'a');
	g_autofree gchar *d = g_strnfill(61, 'd');
	g_autofree gchar *name = g_strjoin(".", a, a, a, d, NULL);
	g_autofree gchar *san = g_strconcat("DNS:", name, NULL);
	g_autoptr(CtCertificate) certificate = ct_test_certificate_new(san, "");
	g_autoptr(CtHostCheck) check = ct_hostname_check(certificate, name);

	cr_assert_eq(strlen(name), 253);
	cr_assert(check->strict.match, "%s", check->strict.reason);
}

Test(hostname, policy_names_round_trip)
{
	CtHostnamePolicy policy = CT_HOSTNAME_POLICY_STRICT;
	g_autoptr(GError) error = NULL;

	cr_assert(ct_hostname_policy_from_string("legacy", &policy, NULL));
	cr_assert_eq(policy, CT_HOSTNAME_POLICY_LEGACY);
	cr_assert_str_eq(ct_hostname_policy_to_string(policy), "legacy");
	cr_assert_not(ct_hostname_policy_from_string("lenient", &policy, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS));
}

/* openssl x509 -checkhost/-checkip: strict-like on certificates with a SAN */
typedef struct {
	gchar file[32];
	gchar name[48];
} CtOpensslCase;

ParameterizedTestParameters(hostname, strict_agrees_with_openssl)
{
	static CtOpensslCase cases[] = {
	    {"leaf.pem", "ucm.example.com"},
	    {"leaf.pem", "UCM.EXAMPLE.COM"},
	    {"leaf.pem", "ucm"},
	    {"leaf.pem", "www.ucm.example.com"},
	    {"leaf.pem", "localhost"},
	    {"leaf.pem", "example.com"},
	    {"leaf.pem", "127.0.0.1"},
	    {"leaf.pem", "::1"},
	    {"leaf.pem", "10.0.0.1"},
	    {"wildcard.pem", "www.example.com"},
	    {"wildcard.pem", "example.com"},
	    {"wildcard.pem", "a.b.example.com"},
	    {"wildcard.pem", "WWW.EXAMPLE.COM"},
	    {"tomcat.pem", "ucm.example.com"},
	    {"tomcat.pem", "127.0.0.1"},
	    {"tomcat.pem", "ucm.example.org"},
	};
	return cr_make_param_array(CtOpensslCase, cases, G_N_ELEMENTS(cases));
}

ParameterizedTest(CtOpensslCase *param, hostname, strict_agrees_with_openssl)
{
	g_autoptr(CtChain) chain = ct_test_load_chain(param->file);
	g_autoptr(CtHostCheck) check = ct_hostname_check(ct_chain_get_leaf(chain), param->name);
	g_autofree gchar *path = ct_test_data_path(param->file);
	g_autofree gchar *cmd = g_strdup_printf("openssl x509 -in '%s' -noout %s '%s'", path,
						check->is_ip ? "-checkip" : "-checkhost",
						param->name);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	gboolean openssl_match = strstr(run->out, "does match") != NULL;

	cr_assert(openssl_match || strstr(run->out, "does NOT match") != NULL, "%s: %s", cmd,
		  run->out);
	cr_assert_eq(check->strict.match, openssl_match, "%s: openssl says %s, strict says %s",
		     param->name, run->out, check->strict.reason);
}

/* the one form of a host kept everywhere: each spelling, and what it becomes */
Test(hostname, canonical_form_of_every_spelling)
{
	const gchar *cases[][2] = {
	    {"bücher.example", "xn--bcher-kva.example"},
	    {"BÜCHER.Example.", "xn--bcher-kva.example"},
	    {"XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example"},
	    {"UCM.Example.COM.", "ucm.example.com"},
	    {"[0:0:0:0:0:0:0:1]", "::1"},
	    {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
	    {"127.0.0.1", "127.0.0.1"},
	    {"127.1", "127.0.0.1"},
	    /* a trailing dot after a number: what Node's WHATWG URL parser makes of it */
	    {"127.", "0.0.0.127"},
	    {"127.0.0.1.", "127.0.0.1"},
	    {"0x7f.1.", "127.0.0.1"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *canonical = ct_hostname_canonical(cases[i][0], &error);
		g_autofree gchar *again = NULL;
		cr_assert_not_null(canonical, "%s: %s", cases[i][0],
				   error != NULL ? error->message : "");
		cr_assert_str_eq(canonical, cases[i][1], "%s", cases[i][0]);
		/* one form: the canonical form is its own canonical form (the ledger's round trip)
		 */
		again = ct_hostname_canonical(canonical, NULL);
		cr_assert_str_eq(again, canonical, "%s", cases[i][0]);
	}
}

/* what cannot be a host is an error saying so, never a form that matches nothing */
Test(hostname, canonical_form_refuses_what_is_no_host)
{
	const gchar *cases[] =
	    {"",      ".",	     "a..example",    "bü cher.example", "[example.com]", "[::1",
	     "1:2:3", "example.999", "*.example.com", "a.example..",	 "example.999."};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *canonical = ct_hostname_canonical(cases[i], &error);
		cr_assert_null(canonical, "%s became %s", cases[i], canonical);
		cr_assert_not_null(error, "%s", cases[i]);
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s", cases[i]);
	}
}
