/* jpki-verify: libjpki-verify for portals that would rather call a program than link a library
 * (docs/jpki-verify.1).
 *
 *   jpki-verify token --origin O --nonce N [OPTIONS] < token.json
 *   jpki-verify cms [--origin O] [OPTIONS] SIGNATURE CONTENT
 *   jpki-verify signature --digest HEX [--hash SHA-256] [OPTIONS] CERTIFICATE SIGNATURE
 *   OPTIONS: --ca FILE (repeatable; default the real JPKI roots), --crl FILE (repeatable),
 *            --at ISO8601, --json, --lang ja|en (help and usage errors; default the locale)
 *
 * Success: status 0, the signer on standard output (lines "key: value", or one JSON object);
 * for cms also the signed origin ("origin: (none)", JSON null, when the signature names none).
 * Refused: status 1, the reason code alone on the first line of standard error and a detail on
 * the second (with --json: {"valid": false, "error": {...}} on standard output). Usage: 2. */
#include "jpki-verify.h"

#include "file_io.h"
#include "messages.h"

#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#define EXIT_REFUSED 1
#define EXIT_USAGE   2

typedef struct {
	char **ca_files;
	char **crl_files;
	char *at;
	gboolean json;
	JpkiLang lang; /* of the help and the usage errors */
} CommonOptions;

static void
common_options_clear(CommonOptions *options)
{
	g_strfreev(options->ca_files);
	g_strfreev(options->crl_files);
	g_free(options->at);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CommonOptions, common_options_clear)

#define TR(lang, ja, en) ((lang) == JPKI_LANG_JA ? (ja) : (en))

/* What was wrong on the command line, and where to read how it goes. */
static int
usage_error(JpkiLang lang, const char *ja, const char *en)
{
	fprintf(stderr, "jpki-verify: %s\n%s\n", TR(lang, ja, en),
		TR(lang, "使い方: jpki-verify --help", "Usage: jpki-verify --help"));
	return EXIT_USAGE;
}

static int
refuse(const CommonOptions *options, const GError *error)
{
	if (options->json) {
		json_t *doc = json_pack("{s:b, s:{s:s, s:s, s:s, s:s}}", "valid", 0, "error",
					"code", jpki_verify_reason(error), "message",
					error->message, "ja", jpki_verify_reason_text(error, TRUE),
					"en", jpki_verify_reason_text(error, FALSE));
		char *text = json_dumps(doc, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
		json_decref(doc);
	} else {
		fprintf(stderr, "%s\n%s\n", jpki_verify_reason(error), error->message);
	}
	return EXIT_REFUSED;
}

static void
add_field(json_t *doc, const char *key, const char *value)
{
	if (value == NULL)
		return;
	if (doc != NULL)
		json_object_set_new(doc, key, json_string(value));
	else
		printf("%s: %s\n", key, value);
}

/* What a CMS says about the site that asked for it, absence included. */
static void
add_origin(json_t *doc, JpkiVerifiedSigner *signer)
{
	const char *origin = jpki_verified_signer_get_origin(signer);
	if (doc != NULL)
		json_object_set_new(doc, "origin",
				    origin != NULL ? json_string(origin) : json_null());
	else
		printf("origin: %s\n", origin != NULL ? origin : "(none)");
}

static int
report(const CommonOptions *options, JpkiVerifiedSigner *signer, gboolean is_cms)
{
	json_t *doc = options->json ? json_pack("{s:b}", "valid", 1) : NULL;
	add_field(doc, "subject", jpki_verified_signer_get_subject(signer));
	add_field(doc, "issuer", jpki_verified_signer_get_issuer(signer));
	add_field(doc, "serial", jpki_verified_signer_get_serial(signer));
	add_field(doc, "notAfter", jpki_verified_signer_get_not_after(signer));
	add_field(doc, "signingTime", jpki_verified_signer_get_signing_time(signer));
	add_field(doc, "name", jpki_verified_signer_get_name(signer));
	add_field(doc, "sex", jpki_verified_signer_get_sex(signer));
	add_field(doc, "birthDate", jpki_verified_signer_get_birth_date(signer));
	add_field(doc, "address", jpki_verified_signer_get_address(signer));
	if (is_cms)
		add_origin(doc, signer);
	if (doc != NULL) {
		char *text = json_dumps(doc, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
		json_decref(doc);
	}
	return 0;
}

static JpkiVerifier *
make_verifier(const CommonOptions *options, GError **error)
{
	g_autoptr(JpkiVerifier) verifier = NULL;
	if (options->ca_files != NULL && options->ca_files[0] != NULL) {
		verifier = jpki_verifier_new_empty();
		for (guint i = 0; options->ca_files[i] != NULL; i++) {
			if (!jpki_verifier_add_anchor_file(verifier, options->ca_files[i], error))
				return NULL;
		}
	} else if ((verifier = jpki_verifier_new(error)) == NULL) {
		return NULL;
	}
	for (guint i = 0; options->crl_files != NULL && options->crl_files[i] != NULL; i++) {
		if (!jpki_verifier_add_crl_file(verifier, options->crl_files[i], error))
			return NULL;
	}
	if (options->at != NULL) {
		g_autoptr(GDateTime) at = g_date_time_new_from_iso8601(options->at, NULL);
		if (at == NULL) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    TR(options->lang,
				       "--at %s はタイムゾーン付きの ISO 8601 の時刻ではありません "
				       "（例: 2026-12-01T09:00:00+09:00）",
				       "--at %s is not an ISO 8601 time with a zone "
				       "(e.g. 2026-12-01T09:00:00+09:00)"),
				    options->at);
			return NULL;
		}
		jpki_verifier_set_time(verifier, at);
	}
	return g_steal_pointer(&verifier);
}

