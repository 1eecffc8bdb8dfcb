/* SCard* over simulated cards, with pcsc-lite's semantics where tests can
 * tell the difference: reader lists, removal errors, waiting and cancel. */
#include "sim_pcsc.h"
#include "winscard_compat.h"

#include <stdint.h>
#include <string.h>

typedef struct {
	char *name;
	SimCard *card;          /* in the reader */
	SimCard *removed_card;  /* taken out by the removal plan, kept for reinsertion */
	guint events;           /* counts insertions and removals, as pcsc-lite does */
	guint resets;           /* resets and power-offs of the card in it */
	guint8 reset_after_ins; /* another program resets the card after the... */
	guint reset_after_hits; /* ...this many-th command with that INS (0: never) */
	SimRemovalPlan plan;
} SimReader;

typedef struct {
	SimReader *reader;
	guint events_at_connect;
	guint resets_seen; /* a reset since then, by another handle: SCARD_W_RESET_CARD */
	gboolean in_transaction;
} SimHandle;

static GMutex lock;
static GCond changed;
static GCond waiters_changed; /* waits_started or blocked_waiters moved */
static GPtrArray *readers;    /* SimReader */
static GHashTable *handles;   /* SCARDHANDLE -> SimHandle */
static GHashTable *contexts;  /* SCARDCONTEXT -> cancelled flag */
static gboolean service_down;
static guint reader_list_events; /* readers added */
static guint pin_verifies;       /* since sim_pcsc_reset(), over every card */
static guint status_queries;
static guint apdus;                 /* through SCardTransmit, since sim_pcsc_reset() */
static guint resets_by_disposition; /* RESET or UNPOWER at disconnect or end of transaction */
static guint unpowers;              /* of them, power-offs */
static guint waits_started;         /* SCardGetStatusChange calls that blocked */
static guint blocked_waiters;       /* callers blocked in SCardGetStatusChange now */
static LONG next_id = 1;
static SimPcscAnswerHook answer_hook;
static gpointer answer_hook_data;

static void
sim_reader_free(gpointer data)
{
	SimReader *reader = data;
	g_free(reader->name);
	sim_card_free(reader->card);
	sim_card_free(reader->removed_card);
	g_free(reader);
}

static void
ensure_state(void)
{
	if (readers != NULL)
		return;
	readers = g_ptr_array_new_with_free_func(sim_reader_free);
	handles = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	contexts = g_hash_table_new(g_direct_hash, g_direct_equal);
}

static SimReader *
find_reader(const char *name)
{
	for (guint i = 0; i < readers->len; i++) {
		SimReader *reader = g_ptr_array_index(readers, i);
		if (g_strcmp0(reader->name, name) == 0)
			return reader;
	}
	return NULL;
}

void
sim_pcsc_reset(void)
{
	g_mutex_lock(&lock);
	ensure_state();
	g_ptr_array_set_size(readers, 0);
	g_hash_table_remove_all(handles);
	g_hash_table_remove_all(contexts);
	service_down = FALSE;
	reader_list_events = 0;
	pin_verifies = 0;
	status_queries = 0;
	apdus = 0;
	resets_by_disposition = 0;
	unpowers = 0;
	waits_started = 0;
	answer_hook = NULL;
	answer_hook_data = NULL;
	g_cond_broadcast(&changed);
	g_mutex_unlock(&lock);
}

void
sim_pcsc_set_answer_hook(SimPcscAnswerHook hook, gpointer user_data)
{
	g_mutex_lock(&lock);
	answer_hook = hook;
	answer_hook_data = user_data;
	g_mutex_unlock(&lock);
}

void
sim_pcsc_set_service_available(gboolean available)
{
	g_mutex_lock(&lock);
	ensure_state();
	service_down = !available;
	g_mutex_unlock(&lock);
}

void
sim_pcsc_add_reader(const char *name)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimReader *reader = g_new0(SimReader, 1);
	reader->name = g_strdup(name);
	sim_removal_plan_init(&reader->plan);
	g_ptr_array_add(readers, reader);
	reader_list_events++;
	g_cond_broadcast(&changed);
	g_mutex_unlock(&lock);
}

