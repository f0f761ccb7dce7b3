/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtSystemStore"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-pem.h"
#include "ct-save.h"
#include "ct-state.h"
#include "ct-sysroot-jail.h"
#include "ct-system-store-private.h"

/* Debian's directories, relative to the sysroot (update-ca-certificates' defaults) */
#define CT_SYSTEM_STORE_DEBIAN_LOCAL_DIR "usr/local/share/ca-certificates"
#define CT_SYSTEM_STORE_DEBIAN_CERTS_DIR "usr/share/ca-certificates"
#define CT_SYSTEM_STORE_DEBIAN_CERTS_CONF "etc/ca-certificates.conf"
#define CT_SYSTEM_STORE_DEBIAN_TOOL "update-ca-certificates"

/* the anchor directories of the p11-kit based layouts */
#define CT_SYSTEM_STORE_FEDORA_DIR "etc/pki/ca-trust/source/anchors"
#define CT_SYSTEM_STORE_ARCH_DIR "etc/ca-certificates/trust-source/anchors"
#define CT_SYSTEM_STORE_OPENSUSE_DIR "etc/pki/trust/anchors"

/* what the printed install command copies: the caller saves or names the PEM file */

const gchar *
ct_system_store_kind_to_string(CtSystemStoreKind kind)
{
	switch (kind) {
	case CT_SYSTEM_STORE_DEBIAN:
		return "debian";
	case CT_SYSTEM_STORE_FEDORA:
		return "fedora";
	case CT_SYSTEM_STORE_ARCH:
		return "arch";
	case CT_SYSTEM_STORE_OPENSUSE:
		return "opensuse";
	case CT_SYSTEM_STORE_UNKNOWN:
	default:
		return "unknown";
	}
}

/* an absolute, normalised sysroot; NULL and "" mean "/" */
static gchar *
ct_system_store_canonical_sysroot(const gchar *sysroot)
{
	if (sysroot == NULL || sysroot[0] == '\0')
		return g_strdup("/");
	return g_canonicalize_filename(sysroot, NULL);
}

static gboolean
ct_system_store_is_host(const gchar *sysroot)
{
	g_autofree gchar *root = ct_system_store_canonical_sysroot(sysroot);
	return g_strcmp0(root, "/") == 0;
}

gchar *
ct_system_store_path(const gchar *sysroot, const gchar *relative)
{
	g_autofree gchar *root = ct_system_store_canonical_sysroot(sysroot);
	return g_build_filename(root, relative, NULL);
}

static gboolean
ct_system_store_has_dir(const gchar *sysroot, const gchar *relative)
{
	g_autofree gchar *path = ct_system_store_path(sysroot, relative);
	return g_file_test(path, G_FILE_TEST_IS_DIR);
}

/* a real directory, not a symlink: Fedora's /etc/ssl/certs points into /etc/pki */
static gboolean
ct_system_store_has_real_dir(const gchar *sysroot, const gchar *relative)
{
	g_autofree gchar *path = ct_system_store_path(sysroot, relative);
	struct stat st;

	if (g_lstat(path, &st) != 0)
		return FALSE;
	return S_ISDIR(st.st_mode);
}

static gboolean
ct_system_store_has_file(const gchar *sysroot, const gchar *relative)
{
	g_autofree gchar *path = ct_system_store_path(sysroot, relative);
	return g_file_test(path, G_FILE_TEST_EXISTS);
}

