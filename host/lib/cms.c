#include "cms.h"

#include "asn1_time.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "openssl_error.h"

#include <openssl/asn1t.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <string.h>

/* Stacks have no type name of their own; these let g_autoptr() hold them. */
typedef STACK_OF(X509) CmsCertList;
typedef STACK_OF(X509_ATTRIBUTE) CmsAttributeView;

static void
cms_cert_list_free(CmsCertList *certs)
{
	sk_X509_pop_free(certs, X509_free);
}

/* Borrows its attributes: frees the stack only. */
static void
cms_attribute_view_free(CmsAttributeView *view)
{
	sk_X509_ATTRIBUTE_free(view);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CmsCertList, cms_cert_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CmsAttributeView, cms_attribute_view_free)

/* The signature covers the signed attributes as a DER SET OF (RFC 5652, 5.4), so sorted by
 * their encodings. OpenSSL sorts its SET OF templates the same way, and the SignerInfo it
 * writes encodes [0] signedAttrs with the same sort, so the two can never differ. */
/* clang-format off */
ASN1_ITEM_TEMPLATE(CmsSignedAttributesSet) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_OF, 0, CmsSignedAttributes, X509_ATTRIBUTE)
static_ASN1_ITEM_TEMPLATE_END(CmsSignedAttributesSet);
/* clang-format on */

/* Every signed attribute of `si`, borrowed, in the order the SignerInfo holds them. */
static CmsAttributeView *
signed_attributes_of(CMS_SignerInfo *si)
{
	CmsAttributeView *view = sk_X509_ATTRIBUTE_new_null();
	if (view == NULL)
		return NULL;
	for (int i = 0; i < CMS_signed_get_attr_count(si); i++) {
		if (sk_X509_ATTRIBUTE_push(view, CMS_signed_get_attr(si, i)) <= 0) {
			sk_X509_ATTRIBUTE_free(view);
			return NULL;
		}
	}
	return view;
}

static GBytes *
signed_attributes_der(CMS_SignerInfo *si)
{
	g_autoptr(CmsAttributeView) view = signed_attributes_of(si);
	if (view == NULL)
		return NULL;
	unsigned char *der = NULL;
	int len = ASN1_item_i2d((const ASN1_VALUE *)view, &der,
				ASN1_ITEM_rptr(CmsSignedAttributesSet));
	if (len <= 0)
		return NULL;
	GBytes *out = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return out;
}

static gboolean
add_signing_time(CMS_SignerInfo *si, GDateTime *signing_time)
{
	/* UTCTime from 1950 to 2049, GeneralizedTime otherwise, as RFC 5652 11.3 asks. */
	g_autoptr(ASN1_TIME) when = ASN1_TIME_set(NULL, (time_t)g_date_time_to_unix(signing_time));
	if (when == NULL)
		return FALSE;
	return CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, when->type, when, -1) > 0;
}

/* ESSCertIDv2 with hashAlgorithm left out (SHA-256 is its DEFAULT) and issuerSerial set. */
static gboolean
add_signing_certificate_v2(CMS_SignerInfo *si, X509 *signer)
{
	g_autoptr(ESS_SIGNING_CERT_V2) ess =
		OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), signer, NULL, 1);
	if (ess == NULL)
		return FALSE;
	unsigned char *der = NULL;
	int len = i2d_ESS_SIGNING_CERT_V2(ess, &der);
	if (len <= 0)
		return FALSE;
	/* A V_ASN1_SEQUENCE value is written as the complete DER it holds. */
	int added = CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
						V_ASN1_SEQUENCE, der, len);
	OPENSSL_free(der);
	return added > 0;
}

/* The origin attribute's OID, made anew for each use: it has no NID in OpenSSL's table, and
 * registering one would change process-wide state under the program that links us. */
static ASN1_OBJECT *
origin_oid(void)
{
	return OBJ_txt2obj(JPKI_CMS_ORIGIN_OID, 1);
}

/* What an origin attribute may hold: "https://host[:port]" is printable ASCII. */
static gboolean
is_origin_text(const guint8 *text, gsize len)
{
	if (len == 0 || len > JPKI_CMS_ORIGIN_MAX_LEN)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (text[i] < 0x21 || text[i] > 0x7e)
			return FALSE;
	}
	return TRUE;
}

