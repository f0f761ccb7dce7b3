/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtSysrootJail"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ct-sysroot-jail.h"
#include "ct-tmpdir.h"

/* at most this many writable directories (plus the scratch directory) */
#define CT_SYSROOT_JAIL_MAX_WRITABLE 8

struct _CtSysrootJail {
	gchar *sysroot;
	GPtrArray *writable; /* relative to sysroot */
	gchar *scratch;	     /* a private TMPDIR, removed with the jail */
	gboolean confine;    /* root: a mount namespace, else the caller's own rights */
};

void
ct_sysroot_jail_free(CtSysrootJail *jail)
{
	if (jail == NULL)
		return;
	if (jail->scratch != NULL)
		ct_tmpdir_remove(jail->scratch);
	g_free(jail->scratch);
	g_ptr_array_unref(jail->writable);
	g_free(jail->sysroot);
	g_free(jail);
}

/* the directory relative to root_fd, never through a symlink nor out of it */
static gint
ct_sysroot_jail_open_beneath(gint root_fd, const gchar *relative)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	return (gint)syscall(SYS_openat2, root_fd, relative, &how, sizeof(how));
}

CtSysrootJail *
ct_sysroot_jail_new(const gchar *sysroot, const gchar *const *writable, GError **error)
{
	g_autoptr(CtSysrootJail) jail = g_new0(CtSysrootJail, 1);
	gint root_fd;

	g_return_val_if_fail(sysroot != NULL, NULL);
	g_return_val_if_fail(g_strv_length((gchar **)writable) <= CT_SYSROOT_JAIL_MAX_WRITABLE,
			     NULL);

	jail->sysroot = g_canonicalize_filename(sysroot, NULL);
	jail->writable = g_ptr_array_new_with_free_func(g_free);
	jail->confine = geteuid() == 0;
	root_fd = open(jail->sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND, "cannot open %s: %s",
			    jail->sysroot, g_strerror(errsv));
		return NULL;
	}
	for (guint i = 0; writable[i] != NULL; i++) {
		gint fd = ct_sysroot_jail_open_beneath(root_fd, writable[i]);
		if (fd < 0) {
			gint errsv = errno;
			g_autofree gchar *path = g_build_filename(jail->sysroot, writable[i], NULL);
			close(root_fd);
			g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
				    "%s is not a directory inside the tree %s (%s): a tool run for "
				    "a --sysroot writes only inside it",
				    path, jail->sysroot,
				    errsv == ELOOP || errsv == EXDEV ? "a symlink on the way"
								     : g_strerror(errsv));
			return NULL;
		}
		close(fd);
		g_ptr_array_add(jail->writable, g_strdup(writable[i]));
	}
	close(root_fd);
	jail->scratch = ct_tmpdir_new(NULL, "jail", error);
	if (jail->scratch == NULL)
		return NULL;
	return g_steal_pointer(&jail);
}

/* what the child needs, as plain C, prepared before fork */
typedef struct {
	gchar *sysroot;
	gchar *writable[CT_SYSROOT_JAIL_MAX_WRITABLE + 1];
	gchar *scratch;
} CtSysrootJailSetup;

static void
ct_sysroot_jail_setup_free(gpointer data)
{
	CtSysrootJailSetup *setup = data;
	g_free(setup->sysroot);
	for (guint i = 0; setup->writable[i] != NULL; i++)
		g_free(setup->writable[i]);
	g_free(setup->scratch);
	g_free(setup);
}

static void G_GNUC_NORETURN
ct_sysroot_jail_die(const gchar *what, const gchar *path)
{
	static const gchar prefix[] = "certtrust: cannot confine the tool to the sysroot: ";
	gint errsv = errno;

	(void)!write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
	(void)!write(STDERR_FILENO, what, strlen(what));
	(void)!write(STDERR_FILENO, " ", 1);
	(void)!write(STDERR_FILENO, path, strlen(path));
	(void)!write(STDERR_FILENO, ": ", 2);
	(void)!write(STDERR_FILENO, strerror(errsv), strlen(strerror(errsv)));
	(void)!write(STDERR_FILENO, "\n", 1);
	_exit(126);
}

