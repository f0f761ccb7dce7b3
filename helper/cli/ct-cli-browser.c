/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <string.h>

#include "ct-cli-browser.h"
#include "ct-context.h"
#include "ct-firefox.h"
#include "ct-hostname.h"
#include "ct-json.h"
#include "ct-resolver.h"
#include "ct-source.h"
#include "ct-trust.h"

/* what verify and open share: the browser, the trust it reads, the pages to visit */

static gboolean
ct_cli_browser_parse_kind(const gchar *text, CtBrowserKind *kind, GError **error)
{
	if (g_strcmp0(text, "firefox") == 0) {
		*kind = CT_BROWSER_FIREFOX;
		return TRUE;
	}
	if (g_strcmp0(text, "chromium") == 0) {
		*kind = CT_BROWSER_CHROMIUM;
		return TRUE;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    text == NULL ? "give --browser firefox or --browser chromium"
				 : "unknown browser '%s': use firefox or chromium",
		    text);
	return FALSE;
}

/* the Firefox profile or the NSS database the browser is to use: --profile, else the
 * one --store names, else the user's own (Firefox's default profile; Chromium's db) */
static gboolean
ct_cli_browser_location(CtCli *cli,
			CtBrowserKind kind,
			const gchar *profile,
			const gchar *store_spec,
			gchar **location,
			GError **error)
{
	g_autoptr(GPtrArray) stores = NULL;
	const gchar *specs[] = {store_spec, NULL};

	*location = NULL;
	if (profile != NULL) {
		*location = g_canonicalize_filename(profile, NULL);
		return TRUE;
	}
	if (store_spec == NULL && kind == CT_BROWSER_FIREFOX) {
		g_autofree gchar *home = ct_context_get_home();
		g_autofree gchar *config = ct_context_get_config_home();
		g_autoptr(GPtrArray) found = ct_firefox_find_profiles(home, config, error);
		CtFirefoxProfile *chosen = NULL;
		if (found == NULL)
			return FALSE;
		for (guint i = 0; i < found->len && chosen == NULL; i++) {
			CtFirefoxProfile *candidate = g_ptr_array_index(found, i);
			if (candidate->is_default)
				chosen = candidate;
		}
		if (chosen == NULL && found->len > 0)
			chosen = g_ptr_array_index(found, 0);
		if (chosen == NULL) {
			g_set_error_literal(error, CT_ERROR, CT_ERROR_NOT_FOUND,
					    "no Firefox profile found: run Firefox once, or name "
					    "one with --profile DIR");
			return FALSE;
		}
		*location = g_strdup(chosen->path);
		return TRUE;
	}
	if (store_spec == NULL) {
		/* Chromium on the user's HOME as it is: say which database that is */
		g_autoptr(GPtrArray) dbs = ct_context_get_chromium_dbs();
		if (dbs->len > 0)
			*location = g_strdup(g_ptr_array_index(dbs, 0));
		return TRUE;
	}
	stores = ct_store_resolve(specs, cli->sysroot, FALSE, error);
	if (stores == NULL)
		return FALSE;
	for (guint i = 0; i < stores->len; i++) {
		CtStore *store = g_ptr_array_index(stores, i);
		gboolean fits = kind == CT_BROWSER_FIREFOX ? store->kind == CT_STORE_FIREFOX
							   : (store->kind == CT_STORE_CHROMIUM ||
							      store->kind == CT_STORE_NSS);
		if (!fits)
			continue;
		if (store->problem != NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND, "--store %s: %s",
				    store_spec, store->problem);
			return FALSE;
		}
		*location = g_strdup(store->location);
		return TRUE;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "--store %s is not a store of %s",
		    store_spec,
		    kind == CT_BROWSER_FIREFOX ? "Firefox (firefox or firefox:DIR)"
					       : "Chromium (chromium or nss:DIR)");
	return FALSE;
}

