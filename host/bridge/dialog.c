#include "dialog.h"

#include "pin_dialog.h"
#include "site_name.h"

#define TR(dialog, ja, en) ((dialog)->config->lang == JPKI_LANG_JA ? (ja) : (en))

static const char *
purpose_text(BridgeDialog *dialog, BridgePurpose purpose)
{
	switch (purpose) {
	case BRIDGE_PURPOSE_LOGIN:
		return TR(dialog, "マイナンバーカードでのログイン",
			  "a login with your My Number Card");
	case BRIDGE_PURPOSE_READ_SIGNING_CERT:
		return TR(dialog,
			  "署名用電子証明書の読み取り（証明書には氏名・住所・生年月日・性別が含まれ"
			  "ます）",
			  "your signing certificate (it contains your name, address, date of birth "
			  "and sex)");
	case BRIDGE_PURPOSE_SIGN:
		return TR(dialog, "署名用電子証明書による電子署名",
			  "an electronic signature with your signing certificate");
	default:
		return TR(dialog, "基本4情報（氏名・住所・生年月日・性別）の提供",
			  "your basic 4 attributes (name, address, date of birth, sex)");
	}
}

/* The first lines of every dialog: the site on its own, then the origin. */
static char *
site_lines(BridgeDialog *dialog)
{
	g_autofree char *site = bridge_site_name(dialog->origin);
	g_autofree char *address = bridge_site_address(dialog->origin);
	return g_strdup_printf(TR(dialog, "サイト: %s\n（%s）", "Site: %s\n(%s)"), site, address);
}

/* The 照合コード line of a signature, with what to compare it with; "" without one. */
static char *
verification_code_lines(BridgeDialog *dialog)
{
	if (dialog->verification_code == NULL)
		return g_strdup("");
	return g_strdup_printf(
		TR(dialog,
		   "\n照合コード: %s\n（サイトが文書の横に表示している照合コードと同じか確かめて"
		   "ください。違うときはキャンセルしてください）",
		   "\nVerification code: %s\n(check that the site shows the same code next to the "
		   "document; if not, cancel)"),
		dialog->verification_code);
}

static JpkiDialogRequest
base_request(BridgeDialog *dialog)
{
	return (JpkiDialogRequest){
		.program = dialog->config->pinentry,
		.inherit_environment = dialog->config->test_variables,
		.parent_window = dialog->config->parent_window,
		.title = TR(dialog, "マイナンバーカード", "My Number Card"),
		.ok_label = TR(dialog, "OK", "OK"),
		.cancel_label = TR(dialog, "キャンセル", "Cancel"),
	};
}

JpkiPin *
bridge_dialog_ask_pin(BridgeDialog *dialog, BridgePurpose purpose, JpkiSecret secret,
		      guint tries_left, int wrong_tries_left, GError **error)
{
	guint max = jpki_secret_max_tries(secret);
	g_autofree char *tries = jpki_tries_left_text(tries_left, dialog->config->lang);
	g_autofree char *site = site_lines(dialog);
	g_autofree char *code = verification_code_lines(dialog);
	g_autofree char *description = g_strdup_printf(
		TR(dialog,
		   "%s\n\nこのサイトが%sを求めています。%s\n\n"
		   "%sを入力してください。\n"
		   "%s（%u回続けて間違えるとロックされ、市区町村の窓口でしか解除できません）。",
		   "%s\n\nThis site asks for %s.%s\n\n"
		   "Enter your %s.\n"
		   "%s (after %u wrong tries in a row it locks, and only the municipal office "
		   "can reset it)."),
		site, purpose_text(dialog, purpose), code,
		jpki_pin_rule_text(secret, dialog->config->lang), tries, max);
	g_autofree char *wrong = NULL;
	if (wrong_tries_left >= 0) {
		g_autofree char *left =
			jpki_tries_left_text((guint)wrong_tries_left, dialog->config->lang);
		wrong = g_strdup_printf(TR(dialog, "暗証番号が違います（%s）", "Wrong PIN (%s)"),
					left);
	}
	for (;;) {
		JpkiDialogRequest request = base_request(dialog);
		request.description = description;
		request.prompt = TR(dialog, "暗証番号", "PIN");
		request.error = wrong;
		char *typed = jpki_dialog_ask(&request, dialog->cancel, error);
		if (typed == NULL)
			return NULL;
		g_autoptr(GError) format_error = NULL;
		JpkiPin *pin = jpki_pin_new(secret, typed, &format_error);
		jpki_dialog_text_free(typed);
		if (pin != NULL)
			return pin;
		/* Never sent: ask again, saying what the rule is. */
		g_free(wrong);
		wrong = g_strdup_printf(TR(dialog, "形式が違います: %s", "Wrong format: %s"),
					jpki_pin_rule_text(secret, dialog->config->lang));
	}
}

