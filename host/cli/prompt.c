#include "prompt.h"

#include "pin_dialog.h"

#include "prompt_terminal.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_LEN 64

gboolean
cli_read_line(int fd, char *line, gsize size, GError **error)
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

/* The desktop's PIN dialog (pin_dialog.h). */
static JpkiPin *
ask_with_dialog(Cli *cli, JpkiSecret secret, const char *purpose, guint tries_left, GError **error)
{
	g_autofree char *tries = jpki_tries_left_text(tries_left, cli->lang);
	g_autofree char *description =
		purpose != NULL
			? g_strdup_printf("%s %s", purpose, jpki_pin_rule_text(secret, cli->lang))
			: g_strdup_printf(TR(cli, "jpki: %sを入力してください。\n%sです。",
					     "jpki: enter your %s.\n%s."),
					  jpki_pin_rule_text(secret, cli->lang), tries);
	JpkiDialogRequest request = {
		.title = TR(cli, "マイナンバーカード", "My Number Card"),
		.description = description,
		.prompt = TR(cli, "暗証番号", "PIN"),
		.cancel_label = TR(cli, "キャンセル", "Cancel"),
		/* A program chosen in this shell (JPKI_PINENTRY: a developer's, the tests'
		 * scripted one) gets the shell's environment; the default one only what a
		 * dialog needs. */
		.inherit_environment = g_getenv("JPKI_PINENTRY") != NULL,
	};
	char *typed = jpki_dialog_ask(&request, NULL, error);
	if (typed == NULL)
		return NULL;
	JpkiPin *pin = jpki_pin_new(secret, typed, error);
	jpki_dialog_text_free(typed);
	return pin;
}

JpkiPin *
cli_read_pin(Cli *cli, JpkiSecret secret, const char *purpose, guint tries_left, GError **error)
{
	char line[LINE_MAX_LEN];
	gboolean ok;
	if (cli->pin_fd < 0 && cli_desktop_present())
		return ask_with_dialog(cli, secret, purpose, tries_left, error);
	if (cli->pin_fd >= 0) {
		ok = cli_read_line(cli->pin_fd, line, sizeof(line), error);
	} else {
		g_autofree char *tries = jpki_tries_left_text(tries_left, cli->lang);
		g_autofree char *prompt =
			purpose != NULL
				? g_strdup_printf("%s %s: ", purpose,
						  jpki_pin_rule_text(secret, cli->lang))
				: g_strdup_printf(TR(cli, "%s（%s）: ", "%s (%s): "),
						  jpki_pin_rule_text(secret, cli->lang), tries);
		ok = cli_read_from_terminal(prompt, line, sizeof(line), error);
	}
	JpkiPin *pin = ok ? jpki_pin_new(secret, line, error) : NULL;
	OPENSSL_cleanse(line, sizeof(line));
	return pin;
}
