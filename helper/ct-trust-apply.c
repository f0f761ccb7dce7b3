/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTrust"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-cleanup.h"
#include "ct-context.h"
#include "ct-escape.h"
#include "ct-firefox.h"
#include "ct-hostname.h"
#include "ct-source.h"
#include "ct-system-store.h"
#include "ct-trust.h"

/* what a refusal to trust a CA without --allow-ca says */
#define CT_TRUST_CA_ADVICE \
	"trusting a CA lets it vouch for any site: add --allow-ca if that is what you want"

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

static void
ct_prediction_free(CtPrediction *prediction)
{
	g_free(prediction->name);
	g_free(prediction->browser);
	g_free(prediction->verdict);
	g_free(prediction->reason);
	g_free(prediction);
}

static void
ct_trust_step_free(CtTrustStep *step)
{
	g_free(step->trust);
	g_free(step->nickname);
	g_clear_pointer(&step->hosts, g_ptr_array_unref);
	g_free(step->anchor_path);
	g_free(step->source_path);
	g_free(step->plan);
	g_ptr_array_unref(step->predictions);
	g_free(step->message);
	g_clear_pointer(&step->commands, g_ptr_array_unref);
	g_clear_pointer(&step->retired, g_ptr_array_unref);
	g_clear_pointer(&step->kept, g_ptr_array_unref);
	g_free(step);
}

void
ct_trust_plan_free(CtTrustPlan *plan)
{
	if (plan == NULL)
		return;
	g_ptr_array_unref(plan->names);
	g_ptr_array_unref(plan->steps);
	g_free(plan->sysroot);
	g_free(plan);
}

void
ct_untrust_result_free(CtUntrustResult *result)
{
	ct_ledger_entry_free(result->entry);
	g_free(result->message);
	g_free(result);
}

/* "host:port" -> host (IPv6 without brackets) and port, *port when none is given; a name
 * that is no host:port stays whole */
static gchar *
ct_trust_split_name(const gchar *name, guint16 *port)
{
	gchar *host = NULL;

	if (ct_source_split_host_port(name, *port, &host, port, NULL))
		return host;
	return g_strdup(name);
}

static gboolean
ct_trust_is_valid_now(const CtCertificate *certificate)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	return certificate->not_before <= now && now <= certificate->not_after;
}

/* a CA's own certificate given on its own (the root file an administrator hands out): a
 * file with one self-signed CA:TRUE certificate and no subjectAltName. No server can be
 * reached through it by name, it is there to be trusted as a CA. (A v1 server certificate
 * can sign others too, but it says nothing of being a CA: it is not one of these.) */
static gboolean
ct_trust_is_lone_ca(CtChain *chain)
{
	CtCertificate *leaf = ct_chain_get_leaf(chain);
	return chain->peer == NULL && chain->certificates->len == 1 && leaf->self_signed &&
	       leaf->basic_ca && !leaf->has_san;
}

static void
ct_trust_predict(CtTrustStep *step, CtTrustPlan *plan, const gchar *browser, gboolean override)
{
	CtCertificate *leaf = ct_chain_get_leaf(plan->chain);

	for (guint i = 0; i < plan->names->len; i++) {
		const gchar *name = g_ptr_array_index(plan->names, i);
		CtPrediction *prediction = g_new0(CtPrediction, 1);
		guint16 port = 0;
		g_autofree gchar *host = ct_trust_split_name(name, &port);
		g_autoptr(CtHostCheck) check = ct_hostname_check(leaf, host);
		const CtHostnameVerdict *modern = NULL;
		CtHostnamePolicy policy = CT_HOSTNAME_POLICY_STRICT;
		const gchar *verdict;
		gboolean browser_named = g_strcmp0(browser, "firefox") == 0 ||
					 g_strcmp0(browser, "chromium") == 0;

		/* each browser's own rule where they differ (Chromium: no "*.co.uk") */
		if (!ct_hostname_policy_from_string(browser, &policy, NULL) ||
		    policy == CT_HOSTNAME_POLICY_LEGACY)
			policy = CT_HOSTNAME_POLICY_STRICT;
		modern = ct_host_check_get_verdict(check, policy);

		if (step->action == CT_TRUST_ACTION_NONE) {
			verdict = "untrusted";
		} else if (browser_named && ct_chain_tls_version_is_obsolete(plan->chain)) {
			/* no trust helps: the browsers end the handshake before any certificate */
			verdict = "old-tls";
			/* measured against openssl s_server -tls1: Firefox ESR 153 and
			 * Chromium 156 both block it, trusted or not */
			prediction->reason = g_strdup_printf(
			    "the server speaks %s, below TLS 1.2, which %s refuses (%s)",
			    ct_chain_tls_version_to_string(plan->chain->tls_version),
			    g_strcmp0(browser, "firefox") == 0 ? "Firefox" : "Chromium",
			    g_strcmp0(browser, "firefox") == 0
				? "SSL_ERROR_PROTOCOL_VERSION_ALERT"
				: "ERR_SSL_VERSION_OR_CIPHER_MISMATCH");
		} else if (ct_trust_is_lone_ca(plan->chain)) {
			/* the server's own certificate decides: what this CA issued loads */
			verdict = "if-issued-by-it";
		} else if (override) {
			verdict = "loads"; /* an exception covers the name it was made for */
		} else if (step->store->kind != CT_STORE_SYSTEM && !modern->match) {
			/* both browsers report a wrong name before an expired certificate */
			verdict = leaf->has_san ? "name-mismatch" : "no-san";
		} else if (!ct_trust_is_valid_now(leaf)) {
			verdict = "expired";
		} else if (step->store->kind == CT_STORE_SYSTEM) {
			verdict = check->legacy.match ? "loads" : "name-mismatch";
		} else {
			verdict = "loads";
		}
		prediction->name = g_strdup(name);
		prediction->browser = g_strdup(browser);
		prediction->verdict = g_strdup(verdict);
		g_ptr_array_add(step->predictions, prediction);
	}
}

/* the root of the chain the server sent, when it sent one */
static CtCertificate *
ct_trust_get_root(CtChain *chain)
{
	CtCertificate *last;

	if (chain->path_length < 2)
		return NULL;
	last = g_ptr_array_index(chain->certificates, chain->path_length - 1);
	return last->self_signed ? last : NULL;
}

static gchar *
ct_trust_nickname(const CtCertificate *certificate)
{
	g_autofree gchar *stem = ct_escape_for_filename(certificate->subject_cn, "certificate");
	g_autofree gchar *short_sha = g_strndup(certificate->sha256, 11);
	g_strdelimit(short_sha, ":", '-');
	/* a colon would read as "token:nickname" in NSS */
	return g_strdup_printf("certtrust-%s-%s", stem, short_sha);
}

