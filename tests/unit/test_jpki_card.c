/* libjpki against the in-process simulator: finding the card, certificates,
 * PIN rules and counters, signatures, removal and waiting. */
#include "common_ap.h"
#include "digestinfo.h"
#include "jpki_ap.h"
#include "presence.h"
#include "sim_pcsc.h"
#include "sim_profile.h"
#include "support_ap.h"
#include "test_pki.h"
#include "test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define READER       "Sim Reader 00 00"
#define OTHER_READER "Sim Reader 01 00"
#define INS_VERIFY   0x20
#define INS_SIGN     0x2A
#define INS_READ     0xB0

/* The second run of the main operations: a contactless reader's ATR and a card
 * answering 6F00 to the first APDU after power-up (docs/simulator.md). */
static gboolean contactless;

static SimCard *
card_with(const char *profile)
{
	SimProfileOptions options = {
		.profile = profile, .contactless = contactless, .first_apdu_6f00 = contactless};
	SimCard *card = sim_profile_build(&options, NULL);
	assert_non_null(card);
	return card;
}

static int
one_adult_card(void **state)
{
	(void)state;
	sim_pcsc_reset();
	sim_pcsc_add_reader(READER);
	sim_pcsc_insert_card(READER, card_with("adult"));
	return 0;
}

static int
reset_readers(void **state)
{
	(void)state;
	sim_pcsc_reset();
	return 0;
}

static SimCard *
sim(void)
{
	return sim_pcsc_get_card(READER);
}

static JpkiCard *
find_card(JpkiContext **context)
{
	g_autoptr(GError) error = NULL;
	*context = jpki_context_new(&error);
	assert_non_null(*context);
	JpkiCard *card = jpki_ap_find_card(*context, NULL, &error);
	if (card == NULL)
		fail_msg("%s", error->message);
	return card;
}

static void
assert_find_fails(JpkiErrorCode code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiContext) context = jpki_context_new(&error);
	assert_non_null(context);
	g_autoptr(JpkiCard) card = jpki_ap_find_card(context, NULL, &error);
	assert_null(card);
	test_assert_jpki_error(error, code);
}

/* No PIN reached any card: no VERIFY carrying data, whatever the status queries. */
static void
assert_no_pin_sent(void)
{
	assert_int_equal(sim_pcsc_count_pin_verifies(), 0);
}

static JpkiPin *
pin_for(JpkiSecret secret, const char *typed)
{
	g_autoptr(GError) error = NULL;
	JpkiPin *pin = jpki_pin_new(secret, typed, &error);
	assert_non_null(pin);
	return pin;
}

static void
test_finds_the_card_by_its_aid(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	assert_string_equal(jpki_card_get_reader(card), READER);
}

static void
test_finds_a_contactless_card_whatever_its_atr(void **state)
{
	(void)state;
	SimProfileOptions options = {.contactless = TRUE};
	sim_pcsc_insert_card(READER, sim_profile_build(&options, NULL));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	assert_non_null(card);
}

static void
test_no_service_no_reader_no_card_are_distinct(void **state)
{
	(void)state;
	sim_card_free(sim_pcsc_remove_card(READER));
	assert_find_fails(JPKI_ERROR_NO_CARD);
	sim_pcsc_reset();
	assert_find_fails(JPKI_ERROR_NO_READER);
	sim_pcsc_set_service_available(FALSE);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiContext) context = jpki_context_new(&error);
	assert_null(context);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_NO_SERVICE));
}

static void
test_a_card_without_jpki_is_unsupported(void **state)
{
	(void)state;
	SimCard *foreign = sim_card_new();
	for (guint ap = 0; ap < SIM_AP_COUNT; ap++)
		sim_card_set_ap_present(foreign, (SimAp)ap, FALSE);
	sim_pcsc_insert_card(READER, foreign);
	assert_find_fails(JPKI_ERROR_UNSUPPORTED_CARD);
}

/* FeliCa, MIFARE and other cards are "not a My Number Card", never "no card":
 * a card whose SELECT of the JPKI AID is refused (6A82), a FeliCa card behind
 * a contactless reader (6A81 to everything), one answering 6D00 to everything. */
static void
test_felica_and_other_cards_are_not_a_my_number_card(void **state)
{
	(void)state;
	sim_pcsc_insert_card(READER, card_with("foreign"));
	assert_find_fails(JPKI_ERROR_UNSUPPORTED_CARD);
	sim_pcsc_insert_card(READER, card_with("felica"));
	assert_find_fails(JPKI_ERROR_UNSUPPORTED_CARD);
	SimCard *mute = card_with("foreign");
	sim_card_set_answer_all(mute, 0x6D00);
	sim_pcsc_insert_card(READER, mute);
	assert_find_fails(JPKI_ERROR_UNSUPPORTED_CARD);

	/* Beside a My Number Card, the FeliCa card is skipped. */
	sim_pcsc_insert_card(READER, card_with("felica"));
	sim_pcsc_add_reader(OTHER_READER);
	sim_pcsc_insert_card(OTHER_READER, card_with("adult"));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	assert_string_equal(jpki_card_get_reader(card), OTHER_READER);
}

static void
test_a_juki_card_is_no_longer_usable(void **state)
{
	(void)state;
	sim_pcsc_insert_card(READER, card_with("juki"));
	assert_find_fails(JPKI_ERROR_JUKI_CARD);
}

