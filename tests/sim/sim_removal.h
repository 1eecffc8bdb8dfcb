/* When the simulated card leaves the reader by itself, for fault tests:
 * after it has answered N APDUs, or after it has answered the K-th command
 * with a given INS. Both adapters (in-process PC/SC, vpcd) follow one plan. */
#pragma once

#include <glib.h>

typedef struct {
	guint after_apdus;    /* 0: not by count */
	int after_ins;        /* -1: not by command */
	guint after_ins_hits; /* the K of "the K-th such command"; 0 counts as 1 */
	guint apdus_seen;
	guint ins_seen;
} SimRemovalPlan;

void sim_removal_plan_init(SimRemovalPlan *plan);
/* Call once the card has answered an APDU. TRUE: the card is now removed.
 * A plan removes the card once: a reinserted card stays in. */
gboolean sim_removal_plan_answered(SimRemovalPlan *plan, const guint8 *apdu, gsize len);
