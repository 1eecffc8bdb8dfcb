/* JpkiCancel: the browser leaving reaches every waiter once, by flag, by fd
 * and by callback, whichever thread cancels. */
#include "cancel.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static gboolean
fd_is_readable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) != 0;
}

static void
count_call(gpointer data)
{
	g_atomic_int_inc((gint *)data);
}

static void
test_a_new_cancel_is_not_cancelled_and_its_fd_is_quiet(void **state)
{
	(void)state;
	g_autoptr(JpkiCancel) cancel = jpki_cancel_new();
	assert_false(jpki_cancel_is_cancelled(cancel));
	assert_false(fd_is_readable(jpki_cancel_get_fd(cancel)));
	assert_false(jpki_cancel_is_cancelled(NULL));
}

static void
test_cancelling_twice_runs_each_callback_once_and_the_fd_stays_readable(void **state)
{
	(void)state;
	g_autoptr(JpkiCancel) cancel = jpki_cancel_new();
	gint calls = 0;
	guint id = jpki_cancel_connect(cancel, count_call, &calls);
	assert_int_not_equal(id, 0);
	jpki_cancel_cancel(cancel);
	jpki_cancel_cancel(cancel);
	assert_true(jpki_cancel_is_cancelled(cancel));
	assert_int_equal(calls, 1);
	assert_true(fd_is_readable(jpki_cancel_get_fd(cancel)));
	assert_true(fd_is_readable(jpki_cancel_get_fd(cancel)));
	jpki_cancel_disconnect(cancel, id);
}

static void
test_connecting_after_the_cancel_runs_the_callback_at_once(void **state)
{
	(void)state;
	g_autoptr(JpkiCancel) cancel = jpki_cancel_new();
	jpki_cancel_cancel(cancel);
	gint calls = 0;
	guint id = jpki_cancel_connect(cancel, count_call, &calls);
	assert_int_equal(calls, 1);
	jpki_cancel_disconnect(cancel, id);
}

static void
test_a_disconnected_callback_does_not_run(void **state)
{
	(void)state;
	g_autoptr(JpkiCancel) cancel = jpki_cancel_new();
	gint gone = 0, kept = 0;
	guint gone_id = jpki_cancel_connect(cancel, count_call, &gone);
	guint kept_id = jpki_cancel_connect(cancel, count_call, &kept);
	assert_int_not_equal(gone_id, kept_id);
	jpki_cancel_disconnect(cancel, gone_id);
	jpki_cancel_cancel(cancel);
	assert_int_equal(gone, 0);
	assert_int_equal(kept, 1);
	jpki_cancel_disconnect(cancel, kept_id);
}

static gpointer
cancel_in_thread(gpointer data)
{
	jpki_cancel_cancel(data);
	return NULL;
}

static void
test_a_cancel_from_another_thread_wakes_a_poller(void **state)
{
	(void)state;
	g_autoptr(JpkiCancel) cancel = jpki_cancel_new();
	gint calls = 0;
	guint id = jpki_cancel_connect(cancel, count_call, &calls);
	GThread *thread = g_thread_new("cancel", cancel_in_thread, cancel);
	struct pollfd pfd = {.fd = jpki_cancel_get_fd(cancel), .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 10 * 1000), 1);
	g_thread_join(thread);
	assert_true(jpki_cancel_is_cancelled(cancel));
	assert_int_equal(g_atomic_int_get(&calls), 1);
	jpki_cancel_disconnect(cancel, id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_new_cancel_is_not_cancelled_and_its_fd_is_quiet),
		cmocka_unit_test(
			test_cancelling_twice_runs_each_callback_once_and_the_fd_stays_readable),
		cmocka_unit_test(test_connecting_after_the_cancel_runs_the_callback_at_once),
		cmocka_unit_test(test_a_disconnected_callback_does_not_run),
		cmocka_unit_test(test_a_cancel_from_another_thread_wakes_a_poller),
	};
	return cmocka_run_group_tests_name("cancel", tests, NULL, NULL);
}