static gboolean
add_origin(CMS_SignerInfo *si, const char *origin)
{
	g_autoptr(ASN1_OBJECT) oid = origin_oid();
	return oid != NULL && CMS_signed_add1_attr_by_OBJ(si, oid, V_ASN1_UTF8STRING, origin,
							  (int)strlen(origin)) > 0;
}

static gboolean
add_signed_attributes(CMS_SignerInfo *si, X509 *signer, GBytes *content_digest,
		      GDateTime *signing_time, const char *origin)
{
	gsize digest_len = 0;
	const guint8 *digest = g_bytes_get_data(content_digest, &digest_len);
	return CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					   OBJ_nid2obj(NID_pkcs7_data), -1) > 0 &&
	       add_signing_time(si, signing_time) &&
	       CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest,
					   (int)digest_len) > 0 &&
	       add_signing_certificate_v2(si, signer) && (origin == NULL || add_origin(si, origin));
}

static GBytes *
call_signer(JpkiSignFunc sign, gpointer user_data, GBytes *digest_info, GError **error)
{
	GError *sign_error = NULL;
	GBytes *signature = sign(digest_info, user_data, &sign_error);
	if (signature != NULL) {
		g_clear_error(&sign_error);
		return signature;
	}
	if (sign_error != NULL)
		g_propagate_error(error, sign_error);
	else
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CARD,
				    "the signer returned no signature and no reason");
	return NULL;
}

GBytes *
jpki_cms_sign_detached(X509 *signer, JpkiHashAlg alg, GBytes *content_digest,
		       GDateTime *signing_time, const char *origin, JpkiSignFunc sign,
		       gpointer user_data, GError **error)
{
	g_return_val_if_fail(signer != NULL, NULL);
	g_return_val_if_fail(content_digest != NULL, NULL);
	g_return_val_if_fail(signing_time != NULL, NULL);
	g_return_val_if_fail(sign != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (g_bytes_get_size(content_digest) != jpki_hash_length(alg)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "a %s digest is %" G_GSIZE_FORMAT " bytes, not %" G_GSIZE_FORMAT,
			    jpki_hash_name(alg), jpki_hash_length(alg),
			    g_bytes_get_size(content_digest));
		return NULL;
	}
	if (origin != NULL && !is_origin_text((const guint8 *)origin, strlen(origin))) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the origin to sign is empty, too long or not printable ASCII");
		return NULL;
	}
	EVP_PKEY *public_key = X509_get0_pubkey(signer);
	if (public_key == NULL || !EVP_PKEY_is_a(public_key, "RSA")) {
		ERR_clear_error();
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the signer certificate does not hold an RSA key");
		return NULL;
	}

	/* The public key stands in for the card's private key: CMS_add1_signer only compares
	 * it with the certificate's, and CMS_PARTIAL keeps OpenSSL from signing. */
	g_autoptr(CMS_ContentInfo) cms = CMS_ContentInfo_new();
	if (cms == NULL || !CMS_SignedData_init(cms) || !CMS_set_detached(cms, 1)) {
		jpki_openssl_set_error(error, JPKI_ERROR_INVALID_INPUT,
				       "cannot start a SignedData");
		return NULL;
	}
	CMS_SignerInfo *si = CMS_add1_signer(cms, signer, public_key, jpki_hash_md(alg),
					     CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP);
	if (si == NULL ||
	    !add_signed_attributes(si, signer, content_digest, signing_time, origin)) {
		jpki_openssl_set_error(error, JPKI_ERROR_INVALID_INPUT,
				       "cannot describe the signer");
		return NULL;
	}

	g_autoptr(GBytes) attributes = signed_attributes_der(si);
	if (attributes == NULL) {
		jpki_openssl_set_error(error, JPKI_ERROR_INVALID_INPUT,
				       "cannot encode the signed attributes");
		return NULL;
	}
	guint8 hash[EVP_MAX_MD_SIZE];
	unsigned int hash_len = 0;
	if (EVP_Digest(g_bytes_get_data(attributes, NULL), g_bytes_get_size(attributes), hash,
		       &hash_len, jpki_hash_md(alg), NULL) != 1) {
		jpki_openssl_set_error(error, JPKI_ERROR_INVALID_INPUT,
				       "cannot hash the signed attributes");
		return NULL;
	}
	g_autoptr(GBytes) digest_info = jpki_digestinfo_build(alg, hash, hash_len, error);
	if (digest_info == NULL)
		return NULL;

	g_autoptr(GBytes) signature = call_signer(sign, user_data, digest_info, error);
	if (signature == NULL)
		return NULL;
	/* Checked before it goes out: a card whose key is not the certificate's would otherwise
	 * produce a signature nobody can verify. */
	if (!jpki_digestinfo_verify_signature(public_key, digest_info, signature, error))
		return NULL;
	if (!ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), g_bytes_get_data(signature, NULL),
			     (int)g_bytes_get_size(signature))) {
		jpki_openssl_set_error(error, JPKI_ERROR_INVALID_INPUT,
				       "cannot store the signature");
		return NULL;
	}

	unsigned char *der = NULL;
	int der_len = i2d_CMS_ContentInfo(cms, &der);
	if (der_len <= 0) {
		jpki_openssl_set_error(error, JPKI_ERROR_INVALID_INPUT,
				       "cannot encode the SignedData");
		return NULL;
	}
	GBytes *out = g_bytes_new(der, (gsize)der_len);
	OPENSSL_free(der);
	return out;
}

