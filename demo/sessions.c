/* PortalSessions: a GHashTable from id to PortalSession, bounded and expiring. */
#include "sessions.h"

#include "portal_error.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

struct _PortalSessions {
	GHashTable *by_id; /* borrowed id -> owned PortalSession */
	guint max_sessions;
	gint64 idle_lifetime;
};

/* The nonce is a secret until used: wiped, not just freed. */
static void
nonce_clear(PortalSession *session)
{
	if (session->nonce != NULL) {
		OPENSSL_cleanse(session->nonce, strlen(session->nonce));
		g_clear_pointer(&session->nonce, g_free);
	}
	session->nonce_expires_at = 0;
}

static void
portal_session_free(PortalSession *session)
{
	if (session == NULL)
		return;
	nonce_clear(session);
	OPENSSL_cleanse(session->id, strlen(session->id));
	g_free(session->id);
	g_free(session->subject);
	g_free(session->issuer);
	g_free(session->serial);
	g_free(session->not_after);
	g_free(session);
}

static void
random_bytes(guint8 *buf, gsize len)
{
	/* Without randomness there is no safe session or nonce: stop rather than go on. */
	if (RAND_bytes(buf, (int)len) != 1)
		g_error("RAND_bytes failed: no randomness for session ids and nonces");
}

char *
portal_new_session_id(void)
{
	guint8 raw[32];
	random_bytes(raw, sizeof(raw));
	GString *hex = g_string_sized_new(2 * sizeof(raw));
	for (gsize i = 0; i < sizeof(raw); i++)
		g_string_append_printf(hex, "%02x", raw[i]);
	OPENSSL_cleanse(raw, sizeof(raw));
	return g_string_free(hex, FALSE);
}

PortalSessions *
portal_sessions_new(guint max_sessions, gint64 idle_lifetime)
{
	g_return_val_if_fail(max_sessions > 0 && idle_lifetime > 0, NULL);
	PortalSessions *sessions = g_new0(PortalSessions, 1);
	sessions->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						(GDestroyNotify)portal_session_free);
	sessions->max_sessions = max_sessions;
	sessions->idle_lifetime = idle_lifetime;
	return sessions;
}

void
portal_sessions_free(PortalSessions *sessions)
{
	if (sessions == NULL)
		return;
	g_hash_table_destroy(sessions->by_id);
	g_free(sessions);
}

static gboolean
is_expired(gpointer key, gpointer value, gpointer user_data)
{
	(void)key;
	const PortalSession *session = value;
	return session->expires_at <= *(const gint64 *)user_data;
}

PortalSession *
portal_sessions_create(PortalSessions *sessions, gint64 now, GError **error)
{
	g_hash_table_foreach_remove(sessions->by_id, is_expired, &now);
	if (g_hash_table_size(sessions->by_id) >= sessions->max_sessions) {
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_BUSY,
			    "%u sessions are open, the most this portal keeps",
			    sessions->max_sessions);
		return NULL;
	}
	PortalSession *session = g_new0(PortalSession, 1);
	session->id = portal_new_session_id();
	session->expires_at = now + sessions->idle_lifetime;
	g_hash_table_insert(sessions->by_id, session->id, session);
	return session;
}

PortalSession *
portal_sessions_lookup(PortalSessions *sessions, const char *id, gint64 now)
{
	if (id == NULL)
		return NULL;
	PortalSession *session = g_hash_table_lookup(sessions->by_id, id);
	if (session == NULL)
		return NULL;
	if (session->expires_at <= now) {
		g_hash_table_remove(sessions->by_id, id);
		return NULL;
	}
	session->expires_at = now + sessions->idle_lifetime;
	return session;
}

PortalSession *
portal_sessions_rotate(PortalSessions *sessions, PortalSession *session, gint64 now)
{
	g_return_val_if_fail(g_hash_table_lookup(sessions->by_id, session->id) == session, NULL);
	g_hash_table_steal(sessions->by_id, session->id);
	OPENSSL_cleanse(session->id, strlen(session->id));
	g_free(session->id);
	session->id = portal_new_session_id();
	session->expires_at = now + sessions->idle_lifetime;
	g_hash_table_insert(sessions->by_id, session->id, session);
	return session;
}

void
portal_sessions_remove(PortalSessions *sessions, const char *id)
{
	if (id != NULL)
		g_hash_table_remove(sessions->by_id, id);
}

guint
portal_sessions_count(PortalSessions *sessions)
{
	return g_hash_table_size(sessions->by_id);
}

char *
portal_new_nonce(void)
{
	guint8 raw[PORTAL_NONCE_BYTES];
	random_bytes(raw, sizeof(raw));
	char *nonce = g_base64_encode(raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	return nonce;
}

char *
portal_session_issue_nonce(PortalSession *session, gint64 now, gint64 lifetime)
{
	nonce_clear(session);
	session->nonce = portal_new_nonce();
	session->nonce_expires_at = now + lifetime;
	return g_strdup(session->nonce);
}

PortalNonceState
portal_session_take_nonce(PortalSession *session, gint64 now, char **nonce)
{
	*nonce = NULL;
	if (session->nonce == NULL)
		return PORTAL_NONCE_MISSING;
	gboolean expired = session->nonce_expires_at <= now;
	if (!expired)
		*nonce = g_strdup(session->nonce);
	nonce_clear(session);
	return expired ? PORTAL_NONCE_EXPIRED : PORTAL_NONCE_VALID;
}

void
portal_session_set_logged_in(PortalSession *session, const char *subject, const char *issuer,
			     const char *serial, const char *not_after)
{
	session->logged_in = TRUE;
	g_free(session->subject);
	session->subject = g_strdup(subject);
	g_free(session->issuer);
	session->issuer = g_strdup(issuer);
	g_free(session->serial);
	session->serial = g_strdup(serial);
	g_free(session->not_after);
	session->not_after = g_strdup(not_after);
}
