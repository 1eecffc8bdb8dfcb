/* jpki-bridge-host: the native messaging host the browser starts for each
 * request (docs/protocol.md). Writes its version, reads one request, runs it
 * in a worker thread while watching for the browser to go away, answers
 * once and exits. */
#include "commands.h"
#include "framing.h"
#include "host_io.h"
#include "parent_window.h"
#include "process.h"
#include "reply.h"
#include "request.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>

#define DISCONNECT_GRACE_MS 900

typedef struct {
	int out; /* the frames' file descriptor: the real stdout */
	const BridgeConfig *config;
	BridgeRequest *request;
	JpkiCancel *cancel;
	GMainLoop *loop;
	GThread *worker;
	json_t *reply;
	GError *error;
	int tries_left;
	gboolean done;
	gboolean terminated; /* SIGTERM: no answer is written */
} Host;

static void
write_json(Host *host, json_t *json)
{
	g_autoptr(GError) error = NULL;
	if (!bridge_write_reply(host->out, json, &error))
		g_warning("cannot answer the browser: %s", error->message);
}

/* In the main loop's thread, once the worker has its result. */
static gboolean
on_command_done(gpointer user_data)
{
	Host *host = user_data;
	host->done = TRUE;
	g_main_loop_quit(host->loop);
	return G_SOURCE_REMOVE;
}

static gpointer
run_command(gpointer data)
{
	Host *host = data;
	host->reply = bridge_command_run(host->request, host->config, host->cancel,
					 &host->tries_left, &host->error);
	g_idle_add(on_command_done, host);
	return NULL;
}

/* The browser closed our stdin: close any dialog, end any wait, and go. */
static gboolean
on_disconnect(gpointer user_data)
{
	Host *host = user_data;
	g_info("the browser disconnected");
	jpki_cancel_cancel(host->cancel);
	g_main_loop_quit(host->loop);
	return G_SOURCE_REMOVE;
}

/* The browser or the session ends us: close the dialog, end any wait, and go without an
 * answer. */
static gboolean
on_sigterm(gpointer user_data)
{
	Host *host = user_data;
	g_info("terminated");
	host->terminated = TRUE;
	jpki_cancel_cancel(host->cancel);
	g_main_loop_quit(host->loop);
	return G_SOURCE_REMOVE;
}

static gboolean
on_grace_over(gpointer user_data)
{
	g_main_loop_quit(user_data);
	return G_SOURCE_REMOVE;
}

static int
serve(Host *host)
{
	json_t *version = json_pack("{s:s}", "version", JPKI_VERSION);
	write_json(host, version);
	json_decref(version);

	BridgeFrameStatus status = BRIDGE_FRAME_OK;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) frame =
		bridge_read_frame(STDIN_FILENO, BRIDGE_MAX_REQUEST_LEN, &status, &error);
	if (frame == NULL) {
		if (status == BRIDGE_FRAME_TOO_LARGE) {
			g_autoptr(GError) too_large = g_error_new(
				BRIDGE_ERROR, BRIDGE_ERROR_REQUEST_TOO_LARGE,
				"requests are at most %d bytes", BRIDGE_MAX_REQUEST_LEN);
			json_t *reply = bridge_error_reply(too_large, -1);
			write_json(host, reply);
			json_decref(reply);
		}
		return 0; /* the browser went away, or sent no request */
	}
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(frame, &len);
	host->request = bridge_request_parse(data, len, host->config->allow_http_loopback, &error);
	if (host->request == NULL) {
		json_t *reply = bridge_error_reply(error, -1);
		write_json(host, reply);
		json_decref(reply);
		return 0;
	}

	host->cancel = jpki_cancel_new();
	host->loop = g_main_loop_new(NULL, FALSE);
	host->tries_left = -1;
	g_autoptr(BridgeHostEvents) events =
		bridge_host_events_watch(on_disconnect, on_sigterm, host);
	host->worker = g_thread_new("command", run_command, host);
	g_main_loop_run(host->loop);

	if (!host->done) {
		/* Disconnected or terminated: give the worker a moment to close its dialog. */
		g_timeout_add(DISCONNECT_GRACE_MS, on_grace_over, host->loop);
		if (!host->done)
			g_main_loop_run(host->loop);
		return 0;
	}
	g_clear_pointer(&events, bridge_host_events_free);
	json_t *reply = host->reply != NULL ? host->reply
					    : bridge_error_reply(host->error, host->tries_left);
	write_json(host, reply);
	json_decref(reply);
	host->reply = NULL;
	return 0;
}

int
main(int argc, char **argv)
{
	/* The caller's origin (or Firefox's manifest path) is nothing to trust: only Chrome's
	 * --parent-window is read, on Windows, to place the dialogs over the browser window. */
	jpki_process_protect();
	/* The character set only, for GLib's messages on stderr: nothing here formats by locale
	 * (texts are chosen by jpki_lang_from_locale(), dates are ISO 8601), and loading every
	 * category cost a quarter of a millisecond of start-up under C.UTF-8. */
	setlocale(LC_CTYPE, "");
	bridge_host_io_binary_stdio();
	/* stdout carries frames only: keep it for them, and send fd 1 to stderr
	 * so no stray output (a library's, a log's) can break the stream. */
	int out = dup(STDOUT_FILENO);
	if (out < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return 1;

	g_autoptr(BridgeConfig) config = bridge_config_load();
#ifdef G_OS_WIN32
	config->parent_window = bridge_parent_window_from_args(argc, argv);
#else
	(void)argc;
	(void)argv;
#endif
	Host host = {.out = out, .config = config};
	int status = serve(&host);
	/* A worker still inside a dialog after the grace period is abandoned. */
	if (host.done || host.cancel == NULL) {
		if (host.worker != NULL)
			g_thread_join(host.worker);
		g_clear_pointer(&host.request, bridge_request_free);
		if (host.reply != NULL) /* made after the browser had gone */
			json_decref(host.reply);
		g_clear_error(&host.error);
		g_clear_pointer(&host.cancel, jpki_cancel_free);
		g_clear_pointer(&host.loop, g_main_loop_unref);
	}
	close(out);
	return status;
}
