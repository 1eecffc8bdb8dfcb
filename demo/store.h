/* What the portal's instances share: the login nonces (one outstanding per session, single
 * use, bound to the session) and who is logged in on each session. Two implementations: in
 * this process's memory (store_memory.c, the default: one instance) and Redis
 * (store_redis.c: any number of instances behind a load balancer). Session ids are 64
 * lower-case hex digits, the cookie's value. */
#pragma once

#include <glib.h>

/* Who logged in on a session: of the authentication certificate. */
typedef struct {
	char *subject;
	char *issuer;
	char *serial;
	char *not_after; /* ISO 8601 UTC */
} PortalLogin;

void portal_login_free(PortalLogin *login);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PortalLogin, portal_login_free)

typedef struct _PortalStore PortalStore;

typedef struct {
	/* A fresh nonce for the session `session_id` (NULL, or a session the store does not
	 * know: a new session, whose id goes to *new_session_id), replacing any outstanding
	 * one, valid `lifetime` µs. */
	char *(*issue_nonce)(PortalStore *store, const char *session_id, gint64 lifetime,
			     char **new_session_id, GError **error);
	/* Takes the session's nonce out, whatever happens next (atomically across instances).
	 * PORTAL_ERROR_NONCE_MISSING when there is none (never issued, used, or long gone),
	 * _NONCE_EXPIRED when its lifetime has passed. */
	char *(*take_nonce)(PortalStore *store, const char *session_id, GError **error);
	/* Records the login under a new session id (returned), forgetting `old_session_id`. */
	char *(*log_in)(PortalStore *store, const char *old_session_id, const PortalLogin *login,
			GError **error);
	/* Who is logged in on the session; NULL without an error when nobody is (an unknown
	 * or expired session). Each use extends the session. */
	PortalLogin *(*get_login)(PortalStore *store, const char *session_id, GError **error);
	void (*remove)(PortalStore *store, const char *session_id);
	void (*free)(PortalStore *store);
} PortalStoreOps;

/* Every implementation's struct starts with this. */
struct _PortalStore {
	const PortalStoreOps *ops;
};

/* Sessions last this long after their last use. */
#define PORTAL_SESSION_IDLE_LIFETIME (30 * 60 * G_USEC_PER_SEC)

/* In memory: at most `max_sessions` sessions (PORTAL_ERROR_BUSY beyond). */
PortalStore *portal_store_new_memory(guint max_sessions);
/* "redis://HOST:PORT" (HOST an IP address or a name, PORT 1-65535); the connection is made at
 * first use and again after a failure. PORTAL_ERROR_STORE_UNAVAILABLE from any operation
 * while Redis cannot be reached: a login then fails, never passes unchecked. NULL and
 * G_OPTION_ERROR for a malformed address. */
PortalStore *portal_store_new_redis(const char *url, GError **error);

char *portal_store_issue_nonce(PortalStore *store, const char *session_id, gint64 lifetime,
			       char **new_session_id, GError **error);
char *portal_store_take_nonce(PortalStore *store, const char *session_id, GError **error);
char *portal_store_log_in(PortalStore *store, const char *old_session_id, const PortalLogin *login,
			  GError **error);
PortalLogin *portal_store_get_login(PortalStore *store, const char *session_id, GError **error);
void portal_store_remove(PortalStore *store, const char *session_id);
void portal_store_free(PortalStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PortalStore, portal_store_free)
