/* The login token (docs/protocol.md, authenticate): the digest the card signs, the Web eID token
 * the host builds, and the relying party's verification, with signatures made as the card
 * makes them (raw RSA PKCS#1 v1.5 over the DigestInfo) by the test PKI's keys (tests/pki). */
#include "authtoken.h"
#include "cert.h"
#include "jansson_autoptr.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "test_pki.h"
#include "test_util.h"

#include <glib/gstdio.h>
#include <openssl/rsa.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define ORIGIN       "https://login.example.jp"
#define NONCE        "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=" /* base64 of "1234...9012" */
#define APP_VERSION  "https://github.com/jpki-bridge/jpki-bridge/releases/0.1.0"
#define AUTH_SUBJECT "C=JP, CN=TEST00000000001A"

/* Computed once, independently of this code:
 *   (printf '%s' 'https://login.example.jp' | openssl dgst -sha256 -binary
 *    printf '%s' 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=' | openssl dgst -sha256 -binary
 *   ) | openssl dgst -sha256 -hex */
#define KNOWN_DIGEST_HEX "64867c594c266f71bea90f040c05fe10efd9b603f5c1fa928a3c105075d39448"

/* DigestInfo(SHA-256) before the digest: RFC 8017, section 9.2, note 1. */
static const guint8 sha256_digestinfo_prefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
						  0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
						  0x01, 0x05, 0x00, 0x04, 0x20};

static JpkiTrustStore *
store_of(const char *ca_file, const char *other_ca_file)
{
	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new();
	const char *files[] = {ca_file, other_ca_file};
	for (guint i = 0; i < G_N_ELEMENTS(files) && files[i] != NULL; i++) {
		g_autofree char *path = test_pki_path(files[i]);
		g_autoptr(GError) error = NULL;
		assert_true(jpki_trust_store_add_file(store, path, &error));
		assert_null(error);
	}
	return g_steal_pointer(&store);
}

/* As the card does it: the DigestInfo through raw RSA PKCS#1 v1.5 (type 1) padding. */
static GBytes *
card_sign(const char *key_file, GBytes *digest_info)
{
	g_autoptr(EVP_PKEY) key = test_pki_load_key(key_file);
	return test_sign_like_the_card(key, digest_info);
}

/* The token object the host would send for `cert_file` after the card of `key_file` signed the
 * login of `origin` and `nonce`. */
static json_t *
token_object(const char *cert_file, const char *key_file, const char *origin, const char *nonce)
{
	g_autoptr(JpkiCert) cert = test_pki_load_cert(cert_file);
	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(origin, nonce);
	g_autoptr(GBytes) signature = card_sign(key_file, digest_info);
	json_t *token = jpki_authtoken_build(jpki_cert_get_der(cert), signature, APP_VERSION);
	assert_non_null(token);
	return token;
}

static char *
dump(json_t *token)
{
	char *text = json_dumps(token, JSON_COMPACT);
	assert_non_null(text);
	/* json_dumps() allocates with malloc(); hand the caller g_free()-able memory. */
	char *copy = g_strdup(text);
	free(text);
	return copy;
}

static char *
token_text(const char *cert_file, const char *key_file, const char *origin, const char *nonce)
{
	g_autoptr(json_t) token = token_object(cert_file, key_file, origin, nonce);
	return dump(token);
}

static JpkiCert *
verify_text(const char *text, const char *origin, const char *nonce, JpkiTrustStore *store,
	    GError **error)
{
	return jpki_authtoken_verify(text, strlen(text), origin, nonce, store, NULL, error);
}

static void
assert_refused_with(const char *text, JpkiTrustStore *store, JpkiErrorCode code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = verify_text(text, ORIGIN, NONCE, store, &error);
	assert_null(cert);
	test_assert_jpki_error(error, code);
}

