/* JpkiCert: one X.509 certificate, its names, dates, renewal window and holder attributes. */
#include "cert.h"

#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "openssl_error.h"
#include "x509_io.h"

#include <openssl/err.h>
#include <string.h>

struct _JpkiCert {
	X509 *x509;
	GBytes *der;
	JpkiCertDates dates;
};

static char *
hex_upper(const guint8 *data, gsize len)
{
	GString *hex = g_string_sized_new(len * 2 + 1);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf(hex, "%02X", data[i]);
	return g_string_free(hex, FALSE);
}

/* Takes `x509`; `der` is its encoding. */
static JpkiCert *
cert_new_take(X509 *x509, GBytes *der, GError **error)
{
	g_autoptr(JpkiCert) cert = g_new0(JpkiCert, 1);
	cert->x509 = x509;
	cert->der = g_bytes_ref(der);
	if (!jpki_cert_dates_from_der(der, &cert->dates, error))
		return NULL;
	return g_steal_pointer(&cert);
}

JpkiCert *
jpki_cert_new_from_der(GBytes *der, GError **error)
{
	g_return_val_if_fail(der != NULL, NULL);
	X509 *x509 = jpki_x509_from_der(der, error);
	if (x509 == NULL)
		return NULL;
	return cert_new_take(x509, der, error);
}

JpkiCert *
jpki_cert_new_from_file(const char *path, GError **error)
{
	g_return_val_if_fail(path != NULL, NULL);
	g_autoptr(GPtrArray) certs = jpki_x509_read_file(path, error);
	if (certs == NULL)
		return NULL;
	g_autoptr(X509) x509 = g_ptr_array_steal_index(certs, 0);
	unsigned char *der = NULL;
	int der_len = i2d_X509(x509, &der);
	if (der_len <= 0) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT, "%s: %s", path,
			    jpki_openssl_take_reason());
		return NULL;
	}
	g_autoptr(GBytes) der_bytes = g_bytes_new(der, (gsize)der_len);
	OPENSSL_free(der);
	return cert_new_take(g_steal_pointer(&x509), der_bytes, error);
}

void
jpki_cert_free(JpkiCert *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->x509);
	g_clear_pointer(&cert->der, g_bytes_unref);
	jpki_cert_dates_clear(&cert->dates);
	g_free(cert);
}

X509 *
jpki_cert_get_x509(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	return cert->x509;
}

EVP_PKEY *
jpki_cert_get_rsa_key(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	EVP_PKEY *key = X509_get0_pubkey(cert->x509);
	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		ERR_clear_error();
		return NULL;
	}
	return key;
}

GBytes *
jpki_cert_get_der(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	return cert->der;
}

/* RFC 2253 escaping and short names, but in certificate order, ", " between RDNs, and
 * non-ASCII passed through as UTF-8 rather than as \XX escapes of each byte. */
char *
jpki_x509_name_dup_line(const X509_NAME *name)
{
	g_return_val_if_fail(name != NULL, NULL);
	const unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) |
				    XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
				    XN_FLAG_DUMP_UNKNOWN_FIELDS;
	g_autoptr(BIO) bio = BIO_new(BIO_s_mem());
	if (bio == NULL || X509_NAME_print_ex(bio, name, 0, flags) < 0) {
		ERR_clear_error();
		return g_strdup("");
	}
	char *data = NULL;
	long len = BIO_get_mem_data(bio, &data);
	if (data == NULL || len <= 0)
		return g_strdup("");
	/* OpenSSL converts each string type to UTF-8 but does not promise valid output. */
	return g_utf8_make_valid(data, len);
}

char *
jpki_cert_dup_subject(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	return jpki_x509_name_dup_line(X509_get_subject_name(cert->x509));
}

char *
jpki_cert_dup_issuer(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	return jpki_x509_name_dup_line(X509_get_issuer_name(cert->x509));
}

char *
jpki_cert_dup_serial_hex(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	g_autoptr(BIGNUM) serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert->x509), NULL);
	char *hex = serial != NULL ? BN_bn2hex(serial) : NULL;
	if (hex == NULL) {
		ERR_clear_error();
		return NULL;
	}
	char *copy = g_strdup(hex);
	OPENSSL_free(hex);
	return copy;
}

char *
jpki_cert_dup_fingerprint_sha256(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	guint8 digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	gsize len = 0;
	const guint8 *der = g_bytes_get_data(cert->der, &len);
	if (EVP_Digest(der, len, digest, &digest_len, EVP_sha256(), NULL) != 1) {
		ERR_clear_error();
		return NULL;
	}
	return hex_upper(digest, digest_len);
}

GDateTime *
jpki_cert_get_not_before(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	return cert->dates.not_before;
}

GDateTime *
jpki_cert_get_not_after(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	return cert->dates.not_after;
}

