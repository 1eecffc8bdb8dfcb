/* Native messaging frames: a 32-bit length in the platform's byte order, then
 * that many bytes of UTF-8 JSON (docs/protocol.md, "Framing"). Only bytes move
 * here; what they mean is request.c's concern. */
#pragma once

#include <glib.h>

/* What the host reads at most; a longer prefix is answered request-too-large. */
#define BRIDGE_MAX_REQUEST_LEN 8192
/* What the browsers accept from a host; longer frames would close the port. */
#define BRIDGE_MAX_REPLY_LEN 1048576

typedef enum {
	BRIDGE_FRAME_OK,
	BRIDGE_FRAME_EOF,       /* the stream ended before the first byte of a frame */
	BRIDGE_FRAME_TRUNCATED, /* the stream ended inside the length or the payload */
	BRIDGE_FRAME_TOO_LARGE, /* the length exceeds max_len; the payload was not read */
	BRIDGE_FRAME_IO_ERROR,  /* read() failed */
} BridgeFrameStatus;

/* The errors of this file (GIO's G_IO_ERROR would pull in libgio). */
#define BRIDGE_FRAME_ERROR (bridge_frame_error_quark())
GQuark bridge_frame_error_quark(void);
typedef enum {
	BRIDGE_FRAME_ERROR_CLOSED,    /* the stream ended before a frame */
	BRIDGE_FRAME_ERROR_TRUNCATED, /* the stream ended inside a frame */
	BRIDGE_FRAME_ERROR_TOO_LARGE, /* past the limit */
	BRIDGE_FRAME_ERROR_IO,        /* read() or write() failed */
	BRIDGE_FRAME_ERROR_NOT_JSON,  /* a reply jansson cannot write (reply.c) */
} BridgeFrameErrorCode;

/* Reads one frame from fd. The length is checked against max_len before
 * anything is allocated or read past it, so a caller that answers TOO_LARGE
 * must not try to read another frame from the same stream. Every outcome is
 * in *status; on anything but BRIDGE_FRAME_OK the result is NULL and *error
 * (BRIDGE_FRAME_ERROR) says what happened, EOF included. */
GBytes *bridge_read_frame(int fd, gsize max_len, BridgeFrameStatus *status, GError **error);

/* Writes the length and json as one buffer. Refuses more than
 * BRIDGE_MAX_REPLY_LEN bytes (BRIDGE_FRAME_ERROR_TOO_LARGE) without writing
 * anything. A closed reader raises SIGPIPE unless the program ignores it. */
gboolean bridge_write_frame(int fd, const char *json, gsize len, GError **error);