static void
insert_locked(SimReader *reader, SimCard *card)
{
	sim_card_free(reader->card);
	sim_card_reset(card);
	reader->card = card;
	reader->events++;
	g_cond_broadcast(&changed);
}

static SimCard *
remove_locked(SimReader *reader)
{
	SimCard *card = g_steal_pointer(&reader->card);
	if (card != NULL) {
		reader->events++;
		g_cond_broadcast(&changed);
	}
	return card;
}

void
sim_pcsc_insert_card(const char *name, SimCard *card)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimReader *reader = find_reader(name);
	g_assert(reader != NULL);
	insert_locked(reader, card);
	g_mutex_unlock(&lock);
}

SimCard *
sim_pcsc_remove_card(const char *name)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimReader *reader = find_reader(name);
	g_assert(reader != NULL);
	SimCard *card = remove_locked(reader);
	g_mutex_unlock(&lock);
	return card;
}

gboolean
sim_pcsc_reinsert_card(const char *name)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimReader *reader = find_reader(name);
	g_assert(reader != NULL);
	SimCard *card = g_steal_pointer(&reader->removed_card);
	if (card != NULL)
		insert_locked(reader, card);
	g_mutex_unlock(&lock);
	return card != NULL;
}

SimCard *
sim_pcsc_get_card(const char *name)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimReader *reader = find_reader(name);
	SimCard *card = reader != NULL ? reader->card : NULL;
	g_mutex_unlock(&lock);
	return card;
}

void
sim_pcsc_set_removal_plan(const char *name, const SimRemovalPlan *plan)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimReader *reader = find_reader(name);
	g_assert(reader != NULL);
	reader->plan = *plan;
	g_mutex_unlock(&lock);
}

guint
sim_pcsc_count_pin_verifies(void)
{
	g_mutex_lock(&lock);
	guint count = pin_verifies;
	g_mutex_unlock(&lock);
	return count;
}

guint
sim_pcsc_count_status_queries(void)
{
	g_mutex_lock(&lock);
	guint count = status_queries;
	g_mutex_unlock(&lock);
	return count;
}

guint
sim_pcsc_count_apdus(void)
{
	g_mutex_lock(&lock);
	guint count = apdus;
	g_mutex_unlock(&lock);
	return count;
}

guint
sim_pcsc_count_resets(gboolean power_offs_only)
{
	g_mutex_lock(&lock);
	guint count = power_offs_only ? unpowers : resets_by_disposition;
	g_mutex_unlock(&lock);
	return count;
}

/* Every handle but `by` (NULL: all) sees SCARD_W_RESET_CARD from now on. */
static void
reset_card_locked(SimReader *reader, SimHandle *by)
{
	sim_card_reset(reader->card);
	reader->resets++;
	if (by != NULL)
		by->resets_seen = reader->resets;
}

void
sim_pcsc_reset_card(const char *name)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimReader *reader = find_reader(name);
	g_assert(reader != NULL && reader->card != NULL);
	reset_card_locked(reader, NULL);
	g_mutex_unlock(&lock);
}

void
sim_pcsc_reset_card_after(const char *name, guint8 ins, guint hits)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimReader *reader = find_reader(name);
	g_assert(reader != NULL);
	reader->reset_after_ins = ins;
	reader->reset_after_hits = hits;
	g_mutex_unlock(&lock);
}

guint
sim_pcsc_count_waits(void)
{
	g_mutex_lock(&lock);
	guint count = waits_started;
	g_mutex_unlock(&lock);
	return count;
}

gboolean
sim_pcsc_await_wait(guint n, guint timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
	g_mutex_lock(&lock);
	while (waits_started < n || blocked_waiters == 0) {
		if (!g_cond_wait_until(&waiters_changed, &lock, deadline))
			break;
	}
	gboolean waiting = waits_started >= n && blocked_waiters > 0;
	g_mutex_unlock(&lock);
	return waiting;
}

/* ---- the SCard* API ---- */

