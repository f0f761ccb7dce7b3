/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ct-browser-driver.h"
#include "ct-browser-probe.h"
#include "ct-browser-process.h"
#include "ct-browser-wire.h"
#include "ct-json.h"

/* Chromium over the DevTools protocol: `--remote-debugging-port=0`, one page target
 * attached in flat mode, Page.navigate and the load lifecycle event of its loader */

/* what the driver keeps in CtBrowser's protocol */
typedef struct {
	gchar *session_id; /* the flat session of the page target */
} CtBrowserChromium;

/* the flags the trust measurements used (puppeteer's defaults plus its own; see
 * docs/architecture.md, "Real browsers"): no background connections, no first-run, no throttling of
 * a hidden page */
static const gchar *ct_browser_chromium_flags[] = {
    "--disable-dev-shm-usage",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--metrics-recording-only",
    "--no-pings",
    "--dns-prefetch-disable",
    "--password-store=basic",
    "--use-mock-keychain",
    "--allow-pre-commit-input",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-component-extensions-with-background-pages",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-hang-monitor",
    "--disable-infobars",
    "--disable-ipc-flooding-protection",
    "--disable-prompt-on-repost",
    "--disable-search-engine-choice-screen",
    "--enable-automation",
    "--force-color-profile=srgb",
    "--hide-scrollbars",
    "--mute-audio",
    /* Chromium reads one --disable-features: all of them in it */
    "--disable-features=Translate,AcceptCHFrame,MediaRouter,OptimizationHints,"
    "WebUIReloadButton,ProcessPerSiteUpToMainFrameThreshold,IsolateSandboxedIframes,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
    "InterestFeedContentSuggestions,SafeBrowsingEnhancedProtection,"
    "NetworkTimeServiceQuerying,DialMediaRouteProvider,PrivacySandboxSettings4",
    NULL,
};

/* the browser reaches the hosts the user named and nothing else: mapped names go to
 * 127.0.0.1, --resolve names to their address, named hosts resolve the normal way, every
 * other name fails (IP literals need no resolver) */
static gchar *
ct_browser_chromium_resolver_rules(const CtBrowserOptions *options)
{
	g_autoptr(GString) rules = g_string_new("--host-resolver-rules=");

	for (guint i = 0; options->map_names != NULL && options->map_names[i] != NULL; i++)
		g_string_append_printf(rules, "MAP %s 127.0.0.1, ", options->map_names[i]);
	for (guint i = 0; options->resolve_rules != NULL && options->resolve_rules[i] != NULL;
	     i++) {
		const CtResolveRule *rule = options->resolve_rules[i];
		gboolean v6 = strchr(rule->address, ':') != NULL;
		g_string_append_printf(rules, "MAP %s %s%s%s, ", rule->name, v6 ? "[" : "",
				       rule->address, v6 ? "]" : "");
	}
	g_string_append(rules, "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, "
			       "EXCLUDE [::1]");
	for (guint i = 0; options->allow_names != NULL && options->allow_names[i] != NULL; i++) {
		g_autoptr(GInetAddress)
		    literal = g_inet_address_new_from_string(options->allow_names[i]);
		/* an IP literal needs no resolver */
		if (literal == NULL)
			g_string_append_printf(rules, ", EXCLUDE %s", options->allow_names[i]);
	}
	return g_string_free(g_steal_pointer(&rules), FALSE);
}

/* Chromium's SingletonLock symlink names "HOST-PID" while a Chromium runs on the
 * directory; another start would only hand the page to that one and exit */
