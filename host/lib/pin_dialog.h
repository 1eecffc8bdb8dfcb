/* The desktop's PIN dialog, the only place a PIN is typed: one interface with an
 * implementation for each desktop, chosen at build time: pinentry.c (GnuPG's pinentry
 * programs; Linux and other Unix, pinentry.h), win32_dialog.c (a native window; Windows) and
 * macos_dialog.c (a CFUserNotification alert; macOS, not yet compiled on a Mac).
 * Used by the jpki CLI and the browser host. */
#pragma once

#include "cancel.h"

#include <glib.h>

/* The longest text (in bytes) a dialog may return; longer typing is refused
 * with JPKI_ERROR_PIN_FORMAT (no PIN of the card is longer than 16). */
#define JPKI_DIALOG_TEXT_MAX 256

/* What the dialog shows. Every string is UTF-8 and may hold any character,
 * newlines included; NULL leaves the implementation's default. */
typedef struct {
	const char *program;     /* pinentry only; NULL: jpki_pinentry_program() */
	const char *title;       /* window title, e.g. "マイナンバーカード" */
	const char *description; /* what is asked and for whom; may contain newlines */
	const char *prompt;      /* e.g. "暗証番号" */
	/* Shown after a wrong PIN, e.g. "暗証番号が違います（残り2回）"; NULL or "" for none. */
	const char *error;
	const char *ok_label, *cancel_label; /* NULL: the dialog's defaults */
	/* Seconds until the dialog gives up (JPKI_ERROR_TIMEOUT); 0: never. pinentry
	 * only times out while nothing has been typed. */
	guint timeout_s;
	/* jpki_dialog_confirm() only: a message with the OK button alone. */
	gboolean one_button;
	/* pinentry only: the program gets this process's whole environment (the tests' scripted
	 * pinentry, which is told what to answer there); otherwise only what a dialog needs (the
	 * display, the session bus, the language, TERM, HOME). */
	gboolean inherit_environment;
	/* Windows: the window (HWND) the dialog is owned by, opens centred over and comes to the
	 * front of, e.g. the browser's (Chrome's --parent-window); 0, or a handle that is no
	 * longer a window: none. Ignored by pinentry. */
	guintptr parent_window;
} JpkiDialogRequest;

/* Shows the dialog and returns what the user typed, possibly "", in a buffer to release with
 * jpki_dialog_text_free(). The text is not checked against any PIN rule: pass it to
 * jpki_pin_new(). The typed text is never logged, and every buffer of ours that held it is wiped
 * (on Windows the edit control's own copy is only emptied). Blocks the calling thread.
 *
 * Errors (JPKI_ERROR):
 * - JPKI_ERROR_CANCELLED: the user cancelled or closed the dialog, or `cancel` was
 *   cancelled (then the dialog closes within a second).
 * - JPKI_ERROR_TIMEOUT: the dialog's own timeout (request->timeout_s).
 * - JPKI_ERROR_DIALOG: the dialog could not be shown or broke off.
 * - JPKI_ERROR_INVALID_INPUT: a request string is not UTF-8 or too long; nothing is shown.
 * - JPKI_ERROR_PIN_FORMAT: the typed text is longer than JPKI_DIALOG_TEXT_MAX. */
char *jpki_dialog_ask(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error);

/* A question without a PIN: TRUE when the user pressed OK, JPKI_ERROR_CANCELLED when they
 * pressed cancel, closed the dialog, or `cancel` was cancelled; other errors as for
 * jpki_dialog_ask(). */
gboolean jpki_dialog_confirm(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error);

/* Wipes (OPENSSL_cleanse) and frees a text from jpki_dialog_ask(); NULL is fine. */
void jpki_dialog_text_free(char *text);
