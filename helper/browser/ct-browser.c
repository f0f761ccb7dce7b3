/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-browser-private.h"
#include "ct-cleanup.h"
#include "ct-escape.h"
#include "ct-tmpdir.h"

#define CT_BROWSER_DEFAULT_TIMEOUT_MS 30000
/* how long a browser gets to exit after browser.close, and after SIGTERM */
#define CT_BROWSER_QUIT_GRACE_MS 5000
#define CT_BROWSER_TERM_GRACE_MS 2000
#define CT_BROWSER_KILL_WAIT_MS 10000
/* how long leaving a page that never finished loading may take */
#define CT_BROWSER_LEAVE_MS 10000
/* how long a closed connection waits for the exit it usually means */
#define CT_BROWSER_EXIT_NOTICE_MS 500
/* how often the browser's output is read while waiting for its address */
#define CT_BROWSER_POLL_MS 20
/* events nobody waits for are dropped beyond this */
#define CT_BROWSER_MAX_EVENTS 1000
/* what Chromium adds under its TMPDIR for its singleton socket, and what the driver adds
 * under the temp dir for that TMPDIR; a Unix socket path holds at most 107 bytes */
#define CT_BROWSER_SOCKET_TAIL "/.org.chromium.Chromium.XXXXXX/SingletonSocket"
#define CT_BROWSER_TMPDIR_TAIL "/certtrust-browser-PPPPPP-SSSSSSSS-NNNNNNNN-XXXXXX/tmp"
#define CT_BROWSER_MAX_SOCKET_PATH 107

void
ct_navigation_free(CtNavigation *navigation)
{
	if (navigation == NULL)
		return;
	g_free(navigation->url);
	g_free(navigation->outcome);
	g_free(navigation->error_code);
	g_free(navigation->detail);
	g_free(navigation->final_url);
	g_free(navigation->title);
	g_free(navigation);
}

CtNavigation *
ct_browser_navigation_new(const gchar *url)
{
	CtNavigation *navigation = g_new0(CtNavigation, 1);
	navigation->url = g_strdup(url);
	navigation->outcome = g_strdup("blocked");
	return navigation;
}

gint64
ct_browser_deadline(CtBrowser *self)
{
	self->step_ms = self->timeout_ms;
	return g_get_monotonic_time() + (gint64)self->timeout_ms * 1000;
}

gint64
ct_browser_launch_deadline(CtBrowser *self)
{
	self->step_ms = self->launch_timeout_ms;
	return self->started + (gint64)self->launch_timeout_ms * 1000;
}

/* the binary to run, or CT_ERROR_FAILED naming the Debian package */
static gchar *
ct_browser_find_binary(const CtBrowserOptions *options, GError **error)
{
	gboolean firefox = options->kind == CT_BROWSER_FIREFOX;
	const gchar *variable = firefox ? "CT_FIREFOX" : "CT_CHROMIUM";
	const gchar *wanted = options->binary;
	g_autofree gchar *path = NULL;

	if (wanted == NULL || wanted[0] == '\0')
		wanted = g_getenv(variable);
	if (wanted == NULL || wanted[0] == '\0')
		wanted = firefox ? "/usr/lib/firefox-esr/firefox-esr"
				 : "/usr/lib/chromium/chromium";
	path = strchr(wanted, '/') != NULL ? g_strdup(wanted) : g_find_program_in_path(wanted);
	if (path == NULL || g_file_test(path, G_FILE_TEST_IS_DIR) ||
	    !g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "%s is not installed: %s not found; install the Debian package %s "
			    "(apt install %s) or name the program in %s",
			    firefox ? "Firefox ESR" : "Chromium", wanted,
			    firefox ? "firefox-esr" : "chromium",
			    firefox ? "firefox-esr" : "chromium", variable);
		return NULL;
	}
	return g_steal_pointer(&path);
}

gchar *
ct_browser_find(CtBrowserKind kind, GError **error)
{
	CtBrowserOptions options = {.kind = kind};
	return ct_browser_find_binary(&options, error);
}

/* a name the browser maps to 127.0.0.1: a host name, a leading "*." for Chromium; nothing
 * that could break out of a pref string or a resolver rule */
static gboolean
ct_browser_check_map_names(const gchar *const *names, GError **error)
{
	for (guint i = 0; names != NULL && names[i] != NULL; i++) {
		const gchar *name = names[i];
		gboolean ok = name[0] != '\0';
		for (const gchar *p = name; ok && *p != '\0'; p++)
			ok = g_ascii_isalnum(*p) || *p == '.' || *p == '-' || *p == '_' ||
			     (*p == '*' && p == name && p[1] == '.');
		if (!ok) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "'%s' cannot be mapped to 127.0.0.1: not a host name", name);
			return FALSE;
		}
	}
	return TRUE;
}

/* the hosts named: host names or IP addresses */
static gboolean
ct_browser_check_allow_names(const gchar *const *names, GError **error)
{
	for (guint i = 0; names != NULL && names[i] != NULL; i++) {
		g_autoptr(GInetAddress) address = g_inet_address_new_from_string(names[i]);
		const gchar *name[] = {names[i], NULL};

		if (address == NULL && !ct_browser_check_map_names(name, error))
			return FALSE;
	}
	return TRUE;
}

/* "NAME=ADDR": a host name and an IP address, nothing that could break a resolver rule */
static gboolean
ct_browser_check_resolve_rules(const gchar *const *rules, GError **error)
{
	for (guint i = 0; rules != NULL && rules[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(rules[i], "=", 2);
		g_autoptr(GInetAddress) address = NULL;
		const gchar *name[] = {parts[0], NULL};

		if (parts[0] == NULL || parts[1] == NULL ||
		    (address = g_inet_address_new_from_string(parts[1])) == NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "'%s' is not NAME=ADDRESS with an IP address", rules[i]);
			return FALSE;
		}
		if (!ct_browser_check_map_names(name, error))
			return FALSE;
	}
	return TRUE;
}

