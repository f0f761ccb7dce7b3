/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestFirefox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-firefox.h"
#include "ct-test.h"

#define OID "OID.2.16.840.1.101.3.4.2.1"
#define HEADER                                       \
	"# PSM Certificate Override Settings file\n" \
	"# This is a generated file!  Do not edit.\n"
#define FP_A                                                                                      \
	"A4:52:07:E8:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:FC:" \
	"E4:F2:10"
#define FP_B                                                                                      \
	"B0:B1:B2:B3:B4:B5:B6:B7:B8:B9:BA:BB:BC:BD:BE:BF:C0:C1:C2:C3:C4:C5:C6:C7:C8:C9:CA:CB:CC:" \
	"CD:CE:CF"
#define FP_C                                                                                      \
	"0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:0C:" \
	"0C:0C:0C"
#define LINE_A "ucm.example.com:8443:\t" OID "\t" FP_A "\t"

static gchar *ff_home = NULL;
/* a Firefox this test started, stopped in teardown when an assertion ends the test */
static GSubprocess *ff_firefox = NULL;

static void
ff_setup(void)
{
	ff_home = ct_test_tmpdir_new();
}

static void
ff_teardown(void)
{
	if (ff_firefox != NULL) {
		g_subprocess_send_signal(ff_firefox, SIGTERM);
		g_subprocess_wait(ff_firefox, NULL, NULL);
		g_clear_object(&ff_firefox);
	}
	ct_test_tmpdir_remove(ff_home);
	g_clear_pointer(&ff_home, g_free);
}

TestSuite(firefox, .init = ff_setup, .fini = ff_teardown, .timeout = 30);

/* a skipped test does not run .fini: clean up first */
static void
ff_skip_test(const gchar *reason)
{
	ff_teardown();
	cr_skip_test("%s", reason);
}

/* HOME/relative */
static gchar *
ff_path(const gchar *relative)
{
	return g_build_filename(ff_home, relative, NULL);
}

static void
ff_mkdir(const gchar *relative)
{
	g_autofree gchar *path = ff_path(relative);
	cr_assert_eq(g_mkdir_with_parents(path, 0700), 0, "mkdir %s: %s", path, g_strerror(errno));
}

/* HOME/relative with these bytes, parents created */
static void
ff_write_len(const gchar *relative, const gchar *contents, gssize len)
{
	g_autofree gchar *path = ff_path(relative);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	cr_assert_eq(g_mkdir_with_parents(dir, 0700), 0);
	cr_assert(g_file_set_contents(path, contents, len, &error), "%s", error->message);
}

static void
ff_write(const gchar *relative, const gchar *contents)
{
	ff_write_len(relative, contents, -1);
}

static gchar *
ff_read(const gchar *path, gsize *len)
{
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;

	cr_assert(g_file_get_contents(path, &contents, len, &error), "%s", error->message);
	return contents;
}

static void
ff_assert_file(const gchar *path, const gchar *expected, gsize expected_len)
{
	gsize len = 0;
	g_autofree gchar *contents = ff_read(path, &len);

	cr_assert_eq(len, expected_len, "%s: %zu bytes, wanted %zu:\n%s", path, len, expected_len,
		     contents);
	cr_assert_eq(memcmp(contents, expected, len), 0, "%s:\n%s\nwanted:\n%s", path, contents,
		     expected);
}

static GPtrArray *
ff_find(const gchar *xdg_config_home)
{
	g_autoptr(GError) error = NULL;
	GPtrArray *profiles = ct_firefox_find_profiles(ff_home, xdg_config_home, &error);

	cr_assert_not_null(profiles, "%s", error->message);
	return profiles;
}

static const CtFirefoxProfile *
ff_lookup(GPtrArray *profiles, const gchar *name)
{
	for (guint i = 0; i < profiles->len; i++) {
		const CtFirefoxProfile *profile = g_ptr_array_index(profiles, i);
		if (g_strcmp0(profile->name, name) == 0)
			return profile;
	}
	cr_assert_fail("no profile named %s among %u", name, profiles->len);
	return NULL;
}

/* the profile dir HOME/relative, created, and its cert_override.txt path */
static gchar *
ff_profile(const gchar *relative, gchar **override)
{
	ff_mkdir(relative);
	if (override != NULL)
		*override = g_build_filename(ff_home, relative, "cert_override.txt", NULL);
	return ff_path(relative);
}

static void
ff_add(const gchar *profile,
       const gchar *host,
       guint16 port,
       const gchar *sha256,
       gboolean expect_changed,
       gchar **replaced)
{
	g_autoptr(GError) error = NULL;
	gboolean changed = !expect_changed;

	cr_assert(ct_firefox_override_add(profile, &(CtFirefoxOverride){host, port, sha256},
					  &changed, replaced, &error),
		  "%s", error->message);
	cr_assert_eq(changed, expect_changed, "adding %s:%u: changed %d", host, port, changed);
}

static void
ff_remove(const gchar *profile,
	  const gchar *host,
	  guint16 port,
	  const gchar *sha256,
	  gboolean expect_changed)
{
	g_autoptr(GError) error = NULL;
	gboolean changed = !expect_changed;

	cr_assert(ct_firefox_override_remove(profile, &(CtFirefoxOverride){host, port, sha256},
					     &changed, &error),
		  "%s", error->message);
	cr_assert_eq(changed, expect_changed, "removing %s:%u: changed %d", host, port, changed);
}

/* a pid that certainly is not running: a child that has exited and been reaped */
static pid_t
ff_dead_pid(void)
{
	gint status = 0;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return pid;
}

