#include "installation_id.h"

#include "jpki_error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/rand.h>
#include <string.h>
#include <unistd.h>
#ifdef G_OS_WIN32
#include <io.h>
#include <windows.h>
#define FSYNC _commit
#else
#define FSYNC fsync
#endif
/* Windows' C runtime would write the newline as CR LF. */
#ifndef O_BINARY
#define O_BINARY 0
#endif

#define HEX_LEN (JPKI_INSTALLATION_ID_LEN * 2)

char *
bridge_installation_id_path(const char *data_dir)
{
	return g_build_filename(data_dir, "jpki-bridge", "mynaportal-uuid", NULL);
}

/* 32 lowercase hex characters, a newline after them allowed. */
static gboolean
decode_id(const char *text, gsize len, guint8 id[JPKI_INSTALLATION_ID_LEN])
{
	if (len == HEX_LEN + 1 && text[HEX_LEN] == '\n')
		len = HEX_LEN;
	if (len != HEX_LEN)
		return FALSE;
	for (gsize i = 0; i < HEX_LEN; i++) {
		if (!g_ascii_isdigit(text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
			return FALSE;
	}
	for (gsize i = 0; i < JPKI_INSTALLATION_ID_LEN; i++)
		id[i] = (guint8)(g_ascii_xdigit_value(text[2 * i]) << 4 |
				 g_ascii_xdigit_value(text[2 * i + 1]));
	return TRUE;
}

/* Reads the kept id; FALSE with *missing set when there is no file. */
static gboolean
read_id(const char *path, guint8 id[JPKI_INSTALLATION_ID_LEN], gboolean *missing, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr(GError) local = NULL;
	*missing = FALSE;
	if (!g_file_get_contents(path, &text, &len, &local)) {
		*missing = g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT);
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "%s", local->message);
		return FALSE;
	}
	if (!decode_id(text, len, id)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO,
			    "%s is not 32 lowercase hex characters; move it away to make a new "
			    "installation id",
			    path);
		return FALSE;
	}
	return TRUE;
}

/* Gives the written file `from` the name `to`, and fails with EEXIST when `to` exists: a
 * hard link on Unix, a rename that replaces nothing on Windows (no link() there). */
static int
publish_file(const char *from, const char *to)
{
#ifdef G_OS_UNIX
	return link(from, to);
#else
	g_autofree gunichar2 *wide_from = g_utf8_to_utf16(from, -1, NULL, NULL, NULL);
	g_autofree gunichar2 *wide_to = g_utf8_to_utf16(to, -1, NULL, NULL, NULL);
	if (wide_from != NULL && wide_to != NULL &&
	    MoveFileExW((const wchar_t *)wide_from, (const wchar_t *)wide_to,
			MOVEFILE_WRITE_THROUGH))
		return 0;
	DWORD code = GetLastError();
	errno = code == ERROR_ALREADY_EXISTS || code == ERROR_FILE_EXISTS ? EEXIST : EIO;
	return -1;
#endif
}

/* Writes a new id to a file of its own, then publishes it as `path`, which
 * fails if another host got there first. */
static gboolean
create_id(const char *path, gboolean *lost_race, GError **error)
{
	guint8 id[JPKI_INSTALLATION_ID_LEN];
	*lost_race = FALSE;
	if (RAND_bytes(id, sizeof(id)) != 1) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_IO,
				    "no random bytes for the installation id");
		return FALSE;
	}
	g_autofree char *hex = jpki_portal_hex(id, sizeof(id));
	g_autofree char *line = g_strconcat(hex, "\n", NULL);

	g_autofree char *dir = g_path_get_dirname(path);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot make %s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	g_autofree char *template = g_strconcat(path, ".XXXXXX", NULL);
	int fd = g_mkstemp_full(template, O_WRONLY | O_BINARY, 0600);
	if (fd < 0) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot write in %s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	gboolean written = write(fd, line, HEX_LEN + 1) == HEX_LEN + 1 && FSYNC(fd) == 0;
	int saved = errno;
	gboolean closed = close(fd) == 0;
	gboolean linked = written && closed && publish_file(template, path) == 0;
	if (!linked && written && closed)
		saved = errno;
	g_unlink(template);
	if (linked)
		return TRUE;
	*lost_race = written && closed && saved == EEXIST;
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot keep %s: %s", path,
		    g_strerror(saved));
	return FALSE;
}

gboolean
bridge_installation_id_load(const char *data_dir, guint8 id[JPKI_INSTALLATION_ID_LEN],
			    GError **error)
{
	g_autofree char *path = bridge_installation_id_path(data_dir);
	g_autoptr(GError) local = NULL;
	gboolean missing = FALSE;
	if (read_id(path, id, &missing, &local))
		return TRUE;
	if (!missing) {
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	g_clear_error(&local);
	gboolean lost_race = FALSE;
	if (!create_id(path, &lost_race, &local) && !lost_race) {
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	return read_id(path, id, &missing, error);
}
