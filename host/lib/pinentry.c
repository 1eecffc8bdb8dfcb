/* A pinentry client. The program runs with stdin and stdout on one end of a
 * socket pair rather than two pipes, so that writing to a pinentry that has
 * died gives EPIPE (send with MSG_NOSIGNAL) instead of killing us with
 * SIGPIPE, and so that one poll() watches the program and the cancel signal. */
#include "pinentry.h"

#include "jpki_error.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Assuan: a line is at most 1000 bytes, its LF included. */
#define ASSUAN_LINE_MAX 1000
/* Answers other than GETPIN's come at once; a pinentry that waits longer is stuck. */
#define REPLY_TIMEOUT_MS 30000
/* After BYE a pinentry exits by itself; after this it is terminated. */
#define EXIT_GRACE_MS 1000
/* Between SIGTERM and SIGKILL. */
#define TERM_GRACE_MS 300

/* The codes in a pinentry's ERR lines are libgpg-error values: the error
 * source in bits 24-30 (GPG_ERR_SOURCE_PINENTRY = 5) and the code in the low
 * 16 bits (gpg-error.h). A cancelled dialog answers ERR 83886179 = 5 << 24 | 99. */
#define GPG_CODE_MASK 0xFFFF
enum {
	GPG_CODE_TIMEOUT = 62,         /* GPG_ERR_TIMEOUT: the dialog's SETTIMEOUT ran out */
	GPG_CODE_CANCELED = 99,        /* GPG_ERR_CANCELED: Cancel or the window closed */
	GPG_CODE_FULLY_CANCELED = 198, /* GPG_ERR_FULLY_CANCELED */
};

typedef struct {
	GPid pid;
	int fd;
	gboolean reaped;
	gboolean refused;             /* the last command failed with an ERR line */
	gboolean too_long;            /* GETPIN's data did not fit in `text` */
	char in[2 * ASSUAN_LINE_MAX]; /* bytes read, not yet split into lines */
	gsize in_len;
	char line[ASSUAN_LINE_MAX];          /* the current line, without its LF */
	char text[JPKI_DIALOG_TEXT_MAX + 1]; /* GETPIN's decoded data */
	gsize text_len;
} PinentryConn;

static void pinentry_conn_free(PinentryConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PinentryConn, pinentry_conn_free)

/* What a dialog needs from our environment: the display (X11 or Wayland), the session bus
 * (pinentry-gnome3), the language, the terminal (pinentry-curses) and the home folder (the
 * toolkit's settings). Nothing else of the browser's environment reaches the program. */
static const char *const dialog_environment[] = {
	"DISPLAY",
	"WAYLAND_DISPLAY",
	"XAUTHORITY",
	"DBUS_SESSION_BUS_ADDRESS",
	"XDG_RUNTIME_DIR",
	"LANG",
	"LC_ALL",
	"LC_MESSAGES",
	"LC_CTYPE",
	"TERM",
	"HOME",
};

static GStrv
program_environment(gboolean inherit)
{
	if (inherit)
		return g_get_environ();
	GStrv env = g_new0(char *, 1);
	for (guint i = 0; i < G_N_ELEMENTS(dialog_environment); i++) {
		const char *value = g_getenv(dialog_environment[i]);
		if (value != NULL)
			env = g_environ_setenv(env, dialog_environment[i], value, TRUE);
	}
	return env;
}

/* In the child, before exec: the dialog goes when the thread that opened it does (a host
 * killed in the middle of a prompt leaves no dialog behind). */
static void
die_with_parent(gpointer parent_pid)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) != 0 ||
	    getppid() != (pid_t)GPOINTER_TO_INT(parent_pid))
		_exit(127);
}

/* Whether `pid` has exited (and is now reaped) within `ms` milliseconds. */
static gboolean
child_exits_within(GPid pid, guint ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
	for (;;) {
		pid_t result = waitpid(pid, NULL, WNOHANG);
		/* ECHILD: already reaped by the system (SIGCHLD ignored). */
		if (result == pid || (result < 0 && errno != EINTR))
			return TRUE;
		if (g_get_monotonic_time() >= deadline)
			return FALSE;
		g_usleep(10 * 1000);
	}
}

