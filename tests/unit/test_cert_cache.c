/* libjpki-verify's cache of checked certificates (host/verify/cert_cache.h) on its own: it is
 * bounded, the least recently used goes first, and a key finds only its own certificate. */
#include "cert_cache.h"
#include "openssl_autoptr.h"
#include "test_pki.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

/* A checked certificate as one whose path verified (any issuer will do here). */
static CheckedCert *
checked_with_path(void)
{
	CheckedCert *checked = checked_cert_new(test_pki_load_cert("auth-valid.pem"));
	checked->path.issuer = test_pki_load_x509("auth-ca.pem");
	checked->path.valid_until = G_MAXINT64;
	return checked;
}

static void
key_of(guint n, guint8 key[CERT_CACHE_KEY_LEN])
{
	memset(key, 0, CERT_CACHE_KEY_LEN);
	memcpy(key + CERT_CACHE_KEY_LEN - sizeof(n), &n, sizeof(n));
}

static gboolean
holds(CertCache *cache, guint n)
{
	guint8 key[CERT_CACHE_KEY_LEN];
	key_of(n, key);
	g_autoptr(CheckedCert) found = cert_cache_lookup(cache, key);
	return found != NULL;
}

static void
test_the_cache_keeps_at_most_its_capacity_and_drops_the_least_recently_used(void **state)
{
	(void)state;
	g_autoptr(CertCache) cache = cert_cache_new();
	g_autoptr(CheckedCert) checked = checked_with_path();
	for (guint n = 0; n < CERT_CACHE_CAPACITY; n++) {
		guint8 key[CERT_CACHE_KEY_LEN];
		key_of(n, key);
		cert_cache_insert(cache, key, checked);
	}
	assert_true(holds(cache, 0)); /* now the most recently used */
	guint8 key[CERT_CACHE_KEY_LEN];
	key_of(CERT_CACHE_CAPACITY, key);
	cert_cache_insert(cache, key, checked);
	assert_true(holds(cache, CERT_CACHE_CAPACITY));
	assert_true(holds(cache, 0));
	assert_false(holds(cache, 1)); /* the least recently used went */
	assert_true(holds(cache, 2));
	guint held = 0;
	for (guint n = 0; n <= CERT_CACHE_CAPACITY; n++)
		held += holds(cache, n);
	assert_int_equal(held, CERT_CACHE_CAPACITY);
	cert_cache_clear(cache);
	assert_false(holds(cache, 0));
}

static void
test_the_key_is_the_sha256_of_the_whole_der(void **state)
{
	(void)state;
	g_autoptr(CertCache) cache = cert_cache_new();
	g_autoptr(GBytes) der = test_pki_load_der("auth-valid.pem");
	guint8 key[CERT_CACHE_KEY_LEN];
	cert_cache_key(cache, der, key);
	guint8 expected[CERT_CACHE_KEY_LEN];
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	gsize len = sizeof(expected);
	g_checksum_update(checksum, g_bytes_get_data(der, NULL), (gssize)g_bytes_get_size(der));
	g_checksum_get_digest(checksum, expected, &len);
	assert_memory_equal(key, expected, CERT_CACHE_KEY_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_the_cache_keeps_at_most_its_capacity_and_drops_the_least_recently_used),
		cmocka_unit_test(test_the_key_is_the_sha256_of_the_whole_der),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
