/* CMS SignedData verification (cms.c) on any bytes, over the seeds' content, by the whole
 * content and by its digest. The anchors are the committed test CA of the seeds (seed-pki/). */
#include "cert.h"
#include "cms.h"

#include <openssl/x509.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CONTENT "fuzz content\n"

static X509_STORE *anchors;

static void
load_anchors(void)
{
	static JpkiTrustStore *store;
	store = jpki_trust_store_new();
	g_autoptr(GError) error = NULL;
	if (!jpki_trust_store_add_file(store, SEED_PKI_DIR "/sign-ca.pem", &error))
		g_error("%s", error->message);
	anchors = jpki_trust_store_get_x509_store(store);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (anchors == NULL)
		load_anchors();
	g_autoptr(GBytes) cms = g_bytes_new(data, size);
	g_autoptr(GBytes) content = g_bytes_new_static(CONTENT, strlen(CONTENT));
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(cms, content, anchors, &error);
	g_assert((info == NULL) == (error != NULL));

	guint8 digest[32];
	gsize len = sizeof(digest);
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(checksum, (const guchar *)CONTENT, strlen(CONTENT));
	g_checksum_get_digest(checksum, digest, &len);
	g_autoptr(GBytes) digest_bytes = g_bytes_new(digest, len);
	g_autoptr(GError) digest_error = NULL;
	g_autoptr(JpkiCmsSignerInfo) by_digest = jpki_cms_verify_detached_digest(
		cms, JPKI_HASH_SHA256, digest_bytes, anchors, &digest_error);
	g_assert((by_digest == NULL) == (digest_error != NULL));
	/* The same answer either way. */
	g_assert((info == NULL) == (by_digest == NULL));
	return 0;
}
