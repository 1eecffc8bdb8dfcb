/* The APDU engine of the card simulator. The behaviour it copies, and where
 * the facts come from, is written down in docs/simulator.md. */
#include "sim_card.h"

#include "openssl_autoptr.h"

#include <openssl/crypto.h>
#include <openssl/rsa.h>
#include <string.h>

#define SW_OK                        0x9000
#define SW_WRONG_LENGTH              0x6700
#define SW_FILE_INCOMPATIBLE         0x6981
#define SW_SECURITY_NOT_SATISFIED    0x6982
#define SW_PIN_BLOCKED               0x6984
#define SW_CONDITIONS_NOT_SATISFIED  0x6985
#define SW_NO_CURRENT_EF             0x6986
#define SW_WRONG_DATA                0x6A80
#define SW_FILE_NOT_FOUND            0x6A82
#define SW_RECORD_NOT_FOUND          0x6A83
#define SW_WRONG_P1P2                0x6A86
#define SW_REFERENCED_DATA_NOT_FOUND 0x6A88
#define SW_OFFSET_BEYOND_END         0x6B00
#define SW_INS_NOT_SUPPORTED         0x6D00
#define SW_CLA_NOT_SUPPORTED         0x6E00
#define SW_WRONG_LE_256              0x6C00
#define SW_NO_PRECISE_DIAGNOSIS      0x6F00

#define MAX_SECRET_LEN     16
#define RSA_PKCS1_OVERHEAD 11

typedef enum { EF_BINARY, EF_SECRET, EF_KEY } EfKind;

typedef struct {
	SimAp ap;
	guint16 fid;
	EfKind kind;
	GBytes *content;  /* EF_BINARY */
	int read_secret;  /* EF_BINARY: a SimSecret that must be verified, or -1 */
	SimSecret secret; /* EF_SECRET: the secret it holds; EF_KEY: the one unlocking it */
	EVP_PKEY *key;    /* EF_KEY */
} SimEf;

typedef struct {
	char value[MAX_SECRET_LEN + 1];
	gboolean present;
	guint max_tries;
	guint tries_left;
	gboolean verified; /* volatile: lost on reset and on SELECT of an application */
} SimSecretState;

typedef struct {
	SimAp ap;
	guint8 sfi;
	GBytes *record;
} SimRecordFile;

struct _SimCard {
	GPtrArray *efs; /* SimEf */
	GPtrArray *records;
	SimSecretState secrets[SIM_SECRET_COUNT];
	gboolean ap_present[SIM_AP_COUNT];
	GByteArray *atr;
	gboolean extended_length;
	guint16 blocked_status_sw; /* the status query's answer on a blocked secret */
	gboolean first_apdu_6f00;  /* 6F00 to the first APDU after power-up or reset */
	guint16 answer_all_sw;     /* not 0: every APDU answered this (no ISO 7816-4) */
	/* volatile state */
	int current_ap; /* a SimAp, or -1 before any SELECT */
	const SimEf *current_ef;
	gboolean powered_up; /* no APDU yet since power-up or reset */
	guint commands_seen[256];
	guint status_queries; /* VERIFY without data */
	guint pin_verifies;   /* VERIFY carrying a PIN */
};

typedef struct {
	guint8 cla, ins, p1, p2;
	const guint8 *data;
	gsize lc;
	gsize ne; /* expected response length; 0 when no Le was sent */
	gboolean extended;
} Command;

static const guint8 aid_of[SIM_AP_COUNT][10] = {
	[SIM_AP_JPKI] = {0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01},
	[SIM_AP_SUPPORT] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08},
	[SIM_AP_SURFACE] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02},
	[SIM_AP_COMMON] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00},
};

/* The contact ATR that OpenSC 0.23 matches for JPKI. */
static const guint8 default_atr[] = {0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14};

static void
sim_ef_free(gpointer data)
{
	SimEf *ef = data;
	g_clear_pointer(&ef->content, g_bytes_unref);
	g_clear_pointer(&ef->key, EVP_PKEY_free);
	g_free(ef);
}

static void
sim_record_file_free(gpointer data)
{
	SimRecordFile *file = data;
	g_bytes_unref(file->record);
	g_free(file);
}

SimCard *
sim_card_new(void)
{
	SimCard *card = g_new0(SimCard, 1);
	card->efs = g_ptr_array_new_with_free_func(sim_ef_free);
	card->records = g_ptr_array_new_with_free_func(sim_record_file_free);
	card->atr = g_byte_array_new();
	g_byte_array_append(card->atr, default_atr, sizeof(default_atr));
	card->extended_length = TRUE;
	card->blocked_status_sw = 0x63C0;
	for (guint i = 0; i < SIM_AP_COUNT; i++)
		card->ap_present[i] = TRUE;
	card->current_ap = -1;
	card->powered_up = TRUE;
	return card;
}

