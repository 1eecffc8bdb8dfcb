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

/* A key text as long as a certificate's, told apart by `n` in its last characters. */
static const CertCacheKey *
key_of(guint n)
{
	static char text[1600];
	static CertCacheKey key = {text, sizeof(text) - 1};
	memset(text, 'A', sizeof(text));
	g_snprintf(text + sizeof(text) - 12, 12, "%011u", n);
	return &key;
}

static gboolean
holds(CertCache *cache, guint n)
{
	g_autoptr(CheckedCert) found = cert_cache_lookup(cache, key_of(n));
	return found != NULL;
}

static void
test_the_cache_keeps_at_most_its_capacity_and_drops_the_least_recently_used(void **state)
{
	(void)state;
	g_autoptr(CertCache) cache = cert_cache_new();
	g_autoptr(CheckedCert) checked = checked_with_path();
	for (guint n = 0; n < CERT_CACHE_CAPACITY; n++)
		cert_cache_insert(cache, key_of(n), checked);
	assert_true(holds(cache, 0)); /* now the most recently used */
	cert_cache_insert(cache, key_of(CERT_CACHE_CAPACITY), checked);
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

/* The hash reads only the end of a key: a text that differs before it, or is cut short, must
 * still miss (a page's token would otherwise pass for a cached certificate). */
static void
test_a_key_finds_only_the_exact_same_text(void **state)
{
	(void)state;
	g_autoptr(CertCache) cache = cert_cache_new();
	g_autoptr(CheckedCert) checked = checked_with_path();
	g_autoptr(GBytes) der = test_pki_load_der("auth-valid.pem");
	g_autofree char *text = g_base64_encode(g_bytes_get_data(der, NULL), g_bytes_get_size(der));
	gsize len = strlen(text);
	cert_cache_insert(cache, &(CertCacheKey){text, len}, checked);
	g_autofree char *copy = g_strdup(text);
	g_autoptr(CheckedCert) same = cert_cache_lookup(cache, &(CertCacheKey){copy, len});
	assert_ptr_equal(same, checked);

	for (gsize at = 0; at < len; at += 97) {
		copy[at] = copy[at] == 'A' ? 'B' : 'A';
		g_autoptr(CheckedCert) other = cert_cache_lookup(cache, &(CertCacheKey){copy, len});
		assert_null(other);
		copy[at] = text[at];
	}
	g_autoptr(CheckedCert) shorter = cert_cache_lookup(cache, &(CertCacheKey){text, len - 4});
	assert_null(shorter);
	g_autofree char *longer = g_strconcat("AAAA", text, NULL);
	g_autoptr(CheckedCert) prefixed =
		cert_cache_lookup(cache, &(CertCacheKey){longer, len + 4});
	assert_null(prefixed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_the_cache_keeps_at_most_its_capacity_and_drops_the_least_recently_used),
		cmocka_unit_test(test_a_key_finds_only_the_exact_same_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