/* the throwaway dir goes in the user's temp dir, unless Chromium's socket path under it
 * would pass what a Unix socket can hold (Chromium aborts then): /tmp instead */
static gchar *
ct_browser_make_throwaway_dir(GError **error)
{
	const gchar *parent = g_get_tmp_dir();

	if (strlen(parent) + strlen(CT_BROWSER_TMPDIR_TAIL) + strlen(CT_BROWSER_SOCKET_TAIL) >
	    CT_BROWSER_MAX_SOCKET_PATH)
		parent = "/tmp";
	/* named for this process, so that the next certtrust removes it if this one is killed */
	return ct_tmpdir_new(parent, "browser", error);
}

gchar **
ct_browser_environ(CtBrowser *self, const gchar *home, GError **error)
{
	const gchar *proxies[] = {"http_proxy", "https_proxy", "all_proxy",
				  "ftp_proxy",	"HTTP_PROXY",  "HTTPS_PROXY",
				  "ALL_PROXY",	"FTP_PROXY",   NULL};
	g_autofree gchar *tmp = ct_browser_make_dir(self, "tmp", error);
	gchar **envp = NULL;

	if (tmp == NULL)
		return NULL;
	envp = g_get_environ();
	envp = g_environ_setenv(envp, "TMPDIR", tmp, TRUE);
	if (home == NULL) {
		/* the user's HOME for its trust (~/.pki/nssdb, $XDG_DATA_HOME/pki/nssdb) only:
		 * what the browser writes for itself (crash reports, caches) stays in tmp */
		g_autofree gchar *config = g_build_filename(tmp, "config", NULL);
		g_autofree gchar *cache = g_build_filename(tmp, "cache", NULL);
		envp = g_environ_setenv(envp, "XDG_CONFIG_HOME", config, TRUE);
		envp = g_environ_setenv(envp, "XDG_CACHE_HOME", cache, TRUE);
	}

	if (home != NULL) {
		g_autofree gchar *config = g_build_filename(home, ".config", NULL);
		g_autofree gchar *cache = g_build_filename(home, ".cache", NULL);
		g_autofree gchar *data = g_build_filename(home, ".local", "share", NULL);
		g_autofree gchar *state = g_build_filename(home, ".local", "state", NULL);
		envp = g_environ_setenv(envp, "HOME", home, TRUE);
		envp = g_environ_setenv(envp, "XDG_CONFIG_HOME", config, TRUE);
		envp = g_environ_setenv(envp, "XDG_CACHE_HOME", cache, TRUE);
		envp = g_environ_setenv(envp, "XDG_DATA_HOME", data, TRUE);
		envp = g_environ_setenv(envp, "XDG_STATE_HOME", state, TRUE);
	}
	/* keep the browser off any proxy the caller's environment names */
	for (guint i = 0; proxies[i] != NULL; i++)
		envp = g_environ_unsetenv(envp, proxies[i]);
	envp = g_environ_setenv(envp, "MOZ_CRASHREPORTER_DISABLE", "1", TRUE);
	envp = g_environ_setenv(envp, "MOZ_DISABLE_AUTO_SAFE_MODE", "1", TRUE);
	return envp;
}

gchar *
ct_browser_make_dir(CtBrowser *self, const gchar *name, GError **error)
{
	g_autofree gchar *path = g_build_filename(self->tmpdir, name, NULL);
	if (g_mkdir(path, 0700) != 0) {
		gint saved = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot create %s: %s", path,
			    g_strerror(saved));
		return NULL;
	}
	return g_steal_pointer(&path);
}

/* in the child, before exec: its own process group, so that one kill() reaches every
 * process the browser starts, and death with certtrust */
static void
ct_browser_child_setup(gpointer user_data)
{
	pid_t parent = (pid_t)GPOINTER_TO_INT(user_data);

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* certtrust died before prctl(): nobody would ever end this browser */
	if (getppid() != parent)
		_exit(127);
}

GSubprocess *
ct_browser_spawn(CtBrowser *self,
		 const gchar *const *argv,
		 const gchar *const *envp,
		 gboolean to_log,
		 GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GError) error_local = NULL;
	GSubprocess *process;

	launcher = g_subprocess_launcher_new(to_log ? G_SUBPROCESS_FLAGS_STDERR_MERGE
						    : G_SUBPROCESS_FLAGS_STDOUT_PIPE |
							  G_SUBPROCESS_FLAGS_STDERR_SILENCE);
	g_subprocess_launcher_set_environ(launcher, (gchar **)envp);
	g_subprocess_launcher_set_cwd(launcher, self->tmpdir);
	g_subprocess_launcher_set_stdin_file_path(launcher, "/dev/null");
	if (to_log)
		g_subprocess_launcher_set_stdout_file_path(launcher, self->log_path);
	g_subprocess_launcher_set_child_setup(launcher, ct_browser_child_setup,
					      GINT_TO_POINTER((gint)getpid()), NULL);
	process = g_subprocess_launcher_spawnv(launcher, argv, &error_local);
	if (process == NULL)
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot start %s: %s", argv[0],
			    error_local->message);
	return process;
}

gint
ct_browser_process_group(GSubprocess *process)
{
	const gchar *identifier = process != NULL ? g_subprocess_get_identifier(process) : NULL;
	return identifier != NULL ? (gint)g_ascii_strtoll(identifier, NULL, 10) : 0;
}

static void
ct_browser_exited_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CtBrowser *self = user_data;

	/* FALSE only when cancelled in ct_browser_close(), after which self is gone */
	if (!g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL))
		return;
	self->exited = TRUE;
	g_debug("%s (%d) exited", self->name, self->pid);
}

