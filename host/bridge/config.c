#include "config.h"

#include "pinentry.h"

#define GROUP               "host"
#define DEFAULT_CARD_WAIT_S 60

BridgeConfig *
bridge_config_load(void)
{
	BridgeConfig *config = g_new0(BridgeConfig, 1);
	config->lang = jpki_lang_from_locale();
	config->card_wait_s = DEFAULT_CARD_WAIT_S;

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
	} else if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_warning("ignoring %s: %s", path, error->message);
	}

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
	g_free(config);
}
