/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFirefox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ct-firefox-private.h"

/* a profile's locks: Firefox's (is it running on the profile?) and certtrust's own */

/* the "lock" symlink Firefox makes on Linux points at "IP:+PID" ("+": it also holds the
 * fcntl lock) or "IP:PID"; a process of that id alive counts, even if the id was reused
 * since: the cost is a needless refusal, never a corrupted file */
static gboolean
ct_firefox_lock_symlink_is_live(const gchar *profile_dir)
{
	g_autofree gchar *lock = g_build_filename(profile_dir, "lock", NULL);
	gchar target[256];
	gssize len = readlink(lock, target, sizeof(target) - 1);
	const gchar *text;
	gchar *end = NULL;
	guint64 pid;

	if (len <= 0)
		return FALSE;
	target[len] = '\0';
	text = strrchr(target, ':');
	if (text == NULL)
		return FALSE;
	text++;
	if (*text == '+')
		text++;
	if (!g_ascii_isdigit(*text))
		return FALSE;
	errno = 0;
	pid = g_ascii_strtoull(text, &end, 10);
	/* unparsable: Firefox itself takes such a lock over as stale */
	if (errno != 0 || *end != '\0' || pid == 0 || pid > G_MAXINT32)
		return FALSE;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* Firefox holds a POSIX write lock on all of .parentlock while it runs; F_GETLK sees it
 * from any process (and from other pid namespaces: flatpak) */
static gboolean
ct_firefox_parentlock_is_held(const gchar *profile_dir)
{
	g_autofree gchar *path = g_build_filename(profile_dir, ".parentlock", NULL);
	struct flock query = {0};
	gboolean held;
	gint fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return FALSE;
	query.l_type = F_WRLCK;
	query.l_whence = SEEK_SET;
	query.l_start = 0;
	query.l_len = 0;
	held = fcntl(fd, F_GETLK, &query) == 0 && query.l_type != F_UNLCK;
	/* no lock of ours to lose by closing: this process holds none on it */
	close(fd);
	return held;
}

gboolean
ct_firefox_profile_is_running(const gchar *profile_dir)
{
	g_return_val_if_fail(profile_dir != NULL, FALSE);

	return ct_firefox_lock_symlink_is_live(profile_dir) ||
	       ct_firefox_parentlock_is_held(profile_dir);
}

gboolean
ct_firefox_refuse_if_running(const gchar *profile_dir, GError **error)
{
	if (!ct_firefox_profile_is_running(profile_dir))
		return TRUE;
	g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
		    "Firefox is running on %s: close it and run again", profile_dir);
	return FALSE;
}

/* one certtrust at a time reads, changes and replaces a profile's cert_override.txt (each
 * with its own ledger, so the ledger's lock does not cover it): an exclusive flock on the
 * profile directory itself, which leaves no lock file in the user's profile; held until
 * the descriptor is closed; -1 with error */
gint
ct_firefox_lock_overrides(const gchar *profile_dir, GError **error)
{
	gint fd;

	if (!ct_firefox_check_profile_dir(profile_dir, error))
		return -1;
	fd = g_open(profile_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv),
			    "cannot open profile %s: %s", profile_dir, g_strerror(errsv));
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0) {
		gint errsv = errno;
		if (errsv == EINTR)
			continue;
		close(fd);
		g_set_error(error, CT_ERROR, CT_ERROR_BUSY, "cannot lock profile %s: %s",
			    profile_dir, g_strerror(errsv));
		return -1;
	}
	return fd;
}
