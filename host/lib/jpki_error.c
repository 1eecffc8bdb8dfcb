#include "jpki_error.h"

/* The quark's name is one hyphenated word. */
/* clang-format off */
G_DEFINE_QUARK(jpki-error-quark, jpki_error)
/* clang-format on */

static const char *const code_names[JPKI_ERROR_LAST] = {
	[JPKI_ERROR_NO_SERVICE] = "no-service",
	[JPKI_ERROR_NO_READER] = "no-reader",
	[JPKI_ERROR_NO_CARD] = "no-card",
	[JPKI_ERROR_CARD_REMOVED] = "card-removed",
	[JPKI_ERROR_UNSUPPORTED_CARD] = "unsupported-card",
	[JPKI_ERROR_JUKI_CARD] = "juki-card",
	[JPKI_ERROR_SMARTPHONE_CERTIFICATE] = "smartphone-certificate",
	[JPKI_ERROR_SEVERAL_CARDS] = "several-cards",
	[JPKI_ERROR_PIN_FORMAT] = "pin-format",
	[JPKI_ERROR_PIN_INCORRECT] = "pin-incorrect",
	[JPKI_ERROR_PIN_BLOCKED] = "pin-blocked",
	[JPKI_ERROR_NO_SIGNING_CERTIFICATE] = "no-signing-certificate",
	[JPKI_ERROR_NO_AUTH_CERTIFICATE] = "no-auth-certificate",
	[JPKI_ERROR_CERTIFICATE_EXPIRED] = "certificate-expired",
	[JPKI_ERROR_CERTIFICATE_NOT_YET_VALID] = "certificate-not-yet-valid",
	[JPKI_ERROR_CERTIFICATE_REVOKED] = "certificate-revoked",
	[JPKI_ERROR_CERTIFICATE_UNTRUSTED] = "certificate-untrusted",
	[JPKI_ERROR_SIGNATURE_INVALID] = "signature-invalid",
	[JPKI_ERROR_CERTIFICATE_MISMATCH] = "certificate-mismatch",
	[JPKI_ERROR_CANCELLED] = "cancelled",
	[JPKI_ERROR_TIMEOUT] = "timeout",
	[JPKI_ERROR_CARD] = "card-error",
	[JPKI_ERROR_PCSC] = "pcsc-error",
	[JPKI_ERROR_INVALID_INPUT] = "invalid-input",
	[JPKI_ERROR_IO] = "io-error",
	[JPKI_ERROR_CARD_RESET] = "card-reset",
};

const char *
jpki_error_code_name(JpkiErrorCode code)
{
	if ((guint)code >= JPKI_ERROR_LAST)
		return "unknown";
	return code_names[code];
}
