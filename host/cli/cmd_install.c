/* jpki install --user / jpki uninstall --user: the per-user host manifests of each browser. */
#include "host_manifest.h"
#include "install_registration.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	gboolean user;
	char **browser_names; /* --browser, repeatable */
	char *host;           /* --host */
} InstallOptions;

static void
install_options_clear(InstallOptions *options)
{
	g_strfreev(options->browser_names);
	g_free(options->host);
}

static gboolean
parse_options(Cli *cli, int *argc, char ***argv, gboolean install, InstallOptions *options)
{
	GOptionEntry entries[] = {
		{"user", 0, 0, G_OPTION_ARG_NONE, &options->user,
		 TR(cli, "このユーザーだけに（必須）", "for this user only (required)"), NULL},
		{"browser", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->browser_names,
		 install ? TR(cli,
			      "対象のブラウザー（繰り返し可。省略時: インストール済みのもの全部）",
			      "the browser (repeatable; default: every one installed)")
			 : TR(cli, "対象のブラウザー（繰り返し可。省略時: 全部）",
			      "the browser (repeatable; default: all)"),
		 "chrome|chromium|edge|brave|firefox|all"},
		{"host", 0, 0, G_OPTION_ARG_FILENAME, &options->host,
		 TR(cli, "ブラウザーが起動するホストプログラム（省略時: jpki と一緒に入ったもの）",
		    "the host program the browser starts (default: the one installed with jpki)"),
		 TR(cli, "パス", "PATH")},
		G_OPTION_ENTRY_NULL,
	};
	if (!install) /* uninstall takes no --host */
		entries[2] = (GOptionEntry)G_OPTION_ENTRY_NULL;
	if (!cli_parse(
		    cli, argc, argv, "--user",
		    install ? TR(cli,
				 "ブラウザーが jpki-bridge を使えるように、このユーザーのネイティ"
				 "ブメッセージング用マニフェストを書き込みます。",
				 "Writes this user's native messaging manifests, so that the "
				 "browsers can start jpki-bridge.")
			    : TR(cli,
				 "jpki install --user が書き込んだマニフェストを削除します（ほか"
				 "のファイルには触れません）。",
				 "Removes the manifests jpki install --user wrote (and no other "
				 "file)."),
		    entries))
		return FALSE;
	if (!options->user) {
		fprintf(stderr, "%s\n",
			TR(cli,
			   "jpki: --user を付けてください（システム全体へはパッケージが入れます）",
			   "jpki: --user is required (the package installs for the whole system)"));
		return FALSE;
	}
	return cli_refuse_arguments(cli, *argc, *argv);
}

/* The browsers named with --browser, or by default every installed one (install) or all
 * (uninstall). FALSE after printing the usage error. */
static gboolean
choose_browsers(Cli *cli, char **names, gboolean install, gboolean chosen[CLI_BROWSER_COUNT])
{
	for (guint i = 0; names != NULL && names[i] != NULL; i++) {
		CliBrowser browser;
		if (strcmp(names[i], "all") == 0) {
			for (guint b = 0; b < CLI_BROWSER_COUNT; b++)
				chosen[b] = cli_registration_supported((CliBrowser)b);
		} else if (cli_browser_from_name(names[i], &browser) &&
			   cli_registration_supported(browser)) {
			chosen[browser] = TRUE;
		} else if (cli_browser_from_name(names[i], &browser)) {
			fprintf(stderr,
				TR(cli,
				   "jpki: このシステムでは「%s」に登録できません（--browser "
				   "を省略すると登録できるもの全部に登録します）\n",
				   "jpki: '%s' cannot be registered on this system (leave out "
				   "--browser to register every browser that can be)\n"),
				names[i]);
			return FALSE;
		} else {
			fprintf(stderr,
				TR(cli,
				   "jpki: 不明なブラウザー「%s」（chrome, chromium, edge, brave, "
				   "firefox, all のどれか）\n",
				   "jpki: unknown browser '%s' (one of chrome, chromium, edge, "
				   "brave, "
				   "firefox, all)\n"),
				names[i]);
			return FALSE;
		}
	}
	if (names != NULL && names[0] != NULL)
		return TRUE;
	for (guint b = 0; b < CLI_BROWSER_COUNT; b++)
		chosen[b] = install ? cli_registration_by_default((CliBrowser)b)
				    : cli_registration_supported((CliBrowser)b);
	return TRUE;
}

static gboolean
any_chosen(const gboolean chosen[CLI_BROWSER_COUNT])
{
	for (guint b = 0; b < CLI_BROWSER_COUNT; b++) {
		if (chosen[b])
			return TRUE;
	}
	return FALSE;
}

static int
fail_no_browser(Cli *cli)
{
	g_autoptr(GError) error =
		g_error_new_literal(JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "none of google-chrome, chromium, microsoft-edge, "
				    "brave-browser, firefox is on PATH "
				    "as an ordinary package");
	return cli_fail_with_text(
		cli, "no-browser",
		TR(cli, "対応するブラウザーが見つかりません。", "No supported browser was found."),
		TR(cli,
		   "ブラウザーをパッケージ（.deb など）で入れるか、--browser "
		   "で指定してください（snap "
		   "や Flatpak のブラウザーは jpki doctor の説明を見てください）。",
		   "Install a browser from a package (.deb or the like) or name one with --browser "
		   "(for a snap or Flatpak browser, see what jpki doctor says)."),
		error);
}

