/* jpki-demo-portal: a small web portal on this machine's loopback interface that logs holders
 * in with the My Number Card and takes signed e-applications, through the jpki-bridge browser
 * extension (demo/README.md).
 *
 *   jpki-demo-portal [--port N] [--listen ADDR] [--https-cert FILE --https-key FILE]
 *                    [--auth-ca FILE]... [--sign-ca FILE]... [--auth-crl FILE]...
 *                    [--sign-crl FILE]...
 *                    [--origin ORIGIN]
 *                    [--page-lib FILE] [--www DIR] [--nonce-store redis://HOST:PORT]
 *
 * SIGHUP reads the --auth-crl and --sign-crl files again and puts them in place of the CRLs in
 * use, without a restart (on an error in any of them the old ones all stay). Status 0 after SIGINT
 * or SIGTERM, 1 when it cannot start, 2 for wrong options. */
#include "jpki_error.h"
#include "portal.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define EXIT_FAILED 1
#define EXIT_USAGE  2

#define DEFAULT_PORT           8080
#define DEFAULT_NONCE_LIFETIME 300
#define MAX_NONCE_LIFETIME     3600

typedef struct {
	gint port;
	char *listen;
	char *https_cert;
	char *https_key;
	GStrv auth_ca;
	GStrv sign_ca;
	GStrv auth_crl;
	GStrv sign_crl;
	char *origin;
	char *page_lib;
	char *www_dir;
	gint nonce_lifetime;
	char *nonce_store;
} PortalOptions;

static void
portal_options_clear(PortalOptions *options)
{
	g_free(options->listen);
	g_free(options->https_cert);
	g_free(options->https_key);
	g_strfreev(options->auth_ca);
	g_strfreev(options->sign_ca);
	g_strfreev(options->auth_crl);
	g_strfreev(options->sign_crl);
	g_free(options->origin);
	g_free(options->page_lib);
	g_free(options->www_dir);
	g_free(options->nonce_store);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(PortalOptions, portal_options_clear)

static gboolean
parse_options(int *argc, char ***argv, PortalOptions *options, GError **error)
{
	options->port = DEFAULT_PORT;
	options->nonce_lifetime = DEFAULT_NONCE_LIFETIME;
	GOptionEntry entries[] = {
		{"port", 0, 0, G_OPTION_ARG_INT, &options->port,
		 "The TCP port (default 8080; 0: any free port, printed at start)", "N"},
		{"listen", 0, 0, G_OPTION_ARG_STRING, &options->listen,
		 "The loopback address to listen on (default 127.0.0.1; ::1 also works)", "ADDR"},
		{"https-cert", 0, 0, G_OPTION_ARG_FILENAME, &options->https_cert,
		 "Serve HTTPS with this PEM certificate (with --https-key)", "FILE"},
		{"https-key", 0, 0, G_OPTION_ARG_FILENAME, &options->https_key,
		 "The PEM private key of --https-cert", "FILE"},
		{"auth-ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->auth_ca,
		 "A trust anchor for login certificates; repeatable. Default: the real JPKI roots",
		 "FILE"},
		{"sign-ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->sign_ca,
		 "A trust anchor for signing certificates; repeatable. Default: the real JPKI "
		 "roots",
		 "FILE"},
		{"auth-crl", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->auth_crl,
		 "A CRL (PEM or DER) for login certificates; repeatable. Read again on SIGHUP",
		 "FILE"},
		{"sign-crl", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->sign_crl,
		 "A CRL (PEM or DER) for signing certificates (signed applications); repeatable. "
		 "Read again on SIGHUP",
		 "FILE"},
		{"origin", 0, 0, G_OPTION_ARG_STRING, &options->origin,
		 "The origin login tokens must be signed for (default: scheme://ADDR:PORT, so "
		 "open the portal at exactly that address)",
		 "ORIGIN"},
		{"page-lib", 0, 0, G_OPTION_ARG_FILENAME, &options->page_lib,
		 "The page library served as /jpki-bridge.js (default: the source tree's "
		 "extension/page/jpki-bridge.js)",
		 "FILE"},
		{"www", 0, 0, G_OPTION_ARG_FILENAME, &options->www_dir,
		 "The pages, scripts and messages (default: the source tree's demo/www)", "DIR"},
		{"nonce-store", 0, 0, G_OPTION_ARG_STRING, &options->nonce_store,
		 "Keep nonces and sessions in Redis (redis://HOST:PORT), shared by every instance "
		 "given the same; default: in this process",
		 "URL"},
		/* For the tests: nonces that expire within seconds. */
		{"nonce-lifetime-seconds", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT,
		 &options->nonce_lifetime, "How long a login nonce is valid (default 300)", "N"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_option_context_set_summary(
		context, "A demo web portal: log in with the My Number Card and send a signed "
			 "e-application, through the jpki-bridge browser extension.\n"
			 "It listens on a loopback address only.");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, argc, argv, error))
		return FALSE;
	if (*argc != 1) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "unexpected argument \"%s\"", (*argv)[1]);
		return FALSE;
	}
	if (options->port < 0 || options->port > 65535) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--port must be 0 to 65535");
		return FALSE;
	}
	if ((options->https_cert == NULL) != (options->https_key == NULL)) {
		g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
				    "--https-cert and --https-key go together");
		return FALSE;
	}
	if (options->nonce_lifetime < 1 || options->nonce_lifetime > MAX_NONCE_LIFETIME) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--nonce-lifetime-seconds must be 1 to %d", MAX_NONCE_LIFETIME);
		return FALSE;
	}
	return TRUE;
}

