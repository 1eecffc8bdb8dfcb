/* The host's replies on the wire (docs/protocol.md, "Replies" and "Errors"):
 * an error as the object a caller reads, and any reply as one frame within
 * the browsers' limit. */
#pragma once

#include <glib.h>
#include <jansson.h>

/* {"error": {"code", "message", "ja", "en"}} for any error, by jpki_error_describe() with
 * BRIDGE_ERROR's table (an error no table names is internal-error); "triesLeft" is added
 * when tries_left >= 0. */
json_t *bridge_error_reply(const GError *error, int tries_left);

/* Writes `reply` as one frame. A reply longer than BRIDGE_MAX_REPLY_LEN
 * would make the browser close the port without a word, so the caller gets
 * the error reply-too-large instead. FALSE only when writing failed. */
gboolean bridge_write_reply(int fd, json_t *reply, GError **error);