/* the last line the browser printed, for error messages */
static gchar *
ct_browser_log_tail(CtBrowser *self)
{
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(self->log_path, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = g_strv_length(lines); i > 0; i--) {
		g_strstrip(lines[i - 1]);
		if (lines[i - 1][0] != '\0')
			return g_utf8_make_valid(lines[i - 1], MIN(strlen(lines[i - 1]), 300));
	}
	return NULL;
}

static gchar *
ct_browser_describe_exit(CtBrowser *self)
{
	g_autofree gchar *tail = ct_browser_log_tail(self);
	g_autofree gchar *status = NULL;

	if (g_subprocess_get_if_signaled(self->process))
		status = g_strdup_printf("killed by signal %d",
					 g_subprocess_get_term_sig(self->process));
	else
		status = g_strdup_printf("exit status %d",
					 g_subprocess_get_exit_status(self->process));
	if (tail != NULL)
		return g_strdup_printf("%s, last output: %s", status, tail);
	return g_steal_pointer(&status);
}

static gboolean
ct_browser_wakeup_cb(gpointer user_data)
{
	return G_SOURCE_CONTINUE;
}

static gboolean
ct_browser_cancelled_cb(GCancellable *cancellable, gpointer user_data)
{
	return G_SOURCE_CONTINUE;
}

static gboolean
ct_browser_has_exited_cb(CtBrowser *self, gpointer user_data)
{
	return self->exited;
}

/* wait up to ms for the main process to end; no error: this is the way out */
static void
ct_browser_wait_exit(CtBrowser *self, guint ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
	g_autoptr(GSource) timeout = g_timeout_source_new(ms);

	g_source_set_callback(timeout, ct_browser_wakeup_cb, NULL, NULL);
	g_source_attach(timeout, self->context);
	while (!ct_browser_has_exited_cb(self, NULL) && g_get_monotonic_time() < deadline)
		g_main_context_iteration(self->context, TRUE);
	g_source_destroy(timeout);
}

gboolean
ct_browser_wait(CtBrowser *self,
		CtBrowserDoneFunc done,
		gpointer user_data,
		gint64 deadline,
		GCancellable *cancellable,
		const gchar *what,
		GError **error)
{
	gint64 remaining = deadline - g_get_monotonic_time();
	g_autoptr(GSource) timeout = NULL;
	g_autoptr(GSource) cancel = NULL;
	gboolean ok = FALSE;

	/* wake up at the deadline and on cancellation, whatever else happens */
	timeout = g_timeout_source_new(remaining > 0 ? (guint)(remaining / 1000) + 1 : 0);
	g_source_set_callback(timeout, ct_browser_wakeup_cb, NULL, NULL);
	g_source_attach(timeout, self->context);
	if (cancellable != NULL) {
		cancel = g_cancellable_source_new(cancellable);
		g_source_set_callback(cancel, G_SOURCE_FUNC(ct_browser_cancelled_cb), NULL, NULL);
		g_source_attach(cancel, self->context);
	}
	for (;;) {
		if (done != NULL && done(self, user_data)) {
			ok = TRUE;
			break;
		}
		if (g_cancellable_is_cancelled(cancellable)) {
			g_set_error(error, CT_ERROR, CT_ERROR_CANCELLED, "%s: cancelled while %s",
				    self->name, what);
			break;
		}
		/* a closed connection is most often a browser that died: say how */
		if (self->websocket_closed && !self->exited)
			ct_browser_wait_exit(self, CT_BROWSER_EXIT_NOTICE_MS);
		if (self->exited) {
			g_autofree gchar *how = ct_browser_describe_exit(self);
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
				    "%s exited while %s (%s)", self->name, what, how);
			break;
		}
		if (self->websocket_closed) {
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
				    "%s closed its connection while %s", self->name, what);
			break;
		}
		if (g_get_monotonic_time() >= deadline) {
			self->timed_out = TRUE;
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
				    "%s did not answer within %u ms while %s", self->name,
				    self->step_ms, what);
			break;
		}
		g_main_context_iteration(self->context, TRUE);
	}
	g_source_destroy(timeout);
	if (cancel != NULL)
		g_source_destroy(cancel);
	return ok;
}

gboolean
ct_browser_wait_closed(CtBrowser *self, GCancellable *cancellable, GError **error)
{
	/* a day at most: a session nobody closes is not kept for ever */
	gint64 deadline = g_get_monotonic_time() + (gint64)24 * 60 * 60 * G_USEC_PER_SEC;

	if (self->exited)
		return TRUE;
	return ct_browser_wait(self, (CtBrowserDoneFunc)ct_browser_has_exited_cb, NULL, deadline,
			       cancellable, "the session was open", error);
}

typedef struct {
	const gchar *prefix;
	gchar *url;
} CtBrowserEndpoint;

/* a ws:// address on a loopback IP literal: the browser must not listen anywhere else. No
 * host name, not even "localhost": a name is looked up again when connecting, and the hosts
 * file or a resolver may send it off this machine */
static gboolean
ct_browser_is_loopback_endpoint(const gchar *url)
{
	g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
	g_autoptr(GInetAddress) address = NULL;
	const gchar *host;

	if (uri == NULL || g_strcmp0(g_uri_get_scheme(uri), "ws") != 0 ||
	    g_uri_get_userinfo(uri) != NULL || g_uri_get_port(uri) <= 0)
		return FALSE;
	host = g_uri_get_host(uri);
	address = host != NULL ? g_inet_address_new_from_string(host) : NULL;
	return address != NULL && g_inet_address_get_is_loopback(address);
}

static gboolean
ct_browser_endpoint_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserEndpoint *endpoint = user_data;
	g_autofree gchar *text = NULL;
	const gchar *line;

	if (!g_file_get_contents(self->log_path, &text, NULL, NULL))
		return FALSE;
	for (line = strstr(text, endpoint->prefix); line != NULL;
	     line = strstr(line + 1, endpoint->prefix)) {
		const gchar *start = line + strlen(endpoint->prefix);
		const gchar *end = strchr(start, '\n');

		if (line != text && line[-1] != '\n')
			continue;
		/* the line is not complete yet */
		if (end == NULL)
			return FALSE;
		endpoint->url = g_strstrip(g_strndup(start, (gsize)(end - start)));
		return TRUE;
	}
	return FALSE;
}