CtSystemStoreKind
ct_system_store_detect(const gchar *sysroot)
{
	/* Debian first: with p11-kit installed it may carry the other layouts' directories
	 * too, but only Debian (and Ubuntu) have the local certificates directory together
	 * with the tool or a real /etc/ssl/certs (openSUSE has both of those, never the
	 * local directory; Fedora's /etc/ssl/certs is a symlink) */
	if (ct_system_store_has_dir(sysroot, CT_SYSTEM_STORE_DEBIAN_LOCAL_DIR) &&
	    (ct_system_store_has_file(sysroot, "usr/sbin/" CT_SYSTEM_STORE_DEBIAN_TOOL) ||
	     ct_system_store_has_real_dir(sysroot, CT_SYSTEM_STORE_DEBIAN_ETC_CERTS_DIR)))
		return CT_SYSTEM_STORE_DEBIAN;
	if (ct_system_store_has_dir(sysroot, CT_SYSTEM_STORE_FEDORA_DIR))
		return CT_SYSTEM_STORE_FEDORA;
	if (ct_system_store_has_dir(sysroot, CT_SYSTEM_STORE_ARCH_DIR))
		return CT_SYSTEM_STORE_ARCH;
	if (ct_system_store_has_dir(sysroot, CT_SYSTEM_STORE_OPENSUSE_DIR))
		return CT_SYSTEM_STORE_OPENSUSE;
	return CT_SYSTEM_STORE_UNKNOWN;
}

gchar *
ct_system_store_get_anchor_path(const gchar *sysroot, CtSystemStoreKind kind, const gchar *name)
{
	g_autofree gchar *dir = NULL;
	g_autofree gchar *base = NULL;

	g_return_val_if_fail(name != NULL && name[0] != '\0', NULL);
	g_return_val_if_fail(strchr(name, G_DIR_SEPARATOR) == NULL, NULL);

	switch (kind) {
	case CT_SYSTEM_STORE_DEBIAN:
		/* update-ca-certificates only reads PEM files called *.crt */
		dir = ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_LOCAL_DIR);
		base = g_strdup_printf("certtrust-%s.crt", name);
		break;
	case CT_SYSTEM_STORE_FEDORA:
		dir = ct_system_store_path(sysroot, CT_SYSTEM_STORE_FEDORA_DIR);
		break;
	case CT_SYSTEM_STORE_ARCH:
		dir = ct_system_store_path(sysroot, CT_SYSTEM_STORE_ARCH_DIR);
		break;
	case CT_SYSTEM_STORE_OPENSUSE:
		dir = ct_system_store_path(sysroot, CT_SYSTEM_STORE_OPENSUSE_DIR);
		break;
	case CT_SYSTEM_STORE_UNKNOWN:
	default:
		return NULL;
	}
	if (base == NULL)
		base = g_strdup_printf("certtrust-%s.pem", name);
	return g_build_filename(dir, base, NULL);
}

/* the program that refreshes the store after its anchors changed */
static const gchar *
ct_system_store_get_tool_name(CtSystemStoreKind kind)
{
	switch (kind) {
	case CT_SYSTEM_STORE_DEBIAN:
	case CT_SYSTEM_STORE_OPENSUSE:
		return CT_SYSTEM_STORE_DEBIAN_TOOL;
	case CT_SYSTEM_STORE_FEDORA:
		return "update-ca-trust";
	case CT_SYSTEM_STORE_ARCH:
		return "trust";
	case CT_SYSTEM_STORE_UNKNOWN:
	default:
		return NULL;
	}
}

/* the refresh command line, tool first; Debian's with a sysroot points every directory
 * of update-ca-certificates into it (the other tools have no such options) */
static GPtrArray *
ct_system_store_get_refresh_argv(const gchar *sysroot,
				 CtSystemStoreKind kind,
				 const gchar *tool,
				 gboolean fresh)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(argv, g_strdup(tool));
	if (kind == CT_SYSTEM_STORE_FEDORA)
		g_ptr_array_add(argv, g_strdup("extract"));
	if (kind == CT_SYSTEM_STORE_ARCH)
		g_ptr_array_add(argv, g_strdup("extract-compat"));
	if (kind != CT_SYSTEM_STORE_DEBIAN)
		return g_steal_pointer(&argv);
	if (fresh)
		g_ptr_array_add(argv, g_strdup("--fresh"));
	if (ct_system_store_is_host(sysroot))
		return g_steal_pointer(&argv);
	g_ptr_array_add(argv, g_strdup("--localcertsdir"));
	g_ptr_array_add(argv, ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_LOCAL_DIR));
	g_ptr_array_add(argv, g_strdup("--certsconf"));
	g_ptr_array_add(argv, ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_CERTS_CONF));
	g_ptr_array_add(argv, g_strdup("--certsdir"));
	g_ptr_array_add(argv, ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_CERTS_DIR));
	g_ptr_array_add(argv, g_strdup("--etccertsdir"));
	g_ptr_array_add(argv, ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_ETC_CERTS_DIR));
	g_ptr_array_add(argv, g_strdup("--hooksdir"));
	g_ptr_array_add(argv, ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_HOOKS_DIR));
	return g_steal_pointer(&argv);
}

