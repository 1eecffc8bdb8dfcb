/* prompt_terminal.h on Unix: the controlling terminal (/dev/tty) with its echo off, and a
 * desktop where X11 or Wayland is. */
#include "prompt_terminal.h"

#include "jpki_error.h"

#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

gboolean
cli_read_from_terminal(const char *prompt, char *line, gsize size, GError **error)
{
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "no terminal to ask for the PIN on: use --pin-fd");
		return FALSE;
	}
	struct termios saved, quiet;
	gboolean have_termios = tcgetattr(tty, &saved) == 0;
	if (have_termios) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(tty, TCSAFLUSH, &quiet);
	}
	gboolean ok =
		write(tty, prompt, strlen(prompt)) >= 0 && cli_read_line(tty, line, size, error);
	if (have_termios)
		tcsetattr(tty, TCSAFLUSH, &saved);
	(void)!write(tty, "\n", 1); /* the user's Enter was not echoed */
	close(tty);
	return ok;
}

gboolean
cli_desktop_present(void)
{
	const char *vars[] = {"DISPLAY", "WAYLAND_DISPLAY"};
	for (guint i = 0; i < G_N_ELEMENTS(vars); i++) {
		const char *value = g_getenv(vars[i]);
		if (value != NULL && *value != '\0')
			return TRUE;
	}
	return FALSE;
}
