/* Card profiles: which certificates, PINs and counters a simulated card
 * starts with. The test PKI (tests/pki/make-test-pki) supplies the keys. */
#pragma once

#include "sim_card.h"

#define SIM_PROFILE_ERROR (sim_profile_error_quark())
GQuark sim_profile_error_quark(void);

typedef enum {
	SIM_PROFILE_ERROR_UNKNOWN_PROFILE,
	SIM_PROFILE_ERROR_BAD_PIN,
	SIM_PROFILE_ERROR_PKI,
} SimProfileError;

typedef struct {
	const char *profile;     /* NULL: "adult" */
	const char *pki_dir;     /* NULL: the test PKI made at build time */
	const char *auth_pin;    /* NULL: "1234" */
	const char *sign_pin;    /* NULL: "ABC123" */
	const char *support_pin; /* NULL: "1234" */
	gboolean refuse_extended_length;
	gboolean contactless;         /* an ATR built by a contactless reader */
	gboolean blocked_status_6984; /* status query on a blocked PIN: 6984, not 63C0 */
	gboolean first_apdu_6f00;     /* 6F00 to the first APDU after power-up or reset */
} SimProfileOptions;

SimCard *sim_profile_build(const SimProfileOptions *options, GError **error);
/* NULL-terminated, for --help. */
const char *const *sim_profile_names(void);
const char *sim_profile_describe(const char *profile);