/* "written" or "unchanged"; NULL on error. */
static const char *
install_one(CliBrowser browser, const char *path, const char *host, GError **error)
{
	g_autofree char *text = cli_host_manifest_text(browser, host);
	g_autofree char *current = NULL;
	gboolean file_changed = FALSE, registration_changed = FALSE;
	if (!g_file_get_contents(path, &current, NULL, NULL) || strcmp(current, text) != 0) {
		if (!cli_host_manifest_write(path, text, error))
			return NULL;
		file_changed = TRUE;
	}
	if (!cli_registration_add(browser, path, &registration_changed, error))
		return NULL;
	return file_changed || registration_changed ? "written" : "unchanged";
}

/* "removed", "absent" or "kept" (the registration names another manifest and stays); NULL on
 * error. Only our file and registration go; the folder stays (Linux: it is the browser's). */
static const char *
uninstall_one(CliBrowser browser, const char *path, GError **error)
{
	gboolean registration_removed = FALSE, kept_other = FALSE;
	if (!cli_registration_remove(browser, path, &registration_removed, &kept_other, error))
		return NULL;
	gboolean file_removed = g_unlink(path) == 0;
	int saved = errno;
	if (!file_removed && saved != ENOENT) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "cannot remove %s: %s", path,
			    g_strerror(saved));
		return NULL;
	}
	if (kept_other)
		return "kept";
	return file_removed || registration_removed ? "removed" : "absent";
}

static const char *
result_text(Cli *cli, const char *result)
{
	if (strcmp(result, "written") == 0)
		return TR(cli, "書き込みました", "written");
	if (strcmp(result, "unchanged") == 0)
		return TR(cli, "書き込み済み（変更なし）", "already there (unchanged)");
	if (strcmp(result, "removed") == 0)
		return TR(cli, "削除しました", "removed");
	if (strcmp(result, "kept") == 0)
		return TR(cli,
			  "ブラウザーの登録は別のマニフェストを指しているので残しました（それを入れ"
			  "たインストーラーで削除してください）",
			  "the browser's registration names another manifest and stays (remove it "
			  "with the installer that made it)");
	return TR(cli, "ありません（削除するものなし）", "not there (nothing to remove)");
}

static int
run(Cli *cli, gboolean install, const gboolean chosen[CLI_BROWSER_COUNT], const char *host)
{
	json_t *manifests = json_array();
	for (guint b = 0; b < CLI_BROWSER_COUNT; b++) {
		if (!chosen[b])
			continue;
		g_autofree char *path = cli_registration_manifest_path((CliBrowser)b);
		g_autoptr(GError) error = NULL;
		const char *result = install ? install_one((CliBrowser)b, path, host, &error)
					     : uninstall_one((CliBrowser)b, path, &error);
		if (result == NULL) {
			json_decref(manifests);
			return cli_fail(cli, error);
		}
		json_array_append_new(manifests, json_pack("{s:s, s:s, s:s}", "browser",
							   cli_browser_name((CliBrowser)b), "path",
							   path, "result", result));
		if (!cli->json)
			printf("%s: %s %s\n", cli_browser_label((CliBrowser)b), path,
			       result_text(cli, result));
	}
	if (!install)
		cli_registration_forget_folder();
	if (cli->json) {
		json_t *document = json_pack("{s:o}", "manifests", manifests);
		if (host != NULL)
			json_object_set_new(document, "host", json_string(host));
		cli_print_json(document);
		return CLI_OK;
	}
	json_decref(manifests);
	if (install)
#ifdef G_OS_WIN32
		/* jpki doctor reads the Linux folders only: it does not check the registry yet. */
		printf(TR(cli, "ホストプログラム: %s\nブラウザーを再起動してください。\n",
			  "Host program: %s\nRestart the browser.\n"),
		       host);
#else
		printf(TR(cli,
			  "ホストプログラム: %s\n"
			  "ブラウザーを再起動してください。設定全体は jpki doctor "
			  "で確認できます。\n",
			  "Host program: %s\n"
			  "Restart the browser; jpki doctor checks the whole setup.\n"),
		       host);
#endif
	return CLI_OK;
}

static char *
find_host(Cli *cli, const char *given, int *status)
{
	g_autoptr(GError) error = NULL;
	char *host =
		given != NULL ? cli_host_resolve(given, &error) : cli_host_default_path(&error);
	if (host == NULL)
		*status = cli_fail_with_text(
			cli, "host-not-found",
			TR(cli,
			   "ホストプログラム（jpki-bridge-host）が見つからないか、実行できません。",
			   "The host program (jpki-bridge-host) is missing or cannot be run."),
			TR(cli,
			   "jpki-bridge-host の場所を --host で指定してください（ソースからビルドし"
			   "た場合は build/default/host/bridge/jpki-bridge-host）。",
			   "Give the path of jpki-bridge-host with --host (after building from "
			   "source: build/default/host/bridge/jpki-bridge-host)."),
			error);
	return host;
}

static int
install_or_uninstall(Cli *cli, int argc, char **argv, gboolean install)
{
	InstallOptions options = {0};
	int status = CLI_USAGE;
	gboolean chosen[CLI_BROWSER_COUNT] = {FALSE};
	if (parse_options(cli, &argc, &argv, install, &options) &&
	    choose_browsers(cli, options.browser_names, install, chosen)) {
		g_autofree char *host = install ? find_host(cli, options.host, &status) : NULL;
		if (install && host != NULL && !any_chosen(chosen))
			status = fail_no_browser(cli);
		else if (!install || host != NULL)
			status = run(cli, install, chosen, host);
	}
	install_options_clear(&options);
	return status;
}

int
cli_install(Cli *cli, int argc, char **argv)
{
	return install_or_uninstall(cli, argc, argv, TRUE);
}

int
cli_uninstall(Cli *cli, int argc, char **argv)
{
	return install_or_uninstall(cli, argc, argv, FALSE);
}
