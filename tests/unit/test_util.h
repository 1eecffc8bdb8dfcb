/* Helpers several cmocka test files need: each fails the running test with a message that
 * says what was expected. */
#pragma once

#include "digestinfo.h"
#include "jpki_error.h"

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* Fails unless `error` is (JPKI_ERROR, code); the message names both codes and the detail. */
void test_assert_jpki_error(const GError *error, JpkiErrorCode code);

/* What the card does with a DigestInfo: raw RSA with PKCS#1 v1.5 type 1 padding, no hashing. */
GBytes *test_sign_like_the_card(EVP_PKEY *key, GBytes *digest_info);

/* test_sign_like_the_card() as a JpkiSignFunc for jpki_cms_sign_detached(): `key` is the
 * EVP_PKEY. */
GBytes *test_card_sign_func(GBytes *digest_info, gpointer key, GError **error);

/* A detached CMS over `content` as the host's sign-cms makes it: `alg`'s digest of `content`,
 * then jpki_cms_sign_detached() by `signer` with `key` standing in for the card, signed at
 * `when` (NULL: now), with the origin attribute when `origin` is not NULL. */
GBytes *test_make_cms(X509 *signer, EVP_PKEY *key, JpkiHashAlg alg, GBytes *content,
		      GDateTime *when, const char *origin);
