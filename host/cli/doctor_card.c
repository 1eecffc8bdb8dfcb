/* jpki doctor, the card side: pcscd, readers, the card, its certificates and PINs. Only
 * status queries reach the card (VERIFY without data), as in `jpki status`. */
#include "card_status.h"
#include "doctor.h"

#include <string.h>

#define DEFAULT_PCSCD_SOCKET "/run/pcscd/pcscd.comm"

/* The checks that need what failed, so the report still names every check. */
static void
skip(DoctorReport *report, const char *const *names)
{
	Cli *cli = report->cli;
	for (guint i = 0; names[i] != NULL; i++)
		doctor_add(report, names[i], DOCTOR_SKIPPED, NULL, "%s",
			   TR(cli, "前の確認が失敗したため確認できません。",
			      "not checked: an earlier check failed."));
}

static DoctorCheck *
add_error(DoctorReport *report, const char *name, const GError *error)
{
	JpkiErrorCode code =
		error->domain == JPKI_ERROR ? (JpkiErrorCode)error->code : JPKI_ERROR_PCSC;
	DoctorCheck *check = doctor_add(report, name, DOCTOR_FAIL,
					jpki_error_text(code)->advice[report->cli->lang], "%s",
					jpki_error_text(code)->summary[report->cli->lang]);
	check->detail = json_pack("{s:s, s:s}", "code", jpki_error_code_name(code), "error",
				  error->message);
	return check;
}

static char *
find_pcscd(void)
{
	char *path = g_find_program_in_path("pcscd");
	const char *usual[] = {"/usr/sbin/pcscd", "/usr/local/sbin/pcscd"};
	for (guint i = 0; path == NULL && i < G_N_ELEMENTS(usual); i++) {
		if (g_file_test(usual[i], G_FILE_TEST_IS_EXECUTABLE))
			path = g_strdup(usual[i]);
	}
	return path;
}

static gboolean
has_socket_activation(void)
{
	const char *units[] = {"/etc/systemd/system/pcscd.socket",
			       "/usr/lib/systemd/system/pcscd.socket",
			       "/lib/systemd/system/pcscd.socket"};
	for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
		if (g_file_test(units[i], G_FILE_TEST_EXISTS))
			return TRUE;
	}
	return FALSE;
}

/* pcsc-lite's client library takes the socket from PCSCLITE_CSOCK_NAME when it is set. */
static JpkiContext *
check_pcscd(DoctorReport *report)
{
	Cli *cli = report->cli;
	const char *socket = g_getenv("PCSCLITE_CSOCK_NAME");
	if (socket == NULL || *socket == '\0')
		socket = DEFAULT_PCSCD_SOCKET;
	g_autofree char *program = find_pcscd();
	gboolean activation = has_socket_activation();
	g_autoptr(GError) error = NULL;
	JpkiContext *context = jpki_context_new(&error);
	DoctorCheck *check;
	if (context != NULL) {
		check = doctor_add(report, "pcscd", DOCTOR_OK, NULL,
				   TR(cli, "pcscd が応答しています（%s）", "pcscd answers (%s)"),
				   socket);
	} else if (program == NULL) {
		check = doctor_add(report, "pcscd", DOCTOR_FAIL,
				   TR(cli, "pcscd を入れてください: sudo apt install pcscd",
				      "Install it: sudo apt install pcscd"),
				   "%s",
				   TR(cli, "スマートカードサービス pcscd が入っていません。",
				      "The smart card service pcscd is not installed."));
	} else {
		check = doctor_add(
			report, "pcscd", DOCTOR_FAIL,
			activation ? TR(cli,
					"必要なときに起動するよう設定してください: sudo systemctl "
					"enable --now pcscd.socket",
					"Have it start when needed: sudo systemctl enable --now "
					"pcscd.socket")
				   : TR(cli, "pcscd を起動してください: sudo systemctl start pcscd",
					"Start it: sudo systemctl start pcscd"),
			TR(cli, "pcscd（%s）は入っていますが、%s で応答しません。",
			   "pcscd (%s) is installed but does not answer on %s."),
			program, socket);
	}
	check->detail = json_pack("{s:s, s:s?, s:b}", "socket", socket, "program", program,
				  "socket_activation", activation);
	return context;
}

