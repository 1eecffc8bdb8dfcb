/* Detached CAdES-BES signatures: what jpki_cms_sign_detached() writes, that our verifier and
 * the openssl CLI accept it, that our verifier accepts what the CLI signs, and every way a
 * verification fails. The "card" is a callback that signs with the test PKI's sign.key. */
#include "cms.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "test_pki.h"

#include <glib/gstdio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "test_skip.h"
#include "test_util.h"

static const char content_text[] = "令和8年 契約書 (TEST): the content the holder signs.\n";
/* The origin the browser gave for the signatures made here. */
static const char test_origin[] = "https://portal.example:8443";

static X509_STORE *
store_of(const char *anchor)
{
	X509_STORE *store = X509_STORE_new();
	g_autoptr(X509) cert = test_pki_load_x509(anchor);
	assert_int_equal(X509_STORE_add_cert(store, cert), 1);
	return store;
}

static GBytes *
content_bytes(void)
{
	return g_bytes_new_static(content_text, strlen(content_text));
}

static GBytes *
digest_of(JpkiHashAlg alg, GBytes *data)
{
	guint8 digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	assert_int_equal(EVP_Digest(g_bytes_get_data(data, NULL), g_bytes_get_size(data), digest,
				    &len, jpki_hash_md(alg), NULL),
			 1);
	return g_bytes_new(digest, len);
}

static GDateTime *
fixed_signing_time(void)
{
	return g_date_time_new_utc(2026, 4, 1, 9, 30, 15);
}

static GBytes *
sign_with(const char *cert_name, const char *key_name, JpkiHashAlg alg, GBytes *content,
	  GDateTime *when)
{
	g_autoptr(X509) signer = test_pki_load_x509(cert_name);
	g_autoptr(EVP_PKEY) key = test_pki_load_key(key_name);
	return test_make_cms(signer, key, alg, content, when, test_origin);
}

static GBytes *
sign_content(JpkiHashAlg alg)
{
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GDateTime) when = fixed_signing_time();
	return sign_with("sign-valid.pem", "sign.key", alg, content, when);
}

static CMS_ContentInfo *
parse_der(GBytes *der)
{
	const unsigned char *p = g_bytes_get_data(der, NULL);
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)g_bytes_get_size(der));
	assert_non_null(cms);
	return cms;
}

static CMS_SignerInfo *
only_signer_info(CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
	assert_int_equal(sk_CMS_SignerInfo_num(infos), 1);
	return sk_CMS_SignerInfo_value(infos, 0);
}

static void
assert_error_code(const GError *error, JpkiErrorCode code)
{
	test_assert_jpki_error(error, code);
}

/* Minimal DER reading for the structure checks: the value of the next TLV, which must have
 * `tag`; `*p` moves past it. */
static const guint8 *
der_take(const guint8 **p, const guint8 *end, guint8 tag, gsize *len)
{
	const guint8 *q = *p;
	assert_true(end - q >= 2);
	assert_int_equal(q[0], tag);
	gsize value_len = q[1];
	q += 2;
	if (value_len & 0x80) {
		gsize n = value_len & 0x7f;
		assert_true(n >= 1 && n <= 3 && (gsize)(end - q) >= n);
		value_len = 0;
		for (gsize i = 0; i < n; i++)
			value_len = value_len << 8 | *q++;
	}
	assert_true((gsize)(end - q) >= value_len);
	*p = q + value_len;
	*len = value_len;
	return q;
}

static void
der_append_tlv(GByteArray *out, guint8 tag, const guint8 *value, gsize len)
{
	g_byte_array_append(out, &tag, 1);
	if (len < 0x80) {
		guint8 l = (guint8)len;
		g_byte_array_append(out, &l, 1);
	} else if (len < 0x100) {
		guint8 l[] = {0x81, (guint8)len};
		g_byte_array_append(out, l, sizeof(l));
	} else {
		assert_true(len < 0x10000);
		guint8 l[] = {0x82, (guint8)(len >> 8), (guint8)len};
		g_byte_array_append(out, l, sizeof(l));
	}
	g_byte_array_append(out, value, (guint)len);
}

static GByteArray *
der_wrap(guint8 tag, GByteArray *value)
{
	GByteArray *out = g_byte_array_new();
	der_append_tlv(out, tag, value->data, value->len);
	return out;
}

/* SigningCertificateV2 as RFC 5035 spells it, built here from the certificate's own parts:
 * { certs { { certHash SHA-256, issuerSerial { { [4] issuer }, serial } } } }. */
static GByteArray *
expected_signing_certificate_v2(X509 *cert)
{
	guint8 hash[EVP_MAX_MD_SIZE];
	unsigned int hash_len = 0;
	assert_int_equal(X509_digest(cert, EVP_sha256(), hash, &hash_len), 1);
	unsigned char *issuer = NULL;
	int issuer_len = i2d_X509_NAME(X509_get_issuer_name(cert), &issuer);
	unsigned char *serial = NULL;
	int serial_len = i2d_ASN1_INTEGER(X509_get_serialNumber(cert), &serial);
	assert_true(issuer_len > 0 && serial_len > 0);

	g_autoptr(GByteArray) directory_name = g_byte_array_new();
	der_append_tlv(directory_name, 0xA4, issuer, (gsize)issuer_len);
	g_autoptr(GByteArray) issuer_serial_value = der_wrap(0x30, directory_name);
	g_byte_array_append(issuer_serial_value, serial, (guint)serial_len);
	OPENSSL_free(issuer);
	OPENSSL_free(serial);

	g_autoptr(GByteArray) cert_id_value = g_byte_array_new();
	der_append_tlv(cert_id_value, 0x04, hash, hash_len);
	g_autoptr(GByteArray) issuer_serial = der_wrap(0x30, issuer_serial_value);
	g_byte_array_append(cert_id_value, issuer_serial->data, issuer_serial->len);
	g_autoptr(GByteArray) cert_id = der_wrap(0x30, cert_id_value);
	g_autoptr(GByteArray) certs = der_wrap(0x30, cert_id);
	return der_wrap(0x30, certs);
}

