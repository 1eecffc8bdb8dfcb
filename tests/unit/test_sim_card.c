/* The card simulator behaves like a My Number Card: every command and status
 * word of docs/simulator.md, PIN locks, access rules and the profiles. */
#define _GNU_SOURCE /* memmem */
#include "openssl_autoptr.h"
#include "sim_card.h"
#include "sim_profile.h"
#include "test_pki.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define SELECT_JPKI              "00A4040C0AD392F000260100000001"
#define SELECT_SUPPORT           "00A4040C0AD39210003100010104 08"
#define SELECT_COMMON            "00A4040C0AD39210003100010101 00"
#define SELECT_AUTH_CERT         "00A4020C02000A"
#define SELECT_SIGN_CERT         "00A4020C020001"
#define SELECT_AUTH_PIN          "00A4020C020018"
#define SELECT_SIGN_PIN          "00A4020C02001B"
#define SELECT_AUTH_KEY          "00A4020C020017"
#define SELECT_SIGN_KEY          "00A4020C02001A"
#define VERIFY_STATUS            "00200080"
#define CERT_EF_SIZE             2048 /* the simulator's certificate EFs */
#define SHA256_DIGESTINFO_PREFIX "3031300D060960864801650304020105000420"

static GBytes *
hex_to_bytes(const char *hex)
{
	GByteArray *out = g_byte_array_new();
	for (const char *p = hex; *p != '\0';) {
		if (*p == ' ') {
			p++;
			continue;
		}
		guint8 byte =
			(guint8)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
		g_byte_array_append(out, &byte, 1);
		p += 2;
	}
	return g_byte_array_free_to_bytes(out);
}

static GBytes *
send_bytes(SimCard *card, GBytes *apdu)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(apdu, &len);
	return sim_card_transmit(card, data, len);
}

static GBytes *
send_hex(SimCard *card, const char *hex)
{
	g_autoptr(GBytes) apdu = hex_to_bytes(hex);
	return send_bytes(card, apdu);
}

static guint16
sw_of(GBytes *response)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(response, &len);
	assert_true(len >= 2);
	return (guint16)(data[len - 2] << 8 | data[len - 1]);
}

static guint16
sw_hex(SimCard *card, const char *hex)
{
	g_autoptr(GBytes) response = send_hex(card, hex);
	return sw_of(response);
}

/* A VERIFY with the PIN as ASCII. */
static guint16
verify_pin(SimCard *card, const char *pin)
{
	GByteArray *apdu = g_byte_array_new();
	guint8 header[5] = {0x00, 0x20, 0x00, 0x80, (guint8)strlen(pin)};
	g_byte_array_append(apdu, header, 5);
	g_byte_array_append(apdu, (const guint8 *)pin, (guint)strlen(pin));
	g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes(apdu);
	g_autoptr(GBytes) response = send_bytes(card, bytes);
	return sw_of(response);
}

static SimCard *
card_with(const char *profile)
{
	SimProfileOptions options = {.profile = profile};
	g_autoptr(GError) error = NULL;
	SimCard *card = sim_profile_build(&options, &error);
	if (card == NULL)
		fail_msg("%s", error->message);
	return card;
}

/* Reads the current EF the way readers do: 4 header bytes, then short
 * READ BINARYs of at most 256 bytes until the DER length is covered. */
static GBytes *
read_der_file(SimCard *card)
{
	g_autoptr(GBytes) head = send_hex(card, "00B0000004");
	assert_int_equal(sw_of(head), 0x9000);
	const guint8 *h = g_bytes_get_data(head, NULL);
	assert_int_equal(h[0], 0x30);
	assert_int_equal(h[1], 0x82);
	gsize total = (gsize)(h[2] << 8 | h[3]) + 4;
	GByteArray *out = g_byte_array_new();
	while (out->len < total) {
		gsize chunk = MIN(total - out->len, 256);
		g_autofree char *apdu = g_strdup_printf("00B0%04X%02X", out->len,
							(guint)(chunk == 256 ? 0 : chunk));
		g_autoptr(GBytes) part = send_hex(card, apdu);
		assert_int_equal(sw_of(part), 0x9000);
		gsize len = 0;
		const guint8 *data = g_bytes_get_data(part, &len);
		assert_int_equal(len - 2, chunk);
		g_byte_array_append(out, data, (guint)(len - 2));
	}
	return g_byte_array_free_to_bytes(out);
}

static void
test_selects_the_jpki_application_by_its_aid(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, "00A4040C0AD392F000260100000099"), 0x6A82);
	assert_int_equal(sw_hex(card, "00A4040005D392F00026"), 0x6A86);
	assert_int_equal(sw_hex(card, "00A4000C023F00"), 0x6A86);
}