/* At most `max` + 1 bytes, so that an over-long input is seen without reading it all. */
static GBytes *
read_stdin(gsize max)
{
	g_autofree char *data = g_malloc(max + 1);
	gsize len = fread(data, 1, max + 1, stdin);
	if (ferror(stdin))
		return NULL;
	return g_bytes_new_take(g_steal_pointer(&data), len);
}

static GBytes *
hex_decode(const char *hex)
{
	gsize len = strlen(hex);
	if (len == 0 || len % 2 != 0)
		return NULL;
	g_autoptr(GByteArray) out = g_byte_array_sized_new((guint)(len / 2));
	for (gsize i = 0; i < len; i += 2) {
		int high = g_ascii_xdigit_value(hex[i]);
		int low = g_ascii_xdigit_value(hex[i + 1]);
		if (high < 0 || low < 0)
			return NULL;
		guint8 byte = (guint8)(high << 4 | low);
		g_byte_array_append(out, &byte, 1);
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

static gboolean
hash_from_name(const char *name, JpkiVerifyHash *hash)
{
	static const char *const names[] = {
		[JPKI_VERIFY_HASH_SHA256] = "SHA-256",
		[JPKI_VERIFY_HASH_SHA384] = "SHA-384",
		[JPKI_VERIFY_HASH_SHA512] = "SHA-512",
	};
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		if (g_ascii_strcasecmp(name, names[i]) == 0) {
			*hash = (JpkiVerifyHash)i;
			return TRUE;
		}
	}
	return FALSE;
}

typedef struct {
	char *origin;
	char *nonce;
	char *digest;
	char *hash;
} CommandOptions;

static void
command_options_clear(CommandOptions *options)
{
	g_free(options->origin);
	g_free(options->nonce);
	g_free(options->digest);
	g_free(options->hash);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CommandOptions, command_options_clear)

static int
run_token(const CommonOptions *common, const CommandOptions *options, int argc,
	  JpkiVerifier *verifier)
{
	if (options->origin == NULL || options->nonce == NULL || argc != 0)
		return usage_error(
			common->lang,
			"token: --origin と --nonce を指定し、トークンは標準入力から渡して"
			"ください",
			"token: --origin and --nonce are required, and the token "
			"comes on standard input");
	g_autoptr(GBytes) token = read_stdin(JPKI_VERIFY_TOKEN_MAX_LEN);
	if (token == NULL)
		return usage_error(common->lang, "標準入力からトークンを読めません",
				   "cannot read the token from standard input");
	gsize len = 0;
	const char *json = g_bytes_get_data(token, &len);
	g_autoptr(GError) error = NULL;
	g_autoptr(JpkiVerifiedSigner) signer = jpki_verifier_check_login_token(
		verifier, json != NULL ? json : "", len, options->origin, options->nonce, &error);
	return signer != NULL ? report(common, signer, FALSE) : refuse(common, error);
}

static int
run_cms(const CommonOptions *common, const CommandOptions *options, int argc, char **argv,
	JpkiVerifier *verifier)
{
	if (argc != 2)
		return usage_error(common->lang,
				   "cms: 署名ファイルと内容のファイルを指定してください",
				   "cms: give the signature file and the content file");
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) cms = jpki_file_read(argv[0], JPKI_DOCUMENT_MAX, &error);
	g_autoptr(GBytes) content =
		cms != NULL ? jpki_file_read(argv[1], JPKI_DOCUMENT_MAX, &error) : NULL;
	if (content == NULL)
		return refuse(common, error);
	g_autoptr(JpkiVerifiedSigner) signer =
		options->origin != NULL ? jpki_verifier_check_cms_for_origin(
						  verifier, cms, content, options->origin, &error)
					: jpki_verifier_check_cms(verifier, cms, content, &error);
	return signer != NULL ? report(common, signer, TRUE) : refuse(common, error);
}

