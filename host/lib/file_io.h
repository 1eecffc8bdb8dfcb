/* Reading a whole file the user named (a certificate, a CRL, a document, a signature). */
#pragma once

#include <glib.h>

/* A regular file of at most `max` bytes (so a FIFO or a device cannot make us read without
 * end). JPKI_ERROR_IO when it cannot be read, JPKI_ERROR_INVALID_INPUT when it is not a
 * regular file or is larger. Messages start with the path. */
/* A document to verify, or its signature, is read whole: 1 GiB at most. */
#define JPKI_DOCUMENT_MAX ((gsize)1 << 30)

GBytes *jpki_file_read(const char *path, gsize max, GError **error);
