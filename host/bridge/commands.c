#include "commands.h"

#include "authtoken.h"
#include "cert.h"
#include "cms.h"
#include "common_ap.h"
#include "dialog.h"
#include "digestinfo.h"
#include "installation_id.h"
#include "jpki_ap.h"
#include "support_ap.h"
#include "verification_code.h"

#include <string.h>

/* jansson's own free, behind g_autoptr. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, json_decref)

#define APP_VERSION "https://github.com/jpki-bridge/jpki-bridge/releases/" JPKI_VERSION

/* One command's card and dialogs. */
typedef struct {
	const BridgeRequest *request;
	const BridgeConfig *config;
	JpkiCancel *cancel; /* the browser leaving */
	BridgeDialog dialog;
	JpkiContext *context;
	JpkiCard *card;
	guint cancel_handler;
	gint gave_up;         /* the user cancelled the waiting dialog (atomic) */
	int wrong_tries_left; /* after a wrong PIN the user did not retry */
} Session;

static void
cancel_context(gpointer context)
{
	jpki_context_cancel(context);
}

static void
session_clear(Session *session)
{
	if (session->cancel_handler != 0)
		jpki_cancel_disconnect(session->cancel, session->cancel_handler);
	if (session->card != NULL)
		jpki_card_end_transaction(session->card);
	g_clear_pointer(&session->card, jpki_card_free);
	g_clear_pointer(&session->context, jpki_context_free);
}

static void
user_gave_up(gpointer data)
{
	Session *session = data;
	g_atomic_int_set(&session->gave_up, 1);
	jpki_context_cancel(session->context);
}

/* Waits in short slices, so that a cancel that came between two waits (when
 * SCardCancel has nothing to interrupt) is still seen within a slice. */
#define WAIT_SLICE_MS 250

static gboolean
wait_for_card(Session *session, GError **error)
{
	gint64 deadline =
		g_get_monotonic_time() + (gint64)session->config->card_wait_s * G_TIME_SPAN_SECOND;
	for (;;) {
		if (g_atomic_int_get(&session->gave_up) ||
		    jpki_cancel_is_cancelled(session->cancel)) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CANCELLED,
					    "waiting for a card was cancelled");
			return FALSE;
		}
		gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
		if (left_ms <= 0) {
			g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_TIMEOUT,
					    "no card was placed on a reader in time");
			return FALSE;
		}
		g_autoptr(GError) local = NULL;
		if (jpki_context_wait_for_card(session->context, (guint)MIN(left_ms, WAIT_SLICE_MS),
					       &local))
			return TRUE;
		if (!g_error_matches(local, JPKI_ERROR, JPKI_ERROR_TIMEOUT) &&
		    !g_error_matches(local, JPKI_ERROR, JPKI_ERROR_CANCELLED)) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
	}
}

static gboolean
is_missing_card(const GError *error)
{
	return g_error_matches(error, JPKI_ERROR, JPKI_ERROR_NO_CARD) ||
	       g_error_matches(error, JPKI_ERROR, JPKI_ERROR_NO_READER);
}

