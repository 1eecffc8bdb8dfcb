/* PC/SC contexts, readers, waiting for a card, connections and transmit. */
#include "pcsc.h"

#include "apdu.h"

#include "winscard_compat.h"
#include <openssl/crypto.h>
#include <string.h>

#define MAX_RESPONSE (65536 + 2)
/* One command's answer, however it arrives: the most an extended Le can ask
 * for. A card that keeps answering 61xx is cut off well before that. */
#define MAX_TOTAL_RESPONSE 65536
#define MAX_CONTINUATIONS  64 /* GET RESPONSEs for one command */

struct _JpkiContext {
	SCARDCONTEXT handle;
};

struct _JpkiCard {
	SCARDHANDLE handle;
	DWORD protocol;
	char *reader;
	gboolean in_transaction;
	gboolean extended_length;
	gboolean pin_sent; /* in this transaction: then it ends with a power-off */
	guint apdu_count;
	gboolean fresh; /* nothing sent since connecting or a reset: a 6F00 is answered once */
	JpkiCardSession session;
};

#define MAX_RESET_RECOVERIES 3 /* resets by others met by one begin_transaction */

void
jpki_card_session_forget(JpkiCardSession *session)
{
	session->app = session->ef = session->tries_left = JPKI_SESSION_UNKNOWN;
	session->presence_read = FALSE;
	session->presence_sign = session->presence_auth = JPKI_SESSION_UNKNOWN;
}

typedef enum {
	DURING_SETUP,     /* establishing a context, listing readers */
	DURING_CONNECT,   /* connecting to a reader */
	DURING_OPERATION, /* talking to a connected card */
} Phase;

/* The one place that maps PC/SC results onto libjpki's errors. */
static void
set_pcsc_error(GError **error, LONG rv, Phase phase, const char *what)
{
	JpkiErrorCode code;
	switch (rv) {
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
		code = JPKI_ERROR_NO_SERVICE;
		break;
	case SCARD_E_NO_READERS_AVAILABLE:
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
		code = JPKI_ERROR_NO_READER;
		break;
	case SCARD_E_NO_SMARTCARD:
	case SCARD_W_REMOVED_CARD:
	case SCARD_W_RESET_CARD:
		code = phase == DURING_OPERATION ? JPKI_ERROR_CARD_REMOVED : JPKI_ERROR_NO_CARD;
		break;
	case SCARD_W_UNRESPONSIVE_CARD:
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_E_PROTO_MISMATCH:
		code = JPKI_ERROR_UNSUPPORTED_CARD;
		break;
	case SCARD_E_TIMEOUT:
		code = JPKI_ERROR_TIMEOUT;
		break;
	case SCARD_E_CANCELLED:
		code = JPKI_ERROR_CANCELLED;
		break;
	default:
		code = JPKI_ERROR_PCSC;
		break;
	}
	g_set_error(error, JPKI_ERROR, code, "%s: PC/SC error 0x%08lX", what, (unsigned long)rv);
}

JpkiContext *
jpki_context_new(GError **error)
{
	SCARDCONTEXT handle = 0;
	LONG rv = SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &handle);
	if (rv != SCARD_S_SUCCESS) {
		set_pcsc_error(error, rv, DURING_SETUP, "connecting to the PC/SC service");
		return NULL;
	}
	JpkiContext *context = g_new0(JpkiContext, 1);
	context->handle = handle;
	return context;
}

void
jpki_context_free(JpkiContext *context)
{
	if (context == NULL)
		return;
	SCardReleaseContext(context->handle);
	g_free(context);
}

GStrv
jpki_context_list_readers(JpkiContext *context, GError **error)
{
	g_return_val_if_fail(context != NULL, NULL);
	DWORD len = 0;
	LONG rv = SCardListReaders(context->handle, NULL, NULL, &len);
	g_autofree char *list = NULL;
	if (rv == SCARD_S_SUCCESS) {
		list = g_malloc0(len + 1);
		rv = SCardListReaders(context->handle, NULL, list, &len);
	}
	if (rv != SCARD_S_SUCCESS) {
		set_pcsc_error(error, rv, DURING_SETUP, "listing card readers");
		return NULL;
	}
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	for (const char *name = list; *name != '\0'; name += strlen(name) + 1)
		g_strv_builder_add(builder, name);
	GStrv readers = g_strv_builder_end(builder);
	if (readers[0] == NULL) {
		g_strfreev(readers);
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_NO_READER, "no card reader");
		return NULL;
	}
	return readers;
}

