/* The card input support application (券面事項入力補助 AP): the basic 4
 * attributes printed on the card, behind the 4-digit PIN. */
#pragma once

#include "pin.h"

typedef struct {
	char *name; /* family and given name separated by U+3000 */
	char *address;
	char *birth_date; /* YYYYMMDD */
	char *sex;        /* "1" male, "2" female, "9" not applicable */
} JpkiBasicAttributes;

void jpki_basic_attributes_free(JpkiBasicAttributes *attributes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiBasicAttributes, jpki_basic_attributes_free)

/* Verifies `pin` (a JPKI_SECRET_SUPPORT PIN) and reads the attributes. */
JpkiBasicAttributes *jpki_support_read_attributes(JpkiCard *card, const JpkiPin *pin,
						  guint *tries_left, GError **error);
/* Decodes EF 0002: FF20 { DF21 offsets; DF22 name; DF23 address; DF24 birth; DF25 sex }. */
JpkiBasicAttributes *jpki_basic_attributes_decode(GBytes *ef, GError **error);
