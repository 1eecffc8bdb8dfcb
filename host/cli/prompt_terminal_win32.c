/* prompt_terminal.h on Windows: the PIN dialog is a window of our own, which needs no display
 * to be found, so it is always used; a console prompt is never. */
#include "prompt_terminal.h"

#include "jpki_error.h"

gboolean
cli_desktop_present(void)
{
	return TRUE;
}

gboolean
cli_read_from_terminal(const char *prompt, char *line, gsize size, GError **error)
{
	(void)prompt;
	(void)line;
	(void)size;
	g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "no console prompt on Windows: use the PIN dialog or --pin-fd");
	return FALSE;
}
