#include "messages.h"

static const JpkiErrorText messages[JPKI_ERROR_LAST] = {
	[JPKI_ERROR_NO_SERVICE] =
		{"no-service",
		 {"スマートカードサービス（pcscd）が動いていません。",
		  "The smart card service (pcscd) is not running."},
		 {"pcscd を起動してから、もう一度お試しください（Debian/Ubuntu: sudo systemctl "
		  "start pcscd）。",
		  "Start pcscd and try again (Debian/Ubuntu: sudo systemctl start pcscd)."}},
	[JPKI_ERROR_NO_READER] = {"no-reader",
				  {"ICカードリーダーが見つかりません。",
				   "No card reader was found."},
				  {"ICカードリーダーをパソコンに接続してください。",
				   "Connect a card reader to this computer."}},
	[JPKI_ERROR_NO_CARD] =
		{"no-card",
		 {"マイナンバーカードが見つかりません。", "No My Number Card was found."},
		 {"マイナンバーカードをICカードリーダーに挿入（またはかざして）ください。",
		  "Insert your My Number Card into the reader (or place it on the reader)."}},
	[JPKI_ERROR_CARD_REMOVED] = {"card-removed",
				     {"処理中にカードが取り外されました。",
				      "The card was removed during the operation."},
				     {"カードをリーダーに置いたまま、もう一度お試しください。",
				      "Leave the card in the reader and try again."}},
	[JPKI_ERROR_UNSUPPORTED_CARD] = {"unsupported-card",
					 {"このカードはマイナンバーカードではありません。",
					  "This card is not a My Number Card."},
					 {"マイナンバーカードをリーダーに入れてください。",
					  "Put your My Number Card in the reader."}},
	[JPKI_ERROR_JUKI_CARD] =
		{"juki-card",
		 {"住基カードの電子証明書は現在使えません。",
		  "The certificates on a Juki card (住基カード) can no longer be used."},
		 {"お住まいの市区町村の窓口でマイナンバーカードを申請してください。",
		  "Apply for a My Number Card at your municipal office."}},
	[JPKI_ERROR_SMARTPHONE_CERTIFICATE] =
		{"smartphone-certificate",
		 {"スマートフォン用電子証明書には対応していません。",
		  "JPKI certificates on a smartphone are not supported here."},
		 {"マイナンバーカードをICカードリーダーに置いてください（スマートフォン用電子証明書"
		  "は"
		  "スマートフォンの対応アプリで使えます）。",
		  "Put your My Number Card on the card reader (the smartphone certificate works in "
		  "the apps on your phone)."}},
	[JPKI_ERROR_SEVERAL_CARDS] = {"several-cards",
				      {"複数のマイナンバーカードが見つかりました。",
				       "More than one My Number Card was found."},
				      {"使うカード1枚だけをリーダーに残してください（または "
				       "--reader で指定してください）。",
				       "Leave only the card you want to use in a reader (or choose "
				       "one with --reader)."}},
	[JPKI_ERROR_PIN_FORMAT] =
		{"pin-format",
		 {"暗証番号の形式が正しくありません（カードには送っていません）。",
		  "The PIN is not in the right format (it was not sent to the card)."},
		 {"利用者証明用と券面事項入力補助用は数字4桁、署名用は英大文字と数字を組み合わせた6"
		  "～16文字です（英字と数字の両方が必要）。",
		  "The authentication and card input support PINs are 4 digits; the signing "
		  "password is 6-16 characters of A-Z and 0-9 with both letters and digits."}},
	[JPKI_ERROR_PIN_INCORRECT] = {"pin-incorrect",
				      {"暗証番号が違います。", "The PIN is incorrect."},
				      {"残り回数に注意して入力し直してください。0回になるとロックさ"
				       "れ、市区町村の窓口でしか解除できません。",
				       "Check the tries left before trying again: at 0 the PIN "
				       "locks and only the municipal office can reset it."}},
	[JPKI_ERROR_PIN_BLOCKED] =
		{"pin-blocked",
		 {"暗証番号がロックされています。", "The PIN is locked."},
		 {"マイナンバーカードを持って、お住まいの市区町村の窓口で暗証番号の再設定を受けてく"
		  "ださい。",
		  "Take your My Number Card to your municipal office to have the PIN reset."}},
	[JPKI_ERROR_NO_SIGNING_CERTIFICATE] = {"no-signing-certificate",
					       {"このカードには署名用電子証明書が搭載されていませ"
						"ん。",
						"The signing certificate is not on this card."},
					       {"署名用電子証明書は市区町村の窓口で発行を受けられま"
						"す（15歳未満の方には発行されません）。",
						"A signing certificate is issued at the municipal "
						"office (not to children under 15)."}},
	[JPKI_ERROR_NO_AUTH_CERTIFICATE] =
		{"no-auth-certificate",
		 {"このカードには利用者証明用電子証明書が搭載されていません。",
		  "The user-authentication certificate is not on this card."},
		 {"利用者証明用電子証明書は、マイナンバーカードを持って市区町村の窓口で発行を受けて"
		  "く"
		  "ださい。",
		  "Take your My Number Card to your municipal office to have a user-authentication "
		  "certificate issued."}},
	[JPKI_ERROR_CERTIFICATE_EXPIRED] =
		{"certificate-expired",
		 {"電子証明書の有効期限が切れています。", "The certificate has expired."},
		 {"お住まいの市区町村の窓口で電子証明書の更新を受けてください。",
		  "Renew the certificate at your municipal office."}},
	[JPKI_ERROR_CERTIFICATE_NOT_YET_VALID] = {"certificate-not-yet-valid",
						  {"電子証明書はまだ有効になっていません。",
						   "The certificate is not valid yet."},
						  {"パソコンの日付と時刻を確認してください。",
						   "Check this computer's date and time."}},
	[JPKI_ERROR_CERTIFICATE_REVOKED] = {"certificate-revoked",
					    {"電子証明書は失効しています。",
					     "The certificate has been revoked."},
					    {"氏名や住所の変更などで失効した場合は、市区町村の窓口"
					     "で新しい電子証明書の発行を受けてください。",
					     "If it was revoked after a change of name or address, "
					     "get a new certificate at your municipal office."}},
	[JPKI_ERROR_CERTIFICATE_UNTRUSTED] =
		{"certificate-untrusted",
		 {"電子証明書を公的個人認証サービスの認証局まで検証できません。",
		  "The certificate does not chain to a JPKI certification authority."},
		 {"本物のマイナンバーカードの証明書か確認してください。",
		  "Check that the certificate comes from a genuine My Number Card."}},
	[JPKI_ERROR_CERTIFICATE_WRONG_USAGE] =
		{"certificate-wrong-usage",
		 {"この電子証明書はこの用途には使えません（ログインには利用者証明用電子証明書、署名"
		  "に"
		  "は署名用電子証明書が必要です）。",
		  "This certificate is not for this use (a login needs the user-authentication "
		  "certificate, a signature the signing certificate)."},
		 {"サイトで最初からやり直し、求められた操作（ログインまたは署名）を選んでください"
		  "。",
		  "Start again on the site and choose the operation it asks for (login or "
		  "signature)."}},
	[JPKI_ERROR_SIGNATURE_INVALID] =
		{"signature-invalid",
		 {"署名が正しくありません。", "The signature is not valid."},
		 {"ファイルが署名後に変更されていないか確認してください。",
		  "Check whether the file was changed after it was signed."}},
	[JPKI_ERROR_SIGNATURE_ORIGIN_MISMATCH] =
		{"signature-origin-mismatch",
		 {"この署名は別のサイトの求めで作られたものです"
		  "（または、求めたサイトが記録されていません）。",
		  "This signature was made at another site's request "
		  "(or does not record which site asked for it)."},
		 {"このサイトのページから、もう一度署名してください。",
		  "Sign again from this site's own page."}},
	[JPKI_ERROR_CERTIFICATE_MISMATCH] =
		{"certificate-mismatch",
		 {"カードの署名用電子証明書が、サイトが指定したものと違います。",
		  "The card's signing certificate is not the one the site asked for."},
		 {"サイトで最初からやり直してください（別のカードを使った場合は、そのカードで証明書"
		  "の読み取りからやり直します）。",
		  "Start again on the site (if you switched cards, begin again by reading this "
		  "card's certificate)."}},
	[JPKI_ERROR_CANCELLED] = {"cancelled",
				  {"操作は取り消されました。", "The operation was cancelled."},
				  {"必要なら、もう一度始めてください。",
				   "Start again when you are ready."}},
	[JPKI_ERROR_TIMEOUT] = {"timeout",
				{"時間切れになりました。", "The operation timed out."},
				{"カードを用意して、もう一度お試しください。",
				 "Have your card ready and try again."}},
	[JPKI_ERROR_CARD] = {"card-error",
			     {"カードが予期しない応答をしました。",
			      "The card gave an unexpected answer."},
			     {"カードをリーダーに置き直して、もう一度お試しください。",
			      "Put the card in the reader again and retry."}},
	[JPKI_ERROR_PCSC] = {"pcsc-error",
			     {"カードリーダーとの通信に失敗しました。",
			      "Communication with the card reader failed."},
			     {"リーダーを接続し直して、もう一度お試しください。",
			      "Reconnect the reader and try again."}},
	[JPKI_ERROR_INVALID_INPUT] =
		{"invalid-input",
		 {"入力が正しくありません。", "The input is not valid."},
		 {"指定した内容を確認してください（--help で使い方を表示します）。",
		  "Check what you gave (--help shows the usage)."}},
	[JPKI_ERROR_IO] = {"io-error",
			   {"ファイルの読み書きに失敗しました。",
			    "A file could not be read or written."},
			   {"ファイル名と権限を確認してください。",
			    "Check the file name and its permissions."}},
	[JPKI_ERROR_CARD_RESET] =
		{"card-reset",
		 {"ほかのプログラムが処理中のカードをリセットしました。送信済みの暗証番号は再送信し"
		  "ていません。",
		  "Another program reset the card during the operation. A PIN already sent was not "
		  "sent again."},
		 {"カードを使うほかのプログラムを終了してから、もう一度お試しください。",
		  "Close other programs that use the card, then try again."}},
	[JPKI_ERROR_DIALOG] =
		{"dialog-failed",
		 {"暗証番号などを入力する画面（pinentry）を表示できませんでした。",
		  "The dialog for the PIN (pinentry) could not be shown."},
		 {"pinentry（例: pinentry-gnome3）がインストールされ、このデスクトップで画面を開"
		  "けるか確認してから、もう一度お試しください。",
		  "Check that a pinentry program (for example pinentry-gnome3) is installed and "
		  "can "
		  "open a window on this desktop, then try again."}},
	[JPKI_ERROR_INTERNAL] =
		{"internal-error",
		 {"予期しないエラーが起きました。", "An unexpected error occurred."},
		 {"もう一度お試しください。繰り返す場合は、表示された詳細を添えて開発者に報告して"
		  "ください。",
		  "Try again; if it happens again, report it to the developers with the detail "
		  "shown."}},
};

