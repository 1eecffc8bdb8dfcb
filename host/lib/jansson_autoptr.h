/* g_autoptr() for jansson's json_t, beside openssl_autoptr.h: one definition for every file
 * (a second G_DEFINE_AUTOPTR_CLEANUP_FUNC for the same type in one unit does not compile). */
#pragma once

#include <glib.h>
#include <jansson.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, json_decref)
