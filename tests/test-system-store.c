/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestSystemStore"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-pem.h"
#include "ct-system-store.h"
#include "ct-test.h"

/* the host's own store: read, never written */
#define HOST_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define HOST_LOCAL_DIR "/usr/local/share/ca-certificates"
#define HOST_ETC_CERTS_DIR "/etc/ssl/certs"
#define HOST_HOOKS_DIR "/etc/ca-certificates/update.d"

static gchar *store_tmpdir = NULL;

static void
store_setup(void)
{
	store_tmpdir = ct_test_tmpdir_new();
}

static void
store_teardown(void)
{
	ct_test_tmpdir_remove(store_tmpdir);
	g_clear_pointer(&store_tmpdir, g_free);
}

TestSuite(system_store, .init = store_setup, .fini = store_teardown, .timeout = 60);

/* a skipped test does not run .fini: clean up first */
static void
store_skip_test(const gchar *reason)
{
	store_teardown();
	cr_skip_test("%s", reason);
}

static gchar *
store_path(const gchar *relative)
{
	return g_build_filename(store_tmpdir, relative, NULL);
}

static void
store_mkdir(const gchar *root, const gchar *relative)
{
	g_autofree gchar *path = g_build_filename(root, relative, NULL);
	cr_assert_eq(g_mkdir_with_parents(path, 0755), 0, "mkdir %s: %s", path, g_strerror(errno));
}

static void
store_write(const gchar *path, const gchar *text, gint mode)
{
	g_autoptr(GError) error = NULL;

	cr_assert(g_file_set_contents(path, text, -1, &error), "%s", error->message);
	cr_assert_eq(g_chmod(path, mode), 0);
}

/* a fresh sysroot dir inside the temp dir */
static gchar *
store_new_sysroot(const gchar *name)
{
	g_autofree gchar *sysroot = store_path(name);
	cr_assert_eq(g_mkdir(sysroot, 0755), 0);
	return g_steal_pointer(&sysroot);
}

static GBytes *
store_read(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	gchar *data = NULL;
	gsize len = 0;

	cr_assert(g_file_get_contents(path, &data, &len, &error), "%s", error->message);
	return g_bytes_new_take(data, len);
}

static gchar *
store_read_text(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	gchar *data = NULL;

	cr_assert(g_file_get_contents(path, &data, NULL, &error), "%s", error->message);
	return data;
}

static gint
store_compare_cb(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* "name -> target" or "name" per entry, sorted, one per line: links cannot hide */
static gchar *
store_list_dir(const gchar *dir)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	cr_assert_not_null(handle, "cannot list %s", dir);
	while ((name = g_dir_read_name(handle)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		g_autofree gchar *target = g_file_read_link(path, NULL);
		g_ptr_array_add(lines, target != NULL ? g_strdup_printf("%s -> %s", name, target)
						      : g_strdup(name));
	}
	g_ptr_array_sort(lines, store_compare_cb);
	g_ptr_array_add(lines, NULL);
	return g_strjoinv("\n", (gchar **)lines->pdata);
}

static void
store_assert_mode(const gchar *path, guint mode)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0, "%s: %s", path, g_strerror(errno));
	cr_assert(S_ISREG(st.st_mode), "%s is not a regular file", path);
	cr_assert_eq(st.st_mode & 07777, mode, "%s: mode %o, wanted %o", path, st.st_mode & 07777,
		     mode);
}

/* the anchor holds exactly one PEM certificate, LF line ends, with the DER of der */
static void
store_assert_anchor(const gchar *path, GBytes *der)
{
	g_autoptr(GBytes) contents = store_read(path);
	g_autoptr(GPtrArray) blocks = NULL;
	g_autoptr(GError) error = NULL;
	CtPemBlock *block;

	store_assert_mode(path, 0644);
	cr_assert_null(memchr(g_bytes_get_data(contents, NULL), '\r', g_bytes_get_size(contents)),
		       "%s has CR line ends", path);
	blocks = ct_pem_decode(g_bytes_get_data(contents, NULL), g_bytes_get_size(contents),
			       &error);
	cr_assert_not_null(blocks, "%s: %s", path, error->message);
	cr_assert_eq(blocks->len, 1);
	block = g_ptr_array_index(blocks, 0);
	cr_assert_str_eq(block->label, "CERTIFICATE");
	cr_assert(g_bytes_equal(block->der, der), "%s holds another certificate", path);
}

static void
store_assert_absent(const gchar *path)
{
	struct stat st;
	cr_assert_neq(lstat(path, &st), 0, "%s is still there", path);
}

static gboolean
store_same_commands(GPtrArray *commands, const gchar *const *expected)
{
	if (commands->len != g_strv_length((gchar **)expected))
		return FALSE;
	for (guint i = 0; i < commands->len; i++) {
		if (g_strcmp0(g_ptr_array_index(commands, i), expected[i]) != 0)
			return FALSE;
	}
	return TRUE;
}

static void
store_assert_commands(GPtrArray *commands, const gchar *const *expected)
{
	g_autofree gchar *got = NULL;
	g_autofree gchar *wanted = g_strjoinv("\n", (gchar **)expected);

	cr_assert_not_null(commands);
	g_ptr_array_add(commands, NULL);
	got = g_strjoinv("\n", (gchar **)commands->pdata);
	g_ptr_array_remove_index(commands, commands->len - 1);
	cr_assert(store_same_commands(commands, expected), "commands:\n%s\nwanted:\n%s", got,
		  wanted);
}

/* detection */

Test(system_store, kind_names)
{
	cr_assert_str_eq(ct_system_store_kind_to_string(CT_SYSTEM_STORE_UNKNOWN), "unknown");
	cr_assert_str_eq(ct_system_store_kind_to_string(CT_SYSTEM_STORE_DEBIAN), "debian");
	cr_assert_str_eq(ct_system_store_kind_to_string(CT_SYSTEM_STORE_FEDORA), "fedora");
	cr_assert_str_eq(ct_system_store_kind_to_string(CT_SYSTEM_STORE_ARCH), "arch");
	cr_assert_str_eq(ct_system_store_kind_to_string(CT_SYSTEM_STORE_OPENSUSE), "opensuse");
}

Test(system_store, detect_empty_tree_is_unknown)
{
	g_autofree gchar *sysroot = store_new_sysroot("empty");
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_UNKNOWN);
}