/* The valid token with `key` set to `value` (a new reference, NULL: removed). */
static char *
token_with(const char *key, json_t *value)
{
	g_autoptr(json_t) token = token_object("auth-valid.pem", "auth.key", ORIGIN, NONCE);
	if (value != NULL)
		assert_int_equal(json_object_set_new(token, key, value), 0);
	else
		assert_int_equal(json_object_del(token, key), 0);
	return dump(token);
}

static void
test_digest_info_is_sha256_over_the_origin_hash_then_the_nonce_hash(void **state)
{
	(void)state;
	guint8 message[64];
	unsigned int len = 0;
	assert_int_equal(EVP_Digest(ORIGIN, strlen(ORIGIN), message, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(len, 32);
	assert_int_equal(EVP_Digest(NONCE, strlen(NONCE), message + 32, &len, EVP_sha256(), NULL),
			 1);
	guint8 expected[32];
	assert_int_equal(EVP_Digest(message, sizeof(message), expected, &len, EVP_sha256(), NULL),
			 1);

	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(ORIGIN, NONCE);
	gsize info_len = 0;
	const guint8 *info = g_bytes_get_data(digest_info, &info_len);
	assert_int_equal(info_len, sizeof(sha256_digestinfo_prefix) + 32);
	assert_memory_equal(info, sha256_digestinfo_prefix, sizeof(sha256_digestinfo_prefix));
	assert_memory_equal(info + sizeof(sha256_digestinfo_prefix), expected, 32);
}

static void
test_digest_info_matches_the_known_answer(void **state)
{
	(void)state;
	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(ORIGIN, NONCE);
	gsize info_len = 0;
	const guint8 *info = g_bytes_get_data(digest_info, &info_len);
	GString *hex = g_string_new(NULL);
	for (gsize i = sizeof(sha256_digestinfo_prefix); i < info_len; i++)
		g_string_append_printf(hex, "%02x", info[i]);
	g_autofree char *digest_hex = g_string_free(hex, FALSE);
	assert_string_equal(digest_hex, KNOWN_DIGEST_HEX);
}

static void
test_digest_info_binds_origin_and_nonce_apart(void **state)
{
	(void)state;
	/* Hashing each part first means moving a character across the boundary changes it. */
	g_autoptr(GBytes) a = jpki_authtoken_digest_info("https://a.example.jp", "xAAAA");
	g_autoptr(GBytes) b = jpki_authtoken_digest_info("https://a.example.jpx", "AAAA");
	assert_false(g_bytes_equal(a, b));
}

static void
test_build_makes_the_five_web_eid_keys_in_standard_base64(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	const guint8 raw[] = {0xfb, 0xff, 0x00, 0x3e}; /* "+/8APg==": both non-url characters */
	g_autoptr(GBytes) signature = g_bytes_new_static(raw, sizeof(raw));
	g_autoptr(json_t) token =
		jpki_authtoken_build(jpki_cert_get_der(cert), signature, APP_VERSION);
	assert_non_null(token);
	assert_int_equal(json_object_size(token), 5);
	g_autofree char *cert_b64 = g_base64_encode(g_bytes_get_data(jpki_cert_get_der(cert), NULL),
						    g_bytes_get_size(jpki_cert_get_der(cert)));
	assert_string_equal(json_string_value(json_object_get(token, "unverifiedCertificate")),
			    cert_b64);
	assert_string_equal(json_string_value(json_object_get(token, "algorithm")), "RS256");
	assert_string_equal(json_string_value(json_object_get(token, "signature")), "+/8APg==");
	assert_string_equal(json_string_value(json_object_get(token, "format")), "web-eid:1.0");
	assert_string_equal(json_string_value(json_object_get(token, "appVersion")), APP_VERSION);
}

static void
test_build_refuses_an_app_version_that_is_not_utf8(void **state)
{
	(void)state;
	g_autoptr(GBytes) bytes = g_bytes_new_static("x", 1);
	g_autoptr(json_t) token = jpki_authtoken_build(bytes, bytes, "\xff");
	assert_null(token);
}

static void
test_token_signed_like_the_card_verifies_against_the_auth_ca(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autofree char *text = token_text("auth-valid.pem", "auth.key", ORIGIN, NONCE);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = verify_text(text, ORIGIN, NONCE, store, &error);
	if (error != NULL)
		fail_msg("%s: %s", jpki_error_code_name((JpkiErrorCode)error->code),
			 error->message);
	assert_non_null(cert);
	g_autofree char *subject = jpki_cert_dup_subject(cert);
	assert_string_equal(subject, AUTH_SUBJECT);
	g_autoptr(JpkiCert) expected = test_pki_load_cert("auth-valid.pem");
	assert_true(g_bytes_equal(jpki_cert_get_der(cert), jpki_cert_get_der(expected)));
}

static void
test_verify_reads_exactly_len_bytes(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autofree char *text = token_text("auth-valid.pem", "auth.key", ORIGIN, NONCE);
	/* Garbage past `len` is not part of the token. */
	g_autofree char *padded = g_strconcat(text, "garbage", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert =
		jpki_authtoken_verify(padded, strlen(text), ORIGIN, NONCE, store, NULL, &error);
	assert_null(error);
	assert_non_null(cert);
}

#ifdef G_OS_UNIX /* the openssl program: not under Wine */
static void
write_file(const char *dir, const char *name, const void *data, gsize len, char **path)
{
	g_autoptr(GError) error = NULL;
	*path = g_build_filename(dir, name, NULL);
	assert_true(g_file_set_contents(*path, data, (gssize)len, &error));
}

/* 0 when `openssl dgst -sha256 -verify` accepts. */
static int
openssl_dgst_verify(char *pub, char *sig, char *data, char **out)
{
	char *argv[] = {"openssl",    "dgst", "-sha256", "-verify", pub,
			"-signature", sig,    data,      NULL};
	g_autoptr(GError) error = NULL;
	int wait_status = 0;
	g_autofree char *err = NULL;
	assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err,
				 &wait_status, &error));
	return g_spawn_check_wait_status(wait_status, NULL) ? 0 : 1;
}

static void
test_openssl_cli_verifies_the_card_signature_over_the_64_bytes(void **state)
{
	(void)state;
	g_autoptr(JpkiCert) cert = test_pki_load_cert("auth-valid.pem");
	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(ORIGIN, NONCE);
	g_autoptr(GBytes) signature = card_sign("auth.key", digest_info);

	/* The 64 bytes, computed here without libjpki. */
	guint8 data64[64];
	guint8 other64[64];
	unsigned int len = 0;
	assert_int_equal(EVP_Digest(ORIGIN, strlen(ORIGIN), data64, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(EVP_Digest(NONCE, strlen(NONCE), data64 + 32, &len, EVP_sha256(), NULL),
			 1);
	memcpy(other64, data64, sizeof(other64));
	other64[0] ^= 1;
	test_pki_assert_signature(signature, "auth-valid.pem", data64, sizeof(data64));

	g_autoptr(BIO) pem = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PUBKEY(pem, X509_get0_pubkey(jpki_cert_get_x509(cert))), 1);
	char *pem_data = NULL;
	long pem_len = BIO_get_mem_data(pem, &pem_data);
	assert_true(pem_len > 0);

	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("test_authtoken-XXXXXX", &error);
	assert_non_null(dir);
	g_autofree char *pub = NULL;
	g_autofree char *sig = NULL;
	g_autofree char *data = NULL;
	g_autofree char *other = NULL;
	write_file(dir, "pub.pem", pem_data, (gsize)pem_len, &pub);
	write_file(dir, "sig", g_bytes_get_data(signature, NULL), g_bytes_get_size(signature),
		   &sig);
	write_file(dir, "data64.bin", data64, sizeof(data64), &data);
	write_file(dir, "other64.bin", other64, sizeof(other64), &other);

	g_autofree char *out = NULL;
	g_autofree char *out_other = NULL;
	int status = openssl_dgst_verify(pub, sig, data, &out);
	int status_other = openssl_dgst_verify(pub, sig, other, &out_other);
	const char *files[] = {pub, sig, data, other};
	for (guint i = 0; i < G_N_ELEMENTS(files); i++)
		g_unlink(files[i]);
	g_rmdir(dir);

	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "Verified OK"));
	assert_int_not_equal(status_other, 0);
}
#endif

