/* Linked into jpki-bridge-host-hostile: the real host's main() with the in-process adapter
 * instead of libpcsclite, and, before main() runs, one reader holding the "adult" card behind
 * the fault layer, as the environment asks:
 *   JPKI_SIM_READER=name            the reader's name (any bytes; default "Sim Reader 00 00")
 *   JPKI_SIM_ANSWER_ALL=XXXX        every command answered this status word (hex), no data
 *   JPKI_SIM_FAULT_SCRIPT=hex       the answers decided by these bytes (sim_fault.c's format)
 * For tests/bridge/hostile_host_test.sh: what the browser gets from the real process. */
#include "sim_fault.h"
#include "sim_pcsc.h"
#include "sim_profile.h"

#include <stdlib.h>

static SimFault *fault; /* for the life of the process */

static void set_up_hostile_reader(void) __attribute__((constructor));

static void
set_up_hostile_reader(void)
{
	const char *reader = g_getenv("JPKI_SIM_READER");
	if (reader == NULL)
		reader = "Sim Reader 00 00";
	sim_pcsc_reset();
	sim_pcsc_add_reader(reader);
	SimProfileOptions options = {.profile = "adult"};
	g_autoptr(GError) error = NULL;
	SimCard *card = sim_profile_build(&options, &error);
	if (card == NULL)
		g_error("the simulated card: %s", error->message);
	sim_pcsc_insert_card(reader, card);

	fault = sim_fault_new();
	const char *answer_all = g_getenv("JPKI_SIM_ANSWER_ALL");
	if (answer_all != NULL)
		sim_fault_answer(fault, SIM_FAULT_ANY_INS, 0,
				 (guint16)strtoul(answer_all, NULL, 16), NULL, 0);
	const char *script = g_getenv("JPKI_SIM_FAULT_SCRIPT");
	if (script != NULL) {
		g_autoptr(GByteArray) bytes = g_byte_array_new();
		for (const char *p = script; g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]);
		     p += 2) {
			guint8 byte = (guint8)(g_ascii_xdigit_value(p[0]) << 4 |
					       g_ascii_xdigit_value(p[1]));
			g_byte_array_append(bytes, &byte, 1);
		}
		sim_fault_script_from_bytes(fault, bytes->data, bytes->len);
	}
	sim_fault_install(fault);
}
