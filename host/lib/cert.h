/* The X.509 side of libjpki: a holder certificate, its validity and renewal
 * window, the holder's attributes in the signing certificate (cert.c), and path
 * validation to the JPKI roots (trust_store.c). OpenSSL only; no card I/O. */
#pragma once

#include "cert_dates.h"

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

typedef struct _JpkiCert JpkiCert;

/* Exactly one DER certificate of at most 1 MiB, nothing after it; JPKI_ERROR_INVALID_INPUT
 * otherwise. */
JpkiCert *jpki_cert_new_from_der(GBytes *der, GError **error);
/* PEM (the first certificate in the file) or DER. JPKI_ERROR_IO when the file cannot be read,
 * JPKI_ERROR_INVALID_INPUT when it is not a regular file of at most 1 MiB holding a
 * certificate. */
JpkiCert *jpki_cert_new_from_file(const char *path, GError **error);
void jpki_cert_free(JpkiCert *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiCert, jpki_cert_free)

/* Borrowed: valid as long as the JpkiCert. */
X509 *jpki_cert_get_x509(JpkiCert *cert);
/* The certificate's public key when it is RSA (every JPKI key is), else NULL. Borrowed. */
EVP_PKEY *jpki_cert_get_rsa_key(JpkiCert *cert);
GBytes *jpki_cert_get_der(JpkiCert *cert);

/* One line, RFC 2253 escaping, in certificate order, non-ASCII as UTF-8:
 * "C=JP, L=東京都, L=千代田区, CN=TEST00000000001S". */
char *jpki_cert_dup_subject(JpkiCert *cert);
char *jpki_cert_dup_issuer(JpkiCert *cert);
/* The same for any name (a CMS signer's, a CA's); "" for a name OpenSSL cannot print. */
char *jpki_x509_name_dup_line(const X509_NAME *name);
/* Upper-case hex of whole bytes, without separators or leading zero bytes: "1005". */
char *jpki_cert_dup_serial_hex(JpkiCert *cert);
/* SHA-256 of the DER, 64 upper-case hex digits without separators. */
char *jpki_cert_dup_fingerprint_sha256(JpkiCert *cert);

/* Borrowed, in UTC. notAfter is the last valid instant (inclusive). */
GDateTime *jpki_cert_get_not_before(JpkiCert *cert);
GDateTime *jpki_cert_get_not_after(JpkiCert *cert);

/* Dates only, no signature or chain, at `at` (NULL: now): the renewal window runs from
 * jpki_cert_renewal_from() up to and including notAfter. */
JpkiCertValidity jpki_cert_validity_at(JpkiCert *cert, GDateTime *at);
/* New reference: 3 calendar months before notAfter (day clamped to the month's end). */
GDateTime *jpki_cert_renewal_from(JpkiCert *cert);

/* The holder's attributes from the signing certificate; UTF-8, NULL when absent. */
typedef struct {
	char *name;               /* family and given name separated by U+3000 */
	char *name_substitute;    /* the name with substitute characters */
	char *sex;                /* "1", "2" or "9" (jpki_sex_describe) */
	char *birth_date;         /* YYYYMMDD */
	char *address;            /* full address */
	char *address_substitute; /* the address with substitute characters */
} JpkiHolderAttributes;

/* From the subjectAltName otherNames 1.2.392.200149.8.5.5.1 to .6. JPKI_ERROR_INVALID_INPUT
 * when the certificate carries none of them (an authentication certificate), or one twice,
 * or one that is not a string. */
JpkiHolderAttributes *jpki_cert_get_holder_attributes(JpkiCert *cert, GError **error);
void jpki_holder_attributes_free(JpkiHolderAttributes *attrs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiHolderAttributes, jpki_holder_attributes_free)

/* "1" male, "2" female, "9" not applicable, in Japanese or English; NULL for anything else. */
const char *jpki_sex_describe(const char *code, gboolean japanese);

/* Trust anchors, and optionally CRLs. */
typedef struct _JpkiTrustStore JpkiTrustStore;

/* Empty. */
JpkiTrustStore *jpki_trust_store_new(void);
/* The real JPKI roots: every *.pem in the installed directory, or in the source tree's
 * host/data/jpki-ca when that is not installed; on Windows in the jpki-ca folder beside the
 * running program. JPKI_ERROR_IO when that holds no root. */
JpkiTrustStore *jpki_trust_store_new_default(GError **error);
void jpki_trust_store_free(JpkiTrustStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiTrustStore, jpki_trust_store_free)

