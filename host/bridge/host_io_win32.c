/* host_io.h on Windows: a thread blocks reading stdin (a pipe from the browser; GLib has no
 * source for a pipe handle) and tells the main loop when it ends. Windows sends no SIGTERM:
 * the browser ends a host with TerminateProcess, which nothing can catch. */
#include "host_io.h"

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <windows.h>

struct _BridgeHostEvents {
	gint refs; /* the caller's and the reader thread's */
	gint stopped;
	GSourceFunc on_disconnect;
	gpointer user_data;
	GMainContext *context;
};

void
bridge_host_io_binary_stdio(void)
{
	_setmode(_fileno(stdin), _O_BINARY);
	_setmode(_fileno(stdout), _O_BINARY);
}

static void
events_unref(gpointer data)
{
	BridgeHostEvents *events = data;
	if (!g_atomic_int_dec_and_test(&events->refs))
		return;
	g_main_context_unref(events->context);
	g_free(events);
}

static gboolean
on_disconnect(gpointer data)
{
	BridgeHostEvents *events = data;
	if (!g_atomic_int_get(&events->stopped))
		events->on_disconnect(events->user_data);
	return G_SOURCE_REMOVE;
}

static gpointer
read_until_closed(gpointer data)
{
	BridgeHostEvents *events = data;
	HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
	char buffer[256];
	DWORD n = 0;
	while (!g_atomic_int_get(&events->stopped) &&
	       ReadFile(in, buffer, sizeof(buffer), &n, NULL) && n > 0)
		; /* anything after the one request is dropped */
	GSource *source = g_idle_source_new();
	g_source_set_callback(source, on_disconnect, events, events_unref);
	g_source_attach(source, events->context);
	g_source_unref(source);
	return NULL;
}

BridgeHostEvents *
bridge_host_events_watch(GSourceFunc on_disconnect_func, GSourceFunc on_terminate,
			 gpointer user_data)
{
	(void)on_terminate;
	BridgeHostEvents *events = g_new0(BridgeHostEvents, 1);
	events->refs = 2;
	events->on_disconnect = on_disconnect_func;
	events->user_data = user_data;
	events->context = g_main_context_ref_thread_default();
	/* Never joined: it may stay blocked in ReadFile until the process exits. */
	g_thread_unref(g_thread_new("stdin", read_until_closed, events));
	return events;
}

void
bridge_host_events_free(BridgeHostEvents *events)
{
	if (events == NULL)
		return;
	g_atomic_int_set(&events->stopped, 1);
	events_unref(events);
}
