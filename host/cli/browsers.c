/* Browsers on Linux and macOS: names, manifest folders, how each one is installed. */
#include "browsers.h"

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *name;
	const char *label;
	gboolean firefox;
	const char *user_dir; /* under the config home (Chrome family) or the home (Firefox) */
	const char *system_dirs[3];
	const char *programs[4];
	const char *snap;
	const char *flatpak;
} BrowserInfo;

#ifdef __APPLE__
/* macOS (not yet run on a Mac): every per-user folder is under the home folder, and the
 * system-wide ones are those installer/macos/manifest-dirs.txt names (the package installs a
 * manifest in each; a test compares the two lists). Brave reads no system folder of its own
 * there that we could confirm, so it has the per-user one alone. Programs are the apps'
 * binaries; there are no snaps or Flatpaks. */
static const BrowserInfo browsers[CLI_BROWSER_COUNT] = {
	[CLI_BROWSER_CHROME] = {"chrome",
				"Google Chrome",
				FALSE,
				"Library/Application Support/Google/Chrome/NativeMessagingHosts",
				{"/Library/Google/Chrome/NativeMessagingHosts", NULL},
				{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
				 NULL},
				NULL,
				NULL},
	[CLI_BROWSER_CHROMIUM] = {"chromium",
				  "Chromium",
				  FALSE,
				  "Library/Application Support/Chromium/NativeMessagingHosts",
				  {"/Library/Application Support/Chromium/NativeMessagingHosts",
				   NULL},
				  {"/Applications/Chromium.app/Contents/MacOS/Chromium", NULL},
				  NULL,
				  NULL},
	[CLI_BROWSER_EDGE] = {"edge",
			      "Microsoft Edge",
			      FALSE,
			      "Library/Application Support/Microsoft Edge/NativeMessagingHosts",
			      {"/Library/Microsoft/Edge/NativeMessagingHosts", NULL},
			      {"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
			       NULL},
			      NULL,
			      NULL},
	[CLI_BROWSER_BRAVE] = {"brave",
			       "Brave",
			       FALSE,
			       "Library/Application Support/BraveSoftware/Brave-Browser/"
			       "NativeMessagingHosts",
			       {NULL},
			       {"/Applications/Brave Browser.app/Contents/MacOS/Brave Browser",
				NULL},
			       NULL,
			       NULL},
	[CLI_BROWSER_FIREFOX] = {"firefox",
				 "Firefox",
				 TRUE,
				 "Library/Application Support/Mozilla/NativeMessagingHosts",
				 {"/Library/Application Support/Mozilla/NativeMessagingHosts",
				  NULL},
				 {"/Applications/Firefox.app/Contents/MacOS/firefox", NULL},
				 NULL,
				 NULL},
};
/* Chromium's user data folder on macOS ignores CHROME_CONFIG_HOME and XDG_CONFIG_HOME. */
#define USER_DIR_UNDER_HOME(info) TRUE
#else
static const BrowserInfo browsers[CLI_BROWSER_COUNT] = {
	[CLI_BROWSER_CHROME] = {"chrome",
				"Google Chrome",
				FALSE,
				"google-chrome/NativeMessagingHosts",
				{"/etc/opt/chrome/native-messaging-hosts", NULL},
				{"google-chrome", "google-chrome-stable", NULL},
				NULL,
				"com.google.Chrome"},
	[CLI_BROWSER_CHROMIUM] = {"chromium",
				  "Chromium",
				  FALSE,
				  "chromium/NativeMessagingHosts",
				  {"/etc/chromium/native-messaging-hosts", NULL},
				  {"chromium", "chromium-browser", NULL},
				  "chromium",
				  "org.chromium.Chromium"},
	[CLI_BROWSER_EDGE] = {"edge",
			      "Microsoft Edge",
			      FALSE,
			      "microsoft-edge/NativeMessagingHosts",
			      {"/etc/opt/edge/native-messaging-hosts", NULL},
			      {"microsoft-edge", "microsoft-edge-stable", NULL},
			      NULL,
			      "com.microsoft.Edge"},
	[CLI_BROWSER_BRAVE] = {"brave",
			       "Brave",
			       FALSE,
			       "BraveSoftware/Brave-Browser/NativeMessagingHosts",
			       {"/etc/opt/brave.com/brave/native-messaging-hosts",
				"/etc/opt/chrome/native-messaging-hosts", NULL},
			       {"brave-browser", "brave", NULL},
			       "brave",
			       "com.brave.Browser"},
	[CLI_BROWSER_FIREFOX] = {"firefox",
				 "Firefox",
				 TRUE,
				 ".mozilla/native-messaging-hosts",
				 {"/usr/lib/mozilla/native-messaging-hosts",
				  "/usr/lib64/mozilla/native-messaging-hosts", NULL},
				 {"firefox", "firefox-esr", NULL},
				 "firefox",
				 "org.mozilla.firefox"},
};
/* Firefox's folder is under ~/.mozilla whatever XDG_CONFIG_HOME says. */
#define USER_DIR_UNDER_HOME(info) ((info)->firefox)
#endif

