/* jpki-verify-token: a relying party's check of a login token (docs/protocol.md, authenticate),
 * for portals that would rather call a program than link libjpki.
 *
 *   jpki-verify-token --origin O --nonce N [--ca FILE ...] < token.json
 *
 * Success: the certificate's subject on standard output, status 0. Failure: the error's stable
 * code name ("signature-invalid", "certificate-expired", ...) alone on the first line of
 * standard error, a detail for developers on the second, status 1. Wrong options: status 2. */
#include "authtoken.h"
#include "cert.h"
#include "jpki_error.h"

#include <locale.h>
#include <stdio.h>

#define EXIT_REFUSED 1
#define EXIT_USAGE   2

/* At most JPKI_AUTHTOKEN_MAX_LEN + 1 bytes, so an over-long token is seen without reading it
 * all. */
static GBytes *
read_token(FILE *in, GError **error)
{
	gsize cap = JPKI_AUTHTOKEN_MAX_LEN + 1;
	g_autofree char *data = g_malloc(cap);
	gsize len = fread(data, 1, cap, in);
	if (ferror(in)) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_IO,
				    "cannot read the token from standard input");
		return NULL;
	}
	return g_bytes_new_take(g_steal_pointer(&data), len);
}

static int
refuse(const GError *error)
{
	fprintf(stderr, "%s\n%s\n", jpki_error_code_name(jpki_error_code_of(error)),
		error->message);
	return EXIT_REFUSED;
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	g_autofree char *origin = NULL;
	g_autofree char *nonce = NULL;
	g_auto(GStrv) ca_files = NULL;
	GOptionEntry entries[] = {
		{"origin", 0, 0, G_OPTION_ARG_STRING, &origin,
		 "The origin the portal serves (https://host[:port])", "ORIGIN"},
		{"nonce", 0, 0, G_OPTION_ARG_STRING, &nonce,
		 "The challenge nonce the portal issued", "NONCE"},
		{"ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &ca_files,
		 "A trust anchor (PEM or DER); repeatable. Default: the real JPKI roots", "FILE"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new("< TOKEN.json");
	g_option_context_set_summary(
		context, "Verifies a My Number Card login token (Web eID format web-eid:1.0).\n"
			 "Prints the certificate's subject, or the error code on standard error.");
	g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		fprintf(stderr, "jpki-verify-token: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (origin == NULL || nonce == NULL || argc != 1) {
		fprintf(stderr, "jpki-verify-token: --origin and --nonce are required, and the "
				"token comes on standard input\n");
		return EXIT_USAGE;
	}

	g_autoptr(JpkiTrustStore) store = NULL;
	if (ca_files != NULL && ca_files[0] != NULL) {
		store = jpki_trust_store_new();
		for (guint i = 0; ca_files[i] != NULL; i++) {
			if (!jpki_trust_store_add_file(store, ca_files[i], &error))
				return refuse(error);
		}
	} else if ((store = jpki_trust_store_new_default(&error)) == NULL) {
		return refuse(error);
	}

	g_autoptr(GBytes) token = read_token(stdin, &error);
	if (token == NULL)
		return refuse(error);
	gsize len = 0;
	const char *json = g_bytes_get_data(token, &len);
	g_autoptr(JpkiCert) cert =
		jpki_authtoken_verify(json != NULL ? json : "", len, origin, nonce, store, &error);
	if (cert == NULL)
		return refuse(error);
	g_autofree char *subject = jpki_cert_dup_subject(cert);
	printf("%s\n", subject);
	return 0;
}
