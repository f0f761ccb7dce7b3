/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ct-test.h"

/* certificate files written by other tools (docs/formats.md): PKCS#7 in BER from openssl's
 * streaming output and from a DER-to-BER rewrite, Java's keytool and CertPath encodings;
 * what certtrust reads is checked against what openssl, certutil and keytool read */

static gchar *tmpdir = NULL;

static void
formats_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
}

static void
formats_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(formats, .init = formats_setup, .fini = formats_teardown, .timeout = 60);

static gint
formats_compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the fingerprints, sorted, one a line: the order of a file is not what is compared */
static gchar *
formats_join_sorted(GPtrArray *fingerprints)
{
	g_autoptr(GString) str = g_string_new(NULL);

	g_ptr_array_sort(fingerprints, formats_compare_strings);
	for (guint i = 0; i < fingerprints->len; i++)
		g_string_append_printf(str, "%s\n",
				       (const gchar *)g_ptr_array_index(fingerprints, i));
	return g_string_free(g_steal_pointer(&str), FALSE);
}

/* every "PREFIX<fingerprint>" line of text */
static gchar *
formats_fingerprints_in(const gchar *text, const gchar *prefix)
{
	g_autoptr(GPtrArray) fingerprints = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *at = strstr(lines[i], prefix);
		if (at != NULL)
			g_ptr_array_add(fingerprints, g_strstrip(g_strdup(at + strlen(prefix))));
	}
	return formats_join_sorted(fingerprints);
}

/* what certtrust show --json reads from path */
static gchar *
formats_certtrust_sha256s(const gchar *path)
{
	const gchar *argv[] = {"certtrust", "show", "--json", path, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GPtrArray) fingerprints = g_ptr_array_new_with_free_func(g_free);
	JsonArray *certificates;

	cr_assert_eq(run->exit_status, 0, "show %s: %s", path, run->err);
	root = ct_test_parse_one_json_document(run->out);
	certificates = json_object_get_array_member(json_node_get_object(root), "certificates");
	for (guint i = 0; i < json_array_get_length(certificates); i++) {
		JsonObject *certificate = json_array_get_object_element(certificates, i);
		g_ptr_array_add(fingerprints,
				g_strdup(json_object_get_string_member(certificate, "sha256")));
	}
	return formats_join_sorted(fingerprints);
}

/* what openssl reads from a PKCS#7 (DER or BER) */
static gchar *
formats_openssl_pkcs7_sha256s(const gchar *path)
{
	g_autofree gchar *quoted = g_shell_quote(path);
	g_autofree gchar *dir = g_build_filename(tmpdir, "openssl", NULL);
	g_autofree gchar *quoted_dir = g_shell_quote(dir);
	g_autofree gchar *command = g_strdup_printf(
	    "set -e; mkdir %s; cd %s; openssl pkcs7 -inform DER -in %s -print_certs |"
	    " awk '/-----BEGIN/ { n++ } n > 0 { print > (\"c\" n \".pem\") }';"
	    " for c in c*.pem; do openssl x509 -in \"$c\" -noout -fingerprint -sha256; done;"
	    " rm -f c*.pem; cd ..; rmdir %s",
	    quoted_dir, quoted_dir, quoted, quoted_dir);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);

	cr_assert_eq(run->exit_status, 0, "openssl on %s: %s", path, run->err);
	return formats_fingerprints_in(run->out, "Fingerprint=");
}

static gboolean
formats_have(const gchar *program)
{
	g_autofree gchar *found = g_find_program_in_path(program);
	return found != NULL;
}

/* what Java's keytool reads from a certificate file or PKCS#7 */
static gchar *
formats_keytool_sha256s(const gchar *path)
{
	const gchar *argv[] = {"keytool", "-printcert", "-file", path, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 0, "keytool -printcert %s: %s%s", path, run->out, run->err);
	return formats_fingerprints_in(run->out, "SHA256: ");
}

static gchar *
formats_der_to_ber(const gchar *path, const gchar *name)
{
	g_autofree gchar *script = g_build_filename(g_getenv("CT_TEST_SRCDIR"), "lib",
						    "der-to-ber.py", NULL);
	gchar *out = g_build_filename(tmpdir, name, NULL);
	const gchar *argv[] = {"python3", script, path, out, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 0, "der-to-ber.py %s: %s", path, run->err);
	return out;
}