/* The protocol control blocks libpcsclite exports (SCARD_PCI_T0 and friends). */
const SCARD_IO_REQUEST g_rgSCardT0Pci = {SCARD_PROTOCOL_T0, sizeof(SCARD_IO_REQUEST)};
const SCARD_IO_REQUEST g_rgSCardT1Pci = {SCARD_PROTOCOL_T1, sizeof(SCARD_IO_REQUEST)};
const SCARD_IO_REQUEST g_rgSCardRawPci = {SCARD_PROTOCOL_RAW, sizeof(SCARD_IO_REQUEST)};

LONG
SCardEstablishContext(DWORD scope, LPCVOID reserved1, LPCVOID reserved2, LPSCARDCONTEXT context)
{
	(void)scope;
	(void)reserved1;
	(void)reserved2;
	g_mutex_lock(&lock);
	ensure_state();
	LONG rv = SCARD_E_NO_SERVICE;
	if (!service_down) {
		*context = next_id++;
		g_hash_table_insert(contexts, GINT_TO_POINTER(*context), GINT_TO_POINTER(FALSE));
		rv = SCARD_S_SUCCESS;
	}
	g_mutex_unlock(&lock);
	return rv;
}

LONG
SCardReleaseContext(SCARDCONTEXT context)
{
	g_mutex_lock(&lock);
	ensure_state();
	gboolean known = g_hash_table_remove(contexts, GINT_TO_POINTER(context));
	g_mutex_unlock(&lock);
	return known ? SCARD_S_SUCCESS : SCARD_E_INVALID_HANDLE;
}

LONG
SCardIsValidContext(SCARDCONTEXT context)
{
	g_mutex_lock(&lock);
	ensure_state();
	gboolean known = g_hash_table_contains(contexts, GINT_TO_POINTER(context));
	g_mutex_unlock(&lock);
	return known ? SCARD_S_SUCCESS : SCARD_E_INVALID_HANDLE;
}

LONG
SCardListReaders(SCARDCONTEXT context, LPCSTR groups, LPSTR out, LPDWORD out_len)
{
	(void)groups;
	if (out_len == NULL)
		return SCARD_E_INVALID_PARAMETER;
	g_mutex_lock(&lock);
	ensure_state();
	if (!g_hash_table_contains(contexts, GINT_TO_POINTER(context))) {
		g_mutex_unlock(&lock);
		return SCARD_E_INVALID_HANDLE;
	}
	GString *list = g_string_new(NULL);
	for (guint i = 0; i < readers->len; i++) {
		SimReader *reader = g_ptr_array_index(readers, i);
		g_string_append_len(list, reader->name, (gssize)strlen(reader->name) + 1);
	}
	g_mutex_unlock(&lock);

	if (list->len == 0) {
		g_string_free(list, TRUE);
		return SCARD_E_NO_READERS_AVAILABLE;
	}
	g_string_append_c(list, '\0');
	DWORD needed = (DWORD)list->len;
	LONG rv = SCARD_S_SUCCESS;
	if (*out_len == SCARD_AUTOALLOCATE && out != NULL) {
		*(char **)out = g_memdup2(list->str, needed);
	} else if (out != NULL) {
		if (*out_len < needed)
			rv = SCARD_E_INSUFFICIENT_BUFFER;
		else
			memcpy(out, list->str, needed);
	}
	*out_len = needed;
	g_string_free(list, TRUE);
	return rv;
}

LONG
SCardFreeMemory(SCARDCONTEXT context, LPCVOID memory)
{
	(void)context;
	g_free((gpointer)(uintptr_t)memory);
	return SCARD_S_SUCCESS;
}

LONG
SCardConnect(SCARDCONTEXT context, LPCSTR name, DWORD share_mode, DWORD protocols,
	     LPSCARDHANDLE handle, LPDWORD active_protocol)
{
	(void)share_mode;
	(void)protocols;
	g_mutex_lock(&lock);
	ensure_state();
	LONG rv = SCARD_S_SUCCESS;
	SimReader *reader = find_reader(name);
	if (!g_hash_table_contains(contexts, GINT_TO_POINTER(context)))
		rv = SCARD_E_INVALID_HANDLE;
	else if (reader == NULL)
		rv = SCARD_E_UNKNOWN_READER;
	else if (reader->card == NULL)
		rv = SCARD_E_NO_SMARTCARD;
	if (rv == SCARD_S_SUCCESS) {
		SimHandle *sim_handle = g_new0(SimHandle, 1);
		sim_handle->reader = reader;
		sim_handle->events_at_connect = reader->events;
		sim_handle->resets_seen = reader->resets;
		*handle = next_id++;
		g_hash_table_insert(handles, GINT_TO_POINTER(*handle), sim_handle);
		if (active_protocol != NULL)
			*active_protocol = SCARD_PROTOCOL_T1;
	}
	g_mutex_unlock(&lock);
	return rv;
}

