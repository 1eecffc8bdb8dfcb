#include "reply.h"

#include "framing.h"
#include "messages.h"
#include "request.h"

#include <string.h>

json_t *
bridge_error_reply(const GError *error, int tries_left)
{
	const JpkiErrorText *text = jpki_error_describe(error, &bridge_error_domain);
	/* Japanese sentences follow each other without a space. */
	g_autofree char *ja =
		g_strconcat(text->summary[JPKI_LANG_JA], text->advice[JPKI_LANG_JA], NULL);
	g_autofree char *en =
		g_strconcat(text->summary[JPKI_LANG_EN], " ", text->advice[JPKI_LANG_EN], NULL);
	/* A message may quote bytes from a card or a reader's name; JSON strings are UTF-8. */
	g_autofree char *message = g_utf8_make_valid(error->message, -1);
	json_t *detail = json_pack("{s:s, s:s, s:s, s:s}", "code", text->name, "message", message,
				   "ja", ja, "en", en);
	if (tries_left >= 0)
		json_object_set_new(detail, "triesLeft", json_integer(tries_left));
	return json_pack("{s:o}", "error", detail);
}

static char *
error_text(GError *error)
{
	json_t *reply = bridge_error_reply(error, -1);
	char *text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	return text;
}

gboolean
bridge_write_reply(int fd, json_t *reply, GError **error)
{
	g_autofree char *text = json_dumps(reply, JSON_COMPACT);
	if (text == NULL) {
		g_autoptr(GError) unwritable =
			g_error_new_literal(BRIDGE_FRAME_ERROR, BRIDGE_FRAME_ERROR_NOT_JSON,
					    "the reply cannot be written as JSON");
		text = error_text(unwritable);
	} else if (strlen(text) > BRIDGE_MAX_REPLY_LEN) {
		g_autoptr(GError) too_large = g_error_new(
			BRIDGE_ERROR, BRIDGE_ERROR_REPLY_TOO_LARGE,
			"the reply of %" G_GSIZE_FORMAT " bytes exceeds the browsers' limit of %d",
			strlen(text), BRIDGE_MAX_REPLY_LEN);
		g_free(text);
		text = error_text(too_large);
	}
	return bridge_write_frame(fd, text, strlen(text), error);
}
