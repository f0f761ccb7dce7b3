/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "ct-test.h"

/* `certtrust serve` as the target of `certtrust fetch`: every profile provokes what it
 * should, the chain fetched is the chain served, and openssl sees the same */

static gchar *tmpdir = NULL;

static void
serve_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
}

static void
serve_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(serve, .init = serve_setup, .fini = serve_teardown, .timeout = 60);

static gchar *
serve_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

/* certtrust fetch https://ucm.example.com:PORT/ with --resolve to the server */
static CtTestRun *
serve_fetch(CtTestServer *server,
	    const gchar *name,
	    const gchar *extra1,
	    const gchar *extra2,
	    const gchar *extra3,
	    const gchar *extra4)
{
	g_autofree gchar *url = g_strdup_printf("https://%s:%u/ccmadmin", name, server->https_port);
	g_autofree gchar *rule = g_strdup_printf("%s:%u:127.0.0.1", name, server->https_port);
	const gchar *argv[] = {"certtrust", "fetch", url,    "--resolve", rule,
			       extra1,	    extra2,  extra3, extra4,	  NULL};
	return ct_test_run(argv, NULL);
}

static gchar *
serve_problems(const gchar *json)
{
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(json);
	JsonArray *problems = json_object_get_array_member(json_node_get_object(root), "problems");
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < json_array_get_length(problems); i++)
		g_string_append_printf(out, "%s%s", i > 0 ? "," : "",
				       json_array_get_string_element(problems, i));
	return g_string_free(out, FALSE);
}

typedef struct {
	gchar profile[24];
	gchar name[32];
	gchar problems[64];
} ServeCase;

ParameterizedTestParameters(serve, fetch_reports_what_the_profile_provokes)
{
	static ServeCase cases[] = {
	    {"tomcat", "ucm.example.com", "unknown-ca"},
	    {"tomcat", "127.0.0.1", "unknown-ca,bad-identity"},
	    {"leaf", "ucm.example.com", "unknown-ca"},
	    {"chain", "ucm.example.com", "unknown-ca"},
	    {"expired", "ucm.example.com", "unknown-ca,expired"},
	    {"not-yet-valid", "ucm.example.com", "unknown-ca,not-activated"},
	    {"wrong-name", "ucm.example.com", "unknown-ca,bad-identity"},
	    {"cn-only", "ucm.example.com", "unknown-ca,bad-identity"},
	    {"wildcard", "ucm.example.com", "unknown-ca"},
	    {"wildcard", "example.com", "unknown-ca,bad-identity"},
	    {"ip-san", "127.0.0.1", "unknown-ca"},
	    {"ip-san", "ucm.example.com", "unknown-ca,bad-identity"},
	    {"ca-leaf", "ucm.example.com", "unknown-ca"},
	    {"v1", "ucm.example.com", "unknown-ca,bad-identity"},
	};
	return cr_make_param_array(ServeCase, cases, G_N_ELEMENTS(cases));
}

ParameterizedTest(ServeCase *param, serve, fetch_reports_what_the_profile_provokes)
{
	g_autofree gchar *dir = serve_path("certs");
	CtTestServer *server = ct_test_server_start(param->profile, dir, NULL);
	g_autoptr(CtTestRun) run = NULL;
	g_autofree gchar *problems = NULL;

	if (g_hostname_is_ip_address(param->name)) {
		g_autofree gchar *url = g_strdup_printf("https://%s:%u/", param->name,
							server->https_port);
		const gchar *argv[] = {"certtrust", "fetch", url, "--json", NULL};
		run = ct_test_run(argv, NULL);
	} else {
		run = serve_fetch(server, param->name, "--json", NULL, NULL, NULL);
	}
	ct_test_server_stop(server);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	problems = serve_problems(run->out);
	cr_assert_str_eq(problems, param->problems, "profile %s as %s", param->profile,
			 param->name);
}

