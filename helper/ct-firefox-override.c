/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFirefox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-firefox.h"
#include "ct-hostname.h"
#include "ct-save.h"
#include "ct-source.h"

#define CT_FIREFOX_OVERRIDE_FILE "cert_override.txt"
#define CT_FIREFOX_SHA256_OID "OID.2.16.840.1.101.3.4.2.1"
/* what Firefox writes at the top of a new file (two spaces after the '!') */
#define CT_FIREFOX_OVERRIDE_HEADER                   \
	"# PSM Certificate Override Settings file\n" \
	"# This is a generated file!  Do not edit.\n"
/* Firefox's own mode for the file */
#define CT_FIREFOX_OVERRIDE_MODE 0600
/* 32 bytes as "AB:" ... "EF" */
#define CT_FIREFOX_SHA256_TEXT_LEN (32 * 3 - 1)
/* no real profiles.ini or cert_override.txt comes near this */
#define CT_FIREFOX_FILE_MAX (16 * 1024 * 1024)

/* one line of cert_override.txt; host is NULL for a line Firefox would not load */
typedef struct {
	gchar *text; /* the bytes as in the file, without the '\n' */
	gsize len;
	gboolean newline;    /* the line ended with '\n' (the last one may not) */
	gchar *host;	     /* without the brackets of an IPv6 address */
	guint port;	     /* 1 to 65535 */
	gboolean attributes; /* originAttributes present (private browsing, containers) */
	gchar *fingerprint;  /* the third field, as written */
} CtFirefoxLine;

static void
ct_firefox_line_free(CtFirefoxLine *line)
{
	if (line == NULL)
		return;
	g_free(line->text);
	g_free(line->host);
	g_free(line->fingerprint);
	g_free(line);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFirefoxLine, ct_firefox_line_free)

void
ct_firefox_profile_free(CtFirefoxProfile *profile)
{
	if (profile == NULL)
		return;
	g_free(profile->name);
	g_free(profile->path);
	g_free(profile->ini);
	g_free(profile);
}

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
			return TRUE;
		if (data->len + (gsize)got > CT_FIREFOX_FILE_MAX) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "%s is larger than %u bytes", path, (guint)CT_FIREFOX_FILE_MAX);
			return FALSE;
		}
		g_string_append_len(data, buf, got);
	}
}

static GBytes *
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

/* realpath() with g_free()able memory; NULL when the path does not resolve */
static gchar *
ct_firefox_realpath(const gchar *path)
{
	char *resolved = realpath(path, NULL);
	gchar *copy;

	if (resolved == NULL)
		return NULL;
	copy = g_strdup(resolved);
	free(resolved);
	return copy;
}

GPtrArray *
ct_firefox_get_ini_dirs(const gchar *home, const gchar *xdg_config_home)
{
	g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *config = NULL;
	g_autofree gchar *flatpak = NULL;

	g_return_val_if_fail(home != NULL, NULL);

	/* the XDG base directory spec says a relative value is to be ignored */
	if (xdg_config_home != NULL && g_path_is_absolute(xdg_config_home))
		config = g_strdup(xdg_config_home);
	else
		config = g_build_filename(home, ".config", NULL);
	flatpak = g_build_filename(home, ".var", "app", "org.mozilla.firefox", NULL);

	/* Firefox up to 146, and later ones that find it there */
	g_ptr_array_add(dirs, g_build_filename(home, ".mozilla", "firefox", NULL));
	/* Firefox 147+ when ~/.mozilla does not exist */
	g_ptr_array_add(dirs, g_build_filename(config, "mozilla", "firefox", NULL));
	g_ptr_array_add(dirs, g_build_filename(home, "snap", "firefox", "common", ".mozilla",
					       "firefox", NULL));
	g_ptr_array_add(dirs, g_build_filename(flatpak, ".mozilla", "firefox", NULL));
	g_ptr_array_add(dirs, g_build_filename(flatpak, ".config", "mozilla", "firefox", NULL));
	/* flatpak sets XDG_CONFIG_HOME to the app's config/ for Firefox 147+ */
	g_ptr_array_add(dirs, g_build_filename(flatpak, "config", "mozilla", "firefox", NULL));
	return g_steal_pointer(&dirs);
}

