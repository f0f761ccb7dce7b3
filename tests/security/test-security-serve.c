/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ct-test.h"

/* `certtrust serve` under hostile peers: a burst that exhausts its files, idle
 * connections, a huge request body, methods a UCM does not answer, a listen address other
 * machines reach; seen by independent clients (openssl s_client, curl, Python's ssl) */

/* a hostile client (tests/lib/hostile-client.py MODE PORT ARG... NULL) with pipes */
static GSubprocess *
ct_serve_hostile_start(const gchar *mode, guint port, ...) G_GNUC_NULL_TERMINATED;

static GSubprocess *
ct_serve_hostile_start(const gchar *mode, guint port, ...)
{
	g_autofree gchar *script = g_build_filename(g_getenv("CT_TEST_SRCDIR"), "lib",
						    "hostile-client.py", NULL);
	g_autofree gchar *port_text = g_strdup_printf("%u", port);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	GSubprocess *process;
	const gchar *arg;
	va_list args;

	g_ptr_array_add(argv, (gpointer) "python3");
	g_ptr_array_add(argv, script);
	g_ptr_array_add(argv, (gpointer)mode);
	g_ptr_array_add(argv, port_text);
	va_start(args, port);
	while ((arg = va_arg(args, const gchar *)) != NULL)
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	process = g_subprocess_newv((const gchar *const *)argv->pdata,
				    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
				    &error);
	cr_assert_not_null(process, "cannot start hostile-client.py: %s",
			   error != NULL ? error->message : "");
	return process;
}

/* the client's next line of output, or NULL at its end */
static gchar *
ct_serve_hostile_line(GSubprocess *process, GDataInputStream **out)
{
	if (*out == NULL)
		*out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
	return g_data_input_stream_read_line(*out, NULL, NULL, NULL);
}

/* end a hold: its stdin closes, it closes its connections and exits */
static void
ct_serve_hostile_release(GSubprocess *process)
{
	g_output_stream_close(g_subprocess_get_stdin_pipe(process), NULL, NULL);
	g_subprocess_wait(process, NULL, NULL);
}

/* a GET of /ccmadmin by openssl s_client within 15 s: its output, and the seconds it took */
static gchar *
ct_serve_openssl_get(guint port, gdouble *seconds)
{
	g_autofree gchar *command = g_strdup_printf(
	    "printf 'GET /ccmadmin HTTP/1.1\\r\\nHost: ucm.example.com\\r\\nConnection: "
	    "close\\r\\n\\r\\n' | timeout 15 openssl s_client -connect 127.0.0.1:%u "
	    "-servername ucm.example.com -quiet 2>/dev/null",
	    port);
	gint64 start = g_get_monotonic_time();
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);

	if (seconds != NULL)
		*seconds = (gdouble)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
	return g_strdup(run->out);
}

#define CT_SERVE_PAGE_MARKER "data-marker=\"certtrust-serve/ccmadmin\""

static gchar *
ct_serve_read_log(const gchar *path)
{
	gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return g_strdup("");
	return text;
}

/* serve's memory budget under hostile peers: 64 MiB; a build under AddressSanitizer (the test and
 * certtrust are built alike) keeps shadow memory and a quarantine of freed blocks, whose
 * documented overhead is about 3x */
#if defined(__SANITIZE_ADDRESS__)
#define CT_SERVE_PEAK_BUDGET_KIB (3 * 64 * 1024)
#else
#define CT_SERVE_PEAK_BUDGET_KIB (64 * 1024)
#endif

/* VmHWM (the peak resident size) of a process, in KiB */
static guint64
ct_serve_peak_kib(GSubprocess *process)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%s/status",
						 g_subprocess_get_identifier(process));
	g_autofree gchar *status = NULL;
	const gchar *line;

	cr_assert(g_file_get_contents(path, &status, NULL, NULL), "cannot read %s", path);
	line = strstr(status, "VmHWM:");
	cr_assert_not_null(line, "%s has no VmHWM", path);
	return g_ascii_strtoull(line + strlen("VmHWM:"), NULL, 10);
}

