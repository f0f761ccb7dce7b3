#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "ct-cleanup.h"
#include "ct-scenario-world.h"

/* the isolated world's processes: each certtrust command a step runs, to its end, its
 * deadline or Ctrl-C, with what it printed */

static void
ct_scenario_child_setup(gpointer user_data)
{
	sigset_t none;

	/* the runner blocks SIGINT and SIGTERM for its signal thread: the child must not
	 * inherit that, or it could never be stopped; and it ends with the runner */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static gint
ct_scenario_process_id(GSubprocess *process)
{
	const gchar *identifier = g_subprocess_get_identifier(process);
	return identifier != NULL ? (gint)g_ascii_strtoll(identifier, NULL, 10) : 0;
}

/* a child of the runner, to end with it when told to stop at once (ct-cleanup.h) */
static GSubprocess *
ct_scenario_spawn(CtScenarioRun *run, GPtrArray *argv, GSubprocessFlags flags, GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(flags);
	g_autoptr(GError) error_local = NULL;
	GSubprocess *process;

	g_subprocess_launcher_set_environ(launcher, run->envp);
	g_subprocess_launcher_set_cwd(launcher, run->dir);
	g_subprocess_launcher_set_stdin_file_path(launcher, "/dev/null");
	g_subprocess_launcher_set_child_setup(launcher, ct_scenario_child_setup, NULL, NULL);
	process = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata,
					       &error_local);
	if (process == NULL)
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot start %s: %s",
			    (const gchar *)argv->pdata[0], error_local->message);
	else
		ct_cleanup_add_process(ct_scenario_process_id(process),
				       CT_CLEANUP_PROCESS_CERTTRUST);
	return process;
}

typedef struct {
	gboolean done;
	gboolean timed_out;
	GCancellable *cancellable;
	GBytes *out;
	GBytes *err;
	GError *error;
} CtScenarioWait;

static void
ct_scenario_wait_clear(CtScenarioWait *wait)
{
	g_clear_object(&wait->cancellable);
	g_clear_pointer(&wait->out, g_bytes_unref);
	g_clear_pointer(&wait->err, g_bytes_unref);
	g_clear_error(&wait->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CtScenarioWait, ct_scenario_wait_clear)

static void
ct_scenario_forward_cancel_cb(GCancellable *cancellable, gpointer user_data)
{
	g_cancellable_cancel(G_CANCELLABLE(user_data));
}

static gboolean
ct_scenario_timeout_cb(gpointer user_data)
{
	CtScenarioWait *wait = user_data;
	wait->timed_out = TRUE;
	g_cancellable_cancel(wait->cancellable);
	return G_SOURCE_REMOVE;
}

static void
ct_scenario_waited_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CtScenarioWait *wait = user_data;
	g_subprocess_wait_finish(G_SUBPROCESS(source), result, &wait->error);
	wait->done = TRUE;
}

static void
ct_scenario_communicated_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CtScenarioWait *wait = user_data;
	g_subprocess_communicate_finish(G_SUBPROCESS(source), result, &wait->out, &wait->err,
					&wait->error);
	wait->done = TRUE;
}

/* iterate this scenario's main context until the operation is done */
static void
ct_scenario_iterate(CtScenarioRun *run, CtScenarioWait *wait)
{
	while (!wait->done)
		g_main_context_iteration(run->context, TRUE);
}

/* a deadline and the runner's cancellation, for one wait */
static GSource *
ct_scenario_wait_start(CtScenarioRun *run, CtScenarioWait *wait, guint seconds, gulong *handler)
{
	GSource *timeout = g_timeout_source_new_seconds(seconds);

	wait->cancellable = g_cancellable_new();
	g_source_set_callback(timeout, ct_scenario_timeout_cb, wait, NULL);
	g_source_attach(timeout, run->context);
	*handler = run->cancellable != NULL
		       ? g_cancellable_connect(run->cancellable,
					       G_CALLBACK(ct_scenario_forward_cancel_cb),
					       g_object_ref(wait->cancellable), g_object_unref)
		       : 0;
	return timeout;
}

static void
ct_scenario_wait_stop(CtScenarioRun *run, GSource *timeout, gulong handler)
{
	if (handler != 0)
		g_cancellable_disconnect(run->cancellable, handler);
	g_source_destroy(timeout);
	g_source_unref(timeout);
}

static gboolean
ct_scenario_wait_exit(CtScenarioRun *run, GSubprocess *process, guint seconds)
{
	g_auto(CtScenarioWait) wait = {0};
	g_autoptr(GSource) timeout = g_timeout_source_new_seconds(seconds);

	wait.cancellable = g_cancellable_new();
	g_source_set_callback(timeout, ct_scenario_timeout_cb, &wait, NULL);
	g_source_attach(timeout, run->context);
	g_subprocess_wait_async(process, wait.cancellable, ct_scenario_waited_cb, &wait);
	ct_scenario_iterate(run, &wait);
	g_source_destroy(timeout);
	return wait.error == NULL;
}

/* SIGTERM, time to clean up (a browser closes), then SIGKILL; always reaped */
static void
ct_scenario_stop_process(CtScenarioRun *run, GSubprocess *process)
{
	if (g_subprocess_get_identifier(process) == NULL)
		return;
	g_subprocess_send_signal(process, SIGTERM);
	if (ct_scenario_wait_exit(run, process, CT_SCENARIO_STOP_GRACE_S))
		return;
	g_subprocess_force_exit(process);
	g_subprocess_wait(process, NULL, NULL);
}