static void
test_select_file_needs_an_application_and_an_existing_ef(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_AUTH_CERT), 0x6A82);
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, "00A4020C020099"), 0x6A82);
	assert_int_equal(sw_hex(card, "00A4020C03000A00"), 0x6700);
	assert_int_equal(sw_hex(card, SELECT_AUTH_CERT), 0x9000);
}

static void
test_reads_the_authentication_certificate_in_short_apdus(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_CERT), 0x9000);
	g_autoptr(GBytes) read = read_der_file(card);
	g_autoptr(GBytes) expected = test_pki_load_der("auth-valid.pem");
	assert_true(g_bytes_equal(read, expected));
}

static void
test_reads_both_ca_certificates_without_a_pin(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, "00A4020C02000B"), 0x9000);
	g_autoptr(GBytes) auth_ca = read_der_file(card);
	g_autoptr(GBytes) auth_ca_expected = test_pki_load_der("auth-ca.pem");
	assert_true(g_bytes_equal(auth_ca, auth_ca_expected));
	assert_int_equal(sw_hex(card, "00A4020C020002"), 0x9000);
	g_autoptr(GBytes) sign_ca = read_der_file(card);
	g_autoptr(GBytes) sign_ca_expected = test_pki_load_der("sign-ca.pem");
	assert_true(g_bytes_equal(sign_ca, sign_ca_expected));
}

static void
test_read_binary_errors_are_those_of_a_card(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, "00B0000004"), 0x6986); /* no current EF */
	assert_int_equal(sw_hex(card, SELECT_AUTH_CERT), 0x9000);
	assert_int_equal(sw_hex(card, "00B07F0004"), 0x6B00); /* beyond the end */
	assert_int_equal(sw_hex(card, "00B0810004"), 0x6A86); /* short-EF form */
	assert_int_equal(sw_hex(card, "00B00000"), 0x6700);   /* no Le */
	assert_int_equal(sw_hex(card, SELECT_AUTH_KEY), 0x9000);
	assert_int_equal(sw_hex(card, "00B0000004"), 0x6981); /* a key is never read */
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(sw_hex(card, "00B0000004"), 0x6981);
}

static void
test_last_chunk_returns_what_is_left_of_the_file(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	g_autoptr(GBytes) expected = test_pki_load_der("auth-valid.pem");
	gsize size = g_bytes_get_size(expected);
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_CERT), 0x9000);
	g_autofree char *apdu = g_strdup_printf("00B0%04X00", (guint)(CERT_EF_SIZE - 10));
	g_autoptr(GBytes) tail = send_hex(card, apdu);
	assert_int_equal(sw_of(tail), 0x9000);
	assert_int_equal(g_bytes_get_size(tail), 10 + 2);
	/* Past the certificate the EF holds FF filler, as a real card's does. */
	g_autofree char *after = g_strdup_printf("00B0%04X04", (guint)size);
	g_autoptr(GBytes) filler = send_hex(card, after);
	assert_memory_equal(g_bytes_get_data(filler, NULL), "\xFF\xFF\xFF\xFF\x90\x00", 6);
}

static void
test_signing_certificate_is_unreadable_before_verify(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_CERT), 0x9000);
	assert_int_equal(sw_hex(card, "00B0000004"), 0x6982);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "ABC123"), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_CERT), 0x9000);
	g_autoptr(GBytes) read = read_der_file(card);
	g_autoptr(GBytes) expected = test_pki_load_der("sign-valid.pem");
	assert_true(g_bytes_equal(read, expected));
}

static void
test_reselecting_the_application_clears_verification(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "ABC123"), 0x9000);
	/* As a real card (OpenSC PR 959): tries left even right after a good VERIFY. */
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C5);
	assert_int_equal(sw_hex(card, SELECT_SIGN_CERT), 0x9000);
	assert_int_equal(sw_hex(card, "00B0000004"), 0x9000); /* verified in this session */
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_CERT), 0x9000);
	assert_int_equal(sw_hex(card, "00B0000004"), 0x6982);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C5);
}

static void
test_reset_clears_verification_but_keeps_counters(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "9999"), 0x63C2);
	sim_card_reset(card);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x6A82); /* nothing selected after reset */
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C2);
}

static void
test_pin_status_query_spends_no_try(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	for (int i = 0; i < 5; i++)
		assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C3);
	assert_int_equal(sim_card_get_tries_left(card, SIM_SECRET_AUTH), 3);
	/* With an Le appended a real card answers 6700. */
	assert_int_equal(sw_hex(card, "0020008000"), 0x6700);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C5);
}

