/* libjpki-verify (jpki-verify.h): the relying party's API over libjpki's token, CMS and
 * certificate checks, with one result type and libjpki's reason codes. */
#include "jpki-verify.h"

#include "authtoken.h"
#include "cert.h"
#include "cert_cache.h"
#include "cms.h"
#include "digestinfo.h"
#include "messages.h"
#include "openssl_autoptr.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

/* The store in use and the certificates checked against it sit in a reference-counted box: a
 * check holds its box to the end while jpki_verifier_reload_crls() puts a new one in place,
 * with an empty cache, so nothing found under the old CRLs outlives them. */
typedef struct {
	JpkiTrustStore *store;
	CertCache *cache;
} StoreBox;

struct _JpkiVerifier {
	GMutex lock;         /* for `store` (the pointer, not the box's contents) */
	StoreBox *store;     /* g_atomic_rc_box */
	gboolean jpki_roots; /* made by jpki_verifier_new() */
	GPtrArray *anchors;  /* the files given to jpki_verifier_add_anchor_file() */
	GDateTime *at;       /* NULL: now */
};

struct _JpkiVerifiedSigner {
	CheckedCert *checked;
	char *signing_time;
	char *origin;
};

static StoreBox *
store_box_new(JpkiTrustStore *store)
{
	StoreBox *box = g_atomic_rc_box_new(StoreBox);
	box->store = store;
	box->cache = cert_cache_new();
	return box;
}

static void
store_box_clear(StoreBox *box)
{
	jpki_trust_store_free(box->store);
	cert_cache_free(box->cache);
}

static void
store_box_release(StoreBox *box)
{
	g_atomic_rc_box_release_full(box, (GDestroyNotify)store_box_clear);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreBox, store_box_release)

/* The store in use now, held until released. */
static StoreBox *
acquire_store(JpkiVerifier *verifier)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&verifier->lock);
	return g_atomic_rc_box_acquire(verifier->store);
}

static JpkiVerifier *
verifier_of(JpkiTrustStore *store, gboolean jpki_roots)
{
	JpkiVerifier *verifier = g_new0(JpkiVerifier, 1);
	g_mutex_init(&verifier->lock);
	verifier->store = store_box_new(store);
	verifier->jpki_roots = jpki_roots;
	verifier->anchors = g_ptr_array_new_with_free_func(g_free);
	return verifier;
}

JpkiVerifier *
jpki_verifier_new(GError **error)
{
	JpkiTrustStore *store = jpki_trust_store_new_default(error);
	return store != NULL ? verifier_of(store, TRUE) : NULL;
}

JpkiVerifier *
jpki_verifier_new_empty(void)
{
	return verifier_of(jpki_trust_store_new(), FALSE);
}

void
jpki_verifier_free(JpkiVerifier *verifier)
{
	if (verifier == NULL)
		return;
	store_box_release(verifier->store);
	g_ptr_array_unref(verifier->anchors);
	g_mutex_clear(&verifier->lock);
	g_clear_pointer(&verifier->at, g_date_time_unref);
	g_free(verifier);
}

gboolean
jpki_verifier_add_anchor_file(JpkiVerifier *verifier, const char *path, GError **error)
{
	g_return_val_if_fail(verifier != NULL, FALSE);
	g_autoptr(StoreBox) box = acquire_store(verifier);
	cert_cache_clear(box->cache);
	if (!jpki_trust_store_add_file(box->store, path, error))
		return FALSE;
	g_ptr_array_add(verifier->anchors, g_strdup(path));
	return TRUE;
}

gboolean
jpki_verifier_add_crl_file(JpkiVerifier *verifier, const char *path, GError **error)
{
	g_return_val_if_fail(verifier != NULL, FALSE);
	g_autoptr(StoreBox) box = acquire_store(verifier);
	cert_cache_clear(box->cache);
	return jpki_trust_store_add_crl_file(box->store, path, error);
}