static gboolean
ct_scenario_set_wait_error(CtScenarioWait *wait, const gchar *what, guint seconds, GError **error)
{
	if (wait->timed_out)
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s did not finish within %u s", what,
			    seconds);
	else if (g_error_matches(wait->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		g_set_error(error, CT_ERROR, CT_ERROR_CANCELLED, "interrupted during %s", what);
	else
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s: %s", what,
			    wait->error != NULL ? wait->error->message : "no output");
	return FALSE;
}

/* run argv to its end (or the deadline, or Ctrl-C), with stdout and stderr */
static gboolean
ct_scenario_run_process(CtScenarioRun *run,
			GPtrArray *argv,
			guint seconds,
			CtScenarioOutput *output,
			GError **error)
{
	g_auto(CtScenarioWait) wait = {0};
	g_autoptr(GSubprocess) process = NULL;
	GSource *timeout;
	gulong handler = 0;
	gint pid;

	process = ct_scenario_spawn(run, argv,
				    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
				    error);
	if (process == NULL)
		return FALSE;
	pid = ct_scenario_process_id(process);
	timeout = ct_scenario_wait_start(run, &wait, seconds, &handler);
	g_subprocess_communicate_async(process, NULL, wait.cancellable, ct_scenario_communicated_cb,
				       &wait);
	ct_scenario_iterate(run, &wait);
	ct_scenario_wait_stop(run, timeout, handler);
	if (wait.error != NULL)
		ct_scenario_stop_process(run, process);
	/* reaped (communicate waits for the exit too, stop_process reaps) */
	ct_cleanup_forget_process(pid);
	if (wait.error != NULL)
		return ct_scenario_set_wait_error(&wait, "the command", seconds, error);
	output->status = g_subprocess_get_if_exited(process) ? g_subprocess_get_exit_status(process)
							     : -1;
	output->out = g_strndup(wait.out != NULL ? g_bytes_get_data(wait.out, NULL) : NULL,
				wait.out != NULL ? g_bytes_get_size(wait.out) : 0);
	output->err = g_strndup(wait.err != NULL ? g_bytes_get_data(wait.err, NULL) : NULL,
				wait.err != NULL ? g_bytes_get_size(wait.err) : 0);
	if (output->out == NULL)
		output->out = g_strdup("");
	if (output->err == NULL)
		output->err = g_strdup("");
	return TRUE;
}

static gchar *
ct_scenario_quote_argv(GPtrArray *argv)
{
	g_autoptr(GString) text = g_string_new("certtrust");

	/* argv[0] is this program: people know it as certtrust */
	for (guint i = 1; i < argv->len && argv->pdata[i] != NULL; i++) {
		const gchar *arg = g_ptr_array_index(argv, i);
		g_autofree gchar *quoted = NULL;
		if (arg[0] != '\0' && strspn(arg, "abcdefghijklmnopqrstuvwxyz"
						  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
						  "-_./:,=+@") == strlen(arg))
			quoted = g_strdup(arg);
		else
			quoted = g_shell_quote(arg);
		g_string_append_printf(text, " %s", quoted);
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

void
ct_scenario_add_command(CtScenarioStepReport *report, const gchar *command)
{
	gchar *joined = g_strdup_printf("%s%s%s", report->command != NULL ? report->command : "",
					report->command != NULL ? "\n" : "", command);
	g_free(report->command);
	report->command = joined;
}

/* certtrust --json --sysroot SYSROOT ARGS... [--resolve ...]: its exit status and its one
 * JSON document (a step fails when stdout is not one) */
gboolean
ct_scenario_certtrust(CtScenarioRun *run,
		      CtScenarioStepReport *report,
		      const gchar *const *args,
		      gboolean connects,
		      guint seconds,
		      CtScenarioOutput *output,
		      GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree gchar *command = NULL;
	g_autoptr(GError) error_local = NULL;

	g_ptr_array_add(argv, g_strdup(run->options->program));
	g_ptr_array_add(argv, g_strdup("--json"));
	g_ptr_array_add(argv, g_strdup("--sysroot"));
	g_ptr_array_add(argv, g_strdup(run->sysroot));
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(args[i]));
	for (guint i = 0; connects && i < run->resolve->len; i++) {
		g_ptr_array_add(argv, g_strdup("--resolve"));
		g_ptr_array_add(argv, g_strdup(g_ptr_array_index(run->resolve, i)));
	}
	g_ptr_array_add(argv, NULL);
	command = ct_scenario_quote_argv(argv);
	ct_scenario_add_command(report, command);
	if (seconds == 0)
		seconds = run->options->timeout > 0 ? run->options->timeout : CT_SCENARIO_TIMEOUT_S;
	if (!ct_scenario_run_process(run, argv, seconds, output, error))
		return FALSE;
	g_free(report->output);
	report->output = ct_scenario_cut(output->err);
	if (!json_parser_load_from_data(parser, output->out, -1, &error_local) ||
	    ct_json_node_get_object(json_parser_get_root(parser)) == NULL) {
		g_autofree gchar *got = ct_scenario_cut(output->out);
		g_autofree gchar *quoted = g_strdup_printf("'%s' (exit status %d)",
							   got != NULL ? got : "", output->status);
		ct_scenario_mismatch(report, "stdout", "one JSON object", quoted);
		return TRUE;
	}
	output->root = json_node_copy(json_parser_get_root(parser));
	return TRUE;
}
