/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "ct-test.h"

/* `certtrust export`: the bytes of every format, checked with openssl and certutil,
 * the browser dialogs' file sets, and what is (not) left behind when it fails */

/* the leaf's CN made into a file name */
#define EXPORT_NAME "ucm.example.com"

static gchar *tmpdir = NULL;

static void
export_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
}

static void
export_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(export, .init = export_setup, .fini = export_teardown, .timeout = 60);

/* a path inside the test's temp dir (transfer full) */
static gchar *
export_tmp(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

/* certtrust export DATA-FILE --format FORMAT -o OUT [extra]; returns the run */
static CtTestRun *
export_run_format(const gchar *source, const gchar *format, const gchar *out, const gchar *extra)
{
	const gchar *argv[] = {"certtrust", "export", source, "--format", format,
			       "-o",	    out,      extra,  NULL};
	return ct_test_run(argv, NULL);
}

/* export a generated file to FORMAT into tmpdir/out, which must succeed */
static gchar *
export_ok(const gchar *name, const gchar *format, const gchar *out_name)
{
	g_autofree gchar *source = ct_test_data_path(name);
	gchar *out = export_tmp(out_name);
	g_autoptr(CtTestRun) run = export_run_format(source, format, out, NULL);

	cr_assert_eq(run->exit_status, 0, "export %s --format %s: %s", name, format, run->err);
	cr_assert(g_file_test(out, G_FILE_TEST_IS_REGULAR), "%s was not written", out);
	return out;
}

static GBytes *
export_read(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &contents, &len, &error))
		cr_assert_fail("%s: %s", path, error->message);
	return g_bytes_new_take(contents, len);
}

/* the file holds exactly the bytes of the generated file name */
static void
export_assert_same_bytes(const gchar *path, const gchar *name)
{
	g_autoptr(GBytes) got = export_read(path);
	g_autoptr(GBytes) expected = ct_test_data_bytes(name);

	cr_assert(g_bytes_equal(got, expected), "%s differs from %s", path, name);
}

/* run a shell command, which must succeed; stdout (transfer full) */
static gchar *
export_shell(const gchar *command)
{
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);

	cr_assert_eq(run->exit_status, 0, "%s: %s", command, run->err);
	return g_steal_pointer(&run->out);
}

/* openssl's reading of a PEM certificate file, in DER, must be the leaf */
static void
export_assert_openssl_reads_leaf(const gchar *path)
{
	g_autofree gchar *quoted = g_shell_quote(path);
	g_autofree gchar *der = g_strconcat(path, ".openssl.der", NULL);
	g_autofree gchar *der_quoted = g_shell_quote(der);
	g_autofree gchar *command = g_strdup_printf("openssl x509 -in %s -outform DER -out %s",
						    quoted, der_quoted);
	g_autofree gchar *out = export_shell(command);

	export_assert_same_bytes(der, "leaf.der");
	g_unlink(der);
}

/* PEM as Windows writes it: CERTIFICATE blocks, 64 columns, every line ends CRLF */
static void
export_assert_pem_layout(const gchar *path, guint blocks_expected)
{
	g_autoptr(GBytes) bytes = export_read(path);
	gsize len = g_bytes_get_size(bytes);
	g_autofree gchar *text = g_strndup(g_bytes_get_data(bytes, NULL), len);
	g_auto(GStrv) lines = NULL;
	guint blocks = 0;
	gboolean in_block = FALSE;
	guint n;

	cr_assert_eq(strlen(text), len, "NUL byte in %s", path);
	cr_assert(g_str_has_suffix(text, "\r\n"), "%s does not end in CRLF", path);
	for (gsize i = 0; i < len; i++) {
		if (text[i] == '\n')
			cr_assert(i > 0 && text[i - 1] == '\r', "bare LF at byte %zu of %s", i,
				  path);
		if (text[i] == '\r')
			cr_assert(text[i + 1] == '\n', "bare CR at byte %zu of %s", i, path);
	}
	lines = g_strsplit(text, "\r\n", -1);
	n = g_strv_length(lines);
	cr_assert_str_empty(lines[n - 1]);
	for (guint i = 0; i + 1 < n; i++) {
		const gchar *line = lines[i];
		if (!in_block) {
			cr_assert_str_eq(line, "-----BEGIN CERTIFICATE-----", "line %u of %s", i,
					 path);
			in_block = TRUE;
			continue;
		}
		if (g_strcmp0(line, "-----END CERTIFICATE-----") == 0) {
			in_block = FALSE;
			blocks++;
			continue;
		}
		cr_assert_leq(strlen(line), 64, "line %u of %s is longer than 64", i, path);
		if (!g_str_has_prefix(lines[i + 1], "-----END"))
			cr_assert_eq(strlen(line), 64, "line %u of %s is not 64 columns", i, path);
		for (const gchar *p = line; *p != '\0'; p++)
			cr_assert(g_ascii_isalnum(*p) || *p == '+' || *p == '/' || *p == '=',
				  "line %u of %s is not base64: %s", i, path, line);
	}
	cr_assert_not(in_block, "unterminated block in %s", path);
	cr_assert_eq(blocks, blocks_expected, "%s has %u blocks", path, blocks);
}

