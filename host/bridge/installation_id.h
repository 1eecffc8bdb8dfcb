/* The マイナポータルAP protocol's "uuid": 16 random bytes made once per
 * installation and kept in $XDG_DATA_HOME/jpki-bridge/mynaportal-uuid
 * (32 lowercase hex characters, mode 0600). The portals combine it with the
 * card's manufacture number (combination_code.h). */
#pragma once

#include "combination_code.h"

/* The file's path: under `data_dir` (g_get_user_data_dir() in the host). */
char *bridge_installation_id_path(const char *data_dir);

/* Reads the id, or makes and keeps one when there is none yet. Two hosts
 * starting at once keep one id: the file is written elsewhere and linked
 * into place, and whoever comes second reads the first one's. A file that
 * is not 32 lowercase hex characters is left alone and is JPKI_ERROR_IO, as
 * replacing it would make every card look new to the portals. */
gboolean bridge_installation_id_load(const char *data_dir, guint8 id[JPKI_INSTALLATION_ID_LEN],
				     GError **error);
