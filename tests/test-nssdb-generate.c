/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include "ct-nssdb.h"
#include "ct-test.h"

/* every output is cross-checked by tools that share no code with us: openssl reads
 * the certificates and keys, openssl and certutil build and verify the chains */

static gchar *ct_test_dir = NULL;

static void
ct_test_setup(void)
{
	ct_test_dir = ct_test_tmpdir_new();
}

static void
ct_test_teardown(void)
{
	ct_test_tmpdir_remove(ct_test_dir);
	g_clear_pointer(&ct_test_dir, g_free);
	ct_nssdb_shutdown();
}

TestSuite(generate, .init = ct_test_setup, .fini = ct_test_teardown, .timeout = 60);

/* valid from an hour ago for 30 days, no extensions, random serial */
static CtNssDbCertificateSpec
ct_test_spec(const gchar *common_name)
{
	CtNssDbCertificateSpec spec = {0};
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	spec.common_name = common_name;
	spec.organization = "certtrust tests";
	spec.not_before = now - 3600;
	spec.not_after = now + 30 * 24 * 3600;
	spec.path_length = -1;
	return spec;
}

static CtNssDbCertificateSpec
ct_test_spec_ca(const gchar *common_name)
{
	CtNssDbCertificateSpec spec = ct_test_spec(common_name);

	spec.basic_constraints = CT_NSSDB_BASIC_CONSTRAINTS_CA_TRUE;
	spec.key_usage = CT_NSSDB_KEY_USAGE_KEY_CERT_SIGN | CT_NSSDB_KEY_USAGE_CRL_SIGN;
	spec.subject_key_id = TRUE;
	spec.authority_key_id = TRUE;
	return spec;
}

static const gchar *const ct_test_dns_names[] = {"www.example.test", "example.test", NULL};
static const gchar *const ct_test_ip_addresses[] = {"192.0.2.1", "2001:db8::1", NULL};

static CtNssDbCertificateSpec
ct_test_spec_leaf(const gchar *common_name)
{
	CtNssDbCertificateSpec spec = ct_test_spec(common_name);

	spec.dns_names = ct_test_dns_names;
	spec.ip_addresses = ct_test_ip_addresses;
	spec.basic_constraints = CT_NSSDB_BASIC_CONSTRAINTS_CA_FALSE;
	spec.key_usage = CT_NSSDB_KEY_USAGE_DIGITAL_SIGNATURE | CT_NSSDB_KEY_USAGE_KEY_ENCIPHERMENT;
	spec.server_auth = TRUE;
	spec.subject_key_id = TRUE;
	spec.authority_key_id = TRUE;
	return spec;
}

static void
ct_test_generate(const CtNssDbCertificateSpec *spec,
		 GBytes *issuer_der,
		 GBytes *issuer_key,
		 GBytes **der,
		 GBytes **key)
{
	g_autoptr(GError) error = NULL;
	gboolean ok = ct_nssdb_generate_certificate(spec, issuer_der, issuer_key, der, key, &error);

	cr_assert(ok, "generate %s: %s", spec->common_name,
		  error != NULL ? error->message : "(no error)");
	cr_assert_null(error);
	cr_assert_not_null(*der);
	cr_assert_not_null(*key);
}

/* the generation must fail with code, naming needle, and leave the outputs alone */
static void
ct_test_generate_fails(const CtNssDbCertificateSpec *spec,
		       GBytes *issuer_der,
		       GBytes *issuer_key,
		       gint code,
		       const gchar *needle)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	gboolean ok = ct_nssdb_generate_certificate(spec, issuer_der, issuer_key, &der, &key,
						    &error);

	cr_assert_not(ok, "generation should fail (%s)", needle);
	cr_assert_not_null(error);
	cr_assert(g_error_matches(error, CT_ERROR, code), "%s: code %d, not %d", error->message,
		  error->code, code);
	cr_assert(strstr(error->message, needle) != NULL, "\"%s\" lacks \"%s\"", error->message,
		  needle);
	cr_assert_null(der);
	cr_assert_null(key);
}

static CtCertificate *
ct_test_parse(GBytes *der)
{
	g_autoptr(GError) error = NULL;
	CtCertificate *certificate = ct_nssdb_parse_certificate(der, &error);
	cr_assert_not_null(certificate, "parse: %s", error != NULL ? error->message : "");
	return certificate;
}

/* bytes as a file in the test's temp dir; the path, shell-quoted */
static gchar *
ct_test_write(const gchar *name, GBytes *bytes)
{
	g_autofree gchar *path = g_build_filename(ct_test_dir, name, NULL);
	g_autoptr(GError) error = NULL;

	if (!g_file_set_contents(path, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
				 &error))
		cr_assert_fail("writing %s: %s", path, error->message);
	return g_shell_quote(path);
}

/* a path in the temp dir, shell-quoted */
static gchar *
ct_test_path(const gchar *name)
{
	g_autofree gchar *path = g_build_filename(ct_test_dir, name, NULL);
	return g_shell_quote(path);
}

/* stdout of a shell command that must succeed */
static gchar *
ct_test_shell_ok(const gchar *command_line)
{
	g_autoptr(CtTestRun) run = ct_test_run_shell(command_line);
	cr_assert_eq(run->exit_status, 0, "%s: exit %d\n%s%s", command_line, run->exit_status,
		     run->out, run->err);
	return g_strdup(run->out);
}

static gint
ct_test_shell_status(const gchar *command_line)
{
	g_autoptr(CtTestRun) run = ct_test_run_shell(command_line);
	return run->exit_status;
}

/* DER certificate file -> PEM file next to it; returns the PEM path */
static gchar *
ct_test_write_pem(const gchar *name, GBytes *der)
{
	g_autofree gchar *der_name = g_strdup_printf("%s.der", name);
	g_autofree gchar *pem_name = g_strdup_printf("%s.pem", name);
	g_autofree gchar *der_path = ct_test_write(der_name, der);
	g_autofree gchar *pem_path = ct_test_path(pem_name);
	g_autofree gchar *cmd = g_strdup_printf("openssl x509 -inform DER -in %s -out %s", der_path,
						pem_path);
	g_autofree gchar *out = ct_test_shell_ok(cmd);
	return g_steal_pointer(&pem_path);
}

