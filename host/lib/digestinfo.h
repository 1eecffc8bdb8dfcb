/* The hashes JPKI signatures use, and the DER DigestInfo the card signs. */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

typedef enum {
	JPKI_HASH_SHA256,
	JPKI_HASH_SHA384,
	JPKI_HASH_SHA512,
} JpkiHashAlg;

/* "SHA-256", "SHA-384", "SHA-512" (also without the hyphen, any case). */
gboolean jpki_hash_from_name(const char *name, JpkiHashAlg *alg);
const char *jpki_hash_name(JpkiHashAlg alg);
const EVP_MD *jpki_hash_md(JpkiHashAlg alg);
gsize jpki_hash_length(JpkiHashAlg alg);

/* DigestInfo ::= SEQUENCE { AlgorithmIdentifier (with NULL), OCTET STRING digest }.
 * Fails with JPKI_ERROR_INVALID_INPUT when the digest's length is not the hash's. */
GBytes *jpki_digestinfo_build(JpkiHashAlg alg, const guint8 *digest, gsize len, GError **error);

/* Whether `signature` is the RSA PKCS#1 v1.5 signature of the DigestInfo bytes by `key`:
 * JPKI_ERROR_SIGNATURE_INVALID when it is not (or has the wrong length). */
gboolean jpki_digestinfo_verify_signature(EVP_PKEY *key, GBytes *digest_info, GBytes *signature,
					  GError **error);