/* The handle's card, or the PC/SC error a real stack gives for it. */
static LONG
card_of_handle_locked(SCARDHANDLE handle, SimHandle **out)
{
	SimHandle *sim_handle = g_hash_table_lookup(handles, GINT_TO_POINTER(handle));
	if (sim_handle == NULL)
		return SCARD_E_INVALID_HANDLE;
	*out = sim_handle;
	if (sim_handle->reader->card == NULL ||
	    sim_handle->reader->events != sim_handle->events_at_connect)
		return SCARD_W_REMOVED_CARD;
	if (sim_handle->reader->resets != sim_handle->resets_seen)
		return SCARD_W_RESET_CARD;
	return SCARD_S_SUCCESS;
}

LONG
SCardReconnect(SCARDHANDLE handle, DWORD share_mode, DWORD protocols, DWORD initialization,
	       LPDWORD active_protocol)
{
	(void)share_mode;
	(void)protocols;
	g_mutex_lock(&lock);
	ensure_state();
	SimHandle *sim_handle = NULL;
	LONG rv = card_of_handle_locked(handle, &sim_handle);
	if ((rv == SCARD_W_REMOVED_CARD && sim_handle->reader->card != NULL) ||
	    rv == SCARD_W_RESET_CARD)
		rv = SCARD_S_SUCCESS; /* a new card in the same reader, or the card reset */
	if (rv == SCARD_S_SUCCESS) {
		sim_handle->events_at_connect = sim_handle->reader->events;
		sim_handle->resets_seen = sim_handle->reader->resets;
		if (initialization != SCARD_LEAVE_CARD)
			reset_card_locked(sim_handle->reader, sim_handle);
		if (active_protocol != NULL)
			*active_protocol = SCARD_PROTOCOL_T1;
	}
	g_mutex_unlock(&lock);
	return rv;
}

static void
apply_disposition_locked(SimHandle *sim_handle, DWORD disposition)
{
	SimCard *card = sim_handle->reader->card;
	if (card != NULL && disposition != SCARD_LEAVE_CARD &&
	    sim_handle->reader->events == sim_handle->events_at_connect) {
		reset_card_locked(sim_handle->reader, sim_handle);
		resets_by_disposition++;
		if (disposition == SCARD_UNPOWER_CARD)
			unpowers++;
	}
}

LONG
SCardDisconnect(SCARDHANDLE handle, DWORD disposition)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimHandle *sim_handle = g_hash_table_lookup(handles, GINT_TO_POINTER(handle));
	LONG rv = SCARD_E_INVALID_HANDLE;
	if (sim_handle != NULL) {
		apply_disposition_locked(sim_handle, disposition);
		g_hash_table_remove(handles, GINT_TO_POINTER(handle));
		rv = SCARD_S_SUCCESS;
	}
	g_mutex_unlock(&lock);
	return rv;
}

LONG
SCardBeginTransaction(SCARDHANDLE handle)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimHandle *sim_handle = NULL;
	LONG rv = card_of_handle_locked(handle, &sim_handle);
	if (rv == SCARD_S_SUCCESS)
		sim_handle->in_transaction = TRUE;
	g_mutex_unlock(&lock);
	return rv;
}

LONG
SCardEndTransaction(SCARDHANDLE handle, DWORD disposition)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimHandle *sim_handle = NULL;
	LONG rv = card_of_handle_locked(handle, &sim_handle);
	if (rv == SCARD_S_SUCCESS) {
		sim_handle->in_transaction = FALSE;
		apply_disposition_locked(sim_handle, disposition);
	}
	g_mutex_unlock(&lock);
	return rv;
}