gboolean
jpki_verifier_reload_crls(JpkiVerifier *verifier, const char *const *paths, GError **error)
{
	g_return_val_if_fail(verifier != NULL, FALSE);
	g_autoptr(JpkiTrustStore) store =
		verifier->jpki_roots ? jpki_trust_store_new_default(error) : jpki_trust_store_new();
	if (store == NULL)
		return FALSE;
	for (guint i = 0; i < verifier->anchors->len; i++) {
		if (!jpki_trust_store_add_file(store, g_ptr_array_index(verifier->anchors, i),
					       error))
			return FALSE;
	}
	for (guint i = 0; paths != NULL && paths[i] != NULL; i++) {
		if (!jpki_trust_store_add_crl_file(store, paths[i], error))
			return FALSE;
	}
	StoreBox *old = NULL;
	{
		g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&verifier->lock);
		old = verifier->store;
		verifier->store = store_box_new(g_steal_pointer(&store));
	}
	store_box_release(old);
	return TRUE;
}

void
jpki_verifier_set_time(JpkiVerifier *verifier, GDateTime *at)
{
	g_return_if_fail(verifier != NULL);
	g_clear_pointer(&verifier->at, g_date_time_unref);
	if (at != NULL)
		verifier->at = g_date_time_ref(at);
}

/* Takes `checked`. */
static JpkiVerifiedSigner *
signer_of(CheckedCert *checked)
{
	JpkiVerifiedSigner *signer = g_new0(JpkiVerifiedSigner, 1);
	signer->checked = checked;
	return signer;
}

/* A certificate the cache did not have: parsed, its flags and strings filled. */
static CheckedCert *
checked_cert_parse(GBytes *der, GError **error)
{
	JpkiCert *cert = jpki_cert_new_from_der(der, error);
	return cert != NULL ? checked_cert_new(cert) : NULL;
}

/* The cache key's text of `der`. */
static char *
key_text_of(GBytes *der)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	return g_base64_encode(data, len);
}

/* The certificate of `der` (whose key is `key`), from the box's cache (`*cached` TRUE) or
 * newly parsed. */
static CheckedCert *
checked_cert_of(StoreBox *box, const CertCacheKey *key, GBytes *der, gboolean *cached,
		GError **error)
{
	CheckedCert *checked = cert_cache_lookup(box->cache, key);
	*cached = checked != NULL;
	return checked != NULL ? checked : checked_cert_parse(der, error);
}

/* The chain, dates and revocation at `at`. A cached certificate's path to its anchor is reused
 * while `at` lies within the dates of every certificate on it; its revocation is looked up
 * every time. A new certificate goes into the cache once its path verifies. */
static gboolean
check_path(StoreBox *box, CheckedCert *checked, const CertCacheKey *key, gboolean cached,
	   GDateTime *at, GError **error)
{
	if (cached) {
		if (jpki_cert_path_covers(&checked->path, at))
			return jpki_trust_store_check_revocation(box->store, checked->cert,
								 &checked->path, at, error);
		/* Outside the dates: the full check says which certificate and why. */
		return jpki_cert_verify(checked->cert, box->store, NULL, at, error);
	}
	if (!jpki_cert_verify_path(checked->cert, box->store, NULL, at, &checked->path, error))
		return FALSE;
	if (checked->path.issuer != NULL)
		cert_cache_insert(box->cache, key, checked);
	return TRUE;
}

JpkiVerifiedSigner *
jpki_verifier_check_login_token(JpkiVerifier *verifier, const char *json, gsize len,
				const char *origin, const char *nonce, GError **error)
{
	g_return_val_if_fail(verifier != NULL && json != NULL, NULL);
	g_return_val_if_fail(origin != NULL && nonce != NULL, NULL);
	g_auto(JpkiAuthtokenParts) parts = {0};
	if (!jpki_authtoken_parse(json, len, origin, nonce, &parts, error))
		return NULL;
	g_autoptr(StoreBox) box = acquire_store(verifier);
	/* Looked up by the token's text: a certificate seen before is neither decoded nor
	 * hashed. */
	CertCacheKey key = {parts.certificate_base64, parts.certificate_base64_len};
	g_autoptr(CheckedCert) checked = cert_cache_lookup(box->cache, &key);
	gboolean cached = checked != NULL;
	if (!cached) {
		g_autoptr(GBytes) der = jpki_authtoken_parts_certificate_der(&parts, error);
		checked = der != NULL ? checked_cert_parse(der, error) : NULL;
		if (checked == NULL)
			return NULL;
	}
	/* Not an authentication certificate: the check again, for its reason. */
	if (!checked->authentication) {
		jpki_authtoken_check_certificate(checked->cert, error);
		return NULL;
	}
	if (!check_path(box, checked, &key, cached, verifier->at, error) ||
	    !jpki_authtoken_verify_signature(checked->cert, parts.signature, origin, nonce, error))
		return NULL;
	return signer_of(g_steal_pointer(&checked));
}