/* a word a shell takes as it is, else single-quoted */
static gchar *
ct_system_store_quote(const gchar *word)
{
	if (word[0] == '\0')
		return g_shell_quote(word);
	for (const gchar *p = word; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("_@%+=:,./-", *p) == NULL)
			return g_shell_quote(word);
	}
	return g_strdup(word);
}

static gchar *
ct_system_store_join_quoted(GPtrArray *argv)
{
	g_autoptr(GString) line = g_string_new(NULL);

	for (guint i = 0; i < argv->len; i++) {
		g_autofree gchar *word = ct_system_store_quote(g_ptr_array_index(argv, i));
		if (i > 0)
			g_string_append_c(line, ' ');
		g_string_append(line, word);
	}
	return g_string_free(g_steal_pointer(&line), FALSE);
}

GPtrArray *
ct_system_store_get_commands(const gchar *sysroot,
			     CtSystemStoreKind kind,
			     const gchar *anchor_path,
			     const gchar *source_pem)
{
	gboolean install = source_pem != NULL;
	g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) refresh = NULL;
	g_autofree gchar *anchor = NULL;
	g_autofree gchar *refresh_line = NULL;
	const gchar *tool = ct_system_store_get_tool_name(kind);

	g_return_val_if_fail(anchor_path != NULL, NULL);

	if (tool == NULL)
		return g_steal_pointer(&commands);
	anchor = ct_system_store_quote(anchor_path);
	if (install) {
		g_autofree gchar *source = ct_system_store_quote(source_pem);
		g_ptr_array_add(commands, g_strdup_printf("install -m 0644 %s %s", source, anchor));
	} else if (kind == CT_SYSTEM_STORE_DEBIAN) {
		g_autofree gchar *link_path = ct_system_store_debian_get_link_path(sysroot,
										   anchor_path);
		g_autofree gchar *link = ct_system_store_quote(link_path);
		g_ptr_array_add(commands, g_strdup_printf("rm -f %s %s", anchor, link));
	} else {
		g_ptr_array_add(commands, g_strdup_printf("rm -f %s", anchor));
	}

	/* --fresh also clears the hash links and rehashes the directory */
	refresh = ct_system_store_get_refresh_argv(sysroot, kind, tool,
						   !install && kind == CT_SYSTEM_STORE_DEBIAN);
	refresh_line = ct_system_store_join_quoted(refresh);
	if (kind != CT_SYSTEM_STORE_DEBIAN && !ct_system_store_is_host(sysroot)) {
		g_autofree gchar *root = ct_system_store_canonical_sysroot(sysroot);
		g_autofree gchar *quoted_root = ct_system_store_quote(root);
		g_ptr_array_add(commands,
				g_strdup_printf("chroot %s %s", quoted_root, refresh_line));
	} else {
		g_ptr_array_add(commands, g_steal_pointer(&refresh_line));
	}

	/* update-ca-certificates never tells the hooks (Java's cacerts) about a file that
	 * is gone when its link is gone already: tell them as the script would */
	if (!install && kind == CT_SYSTEM_STORE_DEBIAN) {
		g_autofree gchar *hooks_dir =
		    ct_system_store_path(sysroot, CT_SYSTEM_STORE_DEBIAN_HOOKS_DIR);
		g_autofree gchar *quoted_hooks_dir = ct_system_store_quote(hooks_dir);
		g_autofree gchar *link_path = ct_system_store_debian_get_link_path(sysroot,
										   anchor_path);
		g_autofree gchar *line = g_strconcat("-", link_path, NULL);
		g_autofree gchar *quoted_line = ct_system_store_quote(line);
		g_ptr_array_add(commands,
				g_strdup_printf("for hook in %s/*; do if [ -x \"$hook\" ]; then "
						"printf '%%s\\n' %s | \"$hook\"; fi; done",
						quoted_hooks_dir, quoted_line));
	}
	return g_steal_pointer(&commands);
}

