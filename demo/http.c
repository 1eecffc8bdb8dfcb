#include "http.h"

#include "portal_error.h"

#include <stdlib.h>
#include <string.h>

#define CONTENT_SECURITY_POLICY                                                                    \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                \
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

void
portal_http_set_security_headers(SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
	soup_message_headers_replace(headers, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
	soup_message_headers_replace(headers, "X-Content-Type-Options", "nosniff");
	soup_message_headers_replace(headers, "Referrer-Policy", "no-referrer");
	soup_message_headers_replace(headers, "X-Frame-Options", "DENY");
	soup_message_headers_replace(headers, "Cache-Control", "no-store");
}

gboolean
portal_http_check_body_length(SoupServerMessage *msg, GError **error)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(msg);
	SoupEncoding encoding = soup_message_headers_get_encoding(headers);
	if (encoding == SOUP_ENCODING_NONE)
		return TRUE;
	if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
	    soup_message_headers_get_content_length(headers) <= PORTAL_MAX_BODY)
		return TRUE;
	/* Whatever the client still sends is read and dropped, never accumulated. */
	soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
	soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Connection",
				     "close");
	g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_REQUEST_TOO_LARGE,
		    encoding == SOUP_ENCODING_CONTENT_LENGTH
			    ? "the request body is longer than %d bytes"
			    : "a request body needs a Content-Length (at most %d bytes)",
		    PORTAL_MAX_BODY);
	return FALSE;
}

void
portal_http_reply_json(SoupServerMessage *msg, guint status, json_t *body)
{
	g_autoptr(json_t) owned = body;
	char *text = json_dumps(owned, JSON_COMPACT);
	if (text == NULL) {
		portal_http_reply_text(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
				       "text/plain; charset=utf-8", "internal error\n");
		return;
	}
	soup_server_message_set_status(msg, status, NULL);
	/* json_dumps() allocates with malloc: copy rather than hand it to g_free(). */
	soup_server_message_set_response(msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
					 text, strlen(text));
	free(text);
}

void
portal_http_reply_error(SoupServerMessage *msg, PortalMessages *messages, const GError *error)
{
	const char *code = portal_error_code_name(error);
	g_autofree char *key = g_strconcat("error.", code, NULL);
	const char *ja = portal_messages_lookup(messages, key, JPKI_LANG_JA);
	const char *en = portal_messages_lookup(messages, key, JPKI_LANG_EN);
	/* main() checks that every code has its messages; this is the last resort. */
	json_t *body = json_pack(
		"{s:s, s:s, s:s, s:s, s:s}", "status", "error", "code", code, "message",
		g_utf8_validate(error->message, -1, NULL) ? error->message : "(not UTF-8)", "ja",
		ja != NULL ? ja : code, "en", en != NULL ? en : code);
	portal_http_reply_json(msg, portal_error_http_status(error), body);
}

void
portal_http_reply_text(SoupServerMessage *msg, guint status, const char *content_type,
		       const char *text)
{
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, content_type, SOUP_MEMORY_COPY, text, strlen(text));
}

char *
portal_http_dup_cookie(SoupServerMessage *msg, const char *name)
{
	/* Several Cookie headers are joined with ", " by libsoup; "; " separates pairs. */
	const char *header = soup_message_headers_get_list(
		soup_server_message_get_request_headers(msg), "Cookie");
	if (header == NULL)
		return NULL;
	g_auto(GStrv) pairs = g_strsplit_set(header, ";,", -1);
	gsize name_len = strlen(name);
	for (guint i = 0; pairs[i] != NULL; i++) {
		const char *pair = pairs[i];
		while (*pair == ' ' || *pair == '\t')
			pair++;
		if (strncmp(pair, name, name_len) == 0 && pair[name_len] == '=')
			return g_strstrip(g_strdup(pair + name_len + 1));
	}
	return NULL;
}

void
portal_http_set_cookie(SoupServerMessage *msg, const char *name, const char *value,
		       gboolean http_only, gboolean secure)
{
	g_autofree char *header =
		g_strdup_printf("%s=%s; Path=/; SameSite=Strict%s%s%s", name,
				value != NULL ? value : "", http_only ? "; HttpOnly" : "",
				secure ? "; Secure" : "", value == NULL ? "; Max-Age=0" : "");
	soup_message_headers_append(soup_server_message_get_response_headers(msg), "Set-Cookie",
				    header);
}

GBytes *
portal_http_get_json_body(SoupServerMessage *msg, GError **error)
{
	GHashTable *params = NULL;
	const char *type = soup_message_headers_get_content_type(
		soup_server_message_get_request_headers(msg), &params);
	gboolean is_json = type != NULL && g_ascii_strcasecmp(type, "application/json") == 0;
	g_clear_pointer(&params, g_hash_table_destroy);
	if (!is_json) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_INVALID_REQUEST,
				    "the body must be Content-Type application/json");
		return NULL;
	}
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	return soup_message_body_flatten(body);
}

json_t *
portal_http_parse_object(GBytes *body, const JpkiJsonKey *keys, GError **error)
{
	gsize len = 0;
	const char *data = g_bytes_get_data(body, &len);
	json_error_t json_error;
	g_autoptr(json_t) root =
		json_loadb(data != NULL ? data : "", len, JSON_REJECT_DUPLICATES, &json_error);
	if (root == NULL) {
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_INVALID_REQUEST,
			    "the body is not one JSON object: %s", json_error.text);
		return NULL;
	}
	if (!jpki_json_check_object(root, keys, "body", PORTAL_ERROR, PORTAL_ERROR_INVALID_REQUEST,
				    error))
		return NULL;
	return g_steal_pointer(&root);
}
