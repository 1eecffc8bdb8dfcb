/* Helpers every command uses: errors, JSON, options, opening the card. */
#include "cli.h"
#include "prompt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
report_failure(Cli *cli, const char *code, const char *summary, const char *advice,
	       const char *detail, int tries_left)
{
	if (cli->json) {
		/* As the host's error (docs/protocol.md, "JSON"): "message" is the English detail
		 * for developers; the texts for the user are in --lang. */
		json_t *entry = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "message", detail,
					  "summary", summary, "advice", advice);
		if (tries_left >= 0)
			json_object_set_new(entry, "tries_left", json_integer(tries_left));
		cli_print_json(json_pack("{s:o}", "error", entry));
		return CLI_ERROR;
	}
	fprintf(stderr, "%s\n", summary);
	if (tries_left >= 0) {
		g_autofree char *tries = jpki_tries_left_text((guint)tries_left, cli->lang);
		fprintf(stderr, TR(cli, "%sです。\n", "%s.\n"), tries);
	}
	fprintf(stderr, "%s\n(%s)\n", advice, detail);
	return CLI_ERROR;
}

static int
fail_with(Cli *cli, const GError *error, int tries_left)
{
	const JpkiErrorText *text = jpki_error_describe(error, NULL);
	return report_failure(cli, text->name, text->summary[cli->lang], text->advice[cli->lang],
			      error->message, tries_left);
}

int
cli_fail_with_text(Cli *cli, const char *code, const char *summary, const char *advice,
		   const GError *error)
{
	return report_failure(cli, code, summary, advice, error->message, -1);
}

int
cli_fail(Cli *cli, const GError *error)
{
	return fail_with(cli, error, -1);
}

int
cli_fail_pin(Cli *cli, const GError *error, guint tries_left)
{
	gboolean wrong_pin = g_error_matches(error, JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT);
	return fail_with(cli, error, wrong_pin ? (int)tries_left : -1);
}

JpkiPin *
cli_ask_pin(Cli *cli, JpkiCard *card, JpkiSecret secret, GError **error)
{
	guint tries = 0;
	if (!jpki_pin_query_before_asking(card, secret, &tries, error))
		return NULL;
	return cli_read_pin(cli, secret, NULL, tries, error);
}

JpkiCert *
cli_read_certificate(Cli *cli, JpkiCard *card, JpkiCertSlot slot, guint *tries_left, GError **error)
{
	if (slot == JPKI_SLOT_SIGN) {
		g_autoptr(JpkiPin) pin = cli_ask_pin(cli, card, JPKI_SECRET_SIGN, error);
		if (pin == NULL || !jpki_pin_verify(card, pin, tries_left, error))
			return NULL;
	}
	g_autoptr(GBytes) der = jpki_ap_read_certificate(card, slot, error);
	return der != NULL ? jpki_cert_new_from_der(der, error) : NULL;
}

void
cli_print_json(json_t *document)
{
	char *text = json_dumps(document, JSON_INDENT(2) | JSON_SORT_KEYS);
	printf("%s\n", text);
	free(text);
	json_decref(document);
}

JpkiCard *
cli_open_card(Cli *cli, JpkiContext **context, GError **error)
{
	*context = jpki_context_new(error);
	if (*context == NULL)
		return NULL;
	if (cli->wait_s > 0) {
		if (!cli->json)
			fprintf(stderr, "%s\n",
				TR(cli, "マイナンバーカードをリーダーに置いてください…",
				   "Place your My Number Card on the reader…"));
		if (!jpki_context_wait_for_card(*context, (guint)cli->wait_s * 1000, error))
			return NULL;
	}
	return jpki_ap_find_card(*context, cli->reader, error);
}

char *
cli_format_date(GDateTime *utc)
{
	g_autoptr(GDateTime) local = g_date_time_to_local(utc);
	return g_date_time_format(local, "%Y-%m-%d");
}

gboolean
cli_parse(Cli *cli, int *argc, char ***argv, const char *usage, const char *summary,
	  const GOptionEntry *entries)
{
	g_autofree char *lang = NULL;
	const GOptionEntry common[] = {
		{"reader", 0, 0, G_OPTION_ARG_STRING, &cli->reader,
		 TR(cli, "使うリーダー（省略時: マイナンバーカードのあるリーダー）",
		    "the reader to use (default: the one holding a My Number Card)"),
		 TR(cli, "名前", "NAME")},
		{"json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
		 TR(cli, "JSON で出力（スクリプト用）", "print JSON (for scripts)"), NULL},
		{"lang", 0, 0, G_OPTION_ARG_STRING, &lang,
		 TR(cli, "表示言語 ja または en（省略時: ロケール）",
		    "language, ja or en (default: from the locale)"),
		 "ja|en"},
		{"pin-fd", 0, 0, G_OPTION_ARG_INT, &cli->pin_fd,
		 TR(cli, "暗証番号をこのファイル記述子から1行ずつ読む（自動化用）",
		    "read PINs from this file descriptor, one per line (for automation)"),
		 "N"},
		{"wait", 0, 0, G_OPTION_ARG_INT, &cli->wait_s,
		 TR(cli, "カードが置かれるまで最大この秒数待つ",
		    "wait up to this many seconds for a card"),
		 TR(cli, "秒", "SECONDS")},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new(usage);
	g_option_context_set_summary(context, summary);
	g_option_context_add_main_entries(context, common, NULL);
	if (entries != NULL)
		g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, argc, argv, &error)) {
		fprintf(stderr, "jpki: %s\n", error->message);
		return FALSE;
	}
	if (lang != NULL && !jpki_lang_from_name(lang, &cli->lang)) {
		fprintf(stderr, "jpki: --lang ja|en\n");
		return FALSE;
	}
	return TRUE;
}