/* the kind is known, the file name fits it, and whoever changes the host's store is root */
static gboolean
ct_system_store_check_args(const gchar *sysroot,
			   CtSystemStoreKind kind,
			   const gchar *anchor_path,
			   gboolean install,
			   GError **error)
{
	if (ct_system_store_get_tool_name(kind) == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_SUPPORTED,
			    "no known system trust store layout for %s", anchor_path);
		return FALSE;
	}
	if (kind == CT_SYSTEM_STORE_DEBIAN && !g_str_has_suffix(anchor_path, ".crt")) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s: update-ca-certificates only reads files ending in .crt",
			    anchor_path);
		return FALSE;
	}
	if (ct_system_store_is_host(sysroot) && geteuid() != 0 && install) {
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED, "installing %s needs root",
			    anchor_path);
		return FALSE;
	}
	if (ct_system_store_is_host(sysroot) && geteuid() != 0) {
		g_autoptr(GPtrArray)
		    commands = ct_system_store_get_commands(sysroot, kind, anchor_path, NULL);
		g_autofree gchar *joined = NULL;

		g_ptr_array_add(commands, NULL);
		joined = g_strjoinv(" && ", (gchar **)commands->pdata);
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "changing %s needs root; as root run: %s", anchor_path, joined);
		return FALSE;
	}
	return TRUE;
}

/* the anchor as Debian wants it: PEM, one certificate, LF line ends like every other
 * file that ends up in ca-certificates.crt */
static GBytes *
ct_system_store_encode_anchor(GBytes *der)
{
	g_autofree gchar *pem = ct_pem_encode("CERTIFICATE", der);
	GString *text = g_string_sized_new(strlen(pem));

	for (const gchar *p = pem; *p != '\0'; p++) {
		if (*p != '\r')
			g_string_append_c(text, *p);
	}
	return g_string_free_to_bytes(text);
}

gboolean
ct_system_store_write_source(const gchar *source_pem, GBytes *der, GError **error)
{
	g_autofree gchar *dir = g_path_get_dirname(source_pem);
	g_autoptr(GBytes) pem = ct_system_store_encode_anchor(der);

	/* certtrust's state dir: a real directory of the caller's */
	if (!ct_state_ensure_dir(dir, error))
		return FALSE;
	if (!ct_save_file(source_pem, pem, 0644, CT_SAVE_FLAG_REPLACE, error)) {
		g_prefix_error(error, "writing %s: ", source_pem);
		return FALSE;
	}
	return TRUE;
}

/* does path hold exactly contents already? a missing file or anything but a regular file
 * is "no" (ct_save_file() then refuses what it must not replace) */
static gboolean
ct_system_store_has_contents(const gchar *path, GBytes *contents, gboolean *same, GError **error)
{
	g_autofree gchar *data = NULL;
	g_autoptr(GBytes) existing = NULL;
	g_autoptr(GError) error_local = NULL;
	gsize len = 0;
	struct stat st;

	*same = FALSE;
	if (g_lstat(path, &st) != 0) {
		gint errsv = errno;
		if (errsv == ENOENT)
			return TRUE;
		g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv), "cannot read %s: %s",
			    path, g_strerror(errsv));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode))
		return TRUE;
	if (!g_file_get_contents(path, &data, &len, &error_local)) {
		g_set_error(error, CT_ERROR,
			    g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_ACCES)
				? CT_ERROR_PERMISSION_DENIED
				: CT_ERROR_FAILED,
			    "%s", error_local->message);
		return FALSE;
	}
	existing = g_bytes_new_take(g_steal_pointer(&data), len);
	*same = g_bytes_equal(existing, contents);
	return TRUE;
}

