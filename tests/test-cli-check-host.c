/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include "ct-test.h"

/* `certtrust check-host`: both verdicts, exit statuses and the --json document */

static CtTestRun *
check_host(const gchar *file, const gchar *name, const gchar *extra, const gchar *extra2)
{
	g_autofree gchar *path = ct_test_data_path(file);
	const gchar *argv[] = {"certtrust", "check-host", path,	  "--name",
			       name,	    extra,	  extra2, NULL};
	return ct_test_run(argv, NULL);
}

TestSuite(check_host, .timeout = 30);

Test(check_host, match_exits_0_and_shows_both_verdicts)
{
	g_autoptr(CtTestRun) run = check_host("leaf.pem", "ucm.example.com", NULL, NULL);

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert_not_null(strstr(run->out, "strict"));
	cr_assert_not_null(strstr(run->out, "legacy"));
	cr_assert_not_null(strstr(run->out, "SAN dNSName ucm.example.com"), "%s", run->out);
}

Test(check_host, localhost_against_the_server_name_exits_4)
{
	g_autoptr(CtTestRun) run = check_host("leaf.pem", "localhost", NULL, NULL);

	cr_assert_eq(run->exit_status, 4, "%s", run->err);
	cr_assert_not_null(strstr(run->out, "MISMATCH"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "DNS:ucm.example.com"), "%s", run->out);
}

