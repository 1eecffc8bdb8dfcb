/* pin_dialog.h on Windows: a native window of our own, in the calling thread, with its own
 * message loop. Keyboard alone works: the PIN field has the focus, Tab moves between the
 * field and the buttons, Enter is OK and Esc cancels (IsDialogMessage). The PIN field hides
 * what is typed (ES_PASSWORD) and holds at most JPKI_DIALOG_TEXT_MAX + 1 characters; its text
 * is read once, wiped from our buffers, and the field is emptied before the window closes. */
#include "pin_dialog.h"

#include "jpki_error.h"

#include <windows.h>

#define CLASS_NAME L"JpkiBridgePinDialog"
#define ID_EDIT    100
#define WM_CANCEL  (WM_APP + 1)
#define TIMER_ID   1

#define MARGIN       14
#define CLIENT_WIDTH 460
#define GAP          10
#define BUTTON_WIDTH 110

typedef enum {
	RESULT_NONE,
	RESULT_OK,
	RESULT_CANCELLED,
	RESULT_TIMEOUT,
} DialogResult;

typedef struct {
	HWND window, edit, error_label;
	HFONT font;
	DialogResult result;
	gboolean pin_entered; /* the PIN text was read at OK, before the window went */
	char *text;           /* UTF-8, what was typed; wiped by the caller */
	gboolean too_long;
} Dialog;

static void
read_pin(Dialog *dialog)
{
	wchar_t wide[JPKI_DIALOG_TEXT_MAX + 2];
	int len = GetWindowTextW(dialog->edit, wide, G_N_ELEMENTS(wide));
	/* At most 3 UTF-8 bytes for each UTF-16 unit (a surrogate pair's 4 for two units). */
	gsize max_bytes = 3 * G_N_ELEMENTS(wide) + 1;
	dialog->text = g_malloc0(max_bytes);
	int bytes = len > 0 ? WideCharToMultiByte(CP_UTF8, 0, wide, len, dialog->text,
						  (int)max_bytes - 1, NULL, NULL)
			    : 0;
	SecureZeroMemory(wide, sizeof(wide));
	if (bytes < 0 || (gsize)bytes > JPKI_DIALOG_TEXT_MAX)
		dialog->too_long = TRUE;
	/* The window's own copy goes before the window does. */
	SetWindowTextW(dialog->edit, L"");
}

static void
finish(Dialog *dialog, DialogResult result)
{
	if (dialog->result != RESULT_NONE)
		return;
	if (result == RESULT_OK && dialog->edit != NULL)
		read_pin(dialog);
	dialog->result = result;
}

static LRESULT CALLBACK
dialog_proc(HWND window, UINT message, WPARAM wparam, LPARAM lparam)
{
	Dialog *dialog = (Dialog *)GetWindowLongPtrW(window, GWLP_USERDATA);
	switch (message) {
	case WM_NCCREATE: {
		const CREATESTRUCTW *create = (const CREATESTRUCTW *)lparam;
		SetWindowLongPtrW(window, GWLP_USERDATA, (LONG_PTR)create->lpCreateParams);
		break;
	}
	case WM_COMMAND:
		if (dialog == NULL)
			break;
		if (LOWORD(wparam) == IDOK) {
			finish(dialog, RESULT_OK);
			return 0;
		}
		if (LOWORD(wparam) == IDCANCEL) {
			finish(dialog, RESULT_CANCELLED);
			return 0;
		}
		/* pinentry's timeout too stops once something is typed. */
		if (LOWORD(wparam) == ID_EDIT && HIWORD(wparam) == EN_CHANGE)
			KillTimer(window, TIMER_ID);
		break;
	case WM_CTLCOLORSTATIC:
		if (dialog != NULL && (HWND)lparam == dialog->error_label) {
			SetTextColor((HDC)wparam, RGB(0xB0, 0x00, 0x20));
			SetBkMode((HDC)wparam, TRANSPARENT);
			return (LRESULT)GetSysColorBrush(COLOR_3DFACE);
		}
		break;
	case WM_TIMER:
		if (dialog != NULL && wparam == TIMER_ID) {
			KillTimer(window, TIMER_ID);
			finish(dialog, RESULT_TIMEOUT);
			return 0;
		}
		break;
	case WM_CANCEL:
	case WM_CLOSE:
		if (dialog != NULL)
			finish(dialog, RESULT_CANCELLED);
		return 0;
	default:
		break;
	}
	return DefWindowProcW(window, message, wparam, lparam);
}

static gpointer
register_class(gpointer data)
{
	(void)data;
	WNDCLASSEXW class = {
		.cbSize = sizeof(class),
		.lpfnWndProc = dialog_proc,
		.hInstance = GetModuleHandleW(NULL),
		.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW),
		.hbrBackground = GetSysColorBrush(COLOR_3DFACE),
		.lpszClassName = CLASS_NAME,
	};
	return GINT_TO_POINTER(RegisterClassExW(&class) != 0);
}