static void
ff_make_lock(const gchar *profile, const gchar *target)
{
	g_autofree gchar *lock = g_build_filename(profile, "lock", NULL);
	cr_assert_eq(symlink(target, lock), 0, "symlink %s: %s", lock, g_strerror(errno));
}

Test(firefox, ini_dirs_cover_every_install)
{
	g_autoptr(GPtrArray) dirs = ct_firefox_get_ini_dirs("/home/u", NULL);
	const gchar *expected[] = {
	    "/home/u/.mozilla/firefox",
	    "/home/u/.config/mozilla/firefox",
	    "/home/u/snap/firefox/common/.mozilla/firefox",
	    "/home/u/.var/app/org.mozilla.firefox/.mozilla/firefox",
	    "/home/u/.var/app/org.mozilla.firefox/.config/mozilla/firefox",
	    "/home/u/.var/app/org.mozilla.firefox/config/mozilla/firefox",
	};

	cr_assert_eq(dirs->len, G_N_ELEMENTS(expected));
	for (guint i = 0; i < dirs->len; i++)
		cr_assert_str_eq(g_ptr_array_index(dirs, i), expected[i]);
}

Test(firefox, ini_dirs_honour_an_absolute_xdg_config_home_only)
{
	g_autoptr(GPtrArray) dirs = ct_firefox_get_ini_dirs("/home/u", "/cfg");
	g_autoptr(GPtrArray) relative = ct_firefox_get_ini_dirs("/home/u", "cfg");
	g_autoptr(GPtrArray) empty = ct_firefox_get_ini_dirs("/home/u", "");

	cr_assert_str_eq(g_ptr_array_index(dirs, 1), "/cfg/mozilla/firefox");
	cr_assert_str_eq(g_ptr_array_index(relative, 1), "/home/u/.config/mozilla/firefox");
	cr_assert_str_eq(g_ptr_array_index(empty, 1), "/home/u/.config/mozilla/firefox");
}

Test(firefox, no_profiles_ini_is_an_empty_list)
{
	g_autoptr(GPtrArray) profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 0);
}

Test(firefox, relative_profile_is_found_next_to_its_ini)
{
	g_autoptr(GPtrArray) profiles = NULL;
	g_autofree gchar *dir = ff_path(".mozilla/firefox/abcd.default-release");
	g_autofree gchar *ini = ff_path(".mozilla/firefox/profiles.ini");
	const CtFirefoxProfile *profile;

	ff_mkdir(".mozilla/firefox/abcd.default-release");
	ff_write(".mozilla/firefox/profiles.ini", "[Profile0]\n"
						  "Name=default-release\n"
						  "IsRelative=1\n"
						  "Path=abcd.default-release\n"
						  "\n"
						  "[General]\n"
						  "StartWithLastProfile=1\n"
						  "Version=2\n");
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 1);
	profile = ff_lookup(profiles, "default-release");
	cr_assert_str_eq(profile->path, dir);
	cr_assert_str_eq(profile->ini, ini);
	cr_assert_not(profile->is_default);
}

Test(firefox, absolute_profile_is_honoured)
{
	g_autoptr(GPtrArray) profiles = NULL;
	g_autofree gchar *dir = ff_path("elsewhere/work profile");
	g_autofree gchar *ini = NULL;
	const CtFirefoxProfile *profile;

	ff_mkdir("elsewhere/work profile");
	ini = g_strdup_printf("[Profile0]\nName=work\nIsRelative=0\nPath=%s\nDefault=1\n", dir);
	ff_write(".mozilla/firefox/profiles.ini", ini);
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 1);
	profile = ff_lookup(profiles, "work");
	cr_assert_str_eq(profile->path, dir);
	cr_assert(profile->is_default);
}

Test(firefox, absolute_flag_with_a_relative_path_is_skipped)
{
	g_autoptr(GPtrArray) profiles = NULL;

	ff_mkdir(".mozilla/firefox/rel");
	ff_write(".mozilla/firefox/profiles.ini", "[Profile0]\nName=x\nIsRelative=0\nPath=rel\n");
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 0);
}

Test(firefox, xdg_snap_and_flatpak_locations_are_searched)
{
	const gchar *dirs[] = {
	    "cfg/mozilla/firefox",
	    "snap/firefox/common/.mozilla/firefox",
	    ".var/app/org.mozilla.firefox/.mozilla/firefox",
	    ".var/app/org.mozilla.firefox/.config/mozilla/firefox",
	    ".var/app/org.mozilla.firefox/config/mozilla/firefox",
	};
	g_autofree gchar *xdg = ff_path("cfg");
	g_autoptr(GPtrArray) profiles = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree gchar *profile = g_strdup_printf("%s/p%u", dirs[i], i);
		g_autofree gchar *ini = g_strdup_printf("%s/profiles.ini", dirs[i]);
		g_autofree gchar *text =
		    g_strdup_printf("[Profile0]\nName=p%u\nIsRelative=1\nPath=p%u\n", i, i);
		ff_mkdir(profile);
		ff_write(ini, text);
	}
	profiles = ff_find(xdg);
	cr_assert_eq(profiles->len, G_N_ELEMENTS(dirs));
	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree gchar *name = g_strdup_printf("p%u", i);
		g_autofree gchar *relative = g_strdup_printf("%s/p%u", dirs[i], i);
		g_autofree gchar *ini_relative = g_strdup_printf("%s/profiles.ini", dirs[i]);
		g_autofree gchar *path = ff_path(relative);
		g_autofree gchar *ini = ff_path(ini_relative);
		const CtFirefoxProfile *profile = ff_lookup(profiles, name);
		cr_assert_str_eq(profile->path, path);
		cr_assert_str_eq(profile->ini, ini);
	}
}

