/* Requests are taken exactly as docs/protocol.md writes them and nothing
 * else: tests/bridge/malformed-requests.txt holds what must be refused, with
 * the code and the message each must get, and tests/bridge/origins.txt what
 * each origin gets (the extension's tests read it too). */
#include "request.h"

#include "framing.h"

#include <jansson.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define ORIGIN   "https://example.jp"
#define NONCE    "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
#define HASH_256 "pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4s="
#define HASH_384 "pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4vBNibkPcs43bCCSIkn7JBP"
#define HASH_512                                                                                   \
	"pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4vBNibkPcs43bCCSIkn7JBPtCBXRDmD6IWFF51QVRr+Yg=="
#define CERTIFICATE "MIIBCgKCAQEAtest+/A="

static BridgeRequest *
parse_text(const char *json, gboolean allow_http_loopback, GError **error)
{
	return bridge_request_parse((const guint8 *)json, strlen(json), allow_http_loopback, error);
}

static BridgeRequest *
parse_ok(const char *json, gboolean allow_http_loopback)
{
	g_autoptr(GError) error = NULL;
	BridgeRequest *request = parse_text(json, allow_http_loopback, &error);
	if (request == NULL)
		fail_msg("refused %s: %s", json, error->message);
	return request;
}

static gboolean
is_printable_ascii(const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < ' ' || *p > '~')
			return FALSE;
	}
	return TRUE;
}

static void
assert_refused_bytes(const guint8 *json, gsize len, gboolean allow_http_loopback,
		     BridgeErrorCode code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(BridgeRequest) request =
		bridge_request_parse(json, len, allow_http_loopback, &error);
	assert_null(request);
	assert_non_null(error);
	assert_int_equal(error->domain, BRIDGE_ERROR);
	if (error->code != (gint)code)
		fail_msg("%.*s: %s, not %s (%s)", (int)MIN(len, 200), (const char *)json,
			 bridge_error_code_name((BridgeErrorCode)error->code),
			 bridge_error_code_name(code), error->message);
	assert_true(is_printable_ascii(error->message));
}

static void
assert_refused(const char *json, gboolean allow_http_loopback, BridgeErrorCode code)
{
	assert_refused_bytes((const guint8 *)json, strlen(json), allow_http_loopback, code);
}

static char *
refusal_message(const char *json)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(BridgeRequest) request = parse_text(json, FALSE, &error);
	assert_null(request);
	assert_non_null(error);
	return g_strdup(error->message);
}

static gboolean
code_from_name(const char *name, BridgeErrorCode *code)
{
	for (guint i = 0; i < BRIDGE_ERROR_LAST; i++) {
		if (strcmp(name, bridge_error_code_name((BridgeErrorCode)i)) == 0) {
			*code = (BridgeErrorCode)i;
			return TRUE;
		}
	}
	return FALSE;
}

/* The lines of a table in tests/bridge/ that hold a case: not empty, not a
 * comment. Fails the test on a line that appears twice. */
static GPtrArray *
table_cases(const char *name)
{
	g_autofree char *dir = g_path_get_dirname(MALFORMED_REQUESTS);
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autofree char *contents = NULL;
	gsize size = 0;
	g_autoptr(GError) error = NULL;
	if (!g_file_get_contents(path, &contents, &size, &error))
		fail_msg("%s", error->message);
	assert_int_equal(strlen(contents), size); /* no NUL byte hides a line */

	GPtrArray *cases = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	g_auto(GStrv) lines = g_strsplit(contents, "\n", -1);
	for (guint n = 0; lines[n] != NULL; n++) {
		if (lines[n][0] == '\0' || lines[n][0] == '#')
			continue;
		if (!g_hash_table_add(seen, lines[n]))
			fail_msg("%s line %u appears twice: %.200s", name, n + 1, lines[n]);
		g_ptr_array_add(cases, g_strdup(lines[n]));
	}
	return cases;
}

