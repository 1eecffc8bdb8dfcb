/* A scripted pinentry for tests: the server side of Assuan on stdin/stdout,
 * answering from the environment instead of showing a dialog.
 *
 *   FAKE_PINENTRY_PIN=text       GETPIN returns text (unset: OK with no data, "")
 *   FAKE_PINENTRY_PIN_FILE=path  GETPIN returns the first line of path, read when GETPIN
 *                                arrives (a FIFO holds the dialog open until the test
 *                                writes; the PIN is then in no environment)
 *   FAKE_PINENTRY_PINS="a;b;..."  with FAKE_PINENTRY_COUNTER=path: the n-th GETPIN
 *                                of all runs returns the n-th entry ("CANCEL" cancels)
 *   FAKE_PINENTRY_CONFIRM=cancel CONFIRM answers the user-cancelled error (else OK)
 *   FAKE_PINENTRY_PIDFILE=path   write this process's PID there (to check it is gone)
 *   FAKE_PINENTRY_CANCEL=1       GETPIN answers ERR 83886179 (the user cancelled)
 *   FAKE_PINENTRY_TIMEOUT=1      GETPIN answers ERR 83886142 (the dialog timed out)
 *   FAKE_PINENTRY_GETPIN_ERR="code text"  GETPIN answers ERR code text
 *   FAKE_PINENTRY_DIE_ON=CMD     exit without answering when CMD arrives
 *   FAKE_PINENTRY_EXIT_AFTER=CMD answer OK to CMD, then exit
 *   FAKE_PINENTRY_HANG_ON=CMD    never answer CMD (a dialog left open)
 *   FAKE_PINENTRY_IGNORE_TERM=1  ignore SIGTERM, as a stuck program might
 *   FAKE_PINENTRY_REFUSE_OPTIONS=1  ERR 83886254 (unknown option) to every OPTION
 *   FAKE_PINENTRY_LOG=path       append each command received, its argument
 *                                percent-decoded as pinentry decodes it, and a
 *                                NUL after each (a decoded text may hold LFs)
 *
 * Each LF-terminated line is one command, as in libassuan: a text that is not
 * escaped shows up in the log as several commands. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_BYTES 1000
/* Real pinentries fill D lines up to the line limit; shorter ones make short
 * PINs arrive in several D lines too, which the client must join. */
#define DATA_LINE_BYTES 40