/* UTF-8 with LF line ends to UTF-16 with CR LF, as static controls want. */
static gunichar2 *
to_window_text(const char *text)
{
	if (text == NULL)
		text = "";
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autofree char *crlf = g_strjoinv("\r\n", lines);
	return g_utf8_to_utf16(crlf, -1, NULL, NULL, NULL);
}

/* The height that `text` takes at `width` pixels, wrapped, in the dialog's font. */
static int
text_height(HWND window, HFONT font, const gunichar2 *text, int width)
{
	HDC dc = GetDC(window);
	HGDIOBJ old = SelectObject(dc, font);
	RECT rect = {0, 0, width, 0};
	DrawTextW(dc, (const wchar_t *)text, -1, &rect, DT_CALCRECT | DT_WORDBREAK | DT_NOPREFIX);
	SelectObject(dc, old);
	ReleaseDC(window, dc);
	return rect.bottom - rect.top;
}

static HWND
add_control(Dialog *dialog, const wchar_t *class, const gunichar2 *text, DWORD style, int x, int y,
	    int width, int height, int id)
{
	DWORD ex_style = id == ID_EDIT ? WS_EX_CLIENTEDGE : 0;
	HWND control = CreateWindowExW(
		ex_style, class, (const wchar_t *)text, WS_CHILD | WS_VISIBLE | style, x, y, width,
		height, dialog->window, (HMENU)(INT_PTR)id, GetModuleHandleW(NULL), NULL);
	if (control != NULL)
		SendMessageW(control, WM_SETFONT, (WPARAM)dialog->font, TRUE);
	return control;
}

typedef struct {
	gunichar2 *title, *description, *error, *prompt, *ok, *cancel;
} DialogTexts;

static void
dialog_texts_clear(DialogTexts *texts)
{
	g_free(texts->title);
	g_free(texts->description);
	g_free(texts->error);
	g_free(texts->prompt);
	g_free(texts->ok);
	g_free(texts->cancel);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DialogTexts, dialog_texts_clear)

static gboolean
valid_text(const char *text)
{
	return text == NULL || g_utf8_validate(text, -1, NULL);
}

static gboolean
make_texts(const JpkiDialogRequest *request, DialogTexts *texts, GError **error)
{
	const char *strings[] = {request->title,  request->description, request->error,
				 request->prompt, request->ok_label,    request->cancel_label};
	for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
		if (!valid_text(strings[i])) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
					    "a dialog text is not UTF-8");
			return FALSE;
		}
	}
	texts->title = to_window_text(request->title);
	texts->description = to_window_text(request->description);
	texts->error = to_window_text(request->error);
	texts->prompt = to_window_text(request->prompt);
	texts->ok = to_window_text(request->ok_label != NULL ? request->ok_label : "OK");
	texts->cancel =
		to_window_text(request->cancel_label != NULL ? request->cancel_label : "Cancel");
	return TRUE;
}

/* Creates the window and its controls, laid out top to bottom: the description, the error
 * line (if any), the PIN field with its label (when asking), the buttons. */
