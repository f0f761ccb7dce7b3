/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ct-test.h"

/* the command line as a user meets it: help, version, usage errors, exit statuses and
 * the --json error document, by running the built program */

/* every command of docs/cli.md */
static const gchar *const cli_commands[] = {"fetch",   "show",	"check-host", "export", "trust",
					    "untrust", "list",	"status",     "flow",	"open",
					    "verify",  "serve", "scenario",   NULL};

/* CtError codes are part of the --json contract (append-only) */

static gchar *tmpdir = NULL;

static void
cli_setup(void)
{
	tmpdir = ct_test_tmpdir_new();
}

static void
cli_teardown(void)
{
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(cli, .init = cli_setup, .fini = cli_teardown, .timeout = 30);

/* word appears in text on its own, not as part of a longer command name */
static gboolean
cli_has_word(const gchar *text, const gchar *word)
{
	gsize len = strlen(word);
	const gchar *p = text;

	while ((p = strstr(p, word)) != NULL) {
		gboolean start_ok = p == text || !(g_ascii_isalnum(p[-1]) || p[-1] == '-');
		gboolean end_ok = !(g_ascii_isalnum(p[len]) || p[len] == '-');
		if (start_ok && end_ok)
			return TRUE;
		p += len;
	}
	return FALSE;
}

/* the {"error":{...}} document: its shape, and its exit_status equal to the process's */
static JsonObject *
cli_assert_error_document(JsonNode *root, gint exit_status)
{
	JsonObject *object;
	JsonObject *error;

	cr_assert(JSON_NODE_HOLDS_OBJECT(root));
	object = json_node_get_object(root);
	cr_assert(json_object_has_member(object, "error"), "no \"error\" member");
	cr_assert_eq(json_object_get_size(object), 1, "the error document has other members");
	error = json_object_get_object_member(object, "error");
	cr_assert_not_null(error, "\"error\" is not an object");
	cr_assert_str_eq(json_object_get_string_member_with_default(error, "domain", ""),
			 "CtError");
	cr_assert(json_object_has_member(error, "code"));
	cr_assert_eq(json_node_get_value_type(json_object_get_member(error, "code")), G_TYPE_INT64);
	cr_assert_str_neq(json_object_get_string_member_with_default(error, "name", ""), "");
	cr_assert_str_neq(json_object_get_string_member_with_default(error, "message", ""), "");
	cr_assert_eq(json_object_get_int_member_with_default(error, "exit_status", -1), exit_status,
		     "exit_status in JSON differs from the process exit status %d", exit_status);
	return error;
}

/* exactly one line, ending in a newline */
static void
cli_assert_one_line(const gchar *text)
{
	const gchar *nl = strchr(text, '\n');
	cr_assert_not_null(nl, "expected one line, got \"%s\"", text);
	cr_assert(nl[1] == '\0', "expected one line, got \"%s\"", text);
	cr_assert(nl != text, "empty line");
}

Test(cli, help_lists_every_command)
{
	const gchar *argv[] = {"certtrust", "--help", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	for (guint i = 0; cli_commands[i] != NULL; i++)
		cr_expect(cli_has_word(run->out, cli_commands[i]), "--help does not list %s:\n%s",
			  cli_commands[i], run->out);
}

typedef struct {
	gchar name[16];
} CliCommand;

ParameterizedTestParameters(cli, command_help_prints_synopsis)
{
	static CliCommand params[] = {
	    {"fetch"},	{"show"}, {"check-host"}, {"export"}, {"trust"}, {"untrust"},  {"list"},
	    {"status"}, {"flow"}, {"open"},	  {"verify"}, {"serve"}, {"scenario"}, {"wizard"},
	};
	return cr_make_param_array(CliCommand, params, G_N_ELEMENTS(params));
}

ParameterizedTest(CliCommand *param, cli, command_help_prints_synopsis)
{
	const gchar *argv[] = {"certtrust", param->name, "--help", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autofree gchar *synopsis = g_strdup_printf("certtrust %s", param->name);

	cr_assert_eq(run->exit_status, 0, "%s --help: stderr: %s", param->name, run->err);
	cr_assert_not_null(strstr(run->out, synopsis), "%s --help does not show the synopsis:\n%s",
			   param->name, run->out);
}

/* the version, then each runtime library's, each as Debian's package of it says */
Test(cli, version_prints_name_and_version_and_the_libraries_it_runs_with)
{
	const gchar *argv[] = {"certtrust", "--version", NULL};
	const gchar *json_argv[] = {"certtrust", "--json", "--version", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(CtTestRun) json = ct_test_run(json_argv, NULL);
	g_autofree gchar *expected = g_strdup_printf("certtrust %s\n", PACKAGE_VERSION);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *libraries;
	const struct {
		const gchar *member;
		const gchar *label;
		const gchar *package;
	} libs[] = {
	    {"nss", "NSS", "libnss3"},
	    {"glib", "GLib", "libglib2.0-0"},
	    {"libsoup", "libsoup", "libsoup-3.0-0"},
	    {"gnutls", "GnuTLS", "libgnutls30"},
	};

	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	cr_assert(g_str_has_prefix(run->out, expected), "got \"%s\"", run->out);
	cr_assert_eq(json->exit_status, 0, "stderr: %s", json->err);
	root = ct_test_parse_one_json_document(json->out);
	cr_assert_str_eq(json_object_get_string_member(json_node_get_object(root), "version"),
			 PACKAGE_VERSION);
	libraries = json_object_get_object_member(json_node_get_object(root), "libraries");
	for (guint i = 0; i < G_N_ELEMENTS(libs); i++) {
		const gchar *version = json_object_get_string_member(libraries, libs[i].member);
		g_autofree gchar *query = g_strdup_printf("dpkg-query -W -f='${Version}' %s",
							  libs[i].package);
		g_autoptr(CtTestRun) package = ct_test_run_shell(query);

		cr_assert_not_null(version, "%s missing: %s", libs[i].member, json->out);
		cr_assert_not_null(strstr(run->out, libs[i].label), "%s", run->out);
		cr_assert_not_null(strstr(run->out, version), "%s", run->out);
		/* Debian's version of the package holds the library's ("2:3.87.1-1+deb12u4") */
		cr_assert_eq(package->exit_status, 0, "%s", package->err);
		cr_assert_not_null(strstr(package->out, version), "%s: %s, certtrust says %s",
				   libs[i].package, package->out, version);
	}
}

Test(cli, a_mistyped_command_or_option_gets_the_nearest_and_one_hint)
{
	const gchar *command_argv[] = {"certtrust", "trsut", "x", NULL};
	const gchar *option_argv[] = {"certtrust", "trust", "x", "--stroe", "system", NULL};
	const gchar *far_argv[] = {"certtrust", "zzzzzz", NULL};
	g_autoptr(CtTestRun) command = ct_test_run(command_argv, NULL);
	g_autoptr(CtTestRun) option = ct_test_run(option_argv, NULL);
	g_autoptr(CtTestRun) far = ct_test_run(far_argv, NULL);
	const gchar *hint = NULL;

	cr_assert_eq(command->exit_status, 2);
	cr_assert_not_null(strstr(command->err, "did you mean 'trust'?"), "%s", command->err);
	cr_assert_eq(option->exit_status, 2);
	cr_assert_not_null(strstr(option->err, "did you mean --store?"), "%s", option->err);
	cr_assert_eq(far->exit_status, 2);
	cr_assert_null(strstr(far->err, "did you mean"), "nothing is near: %s", far->err);
	/* the "--help" hint once, on its own line */
	hint = strstr(command->err, "--help");
	cr_assert_not_null(hint, "%s", command->err);
	cr_assert_null(strstr(hint + 1, "--help"), "said twice: %s", command->err);
	hint = strstr(option->err, "--help");
	cr_assert_not_null(hint, "%s", option->err);
	cr_assert_null(strstr(hint + 1, "--help"), "said twice: %s", option->err);
}

Test(cli, json_help_is_the_cli_described_as_json)
{
	const gchar *all_argv[] = {"certtrust", "--json", "--help", NULL};
	const gchar *one_argv[] = {"certtrust", "--json", "trust", "--help", NULL};
	g_autoptr(CtTestRun) all = ct_test_run(all_argv, NULL);
	g_autoptr(CtTestRun) one = ct_test_run(one_argv, NULL);
	g_autoptr(JsonNode) all_root = NULL;
	g_autoptr(JsonNode) one_root = NULL;
	JsonArray *commands;
	JsonObject *trust;
	JsonArray *options;
	gboolean has_store = FALSE;

	cr_assert_eq(all->exit_status, 0, "%s", all->err);
	all_root = ct_test_parse_one_json_document(all->out);
	commands = json_object_get_array_member(json_node_get_object(all_root), "commands");
	cr_assert_geq(json_array_get_length(commands), 14);
	cr_assert_eq(one->exit_status, 0, "%s", one->err);
	one_root = ct_test_parse_one_json_document(one->out);
	commands = json_object_get_array_member(json_node_get_object(one_root), "commands");
	cr_assert_eq(json_array_get_length(commands), 1);
	trust = json_array_get_object_element(commands, 0);
	cr_assert_str_eq(json_object_get_string_member(trust, "name"), "trust");
	cr_assert_not_null(strstr(json_object_get_string_member(trust, "synopsis"), "[-s S]..."));
	cr_assert_gt(json_array_get_length(json_object_get_array_member(trust, "examples")), 0);
	options = json_object_get_array_member(trust, "options");
	for (guint i = 0; i < json_array_get_length(options); i++) {
		JsonObject *option = json_array_get_object_element(options, i);
		if (g_strcmp0(json_object_get_string_member(option, "long"), "store") == 0)
			has_store = json_object_has_member(option, "choices");
	}
	cr_assert(has_store, "--store has its choices: %s", one->out);
}

Test(cli, unknown_command_is_a_usage_error)
{
	const gchar *argv[] = {"certtrust", "frobnicate", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 2);
	cr_assert_str_empty(run->out);
	cr_assert_not_null(strstr(run->err, "frobnicate"), "stderr: %s", run->err);
}

Test(cli, unknown_command_json_gives_error_document)
{
	const gchar *argv[] = {"certtrust", "frobnicate", "--json", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;

	cr_assert_eq(run->exit_status, 2);
	root = ct_test_parse_one_json_document(run->out);
	cli_assert_error_document(root, 2);
}

Test(cli, bad_option_points_to_command_help)
{
	const gchar *argv[] = {"certtrust", "show", "--no-such-option", "x.pem", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 2);
	cr_assert_str_empty(run->out);
	cr_assert_not_null(strstr(run->err, "certtrust show --help"), "stderr: %s", run->err);
}

Test(cli, bad_option_json_gives_usage_error_document)
{
	const gchar *argv[] = {"certtrust", "show", "--json", "--no-such-option", "x.pem", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;

	cr_assert_eq(run->exit_status, 2);
	root = ct_test_parse_one_json_document(run->out);
	cli_assert_error_document(root, 2);
}

Test(cli, show_without_source_is_a_usage_error)
{
	const gchar *argv[] = {"certtrust", "show", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 2, "stdout: %s stderr: %s", run->out, run->err);
	cr_assert_str_empty(run->out);
	cr_assert_str_not_empty(run->err);
}

Test(cli, missing_file_exits_3_naming_it)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "absent.pem", NULL);
	const gchar *argv[] = {"certtrust", "show", path, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 3, "stderr: %s", run->err);
	cr_assert_str_empty(run->out);
	cli_assert_one_line(run->err);
	cr_assert_not_null(strstr(run->err, path), "stderr does not name %s: %s", path, run->err);
}

Test(cli, missing_file_json_error_has_exit_status_3)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "absent.pem", NULL);
	const gchar *argv[] = {"certtrust", "show", "--json", path, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *error;

	cr_assert_eq(run->exit_status, 3);
	root = ct_test_parse_one_json_document(run->out);
	error = cli_assert_error_document(root, 3);
	cr_assert_not_null(strstr(json_object_get_string_member(error, "message"), path));
}

Test(cli, bad_data_json_error_has_exit_status_1)
{
	g_autofree gchar *path = ct_test_data_path("truncated.der");
	const gchar *argv[] = {"certtrust", "show", "--json", path, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;

	cr_assert_eq(run->exit_status, 1);
	root = ct_test_parse_one_json_document(run->out);
	cli_assert_error_document(root, 1);
}

Test(cli, existing_output_json_error_has_exit_status_1)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	g_autofree gchar *out = g_build_filename(tmpdir, "out.der", NULL);
	const gchar *argv[] = {"certtrust", "export", source,	"--format", "der",
			       "-o",	    out,      "--json", NULL};
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(JsonNode) root = NULL;

	cr_assert(g_file_set_contents(out, "keep", -1, NULL));
	run = ct_test_run(argv, NULL);
	cr_assert_eq(run->exit_status, 1);
	root = ct_test_parse_one_json_document(run->out);
	cli_assert_error_document(root, 1);
}

Test(cli, invalid_view_is_a_usage_error)
{
	g_autofree gchar *source = ct_test_data_path("leaf.pem");
	const gchar *argv[] = {"certtrust", "show", source, "--view", "everything", NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 2, "stderr: %s", run->err);
	cr_assert_str_empty(run->out);
	cr_assert_not_null(strstr(run->err, "certtrust show --help"), "stderr: %s", run->err);
}

Test(cli, error_without_json_prints_nothing_on_stdout)
{
	g_autofree gchar *path = ct_test_data_path("empty.der");
	const gchar *argv[] = {"certtrust", "show", path, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);

	cr_assert_eq(run->exit_status, 1);
	cr_assert_str_empty(run->out);
	cli_assert_one_line(run->err);
}

Test(cli, success_json_is_one_document)
{
	g_autofree gchar *path = ct_test_data_path("leaf.pem");
	const gchar *argv[] = {"certtrust", "show", "--json", path, NULL};
	g_autoptr(CtTestRun) run = ct_test_run(argv, NULL);
	g_autoptr(JsonNode) root = NULL;

	cr_assert_eq(run->exit_status, 0, "stderr: %s", run->err);
	root = ct_test_parse_one_json_document(run->out);
	cr_assert_not(json_object_has_member(json_node_get_object(root), "error"));
}