void
jpki_cms_signer_info_free(JpkiCmsSignerInfo *info)
{
	if (info == NULL)
		return;
	X509_free(info->signer);
	if (info->signing_time != NULL)
		g_date_time_unref(info->signing_time);
	g_free(info->origin);
	g_free(info);
}

static gboolean
looks_like_pem(const guint8 *data, gsize len)
{
	static const char begin[] = "-----BEGIN ";
	gsize i = 0;
	while (i < len && g_ascii_isspace(data[i]))
		i++;
	return len - i >= strlen(begin) && memcmp(data + i, begin, strlen(begin)) == 0;
}

/* DER (one ContentInfo, nothing after it) or PEM; "PKCS7" PEM is read as CMS too. */
static CMS_ContentInfo *
parse_content_info(GBytes *bytes, GError **error)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(bytes, &len);
	if (len == 0 || len > G_MAXINT) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "a signature of %" G_GSIZE_FORMAT " bytes", len);
		return NULL;
	}
	CMS_ContentInfo *cms = NULL;
	if (looks_like_pem(data, len)) {
		g_autoptr(BIO) bio = BIO_new_mem_buf(data, (int)len);
		cms = bio != NULL ? PEM_read_bio_CMS(bio, NULL, NULL, NULL) : NULL;
	} else {
		const unsigned char *p = data;
		cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
		if (cms != NULL && p != data + len) {
			CMS_ContentInfo_free(cms);
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "%" G_GSIZE_FORMAT " bytes after the signature",
				    (gsize)(data + len - p));
			return NULL;
		}
	}
	if (cms == NULL)
		jpki_openssl_set_error(error, JPKI_ERROR_INVALID_INPUT, "not a CMS signature");
	return cms;
}

/* The one SignerInfo of a detached SignedData, with signed attributes and its certificate
 * (which OpenSSL then holds as the SignerInfo's signer). */
static CMS_SignerInfo *
single_signer(CMS_ContentInfo *cms, GError **error)
{
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the CMS structure is not a SignedData");
		return NULL;
	}
	if (CMS_is_detached(cms) != 1) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the signature carries its content: not a detached signature");
		return NULL;
	}
	STACK_OF(CMS_SignerInfo) *signers = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(signers) != 1) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "%d signers; exactly one is supported",
			    MAX(sk_CMS_SignerInfo_num(signers), 0));
		return NULL;
	}
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(signers, 0);
	if (CMS_signed_get_attr_count(si) <= 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the signature has no signed attributes: not CAdES");
		return NULL;
	}
	X509 *signer = NULL;
	if (CMS_set1_signers_certs(cms, NULL, 0) < 0)
		ERR_clear_error();
	CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
	if (signer == NULL) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the signature does not carry its signer's certificate");
		return NULL;
	}
	return si;
}

