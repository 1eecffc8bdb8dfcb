/* The CRL index (host/lib/crl_index.c): one sorted array of padded serials must answer every
 * lookup as OpenSSL's X509_CRL_get0_by_serial() does, for serials of every length. */
#include "crl_index.h"
#include "openssl_autoptr.h"
#include "test_pki.h"

#include <openssl/bn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

/* An ASN1_INTEGER from hex ("-" first: negative). */
static ASN1_INTEGER *
serial_of(const char *hex)
{
	BIGNUM *bn = NULL;
	assert_true(BN_hex2bn(&bn, hex) > 0);
	ASN1_INTEGER *serial = BN_to_ASN1_INTEGER(bn, NULL);
	BN_free(bn);
	assert_non_null(serial);
	return serial;
}

/* The CRL as a portal reads it: signed by the test authentication CA, through DER and back
 * (OpenSSL reads each entry's reason while decoding). */
static X509_CRL *
reparsed(X509_CRL *crl)
{
	g_autoptr(X509) ca = test_pki_load_x509("auth-ca.pem");
	g_autoptr(EVP_PKEY) key = test_pki_load_key("auth-ca.key");
	g_autoptr(ASN1_TIME) date = ASN1_TIME_set(NULL, 1700000000);
	assert_int_equal(X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)), 1);
	assert_int_equal(X509_CRL_set1_lastUpdate(crl, date), 1);
	assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
	unsigned char *der = NULL;
	int len = i2d_X509_CRL(crl, &der);
	assert_true(len > 0);
	const unsigned char *p = der;
	X509_CRL *parsed = d2i_X509_CRL(NULL, &p, len);
	OPENSSL_free(der);
	assert_non_null(parsed);
	return parsed;
}

static X509_REVOKED *
entry_of(const char *hex)
{
	X509_REVOKED *entry = X509_REVOKED_new();
	g_autoptr(ASN1_INTEGER) serial = serial_of(hex);
	g_autoptr(ASN1_TIME) date = ASN1_TIME_set(NULL, 1700000000);
	assert_non_null(entry);
	assert_int_equal(X509_REVOKED_set_serialNumber(entry, serial), 1);
	assert_int_equal(X509_REVOKED_set_revocationDate(entry, date), 1);
	return entry;
}

/* A CRL listing the `hex` serials, in that order. */
static X509_CRL *
crl_listing(const char *const *hex, guint n)
{
	g_autoptr(X509_CRL) crl = X509_CRL_new();
	assert_non_null(crl);
	for (guint i = 0; i < n; i++)
		assert_int_equal(X509_CRL_add0_revoked(crl, entry_of(hex[i])), 1);
	return reparsed(crl);
}

static gboolean
lists(const CrlIndex *index, const char *hex)
{
	g_autoptr(ASN1_INTEGER) serial = serial_of(hex);
	return crl_index_lists(index, serial);
}

/* Listed in no particular order: short and long serials, one with its high bit set (a
 * leading zero octet in DER), the largest of 20 octets, and 1 and 100 which differ only in
 * length. */
static const char *const listed[] = {
	"0A1B2C3D4E5F60718293A4B5C6D7E8F9",         "1",  "100", "80",
	"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "7F", "0",   "123456789ABCDEF0",
};

static void
test_every_listed_serial_is_found_first_last_and_between(void **state)
{
	(void)state;
	g_autoptr(X509_CRL) crl = crl_listing(listed, G_N_ELEMENTS(listed));
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	assert_int_equal(crl_index_size(index), G_N_ELEMENTS(listed));
	for (guint i = 0; i < G_N_ELEMENTS(listed); i++) {
		if (!lists(index, listed[i]))
			fail_msg("serial %s is listed but not found", listed[i]);
	}
}

static void
test_serials_not_listed_are_not_found(void **state)
{
	(void)state;
	g_autoptr(X509_CRL) crl = crl_listing(listed, G_N_ELEMENTS(listed));
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	/* Neighbours of listed ones, one octet longer or shorter, below the first, above the
	 * last that fits. */
	const char *const absent[] = {
		"2",
		"10",
		"1000",
		"8000",
		"81",
		"7E",
		"0A1B2C3D4E5F60718293A4B5C6D7E8F8",
		"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE",
		"123456789ABCDEF1",
		"12345678",
		"FF",
		"10000",
	};
	for (guint i = 0; i < G_N_ELEMENTS(absent); i++) {
		if (lists(index, absent[i]))
			fail_msg("serial %s is not listed but found", absent[i]);
	}
}

