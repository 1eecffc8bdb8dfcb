/* Certificates and CRLs from DER bytes and from PEM or DER files, with size limits.
 * Internal to libjpki: cert.c and trust_store.c build their types on it. */
#pragma once

#include <glib.h>
#include <openssl/x509.h>

/* A certificate is a few KiB; a file of more than this is not one, nor a bundle of roots. */
#define JPKI_CERTIFICATE_MAX (1024 * 1024)

/* Exactly one DER certificate with nothing after it; JPKI_ERROR_INVALID_INPUT otherwise. */
X509 *jpki_x509_from_der(GBytes *der, GError **error);

/* Every certificate of a PEM file (text around the blocks allowed), or the one of a DER file,
 * as owned X509 *; never empty. JPKI_ERROR_IO when the file cannot be read,
 * JPKI_ERROR_INVALID_INPUT when it is not a regular file, is too large, holds no certificate
 * or a damaged one. Messages start with the path. */
GPtrArray *jpki_x509_read_file(const char *path, GError **error);
/* The same for CRLs (owned X509_CRL *). */
GPtrArray *jpki_x509_crl_read_file(const char *path, GError **error);
