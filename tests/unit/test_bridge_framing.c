/* Native messaging frames over a pipe: lengths in native byte order, the
 * request cap enforced before the payload is touched, every way a stream
 * can end, and the reply cap as the host applies it (reply.c). */
#include "framing.h"
#include "jpki_error.h"
#include "reply.h"
#include "request.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

typedef struct {
	int read_end;
	int write_end;
} Pipe;

static Pipe
pipe_open(void)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	return (Pipe){fds[0], fds[1]};
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
pipe_close(Pipe *p)
{
	close_fd(&p->read_end);
	close_fd(&p->write_end);
}

static void
write_raw(int fd, const void *data, gsize len)
{
	assert_int_equal(write(fd, data, len), (ssize_t)len);
}

static void
write_length(int fd, guint32 len)
{
	write_raw(fd, &len, sizeof(len));
}

static void
assert_gerror(const GError *error, GQuark domain, gint code)
{
	assert_non_null(error);
	assert_int_equal(error->domain, domain);
	assert_int_equal(error->code, code);
}

static gboolean
pipe_has_data(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) != 0;
}

static void
test_frame_round_trips_and_starts_with_native_order_length(void **state)
{
	(void)state;
	Pipe p = pipe_open();
	const char *json = "{\"version\": \"0.1.0\"}";
	g_autoptr(GError) error = NULL;
	assert_true(bridge_write_frame(p.write_end, json, strlen(json), &error));
	assert_true(bridge_write_frame(p.write_end, "{}", 2, &error));

	guint32 prefix = 0;
	assert_int_equal(read(p.read_end, &prefix, sizeof(prefix)), sizeof(prefix));
	assert_int_equal(prefix, strlen(json));
	g_autofree char *payload = g_malloc0(prefix + 1);
	assert_int_equal(read(p.read_end, payload, prefix), prefix);
	assert_string_equal(payload, json);

	BridgeFrameStatus status = BRIDGE_FRAME_IO_ERROR;
	g_autoptr(GBytes) second =
		bridge_read_frame(p.read_end, BRIDGE_MAX_REQUEST_LEN, &status, &error);
	assert_non_null(second);
	assert_null(error);
	assert_int_equal(status, BRIDGE_FRAME_OK);
	assert_int_equal(g_bytes_get_size(second), 2);
	assert_memory_equal(g_bytes_get_data(second, NULL), "{}", 2);
	pipe_close(&p);
}

static void
test_frames_are_read_one_after_another_until_eof(void **state)
{
	(void)state;
	Pipe p = pipe_open();
	const char *messages[] = {"{\"command\": \"status\"}", "", "[1,2,3]"};
	for (guint i = 0; i < G_N_ELEMENTS(messages); i++)
		assert_true(
			bridge_write_frame(p.write_end, messages[i], strlen(messages[i]), NULL));
	close_fd(&p.write_end);

	for (guint i = 0; i < G_N_ELEMENTS(messages); i++) {
		BridgeFrameStatus status = BRIDGE_FRAME_IO_ERROR;
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) frame =
			bridge_read_frame(p.read_end, BRIDGE_MAX_REQUEST_LEN, &status, &error);
		assert_non_null(frame);
		assert_int_equal(status, BRIDGE_FRAME_OK);
		assert_int_equal(g_bytes_get_size(frame), strlen(messages[i]));
		if (strlen(messages[i]) > 0)
			assert_memory_equal(g_bytes_get_data(frame, NULL), messages[i],
					    strlen(messages[i]));
	}
	BridgeFrameStatus status = BRIDGE_FRAME_OK;
	g_autoptr(GError) error = NULL;
	assert_null(bridge_read_frame(p.read_end, BRIDGE_MAX_REQUEST_LEN, &status, &error));
	assert_int_equal(status, BRIDGE_FRAME_EOF);
	assert_gerror(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_CLOSED);
	pipe_close(&p);
}

static void
test_huge_length_is_refused_at_once_without_reading_the_payload(void **state)
{
	(void)state;
	Pipe p = pipe_open();
	/* 100 MB promised, three bytes sent, the writer still open: reading
	 * the payload would block forever, so the watchdog kills a parser that
	 * tries. */
	write_length(p.write_end, 100 * 1000 * 1000);
	write_raw(p.write_end, "abc", 3);
	alarm(10);
	gint64 start = g_get_monotonic_time();

	BridgeFrameStatus status = BRIDGE_FRAME_OK;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) frame =
		bridge_read_frame(p.read_end, BRIDGE_MAX_REQUEST_LEN, &status, &error);

	gint64 elapsed = g_get_monotonic_time() - start;
	alarm(0);
	assert_null(frame);
	assert_int_equal(status, BRIDGE_FRAME_TOO_LARGE);
	assert_gerror(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_TOO_LARGE);
	assert_true(elapsed < G_USEC_PER_SEC);
	char left[4] = {0};
	assert_true(pipe_has_data(p.read_end));
	assert_int_equal(read(p.read_end, left, 3), 3);
	assert_string_equal(left, "abc");
	pipe_close(&p);
}

