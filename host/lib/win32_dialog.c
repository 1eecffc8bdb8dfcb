/* pin_dialog.h on Windows: a native window of our own, in the calling thread, with its own
 * message loop. Keyboard alone works: the PIN field has the focus, Tab moves between the
 * field and the buttons, Enter is OK and Esc cancels (IsDialogMessage). The PIN field hides
 * what is typed (ES_PASSWORD) and holds at most JPKI_DIALOG_TEXT_MAX + 1 characters; its text
 * is read once, wiped from our buffers, and the field is emptied before the window closes.
 *
 * Given a parent window (the browser's, request->parent_window), the dialog is owned by it:
 * always in front of it, centred over it, on its monitor. The process is per-monitor DPI aware,
 * and the dialog is laid out (font, margins, widths) for the scale of the monitor it opens on. */
#include "native_dialog.h"

#include "jpki_error.h"

#include <windows.h>

#define CLASS_NAME L"JpkiBridgePinDialog"
#define ID_EDIT    100
#define WM_CANCEL  (WM_APP + 1)
#define TIMER_ID   1

/* In pixels at 96 dpi (100 %), scaled to the monitor's dpi. */
#define BASE_DPI     96
#define MARGIN       14
#define CLIENT_WIDTH 460
#define GAP          10
#define BUTTON_WIDTH 110

typedef struct {
	HWND window, edit, error_label;
	UINT dpi; /* of the monitor the dialog opens on */
	HFONT font;
	NativeDialogEnd result;
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
finish(Dialog *dialog, NativeDialogEnd result)
{
	if (dialog->result != NATIVE_DIALOG_OPEN)
		return;
	if (result == NATIVE_DIALOG_OK && dialog->edit != NULL)
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
			finish(dialog, NATIVE_DIALOG_OK);
			return 0;
		}
		if (LOWORD(wparam) == IDCANCEL) {
			finish(dialog, NATIVE_DIALOG_CANCELLED);
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
			finish(dialog, NATIVE_DIALOG_TIMEOUT);
			return 0;
		}
		break;
	case WM_CANCEL:
	case WM_CLOSE:
		if (dialog != NULL)
			finish(dialog, NATIVE_DIALOG_CANCELLED);
		return 0;
	default:
		break;
	}
	return DefWindowProcW(window, message, wparam, lparam);
}

typedef void (*AnyFunction)(void);
typedef BOOL(WINAPI *SetProcessDpiAwarenessContextFunc)(DPI_AWARENESS_CONTEXT context);
typedef UINT(WINAPI *GetDpiForWindowFunc)(HWND window);

/* A function of user32.dll that older Windows lack (importing it would stop the program from
 * starting there); NULL when it is not there. */
static AnyFunction
user32_function(const char *name)
{
	return (AnyFunction)GetProcAddress(GetModuleHandleW(L"user32.dll"), name);
}

/* Before the process's first window: per-monitor DPI awareness (v2 where Windows has it, 10
 * 1703 and later: Windows also scales the title bar; else v1, as Wine 8 has), the dialog drawn
 * at the scale of the monitor it opens on; else system DPI awareness (Windows before 10 1703: at
 * the main monitor's scale). Without either, Windows would stretch a 96 dpi bitmap of the
 * dialog, blurred. An awareness the program already has (from a manifest) stays: Windows refuses
 * the change. */
static void
set_dpi_awareness(void)
{
	SetProcessDpiAwarenessContextFunc set_context =
		(SetProcessDpiAwarenessContextFunc)user32_function("SetProcessDpiAwarenessContext");
	if (set_context == NULL)
		SetProcessDPIAware();
	else if (!set_context(DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2))
		set_context(DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE);
}

/* The dpi of the monitor the window is on (Windows 10 1607 and later), else the system's. */
static UINT
window_dpi(HWND window)
{
	GetDpiForWindowFunc get_dpi = (GetDpiForWindowFunc)user32_function("GetDpiForWindow");
	UINT dpi = get_dpi != NULL ? get_dpi(window) : 0;
	if (dpi == 0) {
		HDC screen = GetDC(NULL);
		dpi = (UINT)GetDeviceCaps(screen, LOGPIXELSY);
		ReleaseDC(NULL, screen);
	}
	return dpi != 0 ? dpi : BASE_DPI;
}

/* `pixels` at 96 dpi, at the dialog's dpi. */
static int
scaled(const Dialog *dialog, int pixels)
{
	return MulDiv(pixels, (int)dialog->dpi, BASE_DPI);
}

