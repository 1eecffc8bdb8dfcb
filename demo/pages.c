/* The HTML pages (the www/ HTML files with {{...}} placeholders, in the request's language), the
 * static files, and logging out. */
#include "portal_private.h"

#include "http.h"
#include "portal_error.h"

#include <string.h>

/* No file the portal serves comes near this. */
#define STATIC_FILE_MAX (1024 * 1024)

typedef struct {
	const char *path;
	const char *file; /* under www/; NULL: the page library */
	const char *content_type;
} PortalStaticFile;

static const PortalStaticFile static_files[] = {
	{"/style.css", "style.css", "text/css; charset=utf-8"},
	{"/portal.js", "portal.js", "text/javascript; charset=utf-8"},
	{"/login.js", "login.js", "text/javascript; charset=utf-8"},
	{"/apply.js", "apply.js", "text/javascript; charset=utf-8"},
	{"/favicon.svg", "favicon.svg", "image/svg+xml"},
	{"/jpki-bridge.js", NULL, "text/javascript; charset=utf-8"},
};

static const PortalStaticFile *
find_static_file(const char *path)
{
	for (guint i = 0; i < G_N_ELEMENTS(static_files); i++) {
		if (strcmp(static_files[i].path, path) == 0)
			return &static_files[i];
	}
	return NULL;
}

gboolean
portal_static_file_exists(const char *path)
{
	return find_static_file(path) != NULL;
}

static char *
read_file(const char *path, gsize *len, GError **error)
{
	char *text = NULL;
	g_autoptr(GError) local = NULL;
	if (!g_file_get_contents(path, &text, len, &local)) {
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_NOT_FOUND, "%s", local->message);
		return NULL;
	}
	if (*len > STATIC_FILE_MAX) {
		g_free(text);
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_INTERNAL, "%s: more than %d bytes",
			    path, STATIC_FILE_MAX);
		return NULL;
	}
	return text;
}

void
portal_static_file(PortalRequest *request, const char *path)
{
	const PortalStaticFile *file = find_static_file(path);
	g_return_if_fail(file != NULL);
	g_autofree char *file_path =
		file->file != NULL ? g_build_filename(request->portal->www_dir, file->file, NULL)
				   : g_strdup(request->portal->page_lib);
	gsize len = 0;
	g_autoptr(GError) error = NULL;
	char *text = read_file(file_path, &len, &error);
	if (text == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	soup_server_message_set_status(request->msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response(request->msg, file->content_type, SOUP_MEMORY_TAKE, text,
					 len);
}

/* ?lang= wins and is remembered in a cookie, for the next pages. */
static JpkiLang
page_lang(PortalRequest *request)
{
	const char *query_lang =
		request->query != NULL ? g_hash_table_lookup(request->query, "lang") : NULL;
	JpkiLang lang;
	if (query_lang != NULL && jpki_lang_from_name(query_lang, &lang)) {
		portal_http_set_cookie(request->msg, PORTAL_LANG_COOKIE, query_lang, TRUE,
				       request->portal->https);
		return lang;
	}
	g_autofree char *cookie_lang = portal_http_dup_cookie(request->msg, PORTAL_LANG_COOKIE);
	const char *accept_language = soup_message_headers_get_list(
		soup_server_message_get_request_headers(request->msg), "Accept-Language");
	return portal_negotiate_lang(NULL, cookie_lang, accept_language);
}

/* {{key}}: the message `key` in `lang`, HTML-escaped. {{=lang}}, {{=other_lang}}: "ja" or
 * "en". {{=messages}}: every message in `lang` as JSON, for the page's script. */
static gboolean
expand_placeholder(Portal *portal, const char *name, JpkiLang lang, GString *out, GError **error)
{
	JpkiLang other = lang == JPKI_LANG_JA ? JPKI_LANG_EN : JPKI_LANG_JA;
	if (strcmp(name, "=lang") == 0) {
		g_string_append(out, portal_lang_name(lang));
	} else if (strcmp(name, "=other_lang") == 0) {
		g_string_append(out, portal_lang_name(other));
	} else if (strcmp(name, "=messages") == 0) {
		g_autofree char *json = portal_messages_dup_json(portal->messages, lang);
		g_string_append(out, json);
	} else {
		const char *text = portal_messages_lookup(portal->messages, name, lang);
		if (text == NULL) {
			g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_INTERNAL,
				    "the page names an unknown message {{%s}}", name);
			return FALSE;
		}
		g_autofree char *escaped = g_markup_escape_text(text, -1);
		g_string_append(out, escaped);
	}
	return TRUE;
}

static char *
render_template(Portal *portal, const char *text, JpkiLang lang, GError **error)
{
	g_autoptr(GString) out = g_string_sized_new(strlen(text) + 1024);
	const char *p = text;
	for (const char *open; (open = strstr(p, "{{")) != NULL;) {
		const char *close = strstr(open + 2, "}}");
		if (close == NULL) {
			g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_INTERNAL,
					    "the page has an unclosed {{");
			return NULL;
		}
		g_string_append_len(out, p, open - p);
		g_autofree char *name = g_strndup(open + 2, (gsize)(close - open - 2));
		if (!expand_placeholder(portal, g_strstrip(name), lang, out, error))
			return NULL;
		p = close + 2;
	}
	g_string_append(out, p);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
render_page(PortalRequest *request, const char *file)
{
	JpkiLang lang = page_lang(request);
	g_autofree char *path = g_build_filename(request->portal->www_dir, file, NULL);
	gsize len = 0;
	g_autoptr(GError) error = NULL;
	g_autofree char *template = read_file(path, &len, &error);
	char *html =
		template != NULL ? render_template(request->portal, template, lang, &error) : NULL;
	if (html == NULL) {
		g_prefix_error(&error, "%s: ", file);
		portal_request_reply_error(request, error);
		return;
	}
	soup_message_headers_replace(soup_server_message_get_response_headers(request->msg),
				     "Content-Language", portal_lang_name(lang));
	soup_server_message_set_status(request->msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response(request->msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
					 html, strlen(html));
}

void
portal_page_login(PortalRequest *request)
{
	render_page(request, "index.html");
}

void
portal_page_apply(PortalRequest *request)
{
	/* A store that cannot answer is no login. */
	g_autoptr(PortalLogin) login = portal_request_login(request, NULL);
	if (login == NULL) {
		soup_server_message_set_redirect(request->msg, SOUP_STATUS_SEE_OTHER, "/");
		return;
	}
	render_page(request, "apply.html");
}

void
portal_page_logout(PortalRequest *request)
{
	g_autofree char *id = portal_http_dup_cookie(request->msg, PORTAL_SESSION_COOKIE);
	portal_store_remove(request->portal->store, id);
	portal_http_set_cookie(request->msg, PORTAL_SESSION_COOKIE, NULL, TRUE,
			       request->portal->https);
	soup_server_message_set_redirect(request->msg, SOUP_STATUS_SEE_OTHER, "/");
}