Test(firefox, default_xdg_location_is_dot_config)
{
	g_autoptr(GPtrArray) profiles = NULL;

	ff_mkdir(".config/mozilla/firefox/x.default");
	ff_write(".config/mozilla/firefox/profiles.ini",
		 "[Profile0]\nName=xdg\nIsRelative=1\nPath=x.default\n");
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 1);
	ff_lookup(profiles, "xdg");
}

Test(firefox, same_directory_twice_is_listed_once)
{
	g_autoptr(GPtrArray) profiles = NULL;
	g_autofree gchar *real = ff_path("real-profile");
	g_autofree gchar *link = ff_path(".config/mozilla/firefox/linked");
	g_autofree gchar *ini = NULL;
	const CtFirefoxProfile *profile;

	ff_mkdir("real-profile");
	ff_mkdir(".config/mozilla/firefox");
	cr_assert_eq(symlink(real, link), 0);
	/* listed absolute in one ini, through a symlink and as the default in the other */
	ini = g_strdup_printf("[Profile0]\nName=first\nIsRelative=0\nPath=%s\n"
			      "[Profile1]\nName=again\nIsRelative=0\nPath=%s/\n",
			      real, real);
	ff_write(".mozilla/firefox/profiles.ini", ini);
	ff_write(".config/mozilla/firefox/profiles.ini",
		 "[Profile0]\nName=second\nIsRelative=1\nPath=linked\nDefault=1\n");
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 1);
	profile = ff_lookup(profiles, "first");
	cr_assert_str_eq(profile->path, real);
	cr_assert(profile->is_default);
}

Test(firefox, ini_directory_reached_twice_is_read_once)
{
	g_autoptr(GPtrArray) profiles = NULL;
	g_autofree gchar *target = ff_path(".config/mozilla");
	g_autofree gchar *link = ff_path(".mozilla");

	ff_mkdir(".config/mozilla/firefox/a");
	ff_write(".config/mozilla/firefox/profiles.ini",
		 "[Profile0]\nName=a\nIsRelative=1\nPath=a\n");
	cr_assert_eq(symlink(target, link), 0);
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 1);
}

Test(firefox, install_section_marks_the_default)
{
	g_autoptr(GPtrArray) profiles = NULL;

	ff_mkdir(".mozilla/firefox/one");
	ff_mkdir(".mozilla/firefox/two");
	ff_write(".mozilla/firefox/profiles.ini", "[Install4F96D1932A9F858E]\n"
						  "Default=two\n"
						  "Locked=1\n"
						  "\n"
						  "[Profile1]\n"
						  "Name=one\n"
						  "IsRelative=1\n"
						  "Path=one\n"
						  "\n"
						  "[Profile0]\n"
						  "Name=two\n"
						  "IsRelative=1\n"
						  "Path=two\n");
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 2);
	cr_assert_not(ff_lookup(profiles, "one")->is_default);
	cr_assert(ff_lookup(profiles, "two")->is_default);
}

Test(firefox, sections_without_path_or_directory_are_skipped)
{
	g_autoptr(GPtrArray) profiles = NULL;

	ff_mkdir(".mozilla/firefox/ok");
	ff_write(".mozilla/firefox/file", "not a directory");
	ff_write(".mozilla/firefox/profiles.ini", "[Profile0]\nName=nopath\nIsRelative=1\n"
						  "[Profile1]\nName=gone\nIsRelative=1\nPath=gone\n"
						  "[Profile2]\nName=file\nIsRelative=1\nPath=file\n"
						  "[ProfileX]\nName=odd\nIsRelative=1\nPath=ok\n"
						  "[Profile3]\nName=ok\nIsRelative=1\nPath=ok\n");
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 1);
	ff_lookup(profiles, "ok");
}

Test(firefox, malformed_profiles_ini_is_invalid_data)
{
	g_autoptr(GPtrArray) profiles = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *ini = ff_path("snap/firefox/common/.mozilla/firefox/profiles.ini");

	ff_mkdir(".mozilla/firefox/ok");
	ff_write(".mozilla/firefox/profiles.ini", "[Profile0]\nName=ok\nIsRelative=1\nPath=ok\n");
	ff_write("snap/firefox/common/.mozilla/firefox/profiles.ini",
		 "this is not\nan ini file [at all\n");
	profiles = ct_firefox_find_profiles(ff_home, NULL, &error);
	cr_assert_null(profiles);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA), "%s", error->message);
	cr_assert_not_null(strstr(error->message, ini), "%s", error->message);
}

Test(firefox, override_line_has_the_firefox_format)
{
	g_autofree gchar *line = ct_firefox_override_line("UCM.Example.COM", 8443, FP_A);
	g_autofree gchar *ipv6 = ct_firefox_override_line("::1", 8443, FP_A);
	g_autofree gchar *bracketed = ct_firefox_override_line("[0:0::1]", 443, FP_A);
	g_autofree gchar *ipv4 = ct_firefox_override_line("10.0.0.1", 443, FP_A);

	cr_assert_str_eq(line, LINE_A);
	cr_assert_str_eq(ipv6, "[::1]:8443:\t" OID "\t" FP_A "\t");
	cr_assert_str_eq(bracketed, "[::1]:443:\t" OID "\t" FP_A "\t");
	cr_assert_str_eq(ipv4, "10.0.0.1:443:\t" OID "\t" FP_A "\t");
}

Test(firefox, override_line_rejects_bad_input)
{
	cr_assert_null(ct_firefox_override_line("ucm", 0, FP_A));
	cr_assert_null(ct_firefox_override_line("", 443, FP_A));
	cr_assert_null(ct_firefox_override_line("a b", 443, FP_A));
	cr_assert_null(ct_firefox_override_line("a:b", 443, FP_A));
	cr_assert_null(ct_firefox_override_line("[ucm]", 443, FP_A));
	cr_assert_null(ct_firefox_override_line("ucm", 443, "A4:52"));
}