/* ---- signing ---- */

static void
test_signed_data_is_version_1_detached_with_issuer_and_serial(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);
	gsize total = 0;
	const guint8 *p = g_bytes_get_data(der, &total);
	const guint8 *end = p + total;
	gsize len = 0;

	const guint8 *content_info = der_take(&p, end, 0x30, &len);
	assert_ptr_equal(p, end);
	const guint8 *ci_end = content_info + len;
	static const guint8 signed_data_oid[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
						 0x0D, 0x01, 0x07, 0x02};
	const guint8 *oid = der_take(&content_info, ci_end, 0x06, &len);
	assert_memory_equal(oid, signed_data_oid, sizeof(signed_data_oid));
	const guint8 *explicit = der_take(&content_info, ci_end, 0xA0, &len);
	const guint8 *sd = der_take(&explicit, explicit + len, 0x30, &len);
	const guint8 *sd_end = sd + len;

	const guint8 *version = der_take(&sd, sd_end, 0x02, &len);
	assert_int_equal(len, 1);
	assert_int_equal(version[0], 1);
	der_take(&sd, sd_end, 0x31, &len); /* digestAlgorithms */
	der_take(&sd, sd_end, 0x30, &len); /* encapContentInfo: eContentType only */
	assert_int_equal(len, 11);
	der_take(&sd, sd_end, 0xA0, &len); /* certificates */
	const guint8 *infos = der_take(&sd, sd_end, 0x31, &len);
	assert_ptr_equal(sd, sd_end); /* no crls */
	const guint8 *si = der_take(&infos, infos + len, 0x30, &len);
	assert_ptr_equal(infos, sd_end);
	const guint8 *si_end = si + len;
	version = der_take(&si, si_end, 0x02, &len);
	assert_int_equal(len, 1);
	assert_int_equal(version[0], 1);
	der_take(&si, si_end, 0x30, &len); /* issuerAndSerialNumber, not [0] keyid */

	g_autoptr(CMS_ContentInfo) cms = parse_der(der);
	assert_int_equal(CMS_is_detached(cms), 1);
	CMS_SignerInfo *info = only_signer_info(cms);
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;
	assert_int_equal(CMS_SignerInfo_get0_signer_id(info, &keyid, &issuer, &serial), 1);
	assert_null(keyid);
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	assert_int_equal(X509_NAME_cmp(issuer, X509_get_issuer_name(signer)), 0);
	assert_int_equal(ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(signer)), 0);
	STACK_OF(X509) *carried = CMS_get1_certs(cms);
	assert_int_equal(sk_X509_num(carried), 1);
	assert_int_equal(X509_cmp(sk_X509_value(carried, 0), signer), 0);
	sk_X509_pop_free(carried, X509_free);

	X509_ALGOR *digest_alg = NULL;
	X509_ALGOR *signature_alg = NULL;
	CMS_SignerInfo_get0_algs(info, NULL, NULL, &digest_alg, &signature_alg);
	const ASN1_OBJECT *alg_oid = NULL;
	X509_ALGOR_get0(&alg_oid, NULL, NULL, digest_alg);
	assert_int_equal(OBJ_obj2nid(alg_oid), NID_sha256);
	X509_ALGOR_get0(&alg_oid, NULL, NULL, signature_alg);
	assert_int_equal(OBJ_obj2nid(alg_oid), NID_rsaEncryption);
	assert_int_equal(ASN1_STRING_length(CMS_SignerInfo_get0_signature(info)), 256);
}

static void
test_signed_attributes_are_the_four_cades_ones_and_the_origin(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA384);
	g_autoptr(CMS_ContentInfo) cms = parse_der(der);
	CMS_SignerInfo *info = only_signer_info(cms);
	assert_int_equal(CMS_signed_get_attr_count(info), 5);

	g_autoptr(ASN1_OBJECT) origin_oid = OBJ_txt2obj(JPKI_CMS_ORIGIN_OID, 1);
	assert_non_null(origin_oid);
	ASN1_UTF8STRING *origin =
		CMS_signed_get0_data_by_OBJ(info, origin_oid, -3, V_ASN1_UTF8STRING);
	assert_non_null(origin);
	assert_int_equal(ASN1_STRING_length(origin), strlen(test_origin));
	assert_memory_equal(ASN1_STRING_get0_data(origin), test_origin, strlen(test_origin));
	assert_int_equal(CMS_unsigned_get_attr_count(info), -1);

	ASN1_OBJECT *content_type = CMS_signed_get0_data_by_OBJ(
		info, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT);
	assert_non_null(content_type);
	assert_int_equal(OBJ_obj2nid(content_type), NID_pkcs7_data);

	ASN1_UTCTIME *signing_time = CMS_signed_get0_data_by_OBJ(
		info, OBJ_nid2obj(NID_pkcs9_signingTime), -3, V_ASN1_UTCTIME);
	assert_non_null(signing_time);
	assert_string_equal((const char *)ASN1_STRING_get0_data(signing_time), "260401093015Z");

	ASN1_OCTET_STRING *message_digest = CMS_signed_get0_data_by_OBJ(
		info, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
	assert_non_null(message_digest);
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GBytes) digest = digest_of(JPKI_HASH_SHA384, content);
	assert_int_equal(ASN1_STRING_length(message_digest), 48);
	assert_memory_equal(ASN1_STRING_get0_data(message_digest), g_bytes_get_data(digest, NULL),
			    48);

	ASN1_STRING *signing_certificate = CMS_signed_get0_data_by_OBJ(
		info, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE);
	assert_non_null(signing_certificate);
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(GByteArray) expected = expected_signing_certificate_v2(signer);
	assert_int_equal(ASN1_STRING_length(signing_certificate), expected->len);
	assert_memory_equal(ASN1_STRING_get0_data(signing_certificate), expected->data,
			    expected->len);
}

