/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTestJson"

#include "config.h"

#include <criterion/criterion.h>

#include "ct-json.h"
#include "ct-test.h"

/* a document with each member of the wrong type somewhere: what a browser, a page or a
 * hand-edited ledger may send */
static JsonObject *
json_object_from(const gchar *text, JsonParser **parser)
{
	g_autoptr(GError) error = NULL;

	*parser = json_parser_new();
	cr_assert(json_parser_load_from_data(*parser, text, -1, &error), "%s", error->message);
	return json_node_get_object(json_parser_get_root(*parser));
}

Test(json, typed_readers_take_only_their_type)
{
	g_autoptr(JsonParser) parser = NULL;
	JsonObject *object = json_object_from(
	    "{\"s\": \"text\", \"i\": 404, \"b\": false, \"t\": true, \"o\": {\"s\": \"in\"},"
	    " \"a\": [1], \"n\": null, \"f\": 1.5, \"is\": \"404\", \"bs\": \"true\"}",
	    &parser);

	cr_assert_str_eq(ct_json_get_string(object, "s"), "text");
	cr_assert_null(ct_json_get_string(object, "i"));
	cr_assert_null(ct_json_get_string(object, "n"));
	cr_assert_null(ct_json_get_string(object, "o"));
	cr_assert_null(ct_json_get_string(object, "missing"));
	cr_assert_eq(ct_json_get_int(object, "i"), 404);
	cr_assert_eq(ct_json_get_int(object, "is"), -1);
	cr_assert_eq(ct_json_get_int(object, "f"), -1);
	cr_assert_eq(ct_json_get_int(object, "b"), -1);
	cr_assert_eq(ct_json_get_boolean(object, "b"), 0);
	cr_assert_eq(ct_json_get_boolean(object, "t"), 1);
	cr_assert_eq(ct_json_get_boolean(object, "bs"), -1);
	cr_assert_eq(ct_json_get_boolean(object, "i"), -1);
	cr_assert_str_eq(ct_json_get_string(ct_json_get_object(object, "o"), "s"), "in");
	cr_assert_null(ct_json_get_object(object, "a"));
	cr_assert_null(ct_json_get_object(object, "n"));
	cr_assert_eq(json_array_get_length(ct_json_get_array(object, "a")), 1);
	cr_assert_null(ct_json_get_array(object, "o"));
	cr_assert_null(ct_json_node_get_object(json_object_get_member(object, "a")));
	cr_assert_null(ct_json_node_get_object(NULL));
}

/* a member of a member that is not there: no crash, nothing found */
Test(json, readers_accept_no_object)
{
	cr_assert_null(ct_json_get_string(NULL, "s"));
	cr_assert_null(ct_json_get_object(NULL, "o"));
	cr_assert_null(ct_json_get_array(NULL, "a"));
	cr_assert_eq(ct_json_get_int(NULL, "i"), -1);
	cr_assert_eq(ct_json_get_boolean(NULL, "b"), -1);
}

/* the member writers: the bytes json-glib's own pairs write, NULL as null or no member,
 * bytes that are not UTF-8 replaced; read back by json-glib's parser */
Test(json, member_writers_write_each_type_and_valid_utf8)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonBuilder) by_hand = json_builder_new();
	g_autoptr(GPtrArray) values = g_ptr_array_new();
	g_autoptr(JsonParser) parser = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *hand = NULL;
	JsonObject *object;
	JsonArray *array;

	g_ptr_array_add(values, "leaf");
	g_ptr_array_add(values, "caf\xe9");
	json_builder_begin_object(builder);
	ct_json_add_string(builder, "s", "text \"quoted\"");
	ct_json_add_string(builder, "n", NULL);
	ct_json_add_optional_string(builder, "absent", NULL);
	ct_json_add_optional_string(builder, "present", "yes");
	ct_json_add_string(builder, "bad", "caf\xe9");
	ct_json_add_int(builder, "i", -404);
	ct_json_add_int(builder, "big", G_GINT64_CONSTANT(1) << 40);
	ct_json_add_boolean(builder, "t", TRUE);
	ct_json_add_boolean(builder, "f", FALSE);
	ct_json_add_double(builder, "d", 1.5);
	ct_json_add_string_array(builder, "a", values);
	ct_json_add_string_array(builder, "none", NULL);
	json_builder_end_object(builder);
	text = ct_json_to_string(builder, FALSE);

	/* what the hand-written pairs wrote for the same valid members */
	json_builder_begin_object(by_hand);
	json_builder_set_member_name(by_hand, "s");
	json_builder_add_string_value(by_hand, "text \"quoted\"");
	json_builder_set_member_name(by_hand, "n");
	json_builder_add_null_value(by_hand);
	json_builder_set_member_name(by_hand, "present");
	json_builder_add_string_value(by_hand, "yes");
	json_builder_set_member_name(by_hand, "bad");
	json_builder_add_string_value(by_hand, "caf\xef\xbf\xbd");
	json_builder_set_member_name(by_hand, "i");
	json_builder_add_int_value(by_hand, -404);
	json_builder_set_member_name(by_hand, "big");
	json_builder_add_int_value(by_hand, G_GINT64_CONSTANT(1) << 40);
	json_builder_set_member_name(by_hand, "t");
	json_builder_add_boolean_value(by_hand, TRUE);
	json_builder_set_member_name(by_hand, "f");
	json_builder_add_boolean_value(by_hand, FALSE);
	json_builder_set_member_name(by_hand, "d");
	json_builder_add_double_value(by_hand, 1.5);
	json_builder_set_member_name(by_hand, "a");
	json_builder_begin_array(by_hand);
	json_builder_add_string_value(by_hand, "leaf");
	json_builder_add_string_value(by_hand, "caf\xef\xbf\xbd");
	json_builder_end_array(by_hand);
	json_builder_set_member_name(by_hand, "none");
	json_builder_begin_array(by_hand);
	json_builder_end_array(by_hand);
	json_builder_end_object(by_hand);
	hand = ct_json_to_string(by_hand, FALSE);
	cr_assert_str_eq(text, hand);

	cr_assert(g_utf8_validate(text, -1, NULL), "%s", text);
	object = json_object_from(text, &parser);
	cr_assert_str_eq(ct_json_get_string(object, "s"), "text \"quoted\"");
	cr_assert(json_object_has_member(object, "n"));
	cr_assert(JSON_NODE_HOLDS_NULL(json_object_get_member(object, "n")));
	cr_assert_not(json_object_has_member(object, "absent"));
	cr_assert_str_eq(ct_json_get_string(object, "present"), "yes");
	cr_assert_str_eq(ct_json_get_string(object, "bad"), "caf\xef\xbf\xbd");
	cr_assert_eq(ct_json_get_int(object, "i"), -404);
	cr_assert_eq(ct_json_get_int(object, "big"), G_GINT64_CONSTANT(1) << 40);
	cr_assert_eq(ct_json_get_boolean(object, "t"), 1);
	cr_assert_eq(ct_json_get_boolean(object, "f"), 0);
	cr_assert_float_eq(json_object_get_double_member(object, "d"), 1.5, 1e-9);
	array = ct_json_get_array(object, "a");
	cr_assert_eq(json_array_get_length(array), 2);
	cr_assert_str_eq(json_array_get_string_element(array, 1), "caf\xef\xbf\xbd");
	cr_assert_eq(json_array_get_length(ct_json_get_array(object, "none")), 0);
}
