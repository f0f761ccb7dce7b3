/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ct-cli.h"
#include "ct-json.h"
#include "ct-save.h"
#include "ct-scenario-run.h"

/* scenario: run QA scenario files (scenarios/README.md) in parallel, each isolated, and
 * report as text, TAP 14 (one test point per step), JUnit XML or JSON */

/* --shard K/N: at most this many parts */
#define CT_CMD_SCENARIO_MAX_SHARDS 1000
#define CT_CMD_SCENARIO_MAX_JOBS 64

typedef struct {
	GPtrArray *scenarios; /* CtScenario* */
	GPtrArray *reports;   /* CtScenarioReport*, NULL until done; written by the workers */
	GAsyncQueue *done;    /* the index (+1) of each finished scenario */
	CtScenarioRunOptions options;
	GCancellable *cancellable;
	GMutex lock;
} CtCmdScenario;

static void
ct_cmd_scenario_job_cb(gpointer data, gpointer user_data)
{
	CtCmdScenario *self = user_data;
	guint index = GPOINTER_TO_UINT(data) - 1;
	CtScenario *scenario = g_ptr_array_index(self->scenarios, index);
	CtScenarioReport *report = ct_scenario_run(scenario, &self->options, self->cancellable);

	g_mutex_lock(&self->lock);
	g_ptr_array_index(self->reports, index) = report;
	g_mutex_unlock(&self->lock);
	g_async_queue_push(self->done, data);
}

/* more steps first (a step is a process or more), then file order */
static gint
ct_cmd_scenario_compare_length(gconstpointer a, gconstpointer b, gpointer user_data)
{
	GPtrArray *scenarios = user_data;
	guint index_a = GPOINTER_TO_UINT(*(gconstpointer *)a) - 1;
	guint index_b = GPOINTER_TO_UINT(*(gconstpointer *)b) - 1;
	CtScenario *scenario_a = g_ptr_array_index(scenarios, index_a);
	CtScenario *scenario_b = g_ptr_array_index(scenarios, index_b);

	if (scenario_a->steps->len != scenario_b->steps->len)
		return scenario_a->steps->len > scenario_b->steps->len ? -1 : 1;
	return index_a < index_b ? -1 : 1;
}

static void
ct_cmd_scenario_print_tap(CtCli *cli, CtScenarioReport *report, guint *number)
{
	g_autofree gchar *text = ct_scenario_report_tap(report, number);

	ct_cli_print(cli, "%s", text);
	fflush(stdout);
}

static gboolean
ct_cmd_scenario_write_junit(GPtrArray *reports, const gchar *path, gdouble seconds, GError **error)
{
	gchar *text = ct_scenario_report_junit(reports, seconds);
	g_autoptr(GBytes) bytes = g_bytes_new_take(text, strlen(text));

	return ct_save_file(path, bytes, 0644, CT_SAVE_FLAG_REPLACE, error);
}

static void
ct_cmd_scenario_text_report(CtCli *cli, CtScenarioReport *report)
{
	const CtScenario *scenario = report->scenario;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree gchar *name = ct_cli_escape(scenario->name);
	gboolean passed = ct_scenario_report_passed(report);
	guint skipped = 0;
	const gchar *colour = passed ? "\033[32m" : "\033[31m";

	for (guint i = 0; i < report->steps->len; i++) {
		CtScenarioStepReport *step = g_ptr_array_index(report->steps, i);
		skipped += step->result == CT_SCENARIO_RESULT_SKIP;
	}
	g_string_append_printf(out, "%s%s%s %-40s %2u steps", cli->colour ? colour : "",
			       report->cancelled ? "STOP"
			       : passed		 ? "PASS"
						 : "FAIL",
			       cli->colour ? "\033[0m" : "", name, report->steps->len);
	if (skipped > 0)
		g_string_append_printf(out, ", %u skipped", skipped);
	g_string_append_printf(out, " (%.1f s)\n", report->seconds);
	if (report->dir != NULL) {
		g_autofree gchar *dir = ct_cli_escape(report->dir);
		g_string_append_printf(out, "     kept in %s\n", dir);
	}
	for (guint i = 0; i < report->steps->len; i++) {
		CtScenarioStepReport *step = g_ptr_array_index(report->steps, i);
		g_autofree gchar *path = ct_cli_escape(scenario->path);
		g_autofree gchar *text = ct_cli_escape(step->step->text);
		g_autofree gchar *message = ct_cli_escape(step->message);
		g_autofree gchar *todo = ct_cli_escape(step->step->todo);

		if (step->result == CT_SCENARIO_RESULT_TODO) {
			g_string_append_printf(out, "     known problem at %s:%u: %s\n       %s\n",
					       path, step->step->line, todo, message);
		} else if (step->result == CT_SCENARIO_RESULT_TODO_PASS) {
			g_string_append_printf(out,
					       "     %s:%u passes although marked todo (%s): "
					       "remove the todo\n",
					       path, step->step->line, todo);
		} else if (step->result == CT_SCENARIO_RESULT_FAIL) {
			g_string_append_printf(out, "     step %u at %s:%u: %s\n       %s\n", i + 1,
					       path, step->step->line, text, message);
			if (step->command != NULL) {
				g_auto(GStrv) lines = g_strsplit(step->command, "\n", -1);
				for (guint j = 0; lines[j] != NULL; j++) {
					g_autofree gchar *line = ct_cli_escape(lines[j]);
					g_string_append_printf(out, "       $ %s\n", line);
				}
			}
			if (step->output != NULL) {
				g_autofree gchar *output = ct_cli_escape(step->output);
				g_string_append_printf(out, "       stderr: %s\n", output);
			}
		}
	}
	ct_cli_print(cli, "%s", out->str);
	fflush(stdout);
}

