/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>

#include "ct-test.h"

gchar *
ct_test_data_path(const gchar *name)
{
	const gchar *dir = g_getenv("CT_TEST_DATADIR");
	cr_assert(dir != NULL, "CT_TEST_DATADIR is not set: run the tests with meson test");
	return g_build_filename(dir, name, NULL);
}

GBytes *
ct_test_data_bytes(const gchar *name)
{
	g_autofree gchar *path = ct_test_data_path(name);
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &contents, &len, &error))
		cr_assert_fail("test data %s: %s", path, error->message);
	return g_bytes_new_take(contents, len);
}

gboolean
ct_test_clock_is_faked(void)
{
	return g_getenv("FAKETIME") != NULL;
}

gchar **
ct_test_environ_to_kill(void)
{
	return g_environ_unsetenv(g_get_environ(), "FAKETIME_SHARED");
}

const gchar *
ct_test_browser_unavailable(const gchar *browser)
{
	gboolean firefox = g_strcmp0(browser, "firefox") == 0;
	const gchar *path = g_getenv(firefox ? "CT_FIREFOX" : "CT_CHROMIUM");

	if (path == NULL || path[0] == '\0')
		path = firefox ? "/usr/lib/firefox-esr/firefox-esr" : "/usr/lib/chromium/chromium";
	if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE))
		return firefox ? "Firefox ESR is not installed (Debian package firefox-esr)"
			       : "Chromium is not installed (Debian package chromium)";
	if (ct_test_clock_is_faked())
		return "a real browser is not launched under a faked clock (libfaketime)";
	return NULL;
}

gchar *
ct_test_tmpdir_new(void)
{
	g_autoptr(GError) error = NULL;
	gchar *path = g_dir_make_tmp("certtrust-test-XXXXXX", &error);
	if (path == NULL)
		cr_assert_fail("temp dir: %s", error->message);
	return path;
}

static void
ct_test_remove_tree(const gchar *path)
{
	g_autoptr(GDir) dir = NULL;
	const gchar *name;

	if (g_file_test(path, G_FILE_TEST_IS_SYMLINK) || !g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_unlink(path);
		return;
	}
	g_chmod(path, 0700);
	dir = g_dir_open(path, 0, NULL);
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);
		ct_test_remove_tree(child);
	}
	g_rmdir(path);
}

void
ct_test_tmpdir_remove(const gchar *path)
{
	if (path == NULL)
		return;
	ct_test_remove_tree(path);
}

gchar *
ct_test_private_home(const gchar *dir)
{
	g_autofree gchar *home = g_build_filename(dir, "home", NULL);
	g_autofree gchar *config = g_build_filename(home, ".config", NULL);
	g_autofree gchar *data = g_build_filename(home, ".local", "share", NULL);
	g_autofree gchar *state = g_build_filename(home, ".local", "state", NULL);
	g_autofree gchar *ini_dir = g_build_filename(home, ".mozilla", "firefox", NULL);
	g_autofree gchar *ini = g_build_filename(ini_dir, "profiles.ini", NULL);
	gchar *profile = g_build_filename(ini_dir, "abcd.default-esr", NULL);

	g_setenv("HOME", home, TRUE);
	g_setenv("XDG_CONFIG_HOME", config, TRUE);
	g_setenv("XDG_DATA_HOME", data, TRUE);
	g_setenv("XDG_STATE_HOME", state, TRUE);
	cr_assert_eq(g_mkdir_with_parents(profile, 0700), 0);
	cr_assert(g_file_set_contents(ini,
				      "[Profile0]\nName=default-esr\nIsRelative=1\n"
				      "Path=abcd.default-esr\nDefault=1\n\n[General]\n"
				      "StartWithLastProfile=1\nVersion=2\n",
				      -1, NULL));
	return profile;
}

void
ct_test_run_free(CtTestRun *run)
{
	g_free(run->out);
	g_free(run->err);
	g_free(run);
}

