/* jpki status: readers, the card, certificates and tries left. No PIN. */
#include "card_status.h"

#include <stdio.h>

typedef struct {
	GStrv readers;
	char *reader;
	CliCardStatus card;
} Status;

static void
status_clear(Status *status)
{
	g_strfreev(status->readers);
	g_free(status->reader);
	cli_card_status_clear(&status->card);
}

static const char *
slot_label(Cli *cli, JpkiCertSlot slot)
{
	switch (slot) {
	case JPKI_SLOT_AUTH:
		return TR(cli, "利用者証明用電子証明書", "User-authentication certificate");
	case JPKI_SLOT_SIGN:
		return TR(cli, "署名用電子証明書", "Signing certificate");
	case JPKI_SLOT_AUTH_CA:
		return TR(cli, "利用者証明用認証局", "User-authentication CA");
	default:
		return TR(cli, "署名用認証局", "Signing CA");
	}
}

static json_t *
status_json(Status *status)
{
	json_t *readers = json_array();
	for (guint i = 0; status->readers != NULL && status->readers[i] != NULL; i++)
		json_array_append_new(readers, json_string(status->readers[i]));
	json_t *certs = json_object();
	for (guint slot = 0; slot < JPKI_SLOT_COUNT; slot++) {
		gboolean sign_present = status->card.present[JPKI_SECRET_SIGN];
		json_t *entry = status->card.certs[slot] != NULL
					? cli_certificate_json(status->card.certs[slot])
					: json_pack("{s:b}", "present",
						    slot == JPKI_SLOT_SIGN && sign_present);
		if (slot == JPKI_SLOT_SIGN && sign_present)
			json_object_set_new(entry, "needs_password", json_true());
		json_object_set_new(certs, jpki_cert_slot_name((JpkiCertSlot)slot), entry);
	}
	json_t *pins = json_object();
	for (guint secret = 0; secret < JPKI_SECRET_COUNT; secret++) {
		json_t *entry =
			status->card.present[secret]
				? json_pack("{s:b, s:i, s:i, s:b}", "present", 1, "tries_left",
					    status->card.tries[secret], "max_tries",
					    jpki_secret_max_tries((JpkiSecret)secret), "blocked",
					    status->card.tries[secret] == 0)
				: json_pack("{s:b}", "present", 0);
		json_object_set_new(pins, jpki_secret_name((JpkiSecret)secret), entry);
	}
	return json_pack("{s:o, s:{s:s, s:s}, s:o, s:o}", "readers", readers, "card", "reader",
			 status->reader, "type", "mynumber", "certificates", certs, "pins", pins);
}

static void
print_text(Cli *cli, Status *status)
{
	printf("%s %s\n", TR(cli, "リーダー:", "Reader:"), status->reader);
	printf("%s %s\n", TR(cli, "カード:", "Card:"),
	       TR(cli, "マイナンバーカード", "My Number Card"));
	for (guint slot = 0; slot < JPKI_SLOT_COUNT; slot++) {
		const char *label = slot_label(cli, (JpkiCertSlot)slot);
		if (status->card.certs[slot] != NULL) {
			g_autofree char *state =
				cli_describe_validity(cli, status->card.certs[slot]);
			printf("%s: %s\n", label, state);
		} else if (slot == JPKI_SLOT_SIGN && status->card.present[JPKI_SECRET_SIGN]) {
			printf("%s: %s\n", label,
			       TR(cli,
				  "あり（期限の確認には署名用の暗証番号が必要: jpki cert show "
				  "sign）",
				  "present (its expiry needs the signing password: jpki cert show "
				  "sign)"));
		} else if (slot == JPKI_SLOT_SIGN) {
			printf("%s: %s\n", label,
			       TR(cli,
				  "この証明書は搭載されていません（発行は市区町村の窓口で。15歳未満"
				  "には発行されません）",
				  "not on this card (issued at the municipal office; not to "
				  "children under 15)"));
		} else {
			printf("%s: %s\n", label,
			       TR(cli, "この証明書は搭載されていません（発行は市区町村の窓口で）",
				  "not on this card (issued at the municipal office)"));
		}
	}
	printf("%s\n", TR(cli, "暗証番号の残り回数:", "PIN tries left:"));
	for (guint secret = 0; secret < JPKI_SECRET_COUNT; secret++) {
		if (!status->card.present[secret])
			continue;
		guint tries = status->card.tries[secret];
		printf("  %s: %u/%u", cli_secret_label(cli, (JpkiSecret)secret), tries,
		       jpki_secret_max_tries((JpkiSecret)secret));
		if (tries == 0)
			printf(" %s", TR(cli, "— ロック中。市区町村の窓口で再設定してください。",
					 "— locked: have it reset at your municipal office."));
		printf("\n");
	}
}

int
cli_status(Cli *cli, int argc, char **argv)
{
	if (!cli_parse(cli, &argc, &argv, "",
		       TR(cli,
			  "リーダー、カード、電子証明書の期限、暗証番号の残り回数を表示します。",
			  "Shows readers, the card, certificate expiry and PIN tries left."),
		       NULL) ||
	    !cli_refuse_arguments(cli, argc, argv))
		return CLI_USAGE;
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiContext) context = NULL;
	g_autoptr(JpkiCard) card = cli_open_card(cli, &context, &error);
	if (card == NULL)
		return cli_fail(cli, error);

	Status status = {0};
	status.readers = jpki_context_list_readers(context, NULL);
	status.reader = g_strdup(jpki_card_get_reader(card));
	gboolean ok = cli_card_status_read(card, &status.card, &error);
	int result = CLI_OK;
	if (!ok)
		result = cli_fail(cli, error);
	else if (cli->json)
		cli_print_json(status_json(&status));
	else
		print_text(cli, &status);
	status_clear(&status);
	return result;
}
