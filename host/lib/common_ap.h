/* The common application (共通カードAP): what the card says about itself in
 * record 1 of SFI 1, readable without a PIN. */
#pragma once

#include "pcsc.h"

typedef struct {
	char serial[16];             /* 15 digits */
	char municipality_code[6];   /* 5 digits: 全国地方公共団体コード of the issuer */
	char expiry[9];              /* YYYYMMDD: the card's own expiry */
	char manufacture_number[14]; /* 13 characters: serial[2..14], as the Mynaportal reads it */
} JpkiCardInfo;

/* Record 1: `01 1C` + 28 ASCII digits (serial 15, municipality 5, expiry 8),
 * anything after the TLV ignored (filler). Malformed: JPKI_ERROR_CARD. */
gboolean jpki_card_info_decode(GBytes *record, JpkiCardInfo *info, GError **error);
/* Selects the common application and reads record 1. */
gboolean jpki_common_read_card_info(JpkiCard *card, JpkiCardInfo *info, GError **error);