static gchar *
ct_test_openssl_text(const gchar *name, GBytes *der)
{
	g_autofree gchar *path = ct_test_write(name, der);
	g_autofree gchar *cmd = g_strdup_printf("openssl x509 -inform DER -in %s -noout -text",
						path);
	return ct_test_shell_ok(cmd);
}

/* the line openssl -text prints after "header:", with "critical: " in front when
 * the header says so; NULL when there is no such header */
static gchar *
ct_test_openssl_extension(const gchar *text, const gchar *header)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autofree gchar *prefix = g_strdup_printf("%s:", header);

	for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++) {
		g_autofree gchar *line = g_strstrip(g_strdup(lines[i]));
		g_autofree gchar *value = NULL;
		if (!g_str_has_prefix(line, prefix))
			continue;
		value = g_strstrip(g_strdup(lines[i + 1]));
		if (g_str_has_suffix(line, "critical"))
			return g_strdup_printf("critical: %s", value);
		return g_steal_pointer(&value);
	}
	return NULL;
}

/* the extension headers openssl -text prints, in certificate order, joined with '|' */
static gchar *
ct_test_openssl_extension_order(const gchar *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autoptr(GString) order = g_string_new(NULL);

	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree gchar *line = g_strstrip(g_strdup(lines[i]));
		const gchar *colon = strchr(line, ':');
		if (!g_str_has_prefix(line, "X509v3 ") || colon == NULL ||
		    g_str_has_prefix(line, "X509v3 extensions:"))
			continue;
		if (order->len > 0)
			g_string_append_c(order, '|');
		g_string_append_len(order, line, colon - line);
	}
	return g_strdup(order->str);
}

/* SHA-1 of the RSAPublicKey (the BIT STRING contents), computed by openssl from
 * the certificate file, as "AB:CD:..." */
static gchar *
ct_test_openssl_key_id(const gchar *name, GBytes *der)
{
	g_autofree gchar *der_name = g_strdup_printf("%s.keyid.der", name);
	g_autofree gchar *pub_name = g_strdup_printf("%s.pub.pem", name);
	g_autofree gchar *rsa_name = g_strdup_printf("%s.rsapub.der", name);
	g_autofree gchar *path = ct_test_write(der_name, der);
	g_autofree gchar *pub = ct_test_path(pub_name);
	g_autofree gchar *rsa = ct_test_path(rsa_name);
	g_autofree gchar *cmd = g_strdup_printf(
	    "openssl x509 -inform DER -in %s -noout -pubkey -out %s && "
	    "openssl rsa -pubin -in %s -RSAPublicKey_out -outform DER -out %s 2>/dev/null && "
	    "openssl dgst -sha1 -r %s",
	    path, pub, pub, rsa, rsa);
	g_autofree gchar *out = ct_test_shell_ok(cmd);
	g_autoptr(GString) hex = g_string_new(NULL);

	cr_assert(strlen(out) >= 40, "%s", out);
	for (guint i = 0; i < 40; i += 2) {
		if (hex->len > 0)
			g_string_append_c(hex, ':');
		g_string_append_c(hex, g_ascii_toupper(out[i]));
		g_string_append_c(hex, g_ascii_toupper(out[i + 1]));
	}
	return g_strdup(hex->str);
}

static gboolean
ct_test_str_array_equal(GPtrArray *array, const gchar *const *expected)
{
	guint n = g_strv_length((gchar **)expected);
	if (array->len != n)
		return FALSE;
	for (guint i = 0; i < n; i++) {
		if (g_strcmp0(g_ptr_array_index(array, i), expected[i]) != 0)
			return FALSE;
	}
	return TRUE;
}

Test(generate, leaf_says_exactly_what_was_asked)
{
	CtNssDbCertificateSpec root_spec = ct_test_spec_ca("certtrust generate root");
	CtNssDbCertificateSpec spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GBytes) root = NULL;
	g_autoptr(GBytes) root_key = NULL;
	g_autoptr(GBytes) leaf = NULL;
	g_autoptr(GBytes) leaf_key = NULL;
	g_autoptr(CtCertificate) parsed_root = NULL;
	g_autoptr(CtCertificate) parsed = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *root_text = NULL;
	g_autofree gchar *bc = NULL;
	g_autofree gchar *ku = NULL;
	g_autofree gchar *eku = NULL;
	g_autofree gchar *san = NULL;
	g_autofree gchar *ski = NULL;
	g_autofree gchar *aki = NULL;
	g_autofree gchar *root_ski = NULL;
	g_autofree gchar *order = NULL;
	g_autofree gchar *key_id = NULL;
	g_autofree gchar *leaf_path = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *serial = NULL;
	const gchar *ips[] = {"192.0.2.1", "2001:db8::1", NULL};

	ct_test_generate(&root_spec, NULL, NULL, &root, &root_key);
	spec.serial = 0x1234;
	spec.not_before = 1700000000; /* Nov 14 22:13:20 2023 */
	spec.not_after = 2000000000;  /* May 18 03:33:20 2033 */
	ct_test_generate(&spec, root, root_key, &leaf, &leaf_key);

	text = ct_test_openssl_text("leaf.der", leaf);
	cr_assert(strstr(text, "Version: 3 (0x2)") != NULL, "%s", text);
	cr_assert(strstr(text, "Signature Algorithm: sha256WithRSAEncryption") != NULL);
	cr_assert(strstr(text, "Issuer: O = certtrust tests, CN = certtrust generate root\n") !=
		  NULL);
	cr_assert(strstr(text, "Subject: O = certtrust tests, CN = www.example.test\n") != NULL);
	cr_assert(strstr(text, "Not Before: Nov 14 22:13:20 2023 GMT") != NULL, "%s", text);
	cr_assert(strstr(text, "Not After : May 18 03:33:20 2033 GMT") != NULL, "%s", text);
	cr_assert(strstr(text, "Public-Key: (2048 bit)") != NULL);
	cr_assert(strstr(text, "Exponent: 65537 (0x10001)") != NULL);

	leaf_path = ct_test_write("leaf.der", leaf);
	cmd = g_strdup_printf("openssl x509 -inform DER -in %s -noout -serial", leaf_path);
	serial = ct_test_shell_ok(cmd);
	cr_assert_str_eq(serial, "serial=1234\n");

	bc = ct_test_openssl_extension(text, "X509v3 Basic Constraints");
	ku = ct_test_openssl_extension(text, "X509v3 Key Usage");
	eku = ct_test_openssl_extension(text, "X509v3 Extended Key Usage");
	san = ct_test_openssl_extension(text, "X509v3 Subject Alternative Name");
	ski = ct_test_openssl_extension(text, "X509v3 Subject Key Identifier");
	aki = ct_test_openssl_extension(text, "X509v3 Authority Key Identifier");
	cr_assert_str_eq(bc, "critical: CA:FALSE");
	cr_assert_str_eq(ku, "critical: Digital Signature, Key Encipherment");
	cr_assert_str_eq(eku, "TLS Web Server Authentication, TLS Web Client Authentication");
	cr_assert_str_eq(san, "DNS:www.example.test, DNS:example.test, IP Address:192.0.2.1, "
			      "IP Address:2001:DB8:0:0:0:0:0:1");

	/* SKI: openssl's own hash of the key; AKI: the root's SKI as openssl reads it */
	key_id = ct_test_openssl_key_id("leaf", leaf);
	cr_assert_str_eq(ski, key_id);
	root_text = ct_test_openssl_text("root.der", root);
	root_ski = ct_test_openssl_extension(root_text, "X509v3 Subject Key Identifier");
	cr_assert_not_null(root_ski);
	cr_assert_str_eq(aki, root_ski);

	order = ct_test_openssl_extension_order(text);
	cr_assert_str_eq(order, "X509v3 Basic Constraints|X509v3 Key Usage|"
				"X509v3 Extended Key Usage|X509v3 Subject Alternative Name|"
				"X509v3 Subject Key Identifier|X509v3 Authority Key Identifier");

	/* and our own parser reads back the same */
	parsed = ct_test_parse(leaf);
	parsed_root = ct_test_parse(root);
	cr_assert_eq(parsed->version, 3);
	cr_assert_str_eq(parsed->serial, "12:34");
	cr_assert_str_eq(parsed->subject_cn, "www.example.test");
	cr_assert_eq(parsed->not_before, 1700000000);
	cr_assert_eq(parsed->not_after, 2000000000);
	cr_assert_str_eq(parsed->public_key_algorithm, "RSA");
	cr_assert_eq(parsed->public_key_bits, 2048);
	cr_assert(ct_test_str_array_equal(parsed->san_dns, ct_test_dns_names));
	cr_assert(ct_test_str_array_equal(parsed->san_ip, ips));
	cr_assert_not(parsed->ca_capable);
	cr_assert_not(parsed->self_signed);
	cr_assert(ct_nssdb_is_issued_by(parsed, parsed_root));
	cr_assert(parsed_root->self_signed);
	cr_assert(parsed_root->ca_capable);
}

