/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTmpdir"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-cleanup.h"
#include "ct-tmpdir.h"

#define CT_TMPDIR_PREFIX "certtrust-"

/* field 22 of /proc/PID/stat (the start time), or 0 when the process is gone */
static guint64
ct_tmpdir_get_start_time(guint64 pid)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%" G_GUINT64_FORMAT "/stat", pid);
	g_autofree gchar *text = NULL;
	g_auto(GStrv) fields = NULL;
	const gchar *after_name;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	/* the command name (field 2) is in parentheses and may hold spaces */
	after_name = strrchr(text, ')');
	if (after_name == NULL)
		return 0;
	fields = g_strsplit(after_name + 2, " ", 0);
	/* fields[0] is field 3 (the state): field 22 is fields[19] */
	if (g_strv_length(fields) < 20)
		return 0;
	return g_ascii_strtoull(fields[19], NULL, 10);
}

/* the inode of /proc/self/ns/pid, or 0 when unknown */
static guint64
ct_tmpdir_get_pid_namespace(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) != 0)
		return 0;
	return (guint64)st.st_ino;
}

gchar *
ct_tmpdir_new(const gchar *parent, const gchar *kind, GError **error)
{
	g_autofree gchar *template = NULL;
	guint64 pid = (guint64)getpid();

	if (parent == NULL)
		parent = g_get_tmp_dir();
	template = g_strdup_printf("%s/" CT_TMPDIR_PREFIX "%s-%" G_GINT64_MODIFIER
				   "x-%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x-XXXXXX",
				   parent, kind, pid, ct_tmpdir_get_start_time(pid),
				   ct_tmpdir_get_pid_namespace());
	if (g_mkdtemp_full(template, 0700) == NULL) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "cannot make a temporary directory in %s: %s", parent,
			    g_strerror(errsv));
		return NULL;
	}
	/* deleted also when certtrust is told to stop at once */
	ct_cleanup_add_dir(template);
	return g_steal_pointer(&template);
}

void
ct_tmpdir_remove(const gchar *path)
{
	if (path == NULL)
		return;
	ct_cleanup_remove_tree(path);
	ct_cleanup_forget_dir(path);
}

static gboolean
ct_tmpdir_parse_hex(const gchar *text, guint64 *value)
{
	if (text[0] == '\0' || strlen(text) > 16)
		return FALSE;
	for (const gchar *p = text; *p != '\0'; p++) {
		if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
			return FALSE;
	}
	*value = g_ascii_strtoull(text, NULL, 16);
	return TRUE;
}

/* is name one of ours whose process is gone? "certtrust-KIND-PID-START-PIDNS-XXXXXX" */
static gboolean
ct_tmpdir_is_stale(const gchar *name, guint64 pid_namespace)
{
	g_auto(GStrv) parts = NULL;
	guint n;
	guint64 pid = 0;
	guint64 start = 0;
	guint64 ns = 0;

	if (!g_str_has_prefix(name, CT_TMPDIR_PREFIX))
		return FALSE;
	parts = g_strsplit(name + strlen(CT_TMPDIR_PREFIX), "-", 0);
	n = g_strv_length(parts);
	/* KIND may hold dashes itself: the last four parts are PID START PIDNS XXXXXX */
	if (n < 5 || strlen(parts[n - 1]) != 6)
		return FALSE;
	if (!ct_tmpdir_parse_hex(parts[n - 4], &pid) ||
	    !ct_tmpdir_parse_hex(parts[n - 3], &start) || !ct_tmpdir_parse_hex(parts[n - 2], &ns))
		return FALSE;
	/* a process of another PID namespace cannot be looked up from here */
	if (pid == 0 || start == 0 || ns == 0 || ns != pid_namespace)
		return FALSE;
	if (pid == (guint64)getpid())
		return FALSE;
	return ct_tmpdir_get_start_time(pid) != start;
}

static guint
ct_tmpdir_clean_dir(const gchar *parent)
{
	g_autoptr(GDir) dir = g_dir_open(parent, 0, NULL);
	guint64 pid_namespace = ct_tmpdir_get_pid_namespace();
	const gchar *name;
	guint removed = 0;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = NULL;
		GStatBuf st;

		if (!ct_tmpdir_is_stale(name, pid_namespace))
			continue;
		path = g_build_filename(parent, name, NULL);
		/* a real directory of the caller's, nothing else */
		if (g_lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		g_debug("removing %s, left by a process that is gone", path);
		ct_cleanup_remove_tree(path);
		removed++;
	}
	return removed;
}

guint
ct_tmpdir_clean_stale(const gchar *parent)
{
	guint removed = 0;

	if (parent != NULL)
		return ct_tmpdir_clean_dir(parent);
	removed = ct_tmpdir_clean_dir(g_get_tmp_dir());
	if (g_strcmp0(g_get_tmp_dir(), "/tmp") != 0)
		removed += ct_tmpdir_clean_dir("/tmp");
	return removed;
}