Test(check_host, cn_only_certificate_splits_strict_and_legacy)
{
	g_autoptr(CtTestRun) run = check_host("cn-only.pem", "ucm.example.com", "--json", NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *object;

	/* the exit status follows the strict rules unless --policy says otherwise */
	cr_assert_eq(run->exit_status, 4, "%s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	object = json_node_get_object(root);
	cr_assert_str_eq(json_object_get_string_member(object, "name"), "ucm.example.com");
	cr_assert_not(
	    json_object_get_boolean_member(json_object_get_object_member(object, "strict"),
					   "match"));
	cr_assert(json_object_get_boolean_member(json_object_get_object_member(object, "legacy"),
						 "match"));
	cr_assert_not_null(
	    json_object_get_string_member(json_object_get_object_member(object, "strict"),
					  "reason"));
}

Test(check_host, legacy_policy_decides_the_exit_status)
{
	g_autoptr(CtTestRun)
	    run = check_host("cn-only.pem", "ucm.example.com", "--policy", "legacy");

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert_not_null(strstr(run->out, "legacy"), "%s", run->out);
	cr_assert_null(strstr(run->out, "strict"), "one policy asked, one shown: %s", run->out);
}

Test(check_host, ip_addresses_match_ip_entries)
{
	g_autoptr(CtTestRun) v4 = check_host("leaf.pem", "127.0.0.1", NULL, NULL);
	g_autoptr(CtTestRun) v6 = check_host("leaf.pem", "::1", NULL, NULL);
	g_autoptr(CtTestRun) other = check_host("leaf.pem", "127.0.0.2", NULL, NULL);

	cr_assert_eq(v4->exit_status, 0, "%s", v4->out);
	cr_assert_eq(v6->exit_status, 0, "%s", v6->out);
	cr_assert_eq(other->exit_status, 4, "%s", other->out);
}

Test(check_host, several_names_give_results_and_fail_if_one_fails)
{
	g_autofree gchar *path = ct_test_data_path("leaf.pem");
	const gchar *argv[] = {"certtrust", "check-host", path,	    "--name", "ucm",
			       "--name",    "localhost",  "--json", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonArray *results;

	cr_assert_eq(run->exit_status, 4);
	root = ct_test_parse_one_json_document(run->out);
	results = json_object_get_array_member(json_node_get_object(root), "results");
	cr_assert_eq(json_array_get_length(results), 2);
}

Test(check_host, missing_name_is_a_usage_error)
{
	g_autofree gchar *path = ct_test_data_path("leaf.pem");
	const gchar *argv[] = {"certtrust", "check-host", path, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	cr_assert_eq(run->exit_status, 2);
}

Test(check_host, unknown_policy_is_a_usage_error)
{
	g_autoptr(CtTestRun) run = check_host("leaf.pem", "ucm", "--policy", "lenient");
	cr_assert_eq(run->exit_status, 2);
}

Test(check_host, hostile_name_is_escaped_and_judged)
{
	g_autofree gchar *name = g_strconcat("evil\x1b[31m", g_strnfill(10000, 'a'), NULL);
	g_autoptr(CtTestRun) run = check_host("leaf.pem", name, NULL, NULL);

	cr_assert_eq(run->exit_status, 4);
	cr_assert_null(strchr(run->out, '\x1b'), "raw ESC on stdout");
	cr_assert_not_null(strstr(run->out, "not a valid host name"), "%s", run->out);
}

Test(check_host, every_certificate_show_reads_gets_both_verdicts)
{
	const gchar *files[] = {"leaf.der", "chain.p7b", "tomcat.pem",	"ca-leaf.pem",
				"v1.pem",   "ec.pem",	 "hostile.pem", "wildcard.pem"};

	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autoptr(CtTestRun) run = check_host(files[i], "ucm.example.com", "--json", NULL);
		g_autoptr(JsonNode) root = NULL;
		cr_assert(run->exit_status == 0 || run->exit_status == 4, "%s: %d %s", files[i],
			  run->exit_status, run->err);
		root = ct_test_parse_one_json_document(run->out);
		cr_assert(json_object_has_member(json_node_get_object(root), "strict"));
		cr_assert(json_object_has_member(json_node_get_object(root), "legacy"));
	}
}

/* where Firefox and Chromium part (a wildcard over a public suffix),
 * both verdicts are shown and each can decide the exit status; the real browsers agree
 * (tests/test-cli-browser.c, public_suffix_wildcard_...) */
static gboolean
check_host_json_match(JsonObject *object, const gchar *member)
{
	cr_assert(json_object_has_member(object, member), "no \"%s\"", member);
	return json_object_get_boolean_member(json_object_get_object_member(object, member),
					      "match");
}

Test(check_host, public_suffix_wildcard_gives_firefox_and_chromium_their_own_verdicts)
{
	g_autoptr(CtTestRun) json = check_host("public-suffix.pem", "foo.co.uk", "--json", NULL);
	g_autoptr(CtTestRun) text = check_host("public-suffix.pem", "foo.co.uk", NULL, NULL);
	g_autoptr(CtTestRun)
	    firefox = check_host("public-suffix.pem", "foo.co.uk", "--policy", "firefox");
	g_autoptr(CtTestRun)
	    chromium = check_host("public-suffix.pem", "foo.co.uk", "--policy", "chromium");
	g_autoptr(CtTestRun)
	    strict = check_host("public-suffix.pem", "foo.co.uk", "--policy", "strict");
	g_autoptr(JsonNode) root = NULL;
	JsonObject *object;

	/* the default (strict) is RFC 9525, which has no public suffix rule */
	cr_assert_eq(json->exit_status, 0, "%s", json->err);
	root = ct_test_parse_one_json_document(json->out);
	object = json_node_get_object(root);
	cr_assert(check_host_json_match(object, "strict"));
	cr_assert(check_host_json_match(object, "firefox"));
	cr_assert_not(check_host_json_match(object, "chromium"));
	cr_assert_not_null(strstr(json->out, "public suffix"), "%s", json->out);

	/* text: one line per browser where they differ */
	cr_assert_eq(text->exit_status, 0, "%s", text->err);
	cr_assert_not_null(strstr(text->out, "firefox (Firefox ESR):"), "%s", text->out);
	cr_assert_not_null(strstr(text->out, "chromium (Chromium, Chrome):"), "%s", text->out);
	cr_assert_not_null(strstr(text->out, "MISMATCH the wildcard *.co.uk"), "%s", text->out);

	/* strict alone does not claim to speak for Chromium there */
	cr_assert_eq(strict->exit_status, 0, "%s%s", strict->out, strict->err);
	cr_assert_not_null(strstr(strict->out, "strict (RFC 9525):"), "%s", strict->out);
	cr_assert_null(strstr(strict->out, "Chromium"), "%s", strict->out);

	cr_assert_eq(firefox->exit_status, 0, "%s%s", firefox->out, firefox->err);
	cr_assert_eq(chromium->exit_status, 4, "%s%s", chromium->out, chromium->err);
	cr_assert_not_null(strstr(chromium->err, "chromium rules"), "%s", chromium->err);
}

Test(check_host, browsers_that_agree_share_one_strict_line)
{
	g_autoptr(CtTestRun) text = check_host("public-suffix.pem", "www.example.com", NULL, NULL);
	g_autoptr(CtTestRun)
	    json = check_host("public-suffix.pem", "www.example.com", "--json", NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *object;

	cr_assert_eq(text->exit_status, 0, "%s", text->err);
	cr_assert_not_null(strstr(text->out, "strict (Firefox, Chromium, Safari today):"), "%s",
			   text->out);
	cr_assert_null(strstr(text->out, "chromium ("), "%s", text->out);
	root = ct_test_parse_one_json_document(json->out);
	object = json_node_get_object(root);
	cr_assert(check_host_json_match(object, "firefox"));
	cr_assert(check_host_json_match(object, "chromium"));
}