gchar *
ct_browser_wait_for_endpoint(CtBrowser *self,
			     const gchar *prefix,
			     gint64 deadline,
			     GCancellable *cancellable,
			     GError **error)
{
	CtBrowserEndpoint endpoint = {prefix, NULL};
	g_autoptr(GSource) poll = g_timeout_source_new(CT_BROWSER_POLL_MS);
	gboolean ok;

	g_source_set_callback(poll, ct_browser_wakeup_cb, NULL, NULL);
	g_source_attach(poll, self->context);
	ok = ct_browser_wait(self, ct_browser_endpoint_cb, &endpoint, deadline, cancellable,
			     "starting", error);
	g_source_destroy(poll);
	if (!ok)
		return NULL;
	if (!ct_browser_is_loopback_endpoint(endpoint.url)) {
		g_autofree gchar *shown = ct_escape_for_terminal(endpoint.url, -1, 200);

		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "%s offers its remote protocol at %s, not at a loopback address: "
			    "refused",
			    self->name, shown);
		g_free(endpoint.url);
		return NULL;
	}
	g_debug("%s listens on %s after %" G_GINT64_FORMAT " ms", self->name, endpoint.url,
		(g_get_monotonic_time() - self->started) / 1000);
	return endpoint.url;
}

/* write one protocol command (params: transfer full) */
static void
ct_browser_write_command(CtBrowser *self,
			 gint64 id,
			 const gchar *method,
			 JsonObject *params,
			 const gchar *session_id)
{
	g_autoptr(JsonObject) message = json_object_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *text = NULL;

	json_object_set_int_member(message, "id", id);
	json_object_set_string_member(message, "method", method);
	json_object_set_object_member(message, "params", params);
	if (session_id != NULL)
		json_object_set_string_member(message, "sessionId", session_id);
	root = json_node_init_object(json_node_alloc(), message);
	text = json_to_string(root, FALSE);
	g_debug("-> %s", text);
	soup_websocket_connection_send_text(self->websocket, text);
}

/* send a command whose answer nobody waits for (it is dropped when it comes) */
static void
ct_browser_send(CtBrowser *self, const gchar *method, JsonObject *params, const gchar *session_id)
{
	ct_browser_write_command(self, ++self->next_id, method, params, session_id);
}

/* a page's alert(), confirm(), prompt() or beforeunload dialog would hold the page (and
 * the load) until someone answers: dismiss it at once (leave the page on beforeunload),
 * and count it for the page's report */
static void
ct_browser_dismiss_dialog(CtBrowser *self, JsonObject *event)
{
	const gchar *method = ct_json_get_string(event, "method");
	JsonObject *params = ct_json_get_object(event, "params");
	const gchar *type = ct_json_get_string(params, "type");
	gboolean leave = g_strcmp0(type, "beforeunload") == 0;
	JsonObject *answer;

	if (self->websocket == NULL || self->websocket_closed)
		return;
	if (g_strcmp0(method, "Page.javascriptDialogOpening") == 0) {
		answer = json_object_new();
		json_object_set_boolean_member(answer, "accept", leave);
		ct_browser_send(self, "Page.handleJavaScriptDialog", answer,
				ct_json_get_string(event, "sessionId"));
	} else if (g_strcmp0(method, "browsingContext.userPromptOpened") == 0 &&
		   ct_json_get_string(params, "context") != NULL) {
		answer = json_object_new();
		json_object_set_string_member(answer, "context",
					      ct_json_get_string(params, "context"));
		json_object_set_boolean_member(answer, "accept", leave);
		ct_browser_send(self, "browsingContext.handleUserPrompt", answer, NULL);
	} else {
		return;
	}
	self->dialogs++;
	g_debug("%s: dismissed a %s dialog", self->name, type != NULL ? type : "page");
}

static void
ct_browser_message_cb(SoupWebsocketConnection *websocket,
		      gint type,
		      GBytes *message,
		      gpointer user_data)
{
	CtBrowser *self = user_data;
	g_autoptr(JsonParser) parser = json_parser_new();
	gsize len = 0;
	const gchar *data = g_bytes_get_data(message, &len);
	JsonNode *root;
	JsonNode *id;
	JsonObject *object;

	if (type != SOUP_WEBSOCKET_DATA_TEXT || data == NULL)
		return;
	g_debug("<- %.*s", (gint)MIN(len, 600), data);
	if (!json_parser_load_from_data(parser, data, (gssize)len, NULL))
		return;
	root = json_parser_get_root(parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
		return;
	object = json_node_get_object(root);
	id = json_object_get_member(object, "id");
	if (id != NULL && JSON_NODE_HOLDS_VALUE(id) &&
	    json_node_get_value_type(id) == G_TYPE_INT64) {
		/* an answer to a call given up on is dropped */
		if (json_node_get_int(id) == self->pending_id && self->reply == NULL)
			self->reply = json_object_ref(object);
		return;
	}
	if (!json_object_has_member(object, "method"))
		return;
	ct_browser_dismiss_dialog(self, object);
	g_queue_push_tail(&self->events, json_object_ref(object));
	while (g_queue_get_length(&self->events) > CT_BROWSER_MAX_EVENTS)
		json_object_unref(g_queue_pop_head(&self->events));
}

static void
ct_browser_closed_cb(SoupWebsocketConnection *websocket, gpointer user_data)
{
	CtBrowser *self = user_data;
	self->websocket_closed = TRUE;
}

typedef struct {
	gboolean done;
	SoupWebsocketConnection *websocket;
	GError *error;
} CtBrowserConnect;

static void
ct_browser_connect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CtBrowserConnect *connect = user_data;
	connect->websocket = soup_session_websocket_connect_finish(SOUP_SESSION(source), result,
								   &connect->error);
	connect->done = TRUE;
}

