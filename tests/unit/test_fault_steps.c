/* Faults at every step of every operation, through the host's commands in process: the card
 * leaves the reader after its k-th APDU for every k, pcscd is not running, the browser goes away
 * (stdin closed: the host cancels) while the PIN dialog is open, the pinentry dies mid-prompt. Each
 * time the right error, no hang, no PIN the user did not type, and the next operation works. PIN
 * change (the CLI's, through libjpki) gets the same removals. */
#include "fake_pinentry_log.h"
#include "host_operations.h"
#include "jpki_ap.h"
#include "pin.h"
#include "sim_pcsc.h"
#include "sim_profile.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define READER HOST_OPERATIONS_READER
/* Longer than any test may take: a test that waits this long has failed. */
#define GIVE_UP_S 30

static int
setup(void **state)
{
	*state = host_operations_new();
	return 0;
}

static int
teardown(void **state)
{
	host_operations_free(*state);
	g_unsetenv("FAKE_PINENTRY_DIE_ON");
	g_unsetenv("FAKE_PINENTRY_HANG_ON");
	return 0;
}

static HostOperation *
operation(HostOperations *ops, guint i)
{
	return g_ptr_array_index(ops->operations, i);
}

/* APDUs `op` sends when nothing goes wrong. */
static guint
apdus_of(HostOperations *ops, const HostOperation *op)
{
	guint before = sim_pcsc_count_apdus();
	host_operations_assert_works(ops, op);
	return sim_pcsc_count_apdus() - before;
}

