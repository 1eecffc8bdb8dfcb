/* The running program's folder on Linux, from /proc/self/exe, and on macOS (not yet run on a
 * Mac), which has no /proc, from dyld's record of the path it started. */
#include "program_dir.h"

#include "jpki_error.h"

#ifdef __APPLE__
#include <mach-o/dyld.h>
#endif

char *
jpki_program_dir(GError **error)
{
#ifdef __APPLE__
	char path[4096];
	uint32_t size = sizeof(path);
	if (_NSGetExecutablePath(path, &size) != 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_IO,
				    "cannot tell where this program is: its path is too long");
		return NULL;
	}
	g_autofree char *self = g_canonicalize_filename(path, NULL);
#else
	g_autoptr(GError) local = NULL;
	g_autofree char *self = g_file_read_link("/proc/self/exe", &local);
	if (self == NULL) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO,
			    "cannot tell where this program is: %s", local->message);
		return NULL;
	}
#endif
	return g_path_get_dirname(self);
}
