/* The one check of a JSON object's shape (json_shape.h): which fault is named first, and in
 * the caller's error domain. */
#include "jansson_autoptr.h"
#include "jpki_error.h"
#include "json_shape.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static const JpkiJsonKey keys[] = {
	{"command", JSON_STRING}, {"arguments", JSON_OBJECT}, {NULL, JSON_NULL}};

static void
assert_refused(const char *json, const char *message)
{
	g_autoptr(json_t) value = json_loads(json, JSON_DECODE_ANY, NULL);
	g_autoptr(GError) error = NULL;
	assert_false(jpki_json_check_object(value, keys, "request", JPKI_ERROR,
					    JPKI_ERROR_INVALID_INPUT, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
	if (strstr(error->message, message) == NULL)
		fail_msg("%s: expected \"%s\", got \"%s\"", json, message, error->message);
}

static void
test_exactly_the_keys_of_their_types_pass(void **state)
{
	(void)state;
	g_autoptr(json_t) value = json_loads("{\"command\": \"x\", \"arguments\": {}}", 0, NULL);
	assert_true(jpki_json_check_object(value, keys, "request", JPKI_ERROR,
					   JPKI_ERROR_INVALID_INPUT, NULL));
}

static void
test_faults_are_named_in_order(void **state)
{
	(void)state;
	assert_refused("[]", "the request must be a JSON object, not an array");
	/* An unknown key before a missing one, a missing one before a wrong type. */
	assert_refused("{\"command\": 1, \"id\": 1}", "request: unknown key \"id\"");
	assert_refused("{\"command\": 1}", "request: missing key \"arguments\"");
	assert_refused("{\"command\": 1, \"arguments\": {}}",
		       "\"command\" must be a string, not a number");
	assert_refused("{\"command\": \"\", \"arguments\": {}}", "\"command\" must not be empty");
	assert_refused("{\"command\": \"x\", \"arguments\": null}",
		       "\"arguments\" must be an object, not null");
}

static void
test_a_hostile_key_is_shown_short_and_printable(void **state)
{
	(void)state;
	g_autofree char *long_key = g_strnfill(100, 'k');
	g_autofree char *json = g_strdup_printf("{\"%s\\n\": 1}", long_key);
	assert_refused(json, "unknown key \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...\"");
	assert_refused("{\"a\\nb\": 1}", "unknown key \"a\\nb\"");
}

static const JpkiJsonKey string_keys[] = {
	{"a", JSON_STRING}, {"bb", JSON_STRING}, {NULL, JSON_NULL}};

static gboolean
scanned(const char *json)
{
	JpkiJsonSpan values[2];
	return jpki_json_scan_plain_strings(json, strlen(json), string_keys, values);
}

static void
test_the_fast_path_reads_a_flat_object_of_plain_strings(void **state)
{
	(void)state;
	const char *json = " {\"bb\" :\t\"x y\",\n\"a\":\"1\"}\r\n";
	JpkiJsonSpan values[2];
	assert_true(jpki_json_scan_plain_strings(json, strlen(json), string_keys, values));
	assert_int_equal(values[0].len, 1);
	assert_memory_equal(values[0].text, "1", 1);
	assert_int_equal(values[1].len, 3);
	assert_memory_equal(values[1].text, "x y", 3);
}

/* Everything else is left to jansson and jpki_json_check_object(), which give the verdict. */
static void
test_the_fast_path_declines_anything_else(void **state)
{
	(void)state;
	const char *const declined[] = {
		"{\"a\":\"1\",\"bb\":\"\\u0041\"}",       /* an escape */
		"{\"a\":\"1\",\"bb\":\"\xc3\xa9\"}",      /* non-ASCII */
		"{\"a\":\"1\",\"bb\":\"\t\"}",            /* a control character */
		"{\"a\":\"1\",\"a\":\"2\"}",              /* a duplicate */
		"{\"a\":\"1\"}",                          /* a missing key */
		"{\"a\":\"1\",\"bb\":\"2\",\"c\":\"3\"}", /* an unknown key */
		"{\"a\":\"1\",\"bb\":\"\"}",              /* an empty value */
		"{\"a\":1,\"bb\":\"2\"}",                 /* not a string */
		"{\"a\":\"1\",\"bb\":\"2\"} x",           /* text after the object */
		"{\"a\":\"1\",\"bb\":\"2\"",              /* no end */
		"{\"a\":\"1\",\"bb\":\"2\",}",            /* a trailing comma */
	};
	for (guint i = 0; i < G_N_ELEMENTS(declined); i++) {
		if (scanned(declined[i]))
			fail_msg("accepted %s", declined[i]);
	}
	/* A NUL after the object. */
	JpkiJsonSpan values[2];
	assert_false(jpki_json_scan_plain_strings("{\"a\":\"1\",\"bb\":\"2\"}", 19, string_keys,
						  values));
}

/* Long values are read eight bytes at a time: every byte value, at every place within a word
 * and across the end of the value, is accepted exactly when it is printable ASCII other than
 * '"' and '\\' (as a byte at a time would say). */
static void
test_the_fast_path_reads_long_values_as_a_byte_at_a_time_would(void **state)
{
	(void)state;
	for (gsize value_len = 1; value_len <= 40; value_len++) {
		g_autofree char *plain = g_strnfill(value_len, 'M');
		g_autofree char *json = g_strdup_printf("{\"a\":\"%s\",\"bb\":\"x\"}", plain);
		JpkiJsonSpan values[2];
		assert_true(jpki_json_scan_plain_strings(json, strlen(json), string_keys, values));
		assert_int_equal(values[0].len, value_len);
		assert_memory_equal(values[0].text, plain, value_len);
	}
	for (guint byte = 1; byte <= 0xff; byte++) {
		gboolean plain = byte >= 0x20 && byte <= 0x7e && byte != '"' && byte != '\\';
		for (gsize place = 0; place < 24; place++) {
			char value[25];
			memset(value, 'M', 24);
			value[24] = '\0';
			value[place] = (char)byte;
			g_autofree char *json =
				g_strdup_printf("{\"a\":\"%s\",\"bb\":\"x\"}", value);
			JpkiJsonSpan values[2];
			gboolean accepted = jpki_json_scan_plain_strings(json, strlen(json),
									 string_keys, values);
			if (accepted != plain)
				fail_msg("byte 0x%02x at %" G_GSIZE_FORMAT ": %s", byte, place,
					 accepted ? "accepted" : "declined");
			if (accepted)
				assert_int_equal(values[0].len, 24);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exactly_the_keys_of_their_types_pass),
		cmocka_unit_test(test_faults_are_named_in_order),
		cmocka_unit_test(test_a_hostile_key_is_shown_short_and_printable),
		cmocka_unit_test(test_the_fast_path_reads_a_flat_object_of_plain_strings),
		cmocka_unit_test(test_the_fast_path_declines_anything_else),
		cmocka_unit_test(test_the_fast_path_reads_long_values_as_a_byte_at_a_time_would),
	};
	return cmocka_run_group_tests_name("json shape", tests, NULL, NULL);
}