/* the "subject=" lines openssl prints for the certificates of a file, in order */
static gchar *
export_openssl_subjects(const gchar *path, const gchar *kind)
{
	g_autofree gchar *quoted = g_shell_quote(path);
	g_autofree gchar *command = NULL;

	if (g_strcmp0(kind, "pkcs7") == 0)
		command = g_strdup_printf("openssl pkcs7 -inform DER -in %s -print_certs -noout",
					  quoted);
	else
		command = g_strdup_printf(
		    "openssl crl2pkcs7 -nocrl -certfile %s | openssl pkcs7 -print_certs -noout",
		    quoted);
	return export_shell(command);
}

static guint
export_count(const gchar *text, const gchar *needle)
{
	guint count = 0;

	for (const gchar *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		count++;
	return count;
}

/* "subject=..." of a generated certificate as openssl prints it */
static gchar *
export_subject_of(const gchar *name)
{
	g_autofree gchar *path = ct_test_data_path(name);
	g_autofree gchar *quoted = g_shell_quote(path);
	g_autofree gchar *command = g_strdup_printf("openssl x509 -in %s -noout -subject", quoted);
	gchar *out = export_shell(command);
	return g_strstrip(out);
}

static gint
export_compare_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the directory holds exactly these names (comma-separated, sorted) */
static void
export_assert_dir_holds(const gchar *dir, const gchar *expected)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *joined = NULL;
	const gchar *name;

	cr_assert_not_null(handle, "cannot list %s", dir);
	while ((name = g_dir_read_name(handle)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, export_compare_names);
	g_ptr_array_add(names, NULL);
	joined = g_strjoinv(",", (gchar **)names->pdata);
	cr_assert_str_eq(joined, expected, "%s holds \"%s\", expected \"%s\"", dir, joined,
			 expected);
}

/* one line of stderr naming path, nothing on stdout */
static void
export_assert_failure_message(CtTestRun *run, const gchar *path)
{
	const gchar *nl = strchr(run->err, '\n');

	cr_assert_str_empty(run->out, "stdout: %s", run->out);
	cr_assert(nl != NULL && nl[1] == '\0', "not one line on stderr: \"%s\"", run->err);
	cr_assert_not_null(strstr(run->err, path), "stderr does not name %s: %s", path, run->err);
}

/* certutil takes the file into a fresh NSS db and gives back the leaf's DER */
static void
export_assert_certutil_reads_leaf(const gchar *path)
{
	g_autofree gchar *db = export_tmp("nssdb");
	g_autofree gchar *back = export_tmp("certutil.der");
	g_autofree gchar *qdb = g_shell_quote(db);
	g_autofree gchar *qpath = g_shell_quote(path);
	g_autofree gchar *qback = g_shell_quote(back);
	g_autofree gchar *command = g_strdup_printf(
	    "mkdir %s && certutil -N -d sql:%s --empty-password && "
	    "certutil -A -n x -t ,, -d sql:%s -i %s && certutil -L -d sql:%s -n x -r >%s",
	    qdb, qdb, qdb, qpath, qdb, qback);
	g_autofree gchar *out = export_shell(command);

	export_assert_same_bytes(back, "leaf.der");
}

/* files in bytes */

Test(export, der_is_the_leaf_byte_for_byte)
{
	g_autofree gchar *out = export_ok("leaf.pem", "der", "out.der");

	export_assert_same_bytes(out, "leaf.der");
}

Test(export, der_from_shuffled_chain_is_the_leaf)
{
	g_autofree gchar *out = export_ok("chain-shuffled.pem", "der", "out.der");

	export_assert_same_bytes(out, "leaf.der");
}

Test(export, base64_is_64_columns_with_crlf)
{
	g_autofree gchar *out = export_ok("leaf.der", "base64", "out.cer");

	export_assert_pem_layout(out, 1);
}

Test(export, base64_decodes_to_the_leaf)
{
	g_autofree gchar *out = export_ok("leaf.der", "base64", "out.cer");

	export_assert_openssl_reads_leaf(out);
}

Test(export, base64_is_what_windows_writes)
{
	g_autofree gchar *out = export_ok("leaf.der", "base64", "out.cer");

	export_assert_same_bytes(out, "leaf-windows.cer");
}

Test(export, pem_is_64_columns_with_crlf)
{
	g_autofree gchar *out = export_ok("leaf-cr.pem", "pem", "out.pem");

	export_assert_pem_layout(out, 1);
}

Test(export, pem_decodes_to_the_leaf)
{
	g_autofree gchar *out = export_ok("chain.p7b", "pem", "out.pem");

	export_assert_openssl_reads_leaf(out);
}

Test(export, pem_chain_orders_leaf_inter_root)
{
	g_autofree gchar *out = export_ok("chain-shuffled.pem", "pem-chain", "out.pem");
	g_autofree gchar *subjects = export_openssl_subjects(out, "pem");
	g_autofree gchar *leaf = export_subject_of("leaf.pem");
	g_autofree gchar *inter = export_subject_of("inter.pem");
	g_autofree gchar *root = export_subject_of("ca.pem");
	const gchar *at_leaf = strstr(subjects, leaf);
	const gchar *at_inter = strstr(subjects, inter);
	const gchar *at_root = strstr(subjects, root);

	export_assert_pem_layout(out, 3);
	cr_assert_eq(export_count(subjects, "subject="), 3, "%s", subjects);
	cr_assert(at_leaf != NULL && at_inter != NULL && at_root != NULL, "%s", subjects);
	cr_assert(at_leaf < at_inter && at_inter < at_root, "out of order:\n%s", subjects);
}

Test(export, pem_chain_stops_where_the_path_ends)
{
	/* leaf + intermediate without the root: the path is two long */
	g_autofree gchar *out = export_ok("leaf-inter.pem", "pem-chain", "out.pem");

	export_assert_pem_layout(out, 2);
}

Test(export, pkcs7_holds_only_the_leaf)
{
	g_autofree gchar *out = export_ok("chain.pem", "pkcs7", "out.p7c");
	g_autofree gchar *subjects = export_openssl_subjects(out, "pkcs7");
	g_autofree gchar *leaf = export_subject_of("leaf.pem");

	cr_assert_eq(export_count(subjects, "subject="), 1, "%s", subjects);
	cr_assert_not_null(strstr(subjects, leaf), "%s", subjects);
}

Test(export, pkcs7_chain_holds_the_whole_path)
{
	g_autofree gchar *out = export_ok("chain-shuffled.pem", "pkcs7-chain", "out.p7b");
	g_autofree gchar *subjects = export_openssl_subjects(out, "pkcs7");
	g_autofree gchar *leaf = export_subject_of("leaf.pem");
	g_autofree gchar *root = export_subject_of("ca.pem");

	cr_assert_eq(export_count(subjects, "subject="), 3, "%s", subjects);
	cr_assert_not_null(strstr(subjects, leaf), "%s", subjects);
	cr_assert_not_null(strstr(subjects, root), "%s", subjects);
}

Test(export, pkcs7_is_binary_der)
{
	g_autofree gchar *out = export_ok("leaf.pem", "pkcs7", "out.p7c");
	g_autoptr(GBytes) bytes = export_read(out);
	const guint8 *data = g_bytes_get_data(bytes, NULL);

	cr_assert_gt(g_bytes_get_size(bytes), 2);
	cr_assert_eq(data[0], 0x30, "not a DER SEQUENCE");
}

Test(export, certutil_imports_der)
{
	g_autofree gchar *out = export_ok("chain.pem", "der", "out.der");

	export_assert_certutil_reads_leaf(out);
}

Test(export, certutil_imports_pem)
{
	g_autofree gchar *out = export_ok("chain.pem", "pem", "out.pem");

	export_assert_certutil_reads_leaf(out);
}

typedef struct {
	gchar format[16];
	gchar source[24];
} ExportRoundTrip;

ParameterizedTestParameters(export, every_format_reads_back_as_the_leaf)
{
	static ExportRoundTrip params[] = {
	    {"der", "leaf.pem"},   {"base64", "leaf.pem"},
	    {"pem", "leaf.der"},   {"pem-chain", "chain-shuffled.pem"},
	    {"pkcs7", "leaf.pem"}, {"pkcs7-chain", "chain.pem"},
	};
	return cr_make_param_array(ExportRoundTrip, params, G_N_ELEMENTS(params));
}

ParameterizedTest(ExportRoundTrip *param, export, every_format_reads_back_as_the_leaf)
{
	g_autofree gchar *first = export_ok(param->source, param->format, "first");
	g_autofree gchar *second = export_tmp("second.der");
	g_autoptr(CtTestRun) run = export_run_format(first, "der", second, NULL);

	cr_assert_eq(run->exit_status, 0, "reading back %s: %s", param->format, run->err);
	export_assert_same_bytes(second, "leaf.der");
}

Test(export, pkcs7_chain_survives_export_import_export)
{
	g_autofree gchar *first = export_ok("chain-shuffled.pem", "pkcs7-chain", "first.p7b");
	g_autofree gchar *second = export_tmp("second.p7b");
	g_autoptr(CtTestRun) run = export_run_format(first, "pkcs7-chain", second, NULL);
	g_autoptr(GBytes) a = NULL;
	g_autoptr(GBytes) b = NULL;

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	a = export_read(first);
	b = export_read(second);
	cr_assert(g_bytes_equal(a, b), "pkcs7-chain changed on the way through");
}

Test(export, output_mode_is_0644)
{
	g_autofree gchar *out = NULL;
	GStatBuf st;

	/* even under a strict umask the file is for everyone to read */
	umask(077);
	out = export_ok("leaf.pem", "pem", "out.pem");
	cr_assert_eq(g_stat(out, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644, "mode %o", st.st_mode & 07777);
}

/* refusing, failing, leaving nothing behind */

Test(export, existing_output_is_kept_without_force)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *out = export_tmp("out.pem");
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(GBytes) after = NULL;

	cr_assert(g_file_set_contents(out, "precious\n", -1, NULL));
	run = export_run_format(source, "pem", out, NULL);
	cr_assert_eq(run->exit_status, 1, "exit %d: %s", run->exit_status, run->err);
	after = export_read(out);
	cr_assert_eq(g_bytes_get_size(after), 9);
	cr_assert(memcmp(g_bytes_get_data(after, NULL), "precious\n", 9) == 0, "file changed");
	export_assert_dir_holds(tmpdir, "out.pem");
}

Test(export, existing_output_message_names_file_and_force)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *out = export_tmp("out.der");
	g_autoptr(CtTestRun) run = NULL;

	cr_assert(g_file_set_contents(out, "precious\n", -1, NULL));
	run = export_run_format(source, "der", out, NULL);
	cr_assert_eq(run->exit_status, 1);
	export_assert_failure_message(run, out);
	cr_assert_not_null(strstr(run->err, "--force"), "%s", run->err);
}

