/* The in-process PC/SC seam answers like pcsc-lite: what libjpki's unit
 * tests rely on when they link it instead of the real library. */
#include "sim_pcsc.h"
#include "sim_profile.h"
#include "winscard_compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define READER "Simulated Reader 00 00"

static const guint8 select_jpki[] = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0,
				     0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};

static SimCard *
adult_card(void)
{
	SimProfileOptions options = {0};
	SimCard *card = sim_profile_build(&options, NULL);
	assert_non_null(card);
	return card;
}

static int
setup_one_reader_with_card(void **state)
{
	(void)state;
	sim_pcsc_reset();
	sim_pcsc_add_reader(READER);
	sim_pcsc_insert_card(READER, adult_card());
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sim_pcsc_reset();
	return 0;
}

static SCARDHANDLE
connect_reader(SCARDCONTEXT *context)
{
	assert_int_equal(SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, context),
			 SCARD_S_SUCCESS);
	SCARDHANDLE handle = 0;
	DWORD protocol = 0;
	assert_int_equal(SCardConnect(*context, READER, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1,
				      &handle, &protocol),
			 SCARD_S_SUCCESS);
	assert_int_equal(protocol, SCARD_PROTOCOL_T1);
	return handle;
}

static LONG
transmit_select(SCARDHANDLE handle, guint16 *sw)
{
	BYTE response[258];
	DWORD len = sizeof(response);
	LONG rv = SCardTransmit(handle, SCARD_PCI_T1, select_jpki, sizeof(select_jpki), NULL,
				response, &len);
	if (rv == SCARD_S_SUCCESS)
		*sw = (guint16)(response[len - 2] << 8 | response[len - 1]);
	return rv;
}

static void
test_lists_readers_as_a_multi_string(void **state)
{
	(void)state;
	sim_pcsc_add_reader("Second Reader 01 00");
	SCARDCONTEXT context = 0;
	assert_int_equal(SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context),
			 SCARD_S_SUCCESS);
	DWORD len = 0;
	assert_int_equal(SCardListReaders(context, NULL, NULL, &len), SCARD_S_SUCCESS);
	assert_int_equal(len, strlen(READER) + strlen("Second Reader 01 00") + 3);
	char small[4];
	DWORD small_len = sizeof(small);
	assert_int_equal(SCardListReaders(context, NULL, small, &small_len),
			 SCARD_E_INSUFFICIENT_BUFFER);
	char *list = NULL;
	DWORD auto_len = SCARD_AUTOALLOCATE;
	assert_int_equal(SCardListReaders(context, NULL, (LPSTR)&list, &auto_len), SCARD_S_SUCCESS);
	assert_string_equal(list, READER);
	assert_string_equal(list + strlen(READER) + 1, "Second Reader 01 00");
	SCardFreeMemory(context, list);
	SCardReleaseContext(context);
}

static void
test_no_readers_and_no_service_are_told_apart(void **state)
{
	(void)state;
	sim_pcsc_reset();
	SCARDCONTEXT context = 0;
	assert_int_equal(SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context),
			 SCARD_S_SUCCESS);
	DWORD len = 0;
	assert_int_equal(SCardListReaders(context, NULL, NULL, &len), SCARD_E_NO_READERS_AVAILABLE);
	SCardReleaseContext(context);
	sim_pcsc_set_service_available(FALSE);
	assert_int_equal(SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context),
			 SCARD_E_NO_SERVICE);
}

static void
test_connect_to_an_empty_reader_says_no_card(void **state)
{
	(void)state;
	g_autoptr(SimCard) card = sim_pcsc_remove_card(READER);
	assert_non_null(card);
	SCARDCONTEXT context = 0;
	assert_int_equal(SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context),
			 SCARD_S_SUCCESS);
	SCARDHANDLE handle = 0;
	DWORD protocol = 0;
	assert_int_equal(SCardConnect(context, READER, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1,
				      &handle, &protocol),
			 SCARD_E_NO_SMARTCARD);
	assert_int_equal(SCardConnect(context, "Nobody's Reader", SCARD_SHARE_SHARED,
				      SCARD_PROTOCOL_T1, &handle, &protocol),
			 SCARD_E_UNKNOWN_READER);
	SCardReleaseContext(context);
}

static void
test_transmit_reaches_the_simulated_card(void **state)
{
	(void)state;
	SCARDCONTEXT context = 0;
	SCARDHANDLE handle = connect_reader(&context);
	assert_int_equal(SCardBeginTransaction(handle), SCARD_S_SUCCESS);
	guint16 sw = 0;
	assert_int_equal(transmit_select(handle, &sw), SCARD_S_SUCCESS);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(SCardEndTransaction(handle, SCARD_LEAVE_CARD), SCARD_S_SUCCESS);
	assert_int_equal(sim_card_count_commands(sim_pcsc_get_card(READER), 0xA4), 1);

	BYTE atr[MAX_ATR_SIZE];
	DWORD atr_len = sizeof(atr);
	DWORD card_state = 0;
	assert_int_equal(SCardStatus(handle, NULL, NULL, &card_state, NULL, atr, &atr_len),
			 SCARD_S_SUCCESS);
	assert_int_equal(atr_len, 9);
	assert_true(card_state & SCARD_PRESENT);
	SCardDisconnect(handle, SCARD_LEAVE_CARD);
	SCardReleaseContext(context);
}

