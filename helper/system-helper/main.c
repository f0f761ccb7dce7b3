/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtSystemHelper"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "ct-escape.h"
#include "ct-json.h"
#include "ct-system-helper.h"

/* certtrust-system-helper: the privileged half of `certtrust trust --store system` for a
 * user without a root shell, run through pkexec (polkit action io.github.certtrust.system-store)
 *   certtrust-system-helper install [--allow-ca] BASE64-DER
 *   certtrust-system-helper remove ANCHOR-PATH SHA256
 * --sysroot DIR before the verb works on a tree instead of "/", for root's own tests; it is
 * refused when pkexec started the helper. One JSON object on stdout: the result, or
 * {"error":{"domain","code","name","exit_status","message"}} as certtrust prints it; the
 * exit status is certtrust's. */

static const gchar *usage =
    "usage: certtrust-system-helper [--sysroot DIR] install [--allow-ca] "
    "BASE64-DER\n"
    "       certtrust-system-helper [--sysroot DIR] remove ANCHOR-PATH SHA256\n";

static gint
ct_system_helper_print(JsonBuilder *builder)
{
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *text = NULL;

	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, NULL);
	printf("%s\n", text);
	return fflush(stdout) == 0 ? 0 : 1;
}

static gint
ct_system_helper_fail(GError *error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree gchar *message = ct_escape_for_terminal(error->message, -1, 0);

	json_builder_begin_object(builder);
	ct_json_add_error(builder, error);
	ct_system_helper_print(builder);
	fprintf(stderr, "certtrust-system-helper: %s\n", message);
	return ct_error_get_exit_status(error);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	const gchar *sysroot = "/";
	const gchar *verb;
	gint i = 1;
	gboolean done = FALSE;

	setlocale(LC_ALL, "C.UTF-8");
	if (argc > 2 && g_strcmp0(argv[1], "--sysroot") == 0) {
		sysroot = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return ct_error_code_get_exit_status(CT_ERROR_INVALID_ARGS);
	}
	verb = argv[i++];
	if (geteuid() != 0) {
		g_set_error(&error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "certtrust-system-helper changes the OS trust store and runs as root "
			    "(certtrust starts it through pkexec)");
		return ct_system_helper_fail(error);
	}
	/* through pkexec the caller is somebody else: the real store only */
	if (g_strcmp0(sysroot, "/") != 0 && g_getenv("PKEXEC_UID") != NULL) {
		g_set_error(&error, CT_ERROR, CT_ERROR_REFUSED,
			    "--sysroot is for root's own tests, not through pkexec");
		return ct_system_helper_fail(error);
	}
	if (!g_path_is_absolute(sysroot)) {
		g_set_error(&error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--sysroot %s: an absolute path is needed", sysroot);
		return ct_system_helper_fail(error);
	}
	json_builder_begin_object(builder);
	ct_json_add_string(builder, "action", verb);
	if (g_strcmp0(verb, "install") == 0 && (argc - i == 1 || argc - i == 2)) {
		gboolean allow_ca = argc - i == 2 && g_strcmp0(argv[i], "--allow-ca") == 0;
		if (argc - i == 2 && !allow_ca) {
			fputs(usage, stderr);
			return ct_error_code_get_exit_status(CT_ERROR_INVALID_ARGS);
		}
		done = ct_system_helper_install(sysroot, argv[argc - 1], allow_ca, builder, &error);
	} else if (g_strcmp0(verb, "remove") == 0 && argc - i == 2) {
		done = ct_system_helper_remove(sysroot, argv[i], argv[i + 1], builder, &error);
	} else {
		fputs(usage, stderr);
		return ct_error_code_get_exit_status(CT_ERROR_INVALID_ARGS);
	}
	if (!done)
		return ct_system_helper_fail(error);
	return ct_system_helper_print(builder);
}
