/* The card's secrets, their rules, and the VERIFY exchange. A PIN is
 * checked against its rule before anything reaches the card, a blocked
 * secret gets no VERIFY, and no VERIFY is ever repeated by the library. */
#pragma once

#include "pcsc.h"

typedef enum {
	JPKI_SECRET_AUTH,    /* 利用者証明用: 4 digits, 3 tries */
	JPKI_SECRET_SIGN,    /* 署名用: 6-16 of A-Z 0-9 with both letters and digits, 5 tries */
	JPKI_SECRET_SUPPORT, /* 券面事項入力補助用: 4 digits, 3 tries */
	JPKI_SECRET_COUNT
} JpkiSecret;

/* "auth", "sign", "support" */
const char *jpki_secret_name(JpkiSecret secret);
gboolean jpki_secret_from_name(const char *name, JpkiSecret *secret);
guint jpki_secret_max_tries(JpkiSecret secret);

/* A PIN that fits its secret's rule, held in one wiped buffer. */
typedef struct _JpkiPin JpkiPin;

/* Lower-case letters in the signing password are folded to upper case (the
 * card holds A-Z only); anything else outside the rule (including a signing
 * password of digits only or letters only) is refused with
 * JPKI_ERROR_PIN_FORMAT, and nothing is sent. */
JpkiPin *jpki_pin_new(JpkiSecret secret, const char *typed, GError **error);
JpkiSecret jpki_pin_get_secret(const JpkiPin *pin);
/* Wipes the PIN before freeing it. */
void jpki_pin_free(JpkiPin *pin);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiPin, jpki_pin_free)

/* Tries left without spending one (VERIFY with no data); 0 when blocked
 * (63C0 or 6984). It cannot tell whether the secret is verified: a real card
 * answers 63Cx after a successful VERIFY too. */
gboolean jpki_pin_query(JpkiCard *card, JpkiSecret secret, guint *tries_left, GError **error);
/* jpki_pin_query() before a program asks the user for the PIN: a blocked secret fails with
 * JPKI_ERROR_PIN_BLOCKED ("it was not asked for"), so no one is asked for a PIN the card would
 * refuse. The CLI and the browser host both start here. */
gboolean jpki_pin_query_before_asking(JpkiCard *card, JpkiSecret secret, guint *tries_left,
				      GError **error);
/* One VERIFY. Blocked: JPKI_ERROR_PIN_BLOCKED and no VERIFY is sent. Wrong:
 * JPKI_ERROR_PIN_INCORRECT with *tries_left set (0: now blocked).
 * Selects the secret's application first, which logs out any other secret. */
gboolean jpki_pin_verify(JpkiCard *card, const JpkiPin *pin, guint *tries_left, GError **error);
/* VERIFY with `current`, then CHANGE REFERENCE DATA to `replacement`. */
gboolean jpki_pin_change(JpkiCard *card, const JpkiPin *current, const JpkiPin *replacement,
			 guint *tries_left, GError **error);

/* Whether two PINs are the same secret and value (constant time). */
gboolean jpki_pin_equal(const JpkiPin *a, const JpkiPin *b);
