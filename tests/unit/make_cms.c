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
	g_autoptr(GBytes) content_bytes = g_bytes_new_take(g_steal_pointer(&content), len);
	g_autoptr(GBytes) cms = test_make_cms(signer, key, JPKI_HASH_SHA256, content_bytes, NULL,
					      argc == 5 ? argv[4] : NULL);
	gsize cms_len = 0;
	const void *data = g_bytes_get_data(cms, &cms_len);
	return fwrite(data, 1, cms_len, stdout) == cms_len && fflush(stdout) == 0 ? 0 : 1;
}