static gboolean
signer_hash_alg(CMS_SignerInfo *si, JpkiHashAlg *alg, GError **error)
{
	X509_ALGOR *digest_alg = NULL;
	const ASN1_OBJECT *oid = NULL;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &digest_alg, NULL);
	X509_ALGOR_get0(&oid, NULL, NULL, digest_alg);
	switch (OBJ_obj2nid(oid)) {
	case NID_sha256:
		*alg = JPKI_HASH_SHA256;
		return TRUE;
	case NID_sha384:
		*alg = JPKI_HASH_SHA384;
		return TRUE;
	case NID_sha512:
		*alg = JPKI_HASH_SHA512;
		return TRUE;
	default: {
		char name[80] = "";
		OBJ_obj2txt(name, sizeof(name), oid, 0);
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "the digest algorithm %s is not supported", name);
		return FALSE;
	}
	}
}

/* The value of a signed attribute that must be single and single-valued, or NULL; then
 * `*malformed` (if given) tells an attribute that is there, but repeated, or without exactly
 * one value of `type`, from an absent one. */
static void *
single_attribute_value_of(CMS_SignerInfo *si, const ASN1_OBJECT *oid, int type, gboolean *malformed)
{
	gboolean present = CMS_signed_get_attr_by_OBJ(si, oid, -1) >= 0;
	void *value = present ? CMS_signed_get0_data_by_OBJ(si, oid, -3, type) : NULL;
	if (malformed != NULL)
		*malformed = present && value == NULL;
	return value;
}

static void *
single_attribute_value(CMS_SignerInfo *si, int nid, int type, gboolean *malformed)
{
	return single_attribute_value_of(si, OBJ_nid2obj(nid), type, malformed);
}

static void
set_malformed_attribute_error(GError **error, int nid)
{
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
		    "the signed attribute %s is malformed or repeated", OBJ_nid2sn(nid));
}

static gboolean
check_attribute_signature(CMS_ContentInfo *cms, CMS_SignerInfo *si, GError **error)
{
	if (CMS_SignerInfo_verify(si) != 1) {
		jpki_openssl_set_error(error, JPKI_ERROR_SIGNATURE_INVALID,
				       "the signature does not verify");
		return FALSE;
	}
	ASN1_OBJECT *content_type =
		single_attribute_value(si, NID_pkcs9_contentType, V_ASN1_OBJECT, NULL);
	if (content_type == NULL) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the contentType attribute is missing or malformed");
		return FALSE;
	}
	if (OBJ_cmp(content_type, CMS_get0_eContentType(cms)) != 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
				    "the signed content type is not the content's");
		return FALSE;
	}
	return TRUE;
}

static gboolean
check_message_digest(CMS_SignerInfo *si, const guint8 *digest, gsize len, GError **error)
{
	ASN1_OCTET_STRING *signed_digest =
		single_attribute_value(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, NULL);
	if (signed_digest == NULL) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the messageDigest attribute is missing or malformed");
		return FALSE;
	}
	if ((gsize)ASN1_STRING_length(signed_digest) != len ||
	    CRYPTO_memcmp(ASN1_STRING_get0_data(signed_digest), digest, len) != 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID,
				    "the content is not the one that was signed");
		return FALSE;
	}
	return TRUE;
}

static void
set_chain_error(GError **error, int code, int depth)
{
	const char *reason = X509_verify_cert_error_string(code);
	const char *which = depth == 0 ? "the signer certificate" : "a CA certificate";
	switch (code) {
	case X509_V_ERR_CERT_REVOKED:
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_REVOKED, "%s is revoked",
			    which);
		return;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_EXPIRED, "%s has expired",
			    which);
		return;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_NOT_YET_VALID,
			    "%s is not valid yet", which);
		return;
	default:
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_UNTRUSTED,
			    "%s is not trusted: %s", which, reason);
		return;
	}
}

/* The verified chain, signer first. */
static CmsCertList *
verify_chain(CMS_ContentInfo *cms, X509 *signer, X509_STORE *anchors, GError **error)
{
	g_autoptr(CmsCertList) carried = CMS_get1_certs(cms);
	g_autoptr(X509_STORE_CTX) ctx = X509_STORE_CTX_new();
	if (ctx == NULL || !X509_STORE_CTX_init(ctx, anchors, signer, carried) ||
	    !X509_STORE_CTX_set_default(ctx, "smime_sign")) {
		jpki_openssl_set_error(error, JPKI_ERROR_CERTIFICATE_UNTRUSTED,
				       "cannot check the signer certificate");
		return NULL;
	}
	if (X509_verify_cert(ctx) != 1) {
		set_chain_error(error, X509_STORE_CTX_get_error(ctx),
				X509_STORE_CTX_get_error_depth(ctx));
		ERR_clear_error();
		return NULL;
	}
	return X509_STORE_CTX_get1_chain(ctx);
}

