/* The demo portal's application bodies (demo/http.c: one JSON object of exact string keys,
 * as api_apply.c asks) and the e-application text inside them (demo/application.c), on any
 * bytes. A login's body is the token itself: fuzz_authtoken.c. */
#include "application.h"
#include "http.h"
#include "portal_private.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const JpkiJsonKey *const key_sets[] = {portal_apply_keys, portal_apply_raw_keys};
	g_autoptr(GBytes) body = g_bytes_new(data, size);
	for (guint i = 0; i < G_N_ELEMENTS(key_sets); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(json_t) root = portal_http_parse_object(body, key_sets[i], &error);
		g_assert((root == NULL) == (error != NULL));
		json_t *form = root != NULL ? json_object_get(root, "form") : NULL;
		if (form != NULL) {
			g_autoptr(PortalApplication) application = portal_application_parse(
				json_string_value(form), json_string_length(form), NULL);
		}
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalApplication) application =
		portal_application_parse((const char *)data, size, &error);
	g_assert((application == NULL) == (error != NULL));
	if (application != NULL) {
		json_t *fields = portal_application_to_json(application);
		g_assert(fields != NULL);
		json_decref(fields);
	}
	return 0;
}
