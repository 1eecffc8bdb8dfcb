/* The card's state without a PIN, for `jpki status` and `jpki doctor`. */
#include "card_status.h"

/* Not an error for a status: a certificate (and its PIN) the card does not
 * carry, or an application it lacks. */
static gboolean
is_absence(const GError *error)
{
	return g_error_matches(error, JPKI_ERROR, JPKI_ERROR_NO_SIGNING_CERTIFICATE) ||
	       g_error_matches(error, JPKI_ERROR, JPKI_ERROR_NO_AUTH_CERTIFICATE) ||
	       g_error_matches(error, JPKI_ERROR, JPKI_ERROR_UNSUPPORTED_CARD);
}

/* Everything readable without a PIN, in one transaction. */
static gboolean
read_status(JpkiCard *card, CliCardStatus *status, GError **error)
{
	const JpkiCertSlot public_slots[] = {JPKI_SLOT_AUTH, JPKI_SLOT_AUTH_CA, JPKI_SLOT_SIGN_CA};
	for (guint i = 0; i < G_N_ELEMENTS(public_slots); i++) {
		g_autoptr(GError) local = NULL;
		g_autoptr(GBytes) der = jpki_ap_read_certificate(card, public_slots[i], &local);
		if (der == NULL &&
		    g_error_matches(local, JPKI_ERROR, JPKI_ERROR_NO_AUTH_CERTIFICATE))
			continue;
		if (der == NULL) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		status->certs[public_slots[i]] = jpki_cert_new_from_der(der, error);
		if (status->certs[public_slots[i]] == NULL)
			return FALSE;
	}
	for (guint secret = 0; secret < JPKI_SECRET_COUNT; secret++) {
		g_autoptr(GError) local = NULL;
		status->present[secret] =
			jpki_pin_query(card, (JpkiSecret)secret, &status->tries[secret], &local);
		if (!status->present[secret] && !is_absence(local)) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
	}
	/* A certificate the card lacks has no PIN to show, whatever its PIN EF says. */
	if (status->certs[JPKI_SLOT_AUTH] == NULL)
		status->present[JPKI_SECRET_AUTH] = FALSE;
	return TRUE;
}

gboolean
cli_card_status_read(JpkiCard *card, CliCardStatus *status, GError **error)
{
	gboolean ok = jpki_card_begin_transaction(card, error) && read_status(card, status, error);
	jpki_card_end_transaction(card);
	return ok;
}

void
cli_card_status_clear(CliCardStatus *status)
{
	for (guint i = 0; i < JPKI_SLOT_COUNT; i++)
		g_clear_pointer(&status->certs[i], jpki_cert_free);
}

const char *
cli_secret_label(Cli *cli, JpkiSecret secret)
{
	switch (secret) {
	case JPKI_SECRET_AUTH:
		return TR(cli, "利用者証明用", "authentication PIN");
	case JPKI_SECRET_SIGN:
		return TR(cli, "署名用", "signing password");
	default:
		return TR(cli, "券面事項入力補助用", "card input support PIN");
	}
}