/* SIGTERM first: pinentry-curses then restores the terminal (ncurses' handler). */
static void
terminate_child(GPid pid)
{
	if (child_exits_within(pid, 0))
		return;
	kill(pid, SIGTERM);
	if (child_exits_within(pid, TERM_GRACE_MS))
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void
pinentry_conn_free(PinentryConn *conn)
{
	if (conn == NULL)
		return;
	if (conn->fd >= 0)
		close(conn->fd);
	if (!conn->reaped)
		terminate_child(conn->pid);
	g_spawn_close_pid(conn->pid);
	OPENSSL_cleanse(conn, sizeof(*conn));
	g_free(conn);
}

static PinentryConn *
pinentry_conn_start(const char *program, gboolean inherit_environment, GError **error)
{
	if (!g_path_is_absolute(program)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
			    "the pinentry must be given by an absolute path, not '%s'", program);
		return NULL;
	}
	int fds[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		int saved_errno = errno;
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
			    "could not make a socket pair: %s", g_strerror(saved_errno));
		return NULL;
	}
	const char *argv[] = {program, NULL};
	g_auto(GStrv) env = program_environment(inherit_environment);
	GPid pid = 0;
	g_autoptr(GError) spawn_error = NULL;
	gboolean started = g_spawn_async_with_pipes_and_fds(
		"/", argv, (const char *const *)env, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent,
		GINT_TO_POINTER(getpid()), fds[1], fds[1], -1, NULL, NULL, 0, &pid, NULL, NULL,
		NULL, &spawn_error);
	close(fds[1]);
	if (!started) {
		close(fds[0]);
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
			    "could not start the pinentry %s: %s", program, spawn_error->message);
		return NULL;
	}
	PinentryConn *conn = g_new0(PinentryConn, 1);
	conn->pid = pid;
	conn->fd = fds[0];
	int flags = fcntl(conn->fd, F_GETFL);
	if (flags < 0 || fcntl(conn->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		int saved_errno = errno;
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG, "fcntl: %s",
			    g_strerror(saved_errno));
		pinentry_conn_free(conn);
		return NULL;
	}
	return conn;
}

static gint64
deadline_in(guint ms)
{
	return g_get_monotonic_time() + (gint64)ms * 1000;
}

static void
set_protocol_error(GError **error, const char *what)
{
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
		    "the pinentry broke the Assuan protocol: %s", what);
}

/* Waits until the socket is ready for `condition`, the deadline (monotonic
 * µs; -1: none) passes or `cancel` is cancelled. */
static gboolean
pinentry_conn_wait(PinentryConn *conn, GIOCondition condition, gint64 deadline, JpkiCancel *cancel,
		   GError **error)
{
	GPollFD fds[2] = {{conn->fd, (gushort)condition, 0}, {-1, G_IO_IN, 0}};
	guint n_fds = 1;
	if (cancel != NULL) {
		fds[1].fd = jpki_cancel_get_fd(cancel);
		n_fds = 2;
	}
	gboolean ready = FALSE;
	for (;;) {
		if (jpki_cancel_is_cancelled(cancel)) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CANCELLED,
					    "the PIN dialog was closed: the request was cancelled");
			break;
		}
		gint timeout_ms = -1;
		if (deadline >= 0) {
			gint64 left = deadline - g_get_monotonic_time();
			if (left <= 0) {
				g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
					    "the pinentry did not answer within %d s",
					    REPLY_TIMEOUT_MS / 1000);
				break;
			}
			timeout_ms = (gint)((left + 999) / 1000);
		}
		int result = g_poll(fds, n_fds, timeout_ms);
		if (result < 0 && errno != EINTR) {
			int saved_errno = errno;
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG, "poll: %s",
				    g_strerror(saved_errno));
			break;
		}
		if (result > 0 && fds[0].revents != 0) {
			ready = TRUE;
			break;
		}
	}
	return ready;
}

static gboolean
pinentry_conn_send(PinentryConn *conn, const char *data, gsize len, gint64 deadline,
		   JpkiCancel *cancel, GError **error)
{
	while (len > 0) {
		ssize_t sent = send(conn->fd, data, len, MSG_NOSIGNAL);
		if (sent >= 0) {
			data += sent;
			len -= (gsize)sent;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (!pinentry_conn_wait(conn, G_IO_OUT, deadline, cancel, error))
				return FALSE;
		} else if (errno != EINTR) {
			int saved_errno = errno;
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
				    "could not write to the pinentry: %s",
				    saved_errno == EPIPE ? "it closed the connection"
							 : g_strerror(saved_errno));
			return FALSE;
		}
	}
	return TRUE;
}