/* The demo holds sessions and verifies signatures for whoever connects: it is not for the
 * network. */
static GInetAddress *
loopback_address(const char *text, GError **error)
{
	g_autoptr(GInetAddress) address = g_inet_address_new_from_string(text);
	if (address == NULL) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--listen %s: not an IP address", text);
		return NULL;
	}
	if (!g_inet_address_get_is_loopback(address)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--listen %s: only a loopback address (127.0.0.1, ::1) is allowed: "
			    "the demo portal is not for the network",
			    text);
		return NULL;
	}
	return g_steal_pointer(&address);
}

static guint
default_port_of(const char *scheme)
{
	return strcmp(scheme, "https") == 0 ? 443 : 80;
}

/* As a browser serialises it: lower-case scheme and host, IPv6 in brackets, no default port. */
static char *
serialise_origin(const char *scheme, const char *host, gint port)
{
	g_autofree char *lower = g_ascii_strdown(host, -1);
	gboolean ipv6 = strchr(host, ':') != NULL;
	GString *origin = g_string_new(NULL);
	g_string_append_printf(origin, "%s://%s%s%s", scheme, ipv6 ? "[" : "", lower,
			       ipv6 ? "]" : "");
	if (port > 0 && (guint)port != default_port_of(scheme))
		g_string_append_printf(origin, ":%d", port);
	return g_string_free(origin, FALSE);
}

/* A token is signed over the origin's exact text, so only the form browsers send can ever
 * match. */
static gboolean
check_origin(const char *origin, GError **error)
{
	g_autoptr(GUri) uri = g_uri_parse(origin, G_URI_FLAGS_NONE, NULL);
	const char *scheme = uri != NULL ? g_uri_get_scheme(uri) : NULL;
	if (uri == NULL || (g_strcmp0(scheme, "http") != 0 && g_strcmp0(scheme, "https") != 0) ||
	    g_uri_get_host(uri) == NULL || *g_uri_get_host(uri) == '\0' ||
	    g_uri_get_userinfo(uri) != NULL || *g_uri_get_path(uri) != '\0' ||
	    g_uri_get_query(uri) != NULL || g_uri_get_fragment(uri) != NULL) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--origin %s: not an origin (http[s]://host[:port])", origin);
		return FALSE;
	}
	g_autofree char *canonical =
		serialise_origin(scheme, g_uri_get_host(uri), g_uri_get_port(uri));
	if (strcmp(canonical, origin) != 0) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--origin %s: a browser writes this origin as %s", origin, canonical);
		return FALSE;
	}
	return TRUE;
}

