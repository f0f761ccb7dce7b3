/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "ct-browser-private.h"
#include "ct-firefox.h"
#include "ct-source.h"

/* Firefox ESR over WebDriver BiDi: a throwaway profile with prefs that keep it on
 * loopback, `--remote-debugging-port=0`, then session.new and browsingContext.navigate */

/* `firefox --version` takes about 0.6 s here; it runs alongside the launch */
#define CT_BROWSER_FIREFOX_VERSION_US (5 * G_USEC_PER_SEC)

typedef struct {
	const gchar *name;
	const gchar *value; /* as written in user.js: true, 0, "text" */
} CtBrowserFirefoxPref;

/* the prefs the trust measurements used (puppeteer's defaults plus its own; see
 * docs/architecture.md, "Real browsers"), with every background service pointed nowhere */
static const CtBrowserFirefoxPref ct_browser_firefox_prefs[] = {
    /* the network: only what the page needs */
    /* a proxy only as the PAC script below says: no fallback to a direct connection */
    {"network.proxy.failover_direct", "false"},
    {"network.proxy.allow_bypass", "false"},
    {"network.proxy.allow_hijacking_localhost", "true"},
    {"network.proxy.socks_remote_dns", "true"},
    {"network.trr.mode", "5"},
    {"network.dns.disablePrefetch", "true"},
    {"network.prefetch-next", "false"},
    {"network.predictor.enabled", "false"},
    {"network.http.speculative-parallel-limit", "0"},
    {"network.manage-offline-status", "false"},
    {"network.http.prompt-temp-redirect", "false"},
    {"network.sntp.pools", "\"\""},
    {"browser.urlbar.speculativeConnect.enabled", "false"},
    {"browser.places.speculativeConnect.enabled", "false"},
    {"browser.urlbar.suggest.searches", "false"},
    /* updates */
    {"app.update.auto", "false"},
    {"app.update.enabled", "false"},
    {"app.update.disabledForTesting", "true"},
    {"app.update.checkInstallTime", "false"},
    {"app.update.staging.enabled", "false"},
    {"app.update.url", "\"data:,\""},
    {"browser.search.update", "false"},
    {"extensions.update.enabled", "false"},
    {"extensions.update.notifyUser", "false"},
    {"extensions.systemAddon.update.enabled", "false"},
    {"extensions.systemAddon.update.url", "\"data:,\""},
    {"extensions.getAddons.cache.enabled", "false"},
    {"extensions.blocklist.enabled", "false"},
    {"extensions.webservice.discoverURL", "\"data:,\""},
    {"extensions.autoDisableScopes", "0"},
    {"extensions.enabledScopes", "5"},
    {"extensions.installDistroAddons", "false"},
    {"general.useragent.updates.enabled", "false"},
    {"media.gmp-manager.updateEnabled", "false"},
    {"media.gmp-manager.url", "\"data:,\""},
    {"media.gmp-gmpopenh264.enabled", "false"},
    {"media.gmp-widevinecdm.enabled", "false"},
    /* telemetry and data reporting */
    {"toolkit.telemetry.enabled", "false"},
    {"toolkit.telemetry.unified", "false"},
    {"toolkit.telemetry.archive.enabled", "false"},
    {"toolkit.telemetry.server", "\"data:,\""},
    {"toolkit.telemetry.newProfilePing.enabled", "false"},
    {"toolkit.telemetry.shutdownPingSender.enabled", "false"},
    {"toolkit.telemetry.firstShutdownPing.enabled", "false"},
    {"toolkit.telemetry.updatePing.enabled", "false"},
    {"toolkit.telemetry.bhrPing.enabled", "false"},
    {"toolkit.telemetry.coverage.opt-out", "true"},
    {"toolkit.coverage.opt-out", "true"},
    {"toolkit.coverage.endpoint.base", "\"data:,\""},
    {"datareporting.healthreport.uploadEnabled", "false"},
    {"datareporting.healthreport.service.enabled", "false"},
    {"datareporting.healthreport.service.firstRun", "false"},
    {"datareporting.healthreport.logging.consoleEnabled", "false"},
    {"datareporting.policy.dataSubmissionEnabled", "false"},
    {"datareporting.policy.dataSubmissionPolicyBypassNotification", "true"},
    {"datareporting.policy.firstRunURL", "\"\""},
    {"browser.ping-centre.telemetry", "false"},
    {"browser.newtabpage.activity-stream.telemetry", "false"},
    {"browser.newtabpage.activity-stream.feeds.telemetry", "false"},
    {"security.certerrors.recordEventTelemetry", "false"},
    {"security.identitypopup.recordEventTelemetry", "false"},
    /* remote settings, Normandy/Nimbus experiments, studies */
    {"services.settings.server", "\"data:,#remote-settings-dummy/v1\""},
    {"app.normandy.enabled", "false"},
    {"app.normandy.api_url", "\"\""},
    {"app.shield.optoutstudies.enabled", "false"},
    {"messaging-system.rsexperimentloader.enabled", "false"},
    {"nimbus.rollouts.enabled", "false"},
    {"security.remote_settings.crlite_filters.enabled", "false"},
    {"security.remote_settings.intermediates.enabled", "false"},
    {"browser.region.network.url", "\"\""},
    {"browser.region.update.enabled", "false"},
    {"geo.provider.network.url", "\"\""},
    {"geo.provider.testing", "true"},
    {"geo.wifi.scan", "false"},
    {"identity.fxaccounts.enabled", "false"},
    /* revocation: no OCSP fetches */
    {"security.OCSP.enabled", "0"},
    {"security.OCSP.require", "false"},
    {"security.certerrors.mitm.priming.enabled", "false"},
    {"security.certerrors.mitm.auto_enable_enterprise_roots", "false"},
    /* captive portal and connectivity checks */
    {"network.captive-portal-service.enabled", "false"},
    {"network.connectivity-service.enabled", "false"},
    {"captivedetect.canonicalURL", "\"\""},
    {"network.notify.checkForProxies", "false"},
    /* safe browsing, tracking protection */
    {"browser.safebrowsing.malware.enabled", "false"},
    {"browser.safebrowsing.phishing.enabled", "false"},
    {"browser.safebrowsing.downloads.enabled", "false"},
    {"browser.safebrowsing.downloads.remote.enabled", "false"},
    {"browser.safebrowsing.blockedURIs.enabled", "false"},
    {"browser.safebrowsing.passwords.enabled", "false"},
    {"browser.safebrowsing.provider.google.updateURL", "\"\""},
    {"browser.safebrowsing.provider.google.gethashURL", "\"\""},
    {"browser.safebrowsing.provider.google4.updateURL", "\"\""},
    {"browser.safebrowsing.provider.google4.gethashURL", "\"\""},
    {"browser.safebrowsing.provider.mozilla.updateURL", "\"\""},
    {"browser.safebrowsing.provider.mozilla.gethashURL", "\"\""},
    {"privacy.trackingprotection.enabled", "false"},
    /* push */
    {"dom.push.enabled", "false"},
    {"dom.push.connection.enabled", "false"},
    {"dom.push.serverURL", "\"\""},
    /* first-run, what's-new and start pages */
    {"browser.aboutwelcome.enabled", "false"},
    {"trailhead.firstrun.didSeeAboutWelcome", "true"},
    {"browser.startup.homepage_override.mstone", "\"ignore\""},
    {"browser.startup.homepage", "\"about:blank\""},
    {"browser.startup.page", "0"},
    {"startup.homepage_welcome_url", "\"about:blank\""},
    {"startup.homepage_welcome_url.additional", "\"\""},
    {"browser.shell.checkDefaultBrowser", "false"},
    {"browser.newtabpage.enabled", "false"},
    {"browser.newtabpage.activity-stream.feeds.system.topstories", "false"},
    {"browser.newtabpage.activity-stream.feeds.snippets", "false"},
    {"browser.newtabpage.activity-stream.asrouter.userprefs.cfr.addons", "false"},
    {"browser.newtabpage.activity-stream.asrouter.userprefs.cfr.features", "false"},
    {"browser.discovery.enabled", "false"},
    {"browser.contentblocking.report.monitor.enabled", "false"},
    {"browser.translations.enabled", "false"},
    {"browser.translations.automaticallyPopup", "false"},
    {"browser.uitour.enabled", "false"},
    {"browser.vpn_promo.enabled", "false"},
    {"browser.pagethumbnails.capturing_disabled", "true"},
    {"screenshots.browser.component.enabled", "false"},
    {"extensions.pocket.enabled", "false"},
    {"signon.management.page.breach-alerts.enabled", "false"},
    {"signon.autofillForms", "false"},
    {"signon.rememberSignons", "false"},
    /* no crash recovery, safe mode, hang or quit dialogs in an automated run */
    {"browser.sessionstore.resume_from_crash", "false"},
    {"toolkit.startup.max_resumed_crashes", "-1"},
    {"browser.warnOnQuit", "false"},
    {"hangmonitor.timeout", "0"},
    {"dom.ipc.reportProcessHangs", "false"},
    {"dom.max_chrome_script_run_time", "0"},
    {"dom.max_script_run_time", "0"},
    {"media.sanity-test.disabled", "true"},
    /* one content process for all sites: lighter on a small machine */
    {"fission.webContentIsolationStrategy", "0"},
    {"remote.enabled", "true"},
    /* a page's popups stay blocked (automation would allow them) */
    {"dom.disable_open_during_load", "true"},
    {"dom.popup_maximum", "0"},
};

