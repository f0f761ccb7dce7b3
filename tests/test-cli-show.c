/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "ct-test.h"

/* `certtrust show`: the views a user reads and the --json document, checked against
 * openssl on the generated test PKI */

static gchar *tmpdir = NULL;

static void
show_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
}

static void
show_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(show, .init = show_setup, .fini = show_teardown, .timeout = 30);

/* certtrust show ARGS... FILE: the run of the built program */
static CtTestRun *
show_run(const gchar *name, const gchar *option, const gchar *value)
{
	g_autofree gchar *path = ct_test_data_path(name);
	const gchar *argv[] = {"certtrust", "show", path, option, value, NULL};
	return ct_test_run(argv, NULL);
}

/* certtrust show --view VIEW FILE, which must succeed */
static CtTestRun *
show_view(const gchar *name, const gchar *view)
{
	CtTestRun *run = show_run(name, view != NULL ? "--view" : NULL, view);
	cr_assert_eq(run->exit_status, 0, "show %s --view %s: stderr: %s", name, view, run->err);
	cr_assert_str_empty(run->err, "show %s: stderr: %s", name, run->err);
	return run;
}

/* certtrust show --json FILE: the document, which must describe a success */
static JsonNode *
show_json(const gchar *name)
{
	g_autoptr(CtTestRun) run = show_run(name, "--json", NULL);
	cr_assert_eq(run->exit_status, 0, "show --json %s: stderr: %s", name, run->err);
	return ct_test_parse_one_json_document(run->out);
}

static JsonArray *
show_json_certificates(JsonNode *root)
{
	JsonObject *object = json_node_get_object(root);
	JsonArray *certificates;

	cr_assert(json_object_has_member(object, "certificates"), "no \"certificates\"");
	certificates = json_object_get_array_member(object, "certificates");
	cr_assert_not_null(certificates, "\"certificates\" is not an array");
	cr_assert_gt(json_array_get_length(certificates), 0, "no certificate");
	return certificates;
}

/* the first certificate of certtrust show --json FILE (borrowed from root) */
static JsonObject *
show_json_leaf(JsonNode *root)
{
	JsonArray *certificates = show_json_certificates(root);
	JsonObject *leaf = json_array_get_object_element(certificates, 0);
	cr_assert_not_null(leaf, "certificates[0] is not an object");
	return leaf;
}

static const gchar *
show_json_string(JsonObject *object, const gchar *member)
{
	JsonNode *node = json_object_get_member(object, member);
	cr_assert_not_null(node, "no \"%s\"", member);
	cr_assert_eq(json_node_get_value_type(node), G_TYPE_STRING, "\"%s\" is not a string",
		     member);
	return json_node_get_string(node);
}

static gboolean
show_json_bool(JsonObject *object, const gchar *member)
{
	JsonNode *node = json_object_get_member(object, member);
	cr_assert_not_null(node, "no \"%s\"", member);
	cr_assert_eq(json_node_get_value_type(node), G_TYPE_BOOLEAN, "\"%s\" is not a boolean",
		     member);
	return json_node_get_boolean(node);
}

/* the value openssl x509 -noout OPTION prints after "=", for a generated file */
static gchar *
show_openssl(const gchar *name, const gchar *option)
{
	g_autofree gchar *path = ct_test_data_path(name);
	g_autofree gchar *quoted = g_shell_quote(path);
	g_autofree gchar *command = g_strdup_printf("openssl x509 -in %s -noout %s", quoted,
						    option);
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	const gchar *eq;

	cr_assert_eq(run->exit_status, 0, "%s: %s", command, run->err);
	eq = strchr(run->out, '=');
	cr_assert_not_null(eq, "%s: %s", command, run->out);
	return g_strstrip(g_strdup(eq + 1));
}

/* the uppercase colon-separated fingerprint openssl prints */
static gchar *
show_openssl_fingerprint(const gchar *name, const gchar *digest)
{
	g_autofree gchar *option = g_strdup_printf("-fingerprint -%s", digest);
	gchar *fingerprint = show_openssl(name, option);
	cr_assert(strlen(fingerprint) > 40 && fingerprint[2] == ':', "odd: %s", fingerprint);
	return fingerprint;
}

