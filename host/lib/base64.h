/* Strict standard base64 for what callers send (a request's hash, a token's signature, a
 * portal's CMS): one spelling for one value. */
#pragma once

#include <glib.h>

/* The bytes of `text` (`len` bytes, no NUL needed) when it is RFC 4648 section 4 as written:
 * not empty, the standard alphabet, whole quanta of 4, '=' only as the padding of the last
 * one, and the bits the padding leaves over zero. NULL otherwise: g_base64_decode() alone
 * would skip foreign characters and whitespace and take base64url, a missing padding or a
 * second spelling. */
GBytes *jpki_base64_decode_strict(const char *text, gsize len);
