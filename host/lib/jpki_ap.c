#include "jpki_ap.h"

#include "files.h"
#include "presence.h"

#include <string.h>

#define TOKEN_INFO_FID  0x0006
#define TOKEN_LABEL_LEN 32 /* CK_TOKEN_INFO.label, space-padded */

static const struct {
	const char *name;
	guint16 fid;
} slots[JPKI_SLOT_COUNT] = {
	[JPKI_SLOT_AUTH] = {"auth", 0x000A},
	[JPKI_SLOT_SIGN] = {"sign", 0x0001},
	[JPKI_SLOT_AUTH_CA] = {"auth-ca", 0x000B},
	[JPKI_SLOT_SIGN_CA] = {"sign-ca", 0x0002},
};

const char *
jpki_cert_slot_name(JpkiCertSlot slot)
{
	return slots[slot].name;
}

gboolean
jpki_cert_slot_from_name(const char *name, JpkiCertSlot *slot)
{
	for (guint i = 0; i < JPKI_SLOT_COUNT; i++) {
		if (g_strcmp0(name, slots[i].name) == 0) {
			*slot = (JpkiCertSlot)i;
			return TRUE;
		}
	}
	return FALSE;
}

JpkiToken
jpki_token_from_info(const guint8 *info, gsize len)
{
	static const struct {
		const char *label;
		JpkiToken token;
	} labels[] = {
		{"JPKIAPICCTOKEN2", JPKI_TOKEN_MYNUMBER_CARD},
		{"JPKIAPICCTOKEN", JPKI_TOKEN_JUKI_CARD},
		{"JPKIAPGPSETOKEN", JPKI_TOKEN_SMARTPHONE},
		{"JPKIAPIOSTOKEN", JPKI_TOKEN_SMARTPHONE},
	};
	if (info == NULL || len < TOKEN_LABEL_LEN)
		return JPKI_TOKEN_UNKNOWN;
	gsize label_len = TOKEN_LABEL_LEN;
	while (label_len > 0 && info[label_len - 1] == ' ')
		label_len--;
	for (guint i = 0; i < G_N_ELEMENTS(labels); i++) {
		/* The whole label: JPKIAPICCTOKEN is a prefix of JPKIAPICCTOKEN2. */
		if (strlen(labels[i].label) == label_len &&
		    memcmp(info, labels[i].label, label_len) == 0)
			return labels[i].token;
	}
	return JPKI_TOKEN_UNKNOWN;
}

#define PROBE_ATTEMPTS 3 /* another program may reset the card while we probe */

/* The token label of EF 0006, in a transaction begun here and left open.
 * `failing` tells a card that failed to answer the SELECT of the JPKI AID
 * (6F00 after its retry), which is no foreign card, from one that refused. */
static GBytes *
read_token_info(JpkiCard *card, gboolean *failing, GError **error)
{
	*failing = FALSE;
	if (!jpki_card_begin_transaction(card, error))
		return NULL;
	if (!jpki_files_select_app(card, JPKI_APP_JPKI, error)) {
		*failing = !g_error_matches(*error, JPKI_ERROR, JPKI_ERROR_UNSUPPORTED_CARD);
		return NULL;
	}
	guint16 sw = 0;
	if (!jpki_files_select_ef(card, TOKEN_INFO_FID, &sw, error))
		return NULL;
	if (sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, sw, "SELECT token information");
		return NULL;
	}
	return jpki_files_read_head(card, TOKEN_LABEL_LEN, &sw, error);
}

/* What the card in one reader is, by its answers (not its ATR). A My Number
 * Card stays in the transaction, with its JPKI application selected, for the
 * operation to go on in; any other card is let go. A reset by another
 * program before any PIN is met by starting the probe again. */
