/* The build's test PKI for cmocka tests (test_pki.h). */
#include "test_pki.h"

#include "openssl_autoptr.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

char *
test_pki_path(const char *file)
{
	return g_build_filename(TEST_PKI_DIR, file, NULL);
}

static BIO *
open_pki_file(const char *file)
{
	g_autofree char *path = test_pki_path(file);
	BIO *bio = BIO_new_file(path, "r");
	assert_non_null(bio);
	return bio;
}

X509 *
test_pki_load_x509(const char *file)
{
	g_autoptr(BIO) bio = open_pki_file(file);
	X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	assert_non_null(cert);
	return cert;
}

GBytes *
test_pki_load_der(const char *file)
{
	g_autoptr(X509) cert = test_pki_load_x509(file);
	unsigned char *der = NULL;
	int len = i2d_X509(cert, &der);
	assert_true(len > 0);
	GBytes *bytes = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return bytes;
}

EVP_PKEY *
test_pki_load_key(const char *file)
{
	g_autoptr(BIO) bio = open_pki_file(file);
	EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	assert_non_null(key);
	return key;
}

EVP_PKEY *
test_pki_load_public_key(const char *cert_file)
{
	g_autoptr(X509) cert = test_pki_load_x509(cert_file);
	EVP_PKEY *key = X509_get_pubkey(cert);
	assert_non_null(key);
	return key;
}

void
test_pki_assert_signature(GBytes *signature, const char *cert_file, const guint8 *message,
			  gsize len)
{
	g_autoptr(EVP_PKEY) key = test_pki_load_public_key(cert_file);
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	EVP_PKEY_CTX *pctx = NULL; /* owned by ctx */
	assert_int_equal(EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, key), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING), 1);
	assert_int_equal(EVP_DigestVerify(ctx, g_bytes_get_data(signature, NULL),
					  g_bytes_get_size(signature), message, len),
			 1);
}

char *
test_pki_write_temp_file(const char *template, const void *data, gsize len)
{
	g_autoptr(GError) error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp(template, &path, &error);
	assert_true(fd >= 0);
	close(fd);
	assert_true(g_file_set_contents(path, data, (gssize)len, &error));
	return path;
}

JpkiCert *
test_pki_load_cert(const char *file)
{
	g_autofree char *path = test_pki_path(file);
	g_autoptr(GError) error = NULL;
	JpkiCert *cert = jpki_cert_new_from_file(path, &error);
	if (cert == NULL)
		fail_msg("cannot load %s: %s", path, error->message);
	return cert;
}

/* A CRL in the name of `ca_pem`, signed with `key_file`, valid from yesterday for 30 days,
 * listing `revoked` (may be NULL). Written to a temporary PEM file; the caller unlinks it. */
char *
test_pki_write_crl(const char *ca_pem, const char *key_file, JpkiCert *revoked)
{
	return test_pki_write_crl_for_scope(ca_pem, key_file, revoked, NULL);
}

/* An issuingDistributionPoint whose distributionPoint is the one name `scope`. */
static void
add_distribution_point(X509_CRL *crl, GENERAL_NAME *scope)
{
	ISSUING_DIST_POINT *idp = ISSUING_DIST_POINT_new();
	idp->distpoint = DIST_POINT_NAME_new();
	idp->distpoint->type = 0; /* fullName */
	idp->distpoint->name.fullname = GENERAL_NAMES_new();
	assert_true(sk_GENERAL_NAME_push(idp->distpoint->name.fullname, scope) > 0);
	assert_int_equal(X509_CRL_add1_ext_i2d(crl, NID_issuing_distribution_point, idp, 1, 0), 1);
	ISSUING_DIST_POINT_free(idp);
}

char *
test_pki_write_crl_for_scope(const char *ca_pem, const char *key_file, JpkiCert *revoked,
			     GENERAL_NAME *scope)
{
	g_autoptr(JpkiCert) ca = test_pki_load_cert(ca_pem);
	g_autoptr(EVP_PKEY) key = test_pki_load_key(key_file);

	g_autoptr(X509_CRL) crl = X509_CRL_new();
	assert_int_equal(X509_CRL_set_version(crl, 1), 1);
	X509 *ca_x509 = jpki_cert_get_x509(ca);
	assert_int_equal(X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca_x509)), 1);
	g_autoptr(ASN1_TIME) last_update = X509_gmtime_adj(NULL, -24 * 60 * 60);
	g_autoptr(ASN1_TIME) next_update = X509_gmtime_adj(NULL, 30 * 24 * 60 * 60);
	assert_int_equal(X509_CRL_set1_lastUpdate(crl, last_update), 1);
	assert_int_equal(X509_CRL_set1_nextUpdate(crl, next_update), 1);
	if (revoked != NULL) {
		g_autoptr(X509_REVOKED) entry = X509_REVOKED_new();
		X509 *revoked_x509 = jpki_cert_get_x509(revoked);
		assert_int_equal(
			X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(revoked_x509)),
			1);
		assert_int_equal(X509_REVOKED_set_revocationDate(entry, last_update), 1);
		assert_int_equal(X509_CRL_add0_revoked(crl, g_steal_pointer(&entry)), 1);
	}
	if (scope != NULL)
		add_distribution_point(crl, scope);
	assert_int_equal(X509_CRL_sort(crl), 1);
	assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);

	g_autoptr(BIO) out = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_X509_CRL(out, crl), 1);
	char *pem = NULL;
	long pem_len = BIO_get_mem_data(out, &pem);
	return test_pki_write_temp_file("test-pki-XXXXXX.crl", pem, (gsize)pem_len);
}
