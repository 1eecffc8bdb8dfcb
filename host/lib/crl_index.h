/* A CRL's revoked serials as one contiguous sorted array, built once at load, with a summary of
 * it small enough to stay in the CPU's caches, so that a lookup reads a few neighbouring cache
 * lines rather than following OpenSSL's pointers to scattered heap entries at every step of a
 * binary search (docs/performance.md, "Relying party"). About 20.5 bytes an entry.
 *
 * A key is the serial's magnitude, big-endian, left-padded with zeros to CRL_INDEX_KEY_LEN
 * bytes (RFC 5280 serials are positive and at most 20 octets). The index holds only such
 * serials; a negative serial, or one longer than 20 octets, has no key: an entry of that kind
 * is left out of the index, and a certificate serial of that kind is looked up through
 * OpenSSL (X509_CRL_get0_by_serial) instead. Either way the answer is the same as OpenSSL's. */
#pragma once

#include <glib.h>
#include <openssl/x509.h>

#define CRL_INDEX_KEY_LEN 20

typedef struct _CrlIndex CrlIndex;

/* Takes a reference to `crl`. */
CrlIndex *crl_index_new(X509_CRL *crl);
void crl_index_free(CrlIndex *index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CrlIndex, crl_index_free)

/* The key of `serial`; FALSE for a negative serial or one longer than CRL_INDEX_KEY_LEN. */
gboolean crl_index_key(const ASN1_INTEGER *serial, guint8 key[CRL_INDEX_KEY_LEN]);
/* How many entries the index holds (those of the CRL that have a key). */
guint crl_index_size(const CrlIndex *index);
/* Whether the CRL lists `serial` as revoked, as X509_CRL_get0_by_serial() == 1 says: through
 * the index, then OpenSSL for a hit only (an entry with reason removeFromCRL does not count);
 * through OpenSSL alone for a serial without a key. Safe from several threads. */
gboolean crl_index_lists(const CrlIndex *index, const ASN1_INTEGER *serial);
/* Whether the index holds `key`, crl_index_lists()'s first step. For the tests of its bound:
 * `compared` (may be NULL) is set to how many summary entries and keys it compared `key` with,
 * which stays within one summary step's keys plus a binary search's steps. */
gboolean crl_index_contains_key(const CrlIndex *index, const guint8 key[CRL_INDEX_KEY_LEN],
				guint *compared);
