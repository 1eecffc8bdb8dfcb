/* Reading what the fake pinentry was sent (FAKE_PINENTRY_LOG): one decoded
 * command a record, each ended by a NUL, across all its runs. */
#pragma once

#include <glib.h>

/* The records in order; empty when there is no log (no dialog was opened). */
GPtrArray *fake_pinentry_log_read(const char *path);
