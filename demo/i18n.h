/* The portal's words in Japanese and English (www/messages.json: {"key": {"ja": "...",
 * "en": "..."}}), and which of the two a request gets. */
#pragma once

#include "messages.h"

#include <glib.h>

typedef struct _PortalMessages PortalMessages;

/* The file must be one JSON object (at most 256 KiB) of objects with exactly the keys "ja"
 * and "en", each a non-empty string; JPKI_ERROR_INVALID_INPUT otherwise, JPKI_ERROR_IO when it
 * cannot be read. */
PortalMessages *portal_messages_new_from_file(const char *path, GError **error);
void portal_messages_free(PortalMessages *messages);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PortalMessages, portal_messages_free)

/* Borrowed; NULL for an unknown key. */
const char *portal_messages_lookup(PortalMessages *messages, const char *key, JpkiLang lang);
/* {"key": "text", ...} in one language, for a page's script: '<' written as \u003c so the
 * text cannot end the <script> element it is put in. */
char *portal_messages_dup_json(PortalMessages *messages, JpkiLang lang);

/* The language of a page: `?lang=` when it names one, then the `lang` cookie, then the first
 * of ja or en in Accept-Language by preference; Japanese when nothing says. Each argument may
 * be NULL. */
JpkiLang portal_negotiate_lang(const char *query_lang, const char *cookie_lang,
			       const char *accept_language);
const char *portal_lang_name(JpkiLang lang);