Test(firefox, add_creates_the_file_with_header_and_mode_0600)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autofree gchar *replaced = NULL;
	struct stat st;
	const gchar *expected = HEADER LINE_A "\n";

	ff_add(profile, "ucm.example.com", 8443, FP_A, TRUE, &replaced);
	cr_assert_null(replaced);
	ff_assert_file(override, expected, strlen(expected));
	cr_assert_eq(lstat(override, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
}

Test(firefox, add_keeps_every_other_line_byte_for_byte)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	/* other hosts and ports, private browsing for our host, another hash algorithm,
	 * an upper-case host (a different key for Firefox), CRLF, blanks, binary junk */
	const gchar original[] = "# PSM Certificate Override Settings file\n"
				 "# This is a generated file!  Do not edit.\n"
				 "other.example:443:\t" OID "\t" FP_B "\t\n"
				 "ucm.example.com:8443:^privateBrowsingId=1\t" OID "\t" FP_B "\t\n"
				 "ucm.example.com:443:\t" OID "\t" FP_B "\t\n"
				 "ucm.example.com:8443:\tOID.2.16.840.1.101.3.4.2.2\t" FP_B "\t\n"
				 "UCM.EXAMPLE.COM:8443:\t" OID "\t" FP_B "\t\n"
				 "ucm.example.com:8443:\t" OID "\t" FP_B "\n"
				 "garbage without tabs\r\n"
				 "\n"
				 "  \t \n"
				 "; a comment of another kind\n"
				 "bin\xff\xfe\x01"
				 "after-junk\n"
				 "# trailing comment\n";
	gsize original_len = sizeof(original) - 1;
	g_autoptr(GString) expected = g_string_new_len(original, original_len);

	ff_write_len("p/cert_override.txt", original, original_len);
	ff_add(profile, "ucm.example.com", 8443, FP_A, TRUE, NULL);
	g_string_append(expected, LINE_A "\n");
	ff_assert_file(override, expected->str, expected->len);
}

/* a NUL byte: every line reader would lose what follows it and a rewrite would drop it
 * (a trust once removed such a file whole); the add is refused and the file kept */
Test(firefox, a_file_with_a_nul_byte_is_refused_and_left_as_it_is)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autoptr(GError) error = NULL;
	gboolean changed = FALSE;
	const gchar original[] = "# PSM Certificate Override Settings file\n"
				 "\0\0\0\0ucm.example.com:8443:\t" OID "\t" FP_B "\t\n";
	gsize original_len = sizeof(original) - 1;

	ff_write_len("p/cert_override.txt", original, original_len);
	cr_assert_not(ct_firefox_override_add(profile,
					      &(CtFirefoxOverride){"ucm.example.com", 8443, FP_A},
					      &changed, NULL, &error));
	cr_assert_eq(error->code, CT_ERROR_INVALID_DATA, "%s", error->message);
	cr_assert_not_null(strstr(error->message, "NUL"), "%s", error->message);
	cr_assert_not(changed);
	ff_assert_file(override, original, original_len);
}

Test(firefox, a_last_line_without_newline_gets_one)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	const gchar *expected = "# no newline\n" LINE_A "\n";

	ff_write("p/cert_override.txt", "# no newline");
	ff_add(profile, "ucm.example.com", 8443, FP_A, TRUE, NULL);
	ff_assert_file(override, expected, strlen(expected));
}

Test(firefox, add_twice_is_a_no_op)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autofree gchar *replaced = NULL;
	struct stat before;
	struct stat after;
	const gchar *expected = HEADER LINE_A "\n";

	ff_add(profile, "ucm.example.com", 8443, FP_A, TRUE, NULL);
	cr_assert_eq(stat(override, &before), 0);
	ff_add(profile, "UCM.example.com", 8443, FP_A, FALSE, &replaced);
	cr_assert_null(replaced);
	cr_assert_eq(stat(override, &after), 0);
	/* nothing written: a rewrite would be a new inode */
	cr_assert_eq(before.st_ino, after.st_ino);
	ff_assert_file(override, expected, strlen(expected));
}

Test(firefox, a_lenient_line_with_our_fingerprint_is_a_no_op)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	/* old form without the ':' after the port, spaces, the old bits and dbKey */
	const gchar *original = "ucm.example.com:8443 " OID "  " FP_A " MU AAAAAAAA\r\n";

	ff_write("p/cert_override.txt", original);
	ff_add(profile, "ucm.example.com", 8443, FP_A, FALSE, NULL);
	ff_assert_file(override, original, strlen(original));
}

/* add FP_A where the user's own exception for FP_B was: its line is what was replaced */
static void
ff_add_replacing_fp_b(const gchar *profile)
{
	g_autofree gchar *replaced = NULL;

	ff_add(profile, "ucm.example.com", 8443, FP_A, TRUE, &replaced);
	cr_assert_str_eq(replaced, "ucm.example.com:8443:\t" OID "\t" FP_B "\t");
}

/* the fingerprint a normal window uses for host_port */
static void
ff_assert_listed(const gchar *profile, const gchar *host_port, const gchar *sha256)
{
	g_autoptr(GHashTable) overrides = NULL;
	g_autoptr(GError) error = NULL;

	overrides = ct_firefox_override_list(profile, &error);
	cr_assert_not_null(overrides, "%s", error->message);
	cr_assert_str_eq(g_hash_table_lookup(overrides, host_port), sha256);
}

