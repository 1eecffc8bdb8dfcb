#include "framing.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK(bridge - frame - error - quark, bridge_frame_error)

/* Fills buf unless the stream ends first; *got says how far it came. */
static gboolean
read_full(int fd, guint8 *buf, gsize len, gsize *got, GError **error)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, buf + *got, len - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			g_set_error(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_IO,
				    "reading a frame: %s", g_strerror(saved));
			return FALSE;
		}
		if (n == 0)
			return TRUE;
		*got += (gsize)n;
	}
	return TRUE;
}

static GBytes *
frame_failed(BridgeFrameStatus *status, BridgeFrameStatus outcome)
{
	*status = outcome;
	return NULL;
}

GBytes *
bridge_read_frame(int fd, gsize max_len, BridgeFrameStatus *status, GError **error)
{
	BridgeFrameStatus ignored;
	if (status == NULL)
		status = &ignored;

	guint32 len = 0;
	gsize got = 0;
	if (!read_full(fd, (guint8 *)&len, sizeof(len), &got, error))
		return frame_failed(status, BRIDGE_FRAME_IO_ERROR);
	if (got == 0) {
		g_set_error_literal(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_CLOSED,
				    "the stream ended before a frame");
		return frame_failed(status, BRIDGE_FRAME_EOF);
	}
	if (got < sizeof(len)) {
		g_set_error(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_TRUNCATED,
			    "the stream ended after %" G_GSIZE_FORMAT " of 4 length bytes", got);
		return frame_failed(status, BRIDGE_FRAME_TRUNCATED);
	}
	if (len > max_len) {
		g_set_error(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_TOO_LARGE,
			    "a frame of %" G_GUINT32_FORMAT
			    " bytes exceeds the limit of %" G_GSIZE_FORMAT,
			    len, max_len);
		return frame_failed(status, BRIDGE_FRAME_TOO_LARGE);
	}
	if (len == 0) {
		*status = BRIDGE_FRAME_OK;
		return g_bytes_new(NULL, 0);
	}

	g_autofree guint8 *payload = g_malloc(len);
	if (!read_full(fd, payload, len, &got, error))
		return frame_failed(status, BRIDGE_FRAME_IO_ERROR);
	if (got < len) {
		g_set_error(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_TRUNCATED,
			    "the stream ended after %" G_GSIZE_FORMAT " of %" G_GUINT32_FORMAT
			    " payload bytes",
			    got, len);
		return frame_failed(status, BRIDGE_FRAME_TRUNCATED);
	}
	*status = BRIDGE_FRAME_OK;
	return g_bytes_new_take(g_steal_pointer(&payload), len);
}

gboolean
bridge_write_frame(int fd, const char *json, gsize len, GError **error)
{
	if (len > BRIDGE_MAX_REPLY_LEN) {
		g_set_error(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_TOO_LARGE,
			    "a reply of %" G_GSIZE_FORMAT
			    " bytes exceeds the browsers' limit of %d",
			    len, BRIDGE_MAX_REPLY_LEN);
		return FALSE;
	}
	/* One buffer, so the reader never sees a length without its payload
	 * because of a failure between two writes. */
	guint32 prefix = (guint32)len;
	gsize total = sizeof(prefix) + len;
	g_autofree guint8 *frame = g_malloc(total);
	memcpy(frame, &prefix, sizeof(prefix));
	if (len > 0)
		memcpy(frame + sizeof(prefix), json, len);

	gsize done = 0;
	while (done < total) {
		ssize_t n = write(fd, frame + done, total - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			g_set_error(error, BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_IO,
				    "writing a frame: %s", g_strerror(saved));
			return FALSE;
		}
		done += (gsize)n;
	}
	return TRUE;
}