static void
test_signing_time_after_2049_is_written_as_generalized_time(void **state)
{
	(void)state;
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GDateTime) when = g_date_time_new_utc(2051, 12, 31, 23, 59, 58);
	g_autoptr(GBytes) der =
		sign_with("sign-valid.pem", "sign.key", JPKI_HASH_SHA256, content, when);
	g_autoptr(CMS_ContentInfo) cms = parse_der(der);
	ASN1_GENERALIZEDTIME *signing_time = CMS_signed_get0_data_by_OBJ(
		only_signer_info(cms), OBJ_nid2obj(NID_pkcs9_signingTime), -3,
		V_ASN1_GENERALIZEDTIME);
	assert_non_null(signing_time);
	assert_string_equal((const char *)ASN1_STRING_get0_data(signing_time), "20511231235958Z");

	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(der, content, anchors, &error);
	g_assert_no_error(error);
	assert_true(g_date_time_equal(info->signing_time, when));
}

static void
test_every_hash_signs_and_verifies_with_the_signer_described(void **state)
{
	(void)state;
	const JpkiHashAlg algs[] = {JPKI_HASH_SHA256, JPKI_HASH_SHA384, JPKI_HASH_SHA512};
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GDateTime) when = fixed_signing_time();
	for (guint i = 0; i < G_N_ELEMENTS(algs); i++) {
		g_autoptr(GBytes) der = sign_content(algs[i]);
		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiCmsSignerInfo) info =
			jpki_cms_verify_detached(der, content, anchors, &error);
		g_assert_no_error(error);
		assert_non_null(info);
		assert_int_equal(info->alg, algs[i]);
		assert_int_equal(X509_cmp(info->signer, signer), 0);
		assert_non_null(info->signing_time);
		assert_true(g_date_time_equal(info->signing_time, when));

		g_autoptr(GBytes) digest = digest_of(algs[i], content);
		g_autoptr(JpkiCmsSignerInfo) by_digest =
			jpki_cms_verify_detached_digest(der, algs[i], digest, anchors, &error);
		g_assert_no_error(error);
		assert_int_equal(by_digest->alg, algs[i]);
	}
}

static int sign_calls;

static GBytes *
count_and_sign(GBytes *digest_info, gpointer user_data, GError **error)
{
	sign_calls++;
	return test_card_sign_func(digest_info, user_data, error);
}

static void
test_sign_refuses_a_digest_of_the_wrong_length_without_calling_the_card(void **state)
{
	(void)state;
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("sign.key");
	g_autoptr(GDateTime) when = fixed_signing_time();
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GBytes) sha256 = digest_of(JPKI_HASH_SHA256, content);
	sign_calls = 0;
	const JpkiHashAlg other_algs[] = {JPKI_HASH_SHA384, JPKI_HASH_SHA512};
	for (guint i = 0; i < G_N_ELEMENTS(other_algs); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) der =
			jpki_cms_sign_detached(signer, other_algs[i], sha256, when, test_origin,
					       count_and_sign, key, &error);
		assert_null(der);
		assert_error_code(error, JPKI_ERROR_INVALID_INPUT);
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
	g_autoptr(GBytes) der = jpki_cms_sign_detached(signer, JPKI_HASH_SHA256, empty, when,
						       test_origin, count_and_sign, key, &error);
	assert_null(der);
	assert_error_code(error, JPKI_ERROR_INVALID_INPUT);
	assert_int_equal(sign_calls, 0);
}

static GBytes *
card_with_blocked_pin(GBytes *digest_info, gpointer user_data, GError **error)
{
	(void)digest_info;
	(void)user_data;
	g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED, "test: the PIN is blocked");
	return NULL;
}

static void
test_sign_passes_the_card_error_through_unchanged(void **state)
{
	(void)state;
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(GDateTime) when = fixed_signing_time();
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GBytes) digest = digest_of(JPKI_HASH_SHA256, content);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) der =
		jpki_cms_sign_detached(signer, JPKI_HASH_SHA256, digest, when, test_origin,
				       card_with_blocked_pin, NULL, &error);
	assert_null(der);
	assert_error_code(error, JPKI_ERROR_PIN_BLOCKED);
	assert_string_equal(error->message, "test: the PIN is blocked");
}

static void
test_sign_refuses_a_signature_from_a_key_that_is_not_the_certificates(void **state)
{
	(void)state;
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(EVP_PKEY) auth_key = test_pki_load_key("auth.key");
	g_autoptr(GDateTime) when = fixed_signing_time();
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GBytes) digest = digest_of(JPKI_HASH_SHA256, content);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) der =
		jpki_cms_sign_detached(signer, JPKI_HASH_SHA256, digest, when, test_origin,
				       test_card_sign_func, auth_key, &error);
	assert_null(der);
	assert_error_code(error, JPKI_ERROR_SIGNATURE_INVALID);
}

