/* EF 0008 of the JPKI application: which of the two certificates the card
 * carries, readable without a PIN (myna-card: `8F 8F 00` on a card with both;
 * byte 0 the signing certificate, byte 1 the authentication certificate). */
#pragma once

#include "pcsc.h"

typedef enum {
	JPKI_PRESENCE_UNKNOWN, /* no EF 0008, or a value no source explains */
	JPKI_PRESENCE_PRESENT,
	JPKI_PRESENCE_ABSENT,
} JpkiPresence;

typedef struct {
	JpkiPresence sign;
	JpkiPresence auth;
} JpkiCertificatePresence;

/* The three bytes of EF 0008. `8F` is "present", `00` "absent"; anything else,
 * or another length, is unknown: the caller falls back to the files. */
void jpki_presence_parse(const guint8 *data, gsize len, JpkiCertificatePresence *presence);
/* Selects and reads EF 0008 of the (already selected) JPKI application, once
 * a session: after that the answer comes from the session. A card without
 * the file gives UNKNOWN for both; FALSE only for a failed transmission
 * (removed card, reader). */
gboolean jpki_presence_read(JpkiCard *card, JpkiCertificatePresence *presence, GError **error);
/* The error for a holder's certificate the card does not carry (a child's
 * card, a declined certificate): the signing or the authentication one. */
void jpki_presence_set_absent_error(GError **error, gboolean signing);