static gboolean
ct_browser_connect_done_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserConnect *connect = user_data;
	return connect->done;
}

gboolean
ct_browser_connect(CtBrowser *self,
		   const gchar *url,
		   gint64 deadline,
		   GCancellable *cancellable,
		   GError **error)
{
	g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new(NULL, NULL);
	g_autoptr(GCancellable) abandon = g_cancellable_new();
	g_autoptr(SoupMessage) msg = soup_message_new(SOUP_METHOD_GET, url);
	CtBrowserConnect connect = {FALSE, NULL, NULL};

	if (msg == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s offers a bad address: %s",
			    self->name, url);
		return FALSE;
	}
	/* never through a proxy: the browser listens on loopback */
	self->session = soup_session_new_with_options("proxy-resolver", direct, NULL);
	soup_session_websocket_connect_async(self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
					     abandon, ct_browser_connect_cb, &connect);
	if (!ct_browser_wait(self, ct_browser_connect_done_cb, &connect, deadline, cancellable,
			     "connecting", error)) {
		/* the callback must run before connect leaves the stack */
		g_cancellable_cancel(abandon);
		while (!connect.done)
			g_main_context_iteration(self->context, TRUE);
		g_clear_object(&connect.websocket);
		g_clear_error(&connect.error);
		return FALSE;
	}
	if (connect.websocket == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
			    "cannot connect to %s at %s: %s", self->name, url,
			    connect.error->message);
		g_clear_error(&connect.error);
		return FALSE;
	}
	self->websocket = connect.websocket;
	/* page answers (outerHTML, trees) may exceed libsoup's 128 KiB default */
	soup_websocket_connection_set_max_incoming_payload_size(self->websocket, 64 * 1024 * 1024);
	g_signal_connect(self->websocket, "message", G_CALLBACK(ct_browser_message_cb), self);
	g_signal_connect(self->websocket, "closed", G_CALLBACK(ct_browser_closed_cb), self);
	return TRUE;
}

/* the text of a protocol error: BiDi {"error": "unknown error", "message": "..."},
 * CDP {"error": {"code": -32000, "message": "..."}} */
static gchar *
ct_browser_reply_error(JsonObject *reply)
{
	JsonNode *node = json_object_get_member(reply, "error");
	const gchar *message = NULL;

	if (node == NULL || JSON_NODE_HOLDS_NULL(node))
		return NULL;
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		message = ct_json_get_string(json_node_get_object(node), "message");
	} else {
		message = ct_json_get_string(reply, "message");
		if (message == NULL || message[0] == '\0')
			message = ct_json_get_string(reply, "error");
	}
	return g_strdup(message != NULL ? message : "unknown error");
}

typedef struct {
	CtBrowserEventFunc match;
	gpointer user_data;
	JsonObject *found;
} CtBrowserEventWait;

static gboolean
ct_browser_find_event_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserEventWait *wait = user_data;

	for (GList *l = self->events.head; l != NULL; l = l->next) {
		if (wait->match(l->data, wait->user_data)) {
			wait->found = l->data;
			g_queue_delete_link(&self->events, l);
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
ct_browser_has_reply_or_event_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserEventWait *wait = user_data;
	return self->reply != NULL || (wait->match != NULL && ct_browser_find_event_cb(self, wait));
}

JsonObject *
ct_browser_call(CtBrowser *self,
		const gchar *method,
		JsonObject *params,
		const gchar *session_id,
		gint64 deadline,
		GCancellable *cancellable,
		gchar **protocol_error,
		GError **error)
{
	return ct_browser_call_or_event(self, method, params, session_id, NULL, NULL, NULL,
					deadline, cancellable, protocol_error, error);
}

JsonObject *
ct_browser_call_or_event(CtBrowser *self,
			 const gchar *method,
			 JsonObject *params,
			 const gchar *session_id,
			 CtBrowserEventFunc early,
			 gpointer early_data,
			 JsonObject **early_event,
			 gint64 deadline,
			 GCancellable *cancellable,
			 gchar **protocol_error,
			 GError **error)
{
	CtBrowserEventWait wait = {early, early_data, NULL};
	g_autoptr(JsonObject) owned = params != NULL ? params : json_object_new();
	g_autoptr(JsonObject) reply = NULL;
	g_autofree gchar *what = g_strdup_printf("waiting for %s", method);
	g_autofree gchar *failure = NULL;
	JsonNode *result;

	if (self->websocket == NULL || self->websocket_closed) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE, "%s is not connected",
			    self->name);
		return NULL;
	}
	self->pending_id = ++self->next_id;
	g_clear_pointer(&self->reply, json_object_unref);
	ct_browser_write_command(self, self->pending_id, method, json_object_ref(owned),
				 session_id);
	if (!ct_browser_wait(self, ct_browser_has_reply_or_event_cb, &wait, deadline, cancellable,
			     what, error)) {
		self->pending_id = 0;
		return NULL;
	}
	if (wait.found != NULL) {
		/* the event came first: the answer, when it comes, is dropped */
		self->pending_id = 0;
		g_clear_pointer(&self->reply, json_object_unref);
		*early_event = wait.found;
		return NULL;
	}
	reply = g_steal_pointer(&self->reply);
	self->pending_id = 0;
	failure = ct_browser_reply_error(reply);
	if (failure != NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s refused %s: %s", self->name,
			    method, failure);
		if (protocol_error != NULL)
			*protocol_error = g_steal_pointer(&failure);
		return NULL;
	}
	result = json_object_get_member(reply, "result");
	if (result == NULL || !JSON_NODE_HOLDS_OBJECT(result)) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s answered %s without a result",
			    self->name, method);
		return NULL;
	}
	return json_object_ref(json_node_get_object(result));
}

