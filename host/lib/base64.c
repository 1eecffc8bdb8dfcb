#include "base64.h"

static int
base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static gboolean
is_strict_base64(const char *text, gsize len)
{
	if (len == 0 || len % 4 != 0)
		return FALSE;
	gsize pad = 0;
	if (text[len - 1] == '=')
		pad = text[len - 2] == '=' ? 2 : 1;
	for (gsize i = 0; i < len - pad; i++) {
		if (base64_value(text[i]) < 0)
			return FALSE;
	}
	if (pad == 2 && (base64_value(text[len - 3]) & 0x0f) != 0)
		return FALSE;
	if (pad == 1 && (base64_value(text[len - 2]) & 0x03) != 0)
		return FALSE;
	return TRUE;
}

GBytes *
jpki_base64_decode_strict(const char *text, gsize len)
{
	g_return_val_if_fail(text != NULL || len == 0, NULL);
	if (!is_strict_base64(text, len))
		return NULL;
	/* g_base64_decode() wants a NUL-terminated string. */
	g_autofree char *terminated = g_strndup(text, len);
	gsize decoded_len = 0;
	guchar *decoded = g_base64_decode(terminated, &decoded_len);
	g_assert(decoded_len == len / 4 * 3 - (text[len - 1] == '=') - (text[len - 2] == '='));
	return g_bytes_new_take(decoded, decoded_len);
}
