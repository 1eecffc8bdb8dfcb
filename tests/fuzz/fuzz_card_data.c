/* The decoders of what a card stores, on any bytes: a certificate's dates straight from the
 * DER (cert_dates.c) and the whole certificate with its holder attributes (cert.c), a TLV's
 * lengths (tlv.c), the common application's record 1 (common_ap.c), the basic 4 attributes'
 * FF20 template (support_ap.c) and EF 0008 (presence.c). */
#include "cert.h"
#include "cert_dates.h"
#include "common_ap.h"
#include "presence.h"
#include "support_ap.h"
#include "tlv.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
decode_certificate(GBytes *der)
{
	g_auto(JpkiCertDates) dates = {0};
	g_autoptr(GError) error = NULL;
	if (jpki_cert_dates_from_der(der, &dates, &error)) {
		g_assert(dates.not_before != NULL && dates.not_after != NULL);
		jpki_cert_dates_validity_at(&dates, NULL);
		g_autoptr(GDateTime) renewal = jpki_cert_dates_renewal_from(&dates);
		g_assert(renewal != NULL);
	} else {
		g_assert(error != NULL);
	}

	g_clear_error(&error);
	g_autoptr(JpkiCert) cert = jpki_cert_new_from_der(der, &error);
	if (cert == NULL)
		return;
	g_autofree char *subject = jpki_cert_dup_subject(cert);
	g_autofree char *serial = jpki_cert_dup_serial_hex(cert);
	g_assert(subject != NULL && g_utf8_validate(subject, -1, NULL) && serial != NULL);
	g_autoptr(JpkiHolderAttributes) holder = jpki_cert_get_holder_attributes(cert, NULL);
	jpki_cert_validity_at(cert, NULL);
}

static void
decode_tlv(const uint8_t *data, size_t size)
{
	for (gsize tag_len = 1; tag_len <= 2; tag_len++) {
		gsize header = 0, total = 0;
		if (jpki_tlv_lengths(data, size, tag_len, &header, &total))
			g_assert(header <= total && header <= size);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GBytes) bytes = g_bytes_new(data, size);
	decode_certificate(bytes);
	decode_tlv(data, size);

	JpkiCardInfo info;
	if (jpki_card_info_decode(bytes, &info, NULL)) {
		g_assert(strlen(info.serial) == 15 && strlen(info.municipality_code) == 5);
		g_assert(strlen(info.expiry) == 8);
	}

	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiBasicAttributes) attributes = jpki_basic_attributes_decode(bytes, &error);
	g_assert((attributes == NULL) == (error != NULL));
	if (attributes != NULL) {
		g_assert(g_utf8_validate(attributes->name, -1, NULL));
		g_assert(g_utf8_validate(attributes->address, -1, NULL));
		g_assert(g_utf8_validate(attributes->birth_date, -1, NULL));
		g_assert(g_utf8_validate(attributes->sex, -1, NULL));
	}

	JpkiCertificatePresence presence;
	jpki_presence_parse(data, size, &presence);
	g_assert(size == 3 || (presence.sign == JPKI_PRESENCE_UNKNOWN &&
			       presence.auth == JPKI_PRESENCE_UNKNOWN));
	return 0;
}