/* A self-signed P-256 certificate: a key the card never has. */
static X509 *
make_ec_certificate(void)
{
	g_autoptr(EVP_PKEY) key = EVP_EC_gen("P-256");
	assert_non_null(key);
	X509 *cert = X509_new();
	assert_int_equal(X509_set_version(cert, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(cert), 1), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(cert), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(cert), 3600));
	X509_NAME *name = X509_get_subject_name(cert);
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
						    (const unsigned char *)"TEST EC", -1, -1, 0),
			 1);
	assert_int_equal(X509_set_issuer_name(cert, name), 1);
	assert_int_equal(X509_set_pubkey(cert, key), 1);
	assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
	return cert;
}

static void
test_sign_refuses_a_certificate_without_an_rsa_key(void **state)
{
	(void)state;
	g_autoptr(X509) signer = make_ec_certificate();
	g_autoptr(GDateTime) when = fixed_signing_time();
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GBytes) digest = digest_of(JPKI_HASH_SHA256, content);
	g_autoptr(GError) error = NULL;
	sign_calls = 0;
	g_autoptr(GBytes) der = jpki_cms_sign_detached(signer, JPKI_HASH_SHA256, digest, when,
						       test_origin, count_and_sign, NULL, &error);
	assert_null(der);
	assert_error_code(error, JPKI_ERROR_INVALID_INPUT);
	assert_int_equal(sign_calls, 0);
}

/* ---- the origin attribute ---- */

static void
test_verify_reports_the_signed_origin_and_refuses_another_site(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(der, content, anchors, &error);
	g_assert_no_error(error);
	assert_string_equal(info->origin, test_origin);
	assert_true(jpki_cms_signer_info_check_origin(info, test_origin, &error));
	g_assert_no_error(error);

	/* Another host, another port, another scheme: each another site. */
	const char *others[] = {"https://other.example", "https://portal.example",
				"http://portal.example:8443", "https://portal.example:8443/"};
	for (guint i = 0; i < G_N_ELEMENTS(others); i++) {
		assert_false(jpki_cms_signer_info_check_origin(info, others[i], &error));
		assert_error_code(error, JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH);
		g_clear_error(&error);
	}
}

static void
test_a_signature_without_origin_verifies_but_is_for_no_site(void **state)
{
	(void)state;
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("sign.key");
	g_autoptr(GDateTime) when = fixed_signing_time();
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) der = test_make_cms(signer, key, JPKI_HASH_SHA256, content, when, NULL);
	g_autoptr(CMS_ContentInfo) cms = parse_der(der);
	assert_int_equal(CMS_signed_get_attr_count(only_signer_info(cms)), 4);

	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(der, content, anchors, &error);
	g_assert_no_error(error);
	assert_null(info->origin);
	assert_false(jpki_cms_signer_info_check_origin(info, test_origin, &error));
	assert_error_code(error, JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH);
}

static void
test_sign_refuses_an_origin_that_is_not_printable_ascii_without_calling_the_card(void **state)
{
	(void)state;
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(GDateTime) when = fixed_signing_time();
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GBytes) digest = digest_of(JPKI_HASH_SHA256, content);
	g_autofree char *too_long = g_strnfill(JPKI_CMS_ORIGIN_MAX_LEN + 1, 'a');
	const char *origins[] = {"", "https://a b.example", "https://例え.jp", "https://a\n",
				 too_long};
	sign_calls = 0;
	for (guint i = 0; i < G_N_ELEMENTS(origins); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) der =
			jpki_cms_sign_detached(signer, JPKI_HASH_SHA256, digest, when, origins[i],
					       count_and_sign, NULL, &error);
		assert_null(der);
		assert_error_code(error, JPKI_ERROR_INVALID_INPUT);
	}
	assert_int_equal(sign_calls, 0);
}

/* Finishes a CMS made with CMS_PARTIAL over `content` and returns its DER. */
static GBytes *
finish_cms(CMS_ContentInfo *cms, GBytes *content, unsigned int flags)
{
	g_autoptr(BIO) data =
		BIO_new_mem_buf(g_bytes_get_data(content, NULL), (int)g_bytes_get_size(content));
	assert_int_equal(CMS_final(cms, data, NULL, flags), 1);
	unsigned char *der = NULL;
	int len = i2d_CMS_ContentInfo(cms, &der);
	assert_true(len > 0);
	GBytes *out = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return out;
}

/* A signature made with OpenSSL's own signer, with an origin attribute of `type` and `value`,
 * `copies` times: what a forger could send. */
static GBytes *
sign_with_origin_attribute(int type, const char *value, guint copies)
{
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("sign.key");
	const int flags = CMS_PARTIAL | CMS_BINARY | CMS_DETACHED;
	g_autoptr(CMS_ContentInfo) cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	assert_non_null(cms);
	CMS_SignerInfo *si = CMS_add1_signer(cms, signer, key, EVP_sha256(), flags);
	assert_non_null(si);
	g_autoptr(ASN1_OBJECT) oid = OBJ_txt2obj(JPKI_CMS_ORIGIN_OID, 1);
	for (guint i = 0; i < copies; i++) {
		assert_true(CMS_signed_add1_attr_by_OBJ(si, oid, type, value, (int)strlen(value)) >
			    0);
	}
	g_autoptr(GBytes) content = content_bytes();
	return finish_cms(cms, content, flags);
}