LONG
SCardStatus(SCARDHANDLE handle, LPSTR reader_name, LPDWORD reader_len, LPDWORD state,
	    LPDWORD protocol, LPBYTE atr, LPDWORD atr_len)
{
	g_mutex_lock(&lock);
	ensure_state();
	SimHandle *sim_handle = NULL;
	LONG rv = card_of_handle_locked(handle, &sim_handle);
	if (rv == SCARD_S_SUCCESS) {
		gsize card_atr_len = 0;
		const guint8 *card_atr = sim_card_get_atr(sim_handle->reader->card, &card_atr_len);
		DWORD name_len = (DWORD)strlen(sim_handle->reader->name) + 1;
		if (reader_name != NULL && reader_len != NULL && *reader_len >= name_len)
			memcpy(reader_name, sim_handle->reader->name, name_len);
		if (reader_len != NULL)
			*reader_len = name_len;
		if (state != NULL)
			*state = SCARD_PRESENT | SCARD_POWERED | SCARD_NEGOTIABLE;
		if (protocol != NULL)
			*protocol = SCARD_PROTOCOL_T1;
		if (atr != NULL && atr_len != NULL && *atr_len >= card_atr_len)
			memcpy(atr, card_atr, card_atr_len);
		if (atr_len != NULL)
			*atr_len = (DWORD)card_atr_len;
	}
	g_mutex_unlock(&lock);
	return rv;
}

LONG
SCardTransmit(SCARDHANDLE handle, const SCARD_IO_REQUEST *send_pci, LPCBYTE send, DWORD send_len,
	      SCARD_IO_REQUEST *recv_pci, LPBYTE recv, LPDWORD recv_len)
{
	(void)send_pci;
	(void)recv_pci;
	if (send == NULL || recv == NULL || recv_len == NULL)
		return SCARD_E_INVALID_PARAMETER;
	g_mutex_lock(&lock);
	ensure_state();
	SimHandle *sim_handle = NULL;
	LONG rv = card_of_handle_locked(handle, &sim_handle);
	if (rv != SCARD_S_SUCCESS) {
		g_mutex_unlock(&lock);
		return rv;
	}
	SimReader *reader = sim_handle->reader;
	guint pins_before = sim_card_count_pin_verifies(reader->card);
	guint queries_before = sim_card_count_status_queries(reader->card);
	g_autoptr(GBytes) response = sim_card_transmit(reader->card, send, send_len);
	apdus++;
	pin_verifies += sim_card_count_pin_verifies(reader->card) - pins_before;
	status_queries += sim_card_count_status_queries(reader->card) - queries_before;
	if (answer_hook != NULL) {
		GBytes *instead = answer_hook(send, send_len, response, answer_hook_data);
		if (instead != NULL) {
			g_bytes_unref(response);
			response = instead;
		}
	}
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(response, &size);
	if (*recv_len < size) {
		rv = SCARD_E_INSUFFICIENT_BUFFER;
	} else {
		if (size > 0) /* an answer of nothing (from the answer hook) has no data pointer */
			memcpy(recv, data, size);
		*recv_len = (DWORD)size;
	}
	if (reader->reset_after_hits > 0 && send_len > 1 && send[1] == reader->reset_after_ins &&
	    --reader->reset_after_hits == 0)
		reset_card_locked(reader, NULL); /* another program, once this answer is out */
	if (sim_removal_plan_answered(&reader->plan, send, send_len)) {
		sim_card_free(reader->removed_card);
		reader->removed_card = remove_locked(reader);
	}
	g_mutex_unlock(&lock);
	return rv;
}

static DWORD
current_state_locked(const char *name)
{
	if (g_strcmp0(name, JPKI_PCSC_PNP_READER) == 0)
		return (DWORD)reader_list_events << 16;
	SimReader *reader = find_reader(name);
	if (reader == NULL)
		return SCARD_STATE_UNKNOWN;
	DWORD state = reader->card != NULL ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY;
	return state | ((DWORD)reader->events << 16);
}

