/* What the card tells without a PIN: every certificate but the signing one, and the tries
 * left of each PIN (VERIFY without data). Shared by `jpki status` and `jpki doctor`. */
#pragma once

#include "cli.h"

typedef struct {
	JpkiCert *certs[JPKI_SLOT_COUNT];    /* NULL where not read or absent */
	gboolean present[JPKI_SECRET_COUNT]; /* the secret, and for auth/sign its certificate */
	guint tries[JPKI_SECRET_COUNT];
} CliCardStatus;

/* Reads it in one transaction; a certificate or application the card lacks is not an error. */
gboolean cli_card_status_read(JpkiCard *card, CliCardStatus *status, GError **error);
void cli_card_status_clear(CliCardStatus *status);
/* A PIN as a list of tries left names it: "利用者証明用", "authentication PIN". */
const char *cli_secret_label(Cli *cli, JpkiSecret secret);
