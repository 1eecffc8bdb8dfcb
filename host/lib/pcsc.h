/* PC/SC: the only part of libjpki that speaks to <winscard.h>. The same code
 * runs on pcsc-lite, Windows WinSCard and macOS PCSC.framework. */
#pragma once

#include "jpki_error.h"

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
/* Disconnects with a reset, so no verified PIN outlives the connection. */
void jpki_card_free(JpkiCard *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiCard, jpki_card_free)
const char *jpki_card_get_reader(JpkiCard *card);

/* One operation's exclusive use of the card (other programs wait). */
gboolean jpki_card_begin_transaction(JpkiCard *card, GError **error);
void jpki_card_end_transaction(JpkiCard *card);

/* One APDU. Returns the response data (without SW1 SW2) and the status word.
 * JPKI_ERROR_CARD_REMOVED when the card left. With `secret` set, every copy
 * of the command this function makes is wiped. */
GBytes *jpki_card_transmit(JpkiCard *card, const guint8 *apdu, gsize len, gboolean secret,
			   guint16 *sw, GError **error);
/* Whether whole files may be read with one extended-length READ BINARY.
 * Off by default; files.c turns it off again when the card or reader refuses. */
gboolean jpki_card_get_extended_length(JpkiCard *card);
void jpki_card_set_extended_length(JpkiCard *card, gboolean allowed);
/* How many APDUs went out on this card (for tests and benchmarks). */
guint jpki_card_get_apdu_count(JpkiCard *card);