/* Reads the next line into conn->line, without its LF. */
static gboolean
pinentry_conn_read_line(PinentryConn *conn, gint64 deadline, JpkiCancel *cancel, GError **error)
{
	for (;;) {
		char *lf = memchr(conn->in, '\n', conn->in_len);
		if (lf != NULL) {
			gsize len = (gsize)(lf - conn->in);
			if (len >= ASSUAN_LINE_MAX) {
				set_protocol_error(error, "a line longer than 1000 bytes");
				return FALSE;
			}
			memcpy(conn->line, conn->in, len);
			conn->line[len] = '\0';
			gsize rest = conn->in_len - len - 1;
			memmove(conn->in, lf + 1, rest);
			OPENSSL_cleanse(conn->in + rest, conn->in_len - rest);
			conn->in_len = rest;
			if (memchr(conn->line, '\0', len) != NULL) {
				set_protocol_error(error, "a NUL byte in a line");
				return FALSE;
			}
			return TRUE;
		}
		if (conn->in_len >= ASSUAN_LINE_MAX) {
			set_protocol_error(error, "a line longer than 1000 bytes");
			return FALSE;
		}
		ssize_t got =
			recv(conn->fd, conn->in + conn->in_len, sizeof(conn->in) - conn->in_len, 0);
		if (got > 0) {
			conn->in_len += (gsize)got;
		} else if (got == 0) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
					    "the pinentry closed the connection");
			return FALSE;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (!pinentry_conn_wait(conn, G_IO_IN, deadline, cancel, error))
				return FALSE;
		} else if (errno != EINTR) {
			int saved_errno = errno;
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
				    "could not read from the pinentry: %s",
				    g_strerror(saved_errno));
			return FALSE;
		}
	}
}

/* Whether `line` is the reply `word`, alone or followed by a space. */
static gboolean
line_is(const char *line, const char *word, const char **rest)
{
	gsize len = strlen(word);
	if (strncmp(line, word, len) != 0 || (line[len] != '\0' && line[len] != ' '))
		return FALSE;
	*rest = line[len] == ' ' ? line + len + 1 : line + len;
	return TRUE;
}

/* Appends a D line's percent-escaped data to conn->text. */
static gboolean
pinentry_conn_take_data(PinentryConn *conn, const char *data, GError **error)
{
	for (const char *p = data; *p != '\0'; p++) {
		int byte = (guchar)*p;
		if (byte == '%') {
			int high = g_ascii_xdigit_value(p[1]);
			int low = high < 0 ? -1 : g_ascii_xdigit_value(p[2]);
			if (low < 0) {
				set_protocol_error(error, "a bad %-escape in a D line");
				return FALSE;
			}
			byte = high << 4 | low;
			p += 2;
		}
		if (byte == 0) {
			set_protocol_error(error, "a NUL byte in the data");
			return FALSE;
		}
		if (conn->text_len >= JPKI_DIALOG_TEXT_MAX) {
			conn->too_long = TRUE;
			continue;
		}
		conn->text[conn->text_len++] = (char)byte;
	}
	return TRUE;
}

static void
set_error_from_err_line(const char *command, const char *args, GError **error)
{
	char *end = NULL;
	guint64 value = g_ascii_strtoull(args, &end, 10);
	const char *text = end;
	while (*text == ' ')
		text++;
	switch (value & GPG_CODE_MASK) {
	case GPG_CODE_CANCELED:
	case GPG_CODE_FULLY_CANCELED:
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CANCELLED,
				    "the PIN dialog was cancelled");
		break;
	case GPG_CODE_TIMEOUT:
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_TIMEOUT,
				    "no PIN was typed before the PIN dialog timed out");
		break;
	default:
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
			    "the pinentry refused %s: %s (error %" G_GUINT64_FORMAT ")", command,
			    text, value);
		break;
	}
}

/* Reads lines up to the final OK or ERR of a command (or the greeting).
 * D lines are the command's data when `want_data`; status (S) and comment
 * (#) lines are skipped. An ERR sets conn->refused. */