static void
test_two_my_number_cards_are_never_guessed_between(void **state)
{
	(void)state;
	sim_pcsc_add_reader(OTHER_READER);
	sim_pcsc_insert_card(OTHER_READER, card_with("adult"));
	assert_find_fails(JPKI_ERROR_SEVERAL_CARDS);

	/* Naming the reader picks one. */
	g_autoptr(JpkiContext) context = jpki_context_new(NULL);
	g_autoptr(JpkiCard) card = jpki_ap_find_card(context, OTHER_READER, NULL);
	assert_non_null(card);
	assert_string_equal(jpki_card_get_reader(card), OTHER_READER);
}

static void
test_a_juki_card_beside_a_my_number_card_is_skipped(void **state)
{
	(void)state;
	sim_pcsc_add_reader(OTHER_READER);
	sim_pcsc_insert_card(OTHER_READER, card_with("juki"));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	assert_string_equal(jpki_card_get_reader(card), READER);
}

/* A smartphone's JPKI token (Android GPSE, iPhone) is said plainly not to be
 * supported, and skipped beside a My Number Card. */
static void
test_a_smartphone_token_is_not_supported(void **state)
{
	(void)state;
	sim_pcsc_insert_card(READER, card_with("smartphone"));
	assert_find_fails(JPKI_ERROR_SMARTPHONE_CERTIFICATE);

	guint8 ios[160];
	memset(ios, ' ', sizeof(ios));
	memcpy(ios, "JPKIAPIOSTOKEN", strlen("JPKIAPIOSTOKEN"));
	g_autoptr(GBytes) ios_info = g_bytes_new(ios, sizeof(ios));
	sim_card_set_binary(sim(), SIM_AP_JPKI, 0x0006, ios_info, -1);
	assert_find_fails(JPKI_ERROR_SMARTPHONE_CERTIFICATE);

	sim_pcsc_add_reader(OTHER_READER);
	sim_pcsc_insert_card(OTHER_READER, card_with("adult"));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	assert_string_equal(jpki_card_get_reader(card), OTHER_READER);
}

static void
test_reads_the_card_information_of_the_common_application(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	JpkiCardInfo info;
	g_autoptr(GError) error = NULL;
	assert_true(jpki_common_read_card_info(card, &info, &error));
	assert_string_equal(info.serial, "990000000000001");
	assert_string_equal(info.municipality_code, "13101");
	assert_string_equal(info.expiry, "20350101");
	assert_string_equal(info.manufacture_number, "0000000000001");
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
}

static void
test_reads_public_certificates_without_a_pin(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	const struct {
		JpkiCertSlot slot;
		const char *file;
	} cases[] = {{JPKI_SLOT_AUTH, "auth-valid.pem"},
		     {JPKI_SLOT_AUTH_CA, "auth-ca.pem"},
		     {JPKI_SLOT_SIGN_CA, "sign-ca.pem"}};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) der = jpki_ap_read_certificate(card, cases[i].slot, &error);
		assert_non_null(der);
		g_autoptr(GBytes) expected = test_pki_load_der(cases[i].file);
		assert_true(g_bytes_equal(der, expected));
	}
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
	assert_no_pin_sent();
}

static void
test_signing_certificate_needs_the_signing_password(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) refused = jpki_ap_read_certificate(card, JPKI_SLOT_SIGN, &error);
	assert_null(refused);
	g_autoptr(JpkiPin) pin = pin_for(JPKI_SECRET_SIGN, "ABC123");
	assert_true(jpki_pin_verify(card, pin, NULL, NULL));
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_SIGN, NULL);
	g_autoptr(GBytes) expected = test_pki_load_der("sign-valid.pem");
	assert_true(g_bytes_equal(der, expected));
}

static void
test_extended_length_reads_fewer_apdus_and_falls_back_when_refused(void **state)
{
	(void)state;
	g_autoptr(GBytes) expected = test_pki_load_der("auth-valid.pem");
	guint apdus[2];
	for (guint refuse = 0; refuse < 2; refuse++) {
		SimProfileOptions options = {.refuse_extended_length = refuse};
		sim_pcsc_insert_card(READER, sim_profile_build(&options, NULL));
		g_autoptr(JpkiContext) context = NULL;
		g_autoptr(JpkiCard) card = find_card(&context);
		jpki_card_set_extended_length(card, TRUE);
		guint before = jpki_card_get_apdu_count(card);
		g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, NULL);
		assert_true(g_bytes_equal(der, expected));
		apdus[refuse] = jpki_card_get_apdu_count(card) - before;
		assert_int_equal(jpki_card_get_extended_length(card), !refuse);
	}
	/* select EF (the probe selected the AP), the first 256 bytes, one extended read */
	assert_int_equal(apdus[0], 3);
	assert_true(apdus[1] > apdus[0]);
}

/* Reset by another program between two reads (its disconnect resets the card):
 * a refusal of extended length is still remembered on this connection (the
 * second read sends no extended APDU and is right), a card that takes
 * extended reads still gives the right bytes, and a new connection to the
 * refusing card learns the refusal again and reads right. */