static gboolean
check_readers(DoctorReport *report, JpkiContext *context)
{
	Cli *cli = report->cli;
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) readers = jpki_context_list_readers(context, &error);
	if (readers == NULL) {
		add_error(report, "readers", error);
		return FALSE;
	}
	g_autofree char *names = g_strjoinv(", ", readers);
	DoctorCheck *check =
		doctor_add(report, "readers", DOCTOR_OK, NULL,
			   TR(cli, "カードリーダー %u 台: %s", "%u card reader(s): %s"),
			   g_strv_length(readers), names);
	check->detail = json_array();
	for (guint i = 0; readers[i] != NULL; i++)
		json_array_append_new(check->detail, json_string(readers[i]));
	return TRUE;
}

/* A PC/SC part 3 reader makes up 3B 8n 80 01 ... for a contactless card. */
static gboolean
atr_is_contactless(GBytes *atr)
{
	gsize len = 0;
	const guint8 *bytes = atr != NULL ? g_bytes_get_data(atr, &len) : NULL;
	return len >= 4 && bytes[0] == 0x3B && (bytes[1] & 0xF0) == 0x80 && bytes[2] == 0x80 &&
	       bytes[3] == 0x01;
}

static JpkiCard *
check_card(DoctorReport *report, JpkiContext *context)
{
	Cli *cli = report->cli;
	g_autoptr(GError) error = NULL;
	JpkiCard *card = jpki_ap_find_card(context, cli->reader, &error);
	if (card == NULL) {
		add_error(report, "card", error);
		return NULL;
	}
	g_autoptr(GBytes) atr = jpki_card_get_atr(card);
	gboolean contactless = atr_is_contactless(atr);
	DoctorCheck *check = doctor_add(
		report, "card", DOCTOR_OK, NULL,
		TR(cli, "マイナンバーカード（%s）: %s", "My Number Card (%s) in %s"),
		contactless ? TR(cli, "非接触", "contactless") : TR(cli, "接触", "contact"),
		jpki_card_get_reader(card));
	check->detail = json_pack("{s:s, s:s, s:s}", "type", "mynumber", "reader",
				  jpki_card_get_reader(card), "interface",
				  contactless ? "contactless" : "contact");
	return card;
}

static void
check_auth_certificate(DoctorReport *report, JpkiCert *cert)
{
	Cli *cli = report->cli;
	if (cert == NULL) {
		doctor_add(report, "auth-certificate", DOCTOR_FAIL,
			   jpki_error_text(JPKI_ERROR_NO_AUTH_CERTIFICATE)->advice[cli->lang], "%s",
			   jpki_error_text(JPKI_ERROR_NO_AUTH_CERTIFICATE)->summary[cli->lang]);
		return;
	}
	JpkiCertValidity validity = jpki_cert_validity_at(cert, NULL);
	g_autofree char *state = cli_describe_validity(cli, cert);
	DoctorStatus status = DOCTOR_FAIL;
	const char *advice = NULL;
	switch (validity) {
	case JPKI_CERT_VALID:
		status = DOCTOR_OK;
		break;
	case JPKI_CERT_RENEWAL_WINDOW:
		status = DOCTOR_WARNING;
		advice = TR(
			cli,
			"有効期限までに、マイナンバーカードを持って市区町村の窓口で更新してくだ"
			"さい。",
			"Take your My Number Card to your municipal office to renew it before it "
			"expires.");
		break;
	case JPKI_CERT_EXPIRED:
		advice = jpki_error_text(JPKI_ERROR_CERTIFICATE_EXPIRED)->advice[cli->lang];
		break;
	default:
		advice = jpki_error_text(JPKI_ERROR_CERTIFICATE_NOT_YET_VALID)->advice[cli->lang];
		break;
	}
	DoctorCheck *check = doctor_add(
		report, "auth-certificate", status, advice,
		TR(cli, "利用者証明用電子証明書: %s", "User-authentication certificate: %s"),
		state);
	check->detail = cli_certificate_json(cert);
}