static void
test_request_cap_admits_8_kib_and_refuses_one_byte_more(void **state)
{
	(void)state;
	g_autofree char *payload = g_malloc(BRIDGE_MAX_REQUEST_LEN + 1);
	memset(payload, ' ', BRIDGE_MAX_REQUEST_LEN + 1);
	for (gsize extra = 0; extra < 2; extra++) {
		Pipe p = pipe_open();
		gsize len = BRIDGE_MAX_REQUEST_LEN + extra;
		assert_true(bridge_write_frame(p.write_end, payload, len, NULL));
		BridgeFrameStatus status = BRIDGE_FRAME_IO_ERROR;
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) frame =
			bridge_read_frame(p.read_end, BRIDGE_MAX_REQUEST_LEN, &status, &error);
		if (extra == 0) {
			assert_non_null(frame);
			assert_int_equal(g_bytes_get_size(frame), len);
			assert_int_equal(status, BRIDGE_FRAME_OK);
		} else {
			assert_null(frame);
			assert_int_equal(status, BRIDGE_FRAME_TOO_LARGE);
		}
		pipe_close(&p);
	}
}

/* Writes `bytes`, closes the writer, and reads what is there. */
static void
assert_stream_ends_as(const void *bytes, gsize len, BridgeFrameStatus expected, gint expected_code)
{
	Pipe p = pipe_open();
	if (len > 0)
		write_raw(p.write_end, bytes, len);
	close_fd(&p.write_end);
	BridgeFrameStatus status = BRIDGE_FRAME_OK;
	g_autoptr(GError) error = NULL;
	assert_null(bridge_read_frame(p.read_end, BRIDGE_MAX_REQUEST_LEN, &status, &error));
	assert_int_equal(status, expected);
	assert_gerror(error, BRIDGE_FRAME_ERROR, expected_code);
	pipe_close(&p);
}

static void
test_eof_before_any_byte_is_a_clean_end(void **state)
{
	(void)state;
	assert_stream_ends_as("", 0, BRIDGE_FRAME_EOF, BRIDGE_FRAME_ERROR_CLOSED);
}

static void
test_eof_inside_the_length_is_truncated(void **state)
{
	(void)state;
	guint32 len = 10;
	for (gsize got = 1; got < sizeof(len); got++)
		assert_stream_ends_as(&len, got, BRIDGE_FRAME_TRUNCATED,
				      BRIDGE_FRAME_ERROR_TRUNCATED);
}

static void
test_eof_inside_the_payload_is_truncated(void **state)
{
	(void)state;
	guint8 frame[4 + 5];
	guint32 len = 10;
	memcpy(frame, &len, sizeof(len));
	memcpy(frame + sizeof(len), "{\"a\":", 5);
	assert_stream_ends_as(frame, sizeof(len), BRIDGE_FRAME_TRUNCATED,
			      BRIDGE_FRAME_ERROR_TRUNCATED);
	assert_stream_ends_as(frame, sizeof(frame), BRIDGE_FRAME_TRUNCATED,
			      BRIDGE_FRAME_ERROR_TRUNCATED);
}

static void
test_read_failure_is_an_io_error(void **state)
{
	(void)state;
	Pipe p = pipe_open();
	BridgeFrameStatus status = BRIDGE_FRAME_OK;
	g_autoptr(GError) error = NULL;
	/* The write end of a pipe cannot be read: EBADF. */
	assert_null(bridge_read_frame(p.write_end, BRIDGE_MAX_REQUEST_LEN, &status, &error));
	assert_int_equal(status, BRIDGE_FRAME_IO_ERROR);
	assert_non_null(error);
	assert_true(error->domain == BRIDGE_FRAME_ERROR);
	pipe_close(&p);
}

static void
test_write_refuses_more_than_1_mib_and_writes_nothing(void **state)
{
	(void)state;
	Pipe p = pipe_open();
	g_autofree char *big = g_malloc0(BRIDGE_MAX_REPLY_LEN + 1);
	g_autoptr(GError) error = NULL;
	assert_false(bridge_write_frame(p.write_end, big, BRIDGE_MAX_REPLY_LEN + 1, &error));
	assert_gerror(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_TOO_LARGE);
	assert_false(pipe_has_data(p.read_end));
	pipe_close(&p);
}

