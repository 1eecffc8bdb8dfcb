/* libjpki-verify's own behaviour beyond the checks it shares with the CLI test
 * (verify_cli.sh): the signer's details, a CMS's origin attribute, and CRLs replaced without a
 * restart. */
#include "authtoken.h"
#include "cms.h"
#include "jpki-verify.h"
#include "openssl_autoptr.h"
#include "test_pki.h"
#include "test_util.h"

#include <glib/gstdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define ORIGIN "https://portal.example.jp"
#define NONCE  "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI="

static char *
token_text(void)
{
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("auth.key");
	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(ORIGIN, NONCE);
	g_autoptr(GBytes) signature = test_sign_like_the_card(key, digest_info);
	json_t *token = jpki_authtoken_build(jpki_cert_get_der(cert), signature, "test");
	char *text = json_dumps(token, JSON_COMPACT);
	json_decref(token);
	return text;
}

static JpkiVerifier *
verifier_with_auth_ca(void)
{
	JpkiVerifier *verifier = jpki_verifier_new_empty();
	g_autofree char *anchor = test_pki_path("auth-ca.pem");
	g_autoptr(GError) error = NULL;
	assert_true(jpki_verifier_add_anchor_file(verifier, anchor, &error));
	return verifier;
}

/* NULL when the token passes; otherwise its reason code (static). */
static const char *
refusal(JpkiVerifier *verifier, const char *token)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiVerifiedSigner) signer = jpki_verifier_check_login_token(
		verifier, token, strlen(token), ORIGIN, NONCE, &error);
	if (signer != NULL)
		return NULL;
	return jpki_verify_reason(error);
}

static void
test_a_login_gives_the_certificate_without_holder_attributes(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = verifier_with_auth_ca();
	g_autofree char *token = token_text();
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiVerifiedSigner) signer = jpki_verifier_check_login_token(
		verifier, token, strlen(token), ORIGIN, NONCE, &error);
	assert_non_null(signer);
	assert_string_equal(jpki_verified_signer_get_subject(signer), "C=JP, CN=TEST00000000001A");
	assert_non_null(jpki_verified_signer_get_serial(signer));
	assert_true(g_str_has_suffix(jpki_verified_signer_get_not_after(signer), "Z"));
	assert_null(jpki_verified_signer_get_name(signer));
	assert_null(jpki_verified_signer_get_address(signer));
}

static GBytes *
sign_like_the_card(GBytes *digest_info, gpointer key, GError **error)
{
	(void)error;
	return test_sign_like_the_card(key, digest_info);
}

/* A CMS over `content` as sign-cms makes it for `origin` (NULL: none). */
static GBytes *
cms_for(GBytes *content, const char *origin)
{
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("sign.key");
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(checksum, g_bytes_get_data(content, NULL),
			  (gssize)g_bytes_get_size(content));
	guint8 digest[32];
	gsize len = sizeof(digest);
	g_checksum_get_digest(checksum, digest, &len);
	g_autoptr(GBytes) digest_bytes = g_bytes_new(digest, len);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GError) error = NULL;
	GBytes *cms = jpki_cms_sign_detached(signer, JPKI_HASH_SHA256, digest_bytes, now, origin,
					     sign_like_the_card, key, &error);
	g_assert_no_error(error);
	return cms;
}

static void
test_a_cms_names_its_origin_and_is_refused_for_another(void **state)
{
	(void)state;
	/* The public header's OID is the one libjpki writes. */
	assert_string_equal(JPKI_VERIFY_CMS_ORIGIN_OID, JPKI_CMS_ORIGIN_OID);
	g_autoptr(JpkiVerifier) verifier = jpki_verifier_new_empty();
	g_autofree char *anchor = test_pki_path("sign-ca.pem");
	g_autoptr(GError) error = NULL;
	assert_true(jpki_verifier_add_anchor_file(verifier, anchor, &error));
	g_autoptr(GBytes) content = g_bytes_new_static("application 42\n", 15);
	g_autoptr(GBytes) cms = cms_for(content, ORIGIN);

	g_autoptr(JpkiVerifiedSigner) any = jpki_verifier_check_cms(verifier, cms, content, &error);
	g_assert_no_error(error);
	assert_string_equal(jpki_verified_signer_get_origin(any), ORIGIN);
	g_autoptr(JpkiVerifiedSigner) own =
		jpki_verifier_check_cms_for_origin(verifier, cms, content, ORIGIN, &error);
	g_assert_no_error(error);
	assert_string_equal(jpki_verified_signer_get_name(own), "テスト　太郎");

	g_autoptr(JpkiVerifiedSigner) other = jpki_verifier_check_cms_for_origin(
		verifier, cms, content, "https://other.example", &error);
	assert_null(other);
	assert_string_equal(jpki_verify_reason(error), "signature-origin-mismatch");
	g_clear_error(&error);

	g_autoptr(GBytes) unnamed = cms_for(content, NULL);
	g_autoptr(JpkiVerifiedSigner) reported =
		jpki_verifier_check_cms(verifier, unnamed, content, &error);
	g_assert_no_error(error);
	assert_null(jpki_verified_signer_get_origin(reported));
	g_autoptr(JpkiVerifiedSigner) refused =
		jpki_verifier_check_cms_for_origin(verifier, unnamed, content, ORIGIN, &error);
	assert_null(refused);
	assert_string_equal(jpki_verify_reason(error), "signature-origin-mismatch");
}

static void
test_crls_are_replaced_without_a_restart(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = verifier_with_auth_ca();
	g_autofree char *token = token_text();
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	g_autofree char *revoking = test_pki_write_crl("auth-ca.pem", "auth-ca.key", cert);
	g_autofree char *empty = test_pki_write_crl("auth-ca.pem", "auth-ca.key", NULL);
	assert_null(refusal(verifier, token));

	g_autoptr(GError) error = NULL;
	const char *const revoking_files[] = {revoking, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, revoking_files, &error));
	assert_string_equal(refusal(verifier, token), "certificate-revoked");

	/* A file that is not a CRL changes nothing. */
	g_autofree char *not_a_crl = test_pki_path("auth-ca.key");
	const char *const broken[] = {empty, not_a_crl, NULL};
	assert_false(jpki_verifier_reload_crls(verifier, broken, &error));
	assert_string_equal(jpki_verify_reason(error), "invalid-input");
	g_clear_error(&error);
	assert_string_equal(refusal(verifier, token), "certificate-revoked");

	const char *const empty_files[] = {empty, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, empty_files, &error));
	assert_null(refusal(verifier, token));
	assert_true(jpki_verifier_reload_crls(verifier, NULL, &error));
	assert_null(refusal(verifier, token));
	g_unlink(revoking);
	g_unlink(empty);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_login_gives_the_certificate_without_holder_attributes),
		cmocka_unit_test(test_a_cms_names_its_origin_and_is_refused_for_another),
		cmocka_unit_test(test_crls_are_replaced_without_a_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
