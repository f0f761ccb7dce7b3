/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* chain-gen SHAPE N OUT.pem: N certificates that all have the same name, each with a key
 * of its own, made fast with libcrypto (openssl in a loop takes minutes), for the chain
 * ordering attack tests and benchmark.
 *   line       certificate i signed by i+1's key, the last one self-signed, written root
 *              first (leaf last); OUT.pem.leaf gets the leaf alone
 *   cycle      certificate i signed by (i+1) mod N's key: each one issues another
 * add "-bare" to the shape for no subject/authority key identifiers (the lookup by key
 * identifier cannot help then) */

static void
die(const char *what)
{
	fprintf(stderr, "chain-gen: %s\n", what);
	exit(1);
}

static ASN1_OCTET_STRING *
key_id(int i)
{
	unsigned char id[8] = {'k',
			       'e',
			       'y',
			       'i',
			       (unsigned char)(i >> 24),
			       (unsigned char)(i >> 16),
			       (unsigned char)(i >> 8),
			       (unsigned char)i};
	ASN1_OCTET_STRING *octets = ASN1_OCTET_STRING_new();

	if (octets == NULL || !ASN1_OCTET_STRING_set(octets, id, sizeof(id)))
		die("out of memory");
	return octets;
}

static X509 *
make(int i, int signer, int ca, int key_ids, EVP_PKEY **keys)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();

	if (x == NULL || name == NULL || bc == NULL)
		die("out of memory");
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), i + 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400L);
	X509_gmtime_adj(X509_getm_notAfter(x), 3650L * 86400L);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"www.same-name.example", -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, keys[i]);
	bc->ca = ca ? 0xff : 0;
	X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, X509V3_ADD_DEFAULT);
	if (key_ids) {
		ASN1_OCTET_STRING *ski = key_id(i);
		AUTHORITY_KEYID *aki = AUTHORITY_KEYID_new();
		aki->keyid = key_id(signer);
		X509_add1_ext_i2d(x, NID_subject_key_identifier, ski, 0, X509V3_ADD_DEFAULT);
		X509_add1_ext_i2d(x, NID_authority_key_identifier, aki, 0, X509V3_ADD_DEFAULT);
		ASN1_OCTET_STRING_free(ski);
		AUTHORITY_KEYID_free(aki);
	}
	if (X509_sign(x, keys[signer], EVP_sha256()) == 0)
		die("cannot sign");
	X509_NAME_free(name);
	BASIC_CONSTRAINTS_free(bc);
	return x;
}

int
main(int argc, char **argv)
{
	int n;
	int line;
	int key_ids;
	EVP_PKEY **keys;
	FILE *out;

	if (argc != 4)
		die("usage: chain-gen line|cycle[-bare] N OUT.pem");
	line = strncmp(argv[1], "line", 4) == 0;
	if (!line && strncmp(argv[1], "cycle", 5) != 0)
		die("the shape is line, cycle, line-bare or cycle-bare");
	key_ids = strstr(argv[1], "-bare") == NULL;
	n = atoi(argv[2]);
	if (n < 2 || n > 100000)
		die("N is 2 to 100000");
	keys = calloc((size_t)n, sizeof(*keys));
	if (keys == NULL)
		die("out of memory");
	for (int i = 0; i < n; i++) {
		keys[i] = EVP_EC_gen("P-256");
		if (keys[i] == NULL)
			die("cannot make a key");
	}
	out = fopen(argv[3], "w");
	if (out == NULL)
		die("cannot write the output");
	/* root first: the leaf comes last, the order that made the old ordering quadratic */
	for (int k = n - 1; k >= 0; k--) {
		int signer = line ? (k == n - 1 ? k : k + 1) : (k + 1) % n;
		X509 *x = make(k, signer, k > 0 || !line, key_ids, keys);
		PEM_write_X509(out, x);
		if (line && k == 0) {
			char *path = malloc(strlen(argv[3]) + sizeof(".leaf"));
			FILE *leaf;
			if (path == NULL)
				die("out of memory");
			strcpy(path, argv[3]);
			strcat(path, ".leaf");
			leaf = fopen(path, "w");
			if (leaf == NULL)
				die("cannot write the leaf");
			PEM_write_X509(leaf, x);
			fclose(leaf);
			free(path);
		}
		X509_free(x);
	}
	if (fclose(out) != 0)
		die("cannot write the output");
	for (int i = 0; i < n; i++)
		EVP_PKEY_free(keys[i]);
	free(keys);
	return 0;
}