static void
test_extended_length_fallback_holds_across_a_card_reset(void **state)
{
	(void)state;
	g_autoptr(GBytes) expected = test_pki_load_der("auth-valid.pem");
	/* select AP, select EF, then 256-byte reads (the length comes from the first) */
	guint short_apdus = 2 + (guint)(g_bytes_get_size(expected) + 255) / 256;
	for (guint refuse = 0; refuse < 2; refuse++) {
		SimProfileOptions options = {.refuse_extended_length = refuse,
					     .contactless = contactless,
					     .first_apdu_6f00 = contactless};
		sim_pcsc_insert_card(READER, sim_profile_build(&options, NULL));
		g_autoptr(JpkiContext) context = NULL;
		g_autoptr(JpkiCard) card = find_card(&context);
		jpki_card_set_extended_length(card, TRUE);
		g_autoptr(GBytes) first = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, NULL);
		assert_true(g_bytes_equal(first, expected));

		/* Another program resets the card between two operations: the next
		 * transaction reconnects (SCARD_W_RESET_CARD) and reads again. */
		jpki_card_end_transaction(card);
		sim_pcsc_reset_card(READER);
		g_autoptr(GError) error = NULL;
		if (!jpki_card_begin_transaction(card, &error))
			fail_msg("%s", error->message);
		guint before = jpki_card_get_apdu_count(card);
		g_autoptr(GBytes) again = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &error);
		if (again == NULL)
			fail_msg("%s", error->message);
		assert_true(g_bytes_equal(again, expected));
		/* extended: select AP, select EF, the first 256 bytes, one read for the rest;
		 * a card answering 6F00 after its reset gets its first APDU once more */
		assert_int_equal(jpki_card_get_apdu_count(card) - before,
				 (refuse ? short_apdus : 4) + (contactless ? 1 : 0));

		g_autoptr(JpkiCard) fresh = jpki_ap_find_card(context, READER, NULL);
		assert_non_null(fresh);
		jpki_card_set_extended_length(fresh, TRUE);
		g_autoptr(GBytes) relearned = jpki_ap_read_certificate(fresh, JPKI_SLOT_AUTH, NULL);
		assert_true(g_bytes_equal(relearned, expected));
		assert_int_equal(jpki_card_get_extended_length(fresh), !refuse);
	}
}

static void
test_short_reads_are_the_default(void **state)
{
	(void)state;
	SimProfileOptions options = {.refuse_extended_length = TRUE};
	sim_pcsc_insert_card(READER, sim_profile_build(&options, NULL));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &error);
	assert_non_null(der);
}

static void
test_pin_formats_are_refused_before_reaching_the_card(void **state)
{
	(void)state;
	const struct {
		JpkiSecret secret;
		const char *typed;
	} bad[] = {
		{JPKI_SECRET_AUTH, "123"},
		{JPKI_SECRET_AUTH, "12345"},
		{JPKI_SECRET_AUTH, "12a4"},
		{JPKI_SECRET_AUTH, ""},
		{JPKI_SECRET_AUTH, "１２３４"}, /* full-width digits */
		{JPKI_SECRET_SIGN, "ABC12"},
		{JPKI_SECRET_SIGN, "ABCDEFGHIJ1234567"},
		{JPKI_SECRET_SIGN, "ABC-123"},
		{JPKI_SECRET_SIGN, "ＡＢＣ１２３"},
		{JPKI_SECRET_SUPPORT, "12 4"},
		/* J-LIS: 英数字を組み合わせた 6-16 characters: both letters and digits. */
		{JPKI_SECRET_SIGN, "123456"},
		{JPKI_SECRET_SIGN, "ABCDEF"},
		{JPKI_SECRET_SIGN, "abcdef"},
		{JPKI_SECRET_SIGN, "1234567890123456"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiPin) pin = jpki_pin_new(bad[i].secret, bad[i].typed, &error);
		assert_null(pin);
		if (!g_error_matches(error, JPKI_ERROR, JPKI_ERROR_PIN_FORMAT))
			fail_msg("\"%s\" was accepted", bad[i].typed);
	}
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
	assert_no_pin_sent();
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_SIGN), 5);
}

static void
test_lower_case_signing_password_is_folded_to_upper_case(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) pin = pin_for(JPKI_SECRET_SIGN, "abc123");
	g_autoptr(GError) error = NULL;
	assert_true(jpki_pin_verify(card, pin, NULL, &error));
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_SIGN), 5);
}

static void
test_pin_status_costs_no_try(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	for (guint secret = 0; secret < JPKI_SECRET_COUNT; secret++) {
		guint tries = 99;
		assert_true(jpki_pin_query(card, (JpkiSecret)secret, &tries, NULL));
		assert_int_equal(tries, jpki_secret_max_tries((JpkiSecret)secret));
	}
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
}

/* A real card answers the status query with 63Cx even right after a good
 * VERIFY: the library reads tries from it, never "verified", and signs. */
