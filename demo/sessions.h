/* The portal's sessions, in memory only: a random id (the cookie), an expiry, at most one
 * outstanding login nonce, and who logged in. Times are g_get_monotonic_time() microseconds,
 * passed in so the tests of expiry need no clock. */
#pragma once

#include <glib.h>

/* 32 random bytes in standard base64: 44 characters, as docs/protocol.md asks of a nonce. */
#define PORTAL_NONCE_BYTES 32

typedef struct {
	char *id; /* 64 lower-case hex digits */
	gint64 expires_at;
	char *nonce; /* NULL when none is outstanding */
	gint64 nonce_expires_at;
	gboolean logged_in;
	/* Of the authentication certificate that logged in (NULL before). */
	char *subject;
	char *issuer;
	char *serial;
	char *not_after; /* ISO 8601 UTC */
} PortalSession;

typedef struct _PortalSessions PortalSessions;

/* 32 random bytes as 64 lower-case hex digits: a session id. */
char *portal_new_session_id(void);
/* PORTAL_NONCE_BYTES random bytes in standard base64. */
char *portal_new_nonce(void);

/* At most `max_sessions` live sessions, each expiring `idle_lifetime` µs after its last use. */
PortalSessions *portal_sessions_new(guint max_sessions, gint64 idle_lifetime);
void portal_sessions_free(PortalSessions *sessions);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PortalSessions, portal_sessions_free)

/* A new, empty session (borrowed). Expired sessions are dropped first; when the table is still
 * full, PORTAL_ERROR_BUSY. */
PortalSession *portal_sessions_create(PortalSessions *sessions, gint64 now, GError **error);
/* The live session of that id (borrowed), its expiry pushed back; NULL for an unknown id or an
 * expired session (which is dropped). */
PortalSession *portal_sessions_lookup(PortalSessions *sessions, const char *id, gint64 now);
/* The same session under a new id, the old id forgotten: done at login so an id set before
 * the login (session fixation) is worth nothing after it. Borrowed. */
PortalSession *portal_sessions_rotate(PortalSessions *sessions, PortalSession *session, gint64 now);
void portal_sessions_remove(PortalSessions *sessions, const char *id);
guint portal_sessions_count(PortalSessions *sessions);

/* A fresh nonce for the session, replacing any outstanding one; valid `lifetime` µs. Returns a
 * copy. */
char *portal_session_issue_nonce(PortalSession *session, gint64 now, gint64 lifetime);

typedef enum {
	PORTAL_NONCE_VALID,
	PORTAL_NONCE_MISSING, /* never issued, or already taken */
	PORTAL_NONCE_EXPIRED,
} PortalNonceState;

/* Takes the outstanding nonce out of the session, whatever happens next: a nonce is good for
 * one login attempt. `nonce` receives it only when valid. */
PortalNonceState portal_session_take_nonce(PortalSession *session, gint64 now, char **nonce);

/* Records the login (copies of the certificate's details). */
void portal_session_set_logged_in(PortalSession *session, const char *subject, const char *issuer,
				  const char *serial, const char *not_after);