/* The card; without one, a waiting dialog (with cancel) until a card comes. */
static gboolean
session_open_card(Session *session, gboolean wait, GError **error)
{
	session->context = jpki_context_new(error);
	if (session->context == NULL)
		return FALSE;
	if (session->cancel != NULL)
		session->cancel_handler =
			jpki_cancel_connect(session->cancel, cancel_context, session->context);
	g_autoptr(GError) local = NULL;
	session->card = jpki_ap_find_card(session->context, NULL, &local);
	if (session->card == NULL && wait && is_missing_card(local)) {
		g_clear_error(&local);
		BridgeWaiting *waiting =
			bridge_dialog_waiting_open(&session->dialog, user_gave_up, session);
		gboolean inserted = wait_for_card(session, &local);
		bridge_dialog_waiting_close(waiting);
		if (inserted)
			session->card = jpki_ap_find_card(session->context, NULL, &local);
	}
	if (session->card == NULL) {
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	return jpki_card_begin_transaction(session->card, error);
}

typedef gpointer (*PinAttempt)(Session *session, const JpkiPin *pin, guint *tries_left,
			       GError **error);

/* Asks for the PIN in the dialog and makes one attempt with it; after a wrong
 * PIN the dialog asks again, so each new try is the user's choice. Never asks
 * for a blocked PIN. Cancelling after a wrong PIN reports pin-incorrect. */
static gpointer
with_pin(Session *session, JpkiSecret secret, BridgePurpose purpose, PinAttempt attempt,
	 GError **error)
{
	guint tries = 0;
	if (!jpki_pin_query_before_asking(session->card, secret, &tries, error))
		return NULL;
	/* A wrong PIN leaves tries > 0: the try that blocks it is PIN_BLOCKED, not INCORRECT. */
	int wrong_tries_left = -1;
	for (;;) {
		g_autoptr(GError) local = NULL;
		g_autoptr(JpkiPin) pin = bridge_dialog_ask_pin(&session->dialog, purpose, secret,
							       tries, wrong_tries_left, &local);
		if (pin == NULL) {
			if (wrong_tries_left >= 0 &&
			    g_error_matches(local, JPKI_ERROR, JPKI_ERROR_CANCELLED)) {
				g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT,
					    "the PIN was wrong; %d tries left", wrong_tries_left);
				session->wrong_tries_left = wrong_tries_left;
				return NULL;
			}
			g_propagate_error(error, g_steal_pointer(&local));
			return NULL;
		}
		gpointer result = attempt(session, pin, &tries, &local);
		if (result != NULL)
			return result;
		if (!g_error_matches(local, JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT)) {
			g_propagate_error(error, g_steal_pointer(&local));
			return NULL;
		}
		wrong_tries_left = (int)tries;
	}
}

static char *
base64_of(GBytes *bytes)
{
	return g_base64_encode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
}

/* Refuses a certificate that is not valid now. */
static gboolean
check_valid_now(JpkiCert *cert, GError **error)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	switch (jpki_cert_validity_at(cert, now)) {
	case JPKI_CERT_EXPIRED:
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_EXPIRED,
				    "the certificate has expired");
		return FALSE;
	case JPKI_CERT_NOT_YET_VALID:
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_NOT_YET_VALID,
				    "the certificate is not valid yet");
		return FALSE;
	default:
		return TRUE;
	}
}

/* A certificate from the card that does not decode is the card's fault (card-error), not
 * invalid input from the caller, whose advice would be to check what they gave. */
static void
blame_the_card(GError **error)
{
	if (error == NULL || !g_error_matches(*error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT))
		return;
	GError *malformed =
		g_error_new(JPKI_ERROR, JPKI_ERROR_CARD, "the card's certificate is malformed: %s",
			    (*error)->message);
	g_clear_error(error);
	g_propagate_error(error, malformed);
}

static JpkiCert *
read_certificate(Session *session, JpkiCertSlot slot, GError **error)
{
	g_autoptr(GBytes) der = jpki_ap_read_certificate(session->card, slot, error);
	JpkiCert *cert = der != NULL ? jpki_cert_new_from_der(der, error) : NULL;
	if (der != NULL && cert == NULL)
		blame_the_card(error);
	return cert;
}

/* A reader's name is whatever bytes its driver gave pcsc-lite; JSON strings are UTF-8. */
static json_t *
reader_json(const char *name)
{
	g_autofree char *valid = g_utf8_make_valid(name, -1);
	return json_string(valid);
}

static json_t *
algorithm_json(JpkiHashAlg alg)
{
	return json_pack("{s:s, s:s, s:s}", "cryptoAlgorithm", "RSA", "hashFunction",
			 jpki_hash_name(alg), "paddingScheme", "PKCS1.5");
}

/* ---- status ---- */