static gboolean
pinentry_conn_read_reply(PinentryConn *conn, const char *command, gboolean want_data,
			 gint64 deadline, JpkiCancel *cancel, GError **error)
{
	conn->refused = FALSE;
	for (;;) {
		if (!pinentry_conn_read_line(conn, deadline, cancel, error))
			return FALSE;
		const char *rest = NULL;
		if (line_is(conn->line, "OK", &rest))
			return TRUE;
		if (line_is(conn->line, "ERR", &rest)) {
			conn->refused = TRUE;
			set_error_from_err_line(command, rest, error);
			return FALSE;
		}
		if (line_is(conn->line, "D", &rest)) {
			if (!want_data) {
				set_protocol_error(error, "data for a command that has none");
				return FALSE;
			}
			if (!pinentry_conn_take_data(conn, rest, error))
				return FALSE;
			continue;
		}
		if (line_is(conn->line, "S", &rest) || conn->line[0] == '#')
			continue;
		/* INQUIRE among them: it only comes for features we never enable. */
		set_protocol_error(error, "an unexpected line");
		return FALSE;
	}
}

/* Sends one command line (with its LF) and reads the reply. */
static gboolean
pinentry_conn_command(PinentryConn *conn, const char *line, gboolean want_data, gint64 deadline,
		      JpkiCancel *cancel, GError **error)
{
	g_autofree char *command = g_strndup(line, strcspn(line, " \n"));
	return pinentry_conn_send(conn, line, strlen(line), deadline, cancel, error) &&
	       pinentry_conn_read_reply(conn, command, want_data, deadline, cancel, error);
}

/* BYE, then give the program a moment to exit by itself. Failures do not
 * matter any more: the program is terminated anyway. */
static void
pinentry_conn_finish(PinentryConn *conn)
{
	if (pinentry_conn_command(conn, "BYE\n", FALSE, deadline_in(EXIT_GRACE_MS), NULL, NULL)) {
		close(conn->fd);
		conn->fd = -1;
		conn->reaped = child_exits_within(conn->pid, EXIT_GRACE_MS);
	}
}

/* Appends `value`, percent-escaped so that pinentry decodes it back intact and
 * Assuan sees no line break: %, every control character (CR and LF among
 * them) and a leading space, which Assuan would strip. */
static void
append_escaped(GString *line, const char *value)
{
	for (const char *p = value; *p != '\0'; p++) {
		guchar c = (guchar)*p;
		if (c < 0x20 || c == 0x7F || c == '%' || (c == ' ' && p == value))
			g_string_append_printf(line, "%%%02X", c);
		else
			g_string_append_c(line, (char)c);
	}
}

/* Adds "COMMAND escaped-value\n" when `value` is set. */
static gboolean
add_text_command(GPtrArray *commands, const char *command, const char *field, const char *value,
		 GError **error)
{
	if (value == NULL)
		return TRUE;
	if (!g_utf8_validate(value, -1, NULL)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "the PIN dialog's %s is not UTF-8", field);
		return FALSE;
	}
	g_autoptr(GString) line = g_string_new(command);
	g_string_append_c(line, ' ');
	append_escaped(line, value);
	g_string_append_c(line, '\n');
	if (line->len > ASSUAN_LINE_MAX) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "the PIN dialog's %s is too long (%" G_GSIZE_FORMAT
			    " bytes escaped, at most %d)",
			    field, line->len - strlen(command) - 2,
			    (int)(ASSUAN_LINE_MAX - strlen(command) - 2));
		return FALSE;
	}
	g_ptr_array_add(commands, g_string_free(g_steal_pointer(&line), FALSE));
	return TRUE;
}

/* Whether `value` can go unescaped into an OPTION line: printable ASCII
 * without spaces or %. */
static gboolean
is_plain_token(const char *value)
{
	if (value == NULL || *value == '\0')
		return FALSE;
	for (const guchar *p = (const guchar *)value; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7F || *p == '%')
			return FALSE;
	}
	return TRUE;
}

/* pinentry-curses draws on the terminal named by OPTION ttyname: its own
 * stdin and stdout are the Assuan connection. */
static void
add_tty_options(GPtrArray *commands)
{
	char tty[256];
	if (!isatty(STDIN_FILENO) || ttyname_r(STDIN_FILENO, tty, sizeof(tty)) != 0 ||
	    !is_plain_token(tty))
		return;
	g_ptr_array_add(commands, g_strdup_printf("OPTION ttyname=%s\n", tty));
	const char *term = g_getenv("TERM");
	if (is_plain_token(term) && strlen(term) < 200)
		g_ptr_array_add(commands, g_strdup_printf("OPTION ttytype=%s\n", term));
}

