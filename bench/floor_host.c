/* bench-floor-host: the least a native-messaging host can do, for scripts/bench to set the
 * real host's start-up against. It writes the version frame, reads one request frame and
 * answers `{}`: framing only, libc only, nothing parsed and no card.
 *
 * Built twice: bench-floor-host links libc alone; bench-floor-host-with-libs also loads every
 * library jpki-bridge-host links (GLib, OpenSSL, jansson, pcsclite) without calling them,
 * so the difference between the two is what loading those libraries costs. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_REQUEST (1024 * 1024)

static int
write_frame(const char *json)
{
	uint32_t len = (uint32_t)strlen(json);
	char frame[64];
	if (len > sizeof(frame) - sizeof(len))
		return 0;
	memcpy(frame, &len, sizeof(len));
	memcpy(frame + sizeof(len), json, len);
	size_t total = sizeof(len) + len, done = 0;
	while (done < total) {
		ssize_t n = write(STDOUT_FILENO, frame + done, total - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		done += (size_t)n;
	}
	return 1;
}

static int
read_exactly(void *buffer, size_t len)
{
	char *p = buffer;
	while (len > 0) {
		ssize_t n = read(STDIN_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

int
main(void)
{
	if (!write_frame("{\"version\":\"0.1.0\"}"))
		return 1;
	uint32_t len = 0;
	if (!read_exactly(&len, sizeof(len)) || len > MAX_REQUEST)
		return 1;
	char *request = malloc(len > 0 ? len : 1);
	int ok = request != NULL && read_exactly(request, len) && write_frame("{}");
	free(request);
	return ok ? 0 : 1;
}
