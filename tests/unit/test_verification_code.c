/* The 照合コード against vectors computed outside this code, with coreutils
 * and OpenSSL's CLI as a portal could (docs/web-api.md):
 *   (printf 'jpki-bridge verification code v1\0%s\0' "$origin"; cat digest.bin) |
 *     openssl dgst -sha256 -binary | base32 | tr 'A-Z2-7' '0-9A-HJKMNP-TV-Z' | cut -c1-6 */
#include "verification_code.h"

#include <openssl/sha.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

/* SHA-256 of the empty string. */
static const guint8 empty_sha256[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
					0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
					0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
					0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

static void
test_code_of_a_sha256_digest_matches_the_vector(void **state)
{
	(void)state;
	g_autofree char *code =
		jpki_verification_code("https://portal.example.jp", empty_sha256, 32);
	assert_string_equal(code, "VV84FV");
}

static void
test_the_same_digest_for_another_origin_gives_another_code(void **state)
{
	(void)state;
	g_autofree char *code = jpki_verification_code("https://evil.example", empty_sha256, 32);
	assert_string_equal(code, "39F7MJ");
}

/* A port belongs to the origin; SHA-384 of "abc" as the digest. */
static void
test_code_of_a_sha384_digest_on_a_port_matches_the_vector(void **state)
{
	(void)state;
	guint8 digest[SHA384_DIGEST_LENGTH];
	SHA384((const unsigned char *)"abc", 3, digest);
	g_autofree char *code =
		jpki_verification_code("https://127.0.0.1:8443", digest, sizeof(digest));
	assert_string_equal(code, "GEX3T1");
}

/* 64 bytes 00..3f, the length of a SHA-512 digest. */
static void
test_code_of_a_64_byte_digest_matches_the_vector(void **state)
{
	(void)state;
	guint8 digest[64];
	for (guint i = 0; i < sizeof(digest); i++)
		digest[i] = (guint8)i;
	g_autofree char *code =
		jpki_verification_code("https://www.myna.go.jp", digest, sizeof(digest));
	assert_string_equal(code, "6ESXPM");
}

/* Whatever the input, only Crockford's 32 characters: none of I, L, O, U. */
static void
test_codes_use_no_look_alike_letters(void **state)
{
	(void)state;
	for (guint i = 0; i < 2000; i++) {
		guint8 digest[32] = {0};
		memcpy(digest, &i, sizeof(i));
		g_autofree char *code =
			jpki_verification_code("https://portal.example.jp", digest, 32);
		assert_int_equal(strlen(code), JPKI_VERIFICATION_CODE_LEN);
		assert_int_equal(strspn(code, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"),
				 JPKI_VERIFICATION_CODE_LEN);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_of_a_sha256_digest_matches_the_vector),
		cmocka_unit_test(test_the_same_digest_for_another_origin_gives_another_code),
		cmocka_unit_test(test_code_of_a_sha384_digest_on_a_port_matches_the_vector),
		cmocka_unit_test(test_code_of_a_64_byte_digest_matches_the_vector),
		cmocka_unit_test(test_codes_use_no_look_alike_letters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