static void
test_every_malformed_request_in_the_file_gets_its_code_and_message(void **state)
{
	(void)state;
	g_autoptr(GPtrArray) cases = table_cases("malformed-requests.txt");
	guint checked = 0;
	guint failures = 0;
	for (guint n = 0; n < cases->len; n++) {
		g_auto(GStrv) fields = g_strsplit(g_ptr_array_index(cases, n), "\t", -1);
		if (g_strv_length(fields) != 3)
			fail_msg("case %u has not 3 tab-separated fields: %.200s", n + 1,
				 (const char *)g_ptr_array_index(cases, n));
		const char *code_name = fields[0], *json = fields[1], *detail = fields[2];
		BridgeErrorCode expected = BRIDGE_ERROR_LAST;
		if (!code_from_name(code_name, &expected))
			fail_msg("case %u: no code \"%s\"", n + 1, code_name);

		g_autoptr(GError) refusal = NULL;
		g_autoptr(BridgeRequest) request =
			bridge_request_parse((const guint8 *)json, strlen(json), FALSE, &refusal);
		checked++;
		if (request != NULL) {
			print_error("%.200s: accepted\n", json);
			failures++;
		} else if (refusal->domain != BRIDGE_ERROR || refusal->code != (gint)expected) {
			print_error("%.200s: %s, not %s (%s)\n", json,
				    bridge_error_code_name((BridgeErrorCode)refusal->code),
				    code_name, refusal->message);
			failures++;
		} else if (!is_printable_ascii(refusal->message)) {
			print_error("%.200s: the message is not printable ASCII\n", json);
			failures++;
		} else if (strstr(refusal->message, detail) == NULL) {
			print_error("%.200s: \"%s\" does not say \"%s\"\n", json, refusal->message,
				    detail);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	assert_int_equal(checked, cases->len);
}

/* tests/bridge/origins.txt, which the extension's tests read too: what each
 * origin gets, with the development switch off and on. */
static void
test_every_origin_in_the_shared_table_gets_its_verdict(void **state)
{
	(void)state;
	g_autoptr(GPtrArray) cases = table_cases("origins.txt");
	guint failures = 0;
	for (guint n = 0; n < cases->len; n++) {
		g_auto(GStrv) fields = g_strsplit(g_ptr_array_index(cases, n), "\t", -1);
		guint count = g_strv_length(fields);
		if (count != 2 && count != 3)
			fail_msg("origins.txt: \"%s\" has not 2 or 3 fields", fields[0]);
		for (guint development = 0; development <= 1; development++) {
			const char *verdict = fields[development == 1 && count == 3 ? 2 : 1];
			json_t *request = json_pack("{s:s, s:{s:s}}", "command", "status",
						    "arguments", "origin", fields[0]);
			g_autofree char *json = json_dumps(request, JSON_COMPACT);
			json_decref(request);
			g_autoptr(GError) error = NULL;
			g_autoptr(BridgeRequest) parsed =
				parse_text(json, development == 1, &error);
			const char *got =
				parsed != NULL
					? "accepted"
					: bridge_error_code_name((BridgeErrorCode)error->code);
			if (strcmp(got, verdict) != 0) {
				print_error("%s%s: %s, not %s%s%s\n", fields[0],
					    development ? " (development)" : "", got, verdict,
					    error != NULL ? ": " : "",
					    error != NULL ? error->message : "");
				failures++;
			} else if (parsed != NULL) {
				assert_string_equal(parsed->origin, fields[0]);
			}
		}
	}
	assert_int_equal(failures, 0);
}

static void
test_status_and_the_other_origin_only_commands_parse(void **state)
{
	(void)state;
	const struct {
		const char *name;
		BridgeCommand command;
	} commands[] = {
		{"status", BRIDGE_CMD_STATUS},
		{"get-signing-certificate", BRIDGE_CMD_GET_SIGNING_CERTIFICATE},
		{"read-attributes", BRIDGE_CMD_READ_ATTRIBUTES},
	};
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		g_autofree char *json = g_strdup_printf(
			"{\"command\": \"%s\", \"arguments\": {\"origin\": \"" ORIGIN "\"}}",
			commands[i].name);
		g_autoptr(BridgeRequest) request = parse_ok(json, FALSE);
		assert_int_equal(request->command, commands[i].command);
		assert_string_equal(bridge_command_name(request->command), commands[i].name);
		assert_string_equal(request->origin, ORIGIN);
		assert_null(request->challenge_nonce);
		assert_null(request->hash);
		assert_null(request->certificate);
	}
}

static void
test_authenticate_keeps_the_nonce_as_text(void **state)
{
	(void)state;
	g_autoptr(BridgeRequest) request =
		parse_ok("{\"arguments\": {\"challengeNonce\": \"" NONCE "\", \"origin\": "
			 "\"" ORIGIN "\"}, \"command\": \"authenticate\"}",
			 FALSE);
	assert_int_equal(request->command, BRIDGE_CMD_AUTHENTICATE);
	assert_string_equal(request->origin, ORIGIN);
	assert_string_equal(request->challenge_nonce, NONCE);
}

static void
test_nonce_of_44_and_128_characters_is_accepted_and_not_one_more_or_less(void **state)
{
	(void)state;
	for (gsize len = 40; len <= 132; len += 4) {
		g_autofree char *nonce = g_strnfill(len, 'A');
		g_autofree char *json = g_strdup_printf(
			"{\"command\": \"authenticate\", \"arguments\": {\"origin\": \"" ORIGIN
			"\", \"challengeNonce\": \"%s\"}}",
			nonce);
		if (len >= 44 && len <= 128) {
			g_autoptr(BridgeRequest) request = parse_ok(json, FALSE);
			assert_int_equal(strlen(request->challenge_nonce), len);
		} else {
			assert_refused(json, FALSE, BRIDGE_ERROR_INVALID_REQUEST);
		}
	}
}

static void
test_sign_decodes_hash_and_certificate_for_every_hash_function(void **state)
{
	(void)state;
	const struct {
		const char *name;
		const char *hash;
		JpkiHashAlg alg;
	} cases[] = {
		{"SHA-256", HASH_256, JPKI_HASH_SHA256},
		{"SHA-384", HASH_384, JPKI_HASH_SHA384},
		{"SHA-512", HASH_512, JPKI_HASH_SHA512},
	};
	gsize certificate_len = 0;
	g_autofree guchar *certificate = g_base64_decode(CERTIFICATE, &certificate_len);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *json = g_strdup_printf(
			"{\"command\": \"sign\", \"arguments\": {\"origin\": \"" ORIGIN
			"\", \"hash\": \"%s\", \"hashFunction\": \"%s\", \"certificate\": "
			"\"" CERTIFICATE "\"}}",
			cases[i].hash, cases[i].name);
		g_autoptr(BridgeRequest) request = parse_ok(json, FALSE);
		assert_int_equal(request->command, BRIDGE_CMD_SIGN);
		assert_int_equal(request->hash_alg, cases[i].alg);
		assert_int_equal(g_bytes_get_size(request->hash), jpki_hash_length(cases[i].alg));
		gsize expected_len = 0;
		g_autofree guchar *expected = g_base64_decode(cases[i].hash, &expected_len);
		assert_memory_equal(g_bytes_get_data(request->hash, NULL), expected, expected_len);
		assert_int_equal(g_bytes_get_size(request->certificate), certificate_len);
		assert_memory_equal(g_bytes_get_data(request->certificate, NULL), certificate,
				    certificate_len);
		assert_null(request->challenge_nonce);
	}
}