static gboolean
dialog_open(Dialog *dialog, const DialogTexts *texts, gboolean ask, gboolean one_button)
{
	NONCLIENTMETRICSW metrics = {.cbSize = sizeof(metrics)};
	SystemParametersInfoW(SPI_GETNONCLIENTMETRICS, sizeof(metrics), &metrics, 0);
	dialog->font = CreateFontIndirectW(&metrics.lfMessageFont);
	DWORD style = WS_POPUP | WS_CAPTION | WS_SYSMENU;
	DWORD ex_style = WS_EX_DLGMODALFRAME | WS_EX_TOPMOST;
	dialog->window = CreateWindowExW(ex_style, CLASS_NAME, (const wchar_t *)texts->title, style,
					 CW_USEDEFAULT, CW_USEDEFAULT, CLIENT_WIDTH, 200, NULL,
					 NULL, GetModuleHandleW(NULL), dialog);
	if (dialog->window == NULL)
		return FALSE;

	int width = CLIENT_WIDTH - 2 * MARGIN;
	int line = text_height(dialog->window, dialog->font, (const gunichar2 *)L"M", width);
	int y = MARGIN;
	int height = text_height(dialog->window, dialog->font, texts->description, width);
	add_control(dialog, L"Static", texts->description, SS_LEFT | SS_NOPREFIX, MARGIN, y, width,
		    height, 0);
	y += height + GAP;
	if (texts->error[0] != 0) {
		height = text_height(dialog->window, dialog->font, texts->error, width);
		dialog->error_label =
			add_control(dialog, L"Static", texts->error, SS_LEFT | SS_NOPREFIX, MARGIN,
				    y, width, height, 0);
		y += height + GAP;
	}
	if (ask) {
		int label_width = width / 3;
		add_control(dialog, L"Static", texts->prompt, SS_LEFT | SS_NOPREFIX, MARGIN, y + 4,
			    label_width - GAP, line, 0);
		dialog->edit = add_control(
			dialog, L"Edit", NULL, WS_TABSTOP | ES_PASSWORD | ES_AUTOHSCROLL,
			MARGIN + label_width, y, width - label_width, line + 10, ID_EDIT);
		if (dialog->edit == NULL)
			return FALSE;
		SendMessageW(dialog->edit, EM_LIMITTEXT, JPKI_DIALOG_TEXT_MAX + 1, 0);
		y += line + 10 + 2 * GAP;
	}
	int button_height = line + 14;
	int x = CLIENT_WIDTH - MARGIN - BUTTON_WIDTH;
	if (!one_button) {
		add_control(dialog, L"Button", texts->cancel, WS_TABSTOP | BS_PUSHBUTTON, x, y,
			    BUTTON_WIDTH, button_height, IDCANCEL);
		x -= BUTTON_WIDTH + GAP;
	}
	HWND ok = add_control(dialog, L"Button", texts->ok, WS_TABSTOP | BS_DEFPUSHBUTTON, x, y,
			      BUTTON_WIDTH, button_height, IDOK);
	y += button_height + MARGIN;

	RECT frame = {0, 0, CLIENT_WIDTH, y};
	AdjustWindowRectEx(&frame, style, FALSE, ex_style);
	RECT work = {0, 0, 800, 600};
	SystemParametersInfoW(SPI_GETWORKAREA, 0, &work, 0);
	int frame_width = frame.right - frame.left, frame_height = frame.bottom - frame.top;
	SetWindowPos(dialog->window, HWND_TOPMOST,
		     work.left + (work.right - work.left - frame_width) / 2,
		     work.top + (work.bottom - work.top - frame_height) / 2, frame_width,
		     frame_height, SWP_SHOWWINDOW);
	SetForegroundWindow(dialog->window);
	SetFocus(dialog->edit != NULL ? dialog->edit : ok);
	return TRUE;
}

static void
post_cancel(gpointer data)
{
	PostMessageW(data, WM_CANCEL, 0, 0);
}

/* Shows the dialog and runs its loop until it is answered; *text is set for an OK on a PIN
 * dialog. */
static gboolean
run_dialog(const JpkiDialogRequest *request, gboolean ask, JpkiCancel *cancel, char **text,
	   GError **error)
{
	static GOnce registered = G_ONCE_INIT;
	g_auto(DialogTexts) texts = {0};
	if (!make_texts(request, &texts, error))
		return FALSE;
	if (!GPOINTER_TO_INT(g_once(&registered, register_class, NULL))) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
				    "cannot register the PIN dialog's window class");
		return FALSE;
	}
	Dialog dialog = {0};
	gboolean opened = dialog_open(&dialog, &texts, ask, !ask && request->one_button);
	guint cancel_id = 0;
	if (opened) {
		if (request->timeout_s > 0)
			SetTimer(dialog.window, TIMER_ID, request->timeout_s * 1000, NULL);
		if (cancel != NULL)
			cancel_id = jpki_cancel_connect(cancel, post_cancel, dialog.window);
		MSG message;
		while (dialog.result == RESULT_NONE && GetMessageW(&message, NULL, 0, 0) > 0) {
			if (!IsDialogMessageW(dialog.window, &message)) {
				TranslateMessage(&message);
				DispatchMessageW(&message);
			}
		}
		if (cancel_id != 0)
			jpki_cancel_disconnect(cancel, cancel_id);
	}
	if (dialog.window != NULL)
		DestroyWindow(dialog.window);
	if (dialog.font != NULL)
		DeleteObject(dialog.font);
	if (!opened) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
				    "cannot show the PIN dialog");
		return FALSE;
	}
	switch (dialog.result) {
	case RESULT_OK:
		break;
	case RESULT_TIMEOUT:
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_TIMEOUT,
				    "the dialog was not answered in time");
		return FALSE;
	default:
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CANCELLED,
				    "the dialog was cancelled");
		return FALSE;
	}
	if (dialog.too_long) {
		jpki_dialog_text_free(dialog.text);
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_FORMAT,
			    "the typed text is longer than %d bytes", JPKI_DIALOG_TEXT_MAX);
		return FALSE;
	}
	if (text != NULL)
		*text = dialog.text;
	return TRUE;
}

char *
jpki_dialog_ask(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error)
{
	char *text = NULL;
	return run_dialog(request, TRUE, cancel, &text, error) ? text : NULL;
}

gboolean
jpki_dialog_confirm(const JpkiDialogRequest *request, JpkiCancel *cancel, GError **error)
{
	return run_dialog(request, FALSE, cancel, NULL, error);
}
