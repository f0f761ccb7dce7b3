/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include "ct-test.h"

/* `certtrust fetch` and `status` of a cluster in one call: servers made by Python's ssl with their
 * own openssl certificates (tests/lib/tls-cluster.py), read at once, each result in the order
 * given, a dead server failing only itself, the exit status the worst */

#define CLUSTER_SERVERS 12

static gchar *tmpdir = NULL;
static GSubprocess *cluster = NULL;
static JsonObject *ready = NULL; /* what tls-cluster.py printed */
static JsonNode *ready_node = NULL;

static void
cluster_setup(void)
{
	g_autofree gchar *script = NULL;
	g_autofree gchar *certs = NULL;
	g_autofree gchar *count = g_strdup_printf("%d", CLUSTER_SERVERS);
	g_autoptr(GDataInputStream) out = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *line = NULL;

	tmpdir = ct_test_tmpdir_new();
	script = g_build_filename(g_getenv("CT_TEST_SRCDIR"), "lib", "tls-cluster.py", NULL);
	certs = g_build_filename(tmpdir, "certs", NULL);
	{
		const gchar *argv[] = {"python3", script, certs, count, "--dead", "2", NULL};
		cluster = ct_test_spawn_tied(argv, &error);
	}
	cr_assert_not_null(cluster, "tls-cluster.py: %s", error != NULL ? error->message : "");
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(cluster));
	line = g_data_input_stream_read_line(out, NULL, NULL, &error);
	cr_assert_not_null(line, "tls-cluster.py printed nothing");
	ready_node = ct_test_parse_one_json_document(line);
	ready = json_node_get_object(ready_node);
}