static void
test_sign_cms_takes_the_digest_as_its_hash(void **state)
{
	(void)state;
	g_autoptr(BridgeRequest) request =
		parse_ok("{\"command\": \"sign-cms\", \"arguments\": {\"origin\": \"" ORIGIN
			 "\", \"digest\": \"" HASH_384 "\", \"hashFunction\": \"SHA-384\"}}",
			 FALSE);
	assert_int_equal(request->command, BRIDGE_CMD_SIGN_CMS);
	assert_int_equal(request->hash_alg, JPKI_HASH_SHA384);
	assert_int_equal(g_bytes_get_size(request->hash), 48);
	assert_null(request->certificate);
}

static void
test_quit_takes_an_empty_object(void **state)
{
	(void)state;
	g_autoptr(BridgeRequest) request =
		parse_ok("{\"command\":\"quit\",\"arguments\":{}}", FALSE);
	assert_int_equal(request->command, BRIDGE_CMD_QUIT);
	assert_null(request->origin);
}

static void
test_certificate_of_4096_characters_is_accepted_and_4100_refused(void **state)
{
	(void)state;
	for (gsize len = 4096; len <= 4100; len += 4) {
		g_autofree char *certificate = g_strnfill(len, 'A');
		g_autofree char *json = g_strdup_printf(
			"{\"command\": \"sign\", \"arguments\": {\"origin\": \"" ORIGIN
			"\", \"hash\": \"" HASH_256 "\", \"hashFunction\": \"SHA-256\", "
			"\"certificate\": \"%s\"}}",
			certificate);
		if (len == 4096) {
			g_autoptr(BridgeRequest) request = parse_ok(json, FALSE);
			assert_int_equal(g_bytes_get_size(request->certificate), 3072);
		} else {
			assert_refused(json, FALSE, BRIDGE_ERROR_INVALID_REQUEST);
		}
	}
}

