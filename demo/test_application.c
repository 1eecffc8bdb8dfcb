/* The e-application (application.c): the form text's shape, and its CMS and raw signatures
 * made with the test PKI's keys (tests/pki). */
#include "application.h"
#include "cms.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "portal_error.h"
#include "test_pki.h"
#include "test_util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define FORM                                                                                       \
	"{\"form\":\"jpki-demo/change-of-address/1\",\"name\":\"テスト　太郎\","             \
	"\"moveDate\":\"2025-04-01\",\"previousAddress\":\"東京都千代田区\","               \
	"\"newAddress\":\"みどり市中央１丁目\",\"householdHead\":\"テスト　太郎\"}"

static void
assert_form_invalid(const char *text)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalApplication) application =
		portal_application_parse(text, strlen(text), &error);
	assert_null(application);
	assert_true(g_error_matches(error, PORTAL_ERROR, PORTAL_ERROR_FORM_INVALID));
}

static char *
form_with(const char *from, const char *to)
{
	g_autoptr(GString) text = g_string_new(FORM);
	g_assert(strstr(text->str, from) != NULL);
	g_string_replace(text, from, to, 1);
	return g_string_free(g_steal_pointer(&text), FALSE);
}

static void
test_form_text_is_parsed(void **state)
{
	(void)state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalApplication) application =
		portal_application_parse(FORM, strlen(FORM), &error);
	assert_null(error);
	assert_string_equal(application->name, "テスト　太郎");
	assert_string_equal(application->move_date, "2025-04-01");
	assert_string_equal(application->new_address, "みどり市中央１丁目");
}

static void
test_form_text_refuses_another_shape(void **state)
{
	(void)state;
	const char *replacements[][2] = {
		{"jpki-demo/change-of-address/1", "jpki-demo/change-of-address/2"},
		{"\"householdHead\":\"テスト　太郎\"}",
		 "\"householdHead\":\"テスト　太郎\",\"x\":\"y\"}"},
		{",\"householdHead\":\"テスト　太郎\"", ""},
		{",\"householdHead\":\"テスト　太郎\"", ",\"householdHead\":1"},
		{",\"householdHead\":\"テスト　太郎\"",
		 ",\"householdHead\":\"a\",\"householdHead\":\"b\""},
		{"\"name\":\"テスト　太郎\"", "\"name\":\"\""},
		{"\"name\":\"テスト　太郎\"", "\"name\":\"テスト\\n太郎\""},
		{"\"name\":\"テスト　太郎\"", "\"name\":\"テスト\\u0000太郎\""},
		{"2025-04-01", "2025-02-30"},
		{"2025-04-01", "2025-4-1"},
		{"2025-04-01", "+025-04-01"},
		{"2025-04-01", "2025-04-01x"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(replacements); i++) {
		g_autofree char *text = form_with(replacements[i][0], replacements[i][1]);
		assert_form_invalid(text);
	}
	assert_form_invalid("[]");
	assert_form_invalid("not json");
	assert_form_invalid(FORM " {}");
}

static void
test_form_fields_are_at_most_200_characters(void **state)
{
	(void)state;
	g_autoptr(GString) name = g_string_new(NULL);
	for (guint i = 0; i < PORTAL_FIELD_MAX_CHARS; i++)
		g_string_append(name, "あ");
	g_autofree char *longest_value = g_strdup_printf("\"name\":\"%s\"", name->str);
	g_autofree char *longest = form_with("\"name\":\"テスト　太郎\"", longest_value);
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalApplication) application =
		portal_application_parse(longest, strlen(longest), &error);
	assert_null(error);
	g_string_append(name, "あ");
	g_autofree char *too_long_value = g_strdup_printf("\"name\":\"%s\"", name->str);
	g_autofree char *too_long = form_with("\"name\":\"テスト　太郎\"", too_long_value);
	assert_form_invalid(too_long);
}

