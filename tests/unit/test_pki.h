/* The build's test PKI (tests/pki/README.md) for cmocka tests: paths, certificates, keys and
 * signature checks. Every helper fails the running test (cmocka) when a file is missing or
 * does not parse, so callers never see NULL. */
#pragma once

#include "cert.h"

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Newly allocated: TEST_PKI_DIR/file. */
char *test_pki_path(const char *file);
/* A PEM certificate of the test PKI ("auth-valid.pem"). */
X509 *test_pki_load_x509(const char *file);
/* The same certificate as DER. */
GBytes *test_pki_load_der(const char *file);
/* A PEM private key of the test PKI ("sign.key"). */
EVP_PKEY *test_pki_load_key(const char *file);
/* A certificate file of the test PKI through libjpki (PEM). */
JpkiCert *test_pki_load_cert(const char *file);
/* The public key of a PEM certificate of the test PKI. */
EVP_PKEY *test_pki_load_public_key(const char *cert_file);
/* Asserts that `signature` is the RSA PKCS#1 v1.5 SHA-256 signature of `message` made with the
 * key of `cert_file`. */
void test_pki_assert_signature(GBytes *signature, const char *cert_file, const guint8 *message,
			       gsize len);
/* A new temporary file (g_file_open_tmp() `template`) holding `data`; the caller unlinks it and
 * frees the path. */
char *test_pki_write_temp_file(const char *template, const void *data, gsize len);

/* A CRL in the name of `ca_pem`, signed with `key_file`, valid from yesterday for 30 days,
 * listing `revoked` (may be NULL). Written to a temporary PEM file; the caller unlinks it and
 * frees the path. */
char *test_pki_write_crl(const char *ca_pem, const char *key_file, JpkiCert *revoked);
/* The same, for one part of the issuer's certificates: an issuingDistributionPoint naming
 * `scope` (taken over; NULL: none, a CRL for all of them). */
char *test_pki_write_crl_for_scope(const char *ca_pem, const char *key_file, JpkiCert *revoked,
				   GENERAL_NAME *scope);