/* a Path= or Default= value as an absolute, canonical path; NULL when it cannot be one */
static gchar *
ct_firefox_resolve_profile_path(const gchar *ini_dir, const gchar *value, gboolean is_relative)
{
	g_autofree gchar *joined = NULL;

	if (value == NULL || value[0] == '\0')
		return NULL;
	if (!is_relative)
		return g_path_is_absolute(value) ? g_canonicalize_filename(value, NULL) : NULL;
	joined = g_build_filename(ini_dir, value, NULL);
	return g_canonicalize_filename(joined, NULL);
}

/* the real paths of the profiles that [Install...] sections name as their default */
static GHashTable *
ct_firefox_get_install_defaults(GKeyFile *keyfile, const gchar *ini_dir, gchar **groups)
{
	g_autoptr(GHashTable)
	    defaults = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; groups[i] != NULL; i++) {
		g_autofree gchar *value = NULL;
		g_autofree gchar *path = NULL;
		gchar *real;

		if (!g_str_has_prefix(groups[i], "Install"))
			continue;
		value = g_key_file_get_value(keyfile, groups[i], "Default", NULL);
		if (value == NULL)
			continue;
		/* the value is relative to the ini's directory unless it is absolute */
		path = ct_firefox_resolve_profile_path(ini_dir, value, !g_path_is_absolute(value));
		real = path != NULL ? ct_firefox_realpath(path) : NULL;
		if (real != NULL)
			g_hash_table_add(defaults, real);
	}
	return g_steal_pointer(&defaults);
}

/* [ProfileN] sections; Firefox itself stops at the first gap in N, this takes them all */
static gboolean
ct_firefox_group_is_profile(const gchar *group)
{
	const gchar *digits = group + strlen("Profile");

	if (!g_str_has_prefix(group, "Profile") || *digits == '\0')
		return FALSE;
	for (; *digits != '\0'; digits++) {
		if (!g_ascii_isdigit(*digits))
			return FALSE;
	}
	return TRUE;
}

/* one [ProfileN] section: added to profiles unless its directory is missing or was
 * listed already (then only its default flag is merged) */
static void
ct_firefox_add_profile(GKeyFile *keyfile,
		       const gchar *group,
		       const gchar *ini,
		       const gchar *ini_dir,
		       GHashTable *install_defaults,
		       GPtrArray *profiles,
		       GHashTable *seen)
{
	g_autofree gchar *value = NULL;
	g_autofree gchar *relative = NULL;
	g_autofree gchar *default_value = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *real = NULL;
	g_autoptr(CtFirefoxProfile) profile = NULL;
	CtFirefoxProfile *listed;
	gboolean is_relative;
	gboolean is_default;

	value = g_key_file_get_value(keyfile, group, "Path", NULL);
	if (value == NULL) {
		g_debug("%s: [%s] has no Path: skipped", ini, group);
		return;
	}
	/* raw values: Firefox's ini parser knows no escapes, GKeyFile's strings do */
	relative = g_key_file_get_value(keyfile, group, "IsRelative", NULL);
	if (relative != NULL)
		is_relative = g_strcmp0(g_strstrip(relative), "0") != 0;
	else
		is_relative = !g_path_is_absolute(value);
	path = ct_firefox_resolve_profile_path(ini_dir, value, is_relative);
	if (path == NULL) {
		g_debug("%s: [%s] Path=%s is not absolute: skipped", ini, group, value);
		return;
	}
	/* a missing profile is not listed: Firefox would create it empty, and there is
	 * nothing to trust into yet */
	real = ct_firefox_realpath(path);
	if (real == NULL || !g_file_test(real, G_FILE_TEST_IS_DIR)) {
		g_debug("%s: profile %s does not exist: skipped", ini, path);
		return;
	}
	default_value = g_key_file_get_value(keyfile, group, "Default", NULL);
	is_default = (default_value != NULL && g_strcmp0(g_strstrip(default_value), "1") == 0) ||
		     g_hash_table_contains(install_defaults, real);

	/* the same directory through a symlink or a second profiles.ini: listed once */
	listed = g_hash_table_lookup(seen, real);
	if (listed != NULL) {
		listed->is_default = listed->is_default || is_default;
		return;
	}
	profile = g_new0(CtFirefoxProfile, 1);
	profile->name = g_key_file_get_value(keyfile, group, "Name", NULL);
	if (profile->name == NULL)
		profile->name = g_strdup(group);
	profile->path = g_steal_pointer(&path);
	profile->ini = g_strdup(ini);
	profile->is_default = is_default;
	g_hash_table_insert(seen, g_steal_pointer(&real), profile);
	g_ptr_array_add(profiles, g_steal_pointer(&profile));
}

