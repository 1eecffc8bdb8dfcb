/* test-make-cms CERT KEY CONTENT [ORIGIN] > SIGNATURE.p7s: a detached CMS over the file CONTENT
 * as the host's sign-cms makes it (jpki_cms_sign_detached(), the test PKI's KEY standing in for
 * the card), with the origin attribute when ORIGIN is given. CERT and KEY name files of the
 * build's test PKI. For the shell tests (verify_cli.sh, the demo portal's API test): the openssl
 * CLI cannot write that attribute. */
#include "cms.h"
#include "openssl_autoptr.h"
#include "test_pki.h"
#include "test_util.h"

#include <stdio.h>

static GBytes *
sign_like_the_card(GBytes *digest_info, gpointer key, GError **error)
{
	(void)error;
	return test_sign_like_the_card(key, digest_info);
}

int
main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: test-make-cms CERT KEY CONTENT [ORIGIN]\n");
		return 2;
	}
	g_autoptr(X509) signer = test_pki_load_x509(argv[1]);
	g_autoptr(EVP_PKEY) key = test_pki_load_key(argv[2]);
	g_autofree char *content = NULL;
	gsize len = 0;
	g_autoptr(GError) error = NULL;
	if (!g_file_get_contents(argv[3], &content, &len, &error)) {
		fprintf(stderr, "test-make-cms: %s\n", error->message);
		return 1;
	}
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(checksum, (const guchar *)content, (gssize)len);
	guint8 digest[32];
	gsize digest_len = sizeof(digest);
	g_checksum_get_digest(checksum, digest, &digest_len);
	g_autoptr(GBytes) digest_bytes = g_bytes_new(digest, digest_len);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GBytes) cms =
		jpki_cms_sign_detached(signer, JPKI_HASH_SHA256, digest_bytes, now,
				       argc == 5 ? argv[4] : NULL, sign_like_the_card, key, &error);
	if (cms == NULL) {
		fprintf(stderr, "test-make-cms: %s\n", error->message);
		return 1;
	}
	gsize cms_len = 0;
	const void *data = g_bytes_get_data(cms, &cms_len);
	return fwrite(data, 1, cms_len, stdout) == cms_len && fflush(stdout) == 0 ? 0 : 1;
}
