/* The simulated card's contents, per profile. */
#include "sim_profile.h"

#include "openssl_autoptr.h"

#include <openssl/pem.h>
#include <string.h>

#ifndef SIM_DEFAULT_PKI_DIR
#error "SIM_DEFAULT_PKI_DIR must name the build's test PKI"
#endif

/* The quark's name is one hyphenated word. */
/* clang-format off */
G_DEFINE_QUARK(sim-profile-error-quark, sim_profile_error)
/* clang-format on */

/* How a certificate the holder does not have is laid out. Not public
 * (docs/simulator.md): the simulator plays both layouts readers must expect. */
typedef enum {
	ABSENT_NO_FILES,    /* certificate, key and PIN EFs missing: SELECT answers 6A82 */
	ABSENT_BLANK_BLOCK, /* blank certificate EF (FF), no key, a PIN EF that is blocked */
} AbsentLayout;

typedef struct {
	const char *name;
	const char *description;
	const char *auth_cert; /* file in the PKI dir; NULL: no authentication certificate */
	const char *sign_cert; /* NULL: no signing certificate (a child's card) */
	gboolean auth_locked;  /* authentication PIN already blocked */
	gboolean juki;         /* an old 住基カード token */
	AbsentLayout absent;   /* for a certificate the profile lacks */
} Profile;

static const Profile profiles[] = {
	{"adult", "a typical adult's card: both certificates valid", "auth-valid.pem",
	 "sign-valid.pem", FALSE, FALSE, ABSENT_NO_FILES},
	{"child", "a child's card: no signing certificate", "auth-valid.pem", NULL, FALSE, FALSE,
	 ABSENT_NO_FILES},
	{"no-sign-cert", "an adult who declined the signing certificate (blank EF, blocked PIN)",
	 "auth-valid.pem", NULL, FALSE, FALSE, ABSENT_BLANK_BLOCK},
	{"no-auth-cert", "an adult who declined the authentication certificate", NULL,
	 "sign-valid.pem", FALSE, FALSE, ABSENT_NO_FILES},
	{"auth-locked", "the authentication PIN is already blocked", "auth-valid.pem",
	 "sign-valid.pem", TRUE, FALSE, ABSENT_NO_FILES},
	{"sign-expired", "the signing certificate has expired", "auth-valid.pem",
	 "sign-expired.pem", FALSE, FALSE, ABSENT_NO_FILES},
	{"renewal", "both certificates expire within 3 months (renewal window)", "auth-renewal.pem",
	 "sign-renewal.pem", FALSE, FALSE, ABSENT_NO_FILES},
	{"juki", "an old 住基カード (Juki card) with expired certificates", "auth-expired.pem",
	 "sign-expired.pem", FALSE, TRUE, ABSENT_NO_FILES},
};

static const char *const profile_names[] = {"adult",        "child",       "no-sign-cert",
					    "no-auth-cert", "auth-locked", "sign-expired",
					    "renewal",      "juki",        NULL};

/* Contactless readers build the ATR from ATQB; this one was seen on a real card. */
static const guint8 contactless_atr[] = {0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05,
					 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F};

#define TOKEN_INFO_LEN     32
#define MANUFACTURE_NUMBER "TEST000000001"
#define MY_NUMBER          "123456789018"
#define HOLDER_NAME        "テスト　太郎"
#define HOLDER_ADDRESS     "東京都千代田区霞が関２丁目１番２号　テスト"
#define HOLDER_BIRTH       "19900101"
#define HOLDER_SEX         "1"

const char *const *
sim_profile_names(void)
{
	return profile_names;
}

static const Profile *
find_profile(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(profiles); i++) {
		if (g_strcmp0(profiles[i].name, name) == 0)
			return &profiles[i];
	}
	return NULL;
}

const char *
sim_profile_describe(const char *profile)
{
	const Profile *found = find_profile(profile);
	return found != NULL ? found->description : NULL;
}

static GBytes *
load_certificate_der(const char *dir, const char *file, GError **error)
{
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autoptr(BIO) bio = BIO_new_file(path, "r");
	g_autoptr(X509) cert = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	if (cert == NULL) {
		g_set_error(error, SIM_PROFILE_ERROR, SIM_PROFILE_ERROR_PKI,
			    "cannot read the test certificate %s", path);
		return NULL;
	}
	unsigned char *der = NULL;
	int len = i2d_X509(cert, &der);
	if (len <= 0) {
		g_set_error(error, SIM_PROFILE_ERROR, SIM_PROFILE_ERROR_PKI,
			    "cannot encode the test certificate %s", path);
		return NULL;
	}
	GBytes *bytes = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return bytes;
}

static EVP_PKEY *
load_key(const char *dir, const char *file, GError **error)
{
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autoptr(BIO) bio = BIO_new_file(path, "r");
	EVP_PKEY *key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	if (key == NULL)
		g_set_error(error, SIM_PROFILE_ERROR, SIM_PROFILE_ERROR_PKI,
			    "cannot read the test key %s", path);
	return key;
}

