/* libjpki-verify's own behaviour beyond the checks it shares with the CLI test
 * (verify_cli.sh): the signer's details, a CMS's origin attribute, CRLs replaced without a restart,
 * and the cache of checked certificates, which must never let a certificate pass that a fresh check
 * refuses. */
#include "authtoken.h"
#include "cms.h"
#include "digestinfo.h"
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

/* A token with the certificate `der` and the test card's authentication key. */
static char *
token_text_with(GBytes *der)
{
	g_autoptr(EVP_PKEY) key = test_pki_load_key("auth.key");
	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(ORIGIN, NONCE);
	g_autoptr(GBytes) signature = test_sign_like_the_card(key, digest_info);
	json_t *token = jpki_authtoken_build(der, signature, "test");
	char *text = json_dumps(token, JSON_COMPACT);
	json_decref(token);
	return text;
}

static char *
token_text(void)
{
	g_autoptr(GBytes) der = test_pki_load_der("auth-valid.pem");
	return token_text_with(der);
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

/* "accepted" when the token passes; otherwise its reason code (static). */
static const char *
refusal(JpkiVerifier *verifier, const char *token)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiVerifiedSigner) signer = jpki_verifier_check_login_token(
		verifier, token, strlen(token), ORIGIN, NONCE, &error);
	if (signer != NULL)
		return "accepted";
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

/* A CMS over `content` as sign-cms makes it for `origin` (NULL: none). */
static GBytes *
cms_for(GBytes *content, const char *origin)
{
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("sign.key");
	return test_make_cms(signer, key, JPKI_HASH_SHA256, content, NULL, origin);
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
	assert_string_equal(refusal(verifier, token), "accepted");

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
	assert_string_equal(refusal(verifier, token), "accepted");
	assert_true(jpki_verifier_reload_crls(verifier, NULL, &error));
	assert_string_equal(refusal(verifier, token), "accepted");
	g_unlink(revoking);
	g_unlink(empty);
}

/* Two current CRLs of one issuer (a full CRL and a newer one, or two partitions): a serial
 * listed only in the second is revoked; a CRL in the issuer's name that its key did not sign
 * neither revokes nor stands in for a genuine one. */
static void
test_a_serial_listed_only_in_a_second_crl_of_the_issuer_is_revoked(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = verifier_with_auth_ca();
	g_autofree char *token = token_text();
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	g_autofree char *empty = test_pki_write_crl("auth-ca.pem", "auth-ca.key", NULL);
	g_autofree char *revoking = test_pki_write_crl("auth-ca.pem", "auth-ca.key", cert);
	g_autofree char *forged = test_pki_write_crl("auth-ca.pem", "sign-ca.key", cert);
	g_autoptr(GError) error = NULL;

	const char *const both[] = {empty, revoking, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, both, &error));
	assert_string_equal(refusal(verifier, token), "certificate-revoked");
	const char *const both_reversed[] = {revoking, empty, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, both_reversed, &error));
	assert_string_equal(refusal(verifier, token), "certificate-revoked");
	/* Past both CRLs' nextUpdate (30 days on), or before their lastUpdate (yesterday), the
	 * certificate still valid: neither CRL counts, the listing one included. */
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GDateTime) stale = g_date_time_add_days(now, 31);
	jpki_verifier_set_time(verifier, stale);
	assert_string_equal(refusal(verifier, token), "certificate-untrusted");
	g_autoptr(GDateTime) early = g_date_time_add_days(now, -2);
	jpki_verifier_set_time(verifier, early);
	assert_string_equal(refusal(verifier, token), "certificate-untrusted");
	jpki_verifier_set_time(verifier, NULL);

	const char *const genuine_and_forged[] = {empty, forged, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, genuine_and_forged, &error));
	assert_string_equal(refusal(verifier, token), "accepted");
	const char *const forged_only[] = {forged, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, forged_only, &error));
	assert_string_equal(refusal(verifier, token), "certificate-untrusted");
	g_unlink(empty);
	g_unlink(revoking);
	g_unlink(forged);
}

