/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtSystemHelper"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "ct-chain.h"
#include "ct-json.h"
#include "ct-system-helper.h"
#include "ct-system-store.h"
#include "ct-trust.h"

/* the one certificate base64 text decodes to, judged as ct_trust_plan_new judges an OS
 * anchor: a self-signed certificate (a root, or a server's own), CA power only when asked */
static CtChain *
ct_system_helper_decode(const gchar *der_base64, gboolean allow_ca, GError **error)
{
	g_autofree guchar *der = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(CtChain) chain = NULL;
	CtCertificate *certificate;
	gsize len = 0;

	if (strlen(der_base64) > CT_SYSTEM_HELPER_MAX_INPUT) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "the certificate is longer than %d characters of base64",
			    CT_SYSTEM_HELPER_MAX_INPUT);
		return NULL;
	}
	for (const gchar *p = der_base64; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("+/=", *p) == NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "the certificate is not base64 DER");
			return NULL;
		}
	}
	der = g_base64_decode(der_base64, &len);
	if (len == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "the certificate is empty");
		return NULL;
	}
	bytes = g_bytes_new_take(g_steal_pointer(&der), len);
	chain = ct_chain_load_bytes("the certificate given", bytes, error);
	if (chain == NULL)
		return NULL;
	if (chain->certificates->len != 1) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
			    "exactly one certificate is installed at a time, not %u",
			    chain->certificates->len);
		return NULL;
	}
	certificate = ct_chain_get_leaf(chain);
	if (!certificate->self_signed) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
			    "%s is not self-signed: only a root (or a server's self-signed "
			    "certificate) can be an OS anchor",
			    certificate->sha256);
		return NULL;
	}
	if (certificate->ca_capable && !allow_ca) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
			    "the certificate can sign others (%s): as an OS anchor it could vouch "
			    "for any site; add --allow-ca if that is what you want",
			    certificate->ca_reason);
		return NULL;
	}
	return g_steal_pointer(&chain);
}

static CtSystemStoreKind
ct_system_helper_detect(const gchar *sysroot, GError **error)
{
	CtSystemStoreKind kind = ct_system_store_detect(sysroot);

	if (kind == CT_SYSTEM_STORE_UNKNOWN)
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "no known OS trust store layout under %s", sysroot);
	return kind;
}

gboolean
ct_system_helper_install(const gchar *sysroot,
			 const gchar *der_base64,
			 gboolean allow_ca,
			 JsonBuilder *result,
			 GError **error)
{
	g_autoptr(CtChain) chain = NULL;
	g_autofree gchar *nickname = NULL;
	g_autofree gchar *anchor_path = NULL;
	CtCertificate *certificate;
	CtSystemStoreKind kind;
	gboolean changed = FALSE;

	chain = ct_system_helper_decode(der_base64, allow_ca, error);
	if (chain == NULL)
		return FALSE;
	kind = ct_system_helper_detect(sysroot, error);
	if (kind == CT_SYSTEM_STORE_UNKNOWN)
		return FALSE;
	certificate = ct_chain_get_leaf(chain);
	nickname = ct_trust_get_nickname(certificate);
	anchor_path = ct_system_store_get_anchor_path(sysroot, kind,
						      nickname + strlen("certtrust-"));
	if (!ct_system_store_install(sysroot, kind, anchor_path, certificate->der, &changed, error))
		return FALSE;
	ct_json_add_string(result, "anchor", anchor_path);
	ct_json_add_string(result, "sha256", certificate->sha256);
	ct_json_add_string(result, "layout", ct_system_store_kind_to_string(kind));
	json_builder_set_member_name(result, "changed");
	json_builder_add_boolean_value(result, changed);
	return TRUE;
}

/* anchor_path is a file certtrust names ("certtrust-*") right in the store's anchor
 * directory under sysroot, written in its one (canonical) form */
static gboolean
ct_system_helper_check_anchor_path(const gchar *sysroot,
				   CtSystemStoreKind kind,
				   const gchar *anchor_path,
				   GError **error)
{
	g_autofree gchar *example = ct_system_store_get_anchor_path(sysroot, kind, "x");
	g_autofree gchar *dir = g_path_get_dirname(example);
	g_autofree gchar *suffix = g_strdup(strrchr(example, '.'));
	g_autofree gchar *canonical = g_canonicalize_filename(anchor_path, "/");
	g_autofree gchar *parent = g_path_get_dirname(anchor_path);
	g_autofree gchar *base = g_path_get_basename(anchor_path);

	if (g_strcmp0(canonical, anchor_path) != 0 || g_strcmp0(parent, dir) != 0 ||
	    !g_str_has_prefix(base, "certtrust-") || !g_str_has_suffix(base, suffix) ||
	    strlen(base) <= strlen("certtrust-") + strlen(suffix)) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
			    "%s is not an anchor certtrust installs (certtrust-*%s in %s)",
			    anchor_path, suffix, dir);
		return FALSE;
	}
	return TRUE;
}

/* the anchor holds exactly the certificate sha256 names; FALSE with *absent when there
 * is no such file (already removed) */
static gboolean
ct_system_helper_check_anchor(const gchar *anchor_path,
			      const gchar *sha256,
			      gboolean *absent,
			      GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(CtChain) chain = NULL;
	g_autofree gchar *wanted = ct_nssdb_normalize_sha256(sha256);
	struct stat st;

	*absent = FALSE;
	if (wanted == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s is not a SHA-256 fingerprint", sha256);
		return FALSE;
	}
	if (lstat(anchor_path, &st) != 0) {
		*absent = TRUE;
		return FALSE;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CT_SYSTEM_HELPER_MAX_INPUT) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
			    "%s is not a certificate file certtrust wrote: left as it is",
			    anchor_path);
		return FALSE;
	}
	chain = ct_chain_load_file(anchor_path, NULL, &error_local);
	if (chain == NULL || chain->certificates->len != 1 ||
	    g_strcmp0(ct_chain_get_leaf(chain)->sha256, wanted) != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
			    "%s does not hold the certificate %s: left as it is", anchor_path,
			    wanted);
		return FALSE;
	}
	return TRUE;
}

gboolean
ct_system_helper_remove(const gchar *sysroot,
			const gchar *anchor_path,
			const gchar *sha256,
			JsonBuilder *result,
			GError **error)
{
	CtSystemStoreKind kind;
	gboolean absent = FALSE;
	gboolean changed = FALSE;
	g_autoptr(GError) error_local = NULL;

	kind = ct_system_helper_detect(sysroot, error);
	if (kind == CT_SYSTEM_STORE_UNKNOWN)
		return FALSE;
	if (!ct_system_helper_check_anchor_path(sysroot, kind, anchor_path, error))
		return FALSE;
	if (!ct_system_helper_check_anchor(anchor_path, sha256, &absent, &error_local) && !absent) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	/* absent: the links and the bundle may still hold it; the removal finishes the job */
	if (!ct_system_store_remove(sysroot, kind, anchor_path, &changed, error))
		return FALSE;
	ct_json_add_string(result, "anchor", anchor_path);
	ct_json_add_string(result, "layout", ct_system_store_kind_to_string(kind));
	json_builder_set_member_name(result, "changed");
	json_builder_add_boolean_value(result, changed);
	return TRUE;
}
