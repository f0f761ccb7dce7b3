/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-nssdb.h"

/* which rules decide whether a name matches a certificate */
typedef enum {
	CT_HOSTNAME_POLICY_STRICT,   /* RFC 9525: what Firefox, Chromium and Safari do today */
	CT_HOSTNAME_POLICY_LEGACY,   /* what IE8, Firefox 3.x and Safari 4.x showed */
	CT_HOSTNAME_POLICY_FIREFOX,  /* strict, as Firefox (mozilla::pkix) decides */
	CT_HOSTNAME_POLICY_CHROMIUM, /* strict, and no wildcard over a public suffix */
} CtHostnamePolicy;

typedef struct {
	gboolean match;
	gchar
	    *reason; /* why, naming the entry that matched or what was there; certificate-derived */
} CtHostnameVerdict;

/* both verdicts for one name against one certificate */
typedef struct {
	gchar *name;	  /* as the user typed it */
	gchar *reference; /* what was compared: A-labels, lower case, no trailing dot, or the
			   * canonical IP address; NULL when the name is not a valid host name */
	gboolean is_ip;	  /* the name is an IP address */
	CtHostnameVerdict strict;
	CtHostnameVerdict legacy;
	CtHostnameVerdict firefox;  /* what Firefox ESR decides */
	CtHostnameVerdict chromium; /* what Chromium decides: it refuses "*.co.uk" */
} CtHostCheck;

void
ct_host_check_free(CtHostCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtHostCheck, ct_host_check_free)

const gchar *
ct_hostname_policy_to_string(CtHostnamePolicy policy);
gboolean
ct_hostname_policy_from_string(const gchar *text, CtHostnamePolicy *policy, GError **error);

/* the one form of a host kept everywhere (plan, stores, ledger, --resolve, browsers):
 * lower case, IDNA A-labels, one trailing dot removed, or an IP address as inet_ntop
 * writes it (IPv6 compressed, no brackets); NULL with error when it is neither */
gchar *
ct_hostname_canonical(const gchar *host, GError **error); /* (transfer full) */

/* check name against the certificate's SAN (and, for legacy without SAN, its CN);
 * never fails: a name that is not a host name gets negative verdicts saying so */
CtHostCheck *
ct_hostname_check(const CtCertificate *certificate, const gchar *name); /* (transfer full) */

const CtHostnameVerdict *
ct_host_check_get_verdict(const CtHostCheck *check, CtHostnamePolicy policy);

/* do the browsers' verdicts (Firefox, Chromium) differ from each other? */
gboolean
ct_host_check_browsers_differ(const CtHostCheck *check);