static gboolean
probe(JpkiCard *card, JpkiToken *result, GError **error)
{
	g_autoptr(GError) local = NULL;
	*result = JPKI_TOKEN_UNKNOWN;
	g_autoptr(GBytes) token = NULL;
	gboolean failing = FALSE;
	for (guint attempt = 0; attempt < PROBE_ATTEMPTS; attempt++) {
		g_clear_error(&local);
		token = read_token_info(card, &failing, &local);
		if (token != NULL || !g_error_matches(local, JPKI_ERROR, JPKI_ERROR_CARD_RESET) ||
		    jpki_card_get_pin_sent(card))
			break;
		jpki_card_end_transaction(card);
	}
	if (token != NULL) {
		gsize len = 0;
		const guint8 *data = g_bytes_get_data(token, &len);
		*result = jpki_token_from_info(data, len);
	}
	if (*result != JPKI_TOKEN_MYNUMBER_CARD)
		jpki_card_end_transaction(card);

	if (local != NULL && !g_error_matches(local, JPKI_ERROR, JPKI_ERROR_UNSUPPORTED_CARD) &&
	    (failing || !g_error_matches(local, JPKI_ERROR, JPKI_ERROR_CARD))) {
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	return TRUE;
}

JpkiCard *
jpki_ap_find_card(JpkiContext *context, const char *reader, GError **error)
{
	g_auto(GStrv) with_card = NULL;
	if (reader != NULL) {
		g_auto(GStrv) all = jpki_context_list_readers(context, error);
		if (all == NULL)
			return NULL;
		if (!g_strv_contains((const char *const *)all, reader)) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_NO_READER,
				    "no reader named \"%s\"", reader);
			return NULL;
		}
		with_card = g_new0(char *, 2);
		with_card[0] = g_strdup(reader);
	} else {
		with_card = jpki_context_list_readers_with_card(context, error);
		if (with_card == NULL)
			return NULL;
	}

	g_autoptr(JpkiCard) found = NULL;
	g_autoptr(GError) skipped = NULL; /* why the first unusable reader was skipped */
	guint mynumber_cards = 0, juki_cards = 0, smartphones = 0, other_cards = 0;
	for (guint i = 0; with_card[i] != NULL; i++) {
		g_autoptr(GError) local = NULL;
		g_autoptr(JpkiCard) card = jpki_card_connect(context, with_card[i], &local);
		JpkiToken result = JPKI_TOKEN_UNKNOWN;
		if (card == NULL || !probe(card, &result, &local)) {
			if (reader != NULL) {
				g_propagate_error(error, g_steal_pointer(&local));
				return NULL;
			}
			g_debug("skipping reader %s: %s", with_card[i], local->message);
			if (skipped == NULL)
				skipped = g_steal_pointer(&local);
			continue;
		}
		if (result == JPKI_TOKEN_MYNUMBER_CARD) {
			mynumber_cards++;
			if (found == NULL)
				found = g_steal_pointer(&card);
		} else if (result == JPKI_TOKEN_JUKI_CARD) {
			juki_cards++;
		} else if (result == JPKI_TOKEN_SMARTPHONE) {
			smartphones++;
		} else {
			other_cards++;
		}
	}
	if (mynumber_cards > 1) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_SEVERAL_CARDS,
			    "%u My Number Cards are present", mynumber_cards);
		return NULL;
	}
	if (found != NULL)
		return g_steal_pointer(&found);
	if (smartphones > 0)
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_SMARTPHONE_CERTIFICATE,
				    "the token is a smartphone's JPKI certificate, not a card");
	else if (juki_cards > 0)
		g_set_error_literal(
			error, JPKI_ERROR, JPKI_ERROR_JUKI_CARD,
			"the card is a Juki card (住基カード), which is no longer usable");
	else if (other_cards > 0)
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_UNSUPPORTED_CARD,
				    "the card is not a My Number Card");
	else if (skipped != NULL) /* a card is there, but it failed: say why, not "no card" */
		g_propagate_error(error, g_steal_pointer(&skipped));
	else
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_NO_CARD, "no card in the reader");
	return NULL;
}

/* The holder's own certificates may be missing (a child, a declined
 * certificate); the CA certificates never are. */
static gboolean
set_absent_error(GError **error, JpkiCertSlot slot)
{
	if (slot != JPKI_SLOT_SIGN && slot != JPKI_SLOT_AUTH)
		return FALSE;
	jpki_presence_set_absent_error(error, slot == JPKI_SLOT_SIGN);
	return TRUE;
}

GBytes *
jpki_ap_read_certificate(JpkiCard *card, JpkiCertSlot slot, GError **error)
{
	if (slot != JPKI_SLOT_SIGN && !jpki_files_select_app(card, JPKI_APP_JPKI, error))
		return NULL;
	guint16 sw = 0;
	if (!jpki_files_select_ef(card, slots[slot].fid, &sw, error))
		return NULL;
	if (sw == JPKI_SW_FILE_NOT_FOUND && set_absent_error(error, slot))
		return NULL;
	if (sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, sw, "SELECT certificate");
		return NULL;
	}
	g_autoptr(GError) local = NULL;
	GBytes *der = jpki_files_read_tlv(card, 1, &sw, &local);
	/* No file, or a blank one: the holder's certificate was never written. */
	if (der == NULL && sw == JPKI_SW_FILE_NOT_FOUND && set_absent_error(error, slot))
		return NULL;
	if (der == NULL && sw == JPKI_SW_SECURITY_NOT_SATISFIED) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD,
				    "the signing certificate is read after the signing password");
		return NULL;
	}
	if (der == NULL) {
		g_propagate_error(error, g_steal_pointer(&local));
		return NULL;
	}
	/* Read: there is no need to ask EF 0008 about it in this session. */
	JpkiCardSession *session = jpki_card_get_session(card);
	if (slot == JPKI_SLOT_AUTH)
		session->presence_auth = JPKI_PRESENCE_PRESENT;
	else if (slot == JPKI_SLOT_SIGN)
		session->presence_sign = JPKI_PRESENCE_PRESENT;
	return der;
}

GBytes *
jpki_ap_sign(JpkiCard *card, JpkiSecret secret, GBytes *digest_info, GError **error)
{
	g_return_val_if_fail(secret == JPKI_SECRET_AUTH || secret == JPKI_SECRET_SIGN, NULL);
	guint16 sw = 0;
	guint16 key_fid = secret == JPKI_SECRET_AUTH ? 0x0017 : 0x001A;
	if (!jpki_files_select_ef(card, key_fid, &sw, error))
		return NULL;
	if (sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, sw, "SELECT key");
		return NULL;
	}
	g_autoptr(GByteArray) apdu = jpki_apdu_compute_signature(digest_info);
	g_autoptr(GBytes) signature = jpki_card_transmit(card, apdu->data, apdu->len, &sw, error);
	if (signature == NULL)
		return NULL;
	if (sw != JPKI_SW_OK || g_bytes_get_size(signature) == 0) {
		jpki_sw_set_error(error, sw, "COMPUTE DIGITAL SIGNATURE");
		return NULL;
	}
	return g_steal_pointer(&signature);
}
