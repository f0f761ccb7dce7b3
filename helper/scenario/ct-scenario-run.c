#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "ct-browser.h"
#include "ct-cleanup.h"
#include "ct-escape.h"
#include "ct-fetch.h"
#include "ct-nssdb.h"
#include "ct-pem.h"
#include "ct-scenario-private.h"
#include "ct-serve.h"
#include "ct-tmpdir.h"

/* the Firefox profile every scenario's HOME has */
#define CT_SCENARIO_FIREFOX_PROFILE "scenario.default-esr"

/* NSS databases are made in this process, by one thread at a time */
static GMutex ct_scenario_nss_lock;

struct _CtScenarioCache {
	gchar *dir;
	GMutex lock;
	gboolean has_nssdb;
};

void
ct_scenario_output_clear(CtScenarioOutput *output)
{
	g_clear_pointer(&output->out, g_free);
	g_clear_pointer(&output->err, g_free);
	g_clear_pointer(&output->root, json_node_unref);
}

const gchar *
ct_scenario_result_to_string(CtScenarioResult result)
{
	switch (result) {
	case CT_SCENARIO_RESULT_PASS:
		return "pass";
	case CT_SCENARIO_RESULT_FAIL:
		return "fail";
	case CT_SCENARIO_RESULT_SKIP:
		return "skip";
	case CT_SCENARIO_RESULT_TODO:
		return "todo";
	case CT_SCENARIO_RESULT_TODO_PASS:
		return "todo-pass";
	default:
		return "unknown";
	}
}

static void
ct_scenario_step_report_free(CtScenarioStepReport *report)
{
	g_free(report->message);
	g_free(report->expected);
	g_free(report->actual);
	g_free(report->command);
	g_free(report->output);
	g_free(report);
}

void
ct_scenario_report_free(CtScenarioReport *report)
{
	if (report == NULL)
		return;
	g_ptr_array_unref(report->steps);
	g_free(report->dir);
	g_free(report);
}

gboolean
ct_scenario_report_passed(const CtScenarioReport *report)
{
	if (report->cancelled)
		return FALSE;
	for (guint i = 0; i < report->steps->len; i++) {
		CtScenarioStepReport *step = g_ptr_array_index(report->steps, i);
		if (step->result == CT_SCENARIO_RESULT_FAIL)
			return FALSE;
	}
	return TRUE;
}

/* subprocesses */

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
	    ct_scenario_json_object(json_parser_get_root(parser)) == NULL) {
		g_autofree gchar *got = ct_scenario_cut(output->out);
		g_autofree gchar *quoted = g_strdup_printf("'%s' (exit status %d)",
							   got != NULL ? got : "", output->status);
		ct_scenario_mismatch(report, "stdout", "one JSON object", quoted);
		return TRUE;
	}
	output->root = json_node_copy(json_parser_get_root(parser));
	return TRUE;
}

/* where things are */

const gchar *
ct_scenario_first_name(CtScenarioRun *run)
{
	return g_ptr_array_index(run->scenario->names, 0);
}

gchar *
ct_scenario_url(CtScenarioRun *run, const gchar *name, const gchar *path)
{
	return g_strdup_printf("https://%s:%u%s", name, run->https_port, path != NULL ? path : "/");
}

gchar *
ct_scenario_typed(CtScenarioRun *run, const gchar *name)
{
	return g_strdup_printf("%s:%u", name, run->https_port);
}

gchar *
ct_scenario_store_spec(CtScenarioRun *run, const gchar *store)
{
	if (g_strcmp0(store, "nss") == 0)
		return g_strconcat("nss:", run->nss_dir, NULL);
	return g_strdup(store);
}