Test(export, force_replaces_existing_output)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *out = export_tmp("out.der");
	g_autoptr(CtTestRun) run = NULL;

	cr_assert(g_file_set_contents(out, "precious\n", -1, NULL));
	run = export_run_format(source, "der", out, "--force");
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	export_assert_same_bytes(out, "leaf.der");
	export_assert_dir_holds(tmpdir, "out.der");
}

Test(export, missing_output_dir_fails_creating_nothing)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *missing = export_tmp("missing");
	g_autofree gchar *out = g_build_filename(missing, "out.pem", NULL);
	g_autoptr(CtTestRun) run = export_run_format(source, "pem", out, NULL);

	cr_assert(run->exit_status == 1 || run->exit_status == 3, "exit %d", run->exit_status);
	export_assert_failure_message(run, out);
	cr_assert_not(g_file_test(missing, G_FILE_TEST_EXISTS), "%s was created", missing);
	export_assert_dir_holds(tmpdir, "");
}

Test(export, control_characters_in_a_path_are_escaped_on_stderr)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *out = export_tmp("no\x1b]0;owned\x07/cert.pem");
	g_autoptr(CtTestRun) run = export_run_format(source, "pem", out, NULL);

	cr_assert_neq(run->exit_status, 0);
	cr_assert_null(strchr(run->err, '\x1b'), "raw ESC on stderr: %s", run->err);
	cr_assert_null(strchr(run->err, '\x07'), "raw BEL on stderr: %s", run->err);
	cr_assert_not_null(strstr(run->err, "no\\e]0;owned\\x07/cert.pem"), "%s", run->err);
}

