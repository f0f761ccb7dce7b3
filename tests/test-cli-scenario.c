/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-test.h"

/* `certtrust scenario`: the runner end to end, on small scenario files written here;
 * TMPDIR points into the test's directory, so what the runner leaves behind shows */

static gchar *tmpdir = NULL;
static gchar *runner_tmp = NULL;

static void
scenario_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	runner_tmp = g_build_filename(tmpdir, "tmp", NULL);
	cr_assert_eq(g_mkdir(runner_tmp, 0700), 0);
	g_setenv("TMPDIR", runner_tmp, TRUE);
}

static void
scenario_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&runner_tmp, g_free);
}

TestSuite(scenario_cli, .init = scenario_setup, .fini = scenario_teardown, .timeout = 120);

static gchar *
scenario_write(const gchar *name, const gchar *text)
{
	gchar *path = g_build_filename(tmpdir, name, NULL);
	cr_assert(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static CtTestRun *
scenario_run(const gchar *a, const gchar *b, const gchar *c, const gchar *d, const gchar *e)
{
	const gchar *argv[] = {"certtrust", "scenario", a, b, c, d, e, NULL};
	return ct_test_run(argv, NULL);
}

/* the runner removes every scenario directory and its cache */
static void
scenario_assert_clean(void)
{
	g_autoptr(GDir) dir = g_dir_open(runner_tmp, 0, NULL);
	const gchar *left = dir != NULL ? g_dir_read_name(dir) : NULL;
	cr_assert_null(left, "the runner left %s in %s", left, runner_tmp);
}

Test(scenario_cli, passing_steps_are_one_tap_point_each)
{
	g_autofree gchar *file =
	    scenario_write("good.scenario", "profile tomcat\n"
					    "step list expect entries 0\n"
					    "step check-host ucm.example.test expect strict match\n"
					    "step status expect not-trusted\n");
	g_autoptr(CtTestRun) run = scenario_run(file, "--tap", NULL, NULL, NULL);

	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert(g_str_has_prefix(run->out, "TAP version 14\n1..3\n"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "\nok 1 - good: list expect entries 0\n"), "%s",
			   run->out);
	cr_assert_not_null(strstr(run->out, "\nok 3 - good: status expect not-trusted\n"), "%s",
			   run->out);
	cr_assert_null(strstr(run->out, "not ok"), "%s", run->out);
	scenario_assert_clean();
}

Test(scenario_cli, a_failing_step_says_expected_and_actual_and_stops_the_scenario)
{
	g_autofree gchar *file = scenario_write("bad.scenario", "profile tomcat\n"
								"step list expect entries 0\n"
								"step status expect trusted\n"
								"step list expect entries 0\n");
	g_autoptr(CtTestRun) run = scenario_run(file, "--tap", NULL, NULL, NULL);

	cr_assert_eq(run->exit_status, 4, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "\nnot ok 2 - bad: status expect trusted\n"), "%s",
			   run->out);
	cr_assert_not_null(strstr(run->out, "expected: \"status: trusted\"\n"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "actual: \"status: not-trusted\"\n"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "line: 3"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "\nok 3 - bad: list expect entries 0 # SKIP not run: "
					    "step 2 (line 3) failed\n"),
			   "%s", run->out);
	cr_assert_not_null(strstr(run->err, "1 of 1 scenario failed"), "%s", run->err);
	scenario_assert_clean();
}

Test(scenario_cli, browser_steps_are_skipped_never_passed_without_browsers)
{
	g_autofree gchar *file = scenario_write("browser.scenario",
						"profile tomcat\n"
						"step verify firefox expect loads\n"
						"step session chromium expect loads\n");
	g_autoptr(CtTestRun) run = scenario_run(file, "--tap", NULL, NULL, NULL);

	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "ok 1 - browser: verify firefox expect loads # SKIP "
					    "a real browser: run with --browsers\n"),
			   "%s", run->out);
	cr_assert_not_null(strstr(run->out, "ok 2 - browser: session chromium expect loads # SKIP"),
			   "%s", run->out);
}

