/* The pinentry client against the scripted pinentry (tests/fake-pinentry):
 * what the dialog is told, what comes back, how it ends, and that the child
 * is always gone when jpki_dialog_ask() returns. */
/* posix_openpt, ptsname_r */
#define _GNU_SOURCE

#include "fake_pinentry_log.h"
#include "jpki_error.h"
#include "pinentry.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_skip.h"
#include "test_util.h"

static const char *const fake_controls[] = {
	"FAKE_PINENTRY_PIN",        "FAKE_PINENTRY_CANCEL",      "FAKE_PINENTRY_TIMEOUT",
	"FAKE_PINENTRY_GETPIN_ERR", "FAKE_PINENTRY_DIE_ON",      "FAKE_PINENTRY_EXIT_AFTER",
	"FAKE_PINENTRY_HANG_ON",    "FAKE_PINENTRY_IGNORE_TERM", "FAKE_PINENTRY_REFUSE_OPTIONS",
};

typedef struct {
	char *dir;
	char *log;
} Fixture;

static int
setup(void **state)
{
	Fixture *fixture = g_new0(Fixture, 1);
	fixture->dir = g_dir_make_tmp("test-pinentry-XXXXXX", NULL);
	assert_non_null(fixture->dir);
	fixture->log = g_build_filename(fixture->dir, "log", NULL);
	g_setenv("JPKI_PINENTRY", FAKE_PINENTRY, TRUE);
	g_setenv("FAKE_PINENTRY_LOG", fixture->log, TRUE);
	for (gsize i = 0; i < G_N_ELEMENTS(fake_controls); i++)
		g_unsetenv(fake_controls[i]);
	*state = fixture;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *fixture = *state;
	g_unlink(fixture->log);
	g_rmdir(fixture->dir);
	g_free(fixture->log);
	g_free(fixture->dir);
	g_free(fixture);
	return 0;
}

/* The commands the fake received, decoded, one string each. */
static GPtrArray *
read_log(const Fixture *fixture)
{
	return fake_pinentry_log_read(fixture->log);
}

/* The log is exactly `expected` (NULL-terminated). */
static void
assert_log(const Fixture *fixture, const char *const *expected)
{
	g_autoptr(GPtrArray) records = read_log(fixture);
	guint n = 0;
	while (expected[n] != NULL)
		n++;
	for (guint i = 0; i < records->len && i < n; i++)
		assert_string_equal(g_ptr_array_index(records, i), expected[i]);
	assert_int_equal(records->len, n);
}

static gboolean
log_has(const Fixture *fixture, const char *record)
{
	g_autoptr(GPtrArray) records = read_log(fixture);
	for (guint i = 0; i < records->len; i++) {
		if (strcmp(g_ptr_array_index(records, i), record) == 0)
			return TRUE;
	}
	return FALSE;
}

/* Whether the fake received `command`, with or without an argument. */
static gboolean
log_has_command(const Fixture *fixture, const char *command)
{
	g_autoptr(GPtrArray) records = read_log(fixture);
	gsize len = strlen(command);
	for (guint i = 0; i < records->len; i++) {
		const char *record = g_ptr_array_index(records, i);
		if (strncmp(record, command, len) == 0 &&
		    (record[len] == '\0' || record[len] == ' '))
			return TRUE;
	}
	return FALSE;
}