static void
test_status_after_a_good_verify_is_tries_left_and_signing_works(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) pin = pin_for(JPKI_SECRET_AUTH, "1234");
	g_autoptr(GError) error = NULL;
	assert_true(jpki_pin_verify(card, pin, NULL, &error));
	guint tries = 0;
	assert_true(jpki_pin_query(card, JPKI_SECRET_AUTH, &tries, &error));
	assert_int_equal(tries, 3);
	assert_true(jpki_pin_verify(card, pin, NULL, &error));
	g_autoptr(GBytes) digest_info = jpki_digestinfo_build(
		JPKI_HASH_SHA256, (const guint8 *)"0123456789abcdef0123456789abcdef", 32, NULL);
	g_autoptr(GBytes) signature = jpki_ap_sign(card, JPKI_SECRET_AUTH, digest_info, &error);
	if (signature == NULL)
		fail_msg("%s", error->message);
	assert_int_equal(g_bytes_get_size(signature), 256);
}

/* On a blocked PIN the status query answers 63C0 on some cards and 6984 on
 * others: both are "blocked", and the PIN is never sent. */
static void
test_both_blocked_status_answers_mean_pin_blocked(void **state)
{
	(void)state;
	for (guint variant = 0; variant < 2; variant++) {
		SimProfileOptions options = {.profile = "auth-locked",
					     .blocked_status_6984 = variant == 1};
		sim_pcsc_insert_card(READER, sim_profile_build(&options, NULL));
		g_autoptr(JpkiContext) context = NULL;
		g_autoptr(JpkiCard) card = find_card(&context);
		guint tries = 9;
		g_autoptr(GError) query_error = NULL;
		assert_true(jpki_pin_query(card, JPKI_SECRET_AUTH, &tries, &query_error));
		assert_int_equal(tries, 0);
		g_autoptr(JpkiPin) right = pin_for(JPKI_SECRET_AUTH, "1234");
		g_autoptr(GError) error = NULL;
		assert_false(jpki_pin_verify(card, right, &tries, &error));
		if (!g_error_matches(error, JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED))
			fail_msg("variant %u: %s", variant, error->message);
		assert_int_equal(tries, 0);
		/* One status query (the session keeps its answer), no VERIFY with the PIN. */
		assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 1);
	}
}

static void
test_wrong_pin_is_sent_once_and_reports_tries_left(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) wrong = pin_for(JPKI_SECRET_AUTH, "9999");
	guint tries = 0;
	g_autoptr(GError) error = NULL;
	assert_false(jpki_pin_verify(card, wrong, &tries, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT));
	assert_int_equal(tries, 2);
	/* one status query, one VERIFY with the PIN: never a second attempt */
	assert_int_equal(sim_pcsc_count_status_queries(), 1);
	assert_int_equal(sim_pcsc_count_pin_verifies(), 1);
}

static void
test_auth_pin_locks_after_three_wrong_tries_and_is_then_never_sent(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) wrong = pin_for(JPKI_SECRET_AUTH, "9999");
	g_autoptr(JpkiPin) right = pin_for(JPKI_SECRET_AUTH, "1234");
	for (guint expected = 2; expected > 0; expected--) {
		g_autoptr(GError) error = NULL;
		guint tries = 0;
		assert_false(jpki_pin_verify(card, wrong, &tries, &error));
		assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT));
		assert_int_equal(tries, expected);
	}
	g_autoptr(GError) last = NULL;
	assert_false(jpki_pin_verify(card, wrong, NULL, &last));
	assert_true(g_error_matches(last, JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED));

	/* A new transaction: nothing is known, the card is asked again. */
	jpki_card_end_transaction(card);
	assert_true(jpki_card_begin_transaction(card, NULL));
	guint pins_before = sim_pcsc_count_pin_verifies();
	guint queries_before = sim_pcsc_count_status_queries();
	g_autoptr(GError) blocked = NULL;
	assert_false(jpki_pin_verify(card, right, NULL, &blocked));
	assert_true(g_error_matches(blocked, JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED));
	/* The status query told; the right PIN was never sent to a blocked PIN. */
	assert_int_equal(sim_pcsc_count_status_queries() - queries_before, 1);
	assert_int_equal(sim_pcsc_count_pin_verifies() - pins_before, 0);
}

static void
test_signing_password_locks_after_five_wrong_tries(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) wrong = pin_for(JPKI_SECRET_SIGN, "WRONG9");
	for (guint i = 0; i < 4; i++)
		assert_false(jpki_pin_verify(card, wrong, NULL, NULL));
	g_autoptr(GError) error = NULL;
	assert_false(jpki_pin_verify(card, wrong, NULL, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED));
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_SIGN), 0);
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
}

static void
test_locked_profile_gets_no_verify_with_a_pin(void **state)
{
	(void)state;
	sim_pcsc_insert_card(READER, card_with("auth-locked"));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) right = pin_for(JPKI_SECRET_AUTH, "1234");
	g_autoptr(GError) error = NULL;
	guint tries = 9;
	assert_false(jpki_pin_verify(card, right, &tries, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED));
	assert_int_equal(tries, 0);
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 1);
	assert_no_pin_sent();
}

static void
test_child_card_reports_no_signing_certificate(void **state)
{
	(void)state;
	sim_pcsc_insert_card(READER, card_with("child"));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) pin = pin_for(JPKI_SECRET_SIGN, "ABC123");
	g_autoptr(GError) verify_error = NULL;
	assert_false(jpki_pin_verify(card, pin, NULL, &verify_error));
	assert_true(g_error_matches(verify_error, JPKI_ERROR, JPKI_ERROR_NO_SIGNING_CERTIFICATE));
	g_autoptr(GError) query_error = NULL;
	guint tries = 0;
	assert_false(jpki_pin_query(card, JPKI_SECRET_SIGN, &tries, &query_error));
	assert_true(g_error_matches(query_error, JPKI_ERROR, JPKI_ERROR_NO_SIGNING_CERTIFICATE));
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
	assert_no_pin_sent();
}

