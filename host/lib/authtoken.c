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
#include <openssl/rsa.h>
#include <string.h>

#define SHA256_LEN 32
/* The JPKI personal-data arc: the holder's name, sex, birth date and address (cert.c). */
#define HOLDER_ATTRIBUTE_ARC "1.2.392.200149.8.5.5."

/* SHA-256(origin) || SHA-256(challenge_nonce): what RS256 signs. */
static void
login_message(const char *origin, const char *challenge_nonce, guint8 message[2 * SHA256_LEN])
{
	const char *parts[] = {origin, challenge_nonce};
	for (guint i = 0; i < G_N_ELEMENTS(parts); i++) {
		g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
		gsize len = SHA256_LEN;
		g_checksum_update(checksum, (const guchar *)parts[i], (gssize)strlen(parts[i]));
		g_checksum_get_digest(checksum, message + i * SHA256_LEN, &len);
		g_assert(len == SHA256_LEN);
	}
}

GBytes *
jpki_authtoken_digest_info(const char *origin, const char *challenge_nonce)
{
	g_return_val_if_fail(origin != NULL && challenge_nonce != NULL, NULL);
	guint8 message[2 * SHA256_LEN];
	login_message(origin, challenge_nonce, message);
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[SHA256_LEN];
	gsize len = sizeof(digest);
	g_checksum_update(checksum, message, sizeof(message));
	g_checksum_get_digest(checksum, digest, &len);
	return jpki_digestinfo_build(JPKI_HASH_SHA256, digest, len, NULL);
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
base64_decode_strict(const char *key, const char *text, GError **error)
{
	GBytes *decoded = jpki_base64_decode_strict(text, strlen(text));
	if (decoded == NULL)
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "token key %s is not canonical standard base64", key);
	return decoded;
}

typedef struct {
	const char *certificate_b64;
	const char *algorithm;
	const char *signature_b64;
	const char *format;
	const char *app_version;
} TokenFields;

/* Borrowed from `token`. Exactly the five keys, each a non-empty string. */
static gboolean
token_fields(json_t *token, TokenFields *fields, GError **error)
{
	static const JpkiJsonKey keys[] = {
		{"unverifiedCertificate", JSON_STRING},
		{"algorithm", JSON_STRING},
		{"signature", JSON_STRING},
		{"format", JSON_STRING},
		{"appVersion", JSON_STRING},
		{NULL, JSON_NULL},
	};
	if (!jpki_json_check_object(token, keys, "token", JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    error))
		return FALSE;
	fields->certificate_b64 = json_string_value(json_object_get(token, keys[0].name));
	fields->algorithm = json_string_value(json_object_get(token, keys[1].name));
	fields->signature_b64 = json_string_value(json_object_get(token, keys[2].name));
	fields->format = json_string_value(json_object_get(token, keys[3].name));
	fields->app_version = json_string_value(json_object_get(token, keys[4].name));
	return TRUE;
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
static gboolean
check_authentication_certificate(JpkiCert *cert, GError **error)
{
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

static gboolean
verify_rs256(EVP_PKEY *key, GBytes *signature, const guint8 *message, gsize message_len,
	     GError **error)
{
	gsize signature_len = 0;
	const guint8 *signature_data = g_bytes_get_data(signature, &signature_len);
	if (signature_len != (gsize)EVP_PKEY_get_size(key)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
			    "the signature is %" G_GSIZE_FORMAT " bytes, the key's are %d",
			    signature_len, EVP_PKEY_get_size(key));
		return FALSE;
	}
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *key_ctx = NULL; /* owned by ctx */
	if (ctx == NULL || EVP_DigestVerifyInit(ctx, &key_ctx, EVP_sha256(), NULL, key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(key_ctx, RSA_PKCS1_PADDING) <= 0) {
		ERR_clear_error();
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
				    "cannot start RS256 verification with the certificate's key");
		return FALSE;
	}
	int verified = EVP_DigestVerify(ctx, signature_data, signature_len, message, message_len);
	ERR_clear_error();
	if (verified != 1) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
				    "the signature does not match the expected origin and nonce");
		return FALSE;
	}
	return TRUE;
}

JpkiCert *
jpki_authtoken_verify(const char *token_json, gsize len, const char *expected_origin,
		      const char *expected_nonce, JpkiTrustStore *store, GDateTime *at,
		      GError **error)
{
	g_return_val_if_fail(token_json != NULL && store != NULL, NULL);
	g_return_val_if_fail(expected_origin != NULL && expected_nonce != NULL, NULL);
	if (*expected_origin == '\0' || *expected_nonce == '\0') {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the expected origin and nonce must not be empty");
		return NULL;
	}
	if (len > JPKI_AUTHTOKEN_MAX_LEN) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "the token is %" G_GSIZE_FORMAT " bytes, more than %d", len,
			    JPKI_AUTHTOKEN_MAX_LEN);
		return NULL;
	}

	json_error_t json_error;
	g_autoptr(json_t) token = json_loadb(token_json, len, JSON_REJECT_DUPLICATES, &json_error);
	if (token == NULL) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "the token is not JSON: %s (at byte %d)", json_error.text,
			    json_error.position);
		return NULL;
	}
	TokenFields fields = {0};
	if (!token_fields(token, &fields, error))
		return NULL;
	if (strcmp(fields.format, JPKI_AUTHTOKEN_FORMAT) != 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the token format is not " JPKI_AUTHTOKEN_FORMAT);
		return NULL;
	}
	if (strcmp(fields.algorithm, JPKI_AUTHTOKEN_ALGORITHM) != 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the token algorithm is not " JPKI_AUTHTOKEN_ALGORITHM);
		return NULL;
	}
	g_autoptr(GBytes) certificate_der =
		base64_decode_strict("unverifiedCertificate", fields.certificate_b64, error);
	if (certificate_der == NULL)
		return NULL;
	g_autoptr(GBytes) signature =
		base64_decode_strict("signature", fields.signature_b64, error);
	if (signature == NULL)
		return NULL;
	g_autoptr(JpkiCert) cert = jpki_cert_new_from_der(certificate_der, error);
	if (cert == NULL)
		return NULL;
	EVP_PKEY *key = jpki_cert_get_rsa_key(cert);
	if (key == NULL) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "RS256 needs an RSA key, and the certificate holds another");
		return NULL;
	}

	if (!check_authentication_certificate(cert, error))
		return NULL;
	if (!jpki_cert_verify(cert, store, NULL, at, error))
		return NULL;
	guint8 message[2 * SHA256_LEN];
	login_message(expected_origin, expected_nonce, message);
	if (!verify_rs256(key, signature, message, sizeof(message), error))
		return NULL;
	return g_steal_pointer(&cert);
}