static json_t *
run_status(Session *session, GError **error)
{
	if (!session_open_card(session, FALSE, error))
		return NULL;
	/* Only the dates of the certificate are shown: no X509 decode (cert_dates.h). */
	g_autoptr(GError) auth_error = NULL;
	g_autoptr(GBytes) auth =
		jpki_ap_read_certificate(session->card, JPKI_SLOT_AUTH, &auth_error);
	g_auto(JpkiCertDates) auth_dates = {0};
	if (auth == NULL &&
	    !g_error_matches(auth_error, JPKI_ERROR, JPKI_ERROR_NO_AUTH_CERTIFICATE)) {
		g_propagate_error(error, g_steal_pointer(&auth_error));
		return NULL;
	}
	if (auth != NULL && !jpki_cert_dates_from_der(auth, &auth_dates, error)) {
		blame_the_card(error);
		return NULL;
	}
	json_t *pins = json_object();
	gboolean sign_present = TRUE;
	for (guint secret = 0; secret < JPKI_SECRET_COUNT; secret++) {
		guint tries = 0;
		g_autoptr(GError) local = NULL;
		if (secret == JPKI_SECRET_AUTH && auth == NULL)
			continue; /* no certificate: its PIN is nothing to show */
		if (!jpki_pin_query(session->card, (JpkiSecret)secret, &tries, &local)) {
			gboolean no_sign = g_error_matches(local, JPKI_ERROR,
							   JPKI_ERROR_NO_SIGNING_CERTIFICATE);
			if (!no_sign &&
			    !g_error_matches(local, JPKI_ERROR, JPKI_ERROR_NO_AUTH_CERTIFICATE)) {
				json_decref(pins);
				g_propagate_error(error, g_steal_pointer(&local));
				return NULL;
			}
			sign_present = sign_present && !no_sign;
			continue;
		}
		json_object_set_new(pins, jpki_secret_name((JpkiSecret)secret),
				    json_pack("{s:i, s:i}", "triesLeft", tries, "maxTries",
					      jpki_secret_max_tries((JpkiSecret)secret)));
	}
	g_auto(GStrv) readers = jpki_context_list_readers(session->context, NULL);
	json_t *reader_list = json_array();
	for (guint i = 0; readers != NULL && readers[i] != NULL; i++)
		json_array_append_new(reader_list, reader_json(readers[i]));
	json_t *auth_json = json_pack("{s:b}", "present", auth != NULL);
	if (auth != NULL) {
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();
		g_autofree char *not_after =
			g_date_time_format(auth_dates.not_after, "%Y-%m-%dT%H:%M:%SZ");
		json_object_set_new(auth_json, "notAfter", json_string(not_after));
		json_object_set_new(auth_json, "validity",
				    json_string(jpki_cert_validity_name(
					    jpki_cert_dates_validity_at(&auth_dates, now))));
	}
	return json_pack("{s:o, s:{s:o, s:s}, s:{s:o, s:{s:b}}, s:o}", "readers", reader_list,
			 "card", "reader", reader_json(jpki_card_get_reader(session->card)), "type",
			 "mynumber", "certificates", "auth", auth_json, "sign", "present",
			 sign_present, "pins", pins);
}

/* ---- authenticate ---- */

static gpointer
login_attempt(Session *session, const JpkiPin *pin, guint *tries_left, GError **error)
{
	if (!jpki_pin_verify(session->card, pin, tries_left, error))
		return NULL;
	g_autoptr(GBytes) digest_info = jpki_authtoken_digest_info(
		session->request->origin, session->request->challenge_nonce);
	return jpki_ap_sign(session->card, JPKI_SECRET_AUTH, digest_info, error);
}

static json_t *
run_authenticate(Session *session, GError **error)
{
	if (!session_open_card(session, TRUE, error))
		return NULL;
	g_autoptr(JpkiCert) cert = read_certificate(session, JPKI_SLOT_AUTH, error);
	if (cert == NULL || !check_valid_now(cert, error))
		return NULL;
	g_autoptr(GBytes) signature =
		with_pin(session, JPKI_SECRET_AUTH, BRIDGE_PURPOSE_LOGIN, login_attempt, error);
	if (signature == NULL)
		return NULL;
	return jpki_authtoken_build(jpki_cert_get_der(cert), signature, APP_VERSION);
}

/* ---- the signing certificate and signatures ---- */

static gpointer
signing_session_attempt(Session *session, const JpkiPin *pin, guint *tries_left, GError **error)
{
	if (!jpki_pin_verify(session->card, pin, tries_left, error))
		return NULL;
	return read_certificate(session, JPKI_SLOT_SIGN, error);
}

/* Signing password, then the signing certificate in the same verified session. */
static JpkiCert *
open_signing_session(Session *session, BridgePurpose purpose, GError **error)
{
	if (!session_open_card(session, TRUE, error))
		return NULL;
	return with_pin(session, JPKI_SECRET_SIGN, purpose, signing_session_attempt, error);
}