/* jpki_dialog_ask() leaves no child behind, running or zombie. */
static void
assert_no_child_left(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void
assert_error(const GError *error, JpkiErrorCode code)
{
	test_assert_jpki_error(error, code);
}

/* The scripted pinentry is told what to do in its environment: pass it on. */
static const JpkiDialogRequest plain_request = {
	.inherit_environment = TRUE,
	.title = "My Number Card",
	.description = "Sign in to example.jp",
	.prompt = "PIN",
};

static char *
ask(const JpkiDialogRequest *request, GError **error)
{
	char *text = jpki_dialog_ask(request, NULL, error);
	assert_no_child_left();
	return text;
}

static void
test_returns_the_pin_typed_and_ends_with_bye(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autoptr(GError) error = NULL;
	char *pin = ask(&plain_request, &error);
	assert_null(error);
	assert_string_equal(pin, "1234");
	jpki_dialog_text_free(pin);
	const char *const expected[] = {"SETTIMEOUT 0",
					"SETTITLE My Number Card",
					"SETDESC Sign in to example.jp",
					"SETPROMPT PIN",
					"GETPIN",
					"BYE",
					NULL};
	assert_log(*state, expected);
}

static void
test_empty_entry_returns_empty_text(void **state)
{
	(void)state;
	g_autoptr(GError) error = NULL;
	char *text = ask(&plain_request, &error);
	assert_null(error);
	assert_string_equal(text, "");
	jpki_dialog_text_free(text);
}

static void
test_pin_in_several_escaped_d_lines_is_joined_and_decoded(void **state)
{
	(void)state;
	/* 40 bytes a D line in the fake: this arrives in five, with %, CR and LF escaped. */
	const char *typed = "%25 is not an escape\r\n%0A neither%\n"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";
	g_setenv("FAKE_PINENTRY_PIN", typed, TRUE);
	g_autoptr(GError) error = NULL;
	char *text = ask(&plain_request, &error);
	assert_null(error);
	assert_string_equal(text, typed);
	jpki_dialog_text_free(text);
}

static void
test_text_longer_than_the_limit_is_pin_format_after_bye(void **state)
{
	g_autofree char *typed = g_strnfill(JPKI_DIALOG_TEXT_MAX + 1, '7');
	g_setenv("FAKE_PINENTRY_PIN", typed, TRUE);
	g_autoptr(GError) error = NULL;
	char *text = ask(&plain_request, &error);
	assert_null(text);
	assert_error(error, JPKI_ERROR_PIN_FORMAT);
	assert_true(log_has(*state, "BYE"));

	g_autofree char *longest = g_strnfill(JPKI_DIALOG_TEXT_MAX, '7');
	g_setenv("FAKE_PINENTRY_PIN", longest, TRUE);
	g_clear_error(&error);
	text = ask(&plain_request, &error);
	assert_null(error);
	assert_string_equal(text, longest);
	jpki_dialog_text_free(text);
}

static void
test_cancel_in_the_dialog_is_cancelled_and_ends_with_bye(void **state)
{
	g_setenv("FAKE_PINENTRY_CANCEL", "1", TRUE);
	g_autoptr(GError) error = NULL;
	char *pin = ask(&plain_request, &error);
	assert_null(pin);
	assert_error(error, JPKI_ERROR_CANCELLED);
	const char *const expected[] = {"SETTIMEOUT 0",
					"SETTITLE My Number Card",
					"SETDESC Sign in to example.jp",
					"SETPROMPT PIN",
					"GETPIN",
					"BYE",
					NULL};
	assert_log(*state, expected);
}

static void
test_dialog_timeout_is_timeout_and_the_seconds_are_sent(void **state)
{
	g_setenv("FAKE_PINENTRY_TIMEOUT", "1", TRUE);
	JpkiDialogRequest request = plain_request;
	request.timeout_s = 45;
	g_autoptr(GError) error = NULL;
	char *pin = ask(&request, &error);
	assert_null(pin);
	assert_error(error, JPKI_ERROR_TIMEOUT);
	assert_true(log_has(*state, "SETTIMEOUT 45"));
	assert_true(log_has(*state, "BYE"));
}

static void
test_other_getpin_error_is_io_with_the_pinentrys_text(void **state)
{
	(void)state;
	/* What pinentry-curses 1.2.1 answers without a terminal. */
	g_setenv("FAKE_PINENTRY_GETPIN_ERR", "83918950 Inappropriate ioctl for device <Pinentry>",
		 TRUE);
	g_autoptr(GError) error = NULL;
	char *pin = ask(&plain_request, &error);
	assert_null(pin);
	assert_error(error, JPKI_ERROR_DIALOG);
	assert_non_null(strstr(error->message, "Inappropriate ioctl for device"));
}

static void
test_description_with_assuan_syntax_arrives_as_one_setdesc(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	JpkiDialogRequest request = plain_request;
	request.description = "https://evil.example\nGETPIN\n%0A\r\nBYE";
	request.title = " leading space\tand tab";
	g_autoptr(GError) error = NULL;
	char *pin = ask(&request, &error);
	assert_null(error);
	jpki_dialog_text_free(pin);
	const char *const expected[] = {"SETTIMEOUT 0",
					"SETTITLE  leading space\tand tab",
					"SETDESC https://evil.example\nGETPIN\n%0A\r\nBYE",
					"SETPROMPT PIN",
					"GETPIN",
					"BYE",
					NULL};
	assert_log(*state, expected);
}

static void
test_japanese_text_and_labels_arrive_intact(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "１２３４", TRUE);
	const JpkiDialogRequest request = {
		.inherit_environment = TRUE,
		.title = "マイナンバーカード",
		.description = "利用者証明用電子証明書の暗証番号（数字4桁）を入力してください。\n"
			       "要求元: https://例え.jp",
		.prompt = "暗証番号",
		.ok_label = "署名する",
		.cancel_label = "やめる",
	};
	g_autoptr(GError) error = NULL;
	char *pin = ask(&request, &error);
	assert_null(error);
	assert_string_equal(pin, "１２３４");
	jpki_dialog_text_free(pin);
	const char *const expected[] = {
		"SETTIMEOUT 0",
		"SETTITLE マイナンバーカード",
		"SETDESC 利用者証明用電子証明書の暗証番号（数字4桁）を入力してください。\n"
		"要求元: https://例え.jp",
		"SETPROMPT 暗証番号",
		"SETOK 署名する",
		"SETCANCEL やめる",
		"GETPIN",
		"BYE",
		NULL};
	assert_log(*state, expected);
}

