/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFirefox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-firefox-private.h"

/* reading Firefox's files and checking a profile directory */

/* no real profiles.ini or cert_override.txt comes near this */
#define CT_FIREFOX_FILE_MAX (16 * 1024 * 1024)

/* the whole of a regular file, read with errno-based errors; CT_ERROR_NOT_FOUND when it
 * does not exist; a FIFO or device is refused rather than blocked on */
static gboolean
ct_firefox_read_fd(gint fd, const gchar *path, GString *data, GError **error)
{
	struct stat st;
	gchar buf[65536];

	if (fstat(fd, &st) != 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv), "cannot read %s: %s",
			    path, g_strerror(errsv));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "%s is not a regular file",
			    path);
		return FALSE;
	}
	for (;;) {
		gssize got = read(fd, buf, sizeof(buf));
		if (got < 0) {
			gint errsv = errno;
			if (errsv == EINTR)
				continue;
			g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv),
				    "cannot read %s: %s", path, g_strerror(errsv));
			return FALSE;
		}
		if (got == 0)
			break;
		if (data->len + (gsize)got > CT_FIREFOX_FILE_MAX) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "%s is larger than %u bytes", path, (guint)CT_FIREFOX_FILE_MAX);
			return FALSE;
		}
		g_string_append_len(data, buf, got);
	}
	/* Firefox's files are text: what follows a NUL would be lost by every line reader, and
	 * a rewrite would drop it; refuse, and leave the file as it is */
	if (memchr(data->str, '\0', data->len) != NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "%s holds a NUL byte: not a text file; left as it is", path);
		return FALSE;
	}
	return TRUE;
}

GBytes *
ct_firefox_read_file(const gchar *path, GError **error)
{
	g_autoptr(GString) data = g_string_new(NULL);
	gboolean ok;
	gint fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv), "cannot read %s: %s",
			    path, g_strerror(errsv));
		return NULL;
	}
	ok = ct_firefox_read_fd(fd, path, data, error);
	close(fd);
	if (!ok)
		return NULL;
	return g_string_free_to_bytes(g_steal_pointer(&data));
}

gboolean
ct_firefox_check_profile_dir(const gchar *profile_dir, GError **error)
{
	struct stat st;

	if (stat(profile_dir, &st) != 0) {
		gint errsv = errno;
		CtError code = ct_error_code_from_errno(errsv);
		if (code == CT_ERROR_NOT_FOUND)
			g_set_error(error, CT_ERROR, code, "profile %s does not exist",
				    profile_dir);
		else
			g_set_error(error, CT_ERROR, code, "cannot open profile %s: %s",
				    profile_dir, g_strerror(errsv));
		return FALSE;
	}
	if (!S_ISDIR(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND, "profile %s is not a directory",
			    profile_dir);
		return FALSE;
	}
	return TRUE;
}