static json_t *
run_get_signing_certificate(Session *session, GError **error)
{
	g_autoptr(JpkiCert) cert =
		open_signing_session(session, BRIDGE_PURPOSE_READ_SIGNING_CERT, error);
	if (cert == NULL)
		return NULL;
	g_autofree char *certificate = base64_of(jpki_cert_get_der(cert));
	return json_pack("{s:s, s:[o, o, o]}", "certificate", certificate,
			 "supportedSignatureAlgorithms", algorithm_json(JPKI_HASH_SHA256),
			 algorithm_json(JPKI_HASH_SHA384), algorithm_json(JPKI_HASH_SHA512));
}

static json_t *
run_sign(Session *session, GError **error)
{
	const BridgeRequest *request = session->request;
	g_autoptr(JpkiCert) cert = open_signing_session(session, BRIDGE_PURPOSE_SIGN, error);
	if (cert == NULL)
		return NULL;
	if (!g_bytes_equal(jpki_cert_get_der(cert), request->certificate)) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_MISMATCH,
				    "the card's signing certificate is not the one given");
		return NULL;
	}
	if (!check_valid_now(cert, error))
		return NULL;
	g_autoptr(GBytes) digest_info =
		jpki_digestinfo_build(request->hash_alg, g_bytes_get_data(request->hash, NULL),
				      g_bytes_get_size(request->hash), error);
	g_autoptr(GBytes) signature =
		digest_info != NULL
			? jpki_ap_sign(session->card, JPKI_SECRET_SIGN, digest_info, error)
			: NULL;
	if (signature == NULL)
		return NULL;
	g_autofree char *encoded = base64_of(signature);
	return json_pack("{s:s, s:o}", "signature", encoded, "signatureAlgorithm",
			 algorithm_json(request->hash_alg));
}

static GBytes *
sign_with_card(GBytes *digest_info, gpointer card, GError **error)
{
	return jpki_ap_sign(card, JPKI_SECRET_SIGN, digest_info, error);
}

static json_t *
run_sign_cms(Session *session, GError **error)
{
	g_autoptr(JpkiCert) cert = open_signing_session(session, BRIDGE_PURPOSE_SIGN, error);
	if (cert == NULL || !check_valid_now(cert, error))
		return NULL;
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GBytes) cms = jpki_cms_sign_detached(
		jpki_cert_get_x509(cert), session->request->hash_alg, session->request->hash, now,
		session->request->origin, sign_with_card, session->card, error);
	if (cms == NULL)
		return NULL;
	g_autofree char *encoded = base64_of(cms);
	g_autofree char *certificate = base64_of(jpki_cert_get_der(cert));
	return json_pack("{s:s, s:s}", "cms", encoded, "certificate", certificate);
}

/* ---- read-attributes ---- */

static gpointer
attributes_attempt(Session *session, const JpkiPin *pin, guint *tries_left, GError **error)
{
	return jpki_support_read_attributes(session->card, pin, tries_left, error);
}

static json_t *
run_read_attributes(Session *session, GError **error)
{
	if (!bridge_dialog_confirm_sharing(&session->dialog, error) ||
	    !session_open_card(session, TRUE, error))
		return NULL;
	g_autoptr(JpkiBasicAttributes) attributes =
		with_pin(session, JPKI_SECRET_SUPPORT, BRIDGE_PURPOSE_SHARE_ATTRIBUTES,
			 attributes_attempt, error);
	if (attributes == NULL)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:s}", "name", attributes->name, "address",
			 attributes->address, "birthDate", attributes->birth_date, "sex",
			 attributes->sex);
}

/* ---- the マイナポータルAP protocol (docs/mynaportal.md) ---- */

/* What every portal reply carries: the installation's uuid and the
 * combination_code of this card with it. Read before any PIN, since
 * selecting the common application ends the JPKI application's verified
 * state. */
static json_t *
portal_identity(Session *session, GError **error)
{
	guint8 id[JPKI_INSTALLATION_ID_LEN];
	JpkiCardInfo info;
	if (!bridge_installation_id_load(session->config->data_dir, id, error) ||
	    !jpki_common_read_card_info(session->card, &info, error))
		return NULL;
	g_autofree char *hex = jpki_portal_hex(id, sizeof(id));
	g_autofree char *code = jpki_combination_code(info.manufacture_number, id);
	return json_pack("{s:s, s:s}", "uuid", hex, "combinationCode", code);
}

