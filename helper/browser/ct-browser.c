/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include <string.h>

#include "ct-browser-driver.h"
#include "ct-browser-probe.h"
#include "ct-browser-process.h"
#include "ct-browser-wire.h"
#include "ct-browser.h"
#include "ct-cleanup.h"
#include "ct-tmpdir.h"

/* the public API: launch a browser through its protocol's driver, navigate, close */

#define CT_BROWSER_DEFAULT_TIMEOUT_MS 30000
/* how long a browser gets to exit after browser.close */
#define CT_BROWSER_QUIT_GRACE_MS 5000
/* how long leaving a page that never finished loading may take */
#define CT_BROWSER_LEAVE_MS 10000

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

/* a host name and an IP address, nothing that could break a resolver rule */
static gboolean
ct_browser_check_resolve_rules(const CtResolveRule *const *rules, GError **error)
{
	for (guint i = 0; rules != NULL && rules[i] != NULL; i++) {
		g_autoptr(GInetAddress) address = NULL;
		const gchar *name[] = {rules[i]->name, NULL};

		if (rules[i]->address == NULL ||
		    (address = g_inet_address_new_from_string(rules[i]->address)) == NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--resolve %s: '%s' is not an IP address", rules[i]->name,
				    rules[i]->address != NULL ? rules[i]->address : "");
			return FALSE;
		}
		if (!ct_browser_check_map_names(name, error))
			return FALSE;
	}
	return TRUE;
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

static void
ct_browser_quit(CtBrowser *self)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)CT_BROWSER_QUIT_GRACE_MS * 1000;
	gint64 remaining;

	self->step_ms = CT_BROWSER_QUIT_GRACE_MS;
	/* the connection may close before the answer comes: that is fine too */
	ct_browser_command(self, self->driver->quit_method, NULL, NULL, deadline, NULL, NULL);
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
	self->driver->release(self);
	ct_browser_disconnect(self);
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
	g_clear_object(&self->wait_cancellable);
	g_main_context_unref(self->context);
	g_free(self->binary);
	g_strfreev(self->envp);
	g_free(self->tmpdir);
	g_free(self->log_path);
	g_free(self->version);
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
	self->driver = options->kind == CT_BROWSER_FIREFOX ? &ct_browser_firefox_driver
							   : &ct_browser_chromium_driver;
	self->name = self->driver->name;
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
	ok = self->driver->prepare(self, options, argv, &self->envp, error);
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
		ct_browser_watch_process(self);
		g_debug("started %s as %d", binary, self->pid);
		ok = self->driver->start(self, cancellable, error);
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
	g_autoptr(GError) error = NULL;
	gboolean left;

	self->step_ms = CT_BROWSER_LEAVE_MS;
	left = self->driver->leave(self, deadline, cancellable, &error);
	if (!left)
		g_debug("%s: cannot leave the page: %s", self->name, error->message);
	ct_browser_clear_events(self);
	return left;
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
	navigation = self->driver->navigate(self, url, cancellable, &error_local);
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
