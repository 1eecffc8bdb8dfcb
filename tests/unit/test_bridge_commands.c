/* The host's commands (docs/protocol.md) end to end but in process: a request
 * parsed from JSON text, bridge_command_run() against the in-process simulated
 * card, and the scripted pinentry (tests/fake-pinentry) as the user. Each test
 * checks what the user or the relying party sees: the reply, the dialogs'
 * text, and what reached the card. */
#include "authtoken.h"
#include "cert.h"
#include "cms.h"
#include "combination_code.h"
#include "commands.h"
#include "config.h"
#include "digestinfo.h"
#include "fake_pinentry_log.h"
#include "installation_id.h"
#include "jansson_autoptr.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "reply.h"
#include "request.h"
#include "sim_pcsc.h"
#include "sim_profile.h"
#include "test_pki.h"
#include "test_util.h"
#include "verification_code.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/rsa.h>
#include <string.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define READER       "Sim Reader 00 00"
#define ORIGIN       "https://example.jp"
#define OTHER_ORIGIN "https://evil.example"
#define NONCE        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
#define INS_VERIFY   0x20
#define INS_SIGN     0x2A
/* Far longer than any test may take: a test that waits this long has failed. */
#define CARD_WAIT_S 30
/* "Promptly": far less than the CARD_WAIT_S the host would otherwise wait, with room for a
 * loaded machine under ASan. */
#define PROMPT_US (5 * G_TIME_SPAN_SECOND)

static const char *const fake_controls[] = {
	"FAKE_PINENTRY_PIN",
	"FAKE_PINENTRY_PINS",
	"FAKE_PINENTRY_COUNTER",
	"FAKE_PINENTRY_CONFIRM",
	"FAKE_PINENTRY_PIDFILE",
	"FAKE_PINENTRY_CANCEL",
	"FAKE_PINENTRY_TIMEOUT",
	"FAKE_PINENTRY_GETPIN_ERR",
	"FAKE_PINENTRY_DIE_ON",
	"FAKE_PINENTRY_EXIT_AFTER",
	"FAKE_PINENTRY_HANG_ON",
	"FAKE_PINENTRY_IGNORE_TERM",
	"FAKE_PINENTRY_REFUSE_OPTIONS",
	"FAKE_PINENTRY_LOG",
};

typedef struct {
	char *dir;
	char *log;     /* FAKE_PINENTRY_LOG: every command every dialog received */
	char *counter; /* FAKE_PINENTRY_COUNTER: for FAKE_PINENTRY_PINS */
	BridgeConfig *config;
	JpkiCancel *cancel;
} Fixture;

static void
reset_fake_pinentry_env(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(fake_controls); i++)
		g_unsetenv(fake_controls[i]);
}

static SimCard *
card_with(const char *profile)
{
	SimProfileOptions options = {.profile = profile};
	g_autoptr(GError) error = NULL;
	SimCard *card = sim_profile_build(&options, &error);
	if (card == NULL)
		fail_msg("profile %s: %s", profile, error->message);
	return card;
}

static int
setup(void **state)
{
	Fixture *fixture = g_new0(Fixture, 1);
	fixture->dir = g_dir_make_tmp("test-bridge-commands-XXXXXX", NULL);
	assert_non_null(fixture->dir);
	fixture->log = g_build_filename(fixture->dir, "log", NULL);
	fixture->counter = g_build_filename(fixture->dir, "counter", NULL);
	reset_fake_pinentry_env();
	g_setenv("FAKE_PINENTRY_LOG", fixture->log, TRUE);
	g_setenv("FAKE_PINENTRY_COUNTER", fixture->counter, TRUE);

	/* The host's own loading: JPKI_PINENTRY names the program. */
	g_setenv("JPKI_PINENTRY", FAKE_PINENTRY, TRUE);
	fixture->config = bridge_config_load();
	assert_string_equal(fixture->config->pinentry, FAKE_PINENTRY);
	fixture->config->lang = JPKI_LANG_EN;
	fixture->config->card_wait_s = CARD_WAIT_S;
	/* ORIGIN stands for a government portal (docs/mynaportal.md). */
	g_strfreev(fixture->config->portal_origins);
	fixture->config->portal_origins = g_strsplit(ORIGIN, " ", -1);
	g_free(fixture->config->data_dir);
	fixture->config->data_dir = g_strdup(fixture->dir);
	fixture->cancel = jpki_cancel_new();

	sim_pcsc_reset();
	sim_pcsc_add_reader(READER);
	sim_pcsc_insert_card(READER, card_with("adult"));
	*state = fixture;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *fixture = *state;
	sim_pcsc_reset();
	reset_fake_pinentry_env();
	g_unsetenv("JPKI_PINENTRY");
	jpki_cancel_free(fixture->cancel);
	bridge_config_free(fixture->config);
	g_unlink(fixture->log);
	g_unlink(fixture->counter);
	g_autofree char *installation_id = bridge_installation_id_path(fixture->dir);
	g_autofree char *data_dir = g_path_get_dirname(installation_id);
	g_unlink(installation_id);
	g_rmdir(data_dir);
	g_rmdir(fixture->dir);
	g_free(fixture->counter);
	g_free(fixture->log);
	g_free(fixture->dir);
	g_free(fixture);
	return 0;
}

/* ---- the card ---- */

static SimCard *
sim(void)
{
	SimCard *card = sim_pcsc_get_card(READER);
	assert_non_null(card);
	return card;
}

/* How many PINs reached any card in this test (VERIFYs carrying data; status queries aside). */
static guint
pins_sent(void)
{
	return sim_pcsc_count_pin_verifies();
}

static void
replace_card(const char *profile)
{
	sim_pcsc_insert_card(READER, card_with(profile));
}

static void
take_card_out(void)
{
	sim_card_free(sim_pcsc_remove_card(READER));
}

/* ---- the dialogs ---- */

static gboolean
is_command(const char *record, const char *command)
{
	gsize len = strlen(command);
	return strncmp(record, command, len) == 0 && (record[len] == '\0' || record[len] == ' ');
}

/* The argument of the `n`-th record of `command` (0-based), or NULL. */
static const char *
nth_argument(GPtrArray *records, const char *command, guint n)
{
	for (guint i = 0; i < records->len; i++) {
		const char *record = g_ptr_array_index(records, i);
		if (is_command(record, command) && n-- == 0)
			return record[strlen(command)] == ' ' ? record + strlen(command) + 1 : "";
	}
	return NULL;
}

static guint
count_command(GPtrArray *records, const char *command)
{
	guint n = 0;
	for (guint i = 0; i < records->len; i++)
		n += is_command(g_ptr_array_index(records, i), command);
	return n;
}

/* Index of the first record that is exactly `record`, or -1. */
static int
index_of(GPtrArray *records, const char *record)
{
	for (guint i = 0; i < records->len; i++) {
		if (strcmp(g_ptr_array_index(records, i), record) == 0)
			return (int)i;
	}
	return -1;
}