static void
test_certificate_presence_follows_ef_0008(void **state)
{
	(void)state;
	JpkiCertificatePresence presence;
	jpki_presence_parse((const guint8 *)"\x8F\x8F\x00", 3, &presence); /* myna-card */
	assert_int_equal(presence.sign, JPKI_PRESENCE_PRESENT);
	assert_int_equal(presence.auth, JPKI_PRESENCE_PRESENT);
	jpki_presence_parse((const guint8 *)"\x00\x8F\x00", 3, &presence);
	assert_int_equal(presence.sign, JPKI_PRESENCE_ABSENT);
	assert_int_equal(presence.auth, JPKI_PRESENCE_PRESENT);
	jpki_presence_parse((const guint8 *)"\x8F\x00\x00", 3, &presence);
	assert_int_equal(presence.sign, JPKI_PRESENCE_PRESENT);
	assert_int_equal(presence.auth, JPKI_PRESENCE_ABSENT);
	/* No filler in this EF: another length, or a value no source explains, is unknown. */
	jpki_presence_parse((const guint8 *)"\x8F\x8F", 2, &presence);
	assert_int_equal(presence.sign, JPKI_PRESENCE_UNKNOWN);
	jpki_presence_parse((const guint8 *)"\x8F\x8F\x00\xFF", 4, &presence);
	assert_int_equal(presence.auth, JPKI_PRESENCE_UNKNOWN);
	jpki_presence_parse((const guint8 *)"\x8E\x8F\x00", 3, &presence);
	assert_int_equal(presence.sign, JPKI_PRESENCE_UNKNOWN);
}

/* `ok` and `error` of a call made before this one (never in its arguments:
 * their order of evaluation is unspecified). */
static void
assert_fails_with(gboolean ok, const GError *error, JpkiErrorCode code)
{
	assert_false(ok);
	test_assert_jpki_error(error, code);
}

static void
test_declined_authentication_certificate_is_absent_not_an_error(void **state)
{
	(void)state;
	sim_pcsc_insert_card(READER, card_with("no-auth-cert"));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(GError) read_error = NULL;
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &read_error);
	assert_fails_with(der != NULL, read_error, JPKI_ERROR_NO_AUTH_CERTIFICATE);
	guint tries = 0;
	g_autoptr(GError) query_error = NULL;
	gboolean queried = jpki_pin_query(card, JPKI_SECRET_AUTH, &tries, &query_error);
	assert_fails_with(queried, query_error, JPKI_ERROR_NO_AUTH_CERTIFICATE);
	g_autoptr(JpkiPin) pin = pin_for(JPKI_SECRET_AUTH, "1234");
	g_autoptr(GError) verify_error = NULL;
	gboolean verified = jpki_pin_verify(card, pin, NULL, &verify_error);
	assert_fails_with(verified, verify_error, JPKI_ERROR_NO_AUTH_CERTIFICATE);
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
	/* The signing side is untouched. */
	assert_true(jpki_pin_query(card, JPKI_SECRET_SIGN, &tries, NULL));
	assert_int_equal(tries, 5);
}

/* An adult who declined the signing certificate: a blank EF and a blocked
 * password EF. EF 0008 says the certificate is absent, so it is reported as
 * such, never as a locked password, and no password is sent. */
static void
test_declined_signing_certificate_is_absent_not_locked(void **state)
{
	(void)state;
	sim_pcsc_insert_card(READER, card_with("no-sign-cert"));
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	guint tries = 9;
	g_autoptr(GError) query_error = NULL;
	gboolean queried = jpki_pin_query(card, JPKI_SECRET_SIGN, &tries, &query_error);
	assert_fails_with(queried, query_error, JPKI_ERROR_NO_SIGNING_CERTIFICATE);
	g_autoptr(JpkiPin) pin = pin_for(JPKI_SECRET_SIGN, "ABC123");
	g_autoptr(GError) verify_error = NULL;
	gboolean verified = jpki_pin_verify(card, pin, NULL, &verify_error);
	assert_fails_with(verified, verify_error, JPKI_ERROR_NO_SIGNING_CERTIFICATE);
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
	assert_true(jpki_pin_query(card, JPKI_SECRET_AUTH, &tries, NULL));
	assert_int_equal(tries, 3);
}

/* Without EF 0008's help, a blank certificate EF still reads as "absent". */
static void
test_blank_certificate_file_is_absent(void **state)
{
	(void)state;
	guint8 blank[64];
	memset(blank, 0xFF, sizeof(blank));
	g_autoptr(GBytes) erased = g_bytes_new(blank, sizeof(blank));
	sim_card_set_binary(sim(), SIM_AP_JPKI, 0x000A, erased, -1);
	g_autoptr(GBytes) unknown = g_bytes_new("\x01\x02", 2);
	sim_card_set_binary(sim(), SIM_AP_JPKI, 0x0008, unknown, -1);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &error);
	assert_fails_with(der != NULL, error, JPKI_ERROR_NO_AUTH_CERTIFICATE);
}