/* The first name of a certificate's first cRLDistributionPoint, to be freed. */
static GENERAL_NAME *
own_distribution_point(const char *cert_file)
{
	g_autoptr(X509) cert = test_pki_load_x509(cert_file);
	CRL_DIST_POINTS *points = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
	assert_non_null(points);
	const DIST_POINT *point = sk_DIST_POINT_value(points, 0);
	assert_true(point->distpoint != NULL && point->distpoint->type == 0);
	GENERAL_NAME *name =
		GENERAL_NAME_dup(sk_GENERAL_NAME_value(point->distpoint->name.fullname, 0));
	CRL_DIST_POINTS_free(points);
	return name;
}

static GENERAL_NAME *
uri_name(const char *uri)
{
	ASN1_IA5STRING *text = ASN1_IA5STRING_new();
	assert_int_equal(ASN1_STRING_set(text, uri, -1), 1);
	GENERAL_NAME *name = GENERAL_NAME_new();
	GENERAL_NAME_set0_value(name, GEN_URI, text);
	return name;
}

/* A CRL that names a distribution point (one partition of the issuer's list) speaks only for
 * the certificates that name it too: a partition for other certificates neither clears nor
 * revokes this one, a partition for its own does both. */
static void
test_a_crl_partition_for_other_certificates_neither_clears_nor_revokes(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = verifier_with_auth_ca();
	g_autofree char *token = token_text();
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	const char *other = "http://crl.example.jp/part-2.crl";
	g_autofree char *other_empty =
		test_pki_write_crl_for_scope("auth-ca.pem", "auth-ca.key", NULL, uri_name(other));
	g_autofree char *other_revoking =
		test_pki_write_crl_for_scope("auth-ca.pem", "auth-ca.key", cert, uri_name(other));
	g_autofree char *own_empty = test_pki_write_crl_for_scope(
		"auth-ca.pem", "auth-ca.key", NULL, own_distribution_point("auth-valid.pem"));
	g_autofree char *own_revoking = test_pki_write_crl_for_scope(
		"auth-ca.pem", "auth-ca.key", cert, own_distribution_point("auth-valid.pem"));
	g_autoptr(GError) error = NULL;

	const char *const other_only[] = {other_empty, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, other_only, &error));
	assert_string_equal(refusal(verifier, token), "certificate-untrusted");
	const char *const other_listing[] = {other_revoking, own_empty, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, other_listing, &error));
	assert_string_equal(refusal(verifier, token), "accepted");
	const char *const own_listing[] = {other_empty, own_revoking, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, own_listing, &error));
	assert_string_equal(refusal(verifier, token), "certificate-revoked");
	g_unlink(other_empty);
	g_unlink(other_revoking);
	g_unlink(own_empty);
	g_unlink(own_revoking);
}

/* The cache keeps a certificate's path, never its dates: a verifier that checked a token at
 * one time refuses it at a time outside the certificate's validity. */
static void
test_a_cached_certificate_is_refused_once_time_moves_past_its_dates(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = verifier_with_auth_ca();
	g_autofree char *token = token_text();
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	assert_string_equal(refusal(verifier, token), "accepted");
	assert_string_equal(refusal(verifier, token), "accepted"); /* from the cache */

	g_autoptr(GDateTime) after = g_date_time_add_days(jpki_cert_get_not_after(cert), 1);
	jpki_verifier_set_time(verifier, after);
	assert_string_equal(refusal(verifier, token), "certificate-expired");
	g_autoptr(GDateTime) before = g_date_time_add_days(jpki_cert_get_not_before(cert), -1);
	jpki_verifier_set_time(verifier, before);
	assert_string_equal(refusal(verifier, token), "certificate-not-yet-valid");
	jpki_verifier_set_time(verifier, NULL);
	assert_string_equal(refusal(verifier, token), "accepted");
}

/* A CRL added in place (not through a reload) also reaches a certificate already checked. */
static void
test_a_cached_certificate_is_refused_once_a_crl_lists_it(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = verifier_with_auth_ca();
	g_autofree char *token = token_text();
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	g_autofree char *revoking = test_pki_write_crl("auth-ca.pem", "auth-ca.key", cert);
	assert_string_equal(refusal(verifier, token), "accepted");
	g_autoptr(GError) error = NULL;
	assert_true(jpki_verifier_add_crl_file(verifier, revoking, &error));
	assert_string_equal(refusal(verifier, token), "certificate-revoked");
	g_unlink(revoking);
}

