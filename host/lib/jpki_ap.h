/* The JPKI application: finding the card, its certificates, signatures. */
#pragma once

#include "pcsc.h"
#include "pin.h"

typedef enum {
	JPKI_SLOT_AUTH,    /* 利用者証明用電子証明書, EF 000A */
	JPKI_SLOT_SIGN,    /* 署名用電子証明書, EF 0001: needs the signing password first */
	JPKI_SLOT_AUTH_CA, /* EF 000B */
	JPKI_SLOT_SIGN_CA, /* EF 0002 */
	JPKI_SLOT_COUNT
} JpkiCertSlot;

/* "auth", "sign", "auth-ca", "sign-ca" */
const char *jpki_cert_slot_name(JpkiCertSlot slot);
gboolean jpki_cert_slot_from_name(const char *name, JpkiCertSlot *slot);

/* What EF 0006 names: its first 32 bytes are the label of a PKCS#11
 * CK_TOKEN_INFO (160 bytes), space-padded. */
typedef enum {
	JPKI_TOKEN_UNKNOWN,
	JPKI_TOKEN_MYNUMBER_CARD, /* JPKIAPICCTOKEN2 */
	JPKI_TOKEN_JUKI_CARD,     /* JPKIAPICCTOKEN: 住基カード */
	JPKI_TOKEN_SMARTPHONE,    /* JPKIAPGPSETOKEN (Android), JPKIAPIOSTOKEN (iPhone) */
} JpkiToken;

JpkiToken jpki_token_from_info(const guint8 *info, gsize len);

/* Connects to the one My Number Card present: the card that answers the JPKI
 * AID (never guessed from the ATR), in `reader` or, when NULL, in any reader.
 * The card comes back in the transaction it was probed in (other programs
 * wait), its JPKI application selected: jpki_card_begin_transaction() on it
 * is free, and jpki_card_end_transaction() lets other programs in.
 * Errors: JPKI_ERROR_NO_READER, _NO_CARD, _UNSUPPORTED_CARD (cards, none a My
 * Number Card), _JUKI_CARD (only an old 住基カード), _SMARTPHONE_CERTIFICATE
 * (only a smartphone's JPKI token), _SEVERAL_CARDS. */
JpkiCard *jpki_ap_find_card(JpkiContext *context, const char *reader, GError **error);

/* Reads a certificate (DER). The signing certificate is read in the session
 * the signing password was verified in (see jpki_pin_verify); the others
 * select the JPKI application first. A card without the certificate (no EF,
 * or a blank one): JPKI_ERROR_NO_SIGNING_CERTIFICATE or
 * JPKI_ERROR_NO_AUTH_CERTIFICATE. */
GBytes *jpki_ap_read_certificate(JpkiCard *card, JpkiCertSlot slot, GError **error);

/* COMPUTE DIGITAL SIGNATURE with the key `secret` unlocks (AUTH or SIGN),
 * verified beforehand in this session. The card pads the DigestInfo (PKCS#1
 * v1.5) and returns the RSA signature. */
GBytes *jpki_ap_sign(JpkiCard *card, JpkiSecret secret, GBytes *digest_info, GError **error);