Test(generate, key_is_pkcs8_and_matches_the_certificate)
{
	CtNssDbCertificateSpec spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autofree gchar *cert_path = NULL;
	g_autofree gchar *key_path = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *check = NULL;
	g_autofree gchar *key_text = NULL;
	g_autofree gchar *asn1 = NULL;
	g_autofree gchar *cert_modulus = NULL;
	g_autofree gchar *key_modulus = NULL;

	ct_test_generate(&spec, NULL, NULL, &der, &key);
	cert_path = ct_test_write("cert.der", der);
	key_path = ct_test_write("key.der", key);

	cmd = g_strdup_printf("openssl pkey -inform DER -in %s -check -noout", key_path);
	check = ct_test_shell_ok(cmd);
	cr_assert(strstr(check, "Key is valid") != NULL, "%s", check);
	g_free(cmd);
	cmd = g_strdup_printf("openssl pkey -inform DER -in %s -noout -text", key_path);
	key_text = ct_test_shell_ok(cmd);
	cr_assert(strstr(key_text, "Private-Key: (2048 bit, 2 primes)") != NULL, "%s", key_text);
	cr_assert(strstr(key_text, "publicExponent: 65537 (0x10001)") != NULL);

	/* PKCS#8 (PrivateKeyInfo with an rsaEncryption AlgorithmIdentifier), not PKCS#1 */
	g_free(cmd);
	cmd = g_strdup_printf("openssl asn1parse -inform DER -in %s", key_path);
	asn1 = ct_test_shell_ok(cmd);
	cr_assert(strstr(asn1, ":rsaEncryption") != NULL, "%s", asn1);

	g_free(cmd);
	cmd = g_strdup_printf("openssl x509 -inform DER -in %s -noout -modulus", cert_path);
	cert_modulus = ct_test_shell_ok(cmd);
	g_free(cmd);
	cmd = g_strdup_printf("openssl rsa -inform DER -in %s -noout -modulus", key_path);
	key_modulus = ct_test_shell_ok(cmd);
	cr_assert(g_str_has_prefix(cert_modulus, "Modulus="));
	cr_assert_str_eq(cert_modulus, key_modulus);
}