static void
ct_trust_refuse(CtTrustStep *step, gint code, const gchar *why)
{
	step->action = CT_TRUST_ACTION_NONE;
	step->refusal = code;
	g_free(step->plan);
	step->plan = g_strdup(why);
}

static void
ct_trust_plan_nss(CtTrustStep *step, CtCertificate *target, const gchar *trust)
{
	step->action = CT_TRUST_ACTION_NSS;
	step->target = target;
	step->trust = g_strdup(trust);
	step->nickname = ct_trust_nickname(target);
	step->plan = g_strdup_printf("import %s with trust %s into %s/cert9.db", step->nickname,
				     trust, step->store->location);
}

static void
ct_trust_decide_firefox(CtTrustStep *step, CtTrustPlan *plan, CtTrustMode mode, gboolean allow_ca)
{
	CtCertificate *leaf = ct_chain_get_leaf(plan->chain);
	CtCertificate *root = ct_trust_get_root(plan->chain);

	if (ct_trust_is_lone_ca(plan->chain)) {
		if (mode != CT_TRUST_MODE_ANCHOR)
			ct_trust_refuse(step, CT_ERROR_REFUSED,
					"a CA's certificate, not a server's: a Firefox exception "
					"holds the certificate a server presents; use --mode "
					"anchor --allow-ca to trust the CA");
		else if (!allow_ca)
			ct_trust_refuse(step, CT_ERROR_REFUSED, CT_TRUST_CA_ADVICE);
		else
			ct_trust_plan_nss(step, leaf, "C,,");
		ct_trust_predict(step, plan, "firefox", FALSE);
		return;
	}
	if (mode != CT_TRUST_MODE_ANCHOR) {
		g_autoptr(GString) joined = g_string_new(NULL);
		step->action = CT_TRUST_ACTION_OVERRIDE;
		step->target = leaf;
		step->hosts = g_ptr_array_new_with_free_func(g_free);
		for (guint i = 0; i < plan->names->len; i++) {
			const gchar *name = g_ptr_array_index(plan->names, i);
			g_ptr_array_add(step->hosts, g_strdup(name));
			g_string_append_printf(joined, "%s%s", i > 0 ? ", " : "", name);
		}
		step->plan = g_strdup_printf("a permanent exception for %s in %s/cert_override.txt",
					     joined->str, step->store->location);
		ct_trust_predict(step, plan, "firefox", TRUE);
		return;
	}
	if (!leaf->has_san)
		ct_trust_refuse(
		    step, CT_ERROR_REFUSED,
		    "the certificate has no subjectAltName: Firefox refuses it as "
		    "SSL_ERROR_BAD_CERT_DOMAIN whatever the trust; use --mode exception");
	else if (leaf->self_signed && leaf->ca_capable)
		ct_trust_refuse(step, CT_ERROR_REFUSED,
				"a CA-capable certificate used by a server: Firefox refuses it as "
				"MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY; use --mode "
				"exception");
	else if (leaf->self_signed)
		ct_trust_plan_nss(step, leaf, "C,,");
	else if (root == NULL)
		ct_trust_refuse(step, CT_ERROR_REFUSED,
				"the server does not send its root CA: give the root's file as "
				"SOURCE, or use --mode exception");
	else if (!allow_ca)
		ct_trust_refuse(step, CT_ERROR_REFUSED,
				CT_TRUST_CA_ADVICE ", or use --mode exception");
	else
		ct_trust_plan_nss(step, root, "C,,");
	ct_trust_predict(step, plan, "firefox", FALSE);
}

static void
ct_trust_decide_chromium(CtTrustStep *step, CtTrustPlan *plan, gboolean allow_ca)
{
	CtCertificate *leaf = ct_chain_get_leaf(plan->chain);
	CtCertificate *root = ct_trust_get_root(plan->chain);

	if (ct_trust_is_lone_ca(plan->chain) && !allow_ca)
		ct_trust_refuse(step, CT_ERROR_REFUSED, CT_TRUST_CA_ADVICE);
	else if (ct_trust_is_lone_ca(plan->chain))
		ct_trust_plan_nss(step, leaf, "C,,");
	else if (!leaf->has_san)
		ct_trust_refuse(step, CT_ERROR_REFUSED,
				"the certificate has no subjectAltName: Chromium refuses it as "
				"ERR_CERT_COMMON_NAME_INVALID whatever the trust (open --session "
				"can still pass it)");
	else if (!leaf->self_signed && allow_ca && root != NULL)
		ct_trust_plan_nss(step, root, "C,,");
	else
		/* a trusted leaf: no CA power, whatever the certificate says it can do */
		ct_trust_plan_nss(step, leaf, "P,,");
	ct_trust_predict(step, plan, "chromium", FALSE);
}

static void
ct_trust_decide_system(CtTrustStep *step, CtTrustPlan *plan, gboolean allow_ca)
{
	CtCertificate *leaf = ct_chain_get_leaf(plan->chain);
	CtCertificate *root = ct_trust_get_root(plan->chain);
	CtSystemStoreKind kind = ct_system_store_detect(plan->sysroot);
	CtCertificate *target = leaf->self_signed ? leaf : root;
	g_autofree gchar *stem = NULL;
	g_autofree gchar *anchors = NULL;
	g_autofree gchar *source = NULL;

	if (kind == CT_SYSTEM_STORE_UNKNOWN) {
		ct_trust_refuse(step, CT_ERROR_NOT_FOUND,
				"no known OS trust store layout under the system root");
	} else if (target == NULL) {
		ct_trust_refuse(
		    step, CT_ERROR_REFUSED,
		    "the server does not send its root CA: give the root's file as SOURCE");
	} else if (target->ca_capable && !allow_ca) {
		g_autofree gchar *why = g_strdup_printf(
		    "the certificate can sign others (%s): as an OS anchor it could vouch for "
		    "any site; add --allow-ca if that is what you want",
		    target->ca_reason);
		ct_trust_refuse(step, CT_ERROR_REFUSED, why);
	} else {
		step->action = CT_TRUST_ACTION_ANCHOR;
		step->target = target;
		step->nickname = ct_trust_nickname(target);
		stem = g_strdup(step->nickname + strlen("certtrust-"));
		step->anchor_path = ct_system_store_get_anchor_path(plan->sysroot, kind, stem);
		anchors = ct_context_get_anchors_dir();
		source = g_strconcat(stem, ".crt", NULL);
		step->source_path = g_build_filename(anchors, source, NULL);
		step->commands = ct_system_store_get_commands(plan->sysroot, kind,
							      step->anchor_path, step->source_path);
		step->plan = g_strdup_printf("the anchor %s (%s layout)", step->anchor_path,
					     ct_system_store_kind_to_string(kind));
	}
	ct_trust_predict(step, plan, "curl, GLib", FALSE);
}

