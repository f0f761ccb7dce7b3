/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include "ct-test.h"

/* `certtrust fetch` against peers that fail: each a one-line error naming the target,
 * exit 5 (2 for usage), within the timeout */

TestSuite(fetch, .timeout = 60);

static CtTestRun *
fetch_run(const gchar *source, const gchar *timeout)
{
	const gchar *argv[] = {"certtrust", "fetch", source, "--timeout", timeout, NULL};
	return ct_test_run(argv, NULL);
}

static void
fetch_assert_one_line_naming(CtTestRun *run, const gchar *target)
{
	const gchar *newline = strchr(run->err, '\n');
	cr_assert_str_empty(run->out, "nothing on stdout: %s", run->out);
	cr_assert_not_null(strstr(run->err, target), "the error names %s: %s", target, run->err);
	cr_assert(newline != NULL && newline[1] == '\0', "one line: %s", run->err);
}

Test(fetch, nothing_listening_is_unreachable)
{
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:%u", ct_test_free_port());
	g_autoptr(CtTestRun) run = fetch_run(target, "5");

	cr_assert_eq(run->exit_status, 5, "%s", run->err);
	fetch_assert_one_line_naming(run, target);
	cr_assert_not_null(strstr(run->err, "refused"), "%s", run->err);
}

Test(fetch, plain_http_port_is_a_tls_failure)
{
	CtTestPeer *peer = ct_test_peer_start("http");
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:%u", peer->port);
	g_autofree gchar *url = g_strdup_printf("https://127.0.0.1:%u/", peer->port);
	g_autoptr(CtTestRun) run = fetch_run(target, "5");
	g_autoptr(CtTestRun) run_url = fetch_run(url, "5");

	ct_test_peer_stop(peer);
	cr_assert_eq(run->exit_status, 5, "%s", run->err);
	fetch_assert_one_line_naming(run, target);
	cr_assert_eq(run_url->exit_status, 5, "%s", run_url->err);
	fetch_assert_one_line_naming(run_url, target);
}

Test(fetch, reset_during_the_handshake_is_a_failure)
{
	CtTestPeer *peer = ct_test_peer_start("reset");
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:%u", peer->port);
	g_autoptr(CtTestRun) run = fetch_run(target, "5");

	ct_test_peer_stop(peer);
	cr_assert_eq(run->exit_status, 5, "%s", run->err);
	fetch_assert_one_line_naming(run, target);
}

Test(fetch, garbage_instead_of_tls_is_a_failure)
{
	CtTestPeer *peer = ct_test_peer_start("garbage");
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:%u", peer->port);
	g_autofree gchar *url = g_strdup_printf("https://127.0.0.1:%u/", peer->port);
	g_autoptr(CtTestRun) run = fetch_run(target, "5");
	g_autoptr(CtTestRun) run_url = fetch_run(url, "5");

	ct_test_peer_stop(peer);
	cr_assert_eq(run->exit_status, 5, "%s", run->err);
	fetch_assert_one_line_naming(run, target);
	cr_assert_eq(run_url->exit_status, 5, "%s", run_url->err);
}

Test(fetch, silent_server_times_out_on_time)
{
	CtTestPeer *peer = ct_test_peer_start("silent");
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:%u", peer->port);
	g_autofree gchar *url = g_strdup_printf("https://127.0.0.1:%u/", peer->port);
	gint64 start = g_get_monotonic_time();
	g_autoptr(CtTestRun) run = fetch_run(target, "2");
	gint64 elapsed = g_get_monotonic_time() - start;
	g_autoptr(CtTestRun) run_url = NULL;

	cr_assert_eq(run->exit_status, 5, "%s", run->err);
	fetch_assert_one_line_naming(run, target);
	cr_assert_not_null(strstr(run->err, "2 s"), "%s", run->err);
	cr_assert_lt(elapsed, 6 * G_USEC_PER_SEC, "took %" G_GINT64_FORMAT " us", elapsed);

	start = g_get_monotonic_time();
	run_url = fetch_run(url, "2");
	elapsed = g_get_monotonic_time() - start;
	ct_test_peer_stop(peer);
	cr_assert_eq(run_url->exit_status, 5, "%s", run_url->err);
	cr_assert_lt(elapsed, 6 * G_USEC_PER_SEC, "took %" G_GINT64_FORMAT " us", elapsed);
}