CtTestRun *
ct_test_run(const gchar *const *argv, GBytes *stdin_bytes)
{
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_autoptr(GBytes) out = NULL;
	g_autoptr(GBytes) err = NULL;
	CtTestRun *run = g_new0(CtTestRun, 1);
	GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;

	if (g_strcmp0(argv[0], "certtrust") == 0) {
		const gchar *exe = g_getenv("CT_CERTTRUST");
		cr_assert(exe != NULL, "CT_CERTTRUST is not set: run the tests with meson test");
		g_ptr_array_add(args, (gpointer)exe);
	} else {
		g_ptr_array_add(args, (gpointer)argv[0]);
	}
	for (guint i = 1; argv[i] != NULL; i++)
		g_ptr_array_add(args, (gpointer)argv[i]);
	g_ptr_array_add(args, NULL);

	flags |= stdin_bytes != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE
				     : G_SUBPROCESS_FLAGS_STDIN_INHERIT;
	launcher = g_subprocess_launcher_new(flags);
	/* leak checking works in the spawned program, not inside Criterion's workers */
	if (g_strcmp0(argv[0], "certtrust") == 0 &&
	    g_getenv("CT_TEST_CERTTRUST_ASAN_OPTIONS") != NULL)
		g_subprocess_launcher_setenv(launcher, "ASAN_OPTIONS",
					     g_getenv("CT_TEST_CERTTRUST_ASAN_OPTIONS"), TRUE);
	proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)args->pdata, &error);
	if (proc == NULL)
		cr_assert_fail("cannot run %s: %s", (const gchar *)args->pdata[0], error->message);
	if (!g_subprocess_communicate(proc, stdin_bytes, NULL, &out, &err, &error))
		cr_assert_fail("communicating with %s: %s", (const gchar *)args->pdata[0],
			       error->message);
	run->exit_status = g_subprocess_get_if_exited(proc) ? g_subprocess_get_exit_status(proc)
							    : -1;
	/* an empty GBytes has no data: empty output is "" */
	run->out = g_strndup(g_bytes_get_size(out) > 0 ? g_bytes_get_data(out, NULL) : "",
			     g_bytes_get_size(out));
	run->err = g_strndup(g_bytes_get_size(err) > 0 ? g_bytes_get_data(err, NULL) : "",
			     g_bytes_get_size(err));
	return run;
}

CtTestRun *
ct_test_run_certtrust(const gchar *first, ...)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	va_list args;

	g_ptr_array_add(argv, (gpointer) "certtrust");
	va_start(args, first);
	for (const gchar *arg = first; arg != NULL; arg = va_arg(args, const gchar *))
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	return ct_test_run((const gchar *const *)argv->pdata, NULL);
}

CtTestRun *
ct_test_run_shell(const gchar *command_line)
{
	const gchar *argv[] = {"/bin/sh", "-c", command_line, NULL};
	return ct_test_run(argv, NULL);
}

gchar *
ct_test_certutil_text(const gchar *dir)
{
	g_autofree gchar *cmd = g_strdup_printf("certutil -L -d 'sql:%s'", dir);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);

	cr_assert_eq(run->exit_status, 0, "%s: %s", cmd, run->err);
	return g_strdup(run->out);
}

gchar *
ct_test_nss_store_new(const gchar *dir)
{
	g_autofree gchar *cmd =
	    g_strdup_printf("mkdir -p '%s' && certutil -N -d 'sql:%s' --empty-password", dir, dir);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);

	cr_assert_eq(run->exit_status, 0, "%s: %s", cmd, run->err);
	return g_strconcat("nss:", dir, NULL);
}

gchar *
ct_test_sha256_of(const gchar *name)
{
	g_autofree gchar *path = ct_test_data_path(name);
	g_autofree gchar *cmd =
	    g_strdup_printf("openssl x509 -in '%s' -noout -fingerprint -sha256 | cut -d= -f2",
			    path);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);

	cr_assert_eq(run->exit_status, 0, "%s: %s", cmd, run->err);
	return g_strstrip(g_strdup(run->out));
}

/* in the child: killed when the test's process ends, even by a failed assertion, so that
 * no server of a test outlives it (and holds meson's pipes open) */
