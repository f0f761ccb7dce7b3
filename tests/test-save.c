/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestSave"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-save.h"
#include "ct-test.h"

static gchar *save_tmpdir = NULL;

static void
save_setup(void)
{
	save_tmpdir = ct_test_tmpdir_new();
}

static void
save_teardown(void)
{
	ct_test_tmpdir_remove(save_tmpdir);
	g_clear_pointer(&save_tmpdir, g_free);
}

TestSuite(save, .init = save_setup, .fini = save_teardown, .timeout = 30);

static gchar *
save_path(const gchar *name)
{
	return g_build_filename(save_tmpdir, name, NULL);
}

static gint
save_compare_cb(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the sorted names in dir, comma separated: temp files cannot hide from this */
static gchar *
save_list_dir(const gchar *dir)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	cr_assert_not_null(handle, "cannot list %s", dir);
	while ((name = g_dir_read_name(handle)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, save_compare_cb);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(",", (gchar **)names->pdata);
}

static void
save_assert_contents(const gchar *path, const gchar *expected)
{
	g_autofree gchar *contents = NULL;
	g_autoptr(GError) error = NULL;

	cr_assert(g_file_get_contents(path, &contents, NULL, &error), "%s", error->message);
	cr_assert_str_eq(contents, expected);
}

static void
save_assert_mode(const gchar *path, guint mode)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, mode, "%s: mode %o, wanted %o", path, st.st_mode & 07777,
		     mode);
}

static GBytes *
save_bytes(const gchar *text)
{
	return g_bytes_new(text, strlen(text));
}

/* a private tmpfs on dir, in a mount namespace of this test process only; FALSE if the
 * system does not allow it (not root, no user namespaces, seccomp) */
static gboolean
save_mount_tmpfs(const gchar *dir, const gchar *options, gulong flags)
{
	if (unshare(CLONE_NEWNS) != 0)
		return FALSE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return FALSE;
	return mount("certtrust-test", dir, "tmpfs", flags, options) == 0;
}

/* a skipped test does not run .fini: clean up first */
static void
save_skip_test(const gchar *reason)
{
	gint errsv = errno;

	save_teardown();
	cr_skip_test("%s: %s", reason, g_strerror(errsv));
}

Test(save, create_writes_the_contents)
{
	g_autofree gchar *path = save_path("cert.pem");
	g_autoptr(GBytes) contents = save_bytes("hello\n");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listing = NULL;

	cr_assert(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_NONE, &error), "%s",
		  error->message);
	save_assert_contents(path, "hello\n");
	save_assert_mode(path, 0644);
	listing = save_list_dir(save_tmpdir);
	cr_assert_str_eq(listing, "cert.pem");
}

Test(save, empty_contents_create_an_empty_file)
{
	g_autofree gchar *path = save_path("empty");
	g_autoptr(GBytes) contents = g_bytes_new(NULL, 0);
	g_autoptr(GError) error = NULL;

	cr_assert(ct_save_file(path, contents, 0600, CT_SAVE_FLAG_NONE, &error), "%s",
		  error->message);
	save_assert_contents(path, "");
}

Test(save, large_contents_are_written_completely)
{
	gsize len = 8 * 1024 * 1024 + 17;
	g_autofree gchar *path = save_path("big.der");
	g_autofree guint8 *data = g_malloc(len);
	g_autoptr(GBytes) contents = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *back = NULL;
	gsize back_len = 0;

	for (gsize i = 0; i < len; i++)
		data[i] = (guint8)(i * 7 + i / 251);
	contents = g_bytes_new(data, len);
	cr_assert(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_NONE, &error), "%s",
		  error->message);
	cr_assert(g_file_get_contents(path, &back, &back_len, NULL));
	cr_assert_eq(back_len, len);
	cr_assert_eq(memcmp(back, data, len), 0);
}

Test(save, existing_file_is_not_replaced_without_replace)
{
	g_autofree gchar *path = save_path("cert.pem");
	g_autoptr(GBytes) contents = save_bytes("new");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listing = NULL;

	cr_assert(g_file_set_contents(path, "old", -1, NULL));
	cr_assert_not(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_NONE, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_EXISTS), "%s", error->message);
	cr_assert_not_null(strstr(error->message, path), "%s", error->message);
	cr_assert_not_null(strstr(error->message, "already exists"), "%s", error->message);
	save_assert_contents(path, "old");
	listing = save_list_dir(save_tmpdir);
	cr_assert_str_eq(listing, "cert.pem");
}

Test(save, replace_overwrites_an_existing_file)
{
	g_autofree gchar *path = save_path("cert.pem");
	g_autoptr(GBytes) contents = save_bytes("new");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listing = NULL;

	cr_assert(g_file_set_contents(path, "old contents", -1, NULL));
	cr_assert_eq(g_chmod(path, 0600), 0);
	cr_assert(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_REPLACE, &error), "%s",
		  error->message);
	save_assert_contents(path, "new");
	save_assert_mode(path, 0644);
	listing = save_list_dir(save_tmpdir);
	cr_assert_str_eq(listing, "cert.pem");
}