/* Every command before GETPIN, each a line ending in LF. */
static GPtrArray *
build_commands(const JpkiDialogRequest *request, GError **error)
{
	g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func(g_free);
	add_tty_options(commands);
	g_ptr_array_add(commands, g_strdup_printf("SETTIMEOUT %u\n", request->timeout_s));
	const char *shown_error =
		request->error != NULL && *request->error != '\0' ? request->error : NULL;
	if (!add_text_command(commands, "SETTITLE", "title", request->title, error) ||
	    !add_text_command(commands, "SETDESC", "description", request->description, error) ||
	    !add_text_command(commands, "SETPROMPT", "prompt", request->prompt, error) ||
	    !add_text_command(commands, "SETERROR", "error", shown_error, error) ||
	    !add_text_command(commands, "SETOK", "OK label", request->ok_label, error) ||
	    !add_text_command(commands, "SETCANCEL", "cancel label", request->cancel_label, error))
		return NULL;
	return g_steal_pointer(&commands);
}

static gboolean
pinentry_conn_prepare(PinentryConn *conn, GPtrArray *commands, JpkiCancel *cancel, GError **error)
{
	if (!pinentry_conn_read_reply(conn, "the greeting", FALSE, deadline_in(REPLY_TIMEOUT_MS),
				      cancel, error))
		return FALSE;
	for (guint i = 0; i < commands->len; i++) {
		const char *line = g_ptr_array_index(commands, i);
		g_autoptr(GError) command_error = NULL;
		if (pinentry_conn_command(conn, line, FALSE, deadline_in(REPLY_TIMEOUT_MS), cancel,
					  &command_error))
			continue;
		/* An option the program does not know is no reason to give up. */
		if (conn->refused && g_str_has_prefix(line, "OPTION "))
			continue;
		g_propagate_error(error, g_steal_pointer(&command_error));
		return FALSE;
	}
	return TRUE;
}

/* Starts the program and sends everything before the question. */
static PinentryConn *
pinentry_open(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error)
{
	g_autoptr(GPtrArray) commands = build_commands(request, error);
	if (commands == NULL)
		return NULL;
	if (jpki_cancel_is_cancelled(cancel)) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CANCELLED,
				    "the dialog was cancelled");
		return NULL;
	}
	g_autofree char *program =
		request->program != NULL ? g_strdup(request->program) : jpki_pinentry_program();
	g_autoptr(PinentryConn) conn =
		pinentry_conn_start(program, request->inherit_environment, error);
	if (conn == NULL || !pinentry_conn_prepare(conn, commands, cancel, error))
		return NULL;
	return g_steal_pointer(&conn);
}

/* Asks the question; the user takes as long as they like, only the
 * cancel ends the wait. */
static gboolean
pinentry_question(PinentryConn *conn, const char *line, gboolean want_data, JpkiCancel *cancel,
		  GError **error)
{
	if (!pinentry_conn_command(conn, line, want_data, -1, cancel, error)) {
		if (conn->refused)
			pinentry_conn_finish(conn);
		return FALSE;
	}
	pinentry_conn_finish(conn);
	return TRUE;
}

gboolean
jpki_dialog_confirm(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error)
{
	g_return_val_if_fail(request != NULL, FALSE);
	g_autoptr(PinentryConn) conn = pinentry_open(request, cancel, error);
	return conn != NULL &&
	       pinentry_question(conn, request->one_button ? "CONFIRM --one-button\n" : "CONFIRM\n",
				 FALSE, cancel, error);
}

char *
jpki_dialog_ask(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error)
{
	g_return_val_if_fail(request != NULL, NULL);
	g_autoptr(PinentryConn) conn = pinentry_open(request, cancel, error);
	if (conn == NULL || !pinentry_question(conn, "GETPIN\n", TRUE, cancel, error))
		return NULL;
	if (conn->too_long) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_FORMAT,
			    "the text typed is longer than %d bytes: no PIN is that long",
			    JPKI_DIALOG_TEXT_MAX);
		return NULL;
	}
	return g_strndup(conn->text, conn->text_len);
}
