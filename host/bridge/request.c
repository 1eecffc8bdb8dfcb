#include "request.h"

#include "base64.h"
#include "framing.h"
#include "jansson_autoptr.h"
#include "json_shape.h"

#include <jansson.h>
#include <string.h>
#ifdef G_OS_WIN32
#include <ws2tcpip.h> /* inet_pton */
#else
#include <arpa/inet.h>
#endif

/* The argument keys of each command, in the order they are checked. */
static const JpkiJsonKey keys_origin[] = {{"origin", JSON_STRING}, {NULL, JSON_NULL}};
static const JpkiJsonKey keys_authenticate[] = {
	{"origin", JSON_STRING}, {"challengeNonce", JSON_STRING}, {NULL, JSON_NULL}};
static const JpkiJsonKey keys_sign[] = {{"origin", JSON_STRING},
					{"hash", JSON_STRING},
					{"hashFunction", JSON_STRING},
					{"certificate", JSON_STRING},
					{NULL, JSON_NULL}};
static const JpkiJsonKey keys_sign_cms[] = {{"origin", JSON_STRING},
					    {"digest", JSON_STRING},
					    {"hashFunction", JSON_STRING},
					    {NULL, JSON_NULL}};
static const JpkiJsonKey keys_none[] = {{NULL, JSON_NULL}};
static const JpkiJsonKey keys_portal_login[] = {
	{"origin", JSON_STRING}, {"toBeSigned", JSON_STRING}, {NULL, JSON_NULL}};
static const JpkiJsonKey keys_portal_sign[] = {
	{"origin", JSON_STRING}, {"digests", JSON_ARRAY}, {NULL, JSON_NULL}};

typedef struct {
	const char *name;
	/* every value a non-empty string, but portal-sign's "digests", an array of strings: the
	 * depth stays at three */
	const JpkiJsonKey *keys;
} CommandSpec;

static const CommandSpec commands[] = {
	[BRIDGE_CMD_STATUS] = {"status", keys_origin},
	[BRIDGE_CMD_AUTHENTICATE] = {"authenticate", keys_authenticate},
	[BRIDGE_CMD_GET_SIGNING_CERTIFICATE] = {"get-signing-certificate", keys_origin},
	[BRIDGE_CMD_SIGN] = {"sign", keys_sign},
	[BRIDGE_CMD_SIGN_CMS] = {"sign-cms", keys_sign_cms},
	[BRIDGE_CMD_READ_ATTRIBUTES] = {"read-attributes", keys_origin},
	[BRIDGE_CMD_QUIT] = {"quit", keys_none},
	[BRIDGE_CMD_PORTAL_ORIGINS] = {"portal-origins", keys_none},
	[BRIDGE_CMD_PORTAL_LOGIN] = {"portal-login", keys_portal_login},
	[BRIDGE_CMD_PORTAL_SIGN] = {"portal-sign", keys_portal_sign},
	[BRIDGE_CMD_PORTAL_ATTRIBUTES] = {"portal-attributes", keys_origin},
};

const char *
bridge_command_name(BridgeCommand command)
{
	if ((guint)command >= G_N_ELEMENTS(commands))
		return "unknown";
	return commands[command].name;
}

/* Exactly the spellings of the protocol; jpki_hash_from_name() is kinder
 * to people typing at a command line than a protocol should be. */
static const struct {
	const char *name;
	JpkiHashAlg alg;
} hash_functions[] = {
	{"SHA-256", JPKI_HASH_SHA256},
	{"SHA-384", JPKI_HASH_SHA384},
	{"SHA-512", JPKI_HASH_SHA512},
};

void
bridge_request_free(BridgeRequest *request)
{
	if (request == NULL)
		return;
	g_free(request->origin);
	g_free(request->challenge_nonce);
	g_clear_pointer(&request->hash, g_bytes_unref);
	g_clear_pointer(&request->certificate, g_bytes_unref);
	g_clear_pointer(&request->to_be_signed, g_ptr_array_unref);
	g_free(request);
}

static GBytes *
decode_base64(const char *key, const char *text, gsize len, GError **error)
{
	GBytes *decoded = jpki_base64_decode_strict(text, len);
	if (decoded == NULL)
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
			    "\"%s\" is not standard base64 (A-Z a-z 0-9 + / in groups of 4, "
			    "'=' padding)",
			    key);
	return decoded;
}

