/* The wire contract (docs/protocol.md) as data, from the C definitions: every error code
 * (libjpki's and the protocol's own) with its texts, and the limits of a request. The build
 * writes it as docs/wire-contract.json (jpki-bridge-contract); tests check that the file is
 * current and that the protocol's documentation and the extension's types, mapping and
 * limits agree with it. */
#pragma once

#include "bridge_error.h"

#include <jansson.h>

/* {"errors": [{"code", "from": "libjpki" | "host", "summary": {"ja", "en"},
 *              "advice": {"ja", "en"}}, ...],
 *  "limits": {"requestMaxBytes", "replyMaxBytes", "originMaxLength",
 *             "challengeNonceMinLength", "challengeNonceMaxLength",
 *             "certificateMaxLength"}}
 * with libjpki's codes in JpkiErrorCode order, then BRIDGE_ERROR's. */
json_t *bridge_wire_contract_json(void);