gboolean
bridge_dialog_confirm_sharing(BridgeDialog *dialog, GError **error)
{
	g_autofree char *site = site_lines(dialog);
	g_autofree char *description = g_strdup_printf(
		TR(dialog,
		   "%s\n\nこのサイトに次の情報を提供しますか？\n\n"
		   "・氏名\n・住所\n・生年月日\n・性別\n\n"
		   "提供すると、次に券面事項入力補助用の暗証番号（数字4桁）を入力します。",
		   "%s\n\nShare the following with this site?\n\n"
		   "- name\n- address\n- date of birth\n- sex\n\n"
		   "If you agree, you will then enter your card input support PIN (4 digits)."),
		site);
	JpkiDialogRequest request = base_request(dialog);
	request.description = description;
	request.ok_label = TR(dialog, "提供する", "Share");
	return jpki_dialog_confirm(&request, dialog->cancel, error);
}

struct _BridgeWaiting {
	GThread *thread;
	JpkiCancel *close; /* closes the dialog */
	JpkiCancel *browser;
	guint browser_handler;
	char *description;
	JpkiDialogRequest request;
	JpkiCancelFunc on_cancel;
	gpointer user_data;
};

/* The dialog's one button is "cancel": when the user answers it or closes
 * it (and the host did not close it because a card came or the browser
 * left), the user gave up waiting. */
static gpointer
run_waiting_dialog(gpointer data)
{
	BridgeWaiting *waiting = data;
	g_autoptr(GError) error = NULL;
	gboolean answered = jpki_dialog_confirm(&waiting->request, waiting->close, &error) ||
			    g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CANCELLED);
	if (jpki_cancel_is_cancelled(waiting->close))
		return NULL;
	if (answered)
		waiting->on_cancel(waiting->user_data);
	else /* no dialog (pinentry broken): keep waiting for the card without one */
		g_warning("the waiting dialog could not be shown: %s", error->message);
	return NULL;
}

static void
close_with_browser(gpointer close)
{
	jpki_cancel_cancel(close);
}

BridgeWaiting *
bridge_dialog_waiting_open(BridgeDialog *dialog, JpkiCancelFunc on_cancel, gpointer user_data)
{
	BridgeWaiting *waiting = g_new0(BridgeWaiting, 1);
	waiting->close = jpki_cancel_new();
	g_autofree char *site = site_lines(dialog);
	waiting->description =
		g_strdup_printf(TR(dialog,
				   "%s\n\nこのサイトがマイナンバーカードを使おうとしています。\n\n"
				   "マイナンバーカードをICカードリーダーに置いてください（カードを"
				   "置くと続きます）。",
				   "%s\n\nThis site wants to use your My Number Card.\n\n"
				   "Place your My Number Card on the card reader (it goes on once "
				   "the card is there)."),
				site);
	waiting->request = base_request(dialog);
	waiting->request.description = waiting->description;
	waiting->request.ok_label = TR(dialog, "キャンセル", "Cancel");
	waiting->request.one_button = TRUE;
	waiting->on_cancel = on_cancel;
	waiting->user_data = user_data;
	if (dialog->cancel != NULL) {
		waiting->browser = dialog->cancel;
		waiting->browser_handler =
			jpki_cancel_connect(waiting->browser, close_with_browser, waiting->close);
	}
	waiting->thread = g_thread_new("waiting-dialog", run_waiting_dialog, waiting);
	return waiting;
}

void
bridge_dialog_waiting_close(BridgeWaiting *waiting)
{
	if (waiting == NULL)
		return;
	jpki_cancel_cancel(waiting->close);
	g_thread_join(waiting->thread);
	if (waiting->browser != NULL)
		jpki_cancel_disconnect(waiting->browser, waiting->browser_handler);
	jpki_cancel_free(waiting->close);
	g_free(waiting->description);
	g_free(waiting);
}
