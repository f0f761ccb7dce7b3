/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include <signal.h>

#include "ct-browser-driver.h"
#include "ct-browser-firefox-profile.h"
#include "ct-browser-probe.h"
#include "ct-browser-process.h"
#include "ct-browser-wire.h"
#include "ct-firefox.h"
#include "ct-json.h"

/* Firefox ESR over WebDriver BiDi: a throwaway profile with prefs that keep it on
 * loopback, `--remote-debugging-port=0`, then session.new and browsingContext.navigate */

/* `firefox --version` takes about 0.6 s here; it runs alongside the launch */
#define CT_BROWSER_FIREFOX_VERSION_US (5 * G_USEC_PER_SEC)

/* what the driver keeps in CtBrowser's protocol */
typedef struct {
	gchar *context_id;	      /* the browsing context */
	GSubprocess *version_process; /* firefox --version, run alongside the launch */
	GCancellable *version_cancellable;
	gchar *version_output;
	gboolean version_done;
} CtBrowserFirefox;

static gboolean
ct_browser_firefox_prepare(CtBrowser *self,
			   const CtBrowserOptions *options,
			   GPtrArray *argv,
			   gchar ***envp,
			   GError **error)
{
	g_autofree gchar *profile = NULL;
	g_autofree gchar *home = NULL;

	self->protocol = g_new0(CtBrowserFirefox, 1);
	if (options->profile != NULL) {
		if (!g_file_test(options->profile, G_FILE_TEST_IS_DIR)) {
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
				    "Firefox profile %s does not exist", options->profile);
			return FALSE;
		}
		/* a Firefox running on it is no obstacle: the browser gets a copy (what the
		 * running one has not written yet is not in it; its exceptions are written at
		 * once) */
		if (ct_firefox_profile_is_running(options->profile))
			g_debug("Firefox runs on %s: its trust is read from the files",
				options->profile);
	}
	profile = ct_browser_make_dir(self, "profile", error);
	if (profile == NULL || !ct_browser_firefox_fill_profile(profile, options, error))
		return FALSE;
	/* Firefox writes into HOME even with --profile: Downloads, ~/.config/mozilla */
	if (options->home != NULL)
		home = g_strdup(options->home);
	else
		home = ct_browser_make_dir(self, "home", error);
	if (home == NULL)
		return FALSE;
	*envp = ct_browser_environ(self, home, error);
	if (*envp == NULL)
		return FALSE;
	/* a release or ESR Firefox ignores services.settings.server (the remote settings
	 * server) unless this is set, as geckodriver sets it: without it Firefox 153 asks
	 * firefox.settings.services.mozilla.com for a dozen collections at every start
	 * (measured in a network namespace, through the PAC's dead proxy) */
	*envp = g_environ_setenv(*envp, "MOZ_REMOTE_SETTINGS_DEVTOOLS", "1", TRUE);

	if (!options->headed)
		g_ptr_array_add(argv, g_strdup("--headless"));
	g_ptr_array_add(argv, g_strdup("--no-remote"));
	g_ptr_array_add(argv, g_strdup("--profile"));
	g_ptr_array_add(argv, g_strdup(profile));
	g_ptr_array_add(argv, g_strdup("--remote-debugging-port=0"));
	return TRUE;
}

static void
ct_browser_firefox_version_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CtBrowserFirefox *firefox = user_data;
	g_autofree gchar *out = NULL;

	if (g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), result, &out, NULL, NULL))
		firefox->version_output = g_steal_pointer(&out);
	firefox->version_done = TRUE;
}

/* `firefox --version` says "Mozilla Firefox 153.7.0esr"; BiDi only "153.7.0" */
static void
ct_browser_firefox_start_version(CtBrowser *self, const gchar *binary)
{
	CtBrowserFirefox *firefox = self->protocol;
	const gchar *argv[] = {binary, "--version", NULL};

	firefox->version_cancellable = g_cancellable_new();
	firefox->version_process = ct_browser_spawn(self, argv, (const gchar *const *)self->envp,
						    FALSE, NULL);
	if (firefox->version_process == NULL) {
		firefox->version_done = TRUE;
		return;
	}
	g_subprocess_communicate_utf8_async(firefox->version_process, NULL,
					    firefox->version_cancellable,
					    ct_browser_firefox_version_cb, firefox);
}

static gboolean
ct_browser_firefox_version_done_cb(CtBrowser *self, gpointer user_data)
{
	CtBrowserFirefox *firefox = self->protocol;
	return firefox->version_done;
}

static gchar *
ct_browser_firefox_version(CtBrowser *self, const gchar *browser_version)
{
	CtBrowserFirefox *firefox = self->protocol;
	g_auto(GStrv) words = NULL;
	guint n;

	if (firefox->version_output != NULL) {
		words = g_strsplit_set(g_strstrip(firefox->version_output), " \t\n", -1);
		n = g_strv_length(words);
		if (n > 0 && browser_version != NULL &&
		    g_str_has_prefix(words[n - 1], browser_version))
			return g_strdup_printf("Firefox %s", words[n - 1]);
	}
	return g_strdup_printf("Firefox %s", browser_version != NULL ? browser_version : "unknown");
}