static GBytes *
digest_info_of(const char *message)
{
	guint8 digest[32];
	gsize len = sizeof(digest);
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(checksum, (const guchar *)message, (gssize)strlen(message));
	g_checksum_get_digest(checksum, digest, &len);
	return jpki_digestinfo_build(JPKI_HASH_SHA256, digest, len, NULL);
}

static void
assert_signature_verifies(GBytes *signature, const char *cert_file, const char *message)
{
	test_pki_assert_signature(signature, cert_file, (const guint8 *)message, strlen(message));
}

static void
test_signs_with_each_key_after_its_pin(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(GBytes) digest_info = digest_info_of("e-application");

	g_autoptr(GError) refused = NULL;
	g_autoptr(GBytes) none = jpki_ap_sign(card, JPKI_SECRET_AUTH, digest_info, &refused);
	assert_null(none);

	g_autoptr(JpkiPin) auth = pin_for(JPKI_SECRET_AUTH, "1234");
	assert_true(jpki_pin_verify(card, auth, NULL, NULL));
	g_autoptr(GBytes) auth_sig = jpki_ap_sign(card, JPKI_SECRET_AUTH, digest_info, NULL);
	assert_non_null(auth_sig);
	assert_signature_verifies(auth_sig, "auth-valid.pem", "e-application");

	g_autoptr(JpkiPin) sign = pin_for(JPKI_SECRET_SIGN, "ABC123");
	assert_true(jpki_pin_verify(card, sign, NULL, NULL));
	g_autoptr(GBytes) sign_sig = jpki_ap_sign(card, JPKI_SECRET_SIGN, digest_info, NULL);
	assert_non_null(sign_sig);
	assert_signature_verifies(sign_sig, "sign-valid.pem", "e-application");
}

/* verify + read signing certificate + sign, as the signing flows do. */
static gboolean
signing_flow(JpkiContext *context, GError **error)
{
	g_autoptr(JpkiCard) card = jpki_ap_find_card(context, NULL, error);
	if (card == NULL)
		return FALSE;
	g_autoptr(JpkiPin) pin = pin_for(JPKI_SECRET_SIGN, "ABC123");
	g_autoptr(GBytes) digest_info = digest_info_of("doc");
	if (!jpki_card_begin_transaction(card, error) || !jpki_pin_verify(card, pin, NULL, error))
		return FALSE;
	g_autoptr(GBytes) cert = jpki_ap_read_certificate(card, JPKI_SLOT_SIGN, error);
	if (cert == NULL)
		return FALSE;
	g_autoptr(GBytes) signature = jpki_ap_sign(card, JPKI_SECRET_SIGN, digest_info, error);
	return signature != NULL;
}

static void
test_card_removed_at_any_step_is_reported_as_removed(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = jpki_context_new(NULL);
	guint probe_apdus = 3; /* select AP, select token, read token */
	g_autoptr(GError) whole = NULL;
	assert_true(signing_flow(context, &whole));
	guint flow_apdus = sim_card_count_commands(sim(), 0xA4) +
			   sim_card_count_commands(sim(), INS_READ) +
			   sim_card_count_commands(sim(), INS_VERIFY) +
			   sim_card_count_commands(sim(), INS_SIGN) - probe_apdus;
	assert_true(flow_apdus > 5);
	for (guint n = 1; n <= flow_apdus; n++) {
		sim_pcsc_insert_card(READER, card_with("adult"));
		SimRemovalPlan plan;
		sim_removal_plan_init(&plan);
		plan.after_apdus = probe_apdus + n;
		sim_pcsc_set_removal_plan(READER, &plan);
		g_autoptr(GError) error = NULL;
		gboolean ok = signing_flow(context, &error);
		if (n < flow_apdus) {
			assert_false(ok);
			if (!g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CARD_REMOVED))
				fail_msg("after %u APDUs: %s", n, error->message);
		} else {
			assert_true(ok); /* removed only after the last answer */
		}
	}
}

static GBytes *
answer_nothing(const guint8 *apdu, gsize len, GBytes *answer, gpointer user_data)
{
	(void)answer;
	(void)user_data;
	return len > 1 && apdu[1] == INS_SIGN ? g_bytes_new(NULL, 0) : NULL;
}

/* A reader (vpcd, a contactless field lost) may pass on an empty answer as the card leaves:
 * that is a removed card, not a faulty one. */
static void
test_an_empty_answer_from_a_card_that_left_is_removed(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = jpki_context_new(NULL);
	SimRemovalPlan plan;
	sim_removal_plan_init(&plan);
	plan.after_ins = INS_SIGN;
	sim_pcsc_set_removal_plan(READER, &plan);
	sim_pcsc_set_answer_hook(answer_nothing, NULL);
	g_autoptr(GError) error = NULL;
	assert_false(signing_flow(context, &error));
	if (!g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CARD_REMOVED))
		fail_msg("an empty answer, then no card: %s", error->message);
}

/* Far longer than any wait here may take: reaching it is a failure. */
#define TEST_WAIT_MS 30000

/* Threads acting once the wait has begun, so that what they do is what ends it; each returns
 * whether the wait was seen (the test asserts it). */
