#include "files.h"

#include "tlv.h"

#define SHORT_READ_MAX 256
/* No EF the library reads is near this: certificates are under 2 KiB. A TLV
 * claiming more is a broken or hostile card, and an error. (READ BINARY's
 * 15-bit offset could not reach past 32 KiB anyway.) */
#define EF_MAX_SIZE 8192

static GBytes *
send(JpkiCard *card, GByteArray *apdu, guint16 *sw, GError **error)
{
	return jpki_card_transmit(card, apdu->data, apdu->len, sw, error);
}

gboolean
jpki_files_select_app(JpkiCard *card, JpkiApp app, GError **error)
{
	g_return_val_if_fail(card != NULL, FALSE);
	JpkiCardSession *session = jpki_card_get_session(card);
	if (session->app == (int)app)
		return TRUE;
	g_autoptr(GByteArray) apdu = jpki_apdu_select_app(app);
	guint16 sw = 0;
	g_autoptr(GBytes) response = send(card, apdu, &sw, error);
	if (response == NULL)
		return FALSE;
	session->app = sw == JPKI_SW_OK ? (int)app : JPKI_SESSION_UNKNOWN;
	session->ef = session->tries_left = JPKI_SESSION_UNKNOWN;
	/* Any refusal means no such application: 6A82, 6A86, 6D00, 6E00, or 6A81
	 * from a contactless reader for a card that speaks no ISO 7816-4 (FeliCa,
	 * MIFARE). 6F00, 64xx and 65xx are the card failing, not refusing. */
	if (sw != JPKI_SW_OK && sw != JPKI_SW_NO_PRECISE_DIAGNOSIS && sw >> 8 != 0x64 &&
	    sw >> 8 != 0x65) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_UNSUPPORTED_CARD,
			    "the card has no %s application (%04X)",
			    app == JPKI_APP_JPKI ? "JPKI" : "My Number Card", sw);
		return FALSE;
	}
	if (sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, sw, "SELECT application");
		return FALSE;
	}
	return TRUE;
}

gboolean
jpki_files_select_ef(JpkiCard *card, guint16 fid, guint16 *sw, GError **error)
{
	g_return_val_if_fail(card != NULL && sw != NULL, FALSE);
	JpkiCardSession *session = jpki_card_get_session(card);
	if (session->app != JPKI_SESSION_UNKNOWN && session->ef == (int)fid) {
		*sw = JPKI_SW_OK;
		return TRUE;
	}
	g_autoptr(GByteArray) apdu = jpki_apdu_select_ef(fid);
	g_autoptr(GBytes) response = send(card, apdu, sw, error);
	if (response == NULL)
		return FALSE;
	session->ef = *sw == JPKI_SW_OK ? (int)fid : JPKI_SESSION_UNKNOWN;
	session->tries_left = JPKI_SESSION_UNKNOWN;
	return TRUE;
}

GBytes *
jpki_files_read_head(JpkiCard *card, gsize max, guint16 *sw, GError **error)
{
	g_return_val_if_fail(card != NULL && sw != NULL, NULL);
	g_autoptr(GByteArray) apdu = jpki_apdu_read_binary(0, max);
	g_autoptr(GBytes) data = send(card, apdu, sw, error);
	if (data == NULL)
		return NULL;
	if (*sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, *sw, "READ BINARY");
		return NULL;
	}
	return g_steal_pointer(&data);
}

/* One extended READ BINARY for everything after the header. FALSE without an
 * error when the card or reader refused it: the caller reads short. */
static gboolean
read_rest_extended(JpkiCard *card, GByteArray *out, gsize total, GError **error)
{
	g_autoptr(GByteArray) apdu = jpki_apdu_read_binary(out->len, total - out->len);
	guint16 sw = 0;
	g_autoptr(GError) local = NULL;
	g_autoptr(GBytes) data = send(card, apdu, &sw, &local);
	if (data == NULL && !g_error_matches(local, JPKI_ERROR, JPKI_ERROR_PCSC)) {
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	if (data == NULL || sw != JPKI_SW_OK || g_bytes_get_size(data) != total - out->len) {
		g_debug("extended READ BINARY refused (%04X); reading in short APDUs", sw);
		jpki_card_set_extended_length(card, FALSE);
		return FALSE;
	}
	gsize len = 0;
	const guint8 *bytes = g_bytes_get_data(data, &len);
	g_byte_array_append(out, bytes, (guint)len);
	return TRUE;
}

/* Erased (FF) or zeroed bytes where a tag and its length should be. FF alone is
 * a valid first tag byte (FF20), so the whole head must be blank. */
static gboolean
is_blank(const guint8 *head, gsize len)
{
	gboolean all_ff = len > 0, all_zero = len > 0;
	for (gsize i = 0; i < len; i++) {
		all_ff = all_ff && head[i] == 0xFF;
		all_zero = all_zero && head[i] == 0x00;
	}
	return all_ff || all_zero;
}

GBytes *
jpki_files_read_tlv(JpkiCard *card, gsize tag_len, guint16 *sw, GError **error)
{
	g_return_val_if_fail(card != NULL && sw != NULL, NULL);
	/* The first 256 bytes carry the length and, of every certificate, the
	 * start of its body: no separate read for the header. A shorter file
	 * comes back whole (READ BINARY answers what there is up to Le). */
	g_autoptr(GBytes) head = jpki_files_read_head(card, SHORT_READ_MAX, sw, error);
	if (head == NULL)
		return NULL;
	gsize head_len = 0;
	const guint8 *head_bytes = g_bytes_get_data(head, &head_len);
	if (is_blank(head_bytes, head_len)) {
		*sw = JPKI_SW_FILE_NOT_FOUND;
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD,
				    "the file is blank: nothing was written to it");
		return NULL;
	}
	gsize total = 0;
	if (!jpki_tlv_lengths(head_bytes, head_len, tag_len, NULL, &total)) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD,
				    "the file does not start with a TLV length");
		return NULL;
	}
	if (total > EF_MAX_SIZE) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_CARD,
			    "the file claims %" G_GSIZE_FORMAT
			    " bytes, more than any EF of a My Number Card",
			    total);
		return NULL;
	}
	g_autoptr(GByteArray) out = g_byte_array_sized_new((guint)total);
	/* Bytes past the TLV (padding of a fixed-size EF) are not the file's content. */
	g_byte_array_append(out, head_bytes, (guint)MIN(head_len, total));

	if (out->len < total && jpki_card_get_extended_length(card)) {
		g_autoptr(GError) local = NULL;
		if (!read_rest_extended(card, out, total, &local) && local != NULL) {
			g_propagate_error(error, g_steal_pointer(&local));
			return NULL;
		}
	}
	while (out->len < total) {
		gsize chunk = MIN(total - out->len, SHORT_READ_MAX);
		g_autoptr(GByteArray) apdu = jpki_apdu_read_binary(out->len, chunk);
		g_autoptr(GBytes) data = send(card, apdu, sw, error);
		if (data == NULL)
			return NULL;
		gsize len = 0;
		const guint8 *bytes = g_bytes_get_data(data, &len);
		if (*sw != JPKI_SW_OK || len == 0) {
			jpki_sw_set_error(error, *sw, "READ BINARY");
			return NULL;
		}
		g_byte_array_append(out, bytes, (guint)MIN(len, total - out->len));
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}