Test(generate, chain_verifies_with_openssl_and_nssdb)
{
	CtNssDbCertificateSpec root_spec = ct_test_spec_ca("certtrust generate root");
	CtNssDbCertificateSpec inter_spec = ct_test_spec_ca("certtrust generate intermediate");
	CtNssDbCertificateSpec leaf_spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GBytes) root = NULL;
	g_autoptr(GBytes) root_key = NULL;
	g_autoptr(GBytes) inter = NULL;
	g_autoptr(GBytes) inter_key = NULL;
	g_autoptr(GBytes) leaf = NULL;
	g_autoptr(GBytes) leaf_key = NULL;
	g_autoptr(CtCertificate) parsed_root = NULL;
	g_autoptr(CtCertificate) parsed_inter = NULL;
	g_autoptr(CtCertificate) parsed_leaf = NULL;
	g_autofree gchar *root_pem = NULL;
	g_autofree gchar *inter_pem = NULL;
	g_autofree gchar *leaf_pem = NULL;
	g_autofree gchar *root_text = NULL;
	g_autofree gchar *inter_text = NULL;
	g_autofree gchar *root_bc = NULL;
	g_autofree gchar *inter_bc = NULL;
	g_autofree gchar *inter_ku = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *out = NULL;

	inter_spec.path_length = 0;
	ct_test_generate(&root_spec, NULL, NULL, &root, &root_key);
	ct_test_generate(&inter_spec, root, root_key, &inter, &inter_key);
	ct_test_generate(&leaf_spec, inter, inter_key, &leaf, &leaf_key);

	root_text = ct_test_openssl_text("root.der", root);
	inter_text = ct_test_openssl_text("inter.der", inter);
	root_bc = ct_test_openssl_extension(root_text, "X509v3 Basic Constraints");
	inter_bc = ct_test_openssl_extension(inter_text, "X509v3 Basic Constraints");
	inter_ku = ct_test_openssl_extension(inter_text, "X509v3 Key Usage");
	cr_assert_str_eq(root_bc, "critical: CA:TRUE");
	cr_assert_str_eq(inter_bc, "critical: CA:TRUE, pathlen:0");
	cr_assert_str_eq(inter_ku, "critical: Certificate Sign, CRL Sign");

	root_pem = ct_test_write_pem("root", root);
	inter_pem = ct_test_write_pem("inter", inter);
	leaf_pem = ct_test_write_pem("leaf", leaf);
	cmd = g_strdup_printf("openssl verify -x509_strict -purpose sslserver -verify_hostname "
			      "www.example.test -verify_ip 192.0.2.1 -CAfile %s -untrusted %s %s",
			      root_pem, inter_pem, leaf_pem);
	out = ct_test_shell_ok(cmd);
	cr_assert(g_str_has_suffix(out, ": OK\n"), "%s", out);

	/* without the intermediate there is no path */
	g_free(cmd);
	cmd = g_strdup_printf("openssl verify -CAfile %s %s", root_pem, leaf_pem);
	cr_assert_neq(ct_test_shell_status(cmd), 0);

	parsed_root = ct_test_parse(root);
	parsed_inter = ct_test_parse(inter);
	parsed_leaf = ct_test_parse(leaf);
	cr_assert(ct_nssdb_is_issued_by(parsed_leaf, parsed_inter));
	cr_assert(ct_nssdb_is_issued_by(parsed_inter, parsed_root));
	cr_assert(ct_nssdb_is_issued_by(parsed_root, parsed_root));
	cr_assert_not(ct_nssdb_is_issued_by(parsed_leaf, parsed_root));
	cr_assert_not(ct_nssdb_is_issued_by(parsed_inter, parsed_leaf));
	cr_assert(parsed_inter->ca_capable);
	cr_assert_not(parsed_inter->self_signed);
}

Test(generate, certutil_imports_and_verifies_the_chain)
{
	CtNssDbCertificateSpec root_spec = ct_test_spec_ca("certtrust generate root");
	CtNssDbCertificateSpec inter_spec = ct_test_spec_ca("certtrust generate intermediate");
	CtNssDbCertificateSpec leaf_spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GBytes) root = NULL;
	g_autoptr(GBytes) root_key = NULL;
	g_autoptr(GBytes) inter = NULL;
	g_autoptr(GBytes) inter_key = NULL;
	g_autoptr(GBytes) leaf = NULL;
	g_autoptr(GBytes) leaf_key = NULL;
	g_autoptr(GBytes) exported = NULL;
	g_autofree gchar *db = ct_test_path("db");
	g_autofree gchar *root_path = NULL;
	g_autofree gchar *inter_path = NULL;
	g_autofree gchar *leaf_path = NULL;
	g_autofree gchar *export_path = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *contents = NULL;
	g_autoptr(GError) error = NULL;
	gsize len = 0;

	inter_spec.path_length = 0;
	ct_test_generate(&root_spec, NULL, NULL, &root, &root_key);
	ct_test_generate(&inter_spec, root, root_key, &inter, &inter_key);
	ct_test_generate(&leaf_spec, inter, inter_key, &leaf, &leaf_key);
	root_path = ct_test_write("root.der", root);
	inter_path = ct_test_write("inter.der", inter);
	leaf_path = ct_test_write("leaf.der", leaf);

	cmd = g_strdup_printf("mkdir %s && certutil -N -d sql:%s --empty-password && "
			      "certutil -A -n root -t CT,C,C -d sql:%s -i %s && "
			      "certutil -A -n inter -t ,, -d sql:%s -i %s && "
			      "certutil -A -n x -t ,, -d sql:%s -i %s",
			      db, db, db, root_path, db, inter_path, db, leaf_path);
	g_free(ct_test_shell_ok(cmd));

	/* certutil gives back the very bytes */
	export_path = g_build_filename(ct_test_dir, "exported.der", NULL);
	g_free(cmd);
	cmd = g_strdup_printf("certutil -L -d sql:%s -n x -r > '%s'", db, export_path);
	g_free(ct_test_shell_ok(cmd));
	if (!g_file_get_contents(export_path, &contents, &len, &error))
		cr_assert_fail("%s", error->message);
	exported = g_bytes_new(contents, len);
	cr_assert(g_bytes_equal(exported, leaf));

	/* NSS's own path building and checks, as a TLS server certificate */
	g_free(cmd);
	cmd = g_strdup_printf("certutil -V -d sql:%s -n x -u V", db);
	out = ct_test_shell_ok(cmd);
	cr_assert(strstr(out, "certificate is valid") != NULL, "%s", out);
}

Test(generate, self_signed_ca_verifies_against_itself)
{
	CtNssDbCertificateSpec spec = ct_test_spec_ca("self.example.test");
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autoptr(CtCertificate) parsed = NULL;
	g_autofree gchar *pem = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *ski = NULL;
	g_autofree gchar *aki = NULL;
	g_autofree gchar *key_id = NULL;

	spec.dns_names = ct_test_dns_names;
	spec.server_auth = TRUE;
	spec.key_usage |= CT_NSSDB_KEY_USAGE_DIGITAL_SIGNATURE;
	ct_test_generate(&spec, NULL, NULL, &der, &key);
	pem = ct_test_write_pem("self", der);
	cmd = g_strdup_printf("openssl verify -x509_strict -CAfile %s %s", pem, pem);
	out = ct_test_shell_ok(cmd);
	cr_assert(g_str_has_suffix(out, ": OK\n"), "%s", out);

	/* a self-signed AKI is its own SKI */
	text = ct_test_openssl_text("self.der", der);
	ski = ct_test_openssl_extension(text, "X509v3 Subject Key Identifier");
	aki = ct_test_openssl_extension(text, "X509v3 Authority Key Identifier");
	key_id = ct_test_openssl_key_id("self", der);
	cr_assert_str_eq(ski, key_id);
	cr_assert_str_eq(aki, key_id);

	parsed = ct_test_parse(der);
	cr_assert(parsed->self_signed);
	cr_assert(parsed->ca_capable);
	cr_assert(g_bytes_equal(parsed->subject_der, parsed->issuer_der));
}

