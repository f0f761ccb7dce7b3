/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-error.h"
#include "ct-source.h"

static const gchar *
ct_test_kind_name(CtSourceKind kind)
{
	switch (kind) {
	case CT_SOURCE_KIND_FILE:
		return "file";
	case CT_SOURCE_KIND_STDIN:
		return "stdin";
	case CT_SOURCE_KIND_URL:
		return "url";
	case CT_SOURCE_KIND_HOST_PORT:
		return "host-port";
	case CT_SOURCE_KIND_FINGERPRINT:
		return "fingerprint";
	default:
		return "?";
	}
}

static void
ct_test_assert_kinds(const gchar *const cases[][2], guint n)
{
	for (guint i = 0; i < n; i++) {
		const gchar *kind = ct_test_kind_name(ct_source_classify(cases[i][0]));
		cr_assert_str_eq(kind, cases[i][1], "%s", cases[i][0]);
	}
}

/* what a SOURCE names when no file of that name exists */
Test(source, classify)
{
	const gchar *const cases[][2] = {
	    {"-", "stdin"},
	    {"https://ucm.example/", "url"},
	    {"https://[::1]:8443/ccmadmin", "url"},
	    {"http://ucm.example/", "url"},
	    {"ftp://ucm.example/", "url"},
	    {"./certificate", "file"},
	    {"certs/leaf", "file"},
	    {"/no/such/dir/ucm.example:443", "file"},
	    {"leaf.pem", "file"},
	    {"leaf.der", "file"},
	    {"leaf.cer", "file"},
	    {"leaf.crt", "file"},
	    {"chain.p7b", "file"},
	    {"chain.p7c", "file"},
	    {"chain.txt", "file"},
	    /* one word without a dot or a port: a missing file, never a DNS look-up */
	    {"nosuchfile", "file"},
	    {"localhost", "file"},
	    {"deadbeef", "file"},
	    {"ucm:443", "host-port"},
	    {"localhost:8443", "host-port"},
	    {"ucm.example", "host-port"},
	    {"UCM.Example:8443", "host-port"},
	    {"b\xc3\xbc"
	     "cher.example",
	     "host-port"},
	    {"127.0.0.1", "host-port"},
	    {"127.0.0.1:8443", "host-port"},
	    {"[::1]:8443", "host-port"},
	    {"[::1]", "host-port"},
	    {"::1", "host-port"},
	    {"fe80::1", "host-port"},
	    {"2001:db8::1", "host-port"},
	    /* hex pairs joined by ':' are how NSS and the browsers print a SHA-256 */
	    {"00:11", "fingerprint"},
	    {"ab:CD", "fingerprint"},
	    {"AB:CD:EF:01:23:45:67:89", "fingerprint"},
	    {"de:443", "host-port"},
	    {"a:12", "host-port"},
	    {"00:11:", "host-port"},
	    {"0:11", "host-port"},
	};

	ct_test_assert_kinds(cases, G_N_ELEMENTS(cases));
}

/* a file of that name, in the working directory, wins over every other reading */
Test(source, classify_existing_file_is_a_file)
{
	g_autofree gchar *dir = g_dir_make_tmp("ct-source-XXXXXX", NULL);
	g_autofree gchar *previous = g_get_current_dir();
	const gchar *names[] = {"ucm.example", "ucm.example:443", "00:11", "ucm"};
	const gchar *const cases[][2] = {
	    {"ucm.example", "file"}, {"ucm.example:443", "file"},	{"00:11", "file"},
	    {"ucm", "file"},	     {"ucm.example:8443", "host-port"}, {"00:22", "fingerprint"},
	};

	cr_assert_not_null(dir);
	cr_assert_eq(chdir(dir), 0);
	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		cr_assert(g_file_set_contents(names[i], "x", 1, NULL), "%s", names[i]);
	ct_test_assert_kinds(cases, G_N_ELEMENTS(cases));
	cr_assert(ct_source_is_network("ucm.example:8443"));
	cr_assert_not(ct_source_is_network("ucm.example:443"));
	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		cr_assert_eq(g_unlink(names[i]), 0, "%s", names[i]);
	cr_assert_eq(chdir(previous), 0);
	cr_assert_eq(g_rmdir(dir), 0);
}

Test(source, is_network)
{
	const gchar *network[] = {"https://ucm.example/", "ucm.example", "ucm:443", "[::1]:1"};
	const gchar *local[] = {"-", "leaf.pem", "nosuchfile", "00:11", "dir/ucm.example"};

	for (guint i = 0; i < G_N_ELEMENTS(network); i++)
		cr_assert(ct_source_is_network(network[i]), "%s", network[i]);
	for (guint i = 0; i < G_N_ELEMENTS(local); i++)
		cr_assert_not(ct_source_is_network(local[i]), "%s", local[i]);
}