static gboolean
check_nonce(const char *nonce, gsize len, GError **error)
{
	if (len < BRIDGE_NONCE_MIN_LEN || len > BRIDGE_NONCE_MAX_LEN) {
		g_set_error(
			error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
			"\"challengeNonce\" must have %d to %d characters, not %" G_GSIZE_FORMAT,
			BRIDGE_NONCE_MIN_LEN, BRIDGE_NONCE_MAX_LEN, len);
		return FALSE;
	}
	g_autoptr(GBytes) decoded = jpki_base64_decode_strict(nonce, len);
	if (decoded == NULL) {
		g_set_error_literal(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
				    "\"challengeNonce\" is not standard base64");
		return FALSE;
	}
	return TRUE;
}

static gboolean
parse_hash_function(const char *name, JpkiHashAlg *alg, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS(hash_functions); i++) {
		if (strcmp(name, hash_functions[i].name) == 0) {
			*alg = hash_functions[i].alg;
			return TRUE;
		}
	}
	g_autofree char *shown = jpki_json_excerpt(name);
	g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
		    "\"hashFunction\" must be SHA-256, SHA-384 or SHA-512, not \"%s\"", shown);
	return FALSE;
}

static GBytes *
decode_hash(const char *key, const char *text, gsize len, JpkiHashAlg alg, GError **error)
{
	g_autoptr(GBytes) hash = decode_base64(key, text, len, error);
	if (hash == NULL)
		return NULL;
	if (g_bytes_get_size(hash) != jpki_hash_length(alg)) {
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
			    "\"%s\" must be %" G_GSIZE_FORMAT " bytes for %s, not %" G_GSIZE_FORMAT,
			    key, jpki_hash_length(alg), jpki_hash_name(alg),
			    g_bytes_get_size(hash));
		return NULL;
	}
	return g_steal_pointer(&hash);
}

static GBytes *
decode_certificate(const char *text, gsize len, GError **error)
{
	if (len > BRIDGE_CERTIFICATE_MAX_LEN) {
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
			    "\"certificate\" must have at most %d characters, not %" G_GSIZE_FORMAT,
			    BRIDGE_CERTIFICATE_MAX_LEN, len);
		return NULL;
	}
	return decode_base64("certificate", text, len, error);
}

/* Bytes a portal has signed as given: 1 to BRIDGE_MAX_TO_BE_SIGNED_LEN. */
static GBytes *
decode_to_be_signed(const char *key, const char *text, gsize len, GError **error)
{
	g_autoptr(GBytes) bytes = decode_base64(key, text, len, error);
	if (bytes == NULL)
		return NULL;
	if (g_bytes_get_size(bytes) > BRIDGE_MAX_TO_BE_SIGNED_LEN) {
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
			    "\"%s\" must be at most %d bytes, not %" G_GSIZE_FORMAT, key,
			    BRIDGE_MAX_TO_BE_SIGNED_LEN, g_bytes_get_size(bytes));
		return NULL;
	}
	return g_steal_pointer(&bytes);
}

/* portal-sign's "digests": an array of 1 to BRIDGE_MAX_PORTAL_DIGESTS base64 strings. */
static GPtrArray *
decode_digest_list(json_t *list, GError **error)
{
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > BRIDGE_MAX_PORTAL_DIGESTS) {
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
			    "\"digests\" must be an array of 1 to %d strings",
			    BRIDGE_MAX_PORTAL_DIGESTS);
		return NULL;
	}
	g_autoptr(GPtrArray) decoded =
		g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
	{
		if (!json_is_string(item)) {
			g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
				    "\"digests\" must hold strings, not %s",
				    jpki_json_type_name(item));
			return NULL;
		}
		GBytes *bytes = decode_to_be_signed("digests", json_string_value(item),
						    json_string_length(item), error);
		if (bytes == NULL)
			return NULL;
		g_ptr_array_add(decoded, bytes);
	}
	return g_steal_pointer(&decoded);
}

typedef enum {
	ORIGIN_ALLOWED,
	ORIGIN_NOT_ALLOWED, /* a well-formed origin this host does not serve */
	ORIGIN_MALFORMED,
} OriginVerdict;

static gboolean
is_scheme(const char *text, gsize len)
{
	if (len == 0 || !g_ascii_islower(text[0]))
		return FALSE;
	for (gsize i = 1; i < len; i++) {
		char c = text[i];
		if (!g_ascii_islower(c) && !g_ascii_isdigit(c) && c != '+' && c != '-' && c != '.')
			return FALSE;
	}
	return TRUE;
}

/* A decimal number of at most `max_len` digits and value `max`, without a leading zero. */
static gboolean
is_decimal(const char *text, gsize len, gsize max_len, guint max)
{
	if (len == 0 || len > max_len || (len > 1 && text[0] == '0'))
		return FALSE;
	guint value = 0;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isdigit(text[i]))
			return FALSE;
		value = value * 10 + (guint)(text[i] - '0');
	}
	return value <= max;
}

