/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>

#include "ct-chain.h"
#include "ct-pem.h"

/* libFuzzer target for chain ordering, both ways a chain arrives: as a server presents it
 * (ct_chain_new_from_ders: the first is the leaf) and as a file (ct_chain_load_bytes on the
 * same certificates as PEM: the leaf is found by structure). A pool of real certificates is
 * made once: a root, two intermediates with the same name and different keys (both under
 * the root), a leaf under each, a self-signed leaf and a v1 certificate; each input byte
 * picks one (up to 64, repeats allowed). Beyond "no crash": the chain holds each certificate
 * picked exactly once; each certificate on the path is issued by the next; the path ends
 * at the first self-signed one; a server's leaf is the first it sent; a file's leaf issued
 * none of the others and is no CA when a non-CA one issued none, and a file is refused
 * (saying why) only when that leaf is not one alone. */

#define CT_FUZZ_POOL 7

static GBytes *ct_fuzz_pool[CT_FUZZ_POOL];

int
LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

static GBytes *
ct_fuzz_make(const gchar *cn,
	     gboolean ca,
	     gboolean v1,
	     GBytes *issuer,
	     GBytes *issuer_key,
	     GBytes **key)
{
	CtNssDbCertificateSpec spec = {0};
	GBytes *der = NULL;
	GBytes *key_local = NULL;

	spec.common_name = cn;
	spec.not_before = 946684800; /* 2000 */
	spec.not_after = 4102444800; /* 2100 */
	spec.version1 = v1;
	spec.basic_constraints = ca ? CT_NSSDB_BASIC_CONSTRAINTS_CA_TRUE
				    : CT_NSSDB_BASIC_CONSTRAINTS_CA_FALSE;
	spec.path_length = -1;
	spec.subject_key_id = TRUE;
	spec.authority_key_id = TRUE;
	if (!ct_nssdb_generate_certificate(&spec, issuer, issuer_key, &der, &key_local, NULL))
		abort();
	if (key != NULL)
		*key = key_local;
	else
		g_bytes_unref(key_local);
	return der;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	GBytes *root_key = NULL;
	GBytes *int1_key = NULL;
	GBytes *int2_key = NULL;

	if (!ct_nssdb_ensure_initialized(NULL))
		abort();
	ct_fuzz_pool[0] = ct_fuzz_make("Fuzz Root", TRUE, FALSE, NULL, NULL, &root_key);
	ct_fuzz_pool[1] = ct_fuzz_make("Fuzz Int", TRUE, FALSE, ct_fuzz_pool[0], root_key,
				       &int1_key);
	ct_fuzz_pool[2] = ct_fuzz_make("Fuzz Int", TRUE, FALSE, ct_fuzz_pool[0], root_key,
				       &int2_key);
	ct_fuzz_pool[3] = ct_fuzz_make("leaf.test", FALSE, FALSE, ct_fuzz_pool[1], int1_key, NULL);
	ct_fuzz_pool[4] = ct_fuzz_make("leaf.test", FALSE, FALSE, ct_fuzz_pool[2], int2_key, NULL);
	ct_fuzz_pool[5] = ct_fuzz_make("self.test", FALSE, FALSE, NULL, NULL, NULL);
	ct_fuzz_pool[6] = ct_fuzz_make("v1.test", FALSE, TRUE, ct_fuzz_pool[0], root_key, NULL);
	g_bytes_unref(root_key);
	g_bytes_unref(int1_key);
	g_bytes_unref(int2_key);
	return 0;
}

static gboolean
ct_fuzz_issued_another(CtChain *chain, guint i)
{
	for (guint j = 0; j < chain->certificates->len; j++) {
		if (i != j && ct_nssdb_is_issued_by(g_ptr_array_index(chain->certificates, j),
						    g_ptr_array_index(chain->certificates, i)))
			return TRUE;
	}
	return FALSE;
}

/* what both ways share: the certificates picked, each once, and a path of issuers */
static void
ct_fuzz_check_path(CtChain *chain, const gboolean *picked, guint distinct)
{
	if (chain->certificates->len != distinct || chain->path_length < 1 ||
	    chain->path_length > chain->certificates->len)
		abort();
	for (guint i = 0; i < chain->certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(chain->certificates, i);
		gboolean found = FALSE;
		for (guint k = 0; k < CT_FUZZ_POOL; k++)
			found = found ||
				(picked[k] && g_bytes_equal(certificate->der, ct_fuzz_pool[k]));
		if (!found)
			abort();
		if (i + 1 < chain->path_length &&
		    (certificate->self_signed ||
		     !ct_nssdb_is_issued_by(certificate,
					    g_ptr_array_index(chain->certificates, i + 1))))
			abort();
	}
}

/* the file's way: the leaf by structure, or a refusal when it is not one alone */
static void
ct_fuzz_check_file(GPtrArray *ders, CtChain *presented, const gboolean *picked, guint distinct)
{
	g_autoptr(GString) pem = g_string_new(NULL);
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(CtChain) chain = NULL;
	g_autoptr(GError) error = NULL;
	guint servers = 0;
	guint bottoms = 0;
	CtCertificate *leaf;

	for (guint i = 0; i < ders->len; i++) {
		g_autofree gchar *block = ct_pem_encode("CERTIFICATE", g_ptr_array_index(ders, i));
		g_string_append(pem, block);
	}
	/* the candidates, counted on the server's chain (the same certificates) */
	for (guint i = 0; i < presented->certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(presented->certificates, i);
		if (ct_fuzz_issued_another(presented, i))
			continue;
		bottoms++;
		if (!certificate->ca_capable)
			servers++;
	}
	bytes = g_bytes_new(pem->str, pem->len);
	chain = ct_chain_load_bytes("fuzz.pem", bytes, &error);
	if (chain == NULL) {
		if (!g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA) ||
		    (servers > 0 ? servers : bottoms) == 1)
			abort();
		return;
	}
	ct_fuzz_check_path(chain, picked, distinct);
	leaf = ct_chain_get_leaf(chain);
	if (ct_fuzz_issued_another(chain, 0) || (servers > 0 && leaf->ca_capable))
		abort();
}

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	g_autoptr(GPtrArray) ders = g_ptr_array_new();
	g_autoptr(CtChain) chain = NULL;
	g_autoptr(GError) error = NULL;
	gboolean picked[CT_FUZZ_POOL] = {FALSE};
	guint distinct = 0;

	for (gsize i = 0; i < size && i < 64; i++) {
		guint index = data[i] % CT_FUZZ_POOL;
		g_ptr_array_add(ders, ct_fuzz_pool[index]);
		if (!picked[index])
			distinct++;
		picked[index] = TRUE;
	}
	chain = ct_chain_new_from_ders("fuzz", ders, &error);
	if (chain == NULL) {
		/* only an empty list is refused */
		if (ders->len != 0 || error == NULL)
			abort();
		return 0;
	}
	ct_fuzz_check_path(chain, picked, distinct);
	if (!g_bytes_equal(ct_chain_get_leaf(chain)->der, g_ptr_array_index(ders, 0)))
		abort();
	ct_fuzz_check_file(ders, chain, picked, distinct);
	return 0;
}
