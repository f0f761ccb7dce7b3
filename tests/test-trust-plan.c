/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestTrustPlan"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "ct-test.h"
#include "ct-trust.h"

/* the trust table of docs/trust-semantics.md, row by row: a real certificate of each kind
 * (made by tests/data/make-pki.sh, or here) planned for each store and mode with
 * ct_trust_plan_new. Plans only: no store is written, which each row checks too */

typedef enum {
	PLAN_FIREFOX, /* the temp HOME's Firefox profile */
	PLAN_CHROMIUM,
	PLAN_NSS,	     /* nss:DIR, decided as Chromium */
	PLAN_SYSTEM,	     /* a Debian layout under a sysroot */
	PLAN_SYSTEM_UNKNOWN, /* a sysroot with no OS store layout */
} PlanStore;

typedef struct {
	const char *certificate; /* a file of the test PKI, or "expired" (made here) */
	PlanStore store;
	CtTrustMode mode;
	gboolean allow_ca;
	CtTrustAction action;
	const char *trust;   /* the NSS flags, or NULL */
	const char *target;  /* "leaf", "root" (the chain's last), or NULL: nothing written */
	gint refusal;	     /* a CtError code, 0 when written */
	const char *why;     /* in the plan's text: where it writes, or why not */
	const char *verdict; /* the prediction for https://ucm.example.com/ */
} PlanRow;

#define REFUSED(why) CT_TRUST_ACTION_NONE, NULL, NULL, CT_ERROR_REFUSED, why, "untrusted"

static gchar *tmpdir;
static gchar *profile;
static gchar *nssdir;
static gchar *sysroot;

static void
plan_setup(void)
{
	g_autofree gchar *local = NULL;
	g_autofree gchar *certs = NULL;

	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
	nssdir = g_build_filename(tmpdir, "nssdb", NULL);
	sysroot = g_build_filename(tmpdir, "sysroot", NULL);
	local = g_build_filename(sysroot, "usr", "local", "share", "ca-certificates", NULL);
	certs = g_build_filename(sysroot, "etc", "ssl", "certs", NULL);
	cr_assert_eq(g_mkdir_with_parents(nssdir, 0700), 0);
	cr_assert_eq(g_mkdir_with_parents(local, 0755), 0);
	cr_assert_eq(g_mkdir_with_parents(certs, 0755), 0);
}

static void
plan_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
	g_clear_pointer(&nssdir, g_free);
	g_clear_pointer(&sysroot, g_free);
}

/* a self-signed CA:FALSE server certificate for ucm.example.com that expired in 2001: made
 * under a faked clock, so it is expired on any day the test runs */
static CtChain *
plan_expired_chain(void)
{
	g_autofree gchar *pem = g_build_filename(tmpdir, "expired.pem", NULL);
	g_autofree gchar *key = g_build_filename(tmpdir, "expired.key", NULL);
	g_autofree gchar *command = g_strdup_printf(
	    "faketime '2001-01-01 00:00:00' openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=ucm.example.com -addext "
	    "basicConstraints=critical,CA:FALSE -addext subjectAltName=DNS:ucm.example.com "
	    "-keyout '%s' -out '%s'",
	    key, pem);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	g_autoptr(GError) error = NULL;
	CtChain *chain;

	cr_assert_eq(run->exit_status, 0, "openssl: %s", run->err);
	chain = ct_chain_load_file(pem, NULL, &error);
	cr_assert_not_null(chain, "%s", error != NULL ? error->message : "");
	return chain;
}

static CtChain *
plan_chain(const char *certificate)
{
	g_autofree gchar *name = NULL;

	if (g_strcmp0(certificate, "expired") == 0)
		return plan_expired_chain();
	name = g_strconcat(certificate, ".pem", NULL);
	return ct_test_load_chain(name);
}

