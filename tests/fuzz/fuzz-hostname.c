/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ct-hostname.h"

/* libFuzzer target for the host name matchers. Input: a flags byte (bit 0: the
 * certificate has a SAN extension), then lines: the name, the CN, and SAN entries
 * ("I..." an iPAddress as text, anything else a dNSName). Asserts no crash, a reason
 * for every verdict, and that strict never accepts what legacy refuses. */

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;
	CtCertificate certificate = {0};
	CtHostCheck *check;

	if (size < 1)
		return 0;
	text = g_strndup((const gchar *)data + 1, size - 1);
	lines = g_strsplit(text, "\n", 10001);
	if (lines[0] == NULL)
		return 0;
	certificate.has_san = (data[0] & 1) != 0;
	certificate.subject_cn = lines[1] != NULL && lines[1][0] != '\0' ? lines[1] : NULL;
	certificate.san_dns = g_ptr_array_new();
	certificate.san_ip = g_ptr_array_new();
	for (guint i = 2; lines[0] != NULL && lines[1] != NULL && lines[i] != NULL; i++) {
		if (lines[i][0] == 'I')
			g_ptr_array_add(certificate.san_ip, lines[i] + 1);
		else
			g_ptr_array_add(certificate.san_dns, lines[i]);
	}
	check = ct_hostname_check(&certificate, lines[0]);
	if (check->strict.reason == NULL || check->legacy.reason == NULL)
		abort();
	if (check->strict.match && !check->legacy.match)
		abort();
	/* the browsers are strict, Chromium never accepts more than Firefox */
	if (check->firefox.reason == NULL || check->chromium.reason == NULL ||
	    check->firefox.match != check->strict.match ||
	    (check->chromium.match && !check->firefox.match))
		abort();
	ct_host_check_free(check);
	g_ptr_array_unref(certificate.san_dns);
	g_ptr_array_unref(certificate.san_ip);
	return 0;
}
