/* The cache of checked certificates (cert_cache.h): a hash table over the certificates' base64
 * and a queue in order of use, under one lock. */
#include "cert_cache.h"

#include "authtoken.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

gboolean
check_signing_certificate(JpkiCert *cert, GError **error)
{
	if (jpki_cert_get_rsa_key(cert) == NULL) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the certificate's key is not RSA");
		return FALSE;
	}
	X509 *x509 = jpki_cert_get_x509(cert);
	guint32 usage = X509_get_key_usage(x509);
	ERR_clear_error();
	if (X509_check_ca(x509) != 0 ||
	    (usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_WRONG_USAGE,
				    "the certificate is a CA's, or its keyUsage allows neither "
				    "digitalSignature nor nonRepudiation");
		return FALSE;
	}
	return TRUE;
}

char *
format_utc(GDateTime *time)
{
	g_autoptr(GDateTime) utc = g_date_time_to_utc(time);
	return g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
}

CheckedCert *
checked_cert_new(JpkiCert *cert)
{
	CheckedCert *checked = g_atomic_rc_box_new0(CheckedCert);
	checked->cert = cert;
	checked->subject = jpki_cert_dup_subject(cert);
	checked->issuer = jpki_cert_dup_issuer(cert);
	checked->serial = jpki_cert_dup_serial_hex(cert);
	checked->not_after = format_utc(jpki_cert_get_not_after(cert));
	/* An authentication certificate has no attributes: that is not an error here. */
	checked->holder = jpki_cert_get_holder_attributes(cert, NULL);
	checked->authentication = jpki_authtoken_check_certificate(cert, NULL);
	checked->signing = check_signing_certificate(cert, NULL);
	return checked;
}

CheckedCert *
checked_cert_ref(CheckedCert *checked)
{
	return g_atomic_rc_box_acquire(checked);
}

static void
checked_cert_clear(CheckedCert *checked)
{
	jpki_cert_free(checked->cert);
	g_free(checked->subject);
	g_free(checked->issuer);
	g_free(checked->serial);
	g_free(checked->not_after);
	jpki_holder_attributes_free(checked->holder);
	jpki_cert_path_clear(&checked->path);
}

void
checked_cert_unref(CheckedCert *checked)
{
	if (checked != NULL)
		g_atomic_rc_box_release_full(checked, (GDestroyNotify)checked_cert_clear);
}

typedef struct {
	char *text;       /* owned */
	CertCacheKey key; /* over `text` */
	CheckedCert *checked;
	GList link; /* in CertCache.order; data is this node */
} CacheNode;

struct _CertCache {
	GMutex lock;
	GHashTable *nodes; /* CertCacheKey* (in its node) -> CacheNode*, owned */
	GQueue order;      /* most recently used first */
};

/* A certificate ends with its issuer's signature, which differs from one certificate to the
 * next: its last characters spread the keys. Only certificates whose path verified come in,
 * and key_equal() compares the whole text, so a page cannot make one certificate pass for
 * another, nor fill a bucket. */
#define KEY_HASH_TAIL 32

static guint
key_hash(gconstpointer data)
{
	const CertCacheKey *key = data;
	guint hash = (guint)key->len;
	for (gsize i = key->len - MIN(key->len, KEY_HASH_TAIL); i < key->len; i++)
		hash = hash * 31 + (guchar)key->text[i];
	return hash;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	const CertCacheKey *x = a, *y = b;
	return x->len == y->len && memcmp(x->text, y->text, x->len) == 0;
}

static void
cache_node_free(CacheNode *node)
{
	checked_cert_unref(node->checked);
	g_free(node->text);
	g_free(node);
}

CertCache *
cert_cache_new(void)
{
	CertCache *cache = g_new0(CertCache, 1);
	g_mutex_init(&cache->lock);
	cache->nodes =
		g_hash_table_new_full(key_hash, key_equal, NULL, (GDestroyNotify)cache_node_free);
	g_queue_init(&cache->order);
	return cache;
}

void
cert_cache_free(CertCache *cache)
{
	if (cache == NULL)
		return;
	g_hash_table_unref(cache->nodes);
	g_mutex_clear(&cache->lock);
	g_free(cache);
}

CheckedCert *
cert_cache_lookup(CertCache *cache, const CertCacheKey *key)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache->lock);
	CacheNode *node = g_hash_table_lookup(cache->nodes, key);
	if (node == NULL)
		return NULL;
	g_queue_unlink(&cache->order, &node->link);
	g_queue_push_head_link(&cache->order, &node->link);
	return checked_cert_ref(node->checked);
}

void
cert_cache_insert(CertCache *cache, const CertCacheKey *key, CheckedCert *checked)
{
	g_return_if_fail(checked->path.issuer != NULL);
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache->lock);
	if (g_hash_table_contains(cache->nodes, key))
		return;
	if (g_queue_get_length(&cache->order) >= CERT_CACHE_CAPACITY) {
		GList *oldest = g_queue_pop_tail_link(&cache->order);
		g_hash_table_remove(cache->nodes, &((CacheNode *)oldest->data)->key);
	}
	CacheNode *node = g_new0(CacheNode, 1);
	node->text = g_strndup(key->text, key->len);
	node->key = (CertCacheKey){node->text, key->len};
	node->checked = checked_cert_ref(checked);
	node->link.data = node;
	g_queue_push_head_link(&cache->order, &node->link);
	g_hash_table_insert(cache->nodes, &node->key, node);
}

void
cert_cache_clear(CertCache *cache)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache->lock);
	g_queue_init(&cache->order);
	g_hash_table_remove_all(cache->nodes);
}
