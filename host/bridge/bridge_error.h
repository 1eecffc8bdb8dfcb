/* The native messaging protocol's own error codes (docs/protocol.md, "Errors"); the card's
 * come from JPKI_ERROR. One table holds each code's wire name and its ja/en texts. */
#pragma once

#include "messages.h"

#define BRIDGE_ERROR (bridge_error_quark())
GQuark bridge_error_quark(void);

typedef enum {
	BRIDGE_ERROR_INVALID_REQUEST,    /* not JSON, not an object, wrong keys or values */
	BRIDGE_ERROR_UNKNOWN_COMMAND,    /* "command" names no command */
	BRIDGE_ERROR_REQUEST_TOO_LARGE,  /* more than BRIDGE_MAX_REQUEST_LEN bytes */
	BRIDGE_ERROR_ORIGIN_NOT_ALLOWED, /* a well-formed origin this host does not serve */
	BRIDGE_ERROR_REPLY_TOO_LARGE,    /* a reply past BRIDGE_MAX_REPLY_LEN (reply.c) */
	BRIDGE_ERROR_NOT_A_PORTAL,       /* a portal-* command from outside the portal origins */
	BRIDGE_ERROR_LAST
} BridgeErrorCode;

/* BRIDGE_ERROR's codes and texts, for jpki_error_describe(). */
extern const JpkiErrorDomain bridge_error_domain;

/* The stable string of docs/protocol.md: "invalid-request", ...; "internal-error" for a
 * code out of range. */
const char *bridge_error_code_name(BridgeErrorCode code);