GDateTime *
jpki_cert_renewal_from(JpkiCert *cert)
{
	g_return_val_if_fail(cert != NULL, NULL);
	return jpki_cert_dates_renewal_from(&cert->dates);
}

JpkiCertValidity
jpki_cert_validity_at(JpkiCert *cert, GDateTime *at)
{
	g_return_val_if_fail(cert != NULL, JPKI_CERT_EXPIRED);
	return jpki_cert_dates_validity_at(&cert->dates, at);
}

/* In the order of JpkiHolderAttributes. */
static const char *const holder_attribute_oids[] = {
	"1.2.392.200149.8.5.5.1", "1.2.392.200149.8.5.5.2", "1.2.392.200149.8.5.5.3",
	"1.2.392.200149.8.5.5.4", "1.2.392.200149.8.5.5.5", "1.2.392.200149.8.5.5.6",
};

static int
holder_attribute_index(const ASN1_OBJECT *oid)
{
	char text[64];
	int len = OBJ_obj2txt(text, sizeof(text), oid, 1);
	if (len <= 0 || (gsize)len >= sizeof(text))
		return -1;
	for (guint i = 0; i < G_N_ELEMENTS(holder_attribute_oids); i++) {
		if (strcmp(text, holder_attribute_oids[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* The card writes UTF8String; other ASN.1 string types are converted rather than refused. */
static char *
holder_attribute_value(const ASN1_TYPE *value, const char *oid, GError **error)
{
	unsigned char *utf8 = NULL;
	int len = -1;
	switch (value != NULL ? value->type : V_ASN1_UNDEF) {
	case V_ASN1_UTF8STRING:
	case V_ASN1_PRINTABLESTRING:
	case V_ASN1_IA5STRING:
	case V_ASN1_BMPSTRING:
	case V_ASN1_UNIVERSALSTRING:
		len = ASN1_STRING_to_UTF8(&utf8, value->value.asn1_string);
		break;
	default:
		break;
	}
	/* g_utf8_validate() over `len` bytes also refuses an embedded NUL. */
	if (len < 0 || !g_utf8_validate((const char *)utf8, len, NULL)) {
		OPENSSL_free(utf8);
		ERR_clear_error();
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "holder attribute %s is not a valid string", oid);
		return NULL;
	}
	char *copy = g_strndup((const char *)utf8, (gsize)len);
	OPENSSL_free(utf8);
	return copy;
}

JpkiHolderAttributes *
jpki_cert_get_holder_attributes(JpkiCert *cert, GError **error)
{
	g_return_val_if_fail(cert != NULL, NULL);
	int critical = 0;
	g_autoptr(GENERAL_NAMES) names =
		X509_get_ext_d2i(cert->x509, NID_subject_alt_name, &critical, NULL);
	/* -1: no subjectAltName at all, which is what an authentication certificate has. */
	if (names == NULL && critical != -1) {
		ERR_clear_error();
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the subjectAltName is unreadable or appears twice");
		return NULL;
	}

	g_autoptr(JpkiHolderAttributes) attrs = g_new0(JpkiHolderAttributes, 1);
	char **fields[] = {&attrs->name,       &attrs->name_substitute, &attrs->sex,
			   &attrs->birth_date, &attrs->address,         &attrs->address_substitute};
	G_STATIC_ASSERT(G_N_ELEMENTS(fields) == G_N_ELEMENTS(holder_attribute_oids));
	gboolean found = FALSE;
	for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *general_name = sk_GENERAL_NAME_value(names, i);
		if (general_name->type != GEN_OTHERNAME)
			continue;
		int index = holder_attribute_index(general_name->d.otherName->type_id);
		if (index < 0)
			continue;
		const char *oid = holder_attribute_oids[index];
		if (*fields[index] != NULL) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "holder attribute %s appears twice", oid);
			return NULL;
		}
		*fields[index] =
			holder_attribute_value(general_name->d.otherName->value, oid, error);
		if (*fields[index] == NULL)
			return NULL;
		found = TRUE;
	}
	if (!found) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the certificate carries no holder attributes "
				    "(only the signing certificate does)");
		return NULL;
	}
	return g_steal_pointer(&attrs);
}

void
jpki_holder_attributes_free(JpkiHolderAttributes *attrs)
{
	if (attrs == NULL)
		return;
	g_free(attrs->name);
	g_free(attrs->name_substitute);
	g_free(attrs->sex);
	g_free(attrs->birth_date);
	g_free(attrs->address);
	g_free(attrs->address_substitute);
	g_free(attrs);
}

const char *
jpki_sex_describe(const char *code, gboolean japanese)
{
	if (g_strcmp0(code, "1") == 0)
		return japanese ? "男性" : "male";
	if (g_strcmp0(code, "2") == 0)
		return japanese ? "女性" : "female";
	if (g_strcmp0(code, "9") == 0)
		return japanese ? "適用不能" : "not applicable";
	return NULL;
}