/* The card (waiting for one), then the identity every portal reply starts from. */
static json_t *
open_portal_session(Session *session, GError **error)
{
	if (!session_open_card(session, TRUE, error))
		return NULL;
	return portal_identity(session, error);
}

static void
set_base64(json_t *reply, const char *key, GBytes *bytes)
{
	g_autofree char *encoded = base64_of(bytes);
	json_object_set_new(reply, key, json_string(encoded));
}

static json_t *
run_portal_origins(Session *session)
{
	json_t *origins = json_array();
	for (guint i = 0; session->config->portal_origins[i] != NULL; i++)
		json_array_append_new(origins, json_string(session->config->portal_origins[i]));
	return json_pack("{s:o}", "origins", origins);
}

static gpointer
portal_login_attempt(Session *session, const JpkiPin *pin, guint *tries_left, GError **error)
{
	if (!jpki_pin_verify(session->card, pin, tries_left, error))
		return NULL;
	return jpki_ap_sign(session->card, JPKI_SECRET_AUTH,
			    g_ptr_array_index(session->request->to_be_signed, 0), error);
}

/* Mode 01: the portal's bytes signed as given with the authentication key. */
static json_t *
run_portal_login(Session *session, GError **error)
{
	g_autoptr(json_t) reply = open_portal_session(session, error);
	if (reply == NULL)
		return NULL;
	g_autoptr(JpkiCert) cert = read_certificate(session, JPKI_SLOT_AUTH, error);
	if (cert == NULL || !check_valid_now(cert, error))
		return NULL;
	g_autoptr(GBytes) signature = with_pin(session, JPKI_SECRET_AUTH, BRIDGE_PURPOSE_LOGIN,
					       portal_login_attempt, error);
	if (signature == NULL)
		return NULL;
	set_base64(reply, "signature", signature);
	set_base64(reply, "certificate", jpki_cert_get_der(cert));
	return g_steal_pointer(&reply);
}

/* Mode 02: each of the portal's digests signed as given with the signing
 * key, after one signing password. */
static json_t *
run_portal_sign(Session *session, GError **error)
{
	g_autoptr(json_t) reply = open_portal_session(session, error);
	if (reply == NULL)
		return NULL;
	g_autoptr(JpkiCert) cert = with_pin(session, JPKI_SECRET_SIGN, BRIDGE_PURPOSE_SIGN,
					    signing_session_attempt, error);
	if (cert == NULL || !check_valid_now(cert, error))
		return NULL;
	json_t *signatures = json_array();
	json_object_set_new(reply, "signatures", signatures);
	GPtrArray *digests = session->request->to_be_signed;
	for (guint i = 0; i < digests->len; i++) {
		g_autoptr(GBytes) signature = jpki_ap_sign(session->card, JPKI_SECRET_SIGN,
							   g_ptr_array_index(digests, i), error);
		if (signature == NULL)
			return NULL;
		g_autofree char *encoded = base64_of(signature);
		json_array_append_new(signatures, json_string(encoded));
	}
	set_base64(reply, "certificate", jpki_cert_get_der(cert));
	return g_steal_pointer(&reply);
}

/* Sets `key` to the lowercase hex of `text`'s bytes (UTF-8 on the card). */
static void
set_hex_of_text(json_t *reply, const char *key, const char *text)
{
	g_autofree char *hex = jpki_portal_hex((const guint8 *)text, strlen(text));
	json_object_set_new(reply, key, json_string(hex));
}

/* Mode 04: the basic 4 attributes, each as the hex of its UTF-8 bytes. */
static json_t *
run_portal_attributes(Session *session, GError **error)
{
	if (!bridge_dialog_confirm_sharing(&session->dialog, error))
		return NULL;
	g_autoptr(json_t) reply = open_portal_session(session, error);
	if (reply == NULL)
		return NULL;
	g_autoptr(JpkiBasicAttributes) attributes =
		with_pin(session, JPKI_SECRET_SUPPORT, BRIDGE_PURPOSE_SHARE_ATTRIBUTES,
			 attributes_attempt, error);
	if (attributes == NULL)
		return NULL;
	set_hex_of_text(reply, "name", attributes->name);
	set_hex_of_text(reply, "sex", attributes->sex);
	set_hex_of_text(reply, "address", attributes->address);
	set_hex_of_text(reply, "birthday", attributes->birth_date);
	return g_steal_pointer(&reply);
}