static void
test_wrong_origin_is_signature_invalid(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autofree char *text =
		token_text("auth-valid.pem", "auth.key", "https://evil.example.jp", NONCE);
	assert_refused_with(text, store, JPKI_ERROR_SIGNATURE_INVALID);
	/* The same bytes for another port are another origin. */
	g_autofree char *port = token_text("auth-valid.pem", "auth.key", ORIGIN ":8443", NONCE);
	assert_refused_with(port, store, JPKI_ERROR_SIGNATURE_INVALID);
}

static void
test_wrong_nonce_is_signature_invalid(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autofree char *text = token_text("auth-valid.pem", "auth.key", ORIGIN,
					   "OTg3NjU0MzIxMDk4NzY1NDMyMTA5ODc2NTQzMjEwOTg=");
	assert_refused_with(text, store, JPKI_ERROR_SIGNATURE_INVALID);
}

static void
test_tampered_signature_is_signature_invalid(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(ORIGIN, NONCE);
	g_autoptr(GBytes) signature = card_sign("auth.key", digest_info);
	gsize len = 0;
	const guint8 *good = g_bytes_get_data(signature, &len);

	/* One flipped bit, first and last byte; one byte short; another key's signature. */
	g_autofree guint8 *flipped_first = g_memdup2(good, len);
	flipped_first[0] ^= 0x01;
	g_autofree guint8 *flipped_last = g_memdup2(good, len);
	flipped_last[len - 1] ^= 0x80;
	g_autoptr(GBytes) other_key = card_sign("sign.key", digest_info);
	struct {
		const guint8 *data;
		gsize len;
	} bad[] = {
		{flipped_first, len},
		{flipped_last, len},
		{good + 1, len - 1},
		{g_bytes_get_data(other_key, NULL), g_bytes_get_size(other_key)},
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *b64 = g_base64_encode(bad[i].data, bad[i].len);
		g_autofree char *text = token_with("signature", json_string(b64));
		assert_refused_with(text, store, JPKI_ERROR_SIGNATURE_INVALID);
	}
}

