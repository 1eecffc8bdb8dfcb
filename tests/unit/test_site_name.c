/* How the dialogs name the site: the registrable domain, and the origin with a
 * long (look-alike) host shortened from the left. */
#include "site_name.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void
assert_site(const char *origin, const char *site, const char *address)
{
	g_autofree char *name = bridge_site_name(origin);
	g_autofree char *shown = bridge_site_address(origin);
	assert_string_equal(name, site);
	assert_string_equal(shown, address);
}

static void
test_a_short_host_is_shown_whole_beside_its_registrable_domain(void **state)
{
	(void)state;
	assert_site("https://www.example.jp", "example.jp", "https://www.example.jp");
	assert_site("https://portal.city.example.lg.jp:8443", "example.lg.jp",
		    "https://portal.city.example.lg.jp:8443");
}

/* Under a public suffix of the list (go.jp, github.io), one label more is the site. */
static void
test_the_registrable_domain_follows_the_public_suffix_list(void **state)
{
	(void)state;
	assert_site("https://myna.go.jp", "myna.go.jp", "https://myna.go.jp");
	assert_site("https://shop.someone.github.io", "someone.github.io",
		    "https://shop.someone.github.io");
}

/* The trusted name a look-alike puts on the left is cut away; what is left ends
 * with the registrable domain, which is the site line. */
static void
test_a_long_look_alike_host_shows_its_real_site(void **state)
{
	(void)state;
	assert_site("https://www.myna.go.jp.login-secure-check.example.com", "example.com",
		    "https://…login-secure-check.example.com");
	assert_site(
		"https://www.myna.go.jp.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.example.com:8443",
		"example.com", "https://…example.com:8443");
}

/* A registrable domain longer than the limit is never cut. */
static void
test_a_long_registrable_domain_stays_whole(void **state)
{
	(void)state;
	assert_site("https://www.a-very-long-registrable-name-of-a-company.co.jp",
		    "a-very-long-registrable-name-of-a-company.co.jp",
		    "https://…a-very-long-registrable-name-of-a-company.co.jp");
}

static void
test_addresses_and_localhost_are_shown_as_they_are(void **state)
{
	(void)state;
	assert_site("https://127.0.0.1:8443", "127.0.0.1", "https://127.0.0.1:8443");
	assert_site("https://[::1]:8443", "[::1]", "https://[::1]:8443");
	assert_site("http://localhost:8080", "localhost", "http://localhost:8080");
}

/* An internationalised host stays in its xn-- form: decoded, it could imitate another name. */
static void
test_an_internationalised_host_keeps_its_xn_form(void **state)
{
	(void)state;
	assert_site("https://www.xn--80ak6aa92e.com", "xn--80ak6aa92e.com",
		    "https://www.xn--80ak6aa92e.com");
}

/* A host that is a public suffix itself has no registrable domain: the host. */
static void
test_a_public_suffix_host_is_its_own_site(void **state)
{
	(void)state;
	assert_site("https://github.io", "github.io", "https://github.io");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_short_host_is_shown_whole_beside_its_registrable_domain),
		cmocka_unit_test(test_the_registrable_domain_follows_the_public_suffix_list),
		cmocka_unit_test(test_a_long_look_alike_host_shows_its_real_site),
		cmocka_unit_test(test_a_long_registrable_domain_stays_whole),
		cmocka_unit_test(test_addresses_and_localhost_are_shown_as_they_are),
		cmocka_unit_test(test_an_internationalised_host_keeps_its_xn_form),
		cmocka_unit_test(test_a_public_suffix_host_is_its_own_site),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