/* a page's alert(), confirm(), prompt() or beforeunload dialog: dismissed at once (the
 * page is left on beforeunload) */
static gboolean
ct_browser_firefox_dismiss_dialog_cb(JsonObject *event, gpointer user_data)
{
	CtBrowser *self = user_data;
	JsonObject *params = ct_json_get_object(event, "params");
	const gchar *type = ct_json_get_string(params, "type");
	JsonObject *answer;

	if (g_strcmp0(ct_json_get_string(event, "method"), "browsingContext.userPromptOpened") !=
		0 ||
	    ct_json_get_string(params, "context") == NULL)
		return FALSE;
	answer = json_object_new();
	json_object_set_string_member(answer, "context", ct_json_get_string(params, "context"));
	json_object_set_boolean_member(answer, "accept", g_strcmp0(type, "beforeunload") == 0);
	ct_browser_send(self, "browsingContext.handleUserPrompt", answer, NULL);
	g_debug("%s: dismissed a %s dialog", self->name, type != NULL ? type : "page");
	return TRUE;
}

static gboolean
ct_browser_firefox_start(CtBrowser *self, GCancellable *cancellable, GError **error)
{
	CtBrowserFirefox *firefox = self->protocol;
	gint64 deadline = ct_browser_launch_deadline(self);
	g_autofree gchar *endpoint = NULL;
	g_autofree gchar *session_url = NULL;
	g_autoptr(JsonObject) params = json_object_new();
	g_autoptr(JsonObject) capabilities = json_object_new();
	g_autoptr(JsonObject) always = json_object_new();
	g_autoptr(JsonObject) session = NULL;
	g_autoptr(JsonObject) tree = NULL;
	g_autoptr(JsonObject) subscribe = json_object_new();
	g_autoptr(JsonArray) events = json_array_new();
	g_autoptr(GError) error_local = NULL;
	const gchar *browser_version = NULL;
	JsonObject *granted;
	JsonArray *contexts;

	ct_browser_firefox_start_version(self, self->binary);
	endpoint = ct_browser_wait_for_endpoint(self, "WebDriver BiDi listening on ", deadline,
						cancellable, error);
	if (endpoint == NULL)
		return FALSE;
	session_url = g_strdup_printf("%s/session", endpoint);
	if (!ct_browser_connect(self, session_url, ct_browser_firefox_dismiss_dialog_cb, deadline,
				cancellable, error))
		return FALSE;

	/* certificate errors must stay errors */
	json_object_set_boolean_member(always, "acceptInsecureCerts", FALSE);
	json_object_set_object_member(capabilities, "alwaysMatch", g_steal_pointer(&always));
	json_object_set_object_member(params, "capabilities", g_steal_pointer(&capabilities));
	session = ct_browser_call(self, "session.new", g_steal_pointer(&params), NULL, deadline,
				  cancellable, NULL, error);
	if (session == NULL)
		return FALSE;
	granted = ct_json_get_object(session, "capabilities");
	if (granted != NULL)
		browser_version = ct_json_get_string(granted, "browserVersion");

	/* a page's dialogs are told, to be dismissed */
	json_array_add_string_element(events, "browsingContext.userPromptOpened");
	json_object_set_array_member(subscribe, "events", g_steal_pointer(&events));
	if (!ct_browser_command(self, "session.subscribe", g_steal_pointer(&subscribe), NULL,
				deadline, cancellable, error))
		return FALSE;

	tree = ct_browser_call(self, "browsingContext.getTree", NULL, NULL, deadline, cancellable,
			       NULL, error);
	if (tree == NULL)
		return FALSE;
	contexts = ct_json_get_array(tree, "contexts");
	if (contexts != NULL && json_array_get_length(contexts) > 0 &&
	    JSON_NODE_HOLDS_OBJECT(json_array_get_element(contexts, 0))) {
		JsonObject *first = json_array_get_object_element(contexts, 0);
		firefox->context_id = g_strdup(ct_json_get_string(first, "context"));
	}
	if (firefox->context_id == NULL) {
		g_autoptr(JsonObject) create = json_object_new();
		g_autoptr(JsonObject) created = NULL;
		json_object_set_string_member(create, "type", "tab");
		created = ct_browser_call(self, "browsingContext.create", g_steal_pointer(&create),
					  NULL, deadline, cancellable, NULL, error);
		if (created == NULL)
			return FALSE;
		firefox->context_id = g_strdup(ct_json_get_string(created, "context"));
	}
	if (firefox->context_id == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_FAILED,
				    "Firefox offers no browsing context to navigate in");
		return FALSE;
	}

	/* the version is a nicety: its failure is not the launch's */
	if (!ct_browser_wait(self, ct_browser_firefox_version_done_cb, NULL,
			     MIN(deadline, g_get_monotonic_time() + CT_BROWSER_FIREFOX_VERSION_US),
			     cancellable, "asking for its version", &error_local) &&
	    g_error_matches(error_local, CT_ERROR, CT_ERROR_CANCELLED)) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	self->version = ct_browser_firefox_version(self, browser_version);
	return TRUE;
}

