/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "ct-browser-firefox-profile.h"
#include "ct-error.h"
#include "ct-firefox.h"
#include "ct-source.h"

/* the throwaway profile Firefox runs on: the trust of the user's profile copied in, the
 * exceptions of open --session, and prefs that keep it on loopback */

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
	for (guint i = 0; options->resolve_rules != NULL && options->resolve_rules[i] != NULL; i++)
		json_array_add_string_element(hosts, options->resolve_rules[i]->name);
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
	const CtResolveRule *const *rules = options->resolve_rules;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

	*force = NULL;
	for (guint i = 0; rules != NULL && rules[i] != NULL; i++) {
		if (*force != NULL && g_strcmp0(*force, rules[i]->address) != 0) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "Firefox sends names to one address only: --resolve gives %s "
				    "and %s",
				    *force, rules[i]->address);
			g_clear_pointer(force, g_free);
			return FALSE;
		}
		if (*force == NULL)
			*force = g_strdup(rules[i]->address);
		g_ptr_array_add(names, g_strdup(rules[i]->name));
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
ct_browser_firefox_fill_profile(const gchar *profile,
				const CtBrowserOptions *options,
				GError **error)
{
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
		if (!ct_firefox_override_add(profile, &(CtFirefoxOverride){host, port, equals + 1},
					     &changed, &replaced, error))
			return FALSE;
	}
	return ct_browser_firefox_write_prefs(profile, options, error);
}
