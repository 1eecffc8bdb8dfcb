/* JpkiCertDates: a certificate's validity read by walking its DER (cert_dates.h). */
#include "cert_dates.h"

#include "jpki_error.h"
#include "tlv.h"

#include <string.h>

enum {
	DER_SEQUENCE = 0x30,
	DER_INTEGER = 0x02,
	DER_VERSION = 0xA0, /* [0] EXPLICIT */
	DER_UTC_TIME = 0x17,
	DER_GENERALIZED_TIME = 0x18,
};

typedef struct {
	const guint8 *data;
	gsize len;
} DerCursor;

/* The next TLV of `in`, whatever its tag (in `tag`); its contents in `value`. */
static gboolean
der_next(DerCursor *in, guint8 *tag, DerCursor *value)
{
	gsize header_len = 0;
	gsize total = 0;
	if (!jpki_tlv_lengths(in->data, in->len, 1, &header_len, &total) || total > in->len)
		return FALSE;
	*tag = in->data[0];
	value->data = in->data + header_len;
	value->len = total - header_len;
	in->data += total;
	in->len -= total;
	return TRUE;
}

static gboolean
der_expect(DerCursor *in, guint8 tag, DerCursor *value)
{
	guint8 found = 0;
	return der_next(in, &found, value) && found == tag;
}

static gboolean
digits(const guint8 *text, gsize len, int *out)
{
	int value = 0;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isdigit(text[i]))
			return FALSE;
		value = value * 10 + (text[i] - '0');
	}
	*out = value;
	return TRUE;
}

/* RFC 5280 4.1.2.5: UTCTime YYMMDDHHMMSSZ (YY < 50 is 20YY) or GeneralizedTime
 * YYYYMMDDHHMMSSZ. NULL for anything else, and for a date that does not exist. */
static GDateTime *
der_time(guint8 tag, const DerCursor *value)
{
	gsize year_len = tag == DER_UTC_TIME ? 2 : tag == DER_GENERALIZED_TIME ? 4 : 0;
	if (year_len == 0 || value->len != year_len + 11 || value->data[value->len - 1] != 'Z')
		return NULL;
	const guint8 *text = value->data;
	int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
	if (!digits(text, year_len, &year) || !digits(text + year_len, 2, &month) ||
	    !digits(text + year_len + 2, 2, &day) || !digits(text + year_len + 4, 2, &hour) ||
	    !digits(text + year_len + 6, 2, &minute) || !digits(text + year_len + 8, 2, &second))
		return NULL;
	if (tag == DER_UTC_TIME)
		year += year < 50 ? 2000 : 1900;
	if (second > 59) /* GDateTime would take 60 as a leap second; X.509 has none */
		return NULL;
	return g_date_time_new_utc(year, month, day, hour, minute, second);
}

/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
 * signature, issuer, validity SEQUENCE { notBefore, notAfter }, ... }, ... } */
static gboolean
find_validity(GBytes *der, DerCursor *validity)
{
	DerCursor in = {g_bytes_get_data(der, NULL), g_bytes_get_size(der)};
	DerCursor certificate, tbs, skipped;
	if (!der_expect(&in, DER_SEQUENCE, &certificate) ||
	    !der_expect(&certificate, DER_SEQUENCE, &tbs))
		return FALSE;
	if (tbs.len > 0 && tbs.data[0] == DER_VERSION && !der_expect(&tbs, DER_VERSION, &skipped))
		return FALSE;
	return der_expect(&tbs, DER_INTEGER, &skipped) &&  /* serialNumber */
	       der_expect(&tbs, DER_SEQUENCE, &skipped) && /* signature */
	       der_expect(&tbs, DER_SEQUENCE, &skipped) && /* issuer */
	       der_expect(&tbs, DER_SEQUENCE, validity);
}

gboolean
jpki_cert_dates_from_der(GBytes *der, JpkiCertDates *dates, GError **error)
{
	g_return_val_if_fail(der != NULL && dates != NULL, FALSE);
	memset(dates, 0, sizeof(*dates));
	DerCursor validity, not_before, not_after;
	guint8 before_tag = 0, after_tag = 0;
	if (!find_validity(der, &validity) || !der_next(&validity, &before_tag, &not_before) ||
	    !der_next(&validity, &after_tag, &not_after) || validity.len != 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "not a DER certificate: its validity cannot be found");
		return FALSE;
	}
	dates->not_before = der_time(before_tag, &not_before);
	dates->not_after = der_time(after_tag, &not_after);
	if (dates->not_before == NULL || dates->not_after == NULL) {
		jpki_cert_dates_clear(dates);
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the certificate's validity dates are unreadable");
		return FALSE;
	}
	return TRUE;
}

void
jpki_cert_dates_clear(JpkiCertDates *dates)
{
	g_clear_pointer(&dates->not_before, g_date_time_unref);
	g_clear_pointer(&dates->not_after, g_date_time_unref);
}

GDateTime *
jpki_cert_dates_renewal_from(const JpkiCertDates *dates)
{
	g_return_val_if_fail(dates != NULL && dates->not_after != NULL, NULL);
	return g_date_time_add_months(dates->not_after, -3);
}

JpkiCertValidity
jpki_cert_dates_validity_at(const JpkiCertDates *dates, GDateTime *at)
{
	g_return_val_if_fail(dates != NULL && dates->not_before != NULL, JPKI_CERT_EXPIRED);
	g_autoptr(GDateTime) now = at == NULL ? g_date_time_new_now_utc() : NULL;
	if (at == NULL)
		at = now;
	if (g_date_time_compare(at, dates->not_before) < 0)
		return JPKI_CERT_NOT_YET_VALID;
	if (g_date_time_compare(at, dates->not_after) > 0)
		return JPKI_CERT_EXPIRED;
	g_autoptr(GDateTime) renewal_from = jpki_cert_dates_renewal_from(dates);
	if (g_date_time_compare(at, renewal_from) >= 0)
		return JPKI_CERT_RENEWAL_WINDOW;
	return JPKI_CERT_VALID;
}

const char *
jpki_cert_validity_name(JpkiCertValidity validity)
{
	switch (validity) {
	case JPKI_CERT_VALID:
		return "valid";
	case JPKI_CERT_RENEWAL_WINDOW:
		return "renewal-window";
	case JPKI_CERT_EXPIRED:
		return "expired";
	case JPKI_CERT_NOT_YET_VALID:
		return "not-yet-valid";
	}
	return "unknown";
}