/* the probe's answer in the page; FALSE only when the browser is gone or hangs */
static gboolean
ct_browser_firefox_probe(CtBrowser *self,
			 gint64 deadline,
			 GCancellable *cancellable,
			 CtBrowserProbe *probe,
			 GError **error)
{
	CtBrowserFirefox *firefox = self->protocol;
	JsonObject *params = json_object_new();
	JsonObject *target = json_object_new();

	json_object_set_string_member(params, "expression", self->probe_script);
	json_object_set_string_member(target, "context", firefox->context_id);
	json_object_set_object_member(params, "target", target);
	json_object_set_boolean_member(params, "awaitPromise", FALSE);
	return ct_browser_probe_page(self, "script.evaluate", params, NULL, "success", deadline,
				     cancellable, probe, error);
}

/* only digits: a bare nsresult number */
static gboolean
ct_browser_firefox_is_number(const gchar *text)
{
	if (text == NULL || *text == '\0')
		return FALSE;
	for (const gchar *p = text; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
	}
	return TRUE;
}

static gboolean
ct_browser_firefox_leave(CtBrowser *self,
			 gint64 deadline,
			 GCancellable *cancellable,
			 GError **error)
{
	CtBrowserFirefox *firefox = self->protocol;
	JsonObject *params = json_object_new();

	json_object_set_string_member(params, "url", "about:blank");
	json_object_set_string_member(params, "context", firefox->context_id);
	json_object_set_string_member(params, "wait", "complete");
	return ct_browser_command(self, "browsingContext.navigate", params, NULL, deadline,
				  cancellable, error);
}

static CtNavigation *
ct_browser_firefox_navigate(CtBrowser *self,
			    const gchar *url,
			    GCancellable *cancellable,
			    GError **error)
{
	CtBrowserFirefox *firefox = self->protocol;
	gint64 deadline = ct_browser_deadline(self);
	g_autoptr(CtNavigation) navigation = ct_browser_navigation_new(url);
	g_autoptr(JsonObject) params = json_object_new();
	g_autoptr(JsonObject) result = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *refusal = NULL;
	g_auto(CtBrowserProbe) probe = {0};
	g_autofree gchar *code = NULL;

	json_object_set_string_member(params, "context", firefox->context_id);
	json_object_set_string_member(params, "url", url);
	json_object_set_string_member(params, "wait", "complete");
	/* a certificate error comes back as a refusal:
	 * NS_ERROR_GENERATE_FAILURE(NS_ERROR_MODULE_SECURITY, MOZILLA_PKIX_ERROR_...) */
	result = ct_browser_call(self, "browsingContext.navigate", g_steal_pointer(&params), NULL,
				 deadline, cancellable, &refusal, &error_local);
	if (result == NULL && refusal == NULL) {
		g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
					   "loading %s: ", url);
		return NULL;
	}
	if (!ct_browser_firefox_probe(self, deadline, cancellable, &probe, error)) {
		g_prefix_error(error, "loading %s: ", url);
		return NULL;
	}
	if (refusal == NULL) {
		ct_browser_judge(navigation, &probe, "UNKNOWN");
		return g_steal_pointer(&navigation);
	}
	/* the error page knows the code best when the message only has a generic one */
	code = ct_browser_code_from_message(refusal);
	if (probe.code != NULL && (code == NULL || g_str_has_prefix(code, "NS_ERROR_") ||
				   ct_browser_firefox_is_number(code))) {
		g_free(code);
		code = g_steal_pointer(&probe.code);
	}
	navigation->error_code = code != NULL ? g_steal_pointer(&code) : g_strdup("UNKNOWN");
	navigation->detail = g_steal_pointer(&refusal);
	navigation->final_url = g_steal_pointer(&probe.uri);
	return g_steal_pointer(&navigation);
}

/* a `firefox --version` still running is killed and reaped */
static void
ct_browser_firefox_release(CtBrowser *self)
{
	CtBrowserFirefox *firefox = g_steal_pointer(&self->protocol);

	if (firefox == NULL)
		return;
	if (firefox->version_process != NULL && !firefox->version_done) {
		gint group = ct_browser_process_group(firefox->version_process);
		/* 0 would be certtrust's own group */
		if (group > 0)
			kill(-group, SIGKILL);
		g_cancellable_cancel(firefox->version_cancellable);
		while (!firefox->version_done)
			g_main_context_iteration(self->context, TRUE);
	}
	g_clear_object(&firefox->version_process);
	g_clear_object(&firefox->version_cancellable);
	g_free(firefox->version_output);
	g_free(firefox->context_id);
	g_free(firefox);
}

const CtBrowserDriver ct_browser_firefox_driver = {
    .name = "Firefox",
    .prepare = ct_browser_firefox_prepare,
    .start = ct_browser_firefox_start,
    .navigate = ct_browser_firefox_navigate,
    .leave = ct_browser_firefox_leave,
    .quit_method = "browser.close",
    .release = ct_browser_firefox_release,
};
