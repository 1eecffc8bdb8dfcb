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

/* EF 0006 labels (myna-card; myna knows GPSE). */
#define TOKEN_MYNUMBER "JPKIAPICCTOKEN2"
#define TOKEN_JUKI     "JPKIAPICCTOKEN"
#define TOKEN_ANDROID  "JPKIAPGPSETOKEN"

/* How a certificate the holder does not have is laid out. Not public
 * (docs/simulator.md): the simulator plays both layouts readers must expect. */
typedef enum {
	ABSENT_NO_FILES,    /* certificate, key and PIN EFs missing: SELECT answers 6A82 */
	ABSENT_BLANK_BLOCK, /* blank certificate EF (FF), no key, a PIN EF that is blocked */
} AbsentLayout;

/* Cards that are no My Number Card at all. */
typedef enum {
	MYNUMBER_OR_JUKI, /* the JPKI application and what the profile puts in it */
	FOREIGN_ISO,      /* an ISO 7816-4 card without the JPKI application (SELECT: 6A82) */
	FELICA,           /* FeliCa behind a contactless reader: 6A81 to every APDU */
} CardKind;

typedef struct {
	const char *name;
	const char *description;
	const char *auth_cert; /* file in the PKI dir; NULL: no authentication certificate */
	const char *sign_cert; /* NULL: no signing certificate (a child's card) */
	gboolean auth_locked;  /* authentication PIN already blocked */
	gboolean juki;         /* no other application than JPKI (住基カード, smartphone) */
	AbsentLayout absent;   /* for a certificate the profile lacks */
	const char *token;     /* the label of EF 0006 */
	CardKind kind;
} Profile;

static const Profile profiles[] = {
	{"adult", "a typical adult's card: both certificates valid", "auth-valid.pem",
	 "sign-valid.pem", FALSE, FALSE, ABSENT_NO_FILES, TOKEN_MYNUMBER, MYNUMBER_OR_JUKI},
	{"child", "a child's card: no signing certificate", "auth-valid.pem", NULL, FALSE, FALSE,
	 ABSENT_NO_FILES, TOKEN_MYNUMBER, MYNUMBER_OR_JUKI},
	{"no-sign-cert", "an adult who declined the signing certificate (blank EF, blocked PIN)",
	 "auth-valid.pem", NULL, FALSE, FALSE, ABSENT_BLANK_BLOCK, TOKEN_MYNUMBER,
	 MYNUMBER_OR_JUKI},
	{"no-auth-cert", "an adult who declined the authentication certificate", NULL,
	 "sign-valid.pem", FALSE, FALSE, ABSENT_NO_FILES, TOKEN_MYNUMBER, MYNUMBER_OR_JUKI},
	{"auth-locked", "the authentication PIN is already blocked", "auth-valid.pem",
	 "sign-valid.pem", TRUE, FALSE, ABSENT_NO_FILES, TOKEN_MYNUMBER, MYNUMBER_OR_JUKI},
	{"sign-expired", "the signing certificate has expired", "auth-valid.pem",
	 "sign-expired.pem", FALSE, FALSE, ABSENT_NO_FILES, TOKEN_MYNUMBER, MYNUMBER_OR_JUKI},
	{"auth-expired", "the authentication certificate has expired", "auth-expired.pem",
	 "sign-valid.pem", FALSE, FALSE, ABSENT_NO_FILES, TOKEN_MYNUMBER, MYNUMBER_OR_JUKI},
	{"renewal", "both certificates expire within 3 months (renewal window)", "auth-renewal.pem",
	 "sign-renewal.pem", FALSE, FALSE, ABSENT_NO_FILES, TOKEN_MYNUMBER, MYNUMBER_OR_JUKI},
	{"juki", "an old 住基カード (Juki card) with expired certificates", "auth-expired.pem",
	 "sign-expired.pem", FALSE, TRUE, ABSENT_NO_FILES, TOKEN_JUKI, MYNUMBER_OR_JUKI},
	{"smartphone", "a smartphone's JPKI token (スマホ用電子証明書, Android), not a card",
	 "auth-valid.pem", "sign-valid.pem", FALSE, TRUE, ABSENT_NO_FILES, TOKEN_ANDROID,
	 MYNUMBER_OR_JUKI},
	{.name = "foreign",
	 .description = "a contact ISO 7816-4 card without the JPKI application (a bank card)",
	 .kind = FOREIGN_ISO},
	{.name = "felica",
	 .description = "a FeliCa card (Suica, nanaco) on a contactless reader: no ISO 7816-4",
	 .kind = FELICA},
};

