/* Logging in: /api/nonce issues a challenge bound to the session, /api/login checks the Web
 * eID token signed for it (docs/protocol.md, authenticate), /api/session tells the page who is
 * logged in. */
#include "portal_private.h"

#include "http.h"
#include "portal_error.h"

void
portal_api_nonce(PortalRequest *request)
{
	Portal *portal = request->portal;
	g_autoptr(GError) error = NULL;
	g_autofree char *id = portal_http_dup_cookie(request->msg, PORTAL_SESSION_COOKIE);
	g_autofree char *new_id = NULL;
	g_autofree char *nonce = portal_store_issue_nonce(portal->store, id, portal->nonce_lifetime,
							  &new_id, &error);
	if (nonce == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	if (new_id != NULL)
		portal_http_set_cookie(request->msg, PORTAL_SESSION_COOKIE, new_id, TRUE,
				       portal->https);
	json_int_t lifetime = portal->nonce_lifetime / G_USEC_PER_SEC;
	portal_http_reply_json(request->msg, SOUP_STATUS_OK,
			       json_pack("{s:s, s:I}", "nonce", nonce, "expiresIn", lifetime));
}

void
portal_api_login(PortalRequest *request)
{
	Portal *portal = request->portal;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) body = portal_http_get_json_body(request->msg, &error);
	if (body == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	g_autofree char *id = portal_http_dup_cookie(request->msg, PORTAL_SESSION_COOKIE);
	if (id == NULL) {
		g_set_error_literal(&error, PORTAL_ERROR, PORTAL_ERROR_NO_SESSION,
				    "no session: ask /api/nonce first, with cookies on");
		portal_request_reply_error(request, error);
		return;
	}
	/* Taken out before the check, whatever it finds: a nonce is good for one attempt. */
	g_autofree char *nonce = portal_store_take_nonce(portal->store, id, &error);
	if (nonce == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	gsize len = 0;
	const char *token = g_bytes_get_data(body, &len);
	/* The token's signature covers the origin and the nonce: one check proves both. */
	g_autoptr(JpkiVerifiedSigner) signer =
		jpki_verifier_check_login_token(portal->auth_verifier, token != NULL ? token : "",
						len, portal->origin, nonce, &error);
	if (signer == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	g_autofree char *subject = g_strdup(jpki_verified_signer_get_subject(signer));
	g_autofree char *issuer = g_strdup(jpki_verified_signer_get_issuer(signer));
	g_autofree char *serial = g_strdup(jpki_verified_signer_get_serial(signer));
	g_autofree char *not_after = g_strdup(jpki_verified_signer_get_not_after(signer));
	PortalLogin login = {subject, issuer, serial, not_after};
	g_autofree char *new_id = portal_store_log_in(portal->store, id, &login, &error);
	if (new_id == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	portal_http_set_cookie(request->msg, PORTAL_SESSION_COOKIE, new_id, TRUE, portal->https);
	g_printerr("jpki-demo-portal: login: %s (serial %s)\n", subject, serial);
	portal_http_reply_json(request->msg, SOUP_STATUS_OK,
			       json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}",
					 "status", "ok", "origin", portal->origin, "subject",
					 subject, "issuer", issuer, "serial", serial, "notAfter",
					 not_after, "checks", "origin", "ok", "nonce", "ok",
					 "signature", "ok", "chain", "ok"));
}

void
portal_api_session(PortalRequest *request)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalLogin) login = portal_request_login(request, &error);
	if (error != NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	if (login == NULL) {
		portal_http_reply_json(request->msg, SOUP_STATUS_OK,
				       json_pack("{s:b}", "loggedIn", FALSE));
		return;
	}
	portal_http_reply_json(request->msg, SOUP_STATUS_OK,
			       json_pack("{s:b, s:s, s:s, s:s, s:s}", "loggedIn", TRUE, "subject",
					 login->subject, "issuer", login->issuer, "serial",
					 login->serial, "notAfter", login->not_after));
}