static void
test_origin_policy_comes_after_every_other_check(void **state)
{
	(void)state;
	assert_refused("{\"command\": \"authenticate\", \"arguments\": {\"origin\": "
		       "\"http://example.jp\", \"challengeNonce\": \"" NONCE "\"}}",
		       FALSE, BRIDGE_ERROR_ORIGIN_NOT_ALLOWED);
	assert_refused("{\"command\": \"authenticate\", \"arguments\": {\"origin\": "
		       "\"http://example.jp\", \"challengeNonce\": \"short\"}}",
		       FALSE, BRIDGE_ERROR_INVALID_REQUEST);
	assert_refused("{\"command\": \"authenticate\", \"arguments\": {\"origin\": "
		       "\"http://example.jp\"}}",
		       FALSE, BRIDGE_ERROR_INVALID_REQUEST);
}

static void
test_messages_name_the_key_at_fault(void **state)
{
	(void)state;
	const struct {
		const char *json;
		const char *named;
	} cases[] = {
		{"{\"command\": \"authenticate\", \"arguments\": {\"origin\": \"" ORIGIN "\"}}",
		 "\"challengeNonce\""},
		{"{\"command\": \"status\", \"arguments\": {\"origin\": \"" ORIGIN
		 "\", \"tabId\": \"1\"}}",
		 "\"tabId\""},
		{"{\"command\": \"status\", \"arguments\": {}, \"id\": 1}", "\"id\""},
		{"{\"arguments\": {}}", "\"command\""},
		{"{\"command\": \"quit\"}", "\"arguments\""},
		{"{\"command\": \"sign-cms\", \"arguments\": {\"origin\": \"" ORIGIN
		 "\", \"digest\": 5, \"hashFunction\": \"SHA-256\"}}",
		 "\"digest\""},
		{"{\"command\": \"sign-cms\", \"arguments\": {\"origin\": \"" ORIGIN
		 "\", \"digest\": \"" HASH_512 "\", \"hashFunction\": \"SHA-256\"}}",
		 "\"digest\""},
		{"{\"command\": \"sign\", \"arguments\": {\"origin\": \"" ORIGIN
		 "\", \"hash\": \"" HASH_256 "\", \"hashFunction\": \"sha256\", "
		 "\"certificate\": \"" CERTIFICATE "\"}}",
		 "\"hashFunction\""},
		{"{\"command\": \"sign\", \"arguments\": {\"origin\": \"" ORIGIN
		 "\", \"hash\": \"" HASH_256 "\", \"hashFunction\": \"SHA-256\", "
		 "\"certificate\": \"MII\"}}",
		 "\"certificate\""},
		{"{\"command\": \"status\", \"arguments\": {\"origin\": \"https://a.jp/\"}}",
		 "\"origin\""},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *message = refusal_message(cases[i].json);
		if (strstr(message, cases[i].named) == NULL)
			fail_msg("\"%s\" does not name %s", message, cases[i].named);
	}
}

static void
test_messages_show_hostile_text_short_and_escaped(void **state)
{
	(void)state;
	g_autofree char *long_key = g_strnfill(3000, 'k');
	g_autofree char *json =
		g_strdup_printf("{\"command\": \"status\", \"arguments\": {\"origin\": \"" ORIGIN
				"\", \"\\u001b[31m%s\": \"x\"}}",
				long_key);
	g_autofree char *message = refusal_message(json);
	assert_true(is_printable_ascii(message));
	assert_true(strlen(message) < 200);
	assert_null(strchr(message, '\x1b'));

	g_autofree char *command = refusal_message(
		"{\"command\": \"st\\u00e4tus\\n\", \"arguments\": {\"origin\": \"" ORIGIN "\"}}");
	assert_true(is_printable_ascii(command));
}