/* Current states of `readers` (n_readers of them), plus the reader-list notification where
 * the platform has one (then *count is n_readers + 1). */
static SCARD_READERSTATE *
reader_states_new(GStrv readers, guint *n_readers, guint *count)
{
	guint n = readers != NULL ? g_strv_length(readers) : 0;
	SCARD_READERSTATE *states = g_new0(SCARD_READERSTATE, n + 1);
	for (guint i = 0; i < n; i++) {
		states[i].szReader = readers[i];
		states[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	states[n].szReader = JPKI_PCSC_PNP_READER;
	states[n].dwCurrentState = SCARD_STATE_UNAWARE;
	*n_readers = n;
	*count = JPKI_PCSC_HAS_PNP ? n + 1 : n;
	return states;
}

GStrv
jpki_context_list_readers_with_card(JpkiContext *context, GError **error)
{
	g_return_val_if_fail(context != NULL, NULL);
	g_auto(GStrv) readers = jpki_context_list_readers(context, error);
	if (readers == NULL)
		return NULL;
	guint n_readers = 0, count = 0;
	g_autofree SCARD_READERSTATE *states = reader_states_new(readers, &n_readers, &count);
	LONG rv = SCardGetStatusChange(context->handle, 0, states, n_readers);
	if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
		set_pcsc_error(error, rv, DURING_SETUP, "reading the readers' state");
		return NULL;
	}
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	for (guint i = 0; i < n_readers; i++) {
		if (states[i].dwEventState & SCARD_STATE_PRESENT)
			g_strv_builder_add(builder, readers[i]);
	}
	return g_strv_builder_end(builder);
}

gboolean
jpki_context_wait_for_card(JpkiContext *context, guint timeout_ms, GError **error)
{
	g_return_val_if_fail(context != NULL, FALSE);
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
	for (;;) {
		g_autoptr(GError) list_error = NULL;
		g_auto(GStrv) readers = jpki_context_list_readers(context, &list_error);
		if (readers == NULL &&
		    !g_error_matches(list_error, JPKI_ERROR, JPKI_ERROR_NO_READER)) {
			g_propagate_error(error, g_steal_pointer(&list_error));
			return FALSE;
		}
		guint n_readers = 0, count = 0;
		g_autofree SCARD_READERSTATE *states =
			reader_states_new(readers, &n_readers, &count);
		LONG rv = count > 0 ? SCardGetStatusChange(context->handle, 0, states, count)
				    : SCARD_S_SUCCESS;
		if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
			set_pcsc_error(error, rv, DURING_SETUP, "reading the readers' state");
			return FALSE;
		}
		for (guint i = 0; i < n_readers; i++) {
			if (states[i].dwEventState & SCARD_STATE_PRESENT)
				return TRUE;
		}
		gint64 left_ms = (deadline - g_get_monotonic_time()) / G_TIME_SPAN_MILLISECOND;
		if (left_ms <= 0) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_TIMEOUT,
					    "no card was inserted in time");
			return FALSE;
		}
		for (guint i = 0; i < count; i++)
			states[i].dwCurrentState = states[i].dwEventState & ~SCARD_STATE_CHANGED;
		/* Wakes on a card in any reader or on a reader plugged in. Without the
		 * reader-list notification (macOS) a reader plugged in is only seen by listing
		 * again, so the wait is cut into slices. */
		guint wait_ms = (guint)MIN(left_ms, (gint64)JPKI_PCSC_WAIT_SLICE_MS);
		if (count == 0) {
			/* Nothing for SCardCancel to interrupt: a cancel is seen at the caller's
			 * next slice (the host waits in slices of its own, bridge/commands.c). */
			g_usleep((gulong)wait_ms * G_TIME_SPAN_MILLISECOND);
			continue;
		}
		rv = SCardGetStatusChange(context->handle, (DWORD)wait_ms, states, count);
		if (rv == SCARD_E_TIMEOUT && !JPKI_PCSC_HAS_PNP)
			continue;
		if (rv != SCARD_S_SUCCESS) {
			set_pcsc_error(error, rv, DURING_SETUP, "waiting for a card");
			return FALSE;
		}
	}
}

