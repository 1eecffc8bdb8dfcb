#include "verification_code.h"

#include <string.h>

#define LABEL "jpki-bridge verification code v1"

/* Crockford's base32: no I, L, O or U, so no letter passes for a digit. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

char *
jpki_verification_code(const char *origin, const guint8 *digest, gsize digest_len)
{
	static const guchar separator = 0x00;
	g_autoptr(GChecksum) sha256 = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(sha256, (const guchar *)LABEL, (gssize)strlen(LABEL));
	g_checksum_update(sha256, &separator, 1);
	g_checksum_update(sha256, (const guchar *)origin, (gssize)strlen(origin));
	g_checksum_update(sha256, &separator, 1);
	g_checksum_update(sha256, digest, (gssize)digest_len);
	guint8 hash[32];
	gsize hash_len = sizeof(hash);
	g_checksum_get_digest(sha256, hash, &hash_len);

	guint32 bits = (guint32)hash[0] << 24 | (guint32)hash[1] << 16 | (guint32)hash[2] << 8 |
		       (guint32)hash[3];
	char *code = g_malloc(JPKI_VERIFICATION_CODE_LEN + 1);
	for (guint i = 0; i < JPKI_VERIFICATION_CODE_LEN; i++)
		code[i] = alphabet[(bits >> (27 - 5 * i)) & 0x1f];
	code[JPKI_VERIFICATION_CODE_LEN] = '\0';
	return code;
}
