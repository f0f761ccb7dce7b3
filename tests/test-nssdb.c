/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include "ct-nssdb.h"
#include "ct-pem.h"
#include "ct-test.h"

/* the DER of a generated file: X.der as it is, X.pem through the PEM decoder */
static GBytes *
ct_test_der(const gchar *name)
{
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GPtrArray) blocks = NULL;
	g_autoptr(GError) error = NULL;
	CtPemBlock *block;

	if (g_str_has_suffix(name, ".der"))
		return ct_test_data_bytes(name);
	bytes = ct_test_data_bytes(name);
	blocks = ct_pem_decode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), &error);
	cr_assert_not_null(blocks, "%s: %s", name, error != NULL ? error->message : "");
	block = g_ptr_array_index(blocks, 0);
	return g_bytes_ref(block->der);
}

static CtCertificate *
ct_test_parse(const gchar *name)
{
	g_autoptr(GBytes) der = ct_test_der(name);
	g_autoptr(GError) error = NULL;
	CtCertificate *certificate = ct_nssdb_parse_certificate(der, &error);
	cr_assert_not_null(certificate, "%s: %s", name, error != NULL ? error->message : "");
	return certificate;
}

/* the value of `openssl x509 -noout OPTION` after the '=' */
static gchar *
ct_test_openssl_field(const gchar *name, const gchar *option)
{
	g_autofree gchar *path = ct_test_data_path(name);
	g_autofree gchar *cmd = g_strdup_printf("openssl x509 -inform DER -in '%s' -noout %s", path,
						option);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	const gchar *eq = strchr(run->out, '=');
	cr_assert_eq(run->exit_status, 0, "%s: %s", cmd, run->err);
	cr_assert_not_null(eq);
	return g_strstrip(g_strdup(eq + 1));
}

static CtExtension *
ct_test_find_extension(CtCertificate *certificate, const gchar *name)
{
	for (guint i = 0; i < certificate->extensions->len; i++) {
		CtExtension *extension = g_ptr_array_index(certificate->extensions, i);
		if (g_strcmp0(extension->name, name) == 0)
			return extension;
	}
	return NULL;
}

TestSuite(nssdb, .timeout = 30);

Test(nssdb, fingerprints_match_openssl)
{
	g_autoptr(CtCertificate) leaf = ct_test_parse("leaf.der");
	g_autofree gchar *sha256 = ct_test_openssl_field("leaf.der", "-fingerprint -sha256");
	g_autofree gchar *sha1 = ct_test_openssl_field("leaf.der", "-fingerprint -sha1");

	cr_assert_str_eq(leaf->sha256, sha256);
	cr_assert_str_eq(leaf->sha1, sha1);
}

/* the SPKI pin Chromium's --ignore-certificate-errors-spki-list takes, computed the way
 * Chromium's documentation does with openssl; RSA, EC and a v1 certificate */
Test(nssdb, spki_pin_matches_openssl)
{
	const gchar *names[] = {"leaf.pem", "ec.pem", "v1.pem"};

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(CtChain) chain = ct_test_load_chain(names[i]);
		CtCertificate *certificate = ct_chain_get_leaf(chain);
		g_autofree gchar *path = ct_test_data_path(names[i]);
		g_autofree gchar *cmd =
		    g_strdup_printf("openssl x509 -in '%s' -pubkey -noout | openssl pkey -pubin "
				    "-outform der | openssl dgst -sha256 -binary | base64",
				    path);
		g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
		cr_assert_eq(run->exit_status, 0, "%s: %s", cmd, run->err);
		cr_assert_str_eq(certificate->spki_sha256_base64, g_strstrip(run->out), "%s",
				 names[i]);
	}
}

Test(nssdb, serial_matches_openssl_with_colons)
{
	g_autoptr(CtCertificate) leaf = ct_test_parse("leaf.der");
	g_autofree gchar *serial = ct_test_openssl_field("leaf.der", "-serial");
	g_autofree gchar *ours = g_strdup(leaf->serial);
	GString *plain = g_string_new(NULL);

	for (const gchar *p = ours; *p != '\0'; p++) {
		if (*p != ':')
			g_string_append_c(plain, *p);
	}
	cr_assert_str_eq(plain->str, serial);
	g_string_free(plain, TRUE);
}

