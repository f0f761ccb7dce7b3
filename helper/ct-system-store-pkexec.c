/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtSystemStore"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ct-json.h"
#include "ct-system-store-pkexec.h"

gchar *
ct_system_store_pkexec_find(gchar **why)
{
	const gchar *override = g_getenv("CT_SYSTEM_HELPER");
	const gchar *helper = override != NULL && override[0] != '\0' ? override
								      : CT_SYSTEM_HELPER_PATH;
	g_autofree gchar *pkexec = g_find_program_in_path("pkexec");

	if (pkexec == NULL) {
		*why = g_strdup("pkexec is not installed");
		return NULL;
	}
	if (!g_path_is_absolute(helper) || !g_file_test(helper, G_FILE_TEST_IS_EXECUTABLE)) {
		*why = g_strdup_printf("%s is not installed", helper);
		return NULL;
	}
	*why = NULL;
	return g_strdup(helper);
}

/* the helper's JSON answer: its result object, or its error as a GError */
static JsonObject *
ct_system_store_pkexec_parse(const gchar *out, const gchar *err, gint status, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *object;
	JsonObject *failure;

	if (out == NULL || !json_parser_load_from_data(parser, out, -1, NULL) ||
	    (object = ct_json_node_get_object(json_parser_get_root(parser))) == NULL) {
		g_autofree gchar *said = g_strstrip(g_strdup(err != NULL ? err : ""));
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "the privileged helper gave no answer (exit %d)%s%s", status,
			    said[0] != '\0' ? ": " : "", said);
		return NULL;
	}
	failure = ct_json_get_object(object, "error");
	if (failure != NULL) {
		gint64 code = ct_json_get_int(failure, "code");
		const gchar *message = ct_json_get_string(failure, "message");
		g_set_error(error, CT_ERROR,
			    code > 0 && code < CT_ERROR_LAST ? (gint)code : CT_ERROR_FAILED, "%s",
			    message != NULL ? message : "the privileged helper failed");
		return NULL;
	}
	return json_object_ref(object);
}

static JsonObject *
ct_system_store_pkexec_run(const gchar *const *args, GError **error)
{
	g_autofree gchar *why = NULL;
	g_autofree gchar *helper = ct_system_store_pkexec_find(&why);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GSubprocess) process = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;
	gint status;

	if (helper == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED, "%s", why);
		return NULL;
	}
	g_ptr_array_add(argv, (gpointer) "pkexec");
	g_ptr_array_add(argv, helper);
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	/* stdin stays the terminal's: pkexec's own agent asks for the password there */
	process = g_subprocess_newv((const gchar *const *)argv->pdata,
				    G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					G_SUBPROCESS_FLAGS_STDERR_PIPE |
					G_SUBPROCESS_FLAGS_STDIN_INHERIT,
				    error);
	if (process == NULL) {
		g_prefix_error(error, "cannot run pkexec: ");
		return NULL;
	}
	if (!g_subprocess_communicate_utf8(process, NULL, NULL, &out, &err, error))
		return NULL;
	status = g_subprocess_get_if_exited(process) ? g_subprocess_get_exit_status(process) : -1;
	/* pkexec's own: 126 the authentication was dismissed, 127 not authorized or no polkit */
	if (status == 126 || status == 127) {
		g_autofree gchar *said = g_strstrip(g_strdup(err != NULL ? err : ""));
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "polkit did not authorize it (pkexec exit %d%s%s)", status,
			    said[0] != '\0' ? ": " : "", said);
		return NULL;
	}
	return ct_system_store_pkexec_parse(out, err, status, error);
}

gboolean
ct_system_store_pkexec_install(GBytes *der,
			       gboolean allow_ca,
			       gchar **anchor_path,
			       gboolean *changed,
			       GError **error)
{
	gsize len = 0;
	const guchar *data = g_bytes_get_data(der, &len);
	g_autofree gchar *encoded = g_base64_encode(data, len);
	const gchar *args[] = {"install", allow_ca ? "--allow-ca" : encoded,
			       allow_ca ? encoded : NULL, NULL};
	g_autoptr(JsonObject) result = ct_system_store_pkexec_run(args, error);
	const gchar *anchor;

	if (result == NULL)
		return FALSE;
	anchor = ct_json_get_string(result, "anchor");
	if (anchor == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "the privileged helper did not say which file it wrote");
		return FALSE;
	}
	*anchor_path = g_strdup(anchor);
	*changed = json_object_get_boolean_member_with_default(result, "changed", TRUE);
	return TRUE;
}

gboolean
ct_system_store_pkexec_remove(const gchar *anchor_path,
			      const gchar *sha256,
			      gboolean *changed,
			      GError **error)
{
	const gchar *args[] = {"remove", anchor_path, sha256, NULL};
	g_autoptr(JsonObject) result = ct_system_store_pkexec_run(args, error);

	if (result == NULL)
		return FALSE;
	*changed = json_object_get_boolean_member_with_default(result, "changed", TRUE);
	return TRUE;
}
