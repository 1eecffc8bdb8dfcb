/* bridge-driver: plays the browser for tests. Starts the real
 * jpki-bridge-host, reads its version frame, sends one request frame and
 * prints the reply's JSON on stdout; on stderr, "version=..." and, last,
 * "exit=<status> ms=<time from the request to the host's exit>".
 *
 *   bridge-driver [--disconnect-after MS] [--length N] HOST REQUEST-JSON
 *
 * --disconnect-after closes the host's stdin MS milliseconds after the
 * request (the browser going away) and prints no reply; --length sends N as
 * the length prefix instead of the request's own length. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static gboolean
read_exact(int fd, void *buffer, gsize len)
{
	guint8 *p = buffer;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		p += n;
		len -= (gsize)n;
	}
	return TRUE;
}

static char *
read_frame(int fd)
{
	guint32 len = 0;
	if (!read_exact(fd, &len, sizeof(len)) || len > 1024 * 1024)
		return NULL;
	char *text = g_malloc0(len + 1);
	if (!read_exact(fd, text, len)) {
		g_free(text);
		return NULL;
	}
	return text;
}

int
main(int argc, char **argv)
{
	gint disconnect_after = -1;
	gint64 length = -1;
	GOptionEntry entries[] = {
		{"disconnect-after", 0, 0, G_OPTION_ARG_INT, &disconnect_after,
		 "close the host's stdin after MS", "MS"},
		{"length", 0, 0, G_OPTION_ARG_INT64, &length, "length prefix to send", "N"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new("HOST REQUEST-JSON");
	g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, &argc, &argv, &error) || argc != 3) {
		fprintf(stderr, "usage: bridge-driver [options] HOST REQUEST-JSON\n");
		return 2;
	}
	char *host_argv[] = {argv[1], (char *)"chrome-extension://test/", NULL};
	GPid pid = 0;
	int in = -1, out = -1;
	if (!g_spawn_async_with_pipes(NULL, host_argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
				      &pid, &in, &out, NULL, &error)) {
		fprintf(stderr, "bridge-driver: %s\n", error->message);
		return 2;
	}
	g_autofree char *version = read_frame(out);
	fprintf(stderr, "version=%s\n", version != NULL ? version : "(none)");

	const char *request = argv[2];
	guint32 prefix = length >= 0 ? (guint32)length : (guint32)strlen(request);
	gboolean sent = write(in, &prefix, sizeof(prefix)) == sizeof(prefix) &&
			write(in, request, strlen(request)) == (ssize_t)strlen(request);
	gint64 start = g_get_monotonic_time();
	if (!sent)
		fprintf(stderr, "bridge-driver: the host took no request\n");
	if (disconnect_after >= 0) {
		g_usleep((gulong)disconnect_after * 1000);
		start = g_get_monotonic_time();
		close(in);
	} else {
		g_autofree char *reply = read_frame(out);
		if (reply != NULL)
			printf("%s\n", reply);
		close(in);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	gint64 ms = (g_get_monotonic_time() - start) / 1000;
	fprintf(stderr, "exit=%d ms=%" G_GINT64_FORMAT "\n",
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ms);
	char extra = 0;
	if (read(out, &extra, 1) > 0)
		fprintf(stderr, "bridge-driver: the host wrote more than one reply\n");
	close(out);
	return 0;
}