Test(system_store, detect_missing_sysroot_is_unknown)
{
	g_autofree gchar *sysroot = store_path("does-not-exist");
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_UNKNOWN);
}

Test(system_store, detect_debian_by_certs_dir)
{
	g_autofree gchar *sysroot = store_new_sysroot("debian");

	store_mkdir(sysroot, "usr/local/share/ca-certificates");
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_UNKNOWN);
	store_mkdir(sysroot, "etc/ssl/certs");
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_DEBIAN);
}

Test(system_store, detect_debian_by_tool)
{
	g_autofree gchar *sysroot = store_new_sysroot("debian");
	g_autofree gchar *tool = NULL;

	store_mkdir(sysroot, "usr/local/share/ca-certificates");
	store_mkdir(sysroot, "usr/sbin");
	tool = g_build_filename(sysroot, "usr/sbin/update-ca-certificates", NULL);
	store_write(tool, "#!/bin/sh\n", 0755);
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_DEBIAN);
	/* a trailing slash and a relative-free path name the same tree */
	{
		g_autofree gchar *slashed = g_strconcat(sysroot, "/", NULL);
		cr_assert_eq(ct_system_store_detect(slashed), CT_SYSTEM_STORE_DEBIAN);
	}
}

/* p11-kit and stray directories of the other layouts do not make Debian something else */
Test(system_store, detect_debian_with_p11kit_dirs_is_debian)
{
	g_autofree gchar *sysroot = store_new_sysroot("debian");

	store_mkdir(sysroot, "usr/local/share/ca-certificates");
	store_mkdir(sysroot, "etc/ssl/certs");
	store_mkdir(sysroot, "etc/ca-certificates/update.d");
	store_mkdir(sysroot, "etc/ca-certificates/trust-source/anchors");
	store_mkdir(sysroot, "etc/pki/ca-trust/source/anchors");
	store_mkdir(sysroot, "etc/pki/trust/anchors");
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_DEBIAN);
}

Test(system_store, detect_fedora)
{
	g_autofree gchar *sysroot = store_new_sysroot("fedora");
	g_autofree gchar *link = NULL;

	store_mkdir(sysroot, "etc/pki/ca-trust/source/anchors");
	store_mkdir(sysroot, "etc/pki/tls/certs");
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_FEDORA);

	/* Fedora's /etc/ssl/certs is a symlink; a stray local dir does not make it Debian */
	store_mkdir(sysroot, "etc/ssl");
	store_mkdir(sysroot, "usr/local/share/ca-certificates");
	link = g_build_filename(sysroot, "etc/ssl/certs", NULL);
	cr_assert_eq(symlink("../pki/tls/certs", link), 0);
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_FEDORA);
}

Test(system_store, detect_arch)
{
	g_autofree gchar *sysroot = store_new_sysroot("arch");

	store_mkdir(sysroot, "etc/ca-certificates/trust-source/anchors");
	store_mkdir(sysroot, "etc/ssl/certs");
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_ARCH);
}

Test(system_store, detect_opensuse)
{
	g_autofree gchar *sysroot = store_new_sysroot("opensuse");
	g_autofree gchar *tool = NULL;

	/* openSUSE has its own update-ca-certificates and a real /etc/ssl/certs */
	store_mkdir(sysroot, "etc/pki/trust/anchors");
	store_mkdir(sysroot, "etc/ssl/certs");
	store_mkdir(sysroot, "usr/sbin");
	tool = g_build_filename(sysroot, "usr/sbin/update-ca-certificates", NULL);
	store_write(tool, "#!/bin/sh\n", 0755);
	cr_assert_eq(ct_system_store_detect(sysroot), CT_SYSTEM_STORE_OPENSUSE);
}

/* paths and commands */