static GPtrArray *
plan_stores(PlanStore store)
{
	g_autofree gchar *nss = g_strconcat("nss:", nssdir, NULL);
	const gchar *specs[] = {NULL, NULL};
	g_autoptr(GError) error = NULL;
	GPtrArray *stores;

	switch (store) {
	case PLAN_FIREFOX:
		specs[0] = "firefox";
		break;
	case PLAN_CHROMIUM:
		specs[0] = "chromium";
		break;
	case PLAN_NSS:
		specs[0] = nss;
		break;
	case PLAN_SYSTEM:
	case PLAN_SYSTEM_UNKNOWN:
	default:
		specs[0] = "system";
		break;
	}
	stores = ct_store_resolve(specs, store == PLAN_SYSTEM ? sysroot : tmpdir, TRUE, &error);
	cr_assert_not_null(stores, "%s", error != NULL ? error->message : "");
	cr_assert_eq(stores->len, 1);
	return stores;
}

/* nothing was written anywhere a store lives: a plan only reads */
static void
plan_assert_nothing_written(void)
{
	g_autofree gchar *overrides = g_build_filename(profile, "cert_override.txt", NULL);
	g_autofree gchar *profile_db = g_build_filename(profile, "cert9.db", NULL);
	g_autofree gchar *nss_db = g_build_filename(nssdir, "cert9.db", NULL);
	g_autofree gchar *local = g_build_filename(sysroot, "usr", "local", "share",
						   "ca-certificates", NULL);
	g_autoptr(GDir) anchors = g_dir_open(local, 0, NULL);

	cr_assert_not(g_file_test(overrides, G_FILE_TEST_EXISTS));
	cr_assert_not(g_file_test(profile_db, G_FILE_TEST_EXISTS));
	cr_assert_not(g_file_test(nss_db, G_FILE_TEST_EXISTS));
	cr_assert_not_null(anchors);
	cr_assert_null(g_dir_read_name(anchors), "an anchor was written under %s", local);
}