static gboolean
ct_scenario_write_full_chain(CtScenarioRun *run, gchar **path, GError **error)
{
	const gchar *keys[] = {"pem", "intermediate-pem", "root-pem"};
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		const gchar *file = g_hash_table_lookup(run->files, keys[i]);
		g_autofree gchar *contents = NULL;
		if (file == NULL)
			continue;
		if (!g_file_get_contents(file, &contents, NULL, error)) {
			ct_error_convert(error);
			return FALSE;
		}
		g_string_append(text, contents);
	}
	*path = g_build_filename(run->dir, "full-chain.pem", NULL);
	if (!g_file_set_contents(*path, text->str, (gssize)text->len, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

/* the SOURCE a step names: the chain the server presents (serve's copies of exactly
 * those certificates), the server itself, or one of the files serve wrote */
gchar *
ct_scenario_source(CtScenarioRun *run, const gchar *from, GError **error)
{
	const gchar *file;

	if (from == NULL)
		return g_strdup(run->presented);
	if (g_strcmp0(from, "server") == 0)
		return ct_scenario_url(run, ct_scenario_first_name(run), NULL);
	if (g_strcmp0(from, "full-chain") == 0) {
		gchar *path = NULL;
		if (!ct_scenario_write_full_chain(run, &path, error)) {
			g_free(path);
			return NULL;
		}
		return path;
	}
	file = g_hash_table_lookup(run->files, from);
	if (file == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "serve --profile %s wrote no %s file", run->scenario->profile, from);
		return NULL;
	}
	return g_strdup(file);
}

static gchar *
ct_scenario_format_sha256(const guint8 *digest, gsize len)
{
	GString *text = g_string_new(NULL);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf(text, "%s%02X", i > 0 ? ":" : "", digest[i]);
	return g_string_free(text, FALSE);
}

/* SHA-256 of a DER file, as certtrust prints fingerprints */
static gchar *
ct_scenario_file_sha256(const gchar *path)
{
	g_autofree gchar *contents = NULL;
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize digest_len = sizeof(digest);
	gsize len = 0;

	if (path == NULL || !g_file_get_contents(path, &contents, &len, NULL))
		return NULL;
	g_checksum_update(checksum, (const guchar *)contents, len);
	g_checksum_get_digest(checksum, digest, &digest_len);
	return ct_scenario_format_sha256(digest, digest_len);
}

/* the role each of the server's certificates plays, by fingerprint of serve's copies */
static void
ct_scenario_update_roles(CtScenarioRun *run)
{
	const gchar *keys[][2] = {{"der", "leaf"},
				  {"intermediate-der", "intermediate"},
				  {"root-der", "root"}};

	g_hash_table_remove_all(run->roles);
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		gchar *sha256 = ct_scenario_file_sha256(
		    g_hash_table_lookup(run->files, keys[i][0]));
		if (sha256 != NULL)
			g_hash_table_replace(run->roles, sha256, g_strdup(keys[i][1]));
	}
}

/* the server */

static guint
ct_scenario_url_port(const gchar *url)
{
	g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
	return uri != NULL && g_uri_get_port(uri) > 0 ? (guint)g_uri_get_port(uri) : 0;
}

static void
ct_scenario_update_resolve(CtScenarioRun *run)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	/* serve listens on loopback; an external server is where `resolve` says, else DNS */
	const gchar *address = run->scenario->server != NULL ? run->scenario->address : "127.0.0.1";
	gboolean v6 = address != NULL && strchr(address, ':') != NULL;

	g_ptr_array_set_size(run->resolve, 0);
	if (address == NULL)
		return;
	for (guint i = 0; i <= run->scenario->steps->len; i++) {
		GPtrArray *names =
		    i == 0
			? run->scenario->names
			: ((CtScenarioStep *)g_ptr_array_index(run->scenario->steps, i - 1))->names;
		for (guint j = 0; j < names->len; j++) {
			const gchar *name = g_ptr_array_index(names, j);
			if (g_hostname_is_ip_address(name) ||
			    !g_hash_table_add(seen, (gpointer)name))
				continue;
			g_ptr_array_add(run->resolve,
					g_strdup_printf("%s:%u:%s%s%s", name, run->https_port,
							v6 ? "[" : "", address, v6 ? "]" : ""));
		}
	}
}

/* serve names only the files this start wrote: the copies already there count too */
static void
ct_scenario_complete_files(CtScenarioRun *run)
{
	const gchar *files[][2] = {{"pem", ".pem"},
				   {"der", ".der"},
				   {"intermediate-pem", "-intermediate.pem"},
				   {"intermediate-der", "-intermediate.der"},
				   {"root-pem", "-root.pem"},
				   {"root-der", "-root.der"}};

	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *base = NULL;
		g_autofree gchar *path = NULL;
		if (g_hash_table_contains(run->files, files[i][0]))
			continue;
		base = g_strconcat(run->scenario->profile, files[i][1], NULL);
		path = g_build_filename(run->cert_dir, base, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
			g_hash_table_replace(run->files, g_strdup(files[i][0]),
					     g_steal_pointer(&path));
	}
}

/* the chain the server presents, as a file: serve's copies of the certificates it
 * presents (checked by fingerprint), leaf first. Steps read it as a browser's dialog holds
 * the certificate of the first access, without a TLS connection each */
