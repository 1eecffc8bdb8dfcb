#include "wire_contract.h"

#include "framing.h"
#include "request.h"

static json_t *
code_json(const JpkiErrorText *text, const char *from)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}}", "code", text->name, "from", from,
			 "summary", "ja", text->summary[JPKI_LANG_JA], "en",
			 text->summary[JPKI_LANG_EN], "advice", "ja", text->advice[JPKI_LANG_JA],
			 "en", text->advice[JPKI_LANG_EN]);
}

json_t *
bridge_wire_contract_json(void)
{
	json_t *errors = json_array();
	for (guint code = 0; code < JPKI_ERROR_LAST; code++)
		json_array_append_new(errors,
				      code_json(jpki_error_text((JpkiErrorCode)code), "libjpki"));
	for (guint code = 0; code < bridge_error_domain.n_codes; code++)
		json_array_append_new(errors, code_json(&bridge_error_domain.texts[code], "host"));
	json_t *limits = json_pack(
		"{s:i, s:i, s:i, s:i, s:i, s:i}", "requestMaxBytes", BRIDGE_MAX_REQUEST_LEN,
		"replyMaxBytes", BRIDGE_MAX_REPLY_LEN, "originMaxLength", BRIDGE_ORIGIN_MAX_LEN,
		"challengeNonceMinLength", BRIDGE_NONCE_MIN_LEN, "challengeNonceMaxLength",
		BRIDGE_NONCE_MAX_LEN, "certificateMaxLength", BRIDGE_CERTIFICATE_MAX_LEN);
	return json_pack("{s:o, s:o}", "errors", errors, "limits", limits);
}
