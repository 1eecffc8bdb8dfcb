/* jpki-card-sim: the simulated card as a client of vpcd (Debian's
 * vsmartcard-vpcd reader driver), so the real pcscd sees a My Number Card
 * in "Virtual PCD 00 00".
 *
 * vpcd protocol: each message is a 2-byte big-endian length and a payload.
 * A 1-byte payload from vpcd is a control code (0 power off, 1 power on,
 * 2 reset, 4 ATR request, answered with the ATR); anything longer is a
 * command APDU, answered with the response APDU. Closing the connection is
 * removing the card; connecting again is inserting it.
 *
 * SIGUSR1 removes the card, SIGUSR2 inserts it, SIGTERM/SIGINT stop. With --stats, what
 * reached the card is written to a file when the simulator stops. */
#include "sim_profile.h"
#include "sim_removal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VPCD_DEFAULT_PORT  35963
#define VPCD_CONTROL_OFF   0
#define VPCD_CONTROL_ON    1
#define VPCD_CONTROL_RESET 2
#define VPCD_CONTROL_ATR   4

typedef struct {
	SimCard *card;
	SimRemovalPlan plan;
	int port;
	int fd;
	guint fd_watch;
	guint reinsert_after_ms;
	guint latency_ms; /* a real card's time per APDU (about 10 contact, 40 contactless) */
	char *ready_file;
	GMainLoop *loop;
} Simulator;

static gboolean on_vpcd_message(gint fd, GIOCondition condition, gpointer user_data);

static gboolean
write_exact(int fd, const void *buf, gsize len)
{
	const guint8 *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		p += n;
		len -= (gsize)n;
	}
	return TRUE;
}

static gboolean
read_exact(int fd, void *buf, gsize len)
{
	guint8 *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		p += n;
		len -= (gsize)n;
	}
	return TRUE;
}

/* One write per message: a separate 2-byte header would meet Nagle's
 * algorithm and delayed ACKs, and cost tens of milliseconds per APDU. */
static gboolean
send_message(int fd, const guint8 *payload, gsize len)
{
	g_autofree guint8 *message = g_malloc(len + 2);
	message[0] = (guint8)(len >> 8);
	message[1] = (guint8)len;
	memcpy(message + 2, payload, len);
	return write_exact(fd, message, len + 2);
}

/* The ready file tells tests/with-virtual-card that pcscd has seen the card. */
static void
signal_ready(Simulator *sim)
{
	if (sim->ready_file == NULL)
		return;
	g_autoptr(GError) error = NULL;
	if (!g_file_set_contents(sim->ready_file, "present\n", -1, &error))
		g_printerr("jpki-card-sim: %s\n", error->message);
	g_clear_pointer(&sim->ready_file, g_free);
}

static void
remove_card(Simulator *sim)
{
	if (sim->fd < 0)
		return;
	g_source_remove(sim->fd_watch);
	close(sim->fd);
	sim->fd = -1;
	g_print("jpki-card-sim: card removed\n");
}

static gboolean
insert_card(Simulator *sim)
{
	if (sim->fd >= 0)
		return TRUE;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((guint16)sim->port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		if (fd >= 0)
			close(fd);
		return FALSE;
	}
	int on = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	sim->fd = fd;
	sim->fd_watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_vpcd_message, sim);
	sim_card_reset(sim->card);
	g_print("jpki-card-sim: card inserted\n");
	return TRUE;
}

static gboolean
reinsert_later(gpointer user_data)
{
	Simulator *sim = user_data;
	if (!insert_card(sim))
		g_printerr("jpki-card-sim: vpcd is gone, cannot reinsert the card\n");
	return G_SOURCE_REMOVE;
}

static gboolean
answer_control(Simulator *sim, guint8 code)
{
	gsize atr_len = 0;
	const guint8 *atr = NULL;
	switch (code) {
	case VPCD_CONTROL_OFF:
	case VPCD_CONTROL_ON:
	case VPCD_CONTROL_RESET:
		sim_card_reset(sim->card);
		return TRUE;
	case VPCD_CONTROL_ATR:
		atr = sim_card_get_atr(sim->card, &atr_len);
		signal_ready(sim);
		return send_message(sim->fd, atr, atr_len);
	default:
		g_printerr("jpki-card-sim: unknown vpcd control code %u\n", code);
		return TRUE;
	}
}

