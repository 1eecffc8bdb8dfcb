/* The browsers that can start the host on Linux and macOS, and where each one looks for host
 * manifests (docs: /work/shared/reference/native-messaging.md). */
#pragma once

#include <glib.h>

typedef enum {
	CLI_BROWSER_CHROME,
	CLI_BROWSER_CHROMIUM,
	CLI_BROWSER_EDGE,
	CLI_BROWSER_BRAVE,
	CLI_BROWSER_FIREFOX,
	CLI_BROWSER_COUNT
} CliBrowser;

/* "chrome", "chromium", "edge", "brave", "firefox" */
const char *cli_browser_name(CliBrowser browser);
gboolean cli_browser_from_name(const char *name, CliBrowser *browser);
/* "Google Chrome", "Chromium", ... */
const char *cli_browser_label(CliBrowser browser);
/* Firefox names the add-on (allowed_extensions); the others an origin (allowed_origins). */
gboolean cli_browser_is_firefox(CliBrowser browser);

/* The per-user manifest folder: the Chrome family's under $CHROME_CONFIG_HOME, else
 * $XDG_CONFIG_HOME, else ~/.config (as Chromium computes its user data folder); Firefox's
 * under ~/.mozilla, which ignores XDG_CONFIG_HOME. On macOS every browser's is under
 * ~/Library/Application Support. */
char *cli_browser_user_manifest_dir(CliBrowser browser);
/* The system-wide folders, NULL-terminated. */
const char *const *cli_browser_system_manifest_dirs(CliBrowser browser);
/* Where the browser reads our manifest from, in the order it looks (the user's first). */
GPtrArray *cli_browser_manifest_paths(CliBrowser browser);

/* The browser's program on PATH when it is installed as an ordinary package (macOS: the app's
 * binary under /Applications); NULL otherwise (not installed, or only as a snap or Flatpak). */
char *cli_browser_find_program(CliBrowser browser);
/* Where a snap or Flatpak of the browser is installed ("/snap/bin/chromium",
 * "~/.local/share/flatpak/app/org.chromium.Chromium"); NULL when there is none. Such a browser
 * cannot start a host program unless the xdg-desktop-portal WebExtensions portal lets it. */
char *cli_browser_find_sandboxed(CliBrowser browser);
