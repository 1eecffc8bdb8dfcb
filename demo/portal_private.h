/* What the portal's handlers share (portal.c routes, pages.c, api_login.c, api_apply.c). */
#pragma once

#include "i18n.h"
#include "json_shape.h"
#include "portal.h"
#include "store.h"

#define PORTAL_SESSION_COOKIE "jpki_demo_session"
#define PORTAL_LANG_COOKIE    "lang"

struct _Portal {
	char *www_dir;
	char *page_lib;
	char *origin;
	gboolean https;
	gint64 nonce_lifetime; /* µs */
	JpkiVerifier *auth_verifier;
	JpkiTrustStore *sign_anchors;
	PortalMessages *messages;
	PortalStore *store;
};

/* One request: the portal, the message, and the query (NULL when there is none). */
typedef struct {
	Portal *portal;
	SoupServerMessage *msg;
	GHashTable *query;
} PortalRequest;

/* Who is logged in on the request's session (a new PortalLogin), or NULL: nobody, or the store
 * failed (then *error is set; the caller treats it as not logged in, or reports it). */
PortalLogin *portal_request_login(PortalRequest *request, GError **error);
void portal_request_reply_error(PortalRequest *request, const GError *error);

/* pages.c */
void portal_page_login(PortalRequest *request);
void portal_page_apply(PortalRequest *request);
void portal_page_logout(PortalRequest *request);
/* A file of www/ from the fixed list, or the page library. */
void portal_static_file(PortalRequest *request, const char *path);
gboolean portal_static_file_exists(const char *path);

/* api_login.c */
void portal_api_nonce(PortalRequest *request);
void portal_api_login(PortalRequest *request);
void portal_api_session(PortalRequest *request);

/* api_apply.c */
/* The bodies' keys: /api/apply {form, cms}, /api/apply-raw {form, signature, certificate}. */
extern const JpkiJsonKey portal_apply_keys[];
extern const JpkiJsonKey portal_apply_raw_keys[];
void portal_api_apply(PortalRequest *request);
void portal_api_apply_raw(PortalRequest *request);

/* api_verification_code.c: /api/verification-code {form} -> {verificationCode, digest} */
void portal_api_verification_code(PortalRequest *request);
