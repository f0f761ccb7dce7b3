/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "ct-chain.h"

/* start the member's array or object (json_builder_end_array/_object ends it) */
void
ct_json_begin_array_member(JsonBuilder *builder, const gchar *member);
void
ct_json_begin_object_member(JsonBuilder *builder, const gchar *member);

/* one member of the open object, "member": value. Strings are written as valid UTF-8 (a
 * certificate's bytes that are not are replaced); a NULL string is null */
void
ct_json_add_string(JsonBuilder *builder, const gchar *member, const gchar *value);
/* the same, but no member at all for a NULL string */
void
ct_json_add_optional_string(JsonBuilder *builder, const gchar *member, const gchar *value);
void
ct_json_add_int(JsonBuilder *builder, const gchar *member, gint64 value);
void
ct_json_add_boolean(JsonBuilder *builder, const gchar *member, gboolean value);
void
ct_json_add_double(JsonBuilder *builder, const gchar *member, gdouble value);
/* "member": [strings (gchar*), as valid UTF-8]; [] for NULL values */
void
ct_json_add_string_array(JsonBuilder *builder, const gchar *member, GPtrArray *values);

/* the certificate object of docs/cli.md (plus role and extras) */
void
ct_json_add_certificate(JsonBuilder *builder, CtCertificate *certificate, const gchar *role);
/* {"source","certificates":[...],"problems":[...]} members, into an open object */
void
ct_json_add_chain_members(JsonBuilder *builder, CtChain *chain);
/* "redirect": {"status","location","followed":false} when the first access was answered
 * with a 3xx (never followed); nothing otherwise */
void
ct_json_add_redirect(JsonBuilder *builder, CtChain *chain);
/* one chain's members, or "results": [one object per chain] for several */
void
ct_json_add_chains_members(JsonBuilder *builder, GPtrArray *chains);
gchar *
ct_json_to_string(JsonBuilder *builder, gboolean pretty);

/* typed readers of an object's member, for what came from a file or over a wire: NULL (or
 * the stated fallback) when the object is NULL, the member is missing or holds another type */
JsonObject *
ct_json_get_object(JsonObject *object, const gchar *member);
JsonArray *
ct_json_get_array(JsonObject *object, const gchar *member);
const gchar *
ct_json_get_string(JsonObject *object, const gchar *member);
/* -1 when not an integer */
gint64
ct_json_get_int(JsonObject *object, const gchar *member);
/* 1 for true, 0 for false, -1 when not a boolean */
gint
ct_json_get_boolean(JsonObject *object, const gchar *member);
/* the object a node holds, or NULL */
JsonObject *
ct_json_node_get_object(JsonNode *node);

/* the member "error": {"domain","code","name","exit_status","message"} of the document
 * every certtrust program prints when it ends with error (docs/cli.md) */
void
ct_json_add_error(JsonBuilder *builder, const GError *error);
