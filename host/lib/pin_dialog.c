/* What every implementation of pin_dialog.h shares. */
#include "pin_dialog.h"

#include <openssl/crypto.h>
#include <string.h>

void
jpki_dialog_text_free(char *text)
{
	if (text == NULL)
		return;
	OPENSSL_cleanse(text, strlen(text));
	g_free(text);
}