static void
test_extra_key_is_invalid_input(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	/* Even the keys a later Web eID format adds are not part of web-eid:1.0. */
	const char *extra[] = {"unverifiedSigningCertificate", "origin", "x"};
	for (guint i = 0; i < G_N_ELEMENTS(extra); i++) {
		g_autofree char *text = token_with(extra[i], json_string("AAAA"));
		assert_refused_with(text, store, JPKI_ERROR_INVALID_INPUT);
	}
}

static void
test_missing_key_is_invalid_input(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	const char *keys[] = {"unverifiedCertificate", "algorithm", "signature", "format",
			      "appVersion"};
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_autofree char *missing = token_with(keys[i], NULL);
		assert_refused_with(missing, store, JPKI_ERROR_INVALID_INPUT);
		g_autofree char *empty = token_with(keys[i], json_string(""));
		assert_refused_with(empty, store, JPKI_ERROR_INVALID_INPUT);
		g_autofree char *number = token_with(keys[i], json_integer(1));
		assert_refused_with(number, store, JPKI_ERROR_INVALID_INPUT);
	}
}

static void
test_wrong_format_is_invalid_input(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	const char *formats[] = {"web-eid:1", "web-eid:1.1", "web-eid:2.0", "WEB-EID:1.0",
				 "web-eid:1.0 "};
	for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
		g_autofree char *text = token_with("format", json_string(formats[i]));
		assert_refused_with(text, store, JPKI_ERROR_INVALID_INPUT);
	}
}