/* the profiles of one profiles.ini; a missing file is no error */
static gboolean
ct_firefox_load_ini(const gchar *ini_dir, GPtrArray *profiles, GHashTable *seen, GError **error)
{
	g_autofree gchar *ini = g_build_filename(ini_dir, "profiles.ini", NULL);
	g_autoptr(GKeyFile) keyfile = g_key_file_new();
	g_autoptr(GBytes) contents = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GHashTable) install_defaults = NULL;
	g_auto(GStrv) groups = NULL;
	gsize len = 0;
	const gchar *data;

	contents = ct_firefox_read_file(ini, &error_local);
	if (contents == NULL) {
		if (g_error_matches(error_local, CT_ERROR, CT_ERROR_NOT_FOUND))
			return TRUE;
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	data = g_bytes_get_data(contents, &len);
	if (!g_key_file_load_from_data(keyfile, data != NULL ? data : "", len, G_KEY_FILE_NONE,
				       &error_local)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "%s is malformed: %s", ini,
			    error_local->message);
		return FALSE;
	}
	groups = g_key_file_get_groups(keyfile, NULL);
	install_defaults = ct_firefox_get_install_defaults(keyfile, ini_dir, groups);
	for (guint i = 0; groups[i] != NULL; i++) {
		if (ct_firefox_group_is_profile(groups[i]))
			ct_firefox_add_profile(keyfile, groups[i], ini, ini_dir, install_defaults,
					       profiles, seen);
	}
	return TRUE;
}

/* a malformed or unreadable profiles.ini fails the whole call: a partial list would
 * let a caller believe it trusted "every profile" when it did not */
GPtrArray *
ct_firefox_find_profiles(const gchar *home, const gchar *xdg_config_home, GError **error)
{
	g_autoptr(GPtrArray) dirs = NULL;
	g_autoptr(GPtrArray) profiles = NULL;
	g_autoptr(GHashTable) seen = NULL;
	g_autoptr(GHashTable) seen_dirs = NULL;

	g_return_val_if_fail(home != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	dirs = ct_firefox_get_ini_dirs(home, xdg_config_home);
	profiles = g_ptr_array_new_with_free_func((GDestroyNotify)ct_firefox_profile_free);
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	seen_dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < dirs->len; i++) {
		const gchar *dir = g_ptr_array_index(dirs, i);
		gchar *real = ct_firefox_realpath(dir);

		/* absent, or the same directory as one before (~/.mozilla a symlink) */
		if (real == NULL)
			continue;
		if (!g_hash_table_add(seen_dirs, real))
			continue;
		if (!ct_firefox_load_ini(dir, profiles, seen, error))
			return NULL;
	}
	return g_steal_pointer(&profiles);
}

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

/* uppercase hex bytes joined by ':', as NSS prints them and Firefox compares them */
static gboolean
ct_firefox_fingerprint_is_valid(const gchar *sha256)
{
	if (strlen(sha256) != CT_FIREFOX_SHA256_TEXT_LEN)
		return FALSE;
	for (guint i = 0; i < CT_FIREFOX_SHA256_TEXT_LEN; i++) {
		if (i % 3 == 2) {
			if (sha256[i] != ':')
				return FALSE;
		} else if (!g_ascii_isdigit(sha256[i]) && (sha256[i] < 'A' || sha256[i] > 'F')) {
			return FALSE;
		}
	}
	return TRUE;
}