Test(nssdb, validity_matches_openssl)
{
	g_autoptr(CtCertificate) leaf = ct_test_parse("leaf.der");
	g_autofree gchar *not_after = ct_test_openssl_field("leaf.der",
							    "-enddate -dateopt iso_8601");
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(leaf->not_after);
	/* openssl: "2126-11-08 20:55:57Z"; its default form pads days 1-9 with an ASCII space,
	 * which GLib's %e writes as U+2007 FIGURE SPACE */
	g_autofree gchar *formatted = g_date_time_format(dt, "%Y-%m-%d %H:%M:%SZ");

	cr_assert_str_eq(formatted, not_after);
	cr_assert_gt(leaf->not_after, leaf->not_before);
}

Test(nssdb, leaf_fields_are_decoded)
{
	g_autoptr(CtCertificate) leaf = ct_test_parse("leaf.der");

	cr_assert_eq(leaf->version, 3);
	cr_assert_str_eq(leaf->subject, "CN=ucm.example.com,O=certtrust tests");
	cr_assert_str_eq(leaf->subject_cn, "ucm.example.com");
	cr_assert_str_eq(leaf->public_key_algorithm, "RSA");
	cr_assert_eq(leaf->public_key_bits, 2048);
	cr_assert(strstr(leaf->signature_algorithm, "SHA-256") != NULL, "%s",
		  leaf->signature_algorithm);
	cr_assert_not(leaf->self_signed);
	cr_assert_not(leaf->ca_capable);
	cr_assert(leaf->has_san);
	cr_assert_eq(leaf->san_dns->len, 2);
	cr_assert_str_eq(g_ptr_array_index(leaf->san_dns, 0), "ucm.example.com");
	cr_assert_str_eq(g_ptr_array_index(leaf->san_dns, 1), "ucm");
	cr_assert_eq(leaf->san_ip->len, 2);
	cr_assert_str_eq(g_ptr_array_index(leaf->san_ip, 0), "127.0.0.1");
	cr_assert_str_eq(g_ptr_array_index(leaf->san_ip, 1), "::1");
}

Test(nssdb, extensions_have_readable_values_and_critical_flags)
{
	g_autoptr(CtCertificate) leaf = ct_test_parse("leaf.der");
	CtExtension *bc = ct_test_find_extension(leaf, "basicConstraints");
	CtExtension *ku = ct_test_find_extension(leaf, "keyUsage");
	CtExtension *eku = ct_test_find_extension(leaf, "extKeyUsage");
	CtExtension *san = ct_test_find_extension(leaf, "subjectAltName");
	CtExtension *ski = ct_test_find_extension(leaf, "subjectKeyIdentifier");
	CtExtension *aki = ct_test_find_extension(leaf, "authorityKeyIdentifier");

	cr_assert(bc != NULL && ku != NULL && eku != NULL && san != NULL && ski != NULL &&
		  aki != NULL);
	cr_assert(bc->critical);
	cr_assert_str_eq(bc->value, "CA:FALSE");
	cr_assert(ku->critical);
	cr_assert_str_eq(ku->value, "digitalSignature, keyEncipherment");
	cr_assert_not(eku->critical);
	cr_assert_str_eq(eku->value, "serverAuth, clientAuth");
	cr_assert_str_eq(san->value, "DNS:ucm.example.com, DNS:ucm, IP:127.0.0.1, IP:::1");
	cr_assert_str_eq(san->oid, "2.5.29.17");
	cr_assert_str_eq(san->label, "Subject Alternative Name");
	cr_assert(g_str_has_prefix(aki->value, "keyid:"));
}

Test(nssdb, ski_matches_openssl)
{
	g_autoptr(CtCertificate) leaf = ct_test_parse("leaf.der");
	g_autofree gchar *path = ct_test_data_path("leaf.der");
	g_autofree gchar *cmd = g_strdup_printf(
	    "openssl x509 -inform DER -in '%s' -noout -ext subjectKeyIdentifier | tail -n 1", path);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	CtExtension *ski = ct_test_find_extension(leaf, "subjectKeyIdentifier");

	cr_assert_not_null(ski);
	cr_assert_str_eq(ski->value, g_strstrip(run->out));
}

