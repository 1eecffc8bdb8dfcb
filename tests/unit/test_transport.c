/* libjpki's transmit against a card that answers 61xx, 6Cxx or 6F00, or
 * answers them badly: continuations, Le corrections and the retry after
 * power-up are bounded, and a 6Cxx never rewrites a data byte. Faults come from the in-process
 * adapter's answer hook. */
#include "apdu.h"
#include "jpki_ap.h"
#include "sim_pcsc.h"
#include "sim_profile.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define READER "Sim Reader 00 00"

static const guint8 select_token_info[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x06};
static const guint8 select_auth_key[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x17};
static const guint8 select_jpki_ap[] = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0,
					0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};

typedef enum {
	FAULT_6C_TO_SELECT_TOKEN, /* SELECT EF 0006 answered 6C17 */
	FAULT_6C_ONCE_TO_READ,    /* the first READ BINARY answered 6C20, then honest */
	FAULT_6C_ALWAYS_TO_READ,  /* every READ BINARY answered 6C20 */
	FAULT_61_CHAIN_TO_READ,   /* READ BINARY answered 61LL, its data by GET RESPONSE */
	FAULT_61_FOREVER_TO_READ, /* READ BINARY and every GET RESPONSE answered 61FF */
	FAULT_6F00_ALWAYS,        /* every command answered 6F00 */
	FAULT_NONE,               /* the card's own answers, recorded */
} Fault;

typedef struct {
	Fault fault;
	GPtrArray *sent; /* GBytes: every command APDU, as the card saw it */
	GBytes *pending; /* FAULT_61_CHAIN_TO_READ: the data GET RESPONSE gives */
	guint reads;
} Faults;

static Faults faults;

static GBytes *
answer_sw(guint16 sw, const guint8 *data, gsize len)
{
	GByteArray *out = g_byte_array_new();
	if (data != NULL)
		g_byte_array_append(out, data, (guint)len);
	guint8 sw_bytes[2] = {sw >> 8, sw & 0xFF};
	g_byte_array_append(out, sw_bytes, 2);
	return g_byte_array_free_to_bytes(out);
}

static GBytes *
fault_hook(const guint8 *apdu, gsize len, GBytes *answer, gpointer user_data)
{
	Faults *f = user_data;
	g_ptr_array_add(f->sent, g_bytes_new(apdu, len));
	gboolean read = len >= 2 && apdu[1] == 0xB0;
	gboolean get_response = len >= 2 && apdu[1] == 0xC0;
	guint8 filler[255];
	memset(filler, 0x30, sizeof(filler));
	switch (f->fault) {
	case FAULT_6C_TO_SELECT_TOKEN:
		if (len == sizeof(select_token_info) && memcmp(apdu, select_token_info, len) == 0)
			return answer_sw(0x6C17, NULL, 0);
		return NULL;
	case FAULT_6C_ONCE_TO_READ:
		return read && f->reads++ == 0 ? answer_sw(0x6C20, NULL, 0) : NULL;
	case FAULT_6C_ALWAYS_TO_READ:
		return read ? answer_sw(0x6C20, NULL, 0) : NULL;
	case FAULT_61_CHAIN_TO_READ: {
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(answer, &size);
		if (read && size > 2 && data[size - 2] == 0x90) {
			g_clear_pointer(&f->pending, g_bytes_unref);
			f->pending = g_bytes_new(data, size - 2);
			return answer_sw((guint16)(0x6100 | (size - 2)), NULL, 0);
		}
		if (get_response && f->pending != NULL) {
			gsize pending_len = 0;
			const guint8 *pending = g_bytes_get_data(f->pending, &pending_len);
			GBytes *out = answer_sw(0x9000, pending, pending_len);
			g_clear_pointer(&f->pending, g_bytes_unref);
			return out;
		}
		return NULL;
	}
	case FAULT_61_FOREVER_TO_READ:
		if (read)
			return answer_sw(0x61FF, NULL, 0);
		return get_response ? answer_sw(0x61FF, filler, sizeof(filler)) : NULL;
	case FAULT_6F00_ALWAYS:
		return answer_sw(0x6F00, NULL, 0);
	default:
		return NULL;
	}
}

static int
setup(void **state)
{
	(void)state;
	sim_pcsc_reset();
	sim_pcsc_add_reader(READER);
	SimProfileOptions options = {0};
	sim_pcsc_insert_card(READER, sim_profile_build(&options, NULL));
	memset(&faults, 0, sizeof(faults));
	faults.sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sim_pcsc_reset();
	g_ptr_array_unref(faults.sent);
	g_clear_pointer(&faults.pending, g_bytes_unref);
	return 0;
}