/* PEM (every certificate in it) or DER, as trust anchors. */
gboolean jpki_trust_store_add_file(JpkiTrustStore *store, const char *path, GError **error);
/* PEM (every CRL in it) or DER. Once the store holds a CRL, verification needs a current CRL
 * from the leaf's issuer and fails with JPKI_ERROR_CERTIFICATE_REVOKED when it lists the leaf;
 * the X509_STORE carries X509_V_FLAG_CRL_CHECK from then on. The entries are sorted here, not
 * at the first lookup, and their serials indexed (crl_index.h: 20 bytes an entry). */
gboolean jpki_trust_store_add_crl_file(JpkiTrustStore *store, const char *path, GError **error);
/* Distinct trust anchors. */
guint jpki_trust_store_count(JpkiTrustStore *store);
/* Borrowed: the anchors and CRLs (and X509_V_FLAG_CRL_CHECK once there are CRLs), for CMS
 * verification. Shared with jpki_cert_verify(): do not change its flags or contents. */
X509_STORE *jpki_trust_store_get_x509_store(JpkiTrustStore *store);
/* Borrowed: the anchors alone, never a CRL, for a CMS check after which the caller checks the
 * signer's revocation with jpki_cert_verify() (which looks a serial up in a CRL whose signature
 * it verified once, where OpenSSL's CRL check re-hashes the whole CRL at every signature). Do
 * not change its flags or contents. */
X509_STORE *jpki_trust_store_get_anchor_x509_store(JpkiTrustStore *store);

/* Path validation to a trust anchor of `store` (the JPKI roots issue holder certificates
 * directly; intermediates may come in `untrusted`, an array of JpkiCert*, or NULL), at `at`
 * (NULL: now), with revocation when the store holds CRLs. Every problem of the path is
 * collected and the first of these codes that applies is returned:
 * JPKI_ERROR_CERTIFICATE_REVOKED (only when the path and the CRL are otherwise sound, so a
 * forged or stale CRL cannot make a certificate "revoked"), _EXPIRED, _NOT_YET_VALID (for any
 * certificate of the path), then JPKI_ERROR_CERTIFICATE_UNTRUSTED; the message gives
 * OpenSSL's reason and the certificate it concerns. OpenSSL counts the notAfter second itself
 * as expired, one second earlier than jpki_cert_validity_at().
 * Revocation is checked here, not by OpenSSL's X509_V_FLAG_CRL_CHECK (which re-encodes and
 * re-hashes a CRL at every certificate): for the leaf, every CRL whose issuer name is the leaf
 * issuer's, that issuer having keyUsage cRLSign (or none), signed by it (checked once per CRL
 * and issuer), current at `at`: the leaf is revoked when any of them lists it (a full CRL and
 * a newer one, or partitions, may be loaded together); a partition (an issuingDistributionPoint
 * naming a distribution point) counts only for a leaf whose cRLDistributionPoints name it
 * (crl_scope.h); a CRL that fails a check is left out, and without any that passes the leaf is
 * untrusted. The serial is looked up in each CRL's index (crl_index.h), built at load. Delta,
 * indirect and reason-limited CRLs are refused when loaded (JPKI's CRLs are full and direct). */
gboolean jpki_cert_verify(JpkiCert *cert, JpkiTrustStore *store, GPtrArray *untrusted,
			  GDateTime *at, GError **error);

/* What a successful jpki_cert_verify_path() found, so that a caller may keep it and check only
 * what changes afterwards (the time, the CRLs): the leaf's issuer on the path and the instants
 * at which every certificate of the path is within its dates. */
typedef struct {
	X509 *issuer;       /* owned reference; NULL when the leaf is itself an anchor */
	gint64 valid_from;  /* Unix time, inclusive */
	gint64 valid_until; /* Unix time, exclusive (OpenSSL's count of notAfter) */
} JpkiCertPath;

/* jpki_cert_verify(), and on success fills `path` (may be NULL; clear it with
 * jpki_cert_path_clear()). */
gboolean jpki_cert_verify_path(JpkiCert *cert, JpkiTrustStore *store, GPtrArray *untrusted,
			       GDateTime *at, JpkiCertPath *path, GError **error);
void jpki_cert_path_clear(JpkiCertPath *path);
/* Whether every certificate of `path` is within its dates at `at` (NULL: now); FALSE for a
 * path without an issuer. */
gboolean jpki_cert_path_covers(const JpkiCertPath *path, GDateTime *at);
/* The revocation part of jpki_cert_verify() alone, for `cert` on a `path` that verified
 * against this very store (same anchors): TRUE when the store holds no CRL; else
 * JPKI_ERROR_CERTIFICATE_REVOKED or _UNTRUSTED (no current CRL signed by the issuer) as
 * jpki_cert_verify() would say. */
gboolean jpki_trust_store_check_revocation(JpkiTrustStore *store, JpkiCert *cert,
					   const JpkiCertPath *path, GDateTime *at, GError **error);