Test(nssdb, ca_power_is_detected_three_ways)
{
	g_autoptr(CtCertificate) ca_leaf = NULL;
	g_autoptr(CtCertificate) v1 = NULL;
	g_autoptr(CtCertificate) tomcat = NULL;

	tomcat = ct_test_parse("tomcat.der");
	cr_assert(tomcat->self_signed);
	cr_assert_not(tomcat->ca_capable, "no basicConstraints and no keyCertSign is not a CA");
	cr_assert_not(tomcat->basic_ca);

	v1 = ct_test_parse("v1.pem");
	cr_assert_eq(v1->version, 1);
	cr_assert(v1->ca_capable, "a v1 certificate counts as a CA");
	cr_assert_not(v1->basic_ca, "but it does not say it is one");
	cr_assert_eq(v1->extensions->len, 0);

	ca_leaf = ct_test_parse("ca-leaf.pem");
	cr_assert(ca_leaf->ca_capable);
	cr_assert(ca_leaf->basic_ca, "basicConstraints CA:TRUE");
	cr_assert(ca_leaf->self_signed);
}

Test(nssdb, ec_key_reports_its_curve)
{
	g_autoptr(CtCertificate) ec = ct_test_parse("ec.pem");
	cr_assert_str_eq(ec->public_key_algorithm, "EC");
	cr_assert_str_eq(ec->public_key_curve, "P-256");
	cr_assert_eq(ec->public_key_bits, 256);
}

Test(nssdb, issued_by_follows_signatures_not_just_names)
{
	g_autoptr(CtCertificate) leaf = ct_test_parse("leaf.der");
	g_autoptr(CtCertificate) inter = ct_test_parse("inter.pem");
	g_autoptr(CtCertificate) root = ct_test_parse("ca.der");

	cr_assert(ct_nssdb_is_issued_by(leaf, inter));
	cr_assert(ct_nssdb_is_issued_by(inter, root));
	cr_assert(ct_nssdb_is_issued_by(root, root));
	cr_assert_not(ct_nssdb_is_issued_by(leaf, root));
	cr_assert_not(ct_nssdb_is_issued_by(inter, leaf));
}

Test(nssdb, hostile_subject_is_kept_whole_and_unescaped)
{
	g_autoptr(CtCertificate) hostile = ct_test_parse("hostile.pem");
	cr_assert_gt(strlen(hostile->subject), 10000);
	cr_assert(strchr(hostile->subject, '\x1b') != NULL, "the ESC survives for the escaper");
	cr_assert(strchr(hostile->subject_cn, '\x1b') != NULL);
}

Test(nssdb, truncated_and_trailing_der_are_refused)
{
	g_autoptr(GBytes) der = ct_test_data_bytes("leaf.der");
	gsize len = g_bytes_get_size(der);
	g_autoptr(GBytes) half = g_bytes_new_from_bytes(der, 0, len / 2);
	g_autoptr(GByteArray) longer = g_byte_array_new();
	g_autoptr(GBytes) trailing = NULL;
	g_autoptr(GError) error = NULL;
	CtCertificate *certificate = NULL;

	certificate = ct_nssdb_parse_certificate(half, &error);
	cr_assert_null(certificate);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	g_clear_error(&error);

	g_byte_array_append(longer, g_bytes_get_data(der, NULL), len);
	g_byte_array_append(longer, (const guint8 *)"junk", 4);
	trailing = g_bytes_new(longer->data, longer->len);
	certificate = ct_nssdb_parse_certificate(trailing, &error);
	cr_assert_null(certificate);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
}

Test(nssdb, random_der_lookalikes_never_crash)
{
	g_autoptr(GBytes) der = ct_test_data_bytes("leaf.der");
	gsize len = g_bytes_get_size(der);
	g_autoptr(GRand) rand = g_rand_new_with_seed(4242);

	/* flip bytes of a real certificate: every result is a certificate or an error */
	for (guint round = 0; round < 2000; round++) {
		g_autofree guint8 *copy = g_memdup2(g_bytes_get_data(der, NULL), len);
		g_autoptr(GBytes) mutated = NULL;
		g_autoptr(GError) error = NULL;
		g_autoptr(CtCertificate) certificate = NULL;
		for (guint i = 0; i < 4; i++)
			copy[g_rand_int_range(rand, 0, (gint32)len)] = (guint8)g_rand_int(rand);
		mutated = g_bytes_new(copy, len);
		certificate = ct_nssdb_parse_certificate(mutated, &error);
		cr_assert((certificate != NULL) != (error != NULL));
	}
}

