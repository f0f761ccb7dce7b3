/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <string.h>

#include "ct-fetch.h"
#include "ct-pem.h"
#include "ct-scenario-world.h"
#include "ct-serve.h"

/* the isolated world's server: the scenario's own `certtrust serve` in a thread of this
 * process, or an external server named by the scenario; what it presents and the files
 * it wrote */

static gchar *
ct_scenario_format_sha256(const guint8 *digest, gsize len)
{
	GString *text = g_string_new(NULL);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf(text, "%s%02X", i > 0 ? ":" : "", digest[i]);
	return g_string_free(text, FALSE);
}

/* SHA-256 of a DER file, as certtrust prints fingerprints */
static gchar *
ct_scenario_file_sha256(const gchar *path)
{
	g_autofree gchar *contents = NULL;
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize digest_len = sizeof(digest);
	gsize len = 0;

	if (path == NULL || !g_file_get_contents(path, &contents, &len, NULL))
		return NULL;
	g_checksum_update(checksum, (const guchar *)contents, len);
	g_checksum_get_digest(checksum, digest, &digest_len);
	return ct_scenario_format_sha256(digest, digest_len);
}

/* the role each of the server's certificates plays, by fingerprint of serve's copies */
static void
ct_scenario_update_roles(CtScenarioRun *run)
{
	const gchar *keys[][2] = {{"der", "leaf"},
				  {"intermediate-der", "intermediate"},
				  {"root-der", "root"}};

	g_hash_table_remove_all(run->roles);
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		gchar *sha256 = ct_scenario_file_sha256(
		    g_hash_table_lookup(run->files, keys[i][0]));
		if (sha256 != NULL)
			g_hash_table_replace(run->roles, sha256, g_strdup(keys[i][1]));
	}
}

static guint
ct_scenario_url_port(const gchar *url)
{
	g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
	return uri != NULL && g_uri_get_port(uri) > 0 ? (guint)g_uri_get_port(uri) : 0;
}

static void
ct_scenario_update_resolve(CtScenarioRun *run)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	/* serve listens on loopback; an external server is where `resolve` says, else DNS */
	const gchar *address = run->scenario->server != NULL ? run->scenario->address : "127.0.0.1";
	gboolean v6 = address != NULL && strchr(address, ':') != NULL;

	g_ptr_array_set_size(run->resolve, 0);
	if (address == NULL)
		return;
	for (guint i = 0; i <= run->scenario->steps->len; i++) {
		GPtrArray *names =
		    i == 0
			? run->scenario->names
			: ((CtScenarioStep *)g_ptr_array_index(run->scenario->steps, i - 1))->names;
		for (guint j = 0; j < names->len; j++) {
			const gchar *name = g_ptr_array_index(names, j);
			if (g_hostname_is_ip_address(name) ||
			    !g_hash_table_add(seen, (gpointer)name))
				continue;
			g_ptr_array_add(run->resolve,
					g_strdup_printf("%s:%u:%s%s%s", name, run->https_port,
							v6 ? "[" : "", address, v6 ? "]" : ""));
		}
	}
}

/* serve names only the files this start wrote: the copies already there count too */
static void
ct_scenario_complete_files(CtScenarioRun *run)
{
	const gchar *files[][2] = {{"pem", ".pem"},
				   {"der", ".der"},
				   {"intermediate-pem", "-intermediate.pem"},
				   {"intermediate-der", "-intermediate.der"},
				   {"root-pem", "-root.pem"},
				   {"root-der", "-root.der"}};

	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *base = NULL;
		g_autofree gchar *path = NULL;
		if (g_hash_table_contains(run->files, files[i][0]))
			continue;
		base = g_strconcat(run->scenario->profile, files[i][1], NULL);
		path = g_build_filename(run->cert_dir, base, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
			g_hash_table_replace(run->files, g_strdup(files[i][0]),
					     g_steal_pointer(&path));
	}
}

/* the chain the server presents, as a file: serve's copies of the certificates it
 * presents (checked by fingerprint), leaf first. Steps read it as a browser's dialog holds
 * the certificate of the first access, without a TLS connection each */