Test(scenario_cli, a_missing_browser_is_a_skip_that_names_the_package)
{
	g_autofree gchar *file = scenario_write("nobrowser.scenario",
						"profile tomcat\n"
						"step verify chromium expect loads\n");
	g_autofree gchar *missing = g_build_filename(tmpdir, "no-chromium", NULL);
	g_autoptr(CtTestRun) run = NULL;

	g_setenv("CT_CHROMIUM", missing, TRUE);
	run = scenario_run(file, "--tap", "--browsers", NULL, NULL);
	g_unsetenv("CT_CHROMIUM");
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "# SKIP Chromium is not installed"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "apt install chromium"), "%s", run->out);
}

Test(scenario_cli, a_known_problem_is_todo_and_does_not_fail_the_run)
{
	g_autofree gchar *file = scenario_write("known.scenario",
						"profile tomcat\n"
						"step list expect entries 3 todo \"not yet\"\n"
						"step list expect entries 0 todo \"fixed now\"\n"
						"step list expect entries 0\n");
	g_autoptr(CtTestRun) run = scenario_run(file, "--tap", NULL, NULL, NULL);
	g_autoptr(CtTestRun) text = scenario_run(file, NULL, NULL, NULL, NULL);

	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "\nnot ok 1 - known: list expect entries 3 todo "
					    "\"not yet\" # TODO not yet\n"),
			   "%s", run->out);
	cr_assert_not_null(strstr(run->out, "\nok 2 - known: list expect entries 0 todo \"fixed "
					    "now\" # TODO fixed now\n"),
			   "%s", run->out);
	cr_assert_not_null(strstr(run->out, "\nok 3 - known: list expect entries 0\n"), "%s",
			   run->out);
	cr_assert_eq(text->exit_status, 0, "%s%s", text->out, text->err);
	cr_assert_not_null(strstr(text->out, "passes although marked todo (fixed now): remove the "
					     "todo"),
			   "%s", text->out);
}

Test(scenario_cli, parse_errors_name_file_and_line_and_exit_2)
{
	g_autofree gchar *good = scenario_write("a.scenario", "profile tomcat\n"
							      "step list expect entries 0\n");
	g_autofree gchar *bad = scenario_write("b.scenario", "profile tomcat\n"
							     "step trust firfox expect done\n");
	g_autofree gchar *worse = scenario_write("c.scenario", "step list expect entries 0\n");
	g_autoptr(CtTestRun) run = scenario_run(good, bad, worse, NULL, NULL);
	g_autoptr(CtTestRun) tap = scenario_run(bad, "--tap", NULL, NULL, NULL);
	g_autofree gchar *where = g_strdup_printf("%s:2: expected a store", bad);

	cr_assert_eq(run->exit_status, 2, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->err, where), "%s", run->err);
	cr_assert_not_null(strstr(run->err, "got 'firfox'"), "%s", run->err);
	cr_assert_not_null(strstr(run->err, "c.scenario: expected a 'profile' line"),
			   "every file's "
			   "errors: %s",
			   run->err);
	cr_assert_str_eq(run->out, "", "nothing ran");
	cr_assert_eq(tap->exit_status, 2);
	cr_assert(g_str_has_prefix(tap->out, "TAP version 14\nBail out! "), "%s", tap->out);
	scenario_assert_clean();
}

Test(scenario_cli, every_error_of_a_file_is_a_line_of_its_own_on_the_terminal)
{
	g_autofree gchar *bad = scenario_write("e.scenario",
					       "profile tomcat\n"
					       "step trust firfox expect done\n"
					       "step check-host a expect \x1b[2Jfox match\n");
	g_autoptr(CtTestRun) run = scenario_run(bad, NULL, NULL, NULL, NULL);
	g_auto(GStrv) lines = g_strsplit(run->err, "\n", -1);
	g_autofree gchar *first = g_strdup_printf("certtrust: %s:2: expected a store", bad);
	g_autofree gchar *second = g_strdup_printf("certtrust: %s:3: expected ", bad);

	cr_assert_eq(run->exit_status, 2, "%s", run->err);
	cr_assert(g_str_has_prefix(lines[0], first), "%s", run->err);
	cr_assert(lines[1] != NULL && g_str_has_prefix(lines[1], second), "%s", run->err);
	/* the file's escape sequence reaches the terminal escaped, never raw */
	cr_assert_null(strchr(run->err, '\x1b'), "%s", run->err);
	cr_assert_not_null(strstr(lines[1], "firefox match|mismatch"), "%s", run->err);
	scenario_assert_clean();
}

