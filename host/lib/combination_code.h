/* The マイナポータルAP protocol's combination_code (docs/mynaportal.md): what
 * ties one card to one installation, as the portals' own app computes it. */
#pragma once

#include <glib.h>

#define JPKI_INSTALLATION_ID_LEN 16 /* the protocol's uuid: 16 random bytes */

/* Lowercase hex SHA-256 of salt || manufacture_number || installation_id,
 * with the protocol's salt; `manufacture_number` is the 13 characters of
 * JpkiCardInfo. */
char *jpki_combination_code(const char *manufacture_number,
			    const guint8 installation_id[JPKI_INSTALLATION_ID_LEN]);

/* Lowercase hex, the protocol's spelling of bytes (the uuid, the attributes). */
char *jpki_portal_hex(const guint8 *data, gsize len);