/* RFC 5035: the first ESSCertID(v2) names the signer certificate, further ones certificates
 * of its chain. Either attribute may be absent (OpenSSL signs without them by default). */
static gboolean
check_signing_certificates(CMS_SignerInfo *si, CmsCertList *chain, GError **error)
{
	gboolean malformed = FALSE;
	ASN1_STRING *v1 = single_attribute_value(si, NID_id_smime_aa_signingCertificate,
						 V_ASN1_SEQUENCE, &malformed);
	if (malformed) {
		set_malformed_attribute_error(error, NID_id_smime_aa_signingCertificate);
		return FALSE;
	}
	ASN1_STRING *v2 = single_attribute_value(si, NID_id_smime_aa_signingCertificateV2,
						 V_ASN1_SEQUENCE, &malformed);
	if (malformed) {
		set_malformed_attribute_error(error, NID_id_smime_aa_signingCertificateV2);
		return FALSE;
	}
	g_autoptr(ESS_SIGNING_CERT) ess_v1 = NULL;
	g_autoptr(ESS_SIGNING_CERT_V2) ess_v2 = NULL;
	if (v1 != NULL) {
		const unsigned char *p = ASN1_STRING_get0_data(v1);
		ess_v1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(v1));
		if (ess_v1 == NULL) {
			ERR_clear_error();
			set_malformed_attribute_error(error, NID_id_smime_aa_signingCertificate);
			return FALSE;
		}
	}
	if (v2 != NULL) {
		const unsigned char *p = ASN1_STRING_get0_data(v2);
		ess_v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(v2));
		if (ess_v2 == NULL) {
			ERR_clear_error();
			set_malformed_attribute_error(error, NID_id_smime_aa_signingCertificateV2);
			return FALSE;
		}
	}
	if (OSSL_ESS_check_signing_certs(ess_v1, ess_v2, chain, 0) != 1) {
		jpki_openssl_set_error(
			error, JPKI_ERROR_SIGNATURE_INVALID,
			"the signing certificate attribute names another certificate");
		return FALSE;
	}
	return TRUE;
}

/* NULL without an error when the signature carries no signingTime. */
static gboolean
read_signing_time(CMS_SignerInfo *si, GDateTime **out, GError **error)
{
	*out = NULL;
	int loc = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	if (loc < 0)
		return TRUE;
	X509_ATTRIBUTE *attribute = CMS_signed_get_attr(si, loc);
	ASN1_TYPE *value = X509_ATTRIBUTE_get0_type(attribute, 0);
	if (CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, loc) >= 0 ||
	    X509_ATTRIBUTE_count(attribute) != 1 || value == NULL ||
	    (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME)) {
		set_malformed_attribute_error(error, NID_pkcs9_signingTime);
		return FALSE;
	}
	*out = jpki_asn1_time_to_utc((const ASN1_TIME *)value->value.asn1_string);
	if (*out == NULL) {
		set_malformed_attribute_error(error, NID_pkcs9_signingTime);
		return FALSE;
	}
	return TRUE;
}

/* NULL without an error when the signature carries no origin attribute. */
static gboolean
read_origin(CMS_SignerInfo *si, char **out, GError **error)
{
	*out = NULL;
	g_autoptr(ASN1_OBJECT) oid = origin_oid();
	if (oid == NULL) {
		jpki_openssl_set_error(error, JPKI_ERROR_INTERNAL, "cannot make the origin OID");
		return FALSE;
	}
	gboolean malformed = FALSE;
	ASN1_UTF8STRING *value = single_attribute_value_of(si, oid, V_ASN1_UTF8STRING, &malformed);
	if (value == NULL && !malformed)
		return TRUE;
	if (value == NULL ||
	    !is_origin_text(ASN1_STRING_get0_data(value), (gsize)ASN1_STRING_length(value))) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the signed origin attribute is malformed or repeated");
		return FALSE;
	}
	*out = g_strndup((const char *)ASN1_STRING_get0_data(value),
			 (gsize)ASN1_STRING_length(value));
	return TRUE;
}