/* A decimal octet as the URL standard writes it: 0 to 255, no leading zero. */
static gboolean
is_ipv4_part(const char *text, gsize len)
{
	return is_decimal(text, len, 3, 255);
}

/* Four decimal octets: how the URL standard serialises every IPv4 host. */
static gboolean
is_ipv4(const char *text, gsize len)
{
	guint parts = 0;
	gsize start = 0;
	for (gsize i = 0; i <= len; i++) {
		if (i < len && text[i] != '.')
			continue;
		if (!is_ipv4_part(text + start, i - start))
			return FALSE;
		parts++;
		start = i + 1;
	}
	return parts == 4;
}

/* Whether the URL standard parses this host as IPv4: its last label is a
 * number (decimal, or hex after "0x"). */
static gboolean
ends_in_a_number(const char *text, gsize len)
{
	gsize start = len;
	while (start > 0 && text[start - 1] != '.')
		start--;
	const char *last = text + start;
	gsize last_len = len - start;
	if (last_len >= 2 && last[0] == '0' && last[1] == 'x')
		return TRUE;
	for (gsize i = 0; i < last_len; i++) {
		if (!g_ascii_isdigit(last[i]))
			return FALSE;
	}
	return last_len > 0;
}

/* A host as browsers report it (docs/protocol.md, "Requests"): labels of
 * lower-case letters, digits, '-' and '_' joined by single dots, with at
 * most one trailing dot; a host the URL standard reads as IPv4 only in the
 * four-octet form it serialises. */
static gboolean
is_host_name(const char *text, gsize len)
{
	gsize name_len = len > 0 && text[len - 1] == '.' ? len - 1 : len;
	if (name_len == 0)
		return FALSE;
	gsize label = 0;
	for (gsize i = 0; i < name_len; i++) {
		char c = text[i];
		if (c == '.') {
			if (label == 0)
				return FALSE;
			label = 0;
		} else if (g_ascii_islower(c) || g_ascii_isdigit(c) || c == '-' || c == '_') {
			label++;
		} else {
			return FALSE;
		}
	}
	if (label == 0)
		return FALSE;
	if (ends_in_a_number(text, name_len))
		return name_len == len && is_ipv4(text, len);
	return TRUE;
}

/* "[...]" holding an IPv6 address exactly as the URL standard serialises it:
 * lower-case hex pieces without leading zeros, the first longest run of two
 * or more zero pieces as "::", no dotted IPv4 tail. */
static gboolean
is_ipv6_literal(const char *text, gsize len)
{
	if (len < 4 || text[0] != '[' || text[len - 1] != ']' || len - 2 >= INET6_ADDRSTRLEN)
		return FALSE;
	char inner[INET6_ADDRSTRLEN];
	memcpy(inner, text + 1, len - 2);
	inner[len - 2] = '\0';
	guint8 address[16];
	if (inet_pton(AF_INET6, inner, address) != 1)
		return FALSE;
	guint pieces[8];
	for (guint i = 0; i < 8; i++)
		pieces[i] = (guint)address[2 * i] << 8 | address[2 * i + 1];
	int compress = -1;
	guint longest = 1;
	for (guint i = 0; i < 8;) {
		guint run = 0;
		while (i + run < 8 && pieces[i + run] == 0)
			run++;
		if (run > longest) {
			longest = run;
			compress = (int)i;
		}
		i += run > 0 ? run : 1;
	}
	g_autoptr(GString) canonical = g_string_new(NULL);
	for (guint i = 0; i < 8; i++) {
		if ((int)i == compress) {
			g_string_append(canonical, i == 0 ? "::" : ":");
			i += longest - 1;
			continue;
		}
		g_string_append_printf(canonical, "%x", pieces[i]);
		if (i < 7)
			g_string_append_c(canonical, ':');
	}
	return strcmp(canonical->str, inner) == 0;
}

/* 1 to 65535 in decimal, without leading zeros. */
static gboolean
is_port(const char *text, gsize len)
{
	return len > 0 && text[0] != '0' && is_decimal(text, len, 5, 65535);
}

static gboolean
is_http_loopback(const char *host, gsize len)
{
	static const char *const loopback[] = {"localhost", "127.0.0.1", "[::1]"};
	for (guint i = 0; i < G_N_ELEMENTS(loopback); i++) {
		if (len == strlen(loopback[i]) && memcmp(host, loopback[i], len) == 0)
			return TRUE;
	}
	return FALSE;
}

