/* The portal's languages (i18n.c): which one a request gets, and the message file. */
#include "i18n.h"
#include "jpki_error.h"

#include <glib/gstdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static void
test_japanese_when_nothing_says(void **state)
{
	(void)state;
	assert_int_equal(portal_negotiate_lang(NULL, NULL, NULL), JPKI_LANG_JA);
	assert_int_equal(portal_negotiate_lang("fr", "de", "de, fr;q=0.5"), JPKI_LANG_JA);
}

static void
test_query_beats_cookie_beats_accept_language(void **state)
{
	(void)state;
	assert_int_equal(portal_negotiate_lang("en", "ja", "ja"), JPKI_LANG_EN);
	assert_int_equal(portal_negotiate_lang(NULL, "en", "ja"), JPKI_LANG_EN);
	assert_int_equal(portal_negotiate_lang("xx", "ja", "en"), JPKI_LANG_JA);
	assert_int_equal(portal_negotiate_lang(NULL, NULL, "en-US,en;q=0.9"), JPKI_LANG_EN);
}

static void
test_accept_language_follows_quality_not_order(void **state)
{
	(void)state;
	assert_int_equal(portal_negotiate_lang(NULL, NULL, "en;q=0.2, ja-JP;q=0.9"), JPKI_LANG_JA);
	assert_int_equal(portal_negotiate_lang(NULL, NULL, "fr, EN-gb;q=0.5, ja;q=0.4"),
			 JPKI_LANG_EN);
	/* q=0 means "not this one". */
	assert_int_equal(portal_negotiate_lang(NULL, NULL, "en;q=0"), JPKI_LANG_JA);
	/* "english" is not the tag "en". */
	assert_int_equal(portal_negotiate_lang(NULL, NULL, "english"), JPKI_LANG_JA);
}

static void
test_shipped_messages_have_both_languages(void **state)
{
	(void)state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalMessages) messages =
		portal_messages_new_from_file(PORTAL_WWW_DIR "/messages.json", &error);
	assert_null(error);
	assert_string_equal(portal_messages_lookup(messages, "login.title", JPKI_LANG_JA),
			    "マイナンバーカードでログイン");
	assert_string_equal(portal_messages_lookup(messages, "login.title", JPKI_LANG_EN),
			    "Log in with your My Number Card");
	assert_null(portal_messages_lookup(messages, "no.such.key", JPKI_LANG_JA));
}

static PortalMessages *
messages_from_text(const char *text, GError **error)
{
	g_autofree char *path = NULL;
	int fd = g_file_open_tmp("portal-messages-XXXXXX.json", &path, NULL);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (gssize)strlen(text));
	close(fd);
	PortalMessages *messages = portal_messages_new_from_file(path, error);
	g_unlink(path);
	return messages;
}

static void
test_message_file_needs_exactly_ja_and_en(void **state)
{
	(void)state;
	const char *bad[] = {
		"[]",
		"{\"a\": {\"ja\": \"x\"}}",
		"{\"a\": {\"ja\": \"x\", \"en\": \"y\", \"fr\": \"z\"}}",
		"{\"a\": {\"ja\": \"\", \"en\": \"y\"}}",
		"{\"a\": {\"ja\": 1, \"en\": \"y\"}}",
		"{\"a\": {\"ja\": \"x\", \"en\": \"y\"}, \"a\": {\"ja\": \"x\", \"en\": \"y\"}}",
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(PortalMessages) messages = messages_from_text(bad[i], &error);
		assert_null(messages);
		assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
	}
}

static void
test_messages_for_a_script_cannot_close_it(void **state)
{
	(void)state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalMessages) messages = messages_from_text(
		"{\"a\": {\"ja\": \"</script><script>alert(1)\", \"en\": \"ok\"}}", &error);
	assert_null(error);
	g_autofree char *json = portal_messages_dup_json(messages, JPKI_LANG_JA);
	assert_null(strchr(json, '<'));
	assert_string_equal(json, "{\"a\":\"\\u003c/script>\\u003cscript>alert(1)\"}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_japanese_when_nothing_says),
		cmocka_unit_test(test_query_beats_cookie_beats_accept_language),
		cmocka_unit_test(test_accept_language_follows_quality_not_order),
		cmocka_unit_test(test_shipped_messages_have_both_languages),
		cmocka_unit_test(test_message_file_needs_exactly_ja_and_en),
		cmocka_unit_test(test_messages_for_a_script_cannot_close_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
