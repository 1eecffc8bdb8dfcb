/* The Win32 PIN dialog (host/lib/win32_dialog.c) and the window that asked for it, under Wine
 * (dialog_owner_test.sh runs this in a Wine prefix of its own, headless): given the browser
 * window (JpkiDialogRequest.parent_window, the host's --parent-window), the dialog is owned by
 * it and centred over it; a handle that is no window, or a minimised window, gives a dialog of
 * its own that still shows; the dialog is laid out for the system's dpi; and the real host,
 * started as Chrome starts it with --parent-window=N, opens its dialog owned by window N.
 * Usage: test_win32_dialog.exe HOST.EXE [DPI]: the host to start (jpki-bridge-host-hostile.exe,
 * the simulated card in process) and the dpi Wine was set to (default 96). */
#include "cancel.h"
#include "jpki_error.h"
#include "pin_dialog.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>
#include <windows.h>

/* win32_dialog.c's client area is this wide at 96 dpi (100 %). */
#define CLIENT_WIDTH_AT_96_DPI 460
#define WAIT_MS                30000

static const char *host_program;
static UINT expected_dpi = 96;

/* The browser window: a visible top-level window of this thread, in the middle of the screen. */
static HWND
browser_window_new(void)
{
	HWND window = CreateWindowExW(0, L"Static", L"browser", WS_OVERLAPPEDWINDOW | WS_VISIBLE,
				      150, 120, 640, 480, NULL, NULL, GetModuleHandleW(NULL), NULL);
	assert_non_null(window);
	return window;
}

/* WAIT_MS from now on g_get_monotonic_time()'s clock: the waits below count real time, as a
 * slice of pump_messages() ends early whenever a message comes. */
static gint64
wait_deadline(void)
{
	return g_get_monotonic_time() + (gint64)WAIT_MS * G_TIME_SPAN_MILLISECOND;
}

/* Handles this thread's messages: the dialog's thread sends some to its owner, ours. */
static void
pump_messages(DWORD wait_ms)
{
	MsgWaitForMultipleObjects(0, NULL, FALSE, wait_ms, QS_ALLINPUT);
	MSG message;
	while (PeekMessageW(&message, NULL, 0, 0, PM_REMOVE)) {
		TranslateMessage(&message);
		DispatchMessageW(&message);
	}
}

typedef struct {
	JpkiDialogRequest request;
	JpkiCancel *cancel;
	GThread *thread;
	char *text;
	GError *error;
	gint done;
} Asking;

static gpointer
ask(gpointer data)
{
	Asking *asking = data;
	asking->text = jpki_dialog_ask(&asking->request, asking->cancel, &asking->error);
	g_atomic_int_set(&asking->done, 1);
	return NULL;
}

/* Shows a PIN dialog titled `title` in a thread of its own. */
static Asking *
asking_start(const char *title, guintptr parent_window)
{
	Asking *asking = g_new0(Asking, 1);
	asking->request = (JpkiDialogRequest){
		.title = title,
		.description = "Site: example.jp\n(https://example.jp)",
		.prompt = "PIN",
		.parent_window = parent_window,
	};
	asking->cancel = jpki_cancel_new();
	asking->thread = g_thread_new("dialog", ask, asking);
	return asking;
}

/* Cancels the dialog (as the browser leaving does) and checks it ended as cancelled. */
static void
asking_cancel(Asking *asking)
{
	jpki_cancel_cancel(asking->cancel);
	gint64 deadline = wait_deadline();
	while (!g_atomic_int_get(&asking->done) && g_get_monotonic_time() < deadline)
		pump_messages(20);
	assert_true(g_atomic_int_get(&asking->done));
	g_thread_join(asking->thread);
	assert_null(asking->text);
	assert_true(g_error_matches(asking->error, JPKI_ERROR, JPKI_ERROR_CANCELLED));
	g_clear_error(&asking->error);
	jpki_cancel_free(asking->cancel);
	g_free(asking);
}

/* Whether `window` is visible and belongs to the process `process`. */
static gboolean
visible_window_of(HWND window, DWORD process)
{
	DWORD owner = 0;
	GetWindowThreadProcessId(window, &owner);
	return owner == process && IsWindowVisible(window);
}

/* The visible top-level window of this process titled `title`, once it is there. Another
 * test program under the same wineserver (a second checkout's run) may show a dialog of the
 * same title at the same time. */