Test(nssdb, pkcs7_round_trip_keeps_order_and_bytes)
{
	g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GPtrArray) decoded = NULL;
	g_autoptr(GBytes) p7 = NULL;
	g_autoptr(GError) error = NULL;

	g_ptr_array_add(ders, ct_test_data_bytes("leaf.der"));
	g_ptr_array_add(ders, ct_test_der("inter.pem"));
	g_ptr_array_add(ders, ct_test_data_bytes("ca.der"));
	p7 = ct_nssdb_encode_pkcs7(ders, &error);
	cr_assert_not_null(p7, "%s", error != NULL ? error->message : "");
	cr_assert(ct_nssdb_is_pkcs7(p7));
	decoded = ct_nssdb_decode_pkcs7(p7, &error);
	cr_assert_not_null(decoded, "%s", error != NULL ? error->message : "");
	cr_assert_eq(decoded->len, 3);
	for (guint i = 0; i < 3; i++)
		cr_assert(g_bytes_equal(g_ptr_array_index(ders, i), g_ptr_array_index(decoded, i)));
}

Test(nssdb, pkcs7_is_byte_identical_to_openssl_crl2pkcs7)
{
	g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GBytes) openssl = ct_test_data_bytes("chain.p7b");
	g_autoptr(GBytes) p7 = NULL;
	g_autoptr(GError) error = NULL;

	/* chain.p7b: openssl crl2pkcs7 -nocrl of leaf, inter, root */
	g_ptr_array_add(ders, ct_test_data_bytes("leaf.der"));
	g_ptr_array_add(ders, ct_test_der("inter.pem"));
	g_ptr_array_add(ders, ct_test_data_bytes("ca.der"));
	p7 = ct_nssdb_encode_pkcs7(ders, &error);
	cr_assert_not_null(p7);
	cr_assert(g_bytes_equal(p7, openssl), "our certs-only SignedData differs from openssl's");
}

Test(nssdb, pkcs7_without_certificates_is_an_error)
{
	g_autoptr(GBytes) empty = ct_test_data_bytes("empty.p7b");
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) decoded = ct_nssdb_decode_pkcs7(empty, &error);

	cr_assert_null(decoded);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA));
	cr_assert(strstr(error->message, "no certificates") != NULL, "%s", error->message);
}

Test(nssdb, random_ber_pkcs7_lookalikes_never_crash)
{
	g_autoptr(GBytes) ber = ct_test_data_bytes("chain-ber.p7b");
	gsize len = g_bytes_get_size(ber);
	g_autoptr(GRand) rand = g_rand_new_with_seed(2315);

	/* flip bytes of an indefinite-length PKCS#7 and cut it short: certificates or an
	 * error, never a crash, and every certificate found is one that parses or errs */
	for (guint round = 0; round < 1000; round++) {
		g_autofree guint8 *copy = g_memdup2(g_bytes_get_data(ber, NULL), len);
		g_autoptr(GBytes) mutated = NULL;
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) ders = NULL;
		gsize cut = round % 4 == 0 ? (gsize)g_rand_int_range(rand, 1, (gint32)len) : len;
		for (guint i = 0; i < 3; i++)
			copy[g_rand_int_range(rand, 0, (gint32)cut)] = (guint8)g_rand_int(rand);
		mutated = g_bytes_new(copy, cut);
		ders = ct_nssdb_decode_pkcs7(mutated, &error);
		cr_assert((ders != NULL) != (error != NULL));
		for (guint i = 0; ders != NULL && i < ders->len; i++) {
			g_autoptr(GError) cert_error = NULL;
			g_autoptr(CtCertificate) certificate =
			    ct_nssdb_parse_certificate(g_ptr_array_index(ders, i), &cert_error);
			cr_assert((certificate != NULL) != (cert_error != NULL));
		}
	}
}