static void
cluster_teardown(void)
{
	if (cluster != NULL) {
		g_subprocess_send_signal(cluster, SIGTERM);
		g_subprocess_wait(cluster, NULL, NULL);
		g_clear_object(&cluster);
	}
	g_clear_pointer(&ready_node, json_node_unref);
	ready = NULL;
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(cluster, .init = cluster_setup, .fini = cluster_teardown, .timeout = 120);

static gchar *
cluster_source(const gchar *member, guint index)
{
	JsonArray *ports = json_object_get_array_member(ready, member);
	return g_strdup_printf("127.0.0.1:%" G_GINT64_FORMAT,
			       json_array_get_int_element(ports, index));
}

static const gchar *
cluster_sha256(guint index)
{
	return json_array_get_string_element(json_object_get_array_member(ready, "sha256"), index);
}

Test(cluster, every_server_in_input_order_and_a_dead_one_fails_only_itself)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *results = NULL;
	g_autofree gchar *dead = cluster_source("dead", 0);

	g_ptr_array_add(argv, g_strdup("certtrust"));
	g_ptr_array_add(argv, g_strdup("--json"));
	g_ptr_array_add(argv, g_strdup("fetch"));
	/* the servers from last to first, the dead one in the middle */
	for (gint i = CLUSTER_SERVERS - 1; i >= 0; i--) {
		g_ptr_array_add(argv, cluster_source("ports", (guint)i));
		if (i == CLUSTER_SERVERS / 2)
			g_ptr_array_add(argv, g_strdup(dead));
	}
	g_ptr_array_add(argv, g_strdup("--jobs"));
	g_ptr_array_add(argv, g_strdup("4"));
	g_ptr_array_add(argv, NULL);
	run = ct_test_run((const gchar *const *)argv->pdata, NULL);

	cr_assert_eq(run->exit_status, 5, "the dead server makes it exit 5: %s", run->err);
	cr_assert_not_null(strstr(run->err, "1 of 13 targets failed"), "%s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	results = json_object_get_array_member(json_node_get_object(root), "results");
	cr_assert_eq(json_array_get_length(results), CLUSTER_SERVERS + 1);
	for (guint i = 0, server = CLUSTER_SERVERS; i < json_array_get_length(results); i++) {
		JsonObject *result = json_array_get_object_element(results, i);
		const gchar *source = json_object_get_string_member(result, "source");
		g_autofree gchar *expected = NULL;
		JsonObject *leaf = NULL;
		if (g_strcmp0(source, dead) == 0) {
			JsonObject *failure = json_object_get_object_member(result, "error");
			cr_assert_eq(i, CLUSTER_SERVERS - CLUSTER_SERVERS / 2);
			cr_assert_eq(json_object_get_int_member(failure, "exit_status"), 5);
			cr_assert_not_null(
			    strstr(json_object_get_string_member(failure, "message"), dead));
			continue;
		}
		server--;
		expected = cluster_source("ports", server);
		cr_assert_str_eq(source, expected, "result %u is the %u-th SOURCE given", i, i);
		leaf = json_array_get_object_element(json_object_get_array_member(result,
										  "certificates"),
						     0);
		/* each server's own certificate, as openssl fingerprints it */
		cr_assert_str_eq(json_object_get_string_member(leaf, "sha256"),
				 cluster_sha256(server));
	}
}

Test(cluster, from_file_with_comments_blank_lines_and_command_line_sources)
{
	g_autofree gchar *list = g_build_filename(tmpdir, "cluster.list", NULL);
	g_autofree gchar *first = cluster_source("ports", 0);
	g_autofree gchar *second = cluster_source("ports", 1);
	g_autofree gchar *third = cluster_source("ports", 2);
	g_autofree gchar *text = g_strdup_printf("# the publisher\n  %s  \n\n# subscribers\n%s\n",
						 second, third);
	g_autoptr(CtTestRun) run = NULL;
	const gchar *out = NULL;

	cr_assert(g_file_set_contents(list, text, -1, NULL));
	{
		const gchar *argv[] = {"certtrust", "fetch", first, "--from", list, NULL};
		run = ct_test_run(argv, NULL);
	}
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	/* the command line's SOURCE first, then the file's in its order */
	out = run->out;
	for (guint i = 0; i < 3; i++) {
		g_autofree gchar *sha256 = g_strdup(cluster_sha256(i));
		const gchar *at = strstr(out, sha256);
		cr_assert_not_null(at, "server %u's SHA-256 after the one before: %s", i, run->out);
		out = at;
	}
	cr_assert_null(strstr(run->out, "#"), "no comment read as a SOURCE: %s", run->out);
}

Test(cluster, from_stdin_and_bad_lists_and_jobs_are_refused)
{
	g_autofree gchar *server = cluster_source("ports", 3);
	g_autofree gchar *missing = g_build_filename(tmpdir, "no-such.list", NULL);
	g_autoptr(GBytes) input = g_bytes_new(server, strlen(server));
	g_autoptr(CtTestRun) piped = NULL;
	g_autoptr(CtTestRun) absent = NULL;
	g_autoptr(CtTestRun) zero = NULL;
	g_autoptr(CtTestRun) many = NULL;
	g_autoptr(CtTestRun) nothing = NULL;
	g_autofree gchar *empty = g_build_filename(tmpdir, "empty.list", NULL);

	{
		const gchar *argv[] = {"certtrust", "fetch", "--from", "-", NULL};
		piped = ct_test_run(argv, input);
	}
	cr_assert_eq(piped->exit_status, 0, "%s", piped->err);
	cr_assert_not_null(strstr(piped->out, cluster_sha256(3)), "%s", piped->out);
	{
		const gchar *argv[] = {"certtrust", "fetch", "--from", missing, NULL};
		absent = ct_test_run(argv, NULL);
	}
	cr_assert_eq(absent->exit_status, 3, "a missing list is not found: %s", absent->err);
	{
		const gchar *argv[] = {"certtrust", "fetch", server, "--jobs", "0", NULL};
		zero = ct_test_run(argv, NULL);
	}
	cr_assert_eq(zero->exit_status, 2, "%s", zero->err);
	{
		const gchar *argv[] = {"certtrust", "fetch", server, "--jobs", "100000", NULL};
		many = ct_test_run(argv, NULL);
	}
	cr_assert_eq(many->exit_status, 2, "%s", many->err);
	cr_assert(g_file_set_contents(empty, "# nothing yet\n\n", -1, NULL));
	{
		const gchar *argv[] = {"certtrust", "fetch", "--from", empty, NULL};
		nothing = ct_test_run(argv, NULL);
	}
	cr_assert_eq(nothing->exit_status, 2, "a list of no SOURCE: %s", nothing->err);
}

Test(cluster, resolve_rules_apply_to_their_port_only_while_others_run_too)
{
	JsonArray *ports = json_object_get_array_member(ready, "ports");
	gint64 port0 = json_array_get_int_element(ports, 0);
	gint64 port1 = json_array_get_int_element(ports, 1);
	g_autofree gchar *named0 = g_strdup_printf("node-0.cluster.test:%" G_GINT64_FORMAT, port0);
	g_autofree gchar *named1 = g_strdup_printf("node-1.cluster.test:%" G_GINT64_FORMAT, port1);
	g_autofree gchar *plain1 = cluster_source("ports", 1);
	/* node-1 has a rule for node-0's port (to where the servers listen) and one for its own
	 * port to 127.0.0.2, where nothing listens: only the rule of its port may apply, and
	 * no name goes to DNS (the wrong rule last: one resolver for all ports would take it) */
	g_autofree gchar *rule0 =
	    g_strdup_printf("node-0.cluster.test:%" G_GINT64_FORMAT ":127.0.0.1", port0);
	g_autofree gchar *rule1 =
	    g_strdup_printf("node-1.cluster.test:%" G_GINT64_FORMAT ":127.0.0.1", port0);
	g_autofree gchar *rule2 =
	    g_strdup_printf("node-1.cluster.test:%" G_GINT64_FORMAT ":127.0.0.2", port1);
	const gchar *argv[] = {"certtrust", "--json",	 "fetch", named0,      plain1,
			       named1,	    "--resolve", rule0,	  "--resolve", rule2,
			       "--resolve", rule1,	 NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(run->out);
	JsonArray *results = json_object_get_array_member(json_node_get_object(root), "results");
	JsonObject *first = json_array_get_object_element(results, 0);
	JsonObject *second = json_array_get_object_element(results, 1);
	JsonObject *third = json_array_get_object_element(results, 2);

	cr_assert_eq(run->exit_status, 5, "node-1 by name goes to 127.0.0.2: %s", run->err);
	cr_assert_str_eq(json_object_get_string_member(
			     json_array_get_object_element(
				 json_object_get_array_member(first, "certificates"), 0),
			     "sha256"),
			 cluster_sha256(0));
	/* the name is node-0's own: no bad-identity */
	cr_assert_eq(json_array_get_length(json_object_get_array_member(first, "problems")), 1);
	cr_assert_str_eq(json_object_get_string_member(
			     json_array_get_object_element(
				 json_object_get_array_member(second, "certificates"), 0),
			     "sha256"),
			 cluster_sha256(1));
	cr_assert(json_object_has_member(third, "error"), "%s", run->out);
	cr_assert_not_null(strstr(json_object_get_string_member(
				      json_object_get_object_member(third, "error"), "message"),
				  "refused"),
			   "%s", run->out);
}

Test(cluster, status_of_every_node_in_order_the_exit_status_the_worst)
{
	g_autofree gchar *store_dir = g_build_filename(tmpdir, "nssdb", NULL);
	g_autofree gchar *store = ct_test_nss_store_new(store_dir);
	g_autofree gchar *node0 = cluster_source("ports", 0);
	g_autofree gchar *node1 = cluster_source("ports", 1);
	g_autofree gchar *node2 = cluster_source("ports", 2);
	g_autofree gchar *dead = cluster_source("dead", 1);
	g_autofree gchar *listing = NULL;
	g_autoptr(CtTestRun) checked = NULL;
	g_autoptr(CtTestRun) all_trusted = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *results = NULL;
	const gchar *expected[] = {"trusted", NULL, "not-trusted", "trusted"};

	for (guint i = 0; i < 2; i++) {
		g_autofree gchar *node = cluster_source("ports", i);
		const gchar *argv[] = {"certtrust", "--yes", "trust", node, "--store", store, NULL};
		g_autoptr(CtTestRun) trusted = ct_test_run(argv, NULL);
		cr_assert_eq(trusted->exit_status, 0, "%s", trusted->err);
	}
	/* certutil, not certtrust, says what the database holds */
	listing = ct_test_certutil_text(store_dir);
	cr_assert_not_null(strstr(listing, "P,,"), "%s", listing);
	{
		const gchar *argv[] = {"certtrust", "--json", "status",	 node0, dead,
				       node2,	    node1,    "--store", store, NULL};
		checked = ct_test_run(argv, NULL);
	}
	cr_assert_eq(checked->exit_status, 5, "the dead node is the worst: %s", checked->err);
	cr_assert_not_null(strstr(checked->err, "2 of 4 targets failed"), "%s", checked->err);
	root = ct_test_parse_one_json_document(checked->out);
	results = json_object_get_array_member(json_node_get_object(root), "results");
	cr_assert_eq(json_array_get_length(results), 4);
	for (guint i = 0; i < 4; i++) {
		JsonObject *result = json_array_get_object_element(results, i);
		if (expected[i] == NULL) {
			cr_assert_str_eq(json_object_get_string_member(result, "source"), dead);
			cr_assert(json_object_has_member(result, "error"));
			continue;
		}
		cr_assert_str_eq(json_object_get_string_member(result, "status"), expected[i],
				 "result %u", i);
	}
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(results, 0),
						       "sha256"),
			 cluster_sha256(0));
	/* the trusted nodes alone: exit 0, each said trusted on the terminal */
	{
		const gchar *argv[] = {"certtrust", "status", node1, node0, "--store", store, NULL};
		all_trusted = ct_test_run(argv, NULL);
	}
	cr_assert_eq(all_trusted->exit_status, 0, "%s", all_trusted->err);
	cr_assert_not_null(strstr(all_trusted->out, node1), "%s", all_trusted->out);
	cr_assert_lt(strstr(all_trusted->out, node1), strstr(all_trusted->out, node0),
		     "in the order given: %s", all_trusted->out);
}

