/* Asking the user for a PIN: never from argv or the environment. */
#pragma once

#include "cli.h"

/* Reads one PIN for `secret` from --pin-fd (one line), or else in the
 * desktop's PIN dialog (pinentry) when a desktop is present (DISPLAY or
 * WAYLAND_DISPLAY), or else from the terminal without echo, naming the
 * secret, its rule and the tries left.
 * The typed text is wiped; the PIN is checked against its rule here, so a
 * PIN of the wrong format never reaches the card. `purpose` says what the
 * PIN is for ("new" for the replacement in a PIN change). */
JpkiPin *cli_read_pin(Cli *cli, JpkiSecret secret, const char *purpose, guint tries_left,
		      GError **error);
