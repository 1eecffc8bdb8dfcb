/* What a user is told about each error, in Japanese and English: what went
 * wrong and what to do next. Shared by the CLI and the browser host. */
#pragma once

#include "jpki_error.h"
#include "pin.h"

typedef enum {
	JPKI_LANG_JA,
	JPKI_LANG_EN,
} JpkiLang;

/* From LC_ALL, LC_MESSAGES or LANG: Japanese for "ja*", English otherwise. */
JpkiLang jpki_lang_from_locale(void);
/* "ja" or "en". */
gboolean jpki_lang_from_name(const char *name, JpkiLang *lang);

/* One sentence: what happened. */
const char *jpki_error_summary(JpkiErrorCode code, JpkiLang lang);
/* One sentence: what to do next (insert the card, go to the municipal office...). */
const char *jpki_error_advice(JpkiErrorCode code, JpkiLang lang);

/* The secret and its rule, as a dialog or prompt names it: "signing password
 * (6-16 characters of A-Z and 0-9, with both letters and digits)". */
const char *jpki_pin_rule_text(JpkiSecret secret, JpkiLang lang);

/* "残り2回" / "2 tries left" / "1 try left". */
char *jpki_tries_left_text(guint tries_left, JpkiLang lang);
