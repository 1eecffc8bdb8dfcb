/* The e-application the portal receives: a change-of-address form (転入届) as the exact text
 * the holder signed, and the checks of its signature. No HTTP here. */
#pragma once

#include "cert.h"
#include "digestinfo.h"

#include <glib.h>
#include <jansson.h>

/* The value of "form" in every application text. */
#define PORTAL_FORM_ID "jpki-demo/change-of-address/1"
/* The longest text accepted, and the longest field (in characters). */
#define PORTAL_FORM_MAX_LEN    (8 * 1024)
#define PORTAL_FIELD_MAX_CHARS 200

/* The signed text is one JSON object, written by the page with its keys in this order:
 * {"form": PORTAL_FORM_ID, "name", "moveDate" (YYYY-MM-DD), "previousAddress", "newAddress",
 *  "householdHead"}. The signature covers the text's bytes, not a re-serialisation. */
typedef struct {
	char *name;
	char *move_date;
	char *previous_address;
	char *new_address;
	char *household_head;
} PortalApplication;

/* PORTAL_ERROR_FORM_INVALID for anything but such an object: another key set, duplicate keys,
 * another form id, an empty or over-long field, a control character, a date that does not
 * exist, more than PORTAL_FORM_MAX_LEN bytes. */
PortalApplication *portal_application_parse(const char *text, gsize len, GError **error);
void portal_application_free(PortalApplication *application);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PortalApplication, portal_application_free)
/* A new JSON object with the fields under their text keys (without "form"). */
json_t *portal_application_to_json(const PortalApplication *application);

/* Who signed, once a signature is verified. */
typedef struct {
	JpkiCert *certificate;
	JpkiHolderAttributes *holder;
	GDateTime *signing_time; /* NULL for a raw signature or a CMS without one */
	JpkiHashAlg alg;
} PortalSigner;

void portal_signer_free(PortalSigner *signer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PortalSigner, portal_signer_free)

/* SHA-256 of the form text's exact bytes: what the page has the card sign, what its 照合コード
 * is computed from, and what the reply to a signed application reports. */
void portal_form_digest(const char *text, gsize len, guint8 digest[32]);

/* A detached CMS SignedData (DER) over `content`: jpki_cms_verify_detached() against the
 * anchors of `anchors`, whose digest of `content` the portal computes itself; then the signer's
 * certificate through jpki_cert_verify() against `anchors` now (JPKI_ERROR_CERTIFICATE_REVOKED
 * when a current CRL of its issuer lists it), and the signature's origin attribute must be
 * `origin`, the portal's own (JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH for another site's or none:
 * the portal requires it). Then the signer must be a JPKI signing certificate
 * (PORTAL_ERROR_NOT_SIGNING_CERTIFICATE without holder attributes). */
PortalSigner *portal_verify_cms(GBytes *cms, GBytes *content, const char *origin,
				JpkiTrustStore *anchors, GError **error);
/* A raw RSASSA-PKCS1-v1_5 SHA-256 signature over `content` by `certificate_der`: the
 * certificate must parse (JPKI_ERROR_INVALID_INPUT), hold an RSA key and holder attributes
 * (PORTAL_ERROR_NOT_SIGNING_CERTIFICATE), the signature must verify
 * (JPKI_ERROR_SIGNATURE_INVALID), and the certificate must chain to `anchors` now, not be
 * listed in their CRLs (jpki_cert_verify() errors). */
PortalSigner *portal_verify_raw(GBytes *signature, GBytes *certificate_der, GBytes *content,
				JpkiTrustStore *anchors, GError **error);
