/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtServe"

#include "config.h"

#include <string.h>

#include "ct-error.h"
#include "ct-nssdb.h"
#include "ct-serve-profiles.h"

#define CT_SERVE_DAY (24 * 60 * 60)

/* what a profile's maker works on: the leaf's spec with serve's defaults, and the outputs */
typedef struct {
	CtNssDbCertificateSpec spec;
	gint64 now;
	const gchar *listen;
	CtServeIssued *leaf;
	CtServeIssued *intermediate;
	CtServeIssued *root;
} CtServeMaking;

typedef gboolean (*CtServeMaker)(CtServeMaking *making, GError **error);

void
ct_serve_issued_clear(CtServeIssued *issued)
{
	g_clear_pointer(&issued->der, g_bytes_unref);
	g_clear_pointer(&issued->key, g_bytes_unref);
}

static gboolean
ct_serve_issue(const CtNssDbCertificateSpec *spec,
	       const CtServeIssued *issuer,
	       CtServeIssued *out,
	       GError **error)
{
	return ct_nssdb_generate_certificate(spec, issuer != NULL ? issuer->der : NULL,
					     issuer != NULL ? issuer->key : NULL, &out->der,
					     &out->key, error);
}

/* the leaf as the spec now says, self-signed */
static gboolean
ct_serve_issue_leaf(CtServeMaking *making, GError **error)
{
	return ct_serve_issue(&making->spec, NULL, making->leaf, error);
}

/* the leaf with the spec's one name (CN and the only DNS SAN) */
static gboolean
ct_serve_issue_named(CtServeMaking *making, const gchar *name, GError **error)
{
	const gchar *single[] = {name, NULL};

	making->spec.common_name = name;
	making->spec.dns_names = single;
	making->spec.ip_addresses = NULL;
	return ct_serve_issue_leaf(making, error);
}

/* the key usage and extended key usage of a certificate that says what it is */
static void
ct_serve_declare_server(CtServeMaking *making)
{
	making->spec.key_usage = CT_NSSDB_KEY_USAGE_DIGITAL_SIGNATURE |
				 CT_NSSDB_KEY_USAGE_KEY_ENCIPHERMENT;
	making->spec.server_auth = TRUE;
}

/* SAN and SKI, no basicConstraints, no key usage: what keytool makes for Tomcat */
static gboolean
ct_serve_make_tomcat(CtServeMaking *making, GError **error)
{
	return ct_serve_issue_leaf(making, error);
}

static gboolean
ct_serve_make_leaf(CtServeMaking *making, GError **error)
{
	ct_serve_declare_server(making);
	making->spec.basic_constraints = CT_NSSDB_BASIC_CONSTRAINTS_CA_FALSE;
	return ct_serve_issue_leaf(making, error);
}

/* a root, an intermediate (pathLen 0) and the leaf they sign */
static gboolean
ct_serve_make_chain(CtServeMaking *making, GError **error)
{
	CtNssDbCertificateSpec ca = {
	    .common_name = "certtrust serve Root CA",
	    .organization = "certtrust serve",
	    .not_before = making->spec.not_before,
	    .not_after = making->now + 3 * 365 * CT_SERVE_DAY,
	    .basic_constraints = CT_NSSDB_BASIC_CONSTRAINTS_CA_TRUE,
	    .path_length = -1,
	    .key_usage = CT_NSSDB_KEY_USAGE_KEY_CERT_SIGN | CT_NSSDB_KEY_USAGE_CRL_SIGN,
	    .subject_key_id = TRUE,
	};

	if (!ct_serve_issue(&ca, NULL, making->root, error))
		return FALSE;
	ca.common_name = "certtrust serve Intermediate CA";
	ca.path_length = 0;
	ca.authority_key_id = TRUE;
	if (!ct_serve_issue(&ca, making->root, making->intermediate, error))
		return FALSE;
	ct_serve_declare_server(making);
	making->spec.basic_constraints = CT_NSSDB_BASIC_CONSTRAINTS_CA_FALSE;
	making->spec.authority_key_id = TRUE;
	return ct_serve_issue(&making->spec, making->intermediate, making->leaf, error);
}

static gboolean
ct_serve_make_expired(CtServeMaking *making, GError **error)
{
	making->spec.not_before = making->now - 60 * CT_SERVE_DAY;
	making->spec.not_after = making->now - 30 * CT_SERVE_DAY;
	return ct_serve_issue_leaf(making, error);
}

static gboolean
ct_serve_make_not_yet_valid(CtServeMaking *making, GError **error)
{
	making->spec.not_before = making->now + 30 * CT_SERVE_DAY;
	making->spec.not_after = making->now + 60 * CT_SERVE_DAY;
	return ct_serve_issue_leaf(making, error);
}

static gboolean
ct_serve_make_wrong_name(CtServeMaking *making, GError **error)
{
	return ct_serve_issue_named(making, "not-this-server.invalid", error);
}

