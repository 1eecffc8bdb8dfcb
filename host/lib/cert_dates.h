/* A certificate's validity period and what it means today (valid, renewable at the municipal
 * office, expired), read straight from the DER without decoding the rest of the certificate.
 * `status` needs only the dates, and a full decode costs it 2.4 MiB of peak memory: OpenSSL 3
 * fetches its default provider to decode any certificate (docs/performance.md). cert.c reads
 * the dates of every JpkiCert through this too. */
#pragma once

#include <glib.h>

typedef struct {
	GDateTime *not_before; /* UTC */
	GDateTime *not_after;  /* UTC, the last valid instant (inclusive) */
} JpkiCertDates;

/* The notBefore and notAfter of one DER certificate (RFC 5280: UTCTime or GeneralizedTime, in
 * seconds, "Z"); nothing else of it is checked. JPKI_ERROR_INVALID_INPUT when the DER does not
 * reach its validity or a date is not of that form. */
gboolean jpki_cert_dates_from_der(GBytes *der, JpkiCertDates *dates, GError **error);
void jpki_cert_dates_clear(JpkiCertDates *dates);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(JpkiCertDates, jpki_cert_dates_clear)

typedef enum {
	JPKI_CERT_VALID,
	JPKI_CERT_RENEWAL_WINDOW, /* still valid, and renewable at the municipal office */
	JPKI_CERT_EXPIRED,
	JPKI_CERT_NOT_YET_VALID,
} JpkiCertValidity;

/* At `at` (NULL: now): the renewal window runs from jpki_cert_dates_renewal_from() up to and
 * including notAfter. */
JpkiCertValidity jpki_cert_dates_validity_at(const JpkiCertDates *dates, GDateTime *at);
/* New reference: 3 calendar months before notAfter (day clamped to the month's end). */
GDateTime *jpki_cert_dates_renewal_from(const JpkiCertDates *dates);
/* "valid", "renewal-window", "expired", "not-yet-valid". */
const char *jpki_cert_validity_name(JpkiCertValidity validity);
