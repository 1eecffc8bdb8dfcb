/* What the native PIN dialogs (win32_dialog.c, macos_dialog.c) share: native_dialog.c gives
 * pin_dialog.h's jpki_dialog_ask() and jpki_dialog_confirm() around the platform's
 * native_dialog_show(), so the request's checks and what each ending means are one code. */
#pragma once

#include "pin_dialog.h"

typedef enum {
	NATIVE_DIALOG_OPEN, /* not answered yet */
	NATIVE_DIALOG_OK,
	NATIVE_DIALOG_CANCELLED, /* the cancel button, the window closed, or the JpkiCancel */
	NATIVE_DIALOG_TIMEOUT,   /* request->timeout_s passed */
} NativeDialogEnd;

/* How a dialog ended and, for OK on a PIN dialog, what was typed (never NULL then, "" for
 * nothing; wiped by native_dialog.c); too_long when that was longer than JPKI_DIALOG_TEXT_MAX
 * (then `typed` may be NULL). */
typedef struct {
	NativeDialogEnd end;
	char *typed;
	gboolean too_long;
} NativeDialogAnswer;

/* The platform's: shows the dialog, with a masked text field when `ask`, until it ends, and
 * fills `answer`. The request's texts are valid UTF-8 (checked before). FALSE, with
 * JPKI_ERROR_DIALOG and nothing typed, when the dialog could not be shown. */
gboolean native_dialog_show(const JpkiDialogRequest *request, gboolean ask, JpkiCancel *cancel,
			    NativeDialogAnswer *answer, GError **error);