static gboolean
on_vpcd_message(gint fd, GIOCondition condition, gpointer user_data)
{
	Simulator *sim = user_data;
	(void)condition;
	guint8 header[2];
	/* vpcd writes the length and the payload separately; acknowledge at once
	 * so its second write is not held back by Nagle's algorithm. */
	int on = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof(on));
	if (!read_exact(fd, header, 2)) {
		g_printerr("jpki-card-sim: vpcd closed the connection\n");
		sim->fd = -1;
		close(fd);
		g_main_loop_quit(sim->loop);
		return G_SOURCE_REMOVE;
	}
	gsize len = (gsize)(header[0] << 8 | header[1]);
	g_autofree guint8 *payload = g_malloc(MAX(len, 1));
	if (!read_exact(fd, payload, len)) {
		g_printerr("jpki-card-sim: short message from vpcd\n");
		sim->fd = -1;
		close(fd);
		g_main_loop_quit(sim->loop);
		return G_SOURCE_REMOVE;
	}
	if (len == 1)
		return answer_control(sim, payload[0]) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;

	g_autoptr(GBytes) response = sim_card_transmit(sim->card, payload, len);
	/* A real card takes this long to answer; pcscd holds the reader meanwhile, which is
	 * what makes two programs' operations overlap as they do with a card. */
	if (sim->latency_ms > 0)
		g_usleep((gulong)sim->latency_ms * G_TIME_SPAN_MILLISECOND);
	gsize response_len = 0;
	const guint8 *data = g_bytes_get_data(response, &response_len);
	if (!send_message(fd, data, response_len))
		return G_SOURCE_REMOVE;
	if (sim_removal_plan_answered(&sim->plan, payload, len)) {
		sim->fd_watch = 0;
		close(sim->fd);
		sim->fd = -1;
		g_print("jpki-card-sim: card removed (fault plan)\n");
		if (sim->reinsert_after_ms > 0)
			g_timeout_add(sim->reinsert_after_ms, reinsert_later, sim);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
on_remove_signal(gpointer user_data)
{
	remove_card(user_data);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_insert_signal(gpointer user_data)
{
	Simulator *sim = user_data;
	if (!insert_card(sim))
		g_printerr("jpki-card-sim: cannot reach vpcd on port %d\n", sim->port);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_stop_signal(gpointer user_data)
{
	Simulator *sim = user_data;
	g_main_loop_quit(sim->loop);
	return G_SOURCE_REMOVE;
}

/* For tests through pcscd, which cannot look inside the card: "status_queries=N" and
 * "pin_verifies=N" lines (see sim_card_count_pin_verifies()); for scripts/bench, "apdus=N" (every
 * well-formed command APDU) and "ins_XX=N" for each INS (hex) the card was sent. */
static gboolean
write_stats(const Simulator *sim, const char *path)
{
	SimCard *card = sim->card;
	g_autoptr(GString) text = g_string_new(NULL);
	g_string_append_printf(text, "status_queries=%u\npin_verifies=%u\n",
			       sim_card_count_status_queries(card),
			       sim_card_count_pin_verifies(card));
	guint apdus = 0;
	for (guint ins = 0; ins < 256; ins++)
		apdus += sim_card_count_commands(card, (guint8)ins);
	g_string_append_printf(text, "apdus=%u\n", apdus);
	for (guint ins = 0; ins < 256; ins++) {
		guint seen = sim_card_count_commands(card, (guint8)ins);
		if (seen > 0)
			g_string_append_printf(text, "ins_%02x=%u\n", ins, seen);
	}
	g_autoptr(GError) error = NULL;
	if (!g_file_set_contents(path, text->str, (gssize)text->len, &error)) {
		g_printerr("jpki-card-sim: %s\n", error->message);
		return FALSE;
	}
	return TRUE;
}

/* vpcd may still be starting with pcscd: try for a few seconds. */
static gboolean
insert_card_retrying(Simulator *sim)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		if (insert_card(sim))
			return TRUE;
		g_usleep(50 * G_TIME_SPAN_MILLISECOND);
	}
	return FALSE;
}

int
main(int argc, char **argv)
{
	SimProfileOptions options = {0};
	Simulator sim = {.port = VPCD_DEFAULT_PORT, .fd = -1};
	gint remove_after_apdus = 0;
	g_autofree char *remove_after_command = NULL;
	gint reinsert_after_ms = 0;
	gint latency_ms = 0;
	gboolean start_removed = FALSE;
	g_autofree char *profile = NULL, *pki_dir = NULL, *auth_pin = NULL, *sign_pin = NULL,
			*support_pin = NULL, *stats_file = NULL;
	GOptionEntry entries[] = {
		{"profile", 0, 0, G_OPTION_ARG_STRING, &profile,
		 "adult (default), child, no-sign-cert, no-auth-cert, auth-locked, sign-expired, "
		 "auth-expired, "
		 "renewal, juki, smartphone, foreign, felica",
		 "NAME"},
		{"pki-dir", 0, 0, G_OPTION_ARG_FILENAME, &pki_dir,
		 "test PKI folder (default: the build's)", "DIR"},
		{"auth-pin", 0, 0, G_OPTION_ARG_STRING, &auth_pin,
		 "the test card's authentication PIN (default 1234)", "PIN"},
		{"sign-pin", 0, 0, G_OPTION_ARG_STRING, &sign_pin,
		 "the test card's signing password (default ABC123)", "PIN"},
		{"support-pin", 0, 0, G_OPTION_ARG_STRING, &support_pin,
		 "the test card's card input support PIN (default 1234)", "PIN"},
		{"no-extended-length", 0, 0, G_OPTION_ARG_NONE, &options.refuse_extended_length,
		 "refuse extended-length APDUs with 6700, as some cards and readers do", NULL},
		{"contactless", 0, 0, G_OPTION_ARG_NONE, &options.contactless,
		 "present the ATR of a contactless reader", NULL},
		{"first-apdu-6f00", 0, 0, G_OPTION_ARG_NONE, &options.first_apdu_6f00,
		 "answer 6F00 to the first APDU after power-up or reset (seen on a contactless "
		 "card)",
		 NULL},
		{"blocked-status-6984", 0, 0, G_OPTION_ARG_NONE, &options.blocked_status_6984,
		 "answer a PIN status query on a blocked PIN with 6984 instead of 63C0", NULL},
		{"port", 0, 0, G_OPTION_ARG_INT, &sim.port, "vpcd port (default 35963)", "PORT"},
		{"remove-after-apdus", 0, 0, G_OPTION_ARG_INT, &remove_after_apdus,
		 "remove the card once it has answered N APDUs", "N"},
		{"remove-after-command", 0, 0, G_OPTION_ARG_STRING, &remove_after_command,
		 "remove the card once it has answered the K-th command with this INS (hex)",
		 "INS[:K]"},
		{"reinsert-after", 0, 0, G_OPTION_ARG_INT, &reinsert_after_ms,
		 "after a planned removal, insert the card again after MS milliseconds", "MS"},
		{"latency-ms", 0, 0, G_OPTION_ARG_INT, &latency_ms,
		 "answer each APDU after MS milliseconds, as a real card does (default 0)", "MS"},
		{"start-removed", 0, 0, G_OPTION_ARG_NONE, &start_removed,
		 "start with the card out of the reader (SIGUSR2 inserts it)", NULL},
		{"ready-file", 0, 0, G_OPTION_ARG_FILENAME, &sim.ready_file,
		 "write this file once pcscd has read the card's ATR", "PATH"},
		{"stats", 0, 0, G_OPTION_ARG_FILENAME, &stats_file,
		 "on exit, write how many VERIFYs were status queries and how many carried a PIN, "
		 "and how many APDUs came, in all and for each INS",
		 "PATH"},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	g_autoptr(GOptionContext) context =
		g_option_context_new("- a simulated My Number Card on vpcd");
	g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("jpki-card-sim: %s\n", error->message);
		return 2;
	}
	options.profile = profile;
	options.pki_dir = pki_dir;
	options.auth_pin = auth_pin;
	options.sign_pin = sign_pin;
	options.support_pin = support_pin;

	sim_removal_plan_init(&sim.plan);
	sim.plan.after_apdus = (guint)MAX(remove_after_apdus, 0);
	if (remove_after_command != NULL) {
		g_auto(GStrv) parts = g_strsplit(remove_after_command, ":", 2);
		sim.plan.after_ins = (int)g_ascii_strtoull(parts[0], NULL, 16) & 0xFF;
		sim.plan.after_ins_hits = parts[1] != NULL ? (guint)atoi(parts[1]) : 1;
	}
	sim.reinsert_after_ms = (guint)MAX(reinsert_after_ms, 0);
	sim.latency_ms = (guint)MAX(latency_ms, 0);

	sim.card = sim_profile_build(&options, &error);
	if (sim.card == NULL) {
		g_printerr("jpki-card-sim: %s\n", error->message);
		return 2;
	}
	sim.loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGUSR1, on_remove_signal, &sim);
	g_unix_signal_add(SIGUSR2, on_insert_signal, &sim);
	g_unix_signal_add(SIGTERM, on_stop_signal, &sim);
	g_unix_signal_add(SIGINT, on_stop_signal, &sim);

	int status = 0;
	if (!start_removed && !insert_card_retrying(&sim)) {
		g_printerr("jpki-card-sim: cannot reach vpcd on 127.0.0.1:%d (is pcscd running "
			   "with vsmartcard-vpcd?)\n",
			   sim.port);
		status = 1;
	} else {
		if (start_removed)
			signal_ready(&sim);
		g_main_loop_run(sim.loop);
	}
	remove_card(&sim);
	if (stats_file != NULL && !write_stats(&sim, stats_file))
		status = 1;
	g_main_loop_unref(sim.loop);
	sim_card_free(sim.card);
	g_free(sim.ready_file);
	return status;
}