static void
ct_test_die_with_parent(gpointer data)
{
	(void)data;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocess *
ct_test_spawn_tied(const gchar *const *argv, GError **error)
{
	g_autoptr(GSubprocessLauncher)
	    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);

	g_subprocess_launcher_set_child_setup(launcher, ct_test_die_with_parent, NULL, NULL);
	return g_subprocess_launcher_spawnv(launcher, argv, error);
}

/* the end of the first JSON object or array in text, or NULL */
static const gchar *
ct_test_json_value_end(const gchar *text)
{
	gint depth = 0;
	gboolean in_string = FALSE;

	for (const gchar *p = text; *p != '\0'; p++) {
		if (in_string) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				in_string = FALSE;
			continue;
		}
		if (*p == '"') {
			in_string = TRUE;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			depth--;
			if (depth == 0)
				return p + 1;
		}
	}
	return NULL;
}

JsonNode *
ct_test_parse_one_json_document(const gchar *text)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	const gchar *start = text;
	const gchar *end;

	/* json-glib accepts two documents back to back: find the end of the first */
	while (g_ascii_isspace(*start))
		start++;
	cr_assert(*start == '{', "stdout is not a JSON object: \"%s\"", text);
	end = ct_test_json_value_end(start);
	cr_assert_not_null(end, "unterminated JSON on stdout: \"%s\"", text);
	while (g_ascii_isspace(*end))
		end++;
	cr_assert(*end == '\0', "more than one JSON document on stdout: \"%s\"", text);
	if (!json_parser_load_from_data(parser, text, -1, &error))
		cr_assert_fail("stdout is not valid JSON: %s: \"%s\"", error->message, text);
	return json_node_copy(json_parser_get_root(parser));
}

CtChain *
ct_test_load_chain(const gchar *name)
{
	g_autofree gchar *path = ct_test_data_path(name);
	g_autoptr(GError) error = NULL;
	CtChain *chain = ct_chain_load_file(path, NULL, &error);
	cr_assert_not_null(chain, "%s: %s", name, error != NULL ? error->message : "");
	return chain;
}

static guint
ct_test_url_port(const gchar *url)
{
	g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
	return uri != NULL ? (guint)g_uri_get_port(uri) : 0;
}

static gboolean
ct_test_strv_has(const gchar *const *strv, const gchar *word)
{
	return strv != NULL && g_strv_contains(strv, word);
}

CtTestServer *
ct_test_server_start(const gchar *profile, const gchar *cert_dir, const gchar *const *extra)
{
	return ct_test_server_start_wrapped(NULL, profile, cert_dir, extra);
}

CtTestServer *
ct_test_server_start_wrapped(const gchar *const *wrapper,
			     const gchar *profile,
			     const gchar *cert_dir,
			     const gchar *const *extra)
{
	const gchar *exe = g_getenv("CT_CERTTRUST");
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	CtTestServer *server = g_new0(CtTestServer, 1);
	JsonObject *object;

	cr_assert(exe != NULL, "CT_CERTTRUST is not set: run the tests with meson test");
	for (guint i = 0; wrapper != NULL && wrapper[i] != NULL; i++)
		g_ptr_array_add(args, (gpointer)wrapper[i]);
	g_ptr_array_add(args, (gpointer)exe);
	g_ptr_array_add(args, (gpointer) "serve");
	g_ptr_array_add(args, (gpointer) "--json");
	g_ptr_array_add(args, (gpointer) "--profile");
	g_ptr_array_add(args, (gpointer)profile);
	g_ptr_array_add(args, (gpointer) "--name");
	g_ptr_array_add(args, (gpointer) "ucm.example.com");
	/* any free port, unless the caller names one (an option is given once) */
	if (!ct_test_strv_has(extra, "--https-port")) {
		g_ptr_array_add(args, (gpointer) "--https-port");
		g_ptr_array_add(args, (gpointer) "0");
	}
	if (!ct_test_strv_has(extra, "--http-port")) {
		g_ptr_array_add(args, (gpointer) "--http-port");
		g_ptr_array_add(args, (gpointer) "0");
	}
	g_ptr_array_add(args, (gpointer) "--cert-dir");
	g_ptr_array_add(args, (gpointer)cert_dir);
	for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
		g_ptr_array_add(args, (gpointer)extra[i]);
	g_ptr_array_add(args, NULL);
	server->process = ct_test_spawn_tied((const gchar *const *)args->pdata, &error);
	if (server->process == NULL)
		cr_assert_fail("cannot start certtrust serve: %s", error->message);

	/* the JSON document ends with a "}" line; then the server is listening */
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(server->process));
	for (;;) {
		g_autofree gchar *line = g_data_input_stream_read_line(out, NULL, NULL, &error);
		if (line == NULL)
			cr_assert_fail("certtrust serve --profile %s stopped: %s", profile,
				       text->str);
		g_string_append_printf(text, "%s\n", line);
		if (g_strcmp0(line, "}") == 0)
			break;
	}
	if (!json_parser_load_from_data(parser, text->str, -1, &error))
		cr_assert_fail("serve printed no JSON: %s", text->str);
	server->document = json_node_copy(json_parser_get_root(parser));
	object = json_node_get_object(server->document);
	cr_assert(json_object_has_member(object, "https_url"), "%s", text->str);
	server->https_url = g_strdup(json_object_get_string_member(object, "https_url"));
	server->http_url = g_strdup(json_object_get_string_member(object, "http_url"));
	server->https_port = ct_test_url_port(server->https_url);
	server->http_port = ct_test_url_port(server->http_url);
	server->cert_dir = g_strdup(cert_dir);
	return server;
}