Test(generate, version1_has_no_extensions_at_all)
{
	CtNssDbCertificateSpec spec = ct_test_spec_leaf("v1.example.test");
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autoptr(CtCertificate) parsed = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *pem = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *out = NULL;
	const guint8 *data = NULL;
	gsize len = 0;

	/* everything else asks for extensions: version1 wins */
	spec.version1 = TRUE;
	spec.basic_constraints = CT_NSSDB_BASIC_CONSTRAINTS_CA_TRUE;
	ct_test_generate(&spec, NULL, NULL, &der, &key);

	text = ct_test_openssl_text("v1.der", der);
	cr_assert(strstr(text, "Version: 1 (0x0)") != NULL, "%s", text);
	cr_assert(strstr(text, "X509v3") == NULL, "%s", text);

	/* DER leaves the DEFAULT version out: the TBS starts with the serial INTEGER */
	data = g_bytes_get_data(der, &len);
	cr_assert_gt(len, 8);
	cr_assert_eq(data[0], 0x30);
	cr_assert_eq(data[4], 0x30);
	cr_assert_eq(data[8], 0x02, "TBS starts with 0x%02x", data[8]);

	parsed = ct_test_parse(der);
	cr_assert_eq(parsed->version, 1);
	cr_assert_eq(parsed->extensions->len, 0);
	cr_assert_not(parsed->has_san);
	cr_assert(parsed->self_signed);

	/* openssl takes a self-signed v1 certificate as a CA */
	pem = ct_test_write_pem("v1", der);
	cmd = g_strdup_printf("openssl verify -CAfile %s %s", pem, pem);
	out = ct_test_shell_ok(cmd);
	cr_assert(g_str_has_suffix(out, ": OK\n"), "%s", out);
}

Test(generate, only_the_requested_extensions_are_written)
{
	CtNssDbCertificateSpec bare = ct_test_spec("bare.example.test");
	CtNssDbCertificateSpec tomcat = ct_test_spec("tomcat.example.test");
	g_autoptr(GBytes) bare_der = NULL;
	g_autoptr(GBytes) bare_key = NULL;
	g_autoptr(GBytes) tomcat_der = NULL;
	g_autoptr(GBytes) tomcat_key = NULL;
	g_autoptr(CtCertificate) parsed = NULL;
	g_autofree gchar *bare_text = NULL;
	g_autofree gchar *tomcat_text = NULL;
	g_autofree gchar *order = NULL;
	g_autofree gchar *san = NULL;
	const gchar *dns[] = {"tomcat.example.test", NULL};

	/* v3 with nothing asked: no extensions field at all */
	ct_test_generate(&bare, NULL, NULL, &bare_der, &bare_key);
	bare_text = ct_test_openssl_text("bare.der", bare_der);
	cr_assert(strstr(bare_text, "Version: 3 (0x2)") != NULL);
	cr_assert(strstr(bare_text, "X509v3") == NULL, "%s", bare_text);
	parsed = ct_test_parse(bare_der);
	cr_assert_eq(parsed->version, 3);
	cr_assert_eq(parsed->extensions->len, 0);

	/* keytool's Tomcat certificate: SAN and SKI only, no basicConstraints */
	tomcat.dns_names = dns;
	tomcat.subject_key_id = TRUE;
	ct_test_generate(&tomcat, NULL, NULL, &tomcat_der, &tomcat_key);
	tomcat_text = ct_test_openssl_text("tomcat.der", tomcat_der);
	order = ct_test_openssl_extension_order(tomcat_text);
	cr_assert_str_eq(order, "X509v3 Subject Alternative Name|X509v3 Subject Key Identifier");
	san = ct_test_openssl_extension(tomcat_text, "X509v3 Subject Alternative Name");
	cr_assert_str_eq(san, "DNS:tomcat.example.test");
}

Test(generate, empty_subject_makes_the_san_critical)
{
	CtNssDbCertificateSpec spec = ct_test_spec_leaf(NULL);
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *san = NULL;

	spec.organization = NULL;
	ct_test_generate(&spec, NULL, NULL, &der, &key);
	text = ct_test_openssl_text("nameless.der", der);
	cr_assert(strstr(text, "Subject: \n") != NULL || strstr(text, "Subject:\n") != NULL, "%s",
		  text);
	san = ct_test_openssl_extension(text, "X509v3 Subject Alternative Name");
	cr_assert(g_str_has_prefix(san, "critical: DNS:www.example.test"), "%s", san);
}

Test(generate, expired_spec_gives_an_expired_certificate)
{
	CtNssDbCertificateSpec spec = ct_test_spec_ca("expired.example.test");
	CtNssDbCertificateSpec valid = ct_test_spec_ca("valid.example.test");
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autoptr(GBytes) valid_der = NULL;
	g_autoptr(GBytes) valid_key = NULL;
	g_autoptr(CtCertificate) parsed = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *valid_path = NULL;
	g_autofree gchar *pem = NULL;
	g_autofree gchar *cmd = NULL;

	spec.not_before = now - 60 * 24 * 3600;
	spec.not_after = now - 24 * 3600;
	ct_test_generate(&spec, NULL, NULL, &der, &key);
	ct_test_generate(&valid, NULL, NULL, &valid_der, &valid_key);
	path = ct_test_write("expired.der", der);
	valid_path = ct_test_write("valid.der", valid_der);

	cmd = g_strdup_printf("openssl x509 -inform DER -in %s -noout -checkend 0", path);
	cr_assert_eq(ct_test_shell_status(cmd), 1);
	g_free(cmd);
	cmd = g_strdup_printf("openssl x509 -inform DER -in %s -noout -checkend 0", valid_path);
	cr_assert_eq(ct_test_shell_status(cmd), 0);

	pem = ct_test_write_pem("expired", der);
	g_free(cmd);
	cmd =
	    g_strdup_printf("openssl verify -CAfile %s %s 2>&1 | grep -q 'certificate has expired'",
			    pem, pem);
	cr_assert_eq(ct_test_shell_status(cmd), 0);

	parsed = ct_test_parse(der);
	cr_assert_eq(parsed->not_before, spec.not_before);
	cr_assert_eq(parsed->not_after, spec.not_after);
}