static gpointer
insert_once_waiting(gpointer data)
{
	if (!sim_pcsc_await_wait(1, TEST_WAIT_MS)) {
		sim_card_free(data);
		return GINT_TO_POINTER(FALSE);
	}
	sim_pcsc_insert_card(READER, data);
	return GINT_TO_POINTER(TRUE);
}

static gpointer
cancel_once_waiting(gpointer data)
{
	if (!sim_pcsc_await_wait(1, TEST_WAIT_MS))
		return GINT_TO_POINTER(FALSE);
	jpki_context_cancel(data);
	return GINT_TO_POINTER(TRUE);
}

/* A reader is plugged in during the wait, the wait goes on watching it, and a card put in it
 * ends the wait. */
static gpointer
plug_a_reader_once_waiting(gpointer data)
{
	gboolean seen = sim_pcsc_await_wait(1, TEST_WAIT_MS);
	guint waits = sim_pcsc_count_waits();
	if (seen)
		sim_pcsc_add_reader(OTHER_READER);
	seen = seen && sim_pcsc_await_wait(waits + 1, TEST_WAIT_MS);
	if (!seen) {
		sim_card_free(data);
		return GINT_TO_POINTER(FALSE);
	}
	sim_pcsc_insert_card(OTHER_READER, data);
	return GINT_TO_POINTER(TRUE);
}

static void
test_waits_for_a_card_then_times_out_or_is_cancelled(void **state)
{
	(void)state;
	sim_card_free(sim_pcsc_remove_card(READER));
	g_autoptr(JpkiContext) context = jpki_context_new(NULL);
	g_autoptr(GError) timeout = NULL;
	assert_false(jpki_context_wait_for_card(context, 50, &timeout));
	assert_true(g_error_matches(timeout, JPKI_ERROR, JPKI_ERROR_TIMEOUT));

	GThread *canceller = g_thread_new("cancel", cancel_once_waiting, context);
	g_autoptr(GError) cancelled = NULL;
	assert_false(jpki_context_wait_for_card(context, TEST_WAIT_MS, &cancelled));
	assert_true(g_error_matches(cancelled, JPKI_ERROR, JPKI_ERROR_CANCELLED));
	assert_true(GPOINTER_TO_INT(g_thread_join(canceller)));

	guint waits_before = sim_pcsc_count_waits();
	GThread *inserter = g_thread_new("insert", insert_once_waiting, card_with("adult"));
	g_autoptr(GError) error = NULL;
	assert_true(jpki_context_wait_for_card(context, TEST_WAIT_MS, &error));
	assert_true(GPOINTER_TO_INT(g_thread_join(inserter)));
	/* The card came while the call was blocked waiting, not before it. */
	assert_true(sim_pcsc_count_waits() > waits_before);
	g_autoptr(JpkiCard) card = jpki_ap_find_card(context, NULL, NULL);
	assert_non_null(card);
}

static void
test_waits_for_a_reader_to_be_plugged_in(void **state)
{
	(void)state;
	sim_pcsc_reset();
	g_autoptr(JpkiContext) context = jpki_context_new(NULL);
	g_autoptr(GError) timeout = NULL;
	assert_false(jpki_context_wait_for_card(context, 50, &timeout));
	assert_true(g_error_matches(timeout, JPKI_ERROR, JPKI_ERROR_TIMEOUT));

	/* Still no reader; one is plugged in while waiting, then a card put in it. */
	GThread *plugger = g_thread_new("plug", plug_a_reader_once_waiting, card_with("adult"));
	g_autoptr(GError) error = NULL;
	gboolean found = jpki_context_wait_for_card(context, TEST_WAIT_MS, &error);
	assert_true(GPOINTER_TO_INT(g_thread_join(plugger)));
	if (!found)
		fail_msg("%s", error->message);
	g_autoptr(JpkiCard) card = jpki_ap_find_card(context, NULL, NULL);
	assert_non_null(card);
	assert_string_equal(jpki_card_get_reader(card), OTHER_READER);
}

static void
test_changes_the_authentication_pin(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) current = pin_for(JPKI_SECRET_AUTH, "1234");
	g_autoptr(JpkiPin) replacement = pin_for(JPKI_SECRET_AUTH, "5678");
	g_autoptr(GError) error = NULL;
	assert_true(jpki_pin_change(card, current, replacement, NULL, &error));
	assert_false(jpki_pin_verify(card, current, NULL, NULL));
	assert_true(jpki_pin_verify(card, replacement, NULL, NULL));
	g_autoptr(JpkiPin) sign = pin_for(JPKI_SECRET_SIGN, "ABC123");
	g_autoptr(GError) mismatch = NULL;
	assert_false(jpki_pin_change(card, current, sign, NULL, &mismatch));
	assert_true(g_error_matches(mismatch, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT));
}

static void
test_reads_the_basic_four_attributes(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) wrong = pin_for(JPKI_SECRET_SUPPORT, "0000");
	g_autoptr(GError) refused = NULL;
	guint tries = 0;
	assert_null(jpki_support_read_attributes(card, wrong, &tries, &refused));
	assert_true(g_error_matches(refused, JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT));
	assert_int_equal(tries, 2);

	g_autoptr(JpkiPin) pin = pin_for(JPKI_SECRET_SUPPORT, "1234");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiBasicAttributes) attributes =
		jpki_support_read_attributes(card, pin, &tries, &error);
	assert_non_null(attributes);
	assert_string_equal(attributes->name, "テスト　太郎");
	assert_string_equal(attributes->address, "東京都千代田区霞が関２丁目１番２号　テスト");
	assert_string_equal(attributes->birth_date, "19900101");
	assert_string_equal(attributes->sex, "1");
	assert_int_equal(tries, 3);
}

