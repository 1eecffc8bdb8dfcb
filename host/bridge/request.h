/* One request of the native messaging protocol, parsed and checked against
 * docs/protocol.md ("Requests") before anything acts on it. */
#pragma once

#include <glib.h>

#include "bridge_error.h"
#include "digestinfo.h"

/* The limits of a request's values (docs/protocol.md, "Requests"); the frame's are in
 * framing.h. All are in the generated contract (wire_codes.h). */
#define BRIDGE_ORIGIN_MAX_LEN      255 /* characters of an origin */
#define BRIDGE_NONCE_MIN_LEN       44  /* characters of challengeNonce: 32 bytes in base64 */
#define BRIDGE_NONCE_MAX_LEN       128
#define BRIDGE_CERTIFICATE_MAX_LEN 4096 /* characters of the certificate's base64 */

typedef enum {
	BRIDGE_CMD_STATUS,
	BRIDGE_CMD_AUTHENTICATE,
	BRIDGE_CMD_GET_SIGNING_CERTIFICATE,
	BRIDGE_CMD_SIGN,
	BRIDGE_CMD_SIGN_CMS,
	BRIDGE_CMD_READ_ATTRIBUTES,
	BRIDGE_CMD_QUIT,
	/* The マイナポータルAP protocol (docs/mynaportal.md): config->portal_origins only. */
	BRIDGE_CMD_PORTAL_ORIGINS,
	BRIDGE_CMD_PORTAL_LOGIN,
	BRIDGE_CMD_PORTAL_SIGN,
	BRIDGE_CMD_PORTAL_ATTRIBUTES,
} BridgeCommand;

/* The name on the wire: "status", "get-signing-certificate", ... */
const char *bridge_command_name(BridgeCommand command);

/* A plain record: the fields a command does not take are NULL (hash_alg is
 * then JPKI_HASH_SHA256 and means nothing). */
typedef struct {
	BridgeCommand command;
	char *origin;            /* all but quit */
	char *challenge_nonce;   /* authenticate; the text as given, not decoded */
	JpkiHashAlg hash_alg;    /* sign, sign-cms */
	GBytes *hash;            /* sign: "hash"; sign-cms: "digest"; of hash_alg's length */
	GBytes *certificate;     /* sign: the DER bytes */
	GPtrArray *to_be_signed; /* portal-login: one, portal-sign: 1 to BRIDGE_MAX_PORTAL_DIGESTS
				    byte strings (GBytes), signed as given */
} BridgeRequest;

#define BRIDGE_MAX_PORTAL_DIGESTS 64
/* What one RSA-2048 PKCS#1 v1.5 signature can carry (256 - 11 bytes). */
#define BRIDGE_MAX_TO_BE_SIGNED_LEN 245

/* Parses one request. allow_http_loopback admits http://localhost,
 * http://127.0.0.1 and http://[::1] (development only). A request that is
 * malformed in any way fails with BRIDGE_ERROR_INVALID_REQUEST (or
 * UNKNOWN_COMMAND) and a message naming the key; ORIGIN_NOT_ALLOWED is
 * given only for an otherwise valid request. */
BridgeRequest *bridge_request_parse(const guint8 *json, gsize len, gboolean allow_http_loopback,
				    GError **error);
void bridge_request_free(BridgeRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BridgeRequest, bridge_request_free)