Test(generate, dates_after_2049_are_generalized_time)
{
	CtNssDbCertificateSpec spec = ct_test_spec("2050.example.test");
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autoptr(CtCertificate) parsed = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *asn1 = NULL;
	g_autofree gchar *text = NULL;

	spec.not_before = 1700000000;
	spec.not_after = G_GINT64_CONSTANT(2524608000); /* 2050-01-01T00:00:00Z */
	ct_test_generate(&spec, NULL, NULL, &der, &key);
	path = ct_test_write("2050.der", der);
	cmd = g_strdup_printf("openssl asn1parse -inform DER -in %s", path);
	asn1 = ct_test_shell_ok(cmd);
	cr_assert(strstr(asn1, "UTCTIME           :231114221320Z") != NULL, "%s", asn1);
	cr_assert(strstr(asn1, "GENERALIZEDTIME   :20500101000000Z") != NULL, "%s", asn1);
	text = ct_test_openssl_text("2050.der", der);
	cr_assert(strstr(text, "Not After : Jan  1 00:00:00 2050 GMT") != NULL, "%s", text);
	parsed = ct_test_parse(der);
	cr_assert_eq(parsed->not_after, G_GINT64_CONSTANT(2524608000));
}

Test(generate, hostile_common_name_stays_one_attribute)
{
	/* 64 bytes: the upper bound of RFC 5280 and of openssl's CN */
	const gchar *cn =
	    "a,O=evil+CN=x=y;\"\\<>#\x1b[31mred\x1b[0m AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	CtNssDbCertificateSpec spec = ct_test_spec(cn);
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autoptr(CtCertificate) parsed = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *subject = NULL;
	g_autofree gchar *asn1 = NULL;
	guint commas = 0;
	guint pluses = 0;

	cr_assert_eq(strlen(cn), 64);
	spec.organization = "org,OU=inject+CN=more";
	ct_test_generate(&spec, NULL, NULL, &der, &key);
	path = ct_test_write("hostile.der", der);

	cmd = g_strdup_printf("openssl x509 -inform DER -in %s -noout -subject -nameopt RFC2253",
			      path);
	subject = ct_test_shell_ok(cmd);
	cr_assert(g_str_has_prefix(subject, "subject=CN=a\\,O"), "%s", subject);
	/* the only unescaped separator is the one between CN and O */
	for (const gchar *p = subject; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == ',')
			commas++;
		if (*p == '+')
			pluses++;
	}
	cr_assert_eq(commas, 1, "%s", subject);
	cr_assert_eq(pluses, 0, "%s", subject);
	cr_assert(strstr(subject, ",O=org\\,OU") != NULL, "%s", subject);

	/* two RDNs in the subject (and two in the identical issuer): four SETs */
	g_free(cmd);
	cmd = g_strdup_printf("openssl asn1parse -inform DER -in %s | grep -c ' SET '", path);
	asn1 = ct_test_shell_ok(cmd);
	cr_assert_str_eq(asn1, "4\n");

	parsed = ct_test_parse(der);
	cr_assert_str_eq(parsed->subject_cn, cn);
}

Test(generate, names_outside_printable_string_are_utf8)
{
	CtNssDbCertificateSpec spec = ct_test_spec("Zürich Prüfstelle");
	g_autoptr(GBytes) der = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autoptr(CtCertificate) parsed = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *asn1 = NULL;
	g_autofree gchar *subject = NULL;

	ct_test_generate(&spec, NULL, NULL, &der, &key);
	path = ct_test_write("utf8.der", der);
	cmd = g_strdup_printf("openssl asn1parse -inform DER -in %s", path);
	asn1 = ct_test_shell_ok(cmd);
	/* certutil's choice: PrintableString when it can, UTF8String when it must */
	cr_assert(strstr(asn1, "PRINTABLESTRING   :certtrust tests") != NULL, "%s", asn1);
	cr_assert(strstr(asn1, "UTF8STRING        :") != NULL, "%s", asn1);
	g_free(cmd);
	cmd = g_strdup_printf(
	    "openssl x509 -inform DER -in %s -noout -subject -nameopt RFC2253,-esc_msb", path);
	subject = ct_test_shell_ok(cmd);
	cr_assert_str_eq(subject, "subject=CN=Zürich Prüfstelle,O=certtrust tests\n");
	parsed = ct_test_parse(der);
	cr_assert_str_eq(parsed->subject_cn, "Zürich Prüfstelle");
}

Test(generate, two_generations_differ_and_serials_are_positive_64_bit)
{
	CtNssDbCertificateSpec spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GPtrArray) serials = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GPtrArray) moduli = g_ptr_array_new_with_free_func(g_free);

	for (guint round = 0; round < 4; round++) {
		g_autoptr(GBytes) der = NULL;
		g_autoptr(GBytes) key = NULL;
		g_autoptr(CtCertificate) parsed = NULL;
		g_autofree gchar *name = g_strdup_printf("cert%u.der", round);
		g_autofree gchar *path = NULL;
		g_autofree gchar *cmd = NULL;
		guint first = 0;

		ct_test_generate(&spec, NULL, NULL, &der, &key);
		parsed = ct_test_parse(der);
		/* 8 bytes, no sign bit, no redundant leading zero */
		cr_assert_eq(strlen(parsed->serial), 8 * 3 - 1, "%s", parsed->serial);
		first = (guint)g_ascii_strtoull(parsed->serial, NULL, 16);
		cr_assert(first > 0 && first < 0x80, "%s", parsed->serial);
		for (guint i = 0; i < serials->len; i++)
			cr_assert_str_neq(g_ptr_array_index(serials, i), parsed->serial);
		for (guint i = 0; i < keys->len; i++)
			cr_assert_not(g_bytes_equal(g_ptr_array_index(keys, i), key));
		path = ct_test_write(name, der);
		cmd = g_strdup_printf("openssl x509 -inform DER -in %s -noout -modulus", path);
		g_ptr_array_add(moduli, ct_test_shell_ok(cmd));
		for (guint i = 0; i + 1 < moduli->len; i++)
			cr_assert_str_neq(g_ptr_array_index(moduli, i),
					  g_ptr_array_index(moduli, moduli->len - 1));
		g_ptr_array_add(serials, g_strdup(parsed->serial));
		g_ptr_array_add(keys, g_bytes_ref(key));
	}
}