static void
test_verify_refuses_a_malformed_or_repeated_origin_attribute(void **state)
{
	(void)state;
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GBytes) good = sign_with_origin_attribute(V_ASN1_UTF8STRING, test_origin, 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info =
		jpki_cms_verify_detached(good, content, anchors, &error);
	g_assert_no_error(error);
	assert_string_equal(info->origin, test_origin);

	GBytes *bad[] = {
		sign_with_origin_attribute(V_ASN1_IA5STRING, test_origin, 1),
		sign_with_origin_attribute(V_ASN1_UTF8STRING, test_origin, 2),
		sign_with_origin_attribute(V_ASN1_UTF8STRING, "https://例え.jp", 1),
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(JpkiCmsSignerInfo) refused =
			jpki_cms_verify_detached(bad[i], content, anchors, &error);
		assert_null(refused);
		assert_error_code(error, JPKI_ERROR_INVALID_INPUT);
		g_clear_error(&error);
		g_bytes_unref(bad[i]);
	}
}

/* ---- verification failures ---- */

static void
test_verify_refuses_content_changed_by_one_byte(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GByteArray) changed = g_byte_array_new();
	g_byte_array_append(changed, (const guint8 *)content_text, strlen(content_text));
	changed->data[changed->len / 2] ^= 0x01;
	g_autoptr(GBytes) changed_bytes = g_bytes_new(changed->data, changed->len);

	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info =
		jpki_cms_verify_detached(der, changed_bytes, anchors, &error);
	assert_null(info);
	assert_error_code(error, JPKI_ERROR_SIGNATURE_INVALID);

	g_clear_error(&error);
	g_autoptr(GBytes) digest = digest_of(JPKI_HASH_SHA256, changed_bytes);
	g_autoptr(JpkiCmsSignerInfo) by_digest =
		jpki_cms_verify_detached_digest(der, JPKI_HASH_SHA256, digest, anchors, &error);
	assert_null(by_digest);
	assert_error_code(error, JPKI_ERROR_SIGNATURE_INVALID);
}

static void
test_verify_refuses_a_changed_signature_byte(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GBytes) content = content_bytes();
	/* The signature value is the last thing in the DER. */
	g_autoptr(GByteArray) changed = g_bytes_unref_to_array(g_bytes_ref(der));
	changed->data[changed->len - 10] ^= 0x80;
	g_autoptr(GBytes) changed_der = g_bytes_new(changed->data, changed->len);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info =
		jpki_cms_verify_detached(changed_der, content, anchors, &error);
	assert_null(info);
	assert_error_code(error, JPKI_ERROR_SIGNATURE_INVALID);
	assert_int_equal(ERR_peek_error(), 0);
}

static void
test_verify_by_digest_refuses_another_algorithm_or_length(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GBytes) sha512 = digest_of(JPKI_HASH_SHA512, content);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info =
		jpki_cms_verify_detached_digest(der, JPKI_HASH_SHA512, sha512, anchors, &error);
	assert_null(info);
	assert_error_code(error, JPKI_ERROR_INVALID_INPUT);

	g_clear_error(&error);
	g_autoptr(JpkiCmsSignerInfo) wrong_length =
		jpki_cms_verify_detached_digest(der, JPKI_HASH_SHA256, sha512, anchors, &error);
	assert_null(wrong_length);
	assert_error_code(error, JPKI_ERROR_INVALID_INPUT);
}

static void
test_verify_refuses_a_signer_outside_the_anchors(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);
	g_autoptr(X509_STORE) auth_only = store_of("auth-ca.pem");
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info =
		jpki_cms_verify_detached(der, content, auth_only, &error);
	assert_null(info);
	assert_error_code(error, JPKI_ERROR_CERTIFICATE_UNTRUSTED);
}

static void
test_verify_reports_an_expired_signer_certificate(void **state)
{
	(void)state;
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GDateTime) when = fixed_signing_time();
	g_autoptr(GBytes) der =
		sign_with("sign-expired.pem", "sign.key", JPKI_HASH_SHA256, content, when);
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(der, content, anchors, &error);
	assert_null(info);
	assert_error_code(error, JPKI_ERROR_CERTIFICATE_EXPIRED);
}

/* A CRL from the signing CA, listing `revoked` unless it is NULL. */
static X509_CRL *
make_crl(X509 *revoked)
{
	g_autoptr(X509) ca = test_pki_load_x509("sign-ca.pem");
	g_autoptr(EVP_PKEY) ca_key = test_pki_load_key("sign-ca.key");
	X509_CRL *crl = X509_CRL_new();
	assert_int_equal(X509_CRL_set_version(crl, 1), 1);
	assert_int_equal(X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)), 1);
	g_autoptr(ASN1_TIME) last = X509_time_adj_ex(NULL, -1, 0, NULL);
	g_autoptr(ASN1_TIME) next = X509_time_adj_ex(NULL, 30, 0, NULL);
	assert_int_equal(X509_CRL_set1_lastUpdate(crl, last), 1);
	assert_int_equal(X509_CRL_set1_nextUpdate(crl, next), 1);
	if (revoked != NULL) {
		X509_REVOKED *entry = X509_REVOKED_new();
		assert_int_equal(
			X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(revoked)), 1);
		assert_int_equal(X509_REVOKED_set_revocationDate(entry, last), 1);
		assert_int_equal(X509_CRL_add0_revoked(crl, entry), 1);
	}
	assert_int_equal(X509_CRL_sort(crl), 1);
	assert_true(X509_CRL_sign(crl, ca_key, EVP_sha256()) > 0);
	return crl;
}

