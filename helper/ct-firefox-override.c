/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFirefox"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-firefox-private.h"
#include "ct-save.h"
#include "ct-source.h"

/* the permanent-exception store, cert_override.txt: read, changed under the profile's
 * lock, written back atomically, or removed when nothing of ours is left */

/* what Firefox writes at the top of a new file (two spaces after the '!') */
#define CT_FIREFOX_OVERRIDE_HEADER                   \
	"# PSM Certificate Override Settings file\n" \
	"# This is a generated file!  Do not edit.\n"
/* Firefox's own mode for the file */
#define CT_FIREFOX_OVERRIDE_MODE 0600

/* the file's lines, or an empty array and *exists FALSE when there is no file */
static GPtrArray *
ct_firefox_read_overrides(const gchar *path, gboolean *exists, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GBytes) contents = ct_firefox_read_file(path, &error_local);

	*exists = contents != NULL;
	if (contents == NULL) {
		if (g_error_matches(error_local, CT_ERROR, CT_ERROR_NOT_FOUND))
			return g_ptr_array_new_with_free_func((GDestroyNotify)ct_firefox_line_free);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	return ct_firefox_split_lines(contents);
}

/* the lines as the file holds them, every byte kept */
static GString *
ct_firefox_join_lines(const gchar *header, GPtrArray *lines)
{
	g_autoptr(GString) data = g_string_new(header);

	for (guint i = 0; i < lines->len; i++) {
		const CtFirefoxLine *line = g_ptr_array_index(lines, i);
		g_string_append_len(data, line->text, (gssize)line->len);
		if (line->newline)
			g_string_append_c(data, '\n');
	}
	return g_steal_pointer(&data);
}

/* the overrides a normal window uses: lines with originAttributes (private browsing,
 * containers) and fingerprints Firefox would never match (lower case, SHA-1) are left
 * out; for a host:port listed twice the last line wins, as in Firefox */
static GHashTable *
ct_firefox_lines_get_overrides(GPtrArray *lines)
{
	g_autoptr(GHashTable)
	    overrides = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint i = 0; i < lines->len; i++) {
		const CtFirefoxLine *line = g_ptr_array_index(lines, i);
		if (line->host == NULL || line->attributes ||
		    !ct_firefox_fingerprint_is_valid(line->fingerprint))
			continue;
		g_hash_table_insert(overrides, ct_source_format_host_port(line->host, line->port),
				    g_strdup(line->fingerprint));
	}
	return g_steal_pointer(&overrides);
}

/* a profile's cert_override.txt open for a change to host:port's exception: its lines
 * read under certtrust's lock on the profile, which is held until this is freed */
typedef struct {
	gchar *profile_dir;
	gchar *path;
	gchar *host; /* normalized */
	guint16 port;
	GPtrArray *lines; /* CtFirefoxLine* */
	gboolean exists;
	gint lock;
} CtFirefoxOverrides;

static void
ct_firefox_overrides_free(CtFirefoxOverrides *overrides)
{
	if (overrides == NULL)
		return;
	if (overrides->lock >= 0)
		close(overrides->lock);
	g_free(overrides->profile_dir);
	g_free(overrides->path);
	g_free(overrides->host);
	g_clear_pointer(&overrides->lines, g_ptr_array_unref);
	g_free(overrides);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFirefoxOverrides, ct_firefox_overrides_free)

/* the start of a change: *changed FALSE until one is written, the arguments checked, then
 * the profile locked and its file read */
