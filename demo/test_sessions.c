/* Sessions and login nonces (sessions.c): ids, expiry, the bound on their number, and a nonce
 * that is good for one attempt within its lifetime. Times are given, not read from a clock. */
#include "portal_error.h"
#include "sessions.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define MINUTE   ((gint64)60 * G_USEC_PER_SEC)
#define LIFETIME (5 * MINUTE)
#define T0       ((gint64)1000 * G_USEC_PER_SEC)

static PortalSession *
create(PortalSessions *sessions, gint64 now)
{
	g_autoptr(GError) error = NULL;
	PortalSession *session = portal_sessions_create(sessions, now, &error);
	assert_null(error);
	assert_non_null(session);
	return session;
}

static void
test_session_ids_are_64_hex_digits_and_distinct(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(16, 30 * MINUTE);
	PortalSession *a = create(sessions, T0);
	PortalSession *b = create(sessions, T0);
	assert_int_equal(strlen(a->id), 64);
	for (const char *p = a->id; *p != '\0'; p++)
		assert_true(g_ascii_isxdigit(*p) && !g_ascii_isupper(*p));
	assert_string_not_equal(a->id, b->id);
	assert_ptr_equal(portal_sessions_lookup(sessions, a->id, T0), a);
	assert_null(portal_sessions_lookup(sessions, "0000", T0));
	assert_null(portal_sessions_lookup(sessions, NULL, T0));
}

static void
test_session_expires_after_idle_lifetime_and_use_extends_it(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(16, 30 * MINUTE);
	g_autofree char *id = g_strdup(create(sessions, T0)->id);
	/* Used at 29 minutes: lives until 59. */
	assert_non_null(portal_sessions_lookup(sessions, id, T0 + 29 * MINUTE));
	assert_non_null(portal_sessions_lookup(sessions, id, T0 + 58 * MINUTE));
	assert_null(portal_sessions_lookup(sessions, id, T0 + 89 * MINUTE));
	assert_int_equal(portal_sessions_count(sessions), 0);
}

static void
test_table_full_is_busy_until_sessions_expire(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(2, 30 * MINUTE);
	create(sessions, T0);
	create(sessions, T0);
	g_autoptr(GError) error = NULL;
	assert_null(portal_sessions_create(sessions, T0 + MINUTE, &error));
	assert_true(g_error_matches(error, PORTAL_ERROR, PORTAL_ERROR_BUSY));
	/* Expired ones make room. */
	create(sessions, T0 + 31 * MINUTE);
	assert_int_equal(portal_sessions_count(sessions), 1);
}

static void
test_rotate_gives_a_new_id_and_forgets_the_old(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(16, 30 * MINUTE);
	PortalSession *session = create(sessions, T0);
	portal_session_set_logged_in(session, "C=JP, CN=A", "C=JP, O=CA", "1002",
				     "2030-01-01T00:00:00Z");
	g_autofree char *old_id = g_strdup(session->id);
	PortalSession *rotated = portal_sessions_rotate(sessions, session, T0);
	assert_string_not_equal(rotated->id, old_id);
	assert_null(portal_sessions_lookup(sessions, old_id, T0));
	assert_ptr_equal(portal_sessions_lookup(sessions, rotated->id, T0), rotated);
	assert_true(rotated->logged_in);
	assert_string_equal(rotated->subject, "C=JP, CN=A");
	assert_int_equal(portal_sessions_count(sessions), 1);
}

static void
test_nonce_is_32_random_bytes_in_base64(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(16, 30 * MINUTE);
	PortalSession *session = create(sessions, T0);
	g_autofree char *nonce = portal_session_issue_nonce(session, T0, LIFETIME);
	assert_int_equal(strlen(nonce), 44);
	gsize len = 0;
	g_autofree guint8 *raw = g_base64_decode(nonce, &len);
	assert_int_equal(len, PORTAL_NONCE_BYTES);
	g_autofree char *again = portal_session_issue_nonce(session, T0, LIFETIME);
	assert_string_not_equal(nonce, again);
}

static void
test_nonce_is_taken_once(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(16, 30 * MINUTE);
	PortalSession *session = create(sessions, T0);
	g_autofree char *issued = portal_session_issue_nonce(session, T0, LIFETIME);
	g_autofree char *taken = NULL;
	assert_int_equal(portal_session_take_nonce(session, T0 + MINUTE, &taken),
			 PORTAL_NONCE_VALID);
	assert_string_equal(taken, issued);
	g_autofree char *again = NULL;
	assert_int_equal(portal_session_take_nonce(session, T0 + MINUTE, &again),
			 PORTAL_NONCE_MISSING);
	assert_null(again);
}

static void
test_nonce_never_issued_is_missing(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(16, 30 * MINUTE);
	g_autofree char *nonce = NULL;
	assert_int_equal(portal_session_take_nonce(create(sessions, T0), T0, &nonce),
			 PORTAL_NONCE_MISSING);
	assert_null(nonce);
}

static void
test_nonce_expires_at_its_lifetime_and_is_used_up_anyway(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(16, 30 * MINUTE);
	PortalSession *session = create(sessions, T0);
	g_autofree char *first = portal_session_issue_nonce(session, T0, LIFETIME);
	g_autofree char *taken = NULL;
	assert_int_equal(portal_session_take_nonce(session, T0 + LIFETIME - 1, &taken),
			 PORTAL_NONCE_VALID);
	g_autofree char *second = portal_session_issue_nonce(session, T0, LIFETIME);
	g_autofree char *late = NULL;
	assert_int_equal(portal_session_take_nonce(session, T0 + LIFETIME, &late),
			 PORTAL_NONCE_EXPIRED);
	assert_null(late);
	assert_int_equal(portal_session_take_nonce(session, T0 + LIFETIME, &late),
			 PORTAL_NONCE_MISSING);
}

static void
test_new_nonce_replaces_the_outstanding_one(void **state)
{
	(void)state;
	g_autoptr(PortalSessions) sessions = portal_sessions_new(16, 30 * MINUTE);
	PortalSession *session = create(sessions, T0);
	g_autofree char *first = portal_session_issue_nonce(session, T0, LIFETIME);
	g_autofree char *second = portal_session_issue_nonce(session, T0, LIFETIME);
	g_autofree char *taken = NULL;
	assert_int_equal(portal_session_take_nonce(session, T0, &taken), PORTAL_NONCE_VALID);
	assert_string_equal(taken, second);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_ids_are_64_hex_digits_and_distinct),
		cmocka_unit_test(test_session_expires_after_idle_lifetime_and_use_extends_it),
		cmocka_unit_test(test_table_full_is_busy_until_sessions_expire),
		cmocka_unit_test(test_rotate_gives_a_new_id_and_forgets_the_old),
		cmocka_unit_test(test_nonce_is_32_random_bytes_in_base64),
		cmocka_unit_test(test_nonce_is_taken_once),
		cmocka_unit_test(test_nonce_never_issued_is_missing),
		cmocka_unit_test(test_nonce_expires_at_its_lifetime_and_is_used_up_anyway),
		cmocka_unit_test(test_new_nonce_replaces_the_outstanding_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
