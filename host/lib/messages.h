/* What a user is told about each error, in Japanese and English: what went
 * wrong and what to do next. Shared by the CLI and the browser host. */
#pragma once

#include "jpki_error.h"

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

/* "残り2回" / "2 tries left" / "1 try left". */
char *jpki_tries_left_text(guint tries_left, JpkiLang lang);
