/* PIN rules and the VERIFY exchange. */
#include "pin.h"

#include "files.h"
#include "presence.h"

#include <openssl/crypto.h>
#include <string.h>

#define PIN_MAX_LEN 16

struct _JpkiPin {
	JpkiSecret secret;
	gsize len;
	guint8 value[PIN_MAX_LEN];
};

typedef struct {
	const char *name;
	gsize min_len, max_len;
	gboolean letters; /* A-Z and 0-9, at least one of each (J-LIS: 英数字を組み合わせた) */
	guint max_tries;
	JpkiApp app;
	guint16 fid;
} SecretRule;

static const SecretRule rules[JPKI_SECRET_COUNT] = {
	[JPKI_SECRET_AUTH] = {"auth", 4, 4, FALSE, 3, JPKI_APP_JPKI, 0x0018},
	[JPKI_SECRET_SIGN] = {"sign", 6, 16, TRUE, 5, JPKI_APP_JPKI, 0x001B},
	[JPKI_SECRET_SUPPORT] = {"support", 4, 4, FALSE, 3, JPKI_APP_SUPPORT, 0x0011},
};

const char *
jpki_secret_name(JpkiSecret secret)
{
	g_return_val_if_fail((guint)secret < JPKI_SECRET_COUNT, NULL);
	return rules[secret].name;
}

gboolean
jpki_secret_from_name(const char *name, JpkiSecret *secret)
{
	g_return_val_if_fail(name != NULL && secret != NULL, FALSE);
	for (guint i = 0; i < JPKI_SECRET_COUNT; i++) {
		if (g_strcmp0(name, rules[i].name) == 0) {
			*secret = (JpkiSecret)i;
			return TRUE;
		}
	}
	return FALSE;
}

guint
jpki_secret_max_tries(JpkiSecret secret)
{
	g_return_val_if_fail((guint)secret < JPKI_SECRET_COUNT, 0);
	return rules[secret].max_tries;
}

JpkiPin *
jpki_pin_new(JpkiSecret secret, const char *typed, GError **error)
{
	g_return_val_if_fail((guint)secret < JPKI_SECRET_COUNT && typed != NULL, NULL);
	const SecretRule *rule = &rules[secret];
	gsize len = typed != NULL ? strlen(typed) : 0;
	gboolean ok = len >= rule->min_len && len <= rule->max_len;
	gboolean has_letter = FALSE, has_digit = FALSE;
	JpkiPin *pin = g_new0(JpkiPin, 1);
	pin->secret = secret;
	for (gsize i = 0; ok && i < len; i++) {
		char c = typed[i];
		if (rule->letters && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		has_digit |= c >= '0' && c <= '9';
		has_letter |= rule->letters && c >= 'A' && c <= 'Z';
		ok = (c >= '0' && c <= '9') || (rule->letters && c >= 'A' && c <= 'Z');
		pin->value[i] = (guint8)c;
	}
	/* A card never holds an all-digit or all-letter signing password. */
	if (rule->letters)
		ok = ok && has_letter && has_digit;
	if (!ok) {
		jpki_pin_free(pin);
		if (rule->letters)
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_FORMAT,
				    "the %s password must be %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT
				    " characters of A-Z and 0-9, letters and digits mixed",
				    rule->name, rule->min_len, rule->max_len);
		else
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_FORMAT,
				    "the %s PIN must be %" G_GSIZE_FORMAT " digits", rule->name,
				    rule->min_len);
		return NULL;
	}
	pin->len = len;
	return pin;
}

JpkiSecret
jpki_pin_get_secret(const JpkiPin *pin)
{
	g_return_val_if_fail(pin != NULL, JPKI_SECRET_AUTH);
	return pin->secret;
}

void
jpki_pin_free(JpkiPin *pin)
{
	if (pin == NULL)
		return;
	OPENSSL_cleanse(pin, sizeof(*pin));
	g_free(pin);
}

/* Whether EF 0008 says the secret's certificate is absent. Then its PIN,
 * whatever state it is in (missing, blocked, never set), is not the user's
 * problem: the certificate is, and no PIN is asked or sent. */