/* what of a given profile decides whether a page loads: the NSS certificate database,
 * the permanent exceptions, the user's prefs and the HSTS state; no private keys (key4.db)
 * and no module list (pkcs11.txt names the original directory) */
static const gchar *ct_browser_firefox_profile_files[] = {
    "cert9.db",
    "cert_override.txt",
    "prefs.js",
    "user.js",
    "SiteSecurityServiceState.bin",
    "SiteSecurityServiceState.txt",
    NULL,
};

/* a JavaScript string literal for user.js */
static void
ct_browser_firefox_append_string(GString *out, const gchar *text)
{
	g_string_append_c(out, '"');
	for (const gchar *p = text; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

static gboolean
ct_browser_firefox_copy_profile(const gchar *from, const gchar *to, GError **error)
{
	for (guint i = 0; ct_browser_firefox_profile_files[i] != NULL; i++) {
		g_autofree gchar *source =
		    g_build_filename(from, ct_browser_firefox_profile_files[i], NULL);
		g_autofree gchar *target = g_build_filename(to, ct_browser_firefox_profile_files[i],
							    NULL);
		g_autoptr(GError) error_local = NULL;
		g_autofree gchar *contents = NULL;
		gsize len = 0;

		if (!g_file_get_contents(source, &contents, &len, &error_local)) {
			if (g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
				continue;
			g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
						   "reading the Firefox profile: ");
			ct_error_convert(error);
			return FALSE;
		}
		if (!g_file_set_contents_full(target, contents, (gssize)len,
					      G_FILE_SET_CONTENTS_NONE, 0600, error)) {
			ct_error_convert(error);
			return FALSE;
		}
	}
	return TRUE;
}

/* FindProxyForURL: DIRECT for the hosts named, a dead proxy for any other */
static gchar *
ct_browser_firefox_pac(const CtBrowserOptions *options)
{
	const gchar *const *map_names = options->map_names;
	const gchar *const *allow_names = options->allow_names;
	g_autoptr(JsonArray) hosts = json_array_new();
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *list = NULL;

	for (guint i = 0; map_names != NULL && map_names[i] != NULL; i++)
		json_array_add_string_element(hosts, map_names[i]);
	for (guint i = 0; allow_names != NULL && allow_names[i] != NULL; i++)
		json_array_add_string_element(hosts, allow_names[i]);
	for (guint i = 0; options->resolve_rules != NULL && options->resolve_rules[i] != NULL;
	     i++) {
		g_auto(GStrv) parts = g_strsplit(options->resolve_rules[i], "=", 2);
		json_array_add_string_element(hosts, parts[0]);
	}
	node = json_node_init_array(json_node_alloc(), hosts);
	list = json_to_string(node, FALSE);
	return g_strdup_printf("function FindProxyForURL(url, host) {"
			       " const named = %s;"
			       " const h = host.toLowerCase().replace(/^\\[|\\]$/g, '');"
			       " return named.includes(h) ? 'DIRECT' : 'PROXY 127.0.0.1:9';"
			       " }",
			       list);
}

/* --resolve NAME=ADDR beyond 127.0.0.1: Firefox's network.dns.forceResolve sends every
 * name it looks up to one address (the names mapped to 127.0.0.1 keep theirs), so the
 * rules must agree on it and no named host may need the normal resolver */
static gboolean
ct_browser_firefox_force_resolve(const CtBrowserOptions *options, gchar **force, GError **error)
{
	const gchar *const *rules = options->resolve_rules;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

	*force = NULL;
	for (guint i = 0; rules != NULL && rules[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(rules[i], "=", 2);
		if (*force != NULL && g_strcmp0(*force, parts[1]) != 0) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "Firefox sends names to one address only: --resolve gives %s "
				    "and %s",
				    *force, parts[1]);
			g_clear_pointer(force, g_free);
			return FALSE;
		}
		if (*force == NULL)
			*force = g_strdup(parts[1]);
		g_ptr_array_add(names, g_strdup(parts[0]));
	}
	for (guint i = 0;
	     *force != NULL && options->allow_names != NULL && options->allow_names[i] != NULL;
	     i++) {
		const gchar *name = options->allow_names[i];
		g_autoptr(GInetAddress) literal = g_inet_address_new_from_string(name);
		if (literal == NULL &&
		    !g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL)) {
			g_set_error(
			    error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "Firefox cannot look %s up the normal way while --resolve sends "
			    "names to %s: give it a --resolve too",
			    name, *force);
			g_clear_pointer(force, g_free);
			return FALSE;
		}
	}
	return TRUE;
}

