#include "config.h"

#include "pinentry.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define GROUP               "host"
#define DEFAULT_CARD_WAIT_S 60

/* The test variables are honoured only from a file that no one but the user could have
 * written. */
static gboolean
file_is_the_users_own(const char *path)
{
	GStatBuf st;
	return g_stat(path, &st) == 0 && st.st_uid == getuid() &&
	       (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

static void
set_pinentry(BridgeConfig *config, const char *program, const char *where)
{
	if (program == NULL || *program == '\0')
		return;
	if (!g_path_is_absolute(program)) {
		g_warning("%s: the pinentry must be an absolute path; ignoring '%s'", where,
			  program);
		return;
	}
	g_free(config->pinentry);
	config->pinentry = g_strdup(program);
}

static void
load_file(BridgeConfig *config, const char *path)
{
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) error = NULL;
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &error)) {
		if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_warning("ignoring %s: %s", path, error->message);
		return;
	}
	g_autofree char *pinentry = g_key_file_get_string(file, GROUP, "pinentry", NULL);
	set_pinentry(config, pinentry, path);
	config->allow_http_loopback =
		g_key_file_get_boolean(file, GROUP, "allow-http-loopback", NULL);
	g_autofree char *lang = g_key_file_get_string(file, GROUP, "lang", NULL);
	if (lang != NULL)
		jpki_lang_from_name(lang, &config->lang);
	gint wait = g_key_file_get_integer(file, GROUP, "card-wait-seconds", NULL);
	if (wait > 0)
		config->card_wait_s = (guint)wait;
	if (g_key_file_get_boolean(file, GROUP, "test-variables", NULL)) {
		if (file_is_the_users_own(path))
			config->test_variables = TRUE;
		else
			g_warning("%s: test-variables ignored: the file is not the user's own or "
				  "others may write it",
				  path);
	}
}

/* Tests and developers, where host.conf allows it: the environment wins over the file. */
static void
load_test_variables(BridgeConfig *config)
{
	set_pinentry(config, g_getenv("JPKI_PINENTRY"), "JPKI_PINENTRY");
	const char *loopback = g_getenv("JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK");
	if (loopback != NULL)
		config->allow_http_loopback = g_strcmp0(loopback, "1") == 0;
	const char *wait = g_getenv("JPKI_BRIDGE_CARD_WAIT_SECONDS");
	if (wait != NULL && g_ascii_strtoull(wait, NULL, 10) > 0)
		config->card_wait_s = (guint)g_ascii_strtoull(wait, NULL, 10);
}

BridgeConfig *
bridge_config_load(void)
{
	BridgeConfig *config = g_new0(BridgeConfig, 1);
	config->lang = jpki_lang_from_locale();
	config->card_wait_s = DEFAULT_CARD_WAIT_S;
	config->pinentry = g_strdup(jpki_pinentry_default_program());

	g_autofree char *path =
		g_build_filename(g_get_user_config_dir(), "jpki-bridge", "host.conf", NULL);
	load_file(config, path);
	if (config->test_variables)
		load_test_variables(config);
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
