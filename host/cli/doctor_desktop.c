/* jpki doctor, the desktop side: the browsers and their host manifests, snap and Flatpak
 * browsers, and the PIN dialog (pinentry) the host shows. */
#include "config.h"
#include "doctor.h"
#include "host_manifest.h"

#include <stdlib.h>
#include <string.h>

static char *
install_advice(Cli *cli, CliBrowser browser)
{
	return g_strdup_printf(
		TR(cli,
		   "jpki install --user --browser %s を実行するか、jpki-bridge のパッケ"
		   "ージを入れてください。その後ブラウザーを再起動してください。",
		   "Run jpki install --user --browser %s, or install the jpki-bridge "
		   "package; then restart the browser."),
		cli_browser_name(browser));
}

static const char *
state_text(Cli *cli, CliManifestState state)
{
	switch (state) {
	case CLI_MANIFEST_INVALID:
		return TR(cli, "マニフェストが壊れています", "the manifest is not valid");
	case CLI_MANIFEST_WRONG_ID:
		return TR(cli, "マニフェストが jpki-bridge の拡張機能を許可していません",
			  "the manifest does not allow the jpki-bridge extension");
	default:
		return TR(cli, "マニフェストの指すホストプログラムがないか、実行できません",
			  "the host program the manifest names is missing or cannot be run");
	}
}

/* The first manifest the browser finds is the one it uses (the user's before the system's). */
static void
check_manifest(DoctorReport *report, CliBrowser browser, const char *program)
{
	Cli *cli = report->cli;
	g_autofree char *name = g_strdup_printf("browser-%s", cli_browser_name(browser));
	g_autoptr(GPtrArray) paths = cli_browser_manifest_paths(browser);
	for (guint i = 0; i < paths->len; i++) {
		const char *path = g_ptr_array_index(paths, i);
		g_autofree char *host = NULL;
		CliManifestState state = cli_host_manifest_inspect(browser, path, &host);
		if (state == CLI_MANIFEST_ABSENT)
			continue;
		g_autofree char *advice = install_advice(cli, browser);
		DoctorCheck *check =
			state == CLI_MANIFEST_OK
				? doctor_add(report, name, DOCTOR_OK, NULL,
					     TR(cli, "%s: %s → %s", "%s: %s → %s"),
					     cli_browser_label(browser), path, host)
				: doctor_add(report, name, DOCTOR_FAIL, advice, "%s: %s (%s → %s)",
					     cli_browser_label(browser), state_text(cli, state),
					     path, host != NULL ? host : "?");
		check->detail =
			json_pack("{s:s, s:s, s:s, s:s?, s:s}", "browser",
				  cli_browser_name(browser), "program", program, "manifest", path,
				  "host", host, "state", cli_manifest_state_name(state));
		return;
	}
	g_autofree char *advice = install_advice(cli, browser);
	DoctorCheck *check =
		doctor_add(report, name, DOCTOR_FAIL, advice,
			   TR(cli, "%s: jpki-bridge のマニフェストがありません（%s ほか）",
			      "%s: no jpki-bridge manifest (looked in %s and the system folders)"),
			   cli_browser_label(browser), (const char *)g_ptr_array_index(paths, 0));
	check->detail = json_pack("{s:s, s:s, s:s}", "browser", cli_browser_name(browser),
				  "program", program, "state", "absent");
}