void
jpki_context_cancel(JpkiContext *context)
{
	g_return_if_fail(context != NULL);
	SCardCancel(context->handle);
}

JpkiCard *
jpki_card_connect(JpkiContext *context, const char *reader, GError **error)
{
	g_return_val_if_fail(context != NULL && reader != NULL, NULL);
	SCARDHANDLE handle = 0;
	DWORD protocol = 0;
	LONG rv = SCardConnect(context->handle, reader, SCARD_SHARE_SHARED,
			       SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &handle, &protocol);
	if (rv != SCARD_S_SUCCESS) {
		set_pcsc_error(error, rv, DURING_CONNECT, "connecting to the card");
		return NULL;
	}
	JpkiCard *card = g_new0(JpkiCard, 1);
	card->handle = handle;
	card->protocol = protocol;
	card->fresh = TRUE;
	card->reader = g_strdup(reader);
	jpki_card_session_forget(&card->session);
	return card;
}

void
jpki_card_free(JpkiCard *card)
{
	if (card == NULL)
		return;
	jpki_card_end_transaction(card);
	/* Another program may use the card after us: a reset would pull its
	 * session from under it, and ours left nothing verified behind. */
	SCardDisconnect(card->handle, SCARD_LEAVE_CARD);
	g_free(card->reader);
	g_free(card);
}

const char *
jpki_card_get_reader(JpkiCard *card)
{
	g_return_val_if_fail(card != NULL, NULL);
	return card->reader;
}

GBytes *
jpki_card_get_atr(JpkiCard *card)
{
	char name[256];
	DWORD name_len = sizeof(name), state = 0, protocol = 0, atr_len = MAX_ATR_SIZE;
	BYTE atr[MAX_ATR_SIZE];
	LONG rv = SCardStatus(card->handle, name, &name_len, &state, &protocol, atr, &atr_len);
	return rv == SCARD_S_SUCCESS && atr_len > 0 ? g_bytes_new(atr, atr_len) : NULL;
}

gboolean
jpki_card_get_extended_length(JpkiCard *card)
{
	g_return_val_if_fail(card != NULL, FALSE);
	return card->extended_length;
}

void
jpki_card_set_extended_length(JpkiCard *card, gboolean allowed)
{
	g_return_if_fail(card != NULL);
	card->extended_length = allowed;
}

guint
jpki_card_get_apdu_count(JpkiCard *card)
{
	g_return_val_if_fail(card != NULL, 0);
	return card->apdu_count;
}

JpkiCardSession *
jpki_card_get_session(JpkiCard *card)
{
	g_return_val_if_fail(card != NULL, NULL);
	return &card->session;
}

gboolean
jpki_card_get_pin_sent(JpkiCard *card)
{
	g_return_val_if_fail(card != NULL, FALSE);
	return card->pin_sent;
}

/* After SCARD_W_RESET_CARD: another program reset the card, so whatever it
 * had selected or verified for us is gone. Without a PIN sent, reconnect and
 * let the operation start again; after one, stop: the PIN is never re-sent. */
static gboolean
recover_from_reset(JpkiCard *card, GError **error)
{
	jpki_card_session_forget(&card->session);
	if (card->pin_sent) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD_RESET,
				    "another program reset the card after the PIN was sent; "
				    "the PIN was not sent again");
		return FALSE;
	}
	DWORD protocol = 0;
	LONG rv =
		SCardReconnect(card->handle, SCARD_SHARE_SHARED,
			       SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD, &protocol);
	if (rv != SCARD_S_SUCCESS) {
		set_pcsc_error(error, rv, DURING_OPERATION, "reconnecting after a reset");
		return FALSE;
	}
	card->protocol = protocol;
	card->fresh = TRUE;
	g_debug("another program reset the card; reconnected");
	return TRUE;
}