static gchar *
cluster_certificate(guint index)
{
	return g_strdup(
	    json_array_get_string_element(json_object_get_array_member(ready, "certificates"),
					  index));
}

Test(cluster, trust_of_files_and_servers_is_one_plan_one_question_and_one_result_each)
{
	g_autofree gchar *profile = ct_test_private_home(tmpdir);
	g_autofree gchar *store_dir = g_build_filename(tmpdir, "nssdb", NULL);
	g_autofree gchar *store = ct_test_nss_store_new(store_dir);
	g_autofree gchar *file0 = cluster_certificate(0);
	g_autofree gchar *file1 = cluster_certificate(1);
	g_autofree gchar *server = cluster_source("ports", 2);
	g_autofree gchar *dead = cluster_source("dead", 0);
	g_autofree gchar *listing = NULL;
	g_autofree gchar *firefox_store = g_strdup_printf("firefox:%s", profile);
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) firefox = NULL;
	g_autoptr(CtTestRun) status = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *results = NULL;

	{
		const gchar *argv[] = {"certtrust", "--json", "trust",	 file0, dead,
				       file1,	    server,   "--store", store, NULL};
		run = ct_test_run(argv, NULL);
	}
	cr_assert_eq(run->exit_status, 5, "the dead server fails only itself: %s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	results = json_object_get_array_member(json_node_get_object(root), "results");
	cr_assert_eq(json_array_get_length(results), 4);
	cr_assert(json_object_has_member(json_array_get_object_element(results, 1), "error"));
	for (guint i = 0; i < 4; i++) {
		JsonObject *result = json_array_get_object_element(results, i);
		JsonObject *step = NULL;
		if (i == 1)
			continue;
		step = json_array_get_object_element(json_object_get_array_member(result, "stores"),
						     0);
		cr_assert_str_eq(json_object_get_string_member(step, "result"), "done",
				 "target %u: %s", i, run->out);
		/* each file's own certificate, as openssl fingerprints it */
		cr_assert_str_eq(json_object_get_string_member(result, "sha256"),
				 cluster_sha256(i == 0	 ? 0
						: i == 2 ? 1
							 : 2));
	}
	/* certutil, not certtrust, says what the database holds: the three, trusted P,, */
	listing = ct_test_certutil_text(store_dir);
	for (guint i = 0; i < 3; i++) {
		g_autofree gchar *cn = g_strdup_printf("certtrust-node-%u.cluster.test-", i);
		const gchar *line = strstr(listing, cn);
		cr_assert_not_null(line, "%s in %s", cn, listing);
		cr_assert_not_null(strstr(line, "P,,"), "%s", listing);
	}
	/* the files were trusted for their own names, which status now finds */
	{
		g_autofree gchar *named = g_strdup_printf(
		    "node-0.cluster.test:%" G_GINT64_FORMAT,
		    json_array_get_int_element(json_object_get_array_member(ready, "ports"), 0));
		g_autofree gchar *rule = g_strdup_printf("%s:127.0.0.1", named);
		const gchar *argv[] = {"certtrust", "status",  named, "--resolve",
				       rule,	    "--store", store, NULL};
		status = ct_test_run(argv, NULL);
	}
	cr_assert_eq(status->exit_status, 0, "%s%s", status->out, status->err);
	/* a Firefox exception needs the HOST:PORT typed: a file without --name is refused */
	{
		const gchar *argv[] = {"certtrust", "--yes",   "trust",	      file0,
				       file1,	    "--store", firefox_store, NULL};
		firefox = ct_test_run(argv, NULL);
	}
	cr_assert_eq(firefox->exit_status, 2, "%s", firefox->err);
	cr_assert_not_null(strstr(firefox->out, "give --name HOST:PORT"), "%s", firefox->out);
}