static void
assert_no_dialog_process_left(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* The card leaves after its k-th answer, for every k of the operation: card-removed (or the
 * reply, when the last answer was in), the card put back, and the operation works. */
static void
test_every_operation_survives_the_card_leaving_after_any_apdu(void **state)
{
	HostOperations *ops = *state;
	for (guint i = 0; i < ops->operations->len; i++) {
		const HostOperation *op = operation(ops, i);
		guint apdus = apdus_of(ops, op);
		assert_true(apdus > 0);
		for (guint k = 1; k <= apdus; k++) {
			SimRemovalPlan plan;
			sim_removal_plan_init(&plan);
			plan.after_apdus = k;
			sim_pcsc_set_removal_plan(READER, &plan);
			g_auto(HostOutcome) outcome = {0};
			host_operations_run(ops, op, &outcome);
			const char *code = host_outcome_code(&outcome);
			gboolean last = k == apdus;
			if (strcmp(code, "card-removed") != 0 &&
			    !(last && strcmp(code, "reply") == 0))
				fail_msg("%s, card out after APDU %u of %u: %s (%s)", op->name, k,
					 apdus, code,
					 outcome.error != NULL ? outcome.error->message
							       : "a reply");
			assert_true(sim_pcsc_reinsert_card(READER) || last);
			assert_no_dialog_process_left();
			host_operations_assert_works(ops, op);
		}
	}
}

/* pcscd stopped: every operation says so (no-service, not "no card"), asks for no PIN, and
 * works once the service is back. */
static void
test_every_operation_without_the_pcsc_service_says_so(void **state)
{
	HostOperations *ops = *state;
	for (guint i = 0; i < ops->operations->len; i++) {
		const HostOperation *op = operation(ops, i);
		sim_pcsc_set_service_available(FALSE);
		g_auto(HostOutcome) outcome = {0};
		host_operations_run(ops, op, &outcome);
		if (strcmp(host_outcome_code(&outcome), "no-service") != 0)
			fail_msg("%s without pcscd: %s", op->name, host_outcome_code(&outcome));
		assert_int_equal(outcome.pins_sent, 0);
		sim_pcsc_set_service_available(TRUE);
		host_operations_assert_works(ops, op);
	}
}

typedef struct {
	const char *log;
	const char *command;
	JpkiCancel *cancel;
} Canceller;

static gboolean
await_dialog(const char *log, const char *command)
{
	gint64 give_up = g_get_monotonic_time() + GIVE_UP_S * G_TIME_SPAN_SECOND;
	for (;;) {
		g_autoptr(GPtrArray) records = fake_pinentry_log_read(log);
		for (guint i = 0; i < records->len; i++) {
			if (strcmp(g_ptr_array_index(records, i), command) == 0)
				return TRUE;
		}
		if (g_get_monotonic_time() >= give_up)
			return FALSE;
		g_usleep(5 * G_TIME_SPAN_MILLISECOND);
	}
}

/* What the host does when the browser closes its stdin: cancel. */
static gpointer
cancel_once_the_dialog_is_open(gpointer data)
{
	Canceller *canceller = data;
	gboolean seen = await_dialog(canceller->log, canceller->command);
	jpki_cancel_cancel(canceller->cancel);
	return GINT_TO_POINTER(seen);
}

/* The browser goes away while the PIN dialog (or the consent) is open: cancelled, the
 * dialog closed, no PIN sent, and the next request works. */
static void
test_the_browser_leaving_mid_prompt_cancels_every_operation(void **state)
{
	HostOperations *ops = *state;
	for (guint i = 0; i < ops->operations->len; i++) {
		const HostOperation *op = operation(ops, i);
		if (op->pin == NULL)
			continue;
		const char *command =
			strcmp(op->name, "read-attributes") == 0 ? "CONFIRM" : "GETPIN";
		g_setenv("FAKE_PINENTRY_HANG_ON", command, TRUE);
		Canceller canceller = {.log = ops->log, .command = command, .cancel = ops->cancel};
		GThread *thread =
			g_thread_new("cancel", cancel_once_the_dialog_is_open, &canceller);
		g_auto(HostOutcome) outcome = {0};
		host_operations_run(ops, op, &outcome);
		assert_true(GPOINTER_TO_INT(g_thread_join(thread)));
		if (strcmp(host_outcome_code(&outcome), "cancelled") != 0)
			fail_msg("%s: %s", op->name, host_outcome_code(&outcome));
		assert_int_equal(outcome.pins_sent, 0);
		assert_no_dialog_process_left();

		g_unsetenv("FAKE_PINENTRY_HANG_ON");
		jpki_cancel_free(ops->cancel); /* a new browser connection */
		ops->cancel = jpki_cancel_new();
		host_operations_assert_works(ops, op);
	}
}

/* Whether the dialogs of the last run received `command`. */
static gboolean
dialog_received(HostOperations *ops, const char *command)
{
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(ops->log);
	gsize len = strlen(command);
	for (guint i = 0; i < records->len; i++) {
		const char *record = g_ptr_array_index(records, i);
		if (strncmp(record, command, len) == 0 &&
		    (record[len] == '\0' || record[len] == ' '))
			return TRUE;
	}
	return FALSE;
}

/* The pinentry dies at each step of its conversation, before the PIN is typed: the dialog
 * failed (dialog-failed, not "the PIN was wrong"), no PIN sent, and the next request works. Dying
 * on BYE, once the PIN was typed, changes nothing. */
static void
test_a_pinentry_dying_at_any_step_sends_no_pin(void **state)
{
	HostOperations *ops = *state;
	static const char *const steps[] = {"OPTION",    "SETTIMEOUT", "SETTITLE", "SETDESC",
					    "SETPROMPT", "SETERROR",   "SETOK",    "SETCANCEL",
					    "CONFIRM",   "GETPIN"};
	for (guint i = 0; i < ops->operations->len; i++) {
		const HostOperation *op = operation(ops, i);
		if (op->pin == NULL)
			continue;
		for (guint s = 0; s < G_N_ELEMENTS(steps); s++) {
			g_setenv("FAKE_PINENTRY_DIE_ON", steps[s], TRUE);
			g_auto(HostOutcome) outcome = {0};
			host_operations_run(ops, op, &outcome);
			g_unsetenv("FAKE_PINENTRY_DIE_ON");
			const char *code = host_outcome_code(&outcome);
			/* Not every dialog gets every command (OPTION only on a terminal). */
			gboolean reached = dialog_received(ops, steps[s]);
			if (reached && strcmp(code, "dialog-failed") != 0)
				fail_msg("%s, pinentry dead on %s: %s (%s)", op->name, steps[s],
					 code, outcome.error != NULL ? outcome.error->message : "");
			if (!reached && strcmp(code, "reply") != 0)
				fail_msg("%s without a %s: %s", op->name, steps[s], code);
			if (reached)
				assert_int_equal(outcome.pins_sent, 0);
			assert_true(reached || strcmp(steps[s], "GETPIN") != 0);
			assert_no_dialog_process_left();
			host_operations_assert_works(ops, op);
		}
		g_setenv("FAKE_PINENTRY_DIE_ON", "BYE", TRUE);
		host_operations_assert_works(ops, op);
		g_unsetenv("FAKE_PINENTRY_DIE_ON");
		assert_no_dialog_process_left();
	}
}

/* PIN change (jpki pin change): the card leaves after each of its APDUs. Either the change
 * went through or it did not; no try is spent, and the PIN the card then holds works. */
static void
test_a_pin_change_survives_the_card_leaving_after_any_apdu(void **state)
{
	(void)state;
	const char *pins[] = {"1234", "5678"};
	guint current = 0;
	for (guint k = 1;; k++) {
		SimRemovalPlan plan;
		sim_removal_plan_init(&plan);
		plan.after_apdus = k;
		sim_pcsc_set_removal_plan(READER, &plan);
		guint apdus_before = sim_pcsc_count_apdus();
		g_autoptr(JpkiContext) context = jpki_context_new(NULL);
		g_autoptr(GError) error = NULL;
		g_autoptr(JpkiCard) card = jpki_ap_find_card(context, NULL, &error);
		g_autoptr(JpkiPin) old_pin = jpki_pin_new(JPKI_SECRET_AUTH, pins[current], &error);
		g_autoptr(JpkiPin) new_pin =
			jpki_pin_new(JPKI_SECRET_AUTH, pins[1 - current], &error);
		assert_non_null(old_pin);
		assert_non_null(new_pin);
		guint tries = 0;
		gboolean changed = card != NULL && jpki_card_begin_transaction(card, &error) &&
				   jpki_pin_change(card, old_pin, new_pin, &tries, &error);
		if (card != NULL)
			jpki_card_end_transaction(card);
		gboolean removed = sim_pcsc_reinsert_card(READER);
		if (!removed) {
			/* The change ended before its k-th APDU: all of them were tried. */
			if (!changed)
				fail_msg("PIN change with the card in: %s", error->message);
			assert_true(sim_pcsc_count_apdus() - apdus_before < k);
			break;
		}
		if (!changed && !g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CARD_REMOVED))
			fail_msg("card out after APDU %u: %s", k, error->message);
		SimCard *sim = sim_pcsc_get_card(READER);
		assert_int_equal(sim_card_get_tries_left(sim, SIM_SECRET_AUTH), 3);
		/* Which PIN the card holds now: the one whose VERIFY it takes. */
		g_clear_pointer(&card, jpki_card_free);
		g_clear_error(&error);
		card = jpki_ap_find_card(context, NULL, &error);
		assert_non_null(card);
		assert_true(jpki_card_begin_transaction(card, &error));
		if (jpki_pin_verify(card, new_pin, &tries, &error)) {
			current = 1 - current;
		} else {
			assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT));
			g_clear_error(&error);
			assert_true(jpki_pin_verify(card, old_pin, &tries, &error));
		}
		jpki_card_end_transaction(card);
		assert_int_equal(sim_card_get_tries_left(sim, SIM_SECRET_AUTH), 3);
	}
}

int
main(void)
{
#define STEP_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		STEP_TEST(test_every_operation_survives_the_card_leaving_after_any_apdu),
		STEP_TEST(test_every_operation_without_the_pcsc_service_says_so),
		STEP_TEST(test_the_browser_leaving_mid_prompt_cancels_every_operation),
		STEP_TEST(test_a_pinentry_dying_at_any_step_sends_no_pin),
		STEP_TEST(test_a_pin_change_survives_the_card_leaving_after_any_apdu),
	};
	return cmocka_run_group_tests_name("fault at every step", tests, NULL, NULL);
}