gboolean
jpki_card_begin_transaction(JpkiCard *card, GError **error)
{
	g_return_val_if_fail(card != NULL, FALSE);
	if (card->in_transaction)
		return TRUE;
	LONG rv = SCardBeginTransaction(card->handle);
	for (guint i = 0; rv == SCARD_W_RESET_CARD && i < MAX_RESET_RECOVERIES; i++) {
		if (!recover_from_reset(card, error))
			return FALSE;
		rv = SCardBeginTransaction(card->handle);
	}
	if (rv != SCARD_S_SUCCESS) {
		set_pcsc_error(error, rv, DURING_OPERATION, "reserving the card");
		return FALSE;
	}
	card->in_transaction = TRUE;
	card->pin_sent = FALSE;
	jpki_card_session_forget(&card->session);
	return TRUE;
}

void
jpki_card_end_transaction(JpkiCard *card)
{
	g_return_if_fail(card != NULL);
	jpki_card_session_forget(&card->session);
	if (!card->in_transaction)
		return;
	/* A verified PIN must not outlive the operation, and one source saw it
	 * survive a warm reset: power the card off. */
	SCardEndTransaction(card->handle, card->pin_sent ? SCARD_UNPOWER_CARD : SCARD_LEAVE_CARD);
	card->in_transaction = FALSE;
	card->pin_sent = FALSE;
}

/* Whether the card has left the reader. pcsc-lite reports a card pulled
 * during a command as a failed transmit (SCARD_E_NOT_TRANSACTED) and notices
 * the removal at its next poll, so ask for up to a second. */
static gboolean
card_left(JpkiCard *card)
{
	for (guint attempt = 0; attempt < 10; attempt++) {
		char name[256];
		DWORD name_len = sizeof(name), state = 0, protocol = 0, atr_len = MAX_ATR_SIZE;
		BYTE atr[MAX_ATR_SIZE];
		LONG rv = SCardStatus(card->handle, name, &name_len, &state, &protocol, atr,
				      &atr_len);
		if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD ||
		    (rv == SCARD_S_SUCCESS && (state & SCARD_ABSENT)))
			return TRUE;
		g_usleep(100 * G_TIME_SPAN_MILLISECOND);
	}
	return FALSE;
}

static LONG
transmit_once(JpkiCard *card, const guint8 *apdu, gsize len, guint8 *response, DWORD *response_len)
{
	/* What SCARD_PCI_T0 and _T1 point at, made here: on Windows they are winscard.dll's data.
	 */
	const SCARD_IO_REQUEST pci = {.dwProtocol = card->protocol,
				      .cbPciLength = sizeof(SCARD_IO_REQUEST)};
	card->apdu_count++;
	*response_len = MAX_RESPONSE;
	return SCardTransmit(card->handle, &pci, apdu, (DWORD)len, NULL, response, response_len);
}

/* Whether the APDU's last byte is a short Le (ISO 7816-4 cases 2S and 4S).
 * Only then may a 6Cxx answer rewrite it: in any other APDU the last byte is
 * data (SELECT EF 0006 would become SELECT EF 00xx). */
static gboolean
ends_with_short_le(const guint8 *apdu, gsize len)
{
	if (len == 5)
		return TRUE; /* case 2S: CLA INS P1 P2 Le */
	if (len < 6 || apdu[4] == 0)
		return FALSE;             /* case 1, or extended length */
	return len == 6 + (gsize)apdu[4]; /* case 4S: ... Lc data Le */
}

/* Whether the card answered just `sw`, without data. */
static gboolean
answered(LONG rv, const guint8 *response, DWORD response_len, guint16 sw)
{
	return rv == SCARD_S_SUCCESS && response_len == 2 && response[0] == sw >> 8 &&
	       response[1] == (sw & 0xFF);
}

static void
set_answer_error(GError **error, const char *what)
{
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_CARD, "the card's answer %s", what);
}