static void
assert_contains(const char *text, const char *part)
{
	assert_non_null(text);
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

/* No dialog was started at all. */
static void
assert_no_dialog(const Fixture *fixture)
{
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	if (records->len > 0)
		fail_msg("a dialog was started: %s", (const char *)g_ptr_array_index(records, 0));
}

/* Every dialog was closed and its process reaped. */
static void
assert_no_dialog_process_left(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void
script_pins(const char *pins)
{
	g_setenv("FAKE_PINENTRY_PINS", pins, TRUE);
}

/* ---- running commands ---- */

static BridgeRequest *
parse(const char *json)
{
	g_autoptr(GError) error = NULL;
	BridgeRequest *request =
		bridge_request_parse((const guint8 *)json, strlen(json), FALSE, &error);
	if (request == NULL)
		fail_msg("refused %s: %s", json, error->message);
	return request;
}

static json_t *
run(const Fixture *fixture, const char *json, int *tries_left, GError **error)
{
	g_autoptr(BridgeRequest) request = parse(json);
	int tries = -99;
	json_t *reply =
		bridge_command_run(request, fixture->config, fixture->cancel, &tries, error);
	assert_true((reply == NULL) == (*error != NULL));
	if (tries_left != NULL)
		*tries_left = tries;
	return reply;
}

static json_t *
run_ok(const Fixture *fixture, const char *json)
{
	g_autoptr(GError) error = NULL;
	int tries_left = 0;
	json_t *reply = run(fixture, json, &tries_left, &error);
	if (reply == NULL)
		fail_msg("%s failed: %s", json, error->message);
	assert_int_equal(tries_left, -1);
	return reply;
}

/* Runs `json`, which must fail with `code`; returns the tries_left given. */
static int
run_fails(const Fixture *fixture, const char *json, JpkiErrorCode code)
{
	g_autoptr(GError) error = NULL;
	int tries_left = 0;
	g_autoptr(json_t) reply = run(fixture, json, &tries_left, &error);
	if (reply != NULL) {
		g_autofree char *text = json_dumps(reply, JSON_COMPACT);
		fail_msg("expected %s, got the reply %s", jpki_error_code_name(code), text);
	}
	test_assert_jpki_error(error, code);
	return tries_left;
}

static char *
request_json(const char *command, const char *arguments)
{
	return g_strdup_printf("{\"command\": \"%s\", \"arguments\": {\"origin\": \"%s\"%s%s}}",
			       command, ORIGIN, arguments != NULL ? ", " : "",
			       arguments != NULL ? arguments : "");
}

static char *
authenticate_json(void)
{
	return request_json("authenticate", "\"challengeNonce\": \"" NONCE "\"");
}

static GBytes *
base64_field(json_t *object, const char *key)
{
	const char *text = json_string_value(json_object_get(object, key));
	if (text == NULL)
		fail_msg("the reply has no string \"%s\"", key);
	gsize len = 0;
	guchar *bytes = g_base64_decode(text, &len);
	return g_bytes_new_take(bytes, len);
}

static char *
der_base64(const char *cert_file)
{
	g_autoptr(GBytes) der = test_pki_load_der(cert_file);
	return g_base64_encode(g_bytes_get_data(der, NULL), g_bytes_get_size(der));
}

static GBytes *
hash_of(GChecksumType type, const char *text)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(type);
	g_checksum_update(checksum, (const guchar *)text, (gssize)strlen(text));
	guint8 digest[64];
	gsize len = sizeof(digest);
	g_checksum_get_digest(checksum, digest, &len);
	return g_bytes_new(digest, len);
}

static char *
sign_json(const char *hash_function, GBytes *hash, const char *cert_file)
{
	g_autofree char *hash64 =
		g_base64_encode(g_bytes_get_data(hash, NULL), g_bytes_get_size(hash));
	g_autofree char *cert64 = der_base64(cert_file);
	g_autofree char *arguments = g_strdup_printf(
		"\"hash\": \"%s\", \"hashFunction\": \"%s\", \"certificate\": \"%s\"", hash64,
		hash_function, cert64);
	return request_json("sign", arguments);
}

static char *
sign_cms_json(GBytes *digest)
{
	g_autofree char *digest64 =
		g_base64_encode(g_bytes_get_data(digest, NULL), g_bytes_get_size(digest));
	g_autofree char *arguments =
		g_strdup_printf("\"digest\": \"%s\", \"hashFunction\": \"SHA-256\"", digest64);
	return request_json("sign-cms", arguments);
}

/* ---- what the relying party checks ---- */

static JpkiTrustStore *
store_of(const char *ca_file)
{
	JpkiTrustStore *store = jpki_trust_store_new();
	g_autofree char *path = test_pki_path(ca_file);
	g_autoptr(GError) error = NULL;
	if (!jpki_trust_store_add_file(store, path, &error))
		fail_msg("%s: %s", path, error->message);
	return store;
}

/* The token verifies for ORIGIN and NONCE and names the card's authentication certificate. */
static void
assert_token_verifies(json_t *token)
{
	g_autofree char *text = json_dumps(token, JSON_COMPACT);
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) cert =
		jpki_authtoken_verify(text, strlen(text), ORIGIN, NONCE, store, NULL, &error);
	if (cert == NULL)
		fail_msg("the token does not verify: %s", error->message);
	g_autoptr(GBytes) expected = test_pki_load_der("auth-valid.pem");
	assert_true(g_bytes_equal(jpki_cert_get_der(cert), expected));
}

/* `signature` is RSA PKCS#1 v1.5 over DigestInfo(md, hash) with the key of `cert_file`. */
static void
assert_signature_of_hash(GBytes *signature, const char *cert_file, const EVP_MD *md, GBytes *hash)
{
	g_autoptr(EVP_PKEY) key = test_pki_load_public_key(cert_file);
	g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new(key, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
	assert_int_equal(EVP_PKEY_CTX_set_signature_md(ctx, md), 1);
	assert_int_equal(EVP_PKEY_verify(ctx, g_bytes_get_data(signature, NULL),
					 g_bytes_get_size(signature), g_bytes_get_data(hash, NULL),
					 g_bytes_get_size(hash)),
			 1);
}

/* ---- authenticate ---- */

static void
test_authenticate_gives_a_token_bound_to_the_origin(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = authenticate_json();
	g_autoptr(json_t) token = run_ok(fixture, json);
	assert_string_equal(json_string_value(json_object_get(token, "format")), "web-eid:1.0");
	assert_token_verifies(token);

	/* A page of another origin cannot use it. */
	g_autofree char *text = json_dumps(token, JSON_COMPACT);
	g_autoptr(JpkiTrustStore) store = store_of("auth-ca.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCert) other =
		jpki_authtoken_verify(text, strlen(text), OTHER_ORIGIN, NONCE, store, NULL, &error);
	assert_null(other);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_SIGNATURE_INVALID));
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
}

static void
test_pin_dialog_names_origin_tries_and_rule_in_english(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = authenticate_json();
	g_autoptr(json_t) token = run_ok(fixture, json);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "GETPIN"), 1);
	const char *description = nth_argument(records, "SETDESC", 0);
	assert_contains(description, ORIGIN);
	assert_contains(description, "3 tries left");
	assert_contains(description, "user-authentication PIN (4 digits)");
	/* A first dialog has nothing to say was wrong. */
	assert_int_equal(count_command(records, "SETERROR"), 0);
}

static void
test_pin_dialog_in_japanese(void **state)
{
	Fixture *fixture = *state;
	fixture->config->lang = JPKI_LANG_JA;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = authenticate_json();
	g_autoptr(json_t) token = run_ok(fixture, json);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	const char *description = nth_argument(records, "SETDESC", 0);
	assert_contains(description, ORIGIN);
	assert_contains(description, "残り3回");
	assert_contains(description, "利用者証明用電子証明書の暗証番号（数字4桁）");
	assert_string_equal(nth_argument(records, "SETTITLE", 0), "マイナンバーカード");
}

static void
test_wrong_then_right_pin_succeeds_and_resets_the_counter(void **state)
{
	Fixture *fixture = *state;
	script_pins("0000;1234");
	g_autofree char *json = authenticate_json();
	g_autoptr(json_t) token = run_ok(fixture, json);
	assert_token_verifies(token);

	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "GETPIN"), 2);
	/* Only the second dialog says the first PIN was wrong, and how many tries are left. */
	assert_int_equal(count_command(records, "SETERROR"), 1);
	int error_at = index_of(records, "SETERROR Wrong PIN (2 tries left)");
	assert_true(error_at > index_of(records, "GETPIN"));
	assert_contains(nth_argument(records, "SETDESC", 1), "2 tries left");

	/* The right PIN restored the counter. */
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
	/* Exactly the two PINs typed reached the card. */
	assert_int_equal(pins_sent(), 2);
}

static void
test_wrong_then_cancel_is_pin_incorrect_with_tries_left(void **state)
{
	Fixture *fixture = *state;
	script_pins("0000;CANCEL");
	g_autofree char *json = authenticate_json();
	int tries_left = run_fails(fixture, json, JPKI_ERROR_PIN_INCORRECT);
	assert_int_equal(tries_left, 2);
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 2);
	assert_int_equal(pins_sent(), 1);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
}

static void
test_cancel_at_once_is_cancelled_and_costs_no_try(void **state)
{
	Fixture *fixture = *state;
	script_pins("CANCEL");
	g_autofree char *json = authenticate_json();
	int tries_left = run_fails(fixture, json, JPKI_ERROR_CANCELLED);
	assert_int_equal(tries_left, -1);
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
	/* Only the status query before the dialog; no PIN. */
	assert_int_equal(pins_sent(), 0);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
}

