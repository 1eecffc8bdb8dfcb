#include "file_io.h"

#include "jpki_error.h"

#include <errno.h>
#include <glib/gstdio.h>

GBytes *
jpki_file_read(const char *path, gsize max, GError **error)
{
	GStatBuf st;
	if (g_stat(path, &st) != 0) {
		int saved_errno = errno;
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "%s: %s", path,
			    g_strerror(saved_errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (guint64)st.st_size > max) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "%s: not a regular file of at most %" G_GSIZE_FORMAT " bytes", path,
			    max);
		return NULL;
	}
	g_autofree char *contents = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &contents, &len, error)) {
		jpki_error_convert(error);
		return NULL;
	}
	if (len > max) { /* it grew since g_stat() */
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "%s: more than %" G_GSIZE_FORMAT " bytes", path, max);
		return NULL;
	}
	return g_bytes_new_take(g_steal_pointer(&contents), len);
}
