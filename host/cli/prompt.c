#include "prompt.h"

#include "pinentry.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define LINE_MAX_LEN 64

/* One line from fd, byte by byte so that the next PIN's line stays unread. */
static gboolean
read_line(int fd, char *line, gsize size, GError **error)
{
	gsize len = 0;
	for (;;) {
		char c = 0;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot read the PIN: %s",
				    g_strerror(errno));
			return FALSE;
		}
		if (n == 0 || c == '\n')
			break;
		if (len + 1 >= size) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_PIN_FORMAT,
					    "the PIN line is too long");
			return FALSE;
		}
		line[len++] = c;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	if (len == 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CANCELLED, "no PIN was given");
		return FALSE;
	}
	return TRUE;
}

static gboolean
read_from_terminal(const char *prompt, char *line, gsize size, GError **error)
{
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "no terminal to ask for the PIN on: use --pin-fd");
		return FALSE;
	}
	struct termios saved, quiet;
	gboolean have_termios = tcgetattr(tty, &saved) == 0;
	if (have_termios) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(tty, TCSAFLUSH, &quiet);
	}
	gboolean ok = write(tty, prompt, strlen(prompt)) >= 0 && read_line(tty, line, size, error);
	if (have_termios)
		tcsetattr(tty, TCSAFLUSH, &saved);
	(void)!write(tty, "\n", 1); /* the user's Enter was not echoed */
	close(tty);
	return ok;
}

static gboolean
desktop_present(void)
{
	const char *vars[] = {"DISPLAY", "WAYLAND_DISPLAY"};
	for (guint i = 0; i < G_N_ELEMENTS(vars); i++) {
		const char *value = g_getenv(vars[i]);
		if (value != NULL && *value != '\0')
			return TRUE;
	}
	return FALSE;
}

/* The desktop's PIN dialog (pinentry). */
static JpkiPin *
ask_with_pinentry(Cli *cli, JpkiSecret secret, const char *purpose, guint tries_left,
		  GError **error)
{
	g_autofree char *tries = jpki_tries_left_text(tries_left, cli->lang);
	g_autofree char *description =
		purpose != NULL
			? g_strdup_printf("%s %s", purpose, jpki_pin_rule_text(secret, cli->lang))
			: g_strdup_printf(TR(cli, "jpki: %sを入力してください。\n%sです。",
					     "jpki: enter your %s.\n%s."),
					  jpki_pin_rule_text(secret, cli->lang), tries);
	JpkiPinentryRequest request = {
		.title = TR(cli, "マイナンバーカード", "My Number Card"),
		.description = description,
		.prompt = TR(cli, "暗証番号", "PIN"),
		.cancel_label = TR(cli, "キャンセル", "Cancel"),
		/* A program chosen in this shell (JPKI_PINENTRY: a developer's, the tests'
		 * scripted one) gets the shell's environment; the default one only what a
		 * dialog needs. */
		.inherit_environment = g_getenv("JPKI_PINENTRY") != NULL,
	};
	char *typed = jpki_pinentry_ask(&request, NULL, error);
	if (typed == NULL)
		return NULL;
	JpkiPin *pin = jpki_pin_new(secret, typed, error);
	jpki_pinentry_text_free(typed);
	return pin;
}

JpkiPin *
cli_read_pin(Cli *cli, JpkiSecret secret, const char *purpose, guint tries_left, GError **error)
{
	char line[LINE_MAX_LEN];
	gboolean ok;
	if (cli->pin_fd < 0 && desktop_present())
		return ask_with_pinentry(cli, secret, purpose, tries_left, error);
	if (cli->pin_fd >= 0) {
		ok = read_line(cli->pin_fd, line, sizeof(line), error);
	} else {
		g_autofree char *tries = jpki_tries_left_text(tries_left, cli->lang);
		g_autofree char *prompt =
			purpose != NULL
				? g_strdup_printf("%s %s: ", purpose,
						  jpki_pin_rule_text(secret, cli->lang))
				: g_strdup_printf(TR(cli, "%s（%s）: ", "%s (%s): "),
						  jpki_pin_rule_text(secret, cli->lang), tries);
		ok = read_from_terminal(prompt, line, sizeof(line), error);
	}
	JpkiPin *pin = ok ? jpki_pin_new(secret, line, error) : NULL;
	OPENSSL_cleanse(line, sizeof(line));
	return pin;
}
