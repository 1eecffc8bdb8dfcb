/* Holder certificates as libjpki reads them: DER and PEM, names in UTF-8, the holder's
 * attributes, the validity and the renewal window (test PKI: tests/pki). */
#include "cert.h"
#include "jpki_error.h"
#include "test_pki.h"

#include <glib/gstdio.h>
#include <openssl/x509.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define SIGN_CA_NAME                                                                               \
	"C=JP, O=JPKI TEST, OU=JPKI for digital signature, "                                       \
	"OU=Japan Agency for Local Authority Information Systems"

static void
test_subject_shows_japanese_localities_as_utf8(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autofree char *subject = jpki_cert_dup_subject(cert);
	g_autofree char *issuer = jpki_cert_dup_issuer(cert);
	assert_string_equal(subject, "C=JP, L=東京都, L=千代田区, CN=TEST00000000001S");
	assert_string_equal(issuer, SIGN_CA_NAME);
}

static void
test_serial_is_upper_case_hex(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autofree char *serial = jpki_cert_dup_serial_hex(cert);
	/* make-test-pki numbers from 0x1000: two roots, three auth certificates, then this. */
	assert_string_equal(serial, "1005");
}

static void
test_fingerprint_is_the_upper_case_sha256_of_the_der(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	g_autofree char *fingerprint = jpki_cert_dup_fingerprint_sha256(cert);
	g_autofree char *lower =
		g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, jpki_cert_get_der(cert));
	g_autofree char *expected = g_ascii_strup(lower, -1);
	assert_string_equal(fingerprint, expected);
	assert_int_equal(strlen(fingerprint), 64);
}

static void
test_pem_and_der_files_give_the_same_certificate(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) from_pem = test_pki_load_cert("sign-valid.pem");
	gsize len = 0;
	const void *der = g_bytes_get_data(jpki_cert_get_der(from_pem), &len);
	g_autofree char *der_path = test_pki_write_temp_file("test_cert-XXXXXX.der", der, len);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) from_der = jpki_cert_new_from_file(der_path, &error);
	g_unlink(der_path);
	assert_null(error);
	assert_non_null(from_der);
	assert_true(g_bytes_equal(jpki_cert_get_der(from_pem), jpki_cert_get_der(from_der)));
	assert_int_equal(X509_cmp(jpki_cert_get_x509(from_pem), jpki_cert_get_x509(from_der)), 0);
}

static void
test_garbage_or_pem_given_as_der_is_invalid_input(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) good = test_pki_load_cert("auth-valid.pem");
	gsize len = 0;
	const guint8 *der = g_bytes_get_data(jpki_cert_get_der(good), &len);
	g_autoptr(GByteArray) trailing = g_byte_array_new();
	g_byte_array_append(trailing, der, (guint)len);
	g_byte_array_append(trailing, (const guint8 *)"\0", 1);

	g_autoptr(GBytes) text = g_bytes_new_static("not a certificate", 17);
	g_autoptr(GBytes) truncated = g_bytes_new(der, len - 1);
	g_autoptr(GBytes) with_trailing_byte = g_bytes_new(trailing->data, trailing->len);
	g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
	g_autofree char *pem_path = test_pki_path("auth-valid.pem");
	g_autofree char *pem_text = NULL;
	gsize pem_len = 0;
	assert_true(g_file_get_contents(pem_path, &pem_text, &pem_len, NULL));
	g_autoptr(GBytes) pem = g_bytes_new(pem_text, pem_len);
	GBytes *inputs[] = {text, truncated, with_trailing_byte, empty, pem};
	for (guint i = 0; i < G_N_ELEMENTS(inputs); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiCert) cert = jpki_cert_new_from_der(inputs[i], &error);
		assert_null(cert);
		assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
	}
}

static void
test_missing_file_is_an_io_error(void **state)
{
	(void)state;
	g_autofree char *path = test_pki_path("no-such-certificate.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = jpki_cert_new_from_file(path, &error);
	assert_null(cert);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_IO));
}

static void
test_directory_is_not_read_as_a_certificate(void **state)
{
	(void)state;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = jpki_cert_new_from_file(TEST_PKI_DIR, &error);
	assert_null(cert);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
}

static void
test_pem_file_without_a_certificate_is_invalid_input(void **state)
{
	(void)state;
	g_autofree char *key_path = test_pki_path("auth.key");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = jpki_cert_new_from_file(key_path, &error);
	assert_null(cert);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
}

static void
test_holder_attributes_come_from_the_signing_certificate(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiHolderAttributes) attrs = jpki_cert_get_holder_attributes(cert, &error);
	assert_null(error);
	assert_non_null(attrs);
	assert_string_equal(attrs->name, "テスト　太郎");
	assert_string_equal(attrs->name_substitute, "テスト　太郎");
	assert_string_equal(attrs->sex, "1");
	assert_string_equal(attrs->birth_date, "19900101");
	assert_string_equal(attrs->address, "東京都千代田区霞が関２丁目１番２号　テスト");
	assert_string_equal(attrs->address_substitute,
			    "東京都千代田区霞が関２丁目１番２号　テスト");
}

static void
test_authentication_certificate_has_no_holder_attributes(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiHolderAttributes) attrs = jpki_cert_get_holder_attributes(cert, &error);
	assert_null(attrs);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
}

