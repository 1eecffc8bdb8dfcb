/* The fault layer of sim_fault.h. */
#include "sim_fault.h"

#include "sim_pcsc.h"

#include <string.h>

typedef enum {
	RULE_ANSWER,
	RULE_TRUNCATE,
	RULE_REPLACE_SW,
} RuleKind;

typedef struct {
	RuleKind kind;
	int ins;
	gsize min_len;
	guint16 sw;
	GBytes *data; /* RULE_ANSWER */
	gsize keep;   /* RULE_TRUNCATE */
} Rule;

struct _SimFault {
	GMutex lock;
	GArray *rules; /* Rule */
	GBytes *script;
	gsize script_at;
	guint commands;
	guint changed;
};

static void
rule_clear(gpointer data)
{
	Rule *rule = data;
	g_clear_pointer(&rule->data, g_bytes_unref);
}

SimFault *
sim_fault_new(void)
{
	SimFault *fault = g_new0(SimFault, 1);
	g_mutex_init(&fault->lock);
	fault->rules = g_array_new(FALSE, TRUE, sizeof(Rule));
	g_array_set_clear_func(fault->rules, rule_clear);
	return fault;
}

void
sim_fault_free(SimFault *fault)
{
	if (fault == NULL)
		return;
	g_array_unref(fault->rules);
	g_clear_pointer(&fault->script, g_bytes_unref);
	g_mutex_clear(&fault->lock);
	g_free(fault);
}

static void
add_rule(SimFault *fault, Rule rule)
{
	g_mutex_lock(&fault->lock);
	g_array_append_val(fault->rules, rule);
	g_mutex_unlock(&fault->lock);
}

void
sim_fault_answer(SimFault *fault, int ins, gsize min_len, guint16 sw, const guint8 *data,
		 gsize data_len)
{
	add_rule(fault, (Rule){.kind = RULE_ANSWER,
			       .ins = ins,
			       .min_len = min_len,
			       .sw = sw,
			       .data = g_bytes_new(data, data_len)});
}

void
sim_fault_truncate(SimFault *fault, int ins, gsize keep)
{
	add_rule(fault, (Rule){.kind = RULE_TRUNCATE, .ins = ins, .keep = keep});
}

void
sim_fault_replace_sw(SimFault *fault, int ins, guint16 sw)
{
	add_rule(fault, (Rule){.kind = RULE_REPLACE_SW, .ins = ins, .sw = sw});
}

void
sim_fault_script_from_bytes(SimFault *fault, const guint8 *data, gsize len)
{
	g_mutex_lock(&fault->lock);
	g_clear_pointer(&fault->script, g_bytes_unref);
	fault->script = g_bytes_new(data, len);
	fault->script_at = 0;
	g_mutex_unlock(&fault->lock);
}

static GBytes *
data_and_sw(const guint8 *data, gsize len, guint16 sw)
{
	guint8 *out = g_malloc(len + 2);
	if (len > 0)
		memcpy(out, data, len);
	out[len] = (guint8)(sw >> 8);
	out[len + 1] = (guint8)(sw & 0xFF);
	return g_bytes_new_take(out, len + 2);
}

static GBytes *
apply_rule(const Rule *rule, GBytes *answer)
{
	gsize size = 0;
	const guint8 *card = g_bytes_get_data(answer, &size);
	gsize card_data_len = size >= 2 ? size - 2 : 0;
	guint16 card_sw = size >= 2 ? (guint16)(card[size - 2] << 8 | card[size - 1]) : 0x6F00;
	switch (rule->kind) {
	case RULE_ANSWER: {
		gsize len = 0;
		const guint8 *data = g_bytes_get_data(rule->data, &len);
		return data_and_sw(data, len, rule->sw);
	}
	case RULE_TRUNCATE:
		return data_and_sw(card, MIN(card_data_len, rule->keep), card_sw);
	default:
		return data_and_sw(card, card_data_len, rule->sw);
	}
}

static guint8
script_byte(SimFault *fault)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(fault->script, &len);
	return fault->script_at < len ? data[fault->script_at++] : 0;
}

