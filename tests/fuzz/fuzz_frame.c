/* The native messaging frame reader (host/bridge/framing.c) on any byte stream: whatever
 * the browser (or anything else on stdin) writes. */
#define _GNU_SOURCE
#include "framing.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-frame", MFD_CLOEXEC);
	g_assert(fd >= 0);
	g_assert(size == 0 || write(fd, data, size) == (ssize_t)size);
	g_assert(lseek(fd, 0, SEEK_SET) == 0);
	/* Frames one after another, as a reader that went on would see them. */
	for (;;) {
		BridgeFrameStatus status = BRIDGE_FRAME_OK;
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) frame =
			bridge_read_frame(fd, BRIDGE_MAX_REQUEST_LEN, &status, &error);
		g_assert((frame != NULL) == (status == BRIDGE_FRAME_OK));
		g_assert((frame == NULL) == (error != NULL));
		if (frame == NULL)
			break;
		g_assert(g_bytes_get_size(frame) <= BRIDGE_MAX_REQUEST_LEN);
	}
	close(fd);
	return 0;
}