/* hex without colons or leading zeros, uppercase: how serials compare */
static gchar *
show_normalize_serial(const gchar *serial)
{
	GString *out = g_string_new(NULL);

	for (const gchar *p = serial; *p != '\0'; p++) {
		if (*p == ':')
			continue;
		cr_assert(g_ascii_isxdigit(*p), "serial \"%s\" is not hex", serial);
		if (out->len == 0 && *p == '0')
			continue;
		g_string_append_c(out, g_ascii_toupper(*p));
	}
	return g_string_free(out, FALSE);
}

/* the line of text holding needle (transfer full), or NULL */
static gchar *
show_line_with(const gchar *text, const gchar *needle)
{
	const gchar *hit = strstr(text, needle);
	const gchar *start;
	const gchar *end;

	if (hit == NULL)
		return NULL;
	start = hit;
	while (start > text && start[-1] != '\n')
		start--;
	end = strchr(hit, '\n');
	return end != NULL ? g_strndup(start, end - start) : g_strdup(start);
}

static gboolean
show_line_says_critical(const gchar *line)
{
	g_autofree gchar *lower = g_ascii_strdown(line, -1);
	return strstr(lower, "critical") != NULL && strstr(lower, "not critical") == NULL &&
	       strstr(lower, "non-critical") == NULL && strstr(lower, "critical: no") == NULL;
}

/* the length of the longest run of c in text */
static gsize
show_longest_run(const gchar *text, gchar c, const gchar **where)
{
	gsize best = 0;
	gsize current = 0;

	for (const gchar *p = text; *p != '\0'; p++) {
		current = *p == c ? current + 1 : 0;
		if (current > best) {
			best = current;
			if (where != NULL)
				*where = p + 1;
		}
	}
	return best;
}

/* human views */

Test(show, v1_view_shows_every_field_label)
{
	const gchar *labels[] = {"Version", "Serial Number", "Signature Algorithm",
				 "Issuer",  "Valid From",    "Valid To",
				 "Subject", "Public Key",    NULL};
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "v1");

	for (guint i = 0; labels[i] != NULL; i++)
		cr_expect_not_null(strstr(run->out, labels[i]), "no \"%s\" in:\n%s", labels[i],
				   run->out);
}

Test(show, v1_view_shows_subject_and_issuer_names)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "v1");
	g_autofree gchar *subject = show_line_with(run->out, "Subject");
	g_autofree gchar *issuer = show_line_with(run->out, "Issuer");

	cr_assert_not_null(subject);
	cr_assert_not_null(issuer);
	cr_assert_not_null(strstr(subject, "ucm.example.com"), "%s", subject);
	cr_assert_not_null(strstr(issuer, "certtrust Test Intermediate CA"), "%s", issuer);
}

Test(show, v1_view_shows_rsa_key_size)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "v1");
	g_autofree gchar *line = show_line_with(run->out, "Public Key");

	cr_assert_not_null(line, "no Public Key line:\n%s", run->out);
	cr_assert_not_null(strstr(line, "RSA"), "%s", line);
	cr_assert_not_null(strstr(line, "2048"), "%s", line);
}

Test(show, v1_view_shows_ec_key_size)
{
	g_autoptr(CtTestRun) run = show_view("ec.pem", "v1");
	g_autofree gchar *line = show_line_with(run->out, "Public Key");

	cr_assert_not_null(line, "no Public Key line:\n%s", run->out);
	cr_assert_not_null(strstr(line, "EC"), "%s", line);
	cr_assert_not_null(strstr(line, "256"), "%s", line);
	cr_assert_null(strstr(line, "RSA"), "%s", line);
}

Test(show, v1_view_leaves_out_extensions)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "v1");

	cr_assert_null(strstr(run->out, "Subject Alternative Name"), "%s", run->out);
	cr_assert_null(strstr(run->out, "Basic Constraints"), "%s", run->out);
}

Test(show, extensions_view_lists_san_names_and_addresses)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "extensions");

	cr_assert_not_null(strstr(run->out, "Subject Alternative Name"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "DNS:ucm.example.com"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "IP:127.0.0.1"), "%s", run->out);
}