void
sim_card_free(SimCard *card)
{
	if (card == NULL)
		return;
	g_ptr_array_unref(card->efs);
	g_ptr_array_unref(card->records);
	g_byte_array_unref(card->atr);
	OPENSSL_cleanse(card->secrets, sizeof(card->secrets));
	g_free(card);
}

static SimEf *
find_ef(SimCard *card, SimAp ap, guint16 fid)
{
	for (guint i = 0; i < card->efs->len; i++) {
		SimEf *ef = g_ptr_array_index(card->efs, i);
		if (ef->ap == ap && ef->fid == fid)
			return ef;
	}
	return NULL;
}

static SimEf *
add_ef(SimCard *card, SimAp ap, guint16 fid, EfKind kind)
{
	SimEf *ef = find_ef(card, ap, fid);
	if (ef != NULL)
		g_ptr_array_remove(card->efs, ef);
	ef = g_new0(SimEf, 1);
	ef->ap = ap;
	ef->fid = fid;
	ef->kind = kind;
	ef->read_secret = -1;
	g_ptr_array_add(card->efs, ef);
	card->current_ef = NULL;
	return ef;
}

void
sim_card_set_binary(SimCard *card, SimAp ap, guint16 fid, GBytes *content, int read_secret)
{
	SimEf *ef = add_ef(card, ap, fid, EF_BINARY);
	ef->content = g_bytes_ref(content);
	ef->read_secret = read_secret;
}

static SimAp
ap_of_secret(SimSecret secret)
{
	return secret == SIM_SECRET_SUPPORT ? SIM_AP_SUPPORT : SIM_AP_JPKI;
}

static guint16
fid_of_secret(SimSecret secret)
{
	switch (secret) {
	case SIM_SECRET_AUTH:
		return 0x0018;
	case SIM_SECRET_SIGN:
		return 0x001B;
	default:
		return 0x0011;
	}
}

void
sim_card_set_secret(SimCard *card, SimSecret secret, const char *value, guint max_tries,
		    guint tries_left)
{
	SimSecretState *state = &card->secrets[secret];
	SimEf *ef = add_ef(card, ap_of_secret(secret), fid_of_secret(secret), EF_SECRET);
	ef->secret = secret;
	g_strlcpy(state->value, value, sizeof(state->value));
	state->present = TRUE;
	state->max_tries = max_tries;
	state->tries_left = MIN(tries_left, max_tries);
	state->verified = FALSE;
}

void
sim_card_set_key(SimCard *card, guint16 fid, EVP_PKEY *key, SimSecret unlocked_by)
{
	SimEf *ef = add_ef(card, SIM_AP_JPKI, fid, EF_KEY);
	EVP_PKEY_up_ref(key);
	ef->key = key;
	ef->secret = unlocked_by;
}

void
sim_card_set_record(SimCard *card, SimAp ap, guint8 sfi, GBytes *record)
{
	SimRecordFile *file = g_new0(SimRecordFile, 1);
	file->ap = ap;
	file->sfi = sfi;
	file->record = g_bytes_ref(record);
	g_ptr_array_add(card->records, file);
}

void
sim_card_set_ap_present(SimCard *card, SimAp ap, gboolean present)
{
	card->ap_present[ap] = present;
}

void
sim_card_set_atr(SimCard *card, const guint8 *atr, gsize len)
{
	g_byte_array_set_size(card->atr, 0);
	g_byte_array_append(card->atr, atr, (guint)len);
}

void
sim_card_set_extended_length(SimCard *card, gboolean accepted)
{
	card->extended_length = accepted;
}

void
sim_card_set_first_apdu_6f00(SimCard *card, gboolean enabled)
{
	card->first_apdu_6f00 = enabled;
}

void
sim_card_set_answer_all(SimCard *card, guint16 sw)
{
	card->answer_all_sw = sw;
}

void
sim_card_set_blocked_status(SimCard *card, guint16 sw)
{
	card->blocked_status_sw = sw;
}

const guint8 *
sim_card_get_atr(SimCard *card, gsize *len)
{
	*len = card->atr->len;
	return card->atr->data;
}

guint
sim_card_get_tries_left(SimCard *card, SimSecret secret)
{
	return card->secrets[secret].tries_left;
}

guint
sim_card_count_commands(SimCard *card, guint8 ins)
{
	return card->commands_seen[ins];
}

