/* A portal's program built only from the installed libjpki-verify (its header and pkg-config
 * file): a trust anchor, a malformed token, the reason code. */
#include <jpki-verify.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	g_autoptr(JpkiVerifier) verifier = jpki_verifier_new_empty();
	g_autoptr(GError) error = NULL;
	if (!jpki_verifier_add_anchor_file(verifier, argv[1], &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	const char token[] = "{\"format\": \"web-eid:1.0\"}";
	g_autoptr(JpkiVerifiedSigner) signer = jpki_verifier_check_login_token(
		verifier, token, strlen(token), "https://portal.example.jp", "nonce", &error);
	if (signer != NULL)
		return 1;
	printf("%s\n", jpki_verify_reason(error));
	return 0;
}