static void
test_other_algorithms_are_invalid_input(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	const char *algorithms[] = {"ES384", "PS256", "RS384", "rs256", "none"};
	for (guint i = 0; i < G_N_ELEMENTS(algorithms); i++) {
		g_autofree char *text = token_with("algorithm", json_string(algorithms[i]));
		assert_refused_with(text, store, JPKI_ERROR_INVALID_INPUT);
	}
}

static void
test_bad_base64_is_invalid_input(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autoptr(json_t) token = token_object("auth-valid.pem", "auth.key", ORIGIN, NONCE);
	const char *signature = json_string_value(json_object_get(token, "signature"));
	const char *certificate =
		json_string_value(json_object_get(token, "unverifiedCertificate"));
	gsize len = strlen(signature);
	/* A 2048-bit signature is 256 bytes: 342 characters and "==". */
	assert_int_equal(len, 344);
	assert_string_equal(signature + 342, "==");

	g_autofree char *unpadded = g_strndup(signature, 342);
	g_autofree char *wrapped =
		g_strdup_printf("%.64s\n%s", signature, signature + 64); /* MIME line break */
	g_autofree char *spaced = g_strdup_printf("%.4s %s", signature, signature + 4);
	g_autofree char *url_safe = g_strdelimit(g_strdup(signature), "+/", '-');
	g_autofree char *junk = g_strdup_printf("%s!", unpadded);
	/* The last character before "==" carries 2 bits; setting one of its 4 spare bits makes a
	 * text that lenient decoders read as the same bytes. */
	g_autofree char *stray_bits = g_strdup(signature);
	const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	stray_bits[341] = alphabet[(strchr(alphabet, signature[341]) - alphabet) | 1];
	g_autofree char *cert_url_safe = g_strdelimit(g_strdup(certificate), "+/", '_');
	assert_string_not_equal(cert_url_safe, certificate);

	struct {
		const char *key, *value;
	} bad[] = {
		{"signature", unpadded},   {"signature", wrapped},
		{"signature", spaced},     {"signature", junk},
		{"signature", "===="},     {"signature", "AAA=A==="},
		{"signature", stray_bits}, {"unverifiedCertificate", cert_url_safe},
	};
	if (strpbrk(signature, "+/") != NULL) {
		g_autofree char *text = token_with("signature", json_string(url_safe));
		assert_refused_with(text, store, JPKI_ERROR_INVALID_INPUT);
	}
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *text = token_with(bad[i].key, json_string(bad[i].value));
		assert_refused_with(text, store, JPKI_ERROR_INVALID_INPUT);
	}
}

static void
test_malformed_json_is_invalid_input(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autofree char *good = token_text("auth-valid.pem", "auth.key", ORIGIN, NONCE);
	g_autofree char *trailing = g_strconcat(good, " {}", NULL);
	g_autofree char *array = g_strdup_printf("[%s]", good);
	/* A second "format" after the good one: a lenient parser would keep either. */
	g_autofree char *duplicate = g_strdup(good);
	duplicate[strlen(duplicate) - 1] = '\0';
	g_autofree char *with_duplicate =
		g_strconcat(duplicate, ",\"format\":\"web-eid:1.0\"}", NULL);
	g_autofree char *huge = g_strnfill(JPKI_AUTHTOKEN_MAX_LEN + 1, ' ');
	const char *bad[] = {"",    "not json",     "null", "\"web-eid:1.0\"", "{}", trailing,
			     array, with_duplicate, huge};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
		assert_refused_with(bad[i], store, JPKI_ERROR_INVALID_INPUT);

	/* A NUL inside a string value. */
	g_autofree char *nul = token_with("appVersion", json_stringn("a\0b", 3));
	assert_refused_with(nul, store, JPKI_ERROR_INVALID_INPUT);
	/* A certificate that is base64 but not a certificate. */
	g_autofree char *not_cert = token_with("unverifiedCertificate", json_string("AAAA"));
	assert_refused_with(not_cert, store, JPKI_ERROR_INVALID_INPUT);
}

