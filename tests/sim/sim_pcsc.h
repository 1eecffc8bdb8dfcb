/* The in-process adapter: the real SCard* API of <winscard.h>, answered by
 * simulated cards, so unit tests link this instead of libpcsclite. These
 * functions are how a test arranges readers and cards. */
#pragma once

#include "sim_card.h"
#include "sim_removal.h"

/* Back to no readers, no cards, service running. */
void sim_pcsc_reset(void);
/* SCardEstablishContext answers SCARD_E_NO_SERVICE while unavailable. */
void sim_pcsc_set_service_available(gboolean available);
void sim_pcsc_add_reader(const char *reader);
/* Takes the card; it is powered up as on insertion. */
void sim_pcsc_insert_card(const char *reader, SimCard *card);
/* Takes the card out and gives it back (NULL if the reader was empty). */
SimCard *sim_pcsc_remove_card(const char *reader);
/* Puts back the card the removal plan took out; FALSE if there is none. */
gboolean sim_pcsc_reinsert_card(const char *reader);
/* Borrowed: the card in the reader (or NULL). */
SimCard *sim_pcsc_get_card(const char *reader);
void sim_pcsc_set_removal_plan(const char *reader, const SimRemovalPlan *plan);
/* What reached any card through SCardTransmit since sim_pcsc_reset(), whichever reader and
 * however often cards were swapped (see sim_card_count_pin_verifies()). */
guint sim_pcsc_count_pin_verifies(void);
guint sim_pcsc_count_status_queries(void);
/* APDUs through SCardTransmit since sim_pcsc_reset(). */
guint sim_pcsc_count_apdus(void);
/* Disconnects and ends of transaction that reset the card (or, with
 * `power_offs_only`, powered it off) since sim_pcsc_reset(). */
guint sim_pcsc_count_resets(gboolean power_offs_only);
/* Another program resets the card: every handle connected to it gets
 * SCARD_W_RESET_CARD until it reconnects, as with pcsc-lite. */
void sim_pcsc_reset_card(const char *reader);
/* The same, once the card has answered the `hits`-th command with INS `ins`
 * (pcsc-lite lets no other program do it within a transaction, but a reader
 * or a driver may: the caller must cope). */
void sim_pcsc_reset_card_after(const char *reader, guint8 ins, guint hits);
/* For tests that act while a caller waits (insert a card, plug a reader, cancel): how many
 * SCardGetStatusChange calls have blocked waiting for a change since sim_pcsc_reset(), and
 * waiting until the `n`-th has blocked and some caller is blocked still. FALSE on timeout. */
guint sim_pcsc_count_waits(void);
gboolean sim_pcsc_await_wait(guint n, guint timeout_ms);

/* A fault hook for transport tests: sees every command APDU and the card's
 * answer, and returns the answer to give instead (or NULL to pass the card's
 * on). Runs under the adapter's lock, for every reader; sim_pcsc_reset()
 * removes it. */
typedef GBytes *(*SimPcscAnswerHook)(const guint8 *apdu, gsize len, GBytes *answer,
				     gpointer user_data);
void sim_pcsc_set_answer_hook(SimPcscAnswerHook hook, gpointer user_data);
