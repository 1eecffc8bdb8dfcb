/* PC/SC: the only part of libjpki that speaks to <winscard.h>. The same code
 * runs on pcsc-lite, Windows WinSCard and macOS PCSC.framework. */
#pragma once

#include "apdu.h"
#include "jpki_error.h"
#include "session.h"

typedef struct _JpkiContext JpkiContext;
typedef struct _JpkiCard JpkiCard;

/* JPKI_ERROR_NO_SERVICE when no PC/SC service runs. */
JpkiContext *jpki_context_new(GError **error);
void jpki_context_free(JpkiContext *context);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiContext, jpki_context_free)

/* Every reader's name; JPKI_ERROR_NO_READER when there is none. */
GStrv jpki_context_list_readers(JpkiContext *context, GError **error);
/* The readers among them that hold a card (any card). */
GStrv jpki_context_list_readers_with_card(JpkiContext *context, GError **error);
/* Waits until some reader holds a card: TRUE at once if one already does.
 * JPKI_ERROR_TIMEOUT after timeout_ms, JPKI_ERROR_CANCELLED after
 * jpki_context_cancel() (which any thread may call). */
gboolean jpki_context_wait_for_card(JpkiContext *context, guint timeout_ms, GError **error);
void jpki_context_cancel(JpkiContext *context);

/* Shared access to the card in `reader`. */
JpkiCard *jpki_card_connect(JpkiContext *context, const char *reader, GError **error);
/* Disconnects. After a PIN was sent (see jpki_card_end_transaction) the card
 * is powered off; otherwise it is left as it is, for other programs. */
void jpki_card_free(JpkiCard *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiCard, jpki_card_free)
const char *jpki_card_get_reader(JpkiCard *card);
/* The card's answer to reset, as the reader reports it (a contactless reader makes one up:
 * PC/SC part 3); NULL when the reader cannot tell. */
GBytes *jpki_card_get_atr(JpkiCard *card);

/* One operation's exclusive use of the card (other programs wait). TRUE at
 * once when the card is in a transaction already: jpki_ap_find_card() leaves
 * the card it returns in the one it probed it in, so an operation goes on
 * from what the probe selected. A reset by another program since the last
 * transaction is met with a reconnect (nothing of ours was on the card). */
gboolean jpki_card_begin_transaction(JpkiCard *card, GError **error);
/* Ends the transaction: with a power-off when a PIN went to the card in it
 * (only a power-off ends a verified state for sure), else leaving the card
 * as it is. Either way the session is forgotten. */
void jpki_card_end_transaction(JpkiCard *card);
/* What this transaction has learnt (see session.h); never NULL. */
JpkiCardSession *jpki_card_get_session(JpkiCard *card);
/* Whether a PIN went to the card in this transaction: then a reset by
 * another program is JPKI_ERROR_CARD_RESET and the PIN is not sent again. */
gboolean jpki_card_get_pin_sent(JpkiCard *card);

/* One APDU. Returns the response data (without SW1 SW2) and the status word.
 * JPKI_ERROR_CARD_REMOVED when the card left. JPKI_ERROR_CARD_RESET when
 * another program reset it: the card is reconnected (unless a PIN was sent)
 * and the session forgotten, so the caller may start its operation again
 * from the top. An APDU that carries a PIN goes by jpki_card_transmit_secret(). */
GBytes *jpki_card_transmit(JpkiCard *card, const guint8 *apdu, gsize len, guint16 *sw,
			   GError **error);
/* jpki_card_transmit() for a PIN: marks the transaction as one a PIN went to (so it ends
 * with a power-off and a reset is never answered by sending again), never repeats the
 * command (no 6F00 retry, no 6Cxx correction), and wipes every copy of the exchange. */
GBytes *jpki_card_transmit_secret(JpkiCard *card, const JpkiSecretApdu *apdu, guint16 *sw,
				  GError **error);
/* Whether whole files may be read with one extended-length READ BINARY.
 * Off by default; files.c turns it off again when the card or reader refuses. */
gboolean jpki_card_get_extended_length(JpkiCard *card);
void jpki_card_set_extended_length(JpkiCard *card, gboolean allowed);
/* How many APDUs went out on this card (for tests and benchmarks). */
guint jpki_card_get_apdu_count(JpkiCard *card);