static void
test_status_queries_and_pins_sent_are_counted_apart(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C3);
	assert_int_equal(sw_hex(card, "0020008000"), 0x6700); /* a status query with Le */
	assert_int_equal(sim_card_count_status_queries(card), 2);
	assert_int_equal(sim_card_count_pin_verifies(card), 0);

	assert_int_equal(verify_pin(card, "1234"), 0x9000);
	/* Refused for its P2 or its form, a PIN still reached the card. */
	assert_int_equal(sw_hex(card, "0020008104 31323334"), 0x6A86);
	assert_int_equal(sw_hex(card, "0020008005 31323334"), 0x6700);
	assert_int_equal(sim_card_count_pin_verifies(card), 3);
	assert_int_equal(sim_card_count_status_queries(card), 2);
	assert_int_equal(sim_card_count_commands(card, 0x20), 4); /* the unparsable one aside */
}

static void
test_authentication_pin_locks_after_three_wrong_tries(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "0000"), 0x63C2);
	assert_int_equal(verify_pin(card, "0000"), 0x63C1);
	assert_int_equal(verify_pin(card, "0000"), 0x63C0);
	/* Blocked: even the right PIN is refused, and nothing unblocks it. */
	assert_int_equal(verify_pin(card, "1234"), 0x6984);
	assert_int_equal(verify_pin(card, "0000"), 0x6984);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C0);
	assert_int_equal(sim_card_get_tries_left(card, SIM_SECRET_AUTH), 0);
	assert_int_equal(sw_hex(card, SELECT_AUTH_KEY), 0x9000);
	g_autofree char *sign = g_strdup_printf("802A008033%s%s00", SHA256_DIGESTINFO_PREFIX,
						"00000000000000000000000000000000"
						"00000000000000000000000000000000");
	assert_int_equal(sw_hex(card, sign), 0x6982);
}

static void
test_signing_password_locks_after_five_wrong_tries(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	for (guint16 left = 4; left > 0; left--)
		assert_int_equal(verify_pin(card, "WRONG1"), 0x63C0 | left);
	assert_int_equal(verify_pin(card, "WRONG1"), 0x63C0);
	assert_int_equal(verify_pin(card, "ABC123"), 0x6984);
	assert_int_equal(sim_card_get_tries_left(card, SIM_SECRET_SIGN), 0);
}

static void
test_right_pin_restores_the_counter(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "0000"), 0x63C2);
	assert_int_equal(verify_pin(card, "0000"), 0x63C1);
	assert_int_equal(verify_pin(card, "1234"), 0x9000);
	assert_int_equal(sim_card_get_tries_left(card, SIM_SECRET_AUTH), 3);
	/* A wrong PIN after a right one ends the verified state. */
	assert_int_equal(verify_pin(card, "0000"), 0x63C2);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C2);
}

static void
test_verify_needs_a_pin_ef_and_p2_80(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_CERT), 0x9000);
	assert_int_equal(verify_pin(card, "1234"), 0x6A88);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(sw_hex(card, "002000810431323334"), 0x6A86);
	assert_int_equal(sim_card_get_tries_left(card, SIM_SECRET_AUTH), 3);
}

/* Signs SHA-256("hello") as a DigestInfo through COMPUTE DIGITAL SIGNATURE. */
static GBytes *
sign_hello(SimCard *card, const char *key_ef)
{
	guint8 digest[32];
	gsize digest_len = sizeof(digest);
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(checksum, (const guchar *)"hello", 5);
	g_checksum_get_digest(checksum, digest, &digest_len);
	GString *apdu = g_string_new("802A008033" SHA256_DIGESTINFO_PREFIX);
	for (gsize i = 0; i < digest_len; i++)
		g_string_append_printf(apdu, "%02X", digest[i]);
	g_string_append(apdu, "00");
	assert_int_equal(sw_hex(card, key_ef), 0x9000);
	GBytes *response = send_hex(card, apdu->str);
	g_string_free(apdu, TRUE);
	return response;
}

static void
assert_signature_verifies(GBytes *response, const char *cert_file)
{
	gsize len = g_bytes_get_size(response);
	assert_int_equal(sw_of(response), 0x9000);
	assert_int_equal(len - 2, 256);
	g_autoptr(GBytes) signature = g_bytes_new_from_bytes(response, 0, len - 2);
	test_pki_assert_signature(signature, cert_file, (const guint8 *)"hello", 5);
}

static void
test_signs_a_digestinfo_with_the_authentication_key(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	g_autoptr(GBytes) refused = sign_hello(card, SELECT_AUTH_KEY);
	assert_int_equal(sw_of(refused), 0x6982);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "1234"), 0x9000);
	g_autoptr(GBytes) signature = sign_hello(card, SELECT_AUTH_KEY);
	assert_signature_verifies(signature, "auth-valid.pem");
}

static void
test_signs_with_the_signing_key_only_after_the_signing_password(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "1234"), 0x9000);
	g_autoptr(GBytes) refused = sign_hello(card, SELECT_SIGN_KEY);
	assert_int_equal(sw_of(refused), 0x6982);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "ABC123"), 0x9000);
	g_autoptr(GBytes) signature = sign_hello(card, SELECT_SIGN_KEY);
	assert_signature_verifies(signature, "sign-valid.pem");
}

