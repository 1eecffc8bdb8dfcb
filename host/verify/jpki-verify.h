/* libjpki-verify: a relying party's checks of what a My Number Card produced through
 * jpki-bridge (docs/relying-party.md): a web-eid:1.0 login token, a detached CAdES signature,
 * a raw PKCS#1 v1.5 signature over a hash. No card I/O, no network.
 *
 * Every failure is a GError whose stable reason code jpki_verify_reason() names
 * (docs/relying-party.md lists them): "invalid-input", "signature-invalid",
 * "certificate-untrusted", "certificate-wrong-usage", "certificate-expired",
 * "certificate-not-yet-valid", "certificate-revoked", "signature-origin-mismatch",
 * "io-error". The GError's message is a
 * detail for developers, in English; jpki_verify_reason_text() gives a sentence for users in
 * Japanese and English.
 *
 * A JpkiVerifier may be used from several threads once set up (no anchor or CRL added, no
 * time set, while another thread verifies); jpki_verifier_reload_crls() may run meanwhile.
 *
 * A verifier keeps up to 1,024 certificates it has checked (the least recently used goes
 * first), by their DER's base64, compared whole: the parsed certificate, its names and attributes,
 * and the path to its anchor. Only certificates whose path verified are kept. At every check the
 * time is compared again with the dates of every certificate on the path, and revocation is
 * looked up again in the CRLs then in use; adding an anchor or a CRL empties the cache, and
 * jpki_verifier_reload_crls() starts a new one. The cache is shared by the threads (under a
 * lock). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JpkiVerifier JpkiVerifier;
typedef struct _JpkiVerifiedSigner JpkiVerifiedSigner;

typedef enum {
	JPKI_VERIFY_HASH_SHA256,
	JPKI_VERIFY_HASH_SHA384,
	JPKI_VERIFY_HASH_SHA512,
} JpkiVerifyHash;

/* The CMS signed attribute that names the origin that requested the signature: one
 * UTF8String, the origin in ASCII (docs/relying-party.md). */
#define JPKI_VERIFY_CMS_ORIGIN_OID "2.25.80649392471529470160345837144218682372"

/* A token larger than this (bytes) is refused before it is parsed. */
#define JPKI_VERIFY_TOKEN_MAX_LEN (64 * 1024)

/* The real JPKI roots shipped with jpki-bridge (authentication and signing, every generation
 * installed). "io-error" when they are not installed. */
JpkiVerifier *jpki_verifier_new(GError **error);
/* No trust anchor at all: add them with jpki_verifier_add_anchor_file() (tests, a private
 * PKI). */
JpkiVerifier *jpki_verifier_new_empty(void);
void jpki_verifier_free(JpkiVerifier *verifier);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiVerifier, jpki_verifier_free)

/* Every certificate of a PEM file, or one DER certificate, becomes a trust anchor. */
gboolean jpki_verifier_add_anchor_file(JpkiVerifier *verifier, const char *path, GError **error);
/* Every CRL of a PEM file, or one DER CRL. From the first CRL on, every verification needs a
 * current CRL from the certificate's issuer, signed by it ("certificate-untrusted" without
 * one), and fails with "certificate-revoked" when any such CRL lists the certificate: several
 * CRLs of one issuer (a full CRL and a newer one, partitions) are all consulted, and one whose
 * signature does not verify or that is not current is ignored; a partition (its
 * issuingDistributionPoint names a distribution point) counts only for certificates whose
 * cRLDistributionPoints name the same. A delta, indirect or reason-limited CRL is refused
 * ("invalid-input"). */
gboolean jpki_verifier_add_crl_file(JpkiVerifier *verifier, const char *path, GError **error);
/* Replaces every CRL by those of `paths` (NULL-terminated; NULL or empty: none), without a
 * restart: the anchors stay, checks already running finish with the CRLs they started with,
 * and on any error (a file that cannot be read or parsed) nothing changes. Safe while other
 * threads verify. */
gboolean jpki_verifier_reload_crls(JpkiVerifier *verifier, const char *const *paths,
				   GError **error);
/* Certificates are checked at `at` (a reference is taken); NULL, the default: at each call's
 * present time. */
void jpki_verifier_set_time(JpkiVerifier *verifier, GDateTime *at);

