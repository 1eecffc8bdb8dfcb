/* Helpers several cmocka test files need: each fails the running test with a message that
 * says what was expected. */
#pragma once

#include "jpki_error.h"

#include <glib.h>
#include <openssl/evp.h>

/* Fails unless `error` is (JPKI_ERROR, code); the message names both codes and the detail. */
void test_assert_jpki_error(const GError *error, JpkiErrorCode code);

/* What the card does with a DigestInfo: raw RSA with PKCS#1 v1.5 type 1 padding, no hashing. */
GBytes *test_sign_like_the_card(EVP_PKEY *key, GBytes *digest_info);