JsonObject *
ct_browser_wait_for_event(CtBrowser *self,
			  CtBrowserEventFunc match,
			  gpointer user_data,
			  gint64 deadline,
			  GCancellable *cancellable,
			  const gchar *what,
			  GError **error)
{
	CtBrowserEventWait wait = {match, user_data, NULL};

	if (!ct_browser_wait(self, ct_browser_find_event_cb, &wait, deadline, cancellable, what,
			     error))
		return NULL;
	return wait.found;
}

void
ct_browser_clear_events(CtBrowser *self)
{
	g_queue_clear_full(&self->events, (GDestroyNotify)json_object_unref);
}

gchar *
ct_browser_code_from_message(const gchar *message)
{
	const gchar *patterns[] = {
	    "net::(ERR_[A-Z0-9_]+)",
	    "NS_ERROR_GENERATE_FAILURE\\(NS_ERROR_MODULE_SECURITY,\\s*([A-Za-z0-9_]+)\\)",
	    "\\b((?:MOZILLA_PKIX_ERROR|SEC_ERROR|SSL_ERROR)_[A-Z0-9_]+)\\b",
	    "\\b(NS_ERROR_[A-Z0-9_]+)\\b",
	    NULL,
	};

	if (message == NULL)
		return NULL;
	for (guint i = 0; patterns[i] != NULL; i++) {
		g_autoptr(GRegex)
		    regex = g_regex_new(patterns[i], G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
		g_autoptr(GMatchInfo) match = NULL;

		if (regex != NULL && g_regex_match(regex, message, G_REGEX_MATCH_DEFAULT, &match))
			return g_match_info_fetch(match, 1);
	}
	return NULL;
}

/* run in the page: where it is, its title, the HTTP status of its navigation, whether
 * its text holds the expected text, and the code an error page knows (Firefox's
 * about:certerror and about:neterror) */
gchar *
ct_browser_probe_script(const gchar *expect_text)
{
	g_autofree gchar *expected = NULL;

	/* a JSON string is a JavaScript string literal */
	if (expect_text != NULL) {
		g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), expect_text);
		expected = json_to_string(node, FALSE);
	}
	return g_strdup_printf(
	    "(() => {"
	    " const d = document;"
	    " const expected = %s;"
	    " const r = {uri: String(d.documentURI), title: String(d.title), status: 0,"
	    " text: expected === null, code: null};"
	    " try {"
	    "  const n = performance.getEntriesByType('navigation')[0];"
	    "  if (n !== undefined && typeof n.responseStatus === 'number')"
	    "   r.status = n.responseStatus;"
	    " } catch (e) {}"
	    " const page = /^https?:/.test(r.uri);"
	    " if (page && expected !== null && d.documentElement !== null)"
	    "  r.text = String(d.documentElement.textContent).includes(expected) ||"
	    "   (d.body !== null && String(d.body.innerText).includes(expected));"
	    " const error = /^about:(certerror|neterror)/.test(r.uri);"
	    " try {"
	    "  if (error && typeof d.getFailedCertSecurityInfo === 'function')"
	    "   r.code = d.getFailedCertSecurityInfo().errorCodeString || null;"
	    " } catch (e) {}"
	    " try {"
	    "  if (error && r.code === null && typeof d.getNetErrorInfo === 'function')"
	    "   r.code = d.getNetErrorInfo().errorCodeString || null;"
	    " } catch (e) {}"
	    " if (error && r.code === null) {"
	    "  const m = /[?&]e=([^&]*)/.exec(r.uri);"
	    "  if (m !== null) r.code = 'neterror:' + decodeURIComponent(m[1]);"
	    " }"
	    " return JSON.stringify(r);"
	    "})()",
	    expected != NULL ? expected : "null");
}

void
ct_browser_probe_clear(CtBrowserProbe *probe)
{
	g_clear_pointer(&probe->uri, g_free);
	g_clear_pointer(&probe->title, g_free);
	g_clear_pointer(&probe->code, g_free);
	probe->status = 0;
	probe->text_found = FALSE;
}

gboolean
ct_browser_parse_probe(const gchar *json, CtBrowserProbe *probe)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonNode *root;
	JsonObject *object;
	gint64 status;

	if (json == NULL || !json_parser_load_from_data(parser, json, -1, NULL))
		return FALSE;
	root = json_parser_get_root(parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
		return FALSE;
	object = json_node_get_object(root);
	ct_browser_probe_clear(probe);
	probe->uri = g_strdup(ct_json_get_string(object, "uri"));
	probe->title = g_strdup(ct_json_get_string(object, "title"));
	probe->text_found = ct_json_get_boolean(object, "text") == 1;
	probe->code = g_strdup(ct_json_get_string(object, "code"));
	status = ct_json_get_int(object, "status");
	probe->status = status >= 100 && status <= 999 ? (gint)status : 0;
	return TRUE;
}

void
ct_browser_judge(CtNavigation *navigation, const CtBrowserProbe *probe, const gchar *fallback_code)
{
	g_free(navigation->final_url);
	navigation->final_url = g_strdup(probe->uri);
	if (probe->uri != NULL && g_str_has_prefix(probe->uri, "https:")) {
		g_free(navigation->title);
		navigation->title = g_strdup(probe->title != NULL ? probe->title : "");
		navigation->http_status = probe->status;
		if (!probe->text_found) {
			navigation->error_code = g_strdup("TEXT_MISSING");
			navigation->detail = g_strdup_printf("the page at %s does not hold the "
							     "expected text",
							     probe->uri);
			return;
		}
		g_free(navigation->outcome);
		navigation->outcome = g_strdup("loads");
		return;
	}
	/* an error page, or a page that is not https:// (a redirect to http://) */
	if (probe->uri != NULL && g_str_has_prefix(probe->uri, "http:"))
		navigation->error_code = g_strdup("NOT_HTTPS");
	else
		navigation->error_code = g_strdup(probe->code != NULL ? probe->code
								      : fallback_code);
	if (navigation->detail == NULL)
		navigation->detail = g_strdup(probe->uri);
}

