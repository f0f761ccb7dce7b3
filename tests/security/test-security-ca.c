/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib/gstdio.h>

#include "ct-test.h"

/* V1: a certificate that NSS *or* OpenSSL would treat as a CA is never anchored
 * without --allow-ca. Each hostile root is made here by openssl with a raw DER extension
 * value (the forms an adversarial review got anchored with exit 0); the witness is OpenSSL
 * itself: `openssl verify` of an unrelated www.bank.example leaf signed by the hostile key,
 * against the anchors certtrust wrote */

static gchar *tmpdir = NULL;
static gchar *profile = NULL;
static gchar *sysroot = NULL;
static gchar *anchors = NULL;
static GSubprocess *tls_server = NULL;

static gchar *
ca_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static void
ca_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
	g_setenv("CT_FIREFOX", "/nonexistent/firefox-esr", TRUE);
	/* the OS store: a Fedora layout, where certtrust writes the anchor file only */
	sysroot = ca_path("sysroot");
	anchors = g_build_filename(sysroot, "etc/pki/ca-trust/source/anchors", NULL);
	cr_assert_eq(g_mkdir_with_parents(anchors, 0755), 0);
}

static void
ca_teardown(void)
{
	if (tls_server != NULL) {
		g_subprocess_force_exit(tls_server);
		g_subprocess_wait(tls_server, NULL, NULL);
		g_clear_object(&tls_server);
	}
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
	g_clear_pointer(&profile, g_free);
	g_clear_pointer(&sysroot, g_free);
	g_clear_pointer(&anchors, g_free);
	g_unsetenv("CT_FIREFOX");
}

TestSuite(ca, .init = ca_setup, .fini = ca_teardown, .timeout = 120);

typedef struct {
	gchar name[24];
	gchar extension[120]; /* openssl config lines: OID=DER:... */
} CaForm;

/* the CA power hides in an extension NSS's strict decoder drops as absent, or in one
 * NSS never judged; OpenSSL's X509_check_ca() says CA for each */
static CaForm ca_forms[] = {
    /* Netscape cert type, no basicConstraints: SSL CA, S/MIME CA, object-signing CA */
    {"nscert-ssl-ca", "2.16.840.1.113730.1.1=DER:03:02:02:04"},
    {"nscert-smime-ca", "2.16.840.1.113730.1.1=DER:03:02:01:02"},
    {"nscert-objsign-ca", "2.16.840.1.113730.1.1=DER:03:02:00:01"},
    /* basicConstraints CA:TRUE with pathLen 2^63-1 and 2^64 */
    {"bc-pathlen-2e63", "2.5.29.19=DER:30:0D:01:01:FF:02:08:7F:FF:FF:FF:FF:FF:FF:FF"},
    {"bc-pathlen-2e64", "2.5.29.19=DER:30:0E:01:01:FF:02:09:01:00:00:00:00:00:00:00:00"},
    /* trailing bytes after the value */
    {"bc-trailing", "2.5.29.19=DER:30:03:01:01:FF:05:00"},
    {"ku-trailing", "2.5.29.15=DER:03:02:01:06:05:00"},
    /* BER indefinite lengths */
    {"bc-indefinite", "2.5.29.19=DER:30:80:01:01:FF:00:00"},
    {"ku-indefinite", "2.5.29.15=DER:23:80:03:02:01:06:00:00"},
    /* a BOOLEAN whose length is in the long form */
    {"bc-long-boolean", "2.5.29.19=DER:30:04:01:81:01:FF"},
    /* basicConstraints twice: an empty one (CA:FALSE) first, CA:TRUE second */
    {"bc-twice", "2.5.29.19=DER:30:00\n2.5.29.19=DER:30:03:01:01:FF"},
};

/* dir/root.pem (self-signed, SAN www.hostile.example, the form's extension) and
 * dir/leaf.pem (www.bank.example, CA:FALSE) signed by the root's key, and dir/leaf.key */
