/* The Assuan reader of the pinentry client (host/lib/pinentry.c) on anything a pinentry may
 * answer: the input is what the program says, from its greeting on (assuan_replay.c says it),
 * to a PIN question and to a confirmation. The typed text, when there is one, is within
 * JPKI_DIALOG_TEXT_MAX and holds no NUL. One process per input: slow, but the real path. */
#include "pinentry.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *reply_file;

static void
remove_reply_file(void)
{
	g_unlink(reply_file);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (reply_file == NULL) {
		int fd = g_file_open_tmp("fuzz-assuan-XXXXXX", &reply_file, NULL);
		g_assert(fd >= 0);
		close(fd);
		g_setenv("FUZZ_ASSUAN_REPLY", reply_file, TRUE);
		atexit(remove_reply_file);
	}
	g_assert(g_file_set_contents(reply_file, (const char *)data, (gssize)size, NULL));
	JpkiDialogRequest request = {
		.program = ASSUAN_REPLAY,
		.title = "title",
		.description = "description",
		.prompt = "PIN",
		.timeout_s = 0,
	};
	g_autoptr(GError) error = NULL;
	char *text = jpki_dialog_ask(&request, NULL, &error);
	g_assert((text == NULL) == (error != NULL));
	if (text != NULL)
		g_assert(strlen(text) <= JPKI_DIALOG_TEXT_MAX);
	jpki_dialog_text_free(text);

	g_autoptr(GError) confirm_error = NULL;
	gboolean confirmed = jpki_dialog_confirm(&request, NULL, &confirm_error);
	g_assert(confirmed == (confirm_error == NULL));
	return 0;
}