static int
env_is(const char *name, const char *value)
{
	const char *set = getenv(name);
	return set != NULL && strcmp(set, value) == 0;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes %XX in place, as pinentry does for SET* arguments. */
static size_t
percent_decode(char *text)
{
	char *out = text;
	for (const char *in = text; *in != '\0'; in++) {
		int high = in[1] != '\0' ? hex_digit(in[1]) : -1;
		int low = high >= 0 && in[2] != '\0' ? hex_digit(in[2]) : -1;
		if (*in == '%' && low >= 0) {
			*out++ = (char)(high << 4 | low);
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return (size_t)(out - text);
}

static void
log_command(const char *command, const char *argument, size_t argument_len)
{
	const char *path = getenv("FAKE_PINENTRY_LOG");
	if (path == NULL)
		return;
	FILE *log = fopen(path, "ab");
	if (log == NULL)
		return;
	fputs(command, log);
	if (argument_len > 0) {
		fputc(' ', log);
		fwrite(argument, 1, argument_len, log);
	}
	fputc('\0', log);
	fclose(log);
}

static void
reply(const char *line)
{
	fputs(line, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

/* The PIN as D lines: %, CR, LF and other control bytes escaped. */
static void
send_data(const char *data)
{
	char line[DATA_LINE_BYTES + 4];
	size_t len = 0;
	for (const unsigned char *p = (const unsigned char *)data; *p != '\0'; p++) {
		if (len == 0) {
			memcpy(line, "D ", 2);
			len = 2;
		}
		if (*p < 0x20 || *p == '%')
			len += (size_t)snprintf(line + len, 4, "%%%02X", *p);
		else
			line[len++] = (char)*p;
		if (len >= DATA_LINE_BYTES) {
			fwrite(line, 1, len, stdout);
			fputc('\n', stdout);
			len = 0;
		}
	}
	if (len > 0) {
		fwrite(line, 1, len, stdout);
		fputc('\n', stdout);
	}
}

/* The first line of FAKE_PINENTRY_PIN_FILE, or NULL. */
static char *
pin_from_file(void)
{
	const char *path = getenv("FAKE_PINENTRY_PIN_FILE");
	FILE *file = path != NULL ? fopen(path, "r") : NULL;
	if (file == NULL)
		return NULL;
	char *pin = NULL;
	size_t size = 0;
	ssize_t len = getline(&pin, &size, file);
	fclose(file);
	if (len < 0) {
		free(pin);
		return strdup("");
	}
	pin[strcspn(pin, "\n")] = '\0';
	return pin;
}

/* The n-th entry of FAKE_PINENTRY_PINS, n counted across runs in a file. */
static char *
next_scripted_pin(void)
{
	const char *pins = getenv("FAKE_PINENTRY_PINS");
	const char *counter = getenv("FAKE_PINENTRY_COUNTER");
	if (pins == NULL || counter == NULL)
		return NULL;
	long n = 0;
	FILE *file = fopen(counter, "r");
	if (file != NULL) {
		if (fscanf(file, "%ld", &n) != 1)
			n = 0;
		fclose(file);
	}
	file = fopen(counter, "w");
	if (file != NULL) {
		fprintf(file, "%ld\n", n + 1);
		fclose(file);
	}
	const char *entry = pins;
	for (long i = 0; i < n && entry != NULL; i++) {
		entry = strchr(entry, ';');
		if (entry != NULL)
			entry++;
	}
	if (entry == NULL)
		return strdup("CANCEL");
	return strndup(entry, strcspn(entry, ";"));
}

static void
answer_getpin(void)
{
	char *from_file = pin_from_file();
	if (from_file != NULL) {
		send_data(from_file);
		reply("OK");
		free(from_file);
		return;
	}
	char *scripted = next_scripted_pin();
	if (scripted != NULL) {
		if (strcmp(scripted, "CANCEL") == 0) {
			reply("ERR 83886179 Operation cancelled <Pinentry>");
		} else {
			send_data(scripted);
			reply("OK");
		}
		free(scripted);
	} else if (env_is("FAKE_PINENTRY_CANCEL", "1")) {
		reply("ERR 83886179 Operation cancelled <Pinentry>");
	} else if (getenv("FAKE_PINENTRY_GETPIN_ERR") != NULL) {
		printf("ERR %s\n", getenv("FAKE_PINENTRY_GETPIN_ERR"));
		fflush(stdout);
	} else if (env_is("FAKE_PINENTRY_TIMEOUT", "1")) {
		reply("S ERROR fake.getpin 83886142 ");
		reply("ERR 83886142 Timeout <Pinentry>");
	} else {
		const char *pin = getenv("FAKE_PINENTRY_PIN");
		if (pin != NULL)
			send_data(pin);
		reply("OK");
	}
}

int
main(void)
{
	if (env_is("FAKE_PINENTRY_IGNORE_TERM", "1"))
		signal(SIGTERM, SIG_IGN);
	const char *pidfile = getenv("FAKE_PINENTRY_PIDFILE");
	FILE *file = pidfile != NULL ? fopen(pidfile, "w") : NULL;
	if (file != NULL) {
		fprintf(file, "%ld\n", (long)getpid());
		fclose(file);
	}
	reply("OK fake pinentry ready");
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	while ((len = getline(&line, &size, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len >= LINE_MAX_BYTES) {
			log_command("<line too long>", NULL, 0);
			reply("ERR 536871175 Line too long");
			continue;
		}
		/* Command, spaces, argument: libassuan's split. */
		char *argument = line + strcspn(line, " ");
		if (*argument != '\0')
			*argument++ = '\0';
		while (*argument == ' ')
			argument++;
		const char *command = line;
		size_t argument_len = percent_decode(argument);
		log_command(command, argument, argument_len);

		if (env_is("FAKE_PINENTRY_DIE_ON", command))
			_exit(3);
		if (env_is("FAKE_PINENTRY_HANG_ON", command)) {
			for (;;)
				pause();
		}
		if (strcmp(command, "GETPIN") == 0) {
			answer_getpin();
		} else if (strcmp(command, "CONFIRM") == 0) {
			reply(env_is("FAKE_PINENTRY_CONFIRM", "cancel")
				      ? "ERR 83886179 Operation cancelled <Pinentry>"
				      : "OK");
		} else if (strcmp(command, "BYE") == 0) {
			reply("OK closing connection");
			break;
		} else if (strcmp(command, "OPTION") == 0 &&
			   env_is("FAKE_PINENTRY_REFUSE_OPTIONS", "1")) {
			reply("ERR 83886254 Unknown option <Pinentry>");
		} else if (strncmp(command, "SET", 3) == 0 || strcmp(command, "OPTION") == 0) {
			reply("OK");
		} else {
			reply("ERR 536871187 Unknown IPC command");
		}
		if (env_is("FAKE_PINENTRY_EXIT_AFTER", command))
			break;
	}
	free(line);
	return 0;
}
