/* The host's own dialogs (pinentry): the only place a PIN is typed. Each
 * names the requesting site (the origin the browser gave: its registrable
 * domain on a line of its own, then the origin, site_name.h), what is asked,
 * which secret and its rule, and the tries left; a signature's PIN dialog also
 * the 照合コード (verification_code.h). */
#pragma once

#include "cancel.h"
#include "config.h"
#include "pin.h"

typedef enum {
	BRIDGE_PURPOSE_LOGIN,             /* authenticate */
	BRIDGE_PURPOSE_READ_SIGNING_CERT, /* get-signing-certificate */
	BRIDGE_PURPOSE_SIGN,              /* sign, sign-cms */
	BRIDGE_PURPOSE_SHARE_ATTRIBUTES,  /* read-attributes */
} BridgePurpose;

typedef struct {
	const BridgeConfig *config;
	const char *origin;
	/* sign, sign-cms: the 照合コード of the digest, shown in the PIN dialog; else NULL */
	const char *verification_code;
	JpkiCancel *cancel; /* cancelled when the browser disconnects; outlives the dialogs */
} BridgeDialog;

/* Asks for `secret`'s PIN. `wrong_tries_left` >= 0 says the last PIN was
 * wrong (shown as the dialog's error line); a PIN of the wrong format is
 * asked again at once without reaching the card. JPKI_ERROR_CANCELLED when
 * the user cancels. */
JpkiPin *bridge_dialog_ask_pin(BridgeDialog *dialog, BridgePurpose purpose, JpkiSecret secret,
			       guint tries_left, int wrong_tries_left, GError **error);

/* "Share your basic 4 attributes with <origin>?" TRUE when the user agrees;
 * JPKI_ERROR_CANCELLED when not. */
gboolean bridge_dialog_confirm_sharing(BridgeDialog *dialog, GError **error);

/* A "place your card" message with a cancel button, shown while the host
 * waits for a card; `on_cancel` runs (in the dialog's thread) if the user
 * presses cancel. Closed by bridge_dialog_waiting_close(). */
typedef struct _BridgeWaiting BridgeWaiting;
BridgeWaiting *bridge_dialog_waiting_open(BridgeDialog *dialog, JpkiCancelFunc on_cancel,
					  gpointer user_data);
/* Closes the dialog (if still open) and frees it. */
void bridge_dialog_waiting_close(BridgeWaiting *waiting);