/* the absolute path of a program: the sbin directories first, since they are often not
 * in a user's PATH (mkcert #188) */
gchar *
ct_system_store_find_tool(const gchar *name, GError **error)
{
	const gchar *dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL};
	g_autofree gchar *found = NULL;

	for (guint i = 0; dirs[i] != NULL; i++) {
		g_autofree gchar *path = g_build_filename(dirs[i], name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
		    g_file_test(path, G_FILE_TEST_IS_EXECUTABLE))
			return g_steal_pointer(&path);
	}
	found = g_find_program_in_path(name);
	if (found != NULL)
		return g_steal_pointer(&found);
	g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
		    "%s not found in /usr/sbin, /usr/bin or PATH", name);
	return NULL;
}

static gchar *
ct_system_store_bytes_to_text(GBytes *bytes)
{
	gsize len = 0;
	const gchar *data = bytes != NULL ? g_bytes_get_data(bytes, &len) : NULL;
	gchar *text = data != NULL ? g_utf8_make_valid(data, len) : g_strdup("");
	return g_strstrip(text);
}

/* run argv (no shell) with stdin_text on its stdin (or /dev/null); its stdout is returned,
 * never shown: stdout carries certtrust's results only; a failure quotes its stderr */
gboolean
ct_system_store_run(CtSysrootJail *jail,
		    GPtrArray *argv,
		    const gchar *stdin_text,
		    gchar **stdout_text,
		    GError **error)
{
	GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GSubprocess) process = NULL;
	g_autoptr(GBytes) input = NULL;
	g_autoptr(GBytes) out = NULL;
	g_autoptr(GBytes) err = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *err_text = NULL;
	const gchar *program = g_ptr_array_index(argv, 0);

	if (stdin_text != NULL) {
		flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
		input = g_bytes_new(stdin_text, strlen(stdin_text));
	}
	launcher = jail != NULL ? ct_sysroot_jail_new_launcher(jail, flags)
				: g_subprocess_launcher_new(flags);
	g_ptr_array_add(argv, NULL);
	process = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata,
					       &error_local);
	g_ptr_array_remove_index(argv, argv->len - 1);
	if (process == NULL) {
		g_set_error(error, CT_ERROR,
			    g_error_matches(error_local, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)
				? CT_ERROR_NOT_FOUND
				: CT_ERROR_FAILED,
			    "cannot run %s: %s", program, error_local->message);
		return FALSE;
	}
	if (!g_subprocess_communicate(process, input, NULL, &out, &err, &error_local)) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot run %s: %s", program,
			    error_local->message);
		return FALSE;
	}
	err_text = ct_system_store_bytes_to_text(err);
	if (g_subprocess_get_if_signaled(process)) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s was killed by signal %d%s%s",
			    program, g_subprocess_get_term_sig(process),
			    err_text[0] != '\0' ? ": " : "", err_text);
		return FALSE;
	}
	if (g_subprocess_get_exit_status(process) != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s failed with exit status %d%s%s",
			    program, g_subprocess_get_exit_status(process),
			    err_text[0] != '\0' ? ": " : "", err_text);
		return FALSE;
	}
	if (stdout_text != NULL)
		*stdout_text = ct_system_store_bytes_to_text(out);
	return TRUE;
}

/* rebuild the store from its anchors; the non-Debian tools cannot work on a sysroot;
 * update-ca-certificates only prints "E: HOOK exited with code N." for a failed hook and
 * exits 0: that line (without its full stop) comes back in *hook_failure, not as an error,
 * so that the caller can finish its work first */
