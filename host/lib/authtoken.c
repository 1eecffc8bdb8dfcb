/* The Web eID login token: the digest the card signs, the token the host sends, and the relying
 * party's verification of it. */
#include "authtoken.h"

#include "base64.h"
#include "digestinfo.h"
#include "jansson_autoptr.h"
#include "jpki_error.h"
#include "json_shape.h"
#include "openssl_autoptr.h"

#include <openssl/err.h>
#include <string.h>

#define SHA256_LEN 32
/* The JPKI personal-data arc: the holder's name, sex, birth date and address (cert.c). */
#define HOLDER_ATTRIBUTE_ARC "1.2.392.200149.8.5.5."

/* Fetched once: a login checks three hashes, and a fetch (or GChecksum, which also writes
 * the digest out in hex) costs more than hashing these few bytes. */
static const EVP_MD *
sha256_md(void)
{
	static EVP_MD *md = NULL;
	if (g_once_init_enter(&md)) {
		EVP_MD *fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
		if (fetched == NULL)
			g_error("EVP_MD_fetch(SHA256) failed");
		g_once_init_leave(&md, fetched);
	}
	return md;
}

/* SHA-256 of `data` through `ctx`: one context for a login's three hashes, where each
 * EVP_Digest() would allocate its own. */
static void
sha256(EVP_MD_CTX *ctx, const void *data, gsize len, guint8 digest[SHA256_LEN])
{
	unsigned int digest_len = 0;
	if (EVP_DigestInit_ex2(ctx, sha256_md(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, digest, &digest_len) != 1 || digest_len != SHA256_LEN)
		g_error("SHA-256 failed");
}

GBytes *
jpki_authtoken_digest_info(const char *origin, const char *challenge_nonce)
{
	g_return_val_if_fail(origin != NULL && challenge_nonce != NULL, NULL);
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		g_error("EVP_MD_CTX_new failed");
	/* SHA-256(origin) || SHA-256(challenge_nonce): what RS256 signs. */
	guint8 message[2 * SHA256_LEN];
	sha256(ctx, origin, strlen(origin), message);
	sha256(ctx, challenge_nonce, strlen(challenge_nonce), message + SHA256_LEN);
	guint8 digest[SHA256_LEN];
	sha256(ctx, message, sizeof(message), digest);
	return jpki_digestinfo_build(JPKI_HASH_SHA256, digest, sizeof(digest), NULL);
}

static char *
bytes_to_base64(GBytes *bytes)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(bytes, &len);
	return g_base64_encode(data, len);
}

json_t *
jpki_authtoken_build(GBytes *certificate_der, GBytes *signature, const char *app_version)
{
	g_return_val_if_fail(certificate_der != NULL && signature != NULL && app_version != NULL,
			     NULL);
	g_autofree char *certificate_b64 = bytes_to_base64(certificate_der);
	g_autofree char *signature_b64 = bytes_to_base64(signature);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "unverifiedCertificate", certificate_b64,
			 "algorithm", JPKI_AUTHTOKEN_ALGORITHM, "signature", signature_b64,
			 "format", JPKI_AUTHTOKEN_FORMAT, "appVersion", app_version);
}

static GBytes *
base64_decode_strict(const char *key, JpkiJsonSpan text, GError **error)
{
	GBytes *decoded = jpki_base64_decode_strict(text.text, text.len);
	if (decoded == NULL)
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "token key %s is not canonical standard base64", key);
	return decoded;
}

/* In the order of token_keys. */
enum { FIELD_CERTIFICATE, FIELD_ALGORITHM, FIELD_SIGNATURE, FIELD_FORMAT, FIELD_APP_VERSION };

static const JpkiJsonKey token_keys[] = {
	[FIELD_CERTIFICATE] = {"unverifiedCertificate", JSON_STRING},
	[FIELD_ALGORITHM] = {"algorithm", JSON_STRING},
	[FIELD_SIGNATURE] = {"signature", JSON_STRING},
	[FIELD_FORMAT] = {"format", JSON_STRING},
	[FIELD_APP_VERSION] = {"appVersion", JSON_STRING},
	{NULL, JSON_NULL},
};