CtTrustPlan *
ct_trust_plan_new(CtChain *chain,
		  GPtrArray *stores,
		  GPtrArray *names,
		  CtTrustMode mode,
		  gboolean allow_ca,
		  const gchar *sysroot,
		  GError **error)
{
	g_autoptr(CtTrustPlan) plan = g_new0(CtTrustPlan, 1);

	if (ct_chain_get_leaf(chain) == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "no certificate to trust");
		return NULL;
	}
	plan->chain = chain;
	plan->sysroot = g_strdup(sysroot != NULL ? sysroot : "/");
	plan->names = g_ptr_array_new_with_free_func(g_free);
	/* the one form of every name (the CLI gives it already): the stores, the ledger and
	 * status compare them as strings */
	for (guint i = 0; i < names->len; i++) {
		const gchar *name = g_ptr_array_index(names, i);
		gchar *canonical = ct_source_canonical_host_port(name);
		if (canonical == NULL)
			canonical = g_strdup(name);
		if (g_ptr_array_find_with_equal_func(plan->names, canonical, g_str_equal, NULL))
			g_free(canonical);
		else
			g_ptr_array_add(plan->names, canonical);
	}
	plan->steps = g_ptr_array_new_with_free_func((GDestroyNotify)ct_trust_step_free);
	for (guint i = 0; i < stores->len; i++) {
		CtTrustStep *step = g_new0(CtTrustStep, 1);
		step->store = g_ptr_array_index(stores, i);
		step->predictions = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)ct_prediction_free);
		g_ptr_array_add(plan->steps, step);
		if (step->store->problem != NULL) {
			/* a store found missing is skipped; one the user named has failed */
			ct_trust_refuse(step,
					step->store->named ? CT_ERROR_FAILED : CT_ERROR_NOT_FOUND,
					step->store->problem);
			continue;
		}
		switch (step->store->kind) {
		case CT_STORE_FIREFOX:
			ct_trust_decide_firefox(step, plan, mode, allow_ca);
			break;
		case CT_STORE_SYSTEM:
			ct_trust_decide_system(step, plan, allow_ca);
			break;
		case CT_STORE_CHROMIUM:
		case CT_STORE_NSS:
		default:
			ct_trust_decide_chromium(step, plan, allow_ca);
			break;
		}
	}
	return g_steal_pointer(&plan);
}

static CtLedgerEntry *
ct_trust_entry_new(CtTrustStep *step, CtTrustPlan *plan, const gchar *kind, const gchar *location)
{
	CtLedgerEntry *entry = g_new0(CtLedgerEntry, 1);
	entry->store = g_strdup(ct_store_kind_to_string(step->store->kind));
	entry->location = g_strdup(location);
	entry->kind = g_strdup(kind);
	entry->sha256 = g_strdup(step->target->sha256);
	entry->for_sha256 = g_strdup(ct_chain_get_leaf(plan->chain)->sha256);
	entry->subject = g_strdup(step->target->subject);
	/* status finds it again by these after the server's certificate changed; a CA's own
	 * file is no server's certificate, so no name says it changed */
	if (step->action != CT_TRUST_ACTION_OVERRIDE && !ct_trust_is_lone_ca(plan->chain)) {
		g_autoptr(GStrvBuilder) names = g_strv_builder_new();
		for (guint i = 0; i < plan->names->len; i++)
			g_strv_builder_add(names, g_ptr_array_index(plan->names, i));
		entry->names = g_strv_builder_end(names);
	}
	entry->not_after = step->target->not_after;
	entry->time = g_get_real_time() / G_USEC_PER_SEC;
	return entry;
}

static void
ct_trust_set_result(CtTrustStep *step, CtTrustResult result, gchar *message)
{
	g_free(step->message);
	step->result = result;
	step->message = message;
}

static void
ct_trust_set_error(CtTrustStep *step, GError *error)
{
	ct_trust_set_result(step,
			    error->code == CT_ERROR_REFUSED ? CT_TRUST_RESULT_REFUSED
							    : CT_TRUST_RESULT_FAILED,
			    g_strdup(error->message));
	step->refusal = error->code;
}

/* write-ahead: the ledger learns of a write before the store changes, so a write cut
 * short (SIGKILL, a power cut) leaves a record untrust can act on, never a change nobody
 * recorded; *added says whether the record is new */
static gboolean
ct_trust_record_ahead(CtLedger *ledger, CtLedgerEntry *entry, gboolean *added, GError **error)
{
	*added = ct_ledger_lookup(ledger, entry) == NULL;
	ct_ledger_add(ledger, entry);
	if (!ct_ledger_save(ledger, error)) {
		g_prefix_error(error, "nothing was written: ");
		return FALSE;
	}
	return TRUE;
}

/* the write did not happen: a record made for it goes again */
static void
ct_trust_unrecord(CtLedger *ledger, CtLedgerEntry *entry, gboolean added)
{
	g_autoptr(GError) error = NULL;

	if (!added)
		return;
	ct_ledger_remove(ledger, entry);
	if (!ct_ledger_save(ledger, &error))
		g_warning("the ledger still names a write that did not happen: %s", error->message);
}

/* the user's own exception for the entry's host that the new line replaces (the
 * fingerprint in the file now), or NULL: none, the same certificate, or one certtrust wrote
 * (then the user's exception that one replaced, if any) */
static gchar *
ct_trust_previous_exception(CtLedger *ledger, const CtLedgerEntry *entry, const gchar *current)
{
	GPtrArray *entries = ct_ledger_get_entries(ledger);

	if (current == NULL || g_strcmp0(current, entry->sha256) == 0)
		return NULL;
	for (guint i = 0; i < entries->len; i++) {
		const CtLedgerEntry *recorded = g_ptr_array_index(entries, i);
		if (g_strcmp0(recorded->kind, "override") == 0 &&
		    g_strcmp0(recorded->location, entry->location) == 0 &&
		    g_strcmp0(recorded->host, entry->host) == 0 &&
		    g_strcmp0(recorded->sha256, current) == 0)
			return g_strdup(recorded->previous_sha256);
	}
	return g_strdup(current);
}

