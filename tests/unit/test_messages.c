/* Every error a user can meet is told in Japanese and in English, with what
 * to do next, and has a stable code name. */
#include "messages.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static gboolean
has_non_ascii(const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			return TRUE;
	}
	return FALSE;
}

static void
test_every_error_has_japanese_and_english_text_and_advice(void **state)
{
	(void)state;
	for (guint code = 0; code < JPKI_ERROR_LAST; code++) {
		for (guint part = 0; part < 2; part++) {
			const char *(*text)(JpkiErrorCode, JpkiLang) =
				part == 0 ? jpki_error_summary : jpki_error_advice;
			const char *ja = text((JpkiErrorCode)code, JPKI_LANG_JA);
			const char *en = text((JpkiErrorCode)code, JPKI_LANG_EN);
			assert_non_null(ja);
			assert_non_null(en);
			assert_true(has_non_ascii(ja));
			assert_true(!has_non_ascii(en) || strstr(en, "住基") != NULL);
			assert_true(strlen(en) > 10);
			assert_string_not_equal(ja, en);
		}
	}
}

static void
test_code_names_are_stable_and_unique(void **state)
{
	(void)state;
	assert_string_equal(jpki_error_code_name(JPKI_ERROR_PIN_BLOCKED), "pin-blocked");
	assert_string_equal(jpki_error_code_name(JPKI_ERROR_NO_CARD), "no-card");
	assert_string_equal(jpki_error_code_name(JPKI_ERROR_LAST), "unknown");
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint code = 0; code < JPKI_ERROR_LAST; code++) {
		const char *name = jpki_error_code_name((JpkiErrorCode)code);
		assert_non_null(name);
		assert_false(g_hash_table_contains(seen, name));
		g_hash_table_add(seen, g_strdup(name));
	}
}

static void
test_signing_password_rule_says_letters_and_digits(void **state)
{
	(void)state;
	const char *ja[] = {jpki_pin_rule_text(JPKI_SECRET_SIGN, JPKI_LANG_JA),
			    jpki_error_advice(JPKI_ERROR_PIN_FORMAT, JPKI_LANG_JA)};
	const char *en[] = {jpki_pin_rule_text(JPKI_SECRET_SIGN, JPKI_LANG_EN),
			    jpki_error_advice(JPKI_ERROR_PIN_FORMAT, JPKI_LANG_EN)};
	for (guint i = 0; i < G_N_ELEMENTS(ja); i++) {
		assert_non_null(strstr(ja[i], "英大文字と数字を組み合わせた6～16文字"));
		assert_non_null(strstr(en[i], "with both letters and digits"));
	}
}

static void
test_blocked_pin_sends_the_user_to_the_municipal_office(void **state)
{
	(void)state;
	assert_non_null(
		strstr(jpki_error_advice(JPKI_ERROR_PIN_BLOCKED, JPKI_LANG_JA), "市区町村の窓口"));
	assert_non_null(strstr(jpki_error_advice(JPKI_ERROR_PIN_BLOCKED, JPKI_LANG_EN),
			       "municipal office"));
	assert_non_null(strstr(jpki_error_advice(JPKI_ERROR_NO_CARD, JPKI_LANG_EN), "Insert"));
	assert_non_null(
		strstr(jpki_error_advice(JPKI_ERROR_CERTIFICATE_EXPIRED, JPKI_LANG_JA), "更新"));
}

static void
test_language_follows_the_locale(void **state)
{
	(void)state;
	g_setenv("LC_ALL", "ja_JP.UTF-8", TRUE);
	assert_int_equal(jpki_lang_from_locale(), JPKI_LANG_JA);
	g_setenv("LC_ALL", "en_US.UTF-8", TRUE);
	assert_int_equal(jpki_lang_from_locale(), JPKI_LANG_EN);
	g_unsetenv("LC_ALL");
	g_unsetenv("LC_MESSAGES");
	g_setenv("LANG", "ja_JP.UTF-8", TRUE);
	assert_int_equal(jpki_lang_from_locale(), JPKI_LANG_JA);
	JpkiLang lang = JPKI_LANG_JA;
	assert_true(jpki_lang_from_name("en", &lang));
	assert_int_equal(lang, JPKI_LANG_EN);
	assert_false(jpki_lang_from_name("fr", &lang));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_error_has_japanese_and_english_text_and_advice),
		cmocka_unit_test(test_code_names_are_stable_and_unique),
		cmocka_unit_test(test_signing_password_rule_says_letters_and_digits),
		cmocka_unit_test(test_blocked_pin_sends_the_user_to_the_municipal_office),
		cmocka_unit_test(test_language_follows_the_locale),
	};
	return cmocka_run_group_tests_name("messages", tests, NULL, NULL);
}