static void
test_verify_reports_a_revoked_signer_certificate_from_the_anchors_crl(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");

	g_autoptr(X509_STORE) clean = store_of("sign-ca.pem");
	g_autoptr(X509_CRL) empty_crl = make_crl(NULL);
	assert_int_equal(X509_STORE_add_crl(clean, empty_crl), 1);
	assert_int_equal(X509_STORE_set_flags(clean, X509_V_FLAG_CRL_CHECK), 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(der, content, clean, &error);
	g_assert_no_error(error);

	g_autoptr(X509_STORE) listing = store_of("sign-ca.pem");
	g_autoptr(X509_CRL) crl = make_crl(signer);
	assert_int_equal(X509_STORE_add_crl(listing, crl), 1);
	assert_int_equal(X509_STORE_set_flags(listing, X509_V_FLAG_CRL_CHECK), 1);
	g_autoptr(JpkiCmsSignerInfo) revoked =
		jpki_cms_verify_detached(der, content, listing, &error);
	assert_null(revoked);
	assert_error_code(error, JPKI_ERROR_CERTIFICATE_REVOKED);

	/* CRL checking without a CRL for the signer's issuer cannot vouch for it. */
	g_clear_error(&error);
	g_autoptr(X509_STORE) no_crl = store_of("sign-ca.pem");
	assert_int_equal(X509_STORE_set_flags(no_crl, X509_V_FLAG_CRL_CHECK), 1);
	g_autoptr(JpkiCmsSignerInfo) unknown =
		jpki_cms_verify_detached(der, content, no_crl, &error);
	assert_null(unknown);
	assert_error_code(error, JPKI_ERROR_CERTIFICATE_UNTRUSTED);
}

static void
test_verify_refuses_an_authentication_certificate_as_signer(void **state)
{
	(void)state;
	/* Its extendedKeyUsage is clientAuth only: not for S/MIME signing. */
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GDateTime) when = fixed_signing_time();
	g_autoptr(GBytes) der =
		sign_with("auth-valid.pem", "auth.key", JPKI_HASH_SHA256, content, when);
	g_autoptr(X509_STORE) anchors = store_of("auth-ca.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(der, content, anchors, &error);
	assert_null(info);
	assert_error_code(error, JPKI_ERROR_CERTIFICATE_UNTRUSTED);
}

/* Signed by OpenSSL with sign.key, but with a signingCertificateV2 naming `named`. */
static GBytes *
sign_naming_another_certificate(GBytes *content, X509 *named)
{
	g_autoptr(X509) signer = test_pki_load_x509("sign-valid.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("sign.key");
	const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP;
	g_autoptr(CMS_ContentInfo) cms = CMS_sign(signer, key, NULL, NULL, flags | CMS_PARTIAL);
	assert_non_null(cms);
	g_autoptr(ESS_SIGNING_CERT_V2) ess =
		OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), named, NULL, 1);
	unsigned char *ess_der = NULL;
	int ess_len = i2d_ESS_SIGNING_CERT_V2(ess, &ess_der);
	assert_true(ess_len > 0);
	assert_int_equal(CMS_signed_add1_attr_by_NID(only_signer_info(cms),
						     NID_id_smime_aa_signingCertificateV2,
						     V_ASN1_SEQUENCE, ess_der, ess_len),
			 1);
	OPENSSL_free(ess_der);
	return finish_cms(cms, content, flags);
}

static void
test_verify_refuses_a_signing_certificate_attribute_for_another_certificate(void **state)
{
	(void)state;
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GError) error = NULL;

	/* The same construction naming the right certificate verifies... */
	g_autoptr(X509) own = test_pki_load_x509("sign-valid.pem");
	g_autoptr(GBytes) right = sign_naming_another_certificate(content, own);
	g_autoptr(JpkiCmsSignerInfo) info =
		jpki_cms_verify_detached(right, content, anchors, &error);
	g_assert_no_error(error);

	/* ...and naming the renewal certificate of the same key does not. */
	g_autoptr(X509) renewal = test_pki_load_x509("sign-renewal.pem");
	g_autoptr(GBytes) wrong = sign_naming_another_certificate(content, renewal);
	g_autoptr(JpkiCmsSignerInfo) refused =
		jpki_cms_verify_detached(wrong, content, anchors, &error);
	assert_null(refused);
	assert_error_code(error, JPKI_ERROR_SIGNATURE_INVALID);
}