static const char *const profile_names[] = {
	"adult",       "child",        "no-sign-cert", "no-auth-cert",
	"auth-locked", "sign-expired", "auth-expired", "renewal",
	"juki",        "smartphone",   "foreign",      "felica",
	NULL};

/* Contactless readers build the ATR from ATQB (PC/SC part 3, ISO 14443-4 Type B:
 * 3B 88 80 01, application data (4) and protocol info (3) of ATQB, MBLI, TCK);
 * this one was seen on a real card. */
static const guint8 contactless_atr[] = {0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05,
					 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F};

/* What a PC/SC reader makes up for a FeliCa card (PC/SC part 3 storage-card
 * ATR: RID A0 00 00 03 06, standard 11 = FeliCa, card name 00 3B = FeliCa). */
static const guint8 felica_atr[] = {0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00,
				    0x03, 0x06, 0x11, 0x00, 0x3B, 0x00, 0x00, 0x00, 0x00, 0x42};
/* What PC/SC part 3 readers answer to a command the card type cannot take. */
#define SW_FUNCTION_NOT_SUPPORTED 0x6A81

#define TOKEN_INFO_LEN 160 /* a PKCS#11 CK_TOKEN_INFO (myna-card) */
/* Record 1 of the common AP: serial (15) + municipality code (5) + expiry (8).
 * 13101 is Chiyoda-ku, the test holder's address; the manufacture number the
 * Mynaportal reads is serial[2..14]: 0000000000001. */
#define CARD_SERIAL       "990000000000001"
#define CARD_MUNICIPALITY "13101"
#define CARD_EXPIRY       "20350101"
/* EF sizes: the real ones are not public. What matters is that a file is
 * bigger than its TLV, with FF filler after it, as on a real card. */
#define CERT_EF_SIZE       2048
#define MY_NUMBER_EF_SIZE  32
#define ATTRIBUTES_EF_SIZE 512
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

/* `content`, then FF up to `size`: a real EF is bigger than what it holds. */
static GBytes *
with_filler(const guint8 *content, gsize len, gsize size)
{
	GByteArray *ef = g_byte_array_sized_new((guint)MAX(len, size));
	g_byte_array_append(ef, content, (guint)len);
	while (ef->len < size) {
		guint8 filler = 0xFF;
		g_byte_array_append(ef, &filler, 1);
	}
	return g_byte_array_free_to_bytes(ef);
}

static gboolean
add_certificate(SimCard *card, const char *dir, const char *file, guint16 fid, int read_secret,
		GError **error)
{
	g_autoptr(GBytes) der = load_certificate_der(dir, file, error);
	if (der == NULL)
		return FALSE;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(der, &len);
	g_autoptr(GBytes) ef = with_filler(data, len, CERT_EF_SIZE);
	sim_card_set_binary(card, SIM_AP_JPKI, fid, ef, read_secret);
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

/* EF 0006: CK_TOKEN_INFO with 32-bit big-endian CK_ULONGs. Readers use the
 * label (the first 32 bytes); the other fields' real values are not public
 * apart from the version slots (ASCII "03" and "01" on a card, myna-card). */
static void
add_token_info(SimCard *card, const char *label)
{
	guint8 token[TOKEN_INFO_LEN];
	memset(token, ' ', 96);    /* label, manufacturerID, model, serialNumber */
	memset(token + 96, 0, 44); /* flags .. free private memory */
	memcpy(token, label, strlen(label));
	memcpy(token + 140, "0301", 4); /* hardwareVersion, firmwareVersion */
	memset(token + 144, ' ', 16);   /* utcTime */
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
 * DF23 address; DF24 birth date; DF25 sex }, then FF filler. DF21 holds where
 * each of DF22..DF25 starts, counted from the start of the EF (myna-card's
 * vector from a card: FF 20 65 / DF21 000E 0020 0059 0064). */
static GBytes *
build_basic_attributes(void)
{
	const char *values[] = {HOLDER_NAME, HOLDER_ADDRESS, HOLDER_BIRTH, HOLDER_SEX};
	g_autoptr(GByteArray) fields = g_byte_array_new();
	gsize starts[G_N_ELEMENTS(values)];
	for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
		starts[i] = fields->len;
		append_tlv(fields, (guint16)(0xDF22 + i), values[i], strlen(values[i]));
	}
	guint8 offsets[2 * G_N_ELEMENTS(values)];
	const gsize table_len = 3 + sizeof(offsets);
	gsize inner_len = table_len + fields->len;
	gsize header_len = 2 + (inner_len < 0x80 ? 1 : inner_len <= 0xFF ? 2 : 3);
	for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
		gsize at = header_len + table_len + starts[i];
		offsets[2 * i] = (guint8)(at >> 8);
		offsets[2 * i + 1] = (guint8)at;
	}
	g_autoptr(GByteArray) inner = g_byte_array_new();
	append_tlv(inner, 0xDF21, offsets, sizeof(offsets));
	g_byte_array_append(inner, fields->data, fields->len);

	g_autoptr(GByteArray) out = g_byte_array_new();
	append_tlv(out, 0xFF20, inner->data, inner->len);
	g_assert(out->len == header_len + inner_len);
	return with_filler(out->data, out->len, ATTRIBUTES_EF_SIZE);
}