Test(generate, serial_is_written_as_given)
{
	const struct {
		guint64 serial;
		const gchar *ours;
		const gchar *openssl;
	} cases[] = {
	    {1, "01", "serial=01\n"},
	    {0x80, "00:80", "serial=80\n"},
	    {G_GUINT64_CONSTANT(0x8000000000000001), "00:80:00:00:00:00:00:00:01",
	     "serial=8000000000000001\n"},
	    {G_MAXUINT64, "00:FF:FF:FF:FF:FF:FF:FF:FF", "serial=FFFFFFFFFFFFFFFF\n"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		CtNssDbCertificateSpec spec = ct_test_spec("serial.example.test");
		g_autoptr(GBytes) der = NULL;
		g_autoptr(GBytes) key = NULL;
		g_autoptr(CtCertificate) parsed = NULL;
		g_autofree gchar *name = g_strdup_printf("serial%u.der", i);
		g_autofree gchar *path = NULL;
		g_autofree gchar *cmd = NULL;
		g_autofree gchar *out = NULL;

		spec.serial = cases[i].serial;
		ct_test_generate(&spec, NULL, NULL, &der, &key);
		parsed = ct_test_parse(der);
		cr_assert_str_eq(parsed->serial, cases[i].ours);
		path = ct_test_write(name, der);
		cmd = g_strdup_printf("openssl x509 -inform DER -in %s -noout -serial", path);
		out = ct_test_shell_ok(cmd);
		cr_assert_str_eq(out, cases[i].openssl);
	}
}

Test(generate, aki_of_an_issuer_without_ski_is_its_key_hash)
{
	CtNssDbCertificateSpec root_spec = ct_test_spec_ca("no-ski root");
	CtNssDbCertificateSpec leaf_spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GBytes) root = NULL;
	g_autoptr(GBytes) root_key = NULL;
	g_autoptr(GBytes) leaf = NULL;
	g_autoptr(GBytes) leaf_key = NULL;
	g_autofree gchar *root_text = NULL;
	g_autofree gchar *leaf_text = NULL;
	g_autofree gchar *aki = NULL;
	g_autofree gchar *root_key_id = NULL;

	root_spec.subject_key_id = FALSE;
	root_spec.authority_key_id = FALSE;
	ct_test_generate(&root_spec, NULL, NULL, &root, &root_key);
	ct_test_generate(&leaf_spec, root, root_key, &leaf, &leaf_key);
	root_text = ct_test_openssl_text("root.der", root);
	cr_assert(strstr(root_text, "Key Identifier") == NULL, "%s", root_text);
	leaf_text = ct_test_openssl_text("leaf.der", leaf);
	aki = ct_test_openssl_extension(leaf_text, "X509v3 Authority Key Identifier");
	root_key_id = ct_test_openssl_key_id("root", root);
	cr_assert_str_eq(aki, root_key_id);
}

/* an issuer made by openssl req -x509 with KEYARGS; returns its DER and PKCS#8 DER key */
static void
ct_test_openssl_issuer(const gchar *keyargs, GBytes **der, GBytes **key)
{
	g_autofree gchar *cnf = ct_test_path("empty.cnf");
	g_autofree gchar *pem = ct_test_path("ext-ca.pem");
	g_autofree gchar *key_pem = ct_test_path("ext-ca.key");
	g_autofree gchar *der_path = g_build_filename(ct_test_dir, "ext-ca.der", NULL);
	g_autofree gchar *key_path = g_build_filename(ct_test_dir, "ext-ca.p8", NULL);
	g_autofree gchar *cmd = NULL;
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;
	gsize len = 0;

	/* only our extensions: the host's openssl.cnf must not add any */
	cmd = g_strdup_printf(": > %s && OPENSSL_CONF=%s openssl req -x509 %s -nodes -keyout %s "
			      "-subj '/C=DE/O=External Org/CN=External CA' -days 2 "
			      "-addext basicConstraints=critical,CA:TRUE "
			      "-addext keyUsage=critical,keyCertSign,cRLSign "
			      "-addext subjectKeyIdentifier=hash -out %s 2>&1 && "
			      "openssl x509 -in %s -outform DER -out '%s' && "
			      "openssl pkcs8 -topk8 -nocrypt -in %s -outform DER -out '%s'",
			      cnf, cnf, keyargs, key_pem, pem, pem, der_path, key_pem, key_path);
	g_free(ct_test_shell_ok(cmd));
	if (!g_file_get_contents(der_path, &contents, &len, &error))
		cr_assert_fail("%s", error->message);
	*der = g_bytes_new_take(contents, len);
	if (!g_file_get_contents(key_path, &contents, &len, &error))
		cr_assert_fail("%s", error->message);
	*key = g_bytes_new_take(contents, len);
}

static void
ct_test_issue_from_openssl_issuer(const gchar *keyargs, const gchar *signature_algorithm)
{
	CtNssDbCertificateSpec spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GBytes) ca = NULL;
	g_autoptr(GBytes) ca_key = NULL;
	g_autoptr(GBytes) leaf = NULL;
	g_autoptr(GBytes) leaf_key = NULL;
	g_autoptr(CtCertificate) parsed_ca = NULL;
	g_autoptr(CtCertificate) parsed_leaf = NULL;
	g_autofree gchar *leaf_pem = NULL;
	g_autofree gchar *ca_pem = ct_test_path("ext-ca.pem");
	g_autofree gchar *cmd = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *ca_text = NULL;
	g_autofree gchar *aki = NULL;
	g_autofree gchar *ca_ski = NULL;
	g_autofree gchar *expected = NULL;

	ct_test_openssl_issuer(keyargs, &ca, &ca_key);
	ct_test_generate(&spec, ca, ca_key, &leaf, &leaf_key);
	leaf_pem = ct_test_write_pem("leaf", leaf);
	cmd = g_strdup_printf("openssl verify -x509_strict -purpose sslserver -CAfile %s %s",
			      ca_pem, leaf_pem);
	out = ct_test_shell_ok(cmd);
	cr_assert(g_str_has_suffix(out, ": OK\n"), "%s", out);

	text = ct_test_openssl_text("leaf.der", leaf);
	expected = g_strdup_printf("Signature Algorithm: %s", signature_algorithm);
	cr_assert(strstr(text, expected) != NULL, "%s", text);
	cr_assert(strstr(text, "Issuer: C = DE, O = External Org, CN = External CA\n") != NULL,
		  "%s", text);
	ca_text = ct_test_openssl_text("ext-ca-again.der", ca);
	aki = ct_test_openssl_extension(text, "X509v3 Authority Key Identifier");
	ca_ski = ct_test_openssl_extension(ca_text, "X509v3 Subject Key Identifier");
	cr_assert_str_eq(aki, ca_ski);

	parsed_ca = ct_test_parse(ca);
	parsed_leaf = ct_test_parse(leaf);
	cr_assert(ct_nssdb_is_issued_by(parsed_leaf, parsed_ca));
}