static void
ct_cmd_scenario_print_json(CtCli *cli,
			   CtCmdScenario *self,
			   CtScenarioTotals *totals,
			   gdouble seconds)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	ct_json_begin_array_member(builder, "scenarios");
	for (guint i = 0; i < self->reports->len; i++) {
		CtScenarioReport *report = g_ptr_array_index(self->reports, i);
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "name", report->scenario->name);
		ct_json_add_string(builder, "file", report->scenario->path);
		ct_json_add_string(builder, "description", report->scenario->description);
		ct_json_add_string(builder, "profile", report->scenario->profile);
		ct_json_add_string(builder, "server", report->scenario->server);
		ct_json_add_string(builder, "layout", ct_scenario_layout_to_string(report->layout));
		ct_json_add_string(builder, "result",
				   report->cancelled		       ? "interrupted"
				   : ct_scenario_report_passed(report) ? "pass"
								       : "fail");
		ct_json_add_double(builder, "seconds", report->seconds);
		ct_json_begin_array_member(builder, "steps");
		for (guint j = 0; j < report->steps->len; j++) {
			CtScenarioStepReport *step = g_ptr_array_index(report->steps, j);
			json_builder_begin_object(builder);
			ct_json_add_int(builder, "line", step->step->line);
			ct_json_add_string(builder, "step", step->step->text);
			ct_json_add_string(builder, "result",
					   ct_scenario_result_to_string(step->result));
			ct_json_add_string(builder, "message", step->message);
			ct_json_add_string(builder, "expected", step->expected);
			ct_json_add_string(builder, "actual", step->actual);
			ct_json_add_string(builder, "command", step->command);
			ct_json_add_string(builder, "stderr", step->output);
			ct_json_add_string(builder, "todo", step->step->todo);
			ct_json_add_double(builder, "seconds", step->seconds);
			json_builder_end_object(builder);
		}
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	ct_json_add_int(builder, "passed", totals->scenarios - totals->scenarios_failed);
	ct_json_add_int(builder, "failed", totals->scenarios_failed);
	ct_json_begin_object_member(builder, "step_results");
	ct_json_add_int(builder, "pass", totals->passed);
	ct_json_add_int(builder, "fail", totals->failed);
	ct_json_add_int(builder, "skip", totals->skipped);
	ct_json_add_int(builder, "todo", totals->todo);
	ct_json_add_int(builder, "todo_pass", totals->todo_passed);
	json_builder_end_object(builder);
	ct_json_add_double(builder, "seconds", seconds);
	json_builder_end_object(builder);
	ct_cli_print_json(cli, builder);
}