static void
test_sex_codes_are_described_in_japanese_and_english(void **state)
{
	(void)state;
	assert_string_equal(jpki_sex_describe("1", TRUE), "男性");
	assert_string_equal(jpki_sex_describe("1", FALSE), "male");
	assert_string_equal(jpki_sex_describe("2", TRUE), "女性");
	assert_string_equal(jpki_sex_describe("2", FALSE), "female");
	assert_string_equal(jpki_sex_describe("9", TRUE), "適用不能");
	assert_string_equal(jpki_sex_describe("9", FALSE), "not applicable");
	assert_null(jpki_sex_describe("0", FALSE));
	assert_null(jpki_sex_describe("12", TRUE));
	assert_null(jpki_sex_describe(NULL, TRUE));
}

static void
test_test_certificates_are_valid_renewable_and_expired_now(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		JpkiCertValidity validity;
	} cases[] = {
		{"auth-valid.pem", JPKI_CERT_VALID},
		{"auth-renewal.pem", JPKI_CERT_RENEWAL_WINDOW},
		{"auth-expired.pem", JPKI_CERT_EXPIRED},
		{"sign-valid.pem", JPKI_CERT_VALID},
		{"sign-renewal.pem", JPKI_CERT_RENEWAL_WINDOW},
		{"sign-expired.pem", JPKI_CERT_EXPIRED},
	};
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(JpkiCert) cert = test_pki_load_cert(cases[i].file);
		assert_string_equal(jpki_cert_validity_name(jpki_cert_validity_at(cert, now)),
				    jpki_cert_validity_name(cases[i].validity));
		assert_int_equal(jpki_cert_validity_at(cert, NULL), cases[i].validity);
	}
}

static void
test_renewal_window_opens_three_calendar_months_before_not_after(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	GDateTime *not_before = jpki_cert_get_not_before(cert);
	GDateTime *not_after = jpki_cert_get_not_after(cert);
	g_autoptr(GDateTime) renewal_from = jpki_cert_renewal_from(cert);

	int months_after = g_date_time_get_year(not_after) * 12 + g_date_time_get_month(not_after);
	int months_from =
		g_date_time_get_year(renewal_from) * 12 + g_date_time_get_month(renewal_from);
	assert_int_equal(months_after - months_from, 3);
	assert_true(g_date_time_get_day_of_month(renewal_from) <=
		    g_date_time_get_day_of_month(not_after));
	assert_int_equal(g_date_time_get_hour(renewal_from), g_date_time_get_hour(not_after));
	assert_int_equal(g_date_time_get_second(renewal_from), g_date_time_get_second(not_after));

	g_autoptr(GDateTime) before_window = g_date_time_add_seconds(renewal_from, -1);
	g_autoptr(GDateTime) after_expiry = g_date_time_add_seconds(not_after, 1);
	g_autoptr(GDateTime) before_start = g_date_time_add_seconds(not_before, -1);
	assert_int_equal(jpki_cert_validity_at(cert, before_start), JPKI_CERT_NOT_YET_VALID);
	assert_int_equal(jpki_cert_validity_at(cert, not_before), JPKI_CERT_VALID);
	assert_int_equal(jpki_cert_validity_at(cert, before_window), JPKI_CERT_VALID);
	assert_int_equal(jpki_cert_validity_at(cert, renewal_from), JPKI_CERT_RENEWAL_WINDOW);
	assert_int_equal(jpki_cert_validity_at(cert, not_after), JPKI_CERT_RENEWAL_WINDOW);
	assert_int_equal(jpki_cert_validity_at(cert, after_expiry), JPKI_CERT_EXPIRED);
}

static void
test_validity_names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(jpki_cert_validity_name(JPKI_CERT_VALID), "valid");
	assert_string_equal(jpki_cert_validity_name(JPKI_CERT_RENEWAL_WINDOW), "renewal-window");
	assert_string_equal(jpki_cert_validity_name(JPKI_CERT_EXPIRED), "expired");
	assert_string_equal(jpki_cert_validity_name(JPKI_CERT_NOT_YET_VALID), "not-yet-valid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subject_shows_japanese_localities_as_utf8),
		cmocka_unit_test(test_serial_is_upper_case_hex),
		cmocka_unit_test(test_fingerprint_is_the_upper_case_sha256_of_the_der),
		cmocka_unit_test(test_pem_and_der_files_give_the_same_certificate),
		cmocka_unit_test(test_garbage_or_pem_given_as_der_is_invalid_input),
		cmocka_unit_test(test_missing_file_is_an_io_error),
		cmocka_unit_test(test_directory_is_not_read_as_a_certificate),
		cmocka_unit_test(test_pem_file_without_a_certificate_is_invalid_input),
		cmocka_unit_test(test_holder_attributes_come_from_the_signing_certificate),
		cmocka_unit_test(test_authentication_certificate_has_no_holder_attributes),
		cmocka_unit_test(test_sex_codes_are_described_in_japanese_and_english),
		cmocka_unit_test(test_test_certificates_are_valid_renewable_and_expired_now),
		cmocka_unit_test(test_renewal_window_opens_three_calendar_months_before_not_after),
		cmocka_unit_test(test_validity_names_are_stable),
	};
	return cmocka_run_group_tests_name("cert", tests, NULL, NULL);
}