/* `origin` NULL: any origin attribute, or none. */
static JpkiVerifiedSigner *
check_cms(JpkiVerifier *verifier, GBytes *cms, GBytes *content, const char *origin, GError **error)
{
	g_autoptr(StoreBox) box = acquire_store(verifier);
	/* Anchors without CRLs: revocation is looked up below, as for tokens, where OpenSSL's
	 * CRL check would re-hash a whole CRL at every signature. */
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(
		cms, content, jpki_trust_store_get_anchor_x509_store(box->store), error);
	if (info == NULL)
		return NULL;
	unsigned char *der = NULL;
	int der_len = i2d_X509(info->signer, &der);
	if (der_len <= 0) {
		ERR_clear_error();
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INTERNAL,
				    "cannot encode the signer's certificate");
		return NULL;
	}
	g_autoptr(GBytes) cert_der = g_bytes_new(der, (gsize)der_len);
	OPENSSL_free(der);
	g_autofree char *key_text = key_text_of(cert_der);
	CertCacheKey key = {key_text, strlen(key_text)};
	gboolean cached = FALSE;
	g_autoptr(CheckedCert) checked = checked_cert_of(box, &key, cert_der, &cached, error);
	/* At the present time, as the CMS check: the path again (cached, as a rule) and the
	 * revocation. */
	if (checked == NULL || !check_path(box, checked, &key, cached, NULL, error))
		return NULL;
	/* After the certificate: a revoked or expired one is refused as such, whatever site it
	 * names. */
	if (origin != NULL && !jpki_cms_signer_info_check_origin(info, origin, error))
		return NULL;
	JpkiVerifiedSigner *signer = signer_of(g_steal_pointer(&checked));
	if (info->signing_time != NULL)
		signer->signing_time = format_utc(info->signing_time);
	signer->origin = g_strdup(info->origin);
	return signer;
}

JpkiVerifiedSigner *
jpki_verifier_check_cms(JpkiVerifier *verifier, GBytes *cms, GBytes *content, GError **error)
{
	g_return_val_if_fail(verifier != NULL && cms != NULL && content != NULL, NULL);
	return check_cms(verifier, cms, content, NULL, error);
}

JpkiVerifiedSigner *
jpki_verifier_check_cms_for_origin(JpkiVerifier *verifier, GBytes *cms, GBytes *content,
				   const char *origin, GError **error)
{
	g_return_val_if_fail(verifier != NULL && cms != NULL && content != NULL, NULL);
	g_return_val_if_fail(origin != NULL, NULL);
	return check_cms(verifier, cms, content, origin, error);
}

/* DER as it is; PEM (the first certificate) turned into DER. */
static GBytes *
certificate_der(GBytes *certificate, GError **error)
{
	static const char pem_start[] = "-----BEGIN CERTIFICATE-----";
	gsize len = 0;
	const char *data = g_bytes_get_data(certificate, &len);
	if (len < sizeof(pem_start) - 1 || memcmp(data, pem_start, sizeof(pem_start) - 1) != 0)
		return g_bytes_ref(certificate);
	g_autoptr(BIO) bio = BIO_new_mem_buf(data, (int)MIN(len, G_MAXINT));
	g_autoptr(X509) x509 = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	unsigned char *der = NULL;
	int der_len = x509 != NULL ? i2d_X509(x509, &der) : -1;
	ERR_clear_error();
	if (der_len <= 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the PEM certificate does not parse");
		return NULL;
	}
	GBytes *out = g_bytes_new(der, (gsize)der_len);
	OPENSSL_free(der);
	return out;
}

static const JpkiHashAlg hash_algs[] = {
	[JPKI_VERIFY_HASH_SHA256] = JPKI_HASH_SHA256,
	[JPKI_VERIFY_HASH_SHA384] = JPKI_HASH_SHA384,
	[JPKI_VERIFY_HASH_SHA512] = JPKI_HASH_SHA512,
};