static void
test_signature_command_checks_class_length_and_key(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "1234"), 0x9000);
	/* No key EF selected. */
	assert_int_equal(sw_hex(card, "802A0080020102"
				      "00"),
			 0x6985);
	assert_int_equal(sw_hex(card, SELECT_AUTH_KEY), 0x9000);
	assert_int_equal(sw_hex(card, "002A0080020102"
				      "00"),
			 0x6E00);
	assert_int_equal(sw_hex(card, "802A9E9A020102"
				      "00"),
			 0x6A86);
	/* 246 bytes do not fit PKCS#1 v1.5 in a 2048-bit key: extended Lc. */
	GString *too_long = g_string_new("802A00800000F6");
	for (int i = 0; i < 246; i++)
		g_string_append(too_long, "AA");
	g_string_append(too_long, "0000");
	assert_int_equal(sw_hex(card, too_long->str), 0x6700);
	g_string_free(too_long, TRUE);
}

static void
test_change_reference_data_needs_verify_and_a_valid_new_pin(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(sw_hex(card, "002401800435363738"), 0x6982);
	assert_int_equal(verify_pin(card, "1234"), 0x9000);
	assert_int_equal(sw_hex(card, "0024018003353637"), 0x6A80);   /* 3 digits */
	assert_int_equal(sw_hex(card, "00240180043536373A"), 0x6A80); /* not a digit */
	assert_int_equal(sw_hex(card, "002401800435363738"), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "1234"), 0x63C2);
	assert_int_equal(verify_pin(card, "5678"), 0x9000);
}

/* J-LIS: the signing password mixes letters and digits, so a card never
 * holds one of digits only or letters only. */
static void
test_signing_password_must_mix_letters_and_digits(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "ABC123"), 0x9000);
	assert_int_equal(sw_hex(card, "0024018006313233343536"), 0x6A80); /* 123456 */
	assert_int_equal(sw_hex(card, "0024018006414243444546"), 0x6A80); /* ABCDEF */
	assert_int_equal(sw_hex(card, "0024018006313233414243"), 0x9000); /* 123ABC */
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "123ABC"), 0x9000);
}

static void
test_card_input_support_attributes_are_behind_their_pin(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_SUPPORT), 0x9000);
	assert_int_equal(sw_hex(card, "00A4020C020002"), 0x9000);
	assert_int_equal(sw_hex(card, "00B0000000"), 0x6982);
	assert_int_equal(sw_hex(card, "00A4020C020011"), 0x9000);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C3);
	assert_int_equal(verify_pin(card, "1234"), 0x9000);
	assert_int_equal(sw_hex(card, "00A4020C020002"), 0x9000);
	g_autoptr(GBytes) attributes = send_hex(card, "00B0000000");
	assert_int_equal(sw_of(attributes), 0x9000);
	const guint8 *data = g_bytes_get_data(attributes, NULL);
	assert_int_equal(data[0], 0xFF);
	assert_int_equal(data[1], 0x20);
	assert_non_null(
		memmem(data, g_bytes_get_size(attributes), "テスト　太郎", strlen("テスト　太郎")));
	assert_int_equal(sw_hex(card, "00A4020C020001"), 0x9000);
	g_autoptr(GBytes) my_number = send_hex(card, "00B0000000");
	const guint8 *number = g_bytes_get_data(my_number, NULL);
	assert_memory_equal(number,
			    "\xFF\x10\x0C"
			    "123456789018",
			    3 + 12);
	assert_int_equal(number[3 + 12], 0xFF); /* filler after the TLV */
}

/* DF21 lists where DF22..DF25 start, counted from the start of the EF
 * (myna-card's vector from a card: FF 20 65 / DF21 000E 0020 0059 0064). */
static void
test_basic_attributes_offsets_count_from_the_start_of_the_ef(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_SUPPORT), 0x9000);
	assert_int_equal(sw_hex(card, "00A4020C020011"), 0x9000);
	assert_int_equal(verify_pin(card, "1234"), 0x9000);
	assert_int_equal(sw_hex(card, "00A4020C020002"), 0x9000);
	g_autoptr(GBytes) ef = send_hex(card, "00B0000000");
	const guint8 *data = g_bytes_get_data(ef, NULL);
	gsize header = data[2] == 0x81 ? 4 : 3;
	assert_memory_equal(data + header, "\xDF\x21\x08", 3);
	gsize template_end = header + (header == 4 ? data[3] : data[2]);
	for (guint i = 0; i < 4; i++) {
		const guint8 *entry = data + header + 3 + 2 * i;
		gsize at = (gsize)(entry[0] << 8 | entry[1]);
		assert_true(at + 3 <= template_end);
		assert_int_equal(data[at], 0xDF);
		assert_int_equal(data[at + 1], 0x22 + i);
	}
	assert_int_equal(data[template_end], 0xFF); /* filler after FF20 */
}

