/* One check of a JSON object's shape, for every input that arrives as JSON (a request of the
 * browser, a login token, a portal's request body): exactly these keys, each of its type. */
#pragma once

#include <glib.h>
#include <jansson.h>

typedef struct {
	const char *name;
	/* JSON_STRING: a non-empty string (jansson refuses "\u0000" unless JSON_ALLOW_NUL,
	 * so strlen() is its length); JSON_OBJECT: an object; JSON_ARRAY: an array (its items
	 * are the caller's to check). */
	json_type type;
} JpkiJsonKey;

/* Whether `value` is an object with exactly `keys` (ended by {NULL}), each of its type. The
 * first fault found, in this order, fails with (domain, code) and a message naming `what` and
 * the key, short and printable whatever the caller sent:
 *   the `what` must be a JSON object, not an array
 *   `what`: unknown key "id"          (the first the object holds)
 *   `what`: missing key "command"     (in the order of `keys`)
 *   "command" must be a string, not a number / "command" must not be empty
 *   "arguments" must be an object, not null */
gboolean jpki_json_check_object(json_t *value, const JpkiJsonKey *keys, const char *what,
				GQuark domain, gint code, GError **error);

/* "an object", "a string", "a number", ... for messages: what `value` is. */
const char *jpki_json_type_name(const json_t *value);

/* A caller's text as a message may show it: at most 40 bytes, escaped to printable ASCII,
 * "..." when it was longer. */
char *jpki_json_excerpt(const char *text);

/* A span of the caller's text. */
typedef struct {
	const char *text;
	gsize len;
} JpkiJsonSpan;

/* A fast path past jansson for one common case, a flat object of plain strings: `text` is
 * exactly one object (whitespace around its tokens allowed) whose keys are `keys` (all
 * JSON_STRING, ended by {NULL}), each once, in any order, and whose values are non-empty
 * strings of printable ASCII without a backslash. Then `values` (one per key, in the order of
 * `keys`) point into `text` and TRUE. FALSE only says "not that simple": the caller parses with
 * jansson and jpki_json_check_object(), which give the verdict and its message. Whatever this
 * accepts, those accept with the same values. */
gboolean jpki_json_scan_plain_strings(const char *text, gsize len, const JpkiJsonKey *keys,
				      JpkiJsonSpan *values);