static void
test_wrong_format_pin_is_asked_again_and_never_sent(void **state)
{
	Fixture *fixture = *state;
	script_pins("12;1234");
	g_autofree char *json = authenticate_json();
	g_autoptr(json_t) token = run_ok(fixture, json);
	assert_token_verifies(token);

	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "GETPIN"), 2);
	const char *shown = nth_argument(records, "SETERROR", 0);
	assert_contains(shown, "Wrong format");
	assert_contains(shown, "4 digits");
	/* "12" never reached the card: no try spent, and only "1234" was sent. */
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
	assert_int_equal(pins_sent(), 1);
}

/* J-LIS: the signing password mixes letters and digits. One of digits only or
 * letters only is asked again with the rule, in the dialog's language, and never
 * sent: it would cost one of the 5 tries. */
static void
test_signing_password_without_letters_and_digits_is_never_sent(void **state)
{
	Fixture *fixture = *state;
	const struct {
		JpkiLang lang;
		const char *rule;
	} cases[] = {
		{JPKI_LANG_EN, "with both letters and digits"},
		{JPKI_LANG_JA, "英大文字と数字を組み合わせた6～16文字"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		fixture->config->lang = cases[i].lang;
		g_unlink(fixture->log);
		g_unlink(fixture->counter);
		script_pins("123456;ABCDEF;CANCEL");
		guint verify_before = sim_card_count_commands(sim(), INS_VERIFY);
		g_autofree char *json = request_json("get-signing-certificate", NULL);
		run_fails(fixture, json, JPKI_ERROR_CANCELLED);

		g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
		assert_int_equal(count_command(records, "GETPIN"), 3);
		assert_contains(nth_argument(records, "SETDESC", 0), cases[i].rule);
		assert_contains(nth_argument(records, "SETERROR", 0), cases[i].rule);
		assert_contains(nth_argument(records, "SETERROR", 1), cases[i].rule);
		/* Only the status query before the dialog reached the card. */
		assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY) - verify_before, 1);
		assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_SIGN), 5);
	}
}

static void
test_blocked_pin_is_refused_without_a_dialog(void **state)
{
	Fixture *fixture = *state;
	replace_card("auth-locked");
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = authenticate_json();
	int tries_left = run_fails(fixture, json, JPKI_ERROR_PIN_BLOCKED);
	assert_int_equal(tries_left, -1);
	assert_no_dialog(fixture);
	/* The status query, never a PIN. */
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 1);
	assert_int_equal(pins_sent(), 0);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
}

/* What CI met: a pinentry that could not open a window fell back to the terminal and refused
 * GETPIN. The browser must hear that the dialog failed and what to do, not that a file could
 * not be read, and no PIN reached the card. */
static void
test_a_pin_dialog_that_cannot_be_shown_is_dialog_failed(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_GETPIN_ERR", "83918950 Inappropriate ioctl for device <Pinentry>",
		 TRUE);
	g_autofree char *json = authenticate_json();
	g_autoptr(GError) error = NULL;
	int tries_left = 0;
	g_autoptr(json_t) reply = run(fixture, json, &tries_left, &error);
	assert_null(reply);
	g_autoptr(json_t) error_reply = bridge_error_reply(error, tries_left);
	json_t *detail = json_object_get(error_reply, "error");
	assert_string_equal(json_string_value(json_object_get(detail, "code")), "dialog-failed");
	const char *en = json_string_value(json_object_get(detail, "en"));
	const char *ja = json_string_value(json_object_get(detail, "ja"));
	assert_contains(en, "dialog");
	assert_contains(en, "pinentry");
	assert_null(strstr(en, "file"));
	assert_contains(ja, "pinentry");
	assert_contains(json_string_value(json_object_get(detail, "message")),
			"Inappropriate ioctl");
	assert_int_equal(pins_sent(), 0);
}

static void
test_three_wrong_pins_block_the_pin(void **state)
{
	Fixture *fixture = *state;
	script_pins("0000;0000;0000;1234");
	g_autofree char *json = authenticate_json();
	int tries_left = run_fails(fixture, json, JPKI_ERROR_PIN_BLOCKED);
	assert_int_equal(tries_left, -1);
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 0);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	/* Each try was the user's: three dialogs, each after a wrong PIN saying what is left;
	 * no fourth dialog once the PIN is blocked. */
	assert_int_equal(count_command(records, "GETPIN"), 3);
	assert_contains(nth_argument(records, "SETERROR", 0), "(2 ");
	assert_contains(nth_argument(records, "SETERROR", 1), "(1 ");
	assert_contains(nth_argument(records, "SETDESC", 2), "1 tr");
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
	assert_int_equal(pins_sent(), 3);

	/* And the next request is refused at once, without a dialog or a PIN sent. */
	g_unlink(fixture->log);
	run_fails(fixture, json, JPKI_ERROR_PIN_BLOCKED);
	assert_no_dialog(fixture);
	assert_int_equal(pins_sent(), 3);
}

static void
test_card_removed_after_verify_is_card_removed(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	/* The second INS 20 is the VERIFY with the PIN (after the host's status query, whose
	 * answer jpki_pin_verify() takes from the session); the card leaves once it has answered
	 * it, before the signature. */
	SimRemovalPlan plan;
	sim_removal_plan_init(&plan);
	plan.after_ins = INS_VERIFY;
	plan.after_ins_hits = 2;
	sim_pcsc_set_removal_plan(READER, &plan);
	g_autofree char *json = authenticate_json();
	run_fails(fixture, json, JPKI_ERROR_CARD_REMOVED);
	assert_null(sim_pcsc_get_card(READER));
}

/* ---- how many APDUs: docs/libjpki.md derives each minimum ---- */

static guint
apdus_of(const Fixture *fixture, const char *json)
{
	guint before = sim_pcsc_count_apdus();
	g_autoptr(json_t) reply = run_ok(fixture, json);
	return sim_pcsc_count_apdus() - before;
}

/* Short READ BINARYs for a certificate of the test PKI: 256 bytes each. */
static guint
reads_of(const char *cert_file)
{
	g_autoptr(GBytes) der = test_pki_load_der(cert_file);
	return (guint)((g_bytes_get_size(der) + 255) / 256);
}

static void
assert_within_one_of(guint count, guint minimum)
{
	if (count < minimum || count > minimum + 1)
		fail_msg("%u APDUs; the minimum is %u", count, minimum);
}

static void
test_status_sends_the_fewest_apdus(void **state)
{
	g_autofree char *json = request_json("status", NULL);
	/* find 3, auth certificate 1 + reads, auth PIN 2, EF 0008 2, signing PIN 2, support 3 */
	assert_within_one_of(apdus_of(*state, json), 13 + reads_of("auth-valid.pem"));
}

static void
test_authenticate_sends_the_fewest_apdus(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = authenticate_json();
	/* find 3, certificate 1 + reads, PIN file 1, tries 1, VERIFY 1, key 1, signature 1 */
	assert_within_one_of(apdus_of(*state, json), 9 + reads_of("auth-valid.pem"));
}

static void
test_sign_cms_sends_the_fewest_apdus(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	g_autoptr(GBytes) digest = hash_of(G_CHECKSUM_SHA256, "an application form");
	g_autofree char *json = sign_cms_json(digest);
	/* find 3, EF 0008 2, PIN file 1, tries 1, VERIFY 1, certificate 1 + reads, key 1,
	 * signature 1 */
	assert_within_one_of(apdus_of(*state, json), 11 + reads_of("sign-valid.pem"));
}

/* ---- sharing the card with other programs ---- */

static void
test_a_reset_by_another_program_before_the_pin_starts_again_and_costs_no_try(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	/* Once the probe has read EF 0006: the next APDU meets SCARD_W_RESET_CARD. */
	sim_pcsc_reset_card_after(READER, 0xB0, 1);
	g_autofree char *json = authenticate_json();
	g_autoptr(json_t) reply = run_ok(*state, json);
	assert_int_equal(pins_sent(), 1);
}

