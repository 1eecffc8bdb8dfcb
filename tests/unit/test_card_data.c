/* libjpki's decoders of what the card stores, against the byte layouts and
 * vectors the open-source readers took from real cards (docs/simulator.md). */
#include "common_ap.h"
#include "jpki_ap.h"
#include "support_ap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

/* A 160-byte CK_TOKEN_INFO whose label is `label`, space-padded. */
static void
token_info(guint8 info[160], const char *label)
{
	memset(info, ' ', 160);
	memcpy(info, label, strlen(label));
}

static void
test_token_label_tells_card_juki_card_and_smartphones(void **state)
{
	(void)state;
	const struct {
		const char *label;
		JpkiToken token;
	} cases[] = {
		{"JPKIAPICCTOKEN2", JPKI_TOKEN_MYNUMBER_CARD},
		{"JPKIAPICCTOKEN", JPKI_TOKEN_JUKI_CARD},
		{"JPKIAPGPSETOKEN", JPKI_TOKEN_SMARTPHONE}, /* Android */
		{"JPKIAPIOSTOKEN", JPKI_TOKEN_SMARTPHONE},  /* iPhone */
		{"JPKIAPICCTOKEN3", JPKI_TOKEN_UNKNOWN},    /* not a prefix match */
		{"JPKIAPICCTOKEN2X", JPKI_TOKEN_UNKNOWN},
		{"", JPKI_TOKEN_UNKNOWN},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		guint8 info[160];
		token_info(info, cases[i].label);
		if (jpki_token_from_info(info, sizeof(info)) != cases[i].token)
			fail_msg("label \"%s\" misread", cases[i].label);
		/* Readers use the first 32 bytes (the label field) only. */
		assert_int_equal(jpki_token_from_info(info, 32), cases[i].token);
	}
	guint8 info[160];
	token_info(info, "JPKIAPICCTOKEN2");
	assert_int_equal(jpki_token_from_info(info, 31), JPKI_TOKEN_UNKNOWN);
}

/* myna-card common.rs: record 1 of the common AP on a card. */
static void
test_card_info_record_splits_serial_municipality_and_expiry(void **state)
{
	(void)state;
	static const char vector[] = "\x01\x1c"
				     "4000000127198431322120350217";
	g_autoptr(GBytes) record = g_bytes_new(vector, sizeof(vector) - 1);
	JpkiCardInfo info;
	g_autoptr(GError) error = NULL;
	assert_true(jpki_card_info_decode(record, &info, &error));
	assert_string_equal(info.serial, "400000012719843");
	assert_string_equal(info.municipality_code, "13221");
	assert_string_equal(info.expiry, "20350217");
	/* jpki/myna mpa: the manufacture number is characters 2..14 of the value. */
	assert_string_equal(info.manufacture_number, "0000012719843");

	/* Filler after the TLV does not matter. */
	static const char filled[] = "\x01\x1c"
				     "4000000127198431322120350217\xFF\xFF";
	g_autoptr(GBytes) with_filler = g_bytes_new(filled, sizeof(filled) - 1);
	assert_true(jpki_card_info_decode(with_filler, &info, NULL));
	assert_string_equal(info.expiry, "20350217");

	/* The shapes myna-card rejects: another tag, another length, a non-digit. */
	const char *bad[] = {"\x02\x1c"
			     "4000000127198431322120350217",
			     "\x01\x1b"
			     "400000012719843132212035021",
			     "\x01\x1c"
			     "40000001271984313221203502XX"};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GBytes) shape = g_bytes_new(bad[i], 30);
		g_autoptr(GError) bad_error = NULL;
		assert_false(jpki_card_info_decode(shape, &info, &bad_error));
		assert_true(g_error_matches(bad_error, JPKI_ERROR, JPKI_ERROR_CARD));
	}
}

static void
append_field(GByteArray *out, guint8 tag, const char *value)
{
	guint8 header[3] = {0xDF, tag, (guint8)strlen(value)};
	g_byte_array_append(out, header, 3);
	g_byte_array_append(out, (const guint8 *)value, (guint)strlen(value));
}

/* The shape of myna-card's vector from a card: FF 20 65, DF21 = 000E 0020
 * 0059 0064 (offsets from the start of the EF), then FF filler. */
static void
test_basic_attributes_decode_a_card_shaped_ef_with_filler(void **state)
{
	(void)state;
	const char *name = "山田　太郎";                                  /* 15 bytes */
	const char *address = "東京都千代田区永田町一丁目七番一号テスト"; /* 60 bytes */
	g_autoptr(GByteArray) ef = g_byte_array_new();
	static const guint8 head[] = {0xFF, 0x20, 0x65, 0xDF, 0x21, 0x08, 0x00,
				      0x0E, 0x00, 0x20, 0x00, 0x59, 0x00, 0x64};
	g_byte_array_append(ef, head, sizeof(head));
	append_field(ef, 0x22, name);
	assert_int_equal(ef->len, 0x20);
	/* 54 bytes of address make DF24 start at 0x59, as on the card. */
	g_autofree char *address54 = g_strndup(address, 54);
	append_field(ef, 0x23, address54);
	assert_int_equal(ef->len, 0x59);
	append_field(ef, 0x24, "19800101");
	assert_int_equal(ef->len, 0x64);
	append_field(ef, 0x25, "2");
	assert_int_equal(ef->len, 3 + 0x65);
	for (guint i = 0; i < 100; i++)
		g_byte_array_append(ef, (const guint8 *)"\xFF", 1);

	g_autoptr(GBytes) bytes = g_bytes_new(ef->data, ef->len);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiBasicAttributes) attributes = jpki_basic_attributes_decode(bytes, &error);
	if (attributes == NULL)
		fail_msg("%s", error->message);
	assert_string_equal(attributes->name, name);
	assert_string_equal(attributes->address, address54);
	assert_string_equal(attributes->birth_date, "19800101");
	assert_string_equal(attributes->sex, "2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_label_tells_card_juki_card_and_smartphones),
		cmocka_unit_test(test_card_info_record_splits_serial_municipality_and_expiry),
		cmocka_unit_test(test_basic_attributes_decode_a_card_shaped_ef_with_filler),
	};
	return cmocka_run_group_tests_name("card_data", tests, NULL, NULL);
}
