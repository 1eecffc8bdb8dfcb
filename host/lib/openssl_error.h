/* OpenSSL's error queue, read in one place: its last reason for a message, and the queue
 * emptied so that it cannot leak into an unrelated later call. */
#pragma once

#include "jpki_error.h"

/* The last reason on the queue ("unknown reason" when there is none), a static string; the
 * queue is emptied. */
const char *jpki_openssl_take_reason(void);

/* Sets (JPKI_ERROR, code) with "what: reason" from jpki_openssl_take_reason(). */
void jpki_openssl_set_error(GError **error, JpkiErrorCode code, const char *what);
