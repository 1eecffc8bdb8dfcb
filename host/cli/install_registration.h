/* How a browser learns of the manifest `jpki install --user` wrote for it. On Linux the
 * manifest's folder is the registration (install_registration_unix.c); on Windows the manifests
 * lie in this user's data folder and a key under HKEY_CURRENT_USER names each one
 * (install_registry_win32.c). */
#pragma once

#include "browsers.h"

/* Whether `browser` can be registered here (on Windows, Brave has no key of its own). */
gboolean cli_registration_supported(CliBrowser browser);
/* Whether install without --browser registers `browser`. Linux: when it is installed as an
 * ordinary package (a folder for a browser that is not there is litter). Windows: whenever it
 * is supported (a browser installed later reads the key). */
gboolean cli_registration_by_default(CliBrowser browser);

/* Where `jpki install --user` writes `browser`'s manifest. */
char *cli_registration_manifest_path(CliBrowser browser);

/* Makes `browser` read the manifest at `manifest_path`; *changed says whether anything was
 * written (FALSE when it was registered already). */
gboolean cli_registration_add(CliBrowser browser, const char *manifest_path, gboolean *changed,
			      GError **error);
/* Undoes cli_registration_add() for that manifest: *removed says whether a registration went;
 * *kept_other whether one stayed because it names another manifest (a per-user installer's). */
gboolean cli_registration_remove(CliBrowser browser, const char *manifest_path, gboolean *removed,
				 gboolean *kept_other, GError **error);
/* After an uninstall: removes the folder the manifests were written into when it is ours and
 * empty (Windows); nothing on Linux, where the folder is the browser's. */
void cli_registration_forget_folder(void);