/* Borrowed from `token_json` or `*token` (which the caller frees). Exactly the five keys, each
 * a non-empty string. A token as the host writes it (plain ASCII strings) is read without
 * building a JSON tree: that took longer than the RSA verification. */
static gboolean
token_fields(const char *token_json, gsize len, json_t **token, JpkiJsonSpan *fields,
	     GError **error)
{
	if (jpki_json_scan_plain_strings(token_json, len, token_keys, fields))
		return TRUE;
	json_error_t json_error;
	*token = json_loadb(token_json, len, JSON_REJECT_DUPLICATES, &json_error);
	if (*token == NULL) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "the token is not JSON: %s (at byte %d)", json_error.text,
			    json_error.position);
		return FALSE;
	}
	if (!jpki_json_check_object(*token, token_keys, "token", JPKI_ERROR,
				    JPKI_ERROR_INVALID_INPUT, error))
		return FALSE;
	for (guint i = 0; token_keys[i].name != NULL; i++) {
		json_t *value = json_object_get(*token, token_keys[i].name);
		fields[i] = (JpkiJsonSpan){json_string_value(value), json_string_length(value)};
	}
	return TRUE;
}

static gboolean
span_equal(JpkiJsonSpan span, const char *text)
{
	return span.len == strlen(text) && memcmp(span.text, text, span.len) == 0;
}

static gboolean
has_holder_attributes(X509 *x509, GError **error)
{
	int critical = 0;
	g_autoptr(GENERAL_NAMES) names =
		X509_get_ext_d2i(x509, NID_subject_alt_name, &critical, NULL);
	/* critical == -1: no subjectAltName, as on every authentication certificate. */
	if (names == NULL && critical != -1) {
		ERR_clear_error();
		g_set_error_literal(
			error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_WRONG_USAGE,
			"the certificate's subjectAltName is unreadable or appears twice");
		return TRUE;
	}
	for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
		char oid[64];
		if (name->type != GEN_OTHERNAME)
			continue;
		int len = OBJ_obj2txt(oid, sizeof(oid), name->d.otherName->type_id, 1);
		if (len > 0 && (gsize)len < sizeof(oid) &&
		    g_str_has_prefix(oid, HOLDER_ATTRIBUTE_ARC)) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_WRONG_USAGE,
				    "the certificate carries the holder attribute %s: it is a "
				    "signing certificate, not an authentication certificate",
				    oid);
			return TRUE;
		}
	}
	return FALSE;
}

/* The JPKI authentication certificate is an end-entity certificate for client authentication
 * without the holder's attributes. Refusing the signing certificate (which chains to a JPKI
 * root as well) keeps the login from accepting, and the portal from storing, the holder's name
 * and address; refusing CAs keeps a trust anchor and its key from passing as a user. */
gboolean
jpki_authtoken_check_certificate(JpkiCert *cert, GError **error)
{
	g_return_val_if_fail(cert != NULL, FALSE);
	if (jpki_cert_get_rsa_key(cert) == NULL) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "RS256 needs an RSA key, and the certificate holds another");
		return FALSE;
	}
	X509 *x509 = jpki_cert_get_x509(cert);
	if (has_holder_attributes(x509, error))
		return FALSE;
	if (X509_check_ca(x509) != 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_WRONG_USAGE,
				    "the certificate is a CA certificate, not a holder's");
		return FALSE;
	}
	/* Both are UINT32_MAX when the extension is absent, 0 when an extension is invalid. */
	if ((X509_get_key_usage(x509) & KU_DIGITAL_SIGNATURE) == 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_WRONG_USAGE,
				    "the certificate's keyUsage does not allow digitalSignature");
		return FALSE;
	}
	if ((X509_get_extended_key_usage(x509) & XKU_SSL_CLIENT) == 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_WRONG_USAGE,
				    "the certificate's extendedKeyUsage does not allow clientAuth");
		return FALSE;
	}
	ERR_clear_error();
	return TRUE;
}

