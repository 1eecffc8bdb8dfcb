/* Command APDUs of the My Number Card and the meaning of its status words. */
#pragma once

#include "jpki_error.h"
#include "status_words.h"

typedef enum {
	JPKI_APP_JPKI,    /* 公的個人認証 AP */
	JPKI_APP_SUPPORT, /* 券面事項入力補助 AP */
	JPKI_APP_COMMON,  /* carries the manufacture number */
} JpkiApp;

/* Each returns the whole APDU; the caller owns it. */
GByteArray *jpki_apdu_select_app(JpkiApp app);
GByteArray *jpki_apdu_select_ef(guint16 fid);
/* le 1..256 makes a short APDU (256 as Le=00), above that an extended one. */
GByteArray *jpki_apdu_read_binary(gsize offset, gsize le);
GByteArray *jpki_apdu_read_record(guint8 record, guint8 sfi);
GByteArray *jpki_apdu_verify_status(void);
GByteArray *jpki_apdu_compute_signature(GBytes *digest_info);

/* An APDU that carries a PIN: its own type, so it can only be sent by
 * jpki_card_transmit_secret() (which wipes every copy it makes); allocated once at its final
 * size, so no reallocation leaves a copy behind; wiped when freed. */
typedef struct _JpkiSecretApdu JpkiSecretApdu;
JpkiSecretApdu *jpki_apdu_verify(const guint8 *pin, gsize len);
JpkiSecretApdu *jpki_apdu_change_reference_data(const guint8 *pin, gsize len);
/* The bytes, borrowed; for jpki_card_transmit_secret() and tests. */
const guint8 *jpki_secret_apdu_get_data(const JpkiSecretApdu *apdu, gsize *len);
void jpki_secret_apdu_free(JpkiSecretApdu *apdu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiSecretApdu, jpki_secret_apdu_free)

/* 63Cx: a wrong PIN with x tries left. */
gboolean jpki_sw_is_wrong_pin(guint16 sw, guint *tries_left);
/* 6984 / 6983: blocked. */
gboolean jpki_sw_is_blocked(guint16 sw);
/* An error for any other unexpected status word, naming the command. */
void jpki_sw_set_error(GError **error, guint16 sw, const char *command);
