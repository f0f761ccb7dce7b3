/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>

#include "ct-chain.h"
#include "ct-pem.h"

/* libFuzzer target for what `certtrust show FILE` loads: ct_chain_load_bytes() detects DER,
 * PEM, PKCS#7 (DER or PEM) and Base-64 and orders the certificates. Beyond "no crash":
 * a loaded chain is never empty and its path is within it; each certificate parses again from
 * its own DER to the same fingerprint; a DER certificate given alone is kept byte for byte;
 * and the chain written as PEM (what `export --format pem` writes) loads back to the same
 * certificates in the same order. */

int
LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!ct_nssdb_ensure_initialized(NULL))
		abort();
	return 0;
}

static void
ct_fuzz_check_chain(CtChain *chain, GBytes *input)
{
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(input, &size);
	g_autoptr(GString) pem = g_string_new(NULL);
	g_autoptr(GBytes) pem_bytes = NULL;
	g_autoptr(CtChain) again = NULL;
	g_autoptr(GPtrArray) path = NULL;

	if (chain->certificates->len == 0 || chain->path_length < 1 ||
	    chain->path_length > chain->certificates->len)
		abort();
	path = ct_chain_get_path(chain);
	if (path->len != chain->path_length || ct_chain_get_leaf(chain) == NULL ||
	    ct_chain_get_role(chain, 0) != CT_CHAIN_ROLE_LEAF)
		abort();
	for (guint i = 0; i < chain->certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(chain->certificates, i);
		g_autoptr(CtCertificate)
		    reparsed = ct_nssdb_parse_certificate(certificate->der, NULL);
		g_autofree gchar *block = ct_pem_encode("CERTIFICATE", certificate->der);

		if (reparsed == NULL || g_strcmp0(reparsed->sha256, certificate->sha256) != 0)
			abort();
		if (ct_chain_role_to_string(ct_chain_get_role(chain, i)) == NULL)
			abort();
		g_string_append(pem, block);
	}
	/* one DER certificate alone (no PEM armour anywhere, not a PKCS#7) is the
	 * certificate: nothing dropped or added */
	if (chain->certificates->len == 1 && !ct_pem_contains_armor(data, size) &&
	    !ct_nssdb_is_pkcs7(input) && data[0] == 0x30) {
		CtCertificate *only = g_ptr_array_index(chain->certificates, 0);
		if (!g_bytes_equal(only->der, input))
			abort();
	}
	pem_bytes = g_bytes_new(pem->str, pem->len);
	again = ct_chain_load_bytes("again", pem_bytes, NULL);
	if (again == NULL || again->certificates->len != chain->certificates->len ||
	    again->path_length != chain->path_length)
		abort();
	for (guint i = 0; i < chain->certificates->len; i++) {
		CtCertificate *a = g_ptr_array_index(chain->certificates, i);
		CtCertificate *b = g_ptr_array_index(again->certificates, i);
		if (g_strcmp0(a->sha256, b->sha256) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	g_autoptr(GBytes) input = g_bytes_new(data, size);
	g_autoptr(GError) error = NULL;
	g_autoptr(CtChain) chain = ct_chain_load_bytes("fuzz", input, &error);

	if (chain == NULL) {
		/* every refusal says why, in the project's domain */
		if (error == NULL || error->domain != CT_ERROR || error->message[0] == '\0')
			abort();
		return 0;
	}
	ct_fuzz_check_chain(chain, input);
	return 0;
}
