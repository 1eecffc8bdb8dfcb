#include "combination_code.h"

#include <string.h>

/* The salt the portals' app uses; where it comes from is not documented. */
static const guint8 salt[] = {0x2e, 0x71, 0xf6, 0x62, 0x0b, 0xc6, 0x54, 0xce,
			      0xd4, 0x94, 0xe5, 0xec, 0x34, 0xfe, 0x03, 0xc8};

char *
jpki_combination_code(const char *manufacture_number,
		      const guint8 installation_id[JPKI_INSTALLATION_ID_LEN])
{
	g_autoptr(GChecksum) sha256 = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(sha256, salt, sizeof(salt));
	g_checksum_update(sha256, (const guchar *)manufacture_number,
			  (gssize)strlen(manufacture_number));
	g_checksum_update(sha256, installation_id, JPKI_INSTALLATION_ID_LEN);
	return g_strdup(g_checksum_get_string(sha256));
}

char *
jpki_portal_hex(const guint8 *data, gsize len)
{
	char *hex = g_malloc(len * 2 + 1);
	for (gsize i = 0; i < len; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", data[i]);
	hex[len * 2] = '\0';
	return hex;
}