const char *
jpki_pin_rule_text(JpkiSecret secret, JpkiLang lang)
{
	static const char *const rules[JPKI_SECRET_COUNT][2] = {
		[JPKI_SECRET_AUTH] = {"利用者証明用電子証明書の暗証番号（数字4桁）",
				      "user-authentication PIN (4 digits)"},
		[JPKI_SECRET_SIGN] = {"署名用電子証明書の暗証番号（英大文字と数字を組み合わせた6～"
				      "16文字）",
				      "signing password (6-16 characters of A-Z and 0-9, with "
				      "both letters and digits)"},
		[JPKI_SECRET_SUPPORT] = {"券面事項入力補助用の暗証番号（数字4桁）",
					 "card input support PIN (4 digits)"},
	};
	if ((guint)secret >= JPKI_SECRET_COUNT)
		secret = JPKI_SECRET_AUTH;
	return rules[secret][lang];
}

static gboolean
is_japanese(const char *locale)
{
	return locale != NULL && g_str_has_prefix(locale, "ja");
}

JpkiLang
jpki_lang_from_locale(void)
{
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (guint i = 0; i < G_N_ELEMENTS(vars); i++) {
		const char *value = g_getenv(vars[i]);
		if (value != NULL && *value != '\0')
			return is_japanese(value) ? JPKI_LANG_JA : JPKI_LANG_EN;
	}
#ifdef G_OS_WIN32
	/* Windows sets none of them: the user's locale, as GLib reads it ("ja_JP"). */
	g_autofree char *windows_locale = g_win32_getlocale();
	return is_japanese(windows_locale) ? JPKI_LANG_JA : JPKI_LANG_EN;
#else
	return JPKI_LANG_EN;
#endif
}