/* 200 connections at a limit of 64 files: accept() fails with EMFILE; once they are gone
 * HTTPS answers again, and stderr said what happened */
Test(serve, an_accept_error_does_not_turn_https_off)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	g_autofree gchar *log = g_build_filename(dir, "serve.log", NULL);
	const gchar *wrapper[] = {"prlimit", "--nofile=64:64",	     "sh",
				  "-c",	     "exec \"$@\" 2>\"$0\"", log,
				  NULL};
	const gchar *extra[] = {"--http-port", "-1", NULL};
	CtTestServer *server = ct_test_server_start_wrapped(wrapper, "tomcat", certs, extra);
	GSubprocess *hold = ct_serve_hostile_start("hold", server->https_port, "200", NULL);
	g_autoptr(GDataInputStream) out = NULL;
	g_autofree gchar *ready = ct_serve_hostile_line(hold, &out);
	g_autofree gchar *page = NULL;
	g_autofree gchar *text = NULL;

	/* more than its 64 files: serve's accept() failed */
	cr_assert(ready != NULL && g_str_has_prefix(ready, "ready ") &&
		      g_ascii_strtoull(ready + strlen("ready "), NULL, 10) > 64,
		  "%s", ready);
	g_usleep(G_USEC_PER_SEC);
	ct_serve_hostile_release(hold);
	g_object_unref(hold);
	g_usleep(G_USEC_PER_SEC / 2);

	page = ct_serve_openssl_get(server->https_port, NULL);
	text = ct_serve_read_log(log);
	ct_test_server_stop(server);
	ct_test_tmpdir_remove(dir);
	cr_expect(strstr(page, CT_SERVE_PAGE_MARKER) != NULL,
		  "HTTPS no longer answers after accept errors: '%s'", page);
	cr_expect(strstr(text, "cannot accept a connection") != NULL &&
		      strstr(text, "Too many open files") != NULL,
		  "stderr does not say that accepting failed: '%s'", text);
}

/* 300 peers that connect and say nothing must not keep a real client waiting */
Test(serve, idle_connections_do_not_block_https)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	const gchar *extra[] = {"--http-port", "-1", NULL};
	CtTestServer *server = ct_test_server_start("tomcat", certs, extra);
	GSubprocess *hold = ct_serve_hostile_start("hold", server->https_port, "300", NULL);
	g_autoptr(GDataInputStream) out = NULL;
	g_autofree gchar *ready = ct_serve_hostile_line(hold, &out);
	g_autofree gchar *page = NULL;
	gdouble seconds = 0;

	cr_assert_str_eq(ready, "ready 300");
	g_usleep(G_USEC_PER_SEC / 2);
	page = ct_serve_openssl_get(server->https_port, &seconds);
	ct_serve_hostile_release(hold);
	g_object_unref(hold);
	ct_test_server_stop(server);
	ct_test_tmpdir_remove(dir);
	cr_expect(strstr(page, CT_SERVE_PAGE_MARKER) != NULL,
		  "no page while 300 idle connections are open: '%s'", page);
	cr_expect(seconds < 5, "the page took %.1f s with 300 idle connections open", seconds);
}

/* a peer that never starts its TLS handshake loses its connection after 10 s (the default) */
Test(serve, the_tls_handshake_has_a_time_limit)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	const gchar *extra[] = {"--http-port", "-1", NULL};
	CtTestServer *server = ct_test_server_start("tomcat", certs, extra);
	GSubprocess *idle = ct_serve_hostile_start("idle", server->https_port, "20", "25", NULL);
	g_autoptr(GDataInputStream) out = NULL;
	g_autofree gchar *line = ct_serve_hostile_line(idle, &out);
	guint closed = 0;
	gdouble seconds = -1;

	ct_serve_hostile_release(idle);
	g_object_unref(idle);
	ct_test_server_stop(server);
	ct_test_tmpdir_remove(dir);
	cr_assert_not_null(line);
	cr_assert_eq(sscanf(line, "closed %u seconds %lf", &closed, &seconds), 2, "%s", line);
	cr_expect_eq(closed, 20, "serve closed %u of 20 idle connections in 25 s", closed);
	cr_expect(seconds >= 8 && seconds < 16,
		  "idle connections were closed after %.1f s, not about 10 s", seconds);
}

