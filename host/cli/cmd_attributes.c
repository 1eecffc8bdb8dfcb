/* jpki attributes: the basic 4 attributes, behind the card input support PIN. */
#include "cli.h"
#include "support_ap.h"

#include <stdio.h>

int
cli_attributes(Cli *cli, int argc, char **argv)
{
	if (!cli_parse(cli, &argc, &argv, "",
		       TR(cli, "券面事項入力補助用の暗証番号（数字4桁）で基本4情報を表示します。",
			  "Shows the basic 4 attributes, after the card input support PIN (4 "
			  "digits)."),
		       NULL) ||
	    !cli_refuse_arguments(cli, argc, argv))
		return CLI_USAGE;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = cli_open_card(cli, &context, &error);
	if (card == NULL || !jpki_card_begin_transaction(card, &error))
		return cli_fail(cli, error);
	g_autoptr(JpkiPin) pin = cli_ask_pin(cli, card, JPKI_SECRET_SUPPORT, &error);
	if (pin == NULL)
		return cli_fail(cli, error);
	guint tries = 0;
	g_autoptr(JpkiBasicAttributes) attributes =
		jpki_support_read_attributes(card, pin, &tries, &error);
	if (attributes == NULL)
		return cli_fail_pin(cli, error, tries);
	jpki_card_end_transaction(card);
	if (cli->json) {
		cli_print_json(json_pack("{s:s, s:s, s:s, s:s}", "name", attributes->name,
					 "address", attributes->address, "birth_date",
					 attributes->birth_date, "sex", attributes->sex));
		return CLI_OK;
	}
	const char *sex = jpki_sex_describe(attributes->sex, cli->lang == JPKI_LANG_JA);
	printf("%s %s\n", TR(cli, "氏名:", "Name:"), attributes->name);
	printf("%s %s\n", TR(cli, "住所:", "Address:"), attributes->address);
	printf("%s %s\n", TR(cli, "生年月日:", "Date of birth:"), attributes->birth_date);
	printf("%s %s\n", TR(cli, "性別:", "Sex:"), sex != NULL ? sex : attributes->sex);
	return CLI_OK;
}