static gpointer
read_one_reply(gpointer data)
{
	int fd = GPOINTER_TO_INT(data);
	BridgeFrameStatus status = BRIDGE_FRAME_IO_ERROR;
	return bridge_read_frame(fd, BRIDGE_MAX_REPLY_LEN, &status, NULL);
}

static void
test_write_sends_exactly_1_mib(void **state)
{
	(void)state;
	Pipe p = pipe_open();
	g_autofree char *reply = g_malloc(BRIDGE_MAX_REPLY_LEN);
	for (gsize i = 0; i < BRIDGE_MAX_REPLY_LEN; i++)
		reply[i] = (char)('a' + i % 26);
	GThread *reader = g_thread_new("reader", read_one_reply, GINT_TO_POINTER(p.read_end));
	g_autoptr(GError) error = NULL;
	assert_true(bridge_write_frame(p.write_end, reply, BRIDGE_MAX_REPLY_LEN, &error));
	g_autoptr(GBytes) received = g_thread_join(reader);
	assert_non_null(received);
	assert_int_equal(g_bytes_get_size(received), BRIDGE_MAX_REPLY_LEN);
	assert_memory_equal(g_bytes_get_data(received, NULL), reply, BRIDGE_MAX_REPLY_LEN);
	pipe_close(&p);
}

static volatile sig_atomic_t signals_seen;

static void
count_signal(int signo)
{
	(void)signo;
	signals_seen++;
}

typedef struct {
	pthread_t target;
	pid_t target_tid;
	int fd;
	gboolean seen_blocked_twice; /* in read() before the signal, and again after it */
} LateWriter;

/* Whether thread `tid` of this process is blocked in read() (its /proc syscall line starts with
 * the number of read), waiting up to 10 s for it. */
static gboolean
await_blocked_in_read(pid_t tid)
{
	g_autofree char *path = g_strdup_printf("/proc/self/task/%d/syscall", (int)tid);
	g_autofree char *expected = g_strdup_printf("%ld ", (long)SYS_read);
	gint64 give_up = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;
	while (g_get_monotonic_time() < give_up) {
		g_autofree char *line = NULL;
		if (g_file_get_contents(path, &line, NULL, NULL) &&
		    g_str_has_prefix(line, expected))
			return TRUE;
		g_usleep(G_TIME_SPAN_MILLISECOND);
	}
	return FALSE;
}

/* The signal comes while the reader is blocked in read(), and the frame only once it has gone
 * back to reading: the frame read proves the EINTR was survived, not dodged. */
static gpointer
interrupt_then_write(gpointer data)
{
	LateWriter *writer = data;
	gboolean blocked = await_blocked_in_read(writer->target_tid);
	pthread_kill(writer->target, SIGUSR1);
	while (blocked && signals_seen == 0)
		g_usleep(G_TIME_SPAN_MILLISECOND);
	writer->seen_blocked_twice = blocked && await_blocked_in_read(writer->target_tid);
	bridge_write_frame(writer->fd, "{}", 2, NULL);
	return NULL;
}

static void
test_read_survives_a_signal_while_it_waits(void **state)
{
	(void)state;
	/* No SA_RESTART: the blocked read() returns EINTR. */
	struct sigaction action = {.sa_handler = count_signal};
	struct sigaction previous;
	sigemptyset(&action.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &action, &previous), 0);
	signals_seen = 0;

	Pipe p = pipe_open();
	LateWriter writer = {pthread_self(), (pid_t)syscall(SYS_gettid), p.write_end, FALSE};
	GThread *thread = g_thread_new("late-writer", interrupt_then_write, &writer);
	BridgeFrameStatus status = BRIDGE_FRAME_IO_ERROR;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) frame =
		bridge_read_frame(p.read_end, BRIDGE_MAX_REQUEST_LEN, &status, &error);
	g_thread_join(thread);
	sigaction(SIGUSR1, &previous, NULL);

	assert_true(writer.seen_blocked_twice);
	assert_int_equal(signals_seen, 1);
	assert_non_null(frame);
	assert_null(error);
	assert_int_equal(status, BRIDGE_FRAME_OK);
	assert_int_equal(g_bytes_get_size(frame), 2);
	pipe_close(&p);
}

/* The frame bridge_write_reply() writes for `reply`, read back from a file
 * (a pipe would hold only 64 KiB). */
static GBytes *
written_reply(json_t *reply)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;
	int fd = g_file_open_tmp("reply-XXXXXX", &path, &error);
	assert_true(fd >= 0);
	unlink(path);
	assert_true(bridge_write_reply(fd, reply, &error));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	BridgeFrameStatus status = BRIDGE_FRAME_IO_ERROR;
	GBytes *frame = bridge_read_frame(fd, BRIDGE_MAX_REPLY_LEN, &status, &error);
	assert_non_null(frame);
	close(fd);
	return frame;
}