Test(system_store, anchor_paths)
{
	const gchar *sysroot = "/srv/root";
	struct {
		CtSystemStoreKind kind;
		const gchar *host;
		const gchar *tree;
	} rows[] = {
	    {CT_SYSTEM_STORE_DEBIAN,
	     "/usr/local/share/ca-certificates/certtrust-ucm.example.com.crt",
	     "/srv/root/usr/local/share/ca-certificates/certtrust-ucm.example.com.crt"},
	    {CT_SYSTEM_STORE_FEDORA,
	     "/etc/pki/ca-trust/source/anchors/certtrust-ucm.example.com.pem",
	     "/srv/root/etc/pki/ca-trust/source/anchors/certtrust-ucm.example.com.pem"},
	    {CT_SYSTEM_STORE_ARCH,
	     "/etc/ca-certificates/trust-source/anchors/certtrust-ucm.example.com.pem",
	     "/srv/root/etc/ca-certificates/trust-source/anchors/certtrust-ucm.example.com.pem"},
	    {CT_SYSTEM_STORE_OPENSUSE, "/etc/pki/trust/anchors/certtrust-ucm.example.com.pem",
	     "/srv/root/etc/pki/trust/anchors/certtrust-ucm.example.com.pem"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree gchar *host = ct_system_store_get_anchor_path("/", rows[i].kind,
									 "ucm.example.com");
		g_autofree gchar *host_null = ct_system_store_get_anchor_path(NULL, rows[i].kind,
									      "ucm.example.com");
		g_autofree gchar *tree = ct_system_store_get_anchor_path(sysroot, rows[i].kind,
									 "ucm.example.com");
		g_autofree gchar *tree_slashed =
		    ct_system_store_get_anchor_path("/srv/root/", rows[i].kind, "ucm.example.com");
		cr_assert_str_eq(host, rows[i].host);
		cr_assert_str_eq(host_null, rows[i].host);
		cr_assert_str_eq(tree, rows[i].tree);
		cr_assert_str_eq(tree_slashed, rows[i].tree);
	}
	cr_assert_null(ct_system_store_get_anchor_path("/", CT_SYSTEM_STORE_UNKNOWN, "x"));
}

Test(system_store, commands_debian_host)
{
	g_autoptr(GPtrArray) install = NULL;
	g_autoptr(GPtrArray) removal = NULL;
	const gchar *anchor = "/usr/local/share/ca-certificates/certtrust-ucm.example.com.crt";
	const gchar *want_install[] =
	    {"install -m 0644 CERT.pem "
	     "/usr/local/share/ca-certificates/certtrust-ucm.example.com.crt",
	     "update-ca-certificates", NULL};
	const gchar *want_remove[] =
	    {"rm -f /usr/local/share/ca-certificates/certtrust-ucm.example.com.crt "
	     "/etc/ssl/certs/certtrust-ucm.example.com.pem",
	     "update-ca-certificates --fresh",
	     "for hook in /etc/ca-certificates/update.d/*; do if [ -x \"$hook\" ]; then "
	     "printf '%s\\n' -/etc/ssl/certs/certtrust-ucm.example.com.pem | \"$hook\"; fi; done",
	     NULL};

	install = ct_system_store_get_commands("/", CT_SYSTEM_STORE_DEBIAN, anchor, "CERT.pem");
	store_assert_commands(install, want_install);
	removal = ct_system_store_get_commands("/", CT_SYSTEM_STORE_DEBIAN, anchor, NULL);
	store_assert_commands(removal, want_remove);
}

Test(system_store, commands_debian_sysroot)
{
	g_autoptr(GPtrArray) install = NULL;
	g_autoptr(GPtrArray) removal = NULL;
	const gchar *anchor = "/srv/my root/usr/local/share/ca-certificates/certtrust-a.crt";
	const gchar *want_install[] = {
	    "install -m 0644 CERT.pem '/srv/my root/usr/local/share/ca-certificates/"
	    "certtrust-a.crt'",
	    "update-ca-certificates --localcertsdir '/srv/my root/usr/local/share/ca-certificates' "
	    "--certsconf '/srv/my root/etc/ca-certificates.conf' "
	    "--certsdir '/srv/my root/usr/share/ca-certificates' "
	    "--etccertsdir '/srv/my root/etc/ssl/certs' "
	    "--hooksdir '/srv/my root/etc/ca-certificates/update.d'",
	    NULL};
	const gchar *want_remove[] =
	    {"rm -f '/srv/my root/usr/local/share/ca-certificates/certtrust-a.crt' "
	     "'/srv/my root/etc/ssl/certs/certtrust-a.pem'",
	     "update-ca-certificates --fresh "
	     "--localcertsdir '/srv/my root/usr/local/share/ca-certificates' "
	     "--certsconf '/srv/my root/etc/ca-certificates.conf' "
	     "--certsdir '/srv/my root/usr/share/ca-certificates' "
	     "--etccertsdir '/srv/my root/etc/ssl/certs' "
	     "--hooksdir '/srv/my root/etc/ca-certificates/update.d'",
	     "for hook in '/srv/my root/etc/ca-certificates/update.d'/*; do if [ -x \"$hook\" ]; "
	     "then printf '%s\\n' '-/srv/my root/etc/ssl/certs/certtrust-a.pem' | \"$hook\"; fi; "
	     "done",
	     NULL};

	install = ct_system_store_get_commands("/srv/my root", CT_SYSTEM_STORE_DEBIAN, anchor,
					       "CERT.pem");
	store_assert_commands(install, want_install);
	removal = ct_system_store_get_commands("/srv/my root", CT_SYSTEM_STORE_DEBIAN, anchor,
					       NULL);
	store_assert_commands(removal, want_remove);
}

Test(system_store, commands_p11kit_layouts)
{
	struct {
		CtSystemStoreKind kind;
		const gchar *anchor;
		const gchar *refresh;
	} rows[] = {
	    {CT_SYSTEM_STORE_FEDORA, "/etc/pki/ca-trust/source/anchors/certtrust-a.pem",
	     "update-ca-trust extract"},
	    {CT_SYSTEM_STORE_ARCH, "/etc/ca-certificates/trust-source/anchors/certtrust-a.pem",
	     "trust extract-compat"},
	    {CT_SYSTEM_STORE_OPENSUSE, "/etc/pki/trust/anchors/certtrust-a.pem",
	     "update-ca-certificates"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GPtrArray) install = NULL;
		g_autoptr(GPtrArray) removal = NULL;
		g_autoptr(GPtrArray) tree = NULL;
		g_autofree gchar *copy = g_strdup_printf("install -m 0644 CERT.pem %s",
							 rows[i].anchor);
		g_autofree gchar *rm = g_strdup_printf("rm -f %s", rows[i].anchor);
		g_autofree gchar *tree_anchor = g_strconcat("/srv/root", rows[i].anchor, NULL);
		g_autofree gchar *tree_copy = g_strdup_printf("install -m 0644 CERT.pem %s",
							      tree_anchor);
		g_autofree gchar *tree_refresh = g_strconcat("chroot /srv/root ", rows[i].refresh,
							     NULL);
		const gchar *want_install[] = {copy, rows[i].refresh, NULL};
		const gchar *want_remove[] = {rm, rows[i].refresh, NULL};
		const gchar *want_tree[] = {tree_copy, tree_refresh, NULL};

		install = ct_system_store_get_commands("/", rows[i].kind, rows[i].anchor,
						       "CERT.pem");
		store_assert_commands(install, want_install);
		removal = ct_system_store_get_commands("/", rows[i].kind, rows[i].anchor, NULL);
		store_assert_commands(removal, want_remove);
		/* their tools have no directory options: the commands chroot into the tree */
		tree = ct_system_store_get_commands("/srv/root", rows[i].kind, tree_anchor,
						    "CERT.pem");
		store_assert_commands(tree, want_tree);
	}
}

Test(system_store, commands_unknown_are_empty)
{
	g_autoptr(GPtrArray)
	    commands = ct_system_store_get_commands("/", CT_SYSTEM_STORE_UNKNOWN,
						    "/x/certtrust-a.pem", "CERT.pem");
	cr_assert_not_null(commands);
	cr_assert_eq(commands->len, 0);
}

/* install and remove on the p11-kit layouts: only the file changes under a sysroot */

static void
store_check_file_layout(CtSystemStoreKind kind, const gchar *dir)
{
	g_autofree gchar *sysroot = store_new_sysroot("tree");
	g_autofree gchar *anchor = NULL;
	g_autofree gchar *anchor_dir = NULL;
	g_autofree gchar *listing = NULL;
	g_autoptr(GBytes) tomcat = ct_test_data_bytes("tomcat.der");
	g_autoptr(GBytes) leaf = ct_test_data_bytes("leaf.der");
	g_autoptr(GError) error = NULL;
	gboolean changed = FALSE;

	store_mkdir(sysroot, dir);
	cr_assert_eq(ct_system_store_detect(sysroot), kind);
	anchor = ct_system_store_get_anchor_path(sysroot, kind, "ucm.example.com");
	anchor_dir = g_path_get_dirname(anchor);

	cr_assert(ct_system_store_install(sysroot, kind, anchor, tomcat, &changed, &error), "%s",
		  error->message);
	cr_assert(changed);
	store_assert_anchor(anchor, tomcat);
	listing = store_list_dir(anchor_dir);
	cr_assert_str_eq(listing, "certtrust-ucm.example.com.pem");

	/* the same certificate again: nothing to do */
	cr_assert(ct_system_store_install(sysroot, kind, anchor, tomcat, &changed, &error), "%s",
		  error->message);
	cr_assert_not(changed);
	store_assert_anchor(anchor, tomcat);

	/* another certificate under the same name replaces it */
	cr_assert(ct_system_store_install(sysroot, kind, anchor, leaf, &changed, &error), "%s",
		  error->message);
	cr_assert(changed);
	store_assert_anchor(anchor, leaf);

	cr_assert(ct_system_store_remove(sysroot, kind, anchor, &changed, &error), "%s",
		  error->message);
	cr_assert(changed);
	store_assert_absent(anchor);
	g_clear_pointer(&listing, g_free);
	listing = store_list_dir(anchor_dir);
	cr_assert_str_eq(listing, "");

	cr_assert(ct_system_store_remove(sysroot, kind, anchor, &changed, &error), "%s",
		  error->message);
	cr_assert_not(changed);
}

Test(system_store, install_remove_fedora_tree)
{
	store_check_file_layout(CT_SYSTEM_STORE_FEDORA, "etc/pki/ca-trust/source/anchors");
}

Test(system_store, install_remove_arch_tree)
{
	store_check_file_layout(CT_SYSTEM_STORE_ARCH, "etc/ca-certificates/trust-source/anchors");
}

Test(system_store, install_remove_opensuse_tree)
{
	store_check_file_layout(CT_SYSTEM_STORE_OPENSUSE, "etc/pki/trust/anchors");
}

Test(system_store, install_unknown_is_not_supported)
{
	g_autofree gchar *sysroot = store_new_sysroot("empty");
	g_autofree gchar *anchor = g_build_filename(sysroot, "certtrust-a.pem", NULL);
	g_autoptr(GBytes) tomcat = ct_test_data_bytes("tomcat.der");
	g_autoptr(GError) error = NULL;
	gboolean changed = TRUE;

	cr_assert_not(ct_system_store_install(sysroot, CT_SYSTEM_STORE_UNKNOWN, anchor, tomcat,
					      &changed, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_SUPPORTED), "%s", error->message);
	cr_assert_not(changed);
	store_assert_absent(anchor);
	g_clear_error(&error);
	cr_assert_not(
	    ct_system_store_remove(sysroot, CT_SYSTEM_STORE_UNKNOWN, anchor, &changed, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_SUPPORTED), "%s", error->message);
}

Test(system_store, install_debian_needs_crt_name)
{
	g_autofree gchar *sysroot = store_new_sysroot("debian");
	g_autofree gchar *anchor = NULL;
	g_autoptr(GBytes) tomcat = ct_test_data_bytes("tomcat.der");
	g_autoptr(GError) error = NULL;
	gboolean changed = FALSE;

	store_mkdir(sysroot, "usr/local/share/ca-certificates");
	anchor = g_build_filename(sysroot, "usr/local/share/ca-certificates/certtrust-a.pem", NULL);
	cr_assert_not(ct_system_store_install(sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, tomcat,
					      &changed, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s", error->message);
	cr_assert(strstr(error->message, anchor) != NULL, "%s", error->message);
	store_assert_absent(anchor);
}

/* the host ("/") with a layout whose tool this machine lacks: the file lands (in a temp
 * dir, as the caller named it), the refresh fails naming the tool; not root: refused
 * with the commands */
Test(system_store, host_refresh_without_tool_is_not_found)
{
	g_autofree gchar *anchor = store_path("certtrust-a.pem");
	g_autofree gchar *found = g_find_program_in_path("update-ca-trust");
	g_autoptr(GBytes) tomcat = ct_test_data_bytes("tomcat.der");
	g_autoptr(GError) error = NULL;
	gboolean changed = FALSE;

	if (found != NULL || g_file_test("/usr/sbin/update-ca-trust", G_FILE_TEST_EXISTS) ||
	    g_file_test("/usr/bin/update-ca-trust", G_FILE_TEST_EXISTS))
		store_skip_test("update-ca-trust is installed here: not running it on the host");

	cr_assert_not(
	    ct_system_store_install("/", CT_SYSTEM_STORE_FEDORA, anchor, tomcat, &changed, &error));
	if (geteuid() != 0) {
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED), "%s",
			  error->message);
		cr_assert(strstr(error->message, "update-ca-trust extract") != NULL, "%s",
			  error->message);
		store_assert_absent(anchor);
		return;
	}
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_FOUND), "%s", error->message);
	cr_assert(strstr(error->message, "update-ca-trust") != NULL, "%s", error->message);
	cr_assert(strstr(error->message, anchor) != NULL, "%s", error->message);
	cr_assert(changed);
	store_assert_anchor(anchor, tomcat);
	g_clear_error(&error);

	cr_assert_not(
	    ct_system_store_remove("/", CT_SYSTEM_STORE_FEDORA, anchor, &changed, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_FOUND), "%s", error->message);
	cr_assert(changed);
	store_assert_absent(anchor);
}

