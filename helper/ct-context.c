#define G_LOG_DOMAIN "CtContext"

#include "config.h"

#include "ct-context.h"

gchar *
ct_context_get_state_dir(void)
{
	/* read each time, not GLib's cached value: tests change XDG_STATE_HOME */
	const gchar *xdg = g_getenv("XDG_STATE_HOME");
	if (xdg != NULL && g_path_is_absolute(xdg))
		return g_build_filename(xdg, "certtrust", NULL);
	return g_build_filename(g_get_home_dir(), ".local", "state", "certtrust", NULL);
}

gchar *
ct_context_get_serve_dir(void)
{
	g_autofree gchar *state = ct_context_get_state_dir();
	return g_build_filename(state, "serve", NULL);
}
