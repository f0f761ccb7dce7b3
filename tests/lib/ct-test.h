/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <criterion/criterion.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ct-chain.h"

/* path of a generated test file: $CT_TEST_DATADIR/name */
gchar *
ct_test_data_path(const gchar *name);
/* contents of a generated test file; fails the test when missing */
GBytes *
ct_test_data_bytes(const gchar *name);

/* TRUE under a faked clock (libfaketime, tests/faketime/run): tests that launch a real
 * browser skip then, saying so */
gboolean
ct_test_clock_is_faked(void);

/* the environment for a process the test kills with SIGKILL. Under libfaketime every
 * process of a run shares one semaphore, taken around each stat(); a process killed while
 * holding it would block every later process for ever. Without FAKETIME_SHARED the process
 * (and its children) make a semaphore of their own */
gchar **
ct_test_environ_to_kill(void); /* (transfer full) */

/* why a real browser ("firefox" or "chromium") cannot run a test here, or NULL when it can:
 * not installed ($CT_FIREFOX / $CT_CHROMIUM or Debian's path), or a faked clock */
const gchar *
ct_test_browser_unavailable(const gchar *browser);

/* a fresh private temp dir; ct_test_tmpdir_remove() deletes it recursively */
gchar *
ct_test_tmpdir_new(void);
void
ct_test_tmpdir_remove(const gchar *path);

/* a desktop user's HOME under dir: HOME and the XDG dirs set to dir/home/..., and a
 * Firefox profile registered in profiles.ini as the default; returns the profile's path */
gchar *
ct_test_private_home(const gchar *dir); /* (transfer full) */

typedef struct {
	gint exit_status;
	gchar *out; /* stdout */
	gchar *err; /* stderr */
} CtTestRun;

void
ct_test_run_free(CtTestRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtTestRun, ct_test_run_free)

/* run argv (NULL-terminated) with optional stdin bytes; argv[0] "certtrust" means
 * the built program; the environment is inherited; fails the test when it cannot start */
CtTestRun *
ct_test_run(const gchar *const *argv, GBytes *stdin_bytes);
/* certtrust with the arguments up to NULL (ct_test_run with "certtrust" first) */
CtTestRun *
ct_test_run_certtrust(const gchar *first, ...) G_GNUC_NULL_TERMINATED;
/* run a shell command line (sh -c) and return its result */
CtTestRun *
ct_test_run_shell(const gchar *command_line);

/* independent witnesses: `certutil -L -d sql:DIR` as text (fails the test when certutil
 * fails); a new empty NSS database certutil made in DIR, as the store "nss:DIR"; the SHA-256
 * fingerprint openssl gives a generated test file ("AB:CD:...") */
gchar *
ct_test_certutil_text(const gchar *dir); /* (transfer full) */
gchar *
ct_test_nss_store_new(const gchar *dir); /* (transfer full) */
gchar *
ct_test_sha256_of(const gchar *name); /* (transfer full) */

/* stdout must be exactly one JSON object; its root (transfer full) */
JsonNode *
ct_test_parse_one_json_document(const gchar *text);

/* a generated test file loaded as a chain; fails the test when it does not load */
CtChain *
ct_test_load_chain(const gchar *name); /* (transfer full) */

/* `certtrust serve --json` on ephemeral loopback ports, for one test */
typedef struct {
	GSubprocess *process;
	JsonNode *document; /* what serve printed when it was ready */
	gchar *https_url;
	gchar *http_url;
	guint https_port;
	guint http_port;
	gchar *cert_dir;
} CtTestServer;

/* start it (profile, names "ucm.example.com", cert_dir) with extra arguments; fails the
 * test when it does not come up */
CtTestServer *
ct_test_server_start(const gchar *profile, const gchar *cert_dir, const gchar *const *extra);
/* the same behind a wrapper, argv put before certtrust's (NULL-terminated; exec's the rest,
 * as prlimit or `sh -c 'exec "$@"'` do, so that the process is serve itself) */
CtTestServer *
ct_test_server_start_wrapped(const gchar *const *wrapper,
			     const gchar *profile,
			     const gchar *cert_dir,
			     const gchar *const *extra);
/* SIGTERM, wait, free */
void
ct_test_server_stop(CtTestServer *server);

/* tests/lib/faulty-peer.py MODE on loopback */
typedef struct {
	GSubprocess *process;
	guint port;
} CtTestPeer;

CtTestPeer *
ct_test_peer_start(const gchar *mode);
/* tests/lib/pages-server.py (Python's ssl + http.server) with this certificate and key */
CtTestPeer *
ct_test_pages_start(const gchar *cert_path, const gchar *key_path);
void
ct_test_peer_stop(CtTestPeer *peer);

/* argv with its stdout piped, killed when the test's process dies */
GSubprocess *
ct_test_spawn_tied(const gchar *const *argv, GError **error);

/* a loopback port where nothing listens (bound, then closed) */
guint
ct_test_free_port(void);
/* wait until something accepts connections on 127.0.0.1:port; fails the test after 10 s */
void
ct_test_wait_listening(guint port);