/* Debian with the real update-ca-certificates, on a copy of the host's store in a temp
 * dir: the tool gets --localcertsdir and friends, so the host's files are only read */

typedef struct {
	gchar *sysroot;
	gchar *bundle;
	gchar *etc_certs;
	gchar *hook_log;
} StoreDebianTree;

static void
store_debian_tree_free(StoreDebianTree *tree)
{
	g_free(tree->sysroot);
	g_free(tree->bundle);
	g_free(tree->etc_certs);
	g_free(tree->hook_log);
	g_free(tree);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreDebianTree, store_debian_tree_free)

static void
store_run_ok(const gchar *command)
{
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "%s: %s%s", command, run->out, run->err);
}

/* a hooks dir holding one hook that logs what it is told; never the host's hooks: the
 * Java one writes /var/lib/ca-certificates-java and runs dpkg */
static void
store_make_hooks(const gchar *hooks_dir, const gchar *log)
{
	g_autofree gchar *hook = g_build_filename(hooks_dir, "log-hook", NULL);
	g_autofree gchar *quoted_log = g_shell_quote(log);
	g_autofree gchar *script = g_strdup_printf("#!/bin/sh\n{ echo \"== $0\"; cat; } >> %s\n",
						   quoted_log);

	cr_assert_eq(g_mkdir_with_parents(hooks_dir, 0755), 0);
	store_write(hook, script, 0755);
	store_write(log, "", 0644);
}