gboolean
jpki_lang_from_name(const char *name, JpkiLang *lang)
{
	if (g_strcmp0(name, "ja") == 0) {
		*lang = JPKI_LANG_JA;
		return TRUE;
	}
	if (g_strcmp0(name, "en") == 0) {
		*lang = JPKI_LANG_EN;
		return TRUE;
	}
	return FALSE;
}

void
jpki_lang_from_arguments(int argc, char **argv, JpkiLang *lang)
{
	for (int i = 1; i < argc; i++) {
		const char *value = NULL;
		if (g_str_has_prefix(argv[i], "--lang="))
			value = argv[i] + strlen("--lang=");
		else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			value = argv[i + 1];
		if (value != NULL)
			jpki_lang_from_name(value, lang);
	}
}

const JpkiErrorText *
jpki_error_text(JpkiErrorCode code)
{
	if ((guint)code >= JPKI_ERROR_LAST)
		code = JPKI_ERROR_INTERNAL;
	return &messages[code];
}

const char *
jpki_error_code_name(JpkiErrorCode code)
{
	return jpki_error_text(code)->name;
}

const JpkiErrorText *
jpki_error_describe(const GError *error, const JpkiErrorDomain *program)
{
	g_return_val_if_fail(error != NULL, jpki_error_text(JPKI_ERROR_INTERNAL));
	if (program != NULL && error->domain == program->quark() && error->code >= 0 &&
	    (guint)error->code < program->n_codes)
		return &program->texts[error->code];
	return jpki_error_text(jpki_error_code_of(error));
}

char *
jpki_tries_left_text(guint tries_left, JpkiLang lang)
{
	if (lang == JPKI_LANG_JA)
		return g_strdup_printf("残り%u回", tries_left);
	return g_strdup_printf(tries_left == 1 ? "%u try left" : "%u tries left", tries_left);
}