static JpkiTrustStore *
store_of(const char *ca_file)
{
	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new();
	g_autofree char *path = test_pki_path(ca_file);
	g_autoptr(GError) error = NULL;
	assert_true(jpki_trust_store_add_file(store, path, &error));
	return g_steal_pointer(&store);
}

/* RSA PKCS#1 v1.5 over SHA-256 of `text`, with a key of the test PKI. */
static GBytes *
sign_text(const char *key_file, const char *text)
{
	g_autoptr(EVP_PKEY) key = test_pki_load_key(key_file);
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key), 1);
	size_t len = 0;
	assert_int_equal(EVP_DigestSign(ctx, NULL, &len, (const guint8 *)text, strlen(text)), 1);
	guint8 *signature = g_malloc(len);
	assert_int_equal(EVP_DigestSign(ctx, signature, &len, (const guint8 *)text, strlen(text)),
			 1);
	return g_bytes_new_take(signature, len);
}

static GBytes *
text_bytes(const char *text)
{
	return g_bytes_new(text, strlen(text));
}

static void
test_raw_signature_by_the_signing_certificate_is_verified(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("sign-ca.pem");
	g_autoptr(GBytes) signature = sign_text("sign.key", FORM);
	g_autoptr(GBytes) certificate = test_pki_load_der("sign-valid.pem");
	g_autoptr(GBytes) content = text_bytes(FORM);
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalSigner) signer =
		portal_verify_raw(signature, certificate, content, store, &error);
	assert_null(error);
	assert_string_equal(signer->holder->name, "テスト　太郎");
	assert_string_equal(signer->holder->address, "東京都千代田区霞が関２丁目１番２号　テスト");
	assert_null(signer->signing_time);
}

static void
assert_raw_refused(const char *key_file, const char *cert_file, const char *signed_text,
		   const char *ca_file, GQuark domain, gint code)
{
	g_autoptr(JpkiTrustStore) store = store_of(ca_file);
	g_autoptr(GBytes) signature = sign_text(key_file, signed_text);
	g_autoptr(GBytes) certificate = test_pki_load_der(cert_file);
	g_autoptr(GBytes) content = text_bytes(FORM);
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalSigner) signer =
		portal_verify_raw(signature, certificate, content, store, &error);
	assert_null(signer);
	if (!g_error_matches(error, domain, code))
		fail_msg("got %s", error->message);
}

static void
test_raw_signature_over_another_text_is_refused(void **state)
{
	(void)state;
	g_autofree char *changed = form_with("2025-04-01", "2025-04-02");
	assert_raw_refused("sign.key", "sign-valid.pem", changed, "sign-ca.pem", JPKI_ERROR,
			   JPKI_ERROR_SIGNATURE_INVALID);
}

static void
test_raw_signature_by_the_authentication_certificate_is_refused(void **state)
{
	(void)state;
	assert_raw_refused("auth.key", "auth-valid.pem", FORM, "auth-ca.pem", PORTAL_ERROR,
			   PORTAL_ERROR_NOT_SIGNING_CERTIFICATE);
}

static void
test_raw_signature_needs_the_chain_to_the_anchors(void **state)
{
	(void)state;
	assert_raw_refused("sign.key", "sign-valid.pem", FORM, "auth-ca.pem", JPKI_ERROR,
			   JPKI_ERROR_CERTIFICATE_UNTRUSTED);
	assert_raw_refused("sign.key", "sign-expired.pem", FORM, "sign-ca.pem", JPKI_ERROR,
			   JPKI_ERROR_CERTIFICATE_EXPIRED);
}

static void
test_raw_signature_of_the_wrong_length_is_refused(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("sign-ca.pem");
	g_autoptr(GBytes) certificate = test_pki_load_der("sign-valid.pem");
	g_autoptr(GBytes) content = text_bytes(FORM);
	g_autoptr(GBytes) signature = g_bytes_new_static("short", 5);
	g_autoptr(GError) error = NULL;
	assert_null(portal_verify_raw(signature, certificate, content, store, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID));
}

/* The portal's own origin, as in its configuration. */
#define PORTAL_ORIGIN "https://portal.example:8443"

