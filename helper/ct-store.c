/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTrust"

#include "config.h"

#include "ct-context.h"
#include "ct-firefox.h"
#include "ct-store.h"

/* the stores trust writes to: --store specs resolved to profiles, databases, the OS store */

void
ct_store_free(CtStore *store)
{
	if (store == NULL)
		return;
	g_free(store->location);
	g_free(store->problem);
	g_free(store);
}

const gchar *
ct_store_kind_to_string(CtStoreKind kind)
{
	switch (kind) {
	case CT_STORE_FIREFOX:
		return "firefox";
	case CT_STORE_CHROMIUM:
		return "chromium";
	case CT_STORE_NSS:
		return "nss";
	case CT_STORE_SYSTEM:
	default:
		return "system";
	}
}

static CtStore *
ct_store_new(CtStoreKind kind, const gchar *location, const gchar *problem)
{
	CtStore *store = g_new0(CtStore, 1);
	store->kind = kind;
	store->location = g_strdup(location);
	store->problem = g_strdup(problem);
	/* Firefox makes its profile's cert9.db and Chromium its nssdb on first use: so may
	 * certtrust (a profile directory that does not exist is a problem, never made) */
	store->create = kind == CT_STORE_FIREFOX || kind == CT_STORE_CHROMIUM;
	return store;
}

/* every Firefox profile; none found is a problem the plan shows: it fails the store when the
 * user named it (--store firefox), and is skipped when Firefox is only a default or in "all" */
static gboolean
ct_store_add_firefox(GPtrArray *stores, gboolean named, GError **error)
{
	g_autofree gchar *home = ct_context_get_home();
	g_autofree gchar *config = ct_context_get_config_home();
	g_autoptr(GPtrArray) profiles = ct_firefox_find_profiles(home, config, error);

	if (profiles == NULL)
		return FALSE;
	if (profiles->len == 0) {
		CtStore *store = ct_store_new(CT_STORE_FIREFOX, home,
					      "no Firefox profile found (run Firefox once, or "
					      "name one with --store firefox:DIR)");
		store->named = named;
		g_ptr_array_add(stores, store);
		return TRUE;
	}
	for (guint i = 0; i < profiles->len; i++) {
		CtFirefoxProfile *profile = g_ptr_array_index(profiles, i);
		g_ptr_array_add(stores, ct_store_new(CT_STORE_FIREFOX, profile->path, NULL));
	}
	return TRUE;
}

static void
ct_store_add_chromium(GPtrArray *stores)
{
	g_autoptr(GPtrArray) dbs = ct_context_get_chromium_dbs();
	for (guint i = 0; i < dbs->len; i++)
		g_ptr_array_add(stores,
				ct_store_new(CT_STORE_CHROMIUM, g_ptr_array_index(dbs, i), NULL));
}

/* why nss:DIR cannot be written, or NULL: a database is made only when asked (--create) */
static gchar *
ct_store_check_nss(const gchar *dir, gboolean create)
{
	g_autofree gchar *cert9 = g_build_filename(dir, "cert9.db", NULL);

	if (g_file_test(dir, G_FILE_TEST_EXISTS) && !g_file_test(dir, G_FILE_TEST_IS_DIR))
		return g_strdup_printf("%s is not a directory", dir);
	if (create)
		return NULL;
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
		return g_strdup_printf("the NSS database directory %s does not exist (add "
				       "--create to make a new database there)",
				       dir);
	if (!g_file_test(cert9, G_FILE_TEST_EXISTS))
		return g_strdup_printf("no NSS database in %s: cert9.db does not exist (add "
				       "--create to make a new one)",
				       dir);
	return NULL;
}

static gboolean
ct_store_add_spec(GPtrArray *stores,
		  const gchar *spec,
		  gboolean named,
		  const gchar *sysroot,
		  gboolean create_nss,
		  GError **error)
{
	CtStore *store = NULL;

	if (g_strcmp0(spec, "firefox") == 0)
		return ct_store_add_firefox(stores, named, error);
	if (g_strcmp0(spec, "chromium") == 0) {
		ct_store_add_chromium(stores);
		return TRUE;
	}
	if (g_strcmp0(spec, "system") == 0) {
		g_ptr_array_add(stores, ct_store_new(CT_STORE_SYSTEM, sysroot, NULL));
		return TRUE;
	}
	if (g_strcmp0(spec, "all") == 0) {
		if (!ct_store_add_firefox(stores, FALSE, error))
			return FALSE;
		ct_store_add_chromium(stores);
		g_ptr_array_add(stores, ct_store_new(CT_STORE_SYSTEM, sysroot, NULL));
		return TRUE;
	}
	if (g_str_has_prefix(spec, "firefox:") && spec[8] != '\0') {
		g_autofree gchar *dir = g_canonicalize_filename(spec + 8, NULL);
		g_autofree gchar *problem = NULL;
		if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
			problem = g_strdup_printf("the Firefox profile directory %s does not exist "
						  "(a profile holds prefs.js; Firefox's "
						  "about:profiles shows where)",
						  dir);
		store = ct_store_new(CT_STORE_FIREFOX, dir, problem);
	} else if (g_str_has_prefix(spec, "nss:") && spec[4] != '\0') {
		g_autofree gchar *dir = g_canonicalize_filename(spec + 4, NULL);
		store = ct_store_new(CT_STORE_NSS, dir, NULL);
		store->create = create_nss;
		store->problem = ct_store_check_nss(dir, create_nss);
	}
	if (store != NULL) {
		store->named = TRUE;
		g_ptr_array_add(stores, store);
		return TRUE;
	}
	g_set_error(
	    error, CT_ERROR, CT_ERROR_INVALID_ARGS,
	    "unknown store '%s': use firefox, firefox:DIR, chromium, nss:DIR, system or all", spec);
	return FALSE;
}

GPtrArray *
ct_store_resolve(const gchar *const *specs,
		 const gchar *sysroot,
		 gboolean create_nss,
		 GError **error)
{
	g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func((GDestroyNotify)ct_store_free);
	const gchar *defaults[] = {"firefox", "chromium", NULL};
	gboolean named = specs != NULL && specs[0] != NULL;

	if (!named)
		specs = defaults;
	for (guint i = 0; specs[i] != NULL; i++) {
		if (!ct_store_add_spec(stores, specs[i], named, sysroot != NULL ? sysroot : "/",
				       create_nss, error))
			return NULL;
	}
	return g_steal_pointer(&stores);
}

gboolean
ct_store_selects(GPtrArray *stores, const CtLedgerEntry *entry)
{
	if (stores == NULL)
		return TRUE;
	for (guint i = 0; i < stores->len; i++) {
		CtStore *store = g_ptr_array_index(stores, i);
		if (g_strcmp0(ct_store_kind_to_string(store->kind), entry->store) != 0)
			continue;
		if (store->kind == CT_STORE_SYSTEM ||
		    g_strcmp0(store->location, entry->location) == 0)
			return TRUE;
	}
	return FALSE;
}
