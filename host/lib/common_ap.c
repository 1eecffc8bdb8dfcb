/* Record 1 of the common application: serial, issuer, expiry. */
#include "common_ap.h"

#include "files.h"

#include <string.h>

#define CARD_INFO_TAG    0x01
#define CARD_INFO_LEN    28 /* serial 15 + municipality 5 + expiry 8 */
#define CARD_INFO_SFI    1
#define SERIAL_LEN       15
#define MUNICIPALITY_LEN 5
#define EXPIRY_LEN       8
#define MANUFACTURE_FROM 2 /* jpki/myna mpa: characters 2..14 of the value */
#define MANUFACTURE_LEN  13

gboolean
jpki_card_info_decode(GBytes *record, JpkiCardInfo *info, GError **error)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(record, &len);
	memset(info, 0, sizeof(*info));
	if (len < 2 + CARD_INFO_LEN || data[0] != CARD_INFO_TAG || data[1] != CARD_INFO_LEN) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD,
				    "the card information record is not 01 1C + 28 digits");
		return FALSE;
	}
	const char *value = (const char *)data + 2;
	for (guint i = 0; i < CARD_INFO_LEN; i++) {
		if (!g_ascii_isdigit(value[i])) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD,
					    "the card information record holds a non-digit");
			return FALSE;
		}
	}
	memcpy(info->serial, value, SERIAL_LEN);
	memcpy(info->municipality_code, value + SERIAL_LEN, MUNICIPALITY_LEN);
	memcpy(info->expiry, value + SERIAL_LEN + MUNICIPALITY_LEN, EXPIRY_LEN);
	memcpy(info->manufacture_number, value + MANUFACTURE_FROM, MANUFACTURE_LEN);
	return TRUE;
}

gboolean
jpki_common_read_card_info(JpkiCard *card, JpkiCardInfo *info, GError **error)
{
	if (!jpki_files_select_app(card, JPKI_APP_COMMON, error))
		return FALSE;
	g_autoptr(GByteArray) apdu = jpki_apdu_read_record(1, CARD_INFO_SFI);
	guint16 sw = 0;
	g_autoptr(GBytes) record = jpki_card_transmit(card, apdu->data, apdu->len, &sw, error);
	if (record == NULL)
		return FALSE;
	/* A READ RECORD by short file id makes that EF the current one. */
	jpki_card_get_session(card)->ef = JPKI_SESSION_UNKNOWN;
	if (sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, sw, "READ RECORD");
		return FALSE;
	}
	return jpki_card_info_decode(record, info, error);
}