static void
with_fault(Fault fault)
{
	faults.fault = fault;
	sim_pcsc_set_answer_hook(fault_hook, &faults);
}

static guint
count_sent(const guint8 *apdu, gsize len)
{
	guint n = 0;
	for (guint i = 0; i < faults.sent->len; i++) {
		gsize size = 0;
		const guint8 *sent = g_bytes_get_data(g_ptr_array_index(faults.sent, i), &size);
		if (size == len && memcmp(sent, apdu, len) == 0)
			n++;
	}
	return n;
}

static guint
count_ins(guint8 ins)
{
	guint n = 0;
	for (guint i = 0; i < faults.sent->len; i++) {
		const guint8 *sent = g_bytes_get_data(g_ptr_array_index(faults.sent, i), NULL);
		n += sent[1] == ins;
	}
	return n;
}

static JpkiCard *
find_card(JpkiContext **context, GError **error)
{
	*context = jpki_context_new(NULL);
	assert_non_null(*context);
	return jpki_ap_find_card(*context, NULL, error);
}

/* A 6Cxx to a command without Le is no invitation to change its last byte:
 * SELECT EF 0006 must never turn into SELECT EF 0017 (a key). */
static void
test_6cxx_never_rewrites_a_data_byte(void **state)
{
	(void)state;
	with_fault(FAULT_6C_TO_SELECT_TOKEN);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCard) card = find_card(&context, &error);
	assert_null(card);
	assert_int_equal(count_sent(select_token_info, sizeof(select_token_info)), 1);
	assert_int_equal(count_sent(select_auth_key, sizeof(select_auth_key)), 0);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_UNSUPPORTED_CARD));
}

/* A 6Cxx to a command ending in Le is answered once, with the Le asked for. */
static void
test_6cxx_corrects_the_le_once(void **state)
{
	(void)state;
	with_fault(FAULT_6C_ONCE_TO_READ);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCard) card = find_card(&context, &error);
	if (card == NULL)
		fail_msg("%s", error->message);
	static const guint8 read_le_20[] = {0x00, 0xB0, 0x00, 0x00, 0x20};
	assert_int_equal(count_sent(read_le_20, sizeof(read_le_20)), 2); /* refused, then again */

	g_clear_pointer(&card, jpki_card_free);
	g_clear_pointer(&context, jpki_context_free);
	g_ptr_array_set_size(faults.sent, 0);
	with_fault(FAULT_6C_ALWAYS_TO_READ);
	g_autoptr(GError) again = NULL;
	card = find_card(&context, &again);
	assert_null(card);
	assert_int_equal(count_ins(0xB0), 2); /* one correction, never a loop */
}

/* 61xx: the data comes by GET RESPONSE, and is the same as without it. */
static void
test_61xx_continuations_deliver_the_data(void **state)
{
	(void)state;
	with_fault(FAULT_61_CHAIN_TO_READ);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCard) card = find_card(&context, &error);
	if (card == NULL)
		fail_msg("%s", error->message);
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &error);
	if (der == NULL)
		fail_msg("%s", error->message);
	assert_int_equal(((const guint8 *)g_bytes_get_data(der, NULL))[0], 0x30);
	assert_true(count_ins(0xC0) >= 2);
}

/* A card that answers 61xx for ever is cut off: an error, not a hang, and
 * a bounded number of GET RESPONSEs. */
static void
test_61xx_for_ever_is_an_error_not_a_hang(void **state)
{
	(void)state;
	with_fault(FAULT_61_FOREVER_TO_READ);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCard) card = find_card(&context, &error);
	assert_null(card);
	guint get_responses = count_ins(0xC0);
	assert_true(get_responses > 0);
	assert_true(get_responses <= 64);
}

/* A certificate EF whose DER header claims 64 KiB: more than any EF of the
 * card. An error, never an abort on the 15-bit READ BINARY offset. */
