/* What a user is told about each error, in Japanese and English: what went
 * wrong and what to do next. Shared by the CLI and the browser host. */
#pragma once

#include "jpki_error.h"
#include "pin.h"

typedef enum {
	JPKI_LANG_JA,
	JPKI_LANG_EN,
} JpkiLang;

/* From LC_ALL, LC_MESSAGES or LANG (on Windows, where none is set: the user's locale):
 * Japanese for "ja*", English otherwise. */
JpkiLang jpki_lang_from_locale(void);
/* "ja" or "en". */
gboolean jpki_lang_from_name(const char *name, JpkiLang *lang);
/* `*lang` from the last "--lang ja|en" or "--lang=ja|en" of a command line, if any: a
 * program's help must be in the right language before its options are parsed. */
void jpki_lang_from_arguments(int argc, char **argv, JpkiLang *lang);

/* One code of the wire contract (docs/protocol.md, "Errors"), as every program shows it. */
typedef struct {
	const char *name;       /* "pin-blocked": stable, lower-case, hyphenated */
	const char *summary[2]; /* by JpkiLang: one sentence, what happened */
	const char *advice[2];  /* by JpkiLang: one sentence, what to do next */
} JpkiErrorText;

/* A program's own error domain beside JPKI_ERROR (the host's BRIDGE_ERROR...): its
 * codes 0 .. n_codes - 1 and their texts, indexed by code. */
typedef struct {
	GQuark (*quark)(void);
	const JpkiErrorText *texts;
	guint n_codes;
} JpkiErrorDomain;

/* The code and texts of a libjpki code; JPKI_ERROR_INTERNAL's for a code out of range. */
const JpkiErrorText *jpki_error_text(JpkiErrorCode code);

/* The one conversion of any error to what a user and a caller see: a code of `program`
 * (NULL: none) by its table, anything else by jpki_error_code_of(). Never NULL. */
const JpkiErrorText *jpki_error_describe(const GError *error, const JpkiErrorDomain *program);

/* The secret and its rule, as a dialog or prompt names it: "signing password
 * (6-16 characters of A-Z and 0-9, with both letters and digits)". */
const char *jpki_pin_rule_text(JpkiSecret secret, JpkiLang lang);

/* "残り2回" / "2 tries left" / "1 try left". */
char *jpki_tries_left_text(guint tries_left, JpkiLang lang);