/* every scenario file the PATHs name, parsed; all syntax errors at once */
static GPtrArray *
ct_cmd_scenario_load(CtCli *cli, gboolean tap, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray)
	    scenarios = g_ptr_array_new_with_free_func((GDestroyNotify)ct_scenario_free);
	g_autoptr(GString) problems = g_string_new(NULL);
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

	for (gint i = 1; i < argc; i++) {
		if (!ct_scenario_find_files(argv[i], files, error))
			return NULL;
	}
	if (files->len == 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_NOT_FOUND,
				    "no *.scenario files in the PATHs given");
		return NULL;
	}
	for (guint i = 0; i < files->len; i++) {
		g_autoptr(GError) error_local = NULL;
		CtScenario *scenario = ct_scenario_load(g_ptr_array_index(files, i), &error_local);
		if (scenario == NULL) {
			g_string_append_printf(problems, "%s%s", problems->len > 0 ? "\n" : "",
					       error_local->message);
			continue;
		}
		g_ptr_array_add(scenarios, scenario);
		if (!g_hash_table_add(names, scenario->name)) {
			g_autofree gchar *name = ct_cli_escape(scenario->name);
			g_autofree gchar *path = ct_cli_escape(scenario->path);
			g_string_append_printf(
			    problems,
			    "%s%s: expected a scenario name of its own, got '%s' "
			    "a second time",
			    problems->len > 0 ? "\n" : "", path, name);
		}
	}
	if (problems->len > 0) {
		/* a TAP consumer learns why nothing ran */
		if (tap) {
			g_auto(GStrv) lines = g_strsplit(problems->str, "\n", -1);
			ct_cli_print(cli, "TAP version 14\nBail out! %s\n", lines[0]);
		}
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS, problems->str);
		return NULL;
	}
	return g_steal_pointer(&scenarios);
}

/* --shard K/N: 1 <= K <= N <= CT_CMD_SCENARIO_MAX_SHARDS */
static gboolean
ct_cmd_scenario_parse_shard(const gchar *text, guint *index, guint *count, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(text, "/", -1);
	guint64 k = 0;
	guint64 n = 0;

	if (g_strv_length(parts) != 2 ||
	    !g_ascii_string_to_unsigned(parts[0], 10, 1, CT_CMD_SCENARIO_MAX_SHARDS, &k, NULL) ||
	    !g_ascii_string_to_unsigned(parts[1], 10, 1, CT_CMD_SCENARIO_MAX_SHARDS, &n, NULL) ||
	    k > n) {
		g_autofree gchar *safe = ct_cli_escape(text);
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--shard %s: give K/N, 1 <= K <= N <= %u (part K of N)", safe,
			    CT_CMD_SCENARIO_MAX_SHARDS);
		return FALSE;
	}
	*index = (guint)k;
	*count = (guint)n;
	return TRUE;
}

/* the part a scenario belongs to: FNV-1a of its name, the same on every machine and for
 * every order of the files, so a new scenario never moves the others */
static guint
ct_cmd_scenario_shard_of(const gchar *name, guint count)
{
	guint32 hash = 2166136261u;

	for (const guchar *p = (const guchar *)name; *p != '\0'; p++) {
		hash ^= *p;
		hash *= 16777619u;
	}
	return hash % count + 1;
}

static void
ct_cmd_scenario_keep_shard(GPtrArray *scenarios, guint index, guint count)
{
	for (guint i = scenarios->len; i > 0; i--) {
		CtScenario *scenario = g_ptr_array_index(scenarios, i - 1);
		if (ct_cmd_scenario_shard_of(scenario->name, count) != index)
			g_ptr_array_remove_index(scenarios, i - 1);
	}
}

/* the arguments and options, before anything starts */
static gboolean
ct_cmd_scenario_check_options(CtCli *cli,
			      gint argc,
			      gint jobs,
			      gboolean tap,
			      const gchar *layout,
			      CtScenarioRunOptions *options,
			      GError **error)
{
	if (argc < 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give scenario files or directories (PATH...)");
		return FALSE;
	}
	if (jobs != -1 && (jobs < 1 || jobs > CT_CMD_SCENARIO_MAX_JOBS)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "--jobs %d: give 1 to %d", jobs,
			    CT_CMD_SCENARIO_MAX_JOBS);
		return FALSE;
	}
	if (tap && cli->json) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--tap and --json both want stdout: choose one");
		return FALSE;
	}
	if (layout != NULL && !ct_scenario_layout_from_string(layout, &options->layout)) {
		g_autofree gchar *safe = ct_cli_escape(layout);
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--layout %s: give current or legacy", safe);
		return FALSE;
	}
	options->override_layout = layout != NULL;
	return TRUE;
}

/* every scenario on jobs threads, the longest first; each reported in file order as soon
 * as those before it are done */