Test(export, read_only_dir_fails_leaving_nothing)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *dir = export_tmp("ro");
	g_autofree gchar *out = g_build_filename(dir, "out.pem", NULL);
	g_autofree gchar *qdir = g_shell_quote(dir);
	g_autofree gchar *qsource = g_shell_quote(source);
	g_autofree gchar *qout = g_shell_quote(out);
	g_autofree gchar *inner = NULL;
	g_autofree gchar *qinner = NULL;
	g_autofree gchar *command = NULL;
	g_autoptr(CtTestRun) probe = ct_test_run_shell("unshare -m true");
	g_autoptr(CtTestRun) run = NULL;

	if (probe->exit_status != 0)
		cr_skip_test("no mount namespaces here: %s", probe->err);
	cr_assert_eq(g_mkdir(dir, 0755), 0);
	/* tests run as root, whom file modes do not stop: a read-only bind mount does */
	inner = g_strdup_printf("mount --bind %s %s && mount -o remount,bind,ro %s || exit 99; "
				"if touch %s/probe 2>/dev/null; then rm -f %s/probe; exit 98; fi; "
				"exec \"$CT_CERTTRUST\" export %s --format pem -o %s",
				qdir, qdir, qdir, qdir, qdir, qsource, qout);
	qinner = g_shell_quote(inner);
	command = g_strdup_printf("unshare -m sh -c %s", qinner);
	run = ct_test_run_shell(command);
	if (run->exit_status == 99 || run->exit_status == 98)
		cr_skip_test("cannot make a read-only bind mount: %s", run->err);
	cr_assert_eq(run->exit_status, 1, "exit %d: %s", run->exit_status, run->err);
	export_assert_failure_message(run, out);
	export_assert_dir_holds(dir, "");
}