static void
add_support_ap(SimCard *card, const char *pin)
{
	static const guint8 my_number_header[] = {0xFF, 0x10, 0x0C};
	g_autoptr(GByteArray) my_number = g_byte_array_new();
	g_byte_array_append(my_number, my_number_header, sizeof(my_number_header));
	g_byte_array_append(my_number, (const guint8 *)MY_NUMBER, strlen(MY_NUMBER));
	g_autoptr(GBytes) my_number_bytes =
		with_filler(my_number->data, my_number->len, MY_NUMBER_EF_SIZE);
	g_autoptr(GBytes) attributes = build_basic_attributes();

	sim_card_set_secret(card, SIM_SECRET_SUPPORT, pin, 3, 3);
	sim_card_set_binary(card, SIM_AP_SUPPORT, 0x0001, my_number_bytes, SIM_SECRET_SUPPORT);
	sim_card_set_binary(card, SIM_AP_SUPPORT, 0x0002, attributes, SIM_SECRET_SUPPORT);
}

/* Record 1 of SFI 1 in the common AP (myna-card, with a vector from a card):
 * 01 1C + serial (15) + municipality code (5) + expiry YYYYMMDD (8). */
static void
add_card_info(SimCard *card)
{
	const char *value = CARD_SERIAL CARD_MUNICIPALITY CARD_EXPIRY;
	GByteArray *record = g_byte_array_new();
	guint8 header[2] = {0x01, (guint8)strlen(value)};
	g_byte_array_append(record, header, 2);
	g_byte_array_append(record, (const guint8 *)value, (guint)strlen(value));
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

/* The options a reader or the card's silicon decide, whatever the profile. */
static void
apply_card_options(SimCard *card, const SimProfileOptions *options)
{
	if (options->contactless)
		sim_card_set_atr(card, contactless_atr, sizeof(contactless_atr));
	sim_card_set_extended_length(card, !options->refuse_extended_length);
	sim_card_set_blocked_status(card, options->blocked_status_6984 ? 0x6984 : 0x63C0);
	sim_card_set_first_apdu_6f00(card, options->first_apdu_6f00);
}

static SimCard *
build_other_card(const Profile *profile, const SimProfileOptions *options)
{
	SimCard *card = sim_card_new();
	for (guint ap = 0; ap < SIM_AP_COUNT; ap++)
		sim_card_set_ap_present(card, (SimAp)ap, FALSE);
	apply_card_options(card, options);
	if (profile->kind == FELICA) {
		/* Only a contactless reader reads it: its own ATR, whatever --contactless. */
		sim_card_set_atr(card, felica_atr, sizeof(felica_atr));
		sim_card_set_answer_all(card, SW_FUNCTION_NOT_SUPPORTED);
	}
	return card;
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
	if (profile->kind != MYNUMBER_OR_JUKI)
		return build_other_card(profile, options);

	g_autoptr(SimCard) card = sim_card_new();
	add_token_info(card, profile->token);
	if (strcmp(profile->token, TOKEN_JUKI) != 0)
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
		/* The Juki card predates the My Number Card's other applications; a
		 * smartphone carries the JPKI application only. */
		sim_card_set_ap_present(card, SIM_AP_SUPPORT, FALSE);
		sim_card_set_ap_present(card, SIM_AP_SURFACE, FALSE);
		sim_card_set_ap_present(card, SIM_AP_COMMON, FALSE);
	} else {
		add_support_ap(card, support_pin);
		add_card_info(card);
	}
	apply_card_options(card, options);
	return g_steal_pointer(&card);
}