/* every URL to visit: each SOURCE's, and each --name on the SOURCE's port and path */
static GPtrArray *
ct_cli_browser_urls(gint argc, gchar **argv, gchar **names, GError **error)
{
	g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func(g_free);

	for (gint i = 1; i < argc; i++) {
		g_autoptr(CtSourceServer) server = NULL;
		g_autoptr(GPtrArray) typed = NULL;

		if (!ct_source_is_network(argv[i])) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "%s is not a server: verify takes https://HOST:PORT/ or "
				    "HOST:PORT",
				    argv[i]);
			return NULL;
		}
		server = ct_source_parse_server(argv[i], error);
		if (server == NULL)
			return NULL;
		typed = ct_cli_typed_names(argv[i], names, error);
		if (typed == NULL)
			return NULL;
		/* each typed name is already "host:port", IPv6 in brackets */
		for (guint j = 0; j < typed->len; j++)
			g_ptr_array_add(urls,
					g_strdup_printf("https://%s%s",
							(const gchar *)g_ptr_array_index(typed, j),
							server->path != NULL ? server->path : "/"));
	}
	return g_steal_pointer(&urls);
}

static gboolean
ct_cli_browser_one_address(CtCliBrowser *self,
			   const gchar *name,
			   const gchar *address,
			   const gchar *rule,
			   GError **error)
{
	gboolean loopback = g_strcmp0(address, "127.0.0.1") == 0;
	gboolean other = !loopback &&
			 g_ptr_array_find_with_equal_func(self->mapped, name, g_str_equal, NULL);

	for (guint i = 0; i < self->resolved->len && !other; i++) {
		const CtResolveRule *known = g_ptr_array_index(self->resolved, i);
		other = g_strcmp0(known->name, name) == 0 &&
			(loopback || g_strcmp0(known->address, address) != 0);
	}
	if (other) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--resolve %s: a browser sends a name to one address, and %s already "
			    "has another",
			    rule, name);
		return FALSE;
	}
	return TRUE;
}

/* --resolve NAME:PORT:ADDR: a name to 127.0.0.1 for both browsers; to another address
 * for Chromium (Firefox maps names to 127.0.0.1 only); and the hosts the user named, which
 * Chromium resolves the normal way (every other name fails there) */
static gboolean
ct_cli_browser_map_names(CtCli *cli, CtCliBrowser *self, GError **error)
{
	/* the same rules as fetch: NAME in its one canonical form (lower case, A-labels),
	 * the form the browsers look up */
	GPtrArray *rules = ct_cli_get_resolve_rules(cli, error);

	if (rules == NULL)
		return FALSE;
	for (guint i = 0; i < rules->len; i++) {
		const CtResolveRule *rule = g_ptr_array_index(rules, i);

		/* a browser maps a name, not a name and a port: one address per name */
		if (!ct_cli_browser_one_address(self, rule->name, rule->address, cli->resolve[i],
						error))
			return FALSE;
		if (g_strcmp0(rule->address, "127.0.0.1") == 0) {
			if (!g_ptr_array_find_with_equal_func(self->mapped, rule->name, g_str_equal,
							      NULL))
				g_ptr_array_add(self->mapped, g_strdup(rule->name));
			continue;
		}
		g_ptr_array_add(self->resolved, (gpointer)rule);
	}
	for (guint i = 0; i < self->urls->len; i++) {
		g_autoptr(CtSourceServer)
		    server = ct_source_parse_server(g_ptr_array_index(self->urls, i), NULL);
		g_autofree gchar *host = server != NULL ? ct_hostname_canonical(server->host, NULL)
							: NULL;
		gboolean resolved = FALSE;

		/* an EXCLUDE would undo its MAP */
		for (guint j = 0; j < self->resolved->len && host != NULL; j++) {
			const CtResolveRule *rule = g_ptr_array_index(self->resolved, j);
			resolved = resolved || g_strcmp0(rule->name, host) == 0;
		}
		if (host == NULL || resolved ||
		    g_ptr_array_find_with_equal_func(self->mapped, host, g_str_equal, NULL) ||
		    g_ptr_array_find_with_equal_func(self->allowed, host, g_str_equal, NULL))
			continue;
		g_ptr_array_add(self->allowed, g_steal_pointer(&host));
	}
	g_ptr_array_add(self->mapped, NULL);
	g_ptr_array_add(self->resolved, NULL);
	g_ptr_array_add(self->allowed, NULL);
	return TRUE;
}