/* {"a": "xxx..."} of exactly `len` bytes once written compactly. */
static json_t *
reply_of_length(gsize len)
{
	g_autofree char *value = g_strnfill(len - strlen("{\"a\":\"\"}"), 'x');
	return json_pack("{s:s}", "a", value);
}

static void
assert_error_reply(const char *text, gsize len, const char *code, int tries_left)
{
	json_error_t parse_error;
	json_t *reply = json_loadb(text, len, 0, &parse_error);
	assert_non_null(reply);
	assert_int_equal(json_object_size(reply), 1);
	json_t *detail = json_object_get(reply, "error");
	assert_true(json_is_object(detail));
	assert_int_equal(json_object_size(detail), tries_left >= 0 ? 5 : 4);
	assert_string_equal(json_string_value(json_object_get(detail, "code")), code);
	const char *texts[] = {"message", "ja", "en"};
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
		json_t *value = json_object_get(detail, texts[i]);
		assert_true(json_is_string(value));
		assert_true(json_string_length(value) > 0);
	}
	if (tries_left >= 0)
		assert_int_equal(json_integer_value(json_object_get(detail, "triesLeft")),
				 tries_left);
	json_decref(reply);
}

static void
test_reply_of_1_mib_goes_as_it_is_and_one_byte_more_becomes_reply_too_large(void **state)
{
	(void)state;
	json_t *largest = reply_of_length(BRIDGE_MAX_REPLY_LEN);
	g_autoptr(GBytes) sent = written_reply(largest);
	g_autofree char *expected = json_dumps(largest, JSON_COMPACT);
	assert_int_equal(g_bytes_get_size(sent), BRIDGE_MAX_REPLY_LEN);
	assert_memory_equal(g_bytes_get_data(sent, NULL), expected, BRIDGE_MAX_REPLY_LEN);
	json_decref(largest);

	json_t *too_large = reply_of_length(BRIDGE_MAX_REPLY_LEN + 1);
	g_autoptr(GBytes) instead = written_reply(too_large);
	json_decref(too_large);
	gsize len = 0;
	const char *text = g_bytes_get_data(instead, &len);
	assert_error_reply(text, len, "reply-too-large", -1);
	g_autofree char *shown = g_strndup(text, len);
	assert_non_null(strstr(shown, "1048577 bytes"));
}

static void
test_error_replies_have_code_message_ja_en_and_tries_left_only_when_given(void **state)
{
	(void)state;
	const struct {
		GQuark domain;
		gint code;
		int tries_left;
		const char *name;
	} cases[] = {
		{JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT, 2, "pin-incorrect"},
		{JPKI_ERROR, JPKI_ERROR_NO_CARD, -1, "no-card"},
		{BRIDGE_ERROR, BRIDGE_ERROR_ORIGIN_NOT_ALLOWED, -1, "origin-not-allowed"},
		{BRIDGE_ERROR, BRIDGE_ERROR_REQUEST_TOO_LARGE, -1, "request-too-large"},
		{BRIDGE_ERROR, BRIDGE_ERROR_REPLY_TOO_LARGE, -1, "reply-too-large"},
		{BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_IO, -1, "internal-error"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error =
			g_error_new_literal(cases[i].domain, cases[i].code, "what happened");
		json_t *reply = bridge_error_reply(error, cases[i].tries_left);
		g_autofree char *text = json_dumps(reply, JSON_COMPACT);
		json_decref(reply);
		assert_error_reply(text, strlen(text), cases[i].name, cases[i].tries_left);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_round_trips_and_starts_with_native_order_length),
		cmocka_unit_test(test_frames_are_read_one_after_another_until_eof),
		cmocka_unit_test(test_huge_length_is_refused_at_once_without_reading_the_payload),
		cmocka_unit_test(test_request_cap_admits_8_kib_and_refuses_one_byte_more),
		cmocka_unit_test(test_eof_before_any_byte_is_a_clean_end),
		cmocka_unit_test(test_eof_inside_the_length_is_truncated),
		cmocka_unit_test(test_eof_inside_the_payload_is_truncated),
		cmocka_unit_test(test_read_failure_is_an_io_error),
		cmocka_unit_test(test_write_refuses_more_than_1_mib_and_writes_nothing),
		cmocka_unit_test(test_write_sends_exactly_1_mib),
		cmocka_unit_test(test_read_survives_a_signal_while_it_waits),
		cmocka_unit_test(
			test_reply_of_1_mib_goes_as_it_is_and_one_byte_more_becomes_reply_too_large),
		cmocka_unit_test(
			test_error_replies_have_code_message_ja_en_and_tries_left_only_when_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