/* One decision of the fuzz input, a command: its first byte says what happens to the card's
 * answer (the low 3 bits; the rest of the byte is an argument):
 *   0, 1  the card's answer as it is (most commands pass, so the card gets somewhere)
 *   2     the card's data, then the next 2 bytes as the status word
 *   3     the next byte N, then N bytes of data, then 2 bytes of status word: the whole answer
 *   4     the card's data cut to the next byte's length, with its own status word
 *   5     the card's data with one byte (at the next byte, modulo) set to the byte after
 *   6     the next 2 bytes as the whole answer (a bare status word)
 *   7     an answer of 0 or 1 byte (the argument's lowest bit): shorter than any status word
 * Past the end of the input, the card's own answers. */
static GBytes *
scripted_answer(SimFault *fault, GBytes *answer)
{
	gsize len = 0;
	g_bytes_get_data(fault->script, &len);
	if (fault->script_at >= len)
		return NULL;
	guint8 op = script_byte(fault);
	gsize size = 0;
	const guint8 *card = g_bytes_get_data(answer, &size);
	gsize card_data_len = size >= 2 ? size - 2 : 0;
	guint16 card_sw = size >= 2 ? (guint16)(card[size - 2] << 8 | card[size - 1]) : 0x6F00;
	switch (op & 7) {
	case 2: {
		guint16 sw = (guint16)(script_byte(fault) << 8);
		sw |= script_byte(fault);
		return data_and_sw(card, card_data_len, sw);
	}
	case 3: {
		guint8 n = script_byte(fault);
		g_autofree guint8 *data = g_malloc0(n + 1u);
		for (guint i = 0; i < n; i++)
			data[i] = script_byte(fault);
		guint16 sw = (guint16)(script_byte(fault) << 8);
		sw |= script_byte(fault);
		return data_and_sw(data, n, sw);
	}
	case 4: {
		gsize keep = script_byte(fault); /* not inside MIN(), which reads it twice */
		return data_and_sw(card, MIN(card_data_len, keep), card_sw);
	}
	case 5: {
		g_autofree guint8 *data = g_memdup2(card, size);
		guint8 at = script_byte(fault);
		guint8 value = script_byte(fault);
		if (card_data_len > 0)
			data[at % card_data_len] = value;
		return g_bytes_new(data, size);
	}
	case 6: {
		guint8 sw[2] = {script_byte(fault), script_byte(fault)};
		return g_bytes_new(sw, 2);
	}
	case 7:
		return g_bytes_new(card, MIN(size, (gsize)(op >> 3 & 1)));
	default:
		return NULL;
	}
}

static GBytes *
fault_hook(const guint8 *apdu, gsize len, GBytes *answer, gpointer user_data)
{
	SimFault *fault = user_data;
	g_mutex_lock(&fault->lock);
	fault->commands++;
	GBytes *instead = NULL;
	for (guint i = 0; i < fault->rules->len && instead == NULL; i++) {
		const Rule *rule = &g_array_index(fault->rules, Rule, i);
		if ((rule->ins == SIM_FAULT_ANY_INS || (len >= 2 && apdu[1] == rule->ins)) &&
		    len >= rule->min_len)
			instead = apply_rule(rule, answer);
	}
	if (instead == NULL && fault->script != NULL)
		instead = scripted_answer(fault, answer);
	if (instead != NULL)
		fault->changed++;
	g_mutex_unlock(&fault->lock);
	return instead;
}

void
sim_fault_install(SimFault *fault)
{
	sim_pcsc_set_answer_hook(fault_hook, fault);
}

guint
sim_fault_count_commands(SimFault *fault)
{
	g_mutex_lock(&fault->lock);
	guint count = fault->commands;
	g_mutex_unlock(&fault->lock);
	return count;
}

guint
sim_fault_count_changed(SimFault *fault)
{
	g_mutex_lock(&fault->lock);
	guint count = fault->changed;
	g_mutex_unlock(&fault->lock);
	return count;
}