static void
test_removal_plan_removes_the_card_mid_operation(void **state)
{
	(void)state;
	SimRemovalPlan plan;
	sim_removal_plan_init(&plan);
	plan.after_ins = 0xA4;
	plan.after_ins_hits = 2;
	sim_pcsc_set_removal_plan(READER, &plan);
	SCARDCONTEXT context = 0;
	SCARDHANDLE handle = connect_reader(&context);
	guint16 sw = 0;
	assert_int_equal(transmit_select(handle, &sw), SCARD_S_SUCCESS);
	assert_int_equal(transmit_select(handle, &sw), SCARD_S_SUCCESS);
	assert_int_equal(transmit_select(handle, &sw), SCARD_W_REMOVED_CARD);
	assert_null(sim_pcsc_get_card(READER));

	/* Reinserted, the old handle stays stale until reconnected. */
	assert_true(sim_pcsc_reinsert_card(READER));
	assert_int_equal(transmit_select(handle, &sw), SCARD_W_REMOVED_CARD);
	DWORD protocol = 0;
	assert_int_equal(SCardReconnect(handle, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1,
					SCARD_RESET_CARD, &protocol),
			 SCARD_S_SUCCESS);
	assert_int_equal(transmit_select(handle, &sw), SCARD_S_SUCCESS);
	assert_int_equal(sw, 0x9000);
	SCardDisconnect(handle, SCARD_LEAVE_CARD);
	SCardReleaseContext(context);
}

static void
test_removal_after_n_apdus(void **state)
{
	(void)state;
	SimRemovalPlan plan;
	sim_removal_plan_init(&plan);
	plan.after_apdus = 1;
	sim_pcsc_set_removal_plan(READER, &plan);
	SCARDCONTEXT context = 0;
	SCARDHANDLE handle = connect_reader(&context);
	guint16 sw = 0;
	assert_int_equal(transmit_select(handle, &sw), SCARD_S_SUCCESS);
	assert_int_equal(transmit_select(handle, &sw), SCARD_W_REMOVED_CARD);
	SCardDisconnect(handle, SCARD_LEAVE_CARD);
	SCardReleaseContext(context);
}

/* Far longer than a wait here may take. */
#define TEST_WAIT_MS 30000

/* Inserts the card once the wait has blocked: the insertion is what ends it. */
static gpointer
insert_once_waiting(gpointer data)
{
	if (!sim_pcsc_await_wait(1, TEST_WAIT_MS)) {
		sim_card_free(data);
		return GINT_TO_POINTER(FALSE);
	}
	sim_pcsc_insert_card(READER, data);
	return GINT_TO_POINTER(TRUE);
}

static void
test_get_status_change_waits_for_insertion(void **state)
{
	(void)state;
	sim_card_free(sim_pcsc_remove_card(READER));
	SCARDCONTEXT context = 0;
	assert_int_equal(SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context),
			 SCARD_S_SUCCESS);
	SCARD_READERSTATE reader_state = {.szReader = READER,
					  .dwCurrentState = SCARD_STATE_UNAWARE};
	assert_int_equal(SCardGetStatusChange(context, 0, &reader_state, 1), SCARD_S_SUCCESS);
	assert_true(reader_state.dwEventState & SCARD_STATE_EMPTY);

	reader_state.dwCurrentState = reader_state.dwEventState;
	assert_int_equal(SCardGetStatusChange(context, 50, &reader_state, 1), SCARD_E_TIMEOUT);

	GThread *thread = g_thread_new("insert", insert_once_waiting, adult_card());
	assert_int_equal(SCardGetStatusChange(context, TEST_WAIT_MS, &reader_state, 1),
			 SCARD_S_SUCCESS);
	assert_true(GPOINTER_TO_INT(g_thread_join(thread)));
	assert_true(reader_state.dwEventState & SCARD_STATE_PRESENT);
	assert_true(reader_state.dwEventState & SCARD_STATE_CHANGED);
	assert_int_equal(reader_state.cbAtr, 9);
	SCardReleaseContext(context);
}

static gpointer
cancel_once_waiting(gpointer data)
{
	if (!sim_pcsc_await_wait(1, TEST_WAIT_MS))
		return GINT_TO_POINTER(FALSE);
	SCardCancel((SCARDCONTEXT)GPOINTER_TO_INT(data));
	return GINT_TO_POINTER(TRUE);
}

static void
test_cancel_ends_a_wait(void **state)
{
	(void)state;
	SCARDCONTEXT context = 0;
	assert_int_equal(SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context),
			 SCARD_S_SUCCESS);
	SCARD_READERSTATE reader_state = {.szReader = READER,
					  .dwCurrentState = SCARD_STATE_PRESENT};
	GThread *thread = g_thread_new("cancel", cancel_once_waiting, GINT_TO_POINTER(context));
	assert_int_equal(SCardGetStatusChange(context, INFINITE, &reader_state, 1),
			 SCARD_E_CANCELLED);
	assert_true(GPOINTER_TO_INT(g_thread_join(thread)));
	SCardReleaseContext(context);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lists_readers_as_a_multi_string,
						setup_one_reader_with_card, teardown),
		cmocka_unit_test_setup_teardown(test_no_readers_and_no_service_are_told_apart,
						setup_one_reader_with_card, teardown),
		cmocka_unit_test_setup_teardown(test_connect_to_an_empty_reader_says_no_card,
						setup_one_reader_with_card, teardown),
		cmocka_unit_test_setup_teardown(test_transmit_reaches_the_simulated_card,
						setup_one_reader_with_card, teardown),
		cmocka_unit_test_setup_teardown(test_removal_plan_removes_the_card_mid_operation,
						setup_one_reader_with_card, teardown),
		cmocka_unit_test_setup_teardown(test_removal_after_n_apdus,
						setup_one_reader_with_card, teardown),
		cmocka_unit_test_setup_teardown(test_get_status_change_waits_for_insertion,
						setup_one_reader_with_card, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_ends_a_wait, setup_one_reader_with_card,
						teardown),
	};
	return cmocka_run_group_tests_name("sim_pcsc", tests, NULL, NULL);
}
