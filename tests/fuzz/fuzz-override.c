/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>

#include "ct-firefox.h"

/* libFuzzer target for the cert_override.txt reader and editor: the input is a profile's
 * cert_override.txt. Beyond "no crash": after ct_firefox_override_add() the listing gives
 * our fingerprint for our host and every other host's entry as before; after
 * ct_firefox_override_remove() our host is gone and the others are still as before.
 * Files go to CT_FUZZ_TMPDIR (run-fuzz makes one on tmpfs). */

#define CT_FUZZ_SHA256                                                                         \
	"06:E4:41:A3:76:71:C6:EE:5F:B8:1E:AA:57:0E:A5:6C:9F:CE:CE:76:BA:AA:58:36:6E:5C:60:B6:" \
	"5D:8A:93:0B"

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

/* every entry of before but key is in after with the same value */
static void
ct_fuzz_check_others_kept(GHashTable *before, GHashTable *after, const gchar *key)
{
	GHashTableIter iter;
	gpointer k;
	gpointer v;

	g_hash_table_iter_init(&iter, before);
	while (g_hash_table_iter_next(&iter, &k, &v)) {
		if (g_strcmp0(k, key) == 0)
			continue;
		if (g_strcmp0(g_hash_table_lookup(after, k), v) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	const gchar *tmp = g_getenv("CT_FUZZ_TMPDIR");
	g_autofree gchar *profile = g_build_filename(tmp != NULL ? tmp : ".", "profile", NULL);
	g_autofree gchar *path = g_build_filename(profile, "cert_override.txt", NULL);
	g_autoptr(GHashTable) before = NULL;
	g_autoptr(GHashTable) added = NULL;
	g_autoptr(GHashTable) removed = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *replaced = NULL;
	gboolean changed = FALSE;
	/* the first byte picks the host: a name or an IPv6 address (written [::1]) */
	gboolean ipv6 = size > 0 && (data[0] & 1) != 0;
	const gchar *host = ipv6 ? "::1" : "ucm.example.test";
	const gchar *key = ipv6 ? "[::1]:8443" : "ucm.example.test:8443";
	CtFirefoxOverride override = {host, 8443, CT_FUZZ_SHA256};

	if (g_mkdir_with_parents(profile, 0700) != 0 ||
	    !g_file_set_contents(path, (const gchar *)data, (gssize)size, NULL))
		abort();
	before = ct_firefox_override_list(profile, &error);
	if (before == NULL) {
		if (error == NULL || error->domain != CT_ERROR)
			abort();
		return 0;
	}
	if (!ct_firefox_override_add(profile, &override, &changed, &replaced, NULL))
		abort();
	added = ct_firefox_override_list(profile, NULL);
	if (added == NULL || g_strcmp0(g_hash_table_lookup(added, key), CT_FUZZ_SHA256) != 0)
		abort();
	ct_fuzz_check_others_kept(before, added, key);
	if (!ct_firefox_override_remove(profile, &override, &changed, NULL) || !changed)
		abort();
	removed = ct_firefox_override_list(profile, NULL);
	if (removed == NULL || g_hash_table_contains(removed, key))
		abort();
	ct_fuzz_check_others_kept(before, removed, key);
	return 0;
}
