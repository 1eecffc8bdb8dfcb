/* jpki doctor: the checks, in the order a resident's machine needs them, each ok, warning or
 * fail with a message and what to do, in Japanese or English. No PIN is asked or sent. */
#pragma once

#include "cli.h"

typedef enum {
	DOCTOR_OK,
	DOCTOR_WARNING,
	DOCTOR_FAIL,
	DOCTOR_SKIPPED, /* could not be checked because an earlier check failed */
} DoctorStatus;

typedef struct {
	char *name; /* stable, for scripts: "pcscd", "readers", "card", ... */
	DoctorStatus status;
	char *message;
	char *advice;   /* NULL when there is nothing to do */
	json_t *detail; /* facts for --json; may be NULL */
} DoctorCheck;

typedef struct {
	Cli *cli;
	GPtrArray *checks; /* DoctorCheck */
} DoctorReport;

/* Adds a check; `advice` is copied (NULL for none), `format` builds the message. Returns the
 * check so that the caller can attach a detail. */
DoctorCheck *doctor_add(DoctorReport *report, const char *name, DoctorStatus status,
			const char *advice, const char *format, ...) G_GNUC_PRINTF(5, 6);

/* pcscd, readers, the card and its type, certificates, PIN lock state. */
void doctor_check_card(DoctorReport *report);
/* Host manifests of each installed browser, snap and Flatpak browsers, the PIN dialog. */
void doctor_check_desktop(DoctorReport *report);