Test(show, extensions_view_marks_critical_ones)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "extensions");
	g_autofree gchar *bc = show_line_with(run->out, "Basic Constraints");
	g_autofree gchar *ku = NULL;
	g_autofree gchar *san = show_line_with(run->out, "Subject Alternative Name");
	const gchar *p = run->out;

	cr_assert_not_null(bc, "%s", run->out);
	cr_assert_not_null(san, "%s", run->out);
	/* "Key Usage" on its own, not inside "Extended Key Usage" */
	while ((p = strstr(p, "Key Usage")) != NULL && p >= run->out + 9 &&
	       strncmp(p - 9, "Extended ", 9) == 0)
		p += 9;
	cr_assert_not_null(p, "no Key Usage:\n%s", run->out);
	ku = show_line_with(p, "Key Usage");
	cr_assert(show_line_says_critical(bc), "Basic Constraints not marked critical: %s", bc);
	cr_assert(show_line_says_critical(ku), "Key Usage not marked critical: %s", ku);
	cr_assert_not(show_line_says_critical(san), "SAN marked critical: %s", san);
}

Test(show, extensions_view_shows_readable_values)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "extensions");

	cr_assert_not_null(strstr(run->out, "CA:FALSE"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "Extended Key Usage"), "%s", run->out);
	cr_assert(strstr(run->out, "serverAuth") != NULL ||
		      strstr(run->out, "Server Authentication") != NULL,
		  "no server authentication purpose:\n%s", run->out);
	cr_assert(strstr(run->out, "Digital Signature") != NULL ||
		      strstr(run->out, "digitalSignature") != NULL,
		  "no digital signature key usage:\n%s", run->out);
}

Test(show, critical_view_shows_only_critical_extensions)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "critical");

	cr_assert_not_null(strstr(run->out, "Basic Constraints"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "Key Usage"), "%s", run->out);
	cr_assert_null(strstr(run->out, "Extended Key Usage"), "%s", run->out);
	cr_assert_null(strstr(run->out, "Subject Alternative Name"), "%s", run->out);
	cr_assert_null(strstr(run->out, "Subject Key Identifier"), "%s", run->out);
}

Test(show, critical_view_of_tomcat_lists_no_extension)
{
	/* keytool's certificate has no critical extension at all */
	g_autoptr(CtTestRun) run = show_view("tomcat.pem", "critical");

	cr_assert_null(strstr(run->out, "Subject Alternative Name"), "%s", run->out);
	cr_assert_null(strstr(run->out, "Subject Key Identifier"), "%s", run->out);
}

Test(show, properties_view_sha256_matches_openssl)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "properties");
	g_autofree gchar *expected = show_openssl_fingerprint("leaf.pem", "sha256");

	cr_assert_not_null(strstr(run->out, "SHA-256"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, expected), "no %s in:\n%s", expected, run->out);
}

Test(show, properties_view_sha1_matches_openssl)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", "properties");
	g_autofree gchar *expected = show_openssl_fingerprint("leaf.pem", "sha1");

	cr_assert_not_null(strstr(run->out, "SHA-1"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, expected), "no %s in:\n%s", expected, run->out);
}

Test(show, properties_view_names_roles_in_chain_order)
{
	g_autoptr(CtTestRun) run = show_view("chain-shuffled.pem", "properties");
	const gchar *leaf = strstr(run->out, "leaf");
	const gchar *inter = strstr(run->out, "intermediate");
	const gchar *root = strstr(run->out, "root");

	cr_assert_not_null(leaf, "%s", run->out);
	cr_assert_not_null(inter, "%s", run->out);
	cr_assert_not_null(root, "%s", run->out);
	cr_assert(leaf < inter && inter < root, "roles out of order:\n%s", run->out);
}

Test(show, properties_view_shows_every_certificate_of_a_chain)
{
	g_autoptr(CtTestRun) run = show_view("chain.pem", "properties");
	const gchar *names[] = {"leaf.pem", "inter.pem", "ca.pem", NULL};
	const gchar *previous = run->out;

	for (guint i = 0; names[i] != NULL; i++) {
		g_autofree gchar *fingerprint = show_openssl_fingerprint(names[i], "sha256");
		const gchar *hit = strstr(run->out, fingerprint);
		cr_assert_not_null(hit, "%s (%s) missing:\n%s", names[i], fingerprint, run->out);
		cr_assert(hit >= previous, "%s out of order", names[i]);
		previous = hit;
	}
}

Test(show, default_view_shows_everything)
{
	g_autoptr(CtTestRun) run = show_view("leaf.pem", NULL);
	g_autofree gchar *sha256 = show_openssl_fingerprint("leaf.pem", "sha256");

	cr_assert_not_null(strstr(run->out, "Serial Number"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, "Subject Alternative Name"), "%s", run->out);
	cr_assert_not_null(strstr(run->out, sha256), "%s", run->out);
}