static gpointer
prepare_process(gpointer data)
{
	(void)data;
	set_dpi_awareness();
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

static void
make_texts(const JpkiDialogRequest *request, DialogTexts *texts)
{
	texts->title = to_window_text(request->title);
	texts->description = to_window_text(request->description);
	texts->error = to_window_text(request->error);
	texts->prompt = to_window_text(request->prompt);
	texts->ok = to_window_text(request->ok_label != NULL ? request->ok_label : "OK");
	texts->cancel =
		to_window_text(request->cancel_label != NULL ? request->cancel_label : "Cancel");
}

/* The window the dialog is owned by: the parent window when it is one and not minimised (a
 * minimised owner would hide the dialog), its top-level window if it is a child; else NULL. A
 * handle that is no window (any more) is not an error: the dialog is shown without an owner. */
static HWND
owner_window(guintptr parent_window)
{
	HWND parent = (HWND)parent_window;
	if (parent == NULL || !IsWindow(parent))
		return NULL;
	HWND top = GetAncestor(parent, GA_ROOT);
	return top != NULL && !IsIconic(top) ? top : NULL;
}

/* The rectangle the dialog is centred in: the owner's window, else the main monitor's work
 * area; `work` is the work area of that monitor, which the dialog stays inside. */
static void
placement(HWND owner, RECT *centre_in, RECT *work)
{
	MONITORINFO monitor = {.cbSize = sizeof(monitor)};
	/* NULL: the main monitor */
	HMONITOR handle = MonitorFromWindow(owner, MONITOR_DEFAULTTOPRIMARY);
	if (GetMonitorInfoW(handle, &monitor))
		*work = monitor.rcWork;
	else
		SetRect(work, 0, 0, 800, 600);
	if (owner == NULL || !GetWindowRect(owner, centre_in))
		*centre_in = *work;
}

/* `frame` (a window's size) centred in `centre_in`, kept inside `work`. */
static POINT
centred(const RECT *centre_in, const RECT *work, SIZE frame)
{
	POINT at = {centre_in->left + (centre_in->right - centre_in->left - frame.cx) / 2,
		    centre_in->top + (centre_in->bottom - centre_in->top - frame.cy) / 2};
	at.x = MAX(work->left, MIN(at.x, work->right - frame.cx));
	at.y = MAX(work->top, MIN(at.y, work->bottom - frame.cy));
	return at;
}

/* The host is a background process, and Windows gives the foreground to a process only in some
 * cases (SetForegroundWindow's documented rules: among them, the foreground process started it,
 * as the browser that asked did, or it received the last input). Owned by the browser window,
 * the dialog is in front of it in any case. When the owner's thread has the foreground (the user
 * is on the browser window that asked) but Windows still refused, the dialog joins that thread's
 * input state for the switch (AttachThreadInput), then leaves it. A dialog without an owner, or
 * whose owner is in the background, does not take the foreground from another program: it is a
 * topmost window, in sight, that the user clicks. */
static void
bring_to_front(HWND window, HWND owner)
{
	if (SetForegroundWindow(window) || owner == NULL)
		return;
	DWORD owner_thread = GetWindowThreadProcessId(owner, NULL);
	DWORD foreground_thread = GetWindowThreadProcessId(GetForegroundWindow(), NULL);
	DWORD own_thread = GetCurrentThreadId();
	if (owner_thread == 0 || owner_thread != foreground_thread || owner_thread == own_thread)
		return;
	if (AttachThreadInput(own_thread, owner_thread, TRUE)) {
		SetForegroundWindow(window);
		AttachThreadInput(own_thread, owner_thread, FALSE);
	}
}

/* The dialog's font: the system's message font, at the dialog's dpi (the system gives it at
 * the main monitor's). */
static HFONT
dialog_font(const Dialog *dialog)
{
	NONCLIENTMETRICSW metrics = {.cbSize = sizeof(metrics)};
	SystemParametersInfoW(SPI_GETNONCLIENTMETRICS, sizeof(metrics), &metrics, 0);
	HDC screen = GetDC(NULL);
	int system_dpi = GetDeviceCaps(screen, LOGPIXELSY);
	ReleaseDC(NULL, screen);
	if (system_dpi > 0)
		metrics.lfMessageFont.lfHeight =
			MulDiv(metrics.lfMessageFont.lfHeight, (int)dialog->dpi, system_dpi);
	return CreateFontIndirectW(&metrics.lfMessageFont);
}

/* Creates the window and its controls, laid out top to bottom: the description, the error
 * line (if any), the PIN field with its label (when asking), the buttons. */
static gboolean
dialog_open(Dialog *dialog, const DialogTexts *texts, gboolean ask, gboolean one_button,
	    guintptr parent_window)
{
	HWND owner = owner_window(parent_window);
	RECT centre_in, work;
	placement(owner, &centre_in, &work);
	DWORD style = WS_POPUP | WS_CAPTION | WS_SYSMENU;
	DWORD ex_style = WS_EX_DLGMODALFRAME | WS_EX_TOPMOST;
	/* Hidden at first, over the owner (or the main monitor), so that its dpi is that
	 * monitor's. */
	POINT centre = {(centre_in.left + centre_in.right) / 2,
			(centre_in.top + centre_in.bottom) / 2};
	dialog->window = CreateWindowExW(ex_style, CLASS_NAME, (const wchar_t *)texts->title, style,
					 centre.x, centre.y, CLIENT_WIDTH, 200, owner, NULL,
					 GetModuleHandleW(NULL), dialog);
	if (dialog->window == NULL)
		return FALSE;
	dialog->dpi = window_dpi(dialog->window);
	dialog->font = dialog_font(dialog);

	int client_width = scaled(dialog, CLIENT_WIDTH), margin = scaled(dialog, MARGIN);
	int gap = scaled(dialog, GAP), button_width = scaled(dialog, BUTTON_WIDTH);
	int width = client_width - 2 * margin;
	int line = text_height(dialog->window, dialog->font, (const gunichar2 *)L"M", width);
	int y = margin;
	int height = text_height(dialog->window, dialog->font, texts->description, width);
	add_control(dialog, L"Static", texts->description, SS_LEFT | SS_NOPREFIX, margin, y, width,
		    height, 0);
	y += height + gap;
	if (texts->error[0] != 0) {
		height = text_height(dialog->window, dialog->font, texts->error, width);
		dialog->error_label =
			add_control(dialog, L"Static", texts->error, SS_LEFT | SS_NOPREFIX, margin,
				    y, width, height, 0);
		y += height + gap;
	}
	if (ask) {
		int label_width = width / 3;
		add_control(dialog, L"Static", texts->prompt, SS_LEFT | SS_NOPREFIX, margin,
			    y + scaled(dialog, 4), label_width - gap, line, 0);
		dialog->edit =
			add_control(dialog, L"Edit", NULL,
				    WS_TABSTOP | ES_PASSWORD | ES_AUTOHSCROLL, margin + label_width,
				    y, width - label_width, line + scaled(dialog, 10), ID_EDIT);
		if (dialog->edit == NULL)
			return FALSE;
		SendMessageW(dialog->edit, EM_LIMITTEXT, JPKI_DIALOG_TEXT_MAX + 1, 0);
		y += line + scaled(dialog, 10) + 2 * gap;
	}
	int button_height = line + scaled(dialog, 14);
	int x = client_width - margin - button_width;
	if (!one_button) {
		add_control(dialog, L"Button", texts->cancel, WS_TABSTOP | BS_PUSHBUTTON, x, y,
			    button_width, button_height, IDCANCEL);
		x -= button_width + gap;
	}
	HWND ok = add_control(dialog, L"Button", texts->ok, WS_TABSTOP | BS_DEFPUSHBUTTON, x, y,
			      button_width, button_height, IDOK);
	y += button_height + margin;

	/* The frame as Windows draws it at this monitor's scale: the window's size less its
	 * client area's. */
	RECT outer, inner;
	GetWindowRect(dialog->window, &outer);
	GetClientRect(dialog->window, &inner);
	SIZE frame = {client_width + (outer.right - outer.left) - (inner.right - inner.left),
		      y + (outer.bottom - outer.top) - (inner.bottom - inner.top)};
	POINT at = centred(&centre_in, &work, frame);
	SetWindowPos(dialog->window, HWND_TOPMOST, at.x, at.y, frame.cx, frame.cy, SWP_SHOWWINDOW);
	bring_to_front(dialog->window, owner);
	SetFocus(dialog->edit != NULL ? dialog->edit : ok);
	return TRUE;
}

static void
post_cancel(gpointer data)
{
	PostMessageW(data, WM_CANCEL, 0, 0);
}

gboolean
native_dialog_show(const JpkiDialogRequest *request, gboolean ask, JpkiCancel *cancel,
		   NativeDialogAnswer *answer, GError **error)
{
	static GOnce registered = G_ONCE_INIT;
	g_auto(DialogTexts) texts = {0};
	make_texts(request, &texts);
	if (!GPOINTER_TO_INT(g_once(&registered, prepare_process, NULL))) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
				    "cannot register the PIN dialog's window class");
		return FALSE;
	}
	Dialog dialog = {0};
	gboolean opened = dialog_open(&dialog, &texts, ask, !ask && request->one_button,
				      request->parent_window);
	guint cancel_id = 0;
	if (opened) {
		if (request->timeout_s > 0)
			SetTimer(dialog.window, TIMER_ID, request->timeout_s * 1000, NULL);
		if (cancel != NULL)
			cancel_id = jpki_cancel_connect(cancel, post_cancel, dialog.window);
		MSG message;
		while (dialog.result == NATIVE_DIALOG_OPEN &&
		       GetMessageW(&message, NULL, 0, 0) > 0) {
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
	answer->end = dialog.result;
	answer->typed = dialog.text;
	answer->too_long = dialog.too_long;
	return TRUE;
}