Test(firefox, add_replaces_another_fingerprint_in_place)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	const gchar *original = HEADER
	    "a.example:443:\t" OID "\t" FP_C "\t\n"
	    "ucm.example.com:8443:\t" OID "\t" FP_B "\t\r\n"
	    "ucm.example.com:8443:^privateBrowsingId=1\t" OID "\t" FP_B "\t\n"
	    "ucm.example.com:8443 " OID " " FP_C " MU dbkey\n"
	    "ucm.example.com:8443:\t" OID "\t"
	    "a4:52:07:e8:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
	    "01:23:45:67:89:ab:cd:ef:fc:e4:f2:10\t\n"
	    "z.example:443:\t" OID "\t" FP_C "\t\n";
	const gchar *expected = HEADER "a.example:443:\t" OID "\t" FP_C "\t\n" LINE_A "\n"
				       "ucm.example.com:8443:^privateBrowsingId=1\t" OID "\t" FP_B
				       "\t\n"
				       "z.example:443:\t" OID "\t" FP_C "\t\n";

	ff_write("p/cert_override.txt", original);
	ff_add_replacing_fp_b(profile);
	ff_assert_file(override, expected, strlen(expected));
	ff_assert_listed(profile, "ucm.example.com:8443", FP_A);
}

Test(firefox, ipv6_hosts_are_bracketed)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autofree gchar *replaced = NULL;
	g_autoptr(GHashTable) overrides = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *expected = HEADER "[::1]:8443:\t" OID "\t" FP_A "\t\n";

	ff_write("p/cert_override.txt", HEADER "[::1]:8443:\t" OID "\t" FP_B "\t\n");
	ff_add(profile, "::1", 8443, FP_A, TRUE, &replaced);
	cr_assert_str_eq(replaced, "[::1]:8443:\t" OID "\t" FP_B "\t");
	ff_assert_file(override, expected, strlen(expected));
	ff_add(profile, "[0:0:0::1]", 8443, FP_A, FALSE, NULL);
	overrides = ct_firefox_override_list(profile, &error);
	cr_assert_not_null(overrides, "%s", error->message);
	cr_assert_eq(g_hash_table_size(overrides), 1);
	cr_assert_str_eq(g_hash_table_lookup(overrides, "[::1]:8443"), FP_A);
	ff_remove(profile, "[::1]", 8443, FP_A, TRUE);
	/* nothing but the header left: the file goes, so untrust leaves no trace */
	cr_assert_not(g_file_test(override, G_FILE_TEST_EXISTS), "%s is still there", override);
}

Test(firefox, bad_fingerprints_and_hosts_are_invalid_args)
{
	const gchar *fingerprints[] = {
	    "a4:52:07:e8:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:01:23:45:67:89:ab:cd:ef:"
	    "fc:e4:f2:10",
	    "A452:07E8:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:FC:"
	    "E4:F2:10:",
	    "A4:52:07:E8:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
	    "A4520 7E8",
	    "",
	};
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);

	for (guint i = 0; i < G_N_ELEMENTS(fingerprints); i++) {
		g_autoptr(GError) error = NULL;
		cr_assert_not(
		    ct_firefox_override_add(profile,
					    &(CtFirefoxOverride){"ucm", 443, fingerprints[i]}, NULL,
					    NULL, &error));
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s",
			  error->message);
	}
	for (guint i = 0; i < 3; i++) {
		const gchar *hosts[] = {"", "bad host", "x:y"};
		g_autoptr(GError) error = NULL;
		cr_assert_not(ct_firefox_override_add(profile,
						      &(CtFirefoxOverride){hosts[i], 443, FP_A},
						      NULL, NULL, &error));
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s",
			  error->message);
	}
	cr_assert_not(g_file_test(override, G_FILE_TEST_EXISTS));
}

Test(firefox, missing_profile_is_not_found)
{
	g_autofree gchar *profile = ff_path("gone");
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_remove = NULL;
	g_autoptr(GError) error_list = NULL;
	g_autoptr(GHashTable) overrides = NULL;

	cr_assert_not(ct_firefox_override_add(profile, &(CtFirefoxOverride){"ucm", 443, FP_A}, NULL,
					      NULL, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_FOUND), "%s", error->message);
	cr_assert_not_null(strstr(error->message, profile), "%s", error->message);
	cr_assert_not(ct_firefox_override_remove(profile, &(CtFirefoxOverride){"ucm", 443, FP_A},
						 NULL, &error_remove));
	cr_assert(g_error_matches(error_remove, CT_ERROR, CT_ERROR_NOT_FOUND));
	overrides = ct_firefox_override_list(profile, &error_list);
	cr_assert_null(overrides);
	cr_assert(g_error_matches(error_list, CT_ERROR, CT_ERROR_NOT_FOUND));
	cr_assert_not(g_file_test(profile, G_FILE_TEST_EXISTS));
}

/* a private tmpfs on dir in a mount namespace of this test process only */
static gboolean
ff_mount_tmpfs(const gchar *dir)
{
	if (unshare(CLONE_NEWNS) != 0)
		return FALSE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return FALSE;
	return mount("certtrust-test", dir, "tmpfs", 0, "size=64k") == 0;
}

Test(firefox, read_only_profile_is_permission_denied)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autoptr(GError) error = NULL;
	const gchar *original = HEADER "other:443:\t" OID "\t" FP_B "\t\n";
	gboolean mounted = FALSE;

	if (geteuid() == 0) {
		/* root ignores directory modes: use a read-only file system instead */
		if (!ff_mount_tmpfs(profile))
			ff_skip_test("running as root and cannot mount a tmpfs");
		mounted = TRUE;
		ff_write("p/cert_override.txt", original);
		cr_assert_eq(mount(NULL, profile, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0, "%s",
			     g_strerror(errno));
	} else {
		ff_write("p/cert_override.txt", original);
		cr_assert_eq(g_chmod(profile, 0500), 0);
	}
	cr_assert_not(ct_firefox_override_add(profile, &(CtFirefoxOverride){"ucm", 443, FP_A}, NULL,
					      NULL, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED), "%s",
		  error->message);
	cr_assert_not_null(strstr(error->message, override), "%s", error->message);
	ff_assert_file(override, original, strlen(original));
	if (mounted)
		cr_assert_eq(umount2(profile, MNT_DETACH), 0);
}