void
ct_test_server_stop(CtTestServer *server)
{
	if (server == NULL)
		return;
	g_subprocess_send_signal(server->process, SIGTERM);
	g_subprocess_wait(server->process, NULL, NULL);
	g_object_unref(server->process);
	json_node_unref(server->document);
	g_free(server->https_url);
	g_free(server->http_url);
	g_free(server->cert_dir);
	g_free(server);
}

/* python3 tests/lib/NAME ARG...: it prints the port it listens on */
static CtTestPeer *
ct_test_peer_spawn(const gchar *name, const gchar *arg1, const gchar *arg2)
{
	g_autofree gchar *script = g_build_filename(g_getenv("CT_TEST_SRCDIR"), "lib", name, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	g_autofree gchar *line = NULL;
	CtTestPeer *peer = g_new0(CtTestPeer, 1);
	/* arg1 and arg2 may be NULL: the list ends there */
	const gchar *argv[] = {"python3", script, arg1, arg2, NULL};

	peer->process = ct_test_spawn_tied(argv, &error);
	if (peer->process == NULL)
		cr_assert_fail("cannot start %s: %s", script, error->message);
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(peer->process));
	line = g_data_input_stream_read_line(out, NULL, NULL, &error);
	cr_assert_not_null(line, "%s %s printed no port", name, arg1);
	peer->port = (guint)g_ascii_strtoull(line, NULL, 10);
	cr_assert_gt(peer->port, 0);
	return peer;
}

CtTestPeer *
ct_test_peer_start(const gchar *mode)
{
	return ct_test_peer_spawn("faulty-peer.py", mode, NULL);
}

CtTestPeer *
ct_test_pages_start(const gchar *cert_path, const gchar *key_path)
{
	return ct_test_peer_spawn("pages-server.py", cert_path, key_path);
}

void
ct_test_peer_stop(CtTestPeer *peer)
{
	if (peer == NULL)
		return;
	g_subprocess_force_exit(peer->process);
	g_subprocess_wait(peer->process, NULL, NULL);
	g_object_unref(peer->process);
	g_free(peer);
}

guint
ct_test_free_port(void)
{
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;
	guint port;

	socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
			      NULL);
	cr_assert_not_null(socket);
	cr_assert(g_socket_bind(socket, any, FALSE, NULL));
	bound = g_socket_get_local_address(socket, NULL);
	port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
	g_socket_close(socket, NULL);
	return port;
}

void
ct_test_wait_listening(guint port)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();

	for (guint i = 0; i < 400; i++) {
		g_autoptr(GSocketConnection) connection =
		    g_socket_client_connect_to_host(client, "127.0.0.1", (guint16)port, NULL, NULL);
		if (connection != NULL)
			return;
		g_usleep(25 * 1000);
	}
	cr_assert_fail("nothing listens on port %u", port);
}