static void
test_error_line_is_sent_as_seterror_and_empty_is_none(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	JpkiDialogRequest request = plain_request;
	request.error = "暗証番号が違います（残り2回）";
	g_autoptr(GError) error = NULL;
	char *pin = ask(&request, &error);
	assert_null(error);
	jpki_dialog_text_free(pin);
	const char *const expected[] = {"SETTIMEOUT 0",
					"SETTITLE My Number Card",
					"SETDESC Sign in to example.jp",
					"SETPROMPT PIN",
					"SETERROR 暗証番号が違います（残り2回）",
					"GETPIN",
					"BYE",
					NULL};
	assert_log(*state, expected);

	g_unlink(((Fixture *)*state)->log);
	request.error = "";
	pin = ask(&request, &error);
	assert_null(error);
	jpki_dialog_text_free(pin);
	assert_false(log_has_command(*state, "SETERROR"));
	assert_true(log_has(*state, "GETPIN"));
}

static void
test_text_too_long_for_one_assuan_line_is_refused_before_starting(void **state)
{
	/* "SETDESC " + 991 bytes + LF is the longest line: 1000 bytes. */
	g_autofree char *longest = g_strnfill(991, 'a');
	g_autofree char *too_long = g_strnfill(992, 'a');
	g_autofree char *escapes = g_strnfill(331, '\n'); /* 993 bytes escaped */
	JpkiDialogRequest request = plain_request;
	g_autoptr(GError) error = NULL;

	request.description = too_long;
	assert_null(ask(&request, &error));
	assert_error(error, JPKI_ERROR_INVALID_INPUT);
	g_clear_error(&error);
	request.description = escapes;
	assert_null(ask(&request, &error));
	assert_error(error, JPKI_ERROR_INVALID_INPUT);
	assert_false(g_file_test(((Fixture *)*state)->log, G_FILE_TEST_EXISTS));

	g_clear_error(&error);
	request.description = longest;
	char *pin = ask(&request, &error);
	assert_null(error);
	jpki_dialog_text_free(pin);
	g_autofree char *record = g_strconcat("SETDESC ", longest, NULL);
	assert_true(log_has(*state, record));
}

static void
test_text_that_is_not_utf8_is_refused_before_starting(void **state)
{
	JpkiDialogRequest request = plain_request;
	request.prompt = "\xff\xfe PIN";
	g_autoptr(GError) error = NULL;
	assert_null(ask(&request, &error));
	assert_error(error, JPKI_ERROR_INVALID_INPUT);
	assert_false(g_file_test(((Fixture *)*state)->log, G_FILE_TEST_EXISTS));
}

static void
test_missing_program_is_io(void **state)
{
	(void)state;
	g_setenv("JPKI_PINENTRY", "/nonexistent/pinentry", TRUE);
	g_autoptr(GError) error = NULL;
	assert_null(ask(&plain_request, &error));
	assert_error(error, JPKI_ERROR_DIALOG);

	g_setenv("JPKI_PINENTRY", "jpki-no-such-pinentry-on-path", TRUE);
	g_clear_error(&error);
	assert_null(ask(&plain_request, &error));
	assert_error(error, JPKI_ERROR_DIALOG);
}