/* a small Debian store under root: three of the host's packaged CAs (the third
 * deselected with "!" in the configuration, as an administrator would), a copy of the
 * host's own local CA files, an empty /etc/ssl/certs and a logging hook; small, because
 * update-ca-certificates forks a few times per certificate */
static void
store_debian_tree_fill(const gchar *root, const gchar *hook_log)
{
	g_autofree gchar *q = g_shell_quote(root);
	g_autofree gchar *fill = NULL;
	g_autofree gchar *hooks = g_build_filename(root, "etc/ca-certificates/update.d", NULL);

	fill = g_strdup_printf(
	    "set -e; cd %s; mkdir -p usr/share/ca-certificates/mozilla usr/local/share "
	    "etc/ssl/certs; cp -a " HOST_LOCAL_DIR " usr/local/share/; "
	    "ls /usr/share/ca-certificates/mozilla | grep '\\.crt$' | head -n 3 | "
	    "while read -r f; do cp \"/usr/share/ca-certificates/mozilla/$f\" "
	    "usr/share/ca-certificates/mozilla/; echo \"mozilla/$f\"; done | "
	    "sed -e '3s/^/!/' > etc/ca-certificates.conf; "
	    "test \"$(wc -l < etc/ca-certificates.conf)\" = 3",
	    q);
	store_run_ok(fill);
	store_make_hooks(hooks, hook_log);
}

static StoreDebianTree *
store_debian_tree_new(void)
{
	g_autoptr(StoreDebianTree) tree = g_new0(StoreDebianTree, 1);
	g_autofree gchar *q = NULL;
	g_autofree gchar *baseline = NULL;

	if (!g_file_test("/usr/sbin/update-ca-certificates", G_FILE_TEST_IS_EXECUTABLE) ||
	    !g_file_test(HOST_LOCAL_DIR, G_FILE_TEST_IS_DIR) ||
	    !g_file_test("/usr/share/ca-certificates/mozilla", G_FILE_TEST_IS_DIR))
		store_skip_test("no Debian ca-certificates here");

	tree->sysroot = store_new_sysroot("debian");
	tree->bundle = g_build_filename(tree->sysroot, "etc/ssl/certs/ca-certificates.crt", NULL);
	tree->etc_certs = g_build_filename(tree->sysroot, "etc/ssl/certs", NULL);
	/* in the tree: a tree's hooks run with every mount outside the tree read-only */
	tree->hook_log = g_build_filename(tree->etc_certs, "hook.log", NULL);
	store_debian_tree_fill(tree->sysroot, tree->hook_log);

	/* a first run builds the bundle and the links: the state to return to */
	q = g_shell_quote(tree->sysroot);
	baseline = g_strdup_printf(
	    "/usr/sbin/update-ca-certificates --localcertsdir %s/usr/local/share/ca-certificates "
	    "--certsconf %s/etc/ca-certificates.conf --certsdir %s/usr/share/ca-certificates "
	    "--etccertsdir %s/etc/ssl/certs --hooksdir %s/etc/ca-certificates/update.d",
	    q, q, q, q, q);
	store_run_ok(baseline);
	store_write(tree->hook_log, "", 0644);
	cr_assert(g_file_test(tree->bundle, G_FILE_TEST_IS_REGULAR));
	cr_assert_eq(ct_system_store_detect(tree->sysroot), CT_SYSTEM_STORE_DEBIAN);
	return g_steal_pointer(&tree);
}