Test(scenario_cli, usage_errors)
{
	g_autofree gchar *file = scenario_write("u.scenario", "profile tomcat\n"
							      "step list expect entries 0\n");
	g_autofree gchar *missing = g_build_filename(tmpdir, "missing.scenario", NULL);
	g_autoptr(CtTestRun) none = scenario_run(NULL, NULL, NULL, NULL, NULL);
	g_autoptr(CtTestRun) jobs = scenario_run(file, "--jobs", "0", NULL, NULL);
	g_autoptr(CtTestRun) both = NULL;
	g_autoptr(CtTestRun) absent = scenario_run(missing, NULL, NULL, NULL, NULL);
	const gchar *argv[] = {"certtrust", "--json", "scenario", file, "--tap", NULL};

	both = ct_test_run(argv, NULL);
	cr_assert_eq(none->exit_status, 2, "%s", none->err);
	cr_assert_eq(jobs->exit_status, 2, "%s", jobs->err);
	cr_assert_not_null(strstr(jobs->err, "--jobs 0: give 1 to"), "%s", jobs->err);
	cr_assert_eq(both->exit_status, 2, "%s", both->err);
	cr_assert_eq(absent->exit_status, 3, "%s", absent->err);
}

Test(scenario_cli, junit_xml_is_well_formed_with_failures_and_skips)
{
	g_autofree gchar *file = scenario_write("j.scenario", "# a <description> & more\n"
							      "profile tomcat\n"
							      "step list expect entries 0\n"
							      "step verify firefox expect loads\n"
							      "step status expect trusted\n");
	g_autofree gchar *xml = g_build_filename(tmpdir, "report.xml", NULL);
	g_autoptr(CtTestRun) run = scenario_run(file, "--junit", xml, NULL, NULL);
	g_autofree gchar *text = NULL;
	g_autoptr(GMarkupParseContext) context = NULL;
	g_autoptr(GError) error = NULL;
	GMarkupParser parser = {0};

	cr_assert_eq(run->exit_status, 4, "%s%s", run->out, run->err);
	cr_assert(g_file_get_contents(xml, &text, NULL, NULL), "no %s", xml);
	context = g_markup_parse_context_new(&parser, 0, NULL, NULL);
	cr_assert(g_markup_parse_context_parse(context, text, -1, &error) &&
		      g_markup_parse_context_end_parse(context, &error),
		  "not XML: %s\n%s", error != NULL ? error->message : "", text);
	cr_assert_not_null(strstr(text, "<testsuites name=\"certtrust scenario\" tests=\"3\" "
					"failures=\"1\""),
			   "%s", text);
	cr_assert_not_null(strstr(text, "value=\"a &lt;description&gt; &amp; more\""), "%s", text);
	cr_assert_not_null(strstr(text, "line=\"4\""), "%s", text);
	cr_assert_not_null(strstr(text,
				  "<skipped message=\"a real browser: run with --browsers\"/>"),
			   "%s", text);
	cr_assert_not_null(strstr(text, "<failure message=\"status: expected trusted, got "
					"not-trusted\""),
			   "%s", text);
}

