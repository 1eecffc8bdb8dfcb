/* The relying party's costs (docs/performance.md, "Relying party"), printed, not asserted:
 *   1. a CRL of N entries (default 10^6) from the test authentication CA: generated, then
 *      loaded through libjpki-verify (jpki_verifier_add_crl_file, which also sorts the entries)
 *      and through OpenSSL alone (d2i_X509_CRL), and looked up with OpenSSL's
 *      X509_CRL_get0_by_serial and through libjpki's index (crl_index.h, what revocation
 *      checks use), in turns over the same serials;
 *   2. login-token verifications per second on one core, without and with that CRL, against
 *      raw OpenSSL RSA-2048 PKCS#1 v1.5 verifications in the same run, in turns;
 *   3. detached CAdES verifications per second with a CRL of N entries from the test signing
 *      CA: through libjpki-verify, and through OpenSSL's own CRL check.
 *
 *   bench-verify TEST_PKI_DIR [N] */
#include "authtoken.h"
#include "cert.h"
#include "cms.h"
#include "crl_index.h"
#include "jpki-verify.h"
#include "openssl_autoptr.h"

#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN        "https://portal.example.jp"
#define NONCE         "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI="
#define LOOKUPS       200000
#define TURNS         20
#define RUN_SECONDS   2.0
#define SLICE_SECONDS 0.05
#define SERIAL_BYTES  16

static double
now_seconds(void)
{
	return (double)g_get_monotonic_time() / G_USEC_PER_SEC;
}

static EVP_PKEY *
load_key(const char *pki, const char *file)
{
	g_autofree char *path = g_build_filename(pki, file, NULL);
	FILE *in = fopen(path, "r");
	if (in == NULL)
		g_error("cannot open %s", path);
	EVP_PKEY *key = PEM_read_PrivateKey(in, NULL, NULL, NULL);
	fclose(in);
	if (key == NULL)
		g_error("cannot read %s", path);
	return key;
}

static X509 *
load_x509(const char *pki, const char *file)
{
	g_autofree char *path = g_build_filename(pki, file, NULL);
	FILE *in = fopen(path, "r");
	if (in == NULL)
		g_error("cannot open %s", path);
	X509 *x509 = PEM_read_X509(in, NULL, NULL, NULL);
	fclose(in);
	if (x509 == NULL)
		g_error("cannot read %s", path);
	return x509;
}

static ASN1_INTEGER *
random_serial(void)
{
	guint8 raw[SERIAL_BYTES];
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		g_error("RAND_bytes");
	raw[0] &= 0x7f; /* positive */
	raw[0] |= 0x01; /* no leading zero byte */
	BIGNUM *bn = BN_bin2bn(raw, sizeof(raw), NULL);
	ASN1_INTEGER *serial = BN_to_ASN1_INTEGER(bn, NULL);
	BN_free(bn);
	return serial;
}

/* A CRL of `n` random serials from the CA `ca_name` (its .pem and .key), DER, into `path`; some
 * of the serials kept in `serials` (may be NULL) for lookups. */
static void
write_crl(const char *pki, const char *ca_name, guint n, const char *path, GPtrArray *serials)
{
	g_autofree char *ca_pem = g_strconcat(ca_name, ".pem", NULL);
	g_autofree char *ca_key_file = g_strconcat(ca_name, ".key", NULL);
	g_autoptr(X509) ca = load_x509(pki, ca_pem);
	g_autoptr(EVP_PKEY) ca_key = load_key(pki, ca_key_file);
	g_autoptr(X509_CRL) crl = X509_CRL_new();
	X509_CRL_set_version(crl, X509_CRL_VERSION_2);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
	g_autoptr(ASN1_TIME) last = ASN1_TIME_adj(NULL, time(NULL), -1, 0);
	g_autoptr(ASN1_TIME) next = ASN1_TIME_adj(NULL, time(NULL), 7, 0);
	X509_CRL_set1_lastUpdate(crl, last);
	X509_CRL_set1_nextUpdate(crl, next);
	for (guint i = 0; i < n; i++) {
		X509_REVOKED *revoked = X509_REVOKED_new();
		ASN1_INTEGER *serial = random_serial();
		X509_REVOKED_set_serialNumber(revoked, serial);
		X509_REVOKED_set_revocationDate(revoked, last);
		X509_CRL_add0_revoked(crl, revoked);
		if (serials != NULL && i % (n / 1000 + 1) == 0)
			g_ptr_array_add(serials, serial);
		else
			ASN1_INTEGER_free(serial);
	}
	X509_CRL_sort(crl);
	if (X509_CRL_sign(crl, ca_key, EVP_sha256()) <= 0)
		g_error("X509_CRL_sign");
	FILE *out = fopen(path, "wb");
	if (out == NULL || i2d_X509_CRL_fp(out, crl) != 1)
		g_error("cannot write %s", path);
	fclose(out);
}

