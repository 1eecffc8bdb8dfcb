/* bridge-driver: plays the browser for tests. Starts the real
 * jpki-bridge-host, reads its version frame, sends one request frame and
 * prints the reply's JSON on stdout; on stderr, "version=..." and, last,
 * "exit=<status> ms=<time from the request (or the disconnect) to the host's
 * exit>".
 *
 *   bridge-driver [options] HOST REQUEST-JSON
 *
 * It exits 1, saying why on stderr, when the host sends no version frame,
 * writes no reply where one is due, writes anything after its one reply (or
 * anything at all after a disconnect), or exits other than with status 0; and
 * 3 when the host has not exited within --timeout-ms (it is then killed).
 * Every byte of the host's stdout is read until the host closes it, so a
 * late second frame is seen.
 *
 * --disconnect-when PATH closes the host's stdin (the browser going away) as
 * soon as PATH exists, or with --disconnect-when-holds TEXT as soon as PATH holds
 * TEXT (say, a dialog's log once the dialog asks); with --terminate it sends the host
 * SIGTERM then instead (the browser or the session ending it), and nothing may come
 * after either. --close-replies closes the pipe the host answers on as soon as the
 * request is sent (a browser that stopped reading): the host must still exit with
 * status 0, not be killed by SIGPIPE. --length N sends N as the length
 * prefix instead of the request's own length; --pad-to N pads the request
 * with spaces to N bytes. --host-stderr FILE sends the host's stderr to FILE
 * (to look for sanitizer reports there) instead of the driver's.
 *
 * The host has 10 s to send its version frame, or BRIDGE_DRIVER_START_MS from the
 * environment (the valgrind preset's tests give a host under memcheck more). */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VERSION_WAIT_MS 10000
#define POLL_SLICE_MS   20

typedef struct {
	int fd;
	gint64 deadline; /* monotonic, in microseconds */
} Stream;

static int
ms_until(gint64 deadline)
{
	gint64 left = (deadline - g_get_monotonic_time()) / 1000;
	return left < 0 ? 0 : (int)MIN(left, G_MAXINT);
}

/* Reads exactly len bytes unless the stream ends or the deadline passes;
 * returns how many came. */
