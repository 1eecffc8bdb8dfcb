/* The card simulator's APDU engine: a My Number Card in memory.
 *
 * Pure: no I/O. A command APDU goes in, the response APDU (data + SW1 SW2)
 * comes out and the card's state changes as a real card's would. The two
 * adapters (in-process PC/SC, vpcd socket) only carry bytes to and from it. */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

typedef enum {
	SIM_SECRET_AUTH,    /* JPKI user-authentication PIN, EF 0018 */
	SIM_SECRET_SIGN,    /* JPKI signing password, EF 001B */
	SIM_SECRET_SUPPORT, /* card input support PIN, EF 0011 */
	SIM_SECRET_COUNT
} SimSecret;

typedef enum {
	SIM_AP_JPKI,
	SIM_AP_SUPPORT, /* 券面事項入力補助 AP */
	SIM_AP_SURFACE, /* 券面事項確認 AP: selectable, no files simulated */
	SIM_AP_COMMON,  /* carries the card's manufacture number */
	SIM_AP_COUNT
} SimAp;

typedef struct _SimCard SimCard;

/* A card with every application present and empty: no files, no secrets. */
SimCard *sim_card_new(void);
void sim_card_free(SimCard *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimCard, sim_card_free)

/* Building the card's contents (done once, by the profile loader). */
void sim_card_set_binary(SimCard *card, SimAp ap, guint16 fid, GBytes *content,
			 int read_secret /* a SimSecret, or -1: free to read */);
void sim_card_set_secret(SimCard *card, SimSecret secret, const char *value, guint max_tries,
			 guint tries_left);
void sim_card_set_key(SimCard *card, guint16 fid, EVP_PKEY *key, SimSecret unlocked_by);
void sim_card_set_record(SimCard *card, SimAp ap, guint8 sfi, GBytes *record);
void sim_card_set_ap_present(SimCard *card, SimAp ap, gboolean present);
void sim_card_set_atr(SimCard *card, const guint8 *atr, gsize len);
/* Extended-length APDUs are accepted unless refused here; refused, they get 6700. */
void sim_card_set_extended_length(SimCard *card, gboolean accepted);

/* Answers 6F00 to the first APDU after power-up or reset, as one source saw a
 * contactless card do; the APDU is not executed. */
void sim_card_set_first_apdu_6f00(SimCard *card, gboolean enabled);
/* A card that speaks no ISO 7816-4 (FeliCa, MIFARE behind a contactless
 * reader): every APDU answered `sw` (0: off, the card answers normally). */
void sim_card_set_answer_all(SimCard *card, guint16 sw);

/* What the status query (VERIFY without data) answers on a blocked secret:
 * 63C0 (the default; myna-card, tested on a card) or 6984 (older myna code). */
void sim_card_set_blocked_status(SimCard *card, guint16 sw);

/* One command APDU in, one response APDU out (always at least SW1 SW2). */
GBytes *sim_card_transmit(SimCard *card, const guint8 *apdu, gsize len);
/* Power-on or warm reset: the volatile state (selection, verified secrets)
 * is lost; what the card stores (retry counters, PINs) is not. */
void sim_card_reset(SimCard *card);

const guint8 *sim_card_get_atr(SimCard *card, gsize *len);

/* For tests: what the card holds and what it has been sent. */
guint sim_card_get_tries_left(SimCard *card, SimSecret secret);
guint sim_card_count_commands(SimCard *card, guint8 ins);
/* VERIFY (INS 20) in its two uses, told apart: a status query carries no data and spends no
 * try; a VERIFY with data sent a PIN to the card. "The PIN never reached the card" is
 * sim_card_count_pin_verifies() == 0, whatever the status queries. Bytes with INS 20 that are
 * no APDU but carry more than a header count as a PIN sent. */
guint sim_card_count_status_queries(SimCard *card);
guint sim_card_count_pin_verifies(SimCard *card);

/* The formats a card accepts for a new secret: 4 digits, or 6-16 of A-Z0-9
 * with both letters and digits for signing. */
gboolean sim_card_secret_format_ok(SimSecret secret, const char *value);
