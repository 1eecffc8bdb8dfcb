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

/* base64_value() of every byte, 0xff for none: one lookup a character (a login token's
 * certificate is about 2,000 of them, decoded at every login). */
static const guint8 *
base64_table(void)
{
	static guint8 table[256];
	static gsize ready = 0;
	if (g_once_init_enter(&ready)) {
		for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
			int value = base64_value((char)i);
			table[i] = value < 0 ? 0xff : (guint8)value;
		}
		g_once_init_leave(&ready, 1);
	}
	return table;
}

GBytes *
jpki_base64_decode_strict(const char *text, gsize len)
{
	g_return_val_if_fail(text != NULL || len == 0, NULL);
	if (len == 0 || len % 4 != 0)
		return NULL;
	const guint8 *table = base64_table();
	const guint8 *in = (const guint8 *)text;
	gsize pad = in[len - 1] == '=' ? (in[len - 2] == '=' ? 2 : 1) : 0;
	gsize out_len = len / 4 * 3 - pad;
	guint8 *out = g_malloc(out_len + 2); /* the last quantum is written whole */
	gsize o = 0;
	for (gsize i = 0; i < len; i += 4) {
		gboolean last = i + 4 == len;
		guint8 a = table[in[i]], b = table[in[i + 1]];
		guint8 c = last && pad == 2 ? 0 : table[in[i + 2]];
		guint8 d = last && pad >= 1 ? 0 : table[in[i + 3]];
		if ((a | b | c | d) == 0xff) {
			g_free(out);
			return NULL;
		}
		out[o++] = (guint8)(a << 2 | b >> 4);
		out[o++] = (guint8)(b << 4 | c >> 2);
		out[o++] = (guint8)(c << 6 | d);
	}
	/* The bits the padding leaves over are zero: one spelling for one value. */
	guint8 left = pad == 2   ? table[in[len - 3]] & 0x0f
		      : pad == 1 ? table[in[len - 2]] & 0x03
				 : 0;
	if (left != 0) {
		g_free(out);
		return NULL;
	}
	return g_bytes_new_take(out, out_len);
}