static void
test_raw_nul_bytes_and_empty_input_are_invalid(void **state)
{
	(void)state;
	static const char in_string[] =
		"{\"command\": \"status\", \"arguments\": {\"origin\": \"https://a\0.jp\"}}";
	assert_refused_bytes((const guint8 *)in_string, sizeof(in_string) - 1, FALSE,
			     BRIDGE_ERROR_INVALID_REQUEST);
	static const char after_object[] = "{\"command\":\"quit\",\"arguments\":{}}\0";
	assert_refused_bytes((const guint8 *)after_object, sizeof(after_object), FALSE,
			     BRIDGE_ERROR_INVALID_REQUEST);
	assert_refused_bytes((const guint8 *)"", 0, FALSE, BRIDGE_ERROR_INVALID_REQUEST);
	assert_refused_bytes(NULL, 0, FALSE, BRIDGE_ERROR_INVALID_REQUEST);
	assert_refused("   ", FALSE, BRIDGE_ERROR_INVALID_REQUEST);
}

static void
test_request_over_8_kib_is_too_large_even_past_the_framing(void **state)
{
	(void)state;
	const char *quit = "{\"command\":\"quit\",\"arguments\":{}}";
	g_autofree char *padded = g_malloc(BRIDGE_MAX_REQUEST_LEN + 2);
	memset(padded, ' ', BRIDGE_MAX_REQUEST_LEN + 1);
	memcpy(padded, quit, strlen(quit));
	padded[BRIDGE_MAX_REQUEST_LEN + 1] = '\0';

	g_autoptr(GError) error = NULL;
	g_autoptr(BridgeRequest) request =
		bridge_request_parse((const guint8 *)padded, BRIDGE_MAX_REQUEST_LEN, FALSE, &error);
	assert_non_null(request);
	assert_int_equal(request->command, BRIDGE_CMD_QUIT);
	assert_refused_bytes((const guint8 *)padded, BRIDGE_MAX_REQUEST_LEN + 1, FALSE,
			     BRIDGE_ERROR_REQUEST_TOO_LARGE);
}

static void
test_error_code_names_are_the_protocol_strings(void **state)
{
	(void)state;
	assert_string_equal(bridge_error_code_name(BRIDGE_ERROR_INVALID_REQUEST),
			    "invalid-request");
	assert_string_equal(bridge_error_code_name(BRIDGE_ERROR_UNKNOWN_COMMAND),
			    "unknown-command");
	assert_string_equal(bridge_error_code_name(BRIDGE_ERROR_REQUEST_TOO_LARGE),
			    "request-too-large");
	assert_string_equal(bridge_error_code_name(BRIDGE_ERROR_ORIGIN_NOT_ALLOWED),
			    "origin-not-allowed");
	assert_string_equal(bridge_error_code_name(BRIDGE_ERROR_LAST), "internal-error");
	assert_string_equal(bridge_command_name(BRIDGE_CMD_SIGN_CMS), "sign-cms");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_every_malformed_request_in_the_file_gets_its_code_and_message),
		cmocka_unit_test(test_every_origin_in_the_shared_table_gets_its_verdict),
		cmocka_unit_test(test_status_and_the_other_origin_only_commands_parse),
		cmocka_unit_test(test_authenticate_keeps_the_nonce_as_text),
		cmocka_unit_test(
			test_nonce_of_44_and_128_characters_is_accepted_and_not_one_more_or_less),
		cmocka_unit_test(test_sign_decodes_hash_and_certificate_for_every_hash_function),
		cmocka_unit_test(test_sign_cms_takes_the_digest_as_its_hash),
		cmocka_unit_test(test_quit_takes_an_empty_object),
		cmocka_unit_test(test_certificate_of_4096_characters_is_accepted_and_4100_refused),
		cmocka_unit_test(test_origin_policy_comes_after_every_other_check),
		cmocka_unit_test(test_messages_name_the_key_at_fault),
		cmocka_unit_test(test_messages_show_hostile_text_short_and_escaped),
		cmocka_unit_test(test_raw_nul_bytes_and_empty_input_are_invalid),
		cmocka_unit_test(test_request_over_8_kib_is_too_large_even_past_the_framing),
		cmocka_unit_test(test_error_code_names_are_the_protocol_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