/* the user's user.js (copied before) stays first: ours come later and win */
static gboolean
ct_browser_firefox_write_prefs(const gchar *profile,
			       const CtBrowserOptions *options,
			       GError **error)
{
	const gchar *const *map_names = options->map_names;
	g_autofree gchar *force = NULL;
	g_autofree gchar *path = g_build_filename(profile, "user.js", NULL);
	g_autofree gchar *names = map_names != NULL ? g_strjoinv(",", (gchar **)map_names)
						    : g_strdup("");
	g_autoptr(GString) out = g_string_new(NULL);
	gchar *existing = NULL;

	if (g_file_get_contents(path, &existing, NULL, NULL)) {
		g_string_append(out, existing);
		g_free(existing);
		if (out->len > 0 && out->str[out->len - 1] != '\n')
			g_string_append_c(out, '\n');
	}
	g_string_append(out, "// certtrust: keep this throwaway profile on loopback\n");
	for (guint i = 0; i < G_N_ELEMENTS(ct_browser_firefox_prefs); i++)
		g_string_append_printf(out, "user_pref(\"%s\", %s);\n",
				       ct_browser_firefox_prefs[i].name,
				       ct_browser_firefox_prefs[i].value);
	/* the hosts the user named are reached directly, every other one through a proxy
	 * that is not there (nothing listens on port 9 of loopback, the discard port): the
	 * page that leads elsewhere fails, and no name of it is looked up */
	{
		g_autofree gchar *pac = ct_browser_firefox_pac(options);
		g_autofree gchar *pac_path = g_build_filename(profile, "certtrust.pac", NULL);
		g_autofree gchar *url = g_filename_to_uri(pac_path, NULL, NULL);
		if (url == NULL ||
		    !g_file_set_contents_full(pac_path, pac, -1, G_FILE_SET_CONTENTS_NONE, 0600,
					      error)) {
			if (url == NULL)
				g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
					    "cannot name %s as a URL", pac_path);
			ct_error_convert(error);
			return FALSE;
		}
		g_string_append(out, "user_pref(\"network.proxy.type\", 2);\n");
		g_string_append(out, "user_pref(\"network.proxy.autoconfig_url\", ");
		ct_browser_firefox_append_string(out, url);
		g_string_append(out, ");\n");
	}
	/* --resolve to another address: Firefox has one for every name it looks up */
	if (!ct_browser_firefox_force_resolve(options, &force, error))
		return FALSE;
	if (force != NULL) {
		g_string_append(out, "user_pref(\"network.dns.forceResolve\", ");
		ct_browser_firefox_append_string(out, force);
		g_string_append(out, ");\n");
	}
	/* the names the user typed resolve to 127.0.0.1 */
	g_string_append(out, "user_pref(\"network.dns.localDomains\", ");
	ct_browser_firefox_append_string(out, names);
	g_string_append(out, ");\n");
	if (!g_file_set_contents_full(path, out->str, (gssize)out->len, G_FILE_SET_CONTENTS_NONE,
				      0600, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

gboolean
ct_browser_firefox_prepare(CtBrowser *self,
			   const CtBrowserOptions *options,
			   GPtrArray *argv,
			   gchar ***envp,
			   GError **error)
{
	g_autofree gchar *profile = NULL;
	g_autofree gchar *home = NULL;

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
	if (profile == NULL)
		return FALSE;
	if (options->profile != NULL &&
	    !ct_browser_firefox_copy_profile(options->profile, profile, error))
		return FALSE;
	for (guint i = 0; options->overrides != NULL && options->overrides[i] != NULL; i++) {
		const gchar *override = options->overrides[i];
		const gchar *equals = strchr(override, '=');
		g_autofree gchar *name = equals != NULL ? g_strndup(override, equals - override)
							: NULL;
		g_autofree gchar *host = NULL;
		g_autofree gchar *replaced = NULL;
		guint16 port = 0;
		gboolean changed = FALSE;

		if (name == NULL || !ct_source_split_host_port(name, 0, &host, &port, NULL)) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "an exception is host:port=SHA-256, not %s", override);
			return FALSE;
		}
		if (!ct_firefox_override_add(profile, host, port, equals + 1, &changed, &replaced,
					     error))
			return FALSE;
	}
	if (!ct_browser_firefox_write_prefs(profile, options, error))
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
	CtBrowser *self = user_data;
	g_autofree gchar *out = NULL;

	if (g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), result, &out, NULL, NULL))
		self->version_output = g_steal_pointer(&out);
	self->version_done = TRUE;
}

