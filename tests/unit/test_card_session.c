/* The card session: what one transaction knows (no SELECT twice), the
 * dispositions, and resets by another program (reconnect before any PIN,
 * JPKI_ERROR_CARD_RESET after one, never a PIN sent again). */
#include "jpki_ap.h"
#include "sim_pcsc.h"
#include "sim_profile.h"
#include "test_pki.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define READER     "Sim Reader 00 00"
#define INS_SELECT 0xA4
#define INS_READ   0xB0
#define INS_VERIFY 0x20
#define SHORT_READ 256

static int
one_adult_card(void **state)
{
	(void)state;
	sim_pcsc_reset();
	sim_pcsc_add_reader(READER);
	SimProfileOptions options = {.profile = "adult"};
	SimCard *card = sim_profile_build(&options, NULL);
	assert_non_null(card);
	sim_pcsc_insert_card(READER, card);
	return 0;
}

static int
reset_readers(void **state)
{
	(void)state;
	sim_pcsc_reset();
	return 0;
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

static guint
reads_of(GBytes *der)
{
	return (guint)((g_bytes_get_size(der) + SHORT_READ - 1) / SHORT_READ);
}

static JpkiPin *
auth_pin(void)
{
	JpkiPin *pin = jpki_pin_new(JPKI_SECRET_AUTH, "1234", NULL);
	assert_non_null(pin);
	return pin;
}

static void
test_reading_the_auth_certificate_selects_once_and_reads_no_header_apart(void **state)
{
	(void)state;
	g_autoptr(GBytes) expected = test_pki_load_der("auth-valid.pem");
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	/* A new transaction knows nothing of what the probe selected. */
	jpki_card_end_transaction(card);
	assert_true(jpki_card_begin_transaction(card, NULL));
	guint before = sim_pcsc_count_apdus();
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, NULL);
	assert_true(g_bytes_equal(der, expected));
	/* SELECT AP, SELECT EF, then the file in 256-byte reads, length from the first */
	assert_int_equal(sim_pcsc_count_apdus() - before, 2 + reads_of(expected));
	/* Within the transaction, nothing is selected twice. */
	before = sim_pcsc_count_apdus();
	g_autoptr(GBytes) again = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, NULL);
	assert_true(g_bytes_equal(again, expected));
	assert_int_equal(sim_pcsc_count_apdus() - before, reads_of(expected));
}

static void
test_an_operation_without_a_pin_leaves_the_card_and_one_with_a_pin_powers_it_off(void **state)
{
	(void)state;
	{
		g_autoptr(JpkiContext) context = NULL;
		g_autoptr(JpkiCard) card = find_card(&context);
		g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, NULL);
		assert_non_null(der);
	}
	assert_int_equal(sim_pcsc_count_resets(FALSE), 0);
	{
		g_autoptr(JpkiContext) context = NULL;
		g_autoptr(JpkiCard) card = find_card(&context);
		g_autoptr(JpkiPin) pin = auth_pin();
		assert_true(jpki_pin_verify(card, pin, NULL, NULL));
	}
	assert_int_equal(sim_pcsc_count_resets(FALSE), 1);
	assert_int_equal(sim_pcsc_count_resets(TRUE), 1);
}

static void
test_a_reset_between_two_operations_is_met_by_a_reconnect(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	jpki_card_end_transaction(card);
	sim_pcsc_reset_card(READER); /* another program */
	g_autoptr(GError) error = NULL;
	if (!jpki_card_begin_transaction(card, &error))
		fail_msg("%s", error->message);
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &error);
	if (der == NULL)
		fail_msg("%s", error->message);
	g_autoptr(JpkiPin) pin = auth_pin();
	guint tries = 0;
	assert_true(jpki_pin_verify(card, pin, &tries, NULL));
	assert_int_equal(tries, 3);
	assert_int_equal(sim_pcsc_count_pin_verifies(), 1);
}

static void
test_a_reset_while_probing_starts_the_probe_again(void **state)
{
	(void)state;
	/* Right after the probe's SELECT of the JPKI application. */
	sim_pcsc_reset_card_after(READER, INS_SELECT, 1);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, NULL);
	assert_non_null(der);
}

static void
test_a_reset_before_any_pin_is_card_reset_with_the_card_reconnected(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	sim_pcsc_reset_card(READER);
	g_autoptr(GError) error = NULL;
	assert_null(jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CARD_RESET));
	assert_false(jpki_card_get_pin_sent(card));
	/* Reconnected and forgotten: the operation starts again from the top. */
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, NULL);
	assert_non_null(der);
}

static void
test_a_reset_after_verify_is_card_reset_and_the_pin_is_not_sent_again(void **state)
{
	(void)state;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = find_card(&context);
	g_autoptr(JpkiPin) pin = auth_pin();
	assert_true(jpki_pin_verify(card, pin, NULL, NULL));
	sim_pcsc_reset_card(READER);
	g_autoptr(GBytes) digest_info = g_bytes_new_static("0123456789abcdef0123", 20);
	g_autoptr(GError) error = NULL;
	assert_null(jpki_ap_sign(card, JPKI_SECRET_AUTH, digest_info, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CARD_RESET));
	g_autoptr(GError) again = NULL;
	assert_null(jpki_ap_sign(card, JPKI_SECRET_AUTH, digest_info, &again));
	assert_true(g_error_matches(again, JPKI_ERROR, JPKI_ERROR_CARD_RESET));
	assert_int_equal(sim_pcsc_count_pin_verifies(), 1);
}

#define SESSION_TEST(name) cmocka_unit_test_setup_teardown(name, one_adult_card, reset_readers)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SESSION_TEST(
			test_reading_the_auth_certificate_selects_once_and_reads_no_header_apart),
		SESSION_TEST(
			test_an_operation_without_a_pin_leaves_the_card_and_one_with_a_pin_powers_it_off),
		SESSION_TEST(test_a_reset_between_two_operations_is_met_by_a_reconnect),
		SESSION_TEST(test_a_reset_while_probing_starts_the_probe_again),
		SESSION_TEST(test_a_reset_before_any_pin_is_card_reset_with_the_card_reconnected),
		SESSION_TEST(test_a_reset_after_verify_is_card_reset_and_the_pin_is_not_sent_again),
	};
	return cmocka_run_group_tests_name("card_session", tests, NULL, NULL);
}
