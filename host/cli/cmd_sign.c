/* jpki sign FILE: a detached CAdES-BES signature (.p7s) made by the card. */
#include "cli.h"
#include "cms.h"
#include "openssl_autoptr.h"

#include <errno.h>
#include <stdio.h>

#define CHUNK (64 * 1024)

/* The file's digest, read in chunks so a large file needs no large buffer. */
static GBytes *
digest_file(const char *path, JpkiHashAlg alg, GError **error)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot open %s: %s", path,
			    g_strerror(errno));
		return NULL;
	}
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	g_autofree guint8 *buffer = g_malloc(CHUNK);
	gboolean ok = EVP_DigestInit_ex(ctx, jpki_hash_md(alg), NULL) == 1;
	size_t n;
	while (ok && (n = fread(buffer, 1, CHUNK, file)) > 0)
		ok = EVP_DigestUpdate(ctx, buffer, n) == 1;
	ok = ok && !ferror(file);
	fclose(file);
	guint8 digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!ok || EVP_DigestFinal_ex(ctx, digest, &len) != 1) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot read %s", path);
		return NULL;
	}
	return g_bytes_new(digest, len);
}

static GBytes *
sign_with_card(GBytes *digest_info, gpointer card, GError **error)
{
	return jpki_ap_sign(card, JPKI_SECRET_SIGN, digest_info, error);
}

/* Password, signing certificate, signature: one transaction, one prompt. */
static GBytes *
sign_digest(Cli *cli, JpkiCard *card, JpkiHashAlg alg, GBytes *digest, JpkiCert **signer,
	    guint *tries, GError **error)
{
	g_autoptr(JpkiCert) cert = cli_read_certificate(cli, card, JPKI_SLOT_SIGN, tries, error);
	if (cert == NULL)
		return NULL;
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	JpkiCertValidity validity = jpki_cert_validity_at(cert, now);
	if (validity == JPKI_CERT_EXPIRED || validity == JPKI_CERT_NOT_YET_VALID) {
		g_set_error_literal(error, JPKI_ERROR,
				    validity == JPKI_CERT_EXPIRED
					    ? JPKI_ERROR_CERTIFICATE_EXPIRED
					    : JPKI_ERROR_CERTIFICATE_NOT_YET_VALID,
				    "the signing certificate is not valid now; nothing was signed");
		return NULL;
	}
	/* No site asks here: the person signs their own file, so no origin attribute. */
	GBytes *cms = jpki_cms_sign_detached(jpki_cert_get_x509(cert), alg, digest, now, NULL,
					     sign_with_card, card, error);
	*signer = g_steal_pointer(&cert);
	return cms;
}

int
cli_sign(Cli *cli, int argc, char **argv)
{
	g_autofree char *out = NULL;
	g_autofree char *hash = NULL;
	const GOptionEntry entries[] = {
		{"out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		 TR(cli, "署名ファイル（既定: ファイル名.p7s）",
		    "signature file (default: FILE.p7s)"),
		 TR(cli, "ファイル", "FILE")},
		{"hash", 0, 0, G_OPTION_ARG_STRING, &hash,
		 TR(cli, "ハッシュ関数 SHA-256（既定）, SHA-384, SHA-512",
		    "hash function SHA-256 (default), SHA-384, SHA-512"),
		 "SHA-256"},
		G_OPTION_ENTRY_NULL,
	};
	if (!cli_parse(
		    cli, &argc, &argv, TR(cli, "ファイル", "FILE"),
		    TR(cli,
		       "署名用電子証明書でファイルに署名し、分離形式の署名（CAdES-BES, "
		       ".p7s）を書きます。",
		       "Signs a file with the signing certificate and writes a detached CAdES-BES "
		       "signature (.p7s)."),
		    entries))
		return CLI_USAGE;
	JpkiHashAlg alg = JPKI_HASH_SHA256;
	if (argc != 2 || (hash != NULL && !jpki_hash_from_name(hash, &alg))) {
		fprintf(stderr, "%s\n",
			TR(cli, "使い方: jpki sign ファイル [--out 署名.p7s] [--hash SHA-256]",
			   "Usage: jpki sign FILE [--out SIG.p7s] [--hash SHA-256]"));
		return CLI_USAGE;
	}
	const char *path = argv[1];
	g_autofree char *sig_path = out != NULL ? g_strdup(out) : g_strconcat(path, ".p7s", NULL);

	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) digest = digest_file(path, alg, &error);
	if (digest == NULL)
		return cli_fail(cli, error);
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = cli_open_card(cli, &context, &error);
	if (card == NULL || !jpki_card_begin_transaction(card, &error))
		return cli_fail(cli, error);
	guint tries = 0;
	g_autoptr(JpkiCert) signer = NULL;
	g_autoptr(GBytes) cms = sign_digest(cli, card, alg, digest, &signer, &tries, &error);
	jpki_card_end_transaction(card);
	if (cms == NULL)
		return cli_fail_pin(cli, error, tries);
	if (!g_file_set_contents(sig_path, g_bytes_get_data(cms, NULL),
				 (gssize)g_bytes_get_size(cms), &error))
		return cli_fail(cli, error);
	g_autofree char *subject = jpki_cert_dup_subject(signer);
	if (cli->json)
		cli_print_json(json_pack("{s:s, s:s, s:s, s:s}", "file", path, "signature",
					 sig_path, "hash", jpki_hash_name(alg), "signer", subject));
	else
		printf(TR(cli, "署名しました: %s\n署名者: %s\n", "Signed: %s\nSigner: %s\n"),
		       sig_path, subject);
	return CLI_OK;
}
