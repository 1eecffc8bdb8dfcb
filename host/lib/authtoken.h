/* The origin-bound login token (docs/protocol.md, `authenticate`): a Web eID token, format
 * "web-eid:1.0", algorithm "RS256". The host builds it from the card's signature; a relying
 * party (the demo portal, libjpki-verify, the tests) verifies it. */
#pragma once

#include "cert.h"

#include <glib.h>
#include <jansson.h>

#define JPKI_AUTHTOKEN_FORMAT    "web-eid:1.0"
#define JPKI_AUTHTOKEN_ALGORITHM "RS256"
/* A JPKI token is about 3 KiB; anything past this is refused before it is parsed. */
#define JPKI_AUTHTOKEN_MAX_LEN (64 * 1024)

/* What the card signs for a login (raw RSA PKCS#1 v1.5, as for any DigestInfo):
 * DigestInfo(SHA-256, SHA-256(SHA-256(origin) || SHA-256(challenge_nonce))), the origin and the
 * nonce as the UTF-8 bytes given. That is an RS256 signature over the 64-byte concatenation. */
GBytes *jpki_authtoken_digest_info(const char *origin, const char *challenge_nonce);

/* A new JSON object {"unverifiedCertificate", "algorithm": "RS256", "signature",
 * "format": "web-eid:1.0", "appVersion": app_version}, binary values in standard base64 with
 * padding. NULL when app_version is not UTF-8. */
json_t *jpki_authtoken_build(GBytes *certificate_der, GBytes *signature, const char *app_version);

/* The relying party's check of a token (JSON text of `len` bytes, at most
 * JPKI_AUTHTOKEN_MAX_LEN) for the origin it serves and the nonce it issued, at `at` (NULL: the
 * present time).
 * Returns the holder's authentication certificate (a new JpkiCert), or NULL and:
 * - JPKI_ERROR_INVALID_INPUT: not exactly one JSON object with exactly the five keys (no
 *   duplicates), each a non-empty string; format not "web-eid:1.0"; algorithm not "RS256" (or
 *   the certificate's key not RSA); a value that is not canonical standard base64 (padding
 *   required, no whitespace); a certificate that does not parse; an empty expected origin or
 *   nonce.
 * - JPKI_ERROR_CERTIFICATE_WRONG_USAGE: the certificate is not an authentication certificate: it
 *   carries JPKI holder attributes (subjectAltName otherNames 1.2.392.200149.8.5.5.*, which
 *   only the signing certificate has), is a CA, has a keyUsage without digitalSignature, or an
 *   extendedKeyUsage without clientAuth. Then the errors of jpki_cert_verify() against `store`
 *   (CRLs when the store holds them): _REVOKED, _EXPIRED, _NOT_YET_VALID, _UNTRUSTED.
 * - JPKI_ERROR_SIGNATURE_INVALID: the signature is not the certificate key's RS256 signature
 *   over SHA-256(expected_origin) || SHA-256(expected_nonce) (another origin or nonce, a
 *   tampered signature or one of the wrong length).
 * The checks run in that order, so a malformed token never reaches the cryptography. */
JpkiCert *jpki_authtoken_verify(const char *token_json, gsize len, const char *expected_origin,
				const char *expected_nonce, JpkiTrustStore *store, GDateTime *at,
				GError **error);

/* jpki_authtoken_verify() in its steps, for a caller that keeps certificates it has checked
 * (libjpki-verify's cache). */
typedef struct {
	/* As the token spells it, not yet decoded: a cache of checked certificates finds a
	 * certificate by this text without decoding it (jpki_authtoken_parts_certificate_der()). */
	char *certificate_base64;
	gsize certificate_base64_len;
	GBytes *signature; /* decoded */
} JpkiAuthtokenParts;
void jpki_authtoken_parts_clear(JpkiAuthtokenParts *parts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(JpkiAuthtokenParts, jpki_authtoken_parts_clear)
/* The size, JSON shape, format, algorithm and signature's base64 checks, and the expected origin
 * and nonce not empty: JPKI_ERROR_INVALID_INPUT. */
gboolean jpki_authtoken_parse(const char *token_json, gsize len, const char *expected_origin,
			      const char *expected_nonce, JpkiAuthtokenParts *parts,
			      GError **error);
/* The certificate's DER, decoded (not parsed); JPKI_ERROR_INVALID_INPUT when its text is not
 * canonical standard base64. */
GBytes *jpki_authtoken_parts_certificate_der(const JpkiAuthtokenParts *parts, GError **error);
/* An RSA key (else JPKI_ERROR_INVALID_INPUT) and an authentication certificate (else
 * JPKI_ERROR_CERTIFICATE_WRONG_USAGE). Depends on the certificate alone. */
gboolean jpki_authtoken_check_certificate(JpkiCert *cert, GError **error);
/* The RS256 signature check (JPKI_ERROR_SIGNATURE_INVALID); `cert` passed
 * jpki_authtoken_check_certificate(). */
gboolean jpki_authtoken_verify_signature(JpkiCert *cert, GBytes *signature,
					 const char *expected_origin, const char *expected_nonce,
					 GError **error);