static HWND
wait_for_window(const wchar_t *title)
{
	for (gint64 deadline = wait_deadline(); g_get_monotonic_time() < deadline;) {
		HWND window = NULL;
		while ((window = FindWindowExW(NULL, window, NULL, title)) != NULL) {
			if (visible_window_of(window, GetCurrentProcessId()))
				return window;
		}
		pump_messages(20);
	}
	fail_msg("no window appeared in %d s", WAIT_MS / 1000);
	return NULL;
}

typedef struct {
	DWORD process;
	HWND found;
} WindowSearch;

static BOOL CALLBACK
match_process(HWND window, LPARAM data)
{
	WindowSearch *search = (WindowSearch *)data;
	if (!visible_window_of(window, search->process))
		return TRUE;
	search->found = window;
	return FALSE;
}

/* The first visible top-level window of the process `process`, once it is there. */
static HWND
wait_for_window_of(DWORD process)
{
	for (gint64 deadline = wait_deadline(); g_get_monotonic_time() < deadline;) {
		WindowSearch search = {.process = process};
		EnumWindows(match_process, (LPARAM)&search);
		if (search.found != NULL)
			return search.found;
		pump_messages(20);
	}
	fail_msg("no window of process %lu appeared in %d s", process, WAIT_MS / 1000);
	return NULL;
}

static POINT
centre_of(HWND window)
{
	RECT rect;
	assert_true(GetWindowRect(window, &rect));
	return (POINT){(rect.left + rect.right) / 2, (rect.top + rect.bottom) / 2};
}

static void
assert_centred_on(HWND window, const RECT *area)
{
	POINT centre = centre_of(window);
	if (labs(centre.x - (area->left + area->right) / 2) > 1 ||
	    labs(centre.y - (area->top + area->bottom) / 2) > 1)
		fail_msg("the dialog's centre (%ld, %ld) is not that of (%ld, %ld)-(%ld, %ld)",
			 centre.x, centre.y, area->left, area->top, area->right, area->bottom);
}

static void
test_the_dialog_is_owned_by_the_browser_window_and_centred_over_it(void **state)
{
	(void)state;
	HWND browser = browser_window_new();
	Asking *asking = asking_start("owned dialog", (guintptr)browser);
	HWND dialog = wait_for_window(L"owned dialog");
	assert_ptr_equal(GetWindow(dialog, GW_OWNER), browser);
	RECT area;
	assert_true(GetWindowRect(browser, &area));
	assert_centred_on(dialog, &area);
	/* in front, the PIN field ready for typing */
	assert_ptr_equal(GetForegroundWindow(), dialog);
	asking_cancel(asking);
	DestroyWindow(browser);
}

/* A stale handle (the window closed), a value that was never a window, and 0. */
static void
test_a_handle_that_is_no_window_gives_a_dialog_of_its_own(void **state)
{
	(void)state;
	HWND closed = browser_window_new();
	DestroyWindow(closed);
	const guintptr handles[] = {(guintptr)closed, 0x7ffffff0, 0};
	RECT work;
	assert_true(SystemParametersInfoW(SPI_GETWORKAREA, 0, &work, 0));
	for (guint i = 0; i < G_N_ELEMENTS(handles); i++) {
		Asking *asking = asking_start("dialog without owner", handles[i]);
		HWND dialog = wait_for_window(L"dialog without owner");
		assert_null(GetWindow(dialog, GW_OWNER));
		assert_centred_on(dialog, &work);
		asking_cancel(asking);
	}
}

/* Owned by a minimised window, the dialog would be hidden with it. */
static void
test_a_minimised_browser_window_gives_a_dialog_of_its_own(void **state)
{
	(void)state;
	HWND browser = browser_window_new();
	ShowWindow(browser, SW_MINIMIZE);
	assert_true(IsIconic(browser));
	Asking *asking = asking_start("dialog over a minimised window", (guintptr)browser);
	HWND dialog = wait_for_window(L"dialog over a minimised window");
	assert_null(GetWindow(dialog, GW_OWNER));
	asking_cancel(asking);
	DestroyWindow(browser);
}