static GBytes *
cms_for(const char *cert_file, const char *key_file, const char *text, const char *origin)
{
	g_autoptr(X509) signer = test_pki_load_x509(cert_file);
	g_autoptr(EVP_PKEY) key = test_pki_load_key(key_file);
	g_autoptr(GBytes) content = text_bytes(text);
	return test_make_cms(signer, key, JPKI_HASH_SHA256, content, NULL, origin);
}

static GBytes *
cms_over(const char *cert_file, const char *key_file, const char *text)
{
	return cms_for(cert_file, key_file, text, PORTAL_ORIGIN);
}

static void
test_cms_over_the_form_text_is_verified(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("sign-ca.pem");
	g_autoptr(GBytes) cms = cms_over("sign-valid.pem", "sign.key", FORM);
	g_autoptr(GBytes) content = text_bytes(FORM);
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalSigner) signer =
		portal_verify_cms(cms, content, PORTAL_ORIGIN, store, &error);
	assert_null(error);
	assert_string_equal(signer->holder->name, "テスト　太郎");
	assert_non_null(signer->signing_time);
	assert_int_equal(signer->alg, JPKI_HASH_SHA256);
}

static void
test_cms_over_another_text_is_refused(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("sign-ca.pem");
	g_autofree char *changed = form_with("みどり市", "あおば市");
	g_autoptr(GBytes) cms = cms_over("sign-valid.pem", "sign.key", changed);
	g_autoptr(GBytes) content = text_bytes(FORM);
	g_autoptr(GError) error = NULL;
	assert_null(portal_verify_cms(cms, content, PORTAL_ORIGIN, store, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID));
}

static void
test_cms_made_for_another_site_or_none_is_refused(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("sign-ca.pem");
	g_autoptr(GBytes) content = text_bytes(FORM);
	const char *origins[] = {"https://other.example", NULL};
	for (guint i = 0; i < G_N_ELEMENTS(origins); i++) {
		g_autoptr(GBytes) cms = cms_for("sign-valid.pem", "sign.key", FORM, origins[i]);
		g_autoptr(GError) error = NULL;
		assert_null(portal_verify_cms(cms, content, PORTAL_ORIGIN, store, &error));
		assert_true(
			g_error_matches(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH));
		assert_string_equal(portal_error_code_name(error), "signature-origin-mismatch");
		assert_int_equal(portal_error_http_status(error), 403);
	}
}

static void
test_cms_by_the_authentication_certificate_is_refused(void **state)
{
	(void)state;
	/* Even with its CA trusted: the authentication certificate (clientAuth only) is not for
	 * signing documents. */
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem");
	g_autoptr(GBytes) cms = cms_over("auth-valid.pem", "auth.key", FORM);
	g_autoptr(GBytes) content = text_bytes(FORM);
	g_autoptr(GError) error = NULL;
	assert_null(portal_verify_cms(cms, content, PORTAL_ORIGIN, store, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_UNTRUSTED));
}

/* The signing CA's store with two current CRLs (--sign-crl twice): one listing nothing, then
 * one listing the test signing certificate. */
static JpkiTrustStore *
store_with_a_second_crl_revoking_the_signer(void)
{
	g_autoptr(JpkiTrustStore) store = store_of("sign-ca.pem");
	g_autoptr(JpkiCert) cert = test_pki_load_cert("sign-valid.pem");
	g_autofree char *empty = test_pki_write_crl("sign-ca.pem", "sign-ca.key", NULL);
	g_autofree char *revoking = test_pki_write_crl("sign-ca.pem", "sign-ca.key", cert);
	g_autoptr(GError) error = NULL;
	assert_true(jpki_trust_store_add_crl_file(store, empty, &error));
	assert_true(jpki_trust_store_add_crl_file(store, revoking, &error));
	g_unlink(empty);
	g_unlink(revoking);
	return g_steal_pointer(&store);
}

