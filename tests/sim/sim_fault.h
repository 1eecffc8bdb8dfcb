/* A hostile card or reader for the in-process adapter (sim_pcsc.h): the simulated card still
 * runs every command, and a fault layer changes what comes back, either by rules a test sets
 * (answer INS xx with this, cut the data to n bytes) or from fuzz input, each byte string
 * deciding the fate of one answer (tests/fuzz/). Installed as the adapter's answer hook;
 * sim_pcsc_reset() uninstalls it. */
#pragma once

#include <glib.h>

typedef struct _SimFault SimFault;

SimFault *sim_fault_new(void);
void sim_fault_free(SimFault *fault);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimFault, sim_fault_free)

#define SIM_FAULT_ANY_INS (-1)

/* Every command with INS `ins` (SIM_FAULT_ANY_INS: every command) and at least `min_len`
 * bytes is answered `data` (may be NULL) followed by `sw`, whatever the card said. Rules are
 * tried in the order they were added; the first that matches decides. */
void sim_fault_answer(SimFault *fault, int ins, gsize min_len, guint16 sw, const guint8 *data,
		      gsize data_len);
/* The card's answers to INS `ins` keep at most `keep` bytes of data, and their status word. */
void sim_fault_truncate(SimFault *fault, int ins, gsize keep);
/* The card's answers to INS `ins` keep their data and end in `sw` instead. */
void sim_fault_replace_sw(SimFault *fault, int ins, guint16 sw);

/* Answers taken from `data` (copied), one decision a command while it lasts, then the card's
 * own answers: the shape of the fuzz input is described in sim_fault.c. */
void sim_fault_script_from_bytes(SimFault *fault, const guint8 *data, gsize len);

/* Makes `fault` (borrowed: keep it until sim_pcsc_reset()) the adapter's answer hook. */
void sim_fault_install(SimFault *fault);
/* Commands the hook saw, and the answers it changed. */
guint sim_fault_count_commands(SimFault *fault);
guint sim_fault_count_changed(SimFault *fault);
