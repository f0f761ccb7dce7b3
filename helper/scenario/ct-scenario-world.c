/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "ct-cleanup.h"
#include "ct-nssdb.h"
#include "ct-scenario-world.h"
#include "ct-tmpdir.h"

/* the isolated world one scenario runs in: its own temp HOME and XDG dirs, a Firefox
 * profile and Chromium's NSS db in that HOME, its own OS-store tree (--sysroot), the
 * cache the scenarios of one run share; where things are in it */

/* the Firefox profile every scenario's HOME has */
#define CT_SCENARIO_FIREFOX_PROFILE "scenario.default-esr"

/* NSS databases are made in this process, by one thread at a time */
GMutex ct_scenario_nss_lock;

struct _CtScenarioCache {
	gchar *dir;
	GMutex lock;
	gboolean has_nssdb;
};

const gchar *
ct_scenario_first_name(CtScenarioRun *run)
{
	return g_ptr_array_index(run->scenario->names, 0);
}

gchar *
ct_scenario_url(CtScenarioRun *run, const gchar *name, const gchar *path)
{
	return g_strdup_printf("https://%s:%u%s", name, run->https_port, path != NULL ? path : "/");
}

gchar *
ct_scenario_typed(CtScenarioRun *run, const gchar *name)
{
	return g_strdup_printf("%s:%u", name, run->https_port);
}

static gchar *
ct_scenario_store_spec(CtScenarioRun *run, const gchar *store)
{
	if (g_strcmp0(store, "nss") == 0)
		return g_strconcat("nss:", run->nss_dir, NULL);
	return g_strdup(store);
}

/* --store SPEC for each of a step's stores ("nss" is the scenario's own database) */
void
ct_scenario_add_store_args(CtScenarioRun *run, GPtrArray *args, GPtrArray *stores)
{
	for (guint i = 0; i < stores->len; i++) {
		g_ptr_array_add(args, g_strdup("--store"));
		g_ptr_array_add(args, ct_scenario_store_spec(run, g_ptr_array_index(stores, i)));
	}
}

static gboolean
ct_scenario_write_full_chain(CtScenarioRun *run, gchar **path, GError **error)
{
	const gchar *keys[] = {"pem", "intermediate-pem", "root-pem"};
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		const gchar *file = g_hash_table_lookup(run->files, keys[i]);
		g_autofree gchar *contents = NULL;
		if (file == NULL)
			continue;
		if (!g_file_get_contents(file, &contents, NULL, error)) {
			ct_error_convert(error);
			return FALSE;
		}
		g_string_append(text, contents);
	}
	*path = g_build_filename(run->dir, "full-chain.pem", NULL);
	if (!g_file_set_contents(*path, text->str, (gssize)text->len, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

/* the SOURCE a step names: the chain the server presents (serve's copies of exactly
 * those certificates), the server itself, or one of the files serve wrote */
gchar *
ct_scenario_source(CtScenarioRun *run, const gchar *from, GError **error)
{
	const gchar *file;

	if (from == NULL)
		return g_strdup(run->presented);
	if (g_strcmp0(from, "server") == 0)
		return ct_scenario_url(run, ct_scenario_first_name(run), NULL);
	if (g_strcmp0(from, "full-chain") == 0) {
		gchar *path = NULL;
		if (!ct_scenario_write_full_chain(run, &path, error)) {
			g_free(path);
			return NULL;
		}
		return path;
	}
	file = g_hash_table_lookup(run->files, from);
	if (file == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "serve --profile %s wrote no %s file", run->scenario->profile, from);
		return NULL;
	}
	return g_strdup(file);
}

gboolean
ct_scenario_mkdir(const gchar *path, GError **error)
{
	if (g_mkdir_with_parents(path, 0700) != 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot create %s: %s", path,
			    g_strerror(errsv));
		return FALSE;
	}
	return TRUE;
}

/* an NSS database with an empty password, as Chromium and Firefox make them */
static gboolean
ct_scenario_make_nssdb(const gchar *dir, GError **error)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&ct_scenario_nss_lock);
	g_autoptr(CtNssDb) db = NULL;

	if (!ct_scenario_mkdir(dir, error))
		return FALSE;
	db = ct_nssdb_open(dir, TRUE, error);
	return db != NULL;
}

CtScenarioCache *
ct_scenario_cache_new(GError **error)
{
	g_autofree gchar *dir = ct_tmpdir_new(NULL, "scenario-cache", error);
	CtScenarioCache *cache;

	if (dir == NULL) {
		ct_error_convert(error);
		return NULL;
	}
	cache = g_new0(CtScenarioCache, 1);
	cache->dir = g_steal_pointer(&dir);
	g_mutex_init(&cache->lock);
	return cache;
}

