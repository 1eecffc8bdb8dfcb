/* The browser window a request comes from. On Windows, Chrome (and Edge) start the host with
 * the caller's origin first and then `--parent-window=N`, N the decimal handle (HWND) of the
 * browser window that made the request, 0 when the caller has none (an extension's service
 * worker); other browsers and platforms pass no such argument. The host's dialogs are owned by
 * that window (win32_dialog.c), so they open over it. The value only places a window: nothing
 * about the request is trusted on its account. */
#pragma once

#include <glib.h>

/* The window of the first `--parent-window=` argument after argv[0]: its value must be decimal
 * digits only (no sign, no space) that fit in a pointer. 0 when there is no such argument or its
 * value is anything else: the request goes on without an owner window, never fails for it. */
guintptr bridge_parent_window_from_args(int argc, char *const *argv);
