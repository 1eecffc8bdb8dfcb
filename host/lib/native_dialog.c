/* pin_dialog.h for the native dialogs (native_dialog.h): the request's checks and the meaning of
 * each ending, around the platform's native_dialog_show(). */
#include "native_dialog.h"

#include "jpki_error.h"

static gboolean
texts_are_utf8(const JpkiDialogRequest *request, GError **error)
{
	const char *texts[] = {request->title,  request->description, request->error,
			       request->prompt, request->ok_label,    request->cancel_label};
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
		if (texts[i] != NULL && !g_utf8_validate(texts[i], -1, NULL)) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
					    "a dialog text is not UTF-8");
			return FALSE;
		}
	}
	return TRUE;
}

/* Shows the dialog; *text is set for an OK on a PIN dialog. */
static gboolean
run_dialog(const JpkiDialogRequest *request, gboolean ask, JpkiCancel *cancel, char **text,
	   GError **error)
{
	if (!texts_are_utf8(request, error))
		return FALSE;
	NativeDialogAnswer answer = {NATIVE_DIALOG_OPEN, NULL, FALSE};
	if (!native_dialog_show(request, ask, cancel, &answer, error))
		return FALSE;
	if (answer.end != NATIVE_DIALOG_OK) {
		jpki_dialog_text_free(answer.typed);
		if (answer.end == NATIVE_DIALOG_TIMEOUT)
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_TIMEOUT,
					    "the dialog was not answered in time");
		else
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CANCELLED,
					    "the dialog was cancelled");
		return FALSE;
	}
	if (answer.too_long || text == NULL) {
		jpki_dialog_text_free(answer.typed);
		if (answer.too_long) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_FORMAT,
				    "the typed text is longer than %d bytes", JPKI_DIALOG_TEXT_MAX);
			return FALSE;
		}
		return TRUE;
	}
	*text = answer.typed;
	return TRUE;
}

char *
jpki_dialog_ask(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error)
{
	g_return_val_if_fail(request != NULL, NULL);
	char *text = NULL;
	return run_dialog(request, TRUE, cancel, &text, error) ? text : NULL;
}

gboolean
jpki_dialog_confirm(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error)
{
	g_return_val_if_fail(request != NULL, FALSE);
	return run_dialog(request, FALSE, cancel, NULL, error);
}
