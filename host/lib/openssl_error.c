#include "openssl_error.h"

#include <openssl/err.h>

const char *
jpki_openssl_take_reason(void)
{
	unsigned long code = ERR_peek_last_error();
	const char *reason = code != 0 ? ERR_reason_error_string(code) : NULL;
	ERR_clear_error();
	return reason != NULL ? reason : "unknown reason";
}

void
jpki_openssl_set_error(GError **error, JpkiErrorCode code, const char *what)
{
	g_set_error(error, JPKI_ERROR, code, "%s: %s", what, jpki_openssl_take_reason());
}