/* The checks of signed applications: the anchors (default: the real JPKI roots), then the
 * CRLs. */
static JpkiTrustStore *
load_sign_anchors(char **files, char **crl_files, GError **error)
{
	g_autoptr(JpkiTrustStore) store = NULL;
	if (files == NULL || files[0] == NULL) {
		store = jpki_trust_store_new_default(error);
		if (store == NULL)
			return NULL;
	} else {
		store = jpki_trust_store_new();
		for (guint i = 0; files[i] != NULL; i++) {
			if (!jpki_trust_store_add_file(store, files[i], error))
				return NULL;
		}
	}
	for (guint i = 0; crl_files != NULL && crl_files[i] != NULL; i++) {
		if (!jpki_trust_store_add_crl_file(store, crl_files[i], error))
			return NULL;
	}
	return g_steal_pointer(&store);
}

/* The login checks: the anchors, then the CRLs (jpki_verifier_reload_crls(), as on SIGHUP). */
static JpkiVerifier *
load_auth_verifier(char **anchor_files, char **crl_files, GError **error)
{
	g_autoptr(JpkiVerifier) verifier = NULL;
	if (anchor_files == NULL || anchor_files[0] == NULL) {
		verifier = jpki_verifier_new(error);
		if (verifier == NULL)
			return NULL;
	} else {
		verifier = jpki_verifier_new_empty();
		for (guint i = 0; anchor_files[i] != NULL; i++) {
			if (!jpki_verifier_add_anchor_file(verifier, anchor_files[i], error))
				return NULL;
		}
	}
	if (!jpki_verifier_reload_crls(verifier, (const char *const *)crl_files, error))
		return NULL;
	return g_steal_pointer(&verifier);
}

typedef struct {
	Portal *portal;
	JpkiVerifier *verifier; /* borrowed from the portal */
	const PortalOptions *options;
} CrlReload;

static guint
count_files(char **files)
{
	return files != NULL ? g_strv_length(files) : 0;
}

/* The signing CRLs are read first and put in place only once the login CRLs are: all or
 * nothing. */
static gboolean
reload_crls(CrlReload *reload, GError **error)
{
	const PortalOptions *options = reload->options;
	g_autoptr(JpkiTrustStore) sign_anchors =
		load_sign_anchors(options->sign_ca, options->sign_crl, error);
	if (sign_anchors == NULL ||
	    !jpki_verifier_reload_crls(reload->verifier, (const char *const *)options->auth_crl,
				       error))
		return FALSE;
	portal_replace_sign_anchors(reload->portal, g_steal_pointer(&sign_anchors));
	return TRUE;
}

static gboolean
reload_crls_on_signal(gpointer data)
{
	CrlReload *reload = data;
	g_autoptr(GError) error = NULL;
	if (reload_crls(reload, &error))
		fprintf(stderr, "jpki-demo-portal: SIGHUP: %u CRL files read again and in use\n",
			count_files(reload->options->auth_crl) +
				count_files(reload->options->sign_crl));
	else
		fprintf(stderr,
			"jpki-demo-portal: SIGHUP: the CRLs in use stay, since %s; fix the file "
			"and send SIGHUP again\n",
			error->message);
	return G_SOURCE_CONTINUE;
}

static SoupServer *
start_server(const PortalOptions *options, GInetAddress *address, GError **error)
{
	g_autoptr(SoupServer) server = soup_server_new("server-header", "jpki-demo-portal", NULL);
	SoupServerListenOptions listen_options = 0;
	if (options->https_cert != NULL) {
		if (!g_tls_backend_supports_tls(g_tls_backend_get_default())) {
			g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
					    "no TLS support in GIO: install glib-networking");
			return NULL;
		}
		g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files(
			options->https_cert, options->https_key, error);
		if (certificate == NULL)
			return NULL;
		soup_server_set_tls_certificate(server, certificate);
		listen_options = SOUP_SERVER_LISTEN_HTTPS;
	}
	g_autoptr(GSocketAddress) socket_address =
		g_inet_socket_address_new(address, (guint16)options->port);
	if (!soup_server_listen(server, socket_address, listen_options, error))
		return NULL;
	return g_steal_pointer(&server);
}