static void
test_malformed_attributes_are_an_error_not_a_crash(void **state)
{
	(void)state;
	const char *cases[] = {"", "FF20", "FF2005DF2202E3", "3003020101", "FF2004DF220141"};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		gsize len = strlen(cases[i]) / 2;
		g_autofree guint8 *bytes = g_malloc0(len + 1);
		for (gsize j = 0; j < len; j++)
			bytes[j] = (guint8)(g_ascii_xdigit_value(cases[i][2 * j]) << 4 |
					    g_ascii_xdigit_value(cases[i][2 * j + 1]));
		g_autoptr(GBytes) ef = g_bytes_new(bytes, len);
		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiBasicAttributes) attributes =
			jpki_basic_attributes_decode(ef, &error);
		assert_null(attributes);
		assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CARD));
	}
}

#define CARD_TEST(name) cmocka_unit_test_setup_teardown(name, one_adult_card, reset_readers)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CARD_TEST(test_finds_the_card_by_its_aid),
		CARD_TEST(test_finds_a_contactless_card_whatever_its_atr),
		CARD_TEST(test_no_service_no_reader_no_card_are_distinct),
		CARD_TEST(test_a_card_without_jpki_is_unsupported),
		CARD_TEST(test_felica_and_other_cards_are_not_a_my_number_card),
		CARD_TEST(test_a_juki_card_is_no_longer_usable),
		CARD_TEST(test_two_my_number_cards_are_never_guessed_between),
		CARD_TEST(test_a_juki_card_beside_a_my_number_card_is_skipped),
		CARD_TEST(test_a_smartphone_token_is_not_supported),
		CARD_TEST(test_reads_the_card_information_of_the_common_application),
		CARD_TEST(test_reads_public_certificates_without_a_pin),
		CARD_TEST(test_signing_certificate_needs_the_signing_password),
		CARD_TEST(test_extended_length_reads_fewer_apdus_and_falls_back_when_refused),
		CARD_TEST(test_extended_length_fallback_holds_across_a_card_reset),
		CARD_TEST(test_short_reads_are_the_default),
		CARD_TEST(test_pin_formats_are_refused_before_reaching_the_card),
		CARD_TEST(test_lower_case_signing_password_is_folded_to_upper_case),
		CARD_TEST(test_certificate_presence_follows_ef_0008),
		CARD_TEST(test_declined_authentication_certificate_is_absent_not_an_error),
		CARD_TEST(test_declined_signing_certificate_is_absent_not_locked),
		CARD_TEST(test_blank_certificate_file_is_absent),
		CARD_TEST(test_pin_status_costs_no_try),
		CARD_TEST(test_status_after_a_good_verify_is_tries_left_and_signing_works),
		CARD_TEST(test_both_blocked_status_answers_mean_pin_blocked),
		CARD_TEST(test_wrong_pin_is_sent_once_and_reports_tries_left),
		CARD_TEST(test_auth_pin_locks_after_three_wrong_tries_and_is_then_never_sent),
		CARD_TEST(test_signing_password_locks_after_five_wrong_tries),
		CARD_TEST(test_locked_profile_gets_no_verify_with_a_pin),
		CARD_TEST(test_child_card_reports_no_signing_certificate),
		CARD_TEST(test_signs_with_each_key_after_its_pin),
		CARD_TEST(test_card_removed_at_any_step_is_reported_as_removed),
		CARD_TEST(test_an_empty_answer_from_a_card_that_left_is_removed),
		CARD_TEST(test_waits_for_a_card_then_times_out_or_is_cancelled),
		CARD_TEST(test_waits_for_a_reader_to_be_plugged_in),
		CARD_TEST(test_changes_the_authentication_pin),
		CARD_TEST(test_reads_the_basic_four_attributes),
		CARD_TEST(test_malformed_attributes_are_an_error_not_a_crash),
	};
	/* The main operations once more with the card behind a contactless reader. */
	const struct CMUnitTest contactless_tests[] = {
		CARD_TEST(test_finds_the_card_by_its_aid),
		CARD_TEST(test_reads_the_card_information_of_the_common_application),
		CARD_TEST(test_reads_public_certificates_without_a_pin),
		CARD_TEST(test_signing_certificate_needs_the_signing_password),
		CARD_TEST(test_extended_length_fallback_holds_across_a_card_reset),
		CARD_TEST(test_pin_status_costs_no_try),
		CARD_TEST(test_wrong_pin_is_sent_once_and_reports_tries_left),
		CARD_TEST(test_signs_with_each_key_after_its_pin),
		CARD_TEST(test_changes_the_authentication_pin),
		CARD_TEST(test_reads_the_basic_four_attributes),
	};
	int failed = cmocka_run_group_tests_name("jpki_card", tests, NULL, NULL);
	contactless = TRUE;
	return failed +
	       cmocka_run_group_tests_name("jpki_card_contactless", contactless_tests, NULL, NULL);
}