typedef struct {
	gchar name[24];
	gint exit_status;
} ExportBad;

ParameterizedTestParameters(export, bad_input_writes_nothing)
{
	static ExportBad params[] = {
	    {"empty.der", 1}, {"truncated.der", 1},	 {"broken-base64.pem", 1},
	    {"empty.p7b", 1}, {"mismatched-end.pem", 1}, {"no-such-file.pem", 3},
	};
	return cr_make_param_array(ExportBad, params, G_N_ELEMENTS(params));
}

ParameterizedTest(ExportBad *param, export, bad_input_writes_nothing)
{
	g_autofree gchar *source = ct_test_data_path(param->name);
	g_autofree gchar *out = export_tmp("out.pem");
	g_autoptr(CtTestRun) run = export_run_format(source, "pem", out, NULL);

	cr_assert_eq(run->exit_status, param->exit_status, "%s: exit %d: %s", param->name,
		     run->exit_status, run->err);
	export_assert_failure_message(run, source);
	export_assert_dir_holds(tmpdir, "");
}

Test(export, random_garbage_of_10_mb_writes_nothing_fast)
{
	g_autofree gchar *garbage = export_tmp("garbage.bin");
	g_autofree gchar *qgarbage = g_shell_quote(garbage);
	g_autofree gchar *command = g_strdup_printf("head -c 10M /dev/urandom >%s", qgarbage);
	g_autofree gchar *made = export_shell(command);
	g_autofree gchar *out = export_tmp("out.der");
	g_autoptr(CtTestRun) run = NULL;
	gint64 start = g_get_monotonic_time();

	run = export_run_format(garbage, "der", out, NULL);
	cr_assert_lt(g_get_monotonic_time() - start, 5 * G_USEC_PER_SEC, "too slow");
	cr_assert_eq(run->exit_status, 1, "%s", run->err);
	export_assert_failure_message(run, garbage);
	export_assert_dir_holds(tmpdir, "garbage.bin");
}

Test(export, directory_as_source_writes_nothing)
{
	g_autofree gchar *source = export_tmp("adir");
	g_autofree gchar *out = export_tmp("out.der");
	g_autoptr(CtTestRun) run = NULL;

	cr_assert_eq(g_mkdir(source, 0755), 0);
	run = export_run_format(source, "der", out, NULL);
	cr_assert_eq(run->exit_status, 1, "exit %d: %s", run->exit_status, run->err);
	export_assert_failure_message(run, source);
	export_assert_dir_holds(tmpdir, "adir");
}