Test(scenario_cli, json_report_and_file_order_with_parallel_jobs)
{
	g_autofree gchar *first = scenario_write("1-first.scenario",
						 "scenario first\nprofile tomcat\n"
						 "step list expect entries 0\n"
						 "step list expect entries 0\n"
						 "step list expect entries 0\n");
	g_autofree gchar *second = scenario_write("2-second.scenario",
						  "scenario second\nprofile v1\n"
						  "step show expect version 1\n");
	const gchar *argv[] = {"certtrust", "--json", "scenario", tmpdir, "--jobs", "2", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonArray *scenarios;
	JsonObject *object;

	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	root = ct_test_parse_one_json_document(run->out);
	object = json_node_get_object(root);
	scenarios = json_object_get_array_member(object, "scenarios");
	cr_assert_eq(json_array_get_length(scenarios), 2);
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(scenarios, 0),
						       "name"),
			 "first");
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(scenarios, 1),
						       "result"),
			 "pass");
	cr_assert_str_eq(json_object_get_string_member(json_array_get_object_element(scenarios, 0),
						       "layout"),
			 "current", "today's layout by default");
	cr_assert(json_object_get_null_member(json_array_get_object_element(scenarios, 0),
					      "server"),
		  "serve, no external server");
	cr_assert_eq(json_object_get_int_member(object, "failed"), 0);
	scenario_assert_clean();
}

/* the scenario's directory a --keep run reports in TAP */
static gchar *
scenario_kept_dir(const gchar *out)
{
	const gchar *kept = strstr(out, "# kept in ");
	cr_assert_not_null(kept, "%s", out);
	kept += strlen("# kept in ");
	return g_strndup(kept, strcspn(kept, "\n"));
}

/* how many certificates certutil (NSS's own tool) lists in the database at dir */
static guint
scenario_certutil_count(const gchar *dir)
{
	g_autofree gchar *quoted = g_shell_quote(dir);
	g_autofree gchar *command = g_strdup_printf("certutil -L -d sql:%s", quoted);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	g_auto(GStrv) lines = NULL;
	guint count = 0;

	cr_assert_eq(run->exit_status, 0, "%s: %s", command, run->err);
	lines = g_strsplit(run->out, "\n", -1);
	/* a header of three lines, then one line a certificate */
	for (guint i = 3; lines[i] != NULL; i++)
		count += lines[i][0] != '\0';
	return count;
}