static void
ca_make_hostile(const gchar *dir, const gchar *extension)
{
	g_autofree gchar *script = g_strdup_printf(
	    "set -e; cd '%s'; "
	    "openssl ecparam -name prime256v1 -genkey -noout -out root.key; "
	    "openssl ecparam -name prime256v1 -genkey -noout -out leaf.key; "
	    "printf '[req]\\ndistinguished_name=dn\\n[dn]\\n[ext]\\n"
	    "subjectAltName=DNS:www.hostile.example\\n%%s\\n' '%s' > root.cnf; "
	    "openssl req -x509 -new -key root.key -subj '/CN=www.hostile.example' -days 3650 "
	    "-config root.cnf -extensions ext -out root.pem; "
	    "openssl req -new -key leaf.key -subj '/CN=www.bank.example' -out leaf.csr "
	    "-config root.cnf; "
	    "printf 'subjectAltName=DNS:www.bank.example\\nbasicConstraints=CA:FALSE\\n' "
	    "> leaf.ext; "
	    "openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 7 "
	    "-days 365 -extfile leaf.ext -out leaf.pem",
	    dir, extension);
	g_autoptr(CtTestRun) run = NULL;

	cr_assert_eq(g_mkdir_with_parents(dir, 0700), 0);
	run = ct_test_run_shell(script);
	cr_assert_eq(run->exit_status, 0, "making the hostile root: %s", run->err);
}

/* every anchor certtrust wrote under the sysroot, concatenated as one bundle file */
static gchar *
ca_bundle(void)
{
	g_autofree gchar *bundle = ca_path("bundle.pem");
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GDir) dir = g_dir_open(anchors, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(anchors, name, NULL);
		g_autofree gchar *contents = NULL;
		cr_assert(g_file_get_contents(path, &contents, NULL, NULL));
		g_string_append(text, contents);
	}
	cr_assert(g_file_set_contents(bundle, text->str, (gssize)text->len, NULL));
	return g_steal_pointer(&bundle);
}

static guint
ca_anchor_count(void)
{
	g_autoptr(GDir) dir = g_dir_open(anchors, 0, NULL);
	guint count = 0;

	while (dir != NULL && g_dir_read_name(dir) != NULL)
		count++;
	return count;
}

/* does OpenSSL, with only the anchors certtrust wrote, accept the unrelated leaf? (for any
 * purpose: an S/MIME or object-signing CA vouches for e-mail and code, not for TLS) */
static gboolean
ca_openssl_vouches(const gchar *leaf)
{
	g_autofree gchar *bundle = ca_bundle();
	g_autofree gchar *cmd = g_strdup_printf("openssl verify -no-CApath -no-CAstore -CAfile "
						"'%s' '%s'",
						bundle, leaf);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	return run->exit_status == 0;
}

ParameterizedTestParameters(ca, os_store_refuses_a_hostile_root_without_allow_ca)
{
	return cr_make_param_array(CaForm, ca_forms, G_N_ELEMENTS(ca_forms));
}

