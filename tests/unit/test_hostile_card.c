/* A hostile card or reader against the host's commands (bridge_command_run(), in process):
 * endless 61xx, 6Cxx to a command whose last byte is data, oversize length claims, truncated
 * TLVs, a card that answers 9000 to everything, a reader whose name is not UTF-8. Every
 * operation ends with an error of the right code (or a reply where the fault does not touch
 * it), without a hang, without a PIN the user did not type, and works again once the card
 * behaves. Faults come from the fault layer (tests/sim/sim_fault.h). */
#include "host_operations.h"
#include "reply.h"
#include "sim_fault.h"
#include "sim_pcsc.h"
#include "sim_profile.h"

#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define INS_VERIFY       0x20
#define INS_SELECT       0xA4
#define INS_READ_BINARY  0xB0
#define INS_GET_RESPONSE 0xC0
#define FID_AUTH_CERT    0x000A
#define FID_SIGN_CERT    0x0001
#define FID_ATTRIBUTES   0x0002

/* The operations, in the order of host_operations_new(). */
enum { STATUS, AUTHENTICATE, GET_SIGNING_CERTIFICATE, SIGN, SIGN_CMS, READ_ATTRIBUTES, N_OPS };

typedef struct {
	HostOperations *ops;
	SimFault *fault;
} Fixture;

static int
setup(void **state)
{
	Fixture *fixture = g_new0(Fixture, 1);
	fixture->ops = host_operations_new();
	fixture->fault = sim_fault_new();
	*state = fixture;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *fixture = *state;
	host_operations_free(fixture->ops); /* resets the adapter: the hook goes */
	sim_fault_free(fixture->fault);
	g_free(fixture);
	return 0;
}

static SimCard *
sim(void)
{
	SimCard *card = sim_pcsc_get_card(HOST_OPERATIONS_READER);
	assert_non_null(card);
	return card;
}

/* Each operation against the card as the test made it: the outcome `expected[op]` (an error
 * code's name, or "reply"); then, with the card behaving again (`heal`), it works. */
static void
assert_each_operation(Fixture *fixture, const char *const expected[N_OPS], void (*heal)(void))
{
	g_autoptr(GString) wrong = g_string_new(NULL);
	for (guint i = 0; i < N_OPS; i++) {
		const HostOperation *op = g_ptr_array_index(fixture->ops->operations, i);
		g_auto(HostOutcome) outcome = {0};
		host_operations_run(fixture->ops, op, &outcome);
		if (strcmp(host_outcome_code(&outcome), expected[i]) != 0)
			g_string_append_printf(wrong, "\n  %s: expected %s, got %s (%s)", op->name,
					       expected[i], host_outcome_code(&outcome),
					       outcome.error != NULL ? outcome.error->message : "");
		/* The error a browser would get is one JSON object. */
		if (outcome.error != NULL) {
			json_t *reply = bridge_error_reply(outcome.error, -1);
			g_autofree char *text = json_dumps(reply, JSON_COMPACT);
			json_decref(reply);
			assert_non_null(text);
		}
	}
	if (wrong->len > 0)
		fail_msg("%s", wrong->str);
	heal();
	for (guint i = 0; i < N_OPS; i++)
		host_operations_assert_works(fixture->ops,
					     g_ptr_array_index(fixture->ops->operations, i));
}

static void
uninstall_fault(void)
{
	sim_pcsc_set_answer_hook(NULL, NULL);
}

static void
new_card(void)
{
	SimProfileOptions options = {.profile = "adult"};
	sim_pcsc_insert_card(HOST_OPERATIONS_READER, sim_profile_build(&options, NULL));
}

/* Every READ BINARY answered 61FF, and every GET RESPONSE 255 bytes and 61FF again: the
 * card cannot say what it is (its token information is a READ BINARY). */
static void
test_endless_61xx_is_not_a_my_number_card(void **state)
{
	Fixture *fixture = *state;
	guint8 filler[255];
	memset(filler, 0x30, sizeof(filler));
	sim_fault_answer(fixture->fault, INS_READ_BINARY, 0, 0x61FF, NULL, 0);
	sim_fault_answer(fixture->fault, INS_GET_RESPONSE, 0, 0x61FF, filler, sizeof(filler));
	sim_fault_install(fixture->fault);
	static const char *const expected[N_OPS] = {"unsupported-card", "unsupported-card",
						    "unsupported-card", "unsupported-card",
						    "unsupported-card", "unsupported-card"};
	assert_each_operation(fixture, expected, uninstall_fault);
}