static void
ct_trust_apply_override(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) present = NULL;
	guint changed_count = 0;

	present = ct_firefox_override_list(step->store->location, &error);
	if (present == NULL) {
		ct_trust_set_error(step, error);
		return;
	}
	for (guint i = 0; i < step->hosts->len; i++) {
		const gchar *name = g_ptr_array_index(step->hosts, i);
		guint16 port = CT_SOURCE_DEFAULT_PORT;
		g_autofree gchar *host = ct_trust_split_name(name, &port);
		g_autofree gchar *replaced = NULL;
		CtLedgerEntry *entry;
		gboolean changed = FALSE;
		gboolean added = FALSE;

		entry = ct_trust_entry_new(step, plan, "override", step->store->location);
		entry->host = ct_source_format_host_port(host, port);
		/* an exception the user made by hand is not certtrust's to record or remove */
		if (g_strcmp0(g_hash_table_lookup(present, entry->host), step->target->sha256) ==
			0 &&
		    ct_ledger_lookup(ledger, entry) == NULL) {
			ct_ledger_entry_free(entry);
			continue;
		}
		entry->previous_sha256 =
		    ct_trust_previous_exception(ledger, entry,
						g_hash_table_lookup(present, entry->host));
		if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
			ct_trust_set_error(step, error);
			return;
		}
		if (!ct_firefox_override_add(step->store->location, host, port,
					     step->target->sha256, &changed, &replaced, &error)) {
			ct_trust_unrecord(ledger, entry, added);
			ct_trust_set_error(step, error);
			return;
		}
		if (changed)
			changed_count++;
	}
	ct_trust_set_result(step,
			    changed_count > 0 ? CT_TRUST_RESULT_DONE : CT_TRUST_RESULT_UNCHANGED,
			    changed_count > 0
				? g_strdup("restart Firefox if it is open in another session")
				: g_strdup("the exceptions were already there"));
}

/* one field of NSS trust flags ("CT,C,C": 0 is TLS), as a new string */
static gchar *
ct_trust_flags_field(const gchar *trust, guint field)
{
	g_auto(GStrv) fields = g_strsplit(trust != NULL ? trust : "", ",", 3);
	return g_strdup(g_strv_length(fields) > field ? fields[field] : "");
}

/* does have already give TLS everything want gives, without distrust? */
static gboolean
ct_trust_flags_include(const gchar *have, const gchar *want)
{
	g_autofree gchar *have_tls = ct_trust_flags_field(have, 0);
	g_autofree gchar *want_tls = ct_trust_flags_field(want, 0);

	if (strchr(have_tls, 'p') != NULL)
		return FALSE;
	for (const gchar *p = want_tls; *p != '\0'; p++) {
		if (strchr(have_tls, *p) == NULL)
			return FALSE;
	}
	return TRUE;
}

/* the user's own entry distrusts the certificate and nobody said to lift that: why not */
static gchar *
ct_trust_users_distrust(const CtTrustStep *step,
			const CtTrustPlan *plan,
			const CtNssDbEntry *existing)
{
	g_autofree gchar *tls = ct_trust_flags_field(existing->trust, 0);

	if (strchr(tls, 'p') == NULL || plan->override_distrust)
		return NULL;
	return g_strdup_printf("your own entry %s in %s/cert9.db distrusts this certificate "
			       "(trust %s): certtrust does not lift a distrust; add "
			       "--override-distrust if that is what you want (untrust puts %s "
			       "back)",
			       existing->nickname, step->store->location, existing->trust,
			       existing->trust);
}

/* the trust the user's own entry gets: certtrust's for TLS, the user's for the rest */
static gchar *
ct_trust_users_new_trust(const CtTrustStep *step, const CtNssDbEntry *existing)
{
	g_autofree gchar *ours = ct_trust_flags_field(step->trust, 0);
	g_autofree gchar *email = ct_trust_flags_field(existing->trust, 1);
	g_autofree gchar *code = ct_trust_flags_field(existing->trust, 2);
	return g_strdup_printf("%s,%s,%s", ours, email, code);
}

void
ct_trust_plan_find_users_entries(CtTrustPlan *plan)
{
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		g_autofree gchar *cert9 = NULL;
		g_autoptr(CtNssDb) db = NULL;
		g_autoptr(CtNssDbEntry) existing = NULL;
		g_autofree gchar *refusal = NULL;
		g_autofree gchar *trust = NULL;
		GStatBuf st;

		if (step->action != CT_TRUST_ACTION_NSS)
			continue;
		/* only a database that is there: reading never makes one */
		cert9 = g_build_filename(step->store->location, "cert9.db", NULL);
		if (g_stat(cert9, &st) != 0 || st.st_size == 0)
			continue;
		db = ct_nssdb_open(step->store->location, FALSE, NULL);
		if (db != NULL)
			existing = ct_nssdb_find(db, step->target->sha256, NULL);
		if (existing == NULL || g_strcmp0(existing->nickname, step->nickname) == 0)
			continue;
		refusal = ct_trust_users_distrust(step, plan, existing);
		if (refusal != NULL) {
			g_autofree gchar *browser = NULL;
			if (step->predictions->len > 0)
				browser = g_strdup(
				    ((CtPrediction *)g_ptr_array_index(step->predictions, 0))
					->browser);
			ct_trust_refuse(step, CT_ERROR_REFUSED, refusal);
			/* nothing is written: no name will load */
			g_ptr_array_set_size(step->predictions, 0);
			if (browser != NULL)
				ct_trust_predict(step, plan, browser, FALSE);
			continue;
		}
		g_free(step->plan);
		if (ct_trust_flags_include(existing->trust, step->trust)) {
			step->plan = g_strdup_printf("nothing: your own entry %s in %s/cert9.db "
						     "already has trust %s",
						     existing->nickname, step->store->location,
						     existing->trust);
			continue;
		}
		trust = ct_trust_users_new_trust(step, existing);
		step->plan =
		    g_strdup_printf("your own entry %s in %s/cert9.db: trust %s becomes %s "
				    "(untrust puts %s back)",
				    existing->nickname, step->store->location, existing->trust,
				    trust, existing->trust);
	}
}

/* the certificate is in the database already under the user's own nickname: never lift
 * the user's distrust unless asked (--override-distrust), never take the user's entry as
 * certtrust's; its TLS trust becomes ours, the rest stays, and the ledger keeps the trust
 * it had so that untrust puts exactly that back */