static gboolean
ct_scenario_write_presented(CtScenarioRun *run, CtChain *chain, GError **error)
{
	const gchar *copies[][2] = {{"der", "pem"}, {"intermediate-der", "intermediate-pem"}};
	g_autoptr(GString) text = g_string_new(NULL);
	guint count = chain->certificates->len;

	if (count > G_N_ELEMENTS(copies)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "serve presents %u certificates: expected at most %u", count,
			    (guint)G_N_ELEMENTS(copies));
		return FALSE;
	}
	for (guint i = 0; i < count; i++) {
		CtCertificate *certificate = g_ptr_array_index(chain->certificates, i);
		g_autofree gchar *sha256 = ct_scenario_file_sha256(
		    g_hash_table_lookup(run->files, copies[i][0]));
		const gchar *pem = g_hash_table_lookup(run->files, copies[i][1]);
		g_autofree gchar *contents = NULL;

		if (sha256 == NULL || pem == NULL || g_strcmp0(sha256, certificate->sha256) != 0 ||
		    !g_file_get_contents(pem, &contents, NULL, NULL)) {
			g_set_error(
			    error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "serve's copy of certificate %u (%s) is not the one it presents", i + 1,
			    copies[i][1]);
			return FALSE;
		}
		g_string_append(text, contents);
	}
	g_free(run->presented);
	run->presented = g_build_filename(run->dir, "presented.pem", NULL);
	if (!g_file_set_contents(run->presented, text->str, (gssize)text->len, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

/* an external server (`server https://HOST:PORT/`): what it presents, read once as a
 * browser's first access does, stands in for serve's copies: the chain presented, its leaf
 * for check-host and each certificate's role */
gboolean
ct_scenario_external_read(CtScenarioRun *run, GError **error)
{
	g_autoptr(GPtrArray)
	    rules = g_ptr_array_new_with_free_func((GDestroyNotify)ct_resolve_rule_free);
	g_autoptr(CtChain) chain = NULL;
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GString) leaf = NULL;
	g_autofree gchar *leaf_path = NULL;

	run->https_port = run->scenario->port;
	ct_scenario_update_resolve(run);
	for (guint i = 0; i < run->resolve->len; i++) {
		CtResolveRule *rule = ct_resolve_rule_parse(g_ptr_array_index(run->resolve, i),
							    error);
		if (rule == NULL)
			return FALSE;
		g_ptr_array_add(rules, rule);
	}
	chain = ct_fetch(run->scenario->server, rules, CT_SCENARIO_NET_TIMEOUT_S, run->cancellable,
			 error);
	if (chain == NULL) {
		g_prefix_error(error, "%s: ", run->scenario->server);
		return FALSE;
	}
	if (chain->certificates->len == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "%s presented no certificate",
			    run->scenario->server);
		return FALSE;
	}
	for (guint i = 0; i < chain->certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(chain->certificates, i);
		g_autofree gchar *pem = ct_pem_encode("CERTIFICATE", certificate->der);
		CtChainRole role = ct_chain_get_role(chain, i);
		g_string_append(text, pem);
		if (i == 0)
			leaf = g_string_new(pem);
		/* a certificate the path does not use has no role to check */
		if (role != CT_CHAIN_ROLE_UNRELATED)
			g_hash_table_replace(run->roles, g_strdup(certificate->sha256),
					     g_strdup(ct_chain_role_to_string(role)));
	}
	run->sha256 = g_strdup(ct_chain_get_leaf(chain)->sha256);
	run->presented = g_build_filename(run->dir, "presented.pem", NULL);
	leaf_path = g_build_filename(run->dir, "leaf.pem", NULL);
	if (!g_file_set_contents(run->presented, text->str, (gssize)text->len, error) ||
	    !g_file_set_contents(leaf_path, leaf->str, (gssize)leaf->len, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	g_hash_table_replace(run->files, g_strdup("pem"), g_steal_pointer(&leaf_path));
	return TRUE;
}

/* the server's own thread: its main loop serves while the scenario's thread runs a step,
 * whether that step waits for a process or does its own blocking I/O */
struct _CtScenarioServer {
	CtServeOptions options;
	GMainContext *context;
	GMainLoop *loop;
	GThread *thread;
	GMutex lock;
	GCond cond;
	gboolean ready;
	CtServer *server;
	GError *error;
};

static gpointer
ct_scenario_server_thread(gpointer data)
{
	CtScenarioServer *self = data;
	CtServer *server;
	GError *error = NULL;

	g_main_context_push_thread_default(self->context);
	g_mutex_lock(&ct_scenario_nss_lock);
	server = ct_server_new(&self->options, &error);
	g_mutex_unlock(&ct_scenario_nss_lock);
	g_mutex_lock(&self->lock);
	self->server = server;
	self->error = error;
	self->ready = TRUE;
	g_cond_signal(&self->cond);
	g_mutex_unlock(&self->lock);
	if (server != NULL)
		g_main_loop_run(self->loop);
	/* the listeners close here, in the thread whose context they are attached to */
	g_clear_object(&self->server);
	g_main_context_pop_thread_default(self->context);
	return NULL;
}

static void
ct_scenario_server_free(CtScenarioServer *self)
{
	if (self == NULL)
		return;
	if (self->thread != NULL) {
		g_main_loop_quit(self->loop);
		g_thread_join(self->thread);
	}
	g_clear_error(&self->error);
	g_main_loop_unref(self->loop);
	g_main_context_unref(self->context);
	g_mutex_clear(&self->lock);
	g_cond_clear(&self->cond);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtScenarioServer, ct_scenario_server_free)

/* what the server presents and the copies it wrote, once it listens */
static gboolean
ct_scenario_serve_read(CtScenarioRun *run, CtServer *server, GError **error)
{
	CtChain *chain = ct_server_get_chain(server);
	GHashTableIter iter;
	gpointer key;
	gpointer value;

	run->https_port = ct_scenario_url_port(ct_server_get_https_url(server));
	run->http_port = ct_scenario_url_port(ct_server_get_http_url(server));
	g_free(run->sha256);
	run->sha256 = g_strdup(ct_chain_get_leaf(chain)->sha256);
	run->generated = ct_server_get_generated(server);
	g_hash_table_iter_init(&iter, ct_server_get_files(server));
	while (g_hash_table_iter_next(&iter, &key, &value))
		g_hash_table_replace(run->files, g_strdup(key), g_strdup(value));
	ct_scenario_complete_files(run);
	ct_scenario_update_roles(run);
	ct_scenario_update_resolve(run);
	return ct_scenario_write_presented(run, chain, error);
}

/* one start of the server in its thread: the server, or NULL with its error */
static CtScenarioServer *
ct_scenario_server_start(CtScenarioRun *run, const gchar *const *names, gboolean regenerate)
{
	CtScenarioServer *self = g_new0(CtScenarioServer, 1);

	self->options.profile = run->scenario->profile;
	self->options.names = names;
	self->options.listen = "127.0.0.1";
	self->options.https_port = (gint)run->https_port;
	self->options.http_port = (gint)run->http_port;
	self->options.cert_dir = run->cert_dir;
	self->options.regenerate = regenerate;
	self->context = g_main_context_new();
	self->loop = g_main_loop_new(self->context, FALSE);
	g_mutex_init(&self->lock);
	g_cond_init(&self->cond);
	self->thread = g_thread_new("ct-scenario-serve", ct_scenario_server_thread, self);
	/* making a certificate takes a moment; nothing in it waits on the network */
	g_mutex_lock(&self->lock);
	while (!self->ready)
		g_cond_wait(&self->cond, &self->lock);
	g_mutex_unlock(&self->lock);
	return self;
}

/* `certtrust serve` on loopback, in a thread of this process (a process per scenario
 * cost a third of the library's time): port 0 on the first start, the same ports after
 * (status compares host:port) */
gboolean
ct_scenario_serve_start(CtScenarioRun *run,
			gboolean regenerate,
			CtScenarioStepReport *report,
			GError **error)
{
	g_autoptr(CtScenarioServer) self = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GString) command = g_string_new("certtrust serve --profile ");
	gint64 deadline = g_get_monotonic_time() + CT_SCENARIO_REBIND_S * G_USEC_PER_SEC;

	g_string_append(command, run->scenario->profile);
	for (guint i = 0; i < run->scenario->names->len; i++) {
		g_ptr_array_add(names, g_ptr_array_index(run->scenario->names, i));
		g_string_append_printf(command, " --name %s",
				       (const gchar *)g_ptr_array_index(run->scenario->names, i));
	}
	g_ptr_array_add(names, NULL);
	g_string_append_printf(command,
			       " --https-port %u --http-port %u --cert-dir %s%s (in the "
			       "runner)",
			       run->https_port, run->http_port, run->cert_dir,
			       regenerate ? " --regenerate" : "");
	if (report != NULL)
		ct_scenario_add_command(report, command->str);

	/* a restart binds the ports the server just closed; a child another scenario's thread
	 * forked holds every descriptor of this process until it execs, the listening
	 * sockets too: on a busy port, wait for that exec and try again */
	for (;;) {
		self = ct_scenario_server_start(run, (const gchar *const *)names->pdata,
						regenerate);
		if (self->server != NULL || run->https_port == 0 ||
		    !g_error_matches(self->error, CT_ERROR, CT_ERROR_BUSY) ||
		    g_get_monotonic_time() >= deadline)
			break;
		g_clear_pointer(&self, ct_scenario_server_free);
		g_usleep(50 * 1000);
	}
	if (self->server == NULL) {
		g_propagate_prefixed_error(error, g_steal_pointer(&self->error),
					   "%s: ", command->str);
		return FALSE;
	}
	if (!ct_scenario_serve_read(run, self->server, error))
		return FALSE;
	run->serve = g_steal_pointer(&self);
	return TRUE;
}

void
ct_scenario_serve_stop(CtScenarioRun *run)
{
	g_clear_pointer(&run->serve, ct_scenario_server_free);
}