ParameterizedTest(CaForm *form, ca, os_store_refuses_a_hostile_root_without_allow_ca)
{
	g_autofree gchar *dir = ca_path(form->name);
	g_autofree gchar *root = g_build_filename(dir, "root.pem", NULL);
	g_autofree gchar *leaf = g_build_filename(dir, "leaf.pem", NULL);
	g_autoptr(CtTestRun) refused = NULL;
	g_autoptr(CtTestRun) shown = NULL;
	g_autoptr(CtTestRun) allowed = NULL;
	g_autoptr(JsonNode) document = NULL;
	JsonObject *certificate;

	ca_make_hostile(dir, form->extension);
	refused = ct_test_run_certtrust("--sysroot", sysroot, "trust", root, "--store", "system",
					"--name", "www.hostile.example", NULL);
	cr_assert_eq(refused->exit_status, 6, "%s: %s%s", form->name, refused->out, refused->err);
	cr_assert_not_null(strstr(refused->out, "--allow-ca"), "%s", refused->out);
	cr_assert_eq(ca_anchor_count(), 0, "%s: a refusal writes no anchor", form->name);
	cr_assert_not(ca_openssl_vouches(leaf), "%s: OpenSSL trusts www.bank.example", form->name);

	/* show says what the store decided from */
	shown = ct_test_run_certtrust("show", root, "--json", NULL);
	cr_assert_eq(shown->exit_status, 0, "%s", shown->err);
	document = ct_test_parse_one_json_document(shown->out);
	certificate =
	    json_array_get_object_element(json_object_get_array_member(json_node_get_object(
									   document),
								       "certificates"),
					  0);
	cr_assert(json_object_get_boolean_member(certificate, "ca_capable"), "%s", shown->out);
	cr_assert_not_null(json_object_get_string_member(certificate, "ca_capable_reason"), "%s",
			   shown->out);

	/* asked for, it is a CA: OpenSSL then vouches for any name it signs */
	allowed = ct_test_run_certtrust("--sysroot", sysroot, "trust", root, "--store", "system",
					"--name", "www.hostile.example", "--allow-ca", NULL);
	cr_assert_eq(allowed->exit_status, 0, "%s: %s%s", form->name, allowed->out, allowed->err);
	cr_assert_eq(ca_anchor_count(), 1);
	cr_assert(ca_openssl_vouches(leaf), "%s: OpenSSL does not take it as a CA", form->name);
}

/* the controls: plain server certificates, their extensions in DER as openssl writes them
 * (also Netscape cert type with server and client bits only), are anchored as before, and
 * OpenSSL does not let them vouch for anything (so the witness above tells the two apart) */
static CaForm ca_benign_forms[] = {
    {"bc-false", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature"},
    {"bc-false-ku", "basicConstraints=critical,CA:FALSE\n"
		    "keyUsage=digitalSignature,keyEncipherment,keyAgreement"},
    {"nscert-server", "basicConstraints=CA:FALSE\nnsCertType=server,client"},
    {"no-constraints", "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth"},
};

ParameterizedTestParameters(ca, os_store_anchors_a_plain_server_certificate)
{
	return cr_make_param_array(CaForm, ca_benign_forms, G_N_ELEMENTS(ca_benign_forms));
}

ParameterizedTest(CaForm *form, ca, os_store_anchors_a_plain_server_certificate)
{
	g_autofree gchar *dir = ca_path(form->name);
	g_autofree gchar *root = g_build_filename(dir, "root.pem", NULL);
	g_autofree gchar *leaf = g_build_filename(dir, "leaf.pem", NULL);
	g_autoptr(CtTestRun) run = NULL;

	ca_make_hostile(dir, form->extension);
	run = ct_test_run_certtrust("--sysroot", sysroot, "trust", root, "--store", "system",
				    "--name", "www.hostile.example", NULL);
	cr_assert_eq(run->exit_status, 0, "%s: %s%s", form->name, run->out, run->err);
	cr_assert_eq(ca_anchor_count(), 1);
	cr_assert_not(ca_openssl_vouches(leaf), "%s: a server certificate vouched for another name",
		      form->name);
}

/* Firefox --mode anchor: legacy NSS takes a Netscape cert type CA as a CA */
Test(ca, firefox_anchor_mode_refuses_a_netscape_cert_type_ca)
{
	g_autofree gchar *dir = ca_path("nscert");
	g_autofree gchar *root = g_build_filename(dir, "root.pem", NULL);
	g_autofree gchar *store = g_strconcat("firefox:", profile, NULL);
	g_autofree gchar *db = g_build_filename(profile, "cert9.db", NULL);
	g_autoptr(CtTestRun) run = NULL;

	ca_make_hostile(dir, ca_forms[0].extension);
	run = ct_test_run_certtrust("trust", root, "--store", store, "--mode", "anchor", "--name",
				    "www.hostile.example", NULL);
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not(g_file_test(db, G_FILE_TEST_EXISTS), "nothing was written to %s", db);
}

/* openssl s_server sending [leaf, hostile root] on loopback; returns its port */
static guint
ca_start_server(const gchar *dir)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE |
	    G_SUBPROCESS_FLAGS_STDIN_PIPE);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *cert = g_build_filename(dir, "leaf.pem", NULL);
	g_autofree gchar *key = g_build_filename(dir, "leaf.key", NULL);
	g_autofree gchar *chain = g_build_filename(dir, "root.pem", NULL);
	guint port = ct_test_free_port();
	g_autofree gchar *accept = g_strdup_printf("127.0.0.1:%u", port);
	const gchar *argv[] = {"openssl", "s_server", "-quiet", "-accept", accept,
			       "-cert",	  cert,	      "-key",	key,	   "-cert_chain",
			       chain,	  "-www",     NULL};

	tls_server = g_subprocess_launcher_spawnv(launcher, argv, &error);
	cr_assert_not_null(tls_server, "openssl s_server: %s", error != NULL ? error->message : "");
	ct_test_wait_listening(port);
	return port;
}