static void
ct_trust_apply_nss_users(CtTrustStep *step,
			 CtTrustPlan *plan,
			 CtLedger *ledger,
			 CtNssDb *db,
			 const CtNssDbEntry *existing)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *refusal = NULL;
	g_autofree gchar *trust = NULL;
	const gchar *nickname = existing->nickname;
	CtLedgerEntry *entry;
	gboolean added = FALSE;

	if (ct_trust_flags_include(existing->trust, step->trust)) {
		ct_trust_set_result(step, CT_TRUST_RESULT_UNCHANGED,
				    g_strdup_printf("already trusted that way: your own entry %s "
						    "has trust %s",
						    nickname, existing->trust));
		return;
	}
	refusal = ct_trust_users_distrust(step, plan, existing);
	if (refusal != NULL) {
		ct_trust_set_result(step, CT_TRUST_RESULT_REFUSED, g_steal_pointer(&refusal));
		step->refusal = CT_ERROR_REFUSED;
		return;
	}
	trust = ct_trust_users_new_trust(step, existing);
	entry = ct_trust_entry_new(step, plan, "nss", step->store->location);
	entry->nickname = g_strdup(existing->nickname);
	entry->trust = g_strdup(trust);
	entry->previous_trust = g_strdup(existing->trust);
	if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
		ct_trust_set_error(step, error);
		return;
	}
	if (!ct_nssdb_set_trust(db, step->target->sha256, trust, &error)) {
		ct_trust_unrecord(ledger, entry, added);
		ct_trust_set_error(step, error);
		return;
	}
	ct_trust_set_result(step, CT_TRUST_RESULT_DONE,
			    g_strdup_printf("your own entry %s had trust %s, now %s (untrust puts "
					    "%s back); restart the browser if it already failed "
					    "this site",
					    nickname, existing->trust, trust, existing->trust));
}

static void
ct_trust_apply_nss(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNssDb) db = NULL;
	g_autoptr(CtNssDbEntry) existing = NULL;
	CtLedgerEntry *entry = NULL;
	gboolean added = FALSE;

	if (step->store->create && g_mkdir_with_parents(step->store->location, 0700) != 0) {
		gint errsv = errno;
		ct_trust_set_result(step, CT_TRUST_RESULT_FAILED,
				    g_strdup_printf("cannot create %s: %s", step->store->location,
						    g_strerror(errsv)));
		return;
	}
	db = ct_nssdb_open(step->store->location, step->store->create, &error);
	if (db == NULL) {
		ct_trust_set_error(step, error);
		return;
	}
	existing = ct_nssdb_find(db, step->target->sha256, &error);
	if (error != NULL) {
		ct_trust_set_error(step, error);
		return;
	}
	/* the user's own entry for this certificate, under another nickname */
	if (existing != NULL && g_strcmp0(existing->nickname, step->nickname) != 0) {
		ct_trust_apply_nss_users(step, plan, ledger, db, existing);
		return;
	}
	entry = ct_trust_entry_new(step, plan, "nss", step->store->location);
	entry->nickname = g_strdup(step->nickname);
	entry->trust = g_strdup(step->trust);
	if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
		ct_trust_set_error(step, error);
		return;
	}
	if (existing != NULL && g_strcmp0(existing->trust, step->trust) == 0) {
		ct_trust_set_result(step, CT_TRUST_RESULT_UNCHANGED,
				    g_strdup("already trusted that way"));
		return;
	}
	if (!ct_nssdb_add(db, step->target->der, step->nickname, step->trust, &error)) {
		ct_trust_unrecord(ledger, entry, added);
		ct_trust_set_error(step, error);
		return;
	}
	ct_trust_set_result(step, CT_TRUST_RESULT_DONE,
			    g_strdup("restart the browser if it already failed this site"));
}

/* not written for want of root: the PEM goes where the printed commands read it, so they
 * work as pasted */
static void
ct_trust_needs_root(CtTrustStep *step, const gchar *why)
{
	g_autoptr(GError) error = NULL;

	if (!ct_system_store_write_source(step->source_path, step->target->der, &error)) {
		ct_trust_set_result(step, CT_TRUST_RESULT_FAILED,
				    g_strdup_printf("%s, and the certificate could not be saved "
						    "for the commands: %s",
						    why, error->message));
		return;
	}
	ct_trust_set_result(step, CT_TRUST_RESULT_NEEDS_ROOT,
			    g_strdup_printf("%s: as root, run the commands below (%s holds the "
					    "certificate)",
					    why, step->source_path));
}

static void
ct_trust_apply_anchor(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	g_autoptr(GError) error = NULL;
	gboolean changed = FALSE;
	gboolean added = FALSE;
	CtSystemStoreKind kind = ct_system_store_detect(plan->sysroot);
	CtLedgerEntry *entry;

	if (g_strcmp0(plan->sysroot, "/") == 0 && geteuid() != 0) {
		ct_trust_needs_root(step, "the OS store needs root");
		return;
	}
	entry = ct_trust_entry_new(step, plan, "anchor", step->anchor_path);
	entry->sysroot = g_canonicalize_filename(plan->sysroot, NULL);
	if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
		ct_trust_set_error(step, error);
		return;
	}
	if (!ct_system_store_install(plan->sysroot, kind, step->anchor_path, step->target->der,
				     &changed, &error)) {
		g_autofree gchar *why = NULL;
		ct_trust_unrecord(ledger, entry, added);
		if (!g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED)) {
			ct_trust_set_error(step, error);
			return;
		}
		why = g_strdup_printf("%s: root is needed to write there", error->message);
		ct_trust_needs_root(step, why);
		return;
	}
	ct_trust_set_result(step, changed ? CT_TRUST_RESULT_DONE : CT_TRUST_RESULT_UNCHANGED, NULL);
}

/* how a removal went: the result, and its message (owned) */
typedef struct {
	CtRemovalResult result;
	gchar *message;
} CtTrustRemoval;

static gboolean
ct_trust_remove_entry(CtLedgerEntry *entry,
		      const gchar *sysroot,
		      CtTrustRemoval *removal,
		      GError **error);

/* the OS store tree an anchor entry was written in: the recorded one, or for a ledger from
 * before trees were recorded, sysroot when the anchor file is inside it */
static gchar *
ct_trust_entry_get_sysroot(const CtLedgerEntry *entry, const gchar *sysroot, GError **error)
{
	g_autofree gchar *root = NULL;
	g_autofree gchar *prefix = NULL;

	if (entry->sysroot != NULL)
		return g_strdup(entry->sysroot);
	root = g_canonicalize_filename(sysroot != NULL ? sysroot : "/", NULL);
	prefix = g_str_has_suffix(root, "/") ? g_strdup(root) : g_strconcat(root, "/", NULL);
	if (g_str_has_prefix(entry->location, prefix))
		return g_steal_pointer(&root);
	g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
		    "%s is not in the OS store under %s: run untrust with the --sysroot it was "
		    "trusted with",
		    entry->location, root);
	return NULL;
}