static void
test_verify_refuses_what_is_not_a_detached_signed_data(void **state)
{
	(void)state;
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GBytes) content = content_bytes();
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);

	g_autofree char *cert_path = test_pki_path("sign-valid.pem");
	g_autofree char *cert_pem = NULL;
	gsize cert_pem_len = 0;
	assert_true(g_file_get_contents(cert_path, &cert_pem, &cert_pem_len, NULL));
	g_autoptr(X509) cert = test_pki_load_x509("sign-valid.pem");
	unsigned char *cert_der = NULL;
	int cert_der_len = i2d_X509(cert, &cert_der);
	g_autoptr(GByteArray) trailing = g_bytes_unref_to_array(g_bytes_ref(der));
	g_byte_array_append(trailing, (const guint8 *)"\0", 1);

	/* A SignedData that carries its content (no CMS_DETACHED). */
	g_autoptr(EVP_PKEY) key = test_pki_load_key("sign.key");
	g_autoptr(BIO) data = BIO_new_mem_buf(content_text, (int)strlen(content_text));
	g_autoptr(CMS_ContentInfo) attached = CMS_sign(cert, key, NULL, data, CMS_BINARY);
	unsigned char *attached_der = NULL;
	int attached_len = i2d_CMS_ContentInfo(attached, &attached_der);

	static const char not_cms[] = "not a signature at all";
	static const char bad_pem[] = "-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n";
	GBytes *inputs[] = {
		g_bytes_new_static("", 0),
		g_bytes_new_static(not_cms, strlen(not_cms)),
		g_bytes_new(cert_pem, cert_pem_len),
		g_bytes_new(cert_der, (gsize)cert_der_len),
		g_bytes_new(trailing->data, trailing->len),
		g_bytes_new(attached_der, (gsize)attached_len),
		g_bytes_new_static(bad_pem, strlen(bad_pem)),
	};
	OPENSSL_free(cert_der);
	OPENSSL_free(attached_der);
	for (guint i = 0; i < G_N_ELEMENTS(inputs); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiCmsSignerInfo) info =
			jpki_cms_verify_detached(inputs[i], content, anchors, &error);
		assert_null(info);
		assert_error_code(error, JPKI_ERROR_INVALID_INPUT);
		assert_int_equal(ERR_peek_error(), 0);
		g_bytes_unref(inputs[i]);
	}
}

static char *
to_pem(GBytes *der, const char *label)
{
	g_autofree char *base64 =
		g_base64_encode(g_bytes_get_data(der, NULL), g_bytes_get_size(der));
	GString *pem = g_string_new(NULL);
	g_string_append_printf(pem, "-----BEGIN %s-----\n", label);
	for (gsize i = 0; i < strlen(base64); i += 64)
		g_string_append_printf(pem, "%.64s\n", base64 + i);
	g_string_append_printf(pem, "-----END %s-----\n", label);
	return g_string_free(pem, FALSE);
}

static void
test_verify_reads_pem_labelled_cms_or_pkcs7(void **state)
{
	(void)state;
	g_autoptr(GBytes) der = sign_content(JPKI_HASH_SHA256);
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");
	g_autoptr(GBytes) content = content_bytes();
	const char *labels[] = {"CMS", "PKCS7"};
	for (guint i = 0; i < G_N_ELEMENTS(labels); i++) {
		char *pem = to_pem(der, labels[i]);
		g_autoptr(GBytes) pem_bytes = g_bytes_new_take(pem, strlen(pem));
		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiCmsSignerInfo) info =
			jpki_cms_verify_detached(pem_bytes, content, anchors, &error);
		g_assert_no_error(error);
		assert_non_null(info);
	}
}

#ifdef G_OS_UNIX /* the openssl program: not under Wine */
/* ---- interoperability with the openssl CLI ---- */

typedef struct {
	char *dir;
} Scratch;

static Scratch *
scratch_new(void)
{
	Scratch *scratch = g_new0(Scratch, 1);
	scratch->dir = g_dir_make_tmp("jpki-test-cms-XXXXXX", NULL);
	assert_non_null(scratch->dir);
	return scratch;
}

static char *
scratch_write(Scratch *scratch, const char *name, GBytes *data)
{
	char *path = g_build_filename(scratch->dir, name, NULL);
	assert_true(g_file_set_contents(path, g_bytes_get_data(data, NULL),
					(gssize)g_bytes_get_size(data), NULL));
	return path;
}

static void
scratch_free(Scratch *scratch)
{
	g_autoptr(GDir) dir = g_dir_open(scratch->dir, 0, NULL);
	for (const char *name; dir != NULL && (name = g_dir_read_name(dir)) != NULL;) {
		g_autofree char *path = g_build_filename(scratch->dir, name, NULL);
		g_unlink(path);
	}
	g_rmdir(scratch->dir);
	g_free(scratch->dir);
	g_free(scratch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Scratch, scratch_free)

/* Runs `openssl` with the arguments up to NULL and checks whether it exits 0; its stderr is
 * shown when that is not what the test expects. */
static void
run_openssl(gboolean expect_success, const char *first, ...)
{
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	g_strv_builder_add(builder, "openssl");
	va_list args;
	va_start(args, first);
	for (const char *arg = first; arg != NULL; arg = va_arg(args, const char *))
		g_strv_builder_add(builder, arg);
	va_end(args);
	g_auto(GStrv) argv = g_strv_builder_end(builder);

	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = 0;
	g_autoptr(GError) error = NULL;
	assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
				 &status, &error));
	gboolean success = g_spawn_check_wait_status(status, NULL);
	if (success != expect_success)
		fail_msg("openssl %s %s: %s", first, success ? "succeeded" : "failed", err);
}

static void
skip_without_openssl_cli(void)
{
	g_autofree char *openssl = g_find_program_in_path("openssl");
	if (openssl == NULL)
		test_skip_because("no openssl CLI in PATH");
}

static void
test_openssl_cli_verifies_our_signatures(void **state)
{
	(void)state;
	skip_without_openssl_cli();
	g_autoptr(Scratch) scratch = scratch_new();
	g_autoptr(GBytes) content = content_bytes();
	g_autofree char *content_path = scratch_write(scratch, "content.txt", content);
	g_autofree char *ca = test_pki_path("sign-ca.pem");
	const JpkiHashAlg algs[] = {JPKI_HASH_SHA256, JPKI_HASH_SHA384, JPKI_HASH_SHA512};
	for (guint i = 0; i < G_N_ELEMENTS(algs); i++) {
		g_autoptr(GBytes) der = sign_content(algs[i]);
		g_autofree char *sig_path = scratch_write(scratch, "sig.p7s", der);
		run_openssl(TRUE, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig_path,
			    "-content", content_path, "-CAfile", ca, "-purpose", "any", "-out",
			    "/dev/null", NULL);

		/* The CLI too must see a changed content. */
		g_autoptr(GBytes) other = g_bytes_new_static("other", 5);
		g_autofree char *other_path = scratch_write(scratch, "other.txt", other);
		run_openssl(FALSE, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig_path,
			    "-content", other_path, "-CAfile", ca, "-purpose", "any", "-out",
			    "/dev/null", NULL);
	}
}

