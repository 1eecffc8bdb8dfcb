#include "reply.h"

#include "framing.h"
#include "messages.h"
#include "request.h"

#include <string.h>

static const char *
bridge_text(BridgeErrorCode code, JpkiLang lang)
{
	gboolean ja = lang == JPKI_LANG_JA;
	switch (code) {
	case BRIDGE_ERROR_ORIGIN_NOT_ALLOWED:
		return ja ? "このサイトからはマイナンバーカードを使えません（https "
			    "のサイトだけが使えます）。"
			  : "This site cannot use the My Number Card: only https sites can.";
	case BRIDGE_ERROR_NOT_A_PORTAL:
		return ja ? "マイナポータルAPの機能は、登録された行政サイト（マイナポータル、e-Tax "
			    "など）だけが使えます。このサイトからは使えません。必要なら "
			    "docs/mynaportal.md に従って host.conf に追加してください。"
			  : "The Mynaportal AP functions serve only the registered government "
			    "sites "
			    "(Mynaportal, e-Tax...), not this site. If it is one, add it to "
			    "host.conf as docs/mynaportal.md says.";
	case BRIDGE_ERROR_REPLY_TOO_LARGE:
		return ja ? "応答が大きすぎてブラウザに渡せません。開発者に報告してください。"
			  : "The answer is too large to pass to the browser. Report this to the "
			    "developers.";
	default:
		return ja ? "ブラウザ拡張機能からの要求が正しくありません。拡張機能を最新版に更新"
			    "してください。"
			  : "The request from the browser extension is not valid. Update the "
			    "extension.";
	}
}

json_t *
bridge_error_reply(const GError *error, int tries_left)
{
	const char *code = "internal-error";
	g_autofree char *ja = NULL;
	g_autofree char *en = NULL;
	if (error->domain == JPKI_ERROR) {
		JpkiErrorCode jpki_code = (JpkiErrorCode)error->code;
		code = jpki_error_code_name(jpki_code);
		ja = g_strconcat(jpki_error_summary(jpki_code, JPKI_LANG_JA),
				 jpki_error_advice(jpki_code, JPKI_LANG_JA), NULL);
		en = g_strconcat(jpki_error_summary(jpki_code, JPKI_LANG_EN), " ",
				 jpki_error_advice(jpki_code, JPKI_LANG_EN), NULL);
	} else if (error->domain == BRIDGE_ERROR) {
		BridgeErrorCode bridge_code = (BridgeErrorCode)error->code;
		code = bridge_error_code_name(bridge_code);
		ja = g_strdup(bridge_text(bridge_code, JPKI_LANG_JA));
		en = g_strdup(bridge_text(bridge_code, JPKI_LANG_EN));
	} else {
		ja = g_strdup(jpki_error_summary(JPKI_ERROR_CARD, JPKI_LANG_JA));
		en = g_strdup(jpki_error_summary(JPKI_ERROR_CARD, JPKI_LANG_EN));
	}
	json_t *detail = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "message", error->message,
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
