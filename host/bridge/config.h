/* The host's settings: $XDG_CONFIG_HOME/jpki-bridge/host.conf (GKeyFile),
 * overridden by environment variables for tests. */
#pragma once

#include "messages.h"

typedef struct {
	char *pinentry;               /* program for dialogs */
	gboolean allow_http_loopback; /* http://localhost origins (development) */
	JpkiLang lang;                /* dialogs' language */
	guint card_wait_s;            /* how long to wait for a card */
} BridgeConfig;

/* Never fails: a missing or broken file gives the defaults (and a warning). */
BridgeConfig *bridge_config_load(void);
void bridge_config_free(BridgeConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BridgeConfig, bridge_config_free)
