/* Which certificates the card carries (EF 0008 of the JPKI application). */
#include "presence.h"

#include "files.h"

#define PRESENCE_FID     0x0008
#define SHORT_READ_MAX   256 /* Le=00: what every tool sends */
#define PRESENCE_LEN     3
#define PRESENCE_PRESENT 0x8F
#define PRESENCE_ABSENT  0x00
#define PRESENCE_SIGN_AT 0
#define PRESENCE_AUTH_AT 1

static JpkiPresence
presence_of(guint8 value)
{
	if (value == PRESENCE_PRESENT)
		return JPKI_PRESENCE_PRESENT;
	if (value == PRESENCE_ABSENT)
		return JPKI_PRESENCE_ABSENT;
	return JPKI_PRESENCE_UNKNOWN;
}

void
jpki_presence_parse(const guint8 *data, gsize len, JpkiCertificatePresence *presence)
{
	presence->sign = presence->auth = JPKI_PRESENCE_UNKNOWN;
	/* The file has no filler (myna-card): another length is another layout. */
	if (data == NULL || len != PRESENCE_LEN)
		return;
	presence->sign = presence_of(data[PRESENCE_SIGN_AT]);
	presence->auth = presence_of(data[PRESENCE_AUTH_AT]);
}

static gboolean
read_presence_file(JpkiCard *card, JpkiCertificatePresence *presence, GError **error)
{
	presence->sign = presence->auth = JPKI_PRESENCE_UNKNOWN;
	guint16 sw = 0;
	if (!jpki_files_select_ef(card, PRESENCE_FID, &sw, error))
		return FALSE;
	if (sw != JPKI_SW_OK)
		return TRUE;
	g_autoptr(GError) local = NULL;
	g_autoptr(GBytes) data = jpki_files_read_head(card, SHORT_READ_MAX, &sw, &local);
	if (data == NULL) {
		if (!g_error_matches(local, JPKI_ERROR, JPKI_ERROR_CARD)) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		return TRUE;
	}
	gsize len = 0;
	const guint8 *bytes = g_bytes_get_data(data, &len);
	jpki_presence_parse(bytes, len, presence);
	return TRUE;
}

gboolean
jpki_presence_read(JpkiCard *card, JpkiCertificatePresence *presence, GError **error)
{
	JpkiCardSession *session = jpki_card_get_session(card);
	if (!session->presence_read) {
		if (!read_presence_file(card, presence, error))
			return FALSE;
		session->presence_read = TRUE;
		session->presence_sign = (int)presence->sign;
		session->presence_auth = (int)presence->auth;
	}
	presence->sign = (JpkiPresence)session->presence_sign;
	presence->auth = (JpkiPresence)session->presence_auth;
	return TRUE;
}

void
jpki_presence_set_absent_error(GError **error, gboolean signing)
{
	if (signing)
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_NO_SIGNING_CERTIFICATE,
				    "the card has no signing certificate");
	else
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_NO_AUTH_CERTIFICATE,
				    "the card has no user-authentication certificate");
}
