/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>

#include "ct-firefox.h"

/* libFuzzer target for the profiles.ini reader (ct_firefox_find_profiles): the input is
 * HOME/.mozilla/firefox/profiles.ini; the directories a.default, b.esr and the absolute
 * CT_FUZZ_TMPDIR/abs exist. Beyond "no crash": every profile found has a name, an absolute
 * path that is a directory, and the ini it came from; no directory is listed twice; a
 * refusal is CT_ERROR naming the file. */

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	const gchar *tmp = g_getenv("CT_FUZZ_TMPDIR");
	g_autofree gchar *home = g_build_filename(tmp != NULL ? tmp : ".", "home", NULL);
	g_autofree gchar *xdg = g_build_filename(home, ".config", NULL);
	g_autofree gchar *dir = g_build_filename(home, ".mozilla", "firefox", NULL);
	g_autofree gchar *ini = g_build_filename(dir, "profiles.ini", NULL);
	g_autofree gchar *a = g_build_filename(dir, "a.default", NULL);
	g_autofree gchar *b = g_build_filename(dir, "b.esr", NULL);
	g_autofree gchar *abs = g_build_filename(tmp != NULL ? tmp : ".", "abs", NULL);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) profiles = NULL;
	g_autoptr(GError) error = NULL;

	if (g_mkdir_with_parents(a, 0700) != 0 || g_mkdir_with_parents(b, 0700) != 0 ||
	    g_mkdir_with_parents(abs, 0700) != 0 ||
	    !g_file_set_contents(ini, (const gchar *)data, (gssize)size, NULL))
		abort();
	profiles = ct_firefox_find_profiles(home, xdg, &error);
	if (profiles == NULL) {
		if (error == NULL || error->domain != CT_ERROR ||
		    g_strstr_len(error->message, -1, "profiles.ini") == NULL)
			abort();
		return 0;
	}
	for (guint i = 0; i < profiles->len; i++) {
		CtFirefoxProfile *profile = g_ptr_array_index(profiles, i);
		g_autofree gchar *real = NULL;

		if (profile->name == NULL || profile->ini == NULL || profile->path == NULL ||
		    !g_path_is_absolute(profile->path) ||
		    !g_file_test(profile->path, G_FILE_TEST_IS_DIR))
			abort();
		real = realpath(profile->path, NULL);
		if (real == NULL || g_hash_table_contains(seen, real))
			abort();
		g_hash_table_add(seen, g_steal_pointer(&real));
	}
	return 0;
}
