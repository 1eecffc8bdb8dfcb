/* The sorted array of a CRL's serials (crl_index.h), and above it a summary small enough to
 * stay in the CPU's caches: 8 bytes of every SUMMARY_STEP-th key. A lookup searches the
 * summary, then reads one run of neighbouring keys (a few cache lines in a row) rather than
 * making each of a binary search's twenty steps wait on memory. */
#include "crl_index.h"

#include <openssl/err.h>
#include <string.h>

#define SUMMARY_STEP 16

struct _CrlIndex {
	X509_CRL *crl;
	guint8 *keys; /* count keys of CRL_INDEX_KEY_LEN bytes, ascending */
	gsize count;
	/* Every key starts with at least `skip` zero bytes (at most CRL_INDEX_KEY_LEN - 8), so
	 * the 8 bytes after them order the keys as the whole keys do, ties aside. */
	guint skip;
	guint64 *summary; /* the 8 bytes after `skip` of keys 0, SUMMARY_STEP, 2 SUMMARY_STEP... */
	gsize summary_len;
};

gboolean
crl_index_key(const ASN1_INTEGER *serial, guint8 key[CRL_INDEX_KEY_LEN])
{
	if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER)
		return FALSE;
	int len = ASN1_STRING_length(serial);
	const guint8 *data = ASN1_STRING_get0_data(serial);
	/* OpenSSL keeps the magnitude without leading zero octets; be sure of it. */
	while (len > 0 && data[0] == 0) {
		data++;
		len--;
	}
	if (len > CRL_INDEX_KEY_LEN)
		return FALSE;
	memset(key, 0, CRL_INDEX_KEY_LEN - (gsize)len);
	memcpy(key + CRL_INDEX_KEY_LEN - len, data, (gsize)len);
	return TRUE;
}

static int
compare_keys(const void *a, const void *b)
{
	return memcmp(a, b, CRL_INDEX_KEY_LEN);
}

static gboolean
keys_sorted(const CrlIndex *index)
{
	for (gsize i = 1; i < index->count; i++) {
		if (compare_keys(index->keys + (i - 1) * CRL_INDEX_KEY_LEN,
				 index->keys + i * CRL_INDEX_KEY_LEN) > 0)
			return FALSE;
	}
	return TRUE;
}

static guint64
prefix_of(const guint8 *key, guint skip)
{
	guint64 prefix = 0;
	for (guint i = 0; i < 8; i++)
		prefix = prefix << 8 | key[skip + i];
	return prefix;
}

static guint
leading_zero_bytes(const guint8 *key)
{
	guint n = 0;
	while (n < CRL_INDEX_KEY_LEN && key[n] == 0)
		n++;
	return n;
}

static void
build_summary(CrlIndex *index)
{
	index->skip = CRL_INDEX_KEY_LEN - 8;
	for (gsize i = 0; i < index->count; i++)
		index->skip =
			MIN(index->skip, leading_zero_bytes(index->keys + i * CRL_INDEX_KEY_LEN));
	index->summary_len = (index->count + SUMMARY_STEP - 1) / SUMMARY_STEP;
	index->summary = g_new(guint64, MAX(index->summary_len, 1));
	for (gsize i = 0; i < index->summary_len; i++)
		index->summary[i] =
			prefix_of(index->keys + i * SUMMARY_STEP * CRL_INDEX_KEY_LEN, index->skip);
}

CrlIndex *
crl_index_new(X509_CRL *crl)
{
	if (X509_CRL_up_ref(crl) != 1)
		g_error("X509_CRL_up_ref failed");
	CrlIndex *index = g_new0(CrlIndex, 1);
	index->crl = crl;
	STACK_OF(X509_REVOKED) *entries = X509_CRL_get_REVOKED(crl);
	int n = entries != NULL ? sk_X509_REVOKED_num(entries) : 0;
	index->keys = g_malloc_n(MAX(n, 1), CRL_INDEX_KEY_LEN);
	for (int i = 0; i < n; i++) {
		const ASN1_INTEGER *serial =
			X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(entries, i));
		if (crl_index_key(serial, index->keys + index->count * CRL_INDEX_KEY_LEN))
			index->count++;
	}
	/* OpenSSL's order of the entries (X509_CRL_sort, or the sort libjpki has it do at load)
	 * is the keys' order for positive serials: sorting again would be a waste of a load. */
	if (!keys_sorted(index))
		qsort(index->keys, index->count, CRL_INDEX_KEY_LEN, compare_keys);
	build_summary(index);
	return index;
}

void
crl_index_free(CrlIndex *index)
{
	if (index == NULL)
		return;
	X509_CRL_free(index->crl);
	g_free(index->keys);
	g_free(index->summary);
	g_free(index);
}

guint
crl_index_size(const CrlIndex *index)
{
	return (guint)index->count;
}

gboolean
crl_index_contains_key(const CrlIndex *index, const guint8 key[CRL_INDEX_KEY_LEN], guint *compared)
{
	guint steps = 0;
	gboolean found = FALSE;
	/* Every key has zeros there: `key` is above them all. */
	if (leading_zero_bytes(key) >= index->skip) {
		guint64 prefix = prefix_of(key, index->skip);
		/* The first sampled key not below `key`, its prefix ordering it but for ties,
		 * which its whole key breaks: `key`, if listed, lies after the sample before it
		 * and at or before this one, where the scan below stops at the latest: it
		 * reads at most SUMMARY_STEP keys. */
		gsize low = 0, high = index->summary_len;
		while (low < high) {
			gsize middle = low + (high - low) / 2;
			steps++;
			if (index->summary[middle] < prefix ||
			    (index->summary[middle] == prefix &&
			     memcmp(index->keys + middle * SUMMARY_STEP * CRL_INDEX_KEY_LEN, key,
				    CRL_INDEX_KEY_LEN) < 0))
				low = middle + 1;
			else
				high = middle;
		}
		for (gsize i = low > 0 ? (low - 1) * SUMMARY_STEP + 1 : 0; i < index->count; i++) {
			steps++;
			int order =
				memcmp(index->keys + i * CRL_INDEX_KEY_LEN, key, CRL_INDEX_KEY_LEN);
			if (order >= 0) {
				found = order == 0;
				break;
			}
		}
	}
	if (compared != NULL)
		*compared = steps;
	return found;
}

gboolean
crl_index_lists(const CrlIndex *index, const ASN1_INTEGER *serial)
{
	guint8 key[CRL_INDEX_KEY_LEN];
	if (crl_index_key(serial, key) && !crl_index_contains_key(index, key, NULL))
		return FALSE;
	/* A hit (or a serial the index cannot hold): OpenSSL's own entry says whether it
	 * revokes. */
	X509_REVOKED *revoked = NULL;
	int found = X509_CRL_get0_by_serial(index->crl, &revoked, serial);
	ERR_clear_error();
	return found == 1;
}