static gboolean
is_portal_command(BridgeCommand command)
{
	return command == BRIDGE_CMD_PORTAL_LOGIN || command == BRIDGE_CMD_PORTAL_SIGN ||
	       command == BRIDGE_CMD_PORTAL_ATTRIBUTES;
}

/* Times a command starts again from the top after another program reset the
 * card before any PIN went to it. */
#define RESET_RESTARTS 2

static json_t *
run_once(const BridgeRequest *request, const BridgeConfig *config, JpkiCancel *cancel,
	 int *tries_left, gboolean *restartable, GError **error)
{
	Session session = {
		.wrong_tries_left = -1,
		.request = request,
		.config = config,
		.cancel = cancel,
		.dialog = {.config = config, .origin = request->origin, .cancel = cancel},
	};
	/* What the resident compares with the code the portal shows next to the document. */
	g_autofree char *verification_code = NULL;
	if (request->command == BRIDGE_CMD_SIGN || request->command == BRIDGE_CMD_SIGN_CMS) {
		gsize digest_len = 0;
		const guint8 *digest = g_bytes_get_data(request->hash, &digest_len);
		verification_code = jpki_verification_code(request->origin, digest, digest_len);
		session.dialog.verification_code = verification_code;
	}
	json_t *reply = NULL;
	if (is_portal_command(request->command) &&
	    !bridge_config_is_portal_origin(config, request->origin)) {
		g_set_error(error, BRIDGE_ERROR, BRIDGE_ERROR_NOT_A_PORTAL,
			    "%s is not one of the government portals this host serves",
			    request->origin);
		*restartable = FALSE;
		*tries_left = -1;
		return NULL;
	}
	switch (request->command) {
	case BRIDGE_CMD_STATUS:
		reply = run_status(&session, error);
		break;
	case BRIDGE_CMD_AUTHENTICATE:
		reply = run_authenticate(&session, error);
		break;
	case BRIDGE_CMD_GET_SIGNING_CERTIFICATE:
		reply = run_get_signing_certificate(&session, error);
		break;
	case BRIDGE_CMD_SIGN:
		reply = run_sign(&session, error);
		break;
	case BRIDGE_CMD_SIGN_CMS:
		reply = run_sign_cms(&session, error);
		break;
	case BRIDGE_CMD_READ_ATTRIBUTES:
		reply = run_read_attributes(&session, error);
		break;
	case BRIDGE_CMD_QUIT:
		reply = json_object();
		break;
	case BRIDGE_CMD_PORTAL_ORIGINS:
		reply = run_portal_origins(&session);
		break;
	case BRIDGE_CMD_PORTAL_LOGIN:
		reply = run_portal_login(&session, error);
		break;
	case BRIDGE_CMD_PORTAL_SIGN:
		reply = run_portal_sign(&session, error);
		break;
	case BRIDGE_CMD_PORTAL_ATTRIBUTES:
		reply = run_portal_attributes(&session, error);
		break;
	}
	*restartable = reply == NULL && session.card != NULL &&
		       !jpki_card_get_pin_sent(session.card) &&
		       g_error_matches(*error, JPKI_ERROR, JPKI_ERROR_CARD_RESET);
	session_clear(&session);
	*tries_left = session.wrong_tries_left;
	return reply;
}

json_t *
bridge_command_run(const BridgeRequest *request, const BridgeConfig *config, JpkiCancel *cancel,
		   int *tries_left, GError **error)
{
	for (guint restarts = 0;; restarts++) {
		g_autoptr(GError) local = NULL;
		gboolean restartable = FALSE;
		json_t *reply = run_once(request, config, cancel, tries_left, &restartable, &local);
		if (reply != NULL)
			return reply;
		if (!restartable || restarts == RESET_RESTARTS) {
			g_propagate_error(error, g_steal_pointer(&local));
			return NULL;
		}
		g_debug("another program reset the card; starting again: %s", local->message);
	}
}