static const PlanRow plan_rows[] = {
    /* self-signed, not CA-capable (Tomcat/keytool: SAN + SKI, no basicConstraints) */
    {"tomcat", PLAN_FIREFOX, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_OVERRIDE, NULL, "leaf", 0,
     "cert_override.txt", "loads"},
    {"tomcat", PLAN_FIREFOX, CT_TRUST_MODE_EXCEPTION, FALSE, CT_TRUST_ACTION_OVERRIDE, NULL, "leaf",
     0, "a permanent exception for ucm.example.com:443", "loads"},
    {"tomcat", PLAN_FIREFOX, CT_TRUST_MODE_ANCHOR, FALSE, CT_TRUST_ACTION_NSS, "C,,", "leaf", 0,
     "cert9.db", "loads"},
    {"tomcat", PLAN_CHROMIUM, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_NSS, "P,,", "leaf", 0,
     "cert9.db", "loads"},
    {"tomcat", PLAN_NSS, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_NSS, "P,,", "leaf", 0,
     "cert9.db", "loads"},
    {"tomcat", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_ANCHOR, NULL, "leaf", 0,
     "debian layout", "loads"},
    /* self-signed and CA-capable (CA:TRUE): never C trust, an anchor only with --allow-ca */
    {"ca-leaf", PLAN_FIREFOX, CT_TRUST_MODE_EXCEPTION, FALSE, CT_TRUST_ACTION_OVERRIDE, NULL,
     "leaf", 0, "cert_override.txt", "loads"},
    {"ca-leaf", PLAN_FIREFOX, CT_TRUST_MODE_ANCHOR, TRUE,
     REFUSED("MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY")},
    {"ca-leaf", PLAN_NSS, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_NSS, "P,,", "leaf", 0,
     "with trust P,,", "loads"},
    {"ca-leaf", PLAN_CHROMIUM, CT_TRUST_MODE_AUTO, TRUE, CT_TRUST_ACTION_NSS, "P,,", "leaf", 0,
     "with trust P,,", "loads"},
    {"ca-leaf", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, FALSE, REFUSED("add --allow-ca")},
    {"ca-leaf", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, TRUE, CT_TRUST_ACTION_ANCHOR, NULL, "leaf", 0,
     "the anchor", "loads"},
    /* a leaf issued by a private CA, the server sending leaf + intermediate + root */
    {"chain", PLAN_FIREFOX, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_OVERRIDE, NULL, "leaf", 0,
     "cert_override.txt", "loads"},
    {"chain", PLAN_FIREFOX, CT_TRUST_MODE_ANCHOR, FALSE, REFUSED("add --allow-ca")},
    {"chain", PLAN_FIREFOX, CT_TRUST_MODE_ANCHOR, TRUE, CT_TRUST_ACTION_NSS, "C,,", "root", 0,
     "with trust C,,", "loads"},
    {"chain", PLAN_NSS, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_NSS, "P,,", "leaf", 0,
     "with trust P,,", "loads"},
    {"chain", PLAN_CHROMIUM, CT_TRUST_MODE_AUTO, TRUE, CT_TRUST_ACTION_NSS, "C,,", "root", 0,
     "with trust C,,", "loads"},
    {"chain", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, FALSE, REFUSED("add --allow-ca")},
    {"chain", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, TRUE, CT_TRUST_ACTION_ANCHOR, NULL, "root", 0,
     "the anchor", "loads"},
    /* the same without its root: nothing to anchor */
    {"leaf-inter", PLAN_FIREFOX, CT_TRUST_MODE_ANCHOR, TRUE, REFUSED("does not send its root CA")},
    {"leaf-inter", PLAN_NSS, CT_TRUST_MODE_AUTO, TRUE, CT_TRUST_ACTION_NSS, "P,,", "leaf", 0,
     "with trust P,,", "loads"},
    {"leaf-inter", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, TRUE, REFUSED("does not send its root CA")},
    /* no subjectAltName: the browsers refuse it whatever the trust */
    {"cn-only", PLAN_FIREFOX, CT_TRUST_MODE_EXCEPTION, FALSE, CT_TRUST_ACTION_OVERRIDE, NULL,
     "leaf", 0, "cert_override.txt", "loads"},
    {"cn-only", PLAN_FIREFOX, CT_TRUST_MODE_ANCHOR, FALSE, REFUSED("SSL_ERROR_BAD_CERT_DOMAIN")},
    {"cn-only", PLAN_NSS, CT_TRUST_MODE_AUTO, FALSE, REFUSED("ERR_CERT_COMMON_NAME_INVALID")},
    {"cn-only", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_ANCHOR, NULL, "leaf", 0,
     "the anchor", "loads"},
    /* a root CA's own file given alone */
    {"ca", PLAN_FIREFOX, CT_TRUST_MODE_EXCEPTION, TRUE,
     REFUSED("a CA's certificate, not a server's")},
    {"ca", PLAN_FIREFOX, CT_TRUST_MODE_ANCHOR, FALSE, REFUSED("add --allow-ca")},
    {"ca", PLAN_FIREFOX, CT_TRUST_MODE_ANCHOR, TRUE, CT_TRUST_ACTION_NSS, "C,,", "leaf", 0,
     "with trust C,,", "if-issued-by-it"},
    {"ca", PLAN_NSS, CT_TRUST_MODE_AUTO, FALSE, REFUSED("add --allow-ca")},
    {"ca", PLAN_CHROMIUM, CT_TRUST_MODE_AUTO, TRUE, CT_TRUST_ACTION_NSS, "C,,", "leaf", 0,
     "with trust C,,", "if-issued-by-it"},
    {"ca", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, FALSE, REFUSED("add --allow-ca")},
    {"ca", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, TRUE, CT_TRUST_ACTION_ANCHOR, NULL, "leaf", 0,
     "the anchor", "if-issued-by-it"},
    /* expired: written all the same; an exception covers it, trust does not */
    {"expired", PLAN_FIREFOX, CT_TRUST_MODE_EXCEPTION, FALSE, CT_TRUST_ACTION_OVERRIDE, NULL,
     "leaf", 0, "cert_override.txt", "loads"},
    {"expired", PLAN_NSS, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_NSS, "P,,", "leaf", 0,
     "with trust P,,", "expired"},
    {"expired", PLAN_SYSTEM, CT_TRUST_MODE_AUTO, FALSE, CT_TRUST_ACTION_ANCHOR, NULL, "leaf", 0,
     "the anchor", "expired"},
    /* an OS store of no known layout: not found, nothing written */
    {"tomcat", PLAN_SYSTEM_UNKNOWN, CT_TRUST_MODE_AUTO, TRUE, CT_TRUST_ACTION_NONE, NULL, NULL,
     CT_ERROR_NOT_FOUND, "no known OS trust store layout", "untrusted"},
};