static gboolean
ct_cmd_scenario_run_all(CtCli *cli,
			CtCmdScenario *self,
			gint jobs,
			gboolean tap,
			CtScenarioTotals *totals,
			GError **error)
{
	GThreadPool *pool = NULL;
	g_autoptr(GPtrArray) order = NULL;
	guint next = 0;
	guint number = 0;
	CtCliProgress progress = {cli, self->scenarios->len};

	pool = g_thread_pool_new(ct_cmd_scenario_job_cb, self, jobs, FALSE, error);
	if (pool == NULL)
		return FALSE;
	/* the longest first, so that no long one is left alone at the end */
	order = g_ptr_array_new();
	for (guint i = 0; i < self->scenarios->len; i++)
		g_ptr_array_add(order, GUINT_TO_POINTER(i + 1));
	g_ptr_array_sort_with_data(order, ct_cmd_scenario_compare_length, self->scenarios);
	for (guint i = 0; i < order->len; i++)
		g_thread_pool_push(pool, g_ptr_array_index(order, i), NULL);
	/* report in file order, each as soon as those before it are done */
	ct_cli_progress_update(&progress, 0, "scenarios done");
	for (guint i = 0; i < self->scenarios->len; i++) {
		g_async_queue_pop(self->done);
		for (;;) {
			CtScenarioReport *report = NULL;
			g_mutex_lock(&self->lock);
			if (next < self->reports->len)
				report = g_ptr_array_index(self->reports, next);
			g_mutex_unlock(&self->lock);
			if (report == NULL)
				break;
			next++;
			ct_scenario_totals_add(totals, report);
			if (tap)
				ct_cmd_scenario_print_tap(cli, report, &number);
			else if (!cli->json)
				ct_cmd_scenario_text_report(cli, report);
		}
		ct_cli_progress_update(&progress, i + 1, "scenarios done");
	}
	ct_cli_progress_clear(cli);
	g_thread_pool_free(pool, FALSE, TRUE);
	return TRUE;
}

/* TAP's plan: one test point per step of every scenario */
static void
ct_cmd_scenario_print_plan(CtCli *cli, GPtrArray *scenarios)
{
	guint total_steps = 0;

	for (guint i = 0; i < scenarios->len; i++)
		total_steps += ((CtScenario *)g_ptr_array_index(scenarios, i))->steps->len;
	ct_cli_print(cli, "TAP version 14\n1..%u\n", total_steps);
}

/* the run's verdict: interrupted, some scenario failed, or every one passed */
static gboolean
ct_cmd_scenario_check_totals(CtScenarioTotals *totals, GError **error)
{
	if (totals->cancelled) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_CANCELLED,
				    "interrupted: every server and browser was stopped");
		return FALSE;
	}
	if (totals->scenarios_failed > 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_CHECK_FAILED, "%u of %u scenario%s failed",
			    totals->scenarios_failed, totals->scenarios,
			    totals->scenarios == 1 ? "" : "s");
		return FALSE;
	}
	return TRUE;
}

/* the end of the report: the totals, or the whole JSON document */
static void
ct_cmd_scenario_print_totals(CtCli *cli,
			     CtCmdScenario *self,
			     gboolean tap,
			     gint jobs,
			     CtScenarioTotals *totals,
			     gdouble seconds)
{
	if (cli->json)
		ct_cmd_scenario_print_json(cli, self, totals, seconds);
	else if (tap)
		ct_cli_print(cli,
			     "# %u scenario%s, %u failed; steps: %u passed, %u failed, %u skipped, "
			     "%u known problems, %u known problems gone; %.1f s\n",
			     totals->scenarios, totals->scenarios == 1 ? "" : "s",
			     totals->scenarios_failed, totals->passed, totals->failed,
			     totals->skipped, totals->todo, totals->todo_passed, seconds);
	else
		ct_cli_print(cli,
			     "\n%u scenario%s: %u passed, %u failed (steps: %u passed, %u failed, "
			     "%u skipped, %u known problems) in %.1f s with %d job%s\n",
			     totals->scenarios, totals->scenarios == 1 ? "" : "s",
			     totals->scenarios - totals->scenarios_failed, totals->scenarios_failed,
			     totals->passed + totals->todo_passed, totals->failed, totals->skipped,
			     totals->todo, seconds, jobs, jobs == 1 ? "" : "s");
}