/* a POST that declares 1 GiB and sends 256 MiB gets 413 without the body being kept */
Test(serve, a_huge_request_body_is_refused_unread)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	const gchar *extra[] = {"--http-port", "-1", NULL};
	CtTestServer *server = ct_test_server_start("tomcat", certs, extra);
	GSubprocess *post = ct_serve_hostile_start("post", server->https_port, "/axl", "1073741824",
						   "268435456", NULL);
	g_autoptr(GSubprocess) put = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	g_autoptr(GDataInputStream) put_out = NULL;
	g_autofree gchar *status = NULL;
	g_autofree gchar *put_status = NULL;
	g_autofree gchar *put_allow = NULL;
	guint64 peak;

	status = ct_serve_hostile_line(post, &out);
	ct_serve_hostile_release(post);
	g_object_unref(post);
	put = ct_serve_hostile_start("post", server->https_port, "/ccmadmin", "1073741824",
				     "268435456", NULL);
	put_status = ct_serve_hostile_line(put, &put_out);
	put_allow = ct_serve_hostile_line(put, &put_out);
	ct_serve_hostile_release(put);
	peak = ct_serve_peak_kib(server->process);
	ct_test_server_stop(server);
	ct_test_tmpdir_remove(dir);
	cr_expect_str_eq(status, "status 413");
	cr_expect_str_eq(put_status, "status 405");
	cr_expect_str_eq(put_allow, "allow GET, HEAD");
	cr_expect(peak < CT_SERVE_PEAK_BUDGET_KIB, "serve's peak RSS was %" G_GUINT64_FORMAT " KiB",
		  peak);
}

/* curl's status for METHOD on path (-k: the test server's certificate is not trusted) */
static gchar *
ct_serve_curl(guint port, const gchar *method, const gchar *path, const gchar *data)
{
	g_autofree gchar *command = g_strdup_printf(
	    "curl -sk -m 15 -o /dev/null -D - -X %s %s%s%s https://127.0.0.1:%u%s | "
	    "tr -d '\\r' | grep -i -E '^(HTTP/|allow:)' | tr '\\n' ' '",
	    method, data != NULL ? "--data-binary '" : "", data != NULL ? data : "",
	    data != NULL ? "'" : "", port, path);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	return g_strdup(g_strstrip(run->out));
}

/* Tomcat answers GET and HEAD (and the SOAP API's POST); everything else gets 405 and Allow */
Test(serve, methods_a_ucm_does_not_answer_get_405)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	const gchar *extra[] = {"--http-port", "-1", NULL};
	CtTestServer *server = ct_test_server_start("tomcat", certs, extra);
	guint port = server->https_port;
	g_autofree gchar *get = ct_serve_curl(port, "GET", "/ccmadmin", NULL);
	g_autofree gchar *head = ct_serve_curl(port, "HEAD", "/ccmadmin", NULL);
	g_autofree gchar *soap = ct_serve_curl(port, "POST", "/axl", "<getCCMVersion/>");
	g_autofree gchar *post = ct_serve_curl(port, "POST", "/ccmadmin", "a=b");
	g_autofree gchar *del = ct_serve_curl(port, "DELETE", "/ccmadmin", NULL);
	g_autofree gchar *options = ct_serve_curl(port, "OPTIONS", "/", NULL);
	g_autofree gchar *trace = ct_serve_curl(port, "TRACE", "/", NULL);
	g_autofree gchar *put = ct_serve_curl(port, "PUT", "/axl", "x");

	ct_test_server_stop(server);
	ct_test_tmpdir_remove(dir);
	cr_expect_str_eq(get, "HTTP/1.1 200 OK");
	cr_expect_str_eq(head, "HTTP/1.1 200 OK");
	cr_expect_str_eq(soap, "HTTP/1.1 200 OK");
	cr_expect_str_eq(post, "HTTP/1.1 405 Method Not Allowed Allow: GET, HEAD");
	cr_expect_str_eq(del, "HTTP/1.1 405 Method Not Allowed Allow: GET, HEAD");
	cr_expect_str_eq(options, "HTTP/1.1 405 Method Not Allowed Allow: GET, HEAD");
	cr_expect_str_eq(trace, "HTTP/1.1 405 Method Not Allowed Allow: GET, HEAD");
	cr_expect_str_eq(put, "HTTP/1.1 405 Method Not Allowed Allow: GET, HEAD, POST");
}

