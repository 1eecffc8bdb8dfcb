/* jpki: what a resident does with the My Number Card, at a terminal. */
#include "cli.h"
#include "process.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	CliCommand run;
	const char *ja;
	const char *en;
} commands[] = {
	{"status", cli_status, "リーダー、カード、電子証明書の期限、暗証番号の残り回数を表示",
	 "readers, the card, certificate expiry and PIN tries left"},
	{"cert", cli_cert, "電子証明書の表示（show）と有効性確認（check）",
	 "show a certificate (show) or check its validity (check)"},
	{"pin", cli_pin, "暗証番号の残り回数（status）と変更（change）",
	 "PIN tries left (status) and PIN change (change)"},
	{"attributes", cli_attributes, "基本4情報（氏名・住所・生年月日・性別）を表示",
	 "the basic 4 attributes (name, address, birth date, sex)"},
	{"sign", cli_sign, "ファイルに署名用電子証明書で署名（.p7s を作成）",
	 "sign a file with the signing certificate (writes a .p7s)"},
	{"verify", cli_verify, "署名ファイル（.p7s）を検証", "verify a signature file (.p7s)"},
	{"doctor", cli_doctor, "ブラウザーから使えるか確認し、問題ごとに対処を表示",
	 "check that the browser can use the card, with what to do for each problem"},
	{"install", cli_install, "ブラウザー用マニフェストをこのユーザーに設定（--user）",
	 "set up the browsers' host manifests for this user (--user)"},
	{"uninstall", cli_uninstall, "install --user で設定したマニフェストを削除",
	 "remove the manifests install --user wrote"},
};

static void
print_usage(Cli *cli, FILE *out)
{
	fprintf(out, "%s\n\n",
		TR(cli, "使い方: jpki コマンド [オプション...]",
		   "Usage: jpki COMMAND [OPTIONS...]"));
	fprintf(out, "%s\n", TR(cli, "コマンド:", "Commands:"));
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(out, "  %-11s %s\n", commands[i].name,
			TR(cli, commands[i].ja, commands[i].en));
	fprintf(out, "\n%s\n",
		TR(cli,
		   "共通オプション: --reader 名前, --json, --lang ja|en, --pin-fd N, --wait 秒\n"
		   "各コマンドの説明: jpki コマンド --help",
		   "Common options: --reader NAME, --json, --lang ja|en, --pin-fd N, --wait "
		   "SECONDS\n"
		   "Help on a command: jpki COMMAND --help"));
}

int
main(int argc, char **argv)
{
	jpki_process_protect();
	setlocale(LC_ALL, "");
	Cli cli = {.lang = jpki_lang_from_locale(), .pin_fd = -1};
	jpki_lang_from_arguments(argc, argv, &cli.lang);

	if (argc < 2) {
		print_usage(&cli, stderr);
		return CLI_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		print_usage(&cli, stdout);
		return CLI_OK;
	}
	if (strcmp(name, "--version") == 0) {
		printf("jpki %s\n", JPKI_VERSION);
		return CLI_OK;
	}
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (strcmp(name, commands[i].name) == 0) {
			int status = commands[i].run(&cli, argc - 1, argv + 1);
			g_free(cli.reader);
			return status;
		}
	}
	fprintf(stderr, TR(&cli, "jpki: 不明なコマンド「%s」\n", "jpki: unknown command '%s'\n"),
		name);
	print_usage(&cli, stderr);
	return CLI_USAGE;
}