/* A program name is never looked up on PATH, even when a program of that name is there. */
static void
test_program_given_by_name_is_not_looked_up_on_path(void **state)
{
	Fixture *fixture = *state;
	g_autofree char *link = g_build_filename(fixture->dir, "pinentry-on-path", NULL);
	assert_int_equal(symlink(FAKE_PINENTRY, link), 0);
	const char *old_path = g_getenv("PATH");
	g_autofree char *path = g_strdup_printf("%s:%s", fixture->dir, old_path);
	g_autofree char *saved_path = g_strdup(old_path);
	g_setenv("PATH", path, TRUE);
	g_setenv("JPKI_PINENTRY", "pinentry-on-path", TRUE);
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autoptr(GError) error = NULL;
	assert_null(ask(&plain_request, &error));
	g_setenv("PATH", saved_path, TRUE);
	g_unlink(link);
	assert_error(error, JPKI_ERROR_DIALOG);
	assert_non_null(strstr(error->message, "absolute path"));
	assert_false(g_file_test(fixture->log, G_FILE_TEST_EXISTS));
}

/* Without inherit_environment the program sees only what a dialog needs, and runs in "/". */
static void
test_program_gets_only_the_dialog_environment_and_runs_in_root(void **state)
{
	Fixture *fixture = *state;
	g_autofree char *script = g_build_filename(fixture->dir, "record-env", NULL);
	g_autofree char *env_file = g_build_filename(fixture->dir, "env", NULL);
	g_autofree char *cwd_file = g_build_filename(fixture->dir, "cwd", NULL);
	g_autofree char *text =
		g_strdup_printf("#!/bin/sh\nenv >'%s'\npwd >'%s'\n", env_file, cwd_file);
	assert_true(g_file_set_contents(script, text, -1, NULL));
	assert_int_equal(g_chmod(script, 0700), 0);
	g_setenv("JPKI_PINENTRY", script, TRUE);
	g_setenv("DISPLAY", ":97", TRUE);
	g_setenv("LANG", "ja_JP.UTF-8", TRUE);
	g_setenv("JPKI_TEST_SECRET_OF_THE_BROWSER", "never-passed", TRUE);
	JpkiDialogRequest request = plain_request;
	request.inherit_environment = FALSE;
	g_autoptr(GError) error = NULL;
	assert_null(ask(&request, &error));
	g_unsetenv("JPKI_TEST_SECRET_OF_THE_BROWSER");
	assert_error(error, JPKI_ERROR_DIALOG); /* the script speaks no Assuan */

	g_autofree char *env = NULL;
	g_autofree char *cwd = NULL;
	assert_true(g_file_get_contents(env_file, &env, NULL, NULL));
	assert_true(g_file_get_contents(cwd_file, &cwd, NULL, NULL));
	assert_string_equal(cwd, "/\n");
	assert_non_null(strstr(env, "DISPLAY=:97\n"));
	assert_non_null(strstr(env, "LANG=ja_JP.UTF-8\n"));
	assert_null(strstr(env, "JPKI_TEST_SECRET_OF_THE_BROWSER"));
	assert_null(strstr(env, "FAKE_PINENTRY_LOG"));
	assert_null(strstr(env, "JPKI_PINENTRY"));
	g_unlink(env_file);
	g_unlink(cwd_file);
	g_unlink(script);
}

static void
test_program_that_does_not_speak_assuan_is_io(void **state)
{
	(void)state;
	/* Prints a date: not a greeting. */
	g_setenv("JPKI_PINENTRY", "date", TRUE);
	g_autoptr(GError) error = NULL;
	assert_null(ask(&plain_request, &error));
	assert_error(error, JPKI_ERROR_DIALOG);

	/* Exits at once: no greeting at all. */
	g_setenv("JPKI_PINENTRY", "true", TRUE);
	g_clear_error(&error);
	assert_null(ask(&plain_request, &error));
	assert_error(error, JPKI_ERROR_DIALOG);
}

static void
test_pinentry_dying_mid_conversation_is_io_without_hanging(void **state)
{
	const char *const commands[] = {"SETDESC", "GETPIN", "BYE"};
	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
		g_unlink(((Fixture *)*state)->log);
		g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
		g_setenv("FAKE_PINENTRY_DIE_ON", commands[i], TRUE);
		g_autoptr(GError) error = NULL;
		gint64 start = g_get_monotonic_time();
		char *pin = ask(&plain_request, &error);
		assert_true(g_get_monotonic_time() - start < 5 * G_USEC_PER_SEC);
		assert_true(log_has_command(*state, commands[i]));
		if (strcmp(commands[i], "BYE") == 0) {
			/* The PIN had arrived: a pinentry dying on BYE does not lose it. */
			assert_null(error);
			assert_string_equal(pin, "1234");
			jpki_dialog_text_free(pin);
			continue;
		}
		assert_null(pin);
		assert_error(error, JPKI_ERROR_DIALOG);
	}
}