Test(save, replace_creates_a_missing_file)
{
	g_autofree gchar *path = save_path("cert.pem");
	g_autoptr(GBytes) contents = save_bytes("new");
	g_autoptr(GError) error = NULL;

	cr_assert(ct_save_file(path, contents, 0640, CT_SAVE_FLAG_REPLACE, &error), "%s",
		  error->message);
	save_assert_contents(path, "new");
	save_assert_mode(path, 0640);
}

Test(save, mode_is_exactly_as_given_whatever_the_umask)
{
	const guint umasks[] = {0, 022, 077, 0777};
	const guint modes[] = {0600, 0644, 0640, 0755, 0444};

	for (guint i = 0; i < G_N_ELEMENTS(umasks); i++) {
		for (guint j = 0; j < G_N_ELEMENTS(modes); j++) {
			g_autofree gchar *name = g_strdup_printf("file-%u-%u", i, j);
			g_autofree gchar *path = save_path(name);
			g_autoptr(GBytes) contents = save_bytes("x");
			g_autoptr(GError) error = NULL;

			umask(umasks[i]);
			cr_assert(ct_save_file(path, contents, modes[j], CT_SAVE_FLAG_NONE, &error),
				  "%s", error->message);
			save_assert_mode(path, modes[j]);
			/* and again when replacing */
			cr_assert(ct_save_file(path, contents, 0600, CT_SAVE_FLAG_REPLACE, &error),
				  "%s", error->message);
			save_assert_mode(path, 0600);
		}
	}
	umask(022);
}

Test(save, target_symlink_is_refused_and_its_target_untouched)
{
	g_autofree gchar *victim = save_path("victim");
	g_autofree gchar *link_path = save_path("link.pem");
	g_autofree gchar *dangling = save_path("dangling.pem");
	g_autofree gchar *nowhere = save_path("nowhere");
	g_autoptr(GBytes) contents = save_bytes("evil");
	g_autofree gchar *listing = NULL;
	CtSaveFlags flags[] = {CT_SAVE_FLAG_NONE, CT_SAVE_FLAG_REPLACE};

	cr_assert(g_file_set_contents(victim, "precious", -1, NULL));
	cr_assert_eq(symlink(victim, link_path), 0);
	cr_assert_eq(symlink(nowhere, dangling), 0);
	for (guint i = 0; i < G_N_ELEMENTS(flags); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GError) error_dangling = NULL;

		cr_assert_not(ct_save_file(link_path, contents, 0644, flags[i], &error));
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s",
			  error->message);
		cr_assert_not_null(strstr(error->message, "symbolic link"), "%s", error->message);
		cr_assert_not(ct_save_file(dangling, contents, 0644, flags[i], &error_dangling));
		cr_assert(g_error_matches(error_dangling, CT_ERROR, CT_ERROR_INVALID_ARGS));
	}
	save_assert_contents(victim, "precious");
	cr_assert(g_file_test(link_path, G_FILE_TEST_IS_SYMLINK));
	cr_assert_not(g_file_test(nowhere, G_FILE_TEST_EXISTS));
	listing = save_list_dir(save_tmpdir);
	cr_assert_str_eq(listing, "dangling.pem,link.pem,victim");
}

Test(save, target_directory_is_refused)
{
	g_autofree gchar *path = save_path("dir.pem");
	g_autoptr(GBytes) contents = save_bytes("x");
	CtSaveFlags flags[] = {CT_SAVE_FLAG_NONE, CT_SAVE_FLAG_REPLACE};
	g_autofree gchar *listing = NULL;

	cr_assert_eq(g_mkdir(path, 0700), 0);
	for (guint i = 0; i < G_N_ELEMENTS(flags); i++) {
		g_autoptr(GError) error = NULL;

		cr_assert_not(ct_save_file(path, contents, 0644, flags[i], &error));
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s",
			  error->message);
		cr_assert_not_null(strstr(error->message, "is a directory"), "%s", error->message);
	}
	cr_assert(g_file_test(path, G_FILE_TEST_IS_DIR));
	listing = save_list_dir(save_tmpdir);
	cr_assert_str_eq(listing, "dir.pem");
}