static void
test_a_reset_after_the_pin_is_card_reset_and_the_pin_is_not_sent_again(void **state)
{
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	/* The second INS 20 is the VERIFY with the PIN (the first, the status query). */
	sim_pcsc_reset_card_after(READER, INS_VERIFY, 2);
	g_autofree char *json = authenticate_json();
	run_fails(*state, json, JPKI_ERROR_CARD_RESET);
	assert_int_equal(pins_sent(), 1);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
}

static void
test_status_leaves_the_card_to_other_programs_and_a_login_powers_it_off(void **state)
{
	g_autofree char *status = request_json("status", NULL);
	g_autoptr(json_t) reply = run_ok(*state, status);
	assert_int_equal(sim_pcsc_count_resets(FALSE), 0);
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *login = authenticate_json();
	g_autoptr(json_t) token = run_ok(*state, login);
	assert_int_equal(sim_pcsc_count_resets(TRUE), 1);
	assert_int_equal(sim_pcsc_count_resets(FALSE), 1);
}

/* ---- waiting for a card ---- */

typedef struct {
	const char *log;
	SimCard *card;
} Inserter;

/* TRUE once the dialog logged `command` (it is open and asking); FALSE if that did not happen
 * within CARD_WAIT_S. Polls the log: the fake pinentry has no other way to tell. */
static gboolean
await_dialog(const char *log, const char *command)
{
	gint64 give_up = g_get_monotonic_time() + CARD_WAIT_S * G_TIME_SPAN_SECOND;
	for (;;) {
		g_autoptr(GPtrArray) records = fake_pinentry_log_read(log);
		if (count_command(records, command) > 0)
			return TRUE;
		if (g_get_monotonic_time() >= give_up)
			return FALSE;
		g_usleep(10 * G_TIME_SPAN_MILLISECOND);
	}
}

/* The waiting dialog is open and the host blocked waiting for a card. */
static gboolean
await_waiting_dialog(const char *log)
{
	return await_dialog(log, "CONFIRM") && sim_pcsc_await_wait(1, CARD_WAIT_S * 1000);
}

/* Puts the card in once the waiting dialog is open and the host waits for a card. */
static gpointer
insert_while_waiting(gpointer data)
{
	Inserter *inserter = data;
	gboolean seen = await_waiting_dialog(inserter->log);
	sim_pcsc_insert_card(READER, inserter->card);
	return GINT_TO_POINTER(seen);
}

static void
test_waits_for_a_card_then_authenticates(void **state)
{
	Fixture *fixture = *state;
	take_card_out();
	/* The waiting dialog stays open until the host closes it. */
	g_setenv("FAKE_PINENTRY_HANG_ON", "CONFIRM", TRUE);
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	Inserter inserter = {.log = fixture->log, .card = card_with("adult")};
	GThread *thread = g_thread_new("insert", insert_while_waiting, &inserter);
	g_autofree char *json = authenticate_json();
	g_autoptr(GError) error = NULL;
	int tries_left = 0;
	g_autoptr(json_t) token = run(fixture, json, &tries_left, &error);
	/* The card came while the dialog was open and the host waiting, not before. */
	assert_true(GPOINTER_TO_INT(g_thread_join(thread)));
	if (token == NULL)
		fail_msg("authenticate failed: %s", error->message);
	assert_token_verifies(token);

	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	int waiting_at = index_of(records, "CONFIRM --one-button");
	assert_true(waiting_at >= 0);
	const char *waiting_text = nth_argument(records, "SETDESC", 0);
	assert_contains(waiting_text, ORIGIN);
	assert_contains(waiting_text, "Place your My Number Card");
	assert_string_equal(nth_argument(records, "SETOK", 0), "Cancel");
	/* Then the PIN dialog, after the waiting one, which the host closed. */
	assert_true(index_of(records, "GETPIN") > waiting_at);
	assert_no_dialog_process_left();
}

static void
test_cancel_in_the_waiting_dialog_is_cancelled_promptly(void **state)
{
	Fixture *fixture = *state;
	take_card_out();
	/* The one button is "cancel": however the dialog ends without the host closing it
	 * (an "OK" answer or the cancel error), the user gave up. */
	const char *answers[] = {"cancel", NULL};
	for (guint i = 0; i < G_N_ELEMENTS(answers); i++) {
		g_unlink(fixture->log);
		if (answers[i] != NULL)
			g_setenv("FAKE_PINENTRY_CONFIRM", answers[i], TRUE);
		else
			g_unsetenv("FAKE_PINENTRY_CONFIRM");
		gint64 start = g_get_monotonic_time();
		g_autofree char *json = authenticate_json();
		run_fails(fixture, json, JPKI_ERROR_CANCELLED);
		gint64 elapsed = g_get_monotonic_time() - start;
		if (elapsed >= PROMPT_US)
			fail_msg("answer %s: cancelled after %" G_GINT64_FORMAT " ms",
				 answers[i] != NULL ? answers[i] : "OK",
				 elapsed / G_TIME_SPAN_MILLISECOND);
		g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
		assert_true(index_of(records, "CONFIRM --one-button") >= 0);
		assert_int_equal(count_command(records, "GETPIN"), 0);
	}
	assert_int_equal(pins_sent(), 0);
}

/* ---- the signing certificate and signatures ---- */

static void
test_child_card_has_no_signing_certificate_and_asks_nothing(void **state)
{
	Fixture *fixture = *state;
	replace_card("child");
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	g_autofree char *json = request_json("get-signing-certificate", NULL);
	run_fails(fixture, json, JPKI_ERROR_NO_SIGNING_CERTIFICATE);
	/* The host learns it from the password's status, before any dialog. */
	assert_no_dialog(fixture);
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
	assert_int_equal(pins_sent(), 0);
}

static void
test_get_signing_certificate_returns_the_card_certificate(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	g_autofree char *json = request_json("get-signing-certificate", NULL);
	g_autoptr(json_t) reply = run_ok(fixture, json);
	g_autoptr(GBytes) certificate = base64_field(reply, "certificate");
	g_autoptr(GBytes) expected = test_pki_load_der("sign-valid.pem");
	assert_true(g_bytes_equal(certificate, expected));

	json_t *algorithms = json_object_get(reply, "supportedSignatureAlgorithms");
	assert_true(json_is_array(algorithms));
	assert_int_equal(json_array_size(algorithms), 3);
	const char *hashes[] = {"SHA-256", "SHA-384", "SHA-512"};
	for (guint i = 0; i < G_N_ELEMENTS(hashes); i++) {
		json_t *algorithm = json_array_get(algorithms, i);
		assert_string_equal(
			json_string_value(json_object_get(algorithm, "cryptoAlgorithm")), "RSA");
		assert_string_equal(json_string_value(json_object_get(algorithm, "hashFunction")),
				    hashes[i]);
		assert_string_equal(json_string_value(json_object_get(algorithm, "paddingScheme")),
				    "PKCS1.5");
	}

	/* The dialog says the certificate holds personal data, and which secret is asked. */
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	const char *description = nth_argument(records, "SETDESC", 0);
	assert_contains(description, ORIGIN);
	assert_contains(description, "name, address, date of birth and sex");
	assert_contains(
		description,
		"signing password (6-16 characters of A-Z and 0-9, with both letters and digits)");
	assert_contains(description, "5 tries left");
}

static void
test_sign_makes_a_signature_over_the_digest_info(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	const struct {
		const char *name;
		GChecksumType type;
		const EVP_MD *(*md)(void);
	} cases[] = {
		{"SHA-256", G_CHECKSUM_SHA256, EVP_sha256},
		{"SHA-384", G_CHECKSUM_SHA384, EVP_sha384},
		{"SHA-512", G_CHECKSUM_SHA512, EVP_sha512},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GBytes) hash = hash_of(cases[i].type, "a contract");
		g_autofree char *json = sign_json(cases[i].name, hash, "sign-valid.pem");
		g_autoptr(json_t) reply = run_ok(fixture, json);
		g_autoptr(GBytes) signature = base64_field(reply, "signature");
		assert_signature_of_hash(signature, "sign-valid.pem", cases[i].md(), hash);
		json_t *algorithm = json_object_get(reply, "signatureAlgorithm");
		assert_string_equal(json_string_value(json_object_get(algorithm, "hashFunction")),
				    cases[i].name);
		assert_string_equal(json_string_value(json_object_get(algorithm, "paddingScheme")),
				    "PKCS1.5");
	}
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), G_N_ELEMENTS(cases));
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_SIGN), 5);
}