static JpkiCmsSignerInfo *
verify_signer(CMS_ContentInfo *cms, CMS_SignerInfo *si, JpkiHashAlg alg, const guint8 *digest,
	      gsize digest_len, X509_STORE *anchors, GError **error)
{
	X509 *signer = NULL;
	CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
	if (!check_attribute_signature(cms, si, error))
		return NULL;
	if (!check_message_digest(si, digest, digest_len, error))
		return NULL;
	g_autoptr(CmsCertList) chain = verify_chain(cms, signer, anchors, error);
	if (chain == NULL)
		return NULL;
	if (!check_signing_certificates(si, chain, error))
		return NULL;
	g_autoptr(JpkiCmsSignerInfo) info = g_new0(JpkiCmsSignerInfo, 1);
	if (!read_signing_time(si, &info->signing_time, error) ||
	    !read_origin(si, &info->origin, error))
		return NULL;
	X509_up_ref(signer);
	info->signer = signer;
	info->alg = alg;
	return g_steal_pointer(&info);
}

/* The SignedData, its one SignerInfo (borrowed from it) and that signer's hash. */
static CMS_ContentInfo *
open_signed_data(GBytes *cms, CMS_SignerInfo **si, JpkiHashAlg *alg, GError **error)
{
	g_autoptr(CMS_ContentInfo) parsed = parse_content_info(cms, error);
	if (parsed == NULL)
		return NULL;
	*si = single_signer(parsed, error);
	if (*si == NULL || !signer_hash_alg(*si, alg, error))
		return NULL;
	return g_steal_pointer(&parsed);
}

JpkiCmsSignerInfo *
jpki_cms_verify_detached(GBytes *cms, GBytes *content, X509_STORE *anchors, GError **error)
{
	g_return_val_if_fail(cms != NULL, NULL);
	g_return_val_if_fail(content != NULL, NULL);
	g_return_val_if_fail(anchors != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	CMS_SignerInfo *si = NULL;
	JpkiHashAlg alg = JPKI_HASH_SHA256;
	g_autoptr(CMS_ContentInfo) parsed = open_signed_data(cms, &si, &alg, error);
	if (parsed == NULL)
		return NULL;
	guint8 digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	if (EVP_Digest(g_bytes_get_data(content, NULL), g_bytes_get_size(content), digest,
		       &digest_len, jpki_hash_md(alg), NULL) != 1) {
		jpki_openssl_set_error(error, JPKI_ERROR_INVALID_INPUT, "cannot hash the content");
		return NULL;
	}
	return verify_signer(parsed, si, alg, digest, digest_len, anchors, error);
}

JpkiCmsSignerInfo *
jpki_cms_verify_detached_digest(GBytes *cms, JpkiHashAlg alg, GBytes *content_digest,
				X509_STORE *anchors, GError **error)
{
	g_return_val_if_fail(cms != NULL, NULL);
	g_return_val_if_fail(content_digest != NULL, NULL);
	g_return_val_if_fail(anchors != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	gsize digest_len = 0;
	const guint8 *digest = g_bytes_get_data(content_digest, &digest_len);
	if (digest_len != jpki_hash_length(alg)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "a %s digest is %" G_GSIZE_FORMAT " bytes, not %" G_GSIZE_FORMAT,
			    jpki_hash_name(alg), jpki_hash_length(alg), digest_len);
		return NULL;
	}
	CMS_SignerInfo *si = NULL;
	JpkiHashAlg signed_alg = JPKI_HASH_SHA256;
	g_autoptr(CMS_ContentInfo) parsed = open_signed_data(cms, &si, &signed_alg, error);
	if (parsed == NULL)
		return NULL;
	if (signed_alg != alg) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "the signature uses %s, the digest given is %s",
			    jpki_hash_name(signed_alg), jpki_hash_name(alg));
		return NULL;
	}
	return verify_signer(parsed, si, alg, digest, digest_len, anchors, error);
}

gboolean
jpki_cms_signer_info_check_origin(const JpkiCmsSignerInfo *info, const char *expected_origin,
				  GError **error)
{
	g_return_val_if_fail(info != NULL && expected_origin != NULL, FALSE);
	if (info->origin == NULL) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH,
			    "the signature names no origin; %s expects its own", expected_origin);
		return FALSE;
	}
	if (strcmp(info->origin, expected_origin) != 0) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH,
			    "the signature was made for %s, not %s", info->origin, expected_origin);
		return FALSE;
	}
	return TRUE;
}