/* untrust of many: a file, a fingerprint's start, a dead server and a live one, in one
 * run; each undone or failed in its place, and certutil finds nothing of ours left */
Test(cluster, untrust_of_many_targets_undoes_each_and_a_dead_one_fails_only_itself)
{
	g_autofree gchar *profile = ct_test_private_home(tmpdir);
	g_autofree gchar *store_dir = g_build_filename(tmpdir, "nssdb", NULL);
	g_autofree gchar *store = ct_test_nss_store_new(store_dir);
	g_autofree gchar *file0 = cluster_certificate(0);
	g_autofree gchar *file1 = cluster_certificate(1);
	g_autofree gchar *prefix1 = g_strndup(cluster_sha256(1), 11); /* "AB:CD:EF:01" */
	g_autofree gchar *server = cluster_source("ports", 2);
	g_autofree gchar *dead = cluster_source("dead", 0);
	g_autofree gchar *listing = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) again = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *results = NULL;

	(void)profile;
	{
		const gchar *argv[] = {"certtrust", "trust",   file0, file1,
				       server,	    "--store", store, NULL};
		trusted = ct_test_run(argv, NULL);
	}
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	{
		const gchar *argv[] = {"certtrust", "--json", "untrust", file0,
				       prefix1,	    dead,     server,	 NULL};
		run = ct_test_run(argv, NULL);
	}
	cr_assert_eq(run->exit_status, 5, "the dead server fails only itself: %s", run->err);
	cr_assert_not_null(strstr(run->err, "1 of 4 targets failed"), "%s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	results = json_object_get_array_member(json_node_get_object(root), "results");
	cr_assert_eq(json_array_get_length(results), 4, "%s", run->out);
	for (guint i = 0; i < 4; i++) {
		JsonObject *result = json_array_get_object_element(results, i);
		JsonObject *step = NULL;
		const gchar *given[] = {file0, prefix1, dead, server};
		cr_assert_str_eq(json_object_get_string_member(result, "source"), given[i]);
		if (i == 2) {
			cr_assert(json_object_has_member(result, "error"), "%s", run->out);
			continue;
		}
		/* each the certificate openssl fingerprinted for that node, removed */
		cr_assert_str_eq(json_object_get_string_member(result, "sha256"),
				 cluster_sha256(i == 3 ? 2 : i), "%s", run->out);
		step = json_array_get_object_element(json_object_get_array_member(result, "stores"),
						     0);
		cr_assert_str_eq(json_object_get_string_member(step, "result"), "removed", "%s",
				 run->out);
	}
	listing = ct_test_certutil_text(store_dir);
	cr_assert_null(strstr(listing, "certtrust-node-"), "%s", listing);
	/* nothing left to untrust: each target not found, in the text form, in order */
	{
		const gchar *argv[] = {"certtrust", "untrust", server, file1, NULL};
		again = ct_test_run(argv, NULL);
	}
	cr_assert_eq(again->exit_status, 3, "%s%s", again->out, again->err);
	cr_assert_not_null(strstr(again->err, "2 of 2 targets failed"), "%s", again->err);
	cr_assert_lt(strstr(again->out, server), strstr(again->out, file1), "%s", again->out);
	cr_assert_not_null(strstr(again->out, "untrust --for"), "the hint: %s", again->out);
}