static void
test_sign_with_another_certificate_is_a_mismatch(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	/* The same key, but not the certificate the card holds. */
	g_autoptr(GBytes) hash = hash_of(G_CHECKSUM_SHA256, "a contract");
	g_autofree char *json = sign_json("SHA-256", hash, "sign-renewal.pem");
	run_fails(fixture, json, JPKI_ERROR_CERTIFICATE_MISMATCH);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
}

static void
test_sign_cms_verifies_against_the_signing_ca(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	g_autoptr(GBytes) digest = hash_of(G_CHECKSUM_SHA256, "an application form");
	g_autofree char *json = sign_cms_json(digest);
	g_autoptr(json_t) reply = run_ok(fixture, json);
	g_autoptr(GBytes) cms = base64_field(reply, "cms");
	g_autoptr(GBytes) certificate = base64_field(reply, "certificate");
	g_autoptr(GBytes) expected = test_pki_load_der("sign-valid.pem");
	assert_true(g_bytes_equal(certificate, expected));

	g_autoptr(JpkiTrustStore) store = store_of("sign-ca.pem");
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiCmsSignerInfo) info = jpki_cms_verify_detached_digest(
		cms, JPKI_HASH_SHA256, digest, jpki_trust_store_get_x509_store(store), &error);
	if (info == NULL)
		fail_msg("the CMS does not verify: %s", error->message);
	g_autoptr(X509) card_cert = test_pki_load_x509("sign-valid.pem");
	assert_int_equal(X509_cmp(info->signer, card_cert), 0);
	assert_non_null(info->signing_time);
	/* The request's origin (the browser's) is signed in, for the portal to check. */
	assert_string_equal(info->origin, ORIGIN);

	/* One password prompt for the certificate and the signature. */
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "GETPIN"), 1);
}

/* The signature's PIN dialog: the site on its own line, then the 照合コード of
 * this digest for this origin, which the portal shows next to the document. */
static void
test_signature_dialog_shows_the_site_and_the_verification_code(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	g_autoptr(GBytes) digest = hash_of(G_CHECKSUM_SHA256, "an application form");
	g_autofree char *json = sign_cms_json(digest);
	g_autoptr(json_t) reply = run_ok(fixture, json);
	g_autofree char *code = jpki_verification_code(ORIGIN, g_bytes_get_data(digest, NULL),
						       g_bytes_get_size(digest));
	g_autofree char *code_line = g_strdup_printf("\nVerification code: %s\n", code);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	const char *description = nth_argument(records, "SETDESC", 0);
	assert_true(g_str_has_prefix(description, "Site: example.jp\n(" ORIGIN ")\n"));
	assert_contains(description, code_line);
	assert_contains(description, "same code next to the document");
}

static void
test_raw_signature_dialog_in_japanese_shows_the_site_and_the_verification_code(void **state)
{
	Fixture *fixture = *state;
	fixture->config->lang = JPKI_LANG_JA;
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	g_autoptr(GBytes) hash = hash_of(G_CHECKSUM_SHA384, "an application form");
	g_autofree char *json = sign_json("SHA-384", hash, "sign-valid.pem");
	g_autoptr(json_t) reply = run_ok(fixture, json);
	g_autofree char *code = jpki_verification_code(ORIGIN, g_bytes_get_data(hash, NULL),
						       g_bytes_get_size(hash));
	g_autofree char *code_line = g_strdup_printf("\n照合コード: %s\n", code);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	const char *description = nth_argument(records, "SETDESC", 0);
	assert_true(g_str_has_prefix(description, "サイト: example.jp\n（" ORIGIN "）\n"));
	assert_contains(description, code_line);
	assert_contains(description, "文書の横に表示している照合コード");
}

/* Only a signature has a document to compare: a login dialog has no code. */
static void
test_login_dialog_has_no_verification_code(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = authenticate_json();
	g_autoptr(json_t) token = run_ok(fixture, json);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	const char *description = nth_argument(records, "SETDESC", 0);
	assert_true(g_str_has_prefix(description, "Site: example.jp\n"));
	assert_null(strstr(description, "Verification code"));
}

/* A long host that starts with a trusted name: the dialog names the site it
 * really is, and the trusted name on the left is cut away. */
static void
test_dialog_of_a_look_alike_host_names_its_registrable_domain(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	const char *json =
		"{\"command\": \"authenticate\", \"arguments\": {\"origin\": "
		"\"https://www.myna.go.jp.login-secure-check.example.com\", \"challengeNonce\": "
		"\"" NONCE "\"}}";
	g_autoptr(json_t) token = run_ok(fixture, json);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	const char *description = nth_argument(records, "SETDESC", 0);
	assert_true(g_str_has_prefix(
		description, "Site: example.com\n(https://…login-secure-check.example.com)\n"));
	assert_null(strstr(description, "go.jp"));
}

static void
test_expired_signing_certificate_signs_nothing(void **state)
{
	Fixture *fixture = *state;
	replace_card("sign-expired");
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	g_autoptr(GBytes) digest = hash_of(G_CHECKSUM_SHA256, "an application form");
	g_autofree char *cms_json = sign_cms_json(digest);
	run_fails(fixture, cms_json, JPKI_ERROR_CERTIFICATE_EXPIRED);
	g_autofree char *sign = sign_json("SHA-256", digest, "sign-expired.pem");
	run_fails(fixture, sign, JPKI_ERROR_CERTIFICATE_EXPIRED);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
}

static void
test_expired_authentication_certificate_asks_no_pin(void **state)
{
	Fixture *fixture = *state;
	g_autoptr(GBytes) expired = test_pki_load_der("auth-expired.pem");
	sim_card_set_binary(sim(), SIM_AP_JPKI, 0x000A, expired, -1);
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = authenticate_json();
	run_fails(fixture, json, JPKI_ERROR_CERTIFICATE_EXPIRED);
	/* The certificate is public: its date is known before any PIN is asked for or sent. */
	assert_no_dialog(fixture);
	assert_int_equal(pins_sent(), 0);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
}

/* ---- read-attributes ---- */

static void
test_read_attributes_after_consent_and_pin(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = request_json("read-attributes", NULL);
	g_autoptr(json_t) reply = run_ok(fixture, json);
	assert_string_equal(json_string_value(json_object_get(reply, "name")), "テスト　太郎");
	assert_string_equal(json_string_value(json_object_get(reply, "address")),
			    "東京都千代田区霞が関２丁目１番２号　テスト");
	assert_string_equal(json_string_value(json_object_get(reply, "birthDate")), "19900101");
	assert_string_equal(json_string_value(json_object_get(reply, "sex")), "1");
	assert_int_equal(json_object_size(reply), 4);

	/* Consent first, then the card input support PIN. */
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	int consent_at = index_of(records, "CONFIRM");
	assert_true(consent_at >= 0);
	assert_true(index_of(records, "GETPIN") > consent_at);
	assert_contains(nth_argument(records, "SETDESC", 1), "card input support PIN (4 digits)");
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_SUPPORT), 3);
}

static void
test_refused_consent_asks_no_pin_and_sends_nothing(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_CONFIRM", "cancel", TRUE);
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autofree char *json = request_json("read-attributes", NULL);
	run_fails(fixture, json, JPKI_ERROR_CANCELLED);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "CONFIRM"), 1);
	assert_int_equal(count_command(records, "GETPIN"), 0);
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
	assert_int_equal(pins_sent(), 0);
}

static void
test_consent_dialog_names_the_origin_and_the_attributes(void **state)
{
	Fixture *fixture = *state;
	fixture->config->lang = JPKI_LANG_JA;
	g_setenv("FAKE_PINENTRY_CONFIRM", "cancel", TRUE);
	g_autofree char *json = request_json("read-attributes", NULL);
	run_fails(fixture, json, JPKI_ERROR_CANCELLED);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	const char *description = nth_argument(records, "SETDESC", 0);
	assert_contains(description, ORIGIN);
	const char *attributes[] = {"氏名", "住所", "生年月日", "性別"};
	for (guint i = 0; i < G_N_ELEMENTS(attributes); i++)
		assert_contains(description, attributes[i]);
	assert_string_equal(nth_argument(records, "SETOK", 0), "提供する");
}