static void
test_pinentry_exiting_after_a_reply_is_io_not_sigpipe(void **state)
{
	/* Our next command goes to a closed socket: EPIPE, not a signal. */
	g_setenv("FAKE_PINENTRY_EXIT_AFTER", "SETTIMEOUT", TRUE);
	g_autoptr(GError) error = NULL;
	assert_null(ask(&plain_request, &error));
	assert_error(error, JPKI_ERROR_DIALOG);
	assert_false(log_has(*state, "GETPIN"));
}

/* Puts a pseudo-terminal on stdin for `body`. */
static gboolean
with_terminal_on_stdin(void (*body)(void **), void **state, char *tty_name, gsize tty_name_size)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0)
		return FALSE;
	if (grantpt(master) != 0 || unlockpt(master) != 0 ||
	    ptsname_r(master, tty_name, tty_name_size) != 0) {
		close(master);
		return FALSE;
	}
	int terminal = open(tty_name, O_RDWR | O_NOCTTY);
	int saved_stdin = dup(STDIN_FILENO);
	assert_true(terminal >= 0 && saved_stdin >= 0);
	assert_int_equal(dup2(terminal, STDIN_FILENO), STDIN_FILENO);
	body(state);
	assert_int_equal(dup2(saved_stdin, STDIN_FILENO), STDIN_FILENO);
	close(saved_stdin);
	close(terminal);
	close(master);
	return TRUE;
}

static void
ask_for_1234(void **state)
{
	(void)state;
	g_autoptr(GError) error = NULL;
	char *pin = ask(&plain_request, &error);
	assert_null(error);
	assert_string_equal(pin, "1234");
	jpki_dialog_text_free(pin);
}

static void
test_terminal_on_stdin_is_passed_as_ttyname_and_ttytype(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_setenv("TERM", "xterm-256color", TRUE);
	char tty_name[256];
	if (!with_terminal_on_stdin(ask_for_1234, state, tty_name, sizeof(tty_name)))
		test_skip_because("no pseudo-terminal");
	g_autofree char *ttyname_option = g_strconcat("OPTION ttyname=", tty_name, NULL);
	const char *const expected[] = {ttyname_option,
					"OPTION ttytype=xterm-256color",
					"SETTIMEOUT 0",
					"SETTITLE My Number Card",
					"SETDESC Sign in to example.jp",
					"SETPROMPT PIN",
					"GETPIN",
					"BYE",
					NULL};
	assert_log(*state, expected);

	/* A pinentry that knows neither option still asks. */
	g_setenv("FAKE_PINENTRY_REFUSE_OPTIONS", "1", TRUE);
	assert_true(with_terminal_on_stdin(ask_for_1234, state, tty_name, sizeof(tty_name)));
}

typedef struct {
	JpkiCancel *cancel;
	const Fixture *fixture;
	gint64 cancelled_at;
} Canceller;

/* Cancels once the dialog is open (the fake has GETPIN). */
static gpointer
cancel_when_dialog_opens(gpointer data)
{
	Canceller *canceller = data;
	gint64 give_up = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (!log_has(canceller->fixture, "GETPIN") && g_get_monotonic_time() < give_up)
		g_usleep(10 * 1000);
	canceller->cancelled_at = g_get_monotonic_time();
	jpki_cancel_cancel(canceller->cancel);
	return NULL;
}

static void
assert_a_cancel_closes_the_dialog_within_a_second(const Fixture *fixture)
{
	g_setenv("FAKE_PINENTRY_HANG_ON", "GETPIN", TRUE);
	g_autoptr(JpkiCancel) cancel = jpki_cancel_new();
	Canceller canceller = {cancel, fixture, 0};
	GThread *thread = g_thread_new("canceller", cancel_when_dialog_opens, &canceller);
	g_autoptr(GError) error = NULL;
	char *pin = jpki_dialog_ask(&plain_request, cancel, &error);
	gint64 returned_at = g_get_monotonic_time();
	g_thread_join(thread);
	assert_null(pin);
	assert_error(error, JPKI_ERROR_CANCELLED);
	assert_true(log_has(fixture, "GETPIN"));
	assert_true(returned_at - canceller.cancelled_at < G_USEC_PER_SEC);
	assert_no_child_left();
}

