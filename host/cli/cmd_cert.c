/* jpki cert show auth|sign|auth-ca|sign-ca, jpki cert check [auth|sign] */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	char *format; /* text, pem, der */
	char *out;
	char **ca_files;
	char *crl_file;
} CertOptions;

static void
print_holder(Cli *cli, JpkiCert *cert)
{
	g_autoptr(JpkiHolderAttributes) holder = jpki_cert_get_holder_attributes(cert, NULL);
	if (holder == NULL)
		return;
	const char *sex = jpki_sex_describe(holder->sex, cli->lang == JPKI_LANG_JA);
	printf("%s %s\n", TR(cli, "氏名:", "Name:"), holder->name);
	if (holder->name_substitute != NULL &&
	    g_strcmp0(holder->name_substitute, holder->name) != 0)
		printf("%s %s\n", TR(cli, "氏名（代替文字）:", "Name (substitute characters):"),
		       holder->name_substitute);
	printf("%s %s\n", TR(cli, "生年月日:", "Date of birth:"), holder->birth_date);
	printf("%s %s\n", TR(cli, "性別:", "Sex:"), sex != NULL ? sex : holder->sex);
	printf("%s %s\n", TR(cli, "住所:", "Address:"), holder->address);
	if (holder->address_substitute != NULL &&
	    g_strcmp0(holder->address_substitute, holder->address) != 0)
		printf("%s %s\n", TR(cli, "住所（代替文字）:", "Address (substitute characters):"),
		       holder->address_substitute);
}

static json_t *
certificate_json_with_holder(JpkiCert *cert)
{
	json_t *json = cli_certificate_json(cert);
	g_autoptr(JpkiHolderAttributes) holder = jpki_cert_get_holder_attributes(cert, NULL);
	if (holder != NULL) {
		json_t *attrs = json_object();
		const char *names[] = {"name",       "name_substitute", "sex",
				       "birth_date", "address",         "address_substitute"};
		const char *values[] = {holder->name,    holder->name_substitute,
					holder->sex,     holder->birth_date,
					holder->address, holder->address_substitute};
		for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
			if (values[i] != NULL)
				json_object_set_new(attrs, names[i], json_string(values[i]));
		}
		json_object_set_new(json, "holder", attrs);
	}
	return json;
}

static void
print_text(Cli *cli, JpkiCert *cert)
{
	g_autofree char *subject = jpki_cert_dup_subject(cert);
	g_autofree char *issuer = jpki_cert_dup_issuer(cert);
	g_autofree char *serial = jpki_cert_dup_serial_hex(cert);
	g_autofree char *fingerprint = jpki_cert_dup_fingerprint_sha256(cert);
	g_autofree char *not_before = cli_format_date(jpki_cert_get_not_before(cert));
	g_autofree char *state = cli_describe_validity(cli, cert);
	printf("%s %s\n", TR(cli, "発行先:", "Subject:"), subject);
	printf("%s %s\n", TR(cli, "発行者:", "Issuer:"), issuer);
	printf("%s %s\n", TR(cli, "シリアル番号:", "Serial:"), serial);
	printf("%s %s\n", TR(cli, "有効期間の開始:", "Valid from:"), not_before);
	printf("%s %s\n", TR(cli, "状態:", "State:"), state);
	printf("SHA-256: %s\n", fingerprint);
	print_holder(cli, cert);
}

static gboolean
write_output(const char *path, const void *data, gsize len, GError **error)
{
	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_IO,
					    "cannot write stdout");
			return FALSE;
		}
		return TRUE;
	}
	return g_file_set_contents(path, data, (gssize)len, error);
}

static gboolean
emit(Cli *cli, JpkiCert *cert, const CertOptions *options, GError **error)
{
	const char *format = options->format != NULL ? options->format : "text";
	GBytes *der = jpki_cert_get_der(cert);
	if (strcmp(format, "der") == 0)
		return write_output(options->out, g_bytes_get_data(der, NULL),
				    g_bytes_get_size(der), error);
	if (strcmp(format, "pem") == 0) {
		g_autofree char *base64 =
			g_base64_encode(g_bytes_get_data(der, NULL), g_bytes_get_size(der));
		GString *pem = g_string_new("-----BEGIN CERTIFICATE-----\n");
		for (gsize at = 0; at < strlen(base64); at += 64)
			g_string_append_printf(pem, "%.64s\n", base64 + at);
		g_string_append(pem, "-----END CERTIFICATE-----\n");
		gboolean ok = write_output(options->out, pem->str, pem->len, error);
		g_string_free(pem, TRUE);
		return ok;
	}
	if (strcmp(format, "text") != 0) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			    "--format is text, pem or der, not '%s'", format);
		return FALSE;
	}
	if (cli->json)
		cli_print_json(certificate_json_with_holder(cert));
	else
		print_text(cli, cert);
	return TRUE;
}

