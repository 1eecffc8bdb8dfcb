/* The host's operations (docs/protocol.md) run in process through bridge_command_run(), with
 * the scripted pinentry as a user who types one PIN and then cancels, for the fault tests
 * (test_hostile_card.c, test_fault_steps.c): each checks what the user sees, and that no PIN
 * reached the card that the user did not type. */
#pragma once

#include "commands.h"
#include "jpki_error.h"

#include <jansson.h>

#define HOST_OPERATIONS_READER "Sim Reader 00 00"

typedef struct {
	const char *name;
	const char *pin; /* what the user types in the dialog; NULL: no dialog */
	char *json;      /* the request */
} HostOperation;

typedef struct {
	char *dir;
	char *log;
	char *counter;
	BridgeConfig config;
	JpkiCancel *cancel;
	GPtrArray *operations; /* HostOperation: status, authenticate, get-signing-certificate,
				  sign, sign-cms, read-attributes */
} HostOperations;

/* A reader with the "adult" card in it, the scripted pinentry, the operations. */
HostOperations *host_operations_new(void);
void host_operations_free(HostOperations *ops);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HostOperations, host_operations_free)

/* The outcome of one run. */
typedef struct {
	json_t *reply;       /* or NULL */
	GError *error;       /* set exactly when reply is NULL */
	guint pins_sent;     /* PIN-carrying VERIFYs that reached the card */
	guint pins_typed;    /* PINs the dialog gave (GETPIN answered with the PIN) */
	guint confirmations; /* CONFIRM dialogs */
} HostOutcome;

void host_outcome_clear(HostOutcome *outcome);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HostOutcome, host_outcome_clear)

/* Runs `op`; the user types op->pin once, then cancels any further dialog. Counts are of this
 * run only. Fails the test when the host answers both a reply and an error, or neither, or
 * a PIN reached the card that the user did not type. */
void host_operations_run(HostOperations *ops, const HostOperation *op, HostOutcome *outcome);
/* Runs `op`, which must succeed (the card and the host are usable again). */
void host_operations_assert_works(HostOperations *ops, const HostOperation *op);
/* The name of an outcome's error code, for messages ("reply" when it succeeded). */
const char *host_outcome_code(const HostOutcome *outcome);
