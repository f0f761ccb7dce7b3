/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFirefox"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ct-firefox-private.h"

/* finding the profiles: profiles.ini, installs' defaults, every place Firefox keeps them */

void
ct_firefox_profile_free(CtFirefoxProfile *profile)
{
	if (profile == NULL)
		return;
	g_free(profile->name);
	g_free(profile->path);
	g_free(profile->ini);
	g_free(profile);
}

/* realpath() with g_free()able memory; NULL when the path does not resolve */
static gchar *
ct_firefox_realpath(const gchar *path)
{
	char *resolved = realpath(path, NULL);
	gchar *copy;

	if (resolved == NULL)
		return NULL;
	copy = g_strdup(resolved);
	free(resolved);
	return copy;
}

GPtrArray *
ct_firefox_get_ini_dirs(const gchar *home, const gchar *xdg_config_home)
{
	g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *config = NULL;
	g_autofree gchar *flatpak = NULL;

	g_return_val_if_fail(home != NULL, NULL);

	/* the XDG base directory spec says a relative value is to be ignored */
	if (xdg_config_home != NULL && g_path_is_absolute(xdg_config_home))
		config = g_strdup(xdg_config_home);
	else
		config = g_build_filename(home, ".config", NULL);
	flatpak = g_build_filename(home, ".var", "app", "org.mozilla.firefox", NULL);

	/* Firefox up to 146, and later ones that find it there */
	g_ptr_array_add(dirs, g_build_filename(home, ".mozilla", "firefox", NULL));
	/* Firefox 147+ when ~/.mozilla does not exist */
	g_ptr_array_add(dirs, g_build_filename(config, "mozilla", "firefox", NULL));
	g_ptr_array_add(dirs, g_build_filename(home, "snap", "firefox", "common", ".mozilla",
					       "firefox", NULL));
	g_ptr_array_add(dirs, g_build_filename(flatpak, ".mozilla", "firefox", NULL));
	g_ptr_array_add(dirs, g_build_filename(flatpak, ".config", "mozilla", "firefox", NULL));
	/* flatpak sets XDG_CONFIG_HOME to the app's config/ for Firefox 147+ */
	g_ptr_array_add(dirs, g_build_filename(flatpak, "config", "mozilla", "firefox", NULL));
	return g_steal_pointer(&dirs);
}

/* a Path= or Default= value as an absolute, canonical path; NULL when it cannot be one */
static gchar *
ct_firefox_resolve_profile_path(const gchar *ini_dir, const gchar *value, gboolean is_relative)
{
	g_autofree gchar *joined = NULL;

	if (value == NULL || value[0] == '\0')
		return NULL;
	if (!is_relative)
		return g_path_is_absolute(value) ? g_canonicalize_filename(value, NULL) : NULL;
	joined = g_build_filename(ini_dir, value, NULL);
	return g_canonicalize_filename(joined, NULL);
}

/* the real paths of the profiles that [Install...] sections name as their default */
static GHashTable *
ct_firefox_get_install_defaults(GKeyFile *keyfile, const gchar *ini_dir, gchar **groups)
{
	g_autoptr(GHashTable)
	    defaults = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; groups[i] != NULL; i++) {
		g_autofree gchar *value = NULL;
		g_autofree gchar *path = NULL;
		gchar *real;

		if (!g_str_has_prefix(groups[i], "Install"))
			continue;
		value = g_key_file_get_value(keyfile, groups[i], "Default", NULL);
		if (value == NULL)
			continue;
		/* the value is relative to the ini's directory unless it is absolute */
		path = ct_firefox_resolve_profile_path(ini_dir, value, !g_path_is_absolute(value));
		real = path != NULL ? ct_firefox_realpath(path) : NULL;
		if (real != NULL)
			g_hash_table_add(defaults, real);
	}
	return g_steal_pointer(&defaults);
}

/* [ProfileN] sections; Firefox itself stops at the first gap in N, this takes them all */
static gboolean
ct_firefox_group_is_profile(const gchar *group)
{
	const gchar *digits = group + strlen("Profile");

	if (!g_str_has_prefix(group, "Profile") || *digits == '\0')
		return FALSE;
	for (; *digits != '\0'; digits++) {
		if (!g_ascii_isdigit(*digits))
			return FALSE;
	}
	return TRUE;
}

/* one [ProfileN] section: added to profiles unless its directory is missing or was
 * listed already (then only its default flag is merged) */