static gboolean
ct_system_store_refresh(const gchar *sysroot,
			CtSysrootJail *jail,
			CtSystemStoreKind kind,
			const gchar *anchor_path,
			gchar **hook_failure,
			GError **error)
{
	g_autofree gchar *tool = NULL;
	g_autofree gchar *out = NULL;
	g_autoptr(GPtrArray) argv = NULL;
	g_auto(GStrv) lines = NULL;

	if (kind != CT_SYSTEM_STORE_DEBIAN && !ct_system_store_is_host(sysroot))
		return TRUE;
	tool = ct_system_store_find_tool(ct_system_store_get_tool_name(kind), error);
	if (tool == NULL) {
		g_prefix_error(error,
			       "cannot refresh the system trust store for %s: ", anchor_path);
		return FALSE;
	}
	argv = ct_system_store_get_refresh_argv(sysroot, kind, tool, FALSE);
	if (!ct_system_store_run(jail, argv, NULL, &out, error)) {
		g_prefix_error(error, "refreshing the system trust store for %s: ", anchor_path);
		return FALSE;
	}
	if (kind != CT_SYSTEM_STORE_DEBIAN)
		return TRUE;
	lines = g_strsplit(out, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		gchar *line = g_strstrip(lines[i]);
		gsize len = strlen(line);

		if (!g_str_has_prefix(line, "E: "))
			continue;
		if (len > 0 && line[len - 1] == '.')
			line[len - 1] = '\0';
		*hook_failure = g_strdup(line + 3);
		break;
	}
	return TRUE;
}

gboolean
ct_system_store_unlink(const gchar *path, gboolean *removed, GError **error)
{
	*removed = FALSE;
	if (g_unlink(path) != 0) {
		gint errsv = errno;
		if (errsv == ENOENT)
			return TRUE;
		g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv),
			    "cannot remove %s: %s", path, g_strerror(errsv));
		return FALSE;
	}
	*removed = TRUE;
	return TRUE;
}

/* for a --sysroot tree, the jail its tools run in; it checks first that the anchor's
 * directory and (on Debian) /etc/ssl/certs lead to real directories inside the tree, so
 * that nothing is written outside it through a symlink; NULL without error for the host */
static gboolean
ct_system_store_open_jail(const gchar *sysroot,
			  CtSystemStoreKind kind,
			  const gchar *anchor_path,
			  CtSysrootJail **jail,
			  GError **error)
{
	g_autofree gchar *root = ct_system_store_canonical_sysroot(sysroot);
	g_autofree gchar *dir = g_path_get_dirname(anchor_path);
	g_autofree gchar *prefix = g_strconcat(root, G_DIR_SEPARATOR_S, NULL);
	const gchar *writable[] = {NULL, NULL, NULL};

	*jail = NULL;
	if (ct_system_store_is_host(sysroot))
		return TRUE;
	if (!g_str_has_prefix(dir, prefix)) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED, "%s is not inside the tree %s",
			    anchor_path, root);
		return FALSE;
	}
	writable[0] = dir + strlen(prefix);
	if (kind == CT_SYSTEM_STORE_DEBIAN)
		writable[1] = CT_SYSTEM_STORE_DEBIAN_ETC_CERTS_DIR;
	*jail = ct_sysroot_jail_new(root, writable, error);
	return *jail != NULL;
}

/* the arguments of an install or a removal checked, the anchor's canonical path and the
 * jail for its tools (NULL for the host) to make the change with */
static gboolean
ct_system_store_prepare(const gchar *sysroot,
			CtSystemStoreKind kind,
			const gchar *anchor_path,
			gboolean install,
			gchar **path,
			CtSysrootJail **jail,
			GError **error)
{
	if (!ct_system_store_check_args(sysroot, kind, anchor_path, install, error))
		return FALSE;
	*path = g_canonicalize_filename(anchor_path, NULL);
	return ct_system_store_open_jail(sysroot, kind, *path, jail, error);
}