guint
sim_card_count_status_queries(SimCard *card)
{
	return card->status_queries;
}

guint
sim_card_count_pin_verifies(SimCard *card)
{
	return card->pin_verifies;
}

/* Counted before anything is checked: a PIN the card refuses for its form still left the
 * host. */
static void
count_verify(SimCard *card, const guint8 *apdu, gsize len, gboolean parsed, const Command *cmd)
{
	if (len < 2 || apdu[1] != 0x20)
		return;
	gboolean carries_data = parsed ? cmd->lc > 0 : len > 5;
	if (carries_data)
		card->pin_verifies++;
	else
		card->status_queries++;
}

static void
forget_verification(SimCard *card)
{
	for (guint i = 0; i < SIM_SECRET_COUNT; i++)
		card->secrets[i].verified = FALSE;
}

void
sim_card_reset(SimCard *card)
{
	forget_verification(card);
	card->current_ap = -1;
	card->current_ef = NULL;
	card->powered_up = TRUE;
}

/* ISO 7816-4 cases 1-4, short and extended. FALSE: the bytes are no APDU. */
static gboolean
parse_command(const guint8 *apdu, gsize len, Command *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	if (len < 4)
		return FALSE;
	cmd->cla = apdu[0];
	cmd->ins = apdu[1];
	cmd->p1 = apdu[2];
	cmd->p2 = apdu[3];
	if (len == 4)
		return TRUE;
	if (len == 5) {
		cmd->ne = apdu[4] == 0 ? 256 : apdu[4];
		return TRUE;
	}
	if (apdu[4] != 0) {
		cmd->lc = apdu[4];
		cmd->data = apdu + 5;
		if (len == 5 + cmd->lc)
			return TRUE;
		if (len == 6 + cmd->lc) {
			cmd->ne = apdu[len - 1] == 0 ? 256 : apdu[len - 1];
			return TRUE;
		}
		return FALSE;
	}
	cmd->extended = TRUE;
	if (len < 7)
		return FALSE;
	if (len == 7) {
		cmd->ne = (apdu[5] << 8 | apdu[6]);
		if (cmd->ne == 0)
			cmd->ne = 65536;
		return TRUE;
	}
	cmd->lc = (gsize)(apdu[5] << 8 | apdu[6]);
	cmd->data = apdu + 7;
	if (cmd->lc == 0)
		return FALSE;
	if (len == 7 + cmd->lc)
		return TRUE;
	if (len == 9 + cmd->lc) {
		cmd->ne = (apdu[len - 2] << 8 | apdu[len - 1]);
		if (cmd->ne == 0)
			cmd->ne = 65536;
		return TRUE;
	}
	return FALSE;
}

static GBytes *
respond(GByteArray *data, guint16 sw)
{
	GByteArray *out = data != NULL ? data : g_byte_array_new();
	guint8 sw_bytes[2] = {sw >> 8, sw & 0xFF};
	g_byte_array_append(out, sw_bytes, 2);
	return g_byte_array_free_to_bytes(out);
}

static GBytes *
respond_sw(guint16 sw)
{
	return respond(NULL, sw);
}

static GBytes *
select_application(SimCard *card, const Command *cmd)
{
	for (guint ap = 0; ap < SIM_AP_COUNT; ap++) {
		if (cmd->lc == sizeof(aid_of[ap]) && memcmp(cmd->data, aid_of[ap], cmd->lc) == 0 &&
		    card->ap_present[ap]) {
			/* Selecting any application is the card's logout. */
			forget_verification(card);
			card->current_ap = (int)ap;
			card->current_ef = NULL;
			return respond_sw(SW_OK);
		}
	}
	return respond_sw(SW_FILE_NOT_FOUND);
}

static GBytes *
select_file(SimCard *card, const Command *cmd)
{
	if (cmd->p2 != 0x0C)
		return respond_sw(SW_WRONG_P1P2);
	if (cmd->p1 == 0x04)
		return select_application(card, cmd);
	if (cmd->p1 != 0x02)
		return respond_sw(SW_WRONG_P1P2);
	if (cmd->lc != 2)
		return respond_sw(SW_WRONG_LENGTH);
	if (card->current_ap < 0)
		return respond_sw(SW_FILE_NOT_FOUND);
	guint16 fid = (guint16)(cmd->data[0] << 8 | cmd->data[1]);
	const SimEf *ef = find_ef(card, (SimAp)card->current_ap, fid);
	if (ef == NULL)
		return respond_sw(SW_FILE_NOT_FOUND);
	card->current_ef = ef;
	return respond_sw(SW_OK);
}