static CtFirefoxOverrides *
ct_firefox_overrides_open(const gchar *profile_dir,
			  const CtFirefoxOverride *override,
			  gboolean *changed,
			  GError **error)
{
	g_autoptr(CtFirefoxOverrides) overrides = NULL;

	g_return_val_if_fail(profile_dir != NULL, NULL);
	g_return_val_if_fail(override != NULL, NULL);
	g_return_val_if_fail(override->host != NULL, NULL);
	g_return_val_if_fail(override->sha256 != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (changed != NULL)
		*changed = FALSE;
	overrides = g_new0(CtFirefoxOverrides, 1);
	overrides->lock = -1;
	overrides->host = ct_firefox_check_args(override->host, override->port, override->sha256,
						error);
	if (overrides->host == NULL)
		return NULL;
	overrides->lock = ct_firefox_lock_overrides(profile_dir, error);
	if (overrides->lock < 0)
		return NULL;
	overrides->profile_dir = g_strdup(profile_dir);
	overrides->port = override->port;
	overrides->path = g_build_filename(profile_dir, CT_FIREFOX_OVERRIDE_FILE, NULL);
	overrides->lines = ct_firefox_read_overrides(overrides->path, &overrides->exists, error);
	if (overrides->lines == NULL)
		return NULL;
	return g_steal_pointer(&overrides);
}

/* the changed lines back, refused while Firefox runs on the profile: atomically, mode
 * 0600, the header only for a new file; when only the header we write is left the file
 * goes, as it was before the first add */
static gboolean
ct_firefox_overrides_save(CtFirefoxOverrides *overrides, GError **error)
{
	g_autoptr(GString) data = NULL;
	g_autoptr(GBytes) contents = NULL;

	if (!ct_firefox_refuse_if_running(overrides->profile_dir, error))
		return FALSE;
	data = ct_firefox_join_lines(NULL, overrides->lines);
	if (g_strcmp0(data->str, CT_FIREFOX_OVERRIDE_HEADER) == 0) {
		if (g_unlink(overrides->path) != 0) {
			gint errsv = errno;
			g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
				    "cannot remove %s: %s", overrides->path, g_strerror(errsv));
			return FALSE;
		}
		return TRUE;
	}
	if (!overrides->exists)
		g_string_prepend(data, CT_FIREFOX_OVERRIDE_HEADER);
	contents = g_string_free_to_bytes(g_steal_pointer(&data));
	/* create-if-absent for a new file: never clobber one that appeared meanwhile */
	return ct_save_file(overrides->path, contents, CT_FIREFOX_OVERRIDE_MODE,
			    overrides->exists ? CT_SAVE_FLAG_REPLACE : CT_SAVE_FLAG_NONE, error);
}

/* a no-op (the line is there) succeeds even while Firefox runs: Firefox loaded it, since
 * the file only ever holds what Firefox had in memory or what was written while it was
 * stopped; a legacy "host:port" line without the ':' is the same override and is
 * replaced like the current form; lines with originAttributes are never touched */
static gboolean
ct_firefox_overrides_put(CtFirefoxOverrides *overrides,
			 const gchar *sha256,
			 gboolean *changed,
			 gchar **replaced,
			 GError **error)
{
	GPtrArray *lines = overrides->lines;
	g_autofree gchar *replaced_local = NULL;
	gboolean present = FALSE;
	guint insert_at = G_MAXUINT;

	/* Firefox keeps the last line of a key: ours must be the only fingerprint left */
	for (guint i = 0; i < lines->len;) {
		const CtFirefoxLine *line = g_ptr_array_index(lines, i);
		if (!ct_firefox_line_is_for(line, overrides->host, overrides->port)) {
			i++;
			continue;
		}
		if (strcmp(line->fingerprint, sha256) == 0) {
			present = TRUE;
			i++;
			continue;
		}
		if (replaced_local == NULL)
			replaced_local = ct_firefox_line_get_text(line);
		if (insert_at == G_MAXUINT)
			insert_at = i;
		g_ptr_array_remove_index(lines, i);
	}
	if (present && replaced_local == NULL)
		return TRUE;

	if (!present) {
		g_autofree gchar *text = ct_firefox_format_line(overrides->host, overrides->port,
								sha256);
		CtFirefoxLine *line = ct_firefox_line_new(text, strlen(text), TRUE);
		if (insert_at == G_MAXUINT) {
			/* the last line may lack its '\n' */
			if (lines->len > 0) {
				CtFirefoxLine *last = g_ptr_array_index(lines, lines->len - 1);
				last->newline = TRUE;
			}
			g_ptr_array_add(lines, line);
		} else {
			g_ptr_array_insert(lines, (gint)insert_at, line);
		}
	}
	if (!ct_firefox_overrides_save(overrides, error))
		return FALSE;
	if (changed != NULL)
		*changed = TRUE;
	if (replaced != NULL)
		*replaced = g_steal_pointer(&replaced_local);
	return TRUE;
}