/* The same on the extended READ BINARY of a certificate's rest (7 bytes), once the card has
 * said it is a My Number Card: a bounded number of GET RESPONSEs, then the certificate is
 * read in short APDUs, as from a reader without extended length. */
static void
test_endless_61xx_to_an_extended_read_falls_back_to_short_reads(void **state)
{
	Fixture *fixture = *state;
	guint8 filler[255];
	memset(filler, 0x30, sizeof(filler));
	sim_fault_answer(fixture->fault, INS_READ_BINARY, 7, 0x61FF, NULL, 0);
	sim_fault_answer(fixture->fault, INS_GET_RESPONSE, 0, 0x61FF, filler, sizeof(filler));
	sim_fault_install(fixture->fault);
	static const char *const expected[N_OPS] = {"reply", "reply", "reply",
						    "reply", "reply", "reply"};
	assert_each_operation(fixture, expected, uninstall_fault);
	/* Six operations, then six again: at most 64 GET RESPONSEs for each extended read. */
	assert_true(sim_card_count_commands(sim(), INS_GET_RESPONSE) <= 6 * 64);
}

/* The last byte of a SELECT is the file's identifier, of a VERIFY the PIN's: a 6Cxx to them
 * must never make the host change that byte, nor send the PIN again. */
static void
test_6cxx_to_a_verify_carrying_a_pin_sends_it_once(void **state)
{
	Fixture *fixture = *state;
	sim_fault_answer(fixture->fault, INS_VERIFY, 6, 0x6C04, NULL, 0);
	sim_fault_install(fixture->fault);
	static const char *const expected[N_OPS] = {"reply",      "card-error", "card-error",
						    "card-error", "card-error", "card-error"};
	assert_each_operation(fixture, expected, uninstall_fault);
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY) > 0, TRUE);
}

static void
test_6cxx_to_every_select_is_not_a_my_number_card(void **state)
{
	Fixture *fixture = *state;
	sim_fault_answer(fixture->fault, INS_SELECT, 0, 0x6C17, NULL, 0);
	sim_fault_install(fixture->fault);
	static const char *const expected[N_OPS] = {"unsupported-card", "unsupported-card",
						    "unsupported-card", "unsupported-card",
						    "unsupported-card", "unsupported-card"};
	assert_each_operation(fixture, expected, uninstall_fault);
}

/* More data than the command asked for: to the token information (the probe), or to the
 * extended READ BINARY of a certificate. */
static void
test_an_answer_longer_than_asked_is_refused(void **state)
{
	Fixture *fixture = *state;
	g_autofree guint8 *lots = g_malloc0(4096);
	sim_fault_answer(fixture->fault, INS_READ_BINARY, 0, 0x9000, lots, 4096);
	sim_fault_install(fixture->fault);
	static const char *const expected[N_OPS] = {"unsupported-card", "unsupported-card",
						    "unsupported-card", "unsupported-card",
						    "unsupported-card", "unsupported-card"};
	assert_each_operation(fixture, expected, uninstall_fault);

	g_autoptr(SimFault) certificates = sim_fault_new();
	sim_fault_answer(certificates, INS_READ_BINARY, 7, 0x9000, lots, 4096);
	sim_fault_install(certificates);
	/* Refused as an answer of the wrong length: the certificate is read in short APDUs. */
	static const char *const on_certificates[N_OPS] = {"reply", "reply", "reply",
							   "reply", "reply", "reply"};
	assert_each_operation(fixture, on_certificates, uninstall_fault);
}

static void
set_files(GBytes *content)
{
	sim_card_set_binary(sim(), SIM_AP_JPKI, FID_AUTH_CERT, content, -1);
	sim_card_set_binary(sim(), SIM_AP_JPKI, FID_SIGN_CERT, content, SIM_SECRET_SIGN);
	sim_card_set_binary(sim(), SIM_AP_SUPPORT, FID_ATTRIBUTES, content, SIM_SECRET_SUPPORT);
}