Test(firefox, symlinked_override_file_is_refused)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autofree gchar *target = ff_path("elsewhere.txt");
	g_autoptr(GError) error = NULL;
	const gchar *original = HEADER "other:443:\t" OID "\t" FP_B "\t\n";

	ff_write("elsewhere.txt", original);
	cr_assert_eq(symlink(target, override), 0);
	cr_assert_not(ct_firefox_override_add(profile, &(CtFirefoxOverride){"ucm", 443, FP_A}, NULL,
					      NULL, &error));
	cr_assert_not_null(error);
	cr_assert_not_null(strstr(error->message, "symbolic link"), "%s", error->message);
	cr_assert(g_file_test(override, G_FILE_TEST_IS_SYMLINK));
	ff_assert_file(target, original, strlen(original));
}

Test(firefox, remove_leaves_every_other_line)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	const gchar *others = "a.example:443:\t" OID "\t" FP_C "\t\n"
			      "ucm.example.com:8443:^privateBrowsingId=1\t" OID "\t" FP_A "\t\n"
			      "junk\xff line\n";
	g_autofree gchar *original = g_strconcat(HEADER, others, LINE_A "\n", "# end\n", NULL);
	g_autofree gchar *expected = g_strconcat(HEADER, others, "# end\n", NULL);

	ff_write("p/cert_override.txt", original);
	ff_remove(profile, "ucm.example.com", 8443, FP_A, TRUE);
	ff_assert_file(override, expected, strlen(expected));
	ff_remove(profile, "ucm.example.com", 8443, FP_A, FALSE);
	ff_assert_file(override, expected, strlen(expected));
}

Test(firefox, remove_of_another_fingerprint_changes_nothing)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	const gchar *original = HEADER LINE_A "\n";
	struct stat before;
	struct stat after;

	ff_write("p/cert_override.txt", original);
	cr_assert_eq(stat(override, &before), 0);
	ff_remove(profile, "ucm.example.com", 8443, FP_B, FALSE);
	ff_remove(profile, "ucm.example.com", 443, FP_A, FALSE);
	cr_assert_eq(stat(override, &after), 0);
	cr_assert_eq(before.st_ino, after.st_ino);
	ff_assert_file(override, original, strlen(original));
}

Test(firefox, remove_without_a_file_creates_none)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);

	ff_remove(profile, "ucm.example.com", 8443, FP_A, FALSE);
	cr_assert_not(g_file_test(override, G_FILE_TEST_EXISTS));
}

static void
ff_restore(const gchar *profile,
	   const gchar *sha256,
	   const gchar *previous_sha256,
	   gboolean expect_changed)
{
	g_autoptr(GError) error = NULL;
	gboolean changed = !expect_changed;

	cr_assert(ct_firefox_override_restore(profile,
					      &(CtFirefoxOverride){"ucm.example.com", 8443, sha256},
					      previous_sha256, &changed, &error),
		  "%s", error->message);
	cr_assert_eq(changed, expect_changed, "restoring %s: changed %d", previous_sha256, changed);
}

static ino_t
ff_inode(const gchar *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "stat %s: %s", path, g_strerror(errno));
	return st.st_ino;
}

/* a restore that finds nothing of ours writes nothing: the same file (a rewrite would be a
 * new inode), the same bytes */
static void
ff_restore_writes_nothing(const gchar *profile, const gchar *override, const gchar *original)
{
	ino_t inode = ff_inode(override);

	ff_restore(profile, FP_A, FP_B, FALSE);
	cr_assert_eq(ff_inode(override), inode, "%s was written again", override);
	ff_assert_file(override, original, strlen(original));
}

/* untrust after a trust that replaced the user's own exception: the file is again what it
 * was before the trust, byte for byte, and a normal window uses the user's fingerprint */
Test(firefox, restore_puts_the_users_exception_back_in_place)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	const gchar *original = HEADER "a.example:443:\t" OID "\t" FP_C "\t\n"
				       "ucm.example.com:8443:\t" OID "\t" FP_B "\t\n"
				       "z.example:443:\t" OID "\t" FP_C "\t\n";

	ff_write("p/cert_override.txt", original);
	ff_add_replacing_fp_b(profile);
	ff_restore(profile, FP_A, FP_B, TRUE);
	ff_assert_file(override, original, strlen(original));
	ff_assert_listed(profile, "ucm.example.com:8443", FP_B);

	/* ours is gone now: a second restore finds nothing of ours */
	ff_restore_writes_nothing(profile, override, original);
}

/* the user changed the exception since certtrust wrote it: theirs stays */
Test(firefox, restore_leaves_an_exception_that_is_not_ours)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	const gchar *original = HEADER "ucm.example.com:8443:\t" OID "\t" FP_C "\t\n";

	ff_write("p/cert_override.txt", original);
	ff_restore_writes_nothing(profile, override, original);
}