static void
ct_firefox_add_profile(GKeyFile *keyfile,
		       const gchar *group,
		       const gchar *ini,
		       const gchar *ini_dir,
		       GHashTable *install_defaults,
		       GPtrArray *profiles,
		       GHashTable *seen)
{
	g_autofree gchar *value = NULL;
	g_autofree gchar *relative = NULL;
	g_autofree gchar *default_value = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *real = NULL;
	g_autoptr(CtFirefoxProfile) profile = NULL;
	CtFirefoxProfile *listed;
	gboolean is_relative;
	gboolean is_default;

	value = g_key_file_get_value(keyfile, group, "Path", NULL);
	if (value == NULL) {
		g_debug("%s: [%s] has no Path: skipped", ini, group);
		return;
	}
	/* raw values: Firefox's ini parser knows no escapes, GKeyFile's strings do */
	relative = g_key_file_get_value(keyfile, group, "IsRelative", NULL);
	if (relative != NULL)
		is_relative = g_strcmp0(g_strstrip(relative), "0") != 0;
	else
		is_relative = !g_path_is_absolute(value);
	path = ct_firefox_resolve_profile_path(ini_dir, value, is_relative);
	if (path == NULL) {
		g_debug("%s: [%s] Path=%s is not absolute: skipped", ini, group, value);
		return;
	}
	/* a missing profile is not listed: Firefox would create it empty, and there is
	 * nothing to trust into yet */
	real = ct_firefox_realpath(path);
	if (real == NULL || !g_file_test(real, G_FILE_TEST_IS_DIR)) {
		g_debug("%s: profile %s does not exist: skipped", ini, path);
		return;
	}
	default_value = g_key_file_get_value(keyfile, group, "Default", NULL);
	is_default = (default_value != NULL && g_strcmp0(g_strstrip(default_value), "1") == 0) ||
		     g_hash_table_contains(install_defaults, real);

	/* the same directory through a symlink or a second profiles.ini: listed once */
	listed = g_hash_table_lookup(seen, real);
	if (listed != NULL) {
		listed->is_default = listed->is_default || is_default;
		return;
	}
	profile = g_new0(CtFirefoxProfile, 1);
	profile->name = g_key_file_get_value(keyfile, group, "Name", NULL);
	if (profile->name == NULL)
		profile->name = g_strdup(group);
	profile->path = g_steal_pointer(&path);
	profile->ini = g_strdup(ini);
	profile->is_default = is_default;
	g_hash_table_insert(seen, g_steal_pointer(&real), profile);
	g_ptr_array_add(profiles, g_steal_pointer(&profile));
}

/* the profiles of one profiles.ini; a missing file is no error */
static gboolean
ct_firefox_load_ini(const gchar *ini_dir, GPtrArray *profiles, GHashTable *seen, GError **error)
{
	g_autofree gchar *ini = g_build_filename(ini_dir, "profiles.ini", NULL);
	g_autoptr(GKeyFile) keyfile = g_key_file_new();
	g_autoptr(GBytes) contents = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GHashTable) install_defaults = NULL;
	g_auto(GStrv) groups = NULL;
	gsize len = 0;
	const gchar *data;

	contents = ct_firefox_read_file(ini, &error_local);
	if (contents == NULL) {
		if (g_error_matches(error_local, CT_ERROR, CT_ERROR_NOT_FOUND))
			return TRUE;
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	data = g_bytes_get_data(contents, &len);
	if (!g_key_file_load_from_data(keyfile, data != NULL ? data : "", len, G_KEY_FILE_NONE,
				       &error_local)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "%s is malformed: %s", ini,
			    error_local->message);
		return FALSE;
	}
	groups = g_key_file_get_groups(keyfile, NULL);
	install_defaults = ct_firefox_get_install_defaults(keyfile, ini_dir, groups);
	for (guint i = 0; groups[i] != NULL; i++) {
		if (ct_firefox_group_is_profile(groups[i]))
			ct_firefox_add_profile(keyfile, groups[i], ini, ini_dir, install_defaults,
					       profiles, seen);
	}
	return TRUE;
}

/* a malformed or unreadable profiles.ini fails the whole call: a partial list would
 * let a caller believe it trusted "every profile" when it did not */
GPtrArray *
ct_firefox_find_profiles(const gchar *home, const gchar *xdg_config_home, GError **error)
{
	g_autoptr(GPtrArray) dirs = NULL;
	g_autoptr(GPtrArray) profiles = NULL;
	g_autoptr(GHashTable) seen = NULL;
	g_autoptr(GHashTable) seen_dirs = NULL;

	g_return_val_if_fail(home != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	dirs = ct_firefox_get_ini_dirs(home, xdg_config_home);
	profiles = g_ptr_array_new_with_free_func((GDestroyNotify)ct_firefox_profile_free);
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	seen_dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < dirs->len; i++) {
		const gchar *dir = g_ptr_array_index(dirs, i);
		gchar *real = ct_firefox_realpath(dir);

		/* absent, or the same directory as one before (~/.mozilla a symlink) */
		if (real == NULL)
			continue;
		if (!g_hash_table_add(seen_dirs, real))
			continue;
		if (!ct_firefox_load_ini(dir, profiles, seen, error))
			return NULL;
	}
	return g_steal_pointer(&profiles);
}