static GBytes *
read_binary(SimCard *card, const Command *cmd)
{
	if (cmd->lc != 0 || cmd->ne == 0)
		return respond_sw(SW_WRONG_LENGTH);
	if (cmd->p1 & 0x80)
		return respond_sw(SW_WRONG_P1P2); /* short-EF form: not simulated */
	const SimEf *ef = card->current_ef;
	if (ef == NULL)
		return respond_sw(SW_NO_CURRENT_EF);
	if (ef->kind != EF_BINARY)
		return respond_sw(SW_FILE_INCOMPATIBLE);
	if (ef->read_secret >= 0 && !card->secrets[ef->read_secret].verified)
		return respond_sw(SW_SECURITY_NOT_SATISFIED);

	gsize offset = (gsize)(cmd->p1 << 8 | cmd->p2);
	gsize size = 0;
	const guint8 *content = g_bytes_get_data(ef->content, &size);
	if (offset >= size)
		return respond_sw(SW_OFFSET_BEYOND_END);
	gsize count = MIN(cmd->ne, size - offset);
	GByteArray *out = g_byte_array_sized_new((guint)count + 2);
	g_byte_array_append(out, content + offset, (guint)count);
	return respond(out, SW_OK);
}

static const SimEf *
current_secret_ef(SimCard *card)
{
	const SimEf *ef = card->current_ef;
	return ef != NULL && ef->kind == EF_SECRET ? ef : NULL;
}

static guint16
sw_for_tries_left(guint tries_left)
{
	return (guint16)(0x63C0 | MIN(tries_left, 0xF));
}

static GBytes *
verify(SimCard *card, const Command *cmd)
{
	if (cmd->p1 != 0x00 || cmd->p2 != 0x80)
		return respond_sw(SW_WRONG_P1P2);
	if (cmd->ne != 0)
		return respond_sw(SW_WRONG_LENGTH); /* a real card answers 6700 to an appended Le */
	const SimEf *ef = current_secret_ef(card);
	if (ef == NULL)
		return respond_sw(SW_REFERENCED_DATA_NOT_FOUND);
	SimSecretState *state = &card->secrets[ef->secret];

	if (cmd->lc == 0) {
		/* Status query: spends no try. A real card answers 63Cx even right after a
		 * successful VERIFY (OpenSC PR 959), never 9000. */
		if (state->tries_left == 0)
			return respond_sw(card->blocked_status_sw);
		return respond_sw(sw_for_tries_left(state->tries_left));
	}
	if (state->tries_left == 0)
		return respond_sw(SW_PIN_BLOCKED);

	gboolean match = cmd->lc == strlen(state->value) &&
			 CRYPTO_memcmp(cmd->data, state->value, cmd->lc) == 0;
	if (!match) {
		state->verified = FALSE;
		state->tries_left--;
		return respond_sw(sw_for_tries_left(state->tries_left));
	}
	state->tries_left = state->max_tries;
	state->verified = TRUE;
	return respond_sw(SW_OK);
}

/* The card keeps its secrets in the same formats the municipal office sets:
 * 4 digits, or 6-16 of A-Z0-9 mixing letters and digits for signing. */
static gboolean
secret_value_ok(SimSecret secret, const guint8 *value, gsize len)
{
	gboolean sign = secret == SIM_SECRET_SIGN;
	if (sign ? (len < 6 || len > 16) : len != 4)
		return FALSE;
	gboolean has_digit = FALSE, has_letter = FALSE;
	for (gsize i = 0; i < len; i++) {
		gboolean digit = g_ascii_isdigit(value[i]);
		gboolean upper = value[i] >= 'A' && value[i] <= 'Z';
		if (!(digit || (sign && upper)))
			return FALSE;
		has_digit |= digit;
		has_letter |= upper;
	}
	/* J-LIS: the signing password combines letters and digits. */
	return !sign || (has_digit && has_letter);
}

gboolean
sim_card_secret_format_ok(SimSecret secret, const char *value)
{
	return secret_value_ok(secret, (const guint8 *)value, strlen(value));
}