void
ct_cli_browser_add_navigation(JsonBuilder *builder, const CtNavigation *navigation)
{
	json_builder_begin_object(builder);
	ct_json_add_string(builder, "url", navigation->url);
	ct_json_add_string(builder, "outcome", navigation->outcome);
	ct_json_add_string(builder, "error_code", navigation->error_code);
	json_builder_set_member_name(builder, "http_status");
	if (navigation->http_status > 0)
		json_builder_add_int_value(builder, navigation->http_status);
	else
		json_builder_add_null_value(builder);
	ct_json_add_string(builder, "final_url", navigation->final_url);
	ct_json_add_string(builder, "title", navigation->title);
	ct_json_add_string(builder, "detail", navigation->detail);
	ct_json_add_int(builder, "dialogs", navigation->dialogs);
	ct_json_add_int(builder, "elapsed_ms", navigation->elapsed_ms);
	json_builder_end_object(builder);
}

static void
ct_cli_browser_add_json(JsonBuilder *builder,
			const gchar *version,
			const gchar *browser_name,
			const gchar *location,
			GPtrArray *navigations)
{
	json_builder_begin_object(builder);
	ct_json_add_string(builder, "browser", browser_name);
	ct_json_add_string(builder, "version", version);
	ct_json_add_string(builder, "profile", location);
	ct_json_begin_array_member(builder, "navigations");
	for (guint i = 0; i < navigations->len; i++)
		ct_cli_browser_add_navigation(builder, g_ptr_array_index(navigations, i));
	json_builder_end_array(builder);
	json_builder_end_object(builder);
}

void
ct_cli_browser_free(CtCliBrowser *self)
{
	if (self == NULL)
		return;
	ct_cli_browser_finish(self);
	g_free(self->browser_name);
	g_free(self->location);
	g_free(self->version);
	g_ptr_array_unref(self->mapped);
	g_ptr_array_unref(self->resolved);
	g_ptr_array_unref(self->allowed);
	g_ptr_array_unref(self->extra_args);
	g_ptr_array_unref(self->overrides);
	if (self->urls != NULL)
		g_ptr_array_unref(self->urls);
	g_ptr_array_unref(self->navigations);
	g_free(self);
}

CtCliBrowser *
ct_cli_browser_new(CtCli *cli,
		   const gchar *browser_name,
		   const gchar *profile,
		   const gchar *store_spec,
		   gchar **names,
		   gint argc,
		   gchar **argv,
		   GError **error)
{
	g_autoptr(CtCliBrowser) self = g_new0(CtCliBrowser, 1);

	self->mapped = g_ptr_array_new_with_free_func(g_free);
	/* cli's rules, (transfer none) */
	self->resolved = g_ptr_array_new();
	self->allowed = g_ptr_array_new_with_free_func(g_free);
	self->extra_args = g_ptr_array_new_with_free_func(g_free);
	self->overrides = g_ptr_array_new_with_free_func(g_free);
	self->navigations = g_ptr_array_new_with_free_func((GDestroyNotify)ct_navigation_free);
	self->browser_name = g_strdup(browser_name);
	if (argc < 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give the server: https://HOST:PORT/ or HOST:PORT");
		return NULL;
	}
	if (!ct_cli_browser_parse_kind(browser_name, &self->options.kind, error))
		return NULL;
	self->urls = ct_cli_browser_urls(argc, argv, names, error);
	if (self->urls == NULL)
		return NULL;
	if (!ct_cli_browser_map_names(cli, self, error))
		return NULL;
	if (!ct_cli_browser_location(cli, self->options.kind, profile, store_spec, &self->location,
				     error))
		return NULL;
	if (self->options.kind == CT_BROWSER_FIREFOX) {
		self->options.profile = self->location;
	} else if (self->location != NULL && (profile != NULL || store_spec != NULL)) {
		self->options.nss_db = self->location;
	}
	self->options.map_names = (const gchar *const *)self->mapped->pdata;
	self->options.resolve_rules = (const CtResolveRule *const *)self->resolved->pdata;
	self->options.allow_names = (const gchar *const *)self->allowed->pdata;
	self->options.timeout_ms = cli->timeout > 0 ? (guint)cli->timeout * 1000 : 0;
	/* a cold Firefox on a busy machine takes tens of seconds to open its session: the
	 * launch gets three times the page time, and a minute at least */
	self->options.launch_timeout_ms = MAX(self->options.timeout_ms * 3, 60000);
	return g_steal_pointer(&self);
}