static guint
listening_port(SoupServer *server)
{
	GSList *uris = soup_server_get_uris(server);
	guint port = uris != NULL ? (guint)g_uri_get_port(uris->data) : 0;
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	return port;
}

static gboolean
quit_on_signal(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	g_auto(PortalOptions) options = {0};
	g_autoptr(GError) error = NULL;
	if (!parse_options(&argc, &argv, &options, &error)) {
		fprintf(stderr, "jpki-demo-portal: %s\n", error->message);
		return EXIT_USAGE;
	}
	g_autoptr(GInetAddress) address =
		loopback_address(options.listen != NULL ? options.listen : "127.0.0.1", &error);
	if (address == NULL || (options.origin != NULL && !check_origin(options.origin, &error))) {
		fprintf(stderr, "jpki-demo-portal: %s\n", error->message);
		return EXIT_USAGE;
	}
	gboolean https = options.https_cert != NULL;
	PortalSettings settings = {
		.www_dir = options.www_dir != NULL ? options.www_dir : PORTAL_WWW_DIR,
		.page_lib = options.page_lib != NULL ? options.page_lib : PORTAL_PAGE_LIB,
		.https = https,
		.nonce_lifetime = (guint)options.nonce_lifetime,
	};
	if (options.nonce_store != NULL &&
	    (settings.store = portal_store_new_redis(options.nonce_store, &error)) == NULL) {
		fprintf(stderr, "jpki-demo-portal: %s\n", error->message);
		return EXIT_USAGE;
	}
	settings.auth_verifier = load_auth_verifier(options.auth_ca, options.auth_crl, &error);
	if (settings.auth_verifier != NULL)
		settings.sign_anchors =
			load_sign_anchors(options.sign_ca, options.sign_crl, &error);
	if (settings.sign_anchors == NULL) {
		g_clear_pointer(&settings.auth_verifier, jpki_verifier_free);
		g_clear_pointer(&settings.store, portal_store_free);
		fprintf(stderr, "jpki-demo-portal: trust anchors or CRLs: %s\n", error->message);
		return EXIT_FAILED;
	}

	g_autoptr(SoupServer) server = start_server(&options, address, &error);
	if (server == NULL) {
		jpki_verifier_free(settings.auth_verifier);
		jpki_trust_store_free(settings.sign_anchors);
		g_clear_pointer(&settings.store, portal_store_free);
		fprintf(stderr, "jpki-demo-portal: %s\n", error->message);
		return EXIT_FAILED;
	}
	const char *scheme = https ? "https" : "http";
	g_autofree char *host = g_inet_address_to_string(address);
	g_autofree char *url_origin = serialise_origin(scheme, host, (gint)listening_port(server));
	settings.origin = options.origin != NULL ? options.origin : url_origin;
	CrlReload reload = {NULL, settings.auth_verifier, &options};
	g_autoptr(Portal) portal = portal_new(&settings, &error);
	if (portal == NULL) {
		fprintf(stderr, "jpki-demo-portal: %s\n", error->message);
		return EXIT_FAILED;
	}
	reload.portal = portal;
	portal_attach(portal, server);

	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	guint sigint = g_unix_signal_add(SIGINT, quit_on_signal, loop);
	guint sigterm = g_unix_signal_add(SIGTERM, quit_on_signal, loop);
	guint sighup = g_unix_signal_add(SIGHUP, reload_crls_on_signal, &reload);
	/* The tests wait for this line (and take the port from it with --port 0). */
	printf("jpki-demo-portal: listening on %s/ (login tokens must be for the origin %s)\n",
	       url_origin, settings.origin);
	fflush(stdout);
	g_main_loop_run(loop);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	g_source_remove(sighup);
	soup_server_disconnect(server);
	/* The server's handlers point at the portal: the server goes first. */
	g_clear_object(&server);
	return 0;
}