static gboolean
certificate_absent(JpkiCard *card, JpkiSecret secret, gboolean *absent, GError **error)
{
	/* A certificate read in this session is there: no need for EF 0008. */
	JpkiCardSession *session = jpki_card_get_session(card);
	int known = secret == JPKI_SECRET_SIGN ? session->presence_sign : session->presence_auth;
	if (known == JPKI_PRESENCE_PRESENT) {
		*absent = FALSE;
		return TRUE;
	}
	JpkiCertificatePresence presence;
	if (!jpki_presence_read(card, &presence, error))
		return FALSE;
	JpkiPresence of_secret = secret == JPKI_SECRET_SIGN ? presence.sign : presence.auth;
	*absent = of_secret == JPKI_PRESENCE_ABSENT;
	return TRUE;
}

/* Selects the secret's application and PIN file. A JPKI PIN whose certificate
 * the card lacks (EF 0008, or no PIN file at all: a child's card) is
 * JPKI_ERROR_NO_SIGNING_CERTIFICATE or JPKI_ERROR_NO_AUTH_CERTIFICATE. */
static gboolean
select_secret(JpkiCard *card, JpkiSecret secret, GError **error)
{
	const SecretRule *rule = &rules[secret];
	if (!jpki_files_select_app(card, rule->app, error))
		return FALSE;
	gboolean jpki = secret == JPKI_SECRET_SIGN || secret == JPKI_SECRET_AUTH;
	gboolean absent = FALSE;
	if (jpki && !certificate_absent(card, secret, &absent, error))
		return FALSE;
	if (absent) {
		jpki_presence_set_absent_error(error, secret == JPKI_SECRET_SIGN);
		return FALSE;
	}
	guint16 sw = 0;
	if (!jpki_files_select_ef(card, rule->fid, &sw, error))
		return FALSE;
	if (sw == JPKI_SW_FILE_NOT_FOUND && jpki) {
		jpki_presence_set_absent_error(error, secret == JPKI_SECRET_SIGN);
		return FALSE;
	}
	if (sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, sw, "SELECT PIN file");
		return FALSE;
	}
	return TRUE;
}

/* VERIFY without data on the selected PIN file. A real card answers 63Cx,
 * even right after a successful VERIFY, so nothing here reads "verified" from
 * it; a blocked secret answers 63C0 on some cards and 6984 on others. 9000 is
 * no answer a My Number Card gives: it is taken as "not blocked". */
static gboolean
ask_tries(JpkiCard *card, JpkiSecret secret, guint *tries_left, GError **error)
{
	g_autoptr(GByteArray) apdu = jpki_apdu_verify_status();
	guint16 sw = 0;
	g_autoptr(GBytes) response = jpki_card_transmit(card, apdu->data, apdu->len, &sw, error);
	if (response == NULL)
		return FALSE;
	if (sw == JPKI_SW_OK) {
		*tries_left = rules[secret].max_tries;
		return TRUE;
	}
	if (jpki_sw_is_wrong_pin(sw, tries_left))
		return TRUE;
	if (jpki_sw_is_blocked(sw)) {
		*tries_left = 0;
		return TRUE;
	}
	jpki_sw_set_error(error, sw, "VERIFY (status)");
	return FALSE;
}

/* The tries of the selected PIN file: what it last answered in this session
 * (a status query, or a VERIFY), else a status query. Nothing else in the
 * session spends a try, so the count is still the card's. */
static gboolean
query_selected(JpkiCard *card, JpkiSecret secret, guint *tries_left, GError **error)
{
	JpkiCardSession *session = jpki_card_get_session(card);
	if (session->tries_left != JPKI_SESSION_UNKNOWN) {
		*tries_left = (guint)session->tries_left;
		return TRUE;
	}
	if (!ask_tries(card, secret, tries_left, error))
		return FALSE;
	session->tries_left = (int)*tries_left;
	return TRUE;
}

gboolean
jpki_pin_query(JpkiCard *card, JpkiSecret secret, guint *tries_left, GError **error)
{
	g_return_val_if_fail(card != NULL && tries_left != NULL, FALSE);
	g_return_val_if_fail((guint)secret < JPKI_SECRET_COUNT, FALSE);
	return select_secret(card, secret, error) &&
	       query_selected(card, secret, tries_left, error);
}

