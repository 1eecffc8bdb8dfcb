/* libjpki-verify's cache of checked certificates: what parsing a certificate and building its
 * path to an anchor found, kept by the certificate's DER in standard base64 so that the next
 * token or signature from the same card costs little more than its RSA verification (a token
 * carries its certificate in that spelling: a hit needs neither decoding nor hashing it).
 * Internal to libjpki-verify (verifier.c). */
#pragma once

#include "cert.h"

#include <glib.h>

/* How many certificates a verifier keeps; the least recently used goes first. */
#define CERT_CACHE_CAPACITY 1024

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

/* A certificate as the cache knows it: its DER in standard base64 with padding, as
 * g_base64_encode() writes it and as a login token must carry it (canonical base64 has one
 * spelling for one DER, so the same certificate always has the same key). */
typedef struct {
	const char *text;
	gsize len;
} CertCacheKey;

/* A new reference to the certificate whose key is exactly `key` (the whole text compared), or
 * NULL. Safe from several threads. */
CheckedCert *cert_cache_lookup(CertCache *cache, const CertCacheKey *key);
/* Keeps a reference to `checked` (which must have a path) under a copy of `key`, unless the key
 * is there already. */
void cert_cache_insert(CertCache *cache, const CertCacheKey *key, CheckedCert *checked);
/* Forgets every certificate (the anchors or CRLs changed in place). */
void cert_cache_clear(CertCache *cache);
