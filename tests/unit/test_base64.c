/* The one strict base64 decoder (base64.h) every caller's input goes through. */
#include "base64.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void
test_canonical_standard_base64_is_decoded(void **state)
{
	(void)state;
	const struct {
		const char *text;
		const char *bytes;
	} cases[] = {{"TWFu", "Man"}, {"TWE=", "Ma"}, {"TQ==", "M"}, {"+/+/", "\xfb\xff\xbf"}};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GBytes) decoded =
			jpki_base64_decode_strict(cases[i].text, strlen(cases[i].text));
		assert_non_null(decoded);
		assert_int_equal(g_bytes_get_size(decoded), strlen(cases[i].bytes));
		assert_memory_equal(g_bytes_get_data(decoded, NULL), cases[i].bytes,
				    strlen(cases[i].bytes));
	}
}

static void
test_every_other_spelling_is_refused(void **state)
{
	(void)state;
	const char *const refused[] = {
		"",           /* nothing */
		"TWE",        /* padding left out */
		"TWF=",       /* bits under the padding not zero: a second spelling of "Ma" */
		"TR==",       /* the same with two '=' */
		"TW E=",      /* a space, which g_base64_decode() would skip */
		"TWFu\n",     /* a line break */
		"-_-_",       /* base64url */
		"T===",       /* three '=' */
		"TQ==TWFu",   /* padding before the end */
		"TWFu====",   /* a quantum of padding */
		"TW\xc3\xa9", /* not the alphabet */
	};
	for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
		g_autoptr(GBytes) decoded =
			jpki_base64_decode_strict(refused[i], strlen(refused[i]));
		if (decoded != NULL)
			fail_msg("accepted \"%s\"", refused[i]);
	}
}

static void
test_the_length_given_is_the_text(void **state)
{
	(void)state;
	/* Only the first 4 bytes are the text: no NUL is needed after them. */
	g_autoptr(GBytes) decoded = jpki_base64_decode_strict("TWFu!!!!", 4);
	assert_non_null(decoded);
	assert_int_equal(g_bytes_get_size(decoded), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_standard_base64_is_decoded),
		cmocka_unit_test(test_every_other_spelling_is_refused),
		cmocka_unit_test(test_the_length_given_is_the_text),
	};
	return cmocka_run_group_tests_name("base64", tests, NULL, NULL);
}
