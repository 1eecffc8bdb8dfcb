/* The browser window the host takes from Chrome's `--parent-window=N` (Windows): decimal digits
 * that fit in a pointer, anything else none, and the other arguments (the origin first) never
 * in the way. */
#include "parent_window.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define ORIGIN "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"

/* The window Chrome's launch `host ORIGIN --parent-window=value` gives. */
static guintptr
window_of(const char *value)
{
	g_autofree char *argument = g_strconcat("--parent-window=", value, NULL);
	char *argv[] = {"jpki-bridge-host.exe", ORIGIN, argument, NULL};
	return bridge_parent_window_from_args(3, argv);
}

static void
test_chromes_decimal_window_handle_is_taken(void **state)
{
	(void)state;
	assert_int_equal(window_of("1"), 1);
	assert_int_equal(window_of("263422"), 263422);
	assert_int_equal(window_of("0042"), 42);
}

/* A service worker's request: Chrome passes 0, which is no window. */
static void
test_zero_is_no_window(void **state)
{
	(void)state;
	assert_int_equal(window_of("0"), 0);
}

/* Linux, macOS, Firefox (manifest path and add-on ID), or a Chrome that passes nothing. */
static void
test_no_parent_window_argument_is_no_window(void **state)
{
	(void)state;
	char *chrome[] = {"jpki-bridge-host", ORIGIN, NULL};
	assert_int_equal(bridge_parent_window_from_args(2, chrome), 0);
	char *firefox[] = {"jpki-bridge-host", "/usr/lib/mozilla/native-messaging-hosts/x.json",
			   "jpki-bridge@example.org", NULL};
	assert_int_equal(bridge_parent_window_from_args(3, firefox), 0);
	char *alone[] = {"jpki-bridge-host", NULL};
	assert_int_equal(bridge_parent_window_from_args(1, alone), 0);
	assert_int_equal(bridge_parent_window_from_args(0, NULL), 0);
}

static void
test_anything_but_decimal_digits_is_no_window(void **state)
{
	(void)state;
	const char *garbage[] = {"",    "abc", "12abc", "0x1F", "1F", " 12", "12 ",
				 "1.5", "1e3", "+12",   "-12",  "-0", "١٢",  "12\n"};
	for (guint i = 0; i < G_N_ELEMENTS(garbage); i++) {
		if (window_of(garbage[i]) != 0)
			fail_msg("'%s' gave a window", garbage[i]);
	}
}

/* The largest pointer is taken; one digit more, or one more than it, is no window. */
static void
test_a_value_past_a_pointer_is_no_window(void **state)
{
	(void)state;
	g_autofree char *largest = g_strdup_printf("%" G_GUINT64_FORMAT, (guint64)UINTPTR_MAX);
	assert_true(window_of(largest) == UINTPTR_MAX);
	g_autofree char *ten_times = g_strconcat(largest, "0", NULL);
	assert_int_equal(window_of(ten_times), 0);
	/* UINTPTR_MAX + 1: its last digit one higher (UINTPTR_MAX ends in 5, never 9) */
	g_autofree char *plus_one = g_strdup(largest);
	plus_one[strlen(plus_one) - 1]++;
	assert_int_equal(window_of(plus_one), 0);
	assert_int_equal(window_of("99999999999999999999999999999999999999999"), 0);
}

/* Wherever it stands among the arguments; the first one counts; a look-alike switch does not. */
static void
test_the_switch_is_found_among_other_arguments(void **state)
{
	(void)state;
	char *first[] = {"host", "--parent-window=7", ORIGIN, NULL};
	assert_int_equal(bridge_parent_window_from_args(3, first), 7);
	char *around[] = {"host", ORIGIN, "--verbose", "--parent-window=9", "extra", NULL};
	assert_int_equal(bridge_parent_window_from_args(5, around), 9);
	char *twice[] = {"host", ORIGIN, "--parent-window=5", "--parent-window=6", NULL};
	assert_int_equal(bridge_parent_window_from_args(4, twice), 5);
	char *look_alike[] = {"host",
			      "--parent-windows=5",
			      "-parent-window=6",
			      "--parent-window",
			      "8",
			      "--PARENT-WINDOW=4",
			      NULL};
	assert_int_equal(bridge_parent_window_from_args(6, look_alike), 0);
	/* argv[0] is the program, never an argument */
	char *program[] = {"--parent-window=3", ORIGIN, NULL};
	assert_int_equal(bridge_parent_window_from_args(2, program), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chromes_decimal_window_handle_is_taken),
		cmocka_unit_test(test_zero_is_no_window),
		cmocka_unit_test(test_no_parent_window_argument_is_no_window),
		cmocka_unit_test(test_anything_but_decimal_digits_is_no_window),
		cmocka_unit_test(test_a_value_past_a_pointer_is_no_window),
		cmocka_unit_test(test_the_switch_is_found_among_other_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
