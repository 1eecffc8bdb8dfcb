/* /api/verification-code: the 照合コード of a form text, which the apply page shows next to the
 * text before the card signs it; the host's PIN dialog shows the code of the digest it is asked
 * to sign. The portal hashes the text and binds its own origin (docs/web-api.md, "Verification
 * code"): what the page shows is what the server will accept. */
#include "portal_private.h"

#include "application.h"
#include "http.h"
#include "verification_code.h"

static const JpkiJsonKey keys[] = {{"form", JSON_STRING}, {NULL, JSON_NULL}};

void
portal_api_verification_code(PortalRequest *request)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) body = portal_http_get_json_body(request->msg, &error);
	g_autoptr(json_t) root = body != NULL ? portal_http_parse_object(body, keys, &error) : NULL;
	json_t *form = root != NULL ? json_object_get(root, "form") : NULL;
	g_autoptr(PortalApplication) application =
		form != NULL ? portal_application_parse(json_string_value(form),
							json_string_length(form), &error)
			     : NULL;
	if (application == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	guint8 digest[32];
	portal_form_digest(json_string_value(form), json_string_length(form), digest);
	g_autofree char *code =
		jpki_verification_code(request->portal->origin, digest, sizeof(digest));
	g_autofree char *digest64 = g_base64_encode(digest, sizeof(digest));
	portal_http_reply_json(
		request->msg, SOUP_STATUS_OK,
		json_pack("{s:s, s:s}", "verificationCode", code, "digest", digest64));
}
