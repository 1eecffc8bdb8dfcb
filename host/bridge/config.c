#include "config.h"

#include "pinentry.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The test variables are honoured only from a file that no one but the user could have
 * written. */
static gboolean
file_is_the_users_own(const char *path)
{
#ifdef G_OS_UNIX
	GStatBuf st;
	return g_stat(path, &st) == 0 && st.st_uid == getuid() &&
	       (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
#else
	/* Windows has no owner or mode bits here: the file lies in the user's own profile
	 * (g_get_user_config_dir(), %LOCALAPPDATA%), which others cannot write. */
	return g_file_test(path, G_FILE_TEST_IS_REGULAR);
#endif
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
	config->portal_origins = portal_origins(file);
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
	config->data_dir = g_strdup(g_get_user_data_dir());

	g_autofree char *path =
		g_build_filename(g_get_user_config_dir(), "jpki-bridge", "host.conf", NULL);
	load_file(config, path);
	if (config->portal_origins == NULL)
		config->portal_origins = portal_origins(NULL);
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