static void
test_card_input_support_pin_locks_after_three_wrong_tries(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_SUPPORT), 0x9000);
	assert_int_equal(sw_hex(card, "00A4020C020011"), 0x9000);
	assert_int_equal(verify_pin(card, "0000"), 0x63C2);
	assert_int_equal(verify_pin(card, "0000"), 0x63C1);
	assert_int_equal(verify_pin(card, "0000"), 0x63C0);
	assert_int_equal(verify_pin(card, "1234"), 0x6984);
	/* The JPKI secrets are separate. */
	assert_int_equal(sim_card_get_tries_left(card, SIM_SECRET_AUTH), 3);
}

static void
test_common_application_record_carries_the_manufacture_number(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, SELECT_COMMON), 0x9000);
	g_autoptr(GBytes) record = send_hex(card, "00B2010C00");
	assert_int_equal(sw_of(record), 0x9000);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(record, &len);
	/* myna-card: 01 1C + serial (15) + municipality code (5) + expiry (8). */
	assert_int_equal(len, 2 + 28 + 2);
	assert_memory_equal(data,
			    "\x01\x1C"
			    "990000000000001"
			    "13101"
			    "20350101",
			    30);
	assert_int_equal(sw_hex(card, "00B2020C00"), 0x6A83);
	assert_int_equal(sw_hex(card, "00B2011400"), 0x6A82);
}

static void
test_extended_length_reads_a_whole_certificate_unless_refused(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	g_autoptr(GBytes) expected = test_pki_load_der("auth-valid.pem");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_CERT), 0x9000);
	g_autoptr(GBytes) whole = send_hex(card, "00B00000000000");
	assert_int_equal(sw_of(whole), 0x9000);
	assert_int_equal(g_bytes_get_size(whole) - 2, CERT_EF_SIZE); /* DER + filler */
	assert_memory_equal(g_bytes_get_data(whole, NULL), g_bytes_get_data(expected, NULL),
			    g_bytes_get_size(expected));

	SimProfileOptions options = {.refuse_extended_length = TRUE};
	g_autoptr(SimCard) strict = sim_profile_build(&options, NULL);
	assert_int_equal(sw_hex(strict, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(strict, SELECT_AUTH_CERT), 0x9000);
	assert_int_equal(sw_hex(strict, "00B00000000000"), 0x6700);
	assert_int_equal(sw_hex(strict, "00B0000000"), 0x9000);
}

static void
test_unsupported_commands_get_card_status_words(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("adult");
	assert_int_equal(sw_hex(card, "00CA010000"), 0x6D00);     /* GET DATA */
	assert_int_equal(sw_hex(card, "90A4040C00"), 0x6E00);     /* unknown class */
	assert_int_equal(sw_hex(card, "0CA4020C02000A"), 0x6E00); /* secure messaging */
	assert_int_equal(sw_hex(card, "00A4"), 0x6700);
	assert_int_equal(sw_hex(card, "00A4020C05000A"), 0x6700); /* Lc says 5, 2 follow */
	assert_int_equal(sw_hex(card, "00A4020C0000"), 0x6700);   /* extended, Lc 0 */
	/* Only well-formed APDUs reach the command dispatcher. */
	assert_int_equal(sim_card_count_commands(card, 0xA4), 2);
}

static void
test_child_card_has_no_signing_certificate(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("child");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_CERT), 0x6A82);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x6A82);
	assert_int_equal(sw_hex(card, SELECT_SIGN_KEY), 0x6A82);
	assert_int_equal(sw_hex(card, SELECT_AUTH_CERT), 0x9000);
}

/* EF 0008 (myna-card): byte 0 the signing certificate, byte 1 the
 * authentication one; 8F present. A declined certificate is played in both
 * layouts readers must expect: no files, or a blank EF and a blocked PIN. */