/* Certificates and the attributes' template claim 64 KiB. */
static void
test_files_claiming_64_kib_are_a_card_error(void **state)
{
	Fixture *fixture = *state;
	g_autofree guint8 *huge = g_malloc0(0x8100);
	memcpy(huge, "\x30\x82\xFF\xFF", 4);
	g_autoptr(GBytes) certificate = g_bytes_new(huge, 0x8100);
	set_files(certificate);
	memcpy(huge, "\xFF\x20\x82\xFF\xFF", 5);
	g_autoptr(GBytes) attributes = g_bytes_new(huge, 0x8100);
	sim_card_set_binary(sim(), SIM_AP_SUPPORT, FID_ATTRIBUTES, attributes, SIM_SECRET_SUPPORT);
	static const char *const expected[N_OPS] = {"card-error", "card-error", "card-error",
						    "card-error", "card-error", "card-error"};
	assert_each_operation(fixture, expected, new_card);
}

/* Files whose TLV claims more than the file holds: the card refuses to read past its end. */
static void
test_truncated_files_are_a_card_error(void **state)
{
	Fixture *fixture = *state;
	guint8 head[300] = {0x30, 0x82, 0x04, 0x00};
	g_autoptr(GBytes) certificate = g_bytes_new(head, sizeof(head));
	set_files(certificate);
	head[0] = 0xFF;
	head[1] = 0x20;
	head[2] = 0x82;
	head[3] = 0x04;
	head[4] = 0x00;
	g_autoptr(GBytes) attributes = g_bytes_new(head, sizeof(head));
	sim_card_set_binary(sim(), SIM_AP_SUPPORT, FID_ATTRIBUTES, attributes, SIM_SECRET_SUPPORT);
	static const char *const expected[N_OPS] = {"card-error", "card-error", "card-error",
						    "card-error", "card-error", "card-error"};
	assert_each_operation(fixture, expected, new_card);
}

/* Whole TLVs whose insides end early: a certificate cut inside its validity, attribute
 * fields running past the template. */
static void
test_truncated_tlvs_inside_files_are_a_card_error(void **state)
{
	Fixture *fixture = *state;
	static const guint8 certificate_bytes[] = {0x30, 0x0A, 0x30, 0x82, 0x04, 0x00,
						   0xA0, 0x03, 0x02, 0x01, 0x02, 0x02};
	g_autoptr(GBytes) certificate = g_bytes_new_static(certificate_bytes, 12);
	set_files(certificate);
	static const guint8 attributes_bytes[] = {0xFF, 0x20, 0x08, 0xDF, 0x22, 0x20,
						  'a',  'b',  'c',  'd',  'e'};
	g_autoptr(GBytes) attributes = g_bytes_new_static(attributes_bytes, 11);
	sim_card_set_binary(sim(), SIM_AP_SUPPORT, FID_ATTRIBUTES, attributes, SIM_SECRET_SUPPORT);
	static const char *const expected[N_OPS] = {"card-error", "card-error", "card-error",
						    "card-error", "card-error", "card-error"};
	assert_each_operation(fixture, expected, new_card);
}

/* Attributes that are not UTF-8 never reach the JSON. */
static void
test_attributes_that_are_not_utf8_are_a_card_error(void **state)
{
	Fixture *fixture = *state;
	static const guint8 attributes_bytes[] = {0xFF, 0x20, 0x10, 0xDF, 0x22, 0x01, 0xFF,
						  0xDF, 0x23, 0x01, 'a',  0xDF, 0x24, 0x01,
						  '1',  0xDF, 0x25, 0x01, '1'};
	g_autoptr(GBytes) attributes = g_bytes_new_static(attributes_bytes, 19);
	sim_card_set_binary(sim(), SIM_AP_SUPPORT, FID_ATTRIBUTES, attributes, SIM_SECRET_SUPPORT);
	static const char *const expected[N_OPS] = {"reply", "reply", "reply",
						    "reply", "reply", "card-error"};
	assert_each_operation(fixture, expected, new_card);
}

static void
test_a_card_answering_9000_to_everything_is_refused(void **state)
{
	Fixture *fixture = *state;
	sim_fault_answer(fixture->fault, SIM_FAULT_ANY_INS, 0, 0x9000, NULL, 0);
	sim_fault_install(fixture->fault);
	static const char *const expected[N_OPS] = {"unsupported-card", "unsupported-card",
						    "unsupported-card", "unsupported-card",
						    "unsupported-card", "unsupported-card"};
	assert_each_operation(fixture, expected, uninstall_fault);
}