/* does a process of this group still run? (zombies do not: nobody may ever reap the
 * children a dead browser leaves to init) */
static gboolean
ct_browser_group_is_alive(gint group)
{
	g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
	const gchar *name;

	while (proc != NULL && (name = g_dir_read_name(proc)) != NULL) {
		g_autofree gchar *path = NULL;
		g_autofree gchar *stat = NULL;
		const gchar *end;
		gchar state = 0;
		gint parent = 0;
		gint pgrp = 0;

		if (!g_ascii_isdigit(name[0]))
			continue;
		path = g_build_filename("/proc", name, "stat", NULL);
		if (!g_file_get_contents(path, &stat, NULL, NULL))
			continue;
		/* "pid (comm) state ppid pgrp ...": comm may hold anything, but not after ')' */
		end = strrchr(stat, ')');
		if (end == NULL || sscanf(end + 1, " %c %d %d", &state, &parent, &pgrp) != 3)
			continue;
		if (pgrp == group && state != 'Z' && state != 'X')
			return TRUE;
	}
	return FALSE;
}

/* SIGTERM to the whole process group, SIGKILL after a grace period, reaped; then SIGKILL
 * to whatever of the group outlived the main process, and a moment for it to go */
static void
ct_browser_kill(CtBrowser *self)
{
	gint64 deadline;

	self->broken = TRUE;
	if (self->pid <= 0)
		return;
	if (!self->exited) {
		kill(-self->pid, SIGTERM);
		ct_browser_wait_exit(self, CT_BROWSER_TERM_GRACE_MS);
	}
	if (!self->exited) {
		g_debug("%s (%d) ignored SIGTERM", self->name, self->pid);
		kill(-self->pid, SIGKILL);
		ct_browser_wait_exit(self, CT_BROWSER_KILL_WAIT_MS);
	}
	if (kill(-self->pid, SIGKILL) != 0)
		return;
	deadline = g_get_monotonic_time() + (gint64)CT_BROWSER_TERM_GRACE_MS * 1000;
	while (ct_browser_group_is_alive(self->pid) && g_get_monotonic_time() < deadline)
		g_usleep(10 * 1000);
}

static void
ct_browser_quit(CtBrowser *self)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)CT_BROWSER_QUIT_GRACE_MS * 1000;
	gint64 remaining;

	self->step_ms = CT_BROWSER_QUIT_GRACE_MS;
	if (self->kind == CT_BROWSER_FIREFOX)
		ct_browser_firefox_quit(self, deadline);
	else
		ct_browser_chromium_quit(self, deadline);
	remaining = deadline - g_get_monotonic_time();
	ct_browser_wait_exit(self, remaining > 0 ? (guint)(remaining / 1000) : 0);
}