static gchar *
ct_firefox_format_line(const gchar *host, guint port, const gchar *sha256)
{
	g_autofree gchar *host_port = ct_source_format_host_port(host, port);
	return g_strdup_printf("%s:\t%s\t%s\t", host_port, CT_FIREFOX_SHA256_OID, sha256);
}

/* the normalized host, or an error naming what is wrong with the arguments */
static gchar *
ct_firefox_check_args(const gchar *host, guint16 port, const gchar *sha256, GError **error)
{
	/* Firefox keys a host as the one canonical form: lower case, punycode, IPv6 compressed */
	g_autofree gchar *normalized = ct_hostname_canonical(host, error);

	if (normalized == NULL)
		return NULL;
	if (port == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "port 0 of %s is not valid",
			    host);
		return NULL;
	}
	if (!ct_firefox_fingerprint_is_valid(sha256)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "'%s' is not a SHA-256 fingerprint in upper-case hex with colons",
			    sha256);
		return NULL;
	}
	return g_steal_pointer(&normalized);
}

/* NULL when host, port or fingerprint is not valid (the add and remove calls say why) */
gchar *
ct_firefox_override_line(const gchar *host, guint16 port, const gchar *sha256)
{
	g_autofree gchar *normalized = NULL;

	g_return_val_if_fail(host != NULL, NULL);
	g_return_val_if_fail(sha256 != NULL, NULL);

	normalized = ct_firefox_check_args(host, port, sha256, NULL);
	if (normalized == NULL)
		return NULL;
	return ct_firefox_format_line(normalized, port, sha256);
}

