#include "application.h"

#include "cms.h"
#include "jansson_autoptr.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "portal_error.h"

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <string.h>

void
portal_application_free(PortalApplication *application)
{
	if (application == NULL)
		return;
	g_free(application->name);
	g_free(application->move_date);
	g_free(application->previous_address);
	g_free(application->new_address);
	g_free(application->household_head);
	g_free(application);
}

static gboolean
field_is_valid(const char *value)
{
	glong chars = g_utf8_strlen(value, -1);
	if (chars < 1 || chars > PORTAL_FIELD_MAX_CHARS)
		return FALSE;
	/* No line breaks, tabs or other controls: each field is one line on the form. */
	for (const char *p = value; *p != '\0'; p = g_utf8_next_char(p)) {
		if (g_unichar_iscntrl(g_utf8_get_char(p)))
			return FALSE;
	}
	return TRUE;
}

static gboolean
date_is_valid(const char *text)
{
	guint year = 0, month = 0, day = 0;
	char rest = '\0';
	if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
	    sscanf(text, "%4u-%2u-%2u%c", &year, &month, &day, &rest) != 3)
		return FALSE;
	for (guint i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !g_ascii_isdigit(text[i]))
			return FALSE;
	}
	return g_date_valid_dmy((GDateDay)day, (GDateMonth)month, (GDateYear)year);
}

PortalApplication *
portal_application_parse(const char *text, gsize len, GError **error)
{
	if (len > PORTAL_FORM_MAX_LEN) {
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_FORM_INVALID,
			    "the form text is longer than %d bytes", PORTAL_FORM_MAX_LEN);
		return NULL;
	}
	json_error_t json_error;
	g_autoptr(json_t) root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &json_error);
	const char *form = NULL;
	g_autoptr(PortalApplication) application = g_new0(PortalApplication, 1);
	const char *name = NULL, *move_date = NULL, *previous = NULL, *new_address = NULL,
		   *head = NULL;
	if (root == NULL ||
	    json_unpack_ex(root, &json_error, JSON_STRICT, "{s:s, s:s, s:s, s:s, s:s, s:s}", "form",
			   &form, "name", &name, "moveDate", &move_date, "previousAddress",
			   &previous, "newAddress", &new_address, "householdHead", &head) != 0) {
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_FORM_INVALID,
			    "the form text is not the application object: %s", json_error.text);
		return NULL;
	}
	if (strcmp(form, PORTAL_FORM_ID) != 0) {
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_FORM_INVALID,
			    "\"form\" must be \"%s\"", PORTAL_FORM_ID);
		return NULL;
	}
	const struct {
		const char *key;
		const char *value;
	} fields[] = {{"name", name},
		      {"moveDate", move_date},
		      {"previousAddress", previous},
		      {"newAddress", new_address},
		      {"householdHead", head}};
	for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
		if (!field_is_valid(fields[i].value)) {
			g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_FORM_INVALID,
				    "\"%s\" must be 1 to %d characters on one line", fields[i].key,
				    PORTAL_FIELD_MAX_CHARS);
			return NULL;
		}
	}
	if (!date_is_valid(move_date)) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_FORM_INVALID,
				    "\"moveDate\" must be a date, YYYY-MM-DD");
		return NULL;
	}
	application->name = g_strdup(name);
	application->move_date = g_strdup(move_date);
	application->previous_address = g_strdup(previous);
	application->new_address = g_strdup(new_address);
	application->household_head = g_strdup(head);
	return g_steal_pointer(&application);
}

json_t *
portal_application_to_json(const PortalApplication *application)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", application->name, "moveDate",
			 application->move_date, "previousAddress", application->previous_address,
			 "newAddress", application->new_address, "householdHead",
			 application->household_head);
}

void
portal_signer_free(PortalSigner *signer)
{
	if (signer == NULL)
		return;
	g_clear_pointer(&signer->certificate, jpki_cert_free);
	g_clear_pointer(&signer->holder, jpki_holder_attributes_free);
	g_clear_pointer(&signer->signing_time, g_date_time_unref);
	g_free(signer);
}

/* The holder attributes are what make a certificate a JPKI signing certificate: the
 * authentication certificate has none. */
static JpkiHolderAttributes *
signing_holder(JpkiCert *cert, GError **error)
{
	g_autoptr(GError) local = NULL;
	JpkiHolderAttributes *holder = jpki_cert_get_holder_attributes(cert, &local);
	if (holder == NULL) {
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_NOT_SIGNING_CERTIFICATE,
			    "the signer's certificate is not a JPKI signing certificate: %s",
			    local->message);
	}
	return holder;
}