/* the name in the CN only, no SAN */
static gboolean
ct_serve_make_cn_only(CtServeMaking *making, GError **error)
{
	making->spec.dns_names = NULL;
	making->spec.ip_addresses = NULL;
	return ct_serve_issue_leaf(making, error);
}

/* "ucm.example.com" -> "*.example.com"; a name of one or two labels gets "*.name" */
static gboolean
ct_serve_make_wildcard(CtServeMaking *making, GError **error)
{
	const gchar *cn = making->spec.common_name;
	const gchar *dot = strchr(cn, '.');
	g_autofree gchar *wildcard = dot != NULL && strchr(dot + 1, '.') != NULL
					 ? g_strconcat("*", dot, NULL)
					 : g_strconcat("*.", cn, NULL);

	return ct_serve_issue_named(making, wildcard, error);
}

/* the listening address and ::1 as IP SANs, no DNS name */
static gboolean
ct_serve_make_ip_san(CtServeMaking *making, GError **error)
{
	const gchar *loopback[] = {making->listen, "::1", NULL};

	making->spec.dns_names = NULL;
	making->spec.ip_addresses = loopback;
	return ct_serve_issue_leaf(making, error);
}

/* what `openssl req -x509` makes: CA:TRUE, no key usage */
static gboolean
ct_serve_make_ca_leaf(CtServeMaking *making, GError **error)
{
	making->spec.basic_constraints = CT_NSSDB_BASIC_CONSTRAINTS_CA_TRUE;
	making->spec.authority_key_id = TRUE;
	return ct_serve_issue_leaf(making, error);
}

static gboolean
ct_serve_make_v1(CtServeMaking *making, GError **error)
{
	making->spec.version1 = TRUE;
	return ct_serve_issue_leaf(making, error);
}

static const struct {
	const gchar *name;
	CtServeMaker make;
} ct_serve_profile_table[] = {
    {"tomcat", ct_serve_make_tomcat},
    {"leaf", ct_serve_make_leaf},
    {"chain", ct_serve_make_chain},
    {"expired", ct_serve_make_expired},
    {"not-yet-valid", ct_serve_make_not_yet_valid},
    {"wrong-name", ct_serve_make_wrong_name},
    {"cn-only", ct_serve_make_cn_only},
    {"wildcard", ct_serve_make_wildcard},
    {"ip-san", ct_serve_make_ip_san},
    {"ca-leaf", ct_serve_make_ca_leaf},
    {"v1", ct_serve_make_v1},
};

const gchar *const *
ct_serve_profiles_get_names(void)
{
	static const gchar *names[G_N_ELEMENTS(ct_serve_profile_table) + 1];
	static gsize listed = 0;

	if (g_once_init_enter(&listed)) {
		for (guint i = 0; i < G_N_ELEMENTS(ct_serve_profile_table); i++)
			names[i] = ct_serve_profile_table[i].name;
		g_once_init_leave(&listed, 1);
	}
	return names;
}

gchar *
ct_serve_profiles_describe(gboolean mark_default)
{
	GString *text = g_string_new(NULL);
	guint last = G_N_ELEMENTS(ct_serve_profile_table) - 1;

	for (guint i = 0; i <= last; i++) {
		if (i > 0)
			g_string_append(text, i == last ? " or " : ", ");
		g_string_append(text, ct_serve_profile_table[i].name);
		if (i == 0 && mark_default)
			g_string_append(text, " (default)");
	}
	return g_string_free(text, FALSE);
}

gboolean
ct_serve_profiles_make(const gchar *profile,
		       GPtrArray *dns,
		       GPtrArray *ips,
		       const gchar *listen,
		       CtServeIssued *leaf,
		       CtServeIssued *intermediate,
		       CtServeIssued *root,
		       GError **error)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	CtServeMaking making = {
	    .spec =
		{
		    .common_name = dns->pdata[0] != NULL ? dns->pdata[0] : ips->pdata[0],
		    .organization = "certtrust serve",
		    .dns_names = (const gchar *const *)dns->pdata,
		    .ip_addresses = (const gchar *const *)ips->pdata,
		    .not_before = now - 60 * 60,
		    .not_after = now + 365 * CT_SERVE_DAY,
		    .basic_constraints = CT_NSSDB_BASIC_CONSTRAINTS_NONE,
		    .path_length = -1,
		    .subject_key_id = TRUE,
		},
	    .now = now,
	    .listen = listen,
	    .leaf = leaf,
	    .intermediate = intermediate,
	    .root = root,
	};

	for (guint i = 0; i < G_N_ELEMENTS(ct_serve_profile_table); i++) {
		if (g_strcmp0(profile, ct_serve_profile_table[i].name) == 0)
			return ct_serve_profile_table[i].make(&making, error);
	}
	{
		g_autofree gchar *profiles = ct_serve_profiles_describe(FALSE);
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "unknown profile '%s': use %s",
			    profile, profiles);
	}
	return FALSE;
}