/* The holder's certificate with its subject, serial, issuer name and key unchanged, signed by
 * another CA's key: only its signature differs from the one the cache holds. */
static GBytes *
auth_certificate_signed_by_the_sign_ca(void)
{
	g_autoptr(X509) genuine = test_pki_load_x509("auth-valid.pem");
	g_autoptr(X509) forged = X509_dup(genuine);
	g_autoptr(EVP_PKEY) other_ca_key = test_pki_load_key("sign-ca.key");
	assert_non_null(forged);
	assert_true(X509_sign(forged, other_ca_key, EVP_sha256()) > 0);
	unsigned char *der = NULL;
	int len = i2d_X509(forged, &der);
	assert_true(len > 0);
	GBytes *bytes = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return bytes;
}

static void
test_the_cache_does_not_take_a_copy_signed_by_another_ca_for_the_checked_certificate(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = verifier_with_auth_ca();
	g_autofree char *token = token_text();
	g_autoptr(GBytes) forged = auth_certificate_signed_by_the_sign_ca();
	g_autofree char *forged_token = token_text_with(forged);
	assert_string_equal(refusal(verifier, token), "accepted");
	assert_string_equal(refusal(verifier, forged_token), "certificate-untrusted");
	assert_string_equal(refusal(verifier, token), "accepted");
	assert_string_equal(refusal(verifier, forged_token), "certificate-untrusted");
}

/* The raw-signature path shares the cache: the signing certificate checked once is refused
 * after its dates as well. */
static void
test_a_cached_signing_certificate_is_refused_after_its_dates(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = jpki_verifier_new_empty();
	g_autofree char *anchor = test_pki_path("sign-ca.pem");
	g_autoptr(GError) error = NULL;
	assert_true(jpki_verifier_add_anchor_file(verifier, anchor, &error));
	g_autoptr(GBytes) der = test_pki_load_der("sign-valid.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("sign.key");
	guint8 digest[32] = {7};
	g_autoptr(GBytes) digest_bytes = g_bytes_new(digest, sizeof(digest));
	g_autoptr(GBytes) digest_info =
		jpki_digestinfo_build(JPKI_HASH_SHA256, digest, sizeof(digest), NULL);
	g_autoptr(GBytes) signature = test_sign_like_the_card(key, digest_info);
	for (guint i = 0; i < 2; i++) {
		g_autoptr(JpkiVerifiedSigner) signer = jpki_verifier_check_signature(
			verifier, der, JPKI_VERIFY_HASH_SHA256, digest_bytes, signature, &error);
		assert_non_null(signer);
		assert_non_null(jpki_verified_signer_get_name(signer));
	}
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autoptr(GDateTime) after = g_date_time_add_days(jpki_cert_get_not_after(cert), 1);
	jpki_verifier_set_time(verifier, after);
	g_autoptr(JpkiVerifiedSigner) refused = jpki_verifier_check_signature(
		verifier, der, JPKI_VERIFY_HASH_SHA256, digest_bytes, signature, &error);
	assert_null(refused);
	assert_string_equal(jpki_verify_reason(error), "certificate-expired");
}

/* "accepted" or the reason code of the refusal of `cms`. */
static const char *
cms_refusal(JpkiVerifier *verifier, GBytes *cms, GBytes *content)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiVerifiedSigner) signer =
		jpki_verifier_check_cms(verifier, cms, content, &error);
	return signer != NULL ? "accepted" : jpki_verify_reason(error);
}

/* CMS revocation goes through libjpki's lookup (not OpenSSL's CRL check): a listed signer is
 * revoked, a signer whose issuer has no CRL among those loaded is untrusted. */
