/* Windows: the manifests lie in this user's local application data folder
 * (%LOCALAPPDATA%\jpki-bridge, GLib's g_get_user_data_dir()), and the default value of
 * HKEY_CURRENT_USER\Software\<browser's key>\NativeMessagingHosts\<host name> names the
 * manifest (../shared/reference/native-messaging.md): no administrator rights needed. */
#include "install_registration.h"

#include "cli.h"

#include <glib/gstdio.h>
#include <string.h>
#include <windows.h>

/* Under HKEY_CURRENT_USER. Brave has no key of its own. */
static const char *const key_parents[CLI_BROWSER_COUNT] = {
	[CLI_BROWSER_CHROME] = "Software\\Google\\Chrome\\NativeMessagingHosts",
	[CLI_BROWSER_CHROMIUM] = "Software\\Chromium\\NativeMessagingHosts",
	[CLI_BROWSER_EDGE] = "Software\\Microsoft\\Edge\\NativeMessagingHosts",
	[CLI_BROWSER_BRAVE] = NULL,
	[CLI_BROWSER_FIREFOX] = "Software\\Mozilla\\NativeMessagingHosts",
};

gboolean
cli_registration_supported(CliBrowser browser)
{
	return key_parents[browser] != NULL;
}

gboolean
cli_registration_by_default(CliBrowser browser)
{
	return cli_registration_supported(browser);
}

static char *
manifest_folder(void)
{
	return g_build_filename(g_get_user_data_dir(), "jpki-bridge", NULL);
}

char *
cli_registration_manifest_path(CliBrowser browser)
{
	g_autofree char *folder = manifest_folder();
	g_autofree char *name =
		g_strdup_printf("%s.%s.json", JPKI_HOST_NAME, cli_browser_name(browser));
	return g_build_filename(folder, name, NULL);
}

static wchar_t *
key_name(CliBrowser browser)
{
	g_autofree char *key = g_strconcat(key_parents[browser], "\\", JPKI_HOST_NAME, NULL);
	return (wchar_t *)g_utf8_to_utf16(key, -1, NULL, NULL, NULL);
}

static gboolean
fail(LSTATUS status, const char *what, CliBrowser browser, GError **error)
{
	g_autofree char *reason = g_win32_error_message((gint)status);
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot %s HKEY_CURRENT_USER\\%s\\%s: %s",
		    what, key_parents[browser], JPKI_HOST_NAME, reason);
	return FALSE;
}

/* The key's default value; NULL when there is no key or no string in it. */
static char *
read_default_value(const wchar_t *key)
{
	DWORD size = 0;
	if (RegGetValueW(HKEY_CURRENT_USER, key, NULL, RRF_RT_REG_SZ, NULL, NULL, &size) !=
	    ERROR_SUCCESS)
		return NULL;
	g_autofree wchar_t *value = g_malloc0(size + sizeof(wchar_t));
	if (RegGetValueW(HKEY_CURRENT_USER, key, NULL, RRF_RT_REG_SZ, NULL, value, &size) !=
	    ERROR_SUCCESS)
		return NULL;
	return g_utf16_to_utf8((const gunichar2 *)value, -1, NULL, NULL, NULL);
}

gboolean
cli_registration_add(CliBrowser browser, const char *manifest_path, gboolean *changed,
		     GError **error)
{
	*changed = FALSE;
	g_autofree wchar_t *key = key_name(browser);
	g_autofree char *current = read_default_value(key);
	if (current != NULL && strcmp(current, manifest_path) == 0)
		return TRUE;
	glong len = 0;
	g_autofree wchar_t *value = (wchar_t *)g_utf8_to_utf16(manifest_path, -1, NULL, &len, NULL);
	HKEY handle = NULL;
	LSTATUS status = RegCreateKeyExW(HKEY_CURRENT_USER, key, 0, NULL, REG_OPTION_NON_VOLATILE,
					 KEY_SET_VALUE, NULL, &handle, NULL);
	if (status != ERROR_SUCCESS)
		return fail(status, "create", browser, error);
	status = RegSetValueExW(handle, NULL, 0, REG_SZ, (const BYTE *)value,
				(DWORD)((len + 1) * sizeof(wchar_t)));
	RegCloseKey(handle);
	if (status != ERROR_SUCCESS)
		return fail(status, "write", browser, error);
	*changed = TRUE;
	return TRUE;
}

gboolean
cli_registration_remove(CliBrowser browser, const char *manifest_path, gboolean *removed,
			gboolean *kept_other, GError **error)
{
	*removed = *kept_other = FALSE;
	g_autofree wchar_t *key = key_name(browser);
	g_autofree char *current = read_default_value(key);
	if (current == NULL) /* no key, or not one install wrote: it always sets the value */
		return TRUE;
	if (strcmp(current, manifest_path) != 0) {
		*kept_other = TRUE;
		return TRUE;
	}
	/* Only our key goes: the NativeMessagingHosts key above it holds other hosts' too. */
	LSTATUS status = RegDeleteKeyW(HKEY_CURRENT_USER, key);
	if (status == ERROR_FILE_NOT_FOUND)
		return TRUE;
	if (status != ERROR_SUCCESS)
		return fail(status, "remove", browser, error);
	*removed = TRUE;
	return TRUE;
}

void
cli_registration_forget_folder(void)
{
	/* Fails, and so leaves it, when anything else lies in it. */
	g_autofree char *folder = manifest_folder();
	g_rmdir(folder);
}