Test(show, unknown_view_is_a_usage_error)
{
	g_autoptr(CtTestRun) run = show_run("leaf.pem", "--view", "raw");

	cr_assert_eq(run->exit_status, 2);
	cr_assert_str_empty(run->out);
}

/* --json */

Test(show, json_has_source_certificates_and_no_problems)
{
	g_autofree gchar *path = ct_test_data_path("leaf.pem");
	g_autoptr(JsonNode) root = show_json("leaf.pem");
	JsonObject *object = json_node_get_object(root);
	JsonArray *problems;

	cr_assert_str_eq(show_json_string(object, "source"), path);
	cr_assert_eq(json_array_get_length(show_json_certificates(root)), 1);
	problems = json_object_get_array_member(object, "problems");
	cr_assert_not_null(problems, "no \"problems\" array");
	cr_assert_eq(json_array_get_length(problems), 0);
}

Test(show, json_leaf_names_version_and_role)
{
	g_autoptr(JsonNode) root = show_json("leaf.pem");
	JsonObject *leaf = show_json_leaf(root);

	cr_assert_not_null(strstr(show_json_string(leaf, "subject"), "ucm.example.com"));
	cr_assert_not_null(
	    strstr(show_json_string(leaf, "issuer"), "certtrust Test Intermediate CA"));
	cr_assert_eq(json_object_get_int_member_with_default(leaf, "version", -1), 3);
	cr_assert_str_eq(show_json_string(leaf, "role"), "leaf");
}

Test(show, json_lists_san_names_and_addresses)
{
	g_autoptr(JsonNode) root = show_json("leaf.pem");
	JsonObject *leaf = show_json_leaf(root);
	JsonArray *dns = json_object_get_array_member(leaf, "san_dns");
	JsonArray *ip = json_object_get_array_member(leaf, "san_ip");

	cr_assert_not_null(dns);
	cr_assert_not_null(ip);
	cr_assert_eq(json_array_get_length(dns), 2);
	cr_assert_str_eq(json_array_get_string_element(dns, 0), "ucm.example.com");
	cr_assert_str_eq(json_array_get_string_element(dns, 1), "ucm");
	cr_assert_eq(json_array_get_length(ip), 2);
	cr_assert_str_eq(json_array_get_string_element(ip, 0), "127.0.0.1");
	cr_assert_str_eq(json_array_get_string_element(ip, 1), "::1");
}

Test(show, json_cn_only_has_empty_san_lists)
{
	g_autoptr(JsonNode) root = show_json("cn-only.pem");
	JsonObject *leaf = show_json_leaf(root);
	JsonArray *dns = json_object_get_array_member(leaf, "san_dns");
	JsonArray *ip = json_object_get_array_member(leaf, "san_ip");

	cr_assert_not_null(dns, "san_dns must be an empty array, not missing");
	cr_assert_not_null(ip, "san_ip must be an empty array, not missing");
	cr_assert_eq(json_array_get_length(dns), 0);
	cr_assert_eq(json_array_get_length(ip), 0);
}

Test(show, json_fingerprints_match_openssl)
{
	g_autoptr(JsonNode) root = show_json("leaf.pem");
	JsonObject *leaf = show_json_leaf(root);
	g_autofree gchar *sha1 = show_openssl_fingerprint("leaf.pem", "sha1");
	g_autofree gchar *sha256 = show_openssl_fingerprint("leaf.pem", "sha256");

	cr_assert_str_eq(show_json_string(leaf, "sha1"), sha1);
	cr_assert_str_eq(show_json_string(leaf, "sha256"), sha256);
}

Test(show, json_serial_matches_openssl)
{
	g_autoptr(JsonNode) root = show_json("leaf.pem");
	g_autofree gchar *openssl = show_openssl("leaf.pem", "-serial");
	g_autofree gchar *expected = show_normalize_serial(openssl);
	g_autofree gchar *got = show_normalize_serial(
	    show_json_string(show_json_leaf(root), "serial"));

	cr_assert_str_eq(got, expected);
}

Test(show, json_validity_is_iso8601_utc_like_openssl)
{
	g_autoptr(JsonNode) root = show_json("leaf.pem");
	JsonObject *leaf = show_json_leaf(root);
	g_autofree gchar *start = show_openssl("leaf.pem", "-startdate -dateopt iso_8601");
	g_autofree gchar *end = show_openssl("leaf.pem", "-enddate -dateopt iso_8601");

	/* openssl: "2026-11-25 20:45:06Z"; the contract: "2026-11-25T20:45:06Z" */
	cr_assert_eq(strlen(start), 20, "%s", start);
	start[10] = 'T';
	end[10] = 'T';
	cr_assert_str_eq(show_json_string(leaf, "not_before"), start);
	cr_assert_str_eq(show_json_string(leaf, "not_after"), end);
}