static gboolean
add_certificate(SimCard *card, const char *dir, const char *file, guint16 fid, int read_secret,
		GError **error)
{
	g_autoptr(GBytes) der = load_certificate_der(dir, file, error);
	if (der == NULL)
		return FALSE;
	sim_card_set_binary(card, SIM_AP_JPKI, fid, der, read_secret);
	return TRUE;
}

static gboolean
add_key(SimCard *card, const char *dir, const char *file, guint16 fid, SimSecret unlocked_by,
	GError **error)
{
	g_autoptr(EVP_PKEY) key = load_key(dir, file, error);
	if (key == NULL)
		return FALSE;
	sim_card_set_key(card, fid, key, unlocked_by);
	return TRUE;
}

static void
add_token_info(SimCard *card, gboolean juki)
{
	char token[TOKEN_INFO_LEN];
	const char *label = juki ? "JPKIAPICCTOKEN" : "JPKIAPICCTOKEN2";
	memset(token, ' ', sizeof(token));
	memcpy(token, label, strlen(label));
	g_autoptr(GBytes) bytes = g_bytes_new(token, sizeof(token));
	sim_card_set_binary(card, SIM_AP_JPKI, 0x0006, bytes, -1);
}

/* EF 0008: byte 0 the signing certificate, byte 1 the authentication one;
 * 8F present (myna-card, on a card with both), 00 absent. */
static void
add_certificate_presence(SimCard *card, const Profile *profile)
{
	guint8 presence[3] = {profile->sign_cert != NULL ? 0x8F : 0x00,
			      profile->auth_cert != NULL ? 0x8F : 0x00, 0x00};
	g_autoptr(GBytes) bytes = g_bytes_new(presence, sizeof(presence));
	sim_card_set_binary(card, SIM_AP_JPKI, 0x0008, bytes, -1);
}

/* A certificate the holder does not have, as `layout` lays it out. */
static void
add_absent_certificate(SimCard *card, AbsentLayout layout, guint16 cert_fid, SimSecret secret,
		       guint max_tries)
{
	if (layout == ABSENT_NO_FILES)
		return;
	guint8 blank[256];
	memset(blank, 0xFF, sizeof(blank));
	g_autoptr(GBytes) bytes = g_bytes_new(blank, sizeof(blank));
	sim_card_set_binary(card, SIM_AP_JPKI, cert_fid, bytes, -1);
	sim_card_set_secret(card, secret, secret == SIM_SECRET_SIGN ? "UNSET0" : "0000", max_tries,
			    0);
}

static void
append_length(GByteArray *out, gsize len)
{
	guint8 bytes[3];
	if (len < 0x80) {
		bytes[0] = (guint8)len;
		g_byte_array_append(out, bytes, 1);
	} else if (len <= 0xFF) {
		bytes[0] = 0x81;
		bytes[1] = (guint8)len;
		g_byte_array_append(out, bytes, 2);
	} else {
		bytes[0] = 0x82;
		bytes[1] = (guint8)(len >> 8);
		bytes[2] = (guint8)len;
		g_byte_array_append(out, bytes, 3);
	}
}

static void
append_tlv(GByteArray *out, guint16 tag, const void *value, gsize len)
{
	guint8 tag_bytes[2] = {tag >> 8, tag & 0xFF};
	g_byte_array_append(out, tag_bytes, 2);
	append_length(out, len);
	g_byte_array_append(out, value, (guint)len);
}

/* EF 0002 of the card input support AP: FF20 { DF21 offsets; DF22 name;
 * DF23 address; DF24 birth date; DF25 sex }. The offset table's layout is
 * not public: here it lists where each of DF22..DF25 starts inside FF20. */
static GBytes *
build_basic_attributes(void)
{
	const char *values[] = {HOLDER_NAME, HOLDER_ADDRESS, HOLDER_BIRTH, HOLDER_SEX};
	g_autoptr(GByteArray) fields = g_byte_array_new();
	guint8 offsets[8];
	const gsize table_len = 3 + sizeof(offsets);
	for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
		gsize at = table_len + fields->len;
		offsets[2 * i] = (guint8)(at >> 8);
		offsets[2 * i + 1] = (guint8)at;
		append_tlv(fields, (guint16)(0xDF22 + i), values[i], strlen(values[i]));
	}
	g_autoptr(GByteArray) inner = g_byte_array_new();
	append_tlv(inner, 0xDF21, offsets, sizeof(offsets));
	g_byte_array_append(inner, fields->data, fields->len);

	GByteArray *out = g_byte_array_new();
	append_tlv(out, 0xFF20, inner->data, inner->len);
	return g_byte_array_free_to_bytes(out);
}