static void
formats_assert_ber(const gchar *path)
{
	g_autofree gchar *data = NULL;
	gsize len = 0;

	cr_assert(g_file_get_contents(path, &data, &len, NULL), "%s is missing", path);
	cr_assert(len > 2 && (guint8)data[0] == 0x30 && (guint8)data[1] == 0x80,
		  "%s does not start with an indefinite-length SEQUENCE", path);
}

Test(formats, ber_pkcs7_reads_as_openssl_and_keytool_read_it)
{
	const gchar *names[] = {"chain-ber.p7b", "cms-stream.p7s"};

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree gchar *path = ct_test_data_path(names[i]);
		g_autofree gchar *ours = formats_certtrust_sha256s(path);
		g_autofree gchar *openssl = formats_openssl_pkcs7_sha256s(path);

		formats_assert_ber(path);
		cr_assert_str_eq(ours, openssl, "%s: certtrust read\n%sopenssl read\n%s", names[i],
				 ours, openssl);
		cr_assert_eq(strlen(ours), (i == 0 ? 3 : 2) * 96, "%s: %s", names[i], ours);
		if (formats_have("keytool")) {
			g_autofree gchar *keytool = formats_keytool_sha256s(path);
			cr_assert_str_eq(ours, keytool, "%s: certtrust read\n%skeytool read\n%s",
					 names[i], ours, keytool);
		}
	}
}

Test(formats, certutil_imports_the_leaf_certtrust_reads_from_a_ber_pkcs7)
{
	g_autofree gchar *path = ct_test_data_path("chain-ber.p7b");
	g_autofree gchar *db = g_build_filename(tmpdir, "db", NULL);
	g_autofree gchar *leaf = g_build_filename(tmpdir, "leaf.der", NULL);
	g_autofree gchar *command = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autofree gchar *ours = formats_certtrust_sha256s(path);
	g_autofree gchar *theirs = NULL;
	g_autofree gchar *hex = NULL;
	g_autoptr(GString) colons = g_string_new(NULL);
	g_autofree gchar *der = NULL;
	gsize len = 0;

	command = g_strdup_printf("set -e; mkdir '%s'; certutil -N -d 'sql:%s' --empty-password;"
				  " certutil -A -d 'sql:%s' -n ber -t ,, -i '%s';"
				  " certutil -L -d 'sql:%s' -n ber -r >'%s'",
				  db, db, db, path, db, leaf);
	run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "certutil: %s", run->err);
	cr_assert(g_file_get_contents(leaf, &der, &len, NULL));
	hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)der, len);
	for (guint i = 0; hex[i] != '\0'; i += 2)
		g_string_append_printf(colons, "%s%c%c", i > 0 ? ":" : "", g_ascii_toupper(hex[i]),
				       g_ascii_toupper(hex[i + 1]));
	theirs = g_strdup_printf("%s\n", colons->str);
	cr_assert_not_null(strstr(ours, theirs), "certutil imported %s, certtrust read\n%s",
			   colons->str, ours);
}

