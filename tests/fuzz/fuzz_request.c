/* Request validation (host/bridge/request.c) on any frame payload, and the error reply the
 * host would write for it (reply.c): every refusal must be one JSON error object. */
#include "reply.h"
#include "request.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int loopback = 0; loopback <= 1; loopback++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(BridgeRequest) request =
			bridge_request_parse(data, size, loopback, &error);
		g_assert((request == NULL) == (error != NULL));
		if (request != NULL) {
			g_assert(request->origin != NULL || request->command == BRIDGE_CMD_QUIT);
			continue;
		}
		g_assert(error->domain == BRIDGE_ERROR);
		json_t *reply = bridge_error_reply(error, -1);
		g_assert(reply != NULL);
		char *text = json_dumps(reply, JSON_COMPACT);
		g_assert(text != NULL);
		free(text);
		json_decref(reply);
	}
	return 0;
}
