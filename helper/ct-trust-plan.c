/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTrust"

#include "config.h"

#include <string.h>

#include "ct-context.h"
#include "ct-escape.h"
#include "ct-hostname.h"
#include "ct-source.h"
#include "ct-system-store.h"
#include "ct-trust-private.h"
#include "ct-trust.h"

/* the decision table: what each store gets for a chain (docs/trust-semantics.md), and
 * what each browser will then make of the names typed; nothing is written here */

/* what a refusal to trust a CA without --allow-ca says */
#define CT_TRUST_CA_ADVICE \
	"trusting a CA lets it vouch for any site: add --allow-ca if that is what you want"

static void
ct_prediction_free(CtPrediction *prediction)
{
	g_free(prediction->name);
	g_free(prediction->browser);
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
	g_hash_table_unref(plan->nssdbs);
	g_free(plan->sysroot);
	g_free(plan);
}

void
ct_trust_plan_share_databases(CtTrustPlan *plan, CtTrustPlan *with)
{
	g_hash_table_unref(plan->nssdbs);
	plan->nssdbs = g_hash_table_ref(with->nssdbs);
}

CtNssDb *
ct_trust_plan_get_nssdb(CtTrustPlan *plan, const CtStore *store, GError **error)
{
	CtNssDb *db = g_hash_table_lookup(plan->nssdbs, store->location);

	if (db != NULL)
		return db;
	db = ct_nssdb_open(store->location, store->create, error);
	if (db == NULL)
		return NULL;
	g_hash_table_insert(plan->nssdbs, g_strdup(store->location), db);
	return db;
}

/* "host:port" -> host (IPv6 without brackets) and port, *port when none is given; a name
 * that is no host:port stays whole */
gchar *
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
gboolean
ct_trust_is_lone_ca(CtChain *chain)
{
	CtCertificate *leaf = ct_chain_get_leaf(chain);
	return chain->peer == NULL && chain->certificates->len == 1 && leaf->self_signed &&
	       leaf->basic_ca && !leaf->has_san;
}

void
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
		CtPredictionVerdict verdict;
		gboolean browser_named = g_strcmp0(browser, "firefox") == 0 ||
					 g_strcmp0(browser, "chromium") == 0;

		/* each browser's own rule where they differ (Chromium: no "*.co.uk") */
		if (!ct_hostname_policy_from_string(browser, &policy, NULL) ||
		    policy == CT_HOSTNAME_POLICY_LEGACY)
			policy = CT_HOSTNAME_POLICY_STRICT;
		modern = ct_host_check_get_verdict(check, policy);

		if (step->action == CT_TRUST_ACTION_NONE) {
			verdict = CT_PREDICTION_UNTRUSTED;
		} else if (browser_named && ct_chain_tls_version_is_obsolete(plan->chain)) {
			/* no trust helps: the browsers end the handshake before any certificate */
			verdict = CT_PREDICTION_OLD_TLS;
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
			verdict = CT_PREDICTION_IF_ISSUED_BY_IT;
		} else if (override) {
			/* an exception covers the name it was made for */
			verdict = CT_PREDICTION_LOADS;
		} else if (step->store->kind != CT_STORE_SYSTEM && !modern->match) {
			/* both browsers report a wrong name before an expired certificate */
			verdict = leaf->has_san ? CT_PREDICTION_NAME_MISMATCH
						: CT_PREDICTION_NO_SAN;
		} else if (!ct_trust_is_valid_now(leaf)) {
			verdict = CT_PREDICTION_EXPIRED;
		} else if (step->store->kind == CT_STORE_SYSTEM) {
			verdict = check->legacy.match ? CT_PREDICTION_LOADS
						      : CT_PREDICTION_NAME_MISMATCH;
		} else {
			verdict = CT_PREDICTION_LOADS;
		}
		prediction->name = g_strdup(name);
		prediction->browser = g_strdup(browser);
		prediction->verdict = verdict;
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

gchar *
ct_trust_get_nickname(const CtCertificate *certificate)
{
	g_autofree gchar *stem = ct_escape_for_filename(certificate->subject_cn, "certificate");
	g_autofree gchar *short_sha = g_strndup(certificate->sha256, 11);
	g_strdelimit(short_sha, ":", '-');
	/* a colon would read as "token:nickname" in NSS */
	return g_strdup_printf("certtrust-%s-%s", stem, short_sha);
}

void
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
	step->nickname = ct_trust_get_nickname(target);
	step->plan = g_strdup_printf("import %s with trust %s into %s/cert9.db", step->nickname,
				     trust, step->store->location);
}

/* a lone CA's certificate: trusted as a CA only with --allow-ca */
static void
ct_trust_plan_lone_ca(CtTrustStep *step, CtCertificate *ca, gboolean allow_ca)
{
	if (!allow_ca)
		ct_trust_refuse(step, CT_ERROR_REFUSED, CT_TRUST_CA_ADVICE);
	else
		ct_trust_plan_nss(step, ca, "C,,");
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
		else
			ct_trust_plan_lone_ca(step, leaf, allow_ca);
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

	if (ct_trust_is_lone_ca(plan->chain))
		ct_trust_plan_lone_ca(step, leaf, allow_ca);
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
		step->nickname = ct_trust_get_nickname(target);
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
	plan->nssdbs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					     (GDestroyNotify)ct_nssdb_close);
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
		if (prediction->verdict == CT_PREDICTION_LOADS ||
		    prediction->verdict == CT_PREDICTION_IF_ISSUED_BY_IT)
			return TRUE;
	}
	return step->predictions->len == 0;
}
