#include "digestinfo.h"

#include "jpki_error.h"
#include "openssl_autoptr.h"

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <string.h>

/* The DER prefixes (RFC 8017, section 9.2, note 1) before the digest bytes. */
static const guint8 prefix_sha256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				       0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
static const guint8 prefix_sha384[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				       0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
static const guint8 prefix_sha512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				       0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

typedef struct {
	const char *name;
	const guint8 *prefix;
	gsize prefix_len;
	gsize digest_len;
} HashInfo;

static const HashInfo hashes[] = {
	[JPKI_HASH_SHA256] = {"SHA-256", prefix_sha256, sizeof(prefix_sha256), 32},
	[JPKI_HASH_SHA384] = {"SHA-384", prefix_sha384, sizeof(prefix_sha384), 48},
	[JPKI_HASH_SHA512] = {"SHA-512", prefix_sha512, sizeof(prefix_sha512), 64},
};

gboolean
jpki_hash_from_name(const char *name, JpkiHashAlg *alg)
{
	if (name == NULL)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(hashes); i++) {
		g_autofree char *bare = g_strdup(hashes[i].name);
		memmove(bare + 3, bare + 4, strlen(bare + 4) + 1); /* "SHA256" */
		if (g_ascii_strcasecmp(name, hashes[i].name) == 0 ||
		    g_ascii_strcasecmp(name, bare) == 0) {
			*alg = (JpkiHashAlg)i;
			return TRUE;
		}
	}
	return FALSE;
}

const char *
jpki_hash_name(JpkiHashAlg alg)
{
	return hashes[alg].name;
}

const EVP_MD *
jpki_hash_md(JpkiHashAlg alg)
{
	switch (alg) {
	case JPKI_HASH_SHA384:
		return EVP_sha384();
	case JPKI_HASH_SHA512:
		return EVP_sha512();
	default:
		return EVP_sha256();
	}
}

gsize
jpki_hash_length(JpkiHashAlg alg)
{
	return hashes[alg].digest_len;
}

GBytes *
jpki_digestinfo_build(JpkiHashAlg alg, const guint8 *digest, gsize len, GError **error)
{
	const HashInfo *info = &hashes[alg];
	if (len != info->digest_len) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "a %s digest is %" G_GSIZE_FORMAT " bytes, not %" G_GSIZE_FORMAT,
			    info->name, info->digest_len, len);
		return NULL;
	}
	GByteArray *out = g_byte_array_sized_new((guint)(info->prefix_len + len));
	g_byte_array_append(out, info->prefix, (guint)info->prefix_len);
	g_byte_array_append(out, digest, (guint)len);
	return g_byte_array_free_to_bytes(out);
}

gboolean
jpki_digestinfo_verify_signature(EVP_PKEY *key, GBytes *digest_info, GBytes *signature,
				 GError **error)
{
	gsize info_len = 0;
	const guint8 *info = g_bytes_get_data(digest_info, &info_len);
	gsize sig_len = 0;
	const guint8 *sig = g_bytes_get_data(signature, &sig_len);
	if (sig_len != (gsize)EVP_PKEY_get_size(key)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
			    "the signature is %" G_GSIZE_FORMAT " bytes, the key's are %d", sig_len,
			    EVP_PKEY_get_size(key));
		return FALSE;
	}
	g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new(key, NULL);
	if (ctx == NULL || EVP_PKEY_verify_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_verify(ctx, sig, sig_len, info, info_len) != 1) {
		ERR_clear_error();
		g_set_error_literal(
			error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
			"the signature does not verify with the signer certificate's key");
		return FALSE;
	}
	return TRUE;
}
