/* What each command of docs/protocol.md does with the card and the dialogs. */
#pragma once

#include "cancel.h"
#include "config.h"
#include "request.h"

#include <jansson.h>

/* Runs one validated request; the reply object, or an error (JPKI_ERROR).
 * Blocks: the host runs it in a worker thread, and cancels `cancel`
 * when the browser disconnects, which closes dialogs and ends waits.
 * `tries_left` is set (else -1) when the error is pin-incorrect. */
json_t *bridge_command_run(const BridgeRequest *request, const BridgeConfig *config,
			   JpkiCancel *cancel, int *tries_left, GError **error);