/* a previous fingerprint that is not one is refused, and ours stays as it was */
Test(firefox, restore_of_a_bad_previous_fingerprint_changes_nothing)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	const gchar *original = HEADER LINE_A "\n";
	g_autoptr(GError) error = NULL;
	gboolean changed = TRUE;

	ff_write("p/cert_override.txt", original);
	cr_assert_not(
	    ct_firefox_override_restore(profile,
					&(CtFirefoxOverride){"ucm.example.com", 8443, FP_A},
					"b0:b1:b2", &changed, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s", error->message);
	cr_assert_not(changed);
	ff_assert_file(override, original, strlen(original));
}

Test(firefox, list_reports_the_overrides_a_normal_window_uses)
{
	g_autofree gchar *profile = ff_profile("p", NULL);
	g_autoptr(GHashTable) overrides = NULL;
	g_autoptr(GHashTable) none = NULL;
	g_autoptr(GError) error = NULL;

	none = ct_firefox_override_list(profile, &error);
	cr_assert_not_null(none, "%s", error->message);
	cr_assert_eq(g_hash_table_size(none), 0);
	ff_write("p/cert_override.txt", HEADER
		 "a.example:443:\t" OID "\t" FP_A "\t\n"
		 "b.example:444 " OID " " FP_B " MU dbkey\r\n"
		 "[fe80::1]:8443:\t" OID "\t" FP_C "\t\n"
		 "pb.example:443:^privateBrowsingId=1\t" OID "\t" FP_A "\t\n"
		 "sha1.example:443:\tOID.1.3.14.3.2.26\t" FP_A "\t\n"
		 "nodelim.example:443:\t" OID "\t" FP_A "\n"
		 "lower.example:443:\t" OID "\t"
		 "a4:52:07:e8:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:01:23:45:67:89:ab:"
		 "cd:ef:fc:e4:f2:10\t\n"
		 "twice.example:443:\t" OID "\t" FP_A "\t\n"
		 "twice.example:443:\t" OID "\t" FP_B "\t\n"
		 "garbage\n");
	overrides = ct_firefox_override_list(profile, &error);
	cr_assert_not_null(overrides, "%s", error->message);
	cr_assert_eq(g_hash_table_size(overrides), 4);
	cr_assert_str_eq(g_hash_table_lookup(overrides, "a.example:443"), FP_A);
	cr_assert_str_eq(g_hash_table_lookup(overrides, "b.example:444"), FP_B);
	cr_assert_str_eq(g_hash_table_lookup(overrides, "[fe80::1]:8443"), FP_C);
	cr_assert_str_eq(g_hash_table_lookup(overrides, "twice.example:443"), FP_B);
}

Test(firefox, no_lock_is_not_running)
{
	g_autofree gchar *profile = ff_profile("p", NULL);
	cr_assert_not(ct_firefox_profile_is_running(profile));
}

Test(firefox, lock_of_a_live_process_is_running)
{
	g_autofree gchar *plus = ff_profile("plus", NULL);
	g_autofree gchar *plain = ff_profile("plain", NULL);
	g_autofree gchar *target_plus = g_strdup_printf("127.0.0.1:+%d", (gint)getpid());
	g_autofree gchar *target_plain = g_strdup_printf("192.168.1.20:%d", (gint)getpid());

	ff_make_lock(plus, target_plus);
	ff_make_lock(plain, target_plain);
	cr_assert(ct_firefox_profile_is_running(plus));
	cr_assert(ct_firefox_profile_is_running(plain));
}

Test(firefox, stale_or_bogus_lock_is_not_running)
{
	g_autofree gchar *stale = ff_profile("stale", NULL);
	g_autofree gchar *bogus = ff_profile("bogus", NULL);
	g_autofree gchar *zero = ff_profile("zero", NULL);
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:+%d", (gint)ff_dead_pid());

	ff_make_lock(stale, target);
	ff_make_lock(bogus, "not a lock");
	ff_make_lock(zero, "127.0.0.1:+0");
	ff_write("stale/.parentlock", "");
	cr_assert_not(ct_firefox_profile_is_running(stale));
	cr_assert_not(ct_firefox_profile_is_running(bogus));
	cr_assert_not(ct_firefox_profile_is_running(zero));
}

Test(firefox, parentlock_held_by_another_process_is_running)
{
	g_autofree gchar *profile = ff_profile("p", NULL);
	g_autofree gchar *parentlock = g_build_filename(profile, ".parentlock", NULL);
	gint ready[2];
	gint hold[2];
	gchar byte = 0;
	gint status = 0;
	pid_t pid;

	ff_write("p/.parentlock", "");
	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(hold), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* the child locks as Firefox does, says so, and holds until the pipe closes */
		struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
		gint fd = open(parentlock, O_RDWR);
		close(ready[0]);
		close(hold[1]);
		if (fd < 0 || fcntl(fd, F_SETLK, &lock) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		while (read(hold[0], &byte, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	cr_assert_eq(read(ready[0], &byte, 1), 1, "the child could not lock");
	cr_assert(ct_firefox_profile_is_running(profile));
	close(hold[1]);
	close(ready[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_not(ct_firefox_profile_is_running(profile));
}

Test(firefox, add_is_refused_while_firefox_runs)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:+%d", (gint)getpid());
	const gchar *original = HEADER "ucm.example.com:8443:\t" OID "\t" FP_B "\t\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_new = NULL;
	g_autofree gchar *replaced = NULL;
	g_autofree gchar *absent = ff_profile("q", NULL);
	g_autofree gchar *absent_override = g_build_filename(absent, "cert_override.txt", NULL);
	g_autofree gchar *target_q = g_strdup_printf("127.0.0.1:%d", (gint)getpid());
	gboolean changed = TRUE;

	ff_write("p/cert_override.txt", original);
	ff_make_lock(profile, target);
	cr_assert_not(ct_firefox_override_add(profile,
					      &(CtFirefoxOverride){"ucm.example.com", 8443, FP_A},
					      &changed, &replaced, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_REFUSED), "%s", error->message);
	cr_assert_not_null(strstr(error->message, profile), "%s", error->message);
	cr_assert_not_null(strstr(error->message, "close it"), "%s", error->message);
	cr_assert_not(changed);
	cr_assert_null(replaced);
	ff_assert_file(override, original, strlen(original));

	/* a new file is not created either */
	ff_make_lock(absent, target_q);
	cr_assert_not(ct_firefox_override_add(absent,
					      &(CtFirefoxOverride){"ucm.example.com", 8443, FP_A},
					      NULL, NULL, &error_new));
	cr_assert(g_error_matches(error_new, CT_ERROR, CT_ERROR_REFUSED));
	cr_assert_not(g_file_test(absent_override, G_FILE_TEST_EXISTS));
}

Test(firefox, remove_is_refused_while_firefox_runs)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:+%d", (gint)getpid());
	const gchar *original = HEADER LINE_A "\n";
	g_autoptr(GError) error = NULL;

	ff_write("p/cert_override.txt", original);
	ff_make_lock(profile, target);
	cr_assert_not(
	    ct_firefox_override_remove(profile, &(CtFirefoxOverride){"ucm.example.com", 8443, FP_A},
				       NULL, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_REFUSED), "%s", error->message);
	ff_assert_file(override, original, strlen(original));
}

Test(firefox, no_op_succeeds_while_firefox_runs)
{
	g_autofree gchar *override = NULL;
	g_autofree gchar *profile = ff_profile("p", &override);
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:+%d", (gint)getpid());
	const gchar *original = HEADER LINE_A "\n";

	ff_write("p/cert_override.txt", original);
	ff_make_lock(profile, target);
	ff_add(profile, "ucm.example.com", 8443, FP_A, FALSE, NULL);
	ff_remove(profile, "ucm.example.com", 8443, FP_B, FALSE);
	ff_assert_file(override, original, strlen(original));
}

static void
ff_child_setup_cb(gpointer user_data)
{
	/* a crashed test must not leave Firefox behind */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* firefox-esr with HOME in the test dir; NULL (test skipped) when it is not installed */
static GSubprocessLauncher *
ff_firefox_launcher(void)
{
	g_autofree gchar *firefox = g_find_program_in_path("firefox-esr");
	g_autofree gchar *cache = ff_path(".cache");
	GSubprocessLauncher *launcher;

	if (firefox == NULL)
		ff_skip_test("firefox-esr is not installed");
	if (ct_test_clock_is_faked())
		ff_skip_test("a real Firefox is not launched under a faked clock (libfaketime)");
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
					     G_SUBPROCESS_FLAGS_STDERR_SILENCE);
	g_subprocess_launcher_setenv(launcher, "HOME", ff_home, TRUE);
	g_subprocess_launcher_unsetenv(launcher, "XDG_CONFIG_HOME");
	g_subprocess_launcher_setenv(launcher, "XDG_CACHE_HOME", cache, TRUE);
	g_subprocess_launcher_setenv(launcher, "MOZ_CRASHREPORTER_DISABLE", "1", TRUE);
	g_subprocess_launcher_set_child_setup(launcher, ff_child_setup_cb, NULL, NULL);
	return launcher;
}

Test(firefox, real_firefox_profile_is_found_locked_and_written, .timeout = 60)
{
	g_autoptr(GSubprocessLauncher) launcher = ff_firefox_launcher();
	g_autofree gchar *dir = ff_path("made by firefox");
	g_autofree gchar *spec = g_strdup_printf("p %s", dir);
	g_autofree gchar *override = g_build_filename(dir, "cert_override.txt", NULL);
	g_autoptr(GSubprocess) create = NULL;
	g_autoptr(GSubprocess) running = NULL;
	g_autoptr(GPtrArray) profiles = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_refused = NULL;
	const CtFirefoxProfile *profile;
	const gchar *expected = HEADER LINE_A "\n";
	gint64 deadline;

	create = g_subprocess_launcher_spawn(launcher, &error, "firefox-esr", "--headless",
					     "-CreateProfile", spec, NULL);
	cr_assert_not_null(create, "%s", error->message);
	cr_assert(g_subprocess_wait_check(create, NULL, &error), "%s", error->message);
	profiles = ff_find(NULL);
	cr_assert_eq(profiles->len, 1);
	profile = ff_lookup(profiles, "p");
	cr_assert_str_eq(profile->path, dir);

	running = g_subprocess_launcher_spawn(launcher, &error, "firefox-esr", "--headless",
					      "--profile", dir, "about:blank", NULL);
	cr_assert_not_null(running, "%s", error->message);
	ff_firefox = g_object_ref(running);
	deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
	while (!ct_firefox_profile_is_running(dir)) {
		cr_assert_lt(g_get_monotonic_time(), deadline, "firefox never locked %s", dir);
		cr_assert_not_null(g_subprocess_get_identifier(running), "firefox exited");
		g_usleep(50000);
	}
	cr_assert_not(ct_firefox_override_add(dir,
					      &(CtFirefoxOverride){"ucm.example.com", 8443, FP_A},
					      NULL, NULL, &error_refused));
	cr_assert(g_error_matches(error_refused, CT_ERROR, CT_ERROR_REFUSED));
	g_subprocess_send_signal(running, SIGTERM);
	cr_assert(g_subprocess_wait(running, NULL, &error), "%s", error->message);
	g_clear_object(&ff_firefox);
	cr_assert_not(ct_firefox_profile_is_running(dir));
	ff_add(dir, "ucm.example.com", 8443, FP_A, TRUE, NULL);
	ff_assert_file(override, expected, strlen(expected));
}