const char *
cli_browser_name(CliBrowser browser)
{
	return browsers[browser].name;
}

gboolean
cli_browser_from_name(const char *name, CliBrowser *browser)
{
	for (guint i = 0; i < CLI_BROWSER_COUNT; i++) {
		if (strcmp(name, browsers[i].name) == 0) {
			*browser = (CliBrowser)i;
			return TRUE;
		}
	}
	return FALSE;
}

const char *
cli_browser_label(CliBrowser browser)
{
	return browsers[browser].label;
}

gboolean
cli_browser_is_firefox(CliBrowser browser)
{
	return browsers[browser].firefox;
}

static const char *
non_empty_env(const char *name)
{
	const char *value = g_getenv(name);
	return value != NULL && *value != '\0' ? value : NULL;
}

char *
cli_browser_user_manifest_dir(CliBrowser browser)
{
	const BrowserInfo *info = &browsers[browser];
	if (USER_DIR_UNDER_HOME(info))
		return g_build_filename(g_get_home_dir(), info->user_dir, NULL);
	const char *config_home = non_empty_env("CHROME_CONFIG_HOME");
	if (config_home == NULL)
		config_home = non_empty_env("XDG_CONFIG_HOME");
	if (config_home != NULL)
		return g_build_filename(config_home, info->user_dir, NULL);
	return g_build_filename(g_get_home_dir(), ".config", info->user_dir, NULL);
}

const char *const *
cli_browser_system_manifest_dirs(CliBrowser browser)
{
	return browsers[browser].system_dirs;
}

GPtrArray *
cli_browser_manifest_paths(CliBrowser browser)
{
	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *user_dir = cli_browser_user_manifest_dir(browser);
	g_ptr_array_add(paths, g_build_filename(user_dir, JPKI_HOST_NAME ".json", NULL));
	for (const char *const *dir = browsers[browser].system_dirs; *dir != NULL; dir++)
		g_ptr_array_add(paths, g_build_filename(*dir, JPKI_HOST_NAME ".json", NULL));
	return paths;
}

/* A snap's command: /snap/bin/X (a link to /usr/bin/snap), or a wrapper script that starts
 * one, as Ubuntu's /usr/bin/chromium-browser and /usr/bin/firefox do. */
static gboolean
is_snap_command(const char *path)
{
	g_autofree char *real = cli_real_path(path);
	if (g_str_has_prefix(path, "/snap/") ||
	    (real != NULL && (g_str_has_prefix(real, "/snap/") || g_str_has_suffix(real, "/snap"))))
		return TRUE;
	/* A script says so in its first lines; a browser's binary is not read further. */
	FILE *file = fopen(path, "re");
	if (file == NULL)
		return FALSE;
	char head[4096];
	size_t len = fread(head, 1, sizeof(head) - 1, file);
	fclose(file);
	head[len] = '\0';
	return len > 2 && memcmp(head, "#!", 2) == 0 && strstr(head, "/snap/bin/") != NULL;
}

char *
cli_browser_find_program(CliBrowser browser)
{
	for (const char *const *name = browsers[browser].programs; *name != NULL; name++) {
		g_autofree char *path = g_find_program_in_path(*name);
		if (path != NULL && !is_snap_command(path))
			return g_steal_pointer(&path);
	}
	return NULL;
}

char *
cli_browser_find_sandboxed(CliBrowser browser)
{
	const BrowserInfo *info = &browsers[browser];
	if (info->snap != NULL) {
		const char *snap_bins[] = {"/snap/bin", "/var/lib/snapd/snap/bin"};
		for (guint i = 0; i < G_N_ELEMENTS(snap_bins); i++) {
			g_autofree char *path = g_build_filename(snap_bins[i], info->snap, NULL);
			if (g_file_test(path, G_FILE_TEST_EXISTS))
				return g_steal_pointer(&path);
		}
	}
	if (info->flatpak == NULL)
		return NULL;
	/* Flatpak installs per user under the XDG data folder, system-wide under /var/lib. */
	g_autofree char *user =
		g_build_filename(g_get_user_data_dir(), "flatpak", "app", info->flatpak, NULL);
	if (g_file_test(user, G_FILE_TEST_IS_DIR))
		return g_steal_pointer(&user);
	g_autofree char *system = g_build_filename("/var/lib/flatpak/app", info->flatpak, NULL);
	if (g_file_test(system, G_FILE_TEST_IS_DIR))
		return g_steal_pointer(&system);
	return NULL;
}