/* `firefox --version` says "Mozilla Firefox 153.7.0esr"; BiDi only "153.7.0" */
static void
ct_browser_firefox_start_version(CtBrowser *self, const gchar *binary)
{
	const gchar *argv[] = {binary, "--version", NULL};

	self->version_cancellable = g_cancellable_new();
	self->version_process = ct_browser_spawn(self, argv, (const gchar *const *)self->envp,
						 FALSE, NULL);
	if (self->version_process == NULL) {
		self->version_done = TRUE;
		return;
	}
	g_subprocess_communicate_utf8_async(self->version_process, NULL, self->version_cancellable,
					    ct_browser_firefox_version_cb, self);
}

static gboolean
ct_browser_firefox_version_done_cb(CtBrowser *self, gpointer user_data)
{
	return self->version_done;
}

static gchar *
ct_browser_firefox_version(CtBrowser *self, const gchar *browser_version)
{
	g_auto(GStrv) words = NULL;
	guint n;

	if (self->version_output != NULL) {
		words = g_strsplit_set(g_strstrip(self->version_output), " \t\n", -1);
		n = g_strv_length(words);
		if (n > 0 && browser_version != NULL &&
		    g_str_has_prefix(words[n - 1], browser_version))
			return g_strdup_printf("Firefox %s", words[n - 1]);
	}
	return g_strdup_printf("Firefox %s", browser_version != NULL ? browser_version : "unknown");
}