/* a hostile root of the given form behind www.bank.example on loopback: its URL, the
 * --resolve rule, and the unrelated leaf's path */
typedef struct {
	gchar *url;
	gchar *rule;
	gchar *leaf;
} CaServed;

static void
ca_served_clear(CaServed *served)
{
	g_clear_pointer(&served->url, g_free);
	g_clear_pointer(&served->rule, g_free);
	g_clear_pointer(&served->leaf, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CaServed, ca_served_clear)

static void
ca_serve_hostile(CaServed *served, const gchar *extension)
{
	g_autofree gchar *dir = ca_path("served");
	guint port;

	ca_make_hostile(dir, extension);
	served->leaf = g_build_filename(dir, "leaf.pem", NULL);
	port = ca_start_server(dir);
	served->url = g_strdup_printf("https://www.bank.example:%u/", port);
	served->rule = g_strdup_printf("www.bank.example:%u:127.0.0.1", port);
}

Test(ca, os_store_refuses_the_hostile_root_a_server_sends)
{
	g_auto(CaServed) served = {0};
	g_autoptr(CtTestRun) run = NULL;

	ca_serve_hostile(&served, ca_forms[0].extension);
	run = ct_test_run_certtrust("--sysroot", sysroot, "trust", served.url, "--resolve",
				    served.rule, "--store", "system", NULL);
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_eq(ca_anchor_count(), 0, "a refusal writes no anchor");
	cr_assert_not(ca_openssl_vouches(served.leaf), "OpenSSL trusts www.bank.example");
}

typedef struct {
	gchar name[8];
} CaBrowser;

ParameterizedTestParameters(ca, flow_permanent_refuses_the_hostile_root_a_server_sends)
{
	static CaBrowser browsers[] = {{"ie8"}, {"safari4"}};
	return cr_make_param_array(CaBrowser, browsers, G_N_ELEMENTS(browsers));
}

ParameterizedTest(CaBrowser *browser, ca, flow_permanent_refuses_the_hostile_root_a_server_sends)
{
	g_auto(CaServed) served = {0};
	g_autoptr(CtTestRun) run = NULL;

	ca_serve_hostile(&served, ca_forms[3].extension);
	run = ct_test_run_certtrust("--sysroot", sysroot, "flow", browser->name, served.url,
				    "--resolve", served.rule, "--choice", "permanent", NULL);
	cr_assert_eq(run->exit_status, 6, "%s: %s%s", browser->name, run->out, run->err);
	cr_assert_eq(ca_anchor_count(), 0, "%s: no anchor", browser->name);
	cr_assert_not(ca_openssl_vouches(served.leaf), "%s: OpenSSL trusts www.bank.example",
		      browser->name);
}