static void
check_browsers(DoctorReport *report)
{
	Cli *cli = report->cli;
	g_autoptr(GString) sandboxed = g_string_new(NULL);
	json_t *sandboxed_list = json_array();
	guint native = 0;
	for (guint b = 0; b < CLI_BROWSER_COUNT; b++) {
		g_autofree char *program = cli_browser_find_program((CliBrowser)b);
		g_autofree char *boxed = cli_browser_find_sandboxed((CliBrowser)b);
		if (program != NULL) {
			native++;
			check_manifest(report, (CliBrowser)b, program);
		}
		if (boxed != NULL) {
			g_string_append_printf(sandboxed, "%s%s (%s)",
					       sandboxed->len > 0 ? ", " : "",
					       cli_browser_label((CliBrowser)b), boxed);
			json_array_append_new(sandboxed_list,
					      json_pack("{s:s, s:s}", "browser",
							cli_browser_name((CliBrowser)b), "path",
							boxed));
		}
	}
	if (native == 0)
		doctor_add(report, "browsers", DOCTOR_FAIL,
			   TR(cli,
			      "ブラウザーを通常のパッケージで入れてください（例: sudo apt install "
			      "chromium または firefox-esr）。",
			      "Install a browser from an ordinary package (e.g. sudo apt install "
			      "chromium, or firefox-esr)."),
			   "%s",
			   TR(cli, "ホストプログラムを起動できるブラウザーが見つかりません。",
			      "No browser that can start the host program was found."));
	DoctorCheck *check;
	if (sandboxed->len == 0) {
		check = doctor_add(report, "sandboxed-browsers", DOCTOR_OK, NULL, "%s",
				   TR(cli, "snap や Flatpak のブラウザーはありません。",
				      "No snap or Flatpak browser."));
	} else {
		check = doctor_add(
			report, "sandboxed-browsers", DOCTOR_WARNING,
			TR(cli,
			   "マイナンバーカードには通常のパッケージ（.deb "
			   "など）のブラウザーを使ってくだ"
			   "さい（Google Chrome、Debian の chromium / firefox-esr、Mozilla の apt "
			   "リポジトリの Firefox）。",
			   "Use a browser from an ordinary package (.deb or the like) for the My "
			   "Number Card: Google Chrome, Debian's chromium or firefox-esr, or "
			   "Firefox "
			   "from Mozilla's apt repository."),
			TR(cli,
			   "snap / Flatpak のブラウザー: %s。これらはデスクトップの WebExtensions "
			   "ポータルが許可しない限りホストプログラムを起動できず、jpki-bridge "
			   "を使えませ"
			   "ん。",
			   "snap or Flatpak browser(s): %s. They cannot start host programs unless "
			   "the desktop's WebExtensions portal lets them, so jpki-bridge does not "
			   "work "
			   "in them."),
			sandboxed->str);
	}
	check->detail = sandboxed_list;
}

static gboolean
is_terminal_pinentry(const char *path)
{
	g_autofree char *real = cli_real_path(path);
	g_autofree char *base = g_path_get_basename(real != NULL ? real : path);
	return strstr(base, "curses") != NULL || strstr(base, "-tty") != NULL;
}

static const char *
desktop_display(void)
{
	const char *vars[] = {"WAYLAND_DISPLAY", "DISPLAY"};
	for (guint i = 0; i < G_N_ELEMENTS(vars); i++) {
		const char *value = g_getenv(vars[i]);
		if (value != NULL && *value != '\0')
			return vars[i];
	}
	return NULL;
}

/* The host's own choice of pinentry (host.conf; JPKI_PINENTRY where host.conf switches the
 * test variables on; else the path fixed at build time). */
static void
check_pinentry(DoctorReport *report)
{
	Cli *cli = report->cli;
	const char *install =
		TR(cli,
		   "ダイアログを表示する pinentry を入れて選んでください: sudo apt "
		   "install pinentry-gnome3 && sudo update-alternatives --config pinentry",
		   "Install and choose a pinentry that shows a dialog: sudo apt install "
		   "pinentry-gnome3 && sudo update-alternatives --config pinentry");
	g_autoptr(BridgeConfig) config = bridge_config_load();
	g_autofree char *path = g_find_program_in_path(config->pinentry);
	const char *display = desktop_display();
	DoctorCheck *check;
	if (path == NULL) {
		check = doctor_add(report, "pinentry", DOCTOR_FAIL, install,
				   TR(cli, "暗証番号の入力画面（%s）が見つかりません。",
				      "The PIN dialog program (%s) was not found."),
				   config->pinentry);
	} else if (is_terminal_pinentry(path)) {
		check = doctor_add(
			report, "pinentry", DOCTOR_FAIL, install,
			TR(cli,
			   "%s は端末でしか暗証番号を尋ねられず、ブラウザーからは使えませ"
			   "ん。",
			   "%s asks for PINs only in a terminal, which the browser does "
			   "not have."),
			path);
	} else if (display == NULL) {
		check = doctor_add(
			report, "pinentry", DOCTOR_WARNING,
			TR(cli,
			   "デスクトップのターミナルで jpki doctor "
			   "を実行してください。ブラウザーの暗"
			   "証番号の入力画面はデスクトップに表示されます。",
			   "Run jpki doctor in a terminal of your desktop: the browser's PIN "
			   "dialog "
			   "appears on the desktop."),
			TR(cli,
			   "%s はありますが、デスクトップ（DISPLAY, "
			   "WAYLAND_DISPLAY）が見えません。",
			   "%s is there, but no desktop is seen (DISPLAY, WAYLAND_DISPLAY)."),
			path);
	} else {
		check = doctor_add(
			report, "pinentry", DOCTOR_OK, NULL,
			TR(cli, "暗証番号の入力画面: %s（%s=%s）", "PIN dialog: %s (%s=%s)"), path,
			display, g_getenv(display));
	}
	check->detail = json_pack("{s:s, s:s?, s:s?}", "program", config->pinentry, "path", path,
				  "display", display);
}

void
doctor_check_desktop(DoctorReport *report)
{
	check_browsers(report);
	check_pinentry(report);
}