/* other machines can reach --listen 0.0.0.0: stderr says so (in a network namespace of
 * its own, where only an unconfigured loopback exists) */
Test(serve, a_listen_address_beyond_loopback_warns)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	g_autofree gchar *log = g_build_filename(dir, "serve.log", NULL);
	g_autofree gchar *loopback_log = g_build_filename(dir, "loopback.log", NULL);
	const gchar *wrapper[] = {"unshare", "-n", "sh", "-c", "exec \"$@\" 2>\"$0\"", log, NULL};
	const gchar *loopback_wrapper[] = {"sh", "-c", "exec \"$@\" 2>\"$0\"", loopback_log, NULL};
	const gchar *extra[] = {"--listen", "0.0.0.0", "--http-port", "-1", NULL};
	const gchar *loopback_extra[] = {"--http-port", "-1", NULL};
	CtTestServer *server = ct_test_server_start_wrapped(wrapper, "tomcat", certs, extra);
	g_autofree gchar *text = NULL;
	g_autofree gchar *loopback_text = NULL;

	ct_test_server_stop(server);
	server = ct_test_server_start_wrapped(loopback_wrapper, "tomcat", certs, loopback_extra);
	ct_test_server_stop(server);
	text = ct_serve_read_log(log);
	loopback_text = ct_serve_read_log(loopback_log);
	ct_test_tmpdir_remove(dir);
	cr_expect(strstr(text, "warning: listening on 0.0.0.0, not loopback") != NULL,
		  "no warning for --listen 0.0.0.0: '%s'", text);
	cr_expect(strstr(loopback_text, "warning") == NULL, "a warning on loopback: '%s'",
		  loopback_text);
}

/* a TLS 1.2 client asks to renegotiate (openssl s_client's R): the connection ends and
 * the request after it gets nothing; without R the same client gets the page */
Test(serve, client_renegotiation_is_refused)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	const gchar *extra[] = {"--http-port", "-1", NULL};
	CtTestServer *server = ct_test_server_start("tomcat", certs, extra);
	const gchar *request = "printf 'GET /ccmadmin HTTP/1.1\\r\\nHost: ucm.example.com\\r\\n"
			       "Connection: close\\r\\n\\r\\n'";
	g_autofree gchar *renegotiate = g_strdup_printf(
	    "(printf 'R\\n'; sleep 2; %s; sleep 2) | timeout 15 openssl s_client -connect "
	    "127.0.0.1:%u -servername ucm.example.com -tls1_2 2>&1",
	    request, server->https_port);
	g_autofree gchar *plain = g_strdup_printf(
	    "(sleep 1; %s; sleep 2) | timeout 15 openssl s_client -connect 127.0.0.1:%u "
	    "-servername ucm.example.com -tls1_2 2>&1",
	    request, server->https_port);
	g_autoptr(CtTestRun) refused = ct_test_run_shell(renegotiate);
	g_autoptr(CtTestRun) served = ct_test_run_shell(plain);

	ct_test_server_stop(server);
	ct_test_tmpdir_remove(dir);
	cr_expect(strstr(refused->out, "RENEGOTIATING") != NULL, "s_client did not try: %s",
		  refused->out);
	cr_expect(strstr(refused->out, CT_SERVE_PAGE_MARKER) == NULL,
		  "the page came after a renegotiation: %s", refused->out);
	cr_expect(strstr(served->out, CT_SERVE_PAGE_MARKER) != NULL,
		  "no page over TLS 1.2 without renegotiation: %s", served->out);
}

