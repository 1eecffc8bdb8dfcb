/* Logging in: /api/nonce issues a challenge bound to the session, /api/login checks the Web
 * eID token signed for it (docs/protocol.md, authenticate), /api/session tells the page who is
 * logged in. */
#include "portal_private.h"

#include "authtoken.h"
#include "http.h"
#include "portal_error.h"

/* The session of the request, or a new one (whose cookie is set on the reply). */
static PortalSession *
session_or_new(PortalRequest *request, GError **error)
{
	PortalSession *session = portal_request_session(request);
	if (session != NULL)
		return session;
	session = portal_sessions_create(request->portal->sessions, g_get_monotonic_time(), error);
	if (session != NULL) {
		portal_http_set_cookie(request->msg, PORTAL_SESSION_COOKIE, session->id, TRUE,
				       request->portal->https);
	}
	return session;
}

void
portal_api_nonce(PortalRequest *request)
{
	g_autoptr(GError) error = NULL;
	PortalSession *session = session_or_new(request, &error);
	if (session == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	g_autofree char *nonce = portal_session_issue_nonce(session, g_get_monotonic_time(),
							    request->portal->nonce_lifetime);
	json_int_t lifetime = request->portal->nonce_lifetime / G_USEC_PER_SEC;
	portal_http_reply_json(request->msg, SOUP_STATUS_OK,
			       json_pack("{s:s, s:I}", "nonce", nonce, "expiresIn", lifetime));
}

static gboolean
take_nonce(PortalSession *session, char **nonce, GError **error)
{
	switch (portal_session_take_nonce(session, g_get_monotonic_time(), nonce)) {
	case PORTAL_NONCE_VALID:
		return TRUE;
	case PORTAL_NONCE_EXPIRED:
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NONCE_EXPIRED,
				    "the nonce of this session has expired");
		return FALSE;
	case PORTAL_NONCE_MISSING:
	default:
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NONCE_MISSING,
				    "this session has no unused nonce: ask /api/nonce for one");
		return FALSE;
	}
}

static char *
format_utc(GDateTime *time)
{
	return g_date_time_format(time, "%Y-%m-%dT%H:%M:%SZ");
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
	PortalSession *session = portal_request_session(request);
	if (session == NULL) {
		g_set_error_literal(&error, PORTAL_ERROR, PORTAL_ERROR_NO_SESSION,
				    "no session: ask /api/nonce first, with cookies on");
		portal_request_reply_error(request, error);
		return;
	}
	g_autofree char *nonce = NULL;
	if (!take_nonce(session, &nonce, &error)) {
		portal_request_reply_error(request, error);
		return;
	}
	gsize len = 0;
	const char *token = g_bytes_get_data(body, &len);
	/* The token's signature covers the origin and the nonce: one check proves both. */
	g_autoptr(JpkiCert) cert =
		jpki_authtoken_verify(token != NULL ? token : "", len, portal->origin, nonce,
				      portal->auth_anchors, NULL, &error);
	if (cert == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	g_autofree char *subject = jpki_cert_dup_subject(cert);
	g_autofree char *issuer = jpki_cert_dup_issuer(cert);
	g_autofree char *serial = jpki_cert_dup_serial_hex(cert);
	g_autofree char *not_after = format_utc(jpki_cert_get_not_after(cert));
	portal_session_set_logged_in(session, subject, issuer, serial, not_after);
	session = portal_sessions_rotate(portal->sessions, session, g_get_monotonic_time());
	portal_http_set_cookie(request->msg, PORTAL_SESSION_COOKIE, session->id, TRUE,
			       portal->https);
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
	PortalSession *session = portal_request_session(request);
	if (session == NULL || !session->logged_in) {
		portal_http_reply_json(request->msg, SOUP_STATUS_OK,
				       json_pack("{s:b}", "loggedIn", FALSE));
		return;
	}
	portal_http_reply_json(request->msg, SOUP_STATUS_OK,
			       json_pack("{s:b, s:s, s:s, s:s, s:s}", "loggedIn", TRUE, "subject",
					 session->subject, "issuer", session->issuer, "serial",
					 session->serial, "notAfter", session->not_after));
}
