/* Login-token verification (authtoken.c), the relying party's side, on any token text. The
 * anchors are the committed test CA of the seeds (seed-pki/), so a seed's token verifies and
 * its mutations reach every check, the signature included. */
#include "authtoken.h"
#include "cert.h"
#include "jpki_error.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ORIGIN "https://login.example.jp"
#define NONCE  "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI="

static JpkiTrustStore *store;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (store == NULL) {
		store = jpki_trust_store_new();
		g_autoptr(GError) error = NULL;
		if (!jpki_trust_store_add_file(store, SEED_PKI_DIR "/auth-ca.pem", &error))
			g_error("%s", error->message);
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert =
		jpki_authtoken_verify((const char *)data, size, ORIGIN, NONCE, store, NULL, &error);
	g_assert((cert == NULL) == (error != NULL));
	if (error != NULL)
		g_assert(error->domain == JPKI_ERROR);
	return 0;
}