Test(formats, ber_pkcs7_exports_the_der_openssl_writes)
{
	g_autofree gchar *path = ct_test_data_path("chain-ber.p7b");
	g_autofree gchar *out = g_build_filename(tmpdir, "out.p7b", NULL);
	const gchar *argv[] = {"certtrust",   "export", path, "--format",
			       "pkcs7-chain", "-o",	out,  NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(GBytes) openssl = ct_test_data_bytes("chain.p7b");
	g_autofree gchar *written = NULL;
	gsize len = 0;

	cr_assert_eq(run->exit_status, 0, "export: %s", run->err);
	cr_assert(g_file_get_contents(out, &written, &len, NULL));
	cr_assert_eq(len, g_bytes_get_size(openssl));
	cr_assert(memcmp(written, g_bytes_get_data(openssl, NULL), len) == 0,
		  "not the bytes of openssl crl2pkcs7");
}

Test(formats, keytool_exported_certificates_are_read)
{
	g_autofree gchar *keystore = g_build_filename(tmpdir, "tomcat.p12", NULL);
	g_autofree gchar *pem = g_build_filename(tmpdir, "tomcat.pem", NULL);
	g_autofree gchar *der = g_build_filename(tmpdir, "tomcat.der", NULL);
	const gchar *generate[] = {"keytool",	 "-genkeypair",
				   "-keystore",	 keystore,
				   "-storetype", "PKCS12",
				   "-storepass", "changeit",
				   "-alias",	 "tomcat",
				   "-keyalg",	 "RSA",
				   "-keysize",	 "2048",
				   "-validity",	 "36500",
				   "-dname",	 "CN=ucm.example.com, OU=VTG, O=Cisco",
				   "-ext",	 "SAN=dns:ucm.example.com",
				   NULL};
	g_autoptr(CtTestRun) made = NULL;

	if (!formats_have("keytool"))
		cr_skip_test("keytool is not installed (Debian: default-jre-headless)");
	made = ct_test_run(generate, NULL);
	cr_assert_eq(made->exit_status, 0, "keytool -genkeypair: %s", made->err);
	for (guint rfc = 0; rfc < 2; rfc++) {
		const gchar *file = rfc ? pem : der;
		const gchar *export[] =
		    {"keytool",		  "-exportcert", "-keystore", keystore, "-storepass",
		     "changeit",	  "-alias",	 "tomcat",    "-file",	file,
		     rfc ? "-rfc" : NULL, NULL};
		g_autoptr(CtTestRun) run = ct_test_run(export, NULL);
		g_autofree gchar *ours = NULL;
		g_autofree gchar *keytool = NULL;

		cr_assert_eq(run->exit_status, 0, "keytool -exportcert: %s", run->err);
		ours = formats_certtrust_sha256s(file);
		keytool = formats_keytool_sha256s(file);
		cr_assert_str_eq(ours, keytool, "%s", file);
		cr_assert_eq(strlen(ours), 96, "%s: %s", file, ours);
	}
}

/* a PKCS#7 written by Java's own encoder (CertPath.getEncoded("PKCS7")), as Java tools
 * write .p7b files; then the same rewritten in BER */
static const gchar formats_java_source[] =
    "import java.io.*;\n"
    "import java.nio.file.*;\n"
    "import java.security.cert.*;\n"
    "import java.util.*;\n"
    "public class WritePkcs7 {\n"
    "  public static void main(String[] args) throws Exception {\n"
    "    CertificateFactory factory = CertificateFactory.getInstance(\"X.509\");\n"
    "    List<Certificate> certificates = new ArrayList<>();\n"
    "    try (InputStream in = new FileInputStream(args[0])) {\n"
    "      certificates.addAll(factory.generateCertificates(in));\n"
    "    }\n"
    "    Files.write(Paths.get(args[1]),\n"
    "                factory.generateCertPath(certificates).getEncoded(\"PKCS7\"));\n"
    "  }\n"
    "}\n";

Test(formats, java_written_pkcs7_is_read_in_der_and_in_ber)
{
	g_autofree gchar *source = g_build_filename(tmpdir, "WritePkcs7.java", NULL);
	g_autofree gchar *p7b = g_build_filename(tmpdir, "java.p7b", NULL);
	g_autofree gchar *chain = ct_test_data_path("chain.pem");
	g_autofree gchar *ber = NULL;
	g_autofree gchar *ours = NULL;
	g_autofree gchar *ours_ber = NULL;
	g_autofree gchar *openssl = NULL;
	g_autofree gchar *keytool = NULL;
	const gchar *argv[] = {"java", source, chain, p7b, NULL};
	g_autoptr(CtTestRun) run = NULL;

	/* java runs a source file only with the JDK's compiler (openjdk-17-jdk-headless) */
	if (!formats_have("javac"))
		cr_skip_test("javac is not installed: Java's keytool is tested alone");
	cr_assert(g_file_set_contents(source, formats_java_source, -1, NULL));
	run = ct_test_run(argv, NULL);
	cr_assert_eq(run->exit_status, 0, "java: %s%s", run->out, run->err);
	ber = formats_der_to_ber(p7b, "java-ber.p7b");
	formats_assert_ber(ber);

	ours = formats_certtrust_sha256s(p7b);
	openssl = formats_openssl_pkcs7_sha256s(p7b);
	cr_assert_str_eq(ours, openssl);
	cr_assert_eq(strlen(ours), 3 * 96, "%s", ours);
	ours_ber = formats_certtrust_sha256s(ber);
	cr_assert_str_eq(ours_ber, openssl);
	keytool = formats_keytool_sha256s(ber);
	cr_assert_str_eq(keytool, openssl, "keytool reads the BER rewrite differently");
}
