/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtState"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-state.h"

/* the user root works for (sudo), or -1 */
static uid_t ct_state_owner = (uid_t)-1;

void
ct_state_set_owner(uid_t uid)
{
	ct_state_owner = uid;
}

static gboolean
ct_state_check_owner(const gchar *path, const struct stat *st, GError **error)
{
	uid_t caller = geteuid();

	if (st->st_uid == caller || st->st_uid == 0 ||
	    (ct_state_owner != (uid_t)-1 && st->st_uid == ct_state_owner))
		return TRUE;
	g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
		    "%s belongs to user %u, not to the caller (%u): refusing to use it", path,
		    (guint)st->st_uid, (guint)caller);
	return FALSE;
}

gboolean
ct_state_check_dir(const gchar *dir, gboolean *exists, GError **error)
{
	struct stat st;

	*exists = FALSE;
	if (g_lstat(dir, &st) != 0) {
		gint errsv = errno;
		if (errsv == ENOENT)
			return TRUE;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot use %s: %s", dir,
			    g_strerror(errsv));
		return FALSE;
	}
	if (S_ISLNK(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
			    "%s is a symbolic link: refusing to follow it for certtrust's state",
			    dir);
		return FALSE;
	}
	if (!S_ISDIR(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED, "%s is not a directory", dir);
		return FALSE;
	}
	*exists = TRUE;
	return ct_state_check_owner(dir, &st, error);
}

gboolean
ct_state_ensure_dir(const gchar *dir, GError **error)
{
	gboolean exists = FALSE;

	if (!ct_state_check_dir(dir, &exists, error))
		return FALSE;
	if (exists)
		return TRUE;
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR,
			    errsv == EACCES || errsv == EPERM || errsv == EROFS
				? CT_ERROR_PERMISSION_DENIED
				: CT_ERROR_FAILED,
			    "cannot create %s: %s", dir, g_strerror(errsv));
		return FALSE;
	}
	/* made now, by us or by a racing process: check again */
	return ct_state_check_dir(dir, &exists, error);
}

gint
ct_state_open_file(const gchar *path, gint flags, guint mode, GError **error)
{
	struct stat st;
	gint fd = g_open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);

	if (fd < 0) {
		gint errsv = errno;
		if (errsv == ELOOP) {
			g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
				    "%s is a symbolic link: refusing to follow it", path);
		} else {
			g_set_error(error, CT_ERROR,
				    errsv == ENOENT			? CT_ERROR_NOT_FOUND
				    : errsv == EACCES || errsv == EPERM ? CT_ERROR_PERMISSION_DENIED
									: CT_ERROR_FAILED,
				    "cannot open %s: %s", path, g_strerror(errsv));
		}
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED, "%s is not a regular file", path);
		return -1;
	}
	if (!ct_state_check_owner(path, &st, error)) {
		close(fd);
		return -1;
	}
	return fd;
}

gboolean
ct_state_read_file(const gchar *path, gchar **contents, gsize *len, GError **error)
{
	g_autoptr(GByteArray) data = g_byte_array_new();
	gint fd = ct_state_open_file(path, O_RDONLY, 0, error);
	guint8 buffer[8192];

	if (fd < 0)
		return FALSE;
	for (;;) {
		gssize got = read(fd, buffer, sizeof(buffer));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			gint errsv = errno;
			close(fd);
			g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot read %s: %s", path,
				    g_strerror(errsv));
			return FALSE;
		}
		if (got == 0)
			break;
		g_byte_array_append(data, buffer, (guint)got);
	}
	close(fd);
	*len = data->len;
	g_byte_array_append(data, (const guint8 *)"", 1);
	*contents = (gchar *)g_byte_array_free(g_steal_pointer(&data), FALSE);
	return TRUE;
}