static void
test_a_file_claiming_more_than_any_real_ef_is_an_error(void **state)
{
	(void)state;
	/* Readable far enough that following the header would pass offset 7FFF. */
	g_autofree guint8 *huge = g_malloc0(0x8100);
	memcpy(huge, "\x30\x82\xFF\xFF", 4);
	g_autoptr(GBytes) content = g_bytes_new(huge, 0x8100);
	SimCard *sim = sim_pcsc_get_card(READER);
	sim_card_set_binary(sim, SIM_AP_JPKI, 0x000A, content, -1);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCard) card = find_card(&context, &error);
	assert_non_null(card);
	guint reads_before = sim_card_count_commands(sim, 0xB0);
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &error);
	assert_null(der);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CARD));
	/* Refused from the header: nothing more is read. */
	assert_int_equal(sim_card_count_commands(sim, 0xB0) - reads_before, 1);
}

/* A card that answers the first command after power-up 6F00: that command is
 * sent once more, exactly once, after every power-up or reset, and the card
 * works. */
static void
test_6f00_to_the_first_apdu_is_retried_exactly_once(void **state)
{
	(void)state;
	sim_card_set_first_apdu_6f00(sim_pcsc_get_card(READER), TRUE);
	with_fault(FAULT_NONE);
	for (guint connection = 1; connection <= 2; connection++) {
		sim_pcsc_reset_card(READER);
		guint selects_before = count_sent(select_jpki_ap, sizeof(select_jpki_ap));
		g_autoptr(JpkiContext) context = NULL;
		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiCard) card = find_card(&context, &error);
		if (card == NULL)
			fail_msg("connection %u: %s", connection, error->message);
		/* answered 6F00, then sent again */
		assert_int_equal(
			count_sent(select_jpki_ap, sizeof(select_jpki_ap)) - selects_before, 2);
		g_autoptr(GBytes) der = jpki_ap_read_certificate(card, JPKI_SLOT_AUTH, &error);
		if (der == NULL)
			fail_msg("%s", error->message);
	}
}

/* A card that keeps answering 6F00 is a card error after one retry: not
 * "not a My Number Card", not "no card", and no loop. */
static void
test_a_card_that_keeps_answering_6f00_is_a_card_error(void **state)
{
	(void)state;
	with_fault(FAULT_6F00_ALWAYS);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCard) card = find_card(&context, &error);
	assert_null(card);
	if (!g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CARD))
		fail_msg("expected card-error, got: %s", error->message);
	assert_int_equal(faults.sent->len, 2);
	assert_int_equal(count_sent(select_jpki_ap, sizeof(select_jpki_ap)), 2);
}

/* A VERIFY carrying a PIN is never sent twice, even as the first command
 * after power-up answered 6F00: the caller sees the 6F00. */
static void
test_a_verify_carrying_a_pin_is_never_retried(void **state)
{
	(void)state;
	sim_card_set_first_apdu_6f00(sim_pcsc_get_card(READER), TRUE);
	g_autoptr(JpkiContext) context = jpki_context_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCard) card = jpki_card_connect(context, READER, &error);
	assert_non_null(card);
	static const guint8 pin[] = {'1', '2', '3', '4'};
	g_autoptr(JpkiSecretApdu) verify = jpki_apdu_verify(pin, sizeof(pin));
	static const guint8 expected[] = {0x00, 0x20, 0x00, 0x80, 0x04, '1', '2', '3', '4'};
	gsize len = 0;
	const guint8 *bytes = jpki_secret_apdu_get_data(verify, &len);
	assert_int_equal(len, sizeof(expected));
	assert_memory_equal(bytes, expected, sizeof(expected));
	guint16 sw = 0;
	g_autoptr(GBytes) answer = jpki_card_transmit_secret(card, verify, &sw, &error);
	assert_non_null(answer);
	assert_int_equal(sw, 0x6F00);
	assert_int_equal(sim_pcsc_count_pin_verifies(), 1);
	assert_int_equal(jpki_card_get_apdu_count(card), 1);
}

int
main(void)
{
#define FAULT_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		FAULT_TEST(test_6cxx_never_rewrites_a_data_byte),
		FAULT_TEST(test_6cxx_corrects_the_le_once),
		FAULT_TEST(test_61xx_continuations_deliver_the_data),
		FAULT_TEST(test_61xx_for_ever_is_an_error_not_a_hang),
		FAULT_TEST(test_a_file_claiming_more_than_any_real_ef_is_an_error),
		FAULT_TEST(test_6f00_to_the_first_apdu_is_retried_exactly_once),
		FAULT_TEST(test_a_card_that_keeps_answering_6f00_is_a_card_error),
		FAULT_TEST(test_a_verify_carrying_a_pin_is_never_retried),
	};
	return cmocka_run_group_tests_name("transport", tests, NULL, NULL);
}