gboolean
jpki_pin_query_before_asking(JpkiCard *card, JpkiSecret secret, guint *tries_left, GError **error)
{
	if (!jpki_pin_query(card, secret, tries_left, error))
		return FALSE;
	if (*tries_left > 0)
		return TRUE;
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED,
		    "the %s PIN is blocked; it was not asked for", rules[secret].name);
	return FALSE;
}

static void
set_blocked_error(GError **error, JpkiSecret secret, gboolean just_now)
{
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_BLOCKED,
		    just_now ? "the %s PIN was wrong and is now blocked"
			     : "the %s PIN is blocked; no VERIFY was sent",
		    rules[secret].name);
}

/* One VERIFY on the selected PIN file, after checking it is not blocked. */
static gboolean
verify_selected(JpkiCard *card, const JpkiPin *pin, guint *tries_left, GError **error)
{
	guint left = 0;
	if (!query_selected(card, pin->secret, &left, error))
		return FALSE;
	*tries_left = left;
	if (left == 0) {
		set_blocked_error(error, pin->secret, FALSE);
		return FALSE;
	}
	g_autoptr(JpkiSecretApdu) apdu = jpki_apdu_verify(pin->value, pin->len);
	guint16 sw = 0;
	g_autoptr(GBytes) response = jpki_card_transmit_secret(card, apdu, &sw, error);
	if (response == NULL)
		return FALSE;
	/* The answer is the new count: a wrong PIN's 63Cx, or full after 9000. */
	JpkiCardSession *session = jpki_card_get_session(card);
	guint after = 0;
	if (sw == JPKI_SW_OK)
		session->tries_left = (int)rules[pin->secret].max_tries;
	else if (jpki_sw_is_wrong_pin(sw, &after))
		session->tries_left = (int)after;
	else
		session->tries_left = JPKI_SESSION_UNKNOWN;
	if (sw == JPKI_SW_OK) {
		*tries_left = rules[pin->secret].max_tries;
		return TRUE;
	}
	if (jpki_sw_is_wrong_pin(sw, tries_left)) {
		if (*tries_left == 0) {
			set_blocked_error(error, pin->secret, TRUE);
			return FALSE;
		}
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_PIN_INCORRECT,
			    "the %s PIN is wrong; %u tries left", rules[pin->secret].name,
			    *tries_left);
		return FALSE;
	}
	if (jpki_sw_is_blocked(sw)) {
		*tries_left = 0;
		set_blocked_error(error, pin->secret, FALSE);
		return FALSE;
	}
	jpki_sw_set_error(error, sw, "VERIFY");
	return FALSE;
}

gboolean
jpki_pin_verify(JpkiCard *card, const JpkiPin *pin, guint *tries_left, GError **error)
{
	g_return_val_if_fail(card != NULL && pin != NULL, FALSE);
	guint left = 0;
	gboolean ok =
		select_secret(card, pin->secret, error) && verify_selected(card, pin, &left, error);
	if (tries_left != NULL)
		*tries_left = left;
	return ok;
}

gboolean
jpki_pin_change(JpkiCard *card, const JpkiPin *current, const JpkiPin *replacement,
		guint *tries_left, GError **error)
{
	g_return_val_if_fail(card != NULL && current != NULL && replacement != NULL, FALSE);
	if (current->secret != replacement->secret) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "the new PIN is for another secret");
		return FALSE;
	}
	if (!jpki_pin_verify(card, current, tries_left, error))
		return FALSE;
	g_autoptr(JpkiSecretApdu) apdu =
		jpki_apdu_change_reference_data(replacement->value, replacement->len);
	guint16 sw = 0;
	jpki_card_get_session(card)->tries_left = JPKI_SESSION_UNKNOWN;
	g_autoptr(GBytes) response = jpki_card_transmit_secret(card, apdu, &sw, error);
	if (response == NULL)
		return FALSE;
	if (sw != JPKI_SW_OK) {
		jpki_sw_set_error(error, sw, "CHANGE REFERENCE DATA");
		return FALSE;
	}
	return TRUE;
}

gboolean
jpki_pin_equal(const JpkiPin *a, const JpkiPin *b)
{
	g_return_val_if_fail(a != NULL && b != NULL, FALSE);
	return a->secret == b->secret && a->len == b->len &&
	       CRYPTO_memcmp(a->value, b->value, a->len) == 0;
}
