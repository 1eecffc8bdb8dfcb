#include "parent_window.h"

#include <stdint.h>
#include <string.h>

#define PARENT_WINDOW_SWITCH "--parent-window="

/* "" is 0: no window, as Chrome's own 0 is. */
static guintptr
parse_window(const char *value)
{
	guintptr window = 0;
	for (const char *c = value; *c != '\0'; c++) {
		if (!g_ascii_isdigit(*c))
			return 0;
		guintptr digit = (guintptr)(*c - '0');
		if (window > (UINTPTR_MAX - digit) / 10)
			return 0; /* does not fit in a pointer */
		window = window * 10 + digit;
	}
	return window;
}

guintptr
bridge_parent_window_from_args(int argc, char *const *argv)
{
	for (int i = 1; i < argc && argv[i] != NULL; i++) {
		if (g_str_has_prefix(argv[i], PARENT_WINDOW_SWITCH))
			return parse_window(argv[i] + strlen(PARENT_WINDOW_SWITCH));
	}
	return 0;
}