/* a refresh hook that failed fails the change it refreshed, naming the anchor */
static gboolean
ct_system_store_check_hooks(const gchar *path, const gchar *hook_failure, GError **error)
{
	if (hook_failure == NULL)
		return TRUE;
	g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
		    "refreshing the system trust store for %s: %s", path, hook_failure);
	return FALSE;
}

gboolean
ct_system_store_install(const gchar *sysroot,
			CtSystemStoreKind kind,
			const gchar *anchor_path,
			GBytes *der,
			gboolean *changed,
			GError **error)
{
	g_autoptr(GBytes) contents = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *hook_failure = NULL;
	g_autoptr(CtSysrootJail) jail = NULL;
	gboolean same = FALSE;

	g_return_val_if_fail(anchor_path != NULL, FALSE);
	g_return_val_if_fail(der != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (changed != NULL)
		*changed = FALSE;
	if (!ct_system_store_prepare(sysroot, kind, anchor_path, TRUE, &path, &jail, error))
		return FALSE;
	contents = ct_system_store_encode_anchor(der);
	if (!ct_system_store_has_contents(path, contents, &same, error))
		return FALSE;

	/* on Debian the link shows that a refresh saw the file: without it, refresh again */
	if (same && kind != CT_SYSTEM_STORE_DEBIAN)
		return TRUE;
	if (same && ct_system_store_debian_is_linked(sysroot, path))
		return TRUE;
	if (!same && !ct_save_file(path, contents, 0644, CT_SAVE_FLAG_REPLACE, error))
		return FALSE;
	if (changed != NULL)
		*changed = TRUE;
	if (!ct_system_store_refresh(sysroot, jail, kind, path, &hook_failure, error))
		return FALSE;
	return ct_system_store_check_hooks(path, hook_failure, error);
}

gboolean
ct_system_store_remove(const gchar *sysroot,
		       CtSystemStoreKind kind,
		       const gchar *anchor_path,
		       gboolean *changed,
		       GError **error)
{
	g_autofree gchar *path = NULL;
	g_autofree gchar *link_path = NULL;
	g_autofree gchar *hook_failure = NULL;
	g_autofree gchar *pem = NULL;
	g_autoptr(CtSysrootJail) jail = NULL;
	gboolean removed = FALSE;
	gboolean gap = FALSE;

	g_return_val_if_fail(anchor_path != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (changed != NULL)
		*changed = FALSE;
	if (!ct_system_store_prepare(sysroot, kind, anchor_path, FALSE, &path, &jail, error))
		return FALSE;
	/* what the bundle holds of it, to make sure it goes from there too */
	if (kind == CT_SYSTEM_STORE_DEBIAN && !g_file_test(path, G_FILE_TEST_IS_SYMLINK))
		g_file_get_contents(path, &pem, NULL, NULL);
	if (!ct_system_store_unlink(path, &removed, error))
		return FALSE;

	/* pitfall 12: update-ca-certificates leaves the links of a deleted file behind */
	if (kind == CT_SYSTEM_STORE_DEBIAN &&
	    !ct_system_store_debian_remove_links(sysroot, path, &link_path, &gap, error))
		return FALSE;
	if (!removed && link_path == NULL)
		return TRUE;
	if (changed != NULL)
		*changed = TRUE;
	if (gap && !ct_system_store_debian_rehash(sysroot, jail, error)) {
		g_prefix_error(error, "removing %s: ", path);
		return FALSE;
	}
	if (!ct_system_store_refresh(sysroot, jail, kind, path, &hook_failure, error))
		return FALSE;
	if (kind == CT_SYSTEM_STORE_DEBIAN &&
	    !ct_system_store_debian_drop_from_bundle(sysroot, pem, error))
		return FALSE;
	if (link_path != NULL && !ct_system_store_debian_run_hooks(sysroot, jail, link_path, error))
		return FALSE;
	return ct_system_store_check_hooks(path, hook_failure, error);
}