static gsize
read_until(Stream *stream, void *buffer, gsize len)
{
	guint8 *p = buffer;
	gsize got = 0;
	while (got < len) {
		struct pollfd pfd = {.fd = stream->fd, .events = POLLIN};
		int ready = poll(&pfd, 1, ms_until(stream->deadline));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			return got;
		ssize_t n = read(stream->fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return got;
		got += (gsize)n;
	}
	return got;
}

/* One frame's payload, or NULL (and *partial TRUE if some of it came). */
static char *
read_frame(Stream *stream, gboolean *partial)
{
	guint32 len = 0;
	*partial = FALSE;
	gsize got = read_until(stream, &len, sizeof(len));
	if (got < sizeof(len)) {
		*partial = got > 0;
		return NULL;
	}
	if (len > 1024 * 1024) {
		*partial = TRUE;
		return NULL;
	}
	char *text = g_malloc0((gsize)len + 1);
	if (read_until(stream, text, len) < len) {
		*partial = TRUE;
		g_free(text);
		return NULL;
	}
	return text;
}

/* Reads the rest of the stream until the host closes it; the bytes that came. */
static gsize
drain(Stream *stream)
{
	gsize total = 0;
	char buffer[4096];
	gsize n;
	while ((n = read_until(stream, buffer, sizeof(buffer))) > 0)
		total += n;
	return total;
}

static gboolean
file_holds(const char *path, const char *text)
{
	if (text == NULL)
		return g_file_test(path, G_FILE_TEST_EXISTS);
	g_autofree char *contents = NULL;
	gsize len = 0;
	gsize text_len = strlen(text);
	if (!g_file_get_contents(path, &contents, &len, NULL))
		return FALSE;
	/* The file may hold NUL bytes (the scripted pinentry's log does). */
	for (gsize i = 0; i + text_len <= len; i++) {
		if (memcmp(contents + i, text, text_len) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
wait_for_file(const char *path, const char *text, gint64 deadline)
{
	while (!file_holds(path, text)) {
		if (ms_until(deadline) == 0)
			return FALSE;
		g_usleep(POLL_SLICE_MS * 1000);
	}
	return TRUE;
}

/* The host's wait status, or -1 when it is still running at the deadline. */
static int
wait_for_exit(GPid pid, gint64 deadline)
{
	for (;;) {
		int status = 0;
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid)
			return status;
		if (done < 0 && errno != EINTR)
			return -1;
		if (ms_until(deadline) == 0)
			return -1;
		g_usleep(POLL_SLICE_MS * 1000);
	}
}

static void
send_host_stderr_to(gpointer data)
{
	int fd = GPOINTER_TO_INT(data);
	if (fd >= 0)
		dup2(fd, STDERR_FILENO);
}

static gboolean
write_all(int fd, const void *data, gsize len)
{
	const guint8 *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		p += n;
		len -= (gsize)n;
	}
	return TRUE;
}

int
main(int argc, char **argv)
{
	g_autofree char *disconnect_when = NULL;
	g_autofree char *disconnect_when_holds = NULL;
	gint64 length = -1;
	gint pad_to = -1;
	gint timeout_ms = 120000;
	g_autofree char *host_stderr = NULL;
	gboolean terminate = FALSE;
	gboolean close_replies = FALSE;
	GOptionEntry entries[] = {
		{"terminate", 0, 0, G_OPTION_ARG_NONE, &terminate,
		 "with --disconnect-when: send SIGTERM instead of closing stdin", NULL},
		{"close-replies", 0, 0, G_OPTION_ARG_NONE, &close_replies,
		 "close the host's stdout pipe once the request is sent", NULL},
		{"disconnect-when", 0, 0, G_OPTION_ARG_FILENAME, &disconnect_when,
		 "close the host's stdin once PATH exists", "PATH"},
		{"disconnect-when-holds", 0, 0, G_OPTION_ARG_STRING, &disconnect_when_holds,
		 "... and holds TEXT", "TEXT"},
		{"length", 0, 0, G_OPTION_ARG_INT64, &length, "length prefix to send", "N"},
		{"pad-to", 0, 0, G_OPTION_ARG_INT, &pad_to,
		 "pad the request with spaces to N bytes", "N"},
		{"timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
		 "kill the host if it has not exited after MS (default 120000)", "MS"},
		{"host-stderr", 0, 0, G_OPTION_ARG_FILENAME, &host_stderr,
		 "write the host's stderr to FILE", "FILE"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new("HOST REQUEST-JSON");
	g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, &argc, &argv, &error) || argc != 3) {
		fprintf(stderr, "usage: bridge-driver [options] HOST REQUEST-JSON\n");
		return 2;
	}
	gboolean disconnect = disconnect_when != NULL;
	const char *start_ms = g_getenv("BRIDGE_DRIVER_START_MS");
	gint64 version_wait_ms = start_ms != NULL ? g_ascii_strtoll(start_ms, NULL, 10) : 0;
	if (version_wait_ms <= 0)
		version_wait_ms = VERSION_WAIT_MS;
	gint64 start = g_get_monotonic_time();
	gint64 deadline = start + (gint64)timeout_ms * 1000;

	int stderr_fd = -1;
	if (host_stderr != NULL) {
		stderr_fd = open(host_stderr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (stderr_fd < 0) {
			fprintf(stderr, "bridge-driver: %s: %s\n", host_stderr, g_strerror(errno));
			return 2;
		}
	}
	/* A host that closes its stdin early must not kill the driver. */
	signal(SIGPIPE, SIG_IGN);
	char *host_argv[] = {argv[1], (char *)"chrome-extension://test/", NULL};
	GPid pid = 0;
	int in = -1, out = -1;
	if (!g_spawn_async_with_pipes(NULL, host_argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
				      send_host_stderr_to, GINT_TO_POINTER(stderr_fd), &pid, &in,
				      &out, NULL, &error)) {
		fprintf(stderr, "bridge-driver: %s\n", error->message);
		return 2;
	}
	if (stderr_fd >= 0)
		close(stderr_fd);

	guint failures = 0;
	gboolean partial = FALSE;
	Stream stream = {.fd = out, .deadline = MIN(deadline, start + version_wait_ms * 1000)};
	g_autofree char *version = read_frame(&stream, &partial);
	fprintf(stderr, "version=%s\n", version != NULL ? version : "(none)");
	if (version == NULL) {
		fprintf(stderr, "bridge-driver: the host sent no version frame\n");
		failures++;
	}
	stream.deadline = deadline;

	g_autoptr(GString) request = g_string_new(argv[2]);
	while (pad_to >= 0 && request->len < (gsize)pad_to)
		g_string_append_c(request, ' ');
	guint32 prefix = length >= 0 ? (guint32)length : (guint32)request->len;
	if (!write_all(in, &prefix, sizeof(prefix)) || !write_all(in, request->str, request->len))
		fprintf(stderr, "bridge-driver: the host did not take the whole request\n");
	start = g_get_monotonic_time();

	g_autofree char *reply = NULL;
	if (close_replies) {
		close(out);
		out = -1;
		int status = wait_for_exit(pid, deadline);
		close(in);
		if (status < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 3;
		}
		fprintf(stderr, "exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bridge-driver: the host %s %d with nobody reading\n",
				WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
				WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			return 1;
		}
		return 0;
	}
	if (disconnect) {
		if (!wait_for_file(disconnect_when, disconnect_when_holds, deadline)) {
			fprintf(stderr, "bridge-driver: %s never appeared%s%s\n", disconnect_when,
				disconnect_when_holds != NULL ? " holding " : "",
				disconnect_when_holds != NULL ? disconnect_when_holds : "");
			failures++;
		}
		start = g_get_monotonic_time();
		if (terminate)
			kill(pid, SIGTERM);
		else
			close(in);
	} else {
		reply = read_frame(&stream, &partial);
		close(in);
		if (reply != NULL) {
			printf("%s\n", reply);
			fflush(stdout);
		} else {
			fprintf(stderr, "bridge-driver: the host wrote %s\n",
				partial ? "a broken reply frame" : "no reply");
			failures++;
		}
	}
	gsize extra = drain(&stream);
	close(out);
	int status = wait_for_exit(pid, deadline);
	if (terminate)
		close(in);
	gint64 ms = (g_get_monotonic_time() - start) / 1000;
	if (status < 0) {
		fprintf(stderr, "bridge-driver: the host was still running after %d ms; killed\n",
			timeout_ms);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 3;
	}
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "exit=%d ms=%" G_GINT64_FORMAT "\n", code, ms);
	if (extra > 0) {
		fprintf(stderr, "bridge-driver: the host wrote %" G_GSIZE_FORMAT " more bytes %s\n",
			extra, disconnect ? "after the browser left" : "after its one reply");
		failures++;
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "bridge-driver: the host was killed by signal %d\n",
			WTERMSIG(status));
		failures++;
	} else if (code != 0) {
		fprintf(stderr, "bridge-driver: the host exited with status %d\n", code);
		failures++;
	}
	return failures == 0 ? 0 : 1;
}