Test(show, json_public_key_and_signature_algorithm)
{
	g_autoptr(JsonNode) root = show_json("leaf.pem");
	JsonObject *leaf = show_json_leaf(root);
	JsonObject *key = json_object_get_object_member(leaf, "public_key");
	g_autofree gchar *algorithm = NULL;
	g_autofree gchar *signature = NULL;

	cr_assert_not_null(key, "no public_key object");
	algorithm = g_ascii_strdown(show_json_string(key, "algorithm"), -1);
	cr_assert_not_null(strstr(algorithm, "rsa"), "%s", algorithm);
	cr_assert_eq(json_object_get_int_member_with_default(key, "bits", -1), 2048);
	signature = g_ascii_strdown(show_json_string(leaf, "signature_algorithm"), -1);
	cr_assert(strstr(signature, "sha256") != NULL || strstr(signature, "sha-256") != NULL, "%s",
		  signature);
}

Test(show, json_ec_public_key)
{
	g_autoptr(JsonNode) root = show_json("ec.pem");
	JsonObject *key = json_object_get_object_member(show_json_leaf(root), "public_key");
	g_autofree gchar *algorithm = NULL;

	cr_assert_not_null(key, "no public_key object");
	algorithm = g_ascii_strdown(show_json_string(key, "algorithm"), -1);
	cr_assert(g_str_has_prefix(algorithm, "ec"), "%s", algorithm);
	cr_assert_eq(json_object_get_int_member_with_default(key, "bits", -1), 256);
}

Test(show, json_extensions_carry_oid_name_critical_value)
{
	struct {
		const gchar *oid;
		gboolean critical;
	} expected[] = {
	    {"2.5.29.19", TRUE},  /* basic constraints */
	    {"2.5.29.15", TRUE},  /* key usage */
	    {"2.5.29.37", FALSE}, /* extended key usage */
	    {"2.5.29.17", FALSE}, /* subject alternative name */
	    {"2.5.29.14", FALSE}, /* subject key identifier */
	    {"2.5.29.35", FALSE}, /* authority key identifier */
	};
	g_autoptr(JsonNode) root = show_json("leaf.pem");
	JsonArray *extensions = json_object_get_array_member(show_json_leaf(root), "extensions");

	cr_assert_not_null(extensions);
	cr_assert_eq(json_array_get_length(extensions), G_N_ELEMENTS(expected));
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		JsonObject *found = NULL;
		for (guint j = 0; j < json_array_get_length(extensions); j++) {
			JsonObject *extension = json_array_get_object_element(extensions, j);
			if (g_strcmp0(show_json_string(extension, "oid"), expected[i].oid) == 0)
				found = extension;
		}
		cr_assert_not_null(found, "extension %s missing", expected[i].oid);
		cr_assert_str_not_empty(show_json_string(found, "name"));
		cr_assert_str_not_empty(show_json_string(found, "value"));
		cr_assert_eq(show_json_bool(found, "critical"), expected[i].critical, "%s critical",
			     expected[i].oid);
	}
}

Test(show, json_v1_has_version_1_and_no_extensions)
{
	g_autoptr(JsonNode) root = show_json("v1.pem");
	JsonObject *leaf = show_json_leaf(root);
	JsonArray *extensions = json_object_get_array_member(leaf, "extensions");

	cr_assert_eq(json_object_get_int_member_with_default(leaf, "version", -1), 1);
	cr_assert_not_null(extensions);
	cr_assert_eq(json_array_get_length(extensions), 0);
}

typedef struct {
	gchar name[24];
	gboolean self_signed;
	gboolean ca_capable;
} ShowKind;

ParameterizedTestParameters(show, json_self_signed_and_ca_capable)
{
	static ShowKind params[] = {
	    {"leaf.pem", FALSE, FALSE},	  {"tomcat.pem", TRUE, FALSE}, {"ca-leaf.pem", TRUE, TRUE},
	    {"v1.pem", TRUE, TRUE},	  {"ca.pem", TRUE, TRUE},      {"inter.pem", FALSE, TRUE},
	    {"cn-only.pem", TRUE, FALSE}, {"ec.pem", TRUE, FALSE},
	};
	return cr_make_param_array(ShowKind, params, G_N_ELEMENTS(params));
}