/* the end of a token: the next space, tab or the end of the line */
static const gchar *
ct_firefox_skip_token(const gchar *p)
{
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static const gchar *
ct_firefox_skip_white(const gchar *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* parse text as Firefox's nsCertOverrideService::Read does: "host:port:attributes" or
 * the older "host:port", whitespace, the SHA-256 OID, whitespace, the fingerprint and
 * whitespace after it (anything further is the old bits and dbKey, ignored); comments,
 * blank and malformed lines leave line->host NULL */
static void
ct_firefox_parse_line(CtFirefoxLine *line, const gchar *text)
{
	g_autofree gchar *host = NULL;
	const gchar *p = text;
	const gchar *end;
	guint port = 0;
	gboolean attributes = FALSE;

	if (*p == '\0' || *p == '#')
		return;
	if (*p == '[') {
		end = strchr(p + 1, ']');
		if (end == NULL || end == p + 1 || end[1] != ':')
			return;
		host = g_strndup(p + 1, end - p - 1);
		p = end + 2;
	} else {
		end = strchr(p, ':');
		if (end == NULL || end == p)
			return;
		host = g_strndup(p, end - p);
		p = end + 1;
	}
	if (!g_ascii_isdigit(*p))
		return;
	for (; g_ascii_isdigit(*p); p++) {
		port = port * 10 + (guint)(*p - '0');
		if (port > G_MAXUINT16)
			return;
	}
	if (port == 0)
		return;
	if (*p == ':') {
		end = ct_firefox_skip_token(p + 1);
		attributes = end != p + 1;
		p = end;
	}
	if (*p != ' ' && *p != '\t')
		return;
	p = ct_firefox_skip_white(p);
	end = ct_firefox_skip_token(p);
	if ((gsize)(end - p) != strlen(CT_FIREFOX_SHA256_OID) ||
	    strncmp(p, CT_FIREFOX_SHA256_OID, end - p) != 0 || *end == '\0')
		return;
	p = ct_firefox_skip_white(end);
	end = ct_firefox_skip_token(p);
	/* Firefox needs a delimiter after the fingerprint */
	if (end == p || *end == '\0')
		return;
	line->fingerprint = g_strndup(p, end - p);
	line->host = g_steal_pointer(&host);
	line->port = port;
	line->attributes = attributes;
}

static CtFirefoxLine *
ct_firefox_line_new(const gchar *text, gsize len, gboolean newline)
{
	g_autoptr(CtFirefoxLine) line = g_new0(CtFirefoxLine, 1);
	g_autofree gchar *parsed = NULL;
	gsize parsed_len = len;

	line->text = g_memdup2(text, len);
	line->len = len;
	line->newline = newline;
	/* a NUL byte: certainly not a line Firefox loads, but kept as it is */
	if (memchr(text, '\0', len) != NULL)
		return g_steal_pointer(&line);
	if (parsed_len > 0 && text[parsed_len - 1] == '\r')
		parsed_len--;
	parsed = g_strndup(text, parsed_len);
	ct_firefox_parse_line(line, parsed);
	return g_steal_pointer(&line);
}

/* does this line set the override Firefox uses for host:port in a normal window? */
static gboolean
ct_firefox_line_is_for(const CtFirefoxLine *line, const gchar *host, guint port)
{
	return line->host != NULL && !line->attributes && line->port == port &&
	       strcmp(line->host, host) == 0;
}

/* the lines of contents, every byte kept */
static GPtrArray *
ct_firefox_split_lines(GBytes *contents)
{
	g_autoptr(GPtrArray)
	    lines = g_ptr_array_new_with_free_func((GDestroyNotify)ct_firefox_line_free);
	gsize len = 0;
	const gchar *data = g_bytes_get_data(contents, &len);
	gsize start = 0;

	while (start < len) {
		const gchar *newline = memchr(data + start, '\n', len - start);
		gsize end = newline != NULL ? (gsize)(newline - data) : len;

		g_ptr_array_add(lines,
				ct_firefox_line_new(data + start, end - start, newline != NULL));
		start = end + 1;
	}
	return g_steal_pointer(&lines);
}

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

static gboolean
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

static gboolean
ct_firefox_refuse_if_running(const gchar *profile_dir, GError **error)
{
	if (!ct_firefox_profile_is_running(profile_dir))
		return TRUE;
	g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
		    "Firefox is running on %s: close it and run again", profile_dir);
	return FALSE;
}

/* write lines back, atomically, mode 0600; the header only for a new file */
static gboolean
ct_firefox_lines_are_only_header(GPtrArray *lines)
{
	g_autoptr(GString) text = g_string_new(NULL);
	for (guint i = 0; i < lines->len; i++) {
		const CtFirefoxLine *line = g_ptr_array_index(lines, i);
		g_string_append_len(text, line->text, (gssize)line->len);
		if (line->newline)
			g_string_append_c(text, '\n');
	}
	return g_strcmp0(text->str, CT_FIREFOX_OVERRIDE_HEADER) == 0;
}

static gboolean
ct_firefox_write_overrides(const gchar *path, GPtrArray *lines, gboolean exists, GError **error)
{
	g_autoptr(GString) data = g_string_new(exists ? NULL : CT_FIREFOX_OVERRIDE_HEADER);
	g_autoptr(GBytes) contents = NULL;

	for (guint i = 0; i < lines->len; i++) {
		const CtFirefoxLine *line = g_ptr_array_index(lines, i);
		g_string_append_len(data, line->text, line->len);
		if (line->newline)
			g_string_append_c(data, '\n');
	}
	contents = g_string_free_to_bytes(g_steal_pointer(&data));
	/* create-if-absent for a new file: never clobber one that appeared meanwhile */
	return ct_save_file(path, contents, CT_FIREFOX_OVERRIDE_MODE,
			    exists ? CT_SAVE_FLAG_REPLACE : CT_SAVE_FLAG_NONE, error);
}

/* the line as text without its line end, for *replaced */
static gchar *
ct_firefox_line_get_text(const CtFirefoxLine *line)
{
	gsize len = line->len;

	if (len > 0 && line->text[len - 1] == '\r')
		len--;
	return g_strndup(line->text, len);
}

/* the lines of the profile's cert_override.txt for a change to host:port's exception for
 * sha256, after checking the arguments and the profile; the normalised host and the file's
 * path come back for the change */
static GPtrArray *
ct_firefox_open_overrides(const gchar *profile_dir,
			  const gchar *host,
			  guint16 port,
			  const gchar *sha256,
			  gchar **normalized,
			  gchar **path,
			  gboolean *exists,
			  GError **error)
{
	*normalized = ct_firefox_check_args(host, port, sha256, error);
	if (*normalized == NULL)
		return NULL;
	if (!ct_firefox_check_profile_dir(profile_dir, error))
		return NULL;
	*path = g_build_filename(profile_dir, CT_FIREFOX_OVERRIDE_FILE, NULL);
	return ct_firefox_read_overrides(*path, exists, error);
}

/* a no-op (the line is there) succeeds even while Firefox runs: Firefox loaded it, since
 * the file only ever holds what Firefox had in memory or what was written while it was
 * stopped; a legacy "host:port" line without the ':' is the same override and is
 * replaced like the current form; lines with originAttributes are never touched */
static gboolean
ct_firefox_override_add_locked(const gchar *profile_dir,
			       const gchar *host,
			       guint16 port,
			       const gchar *sha256,
			       gboolean *changed,
			       gchar **replaced,
			       GError **error)
{
	g_autofree gchar *normalized = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *replaced_local = NULL;
	g_autoptr(GPtrArray) lines = NULL;
	gboolean exists = FALSE;
	gboolean present = FALSE;
	guint insert_at = G_MAXUINT;

	g_return_val_if_fail(profile_dir != NULL, FALSE);
	g_return_val_if_fail(host != NULL, FALSE);
	g_return_val_if_fail(sha256 != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (changed != NULL)
		*changed = FALSE;
	if (replaced != NULL)
		*replaced = NULL;
	lines = ct_firefox_open_overrides(profile_dir, host, port, sha256, &normalized, &path,
					  &exists, error);
	if (lines == NULL)
		return FALSE;

	/* Firefox keeps the last line of a key: ours must be the only fingerprint left */
	for (guint i = 0; i < lines->len;) {
		const CtFirefoxLine *line = g_ptr_array_index(lines, i);
		if (!ct_firefox_line_is_for(line, normalized, port)) {
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
	if (!ct_firefox_refuse_if_running(profile_dir, error))
		return FALSE;

	if (!present) {
		g_autofree gchar *text = ct_firefox_format_line(normalized, port, sha256);
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
	if (!ct_firefox_write_overrides(path, lines, exists, error))
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
ct_firefox_override_remove_locked(const gchar *profile_dir,
				  const gchar *host,
				  guint16 port,
				  const gchar *sha256,
				  gboolean *changed,
				  GError **error)
{
	g_autofree gchar *normalized = NULL;
	g_autofree gchar *path = NULL;
	g_autoptr(GPtrArray) lines = NULL;
	gboolean exists = FALSE;
	gboolean removed = FALSE;

	g_return_val_if_fail(profile_dir != NULL, FALSE);
	g_return_val_if_fail(host != NULL, FALSE);
	g_return_val_if_fail(sha256 != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (changed != NULL)
		*changed = FALSE;
	lines = ct_firefox_open_overrides(profile_dir, host, port, sha256, &normalized, &path,
					  &exists, error);
	if (lines == NULL)
		return FALSE;
	for (guint i = 0; i < lines->len;) {
		const CtFirefoxLine *line = g_ptr_array_index(lines, i);
		if (ct_firefox_line_is_for(line, normalized, port) &&
		    strcmp(line->fingerprint, sha256) == 0) {
			g_ptr_array_remove_index(lines, i);
			removed = TRUE;
			continue;
		}
		i++;
	}
	if (!removed)
		return TRUE;
	if (!ct_firefox_refuse_if_running(profile_dir, error))
		return FALSE;
	/* only the header we write is left: the file goes, as it was before the first add */
	if (ct_firefox_lines_are_only_header(lines)) {
		if (g_unlink(path) != 0) {
			gint errsv = errno;
			g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
				    "cannot remove %s: %s", path, g_strerror(errsv));
			return FALSE;
		}
	} else if (!ct_firefox_write_overrides(path, lines, exists, error)) {
		return FALSE;
	}
	if (changed != NULL)
		*changed = TRUE;
	return TRUE;
}

/* one certtrust at a time reads, changes and replaces a profile's cert_override.txt (each
 * with its own ledger, so the ledger's lock does not cover it): an exclusive flock on the
 * profile directory itself, which leaves no lock file in the user's profile; held until
 * the descriptor is closed; -1 with error */
static gint
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

gboolean
ct_firefox_override_add(const gchar *profile_dir,
			const gchar *host,
			guint16 port,
			const gchar *sha256,
			gboolean *changed,
			gchar **replaced,
			GError **error)
{
	gint lock;
	gboolean ok;

	g_return_val_if_fail(profile_dir != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (changed != NULL)
		*changed = FALSE;
	if (replaced != NULL)
		*replaced = NULL;
	lock = ct_firefox_lock_overrides(profile_dir, error);
	if (lock < 0)
		return FALSE;
	ok = ct_firefox_override_add_locked(profile_dir, host, port, sha256, changed, replaced,
					    error);
	close(lock);
	return ok;
}

gboolean
ct_firefox_override_remove(const gchar *profile_dir,
			   const gchar *host,
			   guint16 port,
			   const gchar *sha256,
			   gboolean *changed,
			   GError **error)
{
	gint lock;
	gboolean ok;

	g_return_val_if_fail(profile_dir != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (changed != NULL)
		*changed = FALSE;
	lock = ct_firefox_lock_overrides(profile_dir, error);
	if (lock < 0)
		return FALSE;
	ok = ct_firefox_override_remove_locked(profile_dir, host, port, sha256, changed, error);
	close(lock);
	return ok;
}

gboolean
ct_firefox_override_restore(const gchar *profile_dir,
			    const gchar *host,
			    guint16 port,
			    const gchar *sha256,
			    const gchar *previous_sha256,
			    gboolean *changed,
			    GError **error)
{
	g_autofree gchar *normalized = NULL;
	g_autofree gchar *key = NULL;
	g_autoptr(GHashTable) overrides = NULL;
	gint lock;
	gboolean ok = TRUE;

	g_return_val_if_fail(profile_dir != NULL, FALSE);
	g_return_val_if_fail(previous_sha256 != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (changed != NULL)
		*changed = FALSE;
	normalized = ct_firefox_check_args(host, port, sha256, error);
	if (normalized == NULL)
		return FALSE;
	key = ct_source_format_host_port(normalized, port);
	lock = ct_firefox_lock_overrides(profile_dir, error);
	if (lock < 0)
		return FALSE;
	overrides = ct_firefox_override_list(profile_dir, error);
	if (overrides == NULL)
		ok = FALSE;
	else if (g_strcmp0(g_hash_table_lookup(overrides, key), sha256) == 0)
		ok = ct_firefox_override_add_locked(profile_dir, normalized, port, previous_sha256,
						    changed, NULL, error);
	close(lock);
	return ok;
}

/* the overrides a normal window uses: lines with originAttributes (private browsing,
 * containers) and fingerprints Firefox would never match (lower case, SHA-1) are left
 * out; for a host:port listed twice the last line wins, as in Firefox */
GHashTable *
ct_firefox_override_list(const gchar *profile_dir, GError **error)
{
	g_autofree gchar *path = NULL;
	g_autoptr(GPtrArray) lines = NULL;
	g_autoptr(GHashTable) overrides = NULL;
	gboolean exists = FALSE;

	g_return_val_if_fail(profile_dir != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!ct_firefox_check_profile_dir(profile_dir, error))
		return NULL;
	path = g_build_filename(profile_dir, CT_FIREFOX_OVERRIDE_FILE, NULL);
	lines = ct_firefox_read_overrides(path, &exists, error);
	if (lines == NULL)
		return NULL;
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