/* Many entries, so that lookups go through the summary: runs of serials that share their
 * first 12 octets or are all short (equal 8-byte prefixes over many summary steps), listed
 * with every other value missing. */
static void
test_long_runs_of_serials_with_equal_prefixes_are_searched_whole(void **state)
{
	(void)state;
	g_autoptr(GPtrArray) hex = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < 400; i++) {
		g_ptr_array_add(hex, g_strdup_printf("7A0102030405060708090A0B%016X", i * 2));
		g_ptr_array_add(hex, g_strdup_printf("%X", i * 2 + 2));
	}
	g_autoptr(X509_CRL) crl = crl_listing((const char *const *)hex->pdata, hex->len);
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	assert_int_equal(crl_index_size(index), hex->len);
	for (guint i = 0; i < 400; i++) {
		g_autofree char *long_listed =
			g_strdup_printf("7A0102030405060708090A0B%016X", i * 2);
		g_autofree char *long_absent =
			g_strdup_printf("7A0102030405060708090A0B%016X", i * 2 + 1);
		g_autofree char *short_listed = g_strdup_printf("%X", i * 2 + 2);
		g_autofree char *short_absent = g_strdup_printf("%X", i * 2 + 1);
		if (!lists(index, long_listed) || !lists(index, short_listed))
			fail_msg("%s or %s is listed but not found", long_listed, short_listed);
		if (lists(index, long_absent) || lists(index, short_absent))
			fail_msg("%s or %s is not listed but found", long_absent, short_absent);
	}
}

/* A CRL mixing legacy 4-byte serials with random 16-byte ones (the long ones leave 4 zero
 * octets in front of every key, so all short keys share one 8-byte summary prefix): a lookup
 * still compares its key with at most one summary step's 16 keys (docs/performance.md) and
 * the steps of a binary search over the summary, not with every short key. */
static void
test_short_serials_among_long_ones_are_found_in_a_bounded_number_of_comparisons(void **state)
{
	(void)state;
	enum { SHORT = 10000, LONG = 10000 };
	/* 16 keys of one summary step, log2(20,000) < 15 steps, 2 to spare. */
	const guint at_most = 16 + 15 + 2;
	g_autoptr(GRand) rand = g_rand_new_with_seed(20261201);
	g_autoptr(GPtrArray) hex = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < SHORT; i++)
		g_ptr_array_add(hex, g_strdup_printf("%08X", 0x10000000u + i * 2));
	for (guint i = 0; i < LONG; i++)
		g_ptr_array_add(hex, g_strdup_printf("%08X%08X%08X%08X",
						     g_rand_int_range(rand, 0x10000000, G_MAXINT32),
						     g_rand_int(rand), g_rand_int(rand),
						     g_rand_int(rand)));
	g_autoptr(X509_CRL) crl = crl_listing((const char *const *)hex->pdata, hex->len);
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	assert_int_equal(crl_index_size(index), SHORT + LONG);
	/* The first, one in the middle, the last, and the absent ones between them. */
	const guint probes[] = {0, 1, SHORT, SHORT + 1, 2 * SHORT - 2, 2 * SHORT - 1, 2 * SHORT};
	for (guint i = 0; i < G_N_ELEMENTS(probes); i++) {
		g_autofree char *serial_hex = g_strdup_printf("%08X", 0x10000000u + probes[i]);
		g_autoptr(ASN1_INTEGER) serial = serial_of(serial_hex);
		guint8 key[CRL_INDEX_KEY_LEN];
		assert_true(crl_index_key(serial, key));
		guint compared = 0;
		gboolean expected = probes[i] % 2 == 0 && probes[i] < 2 * SHORT;
		if (crl_index_contains_key(index, key, &compared) != expected)
			fail_msg("serial %s: wrong answer", serial_hex);
		if (compared > at_most)
			fail_msg("serial %s: %u comparisons, more than %u", serial_hex, compared,
				 at_most);
	}
	/* And the long ones, as before. */
	for (guint i = SHORT; i < hex->len; i += 997) {
		g_autoptr(ASN1_INTEGER) serial = serial_of(g_ptr_array_index(hex, i));
		guint8 key[CRL_INDEX_KEY_LEN];
		assert_true(crl_index_key(serial, key));
		guint compared = 0;
		assert_true(crl_index_contains_key(index, key, &compared));
		assert_true(compared <= at_most);
	}
}