void
portal_form_digest(const char *text, gsize len, guint8 digest[32])
{
	g_autoptr(GChecksum) sha256 = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(sha256, (const guchar *)(text != NULL ? text : ""), (gssize)len);
	gsize digest_len = 32;
	g_checksum_get_digest(sha256, digest, &digest_len);
}

static JpkiCert *
cert_from_x509(X509 *x509, GError **error)
{
	guint8 *der = NULL;
	int len = i2d_X509(x509, &der);
	if (len <= 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the signer's certificate cannot be encoded");
		return NULL;
	}
	g_autoptr(GBytes) bytes = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return jpki_cert_new_from_der(bytes, error);
}

PortalSigner *
portal_verify_cms(GBytes *cms, GBytes *content, const char *origin, JpkiTrustStore *anchors,
		  GError **error)
{
	/* The anchors alone, then the signer's revocation by libjpki (every current CRL of its
	 * issuer), as libjpki-verify does: OpenSSL's CRL check would consult one CRL of an
	 * issuer. */
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(
		cms, content, jpki_trust_store_get_anchor_x509_store(anchors), error);
	if (info == NULL)
		return NULL;
	g_autoptr(PortalSigner) signer = g_new0(PortalSigner, 1);
	signer->certificate = cert_from_x509(info->signer, error);
	/* A revoked certificate is refused as revoked, whatever site the CMS names. */
	if (signer->certificate == NULL ||
	    !jpki_cert_verify(signer->certificate, anchors, NULL, NULL, error) ||
	    !jpki_cms_signer_info_check_origin(info, origin, error))
		return NULL;
	signer->holder = signing_holder(signer->certificate, error);
	if (signer->holder == NULL)
		return NULL;
	if (info->signing_time != NULL)
		signer->signing_time = g_date_time_ref(info->signing_time);
	signer->alg = info->alg;
	return g_steal_pointer(&signer);
}

static gboolean
verify_rsa_sha256(JpkiCert *cert, GBytes *signature, GBytes *content, GError **error)
{
	EVP_PKEY *key = jpki_cert_get_rsa_key(cert);
	if (key == NULL) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NOT_SIGNING_CERTIFICATE,
				    "the certificate's key is not RSA");
		return FALSE;
	}
	gsize sig_len = 0, content_len = 0;
	const guint8 *sig = g_bytes_get_data(signature, &sig_len);
	const guint8 *data = g_bytes_get_data(content, &content_len);
	/* PKCS#1 v1.5 signatures are exactly as long as the modulus. */
	if (sig_len != (gsize)EVP_PKEY_get_size(key)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
			    "the signature is %" G_GSIZE_FORMAT " bytes, the key's modulus %d",
			    sig_len, EVP_PKEY_get_size(key));
		return FALSE;
	}
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pkey_ctx = NULL;
	if (ctx == NULL || EVP_DigestVerifyInit(ctx, &pkey_ctx, EVP_sha256(), NULL, key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) != 1) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_INTERNAL,
				    "cannot set up RSA verification");
		return FALSE;
	}
	if (EVP_DigestVerify(ctx, sig, sig_len, data != NULL ? data : (const guint8 *)"",
			     content_len) != 1) {
		ERR_clear_error();
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
				    "the signature is not the certificate key's RSA PKCS#1 v1.5 "
				    "SHA-256 signature over the form text");
		return FALSE;
	}
	return TRUE;
}

PortalSigner *
portal_verify_raw(GBytes *signature, GBytes *certificate_der, GBytes *content,
		  JpkiTrustStore *anchors, GError **error)
{
	g_autoptr(PortalSigner) signer = g_new0(PortalSigner, 1);
	signer->alg = JPKI_HASH_SHA256;
	signer->certificate = jpki_cert_new_from_der(certificate_der, error);
	if (signer->certificate == NULL)
		return NULL;
	signer->holder = signing_holder(signer->certificate, error);
	if (signer->holder == NULL)
		return NULL;
	if (!verify_rsa_sha256(signer->certificate, signature, content, error))
		return NULL;
	if (!jpki_cert_verify(signer->certificate, anchors, NULL, NULL, error))
		return NULL;
	return g_steal_pointer(&signer);
}
