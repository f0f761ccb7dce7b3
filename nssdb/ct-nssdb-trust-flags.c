/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <cert.h>
#include <certdb.h>

#include "ct-nssdb-private.h"

/* trust as NSS stores it (a CKO_NSS_TRUST object's CK_TRUST values) and as certutil
 * writes it ("CP,,"): both ways */

/* how NSS reads one purpose of a trust object back into CERTCertTrust flags
 * (lib/pki/pki3hack.c get_nss3trust_from_nss4trust) */
static unsigned int
ct_nssdb_trust_flags_from_ck_trust(CK_TRUST trust)
{
	switch (trust) {
	case CKT_NSS_TRUSTED:
		return CERTDB_TERMINAL_RECORD | CERTDB_TRUSTED;
	case CKT_NSS_TRUSTED_DELEGATOR:
		return CERTDB_VALID_CA | CERTDB_TRUSTED_CA;
	case CKT_NSS_NOT_TRUSTED:
		return CERTDB_TERMINAL_RECORD;
	case CKT_NSS_VALID_DELEGATOR:
		return CERTDB_VALID_CA;
	default:
		return 0;
	}
}

/* and how NSS writes CERTCertTrust flags as one purpose (pki3hack.c get_stan_trust);
 * the client-auth purpose carries the "T" flag and, next to "C", the "P" flag */
CK_TRUST
ct_nssdb_trust_flags_to_ck_trust(unsigned int flags, gboolean client_auth)
{
	if (client_auth && (flags & CERTDB_TRUSTED_CLIENT_CA) != 0)
		return CKT_NSS_TRUSTED_DELEGATOR;
	if (!client_auth && (flags & (CERTDB_TRUSTED_CA | CERTDB_NS_TRUSTED_CA)) != 0)
		return CKT_NSS_TRUSTED_DELEGATOR;
	if ((flags & CERTDB_TRUSTED) != 0)
		return CKT_NSS_TRUSTED;
	if ((flags & CERTDB_TERMINAL_RECORD) != 0)
		return CKT_NSS_NOT_TRUSTED;
	if ((flags & CERTDB_VALID_CA) != 0)
		return CKT_NSS_VALID_DELEGATOR;
	return CKT_NSS_MUST_VERIFY_TRUST;
}

/* one field of the trust string, as certutil prints it (lib/certdb/certdb.c
 * EncodeFlags; libnss3 does not export CERT_EncodeTrustString) */
static void
ct_nssdb_trust_flags_encode_field(GString *str, unsigned int flags)
{
	if ((flags & CERTDB_VALID_CA) != 0 &&
	    (flags & (CERTDB_TRUSTED_CA | CERTDB_TRUSTED_CLIENT_CA)) == 0)
		g_string_append_c(str, 'c');
	if ((flags & CERTDB_TERMINAL_RECORD) != 0 && (flags & CERTDB_TRUSTED) == 0)
		g_string_append_c(str, 'p');
	if ((flags & CERTDB_TRUSTED_CA) != 0)
		g_string_append_c(str, 'C');
	if ((flags & CERTDB_TRUSTED_CLIENT_CA) != 0)
		g_string_append_c(str, 'T');
	if ((flags & CERTDB_TRUSTED) != 0)
		g_string_append_c(str, 'P');
}

/* the trust string certutil -L prints for this trust object (",," for none) */
gchar *
ct_nssdb_trust_flags_encode(const CtNssDbTrustObject *object)
{
	g_autoptr(GString) str = g_string_new(NULL);
	unsigned int ssl = 0;
	unsigned int client = 0;

	if (object != NULL) {
		ssl = ct_nssdb_trust_flags_from_ck_trust(object->server_auth);
		client = ct_nssdb_trust_flags_from_ck_trust(object->client_auth);
		if ((client & (CERTDB_TRUSTED_CA | CERTDB_NS_TRUSTED_CA)) != 0) {
			client &= ~(CERTDB_TRUSTED_CA | CERTDB_NS_TRUSTED_CA);
			client |= CERTDB_TRUSTED_CLIENT_CA;
		}
		ssl |= client;
	}
	ct_nssdb_trust_flags_encode_field(str, ssl);
	g_string_append_c(str, ',');
	if (object != NULL)
		ct_nssdb_trust_flags_encode_field(str, ct_nssdb_trust_flags_from_ck_trust(
							   object->email_protection));
	g_string_append_c(str, ',');
	if (object != NULL)
		ct_nssdb_trust_flags_encode_field(str, ct_nssdb_trust_flags_from_ck_trust(
							   object->code_signing));
	return g_string_free(g_steal_pointer(&str), FALSE);
}

/* only what makes sense for a server certificate: C, P and T in the SSL field, nothing
 * for S/MIME and code signing; lower-case p is distrust and never written here; C, P
 * and T together do not fit NSS's two trust slots for TLS (it would read back as CT) */
gboolean
ct_nssdb_trust_flags_parse(const gchar *trust,
			   const gchar *nickname,
			   CERTCertTrust *result,
			   GError **error)
{
	const gchar *comma = strchr(trust, ',');
	gboolean seen[3] = {FALSE, FALSE, FALSE};
	const gchar *flags = "CPT";

	if (strchr(trust, 'p') != NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "refusing trust flags with lower-case p for %s: in NSS it means "
			    "distrust",
			    nickname);
		return FALSE;
	}
	if (comma == NULL || g_strcmp0(comma, ",,") != 0 || comma == trust) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "invalid trust flags for %s: expected C, P or T before \",,\", "
			    "like \"CP,,\"",
			    nickname);
		return FALSE;
	}
	for (const gchar *p = trust; p < comma; p++) {
		const gchar *flag = strchr(flags, *p);
		if (*p == '\0' || flag == NULL || seen[flag - flags]) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "invalid trust flags for %s: only C, P and T, each once, "
				    "before \",,\"",
				    nickname);
			return FALSE;
		}
		seen[flag - flags] = TRUE;
	}
	if (seen[0] && seen[1] && seen[2]) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "invalid trust flags for %s: NSS cannot store C, P and T together",
			    nickname);
		return FALSE;
	}
	if (CERT_DecodeTrustString(result, trust) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "invalid trust flags for %s: %s", nickname, why);
		return FALSE;
	}
	return TRUE;
}