static GBytes *
change_reference_data(SimCard *card, const Command *cmd)
{
	if (cmd->p1 != 0x01 || cmd->p2 != 0x80)
		return respond_sw(SW_WRONG_P1P2);
	const SimEf *ef = current_secret_ef(card);
	if (ef == NULL)
		return respond_sw(SW_REFERENCED_DATA_NOT_FOUND);
	SimSecretState *state = &card->secrets[ef->secret];
	if (state->tries_left == 0)
		return respond_sw(SW_PIN_BLOCKED);
	if (!state->verified)
		return respond_sw(SW_SECURITY_NOT_SATISFIED);
	if (!secret_value_ok(ef->secret, cmd->data, cmd->lc))
		return respond_sw(SW_WRONG_DATA);
	OPENSSL_cleanse(state->value, sizeof(state->value));
	memcpy(state->value, cmd->data, cmd->lc);
	return respond_sw(SW_OK);
}

static GBytes *
compute_signature(SimCard *card, const Command *cmd)
{
	if (cmd->cla != 0x80)
		return respond_sw(SW_CLA_NOT_SUPPORTED);
	if (cmd->p1 != 0x00 || cmd->p2 != 0x80)
		return respond_sw(SW_WRONG_P1P2);
	const SimEf *ef = card->current_ef;
	if (ef == NULL || ef->kind != EF_KEY)
		return respond_sw(SW_CONDITIONS_NOT_SATISFIED);
	if (!card->secrets[ef->secret].verified)
		return respond_sw(SW_SECURITY_NOT_SATISFIED);

	gsize modulus = (gsize)EVP_PKEY_get_size(ef->key);
	if (cmd->lc == 0 || cmd->lc > modulus - RSA_PKCS1_OVERHEAD)
		return respond_sw(SW_WRONG_LENGTH);
	if (cmd->ne != 0 && cmd->ne < modulus)
		return respond_sw(SW_WRONG_LE_256);

	/* PKCS#1 v1.5 type-1 padding around whatever DigestInfo was sent. */
	g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new(ef->key, NULL);
	GByteArray *out = g_byte_array_sized_new((guint)modulus + 2);
	g_byte_array_set_size(out, (guint)modulus);
	gsize sig_len = modulus;
	if (ctx == NULL || EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_sign(ctx, out->data, &sig_len, cmd->data, cmd->lc) <= 0) {
		g_byte_array_unref(out);
		return respond_sw(SW_CONDITIONS_NOT_SATISFIED);
	}
	g_byte_array_set_size(out, (guint)sig_len);
	return respond(out, SW_OK);
}

static GBytes *
read_record(SimCard *card, const Command *cmd)
{
	if (cmd->lc != 0 || cmd->ne == 0)
		return respond_sw(SW_WRONG_LENGTH);
	if ((cmd->p2 & 0x07) != 0x04)
		return respond_sw(SW_WRONG_P1P2); /* only "record number in P1" */
	guint8 sfi = cmd->p2 >> 3;
	for (guint i = 0; i < card->records->len; i++) {
		SimRecordFile *file = g_ptr_array_index(card->records, i);
		if ((int)file->ap != card->current_ap || file->sfi != sfi)
			continue;
		if (cmd->p1 != 1)
			return respond_sw(SW_RECORD_NOT_FOUND);
		gsize size = 0;
		const guint8 *record = g_bytes_get_data(file->record, &size);
		GByteArray *out = g_byte_array_new();
		g_byte_array_append(out, record, (guint)MIN(size, cmd->ne));
		return respond(out, SW_OK);
	}
	return respond_sw(SW_FILE_NOT_FOUND);
}

GBytes *
sim_card_transmit(SimCard *card, const guint8 *apdu, gsize len)
{
	Command cmd;
	gboolean parsed = parse_command(apdu, len, &cmd);
	count_verify(card, apdu, len, parsed, &cmd);
	gboolean first = card->powered_up;
	card->powered_up = FALSE;
	if (!parsed)
		return respond_sw(SW_WRONG_LENGTH);
	card->commands_seen[cmd.ins]++;
	if (first && card->first_apdu_6f00)
		return respond_sw(SW_NO_PRECISE_DIAGNOSIS); /* not executed */
	if (card->answer_all_sw != 0)
		return respond_sw(card->answer_all_sw);
	if (cmd.extended && !card->extended_length)
		return respond_sw(SW_WRONG_LENGTH);
	if (cmd.cla != 0x00 && cmd.ins != 0x2A)
		return respond_sw(SW_CLA_NOT_SUPPORTED);

	switch (cmd.ins) {
	case 0xA4:
		return select_file(card, &cmd);
	case 0xB0:
		return read_binary(card, &cmd);
	case 0xB2:
		return read_record(card, &cmd);
	case 0x20:
		return verify(card, &cmd);
	case 0x24:
		return change_reference_data(card, &cmd);
	case 0x2A:
		return compute_signature(card, &cmd);
	default:
		return respond_sw(SW_INS_NOT_SUPPORTED);
	}
}
