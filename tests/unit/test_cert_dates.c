/* A certificate's dates read from its DER without decoding it (cert_dates.h): the same dates
 * as OpenSSL's full decode for every certificate of the test PKI, RFC 5280's two time forms,
 * and a clear error, never a crash, for anything else. */
#include "cert_dates.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "test_pki.h"

#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static const char *const pki_certificates[] = {
	"auth-valid.pem",   "auth-renewal.pem", "auth-expired.pem", "sign-valid.pem",
	"sign-renewal.pem", "sign-expired.pem", "auth-ca.pem",      "sign-ca.pem",
};

static gint64
openssl_unix_time(const ASN1_TIME *time)
{
	struct tm tm = {0};
	assert_int_equal(ASN1_TIME_to_tm(time, &tm), 1);
	g_autoptr(GDateTime) utc = g_date_time_new_utc(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
						       tm.tm_hour, tm.tm_min, tm.tm_sec);
	return g_date_time_to_unix(utc);
}

static void
test_dates_are_those_openssl_decodes_for_every_test_certificate(void **state)
{
	(void)state;
	for (guint i = 0; i < G_N_ELEMENTS(pki_certificates); i++) {
		g_autoptr(GBytes) der = test_pki_load_der(pki_certificates[i]);
		g_autoptr(X509) x509 = test_pki_load_x509(pki_certificates[i]);
		g_auto(JpkiCertDates) dates = {0};
		g_autoptr(GError) error = NULL;
		assert_true(jpki_cert_dates_from_der(der, &dates, &error));
		assert_null(error);
		assert_int_equal(g_date_time_to_unix(dates.not_before),
				 openssl_unix_time(X509_get0_notBefore(x509)));
		assert_int_equal(g_date_time_to_unix(dates.not_after),
				 openssl_unix_time(X509_get0_notAfter(x509)));
	}
}

/* SEQUENCE { SEQUENCE { [0] { INTEGER 2 }, INTEGER 1, SEQUENCE {}, SEQUENCE {},
 * SEQUENCE { not_before, not_after } } }: enough of a certificate to reach its validity. */
static GBytes *
certificate_with_times(guint8 before_tag, const char *before, guint8 after_tag, const char *after)
{
	static const guint8 head[] = {0xA0, 0x03, 0x02, 0x01, 0x02, 0x02,
				      0x01, 0x01, 0x30, 0x00, 0x30, 0x00};
	gsize before_len = strlen(before), after_len = strlen(after);
	gsize validity_len = 2 + before_len + 2 + after_len;
	gsize tbs_len = sizeof(head) + 2 + validity_len;
	g_assert(tbs_len + 2 < 0x80);
	GByteArray *der = g_byte_array_new();
	const guint8 outer[] = {0x30, (guint8)(tbs_len + 2), 0x30, (guint8)tbs_len};
	g_byte_array_append(der, outer, sizeof(outer));
	g_byte_array_append(der, head, sizeof(head));
	const guint8 validity[] = {0x30, (guint8)validity_len, before_tag, (guint8)before_len};
	g_byte_array_append(der, validity, sizeof(validity));
	g_byte_array_append(der, (const guint8 *)before, (guint)before_len);
	const guint8 after_header[] = {after_tag, (guint8)after_len};
	g_byte_array_append(der, after_header, sizeof(after_header));
	g_byte_array_append(der, (const guint8 *)after, (guint)after_len);
	return g_byte_array_free_to_bytes(der);
}

static char *
format_utc(GDateTime *time)
{
	return g_date_time_format(time, "%Y-%m-%d %H:%M:%S");
}

static void
test_utc_time_years_below_50_are_this_century(void **state)
{
	(void)state;
	g_autoptr(GBytes) der =
		certificate_with_times(0x17, "500101000000Z", 0x17, "491231235959Z");
	g_auto(JpkiCertDates) dates = {0};
	assert_true(jpki_cert_dates_from_der(der, &dates, NULL));
	g_autofree char *before = format_utc(dates.not_before);
	g_autofree char *after = format_utc(dates.not_after);
	assert_string_equal(before, "1950-01-01 00:00:00");
	assert_string_equal(after, "2049-12-31 23:59:59");
}

static void
test_generalized_time_carries_four_digit_years(void **state)
{
	(void)state;
	g_autoptr(GBytes) der =
		certificate_with_times(0x17, "261130000000Z", 0x18, "20991231235959Z");
	g_auto(JpkiCertDates) dates = {0};
	assert_true(jpki_cert_dates_from_der(der, &dates, NULL));
	g_autofree char *after = format_utc(dates.not_after);
	assert_string_equal(after, "2099-12-31 23:59:59");
}

static void
test_times_outside_rfc_5280_are_invalid_input(void **state)
{
	(void)state;
	static const struct {
		guint8 tag;
		const char *time;
	} cases[] = {
		{0x17, "2611300000Z"},       /* no seconds */
		{0x17, "261130000000+0900"}, /* an offset instead of Z */
		{0x17, "261130000000"},      /* no zone */
		{0x18, "20261130000000.5Z"}, /* fractions */
		{0x17, "260230000000Z"},     /* 30 February */
		{0x17, "261130240000Z"},     /* hour 24 */
		{0x17, "261130235960Z"},     /* second 60 */
		{0x17, "2611 0000000Z"},     /* not digits */
		{0x04, "261130000000Z"},     /* an OCTET STRING */
		{0x18, "261130000000Z"},     /* a UTCTime tagged as GeneralizedTime */
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GBytes) der =
			certificate_with_times(0x17, "261130000000Z", cases[i].tag, cases[i].time);
		g_auto(JpkiCertDates) dates = {0};
		g_autoptr(GError) error = NULL;
		assert_false(jpki_cert_dates_from_der(der, &dates, &error));
		assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
		assert_null(dates.not_before);
		assert_null(dates.not_after);
	}
}

/* Every truncation of a real certificate that cuts into its validity, and the certificate
 * given with its outer length claiming more than there is. */
static void
test_cut_or_overlong_certificates_are_invalid_input(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = test_pki_load_der("auth-valid.pem");
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	g_auto(JpkiCertDates) whole = {0};
	assert_true(jpki_cert_dates_from_der(der, &whole, NULL));
	guint refused = 0;
	for (gsize cut = 0; cut < len; cut++) {
		g_autoptr(GBytes) prefix = g_bytes_new(data, cut);
		g_auto(JpkiCertDates) dates = {0};
		g_autoptr(GError) error = NULL;
		if (!jpki_cert_dates_from_der(prefix, &dates, &error)) {
			assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
			refused++;
		}
	}
	/* The outer SEQUENCE's length covers everything: every prefix is too short for it. */
	assert_int_equal(refused, len);

	g_autofree guint8 *claims_more = g_memdup2(data, len);
	claims_more[3]++; /* 30 82 LL LL: one byte more than there is */
	g_autoptr(GBytes) overlong = g_bytes_new(claims_more, len);
	g_auto(JpkiCertDates) dates = {0};
	assert_false(jpki_cert_dates_from_der(overlong, &dates, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates_are_those_openssl_decodes_for_every_test_certificate),
		cmocka_unit_test(test_utc_time_years_below_50_are_this_century),
		cmocka_unit_test(test_generalized_time_carries_four_digit_years),
		cmocka_unit_test(test_times_outside_rfc_5280_are_invalid_input),
		cmocka_unit_test(test_cut_or_overlong_certificates_are_invalid_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
