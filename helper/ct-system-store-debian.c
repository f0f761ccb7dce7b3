/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtSystemStore"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-save.h"
#include "ct-system-store-private.h"

/* what update-ca-certificates leaves to do on Debian: the /etc/ssl/certs link of an
 * anchor, the openssl rehash links behind it, and the hooks (Java's cacerts) told of a
 * removal */

/* update-ca-certificates' name for the /etc/ssl/certs link to a local .crt file */
static gchar *
ct_system_store_debian_get_link_name(const gchar *anchor_path)
{
	g_autofree gchar *base = g_path_get_basename(anchor_path);

	if (g_str_has_suffix(base, ".crt") && strlen(base) > 4)
		base[strlen(base) - 4] = '\0';
	/* the same substitutions as the script's sed */
	for (gchar *p = base; *p != '\0'; p++) {
		if (*p == ' ' || *p == ',')
			*p = '_';
		else if (*p == '(' || *p == ')')
			*p = '=';
	}
	return g_strconcat(base, ".pem", NULL);
}

gchar *
ct_system_store_debian_get_link_path(const gchar *sysroot, const gchar *anchor_path)
{
	g_autofree gchar *dir = ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_ETC_CERTS_DIR);
	g_autofree gchar *name = ct_system_store_debian_get_link_name(anchor_path);
	return g_build_filename(dir, name, NULL);
}

/* "0123abcd.0" or "0123abcd.r0", as openssl rehash names its links: the digits after the
 * dot in *number, whether it is a CRL's link in *crl */
static gboolean
ct_system_store_parse_hash_name(const gchar *name, guint64 *number, gboolean *crl)
{
	const gchar *p;

	for (guint i = 0; i < 8; i++) {
		if (!g_ascii_isxdigit(name[i]))
			return FALSE;
	}
	if (name[8] != '.')
		return FALSE;
	p = name + 9;
	*crl = *p == 'r';
	if (*crl)
		p++;
	return g_ascii_string_to_unsigned(p, 10, 0, G_MAXUINT32, number, NULL);
}

/* did a refresh link /etc/ssl/certs/NAME.pem to anchor_path? */
gboolean
ct_system_store_debian_is_linked(const gchar *sysroot, const gchar *anchor_path)
{
	g_autofree gchar *link_path = ct_system_store_debian_get_link_path(sysroot, anchor_path);
	g_autofree gchar *target = g_file_read_link(link_path, NULL);
	return g_strcmp0(target, anchor_path) == 0;
}

/* delete the hash links openssl rehash made for link_name in dir; *gap when a link with a
 * higher number for the same hash stays behind, which OpenSSL's lookup stops short of */
static gboolean
ct_system_store_debian_remove_hash_links(const gchar *dir,
					 const gchar *link_name,
					 const gchar *link_path,
					 gboolean *gap,
					 GError **error)
{
	g_autoptr(GDir) handle = NULL;
	g_autoptr(GError) error_local = NULL;
	const gchar *name;

	handle = g_dir_open(dir, 0, &error_local);
	if (handle == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot list %s: %s", dir,
			    error_local->message);
		return FALSE;
	}
	while ((name = g_dir_read_name(handle)) != NULL) {
		g_autofree gchar *path = NULL;
		g_autofree gchar *target = NULL;
		g_autofree gchar *next_name = NULL;
		g_autofree gchar *next_path = NULL;
		gboolean removed = FALSE;
		gboolean crl = FALSE;
		guint64 number = 0;
		struct stat st;

		if (!ct_system_store_parse_hash_name(name, &number, &crl))
			continue;
		path = g_build_filename(dir, name, NULL);
		target = g_file_read_link(path, NULL);
		if (target == NULL ||
		    (g_strcmp0(target, link_name) != 0 && g_strcmp0(target, link_path) != 0))
			continue;
		if (!ct_system_store_unlink(path, &removed, error))
			return FALSE;
		next_name = g_strdup_printf("%.8s.%s%" G_GUINT64_FORMAT, name, crl ? "r" : "",
					    number + 1);
		next_path = g_build_filename(dir, next_name, NULL);
		if (g_lstat(next_path, &st) == 0)
			*gap = TRUE;
	}
	return TRUE;
}

/* remove the /etc/ssl/certs link update-ca-certificates made for anchor_path (if it still
 * points there or nowhere) and its hash links; *link_path is set when one was removed */
