/* PortalStore in Redis (hiredis), so that several instances of the portal share nonces and
 * logins. A nonce is taken with GETDEL: of all instances, exactly one gets it, once. Keys:
 *   jpki-demo:nonce:SESSION   "NONCE EXPIRES" (EXPIRES in µs of the Unix epoch), kept a
 *                             minute past its lifetime so that a late login is told
 *                             "expired" rather than "missing"
 *   jpki-demo:session:SESSION the login as JSON, expiring PORTAL_SESSION_IDLE_LIFETIME after
 *                             its last use (GETEX) */
#include "store.h"

#include "jansson_autoptr.h"
#include "portal_error.h"
#include "sessions.h"

#include <hiredis/hiredis.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#define NONCE_KEY_GRACE_MS 60000
#define TIMEOUT_SECONDS    1

typedef struct {
	PortalStore parent;
	char *host;
	int port;
	redisContext *context; /* NULL until connected, and after a failure */
} RedisStore;

typedef redisReply RedisReply;
static void
redis_reply_free(RedisReply *reply)
{
	freeReplyObject(reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RedisReply, redis_reply_free)

static void
set_unavailable(RedisStore *self, const char *detail, GError **error)
{
	g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_STORE_UNAVAILABLE,
		    "the nonce store redis://%s:%d cannot be used: %s", self->host, self->port,
		    detail);
}

static gboolean
ensure_connected(RedisStore *self, GError **error)
{
	if (self->context != NULL)
		return TRUE;
	struct timeval timeout = {TIMEOUT_SECONDS, 0};
	redisContext *context = redisConnectWithTimeout(self->host, self->port, timeout);
	if (context == NULL || context->err != 0) {
		set_unavailable(self, context != NULL ? context->errstr : "out of memory", error);
		if (context != NULL)
			redisFree(context);
		return FALSE;
	}
	redisSetTimeout(context, timeout);
	self->context = context;
	return TRUE;
}

/* One command (printf-like, as redisCommand); a reply of the expected kind or NULL and
 * PORTAL_ERROR_STORE_UNAVAILABLE. A broken connection is dropped, to be made again next
 * time. */
static RedisReply *
command(RedisStore *self, GError **error, const char *format, ...)
{
	if (!ensure_connected(self, error))
		return NULL;
	va_list args;
	va_start(args, format);
	RedisReply *reply = redisvCommand(self->context, format, args);
	va_end(args);
	if (reply == NULL) {
		set_unavailable(self, self->context->errstr, error);
		g_clear_pointer(&self->context, redisFree);
		return NULL;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		set_unavailable(self, reply->str, error);
		freeReplyObject(reply);
		return NULL;
	}
	return reply;
}

/* A client's cookie is used as a key only when it has the form of our ids. */
static gboolean
is_session_id(const char *id)
{
	if (id == NULL || strlen(id) != 64)
		return FALSE;
	for (const char *c = id; *c != '\0'; c++) {
		if (!g_ascii_isdigit(*c) && !(*c >= 'a' && *c <= 'f'))
			return FALSE;
	}
	return TRUE;
}

static char *
redis_issue_nonce(PortalStore *store, const char *session_id, gint64 lifetime,
		  char **new_session_id, GError **error)
{
	RedisStore *self = (RedisStore *)store;
	g_autofree char *fresh_id = is_session_id(session_id) ? NULL : portal_new_session_id();
	const char *id = fresh_id != NULL ? fresh_id : session_id;
	g_autofree char *nonce = portal_new_nonce();
	g_autofree char *value =
		g_strdup_printf("%s %" G_GINT64_FORMAT, nonce, g_get_real_time() + lifetime);
	long long ttl_ms = lifetime / 1000 + NONCE_KEY_GRACE_MS;
	g_autoptr(RedisReply) reply =
		command(self, error, "SET jpki-demo:nonce:%s %s PX %lld", id, value, ttl_ms);
	OPENSSL_cleanse(value, strlen(value));
	if (reply == NULL)
		return NULL;
	*new_session_id = g_steal_pointer(&fresh_id);
	return g_steal_pointer(&nonce);
}

