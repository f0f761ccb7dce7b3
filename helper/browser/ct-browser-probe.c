/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtBrowser"

#include "config.h"

#include "ct-browser-probe.h"
#include "ct-browser-wire.h"
#include "ct-json.h"

gchar *
ct_browser_code_from_message(const gchar *message)
{
	const gchar *patterns[] = {
	    "net::(ERR_[A-Z0-9_]+)",
	    "NS_ERROR_GENERATE_FAILURE\\(NS_ERROR_MODULE_SECURITY,\\s*([A-Za-z0-9_]+)\\)",
	    "\\b((?:MOZILLA_PKIX_ERROR|SEC_ERROR|SSL_ERROR)_[A-Z0-9_]+)\\b",
	    "\\b(NS_ERROR_[A-Z0-9_]+)\\b",
	    NULL,
	};

	if (message == NULL)
		return NULL;
	for (guint i = 0; patterns[i] != NULL; i++) {
		g_autoptr(GRegex)
		    regex = g_regex_new(patterns[i], G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
		g_autoptr(GMatchInfo) match = NULL;

		if (regex != NULL && g_regex_match(regex, message, G_REGEX_MATCH_DEFAULT, &match))
			return g_match_info_fetch(match, 1);
	}
	return NULL;
}

/* run in the page: where it is, its title, the HTTP status of its navigation, whether
 * its text holds the expected text, and the code an error page knows (Firefox's
 * about:certerror and about:neterror) */
gchar *
ct_browser_probe_script(const gchar *expect_text)
{
	g_autofree gchar *expected = NULL;

	/* a JSON string is a JavaScript string literal */
	if (expect_text != NULL) {
		g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), expect_text);
		expected = json_to_string(node, FALSE);
	}
	return g_strdup_printf(
	    "(() => {"
	    " const d = document;"
	    " const expected = %s;"
	    " const r = {uri: String(d.documentURI), title: String(d.title), status: 0,"
	    " text: expected === null, code: null};"
	    " try {"
	    "  const n = performance.getEntriesByType('navigation')[0];"
	    "  if (n !== undefined && typeof n.responseStatus === 'number')"
	    "   r.status = n.responseStatus;"
	    " } catch (e) {}"
	    " const page = /^https?:/.test(r.uri);"
	    " if (page && expected !== null && d.documentElement !== null)"
	    "  r.text = String(d.documentElement.textContent).includes(expected) ||"
	    "   (d.body !== null && String(d.body.innerText).includes(expected));"
	    " const error = /^about:(certerror|neterror)/.test(r.uri);"
	    " try {"
	    "  if (error && typeof d.getFailedCertSecurityInfo === 'function')"
	    "   r.code = d.getFailedCertSecurityInfo().errorCodeString || null;"
	    " } catch (e) {}"
	    " try {"
	    "  if (error && r.code === null && typeof d.getNetErrorInfo === 'function')"
	    "   r.code = d.getNetErrorInfo().errorCodeString || null;"
	    " } catch (e) {}"
	    " if (error && r.code === null) {"
	    "  const m = /[?&]e=([^&]*)/.exec(r.uri);"
	    "  if (m !== null) r.code = 'neterror:' + decodeURIComponent(m[1]);"
	    " }"
	    " return JSON.stringify(r);"
	    "})()",
	    expected != NULL ? expected : "null");
}

void
ct_browser_probe_clear(CtBrowserProbe *probe)
{
	g_clear_pointer(&probe->uri, g_free);
	g_clear_pointer(&probe->title, g_free);
	g_clear_pointer(&probe->code, g_free);
	probe->status = 0;
	probe->text_found = FALSE;
}

gboolean
ct_browser_parse_probe(const gchar *json, CtBrowserProbe *probe)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonNode *root;
	JsonObject *object;
	gint64 status;

	if (json == NULL || !json_parser_load_from_data(parser, json, -1, NULL))
		return FALSE;
	root = json_parser_get_root(parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
		return FALSE;
	object = json_node_get_object(root);
	ct_browser_probe_clear(probe);
	probe->uri = g_strdup(ct_json_get_string(object, "uri"));
	probe->title = g_strdup(ct_json_get_string(object, "title"));
	probe->text_found = ct_json_get_boolean(object, "text") == 1;
	probe->code = g_strdup(ct_json_get_string(object, "code"));
	status = ct_json_get_int(object, "status");
	probe->status = status >= 100 && status <= 999 ? (gint)status : 0;
	return TRUE;
}

void
ct_browser_judge(CtNavigation *navigation, const CtBrowserProbe *probe, const gchar *fallback_code)
{
	g_free(navigation->final_url);
	navigation->final_url = g_strdup(probe->uri);
	if (probe->uri != NULL && g_str_has_prefix(probe->uri, "https:")) {
		g_free(navigation->title);
		navigation->title = g_strdup(probe->title != NULL ? probe->title : "");
		navigation->http_status = probe->status;
		if (!probe->text_found) {
			navigation->error_code = g_strdup("TEXT_MISSING");
			navigation->detail = g_strdup_printf("the page at %s does not hold the "
							     "expected text",
							     probe->uri);
			return;
		}
		g_free(navigation->outcome);
		navigation->outcome = g_strdup("loads");
		return;
	}
	/* an error page, or a page that is not https:// (a redirect to http://) */
	if (probe->uri != NULL && g_str_has_prefix(probe->uri, "http:"))
		navigation->error_code = g_strdup("NOT_HTTPS");
	else
		navigation->error_code = g_strdup(probe->code != NULL ? probe->code
								      : fallback_code);
	if (navigation->detail == NULL)
		navigation->detail = g_strdup(probe->uri);
}

gboolean
ct_browser_probe_page(CtBrowser *self,
		      const gchar *method,
		      JsonObject *params,
		      const gchar *session_id,
		      const gchar *success_type,
		      gint64 deadline,
		      GCancellable *cancellable,
		      CtBrowserProbe *probe,
		      GError **error)
{
	g_autoptr(JsonObject) result = NULL;
	g_autofree gchar *refusal = NULL;
	g_autoptr(GError) error_local = NULL;
	JsonObject *value;
	const gchar *json;

	result = ct_browser_call(self, method, params, session_id, deadline, cancellable, &refusal,
				 &error_local);
	if (result == NULL) {
		if (refusal != NULL)
			return TRUE;
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	/* BiDi: {"type": "success", "result": {"type": "string", "value": "..."}} or an
	 * exception; CDP: {"result": {"type": "string", "value": "..."}}, plus
	 * exceptionDetails if it threw */
	if (success_type != NULL ? g_strcmp0(ct_json_get_string(result, "type"), success_type) != 0
				 : json_object_has_member(result, "exceptionDetails"))
		return TRUE;
	value = ct_json_get_object(result, "result");
	json = value != NULL ? ct_json_get_string(value, "value") : NULL;
	ct_browser_parse_probe(json, probe);
	return TRUE;
}