static void
bench_crl(const char *pki, guint n, const char *crl_path)
{
	g_autoptr(GPtrArray) serials =
		g_ptr_array_new_with_free_func((GDestroyNotify)ASN1_INTEGER_free);
	double start = now_seconds();
	write_crl(pki, "auth-ca", n, crl_path, serials);
	double generated = now_seconds() - start;
	struct stat st;
	g_stat(crl_path, &st);
	printf("CRL: %u entries, %.1f MB DER, generated and signed in %.2f s\n", n,
	       (double)st.st_size / 1e6, generated);

	g_autoptr(JpkiVerifier) verifier = jpki_verifier_new_empty();
	g_autofree char *anchor = g_build_filename(pki, "auth-ca.pem", NULL);
	g_autoptr(GError) error = NULL;
	if (!jpki_verifier_add_anchor_file(verifier, anchor, &error))
		g_error("%s", error->message);
	start = now_seconds();
	if (!jpki_verifier_add_crl_file(verifier, crl_path, &error))
		g_error("%s", error->message);
	printf("  load, libjpki-verify (jpki_verifier_add_crl_file): %.2f s\n",
	       now_seconds() - start);

	start = now_seconds();
	FILE *in = fopen(crl_path, "rb");
	g_autoptr(X509_CRL) crl = in != NULL ? d2i_X509_CRL_fp(in, NULL) : NULL;
	if (in != NULL)
		fclose(in);
	if (crl == NULL)
		g_error("d2i_X509_CRL_fp");
	printf("  load, OpenSSL alone (d2i_X509_CRL_fp): %.2f s\n", now_seconds() - start);

	/* The first lookup sorts the entries (once per CRL, under a lock). */
	X509_REVOKED *found = NULL;
	start = now_seconds();
	X509_CRL_get0_by_serial(crl, &found, g_ptr_array_index(serials, 0));
	printf("  first lookup (sorts): %.3f s\n", now_seconds() - start);
	start = now_seconds();
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	printf("  index built (libjpki, at load): %.3f s, %u serials\n", now_seconds() - start,
	       crl_index_size(index));
	/* Random serials, none listed: the common case, and the index never calls OpenSSL for
	 * them (a hit is confirmed by X509_CRL_get0_by_serial, so it costs what OpenSSL does). */
	g_autoptr(GPtrArray) absent =
		g_ptr_array_new_with_free_func((GDestroyNotify)ASN1_INTEGER_free);
	for (guint i = 0; i < LOOKUPS; i++)
		g_ptr_array_add(absent, random_serial());
	/* In turns of LOOKUPS / TURNS over the same serials, so a load that changes meanwhile
	 * weighs on both alike. */
	guint openssl_hits = 0, index_hits = 0;
	double openssl_time = 0, index_time = 0;
	for (guint turn = 0; turn < TURNS; turn++) {
		guint from = turn * (LOOKUPS / TURNS), to = from + LOOKUPS / TURNS;
		start = now_seconds();
		for (guint i = from; i < to; i++)
			openssl_hits += X509_CRL_get0_by_serial(crl, &found,
								g_ptr_array_index(absent, i)) == 1;
		openssl_time += now_seconds() - start;
		start = now_seconds();
		for (guint i = from; i < to; i++)
			index_hits += crl_index_lists(index, g_ptr_array_index(absent, i));
		index_time += now_seconds() - start;
	}
	printf("  lookup of random serials, OpenSSL X509_CRL_get0_by_serial: %.2f µs; libjpki's "
	       "index: %.2f µs (%.1f× faster; %u lookups each, %u and %u listed)\n",
	       openssl_time * 1e6 / LOOKUPS, index_time * 1e6 / LOOKUPS, openssl_time / index_time,
	       LOOKUPS, openssl_hits, index_hits);
	guint hits = 0;
	start = now_seconds();
	for (guint i = 0; i < LOOKUPS; i++)
		hits += crl_index_lists(index, g_ptr_array_index(serials, i % serials->len));
	printf("  lookup of listed serials, libjpki's index (then OpenSSL for the entry): %.2f µs "
	       "(%u of %u listed)\n",
	       (now_seconds() - start) * 1e6 / LOOKUPS, hits, LOOKUPS);
}

