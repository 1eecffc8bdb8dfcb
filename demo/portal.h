/* The demo portal: the pages and the API of a relying party that logs holders in with the
 * My Number Card and takes signed e-applications (demo/README.md). */
#pragma once

#include "cert.h"
#include "jpki-verify.h"
#include "store.h"

#include <glib.h>
#include <libsoup/soup.h>

typedef struct {
	const char *www_dir;          /* the pages, scripts and www/messages.json */
	const char *page_lib;         /* jpki-bridge.js, served as /jpki-bridge.js */
	const char *origin;           /* what login tokens must be signed for */
	gboolean https;               /* cookies get Secure */
	guint nonce_lifetime;         /* seconds */
	JpkiVerifier *auth_verifier;  /* taken: for login tokens (anchors and CRLs) */
	JpkiTrustStore *sign_anchors; /* taken: for signed applications (anchors and CRLs) */
	PortalStore *store;           /* taken: nonces and sessions; NULL: in this process */
} PortalSettings;

typedef struct _Portal Portal;

/* Reads www/messages.json and checks it has a message for every error code the API can
 * answer; takes the trust stores out of `settings` (they become NULL there). */
Portal *portal_new(PortalSettings *settings, GError **error);
void portal_free(Portal *portal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Portal, portal_free)

/* Puts `sign_anchors` (taken) in place of the trust store for signed applications, as a
 * SIGHUP does with new CRLs. Call it from the thread that runs the server's main loop. */
void portal_replace_sign_anchors(Portal *portal, JpkiTrustStore *sign_anchors);

/* Routes every request of `server` to the portal (which must outlive the server's use). */
void portal_attach(Portal *portal, SoupServer *server);