gboolean
ct_browser_firefox_start(CtBrowser *self, GCancellable *cancellable, GError **error)
{
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
	g_autoptr(JsonObject) subscribed = NULL;
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
	if (!ct_browser_connect(self, session_url, deadline, cancellable, error))
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

	/* a page's dialogs are told, to be dismissed (ct-browser.c) */
	json_array_add_string_element(events, "browsingContext.userPromptOpened");
	json_object_set_array_member(subscribe, "events", g_steal_pointer(&events));
	subscribed = ct_browser_call(self, "session.subscribe", g_steal_pointer(&subscribe), NULL,
				     deadline, cancellable, NULL, error);
	if (subscribed == NULL)
		return FALSE;

	tree = ct_browser_call(self, "browsingContext.getTree", NULL, NULL, deadline, cancellable,
			       NULL, error);
	if (tree == NULL)
		return FALSE;
	contexts = ct_json_get_array(tree, "contexts");
	if (contexts != NULL && json_array_get_length(contexts) > 0 &&
	    JSON_NODE_HOLDS_OBJECT(json_array_get_element(contexts, 0))) {
		JsonObject *first = json_array_get_object_element(contexts, 0);
		self->context_id = g_strdup(ct_json_get_string(first, "context"));
	}
	if (self->context_id == NULL) {
		g_autoptr(JsonObject) create = json_object_new();
		g_autoptr(JsonObject) created = NULL;
		json_object_set_string_member(create, "type", "tab");
		created = ct_browser_call(self, "browsingContext.create", g_steal_pointer(&create),
					  NULL, deadline, cancellable, NULL, error);
		if (created == NULL)
			return FALSE;
		self->context_id = g_strdup(ct_json_get_string(created, "context"));
	}
	if (self->context_id == NULL) {
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
	g_autoptr(JsonObject) params = json_object_new();
	g_autoptr(JsonObject) target = json_object_new();
	g_autoptr(JsonObject) result = NULL;
	g_autofree gchar *refusal = NULL;
	g_autoptr(GError) error_local = NULL;
	JsonObject *value;
	const gchar *json;

	json_object_set_string_member(params, "expression", self->probe_script);
	json_object_set_string_member(target, "context", self->context_id);
	json_object_set_object_member(params, "target", g_steal_pointer(&target));
	json_object_set_boolean_member(params, "awaitPromise", FALSE);
	result = ct_browser_call(self, "script.evaluate", g_steal_pointer(&params), NULL, deadline,
				 cancellable, &refusal, &error_local);
	if (result == NULL) {
		if (refusal != NULL)
			return TRUE;
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	/* {"type": "success", "result": {"type": "string", "value": "..."}} or an exception */
	if (g_strcmp0(ct_json_get_string(result, "type"), "success") != 0)
		return TRUE;
	value = ct_json_get_object(result, "result");
	json = value != NULL ? ct_json_get_string(value, "value") : NULL;
	ct_browser_parse_probe(json, probe);
	return TRUE;
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

CtNavigation *
ct_browser_firefox_navigate(CtBrowser *self,
			    const gchar *url,
			    GCancellable *cancellable,
			    GError **error)
{
	gint64 deadline = ct_browser_deadline(self);
	g_autoptr(CtNavigation) navigation = ct_browser_navigation_new(url);
	g_autoptr(JsonObject) params = json_object_new();
	g_autoptr(JsonObject) result = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *refusal = NULL;
	g_auto(CtBrowserProbe) probe = {0};
	g_autofree gchar *code = NULL;

	json_object_set_string_member(params, "context", self->context_id);
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

void
ct_browser_firefox_quit(CtBrowser *self, gint64 deadline)
{
	g_autoptr(JsonObject) result = NULL;

	/* the connection may close before the answer comes: that is fine too */
	result = ct_browser_call(self, "browser.close", NULL, NULL, deadline, NULL, NULL, NULL);
}
