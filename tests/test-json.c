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