static gboolean
ct_scenario_write_presented(CtScenarioRun *run, CtChain *chain, GError **error)
{
	const gchar *copies[][2] = {{"der", "pem"}, {"intermediate-der", "intermediate-pem"}};
	g_autoptr(GString) text = g_string_new(NULL);
	guint count = chain->certificates->len;

	if (count > G_N_ELEMENTS(copies)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "serve presents %u certificates: expected at most %u", count,
			    (guint)G_N_ELEMENTS(copies));
		return FALSE;
	}
	for (guint i = 0; i < count; i++) {
		CtCertificate *certificate = g_ptr_array_index(chain->certificates, i);
		g_autofree gchar *sha256 = ct_scenario_file_sha256(
		    g_hash_table_lookup(run->files, copies[i][0]));
		const gchar *pem = g_hash_table_lookup(run->files, copies[i][1]);
		g_autofree gchar *contents = NULL;

		if (sha256 == NULL || pem == NULL || g_strcmp0(sha256, certificate->sha256) != 0 ||
		    !g_file_get_contents(pem, &contents, NULL, NULL)) {
			g_set_error(
			    error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "serve's copy of certificate %u (%s) is not the one it presents", i + 1,
			    copies[i][1]);
			return FALSE;
		}
		g_string_append(text, contents);
	}
	g_free(run->presented);
	run->presented = g_build_filename(run->dir, "presented.pem", NULL);
	if (!g_file_set_contents(run->presented, text->str, (gssize)text->len, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

/* an external server (`server https://HOST:PORT/`): what it presents, read once as a
 * browser's first access does, stands in for serve's copies: the chain presented, its leaf
 * for check-host and each certificate's role */
static gboolean
ct_scenario_external_read(CtScenarioRun *run, GError **error)
{
	g_autoptr(GPtrArray)
	    rules = g_ptr_array_new_with_free_func((GDestroyNotify)ct_resolve_rule_free);
	g_autoptr(CtChain) chain = NULL;
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GString) leaf = NULL;
	g_autofree gchar *leaf_path = NULL;
	const gchar *roles[] = {[CT_CHAIN_ROLE_LEAF] = "leaf",
				[CT_CHAIN_ROLE_INTERMEDIATE] = "intermediate",
				[CT_CHAIN_ROLE_ROOT] = "root",
				[CT_CHAIN_ROLE_UNRELATED] = NULL};

	run->https_port = run->scenario->port;
	ct_scenario_update_resolve(run);
	for (guint i = 0; i < run->resolve->len; i++) {
		CtResolveRule *rule = ct_resolve_rule_parse(g_ptr_array_index(run->resolve, i),
							    error);
		if (rule == NULL)
			return FALSE;
		g_ptr_array_add(rules, rule);
	}
	chain = ct_fetch(run->scenario->server, rules, CT_SCENARIO_NET_TIMEOUT_S, run->cancellable,
			 error);
	if (chain == NULL) {
		g_prefix_error(error, "%s: ", run->scenario->server);
		return FALSE;
	}
	if (chain->certificates->len == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "%s presented no certificate",
			    run->scenario->server);
		return FALSE;
	}
	for (guint i = 0; i < chain->certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(chain->certificates, i);
		g_autofree gchar *pem = ct_pem_encode("CERTIFICATE", certificate->der);
		CtChainRole role = ct_chain_get_role(chain, i);
		g_string_append(text, pem);
		if (i == 0)
			leaf = g_string_new(pem);
		if ((guint)role < G_N_ELEMENTS(roles) && roles[role] != NULL)
			g_hash_table_replace(run->roles, g_strdup(certificate->sha256),
					     g_strdup(roles[role]));
	}
	run->sha256 = g_strdup(ct_chain_get_leaf(chain)->sha256);
	run->presented = g_build_filename(run->dir, "presented.pem", NULL);
	leaf_path = g_build_filename(run->dir, "leaf.pem", NULL);
	if (!g_file_set_contents(run->presented, text->str, (gssize)text->len, error) ||
	    !g_file_set_contents(leaf_path, leaf->str, (gssize)leaf->len, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	g_hash_table_replace(run->files, g_strdup("pem"), g_steal_pointer(&leaf_path));
	return TRUE;
}

/* the server's own thread: its main loop serves while the scenario's thread runs a step,
 * whether that step waits for a process or does its own blocking I/O */
struct _CtScenarioServer {
	CtServeOptions options;
	GMainContext *context;
	GMainLoop *loop;
	GThread *thread;
	GMutex lock;
	GCond cond;
	gboolean ready;
	CtServer *server;
	GError *error;
};

static gpointer
ct_scenario_server_thread(gpointer data)
{
	CtScenarioServer *self = data;
	CtServer *server;
	GError *error = NULL;

	g_main_context_push_thread_default(self->context);
	g_mutex_lock(&ct_scenario_nss_lock);
	server = ct_server_new(&self->options, &error);
	g_mutex_unlock(&ct_scenario_nss_lock);
	g_mutex_lock(&self->lock);
	self->server = server;
	self->error = error;
	self->ready = TRUE;
	g_cond_signal(&self->cond);
	g_mutex_unlock(&self->lock);
	if (server != NULL)
		g_main_loop_run(self->loop);
	/* the listeners close here, in the thread whose context they are attached to */
	g_clear_object(&self->server);
	g_main_context_pop_thread_default(self->context);
	return NULL;
}

static void
ct_scenario_server_free(CtScenarioServer *self)
{
	if (self == NULL)
		return;
	if (self->thread != NULL) {
		g_main_loop_quit(self->loop);
		g_thread_join(self->thread);
	}
	g_clear_error(&self->error);
	g_main_loop_unref(self->loop);
	g_main_context_unref(self->context);
	g_mutex_clear(&self->lock);
	g_cond_clear(&self->cond);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtScenarioServer, ct_scenario_server_free)

/* what the server presents and the copies it wrote, once it listens */
static gboolean
ct_scenario_serve_read(CtScenarioRun *run, CtServer *server, GError **error)
{
	CtChain *chain = ct_server_get_chain(server);
	GHashTableIter iter;
	gpointer key;
	gpointer value;

	run->https_port = ct_scenario_url_port(ct_server_get_https_url(server));
	run->http_port = ct_scenario_url_port(ct_server_get_http_url(server));
	g_free(run->sha256);
	run->sha256 = g_strdup(ct_chain_get_leaf(chain)->sha256);
	run->generated = ct_server_get_generated(server);
	g_hash_table_iter_init(&iter, ct_server_get_files(server));
	while (g_hash_table_iter_next(&iter, &key, &value))
		g_hash_table_replace(run->files, g_strdup(key), g_strdup(value));
	ct_scenario_complete_files(run);
	ct_scenario_update_roles(run);
	ct_scenario_update_resolve(run);
	return ct_scenario_write_presented(run, chain, error);
}

/* one start of the server in its thread: the server, or NULL with its error */
static CtScenarioServer *
ct_scenario_server_start(CtScenarioRun *run, const gchar *const *names, gboolean regenerate)
{
	CtScenarioServer *self = g_new0(CtScenarioServer, 1);

	self->options.profile = run->scenario->profile;
	self->options.names = names;
	self->options.listen = "127.0.0.1";
	self->options.https_port = (gint)run->https_port;
	self->options.http_port = (gint)run->http_port;
	self->options.cert_dir = run->cert_dir;
	self->options.regenerate = regenerate;
	self->context = g_main_context_new();
	self->loop = g_main_loop_new(self->context, FALSE);
	g_mutex_init(&self->lock);
	g_cond_init(&self->cond);
	self->thread = g_thread_new("ct-scenario-serve", ct_scenario_server_thread, self);
	/* making a certificate takes a moment; nothing in it waits on the network */
	g_mutex_lock(&self->lock);
	while (!self->ready)
		g_cond_wait(&self->cond, &self->lock);
	g_mutex_unlock(&self->lock);
	return self;
}

/* `certtrust serve` on loopback, in a thread of this process (a process per scenario
 * cost a third of the library's time): port 0 on the first start, the same ports after
 * (status compares host:port) */
gboolean
ct_scenario_serve_start(CtScenarioRun *run,
			gboolean regenerate,
			CtScenarioStepReport *report,
			GError **error)
{
	g_autoptr(CtScenarioServer) self = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GString) command = g_string_new("certtrust serve --profile ");
	gint64 deadline = g_get_monotonic_time() + CT_SCENARIO_REBIND_S * G_USEC_PER_SEC;

	g_string_append(command, run->scenario->profile);
	for (guint i = 0; i < run->scenario->names->len; i++) {
		g_ptr_array_add(names, g_ptr_array_index(run->scenario->names, i));
		g_string_append_printf(command, " --name %s",
				       (const gchar *)g_ptr_array_index(run->scenario->names, i));
	}
	g_ptr_array_add(names, NULL);
	g_string_append_printf(command,
			       " --https-port %u --http-port %u --cert-dir %s%s (in the "
			       "runner)",
			       run->https_port, run->http_port, run->cert_dir,
			       regenerate ? " --regenerate" : "");
	if (report != NULL)
		ct_scenario_add_command(report, command->str);

	/* a restart binds the ports the server just closed; a child another scenario's thread
	 * forked holds every descriptor of this process until it execs, the listening
	 * sockets too: on a busy port, wait for that exec and try again */
	for (;;) {
		self = ct_scenario_server_start(run, (const gchar *const *)names->pdata,
						regenerate);
		if (self->server != NULL || run->https_port == 0 ||
		    !g_error_matches(self->error, CT_ERROR, CT_ERROR_BUSY) ||
		    g_get_monotonic_time() >= deadline)
			break;
		g_clear_pointer(&self, ct_scenario_server_free);
		g_usleep(50 * 1000);
	}
	if (self->server == NULL) {
		g_propagate_prefixed_error(error, g_steal_pointer(&self->error),
					   "%s: ", command->str);
		return FALSE;
	}
	if (!ct_scenario_serve_read(run, self->server, error))
		return FALSE;
	run->serve = g_steal_pointer(&self);
	return TRUE;
}

void
ct_scenario_serve_stop(CtScenarioRun *run)
{
	g_clear_pointer(&run->serve, ct_scenario_server_free);
}

/* the isolated world: HOME, XDG dirs, a Firefox profile, Chromium's db, the OS store */

gboolean
ct_scenario_mkdir(const gchar *path, GError **error)
{
	if (g_mkdir_with_parents(path, 0700) != 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot create %s: %s", path,
			    g_strerror(errsv));
		return FALSE;
	}
	return TRUE;
}

