#include "config.h"

#include "pinentry.h"

#define GROUP               "host"
#define DEFAULT_CARD_WAIT_S 60

const char *const bridge_default_portal_origins[] = {
	"https://myna.go.jp",
	"https://img.myna.go.jp",
	"https://clientweb.e-tax.nta.go.jp",
	"https://www.keisan.nta.go.jp",
	NULL,
};

/* The shipped origins and the file's "portal-origins" list, in that order. */
static GStrv
portal_origins(GKeyFile *file)
{
	g_autoptr(GStrvBuilder) origins = g_strv_builder_new();
	for (guint i = 0; bridge_default_portal_origins[i] != NULL; i++)
		g_strv_builder_add(origins, bridge_default_portal_origins[i]);
	g_auto(GStrv) added =
		file != NULL ? g_key_file_get_string_list(file, GROUP, "portal-origins", NULL, NULL)
			     : NULL;
	for (guint i = 0; added != NULL && added[i] != NULL; i++) {
		g_strstrip(added[i]);
		if (*added[i] != '\0')
			g_strv_builder_add(origins, added[i]);
	}
	return g_strv_builder_end(origins);
}

BridgeConfig *
bridge_config_load(void)
{
	BridgeConfig *config = g_new0(BridgeConfig, 1);
	config->lang = jpki_lang_from_locale();
	config->card_wait_s = DEFAULT_CARD_WAIT_S;
	config->data_dir = g_strdup(g_get_user_data_dir());

	g_autofree char *path =
		g_build_filename(g_get_user_config_dir(), "jpki-bridge", "host.conf", NULL);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) error = NULL;
	if (g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &error)) {
		config->pinentry = g_key_file_get_string(file, GROUP, "pinentry", NULL);
		config->allow_http_loopback =
			g_key_file_get_boolean(file, GROUP, "allow-http-loopback", NULL);
		g_autofree char *lang = g_key_file_get_string(file, GROUP, "lang", NULL);
		if (lang != NULL)
			jpki_lang_from_name(lang, &config->lang);
		gint wait = g_key_file_get_integer(file, GROUP, "card-wait-seconds", NULL);
		if (wait > 0)
			config->card_wait_s = (guint)wait;
		config->portal_origins = portal_origins(file);
	} else if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_warning("ignoring %s: %s", path, error->message);
	}

	if (config->portal_origins == NULL)
		config->portal_origins = portal_origins(NULL);

	/* Tests and developers: the environment wins over the file. */
	const char *pinentry = g_getenv("JPKI_PINENTRY");
	if (pinentry != NULL && *pinentry != '\0') {
		g_free(config->pinentry);
		config->pinentry = g_strdup(pinentry);
	}
	if (config->pinentry == NULL)
		config->pinentry = jpki_pinentry_program();
	if (g_strcmp0(g_getenv("JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK"), "1") == 0)
		config->allow_http_loopback = TRUE;
	const char *wait = g_getenv("JPKI_BRIDGE_CARD_WAIT_SECONDS");
	if (wait != NULL && g_ascii_strtoull(wait, NULL, 10) > 0)
		config->card_wait_s = (guint)g_ascii_strtoull(wait, NULL, 10);
	return config;
}

void
bridge_config_free(BridgeConfig *config)
{
	if (config == NULL)
		return;
	g_free(config->pinentry);
	g_strfreev(config->portal_origins);
	g_free(config->data_dir);
	g_free(config);
}

gboolean
bridge_config_is_portal_origin(const BridgeConfig *config, const char *origin)
{
	return origin != NULL &&
	       g_strv_contains((const char *const *)config->portal_origins, origin);
}