static int
check(Cli *cli, JpkiCard *card, JpkiCertSlot slot, const CertOptions *options)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiTrustStore) store =
		cli_trust_store(options->ca_files, options->crl_file, &error);
	if (store == NULL)
		return cli_fail(cli, error);
	guint tries = 0;
	g_autoptr(JpkiCert) cert = cli_read_certificate(cli, card, slot, &tries, &error);
	if (cert == NULL)
		return cli_fail_pin(cli, error, tries);
	jpki_card_end_transaction(card);
	if (!jpki_cert_verify(cert, store, NULL, NULL, &error))
		return cli_fail(cli, error);
	if (cli->json) {
		json_t *json = cli_certificate_json(cert);
		json_object_set_new(json, "verified", json_true());
		json_object_set_new(json, "revocation_checked",
				    json_boolean(options->crl_file != NULL));
		cli_print_json(json);
		return CLI_OK;
	}
	g_autofree char *state = cli_describe_validity(cli, cert);
	printf("%s\n%s %s\n",
	       TR(cli, "有効性確認: 正常（認証局まで検証できました）",
		  "Validity check: OK (the certificate chains to its CA)"),
	       TR(cli, "状態:", "State:"), state);
	printf("%s\n",
	       options->crl_file != NULL
		       ? TR(cli, "失効: 指定の失効リストに載っていません。",
			    "Revocation: not listed in the given CRL.")
		       : TR(cli, "失効: 確認していません（--crl で失効リストを指定できます）。",
			    "Revocation: not checked (give a CRL with --crl)."));
	return CLI_OK;
}

int
cli_cert(Cli *cli, int argc, char **argv)
{
	CertOptions options = {0};
	const GOptionEntry entries[] = {
		{"format", 0, 0, G_OPTION_ARG_STRING, &options.format,
		 TR(cli, "show の出力形式: text（既定）, pem, der",
		    "show's format: text (default), pem, der"),
		 "text|pem|der"},
		{"out", 'o', 0, G_OPTION_ARG_FILENAME, &options.out,
		 TR(cli, "出力先ファイル（pem/der）", "output file (pem/der)"),
		 TR(cli, "ファイル", "FILE")},
		{"ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.ca_files,
		 TR(cli, "check で信頼する認証局（既定: 公的個人認証サービスのルート証明書）",
		    "trust anchor for check (default: the JPKI root certificates)"),
		 TR(cli, "ファイル", "FILE")},
		{"crl", 0, 0, G_OPTION_ARG_FILENAME, &options.crl_file,
		 TR(cli, "check で失効を確認する失効リスト（CRL）",
		    "CRL to check revocation against"),
		 TR(cli, "ファイル", "FILE")},
		G_OPTION_ENTRY_NULL,
	};
	int status = CLI_USAGE;
	JpkiCertSlot slot = JPKI_SLOT_AUTH;
	if (cli_parse(cli, &argc, &argv, "show auth|sign|auth-ca|sign-ca | check [auth|sign]",
		      TR(cli,
			 "show: 電子証明書を表示（署名用は暗証番号が必要）\n"
			 "check: 有効性確認（認証局までの検証、有効期限、--crl があれば失効）",
			 "show: show a certificate (the signing one needs its password)\n"
			 "check: validity check (chain to the CA, expiry, revocation with --crl)"),
		      entries)) {
		gboolean show = argc == 3 && strcmp(argv[1], "show") == 0 &&
				jpki_cert_slot_from_name(argv[2], &slot);
		gboolean checking =
			(argc == 2 || argc == 3) && strcmp(argv[1], "check") == 0 &&
			(argc == 2 || (jpki_cert_slot_from_name(argv[2], &slot) &&
				       (slot == JPKI_SLOT_AUTH || slot == JPKI_SLOT_SIGN)));
		if (show || checking) {
			g_autoptr(GError) error = NULL;
			g_autoptr(JpkiContext) context = NULL;
			g_autoptr(JpkiCard) card = cli_open_card(cli, &context, &error);
			guint tries = 0;
			g_autoptr(JpkiCert) cert = NULL;
			if (card == NULL || !jpki_card_begin_transaction(card, &error))
				status = cli_fail(cli, error);
			else if (checking)
				status = check(cli, card, slot, &options);
			else if ((cert = cli_read_certificate(cli, card, slot, &tries, &error)) ==
				 NULL)
				status = cli_fail_pin(cli, error, tries);
			else
				status = emit(cli, cert, &options, &error) ? CLI_OK
									   : cli_fail(cli, error);
		} else {
			fprintf(stderr, "%s\n",
				TR(cli,
				   "使い方: jpki cert show auth|sign|auth-ca|sign-ca | jpki cert "
				   "check [auth|sign]",
				   "Usage: jpki cert show auth|sign|auth-ca|sign-ca | jpki cert "
				   "check [auth|sign]"));
		}
	}
	g_free(options.format);
	g_free(options.out);
	g_strfreev(options.ca_files);
	g_free(options.crl_file);
	return status;
}