/* Only short serials: every key starts with 12 zero octets or more. */
static void
test_a_crl_of_short_serials_is_searched_past_its_zero_octets(void **state)
{
	(void)state;
	g_autoptr(GPtrArray) hex = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 1; i <= 300; i++)
		g_ptr_array_add(hex, g_strdup_printf("%X", i * 3));
	g_autoptr(X509_CRL) crl = crl_listing((const char *const *)hex->pdata, hex->len);
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	for (guint i = 0; i <= 901; i++) {
		g_autofree char *serial = g_strdup_printf("%X", i);
		if (lists(index, serial) != (i % 3 == 0 && i > 0))
			fail_msg("serial %s: wrong answer", serial);
	}
	assert_false(lists(index, "10000000000000000000000000000"));
	assert_false(lists(index, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"));
}

static void
test_an_empty_crl_lists_nothing(void **state)
{
	(void)state;
	g_autoptr(X509_CRL) crl = crl_listing(NULL, 0);
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	assert_int_equal(crl_index_size(index), 0);
	assert_false(lists(index, "0"));
	assert_false(lists(index, "1"));
}

/* Keys are the magnitude padded to 20 octets: a negative serial has none (RFC 5280 serials
 * are positive), nor one of 21 octets. */
static void
test_keys_are_padded_and_negative_or_long_serials_have_none(void **state)
{
	(void)state;
	guint8 key[CRL_INDEX_KEY_LEN];
	g_autoptr(ASN1_INTEGER) high_bit = serial_of("80");
	assert_true(crl_index_key(high_bit, key));
	static const guint8 padded_80[CRL_INDEX_KEY_LEN] = {[19] = 0x80};
	assert_memory_equal(key, padded_80, sizeof(key));
	g_autoptr(ASN1_INTEGER) negative = serial_of("-5");
	assert_false(crl_index_key(negative, key));
	g_autoptr(ASN1_INTEGER) longest = serial_of("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
	assert_true(crl_index_key(longest, key));
	g_autoptr(ASN1_INTEGER) too_long = serial_of("10000000000000000000000000000000000000000");
	assert_false(crl_index_key(too_long, key));
}

/* An entry without a key stays out of the index, yet a certificate with such a serial is
 * still found (through OpenSSL), and the negative entry -5 never matches serial 5. */
static void
test_serials_without_a_key_are_looked_up_through_openssl(void **state)
{
	(void)state;
	const char *const odd[] = {"-5", "10000000000000000000000000000000000000000", "7"};
	g_autoptr(X509_CRL) crl = crl_listing(odd, G_N_ELEMENTS(odd));
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	assert_int_equal(crl_index_size(index), 1);
	assert_true(lists(index, "7"));
	assert_false(lists(index, "5"));
	assert_true(lists(index, "-5"));
	assert_true(lists(index, "10000000000000000000000000000000000000000"));
	assert_false(lists(index, "10000000000000000000000000000000000000001"));
}

/* A hit goes to OpenSSL's entry: one whose reason is removeFromCRL (a delta CRL's) does not
 * revoke, as X509_CRL_get0_by_serial() answers 2 for it. */
static void
test_an_entry_removed_from_the_crl_does_not_revoke(void **state)
{
	(void)state;
	g_autoptr(X509_CRL) built = X509_CRL_new();
	X509_REVOKED *entry = entry_of("42");
	g_autoptr(ASN1_ENUMERATED) reason = ASN1_ENUMERATED_new();
	assert_int_equal(ASN1_ENUMERATED_set(reason, 8 /* removeFromCRL */), 1);
	assert_int_equal(X509_REVOKED_add1_ext_i2d(entry, NID_crl_reason, reason, 0, 0), 1);
	assert_int_equal(X509_CRL_add0_revoked(built, entry), 1);
	g_autoptr(X509_CRL) crl = reparsed(built);
	g_autoptr(CrlIndex) index = crl_index_new(crl);
	assert_int_equal(crl_index_size(index), 1);
	assert_false(lists(index, "42"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_listed_serial_is_found_first_last_and_between),
		cmocka_unit_test(test_serials_not_listed_are_not_found),
		cmocka_unit_test(test_long_runs_of_serials_with_equal_prefixes_are_searched_whole),
		cmocka_unit_test(
			test_short_serials_among_long_ones_are_found_in_a_bounded_number_of_comparisons),
		cmocka_unit_test(test_a_crl_of_short_serials_is_searched_past_its_zero_octets),
		cmocka_unit_test(test_an_empty_crl_lists_nothing),
		cmocka_unit_test(test_keys_are_padded_and_negative_or_long_serials_have_none),
		cmocka_unit_test(test_serials_without_a_key_are_looked_up_through_openssl),
		cmocka_unit_test(test_an_entry_removed_from_the_crl_does_not_revoke),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
