/* jpki verify FILE SIG: signature, chain, validity and the signer's attributes. */
#include "cli.h"
#include "cms.h"
#include "file_io.h"
#include "openssl_autoptr.h"

#include <stdio.h>

static void
report(Cli *cli, JpkiCmsSignerInfo *info, JpkiCert *signer, gboolean revocation_checked)
{
	g_autofree char *subject = jpki_cert_dup_subject(signer);
	g_autoptr(JpkiHolderAttributes) holder = jpki_cert_get_holder_attributes(signer, NULL);
	g_autofree char *signed_at =
		info->signing_time != NULL ? g_date_time_format_iso8601(info->signing_time) : NULL;
	if (cli->json) {
		json_t *json = cli_certificate_json(signer);
		json_object_set_new(json, "signature_valid", json_true());
		json_object_set_new(json, "hash", json_string(jpki_hash_name(info->alg)));
		json_object_set_new(json, "revocation_checked", json_boolean(revocation_checked));
		if (signed_at != NULL)
			json_object_set_new(json, "signing_time", json_string(signed_at));
		if (holder != NULL)
			json_object_set_new(json, "holder",
					    json_pack("{s:s?, s:s?, s:s?, s:s?}", "name",
						      holder->name, "address", holder->address,
						      "birth_date", holder->birth_date, "sex",
						      holder->sex));
		cli_print_json(json);
		return;
	}
	g_autofree char *state = cli_describe_validity(cli, signer);
	printf("%s\n", TR(cli, "署名は正しく、署名者の証明書は認証局まで検証できました。",
			  "The signature is valid and the signer's certificate chains to its CA."));
	printf("%s %s\n", TR(cli, "署名者:", "Signer:"), subject);
	if (holder != NULL) {
		printf("%s %s\n", TR(cli, "氏名:", "Name:"), holder->name);
		printf("%s %s\n", TR(cli, "住所:", "Address:"), holder->address);
	}
	if (signed_at != NULL)
		printf("%s %s\n", TR(cli, "署名日時:", "Signed at:"), signed_at);
	printf("%s %s\n", TR(cli, "証明書の状態:", "Certificate:"), state);
	if (!revocation_checked)
		printf("%s\n",
		       TR(cli, "失効: 確認していません（--crl で失効リストを指定できます）。",
			  "Revocation: not checked (give a CRL with --crl)."));
}

int
cli_verify(Cli *cli, int argc, char **argv)
{
	g_auto(GStrv) ca_files = NULL;
	g_autofree char *crl_file = NULL;
	const GOptionEntry entries[] = {
		{"ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &ca_files,
		 TR(cli, "信頼する認証局（既定: 公的個人認証サービスのルート証明書）",
		    "trust anchor (default: the JPKI root certificates)"),
		 TR(cli, "ファイル", "FILE")},
		{"crl", 0, 0, G_OPTION_ARG_FILENAME, &crl_file,
		 TR(cli, "失効を確認する失効リスト（CRL）", "CRL to check revocation against"),
		 TR(cli, "ファイル", "FILE")},
		G_OPTION_ENTRY_NULL,
	};
	if (!cli_parse(cli, &argc, &argv, TR(cli, "ファイル 署名.p7s", "FILE SIG.p7s"),
		       TR(cli, "分離形式の署名（.p7s）を検証します。カードは不要です。",
			  "Verifies a detached signature (.p7s). No card is needed."),
		       entries))
		return CLI_USAGE;
	if (argc != 3) {
		fprintf(stderr, "%s\n",
			TR(cli, "使い方: jpki verify ファイル 署名.p7s",
			   "Usage: jpki verify FILE SIG.p7s"));
		return CLI_USAGE;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiTrustStore) store = cli_trust_store(ca_files, crl_file, &error);
	g_autoptr(GBytes) content =
		store != NULL ? jpki_file_read(argv[1], JPKI_DOCUMENT_MAX, &error) : NULL;
	g_autoptr(GBytes) signature =
		content != NULL ? jpki_file_read(argv[2], JPKI_DOCUMENT_MAX, &error) : NULL;
	if (signature == NULL)
		return cli_fail(cli, error);
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached(
		signature, content, jpki_trust_store_get_x509_store(store), &error);
	if (info == NULL)
		return cli_fail(cli, error);
	unsigned char *der = NULL;
	int len = i2d_X509(info->signer, &der);
	g_autoptr(GBytes) signer_der = g_bytes_new(der, (gsize)MAX(len, 0));
	OPENSSL_free(der);
	g_autoptr(JpkiCert) signer = jpki_cert_new_from_der(signer_der, &error);
	if (signer == NULL)
		return cli_fail(cli, error);
	report(cli, info, signer, crl_file != NULL);
	return CLI_OK;
}