/* ---- the browser leaving, and status ---- */

typedef struct {
	JpkiCancel *cancel;
	const char *log;
	gboolean waiting_dialog; /* else the PIN dialog */
	gint64 cancelled_at;
} Canceller;

/* The browser leaves once the dialog is open (and, for the waiting dialog, the host waits for
 * a card); returns whether that was seen. */
static gpointer
cancel_once_open(gpointer data)
{
	Canceller *canceller = data;
	gboolean seen = canceller->waiting_dialog ? await_waiting_dialog(canceller->log)
						  : await_dialog(canceller->log, "GETPIN");
	canceller->cancelled_at = g_get_monotonic_time();
	jpki_cancel_cancel(canceller->cancel);
	return GINT_TO_POINTER(seen);
}

static void
test_a_cancel_closes_a_hanging_pin_dialog(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_HANG_ON", "GETPIN", TRUE);
	Canceller canceller = {.cancel = fixture->cancel, .log = fixture->log};
	GThread *thread = g_thread_new("cancel", cancel_once_open, &canceller);
	g_autofree char *json = authenticate_json();
	g_autoptr(GError) error = NULL;
	int tries_left = 0;
	g_autoptr(json_t) reply = run(fixture, json, &tries_left, &error);
	gint64 returned_at = g_get_monotonic_time();
	assert_true(GPOINTER_TO_INT(g_thread_join(thread)));
	assert_null(reply);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CANCELLED));
	assert_int_equal(tries_left, -1);
	gint64 took = returned_at - canceller.cancelled_at;
	if (took >= PROMPT_US)
		fail_msg("returned %" G_GINT64_FORMAT " ms after the cancel",
			 took / G_TIME_SPAN_MILLISECOND);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "GETPIN"), 1);
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
	assert_int_equal(pins_sent(), 0);
	assert_no_dialog_process_left();
}

static void
test_browser_leaving_ends_the_wait_for_a_card(void **state)
{
	Fixture *fixture = *state;
	take_card_out();
	g_setenv("FAKE_PINENTRY_HANG_ON", "CONFIRM", TRUE);
	Canceller canceller = {
		.cancel = fixture->cancel, .log = fixture->log, .waiting_dialog = TRUE};
	GThread *thread = g_thread_new("cancel", cancel_once_open, &canceller);
	g_autofree char *json = authenticate_json();
	g_autoptr(GError) error = NULL;
	int tries_left = 0;
	g_autoptr(json_t) reply = run(fixture, json, &tries_left, &error);
	gint64 returned_at = g_get_monotonic_time();
	assert_true(GPOINTER_TO_INT(g_thread_join(thread)));
	assert_null(reply);
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_CANCELLED));
	gint64 took = returned_at - canceller.cancelled_at;
	if (took >= PROMPT_US)
		fail_msg("returned %" G_GINT64_FORMAT " ms after the cancel",
			 took / G_TIME_SPAN_MILLISECOND);
	assert_no_dialog_process_left();
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "GETPIN"), 0);
	assert_int_equal(pins_sent(), 0);
}

static void
test_no_card_in_time_is_a_timeout(void **state)
{
	Fixture *fixture = *state;
	take_card_out();
	fixture->config->card_wait_s = 1;
	g_setenv("FAKE_PINENTRY_HANG_ON", "CONFIRM", TRUE);
	gint64 start = g_get_monotonic_time();
	g_autofree char *json = authenticate_json();
	run_fails(fixture, json, JPKI_ERROR_TIMEOUT);
	gint64 elapsed = g_get_monotonic_time() - start;
	assert_true(elapsed >= 900 * G_TIME_SPAN_MILLISECOND);
	assert_true(elapsed < 5 * G_TIME_SPAN_SECOND);
	/* The waiting dialog did not outlive the wait. */
	assert_no_dialog_process_left();
}

static void
test_cancel_before_the_wait_for_a_card_is_not_lost(void **state)
{
	Fixture *fixture = *state;
	take_card_out();
	fixture->config->card_wait_s = 30;
	g_setenv("FAKE_PINENTRY_HANG_ON", "CONFIRM", TRUE);
	jpki_cancel_cancel(fixture->cancel);
	gint64 start = g_get_monotonic_time();
	g_autofree char *json = authenticate_json();
	run_fails(fixture, json, JPKI_ERROR_CANCELLED);
	assert_true(g_get_monotonic_time() - start < PROMPT_US);
}

static void
test_a_broken_pinentry_is_not_taken_for_a_cancel_while_waiting(void **state)
{
	Fixture *fixture = *state;
	take_card_out();
	fixture->config->card_wait_s = 1;
	g_free(fixture->config->pinentry);
	fixture->config->pinentry = g_strdup("/nonexistent/pinentry");
	g_autofree char *json = authenticate_json();
	/* No dialog could be shown: the host waited the whole time instead of giving up. */
	run_fails(fixture, json, JPKI_ERROR_TIMEOUT);
}

static void
test_status_reports_the_card_without_a_dialog(void **state)
{
	Fixture *fixture = *state;
	g_autofree char *json = request_json("status", NULL);
	g_autoptr(json_t) reply = run_ok(fixture, json);
	json_t *card = json_object_get(reply, "card");
	assert_string_equal(json_string_value(json_object_get(card, "type")), "mynumber");
	assert_string_equal(json_string_value(json_object_get(card, "reader")), READER);
	json_t *readers = json_object_get(reply, "readers");
	assert_int_equal(json_array_size(readers), 1);
	assert_string_equal(json_string_value(json_array_get(readers, 0)), READER);
	json_t *auth_pin = json_object_get(json_object_get(reply, "pins"), "auth");
	assert_int_equal(json_integer_value(json_object_get(auth_pin, "triesLeft")), 3);
	assert_int_equal(json_integer_value(json_object_get(auth_pin, "maxTries")), 3);
	json_t *sign_pin = json_object_get(json_object_get(reply, "pins"), "sign");
	assert_int_equal(json_integer_value(json_object_get(sign_pin, "triesLeft")), 5);
	json_t *certificates = json_object_get(reply, "certificates");
	json_t *auth_cert = json_object_get(certificates, "auth");
	assert_string_equal(json_string_value(json_object_get(auth_cert, "validity")), "valid");
	assert_true(json_is_true(json_object_get(auth_cert, "present")));
	assert_true(
		json_is_true(json_object_get(json_object_get(certificates, "sign"), "present")));
	assert_no_dialog(fixture);
	/* Asking costs no try, and sends no PIN. */
	assert_int_equal(sim_card_get_tries_left(sim(), SIM_SECRET_AUTH), 3);
	assert_int_equal(pins_sent(), 0);
}

static void
test_status_tells_a_child_card_and_the_renewal_window(void **state)
{
	Fixture *fixture = *state;
	g_autofree char *json = request_json("status", NULL);
	replace_card("child");
	g_autoptr(json_t) child = run_ok(fixture, json);
	json_t *certificates = json_object_get(child, "certificates");
	assert_true(
		json_is_false(json_object_get(json_object_get(certificates, "sign"), "present")));
	assert_null(json_object_get(json_object_get(child, "pins"), "sign"));

	replace_card("renewal");
	g_autoptr(json_t) renewal = run_ok(fixture, json);
	json_t *auth = json_object_get(json_object_get(renewal, "certificates"), "auth");
	assert_string_equal(json_string_value(json_object_get(auth, "validity")), "renewal-window");
	assert_no_dialog(fixture);
}

/* A card without a certificate: status says so, and the operation that needs
 * it fails with its own code before any dialog or VERIFY (never card-error,
 * never "0/5 locked"). */
