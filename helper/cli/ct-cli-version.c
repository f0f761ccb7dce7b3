/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <dlfcn.h>
#include <libsoup/soup.h>

#include "ct-cli.h"
#include "ct-json.h"
#include "ct-nssdb.h"

/* --version: certtrust's own version, then the versions of the libraries it runs with (the
 * ones loaded now, not the ones it was built against): what a bug report needs */

typedef const char *(*CtCliGnutlsCheckVersion)(const char *req_version);

/* TLS is glib-networking's (a GIO module): its backend's name, and the GnuTLS version when
 * that backend is GnuTLS; certtrust does not link GnuTLS, it asks the copy the module
 * loaded (RTLD_NOLOAD: nothing is loaded for the question) */
static gchar *
ct_cli_version_get_tls(const gchar **backend_name)
{
	GTlsBackend *backend = g_tls_backend_get_default();
	void *handle = NULL;
	CtCliGnutlsCheckVersion check_version = NULL;
	gchar *version = NULL;

	*backend_name = backend != NULL ? G_OBJECT_TYPE_NAME(backend) : NULL;
	handle = dlopen("libgnutls.so.30", RTLD_LAZY | RTLD_NOLOAD);
	if (handle == NULL)
		return NULL;
	check_version = (CtCliGnutlsCheckVersion)dlsym(handle, "gnutls_check_version");
	if (check_version != NULL)
		version = g_strdup(check_version(NULL));
	dlclose(handle);
	return version;
}

gboolean
ct_cli_print_version(CtCli *cli)
{
	g_autofree gchar *glib = g_strdup_printf("%u.%u.%u", glib_major_version, glib_minor_version,
						 glib_micro_version);
	g_autofree gchar *soup = g_strdup_printf("%u.%u.%u", soup_get_major_version(),
						 soup_get_minor_version(),
						 soup_get_micro_version());
	const gchar *backend = NULL;
	g_autofree gchar *gnutls = ct_cli_version_get_tls(&backend);

	if (cli->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "version", PACKAGE_VERSION);
		ct_json_begin_object_member(builder, "libraries");
		ct_json_add_string(builder, "nss", ct_nssdb_get_version());
		ct_json_add_string(builder, "glib", glib);
		ct_json_add_string(builder, "libsoup", soup);
		ct_json_add_string(builder, "gnutls", gnutls);
		ct_json_add_string(builder, "tls_backend", backend);
		json_builder_end_object(builder);
		json_builder_end_object(builder);
		ct_cli_print_json(cli, builder);
		return TRUE;
	}
	ct_cli_print(cli,
		     "certtrust %s\n"
		     "  NSS      %s\n"
		     "  GLib     %s\n"
		     "  libsoup  %s\n"
		     "  GnuTLS   %s (TLS: glib-networking's %s)\n",
		     PACKAGE_VERSION, ct_nssdb_get_version(), glib, soup,
		     gnutls != NULL ? gnutls : "not loaded", backend != NULL ? backend : "none");
	return TRUE;
}