/* is the ledger entry in the step's store? (an anchor: a file under the plan's sysroot) */
static gboolean
ct_trust_step_holds(const CtTrustStep *step, const CtTrustPlan *plan, const CtLedgerEntry *entry)
{
	if (g_strcmp0(ct_store_kind_to_string(step->store->kind), entry->store) != 0)
		return FALSE;
	if (step->store->kind == CT_STORE_SYSTEM) {
		g_autofree gchar *tree = ct_trust_entry_get_sysroot(entry, plan->sysroot, NULL);
		g_autofree gchar *root = g_canonicalize_filename(plan->sysroot, NULL);
		return g_strcmp0(tree, root) == 0;
	}
	return g_strcmp0(step->store->location, entry->location) == 0;
}

static gboolean
ct_trust_plan_has_name(const CtTrustPlan *plan, const gchar *name)
{
	return g_ptr_array_find_with_equal_func(plan->names, name, g_str_equal, NULL);
}

/* the entry's names the plan does not have, joined, or NULL when the plan has them all */
static gchar *
ct_trust_other_names(const CtTrustPlan *plan, const CtLedgerEntry *entry)
{
	g_autoptr(GString) others = g_string_new(NULL);

	if (entry->host != NULL)
		return NULL; /* an exception is for its one host:port */
	for (guint i = 0; entry->names != NULL && entry->names[i] != NULL; i++) {
		if (ct_trust_plan_has_name(plan, entry->names[i]))
			continue;
		g_string_append_printf(others, "%s%s", others->len > 0 ? ", " : "",
				       entry->names[i]);
	}
	return others->len > 0 ? g_string_free(g_steal_pointer(&others), FALSE) : NULL;
}

static gboolean
ct_trust_entry_for_plan(const CtTrustPlan *plan, const CtLedgerEntry *entry)
{
	for (guint i = 0; i < plan->names->len; i++) {
		if (ct_ledger_entry_has_name(entry, g_ptr_array_index(plan->names, i)))
			return TRUE;
	}
	return FALSE;
}

void
ct_trust_plan_find_retired(CtTrustPlan *plan, CtLedger *ledger)
{
	GPtrArray *entries = ct_ledger_get_entries(ledger);
	const gchar *leaf_sha = ct_chain_get_leaf(plan->chain)->sha256;

	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);

		g_clear_pointer(&step->retired, g_ptr_array_unref);
		g_clear_pointer(&step->kept, g_ptr_array_unref);
		step->retired = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)ct_untrust_result_free);
		step->kept = g_ptr_array_new_with_free_func((GDestroyNotify)ct_untrust_result_free);
		if (step->action == CT_TRUST_ACTION_NONE)
			continue;
		for (guint j = 0; j < entries->len; j++) {
			CtLedgerEntry *entry = g_ptr_array_index(entries, j);
			CtUntrustResult *found;
			g_autofree gchar *others = NULL;

			/* the same certificate (or the same root) written again is no change */
			if (g_ascii_strcasecmp(entry->sha256, step->target->sha256) == 0 ||
			    g_ascii_strcasecmp(entry->for_sha256 != NULL ? entry->for_sha256 : "",
					       leaf_sha) == 0)
				continue;
			if (!ct_trust_step_holds(step, plan, entry) ||
			    !ct_trust_entry_for_plan(plan, entry))
				continue;
			found = g_new0(CtUntrustResult, 1);
			found->entry = ct_ledger_entry_copy(entry);
			others = ct_trust_other_names(plan, entry);
			if (others != NULL) {
				found->result = CT_REMOVAL_RESULT_KEPT;
				found->message = g_strdup_printf("still trusted for %s", others);
				g_ptr_array_add(step->kept, found);
			} else {
				g_ptr_array_add(step->retired, found);
			}
		}
	}
}

/* the new certificate is in: what it replaces goes, from the store and the ledger */
static void
ct_trust_retire(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	gboolean written = step->result == CT_TRUST_RESULT_DONE ||
			   step->result == CT_TRUST_RESULT_UNCHANGED;

	if (step->result == CT_TRUST_RESULT_DRY_RUN)
		return;
	for (guint i = 0; step->retired != NULL && i < step->retired->len; i++) {
		CtUntrustResult *retired = g_ptr_array_index(step->retired, i);
		CtLedgerEntry *entry = ct_ledger_lookup(ledger, retired->entry);
		g_autoptr(GError) error = NULL;
		CtTrustRemoval removal = {0};

		retired->result = CT_REMOVAL_RESULT_PLANNED;
		g_clear_pointer(&retired->message, g_free);
		if (!written) {
			retired->result = CT_REMOVAL_RESULT_KEPT;
			retired->message = g_strdup("the new certificate was not written");
			continue;
		}
		if (entry == NULL) {
			retired->result = CT_REMOVAL_RESULT_RETIRED;
			retired->message = g_strdup("no longer in the ledger");
			continue;
		}
		if (!ct_trust_remove_entry(entry, plan->sysroot, &removal, &error)) {
			retired->result = CT_REMOVAL_RESULT_FAILED;
			retired->message = g_strdup(error->message);
			continue;
		}
		if (removal.result == CT_REMOVAL_RESULT_LEFT) {
			retired->result = CT_REMOVAL_RESULT_KEPT;
			retired->message = g_steal_pointer(&removal.message);
			ct_ledger_remove(ledger, entry);
			continue;
		}
		g_free(removal.message);
		retired->result = CT_REMOVAL_RESULT_RETIRED;
		/* a new exception for the same host:port already replaced the old line */
		if (removal.result == CT_REMOVAL_RESULT_ABSENT &&
		    step->action != CT_TRUST_ACTION_OVERRIDE)
			retired->message = g_strdup("it was no longer in the store");
		ct_ledger_remove(ledger, entry);
	}
}