static void
test_missing_certificates_are_reported_not_locked(void **state)
{
	Fixture *fixture = *state;
	g_autofree char *status = request_json("status", NULL);
	replace_card("no-auth-cert");
	g_autoptr(json_t) no_auth = run_ok(fixture, status);
	json_t *certificates = json_object_get(no_auth, "certificates");
	assert_true(
		json_is_false(json_object_get(json_object_get(certificates, "auth"), "present")));
	assert_true(
		json_is_true(json_object_get(json_object_get(certificates, "sign"), "present")));
	assert_null(json_object_get(json_object_get(no_auth, "pins"), "auth"));
	g_autofree char *login = authenticate_json();
	run_fails(fixture, login, JPKI_ERROR_NO_AUTH_CERTIFICATE);
	assert_no_dialog(fixture);
	/* Only the status queries of sign and support: none for auth, no PIN. */
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 2);

	replace_card("no-sign-cert");
	g_autoptr(json_t) no_sign = run_ok(fixture, status);
	certificates = json_object_get(no_sign, "certificates");
	assert_true(
		json_is_false(json_object_get(json_object_get(certificates, "sign"), "present")));
	assert_null(json_object_get(json_object_get(no_sign, "pins"), "sign"));
	g_autofree char *read_sign = request_json("get-signing-certificate", NULL);
	run_fails(fixture, read_sign, JPKI_ERROR_NO_SIGNING_CERTIFICATE);
	assert_no_dialog(fixture);
}

static void
test_status_without_a_card_is_no_card_at_once(void **state)
{
	Fixture *fixture = *state;
	take_card_out();
	gint64 start = g_get_monotonic_time();
	g_autofree char *json = request_json("status", NULL);
	run_fails(fixture, json, JPKI_ERROR_NO_CARD);
	assert_true(g_get_monotonic_time() - start < 5 * G_TIME_SPAN_SECOND);
	assert_no_dialog(fixture);
}

/* ---- the マイナポータルAP protocol (docs/mynaportal.md) ---- */

/* The simulated card's manufacture number (sim_profile.c: serial 990000000000001). */
#define SIM_MANUFACTURE_NUMBER "0000000000001"

/* The reply's uuid is the kept installation id, and its combinationCode that of
 * the simulated card with it. */
static void
assert_portal_identity(const Fixture *fixture, json_t *reply)
{
	guint8 id[JPKI_INSTALLATION_ID_LEN];
	assert_true(bridge_installation_id_load(fixture->dir, id, NULL));
	g_autofree char *hex = NULL;
	g_autofree char *path = bridge_installation_id_path(fixture->dir);
	assert_true(g_file_get_contents(path, &hex, NULL, NULL));
	hex[32] = '\0';
	assert_string_equal(json_string_value(json_object_get(reply, "uuid")), hex);
	g_autofree char *code = jpki_combination_code(SIM_MANUFACTURE_NUMBER, id);
	assert_string_equal(json_string_value(json_object_get(reply, "combinationCode")), code);
}

/* `signature` is RSA PKCS#1 v1.5 over exactly `signed_bytes` with the key of `cert_file`. */
static void
assert_signature_of_bytes(GBytes *signature, const char *cert_file, GBytes *signed_bytes)
{
	g_autoptr(EVP_PKEY) key = test_pki_load_public_key(cert_file);
	g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new(key, NULL);
	assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
	assert_int_equal(EVP_PKEY_verify(ctx, g_bytes_get_data(signature, NULL),
					 g_bytes_get_size(signature),
					 g_bytes_get_data(signed_bytes, NULL),
					 g_bytes_get_size(signed_bytes)),
			 1);
}

static char *
portal_login_json(const char *origin, GBytes *to_be_signed)
{
	g_autofree char *encoded = g_base64_encode(g_bytes_get_data(to_be_signed, NULL),
						   g_bytes_get_size(to_be_signed));
	return g_strdup_printf("{\"command\": \"portal-login\", \"arguments\": {\"origin\": "
			       "\"%s\", \"toBeSigned\": \"%s\"}}",
			       origin, encoded);
}

static void
test_portal_login_signs_the_portal_bytes_as_given_with_the_auth_key(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autoptr(GBytes) challenge = hash_of(G_CHECKSUM_SHA256, "portal challenge");
	g_autofree char *json = portal_login_json(ORIGIN, challenge);
	g_autoptr(json_t) reply = run_ok(fixture, json);
	assert_int_equal(json_object_size(reply), 4);
	g_autoptr(GBytes) signature = base64_field(reply, "signature");
	assert_signature_of_bytes(signature, "auth-valid.pem", challenge);
	g_autoptr(GBytes) certificate = base64_field(reply, "certificate");
	g_autoptr(GBytes) expected = test_pki_load_der("auth-valid.pem");
	assert_true(g_bytes_equal(certificate, expected));
	assert_portal_identity(fixture, reply);

	/* The dialog names the portal and asks the authentication PIN. */
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "GETPIN"), 1);
	assert_contains(nth_argument(records, "SETDESC", 0), ORIGIN);

	/* A second login gives the same uuid and combination code. */
	g_autoptr(json_t) again = run_ok(fixture, json);
	assert_string_equal(json_string_value(json_object_get(again, "combinationCode")),
			    json_string_value(json_object_get(reply, "combinationCode")));
}