/* nothing to remove (no file, no line, another fingerprint) succeeds with *changed
 * FALSE, even while Firefox runs */
static gboolean
ct_firefox_overrides_take(CtFirefoxOverrides *overrides,
			  const gchar *sha256,
			  gboolean *changed,
			  GError **error)
{
	GPtrArray *lines = overrides->lines;
	gboolean removed = FALSE;

	for (guint i = 0; i < lines->len;) {
		const CtFirefoxLine *line = g_ptr_array_index(lines, i);
		if (ct_firefox_line_is_for(line, overrides->host, overrides->port) &&
		    strcmp(line->fingerprint, sha256) == 0) {
			g_ptr_array_remove_index(lines, i);
			removed = TRUE;
			continue;
		}
		i++;
	}
	if (!removed)
		return TRUE;
	if (!ct_firefox_overrides_save(overrides, error))
		return FALSE;
	if (changed != NULL)
		*changed = TRUE;
	return TRUE;
}

gboolean
ct_firefox_override_add(const gchar *profile_dir,
			const CtFirefoxOverride *override,
			gboolean *changed,
			gchar **replaced,
			GError **error)
{
	g_autoptr(CtFirefoxOverrides) overrides = NULL;

	if (replaced != NULL)
		*replaced = NULL;
	overrides = ct_firefox_overrides_open(profile_dir, override, changed, error);
	if (overrides == NULL)
		return FALSE;
	return ct_firefox_overrides_put(overrides, override->sha256, changed, replaced, error);
}

gboolean
ct_firefox_override_remove(const gchar *profile_dir,
			   const CtFirefoxOverride *override,
			   gboolean *changed,
			   GError **error)
{
	g_autoptr(CtFirefoxOverrides)
	    overrides = ct_firefox_overrides_open(profile_dir, override, changed, error);

	if (overrides == NULL)
		return FALSE;
	return ct_firefox_overrides_take(overrides, override->sha256, changed, error);
}

/* previous_sha256 is checked like any fingerprint written, when it is to be written */
gboolean
ct_firefox_override_restore(const gchar *profile_dir,
			    const CtFirefoxOverride *override,
			    const gchar *previous_sha256,
			    gboolean *changed,
			    GError **error)
{
	g_autoptr(CtFirefoxOverrides) overrides = NULL;
	g_autoptr(GHashTable) current = NULL;
	g_autofree gchar *key = NULL;
	g_autofree gchar *checked = NULL;

	g_return_val_if_fail(previous_sha256 != NULL, FALSE);

	overrides = ct_firefox_overrides_open(profile_dir, override, changed, error);
	if (overrides == NULL)
		return FALSE;
	current = ct_firefox_lines_get_overrides(overrides->lines);
	key = ct_source_format_host_port(overrides->host, overrides->port);
	if (g_strcmp0(g_hash_table_lookup(current, key), override->sha256) != 0)
		return TRUE;
	checked = ct_firefox_check_args(overrides->host, overrides->port, previous_sha256, error);
	if (checked == NULL)
		return FALSE;
	return ct_firefox_overrides_put(overrides, previous_sha256, changed, NULL, error);
}

GHashTable *
ct_firefox_override_list(const gchar *profile_dir, GError **error)
{
	g_autofree gchar *path = NULL;
	g_autoptr(GPtrArray) lines = NULL;
	gboolean exists = FALSE;

	g_return_val_if_fail(profile_dir != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!ct_firefox_check_profile_dir(profile_dir, error))
		return NULL;
	path = g_build_filename(profile_dir, CT_FIREFOX_OVERRIDE_FILE, NULL);
	lines = ct_firefox_read_overrides(path, &exists, error);
	if (lines == NULL)
		return NULL;
	return ct_firefox_lines_get_overrides(lines);
}
