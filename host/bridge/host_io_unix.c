/* host_io.h on Unix: GLib's fd and signal sources. */
#include "host_io.h"

#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <unistd.h>

struct _BridgeHostEvents {
	GSourceFunc on_disconnect, on_terminate;
	gpointer user_data;
	guint stdin_watch, term_watch;
};

void
bridge_host_io_binary_stdio(void)
{
}

static gboolean
on_stdin(gint fd, GIOCondition condition, gpointer data)
{
	BridgeHostEvents *events = data;
	char buffer[256];
	ssize_t n = (condition & G_IO_IN) ? read(fd, buffer, sizeof(buffer)) : 0;
	if (n > 0 || (n < 0 && errno == EINTR))
		return G_SOURCE_CONTINUE;
	events->stdin_watch = 0;
	events->on_disconnect(events->user_data);
	return G_SOURCE_REMOVE;
}

static gboolean
on_sigterm(gpointer data)
{
	BridgeHostEvents *events = data;
	events->term_watch = 0;
	events->on_terminate(events->user_data);
	return G_SOURCE_REMOVE;
}

BridgeHostEvents *
bridge_host_events_watch(GSourceFunc on_disconnect, GSourceFunc on_terminate, gpointer user_data)
{
	BridgeHostEvents *events = g_new0(BridgeHostEvents, 1);
	events->on_disconnect = on_disconnect;
	events->on_terminate = on_terminate;
	events->user_data = user_data;
	events->stdin_watch =
		g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, events);
	events->term_watch = g_unix_signal_add(SIGTERM, on_sigterm, events);
	return events;
}

void
bridge_host_events_free(BridgeHostEvents *events)
{
	if (events == NULL)
		return;
	if (events->stdin_watch != 0)
		g_source_remove(events->stdin_watch);
	if (events->term_watch != 0)
		g_source_remove(events->term_watch);
	g_free(events);
}
