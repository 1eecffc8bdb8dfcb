#include "host_operations.h"

#include "fake_pinentry_log.h"
#include "sim_pcsc.h"
#include "sim_profile.h"
#include "test_pki.h"

#include <glib/gstdio.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define ORIGIN "https://example.jp"
#define NONCE  "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
/* Far longer than any test may take: a test that waits this long has failed. */
#define CARD_WAIT_S 30

static char *
request(const char *command, const char *arguments)
{
	return g_strdup_printf("{\"command\": \"%s\", \"arguments\": {\"origin\": \"%s\"%s%s}}",
			       command, ORIGIN, arguments != NULL ? ", " : "",
			       arguments != NULL ? arguments : "");
}

static char *
base64_of_sha256(const char *text)
{
	guint8 digest[32];
	gsize len = sizeof(digest);
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(checksum, (const guchar *)text, (gssize)strlen(text));
	g_checksum_get_digest(checksum, digest, &len);
	return g_base64_encode(digest, len);
}

static void
add_operation(HostOperations *ops, const char *name, const char *pin, char *json)
{
	HostOperation *op = g_new0(HostOperation, 1);
	op->name = name;
	op->pin = pin;
	op->json = json;
	g_ptr_array_add(ops->operations, op);
}

static void
host_operation_free(gpointer data)
{
	HostOperation *op = data;
	g_free(op->json);
	g_free(op);
}

HostOperations *
host_operations_new(void)
{
	HostOperations *ops = g_new0(HostOperations, 1);
	ops->dir = g_dir_make_tmp("host-operations-XXXXXX", NULL);
	assert_non_null(ops->dir);
	ops->log = g_build_filename(ops->dir, "log", NULL);
	ops->counter = g_build_filename(ops->dir, "counter", NULL);
	/* test_variables: the scripted pinentry reads what to answer from the environment. */
	ops->config = (BridgeConfig){.pinentry = FAKE_PINENTRY,
				     .lang = JPKI_LANG_EN,
				     .card_wait_s = CARD_WAIT_S,
				     .test_variables = TRUE};
	ops->cancel = jpki_cancel_new();
	g_setenv("FAKE_PINENTRY_LOG", ops->log, TRUE);
	g_setenv("FAKE_PINENTRY_COUNTER", ops->counter, TRUE);

	ops->operations = g_ptr_array_new_with_free_func(host_operation_free);
	g_autofree char *hash = base64_of_sha256("a document");
	g_autoptr(GBytes) cert = test_pki_load_der("sign-valid.pem");
	g_autofree char *cert64 =
		g_base64_encode(g_bytes_get_data(cert, NULL), g_bytes_get_size(cert));
	add_operation(ops, "status", NULL, request("status", NULL));
	add_operation(ops, "authenticate", "1234",
		      request("authenticate", "\"challengeNonce\": \"" NONCE "\""));
	add_operation(ops, "get-signing-certificate", "ABC123",
		      request("get-signing-certificate", NULL));
	g_autofree char *sign_arguments = g_strdup_printf(
		"\"hash\": \"%s\", \"hashFunction\": \"SHA-256\", \"certificate\": \"%s\"", hash,
		cert64);
	add_operation(ops, "sign", "ABC123", request("sign", sign_arguments));
	g_autofree char *cms_arguments =
		g_strdup_printf("\"digest\": \"%s\", \"hashFunction\": \"SHA-256\"", hash);
	add_operation(ops, "sign-cms", "ABC123", request("sign-cms", cms_arguments));
	add_operation(ops, "read-attributes", "1234", request("read-attributes", NULL));

	sim_pcsc_reset();
	sim_pcsc_add_reader(HOST_OPERATIONS_READER);
	SimProfileOptions options = {.profile = "adult"};
	sim_pcsc_insert_card(HOST_OPERATIONS_READER, sim_profile_build(&options, NULL));
	return ops;
}

void
host_operations_free(HostOperations *ops)
{
	if (ops == NULL)
		return;
	sim_pcsc_reset();
	g_unsetenv("FAKE_PINENTRY_LOG");
	g_unsetenv("FAKE_PINENTRY_COUNTER");
	g_unsetenv("FAKE_PINENTRY_PINS");
	g_ptr_array_unref(ops->operations);
	jpki_cancel_free(ops->cancel);
	g_unlink(ops->log);
	g_unlink(ops->counter);
	g_rmdir(ops->dir);
	g_free(ops->counter);
	g_free(ops->log);
	g_free(ops->dir);
	g_free(ops);
}

void
host_outcome_clear(HostOutcome *outcome)
{
	g_clear_pointer(&outcome->reply, json_decref);
	g_clear_error(&outcome->error);
}

const char *
host_outcome_code(const HostOutcome *outcome)
{
	if (outcome->reply != NULL)
		return "reply";
	return outcome->error->domain == JPKI_ERROR ? jpki_error_code_name(outcome->error->code)
						    : g_quark_to_string(outcome->error->domain);
}

static guint
count_records(GPtrArray *records, const char *command)
{
	guint n = 0;
	for (guint i = 0; i < records->len; i++)
		n += strcmp(g_ptr_array_index(records, i), command) == 0;
	return n;
}

void
host_operations_run(HostOperations *ops, const HostOperation *op, HostOutcome *outcome)
{
	*outcome = (HostOutcome){0};
	g_unlink(ops->log);
	g_unlink(ops->counter);
	/* One PIN, then "cancel" to every later dialog: each try is the user's. */
	g_setenv("FAKE_PINENTRY_PINS", op->pin != NULL ? op->pin : "CANCEL", TRUE);
	g_autoptr(GError) parse_error = NULL;
	g_autoptr(BridgeRequest) request = bridge_request_parse(
		(const guint8 *)op->json, strlen(op->json), FALSE, &parse_error);
	if (request == NULL)
		fail_msg("%s: %s", op->name, parse_error->message);
	guint pins_before = sim_pcsc_count_pin_verifies();
	int tries_left = -1;
	outcome->reply = bridge_command_run(request, &ops->config, ops->cancel, &tries_left,
					    &outcome->error);
	outcome->pins_sent = sim_pcsc_count_pin_verifies() - pins_before;
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(ops->log);
	outcome->pins_typed = MIN(count_records(records, "GETPIN"), op->pin != NULL ? 1u : 0u);
	outcome->confirmations = count_records(records, "CONFIRM");
	if ((outcome->reply == NULL) == (outcome->error == NULL))
		fail_msg("%s: the host gave %s", op->name,
			 outcome->reply != NULL ? "both a reply and an error"
						: "neither a reply nor an error");
	if (outcome->pins_sent > outcome->pins_typed)
		fail_msg("%s: %u PINs reached the card, the user typed %u", op->name,
			 outcome->pins_sent, outcome->pins_typed);
}

void
host_operations_assert_works(HostOperations *ops, const HostOperation *op)
{
	g_auto(HostOutcome) outcome = {0};
	host_operations_run(ops, op, &outcome);
	if (outcome.reply == NULL)
		fail_msg("%s does not work any more: %s", op->name, outcome.error->message);
}
