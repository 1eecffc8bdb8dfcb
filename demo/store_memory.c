/* PortalStore in this process's memory, over PortalSessions (sessions.c): one instance. */
#include "store.h"

#include "portal_error.h"
#include "sessions.h"

typedef struct {
	PortalStore parent;
	PortalSessions *sessions;
} MemoryStore;

static char *
memory_issue_nonce(PortalStore *store, const char *session_id, gint64 lifetime,
		   char **new_session_id, GError **error)
{
	MemoryStore *self = (MemoryStore *)store;
	gint64 now = g_get_monotonic_time();
	PortalSession *session = portal_sessions_lookup(self->sessions, session_id, now);
	if (session == NULL) {
		session = portal_sessions_create(self->sessions, now, error);
		if (session == NULL)
			return NULL;
		*new_session_id = g_strdup(session->id);
	}
	return portal_session_issue_nonce(session, now, lifetime);
}

static char *
memory_take_nonce(PortalStore *store, const char *session_id, GError **error)
{
	MemoryStore *self = (MemoryStore *)store;
	gint64 now = g_get_monotonic_time();
	PortalSession *session = portal_sessions_lookup(self->sessions, session_id, now);
	if (session == NULL) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NO_SESSION,
				    "no such session (expired?): ask /api/nonce first");
		return NULL;
	}
	char *nonce = NULL;
	switch (portal_session_take_nonce(session, now, &nonce)) {
	case PORTAL_NONCE_VALID:
		return nonce;
	case PORTAL_NONCE_EXPIRED:
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NONCE_EXPIRED,
				    "the nonce of this session has expired");
		return NULL;
	case PORTAL_NONCE_MISSING:
	default:
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NONCE_MISSING,
				    "this session has no unused nonce: ask /api/nonce for one");
		return NULL;
	}
}

static char *
memory_log_in(PortalStore *store, const char *old_session_id, const PortalLogin *login,
	      GError **error)
{
	MemoryStore *self = (MemoryStore *)store;
	gint64 now = g_get_monotonic_time();
	PortalSession *session = portal_sessions_lookup(self->sessions, old_session_id, now);
	if (session == NULL) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NO_SESSION,
				    "the session ended during the login: log in again");
		return NULL;
	}
	portal_session_set_logged_in(session, login->subject, login->issuer, login->serial,
				     login->not_after);
	session = portal_sessions_rotate(self->sessions, session, now);
	return g_strdup(session->id);
}

static PortalLogin *
memory_get_login(PortalStore *store, const char *session_id, GError **error)
{
	(void)error;
	MemoryStore *self = (MemoryStore *)store;
	PortalSession *session =
		portal_sessions_lookup(self->sessions, session_id, g_get_monotonic_time());
	if (session == NULL || !session->logged_in)
		return NULL;
	PortalLogin *login = g_new0(PortalLogin, 1);
	login->subject = g_strdup(session->subject);
	login->issuer = g_strdup(session->issuer);
	login->serial = g_strdup(session->serial);
	login->not_after = g_strdup(session->not_after);
	return login;
}

static void
memory_remove(PortalStore *store, const char *session_id)
{
	portal_sessions_remove(((MemoryStore *)store)->sessions, session_id);
}

static void
memory_free(PortalStore *store)
{
	MemoryStore *self = (MemoryStore *)store;
	portal_sessions_free(self->sessions);
	g_free(self);
}

static const PortalStoreOps memory_ops = {
	.issue_nonce = memory_issue_nonce,
	.take_nonce = memory_take_nonce,
	.log_in = memory_log_in,
	.get_login = memory_get_login,
	.remove = memory_remove,
	.free = memory_free,
};

PortalStore *
portal_store_new_memory(guint max_sessions)
{
	MemoryStore *self = g_new0(MemoryStore, 1);
	self->parent.ops = &memory_ops;
	self->sessions = portal_sessions_new(max_sessions, PORTAL_SESSION_IDLE_LIFETIME);
	return &self->parent;
}
