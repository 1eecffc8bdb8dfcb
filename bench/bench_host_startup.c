/* bench-host-startup: what one browser request costs. Starts the real
 * jpki-bridge-host RUNS times, sends each one request (`status` unless
 * REQUEST-JSON is given), and for each measures the time from the start to
 * the version frame, to the reply and to the host's exit, and the process's
 * peak resident memory. Prints the median and the worst of each. A reply
 * holding "error", or an exit other than status 0, fails the run.
 *
 *   bench-host-startup HOST [RUNS [REQUEST-JSON]]
 *
 * Run it with a card present (tests/with-virtual-card -- ...); a request that
 * asks for a PIN needs a scripted pinentry (scripts/bench sets one). Unlike
 * tests/bridge/bridge-driver, it waits for the host's exit in wait4(), so no
 * polling interval is added to the times. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define STATUS_REQUEST                                                                             \
	"{\"command\":\"status\",\"arguments\":{\"origin\":\"https://bench.example\"}}"

static gboolean
read_frame(int fd)
{
	guint32 len = 0;
	guint8 *p = (guint8 *)&len;
	for (gsize got = 0; got < sizeof(len);) {
		ssize_t n = read(fd, p + got, sizeof(len) - got);
		if (n <= 0 && errno != EINTR)
			return FALSE;
		got += n > 0 ? (gsize)n : 0;
	}
	g_autofree char *body = g_malloc0((gsize)len + 1); /* NUL-terminated for strstr() */
	for (gsize got = 0; got < len;) {
		ssize_t n = read(fd, body + got, len - got);
		if (n <= 0 && errno != EINTR)
			return FALSE;
		got += n > 0 ? (gsize)n : 0;
	}
	return strstr(body, "\"error\"") == NULL || len == 0;
}

static int
compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void
report(const char *what, double *values, int runs, const char *unit)
{
	qsort(values, (size_t)runs, sizeof(double), compare);
	printf("%-28s median %8.2f %s   worst %8.2f %s\n", what, values[runs / 2], unit,
	       values[runs - 1], unit);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-host-startup HOST [RUNS [REQUEST-JSON]]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 20;
	if (runs < 1)
		runs = 1;
	const char *request = argc > 3 ? argv[3] : STATUS_REQUEST;
	double *to_version = g_new(double, runs), *to_reply = g_new(double, runs),
	       *to_exit = g_new(double, runs), *peak_kib = g_new(double, runs);
	for (int i = 0; i < runs; i++) {
		char *host_argv[] = {argv[1], (char *)"chrome-extension://bench/", NULL};
		GPid pid = 0;
		int in = -1, out = -1;
		g_autoptr(GError) error = NULL;
		gint64 start = g_get_monotonic_time();
		if (!g_spawn_async_with_pipes(NULL, host_argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
					      NULL, NULL, &pid, &in, &out, NULL, &error)) {
			fprintf(stderr, "%s\n", error->message);
			return 1;
		}
		gboolean ok = read_frame(out);
		to_version[i] = (double)(g_get_monotonic_time() - start) / 1000.0;
		guint32 len = (guint32)strlen(request);
		ok = ok && write(in, &len, sizeof(len)) == sizeof(len) &&
		     write(in, request, len) == (ssize_t)len && read_frame(out);
		to_reply[i] = (double)(g_get_monotonic_time() - start) / 1000.0;
		close(in);
		close(out);
		int status = 0;
		struct rusage usage;
		ok = wait4(pid, &status, 0, &usage) == pid && ok && WIFEXITED(status) &&
		     WEXITSTATUS(status) == 0;
		to_exit[i] = (double)(g_get_monotonic_time() - start) / 1000.0;
		peak_kib[i] = (double)usage.ru_maxrss;
		if (!ok) {
			fprintf(stderr,
				"run %d: no reply, an error reply or a failed exit (is a card "
				"present?)\n",
				i);
			return 1;
		}
	}
	printf("%s, %d runs\n", argv[1], runs);
	report("start to version frame", to_version, runs, "ms");
	report("start to reply", to_reply, runs, "ms");
	report("start to exit", to_exit, runs, "ms");
	report("peak resident memory", peak_kib, runs, "KiB");
	g_free(to_version);
	g_free(to_reply);
	g_free(to_exit);
	g_free(peak_kib);
	return 0;
}