JpkiVerifiedSigner *
jpki_verifier_check_signature(JpkiVerifier *verifier, GBytes *certificate, JpkiVerifyHash hash,
			      GBytes *digest, GBytes *signature, GError **error)
{
	g_return_val_if_fail(verifier != NULL && certificate != NULL, NULL);
	g_return_val_if_fail(digest != NULL && signature != NULL, NULL);
	if ((guint)hash >= G_N_ELEMENTS(hash_algs)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT, "unknown hash %d",
			    (int)hash);
		return NULL;
	}
	gsize digest_len = 0;
	const guint8 *digest_data = g_bytes_get_data(digest, &digest_len);
	g_autoptr(GBytes) digest_info =
		jpki_digestinfo_build(hash_algs[hash], digest_data, digest_len, error);
	if (digest_info == NULL)
		return NULL;
	g_autoptr(GBytes) der = certificate_der(certificate, error);
	if (der == NULL)
		return NULL;
	g_autoptr(StoreBox) box = acquire_store(verifier);
	g_autofree char *key_text = key_text_of(der);
	CertCacheKey key = {key_text, strlen(key_text)};
	gboolean cached = FALSE;
	g_autoptr(CheckedCert) checked = checked_cert_of(box, &key, der, &cached, error);
	if (checked == NULL)
		return NULL;
	/* Not a signing key: the check again, for its reason. */
	if (!checked->signing) {
		check_signing_certificate(checked->cert, error);
		return NULL;
	}
	if (!check_path(box, checked, &key, cached, verifier->at, error) ||
	    !jpki_digestinfo_verify_signature(jpki_cert_get_rsa_key(checked->cert), digest_info,
					      signature, error))
		return NULL;
	return signer_of(g_steal_pointer(&checked));
}

void
jpki_verified_signer_free(JpkiVerifiedSigner *signer)
{
	if (signer == NULL)
		return;
	checked_cert_unref(signer->checked);
	g_free(signer->signing_time);
	g_free(signer->origin);
	g_free(signer);
}

const char *
jpki_verified_signer_get_subject(JpkiVerifiedSigner *signer)
{
	return signer->checked->subject;
}

const char *
jpki_verified_signer_get_issuer(JpkiVerifiedSigner *signer)
{
	return signer->checked->issuer;
}

const char *
jpki_verified_signer_get_serial(JpkiVerifiedSigner *signer)
{
	return signer->checked->serial;
}

const char *
jpki_verified_signer_get_not_after(JpkiVerifiedSigner *signer)
{
	return signer->checked->not_after;
}

GBytes *
jpki_verified_signer_get_certificate(JpkiVerifiedSigner *signer)
{
	return jpki_cert_get_der(signer->checked->cert);
}

const char *
jpki_verified_signer_get_name(JpkiVerifiedSigner *signer)
{
	return signer->checked->holder != NULL ? signer->checked->holder->name : NULL;
}

const char *
jpki_verified_signer_get_address(JpkiVerifiedSigner *signer)
{
	return signer->checked->holder != NULL ? signer->checked->holder->address : NULL;
}

const char *
jpki_verified_signer_get_birth_date(JpkiVerifiedSigner *signer)
{
	return signer->checked->holder != NULL ? signer->checked->holder->birth_date : NULL;
}

const char *
jpki_verified_signer_get_sex(JpkiVerifiedSigner *signer)
{
	return signer->checked->holder != NULL ? signer->checked->holder->sex : NULL;
}

const char *
jpki_verified_signer_get_signing_time(JpkiVerifiedSigner *signer)
{
	return signer->signing_time;
}

const char *
jpki_verified_signer_get_origin(JpkiVerifiedSigner *signer)
{
	return signer->origin;
}

const char *
jpki_verify_reason(const GError *error)
{
	g_return_val_if_fail(error != NULL, jpki_error_code_name(JPKI_ERROR_INTERNAL));
	return jpki_error_code_name(jpki_error_code_of(error));
}

const char *
jpki_verify_reason_text(const GError *error, gboolean japanese)
{
	g_return_val_if_fail(error != NULL, NULL);
	return jpki_error_describe(error, NULL)->summary[japanese ? JPKI_LANG_JA : JPKI_LANG_EN];
}