/* the SHA-256 openssl reads from an exported file (PKCS #7: its first certificate) */
static gchar *
cluster_openssl_sha256(const gchar *path)
{
	g_autofree gchar *quoted = g_shell_quote(path);
	g_autofree gchar *command = NULL;
	g_autoptr(CtTestRun) run = NULL;
	const gchar *equals = NULL;

	if (g_str_has_suffix(path, ".p7c"))
		command = g_strdup_printf("openssl pkcs7 -inform DER -in %s -print_certs | "
					  "openssl x509 -noout -fingerprint -sha256",
					  quoted);
	else
		command = g_strdup_printf("openssl x509 -inform %s -in %s -noout -fingerprint "
					  "-sha256",
					  g_str_has_suffix(path, ".der") ? "DER" : "PEM", quoted);
	run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "%s: %s", command, run->err);
	equals = strchr(run->out, '=');
	cr_assert_not_null(equals, "%s", run->out);
	return g_strstrip(g_strdup(equals + 1));
}

/* one call does the whole job: the trust and the six formats, from one first access; a
 * file in the way stops it before anything is trusted */
Test(cluster, trust_with_export_dir_saves_the_six_formats_of_the_same_first_access)
{
	g_autofree gchar *profile = ct_test_private_home(tmpdir);
	g_autofree gchar *store_dir = g_build_filename(tmpdir, "nssdb", NULL);
	g_autofree gchar *store = ct_test_nss_store_new(store_dir);
	g_autofree gchar *other_dir = g_build_filename(tmpdir, "other", NULL);
	g_autofree gchar *other = ct_test_nss_store_new(other_dir);
	g_autofree gchar *out = g_build_filename(tmpdir, "saved", NULL);
	g_autofree gchar *server = cluster_source("ports", 0);
	g_autofree gchar *listing = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) blocked = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *files = NULL;
	const gchar *suffixes[] = {".der",	 "-base64.cer", ".pem",
				   "-chain.pem", ".p7c",	"-chain.p7c"};

	(void)profile;
	{
		const gchar *argv[] = {"certtrust", "--json", "--yes",	      "trust", server,
				       "--store",   store,    "--export-dir", out,     NULL};
		run = ct_test_run(argv, NULL);
	}
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	root = ct_test_parse_one_json_document(run->out);
	files = json_object_get_array_member(json_node_get_object(root), "files");
	cr_assert_not_null(files, "%s", run->out);
	cr_assert_eq(json_array_get_length(files), G_N_ELEMENTS(suffixes), "%s", run->out);
	for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		g_autofree gchar *name = g_strconcat("node-0.cluster.test", suffixes[i], NULL);
		g_autofree gchar *path = g_build_filename(out, name, NULL);
		g_autofree gchar *sha256 = NULL;
		cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(files,
											     i),
							       "path"),
				 path);
		sha256 = cluster_openssl_sha256(path);
		cr_assert_str_eq(sha256, cluster_sha256(0), "%s", path);
	}
	listing = ct_test_certutil_text(store_dir);
	cr_assert_not_null(strstr(listing, "certtrust-node-0.cluster.test-"), "%s", listing);

	/* the files are there now: the same call into another database trusts nothing */
	{
		const gchar *argv[] = {"certtrust", "--yes",	    "trust", server, "--store",
				       other,	    "--export-dir", out,     NULL};
		blocked = ct_test_run(argv, NULL);
	}
	cr_assert_eq(blocked->exit_status, 1, "%s%s", blocked->out, blocked->err);
	cr_assert_not_null(strstr(blocked->err, "nothing was trusted"), "%s", blocked->err);
	g_free(listing);
	listing = ct_test_certutil_text(other_dir);
	cr_assert_null(strstr(listing, "certtrust-"), "%s", listing);
}