void
ct_trust_plan_apply(CtTrustPlan *plan, CtLedger *ledger, gboolean dry_run)
{
	ct_trust_plan_find_retired(plan, ledger);
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		if (step->action == CT_TRUST_ACTION_NONE) {
			ct_trust_set_result(step,
					    step->refusal == CT_ERROR_REFUSED
						? CT_TRUST_RESULT_REFUSED
					    : step->refusal == CT_ERROR_FAILED
						? CT_TRUST_RESULT_FAILED
						: CT_TRUST_RESULT_SKIPPED,
					    g_strdup(step->plan));
			continue;
		}
		if (dry_run) {
			ct_trust_set_result(step, CT_TRUST_RESULT_DRY_RUN, NULL);
			continue;
		}
		/* the store and its ledger record, or neither: a second Ctrl-C waits */
		ct_cleanup_hold();
		switch (step->action) {
		case CT_TRUST_ACTION_OVERRIDE:
			ct_trust_apply_override(step, plan, ledger);
			break;
		case CT_TRUST_ACTION_NSS:
			ct_trust_apply_nss(step, plan, ledger);
			break;
		case CT_TRUST_ACTION_ANCHOR:
		case CT_TRUST_ACTION_NONE:
		default:
			ct_trust_apply_anchor(step, plan, ledger);
			break;
		}
		ct_trust_retire(step, plan, ledger);
		ct_cleanup_release();
	}
}

gboolean
ct_trust_plan_apply_recorded(CtTrustPlan *plan, gboolean dry_run, GError **error)
{
	g_autofree gchar *ledger_path = ct_context_get_ledger_path();
	g_autoptr(CtLedger) ledger = ct_ledger_open(ledger_path, error);

	if (ledger == NULL)
		return FALSE;
	ct_trust_plan_apply(plan, ledger, dry_run);
	return dry_run || ct_ledger_save(ledger, error);
}

gboolean
ct_trust_plan_find_retired_recorded(CtTrustPlan *plan, GError **error)
{
	g_autofree gchar *ledger_path = ct_context_get_ledger_path();
	g_autoptr(CtLedger) ledger = ct_ledger_open(ledger_path, error);

	if (ledger == NULL)
		return FALSE;
	ct_trust_plan_find_retired(plan, ledger);
	return TRUE;
}

gboolean
ct_trust_plan_get_outcome(CtTrustPlan *plan, CtError *code)
{
	gboolean refused = FALSE;
	gboolean failed = FALSE;

	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		if (step->result == CT_TRUST_RESULT_REFUSED)
			refused = TRUE;
		else if (step->result == CT_TRUST_RESULT_FAILED ||
			 step->result == CT_TRUST_RESULT_NEEDS_ROOT)
			failed = TRUE;
	}
	*code = failed ? CT_ERROR_FAILED : CT_ERROR_REFUSED;
	return !failed && !refused;
}