/* an NSS database with an empty password, as Chromium and Firefox make them */
static gboolean
ct_scenario_make_nssdb(const gchar *dir, GError **error)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&ct_scenario_nss_lock);
	g_autoptr(CtNssDb) db = NULL;

	if (!ct_scenario_mkdir(dir, error))
		return FALSE;
	db = ct_nssdb_open(dir, TRUE, error);
	return db != NULL;
}

CtScenarioCache *
ct_scenario_cache_new(GError **error)
{
	g_autofree gchar *dir = ct_tmpdir_new(NULL, "scenario-cache", error);
	CtScenarioCache *cache;

	if (dir == NULL) {
		ct_error_convert(error);
		return NULL;
	}
	cache = g_new0(CtScenarioCache, 1);
	cache->dir = g_steal_pointer(&dir);
	g_mutex_init(&cache->lock);
	return cache;
}

void
ct_scenario_cache_free(CtScenarioCache *cache)
{
	if (cache == NULL)
		return;
	ct_tmpdir_remove(cache->dir);
	g_free(cache->dir);
	g_mutex_clear(&cache->lock);
	g_free(cache);
}

/* the regular files of one directory into another (made if needed), modes kept */
static gboolean
ct_scenario_copy_dir(const gchar *from, const gchar *to, GError **error)
{
	g_autoptr(GDir) dir = g_dir_open(from, 0, error);
	const gchar *name;

	if (dir == NULL || !ct_scenario_mkdir(to, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *source = g_build_filename(from, name, NULL);
		g_autofree gchar *target = g_build_filename(to, name, NULL);
		g_autofree gchar *contents = NULL;
		GStatBuf st;
		gsize len = 0;

		if (g_lstat(source, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (!g_file_get_contents(source, &contents, &len, error) ||
		    !g_file_set_contents_full(target, contents, (gssize)len,
					      G_FILE_SET_CONTENTS_CONSISTENT,
					      (gint)(st.st_mode & 0777), error)) {
			ct_error_convert(error);
			return FALSE;
		}
	}
	return TRUE;
}

/* where the certificates for this scenario's profile and names are kept */
static gchar *
ct_scenario_cache_certificates_dir(CtScenarioRun *run)
{
	g_autoptr(GString) key = g_string_new(run->scenario->profile);
	g_autofree gchar *hash = NULL;
	g_autofree gchar *base = NULL;

	for (guint i = 0; i < run->scenario->names->len; i++)
		g_string_append_printf(key, "\n%s", (const gchar *)run->scenario->names->pdata[i]);
	hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key->str, -1);
	base = g_strdup_printf("certificates-%.16s", hash);
	return g_build_filename(run->options->cache->dir, base, NULL);
}

/* a copy of the certificates a scenario before this one had serve generate, if any */
static gboolean
ct_scenario_cache_take_certificates(CtScenarioRun *run, GError **error)
{
	g_autofree gchar *dir = NULL;

	if (run->options->cache == NULL)
		return TRUE;
	dir = ct_scenario_cache_certificates_dir(run);
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
		return TRUE;
	return ct_scenario_copy_dir(dir, run->cert_dir, error);
}

/* keep what serve generated for the scenarios after this one: a complete copy appears
 * at once (rename) or not at all */
static void
ct_scenario_cache_give_certificates(CtScenarioRun *run)
{
	g_autofree gchar *dir = NULL;
	g_autofree gchar *tmp = NULL;
	g_autoptr(GError) error = NULL;

	if (run->options->cache == NULL || !run->generated)
		return;
	dir = ct_scenario_cache_certificates_dir(run);
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return;
	tmp = g_strdup_printf("%s.%p", dir, (gpointer)run);
	if (!ct_scenario_copy_dir(run->cert_dir, tmp, &error) || g_rename(tmp, dir) != 0) {
		g_debug("certificates not cached: %s",
			error != NULL ? error->message : g_strerror(errno));
		ct_tmpdir_remove(tmp);
	}
}

/* an empty NSS database at dir: a copy of the run's template, or a new one */
static gboolean
ct_scenario_cache_make_nssdb(CtScenarioRun *run, const gchar *dir, GError **error)
{
	CtScenarioCache *cache = run->options->cache;
	g_autofree gchar *template = NULL;

	if (cache == NULL)
		return ct_scenario_make_nssdb(dir, error);
	template = g_build_filename(cache->dir, "nssdb", NULL);
	g_mutex_lock(&cache->lock);
	if (!cache->has_nssdb)
		cache->has_nssdb = ct_scenario_make_nssdb(template, error);
	g_mutex_unlock(&cache->lock);
	if (!cache->has_nssdb)
		return FALSE;
	return ct_scenario_copy_dir(template, dir, error);
}

static gboolean
ct_scenario_make_firefox(CtScenarioRun *run, GError **error)
{
	g_autofree gchar *ini_dir = run->layout == CT_SCENARIO_LAYOUT_LEGACY
					? g_build_filename(run->home, ".mozilla", "firefox", NULL)
					: g_build_filename(run->home, ".config", "mozilla",
							   "firefox", NULL);
	g_autofree gchar *profile = g_build_filename(ini_dir, CT_SCENARIO_FIREFOX_PROFILE, NULL);
	g_autofree gchar *ini = g_build_filename(ini_dir, "profiles.ini", NULL);
	const gchar *contents =
	    "[Profile0]\nName=default-esr\nIsRelative=1\nPath=" CT_SCENARIO_FIREFOX_PROFILE
	    "\nDefault=1\n\n[General]\nStartWithLastProfile=1\nVersion=2\n";

	if (!ct_scenario_cache_make_nssdb(run, profile, error))
		return FALSE;
	if (!g_file_set_contents(ini, contents, -1, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ct_scenario_setup(CtScenarioRun *run, GError **error)
{
	const gchar *dirs[] = {".config", ".local/share", ".local/state", ".cache"};
	const gchar *variables[] = {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
				    "XDG_CACHE_HOME"};
	/* no display or session of the user's, and no proxy: loopback only */
	const gchar *unset[] = {"DISPLAY",	   "WAYLAND_DISPLAY",
				"XAUTHORITY",	   "DBUS_SESSION_BUS_ADDRESS",
				"SESSION_MANAGER", "http_proxy",
				"https_proxy",	   "all_proxy",
				"no_proxy",	   "HTTP_PROXY",
				"HTTPS_PROXY",	   "ALL_PROXY",
				"NO_PROXY"};
	g_autofree gchar *runtime = NULL;
	g_autofree gchar *tmp = NULL;
	g_autofree gchar *anchors = NULL;
	g_autofree gchar *chromium = NULL;

	run->dir = ct_tmpdir_new(NULL, "scenario", error);
	if (run->dir == NULL) {
		ct_error_convert(error);
		return FALSE;
	}
	/* --keep: not deleted even when told to stop at once */
	if (run->options->keep)
		ct_cleanup_forget_dir(run->dir);
	run->home = g_build_filename(run->dir, "home", NULL);
	run->sysroot = g_build_filename(run->dir, "sysroot", NULL);
	run->cert_dir = g_build_filename(run->dir, "serve", NULL);
	run->nss_dir = g_build_filename(run->dir, "nssdb", NULL);
	runtime = g_build_filename(run->dir, "run", NULL);
	/* a Fedora-like OS store: certtrust writes anchors there and runs nothing */
	anchors = g_build_filename(run->sysroot, "etc", "pki", "ca-trust", "source", "anchors",
				   NULL);
	chromium = run->layout == CT_SCENARIO_LAYOUT_LEGACY
		       ? g_build_filename(run->home, ".pki", "nssdb", NULL)
		       : g_build_filename(run->home, ".local", "share", "pki", "nssdb", NULL);

	run->envp = g_get_environ();
	run->envp = g_environ_setenv(run->envp, "HOME", run->home, TRUE);
	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree gchar *dir = g_build_filename(run->home, dirs[i], NULL);
		if (!ct_scenario_mkdir(dir, error))
			return FALSE;
		run->envp = g_environ_setenv(run->envp, variables[i], dir, TRUE);
	}
	for (guint i = 0; i < G_N_ELEMENTS(unset); i++)
		run->envp = g_environ_unsetenv(run->envp, unset[i]);
	run->envp = g_environ_setenv(run->envp, "XDG_RUNTIME_DIR", runtime, TRUE);
	run->envp = g_environ_setenv(run->envp, "NO_COLOR", "1", TRUE);
	run->envp = g_environ_setenv(run->envp, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
	/* the user's settings neither read nor written (dconf, gvfs): the scenario's own */
	run->envp = g_environ_setenv(run->envp, "GSETTINGS_BACKEND", "memory", TRUE);
	run->envp = g_environ_setenv(run->envp, "GIO_USE_VFS", "local", TRUE);
	if (!ct_scenario_mkdir(runtime, error) || !ct_scenario_mkdir(anchors, error) ||
	    !ct_scenario_mkdir(run->cert_dir, error))
		return FALSE;
	/* what the commands leave in TMPDIR goes with the scenario */
	tmp = g_build_filename(run->dir, "tmp", NULL);
	if (!ct_scenario_mkdir(tmp, error))
		return FALSE;
	run->envp = g_environ_setenv(run->envp, "TMPDIR", tmp, TRUE);
	if (!ct_scenario_make_firefox(run, error) ||
	    !ct_scenario_cache_make_nssdb(run, chromium, error)) {
		g_prefix_error(error, "the scenario's browser profiles: ");
		return FALSE;
	}
	if (run->scenario->server != NULL)
		return ct_scenario_external_read(run, error);
	if (!ct_scenario_cache_take_certificates(run, error) ||
	    !ct_scenario_serve_start(run, FALSE, NULL, error))
		return FALSE;
	ct_scenario_cache_give_certificates(run);
	return TRUE;
}

static void
ct_scenario_teardown(CtScenarioRun *run)
{
	ct_scenario_serve_stop(run);
	if (run->dir != NULL && !run->options->keep)
		ct_tmpdir_remove(run->dir);
	g_free(run->dir);
	g_free(run->home);
	g_free(run->sysroot);
	g_free(run->cert_dir);
	g_free(run->nss_dir);
	g_strfreev(run->envp);
	g_ptr_array_unref(run->resolve);
	g_free(run->sha256);
	g_hash_table_unref(run->files);
	g_hash_table_unref(run->roles);
	g_free(run->trusted_sha256);
	g_free(run->presented);
}

/* why a browser step cannot run here, or NULL */
static gchar *
ct_scenario_browser_skip(const CtScenarioRunOptions *options, const CtScenarioStep *step)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL;

	if (!ct_scenario_step_needs_browser(step))
		return NULL;
	if (!options->browsers)
		return g_strdup("a real browser: run with --browsers");
	path = ct_browser_find(g_strcmp0(step->browser, "firefox") == 0 ? CT_BROWSER_FIREFOX
									: CT_BROWSER_CHROMIUM,
			       &error);
	if (path == NULL)
		return g_strdup(error->message);
	return NULL;
}

static void
ct_scenario_skip(CtScenarioStepReport *report, gchar *why)
{
	report->result = CT_SCENARIO_RESULT_SKIP;
	g_free(report->message);
	report->message = why;
}

CtScenarioReport *
ct_scenario_run(const CtScenario *scenario,
		const CtScenarioRunOptions *options,
		GCancellable *cancellable)
{
	g_autoptr(CtScenarioReport) report = g_new0(CtScenarioReport, 1);
	g_autoptr(GError) setup_error = NULL;
	CtScenarioRun run = {0};
	gint64 started = g_get_monotonic_time();
	gchar *stopped = NULL;

	report->scenario = scenario;
	report->steps = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)ct_scenario_step_report_free);
	for (guint i = 0; i < scenario->steps->len; i++) {
		CtScenarioStepReport *step_report = g_new0(CtScenarioStepReport, 1);
		step_report->step = g_ptr_array_index(scenario->steps, i);
		step_report->result = CT_SCENARIO_RESULT_SKIP;
		g_ptr_array_add(report->steps, step_report);
	}

	run.scenario = scenario;
	run.options = options;
	run.layout = options->override_layout ? options->layout : scenario->layout;
	report->layout = run.layout;
	run.cancellable = cancellable;
	run.context = g_main_context_new();
	run.resolve = g_ptr_array_new_with_free_func(g_free);
	run.files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	run.roles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_main_context_push_thread_default(run.context);

	if (g_cancellable_is_cancelled(cancellable)) {
		/* interrupted before it started: nothing to set up or clean */
		report->cancelled = TRUE;
		stopped = g_strdup("not run: interrupted");
	} else if (!ct_scenario_setup(&run, &setup_error)) {
		CtScenarioStepReport *first = g_ptr_array_index(report->steps, 0);
		first->result = CT_SCENARIO_RESULT_FAIL;
		first->message = g_strdup_printf("the scenario's setup failed: %s",
						 setup_error->message);
		report->cancelled = g_error_matches(setup_error, CT_ERROR, CT_ERROR_CANCELLED);
		stopped = g_strdup("not run: the setup failed");
	}
	for (guint i = 0; i < report->steps->len; i++) {
		CtScenarioStepReport *step_report = g_ptr_array_index(report->steps, i);
		const CtScenarioStep *step = step_report->step;
		g_autoptr(GError) error = NULL;
		gint64 step_started = g_get_monotonic_time();
		gchar *skip;

		if (stopped != NULL) {
			if (step_report->result == CT_SCENARIO_RESULT_SKIP)
				ct_scenario_skip(step_report, g_strdup(stopped));
			continue;
		}
		if (g_cancellable_is_cancelled(cancellable)) {
			report->cancelled = TRUE;
			stopped = g_strdup("not run: interrupted");
			ct_scenario_skip(step_report, g_strdup(stopped));
			continue;
		}
		skip = ct_scenario_browser_skip(options, step);
		if (skip != NULL) {
			ct_scenario_skip(step_report, skip);
			continue;
		}
		if (!ct_scenario_run_step(&run, step, step_report, &error)) {
			g_autofree gchar *message = step_report->message;
			step_report->message = message != NULL
						   ? g_strdup_printf("%s; %s", error->message,
								     message)
						   : g_strdup(error->message);
			report->cancelled |= g_error_matches(error, CT_ERROR, CT_ERROR_CANCELLED);
		}
		/* Ctrl-C reaches the commands too: what they said then is no result */
		if (g_cancellable_is_cancelled(cancellable) && !report->cancelled) {
			report->cancelled = TRUE;
			g_free(step_report->message);
			step_report->message = g_strdup("interrupted");
		}
		step_report->seconds = (gdouble)(g_get_monotonic_time() - step_started) /
				       G_USEC_PER_SEC;
		if (step_report->message == NULL)
			step_report->result = step->todo != NULL ? CT_SCENARIO_RESULT_TODO_PASS
								 : CT_SCENARIO_RESULT_PASS;
		else
			step_report->result = step->todo != NULL ? CT_SCENARIO_RESULT_TODO
								 : CT_SCENARIO_RESULT_FAIL;
		/* a known problem does not stop the scenario; a failure does */
		if (step_report->result == CT_SCENARIO_RESULT_FAIL || report->cancelled)
			stopped = report->cancelled
				      ? g_strdup("not run: interrupted")
				      : g_strdup_printf("not run: step %u (line %u) failed", i + 1,
							step->line);
	}
	g_free(stopped);

	if (options->keep)
		report->dir = g_strdup(run.dir);
	ct_scenario_teardown(&run);
	g_main_context_pop_thread_default(run.context);
	g_main_context_unref(run.context);
	report->seconds = (gdouble)(g_get_monotonic_time() - started) / G_USEC_PER_SEC;
	return g_steal_pointer(&report);
}