static void
assert_refused_as_revoked(const GError *error)
{
	if (!g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_REVOKED))
		fail_msg("want certificate-revoked, got %s",
			 error != NULL ? error->message : "no error");
	assert_string_equal(portal_error_code_name(error), "certificate-revoked");
	assert_int_equal(portal_error_http_status(error), 403);
}

/* A signed application by a revoked signing certificate is refused, whatever site its CMS
 * names, as is its raw signature. */
static void
test_a_signature_by_a_revoked_signing_certificate_is_refused(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_with_a_second_crl_revoking_the_signer();
	g_autoptr(GBytes) content = text_bytes(FORM);
	const char *origins[] = {PORTAL_ORIGIN, "https://other.example"};
	for (guint i = 0; i < G_N_ELEMENTS(origins); i++) {
		g_autoptr(GBytes) cms = cms_for("sign-valid.pem", "sign.key", FORM, origins[i]);
		g_autoptr(GError) error = NULL;
		assert_null(portal_verify_cms(cms, content, PORTAL_ORIGIN, store, &error));
		assert_refused_as_revoked(error);
	}
	g_autoptr(GBytes) signature = sign_text("sign.key", FORM);
	g_autoptr(GBytes) certificate = test_pki_load_der("sign-valid.pem");
	g_autoptr(GError) error = NULL;
	assert_null(portal_verify_raw(signature, certificate, content, store, &error));
	assert_refused_as_revoked(error);
}

/* libjpki knows GIO's codes by number (it does not link GIO): the portal, which does, checks
 * that they are GIO's and that the portal reports them as it should. */
static void
test_gio_errors_get_libjpki_codes_and_portal_codes(void **state)
{
	(void)state;
	const struct {
		gint gio_code;
		JpkiErrorCode jpki_code;
		const char *portal_code;
	} cases[] = {
		{G_IO_ERROR_CANCELLED, JPKI_ERROR_CANCELLED, "internal-error"},
		{G_IO_ERROR_TIMED_OUT, JPKI_ERROR_TIMEOUT, "internal-error"},
		{G_IO_ERROR_INVALID_ARGUMENT, JPKI_ERROR_INVALID_INPUT, "invalid-request"},
		{G_IO_ERROR_INVALID_DATA, JPKI_ERROR_INVALID_INPUT, "invalid-request"},
		{G_IO_ERROR_PARTIAL_INPUT, JPKI_ERROR_INVALID_INPUT, "invalid-request"},
		{G_IO_ERROR_MESSAGE_TOO_LARGE, JPKI_ERROR_INVALID_INPUT, "invalid-request"},
		{G_IO_ERROR_NOT_FOUND, JPKI_ERROR_IO, "internal-error"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = g_error_new_literal(G_IO_ERROR, cases[i].gio_code, "x");
		assert_int_equal(jpki_error_code_of(error), cases[i].jpki_code);
		assert_string_equal(portal_error_code_name(error), cases[i].portal_code);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gio_errors_get_libjpki_codes_and_portal_codes),
		cmocka_unit_test(test_form_text_is_parsed),
		cmocka_unit_test(test_form_text_refuses_another_shape),
		cmocka_unit_test(test_form_fields_are_at_most_200_characters),
		cmocka_unit_test(test_raw_signature_by_the_signing_certificate_is_verified),
		cmocka_unit_test(test_raw_signature_over_another_text_is_refused),
		cmocka_unit_test(test_raw_signature_by_the_authentication_certificate_is_refused),
		cmocka_unit_test(test_raw_signature_needs_the_chain_to_the_anchors),
		cmocka_unit_test(test_raw_signature_of_the_wrong_length_is_refused),
		cmocka_unit_test(test_cms_over_the_form_text_is_verified),
		cmocka_unit_test(test_cms_over_another_text_is_refused),
		cmocka_unit_test(test_cms_made_for_another_site_or_none_is_refused),
		cmocka_unit_test(test_cms_by_the_authentication_certificate_is_refused),
		cmocka_unit_test(test_a_signature_by_a_revoked_signing_certificate_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
