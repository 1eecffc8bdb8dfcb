/* Which pinentry program the Unix dialog runs (pinentry.h). Built on every platform: the
 * host's settings and `jpki doctor` name it, and on Windows they are read and not used. */
#include "pinentry.h"

const char *
jpki_pinentry_default_program(void)
{
	return JPKI_PINENTRY_PATH;
}

char *
jpki_pinentry_program(void)
{
	const char *program = g_getenv("JPKI_PINENTRY");
	return g_strdup(program != NULL && *program != '\0' ? program
							    : jpki_pinentry_default_program());
}