gboolean
ct_trust_step_helps(const CtTrustStep *step)
{
	if (step->action == CT_TRUST_ACTION_NONE)
		return FALSE;
	for (guint i = 0; i < step->predictions->len; i++) {
		const CtPrediction *prediction = g_ptr_array_index(step->predictions, i);
		if (g_strcmp0(prediction->verdict, "loads") == 0 ||
		    g_strcmp0(prediction->verdict, "if-issued-by-it") == 0)
			return TRUE;
	}
	return step->predictions->len == 0;
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

/* is every flag of have also in the same field of set? */
static gboolean
ct_trust_flags_within(const gchar *have, const gchar *set)
{
	for (guint field = 0; field < 3; field++) {
		g_autofree gchar *have_field = ct_trust_flags_field(have, field);
		g_autofree gchar *set_field = ct_trust_flags_field(set, field);
		for (const gchar *p = have_field; *p != '\0'; p++) {
			if (strchr(set_field, *p) == NULL)
				return FALSE;
		}
	}
	return TRUE;
}

/* an NSS entry: removed when certtrust added the certificate, its trust put back when it
 * was the user's; changed by hand since (other trust than certtrust set): left */
static gboolean
ct_trust_remove_nss(CtLedgerEntry *entry, CtTrustRemoval *removal, GError **error)
{
	g_autoptr(CtNssDb) db = ct_nssdb_open(entry->location, FALSE, error);
	g_autoptr(CtNssDbEntry) found = NULL;
	g_autoptr(GError) error_local = NULL;
	gboolean changed = FALSE;

	if (db == NULL)
		return FALSE;
	found = ct_nssdb_find(db, entry->sha256, &error_local);
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	if (found == NULL) {
		removal->result = CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	/* a write cut short before it changed the trust: nothing of certtrust's is there */
	if (entry->previous_trust != NULL && g_strcmp0(found->trust, entry->previous_trust) == 0) {
		removal->result = CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	/* less than certtrust set (a write cut short, a flag taken away) is still ours to
	 * remove; a flag certtrust did not set is the user's decision */
	if (entry->trust != NULL && !ct_trust_flags_within(found->trust, entry->trust)) {
		removal->result = CT_REMOVAL_RESULT_LEFT;
		removal->message = g_strdup_printf(
		    "%s was changed by hand since certtrust set %s (its trust is now %s): left as "
		    "it is, and certtrust forgets it",
		    found->nickname, entry->trust, found->trust);
		return TRUE;
	}
	if (entry->previous_trust != NULL) {
		if (!ct_nssdb_set_trust(db, entry->sha256, entry->previous_trust, error))
			return FALSE;
		removal->result = CT_REMOVAL_RESULT_RESTORED;
		removal->message = g_strdup_printf("%s is yours again with trust %s",
						   found->nickname, entry->previous_trust);
		return TRUE;
	}
	if (!ct_nssdb_remove(db, entry->sha256, &changed, error))
		return FALSE;
	removal->result = changed ? CT_REMOVAL_RESULT_REMOVED : CT_REMOVAL_RESULT_ABSENT;
	return TRUE;
}

/* an exception: certtrust's line goes; the user's own line it replaced comes back */
static gboolean
ct_trust_remove_override(CtLedgerEntry *entry, CtTrustRemoval *removal, GError **error)
{
	guint16 port = CT_SOURCE_DEFAULT_PORT;
	g_autofree gchar *host = ct_trust_split_name(entry->host, &port);
	gboolean changed = FALSE;

	if (entry->previous_sha256 == NULL) {
		if (!ct_firefox_override_remove(entry->location, host, port, entry->sha256,
						&changed, error))
			return FALSE;
		removal->result = changed ? CT_REMOVAL_RESULT_REMOVED : CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	/* the user's line takes the place of certtrust's, in one write */
	if (!ct_firefox_override_restore(entry->location, host, port, entry->sha256,
					 entry->previous_sha256, &changed, error))
		return FALSE;
	if (!changed) {
		removal->result = CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	removal->result = CT_REMOVAL_RESULT_RESTORED;
	removal->message = g_strdup_printf("your own exception for %s is back (%s)", entry->host,
					   entry->previous_sha256);
	return TRUE;
}

/* take what the entry records out of its store: removal->result says how (removed,
 * restored, absent, left) */
static gboolean
ct_trust_remove_entry(CtLedgerEntry *entry,
		      const gchar *sysroot,
		      CtTrustRemoval *removal,
		      GError **error)
{
	gboolean changed = FALSE;

	removal->result = CT_REMOVAL_RESULT_PLANNED;
	removal->message = NULL;
	if (g_strcmp0(entry->kind, "override") == 0)
		return ct_trust_remove_override(entry, removal, error);
	if (g_strcmp0(entry->kind, "nss") == 0)
		return ct_trust_remove_nss(entry, removal, error);
	if (g_strcmp0(entry->kind, "anchor") == 0) {
		g_autofree gchar *tree = ct_trust_entry_get_sysroot(entry, sysroot, error);
		if (tree == NULL)
			return FALSE;
		if (g_strcmp0(tree, "/") == 0 && geteuid() != 0) {
			g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
				    "removing %s needs root", entry->location);
			return FALSE;
		}
		if (!ct_system_store_remove(tree, ct_system_store_detect(tree), entry->location,
					    &changed, error))
			return FALSE;
		removal->result = changed ? CT_REMOVAL_RESULT_REMOVED : CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "unknown ledger entry kind %s",
		    entry->kind);
	return FALSE;
}

/* the ledger's entry is no longer written for name */
static void
ct_trust_entry_drop_name(CtLedgerEntry *entry, const gchar *name)
{
	g_autoptr(GStrvBuilder) names = g_strv_builder_new();

	for (guint i = 0; entry->names != NULL && entry->names[i] != NULL; i++) {
		if (g_strcmp0(entry->names[i], name) != 0)
			g_strv_builder_add(names, entry->names[i]);
	}
	g_strfreev(entry->names);
	entry->names = g_strv_builder_end(names);
}

/* remove the entries (in the stores given) from their stores and the ledger; for_name:
 * an entry also written for names other than this one stays */
static GPtrArray *
ct_trust_remove_entries(CtLedger *ledger,
			GPtrArray *entries,
			const gchar *for_name,
			GPtrArray *stores,
			const gchar *sysroot)
{
	GPtrArray *results = g_ptr_array_new_with_free_func((GDestroyNotify)ct_untrust_result_free);

	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		CtUntrustResult *result = NULL;
		g_autoptr(GError) error = NULL;
		g_autoptr(GString) others = g_string_new(NULL);
		CtTrustRemoval removal = {0};

		if (!ct_store_selects(stores, entry))
			continue;
		result = g_new0(CtUntrustResult, 1);
		result->entry = ct_ledger_entry_copy(entry);
		g_ptr_array_add(results, result);
		for (guint n = 0;
		     for_name != NULL && entry->names != NULL && entry->names[n] != NULL; n++) {
			if (g_strcmp0(entry->names[n], for_name) != 0)
				g_string_append_printf(others, "%s%s", others->len > 0 ? ", " : "",
						       entry->names[n]);
		}
		if (others->len > 0) {
			/* this name's record goes: the last name's untrust removes the entry */
			ct_trust_entry_drop_name(entry, for_name);
			result->result = CT_REMOVAL_RESULT_KEPT;
			result->message = g_strdup_printf("also trusted for %s: untrust %s removes "
							  "it",
							  others->str, entry->sha256);
			continue;
		}
		if (!ct_trust_remove_entry(entry, sysroot, &removal, &error)) {
			/* still there: the ledger keeps it for the next try */
			result->result = error->code == CT_ERROR_REFUSED ? CT_REMOVAL_RESULT_REFUSED
									 : CT_REMOVAL_RESULT_FAILED;
			result->message = g_strdup(error->message);
			continue;
		}
		result->result = removal.result;
		result->message = removal.message;
		ct_ledger_remove(ledger, entry);
	}
	return results;
}

GPtrArray *
ct_trust_remove(CtLedger *ledger, const gchar *sha256, GPtrArray *stores, const gchar *sysroot)
{
	g_autoptr(GPtrArray) entries = ct_ledger_find(ledger, sha256);
	return ct_trust_remove_entries(ledger, entries, NULL, stores, sysroot);
}

GPtrArray *
ct_trust_remove_for(CtLedger *ledger, const gchar *name, GPtrArray *stores, const gchar *sysroot)
{
	g_autoptr(GPtrArray) entries = g_ptr_array_new();
	GPtrArray *all = ct_ledger_get_entries(ledger);
	g_autofree gchar *canonical = ct_source_canonical_host_port(name);

	if (canonical == NULL)
		canonical = g_strdup(name);
	for (guint i = 0; i < all->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(all, i);
		if (ct_ledger_entry_has_name(entry, canonical))
			g_ptr_array_add(entries, entry);
	}
	return ct_trust_remove_entries(ledger, entries, canonical, stores, sysroot);
}

gboolean
ct_trust_entry_is_present(const CtLedgerEntry *entry, gboolean *present, GError **error)
{
	*present = FALSE;
	if (g_strcmp0(entry->kind, "override") == 0) {
		g_autoptr(GHashTable) overrides = ct_firefox_override_list(entry->location, error);
		if (overrides == NULL)
			return FALSE;
		*present = g_strcmp0(g_hash_table_lookup(overrides, entry->host), entry->sha256) ==
			   0;
		return TRUE;
	}
	if (g_strcmp0(entry->kind, "nss") == 0) {
		g_autoptr(CtNssDb) db = NULL;
		g_autoptr(CtNssDbEntry) found = NULL;
		g_autoptr(GError) error_local = NULL;

		/* a read: never creates or rewrites the database */
		db = ct_nssdb_open_read_only(entry->location, &error_local);
		if (db == NULL && g_error_matches(error_local, CT_ERROR, CT_ERROR_NOT_FOUND))
			return TRUE;
		if (db == NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		found = ct_nssdb_find(db, entry->sha256, &error_local);
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (found == NULL)
			return TRUE;
		*present = g_strcmp0(found->trust, entry->trust) == 0;
		return TRUE;
	}
	if (g_strcmp0(entry->kind, "anchor") == 0) {
		g_autoptr(CtChain) chain = NULL;
		g_autoptr(GError) error_local = NULL;

		if (!g_file_test(entry->location, G_FILE_TEST_EXISTS))
			return TRUE;
		chain = ct_chain_load_file(entry->location, NULL, &error_local);
		*present = chain != NULL &&
			   g_strcmp0(ct_chain_get_leaf(chain)->sha256, entry->sha256) == 0;
		return TRUE;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "unknown ledger entry kind %s",
		    entry->kind);
	return FALSE;
}
