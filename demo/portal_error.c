#include "portal_error.h"

#include "jpki_error.h"

#include <libsoup/soup.h>

/* The quark's name is one hyphenated word. */
/* clang-format off */
G_DEFINE_QUARK(portal-error-quark, portal_error)
/* clang-format on */

typedef struct {
	const char *name;
	guint http_status;
} PortalErrorInfo;

static const PortalErrorInfo portal_errors[PORTAL_ERROR_LAST] = {
	[PORTAL_ERROR_INVALID_REQUEST] = {"invalid-request", SOUP_STATUS_BAD_REQUEST},
	[PORTAL_ERROR_REQUEST_TOO_LARGE] = {"request-too-large",
					    SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE},
	[PORTAL_ERROR_METHOD_NOT_ALLOWED] = {"method-not-allowed", SOUP_STATUS_METHOD_NOT_ALLOWED},
	[PORTAL_ERROR_NOT_FOUND] = {"not-found", SOUP_STATUS_NOT_FOUND},
	[PORTAL_ERROR_ORIGIN_MISMATCH] = {"origin-mismatch", SOUP_STATUS_FORBIDDEN},
	[PORTAL_ERROR_NO_SESSION] = {"no-session", SOUP_STATUS_FORBIDDEN},
	[PORTAL_ERROR_NONCE_MISSING] = {"nonce-missing", SOUP_STATUS_FORBIDDEN},
	[PORTAL_ERROR_NONCE_EXPIRED] = {"nonce-expired", SOUP_STATUS_FORBIDDEN},
	[PORTAL_ERROR_NOT_LOGGED_IN] = {"not-logged-in", SOUP_STATUS_UNAUTHORIZED},
	[PORTAL_ERROR_FORM_INVALID] = {"form-invalid", SOUP_STATUS_BAD_REQUEST},
	[PORTAL_ERROR_NOT_SIGNING_CERTIFICATE] = {"not-a-signing-certificate",
						  SOUP_STATUS_FORBIDDEN},
	[PORTAL_ERROR_BUSY] = {"busy", SOUP_STATUS_SERVICE_UNAVAILABLE},
	[PORTAL_ERROR_INTERNAL] = {"internal-error", SOUP_STATUS_INTERNAL_SERVER_ERROR},
	[PORTAL_ERROR_STORE_UNAVAILABLE] = {"store-unavailable", SOUP_STATUS_SERVICE_UNAVAILABLE},
};

/* What verifying a token, a CMS or a raw signature can report; other libjpki codes are about
 * the card and cannot come from the portal's checks. */
static const JpkiErrorCode verification_errors[] = {
	JPKI_ERROR_SIGNATURE_INVALID,         JPKI_ERROR_CERTIFICATE_UNTRUSTED,
	JPKI_ERROR_CERTIFICATE_EXPIRED,       JPKI_ERROR_CERTIFICATE_NOT_YET_VALID,
	JPKI_ERROR_CERTIFICATE_REVOKED,       JPKI_ERROR_CERTIFICATE_WRONG_USAGE,
	JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH,
};

static const PortalErrorInfo *
error_info(const GError *error)
{
	if (error->domain == PORTAL_ERROR && error->code >= 0 && error->code < PORTAL_ERROR_LAST)
		return &portal_errors[error->code];
	if (jpki_error_code_of(error) == JPKI_ERROR_INVALID_INPUT)
		return &portal_errors[PORTAL_ERROR_INVALID_REQUEST];
	return &portal_errors[PORTAL_ERROR_INTERNAL];
}

static gboolean
is_verification_error(const GError *error)
{
	JpkiErrorCode code = jpki_error_code_of(error);
	for (guint i = 0; i < G_N_ELEMENTS(verification_errors); i++) {
		if (code == verification_errors[i])
			return TRUE;
	}
	return FALSE;
}

const char *
portal_error_code_name(const GError *error)
{
	g_return_val_if_fail(error != NULL, "internal-error");
	if (is_verification_error(error))
		return jpki_error_code_name(jpki_error_code_of(error));
	return error_info(error)->name;
}

guint
portal_error_http_status(const GError *error)
{
	g_return_val_if_fail(error != NULL, SOUP_STATUS_INTERNAL_SERVER_ERROR);
	if (is_verification_error(error))
		return SOUP_STATUS_FORBIDDEN;
	return error_info(error)->http_status;
}

const char *const *
portal_error_all_code_names(void)
{
	static const char *names[PORTAL_ERROR_LAST + G_N_ELEMENTS(verification_errors) + 1];
	if (names[0] == NULL) {
		guint n = 0;
		for (guint i = 0; i < PORTAL_ERROR_LAST; i++)
			names[n++] = portal_errors[i].name;
		for (guint i = 0; i < G_N_ELEMENTS(verification_errors); i++)
			names[n++] = jpki_error_code_name(verification_errors[i]);
		names[n] = NULL;
	}
	return names;
}
