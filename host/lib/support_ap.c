#include "support_ap.h"

#include "files.h"
#include "tlv.h"

#define ATTRIBUTES_FID 0x0002

void
jpki_basic_attributes_free(JpkiBasicAttributes *attributes)
{
	if (attributes == NULL)
		return;
	g_free(attributes->name);
	g_free(attributes->address);
	g_free(attributes->birth_date);
	g_free(attributes->sex);
	g_free(attributes);
}

static void
set_malformed(GError **error, const char *what)
{
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_CARD, "the basic 4 attributes are malformed: %s",
		    what);
}

JpkiBasicAttributes *
jpki_basic_attributes_decode(GBytes *ef, GError **error)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(ef, &len);
	gsize header = 0, total = 0;
	if (len < 3 || data[0] != 0xFF || data[1] != 0x20 ||
	    !jpki_tlv_lengths(data, len, 2, &header, &total) || total > len) {
		set_malformed(error, "no FF20 template");
		return NULL;
	}

	g_autoptr(JpkiBasicAttributes) attributes = g_new0(JpkiBasicAttributes, 1);
	char **fields[] = {&attributes->name, &attributes->address, &attributes->birth_date,
			   &attributes->sex};
	for (gsize at = header; at < total;) {
		gsize field_header = 0, field_total = 0;
		if (!jpki_tlv_lengths(data + at, total - at, 2, &field_header, &field_total) ||
		    at + field_total > total) {
			set_malformed(error, "a field runs past the template");
			return NULL;
		}
		guint16 tag = (guint16)(data[at] << 8 | data[at + 1]);
		gsize value_len = field_total - field_header;
		const char *value = (const char *)data + at + field_header;
		if (tag >= 0xDF22 && tag <= 0xDF25) {
			if (!g_utf8_validate(value, (gssize)value_len, NULL)) {
				set_malformed(error, "a field is not UTF-8");
				return NULL;
			}
			g_free(*fields[tag - 0xDF22]);
			*fields[tag - 0xDF22] = g_strndup(value, value_len);
		}
		at += field_total;
	}
	for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
		if (*fields[i] == NULL) {
			set_malformed(error, "a field is missing");
			return NULL;
		}
	}
	return g_steal_pointer(&attributes);
}

JpkiBasicAttributes *
jpki_support_read_attributes(JpkiCard *card, const JpkiPin *pin, guint *tries_left, GError **error)
{
	g_return_val_if_fail(jpki_pin_get_secret(pin) == JPKI_SECRET_SUPPORT, NULL);
	if (!jpki_pin_verify(card, pin, tries_left, error))
		return NULL;
	guint16 sw = 0;
	if (!jpki_files_select_ef(card, ATTRIBUTES_FID, &sw, error))
		return NULL;
	if (sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, sw, "SELECT basic attributes");
		return NULL;
	}
	g_autoptr(GBytes) ef = jpki_files_read_tlv(card, 2, &sw, error);
	if (ef == NULL)
		return NULL;
	return jpki_basic_attributes_decode(ef, error);
}
