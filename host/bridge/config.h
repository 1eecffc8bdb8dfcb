/* The host's settings: $XDG_CONFIG_HOME/jpki-bridge/host.conf (GKeyFile),
 * overridden by environment variables for tests. */
#pragma once

#include "messages.h"

typedef struct {
	char *pinentry;               /* program for dialogs */
	gboolean allow_http_loopback; /* http://localhost origins (development) */
	JpkiLang lang;                /* dialogs' language */
	guint card_wait_s;            /* how long to wait for a card */
	GStrv portal_origins; /* served the マイナポータルAP protocol: the shipped ones +
				 host.conf's */
	char *data_dir;       /* where the installation id is kept (installation_id.h) */
} BridgeConfig;

/* The government origins the マイナポータルAP protocol is served to when
 * host.conf adds none (docs/mynaportal.md says which are certain). */
extern const char *const bridge_default_portal_origins[];

/* Never fails: a missing or broken file gives the defaults (and a warning). */
BridgeConfig *bridge_config_load(void);
void bridge_config_free(BridgeConfig *config);
/* Whether `origin` is exactly one of config->portal_origins. */
gboolean bridge_config_is_portal_origin(const BridgeConfig *config, const char *origin);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BridgeConfig, bridge_config_free)
