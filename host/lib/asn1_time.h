/* OpenSSL's ASN1_TIME (UTCTime or GeneralizedTime) as a GLib UTC date, the same on every
 * platform (mingw-w64 has no timegm()). */
#pragma once

#include <glib.h>
#include <openssl/asn1.h>

/* NULL when `time` is NULL or not a valid date. */
GDateTime *jpki_asn1_time_to_utc(const ASN1_TIME *time);