/* a detached writable copy of the mount at the directory fd */
static gint
ct_sysroot_jail_clone(gint dir_fd, const gchar *path)
{
	gint tree_fd = open_tree(dir_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree_fd < 0)
		ct_sysroot_jail_die("open_tree", path);
	return tree_fd;
}

/* in the child, between fork and exec: only system calls */
static void
ct_sysroot_jail_child_setup(gpointer data)
{
	CtSysrootJailSetup *setup = data;
	static const gint drop[] = {CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_SYS_RAWIO,
				    CAP_MKNOD,	   CAP_SYS_BOOT,   CAP_SYS_CHROOT};
	gint dir_fds[CT_SYSROOT_JAIL_MAX_WRITABLE + 1];
	gint tree_fds[CT_SYSROOT_JAIL_MAX_WRITABLE + 1];
	struct mount_attr read_only;
	gint root_fd;
	guint n = 0;

	if (unshare(CLONE_NEWNS) != 0)
		ct_sysroot_jail_die("unshare", "/");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		ct_sysroot_jail_die("making the mounts private at", "/");
	root_fd = open(setup->sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		ct_sysroot_jail_die("open", setup->sysroot);
	/* writable clones first, then everything read-only, then the clones on top */
	for (n = 0; setup->writable[n] != NULL; n++) {
		dir_fds[n] = ct_sysroot_jail_open_beneath(root_fd, setup->writable[n]);
		if (dir_fds[n] < 0)
			ct_sysroot_jail_die("open beneath the tree", setup->writable[n]);
		tree_fds[n] = ct_sysroot_jail_clone(dir_fds[n], setup->writable[n]);
	}
	dir_fds[n] = open(setup->scratch, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fds[n] < 0)
		ct_sysroot_jail_die("open", setup->scratch);
	tree_fds[n] = ct_sysroot_jail_clone(dir_fds[n], setup->scratch);
	n++;
	memset(&read_only, 0, sizeof(read_only));
	read_only.attr_set = MOUNT_ATTR_RDONLY;
	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &read_only, sizeof(read_only)) != 0)
		ct_sysroot_jail_die("making read-only", "/");
	for (guint i = 0; i < n; i++) {
		if (move_mount(tree_fds[i], "", dir_fds[i], "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
			ct_sysroot_jail_die("mounting writable",
					    i + 1 < n ? setup->writable[i] : setup->scratch);
	}
	/* POSIX shared memory and named semaphores (shm_open, sem_open) live in /dev/shm: an
	 * empty private tmpfs there serves a tool that uses them (libfaketime does, at start)
	 * and leaves the host's untouched */
	if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=1777,size=16m") != 0 &&
	    errno != ENOENT)
		ct_sysroot_jail_die("mounting a private tmpfs on", "/dev/shm");
	for (guint i = 0; i < G_N_ELEMENTS(drop); i++) {
		if (prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0) != 0)
			ct_sysroot_jail_die("dropping a capability for", setup->sysroot);
	}
}

GSubprocessLauncher *
ct_sysroot_jail_new_launcher(CtSysrootJail *jail, GSubprocessFlags flags)
{
	GSubprocessLauncher *launcher = g_subprocess_launcher_new(flags);
	CtSysrootJailSetup *setup = NULL;

	g_subprocess_launcher_setenv(launcher, "TMPDIR", jail->scratch, TRUE);
	if (!jail->confine)
		return launcher;
	setup = g_new0(CtSysrootJailSetup, 1);
	setup->sysroot = g_strdup(jail->sysroot);
	for (guint i = 0; i < jail->writable->len; i++)
		setup->writable[i] = g_strdup(g_ptr_array_index(jail->writable, i));
	setup->scratch = g_strdup(jail->scratch);
	g_subprocess_launcher_set_child_setup(launcher, ct_sysroot_jail_child_setup, setup,
					      ct_sysroot_jail_setup_free);
	return launcher;
}