/* usage */

Test(export, format_and_browser_together_is_a_usage_error)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *out = export_tmp("out.der");
	const gchar *argv[] = {"certtrust", "export",	 source, "--format", "der",  "-o",
			       out,	    "--browser", "ie8",	 "--dir",    tmpdir, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 2, "exit %d: %s", run->exit_status, run->err);
	cr_assert_not_null(strstr(run->err, "certtrust export --help"), "%s", run->err);
	export_assert_dir_holds(tmpdir, "");
}

Test(export, neither_format_nor_browser_is_a_usage_error)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *out = export_tmp("out.der");
	const gchar *argv[] = {"certtrust", "export", source, "-o", out, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 2, "exit %d: %s", run->exit_status, run->err);
	export_assert_dir_holds(tmpdir, "");
}

Test(export, unknown_format_is_a_usage_error)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *out = export_tmp("out.p12");
	g_autoptr(CtTestRun) run = export_run_format(source, "pkcs12", out, NULL);

	cr_assert_eq(run->exit_status, 2, "exit %d: %s", run->exit_status, run->err);
	export_assert_dir_holds(tmpdir, "");
}

Test(export, unknown_browser_is_a_usage_error)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	const gchar *argv[] = {"certtrust", "export", source, "--browser",
			       "netscape4", "--dir",  tmpdir, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 2, "exit %d: %s", run->exit_status, run->err);
	export_assert_dir_holds(tmpdir, "");
}

/* browser dialogs */

/* certtrust export DATA-FILE --browser BROWSER --dir tmpdir/out [extra] */
static CtTestRun *
export_run_browser(const gchar *name, const gchar *browser, const gchar *extra)
{
	g_autofree gchar *source = ct_test_data_path(name);
	g_autofree gchar *dir = export_tmp("out");
	const gchar *argv[] = {"certtrust", "export", source, "--browser", browser,
			       "--dir",	    dir,      extra,  NULL};
	return ct_test_run(argv, NULL);
}

/* tmpdir/out/ucm.example.com<suffix> (transfer full) */
static gchar *
export_out_file(const gchar *suffix)
{
	g_autofree gchar *name = g_strconcat(EXPORT_NAME, suffix, NULL);
	return g_build_filename(tmpdir, "out", name, NULL);
}

