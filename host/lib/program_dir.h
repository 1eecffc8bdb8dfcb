/* The folder of the running program: where `jpki` finds the host installed beside it, and
 * where the Windows build finds the JPKI roots (<folder>\jpki-ca). */
#pragma once

#include <glib.h>

/* The absolute folder of the running executable (Linux: /proc/self/exe; macOS:
 * _NSGetExecutablePath; Windows: GetModuleFileNameW); JPKI_ERROR_IO when the system does not
 * say. */
char *jpki_program_dir(GError **error);
