/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtContext"

#include "config.h"

#include <pwd.h>
#include <unistd.h>

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

gchar *
ct_context_get_home(void)
{
	const gchar *home = g_getenv("HOME");
	if (home != NULL && g_path_is_absolute(home))
		return g_strdup(home);
	return g_strdup(g_get_home_dir());
}

static gchar *
ct_context_get_xdg(const gchar *variable, const gchar *fallback_under_home)
{
	const gchar *value = g_getenv(variable);
	g_autofree gchar *home = NULL;

	if (value != NULL && g_path_is_absolute(value))
		return g_strdup(value);
	home = ct_context_get_home();
	return g_build_filename(home, fallback_under_home, NULL);
}

gchar *
ct_context_get_config_home(void)
{
	return ct_context_get_xdg("XDG_CONFIG_HOME", ".config");
}

GPtrArray *
ct_context_get_chromium_dbs(void)
{
	GPtrArray *dbs = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *home = ct_context_get_home();
	g_autofree gchar *data = ct_context_get_xdg("XDG_DATA_HOME", ".local/share");
	g_autofree gchar *legacy = g_build_filename(home, ".pki", "nssdb", NULL);
	const gchar *sandboxed[] = {"snap/chromium/current/.pki/nssdb",
				    ".var/app/org.chromium.Chromium/.pki/nssdb"};

	if (g_file_test(legacy, G_FILE_TEST_IS_DIR))
		g_ptr_array_add(dbs, g_steal_pointer(&legacy));
	else
		g_ptr_array_add(dbs, g_build_filename(data, "pki", "nssdb", NULL));
	for (guint i = 0; i < G_N_ELEMENTS(sandboxed); i++) {
		g_autofree gchar *path = g_build_filename(home, sandboxed[i], NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			g_ptr_array_add(dbs, g_steal_pointer(&path));
	}
	return dbs;
}

/* a uid or gid from sudo's environment: decimal, not root's */
static gboolean
ct_context_parse_id(const gchar *text, guint64 *id)
{
	return text != NULL && g_ascii_string_to_unsigned(text, 10, 1, G_MAXUINT32 - 1, id, NULL);
}

gboolean
ct_context_get_sudo_user(uid_t *uid, gid_t *gid, gchar **home)
{
	guint64 sudo_uid = 0;
	guint64 sudo_gid = 0;
	const gchar *env_home = g_getenv("HOME");
	struct passwd *root;
	struct passwd *user;

	if (geteuid() != 0 || !ct_context_parse_id(g_getenv("SUDO_UID"), &sudo_uid) ||
	    !ct_context_parse_id(g_getenv("SUDO_GID"), &sudo_gid) ||
	    g_getenv("XDG_STATE_HOME") != NULL)
		return FALSE;
	root = getpwuid(0);
	if (root == NULL || env_home == NULL || g_strcmp0(env_home, root->pw_dir) != 0)
		return FALSE;
	user = getpwuid((uid_t)sudo_uid);
	if (user == NULL || user->pw_dir == NULL || !g_path_is_absolute(user->pw_dir))
		return FALSE;
	*uid = (uid_t)sudo_uid;
	*gid = (gid_t)sudo_gid;
	*home = g_strdup(user->pw_dir);
	return TRUE;
}

gchar *
ct_context_get_ledger_path(void)
{
	g_autofree gchar *state = NULL;
	g_autofree gchar *home = NULL;
	uid_t uid;
	gid_t gid;

	if (ct_context_get_sudo_user(&uid, &gid, &home))
		return g_build_filename(home, ".local", "state", "certtrust", "ledger.json", NULL);
	state = ct_context_get_state_dir();
	return g_build_filename(state, "ledger.json", NULL);
}

gchar *
ct_context_get_anchors_dir(void)
{
	g_autofree gchar *state = ct_context_get_state_dir();
	return g_build_filename(state, "anchors", NULL);
}
