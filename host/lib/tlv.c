/* BER-TLV lengths (tlv.h): no card I/O, so the verifier can link it. */
#include "tlv.h"

gboolean
jpki_tlv_lengths(const guint8 *head, gsize len, gsize tag_len, gsize *header_len, gsize *total)
{
	g_return_val_if_fail(head != NULL && total != NULL, FALSE);
	if (len < tag_len + 1)
		return FALSE;
	const guint8 *l = head + tag_len;
	gsize value_len = 0;
	gsize length_bytes = 1;
	if (l[0] < 0x80) {
		value_len = l[0];
	} else if (l[0] == 0x81 && len >= tag_len + 2) {
		value_len = l[1];
		length_bytes = 2;
	} else if (l[0] == 0x82 && len >= tag_len + 3) {
		value_len = (gsize)(l[1] << 8 | l[2]);
		length_bytes = 3;
	} else {
		return FALSE;
	}
	if (header_len != NULL)
		*header_len = tag_len + length_bytes;
	*total = tag_len + length_bytes + value_len;
	return TRUE;
}