/* IE8 and Safari 4 offer the same three files */
static void
export_assert_ie8_files(void)
{
	g_autofree gchar *dir = export_tmp("out");
	g_autofree gchar *der = export_out_file("-der.cer");
	g_autofree gchar *base64 = export_out_file("-base64.cer");
	g_autofree gchar *p7b = export_out_file(".p7b");
	g_autofree gchar *subjects = NULL;
	GStatBuf st;

	export_assert_dir_holds(dir, EXPORT_NAME "-base64.cer," EXPORT_NAME "-der.cer," EXPORT_NAME
						 ".p7b");
	export_assert_same_bytes(der, "leaf.der");
	export_assert_pem_layout(base64, 1);
	export_assert_openssl_reads_leaf(base64);
	subjects = export_openssl_subjects(p7b, "pkcs7");
	cr_assert_eq(export_count(subjects, "subject="), 3, "%s", subjects);
	cr_assert_eq(g_stat(der, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644, "mode %o", st.st_mode & 07777);
}

Test(export, browser_ie8_writes_its_three_files)
{
	g_autoptr(CtTestRun) run = export_run_browser("chain-shuffled.pem", "ie8", NULL);

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	export_assert_ie8_files();
}

Test(export, browser_safari4_writes_the_same_files_as_ie8)
{
	g_autoptr(CtTestRun) run = export_run_browser("chain.p7b", "safari4", NULL);

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	export_assert_ie8_files();
}

Test(export, browser_firefox3_writes_its_five_files)
{
	g_autoptr(CtTestRun) run = export_run_browser("chain-shuffled.pem", "firefox3", NULL);
	g_autofree gchar *dir = export_tmp("out");
	g_autofree gchar *pem = export_out_file(".pem");
	g_autofree gchar *chain = export_out_file("-chain.pem");
	g_autofree gchar *der = export_out_file(".der");
	g_autofree gchar *p7c = export_out_file(".p7c");
	g_autofree gchar *chain_p7c = export_out_file("-chain.p7c");
	g_autofree gchar *one = NULL;
	g_autofree gchar *all = NULL;

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	export_assert_dir_holds(dir, EXPORT_NAME "-chain.p7c," EXPORT_NAME "-chain.pem," EXPORT_NAME
						 ".der," EXPORT_NAME ".p7c," EXPORT_NAME ".pem");
	export_assert_pem_layout(pem, 1);
	export_assert_openssl_reads_leaf(pem);
	export_assert_pem_layout(chain, 3);
	export_assert_same_bytes(der, "leaf.der");
	one = export_openssl_subjects(p7c, "pkcs7");
	all = export_openssl_subjects(chain_p7c, "pkcs7");
	cr_assert_eq(export_count(one, "subject="), 1, "%s", one);
	cr_assert_eq(export_count(all, "subject="), 3, "%s", all);
}

Test(export, browser_p7b_of_a_self_signed_certificate_holds_one)
{
	g_autoptr(CtTestRun) run = export_run_browser("tomcat.der", "ie8", NULL);
	g_autofree gchar *p7b = export_out_file(".p7b");
	g_autofree gchar *subjects = NULL;

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	subjects = export_openssl_subjects(p7b, "pkcs7");
	cr_assert_eq(export_count(subjects, "subject="), 1, "%s", subjects);
}

Test(export, browser_stdout_lists_every_path_written)
{
	g_autoptr(CtTestRun) run = export_run_browser("chain.pem", "firefox3", NULL);
	const gchar *suffixes[] = {".pem", "-chain.pem", ".der", ".p7c", "-chain.p7c", NULL};

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	for (guint i = 0; suffixes[i] != NULL; i++) {
		g_autofree gchar *path = export_out_file(suffixes[i]);
		cr_expect_not_null(strstr(run->out, path), "%s not listed:\n%s", path, run->out);
	}
	cr_assert_eq(export_count(run->out, "\n"), 5, "not one line per file:\n%s", run->out);
}

Test(export, browser_json_lists_files_with_format_and_label)
{
	g_autoptr(CtTestRun) run = export_run_browser("chain.pem", "ie8", "--json");
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) formats = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *joined = NULL;
	JsonArray *files;

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	if (!json_parser_load_from_data(parser, run->out, -1, &error))
		cr_assert_fail("not JSON: %s: %s", error->message, run->out);
	cr_assert(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)), "%s", run->out);
	files = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
					     "files");
	cr_assert_not_null(files, "no \"files\": %s", run->out);
	cr_assert_eq(json_array_get_length(files), 3);
	for (guint i = 0; i < 3; i++) {
		JsonObject *file = json_array_get_object_element(files, i);
		const gchar *path = json_object_get_string_member_with_default(file, "path", "");
		const gchar *label = json_object_get_string_member_with_default(file, "label", "");
		cr_assert(g_file_test(path, G_FILE_TEST_IS_REGULAR), "\"%s\" not written", path);
		cr_assert_str_not_empty(label);
		g_ptr_array_add(formats,
				g_strdup(json_object_get_string_member_with_default(file, "format",
										    "")));
	}
	g_ptr_array_sort(formats, export_compare_names);
	g_ptr_array_add(formats, NULL);
	joined = g_strjoinv(",", (gchar **)formats->pdata);
	cr_assert_str_eq(joined, "base64,der,pkcs7-chain");
}

Test(export, browser_existing_file_stops_everything)
{
	g_autofree gchar *dir = export_tmp("out");
	g_autofree gchar *p7b = export_out_file(".p7b");
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(GBytes) after = NULL;

	cr_assert_eq(g_mkdir(dir, 0755), 0);
	cr_assert(g_file_set_contents(p7b, "precious\n", -1, NULL));
	run = export_run_browser("chain.pem", "ie8", NULL);
	cr_assert_eq(run->exit_status, 1, "exit %d: %s", run->exit_status, run->err);
	cr_assert_not_null(strstr(run->err, p7b), "%s", run->err);
	cr_assert_not_null(strstr(run->err, "--force"), "%s", run->err);
	export_assert_dir_holds(dir, EXPORT_NAME ".p7b");
	after = export_read(p7b);
	cr_assert_eq(g_bytes_get_size(after), 9, "the existing file changed");
}

