/* The host's settings: $XDG_CONFIG_HOME/jpki-bridge/host.conf (GKeyFile, group [host]).
 * The environment variables the tests use (JPKI_PINENTRY, JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK,
 * JPKI_BRIDGE_CARD_WAIT_SECONDS) change nothing unless that file, owned by the user and
 * writable by nobody else, says `test-variables=true`: an installed host started by the
 * browser takes its settings from the user's file only. One setting comes from the command line:
 * the browser window on Windows (parent_window). */
#pragma once

#include "messages.h"

typedef struct {
	char *pinentry;               /* program for dialogs: an absolute path */
	gboolean allow_http_loopback; /* http://localhost origins (development) */
	JpkiLang lang;                /* dialogs' language */
	guint card_wait_s;            /* how long to wait for a card */
	/* host.conf enabled the test variables: they win over the file, and the pinentry
	 * gets the host's whole environment (the scripted one is told what to answer there) */
	gboolean test_variables;
	GStrv portal_origins; /* served the マイナポータルAP protocol: the shipped ones +
				 host.conf's */
	char *data_dir;       /* where the installation id is kept (installation_id.h) */
	/* Windows: the browser window that owns the dialogs, from Chrome's --parent-window
	 * (parent_window.h), set by main(), never by host.conf; 0: none */
	guintptr parent_window;
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