static void
test_a_cancel_closes_an_open_dialog_within_a_second(void **state)
{
	assert_a_cancel_closes_the_dialog_within_a_second(*state);
}

static void
test_a_cancel_kills_a_pinentry_that_ignores_sigterm(void **state)
{
	g_setenv("FAKE_PINENTRY_IGNORE_TERM", "1", TRUE);
	assert_a_cancel_closes_the_dialog_within_a_second(*state);
}

static void
test_cancelled_before_asking_starts_nothing(void **state)
{
	g_autoptr(JpkiCancel) cancel = jpki_cancel_new();
	jpki_cancel_cancel(cancel);
	g_autoptr(GError) error = NULL;
	assert_null(jpki_dialog_ask(&plain_request, cancel, &error));
	assert_error(error, JPKI_ERROR_CANCELLED);
	assert_false(g_file_test(((Fixture *)*state)->log, G_FILE_TEST_EXISTS));
}

static void
test_program_is_jpki_pinentry_or_the_build_time_path(void **state)
{
	(void)state;
	g_autofree char *from_env = jpki_pinentry_program();
	assert_string_equal(from_env, FAKE_PINENTRY);
	g_setenv("JPKI_PINENTRY", "", TRUE);
	g_autofree char *empty = jpki_pinentry_program();
	assert_string_equal(empty, jpki_pinentry_default_program());
	g_unsetenv("JPKI_PINENTRY");
	g_autofree char *unset = jpki_pinentry_program();
	assert_string_equal(unset, jpki_pinentry_default_program());
	assert_true(g_path_is_absolute(unset));
}

#define PINENTRY_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	/* ctest may run us on a terminal: the exact transcripts expect no tty options. */
	int null_fd = open("/dev/null", O_RDONLY);
	if (null_fd >= 0 && dup2(null_fd, STDIN_FILENO) >= 0 && null_fd != STDIN_FILENO)
		close(null_fd);
	const struct CMUnitTest tests[] = {
		PINENTRY_TEST(test_returns_the_pin_typed_and_ends_with_bye),
		PINENTRY_TEST(test_empty_entry_returns_empty_text),
		PINENTRY_TEST(test_pin_in_several_escaped_d_lines_is_joined_and_decoded),
		PINENTRY_TEST(test_text_longer_than_the_limit_is_pin_format_after_bye),
		PINENTRY_TEST(test_cancel_in_the_dialog_is_cancelled_and_ends_with_bye),
		PINENTRY_TEST(test_dialog_timeout_is_timeout_and_the_seconds_are_sent),
		PINENTRY_TEST(test_other_getpin_error_is_io_with_the_pinentrys_text),
		PINENTRY_TEST(test_description_with_assuan_syntax_arrives_as_one_setdesc),
		PINENTRY_TEST(test_japanese_text_and_labels_arrive_intact),
		PINENTRY_TEST(test_error_line_is_sent_as_seterror_and_empty_is_none),
		PINENTRY_TEST(test_text_too_long_for_one_assuan_line_is_refused_before_starting),
		PINENTRY_TEST(test_text_that_is_not_utf8_is_refused_before_starting),
		PINENTRY_TEST(test_missing_program_is_io),
		PINENTRY_TEST(test_program_given_by_name_is_not_looked_up_on_path),
		PINENTRY_TEST(test_program_gets_only_the_dialog_environment_and_runs_in_root),
		PINENTRY_TEST(test_program_that_does_not_speak_assuan_is_io),
		PINENTRY_TEST(test_pinentry_dying_mid_conversation_is_io_without_hanging),
		PINENTRY_TEST(test_pinentry_exiting_after_a_reply_is_io_not_sigpipe),
		PINENTRY_TEST(test_terminal_on_stdin_is_passed_as_ttyname_and_ttytype),
		PINENTRY_TEST(test_a_cancel_closes_an_open_dialog_within_a_second),
		PINENTRY_TEST(test_a_cancel_kills_a_pinentry_that_ignores_sigterm),
		PINENTRY_TEST(test_cancelled_before_asking_starts_nothing),
		PINENTRY_TEST(test_program_is_jpki_pinentry_or_the_build_time_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
