#define G_LOG_DOMAIN "CtSave"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-cleanup.h"
#include "ct-save.h"

/* keeps the temp file name well under NAME_MAX whatever the target is called */
#define CT_SAVE_TEMP_BASE_MAX 128

static void
ct_save_set_errno_error(GError **error, const gchar *path, gint errsv)
{
	g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv), "cannot write %s: %s", path,
		    g_strerror(errsv));
}

/* write everything, flush it to the disk and give it its final mode; errno on failure */
static gint
ct_save_write_fd(gint fd, const guint8 *data, gsize len, guint mode)
{
	gsize done = 0;

	while (done < len) {
		gssize written = write(fd, data + done, MIN(len - done, (gsize)G_MAXSSIZE));
		if (written < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		/* no progress and no error: the disk is full in all but name */
		if (written == 0)
			return ENOSPC;
		done += (gsize)written;
	}
	while (fsync(fd) != 0) {
		if (errno != EINTR)
			return errno;
	}
	if (fchmod(fd, (mode_t)(mode & 0777)) != 0)
		return errno;
	return 0;
}

/* create-if-absent, atomically: link(), or renameat2(RENAME_NOREPLACE) where the file
 * system has no hard links (vfat USB sticks); errno on failure */
static gint
ct_save_link(const gchar *tmp, const gchar *path)
{
	gint errsv;

	if (link(tmp, path) == 0) {
		/* the target holds the data now: the temp name only has to go */
		g_unlink(tmp);
		return 0;
	}
	errsv = errno;
	if (errsv != EPERM && errsv != EOPNOTSUPP && errsv != ENOSYS)
		return errsv;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	/* the file system has neither: report the original reason */
	if (errno == EINVAL || errno == ENOSYS)
		return errsv;
	return errno;
}

/* best effort: make the new directory entry durable too */
static void
ct_save_sync_dir(const gchar *dir)
{
	gint fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fsync(fd) != 0)
		g_debug("cannot sync directory %s: %s", dir, g_strerror(errno));
	close(fd);
}

/* refuse what must not be written through or replaced; FALSE with error set */
static gboolean
ct_save_check_target(const gchar *path, CtSaveFlags flags, GError **error)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		gint errsv = errno;
		if (errsv == ENOENT)
			return TRUE;
		ct_save_set_errno_error(error, path, errsv);
		return FALSE;
	}
	if (S_ISLNK(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s is a symbolic link: refusing to write through it", path);
		return FALSE;
	}
	if (S_ISDIR(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s is a directory", path);
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s is not a regular file",
			    path);
		return FALSE;
	}
	if ((flags & CT_SAVE_FLAG_REPLACE) == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_EXISTS, "%s already exists", path);
		return FALSE;
	}
	return TRUE;
}

/* create tmp, fill it, then put it in place; 0 or an errno, and tmp never remains */
static gint
ct_save_via_temp(gchar *tmp, const gchar *path, GBytes *contents, guint mode, CtSaveFlags flags)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(contents, &len);
	gint errsv;
	gint fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno;
	errsv = ct_save_write_fd(fd, data, len, mode);
	/* Linux closes the descriptor even when close() says EINTR */
	if (close(fd) != 0 && errno != EINTR && errsv == 0)
		errsv = errno;
	if (errsv == 0) {
		if ((flags & CT_SAVE_FLAG_REPLACE) != 0)
			errsv = rename(tmp, path) == 0 ? 0 : errno;
		else
			errsv = ct_save_link(tmp, path);
	}
	if (errsv != 0)
		g_unlink(tmp);
	return errsv;
}

/* give the unnamed file fd a name in one step; 0 or an errno */
static gint
ct_save_link_unnamed(gint fd, const gchar *path)
{
	g_autofree gchar *proc = g_strdup_printf("/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
}

/* the data goes into an unnamed file of dir (O_TMPFILE), so a process killed (SIGKILL, a
 * power cut) while it writes and syncs leaves nothing behind; a replacement then has a
 * temp name only for the instant between link() and rename(). -1 when the file system or
 * the system lacks O_TMPFILE or /proc, else 0 or an errno */
static gint
ct_save_via_unnamed(const gchar *dir,
		    gchar *tmp,
		    const gchar *path,
		    GBytes *contents,
		    guint mode,
		    CtSaveFlags flags)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(contents, &len);
	gchar *x = tmp + strlen(tmp) - 6;
	gint errsv;
	gint fd;

	if (!g_file_test("/proc/self/fd", G_FILE_TEST_IS_DIR))
		return -1;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? -1 : errno;
	errsv = ct_save_write_fd(fd, data, len, mode);
	if (errsv == 0 && (flags & CT_SAVE_FLAG_REPLACE) == 0) {
		errsv = ct_save_link_unnamed(fd, path);
	} else if (errsv == 0) {
		static const gchar chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
		errsv = EEXIST;
		for (guint attempt = 0; attempt < 100 && errsv == EEXIST; attempt++) {
			for (guint i = 0; i < 6; i++)
				x[i] = chars[g_random_int_range(0, sizeof(chars) - 1)];
			errsv = ct_save_link_unnamed(fd, tmp);
		}
		if (errsv == 0 && rename(tmp, path) != 0) {
			errsv = errno;
			g_unlink(tmp);
		}
	}
	close(fd);
	return errsv;
}

gboolean
ct_save_file(const gchar *path, GBytes *contents, guint mode, CtSaveFlags flags, GError **error)
{
	g_autofree gchar *dir = NULL;
	g_autofree gchar *base = NULL;
	g_autofree gchar *tmp_name = NULL;
	g_autofree gchar *tmp = NULL;
	sigset_t held;
	sigset_t previous;
	gint errsv;

	g_return_val_if_fail(path != NULL, FALSE);
	g_return_val_if_fail(contents != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (path[0] == '\0') {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "the path is empty");
		return FALSE;
	}
	if (g_str_has_suffix(path, G_DIR_SEPARATOR_S)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s names a directory, not a file", path);
		return FALSE;
	}
	base = g_path_get_basename(path);
	if (g_strcmp0(base, ".") == 0 || g_strcmp0(base, "..") == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "%s is a directory", path);
		return FALSE;
	}
	if (!ct_save_check_target(path, flags, error))
		return FALSE;

	/* same directory, so that link() and rename() stay on one file system */
	dir = g_path_get_dirname(path);
	tmp_name = g_strdup_printf(".%.*s.XXXXXX", CT_SAVE_TEMP_BASE_MAX, base);
	tmp = g_build_filename(dir, tmp_name, NULL);

	/* Ctrl-C while the temp file exists would leave it behind: hold the signals
	 * until it is renamed or removed, then let them act */
	sigemptyset(&held);
	sigaddset(&held, SIGINT);
	sigaddset(&held, SIGTERM);
	sigaddset(&held, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &held, &previous);
	/* and a signal thread that ends the process at once (ct-cleanup.h) waits for it */
	ct_cleanup_hold();
	errsv = ct_save_via_unnamed(dir, tmp, path, contents, mode, flags);
	if (errsv < 0) {
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6);
		errsv = ct_save_via_temp(tmp, path, contents, mode, flags);
	}
	ct_cleanup_release();
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (errsv == EEXIST) {
		g_set_error(error, CT_ERROR, CT_ERROR_EXISTS, "%s already exists", path);
		return FALSE;
	}
	if (errsv != 0) {
		ct_save_set_errno_error(error, path, errsv);
		return FALSE;
	}
	ct_save_sync_dir(dir);
	return TRUE;
}