void
ct_scenario_cache_free(CtScenarioCache *cache)
{
	if (cache == NULL)
		return;
	ct_tmpdir_remove(cache->dir);
	g_free(cache->dir);
	g_mutex_clear(&cache->lock);
	g_free(cache);
}

/* the regular files of one directory into another (made if needed), modes kept */
static gboolean
ct_scenario_copy_dir(const gchar *from, const gchar *to, GError **error)
{
	g_autoptr(GDir) dir = g_dir_open(from, 0, error);
	const gchar *name;

	if (dir == NULL || !ct_scenario_mkdir(to, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *source = g_build_filename(from, name, NULL);
		g_autofree gchar *target = g_build_filename(to, name, NULL);
		g_autofree gchar *contents = NULL;
		GStatBuf st;
		gsize len = 0;

		if (g_lstat(source, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (!g_file_get_contents(source, &contents, &len, error) ||
		    !g_file_set_contents_full(target, contents, (gssize)len,
					      G_FILE_SET_CONTENTS_CONSISTENT,
					      (gint)(st.st_mode & 0777), error)) {
			ct_error_convert(error);
			return FALSE;
		}
	}
	return TRUE;
}

/* where the certificates for this scenario's profile and names are kept */
static gchar *
ct_scenario_cache_certificates_dir(CtScenarioRun *run)
{
	g_autoptr(GString) key = g_string_new(run->scenario->profile);
	g_autofree gchar *hash = NULL;
	g_autofree gchar *base = NULL;

	for (guint i = 0; i < run->scenario->names->len; i++)
		g_string_append_printf(key, "\n%s", (const gchar *)run->scenario->names->pdata[i]);
	hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key->str, -1);
	base = g_strdup_printf("certificates-%.16s", hash);
	return g_build_filename(run->options->cache->dir, base, NULL);
}

/* a copy of the certificates a scenario before this one had serve generate, if any */
static gboolean
ct_scenario_cache_take_certificates(CtScenarioRun *run, GError **error)
{
	g_autofree gchar *dir = NULL;

	if (run->options->cache == NULL)
		return TRUE;
	dir = ct_scenario_cache_certificates_dir(run);
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
		return TRUE;
	return ct_scenario_copy_dir(dir, run->cert_dir, error);
}

/* keep what serve generated for the scenarios after this one: a complete copy appears
 * at once (rename) or not at all */
static void
ct_scenario_cache_give_certificates(CtScenarioRun *run)
{
	g_autofree gchar *dir = NULL;
	g_autofree gchar *tmp = NULL;
	g_autoptr(GError) error = NULL;

	if (run->options->cache == NULL || !run->generated)
		return;
	dir = ct_scenario_cache_certificates_dir(run);
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return;
	tmp = g_strdup_printf("%s.%p", dir, (gpointer)run);
	if (!ct_scenario_copy_dir(run->cert_dir, tmp, &error) || g_rename(tmp, dir) != 0) {
		g_debug("certificates not cached: %s",
			error != NULL ? error->message : g_strerror(errno));
		ct_tmpdir_remove(tmp);
	}
}

/* an empty NSS database at dir: a copy of the run's template, or a new one */
static gboolean
ct_scenario_cache_make_nssdb(CtScenarioRun *run, const gchar *dir, GError **error)
{
	CtScenarioCache *cache = run->options->cache;
	g_autofree gchar *template = NULL;

	if (cache == NULL)
		return ct_scenario_make_nssdb(dir, error);
	template = g_build_filename(cache->dir, "nssdb", NULL);
	g_mutex_lock(&cache->lock);
	if (!cache->has_nssdb)
		cache->has_nssdb = ct_scenario_make_nssdb(template, error);
	g_mutex_unlock(&cache->lock);
	if (!cache->has_nssdb)
		return FALSE;
	return ct_scenario_copy_dir(template, dir, error);
}

static gboolean
ct_scenario_make_firefox(CtScenarioRun *run, GError **error)
{
	g_autofree gchar *ini_dir = run->layout == CT_SCENARIO_LAYOUT_LEGACY
					? g_build_filename(run->home, ".mozilla", "firefox", NULL)
					: g_build_filename(run->home, ".config", "mozilla",
							   "firefox", NULL);
	g_autofree gchar *profile = g_build_filename(ini_dir, CT_SCENARIO_FIREFOX_PROFILE, NULL);
	g_autofree gchar *ini = g_build_filename(ini_dir, "profiles.ini", NULL);
	const gchar *contents =
	    "[Profile0]\nName=default-esr\nIsRelative=1\nPath=" CT_SCENARIO_FIREFOX_PROFILE
	    "\nDefault=1\n\n[General]\nStartWithLastProfile=1\nVersion=2\n";

	if (!ct_scenario_cache_make_nssdb(run, profile, error))
		return FALSE;
	if (!g_file_set_contents(ini, contents, -1, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

gboolean
ct_scenario_setup(CtScenarioRun *run, GError **error)
{
	const gchar *dirs[] = {".config", ".local/share", ".local/state", ".cache"};
	const gchar *variables[] = {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
				    "XDG_CACHE_HOME"};
	/* no display or session of the user's, and no proxy: loopback only */
	const gchar *unset[] = {"DISPLAY",	   "WAYLAND_DISPLAY",
				"XAUTHORITY",	   "DBUS_SESSION_BUS_ADDRESS",
				"SESSION_MANAGER", "http_proxy",
				"https_proxy",	   "all_proxy",
				"no_proxy",	   "HTTP_PROXY",
				"HTTPS_PROXY",	   "ALL_PROXY",
				"NO_PROXY"};
	g_autofree gchar *runtime = NULL;
	g_autofree gchar *tmp = NULL;
	g_autofree gchar *anchors = NULL;
	g_autofree gchar *chromium = NULL;

	run->dir = ct_tmpdir_new(NULL, "scenario", error);
	if (run->dir == NULL) {
		ct_error_convert(error);
		return FALSE;
	}
	/* --keep: not deleted even when told to stop at once */
	if (run->options->keep)
		ct_cleanup_forget_dir(run->dir);
	run->home = g_build_filename(run->dir, "home", NULL);
	run->sysroot = g_build_filename(run->dir, "sysroot", NULL);
	run->cert_dir = g_build_filename(run->dir, "serve", NULL);
	run->nss_dir = g_build_filename(run->dir, "nssdb", NULL);
	runtime = g_build_filename(run->dir, "run", NULL);
	/* a Fedora-like OS store: certtrust writes anchors there and runs nothing */
	anchors = g_build_filename(run->sysroot, "etc", "pki", "ca-trust", "source", "anchors",
				   NULL);
	chromium = run->layout == CT_SCENARIO_LAYOUT_LEGACY
		       ? g_build_filename(run->home, ".pki", "nssdb", NULL)
		       : g_build_filename(run->home, ".local", "share", "pki", "nssdb", NULL);

	run->envp = g_get_environ();
	run->envp = g_environ_setenv(run->envp, "HOME", run->home, TRUE);
	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree gchar *dir = g_build_filename(run->home, dirs[i], NULL);
		if (!ct_scenario_mkdir(dir, error))
			return FALSE;
		run->envp = g_environ_setenv(run->envp, variables[i], dir, TRUE);
	}
	for (guint i = 0; i < G_N_ELEMENTS(unset); i++)
		run->envp = g_environ_unsetenv(run->envp, unset[i]);
	run->envp = g_environ_setenv(run->envp, "XDG_RUNTIME_DIR", runtime, TRUE);
	run->envp = g_environ_setenv(run->envp, "NO_COLOR", "1", TRUE);
	run->envp = g_environ_setenv(run->envp, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
	/* the user's settings neither read nor written (dconf, gvfs): the scenario's own */
	run->envp = g_environ_setenv(run->envp, "GSETTINGS_BACKEND", "memory", TRUE);
	run->envp = g_environ_setenv(run->envp, "GIO_USE_VFS", "local", TRUE);
	if (!ct_scenario_mkdir(runtime, error) || !ct_scenario_mkdir(anchors, error) ||
	    !ct_scenario_mkdir(run->cert_dir, error))
		return FALSE;
	/* what the commands leave in TMPDIR goes with the scenario */
	tmp = g_build_filename(run->dir, "tmp", NULL);
	if (!ct_scenario_mkdir(tmp, error))
		return FALSE;
	run->envp = g_environ_setenv(run->envp, "TMPDIR", tmp, TRUE);
	if (!ct_scenario_make_firefox(run, error) ||
	    !ct_scenario_cache_make_nssdb(run, chromium, error)) {
		g_prefix_error(error, "the scenario's browser profiles: ");
		return FALSE;
	}
	if (run->scenario->server != NULL)
		return ct_scenario_external_read(run, error);
	if (!ct_scenario_cache_take_certificates(run, error) ||
	    !ct_scenario_serve_start(run, FALSE, NULL, error))
		return FALSE;
	ct_scenario_cache_give_certificates(run);
	return TRUE;
}

void
ct_scenario_teardown(CtScenarioRun *run)
{
	ct_scenario_serve_stop(run);
	if (run->dir != NULL && !run->options->keep)
		ct_tmpdir_remove(run->dir);
	g_free(run->dir);
	g_free(run->home);
	g_free(run->sysroot);
	g_free(run->cert_dir);
	g_free(run->nss_dir);
	g_strfreev(run->envp);
	g_ptr_array_unref(run->resolve);
	g_free(run->sha256);
	g_hash_table_unref(run->files);
	g_hash_table_unref(run->roles);
	g_free(run->trusted_sha256);
	g_free(run->presented);
}