static char *
redis_take_nonce(PortalStore *store, const char *session_id, GError **error)
{
	RedisStore *self = (RedisStore *)store;
	if (!is_session_id(session_id)) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NO_SESSION,
				    "no session: ask /api/nonce first, with cookies on");
		return NULL;
	}
	g_autoptr(RedisReply) reply = command(self, error, "GETDEL jpki-demo:nonce:%s", session_id);
	if (reply == NULL)
		return NULL;
	if (reply->type != REDIS_REPLY_STRING) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NONCE_MISSING,
				    "this session has no unused nonce: ask /api/nonce for one");
		return NULL;
	}
	g_auto(GStrv) parts = g_strsplit(reply->str, " ", 2);
	OPENSSL_cleanse(reply->str, reply->len);
	if (g_strv_length(parts) != 2) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_INTERNAL,
				    "a nonce in the store is not of this portal's form");
		return NULL;
	}
	gint64 expires = g_ascii_strtoll(parts[1], NULL, 10);
	if (g_get_real_time() >= expires) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NONCE_EXPIRED,
				    "the nonce of this session has expired");
		return NULL;
	}
	return g_strdup(parts[0]);
}

static char *
redis_log_in(PortalStore *store, const char *old_session_id, const PortalLogin *login,
	     GError **error)
{
	RedisStore *self = (RedisStore *)store;
	g_autoptr(json_t) json =
		json_pack("{s:s, s:s, s:s, s:s}", "subject", login->subject, "issuer",
			  login->issuer, "serial", login->serial, "notAfter", login->not_after);
	g_autofree char *text = json != NULL ? json_dumps(json, JSON_COMPACT) : NULL;
	if (text == NULL) {
		g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_INTERNAL,
				    "the certificate's details are not UTF-8");
		return NULL;
	}
	g_autofree char *id = portal_new_session_id();
	long long ttl_ms = PORTAL_SESSION_IDLE_LIFETIME / 1000;
	g_autoptr(RedisReply) set =
		command(self, error, "SET jpki-demo:session:%s %s PX %lld", id, text, ttl_ms);
	if (set == NULL)
		return NULL;
	/* The old id is worth nothing after the login (session fixation). */
	portal_store_remove(store, old_session_id);
	return g_steal_pointer(&id);
}

static char *
json_dup_string(json_t *object, const char *key)
{
	const char *value = json_string_value(json_object_get(object, key));
	return g_strdup(value != NULL ? value : "");
}

static PortalLogin *
redis_get_login(PortalStore *store, const char *session_id, GError **error)
{
	RedisStore *self = (RedisStore *)store;
	if (!is_session_id(session_id))
		return NULL;
	long long ttl_ms = PORTAL_SESSION_IDLE_LIFETIME / 1000;
	g_autoptr(RedisReply) reply =
		command(self, error, "GETEX jpki-demo:session:%s PX %lld", session_id, ttl_ms);
	if (reply == NULL || reply->type != REDIS_REPLY_STRING)
		return NULL;
	g_autoptr(json_t) json = json_loadb(reply->str, reply->len, 0, NULL);
	if (!json_is_object(json))
		return NULL;
	PortalLogin *login = g_new0(PortalLogin, 1);
	login->subject = json_dup_string(json, "subject");
	login->issuer = json_dup_string(json, "issuer");
	login->serial = json_dup_string(json, "serial");
	login->not_after = json_dup_string(json, "notAfter");
	return login;
}

static void
redis_remove(PortalStore *store, const char *session_id)
{
	RedisStore *self = (RedisStore *)store;
	if (!is_session_id(session_id))
		return;
	g_autoptr(GError) error = NULL;
	g_autoptr(RedisReply) reply =
		command(self, &error, "DEL jpki-demo:session:%s jpki-demo:nonce:%s", session_id,
			session_id);
	if (reply == NULL)
		g_printerr("jpki-demo-portal: logout: %s\n", error->message);
}

static void
redis_free(PortalStore *store)
{
	RedisStore *self = (RedisStore *)store;
	g_clear_pointer(&self->context, redisFree);
	g_free(self->host);
	g_free(self);
}

static const PortalStoreOps redis_ops = {
	.issue_nonce = redis_issue_nonce,
	.take_nonce = redis_take_nonce,
	.log_in = redis_log_in,
	.get_login = redis_get_login,
	.remove = redis_remove,
	.free = redis_free,
};

PortalStore *
portal_store_new_redis(const char *url, GError **error)
{
	g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
	if (uri == NULL || g_strcmp0(g_uri_get_scheme(uri), "redis") != 0 ||
	    g_uri_get_host(uri) == NULL || *g_uri_get_host(uri) == '\0' ||
	    g_uri_get_port(uri) < 1 || g_uri_get_userinfo(uri) != NULL ||
	    (*g_uri_get_path(uri) != '\0' && strcmp(g_uri_get_path(uri), "/") != 0)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--nonce-store %s: not redis://HOST:PORT", url);
		return NULL;
	}
	RedisStore *self = g_new0(RedisStore, 1);
	self->parent.ops = &redis_ops;
	self->host = g_strdup(g_uri_get_host(uri));
	self->port = g_uri_get_port(uri);
	return &self->parent;
}