Test(generate, openssl_rsa_issuer_signs_a_verifiable_leaf)
{
	ct_test_issue_from_openssl_issuer("-newkey rsa:2048", "sha256WithRSAEncryption");
}

Test(generate, openssl_ec_issuer_signs_a_verifiable_leaf)
{
	ct_test_issue_from_openssl_issuer("-newkey ec -pkeyopt ec_paramgen_curve:P-256",
					  "ecdsa-with-SHA256");
}

Test(generate, invalid_ip_address_is_an_error)
{
	const gchar *bad[] = {"300.1.2.3", "192.0.2",	 "example.test", "2001:db8::g",
			      "",	   " 192.0.2.1", "192.0.2.1/24", "fe80::1%eth0"};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		CtNssDbCertificateSpec spec = ct_test_spec_leaf("www.example.test");
		const gchar *ips[] = {"192.0.2.1", bad[i], NULL};
		g_autofree gchar *needle = g_strdup_printf("invalid IP address \"%s\"", bad[i]);
		spec.ip_addresses = ips;
		ct_test_generate_fails(&spec, NULL, NULL, CT_ERROR_INVALID_ARGS, needle);
	}
}

Test(generate, wrong_issuer_key_is_an_error)
{
	CtNssDbCertificateSpec root_spec = ct_test_spec_ca("root A");
	CtNssDbCertificateSpec other_spec = ct_test_spec_ca("root B");
	CtNssDbCertificateSpec leaf_spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GBytes) root = NULL;
	g_autoptr(GBytes) root_key = NULL;
	g_autoptr(GBytes) other = NULL;
	g_autoptr(GBytes) other_key = NULL;

	ct_test_generate(&root_spec, NULL, NULL, &root, &root_key);
	ct_test_generate(&other_spec, NULL, NULL, &other, &other_key);
	/* a valid PKCS#8 key, but not root A's: refused rather than a certificate whose
	 * signature does not verify */
	ct_test_generate_fails(&leaf_spec, root, other_key, CT_ERROR_INVALID_ARGS,
			       "the issuer key does not belong to the issuer certificate");
}

Test(generate, malformed_issuer_inputs_are_errors)
{
	CtNssDbCertificateSpec root_spec = ct_test_spec_ca("root");
	CtNssDbCertificateSpec leaf_spec = ct_test_spec_leaf("www.example.test");
	g_autoptr(GBytes) root = NULL;
	g_autoptr(GBytes) root_key = NULL;
	g_autoptr(GBytes) junk = g_bytes_new_static("\x30\x03\x02\x01\x01", 5);
	g_autoptr(GBytes) empty = g_bytes_new_static("", 0);
	g_autoptr(GBytes) half = NULL;

	ct_test_generate(&root_spec, NULL, NULL, &root, &root_key);
	half = g_bytes_new_from_bytes(root, 0, g_bytes_get_size(root) / 2);
	ct_test_generate_fails(&leaf_spec, junk, root_key, CT_ERROR_INVALID_DATA,
			       "not a valid DER issuer certificate");
	ct_test_generate_fails(&leaf_spec, half, root_key, CT_ERROR_INVALID_DATA,
			       "not a valid DER issuer certificate");
	ct_test_generate_fails(&leaf_spec, root, junk, CT_ERROR_INVALID_DATA,
			       "not a valid PKCS#8 issuer key");
	ct_test_generate_fails(&leaf_spec, root, empty, CT_ERROR_INVALID_DATA,
			       "not a valid PKCS#8 issuer key");
	/* the certificate where the key belongs */
	ct_test_generate_fails(&leaf_spec, root_key, root, CT_ERROR_INVALID_DATA, "not a valid");
}

Test(generate, impossible_specs_are_errors)
{
	CtNssDbCertificateSpec spec;
	g_autofree gchar *long_cn = g_strnfill(641, 'A');
	const gchar *non_ascii_dns[] = {"bücher.example", NULL};
	const gchar *empty_dns[] = {"", NULL};

	spec = ct_test_spec_leaf(long_cn);
	ct_test_generate_fails(&spec, NULL, NULL, CT_ERROR_INVALID_ARGS,
			       "cannot use the common name (641 bytes)");
	spec = ct_test_spec_leaf("bad \xff utf-8");
	ct_test_generate_fails(&spec, NULL, NULL, CT_ERROR_INVALID_ARGS,
			       "the common name is not valid UTF-8");
	spec = ct_test_spec_leaf("www.example.test");
	spec.not_after = spec.not_before - 1;
	ct_test_generate_fails(&spec, NULL, NULL, CT_ERROR_INVALID_ARGS,
			       "the validity ends before it starts");
	spec = ct_test_spec_leaf("www.example.test");
	spec.not_after = G_MAXINT64;
	ct_test_generate_fails(&spec, NULL, NULL, CT_ERROR_INVALID_ARGS,
			       "outside the years 1 to 9999");
	spec = ct_test_spec_leaf("www.example.test");
	spec.key_usage = 1 << 9;
	ct_test_generate_fails(&spec, NULL, NULL, CT_ERROR_INVALID_ARGS,
			       "unknown key usage bits 0x200");
	spec = ct_test_spec_leaf("www.example.test");
	spec.dns_names = non_ascii_dns;
	ct_test_generate_fails(&spec, NULL, NULL, CT_ERROR_INVALID_ARGS, "is not ASCII");
	spec = ct_test_spec_leaf("www.example.test");
	spec.dns_names = empty_dns;
	ct_test_generate_fails(&spec, NULL, NULL, CT_ERROR_INVALID_ARGS, "empty dNSName");
}