Test(serve, the_page_arrives_with_its_title)
{
	g_autofree gchar *dir = serve_path("certs");
	CtTestServer *server = ct_test_server_start("tomcat", dir, NULL);
	g_autoptr(CtTestRun)
	    run = serve_fetch(server, "ucm.example.com", "--json", NULL, NULL, NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *object;

	ct_test_server_stop(server);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	object = json_node_get_object(root);
	cr_assert_eq(json_object_get_int_member(object, "http_status"), 200);
	cr_assert_str_eq(json_object_get_string_member(object, "page_title"),
			 "Cisco Unified CM Administration");
	cr_assert(g_str_has_prefix(json_object_get_string_member(object, "peer"), "127.0.0.1:"));
}

Test(serve, fetched_chain_equals_the_files_serve_wrote)
{
	g_autofree gchar *dir = serve_path("certs");
	g_autofree gchar *out = serve_path("fetched.pem");
	g_autofree gchar *leaf = g_build_filename(dir, "chain.pem", NULL);
	g_autofree gchar *inter = g_build_filename(dir, "chain-intermediate.pem", NULL);
	CtTestServer *server = ct_test_server_start("chain", dir, NULL);
	g_autoptr(CtTestRun)
	    run = serve_fetch(server, "ucm.example.com", "-o", out, "--format", "pem-chain");
	g_autofree gchar *fetched = NULL;
	g_autofree gchar *a = NULL;
	g_autofree gchar *b = NULL;
	g_autofree gchar *expected = NULL;

	ct_test_server_stop(server);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert(g_file_get_contents(out, &fetched, NULL, NULL));
	cr_assert(g_file_get_contents(leaf, &a, NULL, NULL));
	cr_assert(g_file_get_contents(inter, &b, NULL, NULL));
	expected = g_strconcat(a, b, NULL);
	cr_assert_str_eq(fetched, expected, "the chain served is leaf + intermediate, no root");
}

Test(serve, openssl_s_client_sees_the_same_certificate)
{
	g_autofree gchar *dir = serve_path("certs");
	g_autofree gchar *der = g_build_filename(dir, "tomcat.der", NULL);
	CtTestServer *server = ct_test_server_start("tomcat", dir, NULL);
	g_autofree gchar *cmd = g_strdup_printf(
	    "openssl s_client -connect 127.0.0.1:%u -servername ucm.example.com </dev/null "
	    "2>/dev/null | openssl x509 -noout -fingerprint -sha256",
	    server->https_port);
	g_autofree gchar *ours =
	    g_strdup_printf("openssl x509 -inform DER -in '%s' -noout -fingerprint -sha256", der);
	g_autoptr(CtTestRun) witness = ct_test_run_shell(cmd);
	g_autoptr(CtTestRun) file = ct_test_run_shell(ours);

	ct_test_server_stop(server);
	cr_assert_eq(witness->exit_status, 0, "%s", witness->err);
	cr_assert_str_not_empty(witness->out);
	cr_assert_str_eq(witness->out, file->out);
}

Test(serve, key_is_private_and_certificate_is_reused)
{
	g_autofree gchar *dir = serve_path("certs");
	g_autofree gchar *key = g_build_filename(dir, "tomcat.key", NULL);
	CtTestServer *first = ct_test_server_start("tomcat", dir, NULL);
	g_autofree gchar *sha = g_strdup(json_object_get_string_member(
	    json_array_get_object_element(json_object_get_array_member(json_node_get_object(
									   first->document),
								       "certificates"),
					  0),
	    "sha256"));
	CtTestServer *second = NULL;
	CtTestServer *third = NULL;
	const gchar *regenerate[] = {"--regenerate", NULL};
	struct stat st;

	ct_test_server_stop(first);
	cr_assert_eq(g_stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	cr_assert_eq(g_stat(key, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);

	second = ct_test_server_start("tomcat", dir, NULL);
	cr_assert_not(
	    json_object_get_boolean_member(json_node_get_object(second->document), "generated"));
	cr_assert_str_eq(
	    json_object_get_string_member(
		json_array_get_object_element(json_object_get_array_member(json_node_get_object(
									       second->document),
									   "certificates"),
					      0),
		"sha256"),
	    sha);
	ct_test_server_stop(second);

	/* the upgrade: a new certificate, as UCM regenerates its Tomcat certificate */
	third = ct_test_server_start("tomcat", dir, regenerate);
	cr_assert(
	    json_object_get_boolean_member(json_node_get_object(third->document), "generated"));
	cr_assert_str_neq(
	    json_object_get_string_member(
		json_array_get_object_element(json_object_get_array_member(json_node_get_object(
									       third->document),
									   "certificates"),
					      0),
		"sha256"),
	    sha);
	ct_test_server_stop(third);
}

Test(serve, applications_answer_and_soap_refuses_plain_http)
{
	g_autofree gchar *dir = serve_path("certs");
	CtTestServer *server = ct_test_server_start("tomcat", dir, NULL);
	g_autofree gchar *https = g_strdup_printf(
	    "curl -sk -o /dev/null -w '%%{http_code}' -X POST https://127.0.0.1:%u/axl/",
	    server->https_port);
	g_autofree gchar *http = g_strdup_printf(
	    "curl -s -o /dev/null -w '%%{http_code}' -X POST http://127.0.0.1:%u/axl/",
	    server->http_port);
	g_autofree gchar *apps = g_strdup_printf(
	    "for p in ccmadmin ccmservice cmplatform cmuser ast RTMTReports PktCap art taps dna "
	    "drf; do curl -sk https://127.0.0.1:%u/$p | grep -c '<title>' ; done | sort -u",
	    server->https_port);
	g_autoptr(CtTestRun) soap_https = ct_test_run_shell(https);
	g_autoptr(CtTestRun) soap_http = ct_test_run_shell(http);
	g_autoptr(CtTestRun) pages = ct_test_run_shell(apps);

	ct_test_server_stop(server);
	cr_assert_str_eq(soap_https->out, "200");
	cr_assert_str_eq(soap_http->out, "403");
	cr_assert_str_eq(pages->out, "1\n", "every application page has a title");
}

/* the date openssl reads in a certificate: "2049-12-31 23:59:00Z" */
static gchar *
serve_openssl_date(const gchar *der, const gchar *option)
{
	g_autofree gchar *cmd =
	    g_strdup_printf("openssl x509 -inform DER -in '%s' -noout -dateopt iso_8601 %s", der,
			    option);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	const gchar *eq = strchr(run->out, '=');

	cr_assert_eq(run->exit_status, 0, "%s: %s", cmd, run->err);
	cr_assert_not_null(eq, "%s", run->out);
	return g_strstrip(g_strdup(eq + 1));
}

/* RFC 5280 4.1.2.5: UTCTime (YYMMDDHHMMSSZ) through 2049, GeneralizedTime from 2050 on */
static void
serve_assert_time_encoding(const gchar *der)
{
	g_autofree gchar *cmd = g_strdup_printf(
	    "openssl asn1parse -inform DER -in '%s' | grep -oE '(UTC|GENERALIZED)TIME *:[0-9]+Z' "
	    "| head -n 2 | tr -d ' '",
	    der);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	g_auto(GStrv) times = g_strsplit(g_strstrip(run->out), "\n", -1);

	cr_assert_eq(g_strv_length(times), 2, "%s: %s", der, run->out);
	for (guint i = 0; i < 2; i++) {
		const gchar *value = strchr(times[i], ':') + 1;
		if (g_str_has_prefix(times[i], "UTCTIME")) {
			cr_assert_eq(strlen(value), 13, "%s", times[i]);
			cr_assert_lt(g_ascii_strtoull(value, NULL, 10) / 10000000000ULL, 50,
				     "a year from 2050 on written as UTCTime: %s", times[i]);
		} else {
			cr_assert_eq(strlen(value), 15, "%s", times[i]);
			cr_assert_geq(g_ascii_strtoull(value, NULL, 10) / 10000000000ULL, 2050,
				      "a year before 2050 written as GeneralizedTime: %s",
				      times[i]);
		}
	}
}

/* on whatever day it runs (tests/faketime/run moves the clock up to 2049 -> 2050): serve's
 * certificates are valid, expired or not yet valid as their profile says, openssl reads the
 * dates certtrust shows, and each date is in the encoding RFC 5280 wants for its year */
Test(serve, certificate_dates_hold_on_any_day)
{
	const gchar *profiles[] = {"tomcat", "expired", "not-yet-valid", "chain"};

	for (guint i = 0; i < G_N_ELEMENTS(profiles); i++) {
		g_autofree gchar *dir = serve_path(profiles[i]);
		g_autofree gchar *file = g_strdup_printf("%s.der", profiles[i]);
		g_autofree gchar *der = g_build_filename(dir, file, NULL);
		CtTestServer *server = ct_test_server_start(profiles[i], dir, NULL);
		const gchar *argv[] = {"certtrust", "show", der, "--json", NULL};
		g_autoptr(CtTestRun) show = NULL;
		g_autoptr(JsonNode) root = NULL;
		g_autofree gchar *start = NULL;
		g_autofree gchar *end = NULL;
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();
		g_autofree gchar *today = g_date_time_format(now, "%Y-%m-%d %H:%M:%SZ");
		g_autofree gchar *ours_start = NULL;
		g_autofree gchar *ours_end = NULL;
		JsonObject *leaf;

		ct_test_server_stop(server);
		show = ct_test_run(argv, NULL);
		cr_assert_eq(show->exit_status, 0, "%s", show->err);
		root = ct_test_parse_one_json_document(show->out);
		leaf =
		    json_array_get_object_element(json_object_get_array_member(json_node_get_object(
										   root),
									       "certificates"),
						  0);
		ours_start = g_strdup(json_object_get_string_member(leaf, "not_before"));
		ours_end = g_strdup(json_object_get_string_member(leaf, "not_after"));
		g_strdelimit(ours_start, "T", ' ');
		g_strdelimit(ours_end, "T", ' ');
		start = serve_openssl_date(der, "-startdate");
		end = serve_openssl_date(der, "-enddate");
		cr_assert_str_eq(ours_start, start, "%s", profiles[i]);
		cr_assert_str_eq(ours_end, end, "%s", profiles[i]);
		serve_assert_time_encoding(der);
		/* ISO dates of one width compare as strings */
		if (g_str_equal(profiles[i], "expired"))
			cr_assert_lt(strcmp(end, today), 0, "%s ends %s, now %s", profiles[i], end,
				     today);
		else if (g_str_equal(profiles[i], "not-yet-valid"))
			cr_assert_gt(strcmp(start, today), 0, "%s starts %s, now %s", profiles[i],
				     start, today);
		else
			cr_assert(strcmp(start, today) <= 0 && strcmp(today, end) < 0,
				  "%s is valid %s to %s, now %s", profiles[i], start, end, today);
	}
}
