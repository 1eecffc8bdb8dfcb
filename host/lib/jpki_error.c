#include "jpki_error.h"

/* The GIOErrorEnum values used below (gio/gioenums.h, a stable ABI): libjpki links libglib
 * alone, and GIO's header cannot be included without all of GIO. */
enum {
	GIO_INVALID_ARGUMENT = 13,
	GIO_CANCELLED = 19,
	GIO_TIMED_OUT = 24,
	GIO_INVALID_DATA = 35,
	GIO_PARTIAL_INPUT = 34,
	GIO_MESSAGE_TOO_LARGE = 46,
};

/* The quark's name is one hyphenated word. */
/* clang-format off */
G_DEFINE_QUARK(jpki-error-quark, jpki_error)
/* clang-format on */

/* G_IO_ERROR is registered only by programs that link GIO; 0 (no error has it) otherwise. */
static GQuark
gio_error_quark(void)
{
	return g_quark_try_string("g-io-error-quark");
}

#define ANY_CODE (-1)

/* What an error of another domain means to a user; the first row that matches wins. */
static const struct {
	GQuark (*domain)(void);
	gint code;
	JpkiErrorCode jpki_code;
} conversions[] = {
	{g_file_error_quark, ANY_CODE, JPKI_ERROR_IO},
	{gio_error_quark, GIO_CANCELLED, JPKI_ERROR_CANCELLED},
	{gio_error_quark, GIO_TIMED_OUT, JPKI_ERROR_TIMEOUT},
	{gio_error_quark, GIO_INVALID_ARGUMENT, JPKI_ERROR_INVALID_INPUT},
	{gio_error_quark, GIO_INVALID_DATA, JPKI_ERROR_INVALID_INPUT},
	{gio_error_quark, GIO_PARTIAL_INPUT, JPKI_ERROR_INVALID_INPUT},
	{gio_error_quark, GIO_MESSAGE_TOO_LARGE, JPKI_ERROR_INVALID_INPUT},
	{gio_error_quark, ANY_CODE, JPKI_ERROR_IO},
	{g_key_file_error_quark, G_KEY_FILE_ERROR_NOT_FOUND, JPKI_ERROR_IO},
	{g_key_file_error_quark, ANY_CODE, JPKI_ERROR_INVALID_INPUT},
	{g_convert_error_quark, ANY_CODE, JPKI_ERROR_INVALID_INPUT},
	{g_option_error_quark, ANY_CODE, JPKI_ERROR_INVALID_INPUT},
};

JpkiErrorCode
jpki_error_code_of(const GError *error)
{
	g_return_val_if_fail(error != NULL, JPKI_ERROR_INTERNAL);
	if (error->domain == JPKI_ERROR)
		return error->code >= 0 && error->code < JPKI_ERROR_LAST
			       ? (JpkiErrorCode)error->code
			       : JPKI_ERROR_INTERNAL;
	for (guint i = 0; i < G_N_ELEMENTS(conversions); i++) {
		GQuark domain = conversions[i].domain();
		if (domain != 0 && error->domain == domain &&
		    (conversions[i].code == ANY_CODE || conversions[i].code == error->code))
			return conversions[i].jpki_code;
	}
	return JPKI_ERROR_INTERNAL;
}

void
jpki_error_convert(GError **error)
{
	if (error == NULL || *error == NULL || (*error)->domain == JPKI_ERROR)
		return;
	GError *converted =
		g_error_new_literal(JPKI_ERROR, jpki_error_code_of(*error), (*error)->message);
	g_error_free(*error);
	*error = converted;
}
