/* The 照合コード (verification code): six characters the signing dialog shows
 * and the portal shows next to the document, so the resident can see that what
 * the card signs is what the page shows. Derivation (docs/web-api.md,
 * "Verification code"), for portals to compute on their server:
 *
 *   h    = SHA-256("jpki-bridge verification code v1" || 0x00 ||
 *                  origin || 0x00 || digest)
 *   code = the first 30 bits of h, most significant first, as 6 characters of
 *          Crockford's base32 alphabet 0123456789ABCDEFGHJKMNPQRSTVWXYZ
 *
 * `origin` is the ASCII serialisation the browser reports
 * ("https://portal.example.jp", a port only when not the default), `digest` the
 * raw bytes of the hash the page sent (sign, sign-cms). */
#pragma once

#include <glib.h>

#define JPKI_VERIFICATION_CODE_LEN 6

/* The code, JPKI_VERIFICATION_CODE_LEN upper-case characters. */
char *jpki_verification_code(const char *origin, const guint8 *digest, gsize digest_len);