ParameterizedTest(ShowKind *param, show, json_self_signed_and_ca_capable)
{
	g_autoptr(JsonNode) root = show_json(param->name);
	JsonObject *leaf = show_json_leaf(root);

	cr_assert_eq(show_json_bool(leaf, "self_signed"), param->self_signed, "%s", param->name);
	cr_assert_eq(show_json_bool(leaf, "ca_capable"), param->ca_capable, "%s", param->name);
}

Test(show, json_shuffled_chain_comes_out_leaf_first)
{
	const gchar *names[] = {"leaf.pem", "inter.pem", "ca.pem"};
	const gchar *roles[] = {"leaf", "intermediate", "root"};
	g_autoptr(JsonNode) root = show_json("chain-shuffled.pem");
	JsonArray *certificates = show_json_certificates(root);

	cr_assert_eq(json_array_get_length(certificates), 3);
	for (guint i = 0; i < 3; i++) {
		JsonObject *certificate = json_array_get_object_element(certificates, i);
		g_autofree gchar *sha256 = show_openssl_fingerprint(names[i], "sha256");
		cr_assert_str_eq(show_json_string(certificate, "sha256"), sha256, "[%u]", i);
		cr_assert_str_eq(show_json_string(certificate, "role"), roles[i], "[%u]", i);
	}
}

Test(show, json_root_is_self_signed_in_chain)
{
	g_autoptr(JsonNode) root = show_json("chain.pem");
	JsonArray *certificates = show_json_certificates(root);
	JsonObject *ca;

	cr_assert_eq(json_array_get_length(certificates), 3);
	ca = json_array_get_object_element(certificates, 2);
	cr_assert(show_json_bool(ca, "self_signed"));
	cr_assert(show_json_bool(ca, "ca_capable"));
	cr_assert_not(show_json_bool(json_array_get_object_element(certificates, 0), "ca_capable"));
}

Test(show, json_several_sources_give_results)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.der");
	const gchar *argv[] = {"certtrust", "show", "--json", leaf, tomcat, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *leaf_sha256 = show_openssl_fingerprint("leaf.pem", "sha256");
	g_autofree gchar *tomcat_sha256 = show_openssl_fingerprint("tomcat.pem", "sha256");
	JsonArray *results;
	JsonObject *first;
	JsonObject *second;

	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	results = json_object_get_array_member(json_node_get_object(root), "results");
	cr_assert_not_null(results, "no \"results\" array");
	cr_assert_eq(json_array_get_length(results), 2);
	first = json_array_get_object_element(results, 0);
	second = json_array_get_object_element(results, 1);
	cr_assert_str_eq(show_json_string(first, "source"), leaf);
	cr_assert_str_eq(show_json_string(second, "source"), tomcat);
	cr_assert_str_eq(show_json_string(json_array_get_object_element(
					      json_object_get_array_member(first, "certificates"),
					      0),
					  "sha256"),
			 leaf_sha256);
	cr_assert_str_eq(show_json_string(json_array_get_object_element(
					      json_object_get_array_member(second, "certificates"),
					      0),
					  "sha256"),
			 tomcat_sha256);
}

Test(show, several_sources_show_each_in_human_output)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	const gchar *argv[] = {"certtrust", "show", "--view", "properties", leaf, tomcat, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autofree gchar *leaf_sha256 = show_openssl_fingerprint("leaf.pem", "sha256");
	g_autofree gchar *tomcat_sha256 = show_openssl_fingerprint("tomcat.pem", "sha256");

	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	cr_assert_not_null(strstr(run->out, leaf_sha256), "%s", run->out);
	cr_assert_not_null(strstr(run->out, tomcat_sha256), "%s", run->out);
}

/* input detection: every encoding of the leaf gives the same certificate */

typedef struct {
	gchar name[24];
} ShowInput;

ParameterizedTestParameters(show, every_input_format_gives_the_leaf)
{
	static ShowInput params[] = {
	    {"leaf.der"},	  {"leaf.pem"},	      {"leaf-crlf.pem"},      {"leaf-cr.pem"},
	    {"leaf-windows.cer"}, {"chain.pem"},      {"chain-shuffled.pem"}, {"chain.p7b"},
	    {"chain-p7.pem"},	  {"leaf-inter.pem"},
	};
	return cr_make_param_array(ShowInput, params, G_N_ELEMENTS(params));
}