static GBytes *
exchange(JpkiCard *card, const guint8 *apdu, gsize len, gboolean secret, guint16 *sw,
	 GError **error)
{
	g_autofree guint8 *response = g_malloc(MAX_RESPONSE);
	g_autoptr(GByteArray) data = g_byte_array_new();
	DWORD response_len = 0;
	guint continuations = 0;
	gboolean le_corrected = FALSE;
	/* Set before sending: a PIN that may have reached the card counts. */
	card->pin_sent = card->pin_sent || secret;
	gboolean first_on_connection = card->fresh;
	card->fresh = FALSE;
	LONG rv = transmit_once(card, apdu, len, response, &response_len);
	if (first_on_connection && !secret &&
	    answered(rv, response, response_len, JPKI_SW_NO_PRECISE_DIAGNOSIS)) {
		/* Some cards answer the first command after power-up 6F00: once more,
		 * never twice, and never a command carrying a PIN. */
		rv = transmit_once(card, apdu, len, response, &response_len);
	}
	for (;;) {
		if (rv == SCARD_E_NOT_TRANSACTED && card_left(card))
			rv = SCARD_W_REMOVED_CARD;
		if (rv == SCARD_W_RESET_CARD) {
			if (recover_from_reset(card, error))
				g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD_RESET,
						    "another program reset the card; the operation "
						    "starts again");
			return NULL;
		}
		if (rv != SCARD_S_SUCCESS) {
			set_pcsc_error(error, rv, DURING_OPERATION, "talking to the card");
			return NULL;
		}
		if (response_len < 2) {
			/* A reader whose card leaves while it answers may pass on nothing. */
			if (card_left(card))
				set_pcsc_error(error, SCARD_W_REMOVED_CARD, DURING_OPERATION,
					       "the card left while answering");
			else
				g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD,
						    "the card's answer is too short");
			return NULL;
		}
		guint8 sw1 = response[response_len - 2], sw2 = response[response_len - 1];
		if (data->len + response_len - 2 > MAX_TOTAL_RESPONSE) {
			set_answer_error(error, "is longer than any command can ask for");
			return NULL;
		}
		g_byte_array_append(data, response, response_len - 2);
		if (sw1 == JPKI_SW1_MORE_DATA) {
			/* More data waits: GET RESPONSE (T=0 and some contactless readers). */
			if (++continuations > MAX_CONTINUATIONS) {
				set_answer_error(error, "never ends (61xx after 61xx)");
				return NULL;
			}
			guint8 get_response[5] = {0x00, 0xC0, 0x00, 0x00, sw2};
			rv = transmit_once(card, get_response, sizeof(get_response), response,
					   &response_len);
			continue;
		}
		if (sw1 == JPKI_SW1_WRONG_LE && !secret && !le_corrected && continuations == 0 &&
		    ends_with_short_le(apdu, len)) {
			/* Wrong Le: send the same command once more with the Le the card wants. */
			g_autofree guint8 *again = g_memdup2(apdu, len);
			again[len - 1] = sw2;
			le_corrected = TRUE;
			g_byte_array_set_size(data, 0);
			rv = transmit_once(card, again, len, response, &response_len);
			continue;
		}
		*sw = (guint16)(sw1 << 8 | sw2);
		break;
	}
	if (secret)
		OPENSSL_cleanse(response, MAX_RESPONSE);
	return g_byte_array_free_to_bytes(g_steal_pointer(&data));
}

static GBytes *
transmit(JpkiCard *card, const guint8 *apdu, gsize len, gboolean secret, guint16 *sw,
	 GError **error)
{
	GBytes *answer = exchange(card, apdu, len, secret, sw, error);
	/* Whatever the card has selected after a failed exchange is unknown. */
	if (answer == NULL)
		jpki_card_session_forget(&card->session);
	return answer;
}

GBytes *
jpki_card_transmit(JpkiCard *card, const guint8 *apdu, gsize len, guint16 *sw, GError **error)
{
	g_return_val_if_fail(card != NULL && apdu != NULL && len >= 4 && sw != NULL, NULL);
	return transmit(card, apdu, len, FALSE, sw, error);
}

GBytes *
jpki_card_transmit_secret(JpkiCard *card, const JpkiSecretApdu *apdu, guint16 *sw, GError **error)
{
	g_return_val_if_fail(card != NULL && apdu != NULL && sw != NULL, NULL);
	gsize len = 0;
	const guint8 *data = jpki_secret_apdu_get_data(apdu, &len);
	return transmit(card, data, len, TRUE, sw, error);
}
