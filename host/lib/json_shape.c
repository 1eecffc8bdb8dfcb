#include "json_shape.h"

#include <string.h>

#define EXCERPT_MAX_LEN 40

char *
jpki_json_excerpt(const char *text)
{
	gsize len = strlen(text);
	g_autofree char *head = g_strndup(text, MIN(len, EXCERPT_MAX_LEN));
	g_autofree char *escaped = g_strescape(head, NULL);
	return g_strconcat(escaped, len > EXCERPT_MAX_LEN ? "..." : "", NULL);
}

const char *
jpki_json_type_name(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
	default:
		return "null";
	}
}

static gboolean
is_one_of(const char *name, const JpkiJsonKey *keys)
{
	for (guint i = 0; keys[i].name != NULL; i++) {
		if (strcmp(name, keys[i].name) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
check_type(json_t *value, const JpkiJsonKey *key, GQuark domain, gint code, GError **error)
{
	if (key->type == JSON_OBJECT || key->type == JSON_ARRAY) {
		if (json_typeof(value) == key->type)
			return TRUE;
		g_set_error(error, domain, code, "\"%s\" must be %s, not %s", key->name,
			    key->type == JSON_OBJECT ? "an object" : "an array",
			    jpki_json_type_name(value));
		return FALSE;
	}
	if (!json_is_string(value)) {
		g_set_error(error, domain, code, "\"%s\" must be a string, not %s", key->name,
			    jpki_json_type_name(value));
		return FALSE;
	}
	if (json_string_length(value) == 0) {
		g_set_error(error, domain, code, "\"%s\" must not be empty", key->name);
		return FALSE;
	}
	return TRUE;
}

gboolean
jpki_json_check_object(json_t *value, const JpkiJsonKey *keys, const char *what, GQuark domain,
		       gint code, GError **error)
{
	g_return_val_if_fail(keys != NULL && what != NULL, FALSE);
	if (!json_is_object(value)) {
		g_set_error(error, domain, code, "the %s must be a JSON object, not %s", what,
			    value != NULL ? jpki_json_type_name(value) : "nothing");
		return FALSE;
	}
	const char *name;
	json_t *member;
	json_object_foreach(value, name, member)
	{
		if (!is_one_of(name, keys)) {
			g_autofree char *shown = jpki_json_excerpt(name);
			g_set_error(error, domain, code, "%s: unknown key \"%s\"", what, shown);
			return FALSE;
		}
	}
	for (guint i = 0; keys[i].name != NULL; i++) {
		if (json_object_get(value, keys[i].name) == NULL) {
			g_set_error(error, domain, code, "%s: missing key \"%s\"", what,
				    keys[i].name);
			return FALSE;
		}
	}
	for (guint i = 0; keys[i].name != NULL; i++) {
		if (!check_type(json_object_get(value, keys[i].name), &keys[i], domain, code,
				error))
			return FALSE;
	}
	return TRUE;
}

static gsize
skip_whitespace(const char *text, gsize len, gsize at)
{
	while (at < len &&
	       (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
		at++;
	return at;
}

#define BYTES_OF(b) (0x0101010101010101ull * (b))
#define HIGH_BITS   BYTES_OF(0x80)

/* Whether any byte of `word` is zero (exact as a whole, not as to which byte). */
static guint64
has_zero_byte(guint64 word)
{
	return (word - BYTES_OF(0x01)) & ~word & HIGH_BITS;
}

/* Whether all eight bytes are printable ASCII other than '"' and '\\': below 0x20 and above
 * 0x7e each set a byte's high bit in one of the first two terms. A login token's certificate is
 * some 1,500 such characters, read at every login. */
static gboolean
word_is_plain(guint64 word)
{
	guint64 below_space = (word - BYTES_OF(0x20)) & ~word & HIGH_BITS;
	guint64 above_tilde = ((word + BYTES_OF(0x01)) | word) & HIGH_BITS;
	return (below_space | above_tilde | has_zero_byte(word ^ BYTES_OF('"')) |
		has_zero_byte(word ^ BYTES_OF('\\'))) == 0;
}

/* A string of printable ASCII without a backslash at `*at` (its opening quote). */
static gboolean
scan_plain_string(const char *text, gsize len, gsize *at, JpkiJsonSpan *span)
{
	if (*at >= len || text[*at] != '"')
		return FALSE;
	gsize start = *at + 1;
	gsize end = start;
	guint64 word;
	while (end + sizeof(word) <= len) {
		memcpy(&word, text + end, sizeof(word));
		if (!word_is_plain(word))
			break;
		end += sizeof(word);
	}
	/* The rest, and the word that holds the closing quote, a byte at a time. */
	while (end < len && text[end] != '"') {
		guint8 c = (guint8)text[end];
		if (c - 0x20u > 0x7eu - 0x20u || c == '\\')
			return FALSE;
		end++;
	}
	if (end >= len)
		return FALSE;
	span->text = text + start;
	span->len = end - start;
	*at = end + 1;
	return TRUE;
}

gboolean
jpki_json_scan_plain_strings(const char *text, gsize len, const JpkiJsonKey *keys,
			     JpkiJsonSpan *values)
{
	g_return_val_if_fail(text != NULL && keys != NULL && values != NULL, FALSE);
	guint n_keys = 0;
	while (keys[n_keys].name != NULL) {
		g_return_val_if_fail(keys[n_keys].type == JSON_STRING, FALSE);
		values[n_keys].text = NULL;
		n_keys++;
	}
	g_return_val_if_fail(n_keys > 0, FALSE);
	gsize at = skip_whitespace(text, len, 0);
	if (at >= len || text[at] != '{')
		return FALSE;
	for (guint found = 0; found < n_keys; found++) {
		JpkiJsonSpan key, value;
		at = skip_whitespace(text, len, at + 1); /* past '{' or ',' */
		if (!scan_plain_string(text, len, &at, &key))
			return FALSE;
		at = skip_whitespace(text, len, at);
		if (at >= len || text[at] != ':')
			return FALSE;
		at = skip_whitespace(text, len, at + 1);
		if (!scan_plain_string(text, len, &at, &value) || value.len == 0)
			return FALSE;
		guint index = 0;
		while (index < n_keys && (strlen(keys[index].name) != key.len ||
					  memcmp(keys[index].name, key.text, key.len) != 0))
			index++;
		if (index == n_keys || values[index].text != NULL)
			return FALSE;
		values[index] = value;
		at = skip_whitespace(text, len, at);
		if (at >= len || text[at] != (found + 1 < n_keys ? ',' : '}'))
			return FALSE;
	}
	return skip_whitespace(text, len, at + 1) == len;
}
