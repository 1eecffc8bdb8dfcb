#include "bridge_error.h"

GQuark
bridge_error_quark(void)
{
	return g_quark_from_static_string("bridge-error-quark");
}

#define FAULTY_REQUEST_JA   "ブラウザ拡張機能からの要求が正しくありません。"
#define FAULTY_REQUEST_EN   "The request from the browser extension is not valid."
#define UPDATE_EXTENSION_JA "拡張機能と jpki-bridge を最新版に更新してください。"
#define UPDATE_EXTENSION_EN "Update the extension and jpki-bridge to their latest versions."

static const JpkiErrorText texts[BRIDGE_ERROR_LAST] = {
	[BRIDGE_ERROR_INVALID_REQUEST] = {"invalid-request",
					  {FAULTY_REQUEST_JA, FAULTY_REQUEST_EN},
					  {UPDATE_EXTENSION_JA, UPDATE_EXTENSION_EN}},
	[BRIDGE_ERROR_UNKNOWN_COMMAND] = {"unknown-command",
					  {FAULTY_REQUEST_JA, FAULTY_REQUEST_EN},
					  {UPDATE_EXTENSION_JA, UPDATE_EXTENSION_EN}},
	[BRIDGE_ERROR_REQUEST_TOO_LARGE] = {"request-too-large",
					    {FAULTY_REQUEST_JA, FAULTY_REQUEST_EN},
					    {UPDATE_EXTENSION_JA, UPDATE_EXTENSION_EN}},
	[BRIDGE_ERROR_ORIGIN_NOT_ALLOWED] =
		{"origin-not-allowed",
		 {"このサイトからはマイナンバーカードを使えません（https "
		  "のサイトだけが使えます）。",
		  "This site cannot use the My Number Card: only https sites can."},
		 {"https で始まるサイトから利用してください。",
		  "Use the service from its https address."}},
	[BRIDGE_ERROR_REPLY_TOO_LARGE] = {"reply-too-large",
					  {"応答が大きすぎてブラウザに渡せません。",
					   "The answer is too large to pass to the browser."},
					  {"開発者に報告してください。",
					   "Report this to the developers."}},
	[BRIDGE_ERROR_NOT_A_PORTAL] =
		{"not-a-portal-origin",
		 {"マイナポータルAPの機能は、登録された行政サイト（マイナポータル、e-Tax "
		  "など）だけが使えます。このサイトからは使えません。",
		  "The Mynaportal AP functions serve only the registered government sites "
		  "(Mynaportal, e-Tax...), not this site."},
		 {"行政サイトなら、docs/mynaportal.md に従って host.conf に追加してください。",
		  "If it is one, add it to host.conf as docs/mynaportal.md says."}},
};

const JpkiErrorDomain bridge_error_domain = {bridge_error_quark, texts, BRIDGE_ERROR_LAST};

const char *
bridge_error_code_name(BridgeErrorCode code)
{
	if ((guint)code >= BRIDGE_ERROR_LAST)
		return jpki_error_code_name(JPKI_ERROR_INTERNAL);
	return texts[code].name;
}
