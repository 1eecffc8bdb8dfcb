/* Our native-messaging host manifest: what it holds for each browser, where the host program
 * is, writing it atomically, and reading one back to see whether a browser can use it. */
#pragma once

#include "browsers.h"
#include "cli.h"

/* The manifest for `browser` that starts `host_path` (absolute), as JSON text. */
char *cli_host_manifest_text(CliBrowser browser, const char *host_path);

/* The host installed beside this `jpki` (libexec/jpki-bridge/jpki-bridge-host from bin; on
 * Windows jpki-bridge-host.exe in the same folder), or the one of the build tree `jpki` was
 * built in; JPKI_ERROR_IO when neither is there. */
char *cli_host_default_path(GError **error);
/* `path` made absolute and clean when it names an executable regular file; otherwise
 * JPKI_ERROR_IO (missing) or JPKI_ERROR_INVALID_INPUT (not an executable file). */
char *cli_host_resolve(const char *path, GError **error);

/* Writes `text` to `path` through a temporary file renamed over it, creating the folder. */
gboolean cli_host_manifest_write(const char *path, const char *text, GError **error);

typedef enum {
	CLI_MANIFEST_OK,
	CLI_MANIFEST_ABSENT,
	CLI_MANIFEST_INVALID,      /* not JSON, or not a stdio manifest named for our host */
	CLI_MANIFEST_WRONG_ID,     /* does not allow our extension */
	CLI_MANIFEST_HOST_MISSING, /* its path is not an executable file */
} CliManifestState;

/* "ok", "absent", "invalid", "wrong-extension-id", "host-missing" */
const char *cli_manifest_state_name(CliManifestState state);
/* What `browser` makes of the manifest at `path`; *host_path gets its "path" when it has one. */
CliManifestState cli_host_manifest_inspect(CliBrowser browser, const char *path, char **host_path);