ParameterizedTest(ShowInput *param, show, every_input_format_gives_the_leaf)
{
	g_autoptr(JsonNode) root = show_json(param->name);
	g_autofree gchar *expected = show_openssl_fingerprint("leaf.pem", "sha256");

	cr_assert_str_eq(show_json_string(show_json_leaf(root), "sha256"), expected, "%s",
			 param->name);
}

Test(show, der_file_named_pem_is_read)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "x.pem", NULL);
	g_autoptr(GBytes) der = ct_test_data_bytes("leaf.der");
	g_autofree gchar *expected = show_openssl_fingerprint("leaf.pem", "sha256");
	const gchar *argv[] = {"certtrust", "show", "--json", path, NULL};
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;

	cr_assert(g_file_set_contents(path, g_bytes_get_data(der, NULL),
				      (gssize)g_bytes_get_size(der), NULL));
	run = ct_test_run(argv, NULL);
	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	cr_assert_str_eq(show_json_string(show_json_leaf(root), "sha256"), expected);
}

Test(show, stdin_pem)
{
	g_autoptr(GBytes) pem = ct_test_data_bytes("leaf.pem");
	g_autofree gchar *expected = show_openssl_fingerprint("leaf.pem", "sha256");
	const gchar *argv[] = {"certtrust", "show", "--view", "properties", "-", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, pem);

	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	cr_assert_not_null(strstr(run->out, expected), "%s", run->out);
}

Test(show, stdin_der_json)
{
	g_autoptr(GBytes) der = ct_test_data_bytes("leaf.der");
	g_autofree gchar *expected = show_openssl_fingerprint("leaf.pem", "sha256");
	const gchar *argv[] = {"certtrust", "show", "--json", "-", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, der);
	g_autoptr(JsonNode) root = NULL;

	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	cr_assert_str_eq(show_json_string(show_json_leaf(root), "sha256"), expected);
}

/* hostile subjects */

Test(show, hostile_subject_has_no_control_bytes)
{
	g_autoptr(CtTestRun) run = show_view("hostile.pem", NULL);

	cr_assert_null(strchr(run->out, '\x1b'), "ESC reached the terminal");
	cr_assert_null(strchr(run->out, '\r'), "CR reached the terminal");
	cr_assert(g_utf8_validate(run->out, -1, NULL), "stdout is not UTF-8");
}

Test(show, hostile_subject_shows_escapes_as_text)
{
	g_autoptr(CtTestRun) run = show_view("hostile.pem", "v1");

	cr_assert_not_null(strstr(run->out, "\\e[31m"), "no visible \\e[31m in:\n%.2000s",
			   run->out);
}

Test(show, hostile_long_value_is_cut_with_a_note)
{
	g_autoptr(CtTestRun) run = show_view("hostile.pem", "v1");
	const gchar *after = NULL;
	gsize longest = show_longest_run(run->out, 'A', &after);
	g_autofree gchar *rest = NULL;
	gboolean digit = FALSE;

	cr_assert_lt(longest, 10000, "the 10 000 character value was printed in full");
	cr_assert_geq(longest, 16, "nothing of the long value was shown");
	/* the note says how much was left out */
	rest = show_line_with(after, "");
	for (const gchar *p = rest; *p != '\0'; p++)
		digit |= g_ascii_isdigit(*p);
	cr_assert(digit, "no note after the cut value: \"%s\"", rest);
}

Test(show, hostile_json_keeps_the_full_value)
{
	g_autoptr(CtTestRun) run = show_run("hostile.pem", "--json", NULL);
	g_autoptr(JsonNode) root = NULL;
	const gchar *subject;

	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	cr_assert_null(strchr(run->out, '\x1b'), "raw ESC in the JSON text");
	cr_assert_null(strchr(run->out, '\r'), "raw CR in the JSON text");
	root = ct_test_parse_one_json_document(run->out);
	subject = show_json_string(show_json_leaf(root), "subject");
	cr_assert_geq(show_longest_run(subject, 'A', NULL), 10000, "the long value was cut");
	cr_assert_not_null(strstr(subject, "evil\x1b[31mred"), "ESC lost: %.200s", subject);
}

/* bad input */

typedef struct {
	gchar name[32];
	gchar says[32]; /* what stderr must also say, lower case */
} ShowBad;

