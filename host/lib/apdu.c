/* APDU bytes as reference/jpki-card.md and docs/simulator.md give them. */
#include "apdu.h"

#include <openssl/crypto.h>
#include <string.h>

static const guint8 aid_jpki[] = {0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};
static const guint8 aid_support[] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08};
static const guint8 aid_common[] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00};

static GByteArray *
command(guint8 cla, guint8 ins, guint8 p1, guint8 p2)
{
	guint8 header[4] = {cla, ins, p1, p2};
	GByteArray *apdu = g_byte_array_sized_new(16);
	g_byte_array_append(apdu, header, 4);
	return apdu;
}

/* Short Lc and data; every command here carries at most 255 bytes. */
static void
append_data(GByteArray *apdu, const guint8 *data, gsize len)
{
	guint8 lc = (guint8)len;
	g_assert(len > 0 && len <= 255);
	g_byte_array_append(apdu, &lc, 1);
	g_byte_array_append(apdu, data, (guint)len);
}

GByteArray *
jpki_apdu_select_app(JpkiApp app)
{
	GByteArray *apdu = command(0x00, 0xA4, 0x04, 0x0C);
	switch (app) {
	case JPKI_APP_SUPPORT:
		append_data(apdu, aid_support, sizeof(aid_support));
		break;
	case JPKI_APP_COMMON:
		append_data(apdu, aid_common, sizeof(aid_common));
		break;
	default:
		append_data(apdu, aid_jpki, sizeof(aid_jpki));
		break;
	}
	return apdu;
}

GByteArray *
jpki_apdu_select_ef(guint16 fid)
{
	GByteArray *apdu = command(0x00, 0xA4, 0x02, 0x0C);
	guint8 id[2] = {fid >> 8, fid & 0xFF};
	append_data(apdu, id, 2);
	return apdu;
}

GByteArray *
jpki_apdu_read_binary(gsize offset, gsize le)
{
	g_assert(offset <= 0x7FFF && le >= 1 && le <= 65536);
	GByteArray *apdu = command(0x00, 0xB0, (guint8)(offset >> 8), (guint8)offset);
	if (le <= 256) {
		guint8 short_le = (guint8)(le == 256 ? 0 : le);
		g_byte_array_append(apdu, &short_le, 1);
	} else {
		guint8 extended_le[3] = {0x00, (guint8)(le >> 8), (guint8)le};
		if (le == 65536)
			extended_le[1] = extended_le[2] = 0;
		g_byte_array_append(apdu, extended_le, 3);
	}
	return apdu;
}

GByteArray *
jpki_apdu_read_record(guint8 record, guint8 sfi)
{
	GByteArray *apdu = command(0x00, 0xB2, record, (guint8)(sfi << 3 | 0x04));
	guint8 le = 0;
	g_byte_array_append(apdu, &le, 1);
	return apdu;
}

GByteArray *
jpki_apdu_verify_status(void)
{
	/* Case 1, no Le: a real card answers 6700 when an Le is appended. */
	return command(0x00, 0x20, 0x00, 0x80);
}

struct _JpkiSecretApdu {
	gsize len;
	guint8 data[]; /* header, Lc, the PIN */
};

/* Case 3 with short Lc, written once into a buffer of its final size. */
static JpkiSecretApdu *
secret_command(guint8 ins, guint8 p1, guint8 p2, const guint8 *pin, gsize len)
{
	g_return_val_if_fail(pin != NULL && len > 0 && len <= 255, NULL);
	JpkiSecretApdu *apdu = g_malloc(sizeof(JpkiSecretApdu) + 5 + len);
	apdu->len = 5 + len;
	const guint8 header[5] = {0x00, ins, p1, p2, (guint8)len};
	memcpy(apdu->data, header, sizeof(header));
	memcpy(apdu->data + 5, pin, len);
	return apdu;
}

JpkiSecretApdu *
jpki_apdu_verify(const guint8 *pin, gsize len)
{
	return secret_command(0x20, 0x00, 0x80, pin, len);
}

JpkiSecretApdu *
jpki_apdu_change_reference_data(const guint8 *pin, gsize len)
{
	return secret_command(0x24, 0x01, 0x80, pin, len);
}

const guint8 *
jpki_secret_apdu_get_data(const JpkiSecretApdu *apdu, gsize *len)
{
	g_return_val_if_fail(apdu != NULL && len != NULL, NULL);
	*len = apdu->len;
	return apdu->data;
}

void
jpki_secret_apdu_free(JpkiSecretApdu *apdu)
{
	if (apdu == NULL)
		return;
	OPENSSL_cleanse(apdu->data, apdu->len);
	g_free(apdu);
}

GByteArray *
jpki_apdu_compute_signature(GBytes *digest_info)
{
	GByteArray *apdu = command(0x80, 0x2A, 0x00, 0x80);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(digest_info, &len);
	append_data(apdu, data, len);
	guint8 le = 0;
	g_byte_array_append(apdu, &le, 1);
	return apdu;
}

gboolean
jpki_sw_is_wrong_pin(guint16 sw, guint *tries_left)
{
	if ((sw & JPKI_SW_WRONG_PIN_MASK) != JPKI_SW_WRONG_PIN)
		return FALSE;
	if (tries_left != NULL)
		*tries_left = sw & 0x0F;
	return TRUE;
}

gboolean
jpki_sw_is_blocked(guint16 sw)
{
	return sw == JPKI_SW_REFERENCE_DATA_UNUSABLE || sw == JPKI_SW_AUTH_METHOD_BLOCKED;
}

void
jpki_sw_set_error(GError **error, guint16 sw, const char *command_name)
{
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_CARD, "%s: the card answered %04X", command_name,
		    sw);
}
