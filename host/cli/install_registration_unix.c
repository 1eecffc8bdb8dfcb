/* Linux: a browser reads every manifest in its per-user folder; nothing else to register. */
#include "install_registration.h"

#include "cli.h"

gboolean
cli_registration_supported(CliBrowser browser)
{
	(void)browser;
	return TRUE;
}

gboolean
cli_registration_by_default(CliBrowser browser)
{
	g_autofree char *program = cli_browser_find_program(browser);
	return program != NULL;
}

char *
cli_registration_manifest_path(CliBrowser browser)
{
	g_autofree char *dir = cli_browser_user_manifest_dir(browser);
	return g_build_filename(dir, JPKI_HOST_NAME ".json", NULL);
}

gboolean
cli_registration_add(CliBrowser browser, const char *manifest_path, gboolean *changed,
		     GError **error)
{
	(void)browser, (void)manifest_path, (void)error;
	*changed = FALSE;
	return TRUE;
}

gboolean
cli_registration_remove(CliBrowser browser, const char *manifest_path, gboolean *removed,
			gboolean *kept_other, GError **error)
{
	(void)browser, (void)manifest_path, (void)error;
	*removed = *kept_other = FALSE;
	return TRUE;
}

void
cli_registration_forget_folder(void)
{
}
