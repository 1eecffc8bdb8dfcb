#include "test_util.h"

#include "cms.h"
#include "openssl_autoptr.h"

#include <openssl/rsa.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

void
test_assert_jpki_error(const GError *error, JpkiErrorCode code)
{
	if (error == NULL)
		fail_msg("expected %s, got no error", jpki_error_code_name(code));
	if (!g_error_matches(error, JPKI_ERROR, (gint)code))
		fail_msg("expected %s, got %s: %s", jpki_error_code_name(code),
			 error->domain == JPKI_ERROR ? jpki_error_code_name(error->code)
						     : g_quark_to_string(error->domain),
			 error->message);
}

GBytes *
test_sign_like_the_card(EVP_PKEY *key, GBytes *digest_info)
{
	g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new(key, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(digest_info, &len);
	size_t signature_len = 0;
	assert_int_equal(EVP_PKEY_sign(ctx, NULL, &signature_len, data, len), 1);
	guint8 *signature = g_malloc(signature_len);
	assert_int_equal(EVP_PKEY_sign(ctx, signature, &signature_len, data, len), 1);
	return g_bytes_new_take(signature, signature_len);
}

GBytes *
test_card_sign_func(GBytes *digest_info, gpointer key, GError **error)
{
	(void)error;
	return test_sign_like_the_card(key, digest_info);
}

GBytes *
test_make_cms(X509 *signer, EVP_PKEY *key, JpkiHashAlg alg, GBytes *content, GDateTime *when,
	      const char *origin)
{
	guint8 digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(content, &len);
	assert_int_equal(EVP_Digest(data != NULL ? data : (const guint8 *)"", len, digest,
				    &digest_len, jpki_hash_md(alg), NULL),
			 1);
	g_autoptr(GBytes) digest_bytes = g_bytes_new(digest, digest_len);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GError) error = NULL;
	GBytes *cms = jpki_cms_sign_detached(signer, alg, digest_bytes, when != NULL ? when : now,
					     origin, test_card_sign_func, key, &error);
	if (cms == NULL)
		fail_msg("jpki_cms_sign_detached: %s", error->message);
	return cms;
}
