/* Detached CAdES-BES signatures (CMS SignedData, RFC 5652 + RFC 5035) made by the card, and
 * their verification. The card only turns a DigestInfo into an RSA signature, so signing takes
 * a callback; everything else is built here. OpenSSL types only, no card I/O. */
#pragma once

#include "digestinfo.h"

#include <glib.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/* Signs DigestInfo bytes with the card (or anything else): returns the raw RSA signature
 * (PKCS#1 v1.5 type 1 padding applied by the signer). */
typedef GBytes *(*JpkiSignFunc)(GBytes *digest_info, gpointer user_data, GError **error);

/* The signed attribute that names the origin a signature was requested by
 * (docs/relying-party.md): its value one UTF8String, the origin as the browser serialises it
 * ("https://host[:port]", ASCII). The project owns no OID arc, so the OID sits under 2.25
 * (ITU-T X.667), from the UUID 3cac820c-0285-4923-bd53-19c0c48a4404 generated for it. */
#define JPKI_CMS_ORIGIN_OID "2.25.80649392471529470160345837144218682372"
/* The longest origin the attribute holds (bytes). */
#define JPKI_CMS_ORIGIN_MAX_LEN 2048

/* A detached CAdES-BES SignedData, as ContentInfo DER: version 1, one SignerInfo identified by
 * issuerAndSerialNumber, digestAlgorithm `alg`, signatureAlgorithm rsaEncryption, `signer` in
 * `certificates`, and the signed attributes contentType (id-data), signingTime (`signing_time`
 * in UTC), messageDigest (`content_digest`), signingCertificateV2 (the SHA-256 hash of
 * `signer` with its issuerSerial) and, when `origin` is not NULL, the origin attribute
 * (JPKI_CMS_ORIGIN_OID) with `origin`. `sign` receives DigestInfo(alg, hash of the DER SET OF
 * the signed attributes).
 * `signer` must hold an RSA key. Errors: JPKI_ERROR_INVALID_INPUT when the length of
 * `content_digest` does not fit `alg`, or `origin` is empty, longer than
 * JPKI_CMS_ORIGIN_MAX_LEN or not printable ASCII (nothing is signed); errors from `sign` pass
 * through unchanged; JPKI_ERROR_SIGNATURE_INVALID when the signature `sign` returns does not verify
 * with the public key of `signer` (a card whose key is not the certificate's). */
GBytes *jpki_cms_sign_detached(X509 *signer, JpkiHashAlg alg, GBytes *content_digest,
			       GDateTime *signing_time, const char *origin, JpkiSignFunc sign,
			       gpointer user_data, GError **error);

/* What a verified signature says about its signer. */
typedef struct {
	X509 *signer;            /* owned reference */
	GDateTime *signing_time; /* UTC; NULL when the signature carries none */
	char *origin;            /* the origin attribute; NULL when the signature carries none */
	JpkiHashAlg alg;
} JpkiCmsSignerInfo;

void jpki_cms_signer_info_free(JpkiCmsSignerInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiCmsSignerInfo, jpki_cms_signer_info_free)

/* Verifies a detached SignedData (DER, or PEM "CMS" or "PKCS7") over `content`. It must have
 * exactly one SignerInfo, with signed attributes, a SHA-256/384/512 digestAlgorithm, and its
 * signer certificate inside. Checked in this order:
 * 1. the signature over the signed attributes, and that contentType matches the content type;
 * 2. messageDigest against the content;
 * 3. the signer's chain to `anchors` at the CURRENT time, under the purpose S/MIME signing
 *    (unless the X509_VERIFY_PARAM of `anchors` sets another purpose or a time). Not at
 *    signingTime: the signer writes that time themselves, and without a trusted timestamp it
 *    proves nothing about the certificate being valid (or not yet revoked) then. CRLs come
 *    from `anchors` (whose owner sets X509_V_FLAG_CRL_CHECK); CRLs inside the SignedData are
 *    not used;
 * 4. signingCertificateV2 and signingCertificate, when present, name the signer certificate
 *    (and any further certificates in them are on the verified chain);
 * 5. the origin attribute, when present, is single, with one printable ASCII UTF8String (its
 *    value is only read: jpki_cms_signer_info_check_origin() compares it).
 * Errors: JPKI_ERROR_INVALID_INPUT (not such a SignedData), JPKI_ERROR_SIGNATURE_INVALID (a bad
 * signature, a changed content, a signing certificate attribute for another certificate),
 * JPKI_ERROR_CERTIFICATE_REVOKED, _EXPIRED, _NOT_YET_VALID (for any certificate of the chain)
 * and JPKI_ERROR_CERTIFICATE_UNTRUSTED (anything else the chain check finds, first problem
 * first). */
JpkiCmsSignerInfo *jpki_cms_verify_detached(GBytes *cms, GBytes *content, X509_STORE *anchors,
					    GError **error);
/* The same with only the content's digest (a huge file; the browser). JPKI_ERROR_INVALID_INPUT
 * when the signature uses another digest algorithm than `alg`, or the length of
 * `content_digest` does not fit `alg`. */
JpkiCmsSignerInfo *jpki_cms_verify_detached_digest(GBytes *cms, JpkiHashAlg alg,
						   GBytes *content_digest, X509_STORE *anchors,
						   GError **error);

/* Whether a verified signature was requested by `expected_origin` (exactly, as the relying
 * party serves it: "https://host[:port]"). JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH when its
 * origin attribute names another origin, or it carries none. */
gboolean jpki_cms_signer_info_check_origin(const JpkiCmsSignerInfo *info,
					   const char *expected_origin, GError **error);
