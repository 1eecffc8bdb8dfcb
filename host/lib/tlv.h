/* BER-TLV lengths, shared by the card's files and the certificate walk (cert_dates.c). */
#pragma once

#include <glib.h>

/* A TLV's header length (tag + length bytes) and whole length, from its first
 * bytes; definite lengths up to 82 LL LL. */
gboolean jpki_tlv_lengths(const guint8 *head, gsize len, gsize tag_len, gsize *header_len,
			  gsize *total);
