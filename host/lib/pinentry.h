/* Asking the user for a PIN in the desktop's PIN dialog: a client of GnuPG's
 * pinentry programs (pinentry-gnome3, -gtk2, -qt, -curses...), which speak the
 * Assuan protocol on their stdin and stdout. Used by the jpki CLI and the
 * browser host. */
#pragma once

#include "cancel.h"

#include <glib.h>

/* The longest text (in bytes) a dialog may return; longer typing is refused
 * with JPKI_ERROR_PIN_FORMAT (no PIN of the card is longer than 16). */
#define JPKI_PINENTRY_TEXT_MAX 256

/* What the dialog shows. Every string is UTF-8 and may hold any character,
 * newlines included; NULL leaves pinentry's default. Each one, escaped, must
 * fit in one Assuan line (about 330 characters of Japanese or 990 of ASCII,
 * a newline counting as 3), or jpki_pinentry_ask() refuses the request with
 * JPKI_ERROR_INVALID_INPUT. */
typedef struct {
	const char *program;     /* NULL: jpki_pinentry_program() */
	const char *title;       /* window title, e.g. "マイナンバーカード" */
	const char *description; /* what is asked and for whom; may contain newlines */
	const char *prompt;      /* e.g. "暗証番号" */
	/* Shown after a wrong PIN, e.g. "暗証番号が違います（残り2回）"; NULL or "" for none. */
	const char *error;
	const char *ok_label, *cancel_label; /* NULL: pinentry's defaults */
	/* Seconds until the dialog gives up (JPKI_ERROR_TIMEOUT); 0: never. pinentry
	 * only times out while nothing has been typed. */
	guint timeout_s;
	/* jpki_pinentry_confirm() only: a message with the OK button alone. */
	gboolean one_button;
	/* The program gets this process's whole environment (the tests' scripted pinentry, which
	 * is told what to answer there); otherwise only what a dialog needs (the display, the
	 * session bus, the language, TERM, HOME). */
	gboolean inherit_environment;
} JpkiPinentryRequest;

/* The pinentry program: $JPKI_PINENTRY if set and not empty, else the path fixed at build
 * time (JPKI_PINENTRY_PATH, /usr/bin/pinentry by default). An absolute path, no arguments:
 * a program is never looked up on PATH. */
char *jpki_pinentry_program(void);
/* The path fixed at build time alone. */
const char *jpki_pinentry_default_program(void);

/* Runs the program (no shell; an absolute path, or JPKI_ERROR_DIALOG) in "/" with its stdin and
 * stdout on a private socket and, on Linux, PR_SET_PDEATHSIG, so that it goes with the thread
 * that opened it; shows the dialog and returns what the user typed, possibly
 * "", in a buffer to release with jpki_pinentry_text_free(). The text is not
 * checked against any PIN rule: pass it to jpki_pin_new().
 *
 * Errors (JPKI_ERROR):
 * - JPKI_ERROR_CANCELLED: the user cancelled or closed the dialog, or
 *   `cancel` was cancelled; then the program is sent SIGTERM, and SIGKILL
 *   if it is still there 300 ms later, so the dialog closes within a second.
 * - JPKI_ERROR_TIMEOUT: the dialog's own timeout (request->timeout_s).
 * - JPKI_ERROR_DIALOG: the program could not be started, closed the connection,
 *   answered something that is not Assuan, refused a command, or did not
 *   answer a command other than GETPIN within 30 seconds.
 * - JPKI_ERROR_INVALID_INPUT: a request string is not UTF-8 or too long;
 *   nothing is started.
 * - JPKI_ERROR_PIN_FORMAT: the typed text is longer than JPKI_PINENTRY_TEXT_MAX.
 *
 * Every string is percent-escaped (%, CR, LF, all control characters and a
 * leading space), so no text can add an Assuan command. When stdin is a
 * terminal, its name and $TERM are passed (OPTION ttyname, ttytype) for
 * pinentry-curses. The typed text is never logged, and every buffer that held
 * it is wiped. The conversation ends with BYE when the connection still works;
 * the child is always reaped before returning. Blocks the calling thread. */
char *jpki_pinentry_ask(const JpkiPinentryRequest *request, JpkiCancel *cancel, GError **error);

/* A question without a PIN (CONFIRM): TRUE when the user pressed OK,
 * JPKI_ERROR_CANCELLED when they pressed cancel, closed the dialog, or
 * `cancel` was cancelled; other errors as for jpki_pinentry_ask(). */
gboolean jpki_pinentry_confirm(const JpkiPinentryRequest *request, JpkiCancel *cancel,
			       GError **error);

/* Wipes (OPENSSL_cleanse) and frees a text from jpki_pinentry_ask(); NULL is fine. */
void jpki_pinentry_text_free(char *text);