/* Its dates are readable only after the signing password: doctor does not ask for it. */
static void
check_signing_certificate(DoctorReport *report, gboolean present)
{
	Cli *cli = report->cli;
	if (!present) {
		doctor_add(report, "signing-certificate", DOCTOR_WARNING,
			   jpki_error_text(JPKI_ERROR_NO_SIGNING_CERTIFICATE)->advice[cli->lang],
			   "%s",
			   jpki_error_text(JPKI_ERROR_NO_SIGNING_CERTIFICATE)->summary[cli->lang]);
		return;
	}
	doctor_add(report, "signing-certificate", DOCTOR_OK, NULL, "%s",
		   TR(cli,
		      "署名用電子証明書: あり（有効期限の確認には署名用パスワードが必要です: jpki "
		      "cert show sign）",
		      "Signing certificate: present (its expiry needs the signing password: jpki "
		      "cert show sign)"));
}

static void
check_pins(DoctorReport *report, const CliCardStatus *status)
{
	Cli *cli = report->cli;
	g_autoptr(GString) text = g_string_new(NULL);
	gboolean blocked = FALSE, spent = FALSE;
	json_t *detail = json_object();
	for (guint secret = 0; secret < JPKI_SECRET_COUNT; secret++) {
		if (!status->present[secret])
			continue;
		guint tries = status->tries[secret], max = jpki_secret_max_tries(secret);
		blocked |= tries == 0;
		spent |= tries > 0 && tries < max;
		g_string_append_printf(text, "%s%s %u/%u%s", text->len > 0 ? ", " : "",
				       cli_secret_label(cli, secret), tries, max,
				       tries == 0 ? TR(cli, "（ロック中）", " (locked)") : "");
		json_object_set_new(detail, jpki_secret_name(secret),
				    json_pack("{s:i, s:i, s:b}", "tries_left", tries, "max_tries",
					      max, "blocked", tries == 0));
	}
	DoctorStatus result = blocked ? DOCTOR_FAIL : spent ? DOCTOR_WARNING : DOCTOR_OK;
	const char *advice =
		blocked ? jpki_error_text(JPKI_ERROR_PIN_BLOCKED)->advice[cli->lang]
		: spent ? TR(cli,
			     "間違えた回数が残っています。正しく入力すると元の回数に戻ります。0回に"
			     "なるとロックされ、市区町村の窓口でしか解除できません。",
			     "Some wrong tries are counted: a correct PIN resets them. At 0 the "
			     "PIN "
			     "locks and only the municipal office can reset it.")
			: NULL;
	DoctorCheck *check =
		doctor_add(report, "pins", result, advice,
			   TR(cli, "暗証番号の残り回数: %s", "PIN tries left: %s"), text->str);
	check->detail = detail;
}

void
doctor_check_card(DoctorReport *report)
{
	const char *const after_pcscd[] = {"readers", NULL};
	const char *const after_readers[] = {"card", NULL};
	const char *const after_card[] = {"auth-certificate", "signing-certificate", "pins", NULL};
	g_autoptr(JpkiContext) context = check_pcscd(report);
	if (context == NULL) {
		skip(report, after_pcscd);
		skip(report, after_readers);
		skip(report, after_card);
		return;
	}
	if (!check_readers(report, context)) {
		skip(report, after_readers);
		skip(report, after_card);
		return;
	}
	g_autoptr(JpkiCard) card = check_card(report, context);
	if (card == NULL) {
		skip(report, after_card);
		return;
	}
	CliCardStatus status = {0};
	g_autoptr(GError) error = NULL;
	if (!cli_card_status_read(card, &status, &error)) {
		add_error(report, "auth-certificate", error);
		skip(report, after_card + 1);
	} else {
		check_auth_certificate(report, status.certs[JPKI_SLOT_AUTH]);
		check_signing_certificate(report, status.present[JPKI_SECRET_SIGN]);
		check_pins(report, &status);
	}
	cli_card_status_clear(&status);
}