static void
test_portal_commands_from_another_origin_reach_neither_dialog_nor_card(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autoptr(GBytes) challenge = hash_of(G_CHECKSUM_SHA256, "relayed challenge");
	g_autofree char *login = portal_login_json(OTHER_ORIGIN, challenge);
	g_autofree char *sign = g_strdup_printf(
		"{\"command\": \"portal-sign\", \"arguments\": {\"origin\": \"" OTHER_ORIGIN
		"\", \"digests\": [\"%s\"]}}",
		"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
	const char *attributes = "{\"command\": \"portal-attributes\", \"arguments\": "
				 "{\"origin\": \"" OTHER_ORIGIN "\"}}";
	const char *requests[] = {login, sign, attributes};
	for (guint i = 0; i < G_N_ELEMENTS(requests); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(json_t) reply = run(fixture, requests[i], NULL, &error);
		assert_null(reply);
		assert_true(g_error_matches(error, BRIDGE_ERROR, BRIDGE_ERROR_NOT_A_PORTAL));
	}
	assert_no_dialog(fixture);
	assert_int_equal(sim_card_count_commands(sim(), INS_VERIFY), 0);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
	/* Nor is an installation id made for it. */
	g_autofree char *path = bridge_installation_id_path(fixture->dir);
	assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void
test_portal_sign_asks_one_password_for_every_digest(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "ABC123", TRUE);
	g_autoptr(GBytes) first = hash_of(G_CHECKSUM_SHA256, "application form");
	g_autoptr(GBytes) second = hash_of(G_CHECKSUM_SHA256, "attachment");
	g_autofree char *first64 =
		g_base64_encode(g_bytes_get_data(first, NULL), g_bytes_get_size(first));
	g_autofree char *second64 =
		g_base64_encode(g_bytes_get_data(second, NULL), g_bytes_get_size(second));
	g_autofree char *json =
		g_strdup_printf("{\"command\": \"portal-sign\", \"arguments\": {\"origin\": "
				"\"" ORIGIN "\", \"digests\": [\"%s\", \"%s\"]}}",
				first64, second64);
	g_autoptr(json_t) reply = run_ok(fixture, json);
	json_t *signatures = json_object_get(reply, "signatures");
	assert_int_equal(json_array_size(signatures), 2);
	GBytes *digests[] = {first, second};
	for (guint i = 0; i < 2; i++) {
		const char *text = json_string_value(json_array_get(signatures, i));
		gsize len = 0;
		guchar *decoded = g_base64_decode(text, &len);
		g_autoptr(GBytes) signature = g_bytes_new_take(decoded, len);
		assert_signature_of_bytes(signature, "sign-valid.pem", digests[i]);
	}
	g_autoptr(GBytes) certificate = base64_field(reply, "certificate");
	g_autoptr(GBytes) expected = test_pki_load_der("sign-valid.pem");
	assert_true(g_bytes_equal(certificate, expected));
	assert_portal_identity(fixture, reply);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_int_equal(count_command(records, "GETPIN"), 1);
	assert_int_equal(pins_sent(), 1);
}

static void
test_portal_attributes_are_the_hex_of_their_utf8_bytes(void **state)
{
	Fixture *fixture = *state;
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autoptr(json_t) reply =
		run_ok(fixture, "{\"command\": \"portal-attributes\", \"arguments\": "
				"{\"origin\": \"" ORIGIN "\"}}");
	/* テスト　太郎 in UTF-8, as `printf 'テスト　太郎' | xxd -p` writes it. */
	assert_string_equal(json_string_value(json_object_get(reply, "name")),
			    "e38386e382b9e38388e38080e5a4aae9838e");
	assert_string_equal(json_string_value(json_object_get(reply, "sex")), "31");
	assert_string_equal(json_string_value(json_object_get(reply, "birthday")),
			    "3139393030313031");
	assert_non_null(json_string_value(json_object_get(reply, "address")));
	assert_portal_identity(fixture, reply);
	g_autoptr(GPtrArray) records = fake_pinentry_log_read(fixture->log);
	assert_true(index_of(records, "CONFIRM") >= 0);
}

static void
test_portal_login_with_a_blocked_pin_asks_nothing(void **state)
{
	Fixture *fixture = *state;
	replace_card("auth-locked");
	g_setenv("FAKE_PINENTRY_PIN", "1234", TRUE);
	g_autoptr(GBytes) challenge = hash_of(G_CHECKSUM_SHA256, "portal challenge");
	g_autofree char *json = portal_login_json(ORIGIN, challenge);
	run_fails(fixture, json, JPKI_ERROR_PIN_BLOCKED);
	assert_no_dialog(fixture);
	assert_int_equal(pins_sent(), 0);
	assert_int_equal(sim_card_count_commands(sim(), INS_SIGN), 0);
}

static void
test_portal_origins_are_the_shipped_ones_and_host_conf_additions(void **state)
{
	Fixture *fixture = *state;
	/* The tests' own host.conf (main()), with two origins added for this test only. */
	g_autofree char *conf =
		g_build_filename(g_get_user_config_dir(), "jpki-bridge", "host.conf", NULL);
	g_autofree char *saved = NULL;
	assert_true(g_file_get_contents(conf, &saved, NULL, NULL));
	g_autofree char *added = g_strconcat(
		saved, "portal-origins=https://localhost:8443;https://x.example\n", NULL);
	assert_true(g_file_set_contents(conf, added, -1, NULL));
	g_autoptr(BridgeConfig) config = bridge_config_load();
	assert_true(g_file_set_contents(conf, saved, -1, NULL));
	assert_true(bridge_config_is_portal_origin(config, "https://myna.go.jp"));
	assert_true(bridge_config_is_portal_origin(config, "https://localhost:8443"));
	assert_false(bridge_config_is_portal_origin(config, "https://localhost"));
	assert_false(bridge_config_is_portal_origin(config, "https://evil.myna.go.jp.example"));

	g_autoptr(json_t) reply = run_ok(fixture, "{\"command\": \"portal-origins\", "
						  "\"arguments\": {}}");
	json_t *origins = json_object_get(reply, "origins");
	assert_int_equal(json_array_size(origins), 1);
	assert_string_equal(json_string_value(json_array_get(origins, 0)), ORIGIN);
}

#define COMMAND_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	/* No host.conf of the user's: the settings are the tests' own, and the test variables
	 * (JPKI_PINENTRY: the scripted pinentry) are switched on there. */
	g_autofree char *config_home = g_dir_make_tmp("test-bridge-commands-config-XXXXXX", NULL);
	g_setenv("XDG_CONFIG_HOME", config_home, TRUE);
	g_autofree char *config_dir = g_build_filename(config_home, "jpki-bridge", NULL);
	g_autofree char *host_conf = g_build_filename(config_dir, "host.conf", NULL);
	if (g_mkdir_with_parents(config_dir, 0700) != 0 ||
	    !g_file_set_contents(host_conf, "[host]\ntest-variables=true\n", -1, NULL))
		return 1;
	g_unsetenv("JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK");
	g_unsetenv("JPKI_BRIDGE_CARD_WAIT_SECONDS");

	const struct CMUnitTest tests[] = {
		COMMAND_TEST(test_authenticate_gives_a_token_bound_to_the_origin),
		COMMAND_TEST(test_portal_login_signs_the_portal_bytes_as_given_with_the_auth_key),
		COMMAND_TEST(
			test_portal_commands_from_another_origin_reach_neither_dialog_nor_card),
		COMMAND_TEST(test_portal_sign_asks_one_password_for_every_digest),
		COMMAND_TEST(test_portal_attributes_are_the_hex_of_their_utf8_bytes),
		COMMAND_TEST(test_portal_login_with_a_blocked_pin_asks_nothing),
		COMMAND_TEST(test_portal_origins_are_the_shipped_ones_and_host_conf_additions),
		COMMAND_TEST(test_pin_dialog_names_origin_tries_and_rule_in_english),
		COMMAND_TEST(test_pin_dialog_in_japanese),
		COMMAND_TEST(test_wrong_then_right_pin_succeeds_and_resets_the_counter),
		COMMAND_TEST(test_wrong_then_cancel_is_pin_incorrect_with_tries_left),
		COMMAND_TEST(test_cancel_at_once_is_cancelled_and_costs_no_try),
		COMMAND_TEST(test_wrong_format_pin_is_asked_again_and_never_sent),
		COMMAND_TEST(test_signing_password_without_letters_and_digits_is_never_sent),
		COMMAND_TEST(test_blocked_pin_is_refused_without_a_dialog),
		COMMAND_TEST(test_a_pin_dialog_that_cannot_be_shown_is_dialog_failed),
		COMMAND_TEST(test_three_wrong_pins_block_the_pin),
		COMMAND_TEST(test_card_removed_after_verify_is_card_removed),
		COMMAND_TEST(test_status_sends_the_fewest_apdus),
		COMMAND_TEST(test_authenticate_sends_the_fewest_apdus),
		COMMAND_TEST(test_sign_cms_sends_the_fewest_apdus),
		COMMAND_TEST(
			test_a_reset_by_another_program_before_the_pin_starts_again_and_costs_no_try),
		COMMAND_TEST(
			test_a_reset_after_the_pin_is_card_reset_and_the_pin_is_not_sent_again),
		COMMAND_TEST(
			test_status_leaves_the_card_to_other_programs_and_a_login_powers_it_off),
		COMMAND_TEST(test_waits_for_a_card_then_authenticates),
		COMMAND_TEST(test_cancel_in_the_waiting_dialog_is_cancelled_promptly),
		COMMAND_TEST(test_child_card_has_no_signing_certificate_and_asks_nothing),
		COMMAND_TEST(test_get_signing_certificate_returns_the_card_certificate),
		COMMAND_TEST(test_sign_makes_a_signature_over_the_digest_info),
		COMMAND_TEST(test_sign_with_another_certificate_is_a_mismatch),
		COMMAND_TEST(test_sign_cms_verifies_against_the_signing_ca),
		COMMAND_TEST(test_signature_dialog_shows_the_site_and_the_verification_code),
		COMMAND_TEST(
			test_raw_signature_dialog_in_japanese_shows_the_site_and_the_verification_code),
		COMMAND_TEST(test_login_dialog_has_no_verification_code),
		COMMAND_TEST(test_dialog_of_a_look_alike_host_names_its_registrable_domain),
		COMMAND_TEST(test_expired_signing_certificate_signs_nothing),
		COMMAND_TEST(test_expired_authentication_certificate_asks_no_pin),
		COMMAND_TEST(test_read_attributes_after_consent_and_pin),
		COMMAND_TEST(test_refused_consent_asks_no_pin_and_sends_nothing),
		COMMAND_TEST(test_consent_dialog_names_the_origin_and_the_attributes),
		COMMAND_TEST(test_a_cancel_closes_a_hanging_pin_dialog),
		COMMAND_TEST(test_browser_leaving_ends_the_wait_for_a_card),
		COMMAND_TEST(test_no_card_in_time_is_a_timeout),
		COMMAND_TEST(test_cancel_before_the_wait_for_a_card_is_not_lost),
		COMMAND_TEST(test_a_broken_pinentry_is_not_taken_for_a_cancel_while_waiting),
		COMMAND_TEST(test_status_reports_the_card_without_a_dialog),
		COMMAND_TEST(test_status_tells_a_child_card_and_the_renewal_window),
		COMMAND_TEST(test_missing_certificates_are_reported_not_locked),
		COMMAND_TEST(test_status_without_a_card_is_no_card_at_once),
	};
	int failed = cmocka_run_group_tests_name("bridge_commands", tests, NULL, NULL);
	g_unlink(host_conf);
	g_rmdir(config_dir);
	g_rmdir(config_home);
	return failed;
}
