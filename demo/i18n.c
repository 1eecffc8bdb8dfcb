#include "i18n.h"

#include "jansson_autoptr.h"
#include "jpki_error.h"
#include "json_shape.h"

#include <jansson.h>
#include <libsoup/soup.h>
#include <string.h>

#define MESSAGES_MAX_LEN (256 * 1024)

struct _PortalMessages {
	GHashTable *ja; /* owned key -> owned text */
	GHashTable *en;
};

void
portal_messages_free(PortalMessages *messages)
{
	if (messages == NULL)
		return;
	g_clear_pointer(&messages->ja, g_hash_table_unref);
	g_clear_pointer(&messages->en, g_hash_table_unref);
	g_free(messages);
}

static gboolean
add_entry(PortalMessages *messages, const char *path, const char *key, json_t *entry,
	  GError **error)
{
	static const JpkiJsonKey texts[] = {
		{"ja", JSON_STRING}, {"en", JSON_STRING}, {NULL, JSON_NULL}};
	if (!jpki_json_check_object(entry, texts, key, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    error)) {
		g_prefix_error(error, "%s: ", path);
		return FALSE;
	}
	const char *ja = json_string_value(json_object_get(entry, "ja"));
	const char *en = json_string_value(json_object_get(entry, "en"));
	g_hash_table_insert(messages->ja, g_strdup(key), g_strdup(ja));
	g_hash_table_insert(messages->en, g_strdup(key), g_strdup(en));
	return TRUE;
}

PortalMessages *
portal_messages_new_from_file(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &text, &len, error)) {
		jpki_error_convert(error);
		return NULL;
	}
	if (len > MESSAGES_MAX_LEN) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT, "%s: more than %d bytes",
			    path, MESSAGES_MAX_LEN);
		return NULL;
	}
	json_error_t json_error;
	g_autoptr(json_t) root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &json_error);
	if (root == NULL || !json_is_object(root)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "%s:%d: not a JSON object: %s", path, json_error.line,
			    root == NULL ? json_error.text : "another type");
		return NULL;
	}
	g_autoptr(PortalMessages) messages = g_new0(PortalMessages, 1);
	messages->ja = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	messages->en = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const char *key;
	json_t *entry;
	json_object_foreach(root, key, entry)
	{
		if (!add_entry(messages, path, key, entry, error))
			return NULL;
	}
	return g_steal_pointer(&messages);
}

const char *
portal_messages_lookup(PortalMessages *messages, const char *key, JpkiLang lang)
{
	return g_hash_table_lookup(lang == JPKI_LANG_EN ? messages->en : messages->ja, key);
}

char *
portal_messages_dup_json(PortalMessages *messages, JpkiLang lang)
{
	g_autoptr(json_t) object = json_object();
	GHashTableIter iter;
	gpointer key, text;
	g_hash_table_iter_init(&iter, lang == JPKI_LANG_EN ? messages->en : messages->ja);
	while (g_hash_table_iter_next(&iter, &key, &text))
		json_object_set_new(object, key, json_string(text));
	g_autofree char *dumped = json_dumps(object, JSON_COMPACT | JSON_SORT_KEYS);
	g_return_val_if_fail(dumped != NULL, g_strdup("{}"));
	/* '<' only occurs inside JSON strings, where \u003c means the same. */
	GString *escaped = g_string_new(dumped);
	g_string_replace(escaped, "<", "\\u003c", 0);
	return g_string_free(escaped, FALSE);
}

static gboolean
lang_from_tag(const char *tag, JpkiLang *lang)
{
	/* "ja", "ja-JP", "en", "en-US", any case. */
	if (g_ascii_strncasecmp(tag, "ja", 2) == 0 && (tag[2] == '\0' || tag[2] == '-')) {
		*lang = JPKI_LANG_JA;
		return TRUE;
	}
	if (g_ascii_strncasecmp(tag, "en", 2) == 0 && (tag[2] == '\0' || tag[2] == '-')) {
		*lang = JPKI_LANG_EN;
		return TRUE;
	}
	return FALSE;
}

JpkiLang
portal_negotiate_lang(const char *query_lang, const char *cookie_lang, const char *accept_language)
{
	JpkiLang lang = JPKI_LANG_JA;
	if (query_lang != NULL && jpki_lang_from_name(query_lang, &lang))
		return lang;
	if (cookie_lang != NULL && jpki_lang_from_name(cookie_lang, &lang))
		return lang;
	if (accept_language != NULL) {
		/* Most preferred first; tags with q=0 are left out. */
		GSList *tags = soup_header_parse_quality_list(accept_language, NULL);
		gboolean found = FALSE;
		for (GSList *l = tags; l != NULL && !found; l = l->next)
			found = lang_from_tag(l->data, &lang);
		soup_header_free_list(tags);
		if (found)
			return lang;
	}
	return JPKI_LANG_JA;
}

const char *
portal_lang_name(JpkiLang lang)
{
	return lang == JPKI_LANG_EN ? "en" : "ja";
}