static void
test_signatures_made_by_the_openssl_cli_verify(void **state)
{
	(void)state;
	skip_without_openssl_cli();
	g_autoptr(Scratch) scratch = scratch_new();
	g_autoptr(GBytes) content = content_bytes();
	g_autofree char *content_path = scratch_write(scratch, "content.txt", content);
	g_autofree char *sig_path = g_build_filename(scratch->dir, "sig.p7s", NULL);
	g_autofree char *cert = test_pki_path("sign-valid.pem");
	g_autofree char *key = test_pki_path("sign.key");
	g_autoptr(X509_STORE) anchors = store_of("sign-ca.pem");

	/* The CLI's default (no ESS attribute), and -cades (signingCertificateV2 hashed with
	 * the signing digest, here SHA-384, so with an explicit hashAlgorithm). */
	const struct {
		const char *md;
		const char *cades;
		JpkiHashAlg alg;
	} runs[] = {
		{"sha256", NULL, JPKI_HASH_SHA256},
		{"sha384", "-cades", JPKI_HASH_SHA384},
		{"sha512", "-cades", JPKI_HASH_SHA512},
	};
	for (guint i = 0; i < G_N_ELEMENTS(runs); i++) {
		/* runs[i].cades ends the list early when NULL. */
		run_openssl(TRUE, "cms", "-sign", "-binary", "-md", runs[i].md, "-signer", cert,
			    "-inkey", key, "-in", content_path, "-outform", "DER", "-out", sig_path,
			    runs[i].cades, NULL);
		g_autofree char *sig = NULL;
		gsize sig_len = 0;
		assert_true(g_file_get_contents(sig_path, &sig, &sig_len, NULL));
		g_autoptr(GBytes) der = g_bytes_new(sig, sig_len);

		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiCmsSignerInfo) info =
			jpki_cms_verify_detached(der, content, anchors, &error);
		g_assert_no_error(error);
		assert_non_null(info);
		assert_int_equal(info->alg, runs[i].alg);
		assert_non_null(info->signing_time);
		assert_null(info->origin);

		g_autoptr(CMS_ContentInfo) cms = parse_der(der);
		int ess = CMS_signed_get_attr_by_NID(only_signer_info(cms),
						     NID_id_smime_aa_signingCertificateV2, -1);
		assert_true(runs[i].cades != NULL ? ess >= 0 : ess < 0);

		g_autoptr(GBytes) other = g_bytes_new_static("other", 5);
		g_autoptr(JpkiCmsSignerInfo) refused =
			jpki_cms_verify_detached(der, other, anchors, &error);
		assert_null(refused);
		assert_error_code(error, JPKI_ERROR_SIGNATURE_INVALID);
	}
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_data_is_version_1_detached_with_issuer_and_serial),
		cmocka_unit_test(test_signed_attributes_are_the_four_cades_ones_and_the_origin),
		cmocka_unit_test(test_signing_time_after_2049_is_written_as_generalized_time),
		cmocka_unit_test(test_every_hash_signs_and_verifies_with_the_signer_described),
		cmocka_unit_test(
			test_sign_refuses_a_digest_of_the_wrong_length_without_calling_the_card),
		cmocka_unit_test(test_sign_passes_the_card_error_through_unchanged),
		cmocka_unit_test(
			test_sign_refuses_a_signature_from_a_key_that_is_not_the_certificates),
		cmocka_unit_test(test_sign_refuses_a_certificate_without_an_rsa_key),
		cmocka_unit_test(test_verify_reports_the_signed_origin_and_refuses_another_site),
		cmocka_unit_test(test_a_signature_without_origin_verifies_but_is_for_no_site),
		cmocka_unit_test(
			test_sign_refuses_an_origin_that_is_not_printable_ascii_without_calling_the_card),
		cmocka_unit_test(test_verify_refuses_a_malformed_or_repeated_origin_attribute),
		cmocka_unit_test(test_verify_refuses_content_changed_by_one_byte),
		cmocka_unit_test(test_verify_refuses_a_changed_signature_byte),
		cmocka_unit_test(test_verify_by_digest_refuses_another_algorithm_or_length),
		cmocka_unit_test(test_verify_refuses_a_signer_outside_the_anchors),
		cmocka_unit_test(test_verify_reports_an_expired_signer_certificate),
		cmocka_unit_test(
			test_verify_reports_a_revoked_signer_certificate_from_the_anchors_crl),
		cmocka_unit_test(test_verify_refuses_an_authentication_certificate_as_signer),
		cmocka_unit_test(
			test_verify_refuses_a_signing_certificate_attribute_for_another_certificate),
		cmocka_unit_test(test_verify_refuses_what_is_not_a_detached_signed_data),
		cmocka_unit_test(test_verify_reads_pem_labelled_cms_or_pkcs7),
#ifdef G_OS_UNIX /* runs the openssl program, which the Windows build under Wine cannot */
		cmocka_unit_test(test_openssl_cli_verifies_our_signatures),
		cmocka_unit_test(test_signatures_made_by_the_openssl_cli_verify),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
