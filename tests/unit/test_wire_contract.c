/* The wire contract (wire_contract.h): one list of error codes from the C tables, each code
 * once, each told in Japanese and English with what to do next; the limits of framing.h and
 * request.h. */
#include "wire_contract.h"

#include <glib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static gboolean
is_code_name(const char *name)
{
	if (name == NULL || *name == '\0' || *name == '-')
		return FALSE;
	for (const char *p = name; *p != '\0'; p++) {
		if (!g_ascii_islower(*p) && *p != '-')
			return FALSE;
	}
	return TRUE;
}

static void
test_every_code_is_listed_once_with_texts(void **state)
{
	(void)state;
	json_t *contract = bridge_wire_contract_json();
	json_t *codes = json_object_get(contract, "errors");
	assert_int_equal(json_array_size(codes), JPKI_ERROR_LAST + BRIDGE_ERROR_LAST);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	size_t i;
	json_t *entry;
	json_array_foreach(codes, i, entry)
	{
		const char *name = json_string_value(json_object_get(entry, "code"));
		if (!is_code_name(name))
			fail_msg("not a code name: %s", name != NULL ? name : "(none)");
		if (!g_hash_table_add(seen, g_strdup(name)))
			fail_msg("%s is listed twice: two tables give it", name);
		for (guint part = 0; part < 2; part++) {
			json_t *text = json_object_get(entry, part == 0 ? "summary" : "advice");
			const char *ja = json_string_value(json_object_get(text, "ja"));
			const char *en = json_string_value(json_object_get(text, "en"));
			assert_non_null(ja);
			assert_non_null(en);
			assert_true(strlen(en) > 10);
			assert_string_not_equal(ja, en);
		}
	}
	json_decref(contract);
}

static void
test_codes_are_in_table_order(void **state)
{
	(void)state;
	json_t *contract = bridge_wire_contract_json();
	json_t *codes = json_object_get(contract, "errors");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(codes, JPKI_ERROR_PIN_BLOCKED), "code")),
			    "pin-blocked");
	json_t *first_host = json_array_get(codes, JPKI_ERROR_LAST + BRIDGE_ERROR_INVALID_REQUEST);
	assert_string_equal(json_string_value(json_object_get(first_host, "code")),
			    "invalid-request");
	assert_string_equal(json_string_value(json_object_get(first_host, "from")), "host");
	json_decref(contract);
}

static void
test_limits_are_the_ones_the_parser_applies(void **state)
{
	(void)state;
	json_t *contract = bridge_wire_contract_json();
	json_t *limits = json_object_get(contract, "limits");
	assert_int_equal(json_integer_value(json_object_get(limits, "requestMaxBytes")), 8192);
	assert_int_equal(json_integer_value(json_object_get(limits, "replyMaxBytes")), 1048576);
	assert_int_equal(json_integer_value(json_object_get(limits, "originMaxLength")), 255);
	assert_int_equal(json_integer_value(json_object_get(limits, "challengeNonceMinLength")),
			 44);
	assert_int_equal(json_integer_value(json_object_get(limits, "challengeNonceMaxLength")),
			 128);
	assert_int_equal(json_integer_value(json_object_get(limits, "certificateMaxLength")), 4096);
	json_decref(contract);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_is_listed_once_with_texts),
		cmocka_unit_test(test_codes_are_in_table_order),
		cmocka_unit_test(test_limits_are_the_ones_the_parser_applies),
	};
	return cmocka_run_group_tests_name("wire contract", tests, NULL, NULL);
}