static OriginVerdict
origin_malformed(const char **why, const char *reason)
{
	*why = reason;
	return ORIGIN_MALFORMED;
}

/* The ASCII serialisation of an origin, scheme "://" host [":" port], in the
 * form a browser reports it. Whether it is well-formed is decided before
 * whether it is allowed, so that garbage is invalid-request and only a real
 * origin of another kind is origin-not-allowed. */
static OriginVerdict
classify_origin(const char *origin, gsize len, gboolean allow_http_loopback, const char **why)
{
	if (len > BRIDGE_ORIGIN_MAX_LEN)
		return origin_malformed(why, "is longer than 255 characters");
	for (gsize i = 0; i < len; i++) {
		if (origin[i] <= ' ' || origin[i] > '~')
			return origin_malformed(why, "must be printable ASCII without spaces");
	}
	/* What a browser reports for an opaque origin (a sandboxed frame, data:). */
	if (strcmp(origin, "null") == 0)
		return ORIGIN_NOT_ALLOWED;

	const char *separator = strstr(origin, "://");
	if (separator == NULL || !is_scheme(origin, (gsize)(separator - origin)))
		return origin_malformed(why, "is not scheme://host[:port]");
	gsize scheme_len = (gsize)(separator - origin);
	const char *authority = separator + 3;
	if (strpbrk(authority, "/?#@\\") != NULL)
		return origin_malformed(
			why, "must not have a path, query, fragment, user info or trailing slash");

	const char *host = authority;
	gsize host_len = 0;
	const char *port = NULL;
	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		if (close == NULL)
			return origin_malformed(why, "has an unclosed IPv6 literal");
		host_len = (gsize)(close - host) + 1;
		if (close[1] != '\0' && close[1] != ':')
			return origin_malformed(why, "has text after the IPv6 literal");
		if (!is_ipv6_literal(host, host_len))
			return origin_malformed(
				why, "needs an IPv6 literal as browsers write it (lower case, "
				     "shortest form)");
	} else {
		host_len = strcspn(host, ":");
		if (host_len > 0 && !is_host_name(host, host_len))
			return origin_malformed(
				why, "needs a host as browsers write it: lower-case labels of "
				     "letters, digits, '-' and '_' between single dots, IPv4 as "
				     "four decimal octets");
	}
	gboolean https = scheme_len == 5 && memcmp(origin, "https", 5) == 0;
	gboolean http = scheme_len == 4 && memcmp(origin, "http", 4) == 0;
	if (host[host_len] == ':') {
		port = host + host_len + 1;
		if (!is_port(port, strlen(port)))
			return origin_malformed(why,
						"needs a port of 1 to 65535 without leading zeros");
		if ((https && strcmp(port, "443") == 0) || (http && strcmp(port, "80") == 0))
			return origin_malformed(
				why, "names its scheme's default port, which browsers leave out");
	}

	if (host_len == 0) {
		/* "file://" is how browsers show a local file's origin; no
		 * web origin has an empty host. */
		if (https || http || port != NULL)
			return origin_malformed(why, "has no host");
		return ORIGIN_NOT_ALLOWED;
	}
	if (https)
		return ORIGIN_ALLOWED;
	if (http && allow_http_loopback && is_http_loopback(host, host_len))
		return ORIGIN_ALLOWED;
	return ORIGIN_NOT_ALLOWED;
}

static const CommandSpec *
find_command(const char *name, BridgeCommand *command)
{
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (strcmp(name, commands[i].name) == 0) {
			*command = (BridgeCommand)i;
			return &commands[i];
		}
	}
	return NULL;
}

/* The envelope: an object of exactly a non-empty string "command" and an
 * object "arguments". */
static const CommandSpec *
parse_envelope(json_t *root, BridgeCommand *command, json_t **arguments, GError **error)
{
	static const JpkiJsonKey envelope_keys[] = {
		{"command", JSON_STRING}, {"arguments", JSON_OBJECT}, {NULL, JSON_NULL}};
	if (!jpki_json_check_object(root, envelope_keys, "request", BRIDGE_ERROR,
				    BRIDGE_ERROR_INVALID_REQUEST, error))
		return NULL;
	const char *name = json_string_value(json_object_get(root, "command"));
	*arguments = json_object_get(root, "arguments");
	const CommandSpec *spec = find_command(name, command);
	if (spec == NULL) {
		g_autofree char *shown = jpki_json_excerpt(name);
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_UNKNOWN_COMMAND,
			    "unknown command \"%s\"", shown);
		return NULL;
	}
	return spec;
}

