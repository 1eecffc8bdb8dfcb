/* The demo portal's own refusals (a missing session, a used nonce, a malformed form...), next
 * to libjpki's verification errors. Every refusal reaches the page as a stable code string, an
 * HTTP status and a ja/en message (www/messages.json, key "error.<code>"). */
#pragma once

#include <glib.h>

#define PORTAL_ERROR (portal_error_quark())
GQuark portal_error_quark(void);

typedef enum {
	PORTAL_ERROR_INVALID_REQUEST,   /* not the JSON (or method, content type) the API expects */
	PORTAL_ERROR_REQUEST_TOO_LARGE, /* a body past PORTAL_MAX_BODY, or without a length */
	PORTAL_ERROR_METHOD_NOT_ALLOWED,
	PORTAL_ERROR_NOT_FOUND,
	PORTAL_ERROR_ORIGIN_MISMATCH, /* an Origin header that is not the portal's */
	PORTAL_ERROR_NO_SESSION,      /* no (or an expired) session cookie */
	PORTAL_ERROR_NONCE_MISSING,   /* no nonce issued to this session, or already used */
	PORTAL_ERROR_NONCE_EXPIRED,
	PORTAL_ERROR_NOT_LOGGED_IN,
	PORTAL_ERROR_FORM_INVALID,            /* the signed text is not a well-formed application */
	PORTAL_ERROR_NOT_SIGNING_CERTIFICATE, /* no holder attributes: not a JPKI signing cert */
	PORTAL_ERROR_BUSY,                    /* the session table is full */
	PORTAL_ERROR_INTERNAL,
	PORTAL_ERROR_STORE_UNAVAILABLE, /* the shared store (Redis) cannot be reached: nothing is
					   accepted without its check */
	PORTAL_ERROR_LAST
} PortalErrorCode;

/* The code string and HTTP status the page sees for any error: PORTAL_ERROR codes by the table
 * in portal_error.c, JPKI_ERROR verification codes by their libjpki names
 * ("signature-invalid", "certificate-expired", ...), JPKI_ERROR_INVALID_INPUT as
 * "invalid-request", anything else as "internal-error"; errors of other domains first
 * through libjpki's one conversion, jpki_error_code_of(). */
const char *portal_error_code_name(const GError *error);
guint portal_error_http_status(const GError *error);
/* Every code portal_error_code_name() can return, NULL-terminated: each needs a message. */
const char *const *portal_error_all_code_names(void);