Test(scenario_cli, each_layout_puts_the_browsers_stores_where_they_look)
{
	g_autofree gchar *file =
	    scenario_write("layout.scenario",
			   "profile tomcat\n"
			   "step trust mode anchor expect firefox done chromium done\n"
			   "step status expect trusted\n");
	g_autofree gchar *legacy_file =
	    scenario_write("old.scenario",
			   "layout legacy\n"
			   "profile tomcat\n"
			   "step trust mode anchor expect firefox done chromium done\n");
	const struct {
		const gchar *option; /* --layout, or NULL for the file's own */
		const gchar *file;
		const gchar *firefox;
		const gchar *chromium;
		const gchar *absent;
	} runs[] = {
	    {NULL, file, ".config/mozilla/firefox/scenario.default-esr", ".local/share/pki/nssdb",
	     ".mozilla"},
	    {"legacy", file, ".mozilla/firefox/scenario.default-esr", ".pki/nssdb",
	     ".config/mozilla"},
	    {NULL, legacy_file, ".mozilla/firefox/scenario.default-esr", ".pki/nssdb",
	     ".local/share/pki"},
	    {"current", legacy_file, ".config/mozilla/firefox/scenario.default-esr",
	     ".local/share/pki/nssdb", ".pki"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(runs); i++) {
		g_autoptr(CtTestRun) run = NULL;
		g_autofree gchar *dir = NULL;
		g_autofree gchar *firefox = NULL;
		g_autofree gchar *chromium = NULL;
		g_autofree gchar *absent = NULL;
		g_autofree gchar *layout = NULL;

		if (runs[i].option != NULL)
			run = scenario_run(runs[i].file, "--tap", "--keep", "--layout",
					   runs[i].option);
		else
			run = scenario_run(runs[i].file, "--tap", "--keep", NULL, NULL);
		cr_assert_eq(run->exit_status, 0, "run %u: %s%s", i, run->out, run->err);
		layout = g_strdup_printf(", layout %s,", strstr(runs[i].firefox, ".config") != NULL
							     ? "current"
							     : "legacy");
		cr_assert_not_null(strstr(run->out, layout), "the report names the layout: %s",
				   run->out);
		dir = scenario_kept_dir(run->out);
		firefox = g_build_filename(dir, "home", runs[i].firefox, NULL);
		chromium = g_build_filename(dir, "home", runs[i].chromium, NULL);
		absent = g_build_filename(dir, "home", runs[i].absent, NULL);
		/* certtrust found them there by itself: trust wrote an NSS entry into both */
		cr_assert_eq(scenario_certutil_count(firefox), 1, "run %u: %s", i, firefox);
		cr_assert_eq(scenario_certutil_count(chromium), 1, "run %u: %s", i, chromium);
		cr_assert_not(g_file_test(absent, G_FILE_TEST_EXISTS), "run %u: %s exists", i,
			      absent);
	}
}

Test(scenario_cli, a_wrong_layout_is_a_usage_error)
{
	g_autofree gchar *file = scenario_write("l.scenario", "profile tomcat\n"
							      "step list expect entries 0\n");
	g_autoptr(CtTestRun) run = scenario_run(file, "--layout", "newest", NULL, NULL);

	cr_assert_eq(run->exit_status, 2, "%s", run->err);
	cr_assert_not_null(strstr(run->err, "--layout newest: give current or legacy"), "%s",
			   run->err);
	scenario_assert_clean();
}

/* is a process whose command line mentions text still there? */
static gboolean
scenario_process_exists(const gchar *text)
{
	g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
	const gchar *name;

	while (proc != NULL && (name = g_dir_read_name(proc)) != NULL) {
		g_autofree gchar *path = g_build_filename("/proc", name, "cmdline", NULL);
		g_autofree gchar *cmdline = NULL;
		gsize len = 0;
		if (!g_ascii_isdigit(name[0]) || !g_file_get_contents(path, &cmdline, &len, NULL))
			continue;
		for (gsize i = 0; i + 1 < len; i++) {
			if (cmdline[i] == '\0')
				cmdline[i] = ' ';
		}
		if (strstr(cmdline, text) != NULL)
			return TRUE;
	}
	return FALSE;
}

Test(scenario_cli, ctrl_c_stops_every_server_and_removes_the_directories)
{
	g_autoptr(GString) text = g_string_new("profile chain\n");
	g_autofree gchar *file = NULL;
	const gchar *exe = g_getenv("CT_CERTTRUST");
	g_autoptr(GSubprocess) runner = NULL;
	g_autoptr(GError) error = NULL;
	gboolean started = FALSE;

	/* long enough to be interrupted in the middle */
	for (guint i = 0; i < 200; i++)
		g_string_append(text, "step status expect not-trusted\n");
	file = scenario_write("long.scenario", text->str);
	runner = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
				      G_SUBPROCESS_FLAGS_STDERR_SILENCE,
				  &error, exe, "scenario", file, NULL);
	cr_assert_not_null(runner, "%s", error != NULL ? error->message : "");
	/* its server is up once serve has written its certificate */
	for (guint i = 0; i < 600 && !started; i++) {
		started = scenario_process_exists(runner_tmp) &&
			  scenario_process_exists(" status ");
		if (!started)
			g_usleep(50 * 1000);
	}
	cr_assert(started, "the scenario did not start");
	g_subprocess_send_signal(runner, SIGINT);
	cr_assert(g_subprocess_wait(runner, NULL, &error));
	cr_assert(g_subprocess_get_if_exited(runner));
	cr_assert_eq(g_subprocess_get_exit_status(runner), 130);
	cr_assert_not(scenario_process_exists(runner_tmp), "a server or command is still running");
	scenario_assert_clean();
}

/* the names of the scenarios a --json run reports */
static GPtrArray *
scenario_names_of(CtTestRun *run)
{
	g_autoptr(JsonNode) root = ct_test_parse_one_json_document(run->out);
	JsonArray *scenarios = json_object_get_array_member(json_node_get_object(root),
							    "scenarios");
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < json_array_get_length(scenarios); i++)
		g_ptr_array_add(names, g_strdup(json_object_get_string_member(
					   json_array_get_object_element(scenarios, i), "name")));
	return names;
}

static gboolean
scenario_names_have(GPtrArray *names, const gchar *name)
{
	return g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL);
}

