/* The build's test PKI for cmocka tests (test_pki.h). */
#include "test_pki.h"

#include "openssl_autoptr.h"

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
