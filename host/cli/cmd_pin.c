/* jpki pin status | change auth|sign */
#include "cli.h"
#include "prompt.h"

#include <stdio.h>
#include <string.h>

static int
pin_status(Cli *cli)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = cli_open_card(cli, &context, &error);
	if (card == NULL || !jpki_card_begin_transaction(card, &error))
		return cli_fail(cli, error);
	json_t *json = json_object();
	for (guint secret = 0; secret < JPKI_SECRET_COUNT; secret++) {
		g_autoptr(GError) local = NULL;
		guint tries = 0;
		const char *name = jpki_secret_name((JpkiSecret)secret);
		guint max = jpki_secret_max_tries((JpkiSecret)secret);
		if (!jpki_pin_query(card, (JpkiSecret)secret, &tries, &local)) {
			if (!g_error_matches(local, JPKI_ERROR,
					     JPKI_ERROR_NO_SIGNING_CERTIFICATE) &&
			    !g_error_matches(local, JPKI_ERROR, JPKI_ERROR_NO_AUTH_CERTIFICATE)) {
				json_decref(json);
				return cli_fail(cli, local);
			}
			json_object_set_new(json, name, json_pack("{s:b}", "present", 0));
			if (!cli->json)
				printf("%-8s %s\n", name,
				       TR(cli, "なし（この証明書は搭載されていません）",
					  "none (the certificate is not on this card)"));
			continue;
		}
		json_object_set_new(json, name,
				    json_pack("{s:b, s:i, s:i, s:b}", "present", 1, "tries_left",
					      tries, "max_tries", max, "blocked", tries == 0));
		if (!cli->json)
			printf("%-8s %u/%u%s\n", name, tries, max,
			       tries == 0
				       ? TR(cli, "  ロック中 — 市区町村の窓口で再設定してください",
					    "  locked — have it reset at your municipal office")
				       : "");
	}
	jpki_card_end_transaction(card);
	if (cli->json)
		cli_print_json(json);
	else
		json_decref(json);
	return CLI_OK;
}

static int
pin_change(Cli *cli, JpkiSecret secret)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = cli_open_card(cli, &context, &error);
	if (card == NULL || !jpki_card_begin_transaction(card, &error))
		return cli_fail(cli, error);
	g_autoptr(JpkiPin) current = cli_ask_pin(cli, card, secret, &error);
	if (current == NULL)
		return cli_fail(cli, error);
	guint tries = 0;
	g_autoptr(JpkiPin) first =
		cli_read_pin(cli, secret, TR(cli, "新しい", "New"), tries, &error);
	if (first == NULL)
		return cli_fail(cli, error);
	if (cli->pin_fd < 0) {
		g_autoptr(JpkiPin) again =
			cli_read_pin(cli, secret, TR(cli, "確認のため、新しい", "Repeat the new"),
				     tries, &error);
		if (again == NULL)
			return cli_fail(cli, error);
		if (!jpki_pin_equal(first, again)) {
			g_set_error_literal(&error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
					    "the two new PINs differ; nothing was changed");
			return cli_fail(cli, error);
		}
	}
	if (!jpki_pin_change(card, current, first, &tries, &error))
		return cli_fail_pin(cli, error, tries);
	jpki_card_end_transaction(card);
	if (cli->json)
		cli_print_json(
			json_pack("{s:s, s:b}", "secret", jpki_secret_name(secret), "changed", 1));
	else
		printf("%s\n", TR(cli, "暗証番号を変更しました。", "The PIN was changed."));
	return CLI_OK;
}

int
cli_pin(Cli *cli, int argc, char **argv)
{
	if (!cli_parse(cli, &argc, &argv,
		       TR(cli, "status | change auth|sign", "status | change auth|sign"),
		       TR(cli,
			  "status: 各暗証番号の残り回数（回数は減りません）\n"
			  "change: 利用者証明用（auth）または署名用（sign）の暗証番号を変更",
			  "status: tries left for each PIN (spends no try)\n"
			  "change: change the authentication (auth) or signing (sign) PIN"),
		       NULL))
		return CLI_USAGE;
	if (argc == 2 && strcmp(argv[1], "status") == 0)
		return pin_status(cli);
	JpkiSecret secret;
	if (argc == 3 && strcmp(argv[1], "change") == 0 &&
	    jpki_secret_from_name(argv[2], &secret) && secret != JPKI_SECRET_SUPPORT)
		return pin_change(cli, secret);
	fprintf(stderr, "%s\n",
		TR(cli, "使い方: jpki pin status | jpki pin change auth|sign",
		   "Usage: jpki pin status | jpki pin change auth|sign"));
	return CLI_USAGE;
}