ParameterizedTestParameters(trust_plan, table)
{
	return cr_make_param_array(PlanRow, (void *)plan_rows, G_N_ELEMENTS(plan_rows));
}

ParameterizedTest(const PlanRow *row, trust_plan, table, .init = plan_setup, .fini = plan_teardown)
{
	g_autoptr(CtChain) chain = plan_chain(row->certificate);
	g_autoptr(GPtrArray) stores = plan_stores(row->store);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(CtTrustPlan) plan = NULL;
	g_autoptr(GError) error = NULL;
	CtCertificate *leaf = ct_chain_get_leaf(chain);
	CtCertificate *root = g_ptr_array_index(chain->certificates, chain->path_length - 1);
	const CtPrediction *prediction = NULL;
	const CtTrustStep *step = NULL;
	const gchar *store_names[] = {"firefox", "chromium", "nss:DIR", "system",
				      "system (no layout)"};
	const gchar *mode_names[] = {"auto", "exception", "anchor"};
	g_autofree gchar *row_name = g_strdup_printf("%s in %s, mode %s%s", row->certificate,
						     store_names[row->store], mode_names[row->mode],
						     row->allow_ca ? ", --allow-ca" : "");

	g_ptr_array_add(names, g_strdup("ucm.example.com:443"));
	plan = ct_trust_plan_new(chain, stores, names, row->mode, row->allow_ca,
				 row->store == PLAN_SYSTEM ? sysroot : tmpdir, &error);
	cr_assert_not_null(plan, "%s: %s", row_name, error != NULL ? error->message : "");
	cr_assert_eq(plan->steps->len, 1);
	step = g_ptr_array_index(plan->steps, 0);

	cr_assert_eq(step->action, row->action, "%s: action %s, plan: %s", row_name,
		     ct_trust_action_to_string(step->action), step->plan);
	cr_assert_eq(step->refusal, row->refusal, "%s: refusal %d, plan: %s", row_name,
		     step->refusal, step->plan);
	cr_assert_not_null(strstr(step->plan, row->why), "%s: the plan says \"%s\", not \"%s\"",
			   row_name, step->plan, row->why);
	if (row->trust != NULL)
		cr_assert_str_eq(step->trust, row->trust, "%s", row_name);
	else
		cr_assert_null(step->trust, "%s: trust %s", row_name, step->trust);
	if (row->target == NULL)
		cr_assert_null(step->target, "%s", row_name);
	else
		cr_assert_eq(step->target, g_strcmp0(row->target, "root") == 0 ? root : leaf,
			     "%s: the %s is not what is written", row_name, row->target);

	/* the principles every row keeps: CA power only with --allow-ca, and an exception
	 * only for the server's own certificate */
	if (step->target != NULL && step->target->ca_capable && !row->allow_ca) {
		cr_assert_neq(step->action, CT_TRUST_ACTION_ANCHOR, "%s", row_name);
		cr_assert(step->trust == NULL || strchr(step->trust, 'C') == NULL,
			  "%s: a CA given %s without --allow-ca", row_name, step->trust);
	}
	if (step->action == CT_TRUST_ACTION_OVERRIDE) {
		cr_assert_eq(step->target, leaf, "%s", row_name);
		cr_assert_eq(step->hosts->len, 1, "%s", row_name);
		cr_assert_str_eq(g_ptr_array_index(step->hosts, 0), "ucm.example.com:443");
	}

	cr_assert_eq(step->predictions->len, 1, "%s", row_name);
	prediction = g_ptr_array_index(step->predictions, 0);
	cr_assert_str_eq(prediction->name, "ucm.example.com:443");
	cr_assert_str_eq(ct_prediction_verdict_to_string(prediction->verdict), row->verdict,
			 "%s: predicted %s", row_name,
			 ct_prediction_verdict_to_string(prediction->verdict));
	cr_assert_eq(step->result, CT_TRUST_RESULT_PLANNED);
	plan_assert_nothing_written();
}