gboolean
ct_cmd_scenario(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	gint jobs = -1;
	gboolean tap = FALSE;
	gboolean browsers = FALSE;
	gboolean keep = FALSE;
	g_autofree gchar *junit = NULL;
	g_autofree gchar *layout = NULL;
	g_autofree gchar *shard = NULL;
	g_autofree gchar *program = NULL;
	g_autoptr(GPtrArray) scenarios = NULL;
	guint shard_index = 1;
	guint shard_count = 1;
	g_autoptr(CtScenarioCache) cache = NULL;
	g_autoptr(GAsyncQueue) done = NULL;
	CtCmdScenario self = {0};
	CtScenarioTotals totals = {0};
	gint64 started = g_get_monotonic_time();
	gdouble seconds;
	const GOptionEntry entries[] = {
	    {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
	     "Scenarios run at once (default: the number of processors)", "N"},
	    {"tap", 0, 0, G_OPTION_ARG_NONE, &tap, "TAP 14 on stdout: one test point per step",
	     NULL},
	    {"junit", 0, 0, G_OPTION_ARG_FILENAME, &junit, "Also write JUnit XML to FILE", "FILE"},
	    {"browsers", 0, 0, G_OPTION_ARG_NONE, &browsers,
	     "Run the steps that need a real browser (verify, session); else they are skipped",
	     NULL},
	    {"keep", 0, 0, G_OPTION_ARG_NONE, &keep,
	     "Keep each scenario's directory (HOME, stores, server files) and say where", NULL},
	    {"layout", 0, 0, G_OPTION_ARG_STRING, &layout,
	     "Every scenario's HOME in this layout of the browsers' stores, whatever its file "
	     "says: current (~/.config/mozilla/firefox, ~/.local/share/pki/nssdb) or legacy "
	     "(~/.mozilla/firefox, ~/.pki/nssdb)",
	     "LAYOUT"},
	    {"shard", 0, 0, G_OPTION_ARG_STRING, &shard,
	     "Run part K of N of the scenarios (a split by name that stays the same as files "
	     "are added: one part per CI machine, each with its own --junit)",
	     "K/N"},
	    G_OPTION_ENTRY_NULL,
	};

	/* before any thread (setenv is not thread-safe) and before GIO reads them: the runner
	 * itself (soap, an external server's first read) goes through no proxy of the user's
	 * and neither reads nor writes the user's settings (dconf makes ~/.cache/dconf when
	 * there is no XDG_RUNTIME_DIR); the steps' environment is set in ct-scenario-world.c */
	g_setenv("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
	g_setenv("GSETTINGS_BACKEND", "memory", TRUE);
	g_setenv("GIO_USE_VFS", "local", TRUE);
	/* before any thread: the workers inherit the blocked signals */
	ct_cli_cancel_on_signals(cli);
	if (!ct_cli_parse_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (!ct_cmd_scenario_check_options(cli, argc, jobs, tap, layout, &self.options, error))
		return FALSE;
	if (shard != NULL && !ct_cmd_scenario_parse_shard(shard, &shard_index, &shard_count, error))
		return FALSE;
	if (jobs == -1)
		jobs = (gint)MIN(g_get_num_processors(), CT_CMD_SCENARIO_MAX_JOBS);
	/* every step runs this very program */
	program = g_file_read_link("/proc/self/exe", error);
	if (program == NULL) {
		ct_error_convert(error);
		return FALSE;
	}
	scenarios = ct_cmd_scenario_load(cli, tap, argc, argv, error);
	if (scenarios == NULL)
		return FALSE;
	/* every file is read and checked on every machine; each runs its own part */
	if (shard_count > 1)
		ct_cmd_scenario_keep_shard(scenarios, shard_index, shard_count);

	cache = ct_scenario_cache_new(error);
	if (cache == NULL)
		return FALSE;
	self.scenarios = scenarios;
	self.reports = g_ptr_array_new_full(scenarios->len,
					    (GDestroyNotify)ct_scenario_report_free);
	g_ptr_array_set_size(self.reports, (gint)scenarios->len);
	done = g_async_queue_new();
	self.done = done;
	self.options.program = program;
	self.options.cache = cache;
	self.options.browsers = browsers;
	self.options.keep = keep;
	self.cancellable = cli->cancellable;
	g_mutex_init(&self.lock);
	if (tap)
		ct_cmd_scenario_print_plan(cli, scenarios);
	fflush(stdout);

	if (!ct_cmd_scenario_run_all(cli, &self, jobs, tap, &totals, error)) {
		g_ptr_array_unref(self.reports);
		return FALSE;
	}
	g_mutex_clear(&self.lock);
	seconds = (gdouble)(g_get_monotonic_time() - started) / G_USEC_PER_SEC;

	ct_cmd_scenario_print_totals(cli, &self, tap, jobs, &totals, seconds);
	if (junit != NULL && !ct_cmd_scenario_write_junit(self.reports, junit, seconds, error)) {
		g_ptr_array_unref(self.reports);
		return FALSE;
	}
	g_ptr_array_unref(self.reports);
	return ct_cmd_scenario_check_totals(&totals, error);
}