Test(save, fifo_is_refused_as_not_a_regular_file)
{
	g_autofree gchar *path = save_path("fifo");
	g_autoptr(GBytes) contents = save_bytes("x");
	g_autoptr(GError) error = NULL;

	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_not(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_REPLACE, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s", error->message);
	cr_assert_not_null(strstr(error->message, "not a regular file"), "%s", error->message);
}

Test(save, trailing_slash_and_empty_path_are_refused)
{
	g_autofree gchar *path = g_strconcat(save_tmpdir, "/new/", NULL);
	g_autofree gchar *dot = save_path("..");
	g_autoptr(GBytes) contents = save_bytes("x");
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_empty = NULL;
	g_autoptr(GError) error_dot = NULL;

	cr_assert_not(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_NONE, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s", error->message);
	cr_assert_not(ct_save_file("", contents, 0644, CT_SAVE_FLAG_NONE, &error_empty));
	cr_assert(g_error_matches(error_empty, CT_ERROR, CT_ERROR_INVALID_ARGS));
	cr_assert_not(ct_save_file(dot, contents, 0644, CT_SAVE_FLAG_REPLACE, &error_dot));
	cr_assert(g_error_matches(error_dot, CT_ERROR, CT_ERROR_INVALID_ARGS));
}

Test(save, missing_directory_is_not_found)
{
	g_autofree gchar *path = save_path("no/such/dir/cert.pem");
	g_autoptr(GBytes) contents = save_bytes("x");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listing = NULL;

	cr_assert_not(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_NONE, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_FOUND), "%s", error->message);
	cr_assert_not_null(strstr(error->message, path), "%s", error->message);
	listing = save_list_dir(save_tmpdir);
	cr_assert_str_eq(listing, "");
}

Test(save, write_failure_leaves_nothing_behind)
{
	g_autofree gchar *path = save_path("big.pem");
	g_autofree gchar *old = save_path("old.pem");
	g_autofree gchar *data = g_strnfill(256 * 1024, 'x');
	g_autoptr(GBytes) contents = save_bytes(data);
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_replace = NULL;
	g_autofree gchar *listing = NULL;
	struct rlimit limit = {0};

	cr_assert(g_file_set_contents(old, "old", -1, NULL));
	/* files may not grow past 4 KiB in this test process: a short write, then EFBIG */
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &limit), 0);
	limit.rlim_cur = 4096;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &limit), 0);
	signal(SIGXFSZ, SIG_IGN);

	cr_assert_not(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_NONE, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_FAILED), "%s", error->message);
	cr_assert(g_str_has_prefix(error->message, "cannot write "), "%s", error->message);
	cr_assert_not_null(strstr(error->message, path), "%s", error->message);
	cr_assert_not_null(strstr(error->message, g_strerror(EFBIG)), "%s", error->message);

	cr_assert_not(ct_save_file(old, contents, 0644, CT_SAVE_FLAG_REPLACE, &error_replace));
	cr_assert(g_error_matches(error_replace, CT_ERROR, CT_ERROR_FAILED));
	save_assert_contents(old, "old");

	listing = save_list_dir(save_tmpdir);
	cr_assert_str_eq(listing, "old.pem");
}

Test(save, disk_full_is_reported_and_leaves_nothing_behind)
{
	g_autofree gchar *mnt = save_path("small");
	g_autofree gchar *path = save_path("small/cert.pem");
	g_autofree gchar *data = g_strnfill(1024 * 1024, 'x');
	g_autoptr(GBytes) contents = save_bytes(data);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listing = NULL;
	g_autofree gchar *expected = NULL;

	cr_assert_eq(g_mkdir(mnt, 0700), 0);
	if (!save_mount_tmpfs(mnt, "size=64k", 0))
		save_skip_test("cannot mount a small tmpfs here");
	cr_assert_not(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_NONE, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_FAILED), "%s", error->message);
	expected = g_strdup_printf("cannot write %s: %s", path, g_strerror(ENOSPC));
	cr_assert_str_eq(error->message, expected);
	listing = save_list_dir(mnt);
	cr_assert_str_eq(listing, "");
	cr_assert_eq(umount2(mnt, MNT_DETACH), 0);
}

Test(save, read_only_directory_is_permission_denied)
{
	g_autofree gchar *dir = save_path("ro");
	g_autofree gchar *path = save_path("ro/cert.pem");
	g_autoptr(GBytes) contents = save_bytes("x");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listing = NULL;
	gboolean mounted = FALSE;

	cr_assert_eq(g_mkdir(dir, 0700), 0);
	if (geteuid() == 0) {
		/* root ignores directory modes: use a read-only file system instead */
		if (!save_mount_tmpfs(dir, "size=64k", MS_RDONLY))
			save_skip_test("running as root and cannot mount a read-only tmpfs");
		mounted = TRUE;
	} else {
		cr_assert_eq(g_chmod(dir, 0500), 0);
	}
	cr_assert_not(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_NONE, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED), "%s",
		  error->message);
	cr_assert_not_null(strstr(error->message, path), "%s", error->message);
	listing = save_list_dir(dir);
	cr_assert_str_eq(listing, "");
	if (mounted)
		cr_assert_eq(umount2(dir, MNT_DETACH), 0);
}

Test(save, replace_breaks_hard_links_instead_of_writing_through_them)
{
	g_autofree gchar *path = save_path("cert.pem");
	g_autofree gchar *other = save_path("other-name");
	g_autoptr(GBytes) contents = save_bytes("new");
	g_autoptr(GError) error = NULL;

	cr_assert(g_file_set_contents(path, "old", -1, NULL));
	cr_assert_eq(link(path, other), 0);
	cr_assert(ct_save_file(path, contents, 0644, CT_SAVE_FLAG_REPLACE, &error), "%s",
		  error->message);
	save_assert_contents(path, "new");
	save_assert_contents(other, "old");
}