static gboolean
ct_browser_chromium_is_running(const gchar *user_data_dir)
{
	g_autofree gchar *lock = g_build_filename(user_data_dir, "SingletonLock", NULL);
	g_autofree gchar *target = g_file_read_link(lock, NULL);
	const gchar *dash = target != NULL ? strrchr(target, '-') : NULL;
	gchar *end = NULL;
	guint64 pid;

	if (dash == NULL || !g_ascii_isdigit(dash[1]))
		return FALSE;
	errno = 0;
	pid = g_ascii_strtoull(dash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || pid == 0 || pid > G_MAXINT32)
		return FALSE;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* the throwaway profile's preferences, for what no switch turns off: after a page fails
 * with a DNS error (ERR_NAME_NOT_RESOLVED, which is how a host nobody named is blocked)
 * Chromium's DNS probe asks the system's DNS servers and Google's public ones directly,
 * past --host-resolver-rules; it runs only while "alternate error pages" are on
 * (chrome/browser/net/net_error_tab_helper.cc, ProbesAllowed()) */
static gboolean
ct_browser_chromium_write_preferences(const gchar *user_data_dir, GError **error)
{
	g_autofree gchar *dir = g_build_filename(user_data_dir, "Default", NULL);
	g_autofree gchar *path = g_build_filename(dir, "Preferences", NULL);
	const gchar *preferences = "{\"alternate_error_pages\": {\"enabled\": false}}\n";

	if (g_mkdir(dir, 0700) != 0) {
		gint saved = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot create %s: %s", dir,
			    g_strerror(saved));
		return FALSE;
	}
	if (!g_file_set_contents_full(path, preferences, -1, G_FILE_SET_CONTENTS_NONE, 0600,
				      error)) {
		ct_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ct_browser_chromium_prepare(CtBrowser *self,
			    const CtBrowserOptions *options,
			    GPtrArray *argv,
			    gchar ***envp,
			    GError **error)
{
	g_autofree gchar *user_data_dir = NULL;
	g_autofree gchar *home = NULL;

	self->protocol = g_new0(CtBrowserChromium, 1);
	if (options->user_data_dir != NULL) {
		if (!g_file_test(options->user_data_dir, G_FILE_TEST_IS_DIR)) {
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
				    "Chromium user data directory %s does not exist",
				    options->user_data_dir);
			return FALSE;
		}
		if (ct_browser_chromium_is_running(options->user_data_dir)) {
			g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
				    "Chromium is running on %s: close it and run again",
				    options->user_data_dir);
			return FALSE;
		}
		user_data_dir = g_strdup(options->user_data_dir);
	} else {
		user_data_dir = ct_browser_make_dir(self, "user-data", error);
		if (user_data_dir == NULL ||
		    !ct_browser_chromium_write_preferences(user_data_dir, error))
			return FALSE;
	}
	/* HOME decides the NSS database Chromium trusts: inherited unless given */
	if (options->nss_db != NULL) {
		g_autofree gchar *pki = NULL;
		g_autofree gchar *link = NULL;
		home = ct_browser_make_dir(self, "home", error);
		if (home == NULL)
			return FALSE;
		pki = g_build_filename(home, ".pki", NULL);
		link = g_build_filename(pki, "nssdb", NULL);
		if (g_mkdir(pki, 0700) != 0 || symlink(options->nss_db, link) != 0) {
			gint saved = errno;
			g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot prepare %s: %s", link,
				    g_strerror(saved));
			return FALSE;
		}
	}
	*envp = ct_browser_environ(self, home != NULL ? home : options->home, error);
	if (*envp == NULL)
		return FALSE;

	if (!options->headed)
		g_ptr_array_add(argv, g_strdup("--headless=new"));
	/* Chromium refuses to start as root with its sandbox */
	if (geteuid() == 0)
		g_ptr_array_add(argv, g_strdup("--no-sandbox"));
	g_ptr_array_add(argv, g_strdup("--remote-debugging-port=0"));
	g_ptr_array_add(argv, g_strdup_printf("--user-data-dir=%s", user_data_dir));
	g_ptr_array_add(argv, ct_browser_chromium_resolver_rules(options));
	for (guint i = 0; ct_browser_chromium_flags[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(ct_browser_chromium_flags[i]));
	return TRUE;
}

/* a page's alert(), confirm(), prompt() or beforeunload dialog: dismissed at once (the
 * page is left on beforeunload) */