ParameterizedTestParameters(show, bad_input_fails_with_one_line_naming_the_file)
{
	static ShowBad params[] = {
	    {"empty.der", ""},
	    {"truncated.der", ""},
	    {"broken-base64.pem", ""},
	    {"empty.p7b", "no certificates"},
	    {"mismatched-end.pem", ""},
	    {"chain-ber-certificates.p7b", "indefinite length at byte 0"},
	    {"enveloped.p7m", "envelopeddata"},
	};
	return cr_make_param_array(ShowBad, params, G_N_ELEMENTS(params));
}

ParameterizedTest(ShowBad *param, show, bad_input_fails_with_one_line_naming_the_file)
{
	g_autofree gchar *path = ct_test_data_path(param->name);
	g_autoptr(CtTestRun) run = show_run(param->name, NULL, NULL);
	g_autofree gchar *lower = NULL;
	const gchar *nl;

	cr_assert_eq(run->exit_status, 1, "%s: exit %d", param->name, run->exit_status);
	cr_assert_str_empty(run->out, "%s: stdout: %s", param->name, run->out);
	nl = strchr(run->err, '\n');
	cr_assert(nl != NULL && nl[1] == '\0', "%s: not one line: \"%s\"", param->name, run->err);
	cr_assert_not_null(strstr(run->err, path), "%s: not named: %s", param->name, run->err);
	lower = g_ascii_strdown(run->err, -1);
	cr_assert_not_null(strstr(lower, param->says), "%s: %s", param->name, run->err);
}

Test(show, random_garbage_of_10_mb_fails_fast)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "garbage.bin", NULL);
	g_autofree gchar *quoted = g_shell_quote(path);
	g_autofree gchar *command = g_strdup_printf("head -c 10M /dev/urandom >%s", quoted);
	g_autoptr(CtTestRun) made = ct_test_run_shell(command);
	const gchar *argv[] = {"certtrust", "show", path, NULL};
	g_autoptr(CtTestRun) run = NULL;
	gint64 start;
	gint64 elapsed;

	cr_assert_eq(made->exit_status, 0, "%s", made->err);
	start = g_get_monotonic_time();
	run = ct_test_run(argv, NULL);
	elapsed = g_get_monotonic_time() - start;
	cr_assert_eq(run->exit_status, 1);
	cr_assert_str_empty(run->out);
	cr_assert_not_null(strstr(run->err, path), "%s", run->err);
	cr_assert_eq(strchr(run->err, '\n'), run->err + strlen(run->err) - 1, "not one line");
	cr_assert_lt(elapsed, 5 * G_USEC_PER_SEC, "took %" G_GINT64_FORMAT " us", elapsed);
}

Test(show, directory_as_source_fails_naming_it)
{
	const gchar *argv[] = {"certtrust", "show", tmpdir, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 1, "exit %d: %s", run->exit_status, run->err);
	cr_assert_str_empty(run->out);
	cr_assert_not_null(strstr(run->err, tmpdir), "%s", run->err);
	cr_assert_eq(strchr(run->err, '\n'), run->err + strlen(run->err) - 1, "not one line");
}

/* one word without a dot or a port is a file: a missing one is said to be missing (exit
 * 3), never looked up as a host; the same word naming a file reads it */
Test(show, a_bare_word_is_a_file_never_a_host)
{
	g_autofree gchar *previous = g_get_current_dir();
	g_autoptr(GBytes) leaf = ct_test_data_bytes("leaf.pem");
	const gchar *missing[] = {"certtrust", "show", "nosuchfile", NULL};
	const gchar *present[] = {"certtrust", "show", "servercert", NULL};
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) read = NULL;

	cr_assert_eq(chdir(tmpdir), 0);
	run = ct_test_run(missing, NULL);
	cr_assert_eq(run->exit_status, 3, "%d %s", run->exit_status, run->err);
	cr_assert_str_empty(run->out, "%s", run->out);
	cr_assert_str_eq(run->err, "certtrust: nosuchfile: no such file (a server: nosuchfile:443 "
				   "or https://nosuchfile/)\n");
	cr_assert(g_file_set_contents("servercert", g_bytes_get_data(leaf, NULL),
				      (gssize)g_bytes_get_size(leaf), NULL));
	read = ct_test_run(present, NULL);
	cr_assert_eq(read->exit_status, 0, "%d %s", read->exit_status, read->err);
	cr_assert_not_null(strstr(read->out, "Subject"), "%s", read->out);
	cr_assert_eq(chdir(previous), 0);
}
