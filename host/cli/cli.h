/* What every `jpki` command shares: options, language, output, the card. */
#pragma once

#include "cert.h"
#include "jpki_ap.h"
#include "messages.h"

#include <jansson.h>

typedef struct {
	JpkiLang lang;
	gboolean json;
	char *reader; /* --reader */
	gint pin_fd;  /* --pin-fd, -1 when not given */
	gint wait_s;  /* --wait: seconds to wait for a card */
} Cli;

/* Both languages at the call site, so no message exists in only one. */
#define TR(cli, ja, en) ((cli)->lang == JPKI_LANG_JA ? (ja) : (en))

/* Exit statuses. */
#define CLI_OK    0
#define CLI_ERROR 1
#define CLI_USAGE 2

/* Prints the error (summary, what to do, detail) on stderr, or as JSON
 * {"error": {...}} on stdout with --json; returns CLI_ERROR. */
int cli_fail(Cli *cli, const GError *error);
/* The same with a message of the command's own (both languages at the call site) and a
 * stable code of its own, for failures that are not libjpki's. */
int cli_fail_with_text(Cli *cli, const char *code, const char *summary, const char *advice,
		       const GError *error);
/* Prints a JSON document on stdout and takes it. */
void cli_print_json(json_t *document);

/* The PC/SC context and the one My Number Card, waiting --wait seconds for it. */
JpkiCard *cli_open_card(Cli *cli, JpkiContext **context, GError **error);

/* Asks for `secret`'s PIN after checking (without spending a try) that it is
 * not blocked: a blocked PIN is never asked for, nor sent. */
JpkiPin *cli_ask_pin(Cli *cli, JpkiCard *card, JpkiSecret secret, GError **error);
/* cli_fail() that also says how many tries are left after a wrong PIN. */
int cli_fail_pin(Cli *cli, const GError *error, guint tries_left);
/* A certificate from the card; the signing certificate asks for its password. */
JpkiCert *cli_read_certificate(Cli *cli, JpkiCard *card, JpkiCertSlot slot, guint *tries_left,
			       GError **error);

/* Trust anchors: the files given with --ca, else the real JPKI roots; with
 * the CRL of --crl when given. */
JpkiTrustStore *cli_trust_store(char **ca_files, const char *crl_file, GError **error);

/* "2030-07-15" from a UTC date, in local time. */
char *cli_format_date(GDateTime *utc);
/* `path` made absolute with its symbolic links resolved (Unix; on Windows only made absolute);
 * NULL when it does not exist (Unix). */
char *cli_real_path(const char *path);

/* A certificate's state for people ("有効（有効期限 …）", "expired on …, renew at
 * the municipal office") and for scripts ({"validity": ..., "not_after": ...}). */
char *cli_describe_validity(Cli *cli, JpkiCert *cert);
json_t *cli_certificate_json(JpkiCert *cert);

typedef int (*CliCommand)(Cli *cli, int argc, char **argv);
int cli_status(Cli *cli, int argc, char **argv);
int cli_cert(Cli *cli, int argc, char **argv);
int cli_pin(Cli *cli, int argc, char **argv);
int cli_attributes(Cli *cli, int argc, char **argv);
int cli_sign(Cli *cli, int argc, char **argv);
int cli_verify(Cli *cli, int argc, char **argv);
int cli_install(Cli *cli, int argc, char **argv);
int cli_uninstall(Cli *cli, int argc, char **argv);
int cli_doctor(Cli *cli, int argc, char **argv);

/* Parses a command's own options (GOptionEntry list) with --help in the
 * user's language; returns FALSE after printing the usage error. */
gboolean cli_parse(Cli *cli, int *argc, char ***argv, const char *usage, const char *summary,
		   const GOptionEntry *entries);
/* For commands without arguments: TRUE when there are none, else prints the usage error
 * (without echoing what looks like a PIN) and returns FALSE. */
gboolean cli_refuse_arguments(Cli *cli, int argc, char **argv);