static int
run_signature(const CommonOptions *common, const CommandOptions *options, int argc, char **argv,
	      JpkiVerifier *verifier)
{
	JpkiVerifyHash hash = JPKI_VERIFY_HASH_SHA256;
	if (argc != 2 || options->digest == NULL)
		return usage_error(common->lang,
				   "signature: --digest（16進）、証明書のファイル、署名のファイルを"
				   "指定してください",
				   "signature: give --digest HEX, the certificate file and the "
				   "signature file");
	if (options->hash != NULL && !hash_from_name(options->hash, &hash))
		return usage_error(common->lang,
				   "signature: --hash は SHA-256、SHA-384、SHA-512 のいずれかです",
				   "signature: --hash is SHA-256, SHA-384 or SHA-512");
	g_autoptr(GBytes) digest = hex_decode(options->digest);
	if (digest == NULL)
		return usage_error(common->lang, "signature: --digest が16進数ではありません",
				   "signature: --digest is not hexadecimal");
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) certificate = jpki_file_read(argv[0], JPKI_DOCUMENT_MAX, &error);
	g_autoptr(GBytes) signature =
		certificate != NULL ? jpki_file_read(argv[1], JPKI_DOCUMENT_MAX, &error) : NULL;
	if (signature == NULL)
		return refuse(common, error);
	g_autoptr(JpkiVerifiedSigner) signer = jpki_verifier_check_signature(
		verifier, certificate, hash, digest, signature, &error);
	return signer != NULL ? report(common, signer, FALSE) : refuse(common, error);
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	g_auto(CommonOptions) common = {.lang = jpki_lang_from_locale()};
	jpki_lang_from_arguments(argc, argv, &common.lang);
	JpkiLang lang = common.lang;
	g_auto(CommandOptions) command = {0};
	g_autofree char *lang_name = NULL;
	GOptionEntry entries[] = {
		{"origin", 0, 0, G_OPTION_ARG_STRING, &command.origin,
		 TR(lang,
		    "token, cms: ポータルのオリジン（https://ホスト[:ポート]）。CMS "
		    "はこれを名指しして"
		    "いなければなりません",
		    "token, cms: the origin the portal serves (https://host[:port]); a CMS must "
		    "name "
		    "it"),
		 TR(lang, "オリジン", "ORIGIN")},
		{"nonce", 0, 0, G_OPTION_ARG_STRING, &command.nonce,
		 TR(lang, "token: ポータルが発行したノンス",
		    "token: the challenge nonce the portal issued"),
		 TR(lang, "ノンス", "NONCE")},
		{"digest", 0, 0, G_OPTION_ARG_STRING, &command.digest,
		 TR(lang, "signature: 署名されたハッシュ値（16進）",
		    "signature: the hash that was signed, in hex"),
		 TR(lang, "16進", "HEX")},
		{"hash", 0, 0, G_OPTION_ARG_STRING, &command.hash,
		 TR(lang, "signature: SHA-256（省略時）、SHA-384、SHA-512",
		    "signature: SHA-256 (default), SHA-384 or SHA-512"),
		 TR(lang, "名前", "NAME")},
		{"ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &common.ca_files,
		 TR(lang, "信頼の起点（PEM または DER）。複数可。省略時: 本物の JPKI ルート証明書",
		    "A trust anchor (PEM or DER); repeatable. Default: the real JPKI roots"),
		 TR(lang, "ファイル", "FILE")},
		{"crl", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &common.crl_files,
		 TR(lang, "CRL（PEM または DER）。複数可。指定すると失効確認が必須になります",
		    "A CRL (PEM or DER); repeatable. Revocation is then required"),
		 TR(lang, "ファイル", "FILE")},
		{"at", 0, 0, G_OPTION_ARG_STRING, &common.at,
		 TR(lang, "この時刻で証明書を検証（タイムゾーン付きの ISO 8601）",
		    "Check the certificates at this time (ISO 8601 with a zone)"),
		 TR(lang, "時刻", "TIME")},
		{"json", 0, 0, G_OPTION_ARG_NONE, &common.json,
		 TR(lang, "結果を1つの JSON オブジェクトで標準出力へ",
		    "One JSON object on standard output"),
		 NULL},
		{"lang", 0, 0, G_OPTION_ARG_STRING, &lang_name,
		 TR(lang, "ヘルプと使い方の誤りの表示言語 ja または en（省略時: ロケール）",
		    "Language of the help and usage errors, ja or en (default: from the locale)"),
		 "ja|en"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new(
		TR(lang, "token|cms|signature [ファイル...]", "token|cms|signature [FILE...]"));
	g_option_context_set_summary(
		context, TR(lang,
			    "jpki-bridge を通してマイナンバーカードが作ったものを検証します:\n"
			    "  token      ログイン用トークン（web-eid:1.0）を標準入力から\n"
			    "  cms        署名ファイル 内容ファイル: 分離型の CAdES 署名\n"
			    "  signature  証明書 署名: --digest に対する PKCS#1 v1.5 の署名",
			    "Verifies what a My Number Card produced through jpki-bridge:\n"
			    "  token      a login token (web-eid:1.0) on standard input\n"
			    "  cms        SIGNATURE CONTENT: a detached CAdES signature\n"
			    "  signature  CERTIFICATE SIGNATURE: a raw PKCS#1 v1.5 signature of "
			    "--digest"));
	g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, &argc, &argv, &error))
		return usage_error(lang, error->message, error->message);
	if (lang_name != NULL && !jpki_lang_from_name(lang_name, &common.lang))
		return usage_error(lang, "--lang は ja か en です", "--lang is ja or en");
	if (argc < 2)
		return usage_error(lang,
				   "コマンド token、cms、signature のどれかを指定してください",
				   "give a command: token, cms or signature");
	const char *name = argv[1];
	if (strcmp(name, "token") != 0 && strcmp(name, "cms") != 0 &&
	    strcmp(name, "signature") != 0)
		return usage_error(lang, "コマンドは token、cms、signature のどれかです",
				   "the command is token, cms or signature");

	g_autoptr(JpkiVerifier) verifier = make_verifier(&common, &error);
	if (verifier == NULL) {
		if (error->domain == G_OPTION_ERROR)
			return usage_error(lang, error->message, error->message);
		return refuse(&common, error);
	}
	if (strcmp(name, "token") == 0)
		return run_token(&common, &command, argc - 2, verifier);
	if (strcmp(name, "cms") == 0)
		return run_cms(&common, &command, argc - 2, argv + 2, verifier);
	return run_signature(&common, &command, argc - 2, argv + 2, verifier);
}
