#include "sim_removal.h"

void
sim_removal_plan_init(SimRemovalPlan *plan)
{
	*plan = (SimRemovalPlan){.after_ins = -1};
}

gboolean
sim_removal_plan_answered(SimRemovalPlan *plan, const guint8 *apdu, gsize len)
{
	gboolean remove = FALSE;
	plan->apdus_seen++;
	if (plan->after_apdus != 0 && plan->apdus_seen >= plan->after_apdus)
		remove = TRUE;
	if (plan->after_ins >= 0 && len >= 2 && apdu[1] == plan->after_ins) {
		plan->ins_seen++;
		if (plan->ins_seen >= MAX(plan->after_ins_hits, 1u))
			remove = TRUE;
	}
	if (remove) {
		/* One removal per plan: a reinserted card stays in. */
		plan->after_apdus = 0;
		plan->after_ins = -1;
	}
	return remove;
}
