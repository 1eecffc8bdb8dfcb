/* libjpki-verify's cache of checked certificates: what parsing a certificate and building its
 * path to an anchor found, kept by the SHA-256 of the certificate's DER so that the next token
 * or signature from the same card costs little more than its RSA verification. Internal to
 * libjpki-verify (verifier.c). */
#pragma once

#include "cert.h"

#include <glib.h>

/* How many certificates a verifier keeps; the least recently used goes first. */
#define CERT_CACHE_CAPACITY 1024
#define CERT_CACHE_KEY_LEN  32

/* A parsed certificate with what does not change while the anchors stay the same. Immutable
 * once in a cache; reference-counted (checked_cert_ref/unref). */
typedef struct {
	JpkiCert *cert;
	char *subject;
	char *issuer;
	char *serial;
	char *not_after;
	JpkiHolderAttributes *holder; /* NULL for an authentication certificate */
	gboolean authentication;      /* passes jpki_authtoken_check_certificate() */
	gboolean signing;             /* an RSA end-entity key allowed to sign */
	JpkiCertPath path;            /* from jpki_cert_verify_path(); issuer NULL: none */
} CheckedCert;

/* An RSA key (else JPKI_ERROR_INVALID_INPUT) of an end entity allowed to sign: keyUsage
 * digitalSignature or nonRepudiation (else JPKI_ERROR_CERTIFICATE_WRONG_USAGE). */
gboolean check_signing_certificate(JpkiCert *cert, GError **error);

/* "2030-01-31T14:59:59Z", as every time libjpki-verify gives. */
char *format_utc(GDateTime *time);

/* Takes `cert`; the strings and flags are filled here, `path` is left empty. */
CheckedCert *checked_cert_new(JpkiCert *cert);
CheckedCert *checked_cert_ref(CheckedCert *checked);
void checked_cert_unref(CheckedCert *checked);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CheckedCert, checked_cert_unref)

typedef struct _CertCache CertCache;

CertCache *cert_cache_new(void);
void cert_cache_free(CertCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CertCache, cert_cache_free)

/* The cache key of a certificate: SHA-256 of its DER. */
void cert_cache_key(CertCache *cache, GBytes *der, guint8 key[CERT_CACHE_KEY_LEN]);
/* A new reference, or NULL. Safe from several threads. */
CheckedCert *cert_cache_lookup(CertCache *cache, const guint8 key[CERT_CACHE_KEY_LEN]);
/* Keeps a reference to `checked` (which must have a path), unless the key is there already. */
void cert_cache_insert(CertCache *cache, const guint8 key[CERT_CACHE_KEY_LEN],
		       CheckedCert *checked);
/* Forgets every certificate (the anchors or CRLs changed in place). */
void cert_cache_clear(CertCache *cache);