static void
test_certificate_presence_and_declined_certificates(void **state)
{
	(void)state;
	const struct {
		const char *profile;
		const char *presence;
	} cases[] = {
		{"adult", "\x8F\x8F\x00"},
		{"child", "\x00\x8F\x00"},
		{"no-sign-cert", "\x00\x8F\x00"},
		{"no-auth-cert", "\x8F\x00\x00"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(SimCard) card = card_with(cases[i].profile);
		assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
		assert_int_equal(sw_hex(card, "00A4020C020008"), 0x9000);
		g_autoptr(GBytes) presence = send_hex(card, "00B0000000");
		assert_int_equal(g_bytes_get_size(presence), 3 + 2);
		assert_memory_equal(g_bytes_get_data(presence, NULL), cases[i].presence, 3);
	}

	g_autoptr(SimCard) no_sign = card_with("no-sign-cert");
	assert_int_equal(sw_hex(no_sign, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(no_sign, SELECT_SIGN_CERT), 0x9000);
	g_autoptr(GBytes) blank = send_hex(no_sign, "00B0000004");
	assert_memory_equal(g_bytes_get_data(blank, NULL), "\xFF\xFF\xFF\xFF\x90\x00", 6);
	assert_int_equal(sw_hex(no_sign, SELECT_SIGN_KEY), 0x6A82);
	assert_int_equal(sw_hex(no_sign, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(sw_hex(no_sign, VERIFY_STATUS), 0x63C0);

	g_autoptr(SimCard) no_auth = card_with("no-auth-cert");
	assert_int_equal(sw_hex(no_auth, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(no_auth, SELECT_AUTH_CERT), 0x6A82);
	assert_int_equal(sw_hex(no_auth, SELECT_AUTH_KEY), 0x6A82);
	assert_int_equal(sw_hex(no_auth, SELECT_AUTH_PIN), 0x6A82);
	assert_int_equal(sw_hex(no_auth, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(verify_pin(no_auth, "ABC123"), 0x9000);
}

static void
test_auth_locked_card_refuses_even_the_right_pin(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("auth-locked");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C0);
	assert_int_equal(verify_pin(card, "1234"), 0x6984);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(sw_hex(card, VERIFY_STATUS), 0x63C5);

	/* Older myna code saw 6984 to the status query of a blocked PIN. */
	SimProfileOptions options = {.profile = "auth-locked", .blocked_status_6984 = TRUE};
	g_autoptr(SimCard) older = sim_profile_build(&options, NULL);
	assert_int_equal(sw_hex(older, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(older, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(sw_hex(older, VERIFY_STATUS), 0x6984);
	assert_int_equal(verify_pin(older, "1234"), 0x6984);
	assert_int_equal(sw_hex(older, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(sw_hex(older, VERIFY_STATUS), 0x63C5);
}

static time_t
not_after_of(GBytes *der)
{
	const unsigned char *p = g_bytes_get_data(der, NULL);
	g_autoptr(X509) cert = d2i_X509(NULL, &p, (long)g_bytes_get_size(der));
	assert_non_null(cert);
	struct tm tm;
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm), 1);
	return timegm(&tm);
}

static GBytes *
read_certificate(SimCard *card, const char *select_ef)
{
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "ABC123"), 0x9000);
	assert_int_equal(sw_hex(card, select_ef), 0x9000);
	return read_der_file(card);
}

static void
test_expiry_profiles_carry_the_right_validity(void **state)
{
	(void)state;
	time_t now = time(NULL);
	const time_t day = 24 * 3600;
	g_autoptr(SimCard) expired = card_with("sign-expired");
	g_autoptr(GBytes) expired_sign = read_certificate(expired, SELECT_SIGN_CERT);
	assert_true(not_after_of(expired_sign) < now);
	g_autoptr(GBytes) valid_auth = read_certificate(expired, SELECT_AUTH_CERT);
	assert_true(not_after_of(valid_auth) > now + 365 * day);

	g_autoptr(SimCard) renewal = card_with("renewal");
	g_autoptr(GBytes) renewal_sign = read_certificate(renewal, SELECT_SIGN_CERT);
	g_autoptr(GBytes) renewal_auth = read_certificate(renewal, SELECT_AUTH_CERT);
	for (guint i = 0; i < 2; i++) {
		time_t not_after = not_after_of(i == 0 ? renewal_sign : renewal_auth);
		assert_true(not_after > now && not_after < now + 90 * day);
	}
}

static void
test_juki_card_has_the_old_token_and_no_other_applications(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = card_with("juki");
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, "00A4020C020006"), 0x9000);
	g_autoptr(GBytes) token = send_hex(card, "00B0000020");
	const char *data = g_bytes_get_data(token, NULL);
	assert_memory_equal(data, "JPKIAPICCTOKEN ", 15);
	assert_int_equal(sw_hex(card, SELECT_SUPPORT), 0x6A82);
	assert_int_equal(sw_hex(card, SELECT_COMMON), 0x6A82);

	g_autoptr(SimCard) mynumber = card_with("adult");
	assert_int_equal(sw_hex(mynumber, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(mynumber, "00A4020C020006"), 0x9000);
	g_autoptr(GBytes) token2 = send_hex(mynumber, "00B0000020");
	assert_memory_equal(g_bytes_get_data(token2, NULL), "JPKIAPICCTOKEN2", 15);
}

/* EF 0006 is a 160-byte CK_TOKEN_INFO; its space-padded label names the token. */
static void
test_token_info_names_card_juki_card_and_smartphone(void **state)
{
	(void)state;
	const struct {
		const char *profile;
		const char *label;
	} cases[] = {
		{"adult", "JPKIAPICCTOKEN2"},
		{"juki", "JPKIAPICCTOKEN"},
		{"smartphone", "JPKIAPGPSETOKEN"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(SimCard) card = card_with(cases[i].profile);
		assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
		assert_int_equal(sw_hex(card, "00A4020C020006"), 0x9000);
		g_autoptr(GBytes) info = send_hex(card, "00B0000000");
		assert_int_equal(g_bytes_get_size(info), 160 + 2);
		char label[33];
		memcpy(label, g_bytes_get_data(info, NULL), 32);
		label[32] = '\0';
		g_strchomp(label);
		assert_string_equal(label, cases[i].label);
	}
	g_autoptr(SimCard) phone = card_with("smartphone");
	assert_int_equal(sw_hex(phone, SELECT_SUPPORT), 0x6A82);
}

static void
test_profiles_refuse_pins_a_card_could_not_hold(void **state)
{
	(void)state;
	const char *bad_sign[] = {"abc123",  "ABC12",  "ABCDEFGHIJKLMNOPQ",
				  "ABC-123", "123456", "ABCDEF"};
	for (guint i = 0; i < G_N_ELEMENTS(bad_sign); i++) {
		SimProfileOptions options = {.sign_pin = bad_sign[i]};
		g_autoptr(GError) error = NULL;
		g_autoptr(SimCard) card = sim_profile_build(&options, &error);
		assert_null(card);
		assert_true(g_error_matches(error, SIM_PROFILE_ERROR, SIM_PROFILE_ERROR_BAD_PIN));
	}
	SimProfileOptions unknown = {.profile = "teenager"};
	g_autoptr(GError) error = NULL;
	g_autoptr(SimCard) card = sim_profile_build(&unknown, &error);
	assert_null(card);
	assert_true(g_error_matches(error, SIM_PROFILE_ERROR, SIM_PROFILE_ERROR_UNKNOWN_PROFILE));
}

static void
test_configured_pins_are_the_ones_the_card_accepts(void **state)
{
	(void)state;
	SimProfileOptions options = {.auth_pin = "9876", .sign_pin = "PASSWORD2026"};
	g_autoptr(SimCard) card = sim_profile_build(&options, NULL);
	assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_AUTH_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "9876"), 0x9000);
	assert_int_equal(sw_hex(card, SELECT_SIGN_PIN), 0x9000);
	assert_int_equal(verify_pin(card, "PASSWORD2026"), 0x9000);
}

static void
test_contactless_profile_has_another_atr(void **state)
{
	(void)state;
	SimProfileOptions options = {.contactless = TRUE};
	g_autoptr(SimCard) contactless = sim_profile_build(&options, NULL);
	g_autoptr(SimCard) contact = card_with("adult");
	gsize len = 0;
	const guint8 *atr = sim_card_get_atr(contact, &len);
	assert_int_equal(len, 9);
	assert_memory_equal(atr, "\x3B\xE0\x00\xFF\x81\x31\xFE\x45\x14", 9);
	atr = sim_card_get_atr(contactless, &len);
	assert_int_equal(atr[0], 0x3B);
	assert_int_not_equal(len, 9);
	assert_int_equal(sw_hex(contactless, SELECT_JPKI), 0x9000);
}

/* The ATRs a PC/SC reader makes up (PC/SC part 3): 3B 8n 80 01, n historical
 * bytes, TCK the XOR of T0..the last historical byte. Type B: 8 historical
 * bytes (ATQB application data and protocol info, MBLI). */
static void
assert_pcsc_contactless_atr(SimCard *card, guint historical)
{
	gsize len = 0;
	const guint8 *atr = sim_card_get_atr(card, &len);
	assert_int_equal(len, 4 + historical + 1);
	assert_memory_equal(atr, "\x3B", 1);
	assert_int_equal(atr[1], 0x80 | historical);
	assert_int_equal(atr[2], 0x80);
	assert_int_equal(atr[3], 0x01);
	guint8 tck = 0;
	for (gsize i = 1; i < len - 1; i++)
		tck ^= atr[i];
	assert_int_equal(tck, atr[len - 1]);
}

static void
test_contactless_atrs_are_those_a_pcsc_reader_makes_up(void **state)
{
	(void)state;
	SimProfileOptions options = {.contactless = TRUE};
	g_autoptr(SimCard) type_b = sim_profile_build(&options, NULL);
	assert_pcsc_contactless_atr(type_b, 8);
	g_autoptr(SimCard) felica = card_with("felica");
	assert_pcsc_contactless_atr(felica, 15);
	gsize len = 0;
	const guint8 *atr = sim_card_get_atr(felica, &len);
	assert_memory_equal(atr + 7, "\xA0\x00\x00\x03\x06\x11\x00\x3B", 8);
}

/* 6F00 to the first APDU after power-up and after each reset, not executed;
 * then the card answers as usual. */
static void
test_first_apdu_after_power_up_can_be_answered_6f00(void **state)
{
	(void)state;
	SimProfileOptions options = {.first_apdu_6f00 = TRUE};
	g_autoptr(SimCard) card = sim_profile_build(&options, NULL);
	for (guint power_up = 0; power_up < 2; power_up++) {
		assert_int_equal(sw_hex(card, SELECT_JPKI), 0x6F00);
		assert_int_equal(sw_hex(card, "00A4020C02000A"), 0x6A82); /* nothing selected */
		assert_int_equal(sw_hex(card, SELECT_JPKI), 0x9000);
		assert_int_equal(sw_hex(card, "00A4020C02000A"), 0x9000);
		sim_card_reset(card);
	}
}

/* Cards that are no My Number Card: no JPKI application; FeliCa answers 6A81. */
static void
test_foreign_and_felica_profiles_have_no_jpki_application(void **state)
{
	(void)state;
	g_autoptr(SimCard) foreign = card_with("foreign");
	assert_int_equal(sw_hex(foreign, SELECT_JPKI), 0x6A82);
	g_autoptr(SimCard) felica = card_with("felica");
	assert_int_equal(sw_hex(felica, SELECT_JPKI), 0x6A81);
	assert_int_equal(sw_hex(felica, "00B0000004"), 0x6A81);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selects_the_jpki_application_by_its_aid),
		cmocka_unit_test(test_select_file_needs_an_application_and_an_existing_ef),
		cmocka_unit_test(test_reads_the_authentication_certificate_in_short_apdus),
		cmocka_unit_test(test_reads_both_ca_certificates_without_a_pin),
		cmocka_unit_test(test_read_binary_errors_are_those_of_a_card),
		cmocka_unit_test(test_last_chunk_returns_what_is_left_of_the_file),
		cmocka_unit_test(test_signing_certificate_is_unreadable_before_verify),
		cmocka_unit_test(test_reselecting_the_application_clears_verification),
		cmocka_unit_test(test_reset_clears_verification_but_keeps_counters),
		cmocka_unit_test(test_pin_status_query_spends_no_try),
		cmocka_unit_test(test_status_queries_and_pins_sent_are_counted_apart),
		cmocka_unit_test(test_authentication_pin_locks_after_three_wrong_tries),
		cmocka_unit_test(test_signing_password_locks_after_five_wrong_tries),
		cmocka_unit_test(test_right_pin_restores_the_counter),
		cmocka_unit_test(test_verify_needs_a_pin_ef_and_p2_80),
		cmocka_unit_test(test_signs_a_digestinfo_with_the_authentication_key),
		cmocka_unit_test(test_signs_with_the_signing_key_only_after_the_signing_password),
		cmocka_unit_test(test_signature_command_checks_class_length_and_key),
		cmocka_unit_test(test_change_reference_data_needs_verify_and_a_valid_new_pin),
		cmocka_unit_test(test_signing_password_must_mix_letters_and_digits),
		cmocka_unit_test(test_card_input_support_attributes_are_behind_their_pin),
		cmocka_unit_test(test_card_input_support_pin_locks_after_three_wrong_tries),
		cmocka_unit_test(test_basic_attributes_offsets_count_from_the_start_of_the_ef),
		cmocka_unit_test(test_common_application_record_carries_the_manufacture_number),
		cmocka_unit_test(test_extended_length_reads_a_whole_certificate_unless_refused),
		cmocka_unit_test(test_unsupported_commands_get_card_status_words),
		cmocka_unit_test(test_child_card_has_no_signing_certificate),
		cmocka_unit_test(test_certificate_presence_and_declined_certificates),
		cmocka_unit_test(test_auth_locked_card_refuses_even_the_right_pin),
		cmocka_unit_test(test_expiry_profiles_carry_the_right_validity),
		cmocka_unit_test(test_juki_card_has_the_old_token_and_no_other_applications),
		cmocka_unit_test(test_token_info_names_card_juki_card_and_smartphone),
		cmocka_unit_test(test_profiles_refuse_pins_a_card_could_not_hold),
		cmocka_unit_test(test_configured_pins_are_the_ones_the_card_accepts),
		cmocka_unit_test(test_contactless_profile_has_another_atr),
		cmocka_unit_test(test_contactless_atrs_are_those_a_pcsc_reader_makes_up),
		cmocka_unit_test(test_first_apdu_after_power_up_can_be_answered_6f00),
		cmocka_unit_test(test_foreign_and_felica_profiles_have_no_jpki_application),
	};
	return cmocka_run_group_tests_name("sim_card", tests, NULL, NULL);
}