/* At 200 %, the dialog is twice as wide as at 100 %, and its text twice as tall. */
static void
test_the_dialog_is_laid_out_for_the_dpi(void **state)
{
	(void)state;
	HWND browser = browser_window_new();
	Asking *asking = asking_start("scaled dialog", (guintptr)browser);
	HWND dialog = wait_for_window(L"scaled dialog");
	RECT client;
	assert_true(GetClientRect(dialog, &client));
	assert_int_equal(client.right - client.left,
			 MulDiv(CLIENT_WIDTH_AT_96_DPI, (int)expected_dpi, 96));
	HWND field = FindWindowExW(dialog, NULL, L"Edit", NULL);
	assert_non_null(field);
	HFONT font = (HFONT)SendMessageW(field, WM_GETFONT, 0, 0);
	LOGFONTW logical;
	assert_int_equal(GetObjectW(font, sizeof(logical), &logical), sizeof(logical));
	/* The message font: 8 or 9 pt whatever the dpi (at 192 dpi, 100 %'s 11 px would be
	 * 4 pt). */
	int pixels = abs(logical.lfHeight);
	int at_7_pt = MulDiv(7, (int)expected_dpi, 72);
	if (pixels < at_7_pt || pixels > 2 * at_7_pt)
		fail_msg("the dialog's font is %d px high at %u dpi", pixels, expected_dpi);
	asking_cancel(asking);
	DestroyWindow(browser);
}

/* The real host, started as Chrome starts it on Windows (the origin, then --parent-window=N),
 * with a login request: its PIN dialog is owned by window N. Closing its stdin (the browser
 * leaving) closes the dialog and ends it. */
static void
test_the_host_owns_its_dialog_by_the_parent_window_argument(void **state)
{
	(void)state;
	HWND browser = browser_window_new();
	SECURITY_ATTRIBUTES inherit = {.nLength = sizeof(inherit), .bInheritHandle = TRUE};
	HANDLE stdin_read, stdin_write, stdout_read, stdout_write;
	assert_true(CreatePipe(&stdin_read, &stdin_write, &inherit, 0));
	assert_true(CreatePipe(&stdout_read, &stdout_write, &inherit, 1 << 16));
	SetHandleInformation(stdin_write, HANDLE_FLAG_INHERIT, 0);
	SetHandleInformation(stdout_read, HANDLE_FLAG_INHERIT, 0);
	g_autofree char *command =
		g_strdup_printf("\"%s\" chrome-extension://abcdefghijklmnopabcdefghijklmnop/ "
				"--parent-window=%" G_GUINT64_FORMAT,
				host_program, (guint64)(guintptr)browser);
	g_autofree gunichar2 *wide = g_utf8_to_utf16(command, -1, NULL, NULL, NULL);
	STARTUPINFOW startup = {
		.cb = sizeof(startup),
		.dwFlags = STARTF_USESTDHANDLES,
		.hStdInput = stdin_read,
		.hStdOutput = stdout_write,
		.hStdError = GetStdHandle(STD_ERROR_HANDLE),
	};
	PROCESS_INFORMATION process;
	assert_true(CreateProcessW(NULL, (wchar_t *)wide, NULL, NULL, TRUE, 0, NULL, NULL, &startup,
				   &process));
	CloseHandle(stdin_read);
	CloseHandle(stdout_write);
	const char request[] = "{\"command\":\"authenticate\",\"arguments\":{\"origin\":"
			       "\"https://myna.example.jp\",\"challengeNonce\":"
			       "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\"}}";
	guint32 length = sizeof(request) - 1;
	DWORD written;
	assert_true(WriteFile(stdin_write, &length, sizeof(length), &written, NULL));
	assert_true(WriteFile(stdin_write, request, length, &written, NULL));

	HWND dialog = wait_for_window_of(process.dwProcessId);
	assert_ptr_equal(GetWindow(dialog, GW_OWNER), browser);

	CloseHandle(stdin_write); /* the browser leaves */
	gint64 deadline = wait_deadline();
	while (WaitForSingleObject(process.hProcess, 0) == WAIT_TIMEOUT &&
	       g_get_monotonic_time() < deadline)
		pump_messages(20);
	assert_int_equal(WaitForSingleObject(process.hProcess, 0), WAIT_OBJECT_0);
	CloseHandle(process.hProcess);
	CloseHandle(process.hThread);
	CloseHandle(stdout_read);
	DestroyWindow(browser);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		g_printerr("usage: test_win32_dialog HOST.EXE [DPI]\n");
		return 2;
	}
	host_program = argv[1];
	if (argc > 2)
		expected_dpi = (UINT)strtoul(argv[2], NULL, 10);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_the_dialog_is_owned_by_the_browser_window_and_centred_over_it),
		cmocka_unit_test(test_a_handle_that_is_no_window_gives_a_dialog_of_its_own),
		cmocka_unit_test(test_a_minimised_browser_window_gives_a_dialog_of_its_own),
		cmocka_unit_test(test_the_dialog_is_laid_out_for_the_dpi),
		cmocka_unit_test(test_the_host_owns_its_dialog_by_the_parent_window_argument),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