Test(scenario_cli, shards_split_the_library_into_disjoint_parts_that_cover_it)
{
	g_autofree gchar *library = g_build_filename(g_getenv("CT_TEST_SRCDIR"), "..", "scenarios",
						     "ie8", NULL);
	const gchar *all_argv[] = {"certtrust", "--json", "scenario", library, "--jobs", "2", NULL};
	g_autoptr(CtTestRun) all = ct_test_run(all_argv, NULL);
	g_autoptr(GPtrArray) everything = scenario_names_of(all);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(CtTestRun) bad = NULL;
	g_autoptr(CtTestRun) zero = NULL;

	cr_assert_eq(all->exit_status, 0, "%s", all->err);
	cr_assert_gt(everything->len, 2);
	for (guint k = 1; k <= 3; k++) {
		g_autofree gchar *shard = g_strdup_printf("%u/3", k);
		g_autofree gchar *junit = g_strdup_printf("%s/shard-%u.xml", tmpdir, k);
		const gchar *argv[] = {"certtrust", "--json", "scenario", library, "--jobs", "2",
				       "--shard",   shard,    "--junit",  junit,   NULL};
		g_autoptr(CtTestRun) part = ct_test_run(argv, NULL);
		g_autoptr(GPtrArray) names = scenario_names_of(part);
		g_autofree gchar *xml = NULL;
		cr_assert_eq(part->exit_status, 0, "%s: %s", shard, part->err);
		cr_assert(g_file_get_contents(junit, &xml, NULL, NULL), "%s wrote its JUnit",
			  shard);
		for (guint i = 0; i < names->len; i++) {
			const gchar *name = g_ptr_array_index(names, i);
			cr_assert(scenario_names_have(everything, name), "%s ran %s", shard, name);
			cr_assert(g_hash_table_add(seen, g_strdup(name)), "%s ran in two parts",
				  name);
			cr_assert_not_null(strstr(xml, name), "%s's JUnit has %s", shard, name);
		}
	}
	cr_assert_eq(g_hash_table_size(seen), everything->len, "the parts cover the library");
	/* the part of a scenario does not depend on the order of the files */
	{
		g_autoptr(GDir) dir = g_dir_open(library, 0, NULL);
		g_autoptr(GPtrArray) forward = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GPtrArray) backward = g_ptr_array_new();
		g_autoptr(CtTestRun) a = NULL;
		g_autoptr(CtTestRun) b = NULL;
		g_autoptr(GPtrArray) names_a = NULL;
		g_autoptr(GPtrArray) names_b = NULL;
		const gchar *name = NULL;
		const gchar *head[] = {"certtrust", "--json", "scenario", "--shard", "2/3"};
		for (guint i = 0; i < G_N_ELEMENTS(head); i++)
			g_ptr_array_add(forward, g_strdup(head[i]));
		while ((name = g_dir_read_name(dir)) != NULL)
			g_ptr_array_add(forward, g_build_filename(library, name, NULL));
		for (guint i = 0; i < G_N_ELEMENTS(head); i++)
			g_ptr_array_add(backward, g_ptr_array_index(forward, i));
		for (guint i = forward->len; i > G_N_ELEMENTS(head); i--)
			g_ptr_array_add(backward, g_ptr_array_index(forward, i - 1));
		g_ptr_array_add(forward, NULL);
		g_ptr_array_add(backward, NULL);
		a = ct_test_run((const gchar *const *)forward->pdata, NULL);
		b = ct_test_run((const gchar *const *)backward->pdata, NULL);
		cr_assert_eq(a->exit_status, 0, "%s", a->err);
		cr_assert_eq(b->exit_status, 0, "%s", b->err);
		names_a = scenario_names_of(a);
		names_b = scenario_names_of(b);
		cr_assert_eq(names_a->len, names_b->len);
		for (guint i = 0; i < names_a->len; i++)
			cr_assert(scenario_names_have(names_b, g_ptr_array_index(names_a, i)));
	}
	bad = scenario_run(library, "--shard", "4/3", NULL, NULL);
	cr_assert_eq(bad->exit_status, 2, "%s", bad->err);
	zero = scenario_run(library, "--shard", "0/3", NULL, NULL);
	cr_assert_eq(zero->exit_status, 2, "%s", zero->err);
}
