/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtJson"

#include "config.h"

#include <string.h>

#include "ct-escape.h"
#include "ct-json.h"
#include "ct-time.h"

void
ct_json_begin_array_member(JsonBuilder *builder, const gchar *member)
{
	json_builder_set_member_name(builder, member);
	json_builder_begin_array(builder);
}

void
ct_json_begin_object_member(JsonBuilder *builder, const gchar *member)
{
	json_builder_set_member_name(builder, member);
	json_builder_begin_object(builder);
}

/* json-glib writes bytes as they are: certificate text must be valid UTF-8 first */
void
ct_json_add_string(JsonBuilder *builder, const gchar *member, const gchar *value)
{
	json_builder_set_member_name(builder, member);
	if (value == NULL) {
		json_builder_add_null_value(builder);
		return;
	}
	if (g_utf8_validate(value, -1, NULL)) {
		json_builder_add_string_value(builder, value);
	} else {
		g_autofree gchar *valid = g_utf8_make_valid(value, -1);
		json_builder_add_string_value(builder, valid);
	}
}

void
ct_json_add_optional_string(JsonBuilder *builder, const gchar *member, const gchar *value)
{
	if (value != NULL)
		ct_json_add_string(builder, member, value);
}

void
ct_json_add_int(JsonBuilder *builder, const gchar *member, gint64 value)
{
	json_builder_set_member_name(builder, member);
	json_builder_add_int_value(builder, value);
}

void
ct_json_add_boolean(JsonBuilder *builder, const gchar *member, gboolean value)
{
	json_builder_set_member_name(builder, member);
	json_builder_add_boolean_value(builder, value);
}

void
ct_json_add_double(JsonBuilder *builder, const gchar *member, gdouble value)
{
	json_builder_set_member_name(builder, member);
	json_builder_add_double_value(builder, value);
}

void
ct_json_add_string_array(JsonBuilder *builder, const gchar *member, GPtrArray *values)
{
	ct_json_begin_array_member(builder, member);
	for (guint i = 0; values != NULL && i < values->len; i++) {
		const gchar *value = g_ptr_array_index(values, i);
		g_autofree gchar *valid = g_utf8_make_valid(value, -1);
		json_builder_add_string_value(builder, valid);
	}
	json_builder_end_array(builder);
}

void
ct_json_add_certificate(JsonBuilder *builder, CtCertificate *certificate, const gchar *role)
{
	g_autofree gchar *not_before = ct_time_format(certificate->not_before, CT_TIME_ISO8601);
	g_autofree gchar *not_after = ct_time_format(certificate->not_after, CT_TIME_ISO8601);

	json_builder_begin_object(builder);
	ct_json_add_string(builder, "subject", certificate->subject);
	ct_json_add_string(builder, "issuer", certificate->issuer);
	ct_json_add_string(builder, "common_name", certificate->subject_cn);
	ct_json_add_string(builder, "serial", certificate->serial);
	ct_json_add_string(builder, "not_before", not_before);
	ct_json_add_string(builder, "not_after", not_after);
	ct_json_add_string(builder, "sha1", certificate->sha1);
	ct_json_add_string(builder, "sha256", certificate->sha256);
	ct_json_add_string(builder, "spki_sha256", certificate->spki_sha256_base64);
	ct_json_add_boolean(builder, "self_signed", certificate->self_signed);
	ct_json_add_boolean(builder, "ca_capable", certificate->ca_capable);
	ct_json_add_string(builder, "ca_capable_reason", certificate->ca_reason);
	ct_json_add_int(builder, "version", certificate->version);
	if (role != NULL)
		ct_json_add_string(builder, "role", role);
	ct_json_add_string(builder, "signature_algorithm", certificate->signature_algorithm);
	ct_json_begin_object_member(builder, "public_key");
	ct_json_add_string(builder, "algorithm", certificate->public_key_algorithm);
	ct_json_add_int(builder, "bits", certificate->public_key_bits);
	if (certificate->public_key_curve != NULL)
		ct_json_add_string(builder, "curve", certificate->public_key_curve);
	json_builder_end_object(builder);
	ct_json_add_boolean(builder, "has_san", certificate->has_san);
	ct_json_add_string_array(builder, "san_dns", certificate->san_dns);
	ct_json_add_string_array(builder, "san_ip", certificate->san_ip);
	ct_json_begin_array_member(builder, "extensions");
	for (guint i = 0; i < certificate->extensions->len; i++) {
		CtExtension *extension = g_ptr_array_index(certificate->extensions, i);
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "oid", extension->oid);
		ct_json_add_string(builder, "name", extension->name);
		ct_json_add_string(builder, "label", extension->label);
		ct_json_add_boolean(builder, "critical", extension->critical);
		ct_json_add_string(builder, "value", extension->value);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
}