gboolean
ct_cli_browser_launch(CtCli *cli, CtCliBrowser *self, GError **error)
{
	CtCliProgress progress = {cli, 0};
	g_autofree gchar *what = g_strdup_printf("starting %s", self->browser_name);

	ct_cli_progress_update(&progress, 0, what);
	g_ptr_array_add(self->extra_args, NULL);
	g_ptr_array_add(self->overrides, NULL);
	self->options.extra_args = (const gchar *const *)self->extra_args->pdata;
	self->options.overrides = (const gchar *const *)self->overrides->pdata;
	self->browser = ct_browser_launch(&self->options, cli->cancellable, error);
	ct_cli_progress_clear(cli);
	if (self->browser == NULL)
		return FALSE;
	self->version = g_strdup(ct_browser_get_version(self->browser));
	return TRUE;
}

gboolean
ct_cli_browser_visit(CtCli *cli, CtCliBrowser *self, GError **error)
{
	CtCliProgress progress = {cli, self->urls->len};

	for (guint i = 0; i < self->urls->len; i++) {
		const gchar *url = g_ptr_array_index(self->urls, i);
		g_autoptr(GError) error_local = NULL;
		CtNavigation *navigation = NULL;

		ct_cli_progress_update(&progress, i + 1, url);
		navigation = ct_browser_navigate(self->browser, url, cli->cancellable,
						 &error_local);
		ct_cli_progress_clear(cli);

		if (navigation == NULL &&
		    (g_error_matches(error_local, CT_ERROR, CT_ERROR_CANCELLED) ||
		     g_error_matches(error_local, CT_ERROR, CT_ERROR_INVALID_ARGS))) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		/* a browser that died on one page costs no other page its verdict: each is
		 * reported */
		if (navigation == NULL) {
			navigation = g_new0(CtNavigation, 1);
			navigation->url = g_strdup(url);
			navigation->outcome = g_strdup("failed");
			navigation->error_code = g_strdup("BROWSER_FAILED");
			navigation->detail = g_strdup(error_local->message);
		}
		g_ptr_array_add(self->navigations, navigation);
	}
	return TRUE;
}

void
ct_cli_browser_finish(CtCliBrowser *self)
{
	/* ends the browser and removes everything made for it */
	g_clear_pointer(&self->browser, ct_browser_close);
}

/* beside the verdict: what the user would see, the status, the title and where the
 * browser ended up when that is not the page asked for */
static void
ct_cli_browser_append_page(GString *out, const CtNavigation *navigation)
{
	if (navigation->http_status > 0)
		g_string_append_printf(out, " (HTTP %d", navigation->http_status);
	else
		g_string_append(out, " (");
	if (navigation->title != NULL && navigation->title[0] == '\0') {
		g_string_append_printf(out, "%sno title", navigation->http_status > 0 ? ", " : "");
	} else if (navigation->title != NULL) {
		g_autofree gchar *title = ct_cli_escape(navigation->title);
		g_string_append_printf(out, "%stitle \"%s\"",
				       navigation->http_status > 0 ? ", " : "", title);
	}
	if (navigation->final_url != NULL &&
	    g_strcmp0(navigation->final_url, navigation->url) != 0) {
		g_autofree gchar *final_url = ct_cli_escape(navigation->final_url);
		g_string_append_printf(out, "%sat %s",
				       navigation->http_status > 0 || navigation->title != NULL
					   ? ", "
					   : "",
				       final_url);
	}
	if (navigation->dialogs > 0)
		g_string_append_printf(out, "%s%u dialog%s dismissed",
				       out->str[out->len - 1] == '(' ? "" : ", ",
				       navigation->dialogs, navigation->dialogs == 1 ? "" : "s");
	if (out->str[out->len - 1] == '(')
		g_string_truncate(out, out->len - 2);
	else
		g_string_append_c(out, ')');
}

