/* HTTP details every handler shares: security headers, JSON and error replies, cookies,
 * bounded request bodies. */
#pragma once

#include "i18n.h"
#include "jansson_autoptr.h"
#include "json_shape.h"

#include <glib.h>
#include <jansson.h>
#include <libsoup/soup.h>

/* The largest request body read; a JPKI login token is about 3 KiB, a CMS about 4 KiB. */
#define PORTAL_MAX_BODY (64 * 1024)

/* Content-Security-Policy (scripts, styles and fetches from the portal itself only), nosniff,
 * no referrer, no framing, no caching. */
void portal_http_set_security_headers(SoupServerMessage *msg);

/* Refuses a body before it is read (an early handler): one without Content-Length, or longer
 * than PORTAL_MAX_BODY, is answered 413/411 and not kept in memory. FALSE when refused. */
gboolean portal_http_check_body_length(SoupServerMessage *msg, GError **error);

/* `body` (taken) as compact UTF-8 JSON. */
void portal_http_reply_json(SoupServerMessage *msg, guint status, json_t *body);
/* {"status": "error", "code", "message" (the developer's detail), "ja", "en"} with the code's
 * HTTP status (portal_error.h). */
void portal_http_reply_error(SoupServerMessage *msg, PortalMessages *messages, const GError *error);
void portal_http_reply_text(SoupServerMessage *msg, guint status, const char *content_type,
			    const char *text);

/* The value of one cookie of the request, or NULL. */
char *portal_http_dup_cookie(SoupServerMessage *msg, const char *name);
/* Path=/ and SameSite=Strict always; Secure over HTTPS; Max-Age=0 when `value` is NULL (the
 * cookie is deleted), a session cookie otherwise. */
void portal_http_set_cookie(SoupServerMessage *msg, const char *name, const char *value,
			    gboolean http_only, gboolean secure);

/* The request body, which must be Content-Type application/json (so a form on another site
 * cannot post it without a CORS preflight). PORTAL_ERROR_INVALID_REQUEST otherwise. */
GBytes *portal_http_get_json_body(SoupServerMessage *msg, GError **error);
/* The body parsed as one JSON object with exactly `keys` of their types (libjpki's one check,
 * jpki_json_check_object()): a new reference, or NULL and PORTAL_ERROR_INVALID_REQUEST naming
 * the key. */
json_t *portal_http_parse_object(GBytes *body, const JpkiJsonKey *keys, GError **error);