static void
test_a_cms_signer_is_checked_against_the_crls_in_use(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = jpki_verifier_new_empty();
	g_autofree char *anchor = test_pki_path("sign-ca.pem");
	g_autoptr(GError) error = NULL;
	assert_true(jpki_verifier_add_anchor_file(verifier, anchor, &error));
	g_autoptr(GBytes) content = g_bytes_new_static("contract", 8);
	g_autoptr(GBytes) cms = cms_for(content, NULL);
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autofree char *revoking = test_pki_write_crl("sign-ca.pem", "sign-ca.key", cert);
	g_autofree char *empty = test_pki_write_crl("sign-ca.pem", "sign-ca.key", NULL);
	g_autofree char *other_issuer = test_pki_write_crl("auth-ca.pem", "auth-ca.key", NULL);
	assert_string_equal(cms_refusal(verifier, cms, content), "accepted");

	const char *const revoking_files[] = {revoking, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, revoking_files, &error));
	assert_string_equal(cms_refusal(verifier, cms, content), "certificate-revoked");
	const char *const other_files[] = {other_issuer, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, other_files, &error));
	assert_string_equal(cms_refusal(verifier, cms, content), "certificate-untrusted");
	const char *const empty_files[] = {empty, NULL};
	assert_true(jpki_verifier_reload_crls(verifier, empty_files, &error));
	assert_string_equal(cms_refusal(verifier, cms, content), "accepted");
	g_unlink(revoking);
	g_unlink(empty);
	g_unlink(other_issuer);
}

typedef struct {
	JpkiVerifier *verifier;
	const char *token;
	guint refused;
} VerifyingThread;

static gpointer
verify_many_times(gpointer data)
{
	VerifyingThread *thread = data;
	for (guint i = 0; i < 200; i++) {
		if (strcmp(refusal(thread->verifier, thread->token), "accepted") != 0)
			thread->refused++;
	}
	return NULL;
}

/* One verifier, its cache shared by several threads while the CRLs are replaced: every
 * verification still passes (the CRLs list nothing), nothing crashes. */
static void
test_threads_share_a_verifier_while_its_crls_are_reloaded(void **state)
{
	(void)state;
	g_autoptr(JpkiVerifier) verifier = verifier_with_auth_ca();
	g_autofree char *token = token_text();
	g_autofree char *empty = test_pki_write_crl("auth-ca.pem", "auth-ca.key", NULL);
	VerifyingThread threads[4];
	GThread *running[G_N_ELEMENTS(threads)];
	for (guint i = 0; i < G_N_ELEMENTS(threads); i++) {
		threads[i] = (VerifyingThread){verifier, token, 0};
		running[i] = g_thread_new("verify", verify_many_times, &threads[i]);
	}
	const char *const empty_files[] = {empty, NULL};
	for (guint i = 0; i < 20; i++) {
		g_autoptr(GError) error = NULL;
		assert_true(jpki_verifier_reload_crls(verifier, i % 2 == 0 ? empty_files : NULL,
						      &error));
	}
	for (guint i = 0; i < G_N_ELEMENTS(threads); i++) {
		g_thread_join(running[i]);
		assert_int_equal(threads[i].refused, 0);
	}
	g_unlink(empty);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_login_gives_the_certificate_without_holder_attributes),
		cmocka_unit_test(test_a_cms_names_its_origin_and_is_refused_for_another),
		cmocka_unit_test(test_crls_are_replaced_without_a_restart),
		cmocka_unit_test(
			test_a_serial_listed_only_in_a_second_crl_of_the_issuer_is_revoked),
		cmocka_unit_test(
			test_a_crl_partition_for_other_certificates_neither_clears_nor_revokes),
		cmocka_unit_test(
			test_a_cached_certificate_is_refused_once_time_moves_past_its_dates),
		cmocka_unit_test(test_a_cached_certificate_is_refused_once_a_crl_lists_it),
		cmocka_unit_test(
			test_the_cache_does_not_take_a_copy_signed_by_another_ca_for_the_checked_certificate),
		cmocka_unit_test(test_a_cached_signing_certificate_is_refused_after_its_dates),
		cmocka_unit_test(test_a_cms_signer_is_checked_against_the_crls_in_use),
		cmocka_unit_test(test_threads_share_a_verifier_while_its_crls_are_reloaded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
