/* Path validation to trust anchors: the test roots and the real JPKI roots, validity,
 * critical extensions, and revocation with CRLs made here (test PKI: tests/pki). */
#include "cert.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "test_pki.h"
#include "test_util.h"

#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

/* A store holding the given test roots (NULL-terminated). */
static JpkiTrustStore *
store_with(const char *first, ...)
{
	JpkiTrustStore *store = jpki_trust_store_new();
	va_list args;
	va_start(args, first);
	for (const char *file = first; file != NULL; file = va_arg(args, const char *)) {
		g_autofree char *path = test_pki_path(file);
		g_autoptr(GError) error = NULL;
		assert_true(jpki_trust_store_add_file(store, path, &error));
		assert_null(error);
	}
	va_end(args);
	return store;
}

static void
assert_verify_fails(JpkiCert *cert, JpkiTrustStore *store, GDateTime *at, JpkiErrorCode code,
		    const char *reason)
{
	g_autoptr(GError) error = NULL;
	assert_false(jpki_cert_verify(cert, store, NULL, at, &error));
	test_assert_jpki_error(error, code);
	if (reason != NULL && strstr(error->message, reason) == NULL)
		fail_msg("\"%s\" does not name \"%s\"", error->message, reason);
}

static void
assert_verifies(JpkiCert *cert, JpkiTrustStore *store, GDateTime *at)
{
	g_autoptr(GError) error = NULL;
	if (!jpki_cert_verify(cert, store, NULL, at, &error))
		fail_msg("verification failed: %s", error != NULL ? error->message : "no error");
	assert_null(error);
}

static void
add_crl(JpkiTrustStore *store, const char *crl_path)
{
	g_autoptr(GError) error = NULL;
	assert_true(jpki_trust_store_add_crl_file(store, crl_path, &error));
	assert_null(error);
}

static void
test_signing_certificate_verifies_against_its_root(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	g_autoptr(JpkiCert) valid = test_pki_load_cert("sign-valid.pem");
	g_autoptr(JpkiCert) renewal = test_pki_load_cert("sign-renewal.pem");
	assert_verifies(valid, store, NULL);
	assert_verifies(renewal, store, NULL);
}

static void
test_signing_certificate_is_untrusted_under_the_authentication_root(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_with("auth-ca.pem", NULL);
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	assert_verify_fails(cert, store, NULL, JPKI_ERROR_CERTIFICATE_UNTRUSTED,
			    "unable to get local issuer certificate");
}

static void
test_issuer_given_as_untrusted_does_not_become_an_anchor(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_with("auth-ca.pem", NULL);
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autoptr(GPtrArray) untrusted =
		g_ptr_array_new_with_free_func((GDestroyNotify)jpki_cert_free);
	g_ptr_array_add(untrusted, test_pki_load_cert("sign-ca.pem"));
	g_autoptr(GError) error = NULL;
	assert_false(jpki_cert_verify(cert, store, untrusted, NULL, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_UNTRUSTED));
	assert_non_null(strstr(error->message, "self-signed certificate in certificate chain"));
}

/* A certificate of the test signing CA for the signing key, valid now, with an extension no
 * implementation knows, marked critical (RFC 5280: such a certificate must be rejected). */
static JpkiCert *
make_certificate_with_unknown_critical_extension(void)
{
	g_autoptr(JpkiCert) ca = test_pki_load_cert("sign-ca.pem");
	g_autoptr(EVP_PKEY) ca_key = test_pki_load_key("sign-ca.key");
	g_autoptr(EVP_PKEY) holder_key = test_pki_load_key("sign.key");
	g_autoptr(X509) x509 = X509_new();
	assert_int_equal(X509_set_version(x509, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x509), 0x2000), 1);
	assert_int_equal(X509_set_issuer_name(x509, X509_get_subject_name(jpki_cert_get_x509(ca))),
			 1);
	X509_NAME *subject = X509_get_subject_name(x509);
	assert_int_equal(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
						    (const unsigned char *)"TEST CRITICAL", -1, -1,
						    0),
			 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x509), -24 * 60 * 60));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x509), 30 * 24 * 60 * 60));
	assert_int_equal(X509_set_pubkey(x509, holder_key), 1);
	g_autoptr(X509_EXTENSION) extension =
		X509V3_EXT_nconf(NULL, NULL, "1.3.6.1.4.1.55555.1", "critical,DER:0500");
	assert_non_null(extension);
	assert_int_equal(X509_add_ext(x509, extension, -1), 1);
	assert_true(X509_sign(x509, ca_key, EVP_sha256()) > 0);

	unsigned char *der = NULL;
	int der_len = i2d_X509(x509, &der);
	assert_true(der_len > 0);
	g_autoptr(GBytes) der_bytes = g_bytes_new(der, (gsize)der_len);
	OPENSSL_free(der);
	JpkiCert *cert = jpki_cert_new_from_der(der_bytes, NULL);
	assert_non_null(cert);
	return cert;
}

