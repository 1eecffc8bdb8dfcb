/* Host manifests: content, the host's location, atomic writes, inspection. */
#include "host_manifest.h"

#include "program_dir.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define CHROME_ORIGIN "chrome-extension://" JPKI_CHROME_EXTENSION_ID "/"

char *
cli_host_manifest_text(CliBrowser browser, const char *host_path)
{
	json_t *manifest = json_pack("{s:s, s:s, s:s, s:s}", "name", JPKI_HOST_NAME, "description",
				     JPKI_HOST_DESCRIPTION, "path", host_path, "type", "stdio");
	if (cli_browser_is_firefox(browser))
		json_object_set_new(manifest, "allowed_extensions",
				    json_pack("[s]", JPKI_FIREFOX_EXTENSION_ID));
	else
		json_object_set_new(manifest, "allowed_origins", json_pack("[s]", CHROME_ORIGIN));
	char *text = json_dumps(manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(manifest);
	g_autofree char *with_newline = g_strconcat(text, "\n", NULL);
	free(text);
	return g_steal_pointer(&with_newline);
}

static gboolean
is_executable_file(const char *path)
{
	return g_file_test(path, G_FILE_TEST_IS_REGULAR) && g_access(path, X_OK) == 0;
}

char *
cli_host_resolve(const char *path, GError **error)
{
	g_autofree char *absolute = g_canonicalize_filename(path, NULL);
	if (!g_file_test(absolute, G_FILE_TEST_EXISTS)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "%s does not exist", absolute);
		return NULL;
	}
	if (!is_executable_file(absolute)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "%s is not an executable file", absolute);
		return NULL;
	}
	return g_steal_pointer(&absolute);
}

char *
cli_host_default_path(GError **error)
{
	g_autofree char *bindir = jpki_program_dir(error);
	if (bindir == NULL)
		return NULL;
	const char *relative[] = {JPKI_HOST_FROM_BINDIR, JPKI_HOST_FROM_BUILD_DIR};
	for (guint i = 0; i < G_N_ELEMENTS(relative); i++) {
		g_autofree char *candidate = g_canonicalize_filename(relative[i], bindir);
		if (is_executable_file(candidate))
			return g_steal_pointer(&candidate);
	}
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO,
		    "no jpki-bridge-host beside jpki (looked for %s and %s from %s)", relative[0],
		    relative[1], bindir);
	return NULL;
}

gboolean
cli_host_manifest_write(const char *path, const char *text, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		int saved = errno;
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot create %s: %s", dir,
			    g_strerror(saved));
		return FALSE;
	}
	/* A browser reading while we write sees the old file or the new one, never half. */
	g_autoptr(GError) local = NULL;
	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
				      &local)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "%s", local->message);
		return FALSE;
	}
	return TRUE;
}

const char *
cli_manifest_state_name(CliManifestState state)
{
	switch (state) {
	case CLI_MANIFEST_OK:
		return "ok";
	case CLI_MANIFEST_ABSENT:
		return "absent";
	case CLI_MANIFEST_INVALID:
		return "invalid";
	case CLI_MANIFEST_WRONG_ID:
		return "wrong-extension-id";
	default:
		return "host-missing";
	}
}

static gboolean
array_holds(json_t *array, const char *value)
{
	size_t index;
	json_t *item;
	json_array_foreach(array, index, item)
	{
		if (json_is_string(item) && strcmp(json_string_value(item), value) == 0)
			return TRUE;
	}
	return FALSE;
}

CliManifestState
cli_host_manifest_inspect(CliBrowser browser, const char *path, char **host_path)
{
	*host_path = NULL;
	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return CLI_MANIFEST_ABSENT;
	json_t *manifest = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	const char *name = NULL, *type = NULL, *program = NULL;
	if (manifest == NULL ||
	    json_unpack(manifest, "{s:s, s:s, s:s}", "name", &name, "type", &type, "path",
			&program) != 0 ||
	    strcmp(name, JPKI_HOST_NAME) != 0 || strcmp(type, "stdio") != 0) {
		json_decref(manifest);
		return CLI_MANIFEST_INVALID;
	}
	*host_path = g_strdup(program);
	gboolean firefox = cli_browser_is_firefox(browser);
	json_t *allowed =
		json_object_get(manifest, firefox ? "allowed_extensions" : "allowed_origins");
	gboolean allows_us =
		array_holds(allowed, firefox ? JPKI_FIREFOX_EXTENSION_ID : CHROME_ORIGIN);
	json_decref(manifest);
	if (!allows_us)
		return CLI_MANIFEST_WRONG_ID;
	/* Browsers take only an absolute path on Linux. */
	if (!g_path_is_absolute(*host_path) || !is_executable_file(*host_path))
		return CLI_MANIFEST_HOST_MISSING;
	return CLI_MANIFEST_OK;
}