Test(fetch, unresolvable_name_is_unreachable)
{
	g_autoptr(CtTestRun) run = fetch_run("no-such-host.invalid:8443", "5");

	cr_assert_eq(run->exit_status, 5, "%s", run->err);
	fetch_assert_one_line_naming(run, "no-such-host.invalid");
}

Test(fetch, malformed_sources_are_usage_errors)
{
	const gchar *sources[] = {"https://bad host/",
				  "http://ucm.example.com/",
				  "ucm:99999",
				  "https://:8443/",
				  "[::1",
				  "ucm:"};
	for (guint i = 0; i < G_N_ELEMENTS(sources); i++) {
		g_autoptr(CtTestRun) run = fetch_run(sources[i], "5");
		cr_assert_eq(run->exit_status, 2, "%s: %d %s", sources[i], run->exit_status,
			     run->err);
	}
}

/* port 0 is no port a server listens on: a usage error naming the SOURCE, never 443 */
Test(fetch, port_zero_is_a_usage_error_not_the_default_port)
{
	const gchar *sources[] = {"https://127.0.0.1:0/", "127.0.0.1:0", "https://[::1]:0/",
				  "[::1]:0", "https://ucm.example.com:0/ccmadmin"};
	for (guint i = 0; i < G_N_ELEMENTS(sources); i++) {
		g_autoptr(CtTestRun) run = fetch_run(sources[i], "5");
		cr_assert_eq(run->exit_status, 2, "%s: %d %s", sources[i], run->exit_status,
			     run->err);
		cr_assert_str_empty(run->out, "%s", run->out);
		cr_assert_not_null(strstr(run->err, sources[i]), "names it: %s", run->err);
		cr_assert_not_null(strstr(run->err, "'0' is not a port number"), "%s", run->err);
		cr_assert_null(strstr(run->err, ":443"), "not the default port: %s", run->err);
	}
}

Test(fetch, bad_resolve_rules_are_usage_errors)
{
	const gchar *rules[] = {"ucm.example.com:8443", "ucm.example.com:x:127.0.0.1",
				"ucm.example.com:8443:not-an-ip"};
	for (guint i = 0; i < G_N_ELEMENTS(rules); i++) {
		const gchar *argv[] = {"certtrust", "fetch",  "https://ucm.example.com:8443/",
				       "--resolve", rules[i], NULL};
		g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
		cr_assert_eq(run->exit_status, 2, "%s: %s", rules[i], run->err);
	}
}

Test(fetch, ipv6_without_a_network_is_unreachable)
{
	g_autoptr(CtTestRun) probe = ct_test_run_shell("unshare -n true");
	g_autofree gchar *cmd = NULL;
	g_autoptr(CtTestRun) run = NULL;

	if (probe->exit_status != 0)
		cr_skip_test("no network namespaces here (unshare -n)");
	/* a fresh network namespace: not even loopback is up */
	cmd = g_strdup_printf("unshare -n '%s' fetch '[::1]:8443' --timeout 5",
			      g_getenv("CT_CERTTRUST"));
	run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 5, "%s", run->err);
	fetch_assert_one_line_naming(run, "[::1]:8443");
}

Test(fetch, json_error_document_for_a_failed_access)
{
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:%u", ct_test_free_port());
	const gchar *argv[] = {"certtrust", "fetch", target, "--json", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *error;

	cr_assert_eq(run->exit_status, 5);
	root = ct_test_parse_one_json_document(run->out);
	error = json_object_get_object_member(json_node_get_object(root), "error");
	cr_assert_eq(json_object_get_int_member(error, "exit_status"), 5);
}
