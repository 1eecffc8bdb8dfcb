/* One error domain for libjpki, with stable codes. Programs (the CLI, the
 * browser host, the demo portal) show each code as its wire name and a
 * Japanese or English message that says what to do next (messages.h). */
#pragma once

#include <glib.h>

#define JPKI_ERROR (jpki_error_quark())
GQuark jpki_error_quark(void);

typedef enum {
	JPKI_ERROR_NO_SERVICE,             /* no PC/SC service (pcscd) */
	JPKI_ERROR_NO_READER,              /* no card reader connected */
	JPKI_ERROR_NO_CARD,                /* no My Number Card in any reader */
	JPKI_ERROR_CARD_REMOVED,           /* the card left during the operation */
	JPKI_ERROR_UNSUPPORTED_CARD,       /* a card, but not a My Number Card */
	JPKI_ERROR_JUKI_CARD,              /* an old 住基カード: no longer usable */
	JPKI_ERROR_SMARTPHONE_CERTIFICATE, /* a smartphone's JPKI token: not supported here */
	JPKI_ERROR_SEVERAL_CARDS,          /* more than one My Number Card present */
	JPKI_ERROR_PIN_FORMAT,             /* the PIN does not fit the secret's rule; not sent */
	JPKI_ERROR_PIN_INCORRECT,          /* the card refused the PIN; tries left in the message */
	JPKI_ERROR_PIN_BLOCKED,            /* locked: only the municipal office can reset it */
	JPKI_ERROR_NO_SIGNING_CERTIFICATE, /* e.g. a child's card */
	JPKI_ERROR_NO_AUTH_CERTIFICATE,    /* the holder declined it, or it was never written */
	JPKI_ERROR_CERTIFICATE_EXPIRED,    /* the certificate's validity has ended */
	JPKI_ERROR_CERTIFICATE_NOT_YET_VALID,
	JPKI_ERROR_CERTIFICATE_REVOKED,   /* listed in the given CRL */
	JPKI_ERROR_CERTIFICATE_UNTRUSTED, /* does not chain to a trust anchor */
	JPKI_ERROR_SIGNATURE_INVALID,     /* a signature that does not verify */
	JPKI_ERROR_CERTIFICATE_MISMATCH,  /* the card's certificate is not the one expected */
	JPKI_ERROR_CANCELLED,             /* the user cancelled */
	JPKI_ERROR_TIMEOUT,               /* waited too long (for a card, for the user) */
	JPKI_ERROR_CARD,                  /* the card answered something unexpected */
	JPKI_ERROR_PCSC,                  /* another PC/SC failure */
	JPKI_ERROR_INVALID_INPUT,         /* bad input from the caller (file, option, data) */
	JPKI_ERROR_IO,                    /* a file could not be read or written */
	JPKI_ERROR_CARD_RESET, /* another program reset the card mid-operation; a PIN is never
				  re-sent */
	JPKI_ERROR_DIALOG,     /* the dialog program (pinentry) could not show or finish a dialog */
	JPKI_ERROR_INTERNAL,   /* an error no table names: a fault of the program */
	JPKI_ERROR_CERTIFICATE_WRONG_USAGE,   /* a genuine certificate for another purpose (the
						 signing certificate at a login, a CA's) */
	JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH, /* a CMS requested by another site, or by none */
	JPKI_ERROR_LAST
} JpkiErrorCode;

/* A stable, lower-case, hyphenated name: "pin-blocked", "no-card", ... */
const char *jpki_error_code_name(JpkiErrorCode code);

/* The code of any error, by one table (model: fwupd_error_convert()): JPKI_ERROR's own
 * code; G_FILE_ERROR, G_IO_ERROR and G_KEY_FILE_ERROR by what they mean to a user (a file
 * that cannot be read is JPKI_ERROR_IO, a malformed one JPKI_ERROR_INVALID_INPUT, a
 * cancelled operation JPKI_ERROR_CANCELLED...); JPKI_ERROR_INTERNAL for anything else. */
JpkiErrorCode jpki_error_code_of(const GError *error);

/* Turns *error into JPKI_ERROR with jpki_error_code_of()'s code, its message kept, so a
 * library function reports one domain. NULL or a JPKI_ERROR is left alone. */
void jpki_error_convert(GError **error);
