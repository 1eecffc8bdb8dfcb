/* What one PC/SC transaction has learnt about the card: the application and
 * EF selected, the tries the selected PIN file last reported, and which
 * certificates EF 0008 (or a certificate read) says the card has. pcsc.c
 * forgets it all at a new transaction, a reset and a failed transmission;
 * files.c, pin.c and presence.c consult it so that no APDU is sent twice. */
#pragma once

#include <glib.h>

#define JPKI_SESSION_UNKNOWN (-1)

typedef struct {
	int app;                /* the JpkiApp selected */
	int ef;                 /* the file id selected in it */
	int tries_left;         /* of the selected PIN file, from its last answer */
	gboolean presence_read; /* EF 0008 read: sign and auth below come from it */
	int presence_sign;      /* a JpkiPresence, or JPKI_SESSION_UNKNOWN */
	int presence_auth;
} JpkiCardSession;

void jpki_card_session_forget(JpkiCardSession *session);