/* Every value is checked before the origin's policy is applied, so that
 * origin-not-allowed always means an otherwise valid request. */
static gboolean
parse_arguments(BridgeRequest *request, const CommandSpec *spec, json_t *arguments,
		gboolean allow_http_loopback, GError **error)
{
	if (!jpki_json_check_object(arguments, spec->keys, "arguments", BRIDGE_ERROR,
				    BRIDGE_ERROR_INVALID_REQUEST, error))
		return FALSE;
	/* sign takes the most arguments */
	const char *values[G_N_ELEMENTS(keys_sign)] = {NULL};
	gsize lens[G_N_ELEMENTS(keys_sign)] = {0};
	for (guint i = 0; spec->keys[i].name != NULL; i++) {
		json_t *value = json_object_get(arguments, spec->keys[i].name);
		values[i] = json_string_value(value); /* NULL for "digests", decoded below */
		lens[i] = json_string_length(value);
	}

	OriginVerdict verdict = ORIGIN_ALLOWED;
	for (guint i = 0; spec->keys[i].name != NULL; i++) {
		if (strcmp(spec->keys[i].name, "hashFunction") == 0 &&
		    !parse_hash_function(values[i], &request->hash_alg, error))
			return FALSE;
	}
	for (guint i = 0; spec->keys[i].name != NULL; i++) {
		const char *key = spec->keys[i].name;
		if (strcmp(key, "origin") == 0) {
			const char *why = NULL;
			verdict = classify_origin(values[i], lens[i], allow_http_loopback, &why);
			if (verdict == ORIGIN_MALFORMED) {
				g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
					    "\"origin\" %s", why);
				return FALSE;
			}
			request->origin = g_strdup(values[i]);
		} else if (strcmp(key, "challengeNonce") == 0) {
			if (!check_nonce(values[i], lens[i], error))
				return FALSE;
			request->challenge_nonce = g_strdup(values[i]);
		} else if (strcmp(key, "hash") == 0 || strcmp(key, "digest") == 0) {
			request->hash =
				decode_hash(key, values[i], lens[i], request->hash_alg, error);
			if (request->hash == NULL)
				return FALSE;
		} else if (strcmp(key, "certificate") == 0) {
			request->certificate = decode_certificate(values[i], lens[i], error);
			if (request->certificate == NULL)
				return FALSE;
		} else if (strcmp(key, "toBeSigned") == 0) {
			GBytes *bytes = decode_to_be_signed(key, values[i], lens[i], error);
			if (bytes == NULL)
				return FALSE;
			request->to_be_signed =
				g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
			g_ptr_array_add(request->to_be_signed, bytes);
		} else if (strcmp(key, "digests") == 0) {
			request->to_be_signed =
				decode_digest_list(json_object_get(arguments, key), error);
			if (request->to_be_signed == NULL)
				return FALSE;
		}
	}
	if (verdict == ORIGIN_NOT_ALLOWED) {
		g_autofree char *shown = jpki_json_excerpt(request->origin);
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_ORIGIN_NOT_ALLOWED,
			    "the origin \"%s\" is not allowed: only https%s", shown,
			    allow_http_loopback ? " and http on the loopback" : "");
		return FALSE;
	}
	return TRUE;
}

BridgeRequest *
bridge_request_parse(const guint8 *json, gsize len, gboolean allow_http_loopback, GError **error)
{
	if (len > BRIDGE_MAX_REQUEST_LEN) {
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_REQUEST_TOO_LARGE,
			    "a request of %" G_GSIZE_FORMAT " bytes exceeds the limit of %d", len,
			    BRIDGE_MAX_REQUEST_LEN);
		return NULL;
	}
	/* Without JSON_DECODE_ANY only an object or an array parses; without
	 * JSON_ALLOW_NUL "\u0000" is refused; invalid UTF-8 always is. */
	json_error_t parse_error;
	g_autoptr(json_t) root = json_loadb(json != NULL ? (const char *)json : "", len,
					    JSON_REJECT_DUPLICATES, &parse_error);
	if (root == NULL) {
		g_autofree char *shown = g_strescape(parse_error.text, NULL);
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_INVALID_REQUEST,
			    "not valid JSON: %s (at byte %d)", shown, parse_error.position);
		return NULL;
	}

	g_autoptr(BridgeRequest) request = g_new0(BridgeRequest, 1);
	json_t *arguments = NULL;
	const CommandSpec *spec = parse_envelope(root, &request->command, &arguments, error);
	if (spec == NULL)
		return NULL;
	if (!parse_arguments(request, spec, arguments, allow_http_loopback, error))
		return NULL;
	return g_steal_pointer(&request);
}
