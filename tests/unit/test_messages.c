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
		const JpkiErrorText *text = jpki_error_text((JpkiErrorCode)code);
		for (guint part = 0; part < 2; part++) {
			const char *ja = part == 0 ? text->summary[JPKI_LANG_JA]
						   : text->advice[JPKI_LANG_JA];
			const char *en = part == 0 ? text->summary[JPKI_LANG_EN]
						   : text->advice[JPKI_LANG_EN];
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
	assert_string_equal(jpki_error_code_name(JPKI_ERROR_LAST), "internal-error");
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
			    jpki_error_text(JPKI_ERROR_PIN_FORMAT)->advice[JPKI_LANG_JA]};
	const char *en[] = {jpki_pin_rule_text(JPKI_SECRET_SIGN, JPKI_LANG_EN),
			    jpki_error_text(JPKI_ERROR_PIN_FORMAT)->advice[JPKI_LANG_EN]};
	for (guint i = 0; i < G_N_ELEMENTS(ja); i++) {
		assert_non_null(strstr(ja[i], "英大文字と数字を組み合わせた6～16文字"));
		assert_non_null(strstr(en[i], "with both letters and digits"));
	}
}

static void
test_blocked_pin_sends_the_user_to_the_municipal_office(void **state)
{
	(void)state;
	assert_non_null(strstr(jpki_error_text(JPKI_ERROR_PIN_BLOCKED)->advice[JPKI_LANG_JA],
			       "市区町村の窓口"));
	assert_non_null(strstr(jpki_error_text(JPKI_ERROR_PIN_BLOCKED)->advice[JPKI_LANG_EN],
			       "municipal office"));
	assert_non_null(
		strstr(jpki_error_text(JPKI_ERROR_NO_CARD)->advice[JPKI_LANG_EN], "Insert"));
	assert_non_null(strstr(
		jpki_error_text(JPKI_ERROR_CERTIFICATE_EXPIRED)->advice[JPKI_LANG_JA], "更新"));
}

static void
test_errors_of_other_domains_get_one_code_by_one_table(void **state)
{
	(void)state;
	/* A program that links GIO registers this quark; libjpki only looks it up. */
	GQuark gio = g_quark_from_static_string("g-io-error-quark");
	const struct {
		GQuark domain;
		gint code;
		const char *name;
	} cases[] = {
		{G_FILE_ERROR, G_FILE_ERROR_NOENT, "io-error"},
		{G_FILE_ERROR, G_FILE_ERROR_ACCES, "io-error"},
		{G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "invalid-input"},
		{G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_NOT_FOUND, "io-error"},
		{gio, 19 /* G_IO_ERROR_CANCELLED */, "cancelled"},
		{gio, 24 /* G_IO_ERROR_TIMED_OUT */, "timeout"},
		{gio, 1 /* G_IO_ERROR_NOT_FOUND */, "io-error"},
		{JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED, "pin-blocked"},
		{JPKI_ERROR, JPKI_ERROR_LAST, "internal-error"},
		{g_quark_from_static_string("some-other-error-quark"), 0, "internal-error"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = g_error_new_literal(cases[i].domain, cases[i].code, "x");
		assert_string_equal(jpki_error_describe(error, NULL)->name, cases[i].name);
		assert_string_equal(jpki_error_code_name(jpki_error_code_of(error)), cases[i].name);
	}
}

static void
test_convert_keeps_the_message_and_gives_jpki_error(void **state)
{
	(void)state;
	g_autoptr(GError) error =
		g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_NOENT, "no such file: x.pdf");
	jpki_error_convert(&error);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_IO));
	assert_string_equal(error->message, "no such file: x.pdf");
	jpki_error_convert(NULL);
}

static GQuark
program_error_quark(void)
{
	return g_quark_from_static_string("program-error-quark");
}

static void
test_a_program_domain_gives_its_own_codes_and_texts(void **state)
{
	(void)state;
	static const JpkiErrorText texts[] = {{"own-code", {"独自", "own"}, {"助言", "advice"}}};
	const JpkiErrorDomain program = {program_error_quark, texts, G_N_ELEMENTS(texts)};
	g_autoptr(GError) own = g_error_new_literal(program_error_quark(), 0, "x");
	g_autoptr(GError) beyond = g_error_new_literal(program_error_quark(), 1, "x");
	g_autoptr(GError) file = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");
	assert_ptr_equal(jpki_error_describe(own, &program), &texts[0]);
	assert_string_equal(jpki_error_describe(beyond, &program)->name, "internal-error");
	assert_string_equal(jpki_error_describe(file, &program)->name, "io-error");
}

static void
test_a_failing_pin_dialog_says_so_and_names_pinentry(void **state)
{
	(void)state;
	/* What the host answered in CI when pinentry could not open a window. */
	g_autoptr(GError) error =
		g_error_new_literal(JPKI_ERROR, JPKI_ERROR_DIALOG,
				    "the pinentry refused GETPIN: Inappropriate ioctl for device");
	const JpkiErrorText *text = jpki_error_describe(error, NULL);
	assert_string_equal(text->name, "dialog-failed");
	assert_non_null(strstr(text->summary[JPKI_LANG_EN], "dialog"));
	assert_null(strstr(text->summary[JPKI_LANG_EN], "file"));
	assert_non_null(strstr(text->advice[JPKI_LANG_EN], "pinentry"));
	assert_non_null(strstr(text->summary[JPKI_LANG_JA], "画面"));
	assert_non_null(strstr(text->advice[JPKI_LANG_JA], "pinentry"));
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
		cmocka_unit_test(test_errors_of_other_domains_get_one_code_by_one_table),
		cmocka_unit_test(test_convert_keeps_the_message_and_gives_jpki_error),
		cmocka_unit_test(test_a_program_domain_gives_its_own_codes_and_texts),
		cmocka_unit_test(test_a_failing_pin_dialog_says_so_and_names_pinentry),
		cmocka_unit_test(test_language_follows_the_locale),
	};
	return cmocka_run_group_tests_name("messages", tests, NULL, NULL);
}
