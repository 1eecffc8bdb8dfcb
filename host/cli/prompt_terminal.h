/* Where the CLI asks for a PIN besides --pin-fd, one file for each platform
 * (prompt_terminal_unix.c, prompt_terminal_win32.c). */
#pragma once

#include <glib.h>

/* Whether the PIN dialog can be shown: on Unix an X11 or Wayland display; always on Windows. */
gboolean cli_desktop_present(void);

/* Shows `prompt` on the terminal and reads one line without echo into `line` (`size` bytes,
 * NUL-terminated). JPKI_ERROR_INVALID_INPUT when there is no terminal (and on Windows, where
 * the dialog is always used); errors of cli_read_line() otherwise. */
gboolean cli_read_from_terminal(const char *prompt, char *line, gsize size, GError **error);

/* One line from fd, byte by byte so that the next PIN's line stays unread; a CR before the LF
 * is dropped. JPKI_ERROR_CANCELLED for an empty line, JPKI_ERROR_PIN_FORMAT for one that does
 * not fit, JPKI_ERROR_IO for a read error. (prompt.c) */
gboolean cli_read_line(int fd, char *line, gsize size, GError **error);
