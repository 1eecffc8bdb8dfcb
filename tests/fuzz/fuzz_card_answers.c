/* libjpki against a card whose answers come from the fuzz input (tests/sim/sim_fault.c says
 * how the bytes decide each answer; the simulated card runs every command underneath): find
 * the card, read both certificates and their dates, the common application's record, which
 * certificates the card carries, the tries left of every PIN, one VERIFY and a signature,
 * the basic 4 attributes, and a PIN change. Whatever the answers: an error or a result, never
 * a crash or a hang, and no more PIN-carrying VERIFYs reach the card than the three the
 * harness asks for (the host never sends a PIN again by itself). */
#include "cert_dates.h"
#include "common_ap.h"
#include "jpki_ap.h"
#include "pin.h"
#include "presence.h"
#include "sim_fault.h"
#include "sim_pcsc.h"
#include "sim_profile.h"
#include "support_ap.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define READER "Fuzz Reader 00 00"

static void
read_everything(JpkiCard *card, guint *pins_asked)
{
	for (JpkiCertSlot slot = 0; slot < JPKI_SLOT_COUNT; slot++) {
		g_autoptr(GBytes) der = jpki_ap_read_certificate(card, slot, NULL);
		g_auto(JpkiCertDates) dates = {0};
		if (der != NULL)
			jpki_cert_dates_from_der(der, &dates, NULL);
	}
	JpkiCertificatePresence presence;
	jpki_presence_read(card, &presence, NULL);
	for (guint secret = 0; secret < JPKI_SECRET_COUNT; secret++) {
		guint tries = 0;
		jpki_pin_query(card, (JpkiSecret)secret, &tries, NULL);
	}
	g_autoptr(JpkiPin) auth = jpki_pin_new(JPKI_SECRET_AUTH, "1234", NULL);
	guint tries = 0;
	(*pins_asked)++;
	if (jpki_pin_verify(card, auth, &tries, NULL)) {
		static const guint8 digest_info[51] = {0x30, 0x31};
		g_autoptr(GBytes) to_sign = g_bytes_new_static(digest_info, sizeof(digest_info));
		g_autoptr(GBytes) signature = jpki_ap_sign(card, JPKI_SECRET_AUTH, to_sign, NULL);
		g_assert(signature == NULL || g_bytes_get_size(signature) > 0);
	}
	g_autoptr(JpkiPin) support = jpki_pin_new(JPKI_SECRET_SUPPORT, "1234", NULL);
	(*pins_asked)++;
	g_autoptr(JpkiBasicAttributes) attributes =
		jpki_support_read_attributes(card, support, &tries, NULL);
	if (attributes != NULL)
		g_assert(g_utf8_validate(attributes->name, -1, NULL));
	g_autoptr(JpkiPin) replacement = jpki_pin_new(JPKI_SECRET_SUPPORT, "5678", NULL);
	(*pins_asked)++;
	jpki_pin_change(card, support, replacement, &tries, NULL);
	JpkiCardInfo info;
	jpki_common_read_card_info(card, &info, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sim_pcsc_reset();
	sim_pcsc_add_reader(READER);
	SimProfileOptions options = {0};
	sim_pcsc_insert_card(READER, sim_profile_build(&options, NULL));
	g_autoptr(SimFault) fault = sim_fault_new();
	sim_fault_script_from_bytes(fault, data, size);
	sim_fault_install(fault);

	guint pins_asked = 0;
	g_autoptr(JpkiContext) context = jpki_context_new(NULL);
	g_assert(context != NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCard) card = jpki_ap_find_card(context, NULL, &error);
	g_assert((card == NULL) == (error != NULL));
	g_assert(card != NULL || size > 0); /* the card's own answers: a My Number Card */
	if (card != NULL && jpki_card_begin_transaction(card, NULL)) {
		read_everything(card, &pins_asked);
		jpki_card_end_transaction(card);
	}
	g_assert(sim_pcsc_count_pin_verifies() <= pins_asked);
	g_clear_pointer(&card, jpki_card_free);
	sim_pcsc_reset();
	return 0;
}