static void
test_empty_expected_origin_or_nonce_is_invalid_input(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autofree char *text = token_text("auth-valid.pem", "auth.key", "", "");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = verify_text(text, "", "", store, &error);
	assert_null(cert);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
}

static void
test_expired_auth_certificate_is_certificate_expired(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autofree char *text = token_text("auth-expired.pem", "auth.key", ORIGIN, NONCE);
	assert_refused_with(text, store, JPKI_ERROR_CERTIFICATE_EXPIRED);
}

static void
test_signing_certificate_is_refused_even_when_its_ca_is_trusted(void **state)
{
	(void)state;
	/* The signing CA is trusted and the signature is right: only the purpose is wrong. */
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", "sign-ca.pem");
	g_autofree char *text = token_text("sign-valid.pem", "sign.key", ORIGIN, NONCE);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = verify_text(text, ORIGIN, NONCE, store, &error);
	assert_null(cert);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_WRONG_USAGE));
	assert_non_null(strstr(error->message, "signing certificate"));
}

static void
test_ca_certificate_is_refused_even_though_it_is_an_anchor(void **state)
{
	(void)state;
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem", NULL);
	g_autofree char *text = token_text("auth-ca.pem", "auth-ca.key", ORIGIN, NONCE);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = verify_text(text, ORIGIN, NONCE, store, &error);
	assert_null(cert);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_WRONG_USAGE));
	assert_non_null(strstr(error->message, "CA certificate"));
}

static void
test_real_jpki_roots_do_not_trust_the_test_ca(void **state)
{
	(void)state;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new_default(&error);
	assert_null(error);
	assert_non_null(store);
	g_autofree char *text = token_text("auth-valid.pem", "auth.key", ORIGIN, NONCE);
	assert_refused_with(text, store, JPKI_ERROR_CERTIFICATE_UNTRUSTED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_digest_info_is_sha256_over_the_origin_hash_then_the_nonce_hash),
		cmocka_unit_test(test_digest_info_matches_the_known_answer),
		cmocka_unit_test(test_digest_info_binds_origin_and_nonce_apart),
		cmocka_unit_test(test_build_makes_the_five_web_eid_keys_in_standard_base64),
		cmocka_unit_test(test_build_refuses_an_app_version_that_is_not_utf8),
		cmocka_unit_test(test_token_signed_like_the_card_verifies_against_the_auth_ca),
		cmocka_unit_test(test_verify_reads_exactly_len_bytes),
#ifdef G_OS_UNIX /* runs the openssl program, which the Windows build under Wine cannot */
		cmocka_unit_test(test_openssl_cli_verifies_the_card_signature_over_the_64_bytes),
#endif
		cmocka_unit_test(test_wrong_origin_is_signature_invalid),
		cmocka_unit_test(test_wrong_nonce_is_signature_invalid),
		cmocka_unit_test(test_tampered_signature_is_signature_invalid),
		cmocka_unit_test(test_extra_key_is_invalid_input),
		cmocka_unit_test(test_missing_key_is_invalid_input),
		cmocka_unit_test(test_wrong_format_is_invalid_input),
		cmocka_unit_test(test_other_algorithms_are_invalid_input),
		cmocka_unit_test(test_bad_base64_is_invalid_input),
		cmocka_unit_test(test_malformed_json_is_invalid_input),
		cmocka_unit_test(test_empty_expected_origin_or_nonce_is_invalid_input),
		cmocka_unit_test(test_expired_auth_certificate_is_certificate_expired),
		cmocka_unit_test(test_signing_certificate_is_refused_even_when_its_ca_is_trusted),
		cmocka_unit_test(test_ca_certificate_is_refused_even_though_it_is_an_anchor),
		cmocka_unit_test(test_real_jpki_roots_do_not_trust_the_test_ca),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
