/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "ct-cli.h"
#include "ct-context.h"
#include "ct-json.h"
#include "ct-serve.h"
#include "ct-state.h"

static gboolean
ct_cmd_serve_stop_cb(gpointer user_data)
{
	g_main_loop_quit(user_data);
	return G_SOURCE_REMOVE;
}

/* what a hostile or broken peer caused, on stderr with the time */
static void
ct_cmd_serve_log_cb(const gchar *message, gpointer user_data)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autofree gchar *time = g_date_time_format(now, "%H:%M:%S");
	g_autofree gchar *escaped = ct_cli_escape(message);

	g_printerr("certtrust serve: %s: %s\n", time, escaped);
}

static void
ct_cmd_serve_print_json(CtCli *cli,
			CtServer *server,
			const gchar *profile,
			gchar **names,
			const gchar *cert_dir)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	GHashTableIter iter;
	gpointer key;
	gpointer value;

	json_builder_begin_object(builder);
	ct_json_add_string(builder, "profile", profile);
	json_builder_set_member_name(builder, "names");
	json_builder_begin_array(builder);
	for (guint i = 0; names != NULL && names[i] != NULL; i++)
		json_builder_add_string_value(builder, names[i]);
	json_builder_end_array(builder);
	ct_json_add_string(builder, "https_url", ct_server_get_https_url(server));
	json_builder_set_member_name(builder, "http_url");
	if (ct_server_get_http_url(server) != NULL)
		json_builder_add_string_value(builder, ct_server_get_http_url(server));
	else
		json_builder_add_null_value(builder);
	ct_json_add_boolean(builder, "generated", ct_server_get_generated(server));
	ct_json_add_string(builder, "cert_dir", cert_dir);
	json_builder_set_member_name(builder, "files");
	json_builder_begin_object(builder);
	g_hash_table_iter_init(&iter, ct_server_get_files(server));
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		ct_json_add_string(builder, key, value);
	}
	json_builder_end_object(builder);
	ct_json_add_chain_members(builder, ct_server_get_chain(server));
	json_builder_end_object(builder);
	ct_cli_print_json(cli, builder);
}

static void
ct_cmd_serve_print(CtCli *cli, CtServer *server, const gchar *profile, const gchar *cert_dir)
{
	CtCertificate *leaf = ct_chain_get_leaf(ct_server_get_chain(server));
	g_autofree gchar *subject = ct_cli_escape(leaf->subject);
	g_autofree gchar *dir = ct_cli_escape(cert_dir);

	ct_cli_print(cli,
		     "certtrust serve: profile %s, %s certificate\n"
		     "  Subject:  %s\n"
		     "  SHA-256:  %s\n"
		     "  HTTPS:    %s\n",
		     profile, ct_server_get_generated(server) ? "a new" : "the saved", subject,
		     leaf->sha256, ct_server_get_https_url(server));
	if (ct_server_get_http_url(server) != NULL)
		ct_cli_print(cli, "  HTTP:     %s\n", ct_server_get_http_url(server));
	ct_cli_print(cli, "  Copies:   %s\nPress Ctrl-C to stop.\n", dir);
}

gboolean
ct_cmd_serve(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *profile = NULL;
	g_auto(GStrv) names = NULL;
	g_autofree gchar *listen = NULL;
	g_autofree gchar *cert_dir = NULL;
	gint https_port = 8443;
	gint http_port = 8080;
	gboolean regenerate = FALSE;
	gint handshake_timeout = CT_SERVE_HANDSHAKE_TIMEOUT_DEFAULT;
	g_autoptr(GInetAddress) address = NULL;
	g_autoptr(CtServer) server = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	CtServeOptions options = {0};
	g_autofree gchar *profiles = ct_serve_profiles_describe(TRUE);
	const GOptionEntry entries[] = {
	    {"profile", 0, 0, G_OPTION_ARG_STRING, &profile, profiles, "P"},
	    {"name", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &names,
	     "Host name or address for CN and SAN (repeatable; default: this host's name)", "HOST"},
	    {"listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address (default 127.0.0.1)", "ADDR"},
	    {"https-port", 0, 0, G_OPTION_ARG_INT, &https_port, "HTTPS port (default 8443, 0: any)",
	     "N"},
	    {"http-port", 0, 0, G_OPTION_ARG_INT, &http_port,
	     "HTTP port (default 8080, 0: any, -1: none)", "N"},
	    {"cert-dir", 0, 0, G_OPTION_ARG_FILENAME, &cert_dir,
	     "Where the certificate copies go (default $XDG_STATE_HOME/certtrust/serve)", "DIR"},
	    {"regenerate", 0, 0, G_OPTION_ARG_NONE, &regenerate,
	     "Make a new certificate, as UCM does on upgrade", NULL},
	    {"handshake-timeout", 0, 0, G_OPTION_ARG_INT, &handshake_timeout,
	     "Seconds a client has for its TLS handshake (default 10)", "S"},
	    G_OPTION_ENTRY_NULL,
	};

	if (!ct_cli_parse_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (argc > 1) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "unexpected argument '%s'",
			    argv[1]);
		return FALSE;
	}
	if (https_port < 0 || https_port > 65535 || http_port < -1 || http_port > 65535) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "ports are 0 to 65535");
		return FALSE;
	}
	if (handshake_timeout < 1 || handshake_timeout > 3600) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--handshake-timeout is 1 to 3600 seconds");
		return FALSE;
	}
	if (cert_dir == NULL) {
		/* the default is certtrust's state dir, where the private key is kept: never
		 * through a symlink, never another user's (root may run with a user's HOME) */
		g_autofree gchar *state = ct_context_get_state_dir();
		cert_dir = ct_context_get_serve_dir();
		if (!ct_state_ensure_dir(state, error) || !ct_state_ensure_dir(cert_dir, error))
			return FALSE;
	}
	options.profile = profile;
	options.names = (const gchar *const *)names;
	options.listen = listen;
	options.https_port = https_port;
	options.http_port = http_port;
	options.cert_dir = cert_dir;
	options.regenerate = regenerate;
	options.handshake_timeout = (guint)handshake_timeout;
	options.log_func = ct_cmd_serve_log_cb;
	server = ct_server_new(&options, error);
	if (server == NULL)
		return FALSE;
	/* another machine can reach a test server whose certificate anyone may be told to trust */
	address = listen != NULL ? g_inet_address_new_from_string(listen) : NULL;
	if (address != NULL && !g_inet_address_get_is_loopback(address)) {
		g_autofree gchar *escaped = ct_cli_escape(listen);
		g_printerr(
		    "certtrust serve: warning: listening on %s, not loopback: other machines "
		    "can reach this test server\n",
		    escaped);
	}

	if (profile == NULL)
		profile = g_strdup(ct_serve_profiles_get_names()[0]);
	if (cli->json)
		ct_cmd_serve_print_json(cli, server, profile, names, cert_dir);
	else
		ct_cmd_serve_print(cli, server, profile, cert_dir);
	fflush(stdout);

	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGINT, ct_cmd_serve_stop_cb, loop);
	g_unix_signal_add(SIGTERM, ct_cmd_serve_stop_cb, loop);
	g_main_loop_run(loop);
	return TRUE;
}