static void
test_unknown_critical_extension_makes_a_certificate_untrusted(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	g_autoptr(JpkiCert) cert = make_certificate_with_unknown_critical_extension();
	assert_verify_fails(cert, store, NULL, JPKI_ERROR_CERTIFICATE_UNTRUSTED,
			    "unhandled critical extension");
}

static void
test_expired_certificate_fails_as_expired(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-expired.pem");
	assert_verify_fails(cert, store, NULL, JPKI_ERROR_CERTIFICATE_EXPIRED, "expired");
}

static void
test_verification_before_not_before_fails_as_not_yet_valid(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autoptr(GDateTime) day_before = g_date_time_add_days(jpki_cert_get_not_before(cert), -1);
	assert_verify_fails(cert, store, day_before, JPKI_ERROR_CERTIFICATE_NOT_YET_VALID, NULL);
}

/* OpenSSL takes notAfter as the first second of expiry, one second before RFC 5280 and
 * jpki_cert_validity_at() do; cert.h documents it. */
static void
test_validation_time_decides_expiry_to_the_second(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-expired.pem");
	GDateTime *not_after = jpki_cert_get_not_after(cert);
	g_autoptr(GDateTime) second_before = g_date_time_add_seconds(not_after, -1);
	assert_verifies(cert, store, second_before);
	assert_verify_fails(cert, store, not_after, JPKI_ERROR_CERTIFICATE_EXPIRED, NULL);
	assert_int_equal(jpki_cert_validity_at(cert, not_after), JPKI_CERT_RENEWAL_WINDOW);
}

static void
test_default_store_holds_the_four_real_roots_and_no_test_root(void **state)
{
	(void)state;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new_default(&error);
	assert_null(error);
	assert_non_null(store);
	assert_int_equal(jpki_trust_store_count(store), 4);
	g_autoptr(JpkiCert) sign = test_pki_load_cert("sign-valid.pem");
	g_autoptr(JpkiCert) auth = test_pki_load_cert("auth-valid.pem");
	assert_verify_fails(sign, store, NULL, JPKI_ERROR_CERTIFICATE_UNTRUSTED, NULL);
	assert_verify_fails(auth, store, NULL, JPKI_ERROR_CERTIFICATE_UNTRUSTED, NULL);
}

/* The real roots carry critical keyUsage and basicConstraints and a directoryName CRL
 * distribution point: path validation must take them as they are. Both generations of a
 * purpose share one DN and the roots have no authorityKeyIdentifier, so a root is checked at a
 * time when the other generation has expired (early 2026), else OpenSSL may take the other one
 * for its issuer. */
static void
test_real_roots_pass_path_validation_with_their_critical_extensions(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new_default(NULL);
	assert_non_null(store);
	STACK_OF(X509_OBJECT) *objects =
		X509_STORE_get0_objects(jpki_trust_store_get_x509_store(store));
	g_autoptr(GDateTime) early_2026 = g_date_time_new_utc(2026, 1, 1, 0, 0, 0);
	guint generation_2015 = 0;
	for (int i = 0; i < sk_X509_OBJECT_num(objects); i++) {
		X509 *root = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i));
		assert_non_null(root);
		/* It has critical extensions, and OpenSSL knows them all. */
		assert_true(X509_get_ext_by_critical(root, 1, -1) >= 0);
		assert_false(X509_get_extension_flags(root) & EXFLAG_CRITICAL);
		unsigned char *der = NULL;
		int der_len = i2d_X509(root, &der);
		assert_true(der_len > 0);
		g_autoptr(GBytes) der_bytes = g_bytes_new(der, (gsize)der_len);
		OPENSSL_free(der);
		g_autoptr(JpkiCert) cert = jpki_cert_new_from_der(der_bytes, NULL);
		assert_non_null(cert);

		if (g_date_time_get_year(jpki_cert_get_not_after(cert)) == 2025) {
			generation_2015++;
			assert_verify_fails(cert, store, early_2026, JPKI_ERROR_CERTIFICATE_EXPIRED,
					    NULL);
		} else {
			assert_verifies(cert, store, early_2026);
		}
	}
	assert_int_equal(generation_2015, 2);
}

static void
test_trust_store_reads_a_pem_bundle_and_counts_each_root_once(void **state)
{
	(void)state;
	g_autofree char *auth_path = test_pki_path("auth-ca.pem");
	g_autofree char *sign_path = test_pki_path("sign-ca.pem");
	g_autofree char *auth_pem = NULL;
	g_autofree char *sign_pem = NULL;
	assert_true(g_file_get_contents(auth_path, &auth_pem, NULL, NULL));
	assert_true(g_file_get_contents(sign_path, &sign_pem, NULL, NULL));
	g_autofree char *bundle = g_strconcat(auth_pem, sign_pem, NULL);
	g_autofree char *bundle_path =
		test_pki_write_temp_file("test_trust_store-XXXXXX.pem", bundle, strlen(bundle));

	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new();
	assert_int_equal(jpki_trust_store_count(store), 0);
	g_autoptr(GError) error = NULL;
	gboolean added = jpki_trust_store_add_file(store, bundle_path, &error);
	g_unlink(bundle_path);
	assert_true(added);
	assert_int_equal(jpki_trust_store_count(store), 2);
	assert_true(jpki_trust_store_add_file(store, auth_path, &error));
	assert_int_equal(jpki_trust_store_count(store), 2);
}