gboolean
jpki_authtoken_verify_signature(JpkiCert *cert, GBytes *signature, const char *expected_origin,
				const char *expected_nonce, GError **error)
{
	g_return_val_if_fail(cert != NULL && signature != NULL, FALSE);
	EVP_PKEY *key = jpki_cert_get_rsa_key(cert);
	g_return_val_if_fail(key != NULL, FALSE);
	/* RS256 over the 64-byte message is PKCS#1 v1.5 over this DigestInfo: comparing the whole
	 * DigestInfo is what RSA_verify() does, without looking up a digest for every token. */
	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(expected_origin, expected_nonce);
	if (!jpki_digestinfo_verify_signature(key, digest_info, signature, error)) {
		g_prefix_error(error, "the signature does not match the expected origin and "
				      "nonce: ");
		return FALSE;
	}
	return TRUE;
}

void
jpki_authtoken_parts_clear(JpkiAuthtokenParts *parts)
{
	g_clear_pointer(&parts->certificate_base64, g_free);
	parts->certificate_base64_len = 0;
	g_clear_pointer(&parts->signature, g_bytes_unref);
}

gboolean
jpki_authtoken_parse(const char *token_json, gsize len, const char *expected_origin,
		     const char *expected_nonce, JpkiAuthtokenParts *parts, GError **error)
{
	g_return_val_if_fail(token_json != NULL && parts != NULL, FALSE);
	g_return_val_if_fail(expected_origin != NULL && expected_nonce != NULL, FALSE);
	if (*expected_origin == '\0' || *expected_nonce == '\0') {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the expected origin and nonce must not be empty");
		return FALSE;
	}
	if (len > JPKI_AUTHTOKEN_MAX_LEN) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "the token is %" G_GSIZE_FORMAT " bytes, more than %d", len,
			    JPKI_AUTHTOKEN_MAX_LEN);
		return FALSE;
	}

	g_autoptr(json_t) token = NULL;
	JpkiJsonSpan fields[G_N_ELEMENTS(token_keys) - 1];
	if (!token_fields(token_json, len, &token, fields, error))
		return FALSE;
	if (!span_equal(fields[FIELD_FORMAT], JPKI_AUTHTOKEN_FORMAT)) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the token format is not " JPKI_AUTHTOKEN_FORMAT);
		return FALSE;
	}
	if (!span_equal(fields[FIELD_ALGORITHM], JPKI_AUTHTOKEN_ALGORITHM)) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the token algorithm is not " JPKI_AUTHTOKEN_ALGORITHM);
		return FALSE;
	}
	GBytes *signature = base64_decode_strict("signature", fields[FIELD_SIGNATURE], error);
	if (signature == NULL)
		return FALSE;
	parts->certificate_base64 =
		g_strndup(fields[FIELD_CERTIFICATE].text, fields[FIELD_CERTIFICATE].len);
	parts->certificate_base64_len = fields[FIELD_CERTIFICATE].len;
	parts->signature = signature;
	return TRUE;
}

GBytes *
jpki_authtoken_parts_certificate_der(const JpkiAuthtokenParts *parts, GError **error)
{
	g_return_val_if_fail(parts != NULL && parts->certificate_base64 != NULL, NULL);
	JpkiJsonSpan text = {parts->certificate_base64, parts->certificate_base64_len};
	return base64_decode_strict("unverifiedCertificate", text, error);
}

JpkiCert *
jpki_authtoken_verify(const char *token_json, gsize len, const char *expected_origin,
		      const char *expected_nonce, JpkiTrustStore *store, GDateTime *at,
		      GError **error)
{
	g_return_val_if_fail(store != NULL, NULL);
	g_auto(JpkiAuthtokenParts) parts = {0};
	if (!jpki_authtoken_parse(token_json, len, expected_origin, expected_nonce, &parts, error))
		return NULL;
	g_autoptr(GBytes) certificate_der = jpki_authtoken_parts_certificate_der(&parts, error);
	if (certificate_der == NULL)
		return NULL;
	g_autoptr(JpkiCert) cert = jpki_cert_new_from_der(certificate_der, error);
	if (cert == NULL || !jpki_authtoken_check_certificate(cert, error) ||
	    !jpki_cert_verify(cert, store, NULL, at, error) ||
	    !jpki_authtoken_verify_signature(cert, parts.signature, expected_origin, expected_nonce,
					     error))
		return NULL;
	return g_steal_pointer(&cert);
}