/* openssl verify of a PEM file against a bundle file or a hashed directory */
static gboolean
store_openssl_verifies(const gchar *option, const gchar *where, const gchar *pem)
{
	const gchar *argv[] = {"openssl", "verify", option, where, pem, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	return run->exit_status == 0;
}

static gboolean
store_has_dangling_links(const gchar *dir)
{
	g_autofree gchar *q = g_shell_quote(dir);
	g_autofree gchar *command = g_strdup_printf("find -L %s -type l", q);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	return run->out[0] != '\0';
}

Test(system_store, debian_tree_install_and_complete_undo)
{
	g_autoptr(StoreDebianTree) tree = store_debian_tree_new();
	g_autoptr(GBytes) host_before = store_read(HOST_BUNDLE);
	g_autoptr(GBytes) host_after = NULL;
	g_autoptr(GBytes) tomcat = ct_test_data_bytes("tomcat.der");
	g_autoptr(GBytes) bundle_before = store_read(tree->bundle);
	g_autoptr(GBytes) bundle_installed = NULL;
	g_autoptr(GBytes) bundle_after = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listing_before = store_list_dir(tree->etc_certs);
	g_autofree gchar *listing_after = NULL;
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *anchor = NULL;
	g_autofree gchar *link = NULL;
	g_autofree gchar *target = NULL;
	g_autofree gchar *log = NULL;
	g_autofree gchar *added = NULL;
	g_autofree gchar *removed = NULL;
	gboolean changed = FALSE;

	cr_assert_not(store_openssl_verifies("-CAfile", tree->bundle, pem),
		      "the tree trusts tomcat.pem before the install");
	anchor = ct_system_store_get_anchor_path(tree->sysroot, CT_SYSTEM_STORE_DEBIAN,
						 "ucm.example.com");
	link = g_build_filename(tree->etc_certs, "certtrust-ucm.example.com.pem", NULL);
	added = g_strdup_printf("+%s\n", link);
	removed = g_strdup_printf("-%s\n", link);

	cr_assert(ct_system_store_install(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, tomcat,
					  &changed, &error),
		  "%s", error->message);
	cr_assert(changed);
	store_assert_anchor(anchor, tomcat);
	target = g_file_read_link(link, NULL);
	cr_assert_str_eq(target, anchor);
	cr_assert(store_openssl_verifies("-CAfile", tree->bundle, pem));
	cr_assert(store_openssl_verifies("-CApath", tree->etc_certs, pem));
	log = store_read_text(tree->hook_log);
	cr_assert(strstr(log, added) != NULL, "hook log:\n%s", log);

	/* again: same file, no refresh, the hooks hear nothing */
	store_write(tree->hook_log, "", 0644);
	bundle_installed = store_read(tree->bundle);
	cr_assert(ct_system_store_install(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, tomcat,
					  &changed, &error),
		  "%s", error->message);
	cr_assert_not(changed);
	g_clear_pointer(&log, g_free);
	log = store_read_text(tree->hook_log);
	cr_assert_str_eq(log, "");

	cr_assert(ct_system_store_remove(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, &changed,
					 &error),
		  "%s", error->message);
	cr_assert(changed);
	store_assert_absent(anchor);
	store_assert_absent(link);
	bundle_after = store_read(tree->bundle);
	cr_assert(g_bytes_equal(bundle_after, bundle_before), "the bundle differs after remove");
	cr_assert_not(g_bytes_equal(bundle_installed, bundle_before));
	listing_after = store_list_dir(tree->etc_certs);
	cr_assert_str_eq(listing_after, listing_before);
	cr_assert_not(store_has_dangling_links(tree->etc_certs));
	cr_assert_not(store_openssl_verifies("-CAfile", tree->bundle, pem));
	cr_assert_not(store_openssl_verifies("-CApath", tree->etc_certs, pem));
	g_clear_pointer(&log, g_free);
	log = store_read_text(tree->hook_log);
	cr_assert(strstr(log, removed) != NULL, "hook log:\n%s", log);

	/* again: nothing left, nothing run */
	store_write(tree->hook_log, "", 0644);
	cr_assert(ct_system_store_remove(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, &changed,
					 &error),
		  "%s", error->message);
	cr_assert_not(changed);
	g_clear_pointer(&log, g_free);
	log = store_read_text(tree->hook_log);
	cr_assert_str_eq(log, "");

	host_after = store_read(HOST_BUNDLE);
	cr_assert(g_bytes_equal(host_before, host_after), "the host's bundle changed");
}

/* pitfall 12: rm plus update-ca-certificates leaves dangling links and a hook that never
 * heard of the removal; remove cleans up after such a half undo */
Test(system_store, debian_tree_remove_after_half_undo)
{
	g_autoptr(StoreDebianTree) tree = store_debian_tree_new();
	g_autoptr(GBytes) tomcat = ct_test_data_bytes("tomcat.der");
	g_autoptr(GBytes) bundle_before = store_read(tree->bundle);
	g_autoptr(GBytes) bundle_after = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *listing_before = store_list_dir(tree->etc_certs);
	g_autofree gchar *listing_after = NULL;
	g_autofree gchar *anchor = NULL;
	g_autofree gchar *link = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *log = NULL;
	g_autofree gchar *q = g_shell_quote(tree->sysroot);
	g_autofree gchar *refresh = NULL;
	gboolean changed = FALSE;

	anchor = ct_system_store_get_anchor_path(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, "half");
	link = g_build_filename(tree->etc_certs, "certtrust-half.pem", NULL);
	removed = g_strdup_printf("-%s\n", link);
	cr_assert(ct_system_store_install(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, tomcat,
					  &changed, &error),
		  "%s", error->message);

	/* what an administrator would do by hand */
	cr_assert_eq(g_unlink(anchor), 0);
	refresh = g_strdup_printf(
	    "/usr/sbin/update-ca-certificates --localcertsdir %s/usr/local/share/ca-certificates "
	    "--certsconf %s/etc/ca-certificates.conf --certsdir %s/usr/share/ca-certificates "
	    "--etccertsdir %s/etc/ssl/certs --hooksdir %s/etc/ca-certificates/update.d",
	    q, q, q, q, q);
	store_run_ok(refresh);
	cr_assert(store_has_dangling_links(tree->etc_certs), "no dangling links: pitfall gone?");
	store_write(tree->hook_log, "", 0644);

	cr_assert(ct_system_store_remove(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, &changed,
					 &error),
		  "%s", error->message);
	cr_assert(changed);
	cr_assert_not(store_has_dangling_links(tree->etc_certs));
	listing_after = store_list_dir(tree->etc_certs);
	cr_assert_str_eq(listing_after, listing_before);
	bundle_after = store_read(tree->bundle);
	cr_assert(g_bytes_equal(bundle_after, bundle_before));
	log = store_read_text(tree->hook_log);
	cr_assert(strstr(log, removed) != NULL, "hook log:\n%s", log);
}

/* two anchors with one subject share a hash: removing the one at .0 must not leave the
 * other at .1 alone, where OpenSSL's directory lookup never looks */
Test(system_store, debian_tree_remove_keeps_hash_chain)
{
	g_autoptr(StoreDebianTree) tree = store_debian_tree_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) first = NULL;
	g_autoptr(GBytes) second = NULL;
	g_autofree gchar *first_pem = store_path("first.pem");
	g_autofree gchar *second_pem = store_path("second.pem");
	g_autofree gchar *first_anchor = NULL;
	g_autofree gchar *second_anchor = NULL;
	g_autofree gchar *hash_zero = NULL;
	g_autofree gchar *hash_target = NULL;
	g_autofree gchar *q = g_shell_quote(store_tmpdir);
	g_autofree gchar *make = NULL;
	g_autofree gchar *hash_command = NULL;
	g_autoptr(CtTestRun) hash = NULL;
	gboolean changed = FALSE;

	make = g_strdup_printf(
	    "set -e; cd %s; for n in first second; do openssl req -x509 -newkey ec "
	    "-pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=certtrust same subject' "
	    "-days 1 -keyout $n.key -out $n.pem -outform PEM 2>/dev/null; "
	    "openssl x509 -in $n.pem -outform DER -out $n.der; done",
	    q);
	store_run_ok(make);
	{
		g_autofree gchar *first_der = store_path("first.der");
		g_autofree gchar *second_der = store_path("second.der");
		first = store_read(first_der);
		second = store_read(second_der);
	}
	first_anchor = ct_system_store_get_anchor_path(tree->sysroot, CT_SYSTEM_STORE_DEBIAN,
						       "a-first");
	second_anchor = ct_system_store_get_anchor_path(tree->sysroot, CT_SYSTEM_STORE_DEBIAN,
							"b-second");
	cr_assert(ct_system_store_install(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, first_anchor,
					  first, &changed, &error),
		  "%s", error->message);
	cr_assert(ct_system_store_install(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, second_anchor,
					  second, &changed, &error),
		  "%s", error->message);
	cr_assert(store_openssl_verifies("-CApath", tree->etc_certs, second_pem));

	hash_command = g_strdup_printf("openssl x509 -in %s -noout -subject_hash", first_pem);
	hash = ct_test_run_shell(hash_command);
	cr_assert_eq(hash->exit_status, 0);
	g_strstrip(hash->out);
	hash_zero = g_strdup_printf("%s/%s.0", tree->etc_certs, hash->out);
	hash_target = g_file_read_link(hash_zero, NULL);
	cr_assert_str_eq(hash_target, "certtrust-a-first.pem");

	cr_assert(ct_system_store_remove(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, first_anchor,
					 &changed, &error),
		  "%s", error->message);
	cr_assert(changed);
	cr_assert_not(store_has_dangling_links(tree->etc_certs));
	cr_assert_not(store_openssl_verifies("-CApath", tree->etc_certs, first_pem));
	cr_assert(store_openssl_verifies("-CApath", tree->etc_certs, second_pem),
		  "the second anchor got lost from the hashed directory");
	cr_assert(store_openssl_verifies("-CAfile", tree->bundle, second_pem));

	cr_assert(ct_system_store_remove(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, second_anchor,
					 &changed, &error),
		  "%s", error->message);
	cr_assert_not(store_has_dangling_links(tree->etc_certs));
}

