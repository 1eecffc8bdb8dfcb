/* The running program's folder on Linux, from /proc/self/exe. */
#include "program_dir.h"

#include "jpki_error.h"

char *
jpki_program_dir(GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *self = g_file_read_link("/proc/self/exe", &local);
	if (self == NULL) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO,
			    "cannot tell where this program is: %s", local->message);
		return NULL;
	}
	return g_path_get_dirname(self);
}