/* A web-eid:1.0 login token (JSON text of `len` bytes) for the origin the portal serves
 * ("https://host[:port]") and the nonce it issued for this login. The caller makes sure the
 * nonce was issued by itself, is unused and fresh, and consumes it before calling. Checked in
 * this order: size and JSON shape, format and algorithm (RS256), base64, the certificate is an
 * authentication certificate (not a CA, not the signing certificate, keyUsage
 * digitalSignature, extendedKeyUsage clientAuth), its chain and dates and revocation, then the
 * signature over SHA-256(origin) || SHA-256(nonce). */
JpkiVerifiedSigner *jpki_verifier_check_login_token(JpkiVerifier *verifier, const char *json,
						    gsize len, const char *origin,
						    const char *nonce, GError **error);
/* A detached CAdES-BES signature (DER, or PEM "CMS"/"PKCS7") over `content`: one signer with
 * its certificate inside, signed attributes, the signature, the content's digest, the chain,
 * signingCertificateV2. Certificates are checked at the present time whatever
 * jpki_verifier_set_time() said: a signing time written by the signer proves nothing. */
JpkiVerifiedSigner *jpki_verifier_check_cms(JpkiVerifier *verifier, GBytes *cms, GBytes *content,
					    GError **error);
/* The same, and the signature must have been requested by `origin`, the one the portal serves
 * ("https://host[:port]", compared exactly): its origin attribute (OID
 * JPKI_VERIFY_CMS_ORIGIN_OID, written by jpki-bridge's sign-cms) must name it.
 * "signature-origin-mismatch" when it names another site or the signature carries none. */
JpkiVerifiedSigner *jpki_verifier_check_cms_for_origin(JpkiVerifier *verifier, GBytes *cms,
						       GBytes *content, const char *origin,
						       GError **error);
/* A raw RSA PKCS#1 v1.5 signature (what the card returns for `sign`) over DigestInfo(`hash`,
 * `digest`), by the key of `certificate` (DER or PEM), which must chain to an anchor and allow
 * digitalSignature or nonRepudiation; "invalid-input" when `digest` has the wrong length. */
JpkiVerifiedSigner *jpki_verifier_check_signature(JpkiVerifier *verifier, GBytes *certificate,
						  JpkiVerifyHash hash, GBytes *digest,
						  GBytes *signature, GError **error);

void jpki_verified_signer_free(JpkiVerifiedSigner *signer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiVerifiedSigner, jpki_verified_signer_free)

/* Borrowed strings, valid as long as the signer. Subject and issuer as one RFC 2253 line in
 * UTF-8, the serial in upper-case hex, notAfter as ISO 8601 UTC ("2030-01-31T14:59:59Z"). */
const char *jpki_verified_signer_get_subject(JpkiVerifiedSigner *signer);
const char *jpki_verified_signer_get_issuer(JpkiVerifiedSigner *signer);
const char *jpki_verified_signer_get_serial(JpkiVerifiedSigner *signer);
const char *jpki_verified_signer_get_not_after(JpkiVerifiedSigner *signer);
/* The certificate, DER. */
GBytes *jpki_verified_signer_get_certificate(JpkiVerifiedSigner *signer);
/* The holder's attributes from the JPKI signing certificate's subjectAltName; NULL for an
 * authentication certificate (which carries none). Name with U+3000 between family and given
 * name, sex "1" male / "2" female / "9" not applicable, birth date YYYYMMDD. */
const char *jpki_verified_signer_get_name(JpkiVerifiedSigner *signer);
const char *jpki_verified_signer_get_address(JpkiVerifiedSigner *signer);
const char *jpki_verified_signer_get_birth_date(JpkiVerifiedSigner *signer);
const char *jpki_verified_signer_get_sex(JpkiVerifiedSigner *signer);
/* The CAdES signingTime as ISO 8601 UTC; NULL when absent or not a CMS signature. */
const char *jpki_verified_signer_get_signing_time(JpkiVerifiedSigner *signer);
/* The origin a CMS signature was requested by (its origin attribute); NULL when the signature
 * carries none (made by `jpki sign`, by another program) or is not a CMS signature. */
const char *jpki_verified_signer_get_origin(JpkiVerifiedSigner *signer);

/* The stable reason code of an error any function here set ("internal-error" for another). */
const char *jpki_verify_reason(const GError *error);
/* What happened, for a user, in Japanese (`japanese`) or English. */
const char *jpki_verify_reason_text(const GError *error, gboolean japanese);

G_END_DECLS