Test(export, browser_force_replaces_existing_files)
{
	g_autofree gchar *dir = export_tmp("out");
	g_autofree gchar *der = export_out_file("-der.cer");
	g_autoptr(CtTestRun) run = NULL;

	cr_assert_eq(g_mkdir(dir, 0755), 0);
	cr_assert(g_file_set_contents(der, "precious\n", -1, NULL));
	run = export_run_browser("chain.pem", "ie8", "--force");
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	export_assert_ie8_files();
}

Test(export, browser_two_sources_with_one_name_are_refused)
{
	g_autofree gchar *leaf = ct_test_data_path("leaf.pem");
	g_autofree gchar *tomcat = ct_test_data_path("tomcat.pem");
	g_autofree gchar *dir = export_tmp("both");
	const gchar *argv[] = {"certtrust", "export", leaf, tomcat,    "--browser",
			       "ie8",	    "--dir",  dir,  "--force", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	/* both are CN=ucm.example.com: the second would replace the first's files */
	cr_assert_eq(run->exit_status, 2, "exit %d: %s", run->exit_status, run->err);
	cr_assert_not_null(strstr(run->err, "ucm.example.com"), "%s", run->err);
	cr_assert_not(g_file_test(dir, G_FILE_TEST_EXISTS), "%s was created", dir);
}

Test(export, browser_creates_a_missing_dir)
{
	g_autofree gchar *dir = export_tmp("out");
	g_autoptr(CtTestRun) run = NULL;

	cr_assert_not(g_file_test(dir, G_FILE_TEST_EXISTS));
	run = export_run_browser("leaf.pem", "firefox3", NULL);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert(g_file_test(dir, G_FILE_TEST_IS_DIR));
	export_assert_dir_holds(dir, EXPORT_NAME "-chain.p7c," EXPORT_NAME "-chain.pem," EXPORT_NAME
						 ".der," EXPORT_NAME ".p7c," EXPORT_NAME ".pem");
}

Test(export, browser_names_from_a_hostile_subject_are_safe)
{
	g_autoptr(CtTestRun) run = export_run_browser("hostile.pem", "ie8", NULL);
	g_autofree gchar *dir = export_tmp("out");
	g_autoptr(GDir) handle = NULL;
	const gchar *name;
	guint count = 0;

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert_null(strchr(run->out, '\x1b'), "ESC on stdout");
	export_assert_dir_holds(tmpdir, "out");
	handle = g_dir_open(dir, 0, NULL);
	cr_assert_not_null(handle);
	while ((name = g_dir_read_name(handle)) != NULL) {
		count++;
		cr_assert_neq(name[0], '.', "hidden file %s", name);
		cr_assert_leq(strlen(name), 80, "name too long: %s", name);
		for (const gchar *p = name; *p != '\0'; p++)
			cr_assert(g_ascii_isalnum(*p) || *p == '.' || *p == '_' || *p == '-',
				  "unsafe file name %s", name);
	}
	cr_assert_eq(count, 3);
}

/* --verbose names each file written, and the certificate text it repeats is escaped like
 * all terminal output: the hostile certificate's ESC and CR never reach stderr raw */
Test(export, verbose_names_each_file_and_escapes_certificate_text)
{
	g_autofree gchar *source = ct_test_data_path("hostile.pem");
	g_autofree gchar *out = export_tmp("hostile.pem");
	g_autofree gchar *wrote = g_strdup_printf("certtrust: wrote %s (pem)\n", out);
	g_autoptr(CtTestRun) run = ct_test_run_certtrust("--verbose", "export", source, "--format",
							 "pem", "-o", out, NULL);
	g_autoptr(CtTestRun) quiet = NULL;
	g_autofree gchar *out2 = export_tmp("quiet.pem");

	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	cr_assert(g_file_test(out, G_FILE_TEST_IS_REGULAR));
	cr_assert(strstr(run->err, wrote) != NULL, "no wrote line: %s", run->err);
	cr_assert(strstr(run->err, "=\\e[31m") != NULL, "no escaped ESC: %s", run->err);
	cr_assert(strchr(run->err, '\033') == NULL, "a raw ESC on stderr");
	cr_assert(strchr(run->err, '\r') == NULL, "a raw CR on stderr");

	quiet = ct_test_run_certtrust("export", source, "--format", "pem", "-o", out2, NULL);
	cr_assert_eq(quiet->exit_status, 0, "%s", quiet->err);
	cr_assert_str_empty(quiet->err);
}