static gboolean
ct_browser_chromium_dismiss_dialog_cb(JsonObject *event, gpointer user_data)
{
	CtBrowser *self = user_data;
	JsonObject *params = ct_json_get_object(event, "params");
	const gchar *type = ct_json_get_string(params, "type");
	JsonObject *answer;

	if (g_strcmp0(ct_json_get_string(event, "method"), "Page.javascriptDialogOpening") != 0)
		return FALSE;
	answer = json_object_new();
	json_object_set_boolean_member(answer, "accept", g_strcmp0(type, "beforeunload") == 0);
	ct_browser_send(self, "Page.handleJavaScriptDialog", answer,
			ct_json_get_string(event, "sessionId"));
	g_debug("%s: dismissed a %s dialog", self->name, type != NULL ? type : "page");
	return TRUE;
}

static gboolean
ct_browser_chromium_start(CtBrowser *self, GCancellable *cancellable, GError **error)
{
	CtBrowserChromium *chromium = self->protocol;
	gint64 deadline = ct_browser_launch_deadline(self);
	g_autofree gchar *endpoint = NULL;
	g_autoptr(JsonObject) version = NULL;
	g_autoptr(JsonObject) create = json_object_new();
	g_autoptr(JsonObject) created = NULL;
	g_autoptr(JsonObject) attach = json_object_new();
	g_autoptr(JsonObject) attached = NULL;
	g_autoptr(JsonObject) lifecycle = json_object_new();
	const gchar *product;
	const gchar *slash;
	const gchar *target_id;

	endpoint = ct_browser_wait_for_endpoint(self, "DevTools listening on ", deadline,
						cancellable, error);
	if (endpoint == NULL)
		return FALSE;
	if (!ct_browser_connect(self, endpoint, ct_browser_chromium_dismiss_dialog_cb, deadline,
				cancellable, error))
		return FALSE;

	/* "Chrome/156.0.8078.108" */
	version = ct_browser_call(self, "Browser.getVersion", NULL, NULL, deadline, cancellable,
				  NULL, error);
	if (version == NULL)
		return FALSE;
	product = ct_json_get_string(version, "product");
	if (product == NULL)
		product = "";
	slash = strchr(product, '/');
	self->version = g_strdup_printf("Chromium %s", slash != NULL ? slash + 1 : product);

	json_object_set_string_member(create, "url", "about:blank");
	created = ct_browser_call(self, "Target.createTarget", g_steal_pointer(&create), NULL,
				  deadline, cancellable, NULL, error);
	if (created == NULL)
		return FALSE;
	target_id = ct_json_get_string(created, "targetId");
	if (target_id == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_FAILED,
				    "Chromium created a page without a target id");
		return FALSE;
	}
	json_object_set_string_member(attach, "targetId", target_id);
	json_object_set_boolean_member(attach, "flatten", TRUE);
	attached = ct_browser_call(self, "Target.attachToTarget", g_steal_pointer(&attach), NULL,
				   deadline, cancellable, NULL, error);
	if (attached == NULL)
		return FALSE;
	chromium->session_id = g_strdup(ct_json_get_string(attached, "sessionId"));
	if (chromium->session_id == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_FAILED,
				    "Chromium attached to the page without a session id");
		return FALSE;
	}
	/* lifecycle events carry the loader id: the load of this navigation, not another */
	json_object_set_boolean_member(lifecycle, "enabled", TRUE);
	/* the document request's failure arrives at once; Page.navigate's answer waits for
	 * the error page, from the third certificate error on about 3 s (SSLErrorHandler's
	 * captive-portal timer): the navigation takes the first (Network.enable) */
	return ct_browser_command(self, "Page.enable", NULL, chromium->session_id, deadline,
				  cancellable, error) &&
	       ct_browser_command(self, "Page.setLifecycleEventsEnabled",
				  g_steal_pointer(&lifecycle), chromium->session_id, deadline,
				  cancellable, error) &&
	       ct_browser_command(self, "Network.enable", NULL, chromium->session_id, deadline,
				  cancellable, error);
}

