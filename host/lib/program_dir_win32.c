/* The running program's folder on Windows, from GetModuleFileNameW (a long path fits: the
 * buffer grows until the name is not cut). */
#include "program_dir.h"

#include "jpki_error.h"

#include <windows.h>

char *
jpki_program_dir(GError **error)
{
	for (DWORD size = MAX_PATH; size <= 32768; size *= 2) {
		g_autofree wchar_t *name = g_new(wchar_t, size);
		DWORD len = GetModuleFileNameW(NULL, name, size);
		if (len == 0)
			break;
		if (len < size) {
			g_autofree char *utf8 =
				g_utf16_to_utf8((const gunichar2 *)name, len, NULL, NULL, NULL);
			if (utf8 == NULL)
				break;
			return g_path_get_dirname(utf8);
		}
	}
	g_autofree char *reason = g_win32_error_message((gint)GetLastError());
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot tell where this program is: %s",
		    reason);
	return NULL;
}