static gboolean
report_changes_locked(SCARD_READERSTATE *states, DWORD count)
{
	gboolean any = FALSE;
	for (DWORD i = 0; i < count; i++) {
		SCARD_READERSTATE *state = &states[i];
		if (state->dwCurrentState & SCARD_STATE_IGNORE)
			continue;
		DWORD now = current_state_locked(state->szReader);
		DWORD before = state->dwCurrentState & ~(DWORD)SCARD_STATE_CHANGED;
		/* An unaware caller, or one that did not track the counter, compares states only.
		 * The PnP entry is pcsc-lite's reader count in the upper 16 bits, compared as it
		 * is, even when 0 (UNAWARE): the first reader plugged in is a change, and no reader
		 * at all is none. */
		gboolean pnp = g_strcmp0(state->szReader, JPKI_PCSC_PNP_READER) == 0;
		DWORD mask = (before & 0xFFFF0000) != 0 ? ~(DWORD)0 : 0xFFFF;
		gboolean differs = pnp ? now != before
				       : state->dwCurrentState == SCARD_STATE_UNAWARE ||
						   (now & mask) != (before & mask);
		state->dwEventState = now | (differs ? SCARD_STATE_CHANGED : 0);
		if (differs) {
			any = TRUE;
			if (g_strcmp0(state->szReader, JPKI_PCSC_PNP_READER) != 0) {
				SimReader *reader = find_reader(state->szReader);
				if (reader != NULL && reader->card != NULL) {
					gsize len = 0;
					const guint8 *atr = sim_card_get_atr(reader->card, &len);
					memcpy(state->rgbAtr, atr, MIN(len, sizeof(state->rgbAtr)));
					state->cbAtr = (DWORD)MIN(len, sizeof(state->rgbAtr));
				}
			}
		}
	}
	return any;
}

LONG
SCardGetStatusChange(SCARDCONTEXT context, DWORD timeout, SCARD_READERSTATE *states, DWORD count)
{
	g_mutex_lock(&lock);
	ensure_state();
	if (!g_hash_table_contains(contexts, GINT_TO_POINTER(context))) {
		g_mutex_unlock(&lock);
		return SCARD_E_INVALID_HANDLE;
	}
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout * G_TIME_SPAN_MILLISECOND;
	LONG rv = SCARD_S_SUCCESS;
	gboolean blocked = FALSE;
	while (!report_changes_locked(states, count)) {
		if (GPOINTER_TO_INT(g_hash_table_lookup(contexts, GINT_TO_POINTER(context)))) {
			rv = SCARD_E_CANCELLED;
			break;
		}
		if (!blocked && timeout > 0) {
			blocked = TRUE;
			waits_started++;
			blocked_waiters++;
			g_cond_broadcast(&waiters_changed);
		}
		if (timeout == INFINITE) {
			g_cond_wait(&changed, &lock);
		} else if (!g_cond_wait_until(&changed, &lock, deadline) &&
			   !report_changes_locked(states, count)) {
			rv = SCARD_E_TIMEOUT;
			break;
		} else if (g_get_monotonic_time() >= deadline) {
			rv = report_changes_locked(states, count) ? SCARD_S_SUCCESS
								  : SCARD_E_TIMEOUT;
			break;
		}
	}
	if (blocked) {
		blocked_waiters--;
		g_cond_broadcast(&waiters_changed);
	}
	if (g_hash_table_contains(contexts, GINT_TO_POINTER(context)))
		g_hash_table_insert(contexts, GINT_TO_POINTER(context), GINT_TO_POINTER(FALSE));
	g_mutex_unlock(&lock);
	return rv;
}

LONG
SCardCancel(SCARDCONTEXT context)
{
	g_mutex_lock(&lock);
	ensure_state();
	LONG rv = SCARD_E_INVALID_HANDLE;
	if (g_hash_table_contains(contexts, GINT_TO_POINTER(context))) {
		g_hash_table_insert(contexts, GINT_TO_POINTER(context), GINT_TO_POINTER(TRUE));
		g_cond_broadcast(&changed);
		rv = SCARD_S_SUCCESS;
	}
	g_mutex_unlock(&lock);
	return rv;
}