/* where a server SOURCE points: host as given (no brackets), port, path ("" = none) */
Test(source, parse_server)
{
	const struct {
		const gchar *text;
		const gchar *host;
		guint port;
		const gchar *path;
	} cases[] = {
	    {"https://ucm.example/", "ucm.example", 443, "/"},
	    {"https://ucm.example", "ucm.example", 443, "/"},
	    {"https://ucm.example:8443/ccmadmin?a=1", "ucm.example", 8443, "/ccmadmin?a=1"},
	    {"https://[::1]:8443/", "::1", 8443, "/"},
	    {"https://[::1]/", "::1", 443, "/"},
	    {"https://ucm.example:65535/", "ucm.example", 65535, "/"},
	    {"ucm.example", "ucm.example", 443, ""},
	    {"ucm.example:8443", "ucm.example", 8443, ""},
	    {"ucm.example:1", "ucm.example", 1, ""},
	    {"UCM.Example:8443", "UCM.Example", 8443, ""},
	    {"127.0.0.1:8443", "127.0.0.1", 8443, ""},
	    {"[::1]:8443", "::1", 8443, ""},
	    {"[2001:db8::1]", "2001:db8::1", 443, ""},
	    {"::1", "::1", 443, ""},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(CtSourceServer) server = ct_source_parse_server(cases[i].text, &error);
		cr_assert_not_null(server, "%s: %s", cases[i].text,
				   error != NULL ? error->message : "");
		cr_assert_str_eq(server->host, cases[i].host, "%s", cases[i].text);
		cr_assert_eq(server->port, cases[i].port, "%s", cases[i].text);
		cr_assert_str_eq(server->path != NULL ? server->path : "", cases[i].path, "%s",
				 cases[i].text);
	}
}

/* port 0 is not "the default", and no port is guessed from junk */
Test(source, parse_server_refuses_bad_ports_and_hosts)
{
	const gchar *cases[] = {
	    "https://ucm.example:0/",
	    "ucm.example:0",
	    "[::1]:0",
	    "ucm.example:65536",
	    "https://ucm.example:65536/",
	    "ucm.example:44x",
	    "ucm.example:-1",
	    "ucm.example:",
	    "ucm.example: 443",
	    "http://ucm.example/",
	    "https:///path",
	    "[::1",
	    "[::1]x",
	    "[ucm.example]:443",
	    "ucm example:443",
	    "",
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(CtSourceServer) server = ct_source_parse_server(cases[i], &error);
		cr_assert_null(server, "%s became %s:%u", cases[i], server->host, server->port);
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s", cases[i]);
		/* the message names what was given */
		cr_assert(strstr(error->message, cases[i]) != NULL, "%s: %s", cases[i],
			  error->message);
	}
}

Test(source, split_host_port)
{
	const struct {
		const gchar *text;
		guint default_port;
		const gchar *host;
		guint port;
	} cases[] = {
	    {"ucm.example", 8443, "ucm.example", 8443},
	    {"ucm.example:443", 8443, "ucm.example", 443},
	    {"[::1]", 8443, "::1", 8443},
	    {"[::1]:444", 8443, "::1", 444},
	    {"::1", 443, "::1", 443},
	    {"ucm.example:443", 0, "ucm.example", 443},
	    {"[fe80::1]:65535", 0, "fe80::1", 65535},
	};
	const struct {
		const gchar *text;
		guint default_port;
	} refused[] = {
	    {"ucm.example", 0},	    {"[::1]", 0},     {"::1", 0},
	    {"ucm.example:0", 443}, {"[::1]:0", 443}, {"ucm.example:65536", 443},
	    {"ucm.example:x", 443}, {"[::1", 443},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *host = NULL;
		guint16 port = 0;
		cr_assert(ct_source_split_host_port(cases[i].text, (guint16)cases[i].default_port,
						    &host, &port, &error),
			  "%s", cases[i].text);
		cr_assert_str_eq(host, cases[i].host, "%s", cases[i].text);
		cr_assert_eq(port, cases[i].port, "%s", cases[i].text);
	}
	for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *host = NULL;
		guint16 port = 0;
		cr_assert_not(ct_source_split_host_port(refused[i].text,
							(guint16)refused[i].default_port, &host,
							&port, &error),
			      "%s", refused[i].text);
		cr_assert_null(host, "%s", refused[i].text);
		cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS), "%s",
			  refused[i].text);
	}
}

Test(source, format_host_port)
{
	g_autofree gchar *name = ct_source_format_host_port("ucm.example", 443);
	g_autofree gchar *v4 = ct_source_format_host_port("127.0.0.1", 8443);
	g_autofree gchar *v6 = ct_source_format_host_port("2001:db8::1", 65535);

	cr_assert_str_eq(name, "ucm.example:443");
	cr_assert_str_eq(v4, "127.0.0.1:8443");
	cr_assert_str_eq(v6, "[2001:db8::1]:65535");
}

/* "host:port" in the one form (the ledger reads older entries through it) */
Test(source, canonical_host_port)
{
	const gchar *cases[][2] = {
	    {"VICTIM.TEST:443", "victim.test:443"},
	    {"victim.test.:8443", "victim.test:8443"},
	    {"\xef\xbd\x96\xef\xbd\x89\xef\xbd\x83\xef\xbd\x94\xef\xbd\x89\xef\xbd\x8d\xef\xbc\x8e"
	     "test:443",
	     "victim.test:443"},
	    {"B\xc3\x9c"
	     "CHER.example:443",
	     "xn--bcher-kva.example:443"},
	    {"[0:0::1]:8443", "[::1]:8443"},
	    {"[2001:DB8:0::1]:443", "[2001:db8::1]:443"},
	    {"127.1:443", "127.0.0.1:443"},
	};
	const gchar *refused[] =
	    {"victim.test", "victim.test:0", "victim.test:65536", "::1:443",
	     "[::1]",	    "a..b:443",	     "victim.test:44x",	  "[victim.test]:443"};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *canonical = ct_source_canonical_host_port(cases[i][0]);
		cr_assert_str_eq(canonical, cases[i][1], "%s", cases[i][0]);
	}
	for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
		g_autofree gchar *canonical = ct_source_canonical_host_port(refused[i]);
		cr_assert_null(canonical, "%s became %s", refused[i], canonical);
	}
}
