/* The Portal object and its routing: one handler for every path, an exact table of routes. */
#include "portal_private.h"

#include "http.h"
#include "jpki_error.h"
#include "portal_error.h"

#include <string.h>

/* At most this many sessions at once in memory. */
#define SESSIONS_MAX 4096

Portal *
portal_new(PortalSettings *settings, GError **error)
{
	g_return_val_if_fail(settings->auth_verifier != NULL && settings->sign_anchors != NULL,
			     NULL);
	g_autoptr(Portal) portal = g_new0(Portal, 1);
	portal->www_dir = g_strdup(settings->www_dir);
	portal->page_lib = g_strdup(settings->page_lib);
	portal->origin = g_strdup(settings->origin);
	portal->https = settings->https;
	portal->nonce_lifetime = (gint64)settings->nonce_lifetime * G_USEC_PER_SEC;
	portal->auth_verifier = g_steal_pointer(&settings->auth_verifier);
	portal->sign_anchors = g_steal_pointer(&settings->sign_anchors);
	portal->store = settings->store != NULL ? g_steal_pointer(&settings->store)
						: portal_store_new_memory(SESSIONS_MAX);

	g_autofree char *messages_path = g_build_filename(portal->www_dir, "messages.json", NULL);
	portal->messages = portal_messages_new_from_file(messages_path, error);
	if (portal->messages == NULL)
		return NULL;
	for (const char *const *code = portal_error_all_code_names(); *code != NULL; code++) {
		g_autofree char *key = g_strconcat("error.", *code, NULL);
		if (portal_messages_lookup(portal->messages, key, JPKI_LANG_JA) == NULL) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "%s has no message \"%s\"", messages_path, key);
			return NULL;
		}
	}
	return g_steal_pointer(&portal);
}

void
portal_free(Portal *portal)
{
	if (portal == NULL)
		return;
	g_free(portal->www_dir);
	g_free(portal->page_lib);
	g_free(portal->origin);
	g_clear_pointer(&portal->auth_verifier, jpki_verifier_free);
	g_clear_pointer(&portal->sign_anchors, jpki_trust_store_free);
	g_clear_pointer(&portal->messages, portal_messages_free);
	g_clear_pointer(&portal->store, portal_store_free);
	g_free(portal);
}

void
portal_replace_sign_anchors(Portal *portal, JpkiTrustStore *sign_anchors)
{
	g_return_if_fail(portal != NULL && sign_anchors != NULL);
	jpki_trust_store_free(portal->sign_anchors);
	portal->sign_anchors = sign_anchors;
}

PortalLogin *
portal_request_login(PortalRequest *request, GError **error)
{
	g_autofree char *id = portal_http_dup_cookie(request->msg, PORTAL_SESSION_COOKIE);
	return portal_store_get_login(request->portal->store, id, error);
}

void
portal_request_reply_error(PortalRequest *request, const GError *error)
{
	g_printerr("jpki-demo-portal: %s %s: %s: %s\n",
		   soup_server_message_get_method(request->msg),
		   g_uri_get_path(soup_server_message_get_uri(request->msg)),
		   portal_error_code_name(error), error->message);
	portal_http_reply_error(request->msg, request->portal->messages, error);
}

typedef struct {
	const char *path;
	const char *method; /* GET routes also answer HEAD */
	void (*handle)(PortalRequest *request);
} PortalRoute;

static const PortalRoute routes[] = {
	{"/", "GET", portal_page_login},
	{"/apply", "GET", portal_page_apply},
	{"/logout", "GET", portal_page_logout},
	{"/logout", "POST", portal_page_logout},
	{"/api/nonce", "POST", portal_api_nonce},
	{"/api/login", "POST", portal_api_login},
	{"/api/session", "GET", portal_api_session},
	{"/api/apply", "POST", portal_api_apply},
	{"/api/apply-raw", "POST", portal_api_apply_raw},
	{"/api/verification-code", "POST", portal_api_verification_code},
};

static gboolean
method_matches(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* A browser names the page's origin on every POST; one from another site is refused even
 * before SameSite would keep its cookie away. Clients without Origin (curl) pass. */
static gboolean
check_origin_header(PortalRequest *request, GError **error)
{
	const char *origin = soup_message_headers_get_one(
		soup_server_message_get_request_headers(request->msg), "Origin");
	if (origin == NULL || strcmp(origin, request->portal->origin) == 0)
		return TRUE;
	g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_ORIGIN_MISMATCH,
		    "the request comes from %s, this portal is %s", origin,
		    request->portal->origin);
	return FALSE;
}

static void
route(PortalRequest *request, const char *path)
{
	const char *method = soup_server_message_get_method(request->msg);
	gboolean path_known = FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(routes); i++) {
		if (strcmp(routes[i].path, path) != 0)
			continue;
		path_known = TRUE;
		if (!method_matches(routes[i].method, method))
			continue;
		g_autoptr(GError) error = NULL;
		if (strcmp(method, "POST") == 0 && !check_origin_header(request, &error)) {
			portal_request_reply_error(request, error);
			return;
		}
		routes[i].handle(request);
		return;
	}
	if (!path_known && portal_static_file_exists(path)) {
		path_known = TRUE;
		if (method_matches("GET", method)) {
			portal_static_file(request, path);
			return;
		}
	}
	g_autoptr(GError) error = NULL;
	if (path_known) {
		g_set_error(&error, PORTAL_ERROR, PORTAL_ERROR_METHOD_NOT_ALLOWED,
			    "%s does not answer %s", path, method);
	} else {
		g_set_error(&error, PORTAL_ERROR, PORTAL_ERROR_NOT_FOUND, "no page %s", path);
	}
	portal_request_reply_error(request, error);
}

static void
handle_request(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
	       gpointer user_data)
{
	(void)server;
	PortalRequest request = {.portal = user_data, .msg = msg, .query = query};
	portal_http_set_security_headers(msg);
	route(&request, path);
}

/* Before the body is read: an over-long one is refused and never kept. */
static void
handle_request_headers(SoupServer *server, SoupServerMessage *msg, const char *path,
		       GHashTable *query, gpointer user_data)
{
	(void)server;
	(void)path;
	(void)query;
	Portal *portal = user_data;
	g_autoptr(GError) error = NULL;
	if (!portal_http_check_body_length(msg, &error)) {
		PortalRequest request = {.portal = portal, .msg = msg, .query = NULL};
		portal_http_set_security_headers(msg);
		portal_request_reply_error(&request, error);
	}
}

void
portal_attach(Portal *portal, SoupServer *server)
{
	soup_server_add_early_handler(server, NULL, handle_request_headers, portal, NULL);
	soup_server_add_handler(server, NULL, handle_request, portal, NULL);
}