/* What the card does with a DigestInfo: raw RSA with PKCS#1 v1.5 padding; a
 * jpki_cms_sign_detached() signer. */
static GBytes *
sign_with_key(GBytes *digest_info, gpointer key, GError **error)
{
	(void)error;
	g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new(key, NULL);
	guint8 signature[512];
	gsize signature_len = sizeof(signature);
	if (EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_sign(ctx, signature, &signature_len, g_bytes_get_data(digest_info, NULL),
			  g_bytes_get_size(digest_info)) <= 0)
		g_error("EVP_PKEY_sign");
	return g_bytes_new(signature, signature_len);
}

static char *
make_token(const char *pki)
{
	g_autofree char *cert_path = g_build_filename(pki, "auth-valid.pem", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert = jpki_cert_new_from_file(cert_path, &error);
	if (cert == NULL)
		g_error("%s", error->message);
	g_autoptr(EVP_PKEY) key = load_key(pki, "auth.key");
	g_autoptr(GBytes) info = jpki_authtoken_digest_info(ORIGIN, NONCE);
	g_autoptr(GBytes) signature_bytes = sign_with_key(info, key, NULL);
	json_t *token = jpki_authtoken_build(jpki_cert_get_der(cert), signature_bytes, "bench");
	char *text = json_dumps(token, JSON_COMPACT);
	json_decref(token);
	return text;
}

/* One login-token verification by `verifier`. */
static void
verify_token(JpkiVerifier *verifier, const char *token, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiVerifiedSigner) signer =
		jpki_verifier_check_login_token(verifier, token, len, ORIGIN, NONCE, &error);
	if (signer == NULL)
		g_error("the benchmark's token is refused: %s", error->message);
}

typedef struct {
	EVP_PKEY *public_key;
	guint8 digest[32];
	guint8 signature[512];
	gsize signature_len;
} RawRsa;

static void
raw_rsa_init(RawRsa *raw, const char *pki, X509 *cert)
{
	g_autoptr(EVP_PKEY) key = load_key(pki, "auth.key");
	memset(raw->digest, 1, sizeof(raw->digest));
	raw->signature_len = sizeof(raw->signature);
	g_autoptr(EVP_PKEY_CTX) sign = EVP_PKEY_CTX_new(key, NULL);
	if (EVP_PKEY_sign_init(sign) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(sign, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(sign, EVP_sha256()) <= 0 ||
	    EVP_PKEY_sign(sign, raw->signature, &raw->signature_len, raw->digest,
			  sizeof(raw->digest)) <= 0)
		g_error("EVP_PKEY_sign");
	raw->public_key = X509_get0_pubkey(cert);
}

/* One RSA-2048 PKCS#1 v1.5 SHA-256 verification with OpenSSL alone. */
static void
raw_rsa_verify(RawRsa *raw)
{
	g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new(raw->public_key, NULL);
	if (EVP_PKEY_verify_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_verify(ctx, raw->signature, raw->signature_len, raw->digest,
			    sizeof(raw->digest)) != 1)
		g_error("EVP_PKEY_verify");
}

/* Verifications per second of tokens by `verifier` and of raw RSA, taken in turns of
 * SLICE_SECONDS for RUN_SECONDS each, so that a machine whose load changes meanwhile weighs on
 * both alike. */
static void
token_and_raw_rates(JpkiVerifier *verifier, const char *token, RawRsa *raw, double *tokens,
		    double *raw_rate)
{
	gsize len = strlen(token);
	guint token_count = 0, raw_count = 0;
	double token_time = 0, raw_time = 0;
	while (token_time < RUN_SECONDS || raw_time < RUN_SECONDS) {
		double start = now_seconds(), elapsed = 0;
		while ((elapsed = now_seconds() - start) < SLICE_SECONDS) {
			verify_token(verifier, token, len);
			token_count++;
		}
		token_time += elapsed;
		start = now_seconds();
		while ((elapsed = now_seconds() - start) < SLICE_SECONDS) {
			raw_rsa_verify(raw);
			raw_count++;
		}
		raw_time += elapsed;
	}
	*tokens = token_count / token_time;
	*raw_rate = raw_count / raw_time;
}

/* A detached CAdES signature over `content` by the test signing certificate. */
static GBytes *
make_cms(const char *pki, GBytes *content)
{
	g_autoptr(X509) signer = load_x509(pki, "sign-valid.pem");
	g_autoptr(EVP_PKEY) key = load_key(pki, "sign.key");
	guint8 digest[32];
	SHA256(g_bytes_get_data(content, NULL), g_bytes_get_size(content), digest);
	g_autoptr(GBytes) digest_bytes = g_bytes_new(digest, sizeof(digest));
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GError) error = NULL;
	GBytes *cms =
		jpki_cms_sign_detached(signer, JPKI_HASH_SHA256, digest_bytes, now,
				       "https://portal.example.jp", sign_with_key, key, &error);
	if (cms == NULL)
		g_error("%s", error->message);
	return cms;
}