/* a hook that fails: the script only prints "E: ..." and exits 0; both directions report
 * it, and the undo still happens */
Test(system_store, debian_tree_failing_hook_is_reported)
{
	g_autoptr(StoreDebianTree) tree = store_debian_tree_new();
	g_autoptr(GBytes) tomcat = ct_test_data_bytes("tomcat.der");
	g_autoptr(GBytes) bundle_before = store_read(tree->bundle);
	g_autoptr(GBytes) bundle_after = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *hook = g_build_filename(tree->sysroot,
						  "etc/ca-certificates/update.d/broken", NULL);
	g_autofree gchar *anchor = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *log = NULL;
	gboolean changed = FALSE;

	store_write(hook, "#!/bin/sh\ncat >/dev/null\necho 'broken hook' >&2\nexit 3\n", 0755);
	anchor = ct_system_store_get_anchor_path(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, "hook");
	removed = g_strdup_printf("-%s/certtrust-hook.pem\n", tree->etc_certs);

	cr_assert_not(ct_system_store_install(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, tomcat,
					      &changed, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_FAILED), "%s", error->message);
	cr_assert(strstr(error->message, hook) != NULL, "%s", error->message);
	cr_assert(g_str_has_suffix(error->message, "exited with code 3"), "%s", error->message);
	cr_assert(changed);
	store_assert_anchor(anchor, tomcat);
	g_clear_error(&error);

	cr_assert_not(ct_system_store_remove(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor,
					     &changed, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_FAILED), "%s", error->message);
	cr_assert(strstr(error->message, hook) != NULL, "%s", error->message);
	cr_assert(strstr(error->message, "broken hook") != NULL, "%s", error->message);
	cr_assert(changed);
	store_assert_absent(anchor);
	/* the other hook heard of the removal all the same */
	log = store_read_text(tree->hook_log);
	cr_assert(strstr(log, removed) != NULL, "hook log:\n%s", log);
	cr_assert_not(store_has_dangling_links(tree->etc_certs));
	bundle_after = store_read(tree->bundle);
	cr_assert(g_bytes_equal(bundle_after, bundle_before));
}

static gchar *
store_join_commands(GPtrArray *commands)
{
	g_ptr_array_add(commands, NULL);
	return g_strjoinv(" && ", (gchar **)commands->pdata);
}

/* what get_commands prints works: run it with sh in the tree, then undo it the same way */
Test(system_store, debian_tree_printed_commands_work)
{
	g_autoptr(StoreDebianTree) tree = store_debian_tree_new();
	g_autoptr(GBytes) bundle_before = store_read(tree->bundle);
	g_autoptr(GBytes) bundle_after = NULL;
	g_autoptr(GPtrArray) install = NULL;
	g_autoptr(GPtrArray) removal = NULL;
	g_autofree gchar *listing_before = store_list_dir(tree->etc_certs);
	g_autofree gchar *listing_after = NULL;
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *cert = store_path("CERT.pem");
	g_autofree gchar *anchor = NULL;
	g_autofree gchar *link = NULL;
	g_autofree gchar *log = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *joined = NULL;
	g_autofree gchar *script = NULL;
	g_autofree gchar *q = g_shell_quote(store_tmpdir);

	{
		g_autofree gchar *qpem = g_shell_quote(pem);
		g_autofree gchar *qcert = g_shell_quote(cert);
		g_autofree gchar *cp = g_strdup_printf("cp %s %s", qpem, qcert);
		store_run_ok(cp);
	}
	anchor = ct_system_store_get_anchor_path(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, "printed");
	link = g_build_filename(tree->etc_certs, "certtrust-printed.pem", NULL);
	removed = g_strdup_printf("-%s\n", link);

	install = ct_system_store_get_commands(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor,
					       "CERT.pem");
	joined = store_join_commands(install);
	script = g_strdup_printf("cd %s && %s", q, joined);
	store_run_ok(script);
	store_assert_mode(anchor, 0644);
	cr_assert(store_openssl_verifies("-CAfile", tree->bundle, pem));

	store_write(tree->hook_log, "", 0644);
	removal = ct_system_store_get_commands(tree->sysroot, CT_SYSTEM_STORE_DEBIAN, anchor, NULL);
	g_clear_pointer(&joined, g_free);
	joined = store_join_commands(removal);
	store_run_ok(joined);
	store_assert_absent(anchor);
	store_assert_absent(link);
	bundle_after = store_read(tree->bundle);
	cr_assert(g_bytes_equal(bundle_after, bundle_before), "the bundle differs after removal");
	listing_after = store_list_dir(tree->etc_certs);
	cr_assert_str_eq(listing_after, listing_before);
	cr_assert_not(store_has_dangling_links(tree->etc_certs));
	log = store_read_text(tree->hook_log);
	cr_assert(strstr(log, removed) != NULL, "hook log:\n%s", log);
}

