/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ct-nssdb-openssl.h"

const gchar *
ct_nssdb_openssl_judge_ca_power(GBytes *der)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	const unsigned char *p = data;
	X509 *x509 = NULL;
	int ca;

	if (len > G_MAXINT32)
		return "OpenSSL cannot read it";
	x509 = d2i_X509(NULL, &p, (long)len);
	if (x509 == NULL)
		return "OpenSSL cannot read it";
	/* 1 basicConstraints CA:TRUE, 3 a v1 root, 4 keyUsage without basicConstraints,
	 * 5 a Netscape cert type CA: all of them sign for OpenSSL's verifier */
	ca = X509_check_ca(x509);
	X509_free(x509);
	return ca != 0 ? "OpenSSL takes it as a CA" : NULL;
}