/* Network.loadingFailed of a document with a certificate error */
static gboolean
ct_browser_chromium_is_cert_failure_cb(JsonObject *event, gpointer user_data)
{
	JsonObject *params;
	const gchar *text;

	if (g_strcmp0(ct_json_get_string(event, "method"), "Network.loadingFailed") != 0)
		return FALSE;
	params = ct_json_get_object(event, "params");
	if (params == NULL || g_strcmp0(ct_json_get_string(params, "type"), "Document") != 0)
		return FALSE;
	text = ct_json_get_string(params, "errorText");
	return text != NULL && g_str_has_prefix(text, "net::ERR_CERT_");
}

static gboolean
ct_browser_chromium_is_load_cb(JsonObject *event, gpointer user_data)
{
	const gchar *loader_id = user_data;
	JsonObject *params;

	if (g_strcmp0(ct_json_get_string(event, "method"), "Page.lifecycleEvent") != 0)
		return FALSE;
	params = ct_json_get_object(event, "params");
	if (params == NULL)
		return FALSE;
	return g_strcmp0(ct_json_get_string(params, "name"), "load") == 0 &&
	       g_strcmp0(ct_json_get_string(params, "loaderId"), loader_id) == 0;
}

/* the probe's answer in the page; FALSE only when the browser is gone or hangs */
static gboolean
ct_browser_chromium_probe(CtBrowser *self,
			  gint64 deadline,
			  GCancellable *cancellable,
			  CtBrowserProbe *probe,
			  GError **error)
{
	CtBrowserChromium *chromium = self->protocol;
	JsonObject *params = json_object_new();

	json_object_set_string_member(params, "expression", self->probe_script);
	json_object_set_boolean_member(params, "returnByValue", TRUE);
	return ct_browser_probe_page(self, "Runtime.evaluate", params, chromium->session_id, NULL,
				     deadline, cancellable, probe, error);
}

/* the last address the request asked for (Network.requestWillBeSent comes again for each
 * redirect), from the queued events; NULL when unknown */
static gchar *
ct_browser_chromium_request_url(CtBrowser *self, const gchar *request_id)
{
	const gchar *url = NULL;

	if (request_id == NULL)
		return NULL;
	for (GList *l = self->events.head; l != NULL; l = l->next) {
		JsonObject *params = ct_json_get_object(l->data, "params");
		JsonObject *request = ct_json_get_object(params, "request");

		if (g_strcmp0(ct_json_get_string(l->data, "method"), "Network.requestWillBeSent") !=
			0 ||
		    g_strcmp0(ct_json_get_string(params, "requestId"), request_id) != 0 ||
		    ct_json_get_string(request, "url") == NULL)
			continue;
		url = ct_json_get_string(request, "url");
	}
	return g_strdup(url);
}

/* a redirect may have led elsewhere: say where the page failed */
static void
ct_browser_chromium_failed_at(CtBrowser *self, CtNavigation *navigation, const gchar *request_id)
{
	g_free(navigation->final_url);
	navigation->final_url = ct_browser_chromium_request_url(self, request_id);
	if (navigation->final_url != NULL) {
		gchar *detail = g_strdup_printf("%s at %s", navigation->detail,
						navigation->final_url);
		g_free(navigation->detail);
		navigation->detail = detail;
	}
}

static void
ct_browser_chromium_block(CtNavigation *navigation, const gchar *text, const gchar *fallback)
{
	g_autofree gchar *code = ct_browser_code_from_message(text);

	navigation->error_code = code != NULL ? g_steal_pointer(&code) : g_strdup(fallback);
	navigation->detail = g_strdup(text);
}

static gboolean
ct_browser_chromium_leave(CtBrowser *self,
			  gint64 deadline,
			  GCancellable *cancellable,
			  GError **error)
{
	CtBrowserChromium *chromium = self->protocol;
	JsonObject *params = json_object_new();

	json_object_set_string_member(params, "url", "about:blank");
	return ct_browser_command(self, "Page.navigate", params, chromium->session_id, deadline,
				  cancellable, error);
}