/* bind-mount source over target, and make sure target now is the copy */
static gboolean
store_bind(const gchar *source, const gchar *target)
{
	struct stat a;
	struct stat b;

	if (mount(source, target, NULL, MS_BIND, NULL) != 0)
		return FALSE;
	if (stat(source, &a) != 0 || stat(target, &b) != 0)
		return FALSE;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* everything update-ca-certificates reads or writes by default */
static const gchar *store_host_paths[] = {
    "/usr/share/ca-certificates",
    "/etc/ca-certificates.conf",
    HOST_LOCAL_DIR,
    HOST_ETC_CERTS_DIR,
    HOST_HOOKS_DIR,
};

static void
store_unbind_all(void)
{
	for (guint i = G_N_ELEMENTS(store_host_paths); i > 0; i--)
		umount2(store_host_paths[i - 1], MNT_DETACH);
}

/* the real paths, sysroot "/": in a mount namespace of this test process only, with a
 * small copy of the store (and of the host's own local CA files) bind-mounted over the
 * originals; nothing reaches the host's files */
Test(system_store, host_paths_in_private_mount_namespace)
{
	g_autoptr(GBytes) host_before = NULL;
	g_autoptr(GBytes) host_after = NULL;
	g_autoptr(GBytes) tomcat = ct_test_data_bytes("tomcat.der");
	g_autoptr(GBytes) bundle_before = NULL;
	g_autoptr(GBytes) bundle_after = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *copy = store_new_sysroot("copy");
	g_autofree gchar *log_path = store_path("hook.log");
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *anchor = NULL;
	g_autofree gchar *listing_before = NULL;
	g_autofree gchar *listing_after = NULL;
	g_autofree gchar *log = NULL;
	g_autofree gchar *host_listing_before = NULL;
	g_autofree gchar *host_listing_after = NULL;
	const gchar *link = HOST_ETC_CERTS_DIR "/certtrust-ucm.example.com.pem";
	gboolean changed = FALSE;

	if (geteuid() != 0)
		store_skip_test("mount namespaces need root");
	if (!g_file_test("/usr/sbin/update-ca-certificates", G_FILE_TEST_IS_EXECUTABLE) ||
	    !g_file_test("/usr/share/ca-certificates/mozilla", G_FILE_TEST_IS_DIR) ||
	    !g_file_test("/etc/ca-certificates.conf", G_FILE_TEST_IS_REGULAR) ||
	    !g_file_test(HOST_LOCAL_DIR, G_FILE_TEST_IS_DIR) ||
	    !g_file_test(HOST_ETC_CERTS_DIR, G_FILE_TEST_IS_DIR) ||
	    !g_file_test(HOST_HOOKS_DIR, G_FILE_TEST_IS_DIR))
		store_skip_test("no Debian ca-certificates here");

	host_before = store_read(HOST_BUNDLE);
	host_listing_before = store_list_dir(HOST_LOCAL_DIR);
	store_debian_tree_fill(copy, log_path);

	/* private propagation before any mount, so that nothing reaches the host */
	if (unshare(CLONE_NEWNS) != 0)
		store_skip_test("no mount namespaces here");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		store_skip_test("cannot make the mounts private");
	for (guint i = 0; i < G_N_ELEMENTS(store_host_paths); i++) {
		g_autofree gchar *source = g_build_filename(copy, store_host_paths[i], NULL);
		if (!store_bind(source, store_host_paths[i])) {
			store_unbind_all();
			store_skip_test("cannot bind-mount the copies");
		}
	}

	/* the copy's first run, with the tool's defaults */
	store_run_ok("/usr/sbin/update-ca-certificates");
	store_write(log_path, "", 0644);
	cr_assert_eq(ct_system_store_detect("/"), CT_SYSTEM_STORE_DEBIAN);
	anchor = ct_system_store_get_anchor_path("/", CT_SYSTEM_STORE_DEBIAN, "ucm.example.com");
	cr_assert_str_eq(anchor, HOST_LOCAL_DIR "/certtrust-ucm.example.com.crt");
	bundle_before = store_read(HOST_BUNDLE);
	listing_before = store_list_dir(HOST_ETC_CERTS_DIR);
	cr_assert_not(store_openssl_verifies("-CAfile", HOST_BUNDLE, pem));

	cr_assert(ct_system_store_install("/", CT_SYSTEM_STORE_DEBIAN, anchor, tomcat, &changed,
					  &error),
		  "%s", error->message);
	cr_assert(changed);
	store_assert_anchor(anchor, tomcat);
	cr_assert(store_openssl_verifies("-CAfile", HOST_BUNDLE, pem));
	cr_assert(store_openssl_verifies("-CApath", HOST_ETC_CERTS_DIR, pem));
	log = store_read_text(log_path);
	cr_assert(strstr(log, "+" HOST_ETC_CERTS_DIR "/certtrust-ucm.example.com.pem\n") != NULL,
		  "hook log:\n%s", log);

	cr_assert(ct_system_store_remove("/", CT_SYSTEM_STORE_DEBIAN, anchor, &changed, &error),
		  "%s", error->message);
	cr_assert(changed);
	store_assert_absent(anchor);
	store_assert_absent(link);
	bundle_after = store_read(HOST_BUNDLE);
	cr_assert(g_bytes_equal(bundle_after, bundle_before), "the bundle differs after remove");
	listing_after = store_list_dir(HOST_ETC_CERTS_DIR);
	cr_assert_str_eq(listing_after, listing_before);
	cr_assert_not(store_has_dangling_links(HOST_ETC_CERTS_DIR));
	cr_assert_not(store_openssl_verifies("-CAfile", HOST_BUNDLE, pem));
	g_clear_pointer(&log, g_free);
	log = store_read_text(log_path);
	cr_assert(strstr(log, "-" HOST_ETC_CERTS_DIR "/certtrust-ucm.example.com.pem\n") != NULL,
		  "hook log:\n%s", log);

	store_unbind_all();
	host_after = store_read(HOST_BUNDLE);
	cr_assert(g_bytes_equal(host_before, host_after), "the host's bundle changed");
	host_listing_after = store_list_dir(HOST_LOCAL_DIR);
	cr_assert_str_eq(host_listing_after, host_listing_before);
}