/* What a PIN or the signing password could be: 4 to 16 letters and digits. */
static gboolean
looks_like_a_pin(const char *text)
{
	gsize len = strlen(text);
	if (len < 4 || len > 16)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isalnum(text[i]))
			return FALSE;
	}
	return TRUE;
}

gboolean
cli_refuse_arguments(Cli *cli, int argc, char **argv)
{
	if (argc <= 1)
		return TRUE;
	if (looks_like_a_pin(argv[1]))
		fprintf(stderr, "%s\n",
			TR(cli,
			   "jpki: 余分な引数があります。暗証番号は引数に書かず、表示される入力欄に"
			   "入力してください（自動化には --pin-fd）。",
			   "jpki: unexpected argument. A PIN is never given as an argument: type "
			   "it "
			   "where you are asked (or use --pin-fd for automation)."));
	else
		fprintf(stderr,
			TR(cli, "jpki: 余分な引数「%s」\n", "jpki: unexpected argument '%s'\n"),
			argv[1]);
	return FALSE;
}

char *
cli_describe_validity(Cli *cli, JpkiCert *cert)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *not_after = cli_format_date(jpki_cert_get_not_after(cert));
	g_autoptr(GDateTime) renewal = jpki_cert_renewal_from(cert);
	g_autofree char *renewal_from = cli_format_date(renewal);
	switch (jpki_cert_validity_at(cert, now)) {
	case JPKI_CERT_VALID:
		return g_strdup_printf(TR(cli, "有効（有効期限 %s）", "valid (until %s)"),
				       not_after);
	case JPKI_CERT_RENEWAL_WINDOW:
		return g_strdup_printf(TR(cli,
					  "有効（有効期限 %s）— 更新できる期間です（%s "
					  "から）。市区町村の窓口で更新してください。",
					  "valid until %s — renewable now (since %s): renew it at "
					  "your municipal office."),
				       not_after, renewal_from);
	case JPKI_CERT_EXPIRED:
		return g_strdup_printf(TR(cli,
					  "有効期限切れ（%s）— 市区町村の窓口で更新してください。",
					  "expired on %s — renew it at your municipal office."),
				       not_after);
	default:
		return g_strdup(TR(cli,
				   "まだ有効ではありません — パソコンの日付を確認してください。",
				   "not valid yet — check this computer's date."));
	}
}

static char *
iso_date(GDateTime *utc)
{
	return g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
}

json_t *
cli_certificate_json(JpkiCert *cert)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GDateTime) renewal = jpki_cert_renewal_from(cert);
	g_autofree char *subject = jpki_cert_dup_subject(cert);
	g_autofree char *issuer = jpki_cert_dup_issuer(cert);
	g_autofree char *serial = jpki_cert_dup_serial_hex(cert);
	g_autofree char *fingerprint = jpki_cert_dup_fingerprint_sha256(cert);
	g_autofree char *not_before = iso_date(jpki_cert_get_not_before(cert));
	g_autofree char *not_after = iso_date(jpki_cert_get_not_after(cert));
	g_autofree char *renewal_from = iso_date(renewal);
	return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "present", 1, "subject",
			 subject, "issuer", issuer, "serial", serial, "sha256", fingerprint,
			 "not_before", not_before, "not_after", not_after, "renewal_from",
			 renewal_from, "validity",
			 jpki_cert_validity_name(jpki_cert_validity_at(cert, now)));
}

JpkiTrustStore *
cli_trust_store(char **ca_files, const char *crl_file, GError **error)
{
	g_autoptr(JpkiTrustStore) store = NULL;
	if (ca_files != NULL && ca_files[0] != NULL) {
		store = jpki_trust_store_new();
		for (guint i = 0; ca_files[i] != NULL; i++) {
			if (!jpki_trust_store_add_file(store, ca_files[i], error))
				return NULL;
		}
	} else if ((store = jpki_trust_store_new_default(error)) == NULL) {
		return NULL;
	}
	if (crl_file != NULL && !jpki_trust_store_add_crl_file(store, crl_file, error))
		return NULL;
	return g_steal_pointer(&store);
}

char *
cli_real_path(const char *path)
{
#ifdef G_OS_UNIX
	char *real = realpath(path, NULL);
	g_autofree char *copy = real != NULL ? g_strdup(real) : NULL;
	free(real);
	return g_steal_pointer(&copy);
#else
	return g_canonicalize_filename(path, NULL);
#endif
}