/* files open in a process (/proc/PID/fd) */
static guint
ct_serve_open_files(GSubprocess *process)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%s/fd",
						 g_subprocess_get_identifier(process));
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	guint count = 0;

	cr_assert_not_null(dir, "cannot list %s", path);
	while (g_dir_read_name(dir) != NULL)
		count++;
	return count;
}

/* connections to port in CLOSE-WAIT (the peer left, serve has not closed), by ss */
static guint
ct_serve_close_wait(guint port)
{
	g_autofree gchar *command =
	    g_strdup_printf("ss -Htan state close-wait '( sport = :%u )' | wc -l", port);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	return (guint)g_ascii_strtoull(run->out, NULL, 10);
}

/* 1,000 clients that send a ClientHello and leave: within 10 s no socket is left half
 * open, serve has the files it had before, its memory stayed small, and HTTPS answers */
Test(serve, a_handshake_flood_leaves_nothing_behind)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	const gchar *extra[] = {"--http-port", "-1", NULL};
	CtTestServer *server = ct_test_server_start("tomcat", certs, extra);
	/* one good request first: what serve opens once (a thread pool's, GnuTLS's) is open */
	g_autofree gchar *first = ct_serve_openssl_get(server->https_port, NULL);
	guint files = ct_serve_open_files(server->process);
	gint64 flood_start = g_get_monotonic_time();
	GSubprocess *flood = ct_serve_hostile_start("flood", server->https_port, "1000", NULL);
	g_autoptr(GDataInputStream) out = NULL;
	g_autofree gchar *flooded = ct_serve_hostile_line(flood, &out);
	gint64 start = g_get_monotonic_time();
	gdouble flood_seconds = (gdouble)(start - flood_start) / G_USEC_PER_SEC;
	guint close_wait = 0;
	guint files_after = 0;
	guint64 peak;
	g_autofree gchar *page = NULL;
	gdouble seconds = 0;

	ct_serve_hostile_release(flood);
	g_object_unref(flood);
	cr_assert_str_eq(flooded, "flooded 1000");
	do {
		g_usleep(G_USEC_PER_SEC / 2);
		close_wait = ct_serve_close_wait(server->https_port);
		files_after = ct_serve_open_files(server->process);
	} while ((close_wait > 0 || files_after > files) &&
		 g_get_monotonic_time() - start < 10 * G_USEC_PER_SEC);
	page = ct_serve_openssl_get(server->https_port, &seconds);
	peak = ct_serve_peak_kib(server->process);
	ct_test_server_stop(server);
	ct_test_tmpdir_remove(dir);
	/* serve takes them as fast as they come (it took them a few at a time) */
	cr_expect(flood_seconds < 30, "1,000 connections took %.1f s", flood_seconds);
	cr_expect(strstr(first, CT_SERVE_PAGE_MARKER) != NULL, "no page before the flood");
	cr_expect_eq(close_wait, 0, "%u sockets in CLOSE-WAIT 10 s after the flood", close_wait);
	cr_expect(files_after <= files, "%u files open after the flood, %u before", files_after,
		  files);
	cr_expect(peak < CT_SERVE_PEAK_BUDGET_KIB, "serve's peak RSS was %" G_GUINT64_FORMAT " KiB",
		  peak);
	cr_expect(strstr(page, CT_SERVE_PAGE_MARKER) != NULL && seconds < 5,
		  "after the flood the page took %.1f s: '%s'", seconds, page);
}