static void
add_support_ap(SimCard *card, const char *pin)
{
	static const guint8 my_number_header[] = {0xFF, 0x10, 0x0C};
	GByteArray *my_number = g_byte_array_new();
	g_byte_array_append(my_number, my_number_header, sizeof(my_number_header));
	g_byte_array_append(my_number, (const guint8 *)MY_NUMBER, strlen(MY_NUMBER));
	g_autoptr(GBytes) my_number_bytes = g_byte_array_free_to_bytes(my_number);
	g_autoptr(GBytes) attributes = build_basic_attributes();

	sim_card_set_secret(card, SIM_SECRET_SUPPORT, pin, 3, 3);
	sim_card_set_binary(card, SIM_AP_SUPPORT, 0x0001, my_number_bytes, SIM_SECRET_SUPPORT);
	sim_card_set_binary(card, SIM_AP_SUPPORT, 0x0002, attributes, SIM_SECRET_SUPPORT);
}

/* Record 1 of SFI 1 in the common AP: a TLV whose 13-character value is the
 * manufacture number (read as bytes 2..14 of the record). */
static void
add_manufacture_number(SimCard *card)
{
	GByteArray *record = g_byte_array_new();
	guint8 header[2] = {0x01, (guint8)strlen(MANUFACTURE_NUMBER)};
	g_byte_array_append(record, header, 2);
	g_byte_array_append(record, (const guint8 *)MANUFACTURE_NUMBER,
			    (guint)strlen(MANUFACTURE_NUMBER));
	g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes(record);
	sim_card_set_record(card, SIM_AP_COMMON, 1, bytes);
}

static gboolean
check_pins(const char *auth, const char *sign, const char *support, GError **error)
{
	if (sim_card_secret_format_ok(SIM_SECRET_AUTH, auth) &&
	    sim_card_secret_format_ok(SIM_SECRET_SIGN, sign) &&
	    sim_card_secret_format_ok(SIM_SECRET_SUPPORT, support))
		return TRUE;
	g_set_error_literal(error, SIM_PROFILE_ERROR, SIM_PROFILE_ERROR_BAD_PIN,
			    "PINs must be as a real card holds them: 4 digits for authentication "
			    "and card input support, 6-16 of A-Z0-9 mixing letters and digits for "
			    "signing");
	return FALSE;
}

SimCard *
sim_profile_build(const SimProfileOptions *options, GError **error)
{
	const char *name = options->profile != NULL ? options->profile : "adult";
	const char *dir = options->pki_dir != NULL ? options->pki_dir : SIM_DEFAULT_PKI_DIR;
	const char *auth_pin = options->auth_pin != NULL ? options->auth_pin : "1234";
	const char *sign_pin = options->sign_pin != NULL ? options->sign_pin : "ABC123";
	const char *support_pin = options->support_pin != NULL ? options->support_pin : "1234";

	const Profile *profile = find_profile(name);
	if (profile == NULL) {
		g_set_error(error, SIM_PROFILE_ERROR, SIM_PROFILE_ERROR_UNKNOWN_PROFILE,
			    "unknown card profile '%s'", name);
		return NULL;
	}
	if (!check_pins(auth_pin, sign_pin, support_pin, error))
		return NULL;

	g_autoptr(SimCard) card = sim_card_new();
	add_token_info(card, profile->juki);
	if (!profile->juki)
		add_certificate_presence(card, profile);
	if (!add_certificate(card, dir, "auth-ca.pem", 0x000B, -1, error) ||
	    !add_certificate(card, dir, "sign-ca.pem", 0x0002, -1, error))
		return NULL;

	if (profile->auth_cert != NULL) {
		if (!add_certificate(card, dir, profile->auth_cert, 0x000A, -1, error) ||
		    !add_key(card, dir, "auth.key", 0x0017, SIM_SECRET_AUTH, error))
			return NULL;
		sim_card_set_secret(card, SIM_SECRET_AUTH, auth_pin, 3,
				    profile->auth_locked ? 0 : 3);
	} else {
		add_absent_certificate(card, profile->absent, 0x000A, SIM_SECRET_AUTH, 3);
	}

	if (profile->sign_cert != NULL) {
		if (!add_certificate(card, dir, profile->sign_cert, 0x0001, SIM_SECRET_SIGN,
				     error) ||
		    !add_key(card, dir, "sign.key", 0x001A, SIM_SECRET_SIGN, error))
			return NULL;
		sim_card_set_secret(card, SIM_SECRET_SIGN, sign_pin, 5, 5);
	} else {
		add_absent_certificate(card, profile->absent, 0x0001, SIM_SECRET_SIGN, 5);
	}

	if (profile->juki) {
		/* The Juki card predates the My Number Card's other applications. */
		sim_card_set_ap_present(card, SIM_AP_SUPPORT, FALSE);
		sim_card_set_ap_present(card, SIM_AP_SURFACE, FALSE);
		sim_card_set_ap_present(card, SIM_AP_COMMON, FALSE);
	} else {
		add_support_ap(card, support_pin);
		add_manufacture_number(card);
	}
	if (options->contactless)
		sim_card_set_atr(card, contactless_atr, sizeof(contactless_atr));
	sim_card_set_extended_length(card, !options->refuse_extended_length);
	sim_card_set_blocked_status(card, options->blocked_status_6984 ? 0x6984 : 0x63C0);
	return g_steal_pointer(&card);
}
