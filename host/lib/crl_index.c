/* The sorted array of a CRL's serials (crl_index.h). */
#include "crl_index.h"

#include <openssl/err.h>
#include <string.h>

struct _CrlIndex {
	X509_CRL *crl;
	guint8 *keys; /* count keys of CRL_INDEX_KEY_LEN bytes, ascending */
	gsize count;
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
	qsort(index->keys, index->count, CRL_INDEX_KEY_LEN, compare_keys);
	return index;
}

void
crl_index_free(CrlIndex *index)
{
	if (index == NULL)
		return;
	X509_CRL_free(index->crl);
	g_free(index->keys);
	g_free(index);
}

guint
crl_index_size(const CrlIndex *index)
{
	return (guint)index->count;
}

static gboolean
contains_key(const CrlIndex *index, const guint8 key[CRL_INDEX_KEY_LEN])
{
	gsize low = 0, high = index->count;
	while (low < high) {
		gsize middle = low + (high - low) / 2;
		int order =
			memcmp(index->keys + middle * CRL_INDEX_KEY_LEN, key, CRL_INDEX_KEY_LEN);
		if (order == 0)
			return TRUE;
		if (order < 0)
			low = middle + 1;
		else
			high = middle;
	}
	return FALSE;
}

gboolean
crl_index_lists(const CrlIndex *index, const ASN1_INTEGER *serial)
{
	guint8 key[CRL_INDEX_KEY_LEN];
	if (crl_index_key(serial, key) && !contains_key(index, key))
		return FALSE;
	/* A hit (or a serial the index cannot hold): OpenSSL's own entry says whether it
	 * revokes. */
	X509_REVOKED *revoked = NULL;
	int found = X509_CRL_get0_by_serial(index->crl, &revoked, serial);
	ERR_clear_error();
	return found == 1;
}