void
ct_json_add_chain_members(JsonBuilder *builder, CtChain *chain)
{
	g_autoptr(GPtrArray) problems = ct_chain_get_problem_names(chain);

	ct_json_add_string(builder, "source", chain->source);
	ct_json_begin_array_member(builder, "certificates");
	for (guint i = 0; i < chain->certificates->len; i++) {
		CtChainRole role = ct_chain_get_role(chain, i);
		ct_json_add_certificate(builder, g_ptr_array_index(chain->certificates, i),
					ct_chain_role_to_string(role));
	}
	json_builder_end_array(builder);
	ct_json_add_string_array(builder, "problems", problems);
	/* where a first access went, when the chain came from a server */
	if (chain->peer != NULL) {
		ct_json_add_string(builder, "peer", chain->peer);
		ct_json_add_int(builder, "http_status", chain->http_status);
		ct_json_add_string(builder, "page_title", chain->page_title);
		ct_json_add_string(builder, "tls_version",
				   ct_chain_tls_version_to_string(chain->tls_version));
		ct_json_add_redirect(builder, chain);
	}
}

void
ct_json_add_redirect(JsonBuilder *builder, CtChain *chain)
{
	if (chain->http_status < 300 || chain->http_status > 399)
		return;
	ct_json_begin_object_member(builder, "redirect");
	ct_json_add_int(builder, "status", chain->http_status);
	ct_json_add_string(builder, "location", chain->redirect);
	ct_json_add_boolean(builder, "followed", FALSE);
	json_builder_end_object(builder);
}

void
ct_json_add_chains_members(JsonBuilder *builder, GPtrArray *chains)
{
	if (chains->len == 1) {
		ct_json_add_chain_members(builder, g_ptr_array_index(chains, 0));
		return;
	}
	ct_json_begin_array_member(builder, "results");
	for (guint i = 0; i < chains->len; i++) {
		json_builder_begin_object(builder);
		ct_json_add_chain_members(builder, g_ptr_array_index(chains, i));
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

/* json-glib escapes only C0: DEL, C1 and invisible characters become \u escapes (UTF-16
 * surrogate pairs beyond the BMP). They occur only inside strings (never in the layout),
 * so the document keeps its meaning and a parser gets the very text back */
static gchar *
ct_json_escape_invisible(const gchar *json)
{
	GString *out = g_string_sized_new(strlen(json) + 16);

	for (const gchar *p = json; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c < 0x7f || !ct_escape_is_invisible(c)) {
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
		} else if (c > 0xffff) {
			c -= 0x10000;
			g_string_append_printf(out, "\\u%04x\\u%04x", 0xd800 + (c >> 10),
					       0xdc00 + (c & 0x3ff));
		} else {
			g_string_append_printf(out, "\\u%04x", c);
		}
	}
	return g_string_free(out, FALSE);
}

gchar *
ct_json_to_string(JsonBuilder *builder, gboolean pretty)
{
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(builder);
	g_autofree gchar *text = NULL;

	json_generator_set_pretty(generator, pretty);
	json_generator_set_root(generator, root);
	text = json_generator_to_data(generator, NULL);
	/* every string was made valid UTF-8 before it went in (ct_json_add_string) */
	if (!g_utf8_validate(text, -1, NULL))
		return g_steal_pointer(&text);
	return ct_json_escape_invisible(text);
}

/* the member's node when it holds a plain value of type */
static JsonNode *
ct_json_get_value(JsonObject *object, const gchar *member, GType type)
{
	JsonNode *node = object != NULL ? json_object_get_member(object, member) : NULL;
	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != type)
		return NULL;
	return node;
}

JsonObject *
ct_json_get_object(JsonObject *object, const gchar *member)
{
	JsonNode *node = object != NULL ? json_object_get_member(object, member) : NULL;
	return ct_json_node_get_object(node);
}

JsonArray *
ct_json_get_array(JsonObject *object, const gchar *member)
{
	JsonNode *node = object != NULL ? json_object_get_member(object, member) : NULL;
	return node != NULL && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
}

const gchar *
ct_json_get_string(JsonObject *object, const gchar *member)
{
	JsonNode *node = ct_json_get_value(object, member, G_TYPE_STRING);
	return node != NULL ? json_node_get_string(node) : NULL;
}

gint64
ct_json_get_int(JsonObject *object, const gchar *member)
{
	JsonNode *node = ct_json_get_value(object, member, G_TYPE_INT64);
	return node != NULL ? json_node_get_int(node) : -1;
}

gint
ct_json_get_boolean(JsonObject *object, const gchar *member)
{
	JsonNode *node = ct_json_get_value(object, member, G_TYPE_BOOLEAN);
	if (node == NULL)
		return -1;
	return json_node_get_boolean(node) ? 1 : 0;
}

JsonObject *
ct_json_node_get_object(JsonNode *node)
{
	return node != NULL && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

void
ct_json_add_error(JsonBuilder *builder, const GError *error)
{
	ct_json_begin_object_member(builder, "error");
	ct_json_add_string(builder, "domain", g_quark_to_string(error->domain));
	ct_json_add_int(builder, "code", error->code);
	ct_json_add_string(builder, "name", ct_error_to_string(error->code));
	ct_json_add_int(builder, "exit_status", ct_error_get_exit_status(error));
	ct_json_add_string(builder, "message", error->message);
	json_builder_end_object(builder);
}