void
ct_browser_close(CtBrowser *self)
{
	if (self == NULL)
		return;
	g_main_context_push_thread_default(self->context);
	if (self->websocket != NULL && !self->websocket_closed && !self->exited && !self->broken)
		ct_browser_quit(self);
	ct_browser_kill(self);
	ct_cleanup_forget_process(self->pid);
	if (self->version_process != NULL && !self->version_done) {
		gint group = ct_browser_process_group(self->version_process);
		/* 0 would be certtrust's own group */
		if (group > 0)
			kill(-group, SIGKILL);
		g_cancellable_cancel(self->version_cancellable);
		while (!self->version_done)
			g_main_context_iteration(self->context, TRUE);
	}
	if (self->websocket != NULL) {
		g_signal_handlers_disconnect_by_data(self->websocket, self);
		if (soup_websocket_connection_get_state(self->websocket) ==
		    SOUP_WEBSOCKET_STATE_OPEN)
			soup_websocket_connection_close(self->websocket,
							SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
		g_clear_object(&self->websocket);
	}
	g_clear_object(&self->session);
	/* an unreaped process (still running after SIGKILL) must not call back into self */
	g_cancellable_cancel(self->wait_cancellable);
	for (guint i = 0; i < 100 && g_main_context_iteration(self->context, FALSE); i++)
		;
	g_main_context_pop_thread_default(self->context);
	if (self->tmpdir != NULL)
		ct_tmpdir_remove(self->tmpdir);
	ct_browser_clear_events(self);
	g_clear_pointer(&self->reply, json_object_unref);
	g_clear_object(&self->process);
	g_clear_object(&self->version_process);
	g_clear_object(&self->version_cancellable);
	g_clear_object(&self->wait_cancellable);
	g_main_context_unref(self->context);
	g_free(self->binary);
	g_strfreev(self->envp);
	g_free(self->tmpdir);
	g_free(self->log_path);
	g_free(self->version);
	g_free(self->version_output);
	g_free(self->context_id);
	g_free(self->session_id);
	g_free(self->probe_script);
	g_free(self);
}

CtBrowser *
ct_browser_launch(const CtBrowserOptions *options, GCancellable *cancellable, GError **error)
{
	g_autoptr(CtBrowser) self = NULL;
	g_autofree gchar *binary = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	gboolean ok;

	g_return_val_if_fail(options != NULL, NULL);

	if (!ct_browser_check_map_names(options->map_names, error) ||
	    !ct_browser_check_allow_names(options->allow_names, error) ||
	    !ct_browser_check_resolve_rules(options->resolve_rules, error))
		return NULL;
	binary = ct_browser_find_binary(options, error);
	if (binary == NULL)
		return NULL;

	self = g_new0(CtBrowser, 1);
	self->kind = options->kind;
	self->name = options->kind == CT_BROWSER_FIREFOX ? "Firefox" : "Chromium";
	self->timeout_ms = options->timeout_ms > 0 ? options->timeout_ms
						   : CT_BROWSER_DEFAULT_TIMEOUT_MS;
	self->launch_timeout_ms = options->launch_timeout_ms > 0 ? options->launch_timeout_ms
								 : self->timeout_ms;
	self->probe_script = ct_browser_probe_script(options->expect_text);
	self->context = g_main_context_new();
	self->wait_cancellable = g_cancellable_new();
	g_queue_init(&self->events);
	self->tmpdir = ct_browser_make_throwaway_dir(error);
	if (self->tmpdir == NULL)
		return NULL;
	self->log_path = g_build_filename(self->tmpdir, "browser.log", NULL);

	self->binary = g_strdup(binary);
	g_ptr_array_add(argv, g_strdup(binary));
	g_main_context_push_thread_default(self->context);
	if (self->kind == CT_BROWSER_FIREFOX)
		ok = ct_browser_firefox_prepare(self, options, argv, &self->envp, error);
	else
		ok = ct_browser_chromium_prepare(self, options, argv, &self->envp, error);
	if (ok) {
		for (guint i = 0; options->extra_args != NULL && options->extra_args[i] != NULL;
		     i++)
			g_ptr_array_add(argv, g_strdup(options->extra_args[i]));
		g_ptr_array_add(argv, g_strdup("about:blank"));
		g_ptr_array_add(argv, NULL);
		self->started = g_get_monotonic_time();
		self->process = ct_browser_spawn(self, (const gchar *const *)argv->pdata,
						 (const gchar *const *)self->envp, TRUE, error);
		ok = self->process != NULL;
	}
	if (ok) {
		self->pid = ct_browser_process_group(self->process);
		ct_cleanup_add_process(self->pid, CT_CLEANUP_PROCESS_GROUP);
		g_subprocess_wait_async(self->process, self->wait_cancellable, ct_browser_exited_cb,
					self);
		g_debug("started %s as %d", binary, self->pid);
		if (self->kind == CT_BROWSER_FIREFOX)
			ok = ct_browser_firefox_start(self, cancellable, error);
		else
			ok = ct_browser_chromium_start(self, cancellable, error);
	}
	g_main_context_pop_thread_default(self->context);
	if (!ok)
		return NULL;
	self->launch_ms = (guint)((g_get_monotonic_time() - self->started) / 1000);
	return g_steal_pointer(&self);
}

const gchar *
ct_browser_get_version(CtBrowser *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->version;
}

gint
ct_browser_get_pid(CtBrowser *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->exited ? 0 : self->pid;
}

guint
ct_browser_get_launch_ms(CtBrowser *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->launch_ms;
}

/* after a page that never finished: about:blank, so that the next page starts clean;
 * FALSE when the browser does not manage that either */
static gboolean
ct_browser_leave_page(CtBrowser *self, GCancellable *cancellable)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)CT_BROWSER_LEAVE_MS * 1000;
	g_autoptr(JsonObject) params = json_object_new();
	g_autoptr(JsonObject) result = NULL;
	g_autoptr(GError) error = NULL;

	self->step_ms = CT_BROWSER_LEAVE_MS;
	json_object_set_string_member(params, "url", "about:blank");
	if (self->kind == CT_BROWSER_FIREFOX) {
		json_object_set_string_member(params, "context", self->context_id);
		json_object_set_string_member(params, "wait", "complete");
		result = ct_browser_call(self, "browsingContext.navigate", g_steal_pointer(&params),
					 NULL, deadline, cancellable, NULL, &error);
	} else {
		result = ct_browser_call(self, "Page.navigate", g_steal_pointer(&params),
					 self->session_id, deadline, cancellable, NULL, &error);
	}
	if (result == NULL)
		g_debug("%s: cannot leave the page: %s", self->name, error->message);
	ct_browser_clear_events(self);
	return result != NULL;
}

CtNavigation *
ct_browser_navigate(CtBrowser *self, const gchar *url, GCancellable *cancellable, GError **error)
{
	gint64 started = g_get_monotonic_time();
	g_autoptr(GError) error_local = NULL;
	CtNavigation *navigation;

	g_return_val_if_fail(self != NULL, NULL);
	g_return_val_if_fail(url != NULL, NULL);

	if (!g_uri_is_valid(url, G_URI_FLAGS_NONE, NULL)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "'%s' is not a URL", url);
		return NULL;
	}
	if (self->broken || self->exited) {
		gboolean stopped = self->broken;
		g_main_context_push_thread_default(self->context);
		ct_browser_kill(self);
		g_main_context_pop_thread_default(self->context);
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_REACHABLE,
			    stopped ? "%s is no longer running: it was stopped after a failure"
				    : "%s is no longer running: it exited",
			    self->name);
		return NULL;
	}
	g_main_context_push_thread_default(self->context);
	self->dialogs = 0;
	self->timed_out = FALSE;
	if (self->kind == CT_BROWSER_FIREFOX)
		navigation = ct_browser_firefox_navigate(self, url, cancellable, &error_local);
	else
		navigation = ct_browser_chromium_navigate(self, url, cancellable, &error_local);
	/* a page that never finishes loading is that page's outcome: leave it, and the
	 * browser goes on with the next one */
	if (navigation == NULL && self->timed_out && !self->exited && !self->websocket_closed &&
	    !g_cancellable_is_cancelled(cancellable)) {
		navigation = ct_browser_navigation_new(url);
		g_free(navigation->outcome);
		navigation->outcome = g_strdup("timeout");
		navigation->error_code = g_strdup("TIMEOUT");
		navigation->detail = g_strdup(error_local->message);
		if (!ct_browser_leave_page(self, cancellable))
			ct_browser_kill(self);
	} else if (navigation == NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		/* a browser that crashed or was interrupted is of no further use */
		ct_browser_kill(self);
	}
	g_main_context_pop_thread_default(self->context);
	if (navigation != NULL) {
		navigation->elapsed_ms = (guint)((g_get_monotonic_time() - started) / 1000);
		navigation->dialogs = self->dialogs;
	}
	return navigation;
}
