/* The host's edge with the operating system, one file for each (host_io_unix.c,
 * host_io_win32.c): stdio made fit for frames, and the events that end a request early — the
 * browser closing our stdin, and on Unix SIGTERM. */
#pragma once

#include <glib.h>

/* Frames are binary: on Windows stdin and stdout are switched out of text mode (a CR LF in a
 * frame's length would be changed); nothing to do on Unix. */
void bridge_host_io_binary_stdio(void);

typedef struct _BridgeHostEvents BridgeHostEvents;

/* Watches, in the thread-default main context, for the browser closing our stdin (anything
 * it sends after the one request is read and dropped) and, on Unix, for SIGTERM. Each
 * callback runs at most once, in the main loop. */
BridgeHostEvents *bridge_host_events_watch(GSourceFunc on_disconnect, GSourceFunc on_terminate,
					   gpointer user_data);
/* Stops watching; no callback runs after it. */
void bridge_host_events_free(BridgeHostEvents *events);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BridgeHostEvents, bridge_host_events_free)