/* CMS verifications per second against a CRL of `n` entries from the signing CA: through
 * libjpki-verify (libjpki's lookup), and through OpenSSL's own CRL check as before. */
static void
bench_cms(const char *pki, guint n, const char *dir)
{
	g_autofree char *crl_path = g_build_filename(dir, "sign.crl", NULL);
	write_crl(pki, "sign-ca", n, crl_path, NULL);
	g_autoptr(GBytes) content = g_bytes_new_static("bench", 5);
	g_autoptr(GBytes) cms = make_cms(pki, content);
	g_autofree char *anchor = g_build_filename(pki, "sign-ca.pem", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiVerifier) verifier = jpki_verifier_new_empty();
	if (!jpki_verifier_add_anchor_file(verifier, anchor, &error) ||
	    !jpki_verifier_add_crl_file(verifier, crl_path, &error))
		g_error("%s", error->message);
	guint count = 0;
	double start = now_seconds(), elapsed = 0;
	while ((elapsed = now_seconds() - start) < RUN_SECONDS) {
		g_autoptr(JpkiVerifiedSigner) signer =
			jpki_verifier_check_cms(verifier, cms, content, &error);
		if (signer == NULL)
			g_error("the benchmark's CMS is refused: %s", error->message);
		count++;
	}
	printf("one core: CMS signatures with the %u-entry CRL, libjpki-verify: %.0f/s\n", n,
	       count / elapsed);

	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new();
	if (!jpki_trust_store_add_file(store, anchor, &error) ||
	    !jpki_trust_store_add_crl_file(store, crl_path, &error))
		g_error("%s", error->message);
	count = 0;
	start = now_seconds();
	while ((elapsed = now_seconds() - start) < RUN_SECONDS) {
		g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(
			cms, content, jpki_trust_store_get_x509_store(store), &error);
		if (info == NULL)
			g_error("the benchmark's CMS is refused: %s", error->message);
		count++;
	}
	printf("one core: CMS signatures with the same CRL, OpenSSL's CRL check "
	       "(X509_V_FLAG_CRL_CHECK, as before): %.1f/s\n",
	       count / elapsed);
	g_unlink(crl_path);
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench-verify TEST_PKI_DIR [CRL_ENTRIES]\n");
		return 2;
	}
	const char *pki = argv[1];
	guint n = argc == 3 ? (guint)strtoul(argv[2], NULL, 10) : 1000000;
	g_autofree char *dir = g_dir_make_tmp("bench-verify-XXXXXX", NULL);
	g_autofree char *crl_path = g_build_filename(dir, "auth.crl", NULL);

	bench_crl(pki, n, crl_path);

	g_autofree char *token = make_token(pki);
	g_autofree char *anchor = g_build_filename(pki, "auth-ca.pem", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiVerifier) plain = jpki_verifier_new_empty();
	if (!jpki_verifier_add_anchor_file(plain, anchor, &error))
		g_error("%s", error->message);
	g_autoptr(X509) cert = load_x509(pki, "auth-valid.pem");
	RawRsa raw = {0};
	raw_rsa_init(&raw, pki, cert);
	double tokens = 0, raw_rate = 0;
	token_and_raw_rates(plain, token, &raw, &tokens, &raw_rate);
	printf("one core, in turns: raw OpenSSL RSA-2048 PKCS#1 v1.5 verify %.0f/s, login tokens "
	       "(libjpki-verify, no CRL) %.0f/s: %.2f× raw\n",
	       raw_rate, tokens, tokens / raw_rate);
	g_autoptr(JpkiVerifier) with_crl = jpki_verifier_new_empty();
	if (!jpki_verifier_add_anchor_file(with_crl, anchor, &error) ||
	    !jpki_verifier_add_crl_file(with_crl, crl_path, &error))
		g_error("%s", error->message);
	token_and_raw_rates(with_crl, token, &raw, &tokens, &raw_rate);
	printf("one core, in turns: raw %.0f/s, login tokens with the %u-entry CRL %.0f/s: "
	       "%.2f× raw\n",
	       raw_rate, n, tokens, tokens / raw_rate);
	g_unlink(crl_path);
	bench_cms(pki, n, dir);
	g_rmdir(dir);
	return 0;
}