/* Answers of 0 or 1 byte, shorter than any status word (the fault layer's script: 07 is an
 * empty answer, 0F one byte). Found by fuzz_card_answers: the adapter copied from NULL. */
static void
test_answers_shorter_than_a_status_word_are_a_card_error(void **state)
{
	Fixture *fixture = *state;
	guint8 script[64];
	for (guint i = 0; i < sizeof(script); i++)
		script[i] = i % 2 == 0 ? 0x07 : 0x0F;
	sim_fault_script_from_bytes(fixture->fault, script, sizeof(script));
	sim_fault_install(fixture->fault);
	static const char *const expected[N_OPS] = {"card-error", "card-error", "card-error",
						    "card-error", "card-error", "card-error"};
	assert_each_operation(fixture, expected, uninstall_fault);
}

/* A reader name is any bytes pcsc-lite was given; the reply must still be JSON. */
static void
test_a_reader_name_that_is_not_utf8_still_gets_a_reply(void **state)
{
	Fixture *fixture = *state;
	const char *name = "Lecteur \xE9tranger \xFF\xFE 00 00";
	sim_pcsc_reset();
	sim_pcsc_add_reader(name);
	SimProfileOptions options = {.profile = "adult"};
	sim_pcsc_insert_card(name, sim_profile_build(&options, NULL));
	const HostOperation *status = g_ptr_array_index(fixture->ops->operations, STATUS);
	g_auto(HostOutcome) outcome = {0};
	host_operations_run(fixture->ops, status, &outcome);
	if (outcome.reply == NULL)
		fail_msg("status: %s", outcome.error->message);
	g_autofree char *text = json_dumps(outcome.reply, JSON_COMPACT);
	assert_non_null(text);
	const char *reader = json_string_value(
		json_object_get(json_object_get(outcome.reply, "card"), "reader"));
	assert_non_null(reader);
	assert_true(g_str_has_prefix(reader, "Lecteur "));
	json_t *readers = json_object_get(outcome.reply, "readers");
	assert_int_equal(json_array_size(readers), 1);
	for (guint i = 0; i < N_OPS; i++)
		host_operations_assert_works(fixture->ops,
					     g_ptr_array_index(fixture->ops->operations, i));
}

/* An error whose message carries bytes that are not UTF-8 (a reader's name) is still an
 * error object for the browser. */
static void
test_an_error_message_that_is_not_utf8_is_still_an_error_reply(void **state)
{
	(void)state;
	g_autoptr(GError) error =
		g_error_new(JPKI_ERROR, JPKI_ERROR_NO_READER, "no reader named \"%s\"", "\xFF\xFE");
	json_t *reply = bridge_error_reply(error, 2);
	assert_non_null(reply);
	json_t *detail = json_object_get(reply, "error");
	assert_string_equal(json_string_value(json_object_get(detail, "code")), "no-reader");
	assert_true(g_str_has_prefix(json_string_value(json_object_get(detail, "message")),
				     "no reader named"));
	assert_int_equal(json_integer_value(json_object_get(detail, "triesLeft")), 2);
	json_decref(reply);
}

int
main(void)
{
#define HOSTILE_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		HOSTILE_TEST(test_endless_61xx_is_not_a_my_number_card),
		HOSTILE_TEST(test_endless_61xx_to_an_extended_read_falls_back_to_short_reads),
		HOSTILE_TEST(test_6cxx_to_a_verify_carrying_a_pin_sends_it_once),
		HOSTILE_TEST(test_6cxx_to_every_select_is_not_a_my_number_card),
		HOSTILE_TEST(test_an_answer_longer_than_asked_is_refused),
		HOSTILE_TEST(test_files_claiming_64_kib_are_a_card_error),
		HOSTILE_TEST(test_truncated_files_are_a_card_error),
		HOSTILE_TEST(test_truncated_tlvs_inside_files_are_a_card_error),
		HOSTILE_TEST(test_attributes_that_are_not_utf8_are_a_card_error),
		HOSTILE_TEST(test_a_card_answering_9000_to_everything_is_refused),
		HOSTILE_TEST(test_answers_shorter_than_a_status_word_are_a_card_error),
		HOSTILE_TEST(test_a_reader_name_that_is_not_utf8_still_gets_a_reply),
		HOSTILE_TEST(test_an_error_message_that_is_not_utf8_is_still_an_error_reply),
	};
	return cmocka_run_group_tests_name("hostile card", tests, NULL, NULL);
}