static void
test_trust_store_refuses_a_missing_file_and_a_key(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new();
	g_autofree char *missing = test_pki_path("no-such-root.pem");
	g_autofree char *key = test_pki_path("sign-ca.key");
	g_autoptr(GError) io_error = NULL;
	g_autoptr(GError) input_error = NULL;
	assert_false(jpki_trust_store_add_file(store, missing, &io_error));
	assert_true(g_error_matches(io_error, JPKI_ERROR, JPKI_ERROR_IO));
	assert_false(jpki_trust_store_add_crl_file(store, key, &input_error));
	assert_true(g_error_matches(input_error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
	assert_int_equal(jpki_trust_store_count(store), 0);
}

static void
test_certificate_listed_in_the_crl_fails_as_revoked(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autofree char *crl = test_pki_write_crl("sign-ca.pem", "sign-ca.key", cert);
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	add_crl(store, crl);
	g_unlink(crl);
	assert_verify_fails(cert, store, NULL, JPKI_ERROR_CERTIFICATE_REVOKED, "revoked");
}

static void
test_certificate_verifies_with_a_crl_that_lists_another(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autoptr(JpkiCert) other = test_pki_load_cert("sign-renewal.pem");
	g_autofree char *crl = test_pki_write_crl("sign-ca.pem", "sign-ca.key", other);
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	add_crl(store, crl);
	g_unlink(crl);
	assert_verifies(cert, store, NULL);
	assert_verify_fails(other, store, NULL, JPKI_ERROR_CERTIFICATE_REVOKED, NULL);
}

static void
test_revoked_and_expired_certificate_fails_as_revoked(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-expired.pem");
	g_autofree char *crl = test_pki_write_crl("sign-ca.pem", "sign-ca.key", cert);
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	add_crl(store, crl);
	g_unlink(crl);
	assert_verify_fails(cert, store, NULL, JPKI_ERROR_CERTIFICATE_REVOKED, NULL);
}

static void
test_crl_with_a_bad_signature_makes_untrusted_not_revoked(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	/* In the signing CA's name, but signed with the authentication CA's key. */
	g_autofree char *crl = test_pki_write_crl("sign-ca.pem", "auth-ca.key", cert);
	g_autoptr(JpkiTrustStore) store = store_with("sign-ca.pem", NULL);
	add_crl(store, crl);
	g_unlink(crl);
	assert_verify_fails(cert, store, NULL, JPKI_ERROR_CERTIFICATE_UNTRUSTED,
			    "CRL signature failure");
}

static void
test_with_crls_a_certificate_whose_issuer_has_none_is_untrusted(void **state)
{
	(void)state;
	g_autofree char *crl = test_pki_write_crl("sign-ca.pem", "sign-ca.key", NULL);
	g_autoptr(JpkiTrustStore) store = store_with("auth-ca.pem", "sign-ca.pem", NULL);
	add_crl(store, crl);
	g_unlink(crl);
	g_autoptr(JpkiCert) auth = test_pki_load_cert("auth-valid.pem");
	g_autoptr(JpkiCert) sign = test_pki_load_cert("sign-valid.pem");
	assert_verify_fails(auth, store, NULL, JPKI_ERROR_CERTIFICATE_UNTRUSTED,
			    "unable to get certificate CRL");
	assert_verifies(sign, store, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signing_certificate_verifies_against_its_root),
		cmocka_unit_test(
			test_signing_certificate_is_untrusted_under_the_authentication_root),
		cmocka_unit_test(test_issuer_given_as_untrusted_does_not_become_an_anchor),
		cmocka_unit_test(test_unknown_critical_extension_makes_a_certificate_untrusted),
		cmocka_unit_test(test_expired_certificate_fails_as_expired),
		cmocka_unit_test(test_verification_before_not_before_fails_as_not_yet_valid),
		cmocka_unit_test(test_validation_time_decides_expiry_to_the_second),
		cmocka_unit_test(test_default_store_holds_the_four_real_roots_and_no_test_root),
		cmocka_unit_test(
			test_real_roots_pass_path_validation_with_their_critical_extensions),
		cmocka_unit_test(test_trust_store_reads_a_pem_bundle_and_counts_each_root_once),
		cmocka_unit_test(test_trust_store_refuses_a_missing_file_and_a_key),
		cmocka_unit_test(test_certificate_listed_in_the_crl_fails_as_revoked),
		cmocka_unit_test(test_certificate_verifies_with_a_crl_that_lists_another),
		cmocka_unit_test(test_revoked_and_expired_certificate_fails_as_revoked),
		cmocka_unit_test(test_crl_with_a_bad_signature_makes_untrusted_not_revoked),
		cmocka_unit_test(test_with_crls_a_certificate_whose_issuer_has_none_is_untrusted),
	};
	return cmocka_run_group_tests_name("trust_store", tests, NULL, NULL);
}