static CtNavigation *
ct_browser_chromium_navigate(CtBrowser *self,
			     const gchar *url,
			     GCancellable *cancellable,
			     GError **error)
{
	CtBrowserChromium *chromium = self->protocol;
	gint64 deadline = ct_browser_deadline(self);
	g_autoptr(CtNavigation) navigation = ct_browser_navigation_new(url);
	g_autoptr(JsonObject) params = json_object_new();
	g_autoptr(JsonObject) result = NULL;
	g_autoptr(JsonObject) load = NULL;
	g_autoptr(JsonObject) failure = NULL;
	CtBrowserEventWait cert_failure = {ct_browser_chromium_is_cert_failure_cb, NULL, NULL};
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *refusal = NULL;
	g_auto(CtBrowserProbe) probe = {0};
	g_autofree gchar *what = g_strdup_printf("loading %s", url);
	const gchar *error_text;
	const gchar *loader_id;

	/* what is queued belongs to earlier pages */
	ct_browser_clear_events(self);
	json_object_set_string_member(params, "url", url);
	result = ct_browser_call_or_event(self, "Page.navigate", g_steal_pointer(&params),
					  chromium->session_id, &cert_failure, deadline,
					  cancellable, &refusal, &error_local);
	failure = cert_failure.found;
	if (failure != NULL) {
		JsonObject *failed = ct_json_get_object(failure, "params");

		ct_browser_chromium_block(navigation, ct_json_get_string(failed, "errorText"),
					  "UNKNOWN");
		ct_browser_chromium_failed_at(self, navigation,
					      ct_json_get_string(failed, "requestId"));
		/* leave the pending error page, so that the next page starts clean */
		if (!ct_browser_chromium_leave(self, deadline, cancellable, error)) {
			g_prefix_error(error, "leaving the error page of %s: ", url);
			return NULL;
		}
		return g_steal_pointer(&navigation);
	}
	if (result == NULL) {
		if (refusal == NULL) {
			g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
						   "loading %s: ", url);
			return NULL;
		}
		ct_browser_chromium_block(navigation, refusal, "UNKNOWN");
		return g_steal_pointer(&navigation);
	}
	/* a certificate error: "net::ERR_CERT_AUTHORITY_INVALID" */
	error_text = ct_json_get_string(result, "errorText");
	if (error_text != NULL && error_text[0] != '\0') {
		ct_browser_chromium_block(navigation, error_text, error_text);
		/* the document request's id is the loader's */
		ct_browser_chromium_failed_at(self, navigation,
					      ct_json_get_string(result, "loaderId"));
		return g_steal_pointer(&navigation);
	}
	/* a same-document navigation has no loader and no load event */
	loader_id = ct_json_get_string(result, "loaderId");
	if (loader_id != NULL) {
		load = ct_browser_wait_for_event(self, ct_browser_chromium_is_load_cb,
						 (gpointer)loader_id, deadline, cancellable, what,
						 error);
		if (load == NULL)
			return NULL;
	}
	if (!ct_browser_chromium_probe(self, deadline, cancellable, &probe, error)) {
		g_prefix_error(error, "loading %s: ", url);
		return NULL;
	}
	/* a chrome-error:// page without an error text: the navigation failed all the same */
	ct_browser_judge(navigation, &probe, "NAVIGATION_FAILED");
	return g_steal_pointer(&navigation);
}

static void
ct_browser_chromium_release(CtBrowser *self)
{
	CtBrowserChromium *chromium = g_steal_pointer(&self->protocol);

	if (chromium == NULL)
		return;
	g_free(chromium->session_id);
	g_free(chromium);
}

const CtBrowserDriver ct_browser_chromium_driver = {
    .name = "Chromium",
    .prepare = ct_browser_chromium_prepare,
    .start = ct_browser_chromium_start,
    .navigate = ct_browser_chromium_navigate,
    .leave = ct_browser_chromium_leave,
    .quit_method = "Browser.close",
    .release = ct_browser_chromium_release,
};
