/* Selecting the card's applications and files, and reading them. */
#pragma once

#include "apdu.h"
#include "pcsc.h"

/* SELECT by AID. An application the card lacks: JPKI_ERROR_UNSUPPORTED_CARD. */
gboolean jpki_files_select_app(JpkiCard *card, JpkiApp app, GError **error);
/* SELECT EF; returns the status word (9000, or 6A82 for a file the card lacks). */
gboolean jpki_files_select_ef(JpkiCard *card, guint16 fid, guint16 *sw, GError **error);
/* The current EF as one BER-TLV whose tag is `tag_len` bytes (1 for a DER
 * certificate, 2 for FF20): the length comes from its header. Short READ
 * BINARYs of 256 bytes, or one extended read where the card allows it
 * (falling back to short ones when it refuses). `sw` is set to the status
 * of a refused first read (e.g. 6982 before the signing password), and to
 * 6A82 (as for a missing file) when the file holds no TLV at all but erased
 * bytes (FF or 00): an EF the card has but nothing was ever written to. */
GBytes *jpki_files_read_tlv(JpkiCard *card, gsize tag_len, guint16 *sw, GError **error);
/* Up to `max` (<= 256) bytes from the start of the current EF. */
GBytes *jpki_files_read_head(JpkiCard *card, gsize max, guint16 *sw, GError **error);