gboolean
ct_cli_browser_report_all(CtCli *cli, GPtrArray *browsers, GError **error)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) failures = g_string_new(NULL);
	g_autoptr(JsonBuilder) builder = json_builder_new();
	gboolean unfinished_any = FALSE;

	/* one browser: its report as it always was; several: {"reports": [...]} */
	if (browsers->len > 1) {
		json_builder_begin_object(builder);
		ct_json_begin_array_member(builder, "reports");
	}
	for (guint b = 0; b < browsers->len; b++) {
		CtCliBrowser *self = g_ptr_array_index(browsers, b);
		guint blocked = 0;
		guint unfinished = 0;

		g_string_append_printf(out, "%s%s%s\n", self->version,
				       self->location != NULL ? ", " : "",
				       self->location != NULL ? self->location : "");
		for (guint i = 0; i < self->navigations->len; i++) {
			CtNavigation *navigation = g_ptr_array_index(self->navigations, i);
			g_autofree gchar *url = ct_cli_escape(navigation->url);
			g_autofree gchar *code = ct_cli_escape(navigation->error_code);
			if (g_strcmp0(navigation->outcome, "blocked") == 0)
				blocked++;
			else if (g_strcmp0(navigation->outcome, "loads") != 0)
				unfinished++;
			g_string_append_printf(out, "  %s: %s%s%s", url, navigation->outcome,
					       navigation->error_code != NULL ? " " : "", code);
			ct_cli_browser_append_page(out, navigation);
			g_string_append_c(out, '\n');
		}
		ct_cli_browser_add_json(builder, self->version, self->browser_name, self->location,
					self->navigations);
		if (unfinished > 0)
			g_string_append_printf(failures,
					       "%s%s did not finish %u of %u pages (within "
					       "--timeout, or it failed)",
					       failures->len > 0 ? "; " : "", self->browser_name,
					       unfinished, self->navigations->len);
		if (blocked > 0)
			g_string_append_printf(failures, "%s%s blocked %u of %u pages",
					       failures->len > 0 ? "; " : "", self->browser_name,
					       blocked, self->navigations->len);
		unfinished_any = unfinished_any || unfinished > 0;
	}
	if (browsers->len > 1) {
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	if (cli->json)
		ct_cli_print_json(cli, builder);
	else
		ct_cli_print(cli, "%s", out->str);
	if (failures->len > 0) {
		g_set_error(error, CT_ERROR,
			    unfinished_any ? CT_ERROR_NOT_REACHABLE : CT_ERROR_CHECK_FAILED, "%s",
			    failures->str);
		return FALSE;
	}
	return TRUE;
}

gboolean
ct_cli_browser_report(CtCli *cli, CtCliBrowser *self, GError **error)
{
	g_autoptr(GPtrArray) browsers = g_ptr_array_new();

	g_ptr_array_add(browsers, self);
	return ct_cli_browser_report_all(cli, browsers, error);
}

gboolean
ct_cli_browser_add_session_trust(CtCliBrowser *self,
				 GPtrArray *chains,
				 gint argc,
				 gchar **argv,
				 GError **error)
{
	g_autoptr(GString) pins = g_string_new(NULL);

	for (guint i = 0; i < chains->len; i++) {
		CtCertificate *leaf = ct_chain_get_leaf(g_ptr_array_index(chains, i));
		if (pins->len > 0)
			g_string_append_c(pins, ',');
		g_string_append(pins, leaf->spki_sha256_base64);
	}
	if (self->options.kind == CT_BROWSER_CHROMIUM) {
		g_ptr_array_add(self->extra_args,
				g_strdup_printf("--ignore-certificate-errors-spki-list=%s",
						pins->str));
		return TRUE;
	}
	/* Firefox: an exception per name, for the certificate of the SOURCE it names */
	for (gint i = 1; i < argc; i++) {
		CtCertificate *leaf = ct_chain_get_leaf(g_ptr_array_index(chains, i - 1));
		g_autoptr(GPtrArray) typed = ct_cli_typed_names(argv[i], self->names, error);
		if (typed == NULL)
			return FALSE;
		for (guint j = 0; j < typed->len; j++)
			g_ptr_array_add(self->overrides,
					g_strdup_printf("%s=%s", (const gchar *)typed->pdata[j],
							leaf->sha256));
	}
	return TRUE;
}

gboolean
ct_cli_browser_has_display(void)
{
	return g_getenv("DISPLAY") != NULL || g_getenv("WAYLAND_DISPLAY") != NULL;
}
