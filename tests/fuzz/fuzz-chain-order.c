#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>

#include "ct-chain.h"

/* libFuzzer target for chain ordering (ct_chain_new_from_ders, as a server's presented
 * list is ordered). A pool of real certificates is made once: a root, two intermediates
 * with the same name and different keys (both under the root), a leaf under each, a
 * self-signed leaf and a v1 certificate; each input byte picks one (up to 64, repeats
 * allowed). Beyond "no crash": the chain holds each certificate picked exactly once; each
 * certificate on the path is issued by the next; the path ends at the first self-signed
 * one; and when some certificate issued none of the others, the leaf is such a one. */

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

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	g_autoptr(GPtrArray) ders = g_ptr_array_new();
	g_autoptr(CtChain) chain = NULL;
	g_autoptr(GError) error = NULL;
	gboolean picked[CT_FUZZ_POOL] = {FALSE};
	guint distinct = 0;
	gboolean some_leaf = FALSE;

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
		if (i + 1 < chain->path_length) {
			if (certificate->self_signed ||
			    !ct_nssdb_is_issued_by(certificate,
						   g_ptr_array_index(chain->certificates, i + 1)))
				abort();
		}
		if (!ct_fuzz_issued_another(chain, i))
			some_leaf = TRUE;
	}
	if (some_leaf && ct_fuzz_issued_another(chain, 0))
		abort();
	return 0;
}