gboolean
ct_system_store_debian_remove_links(const gchar *sysroot,
				    const gchar *anchor_path,
				    gchar **link_path,
				    gboolean *gap,
				    GError **error)
{
	g_autofree gchar *dir = ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_ETC_CERTS_DIR);
	g_autofree gchar *name = ct_system_store_debian_get_link_name(anchor_path);
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	g_autofree gchar *target = g_file_read_link(path, NULL);
	gboolean removed = FALSE;

	if (target == NULL)
		return TRUE;
	/* a link to some other file that exists is not ours */
	if (g_strcmp0(target, anchor_path) != 0 && g_file_test(path, G_FILE_TEST_EXISTS))
		return TRUE;
	if (!ct_system_store_debian_remove_hash_links(dir, name, path, gap, error))
		return FALSE;
	if (!ct_system_store_unlink(path, &removed, error))
		return FALSE;
	if (removed)
		*link_path = g_steal_pointer(&path);
	return TRUE;
}

static gint
ct_system_store_compare_cb(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the executables run-parts --test lists: names of [A-Za-z0-9_-] only, sorted */
static GPtrArray *
ct_system_store_debian_list_hooks(const gchar *dir)
{
	g_autoptr(GPtrArray) hooks = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	const gchar *name;

	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree gchar *path = NULL;
		gboolean valid = TRUE;

		for (const gchar *p = name; *p != '\0'; p++) {
			if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
				valid = FALSE;
		}
		if (!valid)
			continue;
		path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && access(path, X_OK) == 0)
			g_ptr_array_add(hooks, g_steal_pointer(&path));
	}
	g_ptr_array_sort(hooks, ct_system_store_compare_cb);
	return g_steal_pointer(&hooks);
}

/* tell every hook (Java's cacerts) that link_path is gone, as update-ca-certificates does
 * for the removals it notices itself; every hook runs, the first failure is reported */
gboolean
ct_system_store_debian_run_hooks(const gchar *sysroot,
				 CtSysrootJail *jail,
				 const gchar *link_path,
				 GError **error)
{
	g_autofree gchar *dir = ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_HOOKS_DIR);
	g_autofree gchar *line = g_strdup_printf("-%s\n", link_path);
	g_autoptr(GPtrArray) hooks = ct_system_store_debian_list_hooks(dir);
	g_autoptr(GError) error_first = NULL;

	for (guint i = 0; i < hooks->len; i++) {
		g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GError) error_local = NULL;

		g_ptr_array_add(argv, g_strdup(g_ptr_array_index(hooks, i)));
		if (!ct_system_store_run(jail, argv, line, NULL, &error_local) &&
		    error_first == NULL)
			error_first = g_steal_pointer(&error_local);
	}
	if (error_first != NULL) {
		g_propagate_prefixed_error(error, g_steal_pointer(&error_first),
					   "telling the update hooks that %s is gone: ", link_path);
		return FALSE;
	}
	return TRUE;
}

gboolean
ct_system_store_debian_rehash(const gchar *sysroot, CtSysrootJail *jail, GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *tool = ct_system_store_find_tool("openssl", error);

	if (tool == NULL)
		return FALSE;
	g_ptr_array_add(argv, g_steal_pointer(&tool));
	g_ptr_array_add(argv, g_strdup("rehash"));
	g_ptr_array_add(argv, ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_ETC_CERTS_DIR));
	return ct_system_store_run(jail, argv, NULL, NULL, error);
}

gboolean
ct_system_store_debian_drop_from_bundle(const gchar *sysroot, const gchar *pem, GError **error)
{
	g_autofree gchar *dir = ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_ETC_CERTS_DIR);
	g_autofree gchar *bundle = g_build_filename(dir, "ca-certificates.crt", NULL);
	g_autofree gchar *text = NULL;
	g_autoptr(GString) kept = NULL;
	g_autoptr(GBytes) bytes = NULL;
	const gchar *found;

	if (pem == NULL || strstr(pem, "-----BEGIN CERTIFICATE-----") == NULL ||
	    !g_file_get_contents(bundle, &text, NULL, NULL))
		return TRUE;
	found = strstr(text, pem);
	if (found == NULL)
		return TRUE;
	kept = g_string_new_len(text, found - text);
	g_string_append(kept, found + strlen(pem));
	bytes = g_bytes_new(kept->str, kept->len);
	if (!ct_save_file(bundle, bytes, 0644, CT_SAVE_FLAG_REPLACE, error)) {
		g_prefix_error(error, "update-ca-certificates left the removed certificate in %s: ",
			       bundle);
		return FALSE;
	}
	return TRUE;
}
