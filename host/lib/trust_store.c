/* JpkiTrustStore (trust anchors and CRLs) and path validation of a JpkiCert against it. */
#include "asn1_time.h"
#include "cert.h"
#include "crl_index.h"
#include "crl_scope.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "openssl_error.h"
#include "program_dir.h"
#include "x509_io.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

/* Whether a CRL's signature verifies with an issuer's key: found once, not at every
 * certificate (OpenSSL's own CRL check re-encodes and re-hashes the whole CRL each time, tens
 * of milliseconds for 10^6 entries). */
typedef struct {
	X509_CRL *crl; /* borrowed from crls */
	X509 *issuer;  /* borrowed from anchor_store */
	gboolean signature_ok;
} CrlSignatureCheck;

/* A CRL's lastUpdate and nextUpdate as Unix times, read once at load rather than parsed
 * again at every certificate. */
typedef struct {
	gint64 last_update;
	gint64 next_update; /* G_MAXINT64: none */
} CrlTimes;

struct _JpkiTrustStore {
	/* Anchors and CRLs, with X509_V_FLAG_CRL_CHECK once there are CRLs: for CMS. */
	X509_STORE *x509_store;
	/* The same anchors without CRLs: jpki_cert_verify() checks revocation itself. */
	X509_STORE *anchor_store;
	GPtrArray *crls;        /* owned X509_CRL* */
	GArray *crl_times;      /* CrlTimes, one for each of crls */
	GPtrArray *crl_indexes; /* CrlIndex*, one for each of crls: the lookups */
	GPtrArray *crl_scopes;  /* ISSUING_DIST_POINT* or NULL (all), one for each of crls */
	GMutex lock;            /* for crl_checks */
	GArray *crl_checks;
};

/* A stack that borrows its certificates: freeing it leaves them alone. */
typedef STACK_OF(X509) X509BorrowedStack;
static void
x509_borrowed_stack_free(X509BorrowedStack *stack)
{
	sk_X509_free(stack);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(X509BorrowedStack, x509_borrowed_stack_free)

static gboolean
asn1_time_to_unix(const ASN1_TIME *time, gint64 *out)
{
	g_autoptr(GDateTime) utc = jpki_asn1_time_to_utc(time);
	if (utc == NULL)
		return FALSE;
	*out = g_date_time_to_unix(utc);
	return TRUE;
}

JpkiTrustStore *
jpki_trust_store_new(void)
{
	JpkiTrustStore *store = g_new0(JpkiTrustStore, 1);
	store->x509_store = X509_STORE_new();
	store->anchor_store = X509_STORE_new();
	if (store->x509_store == NULL || store->anchor_store == NULL)
		g_error("X509_STORE_new: out of memory");
	store->crls = g_ptr_array_new_with_free_func((GDestroyNotify)X509_CRL_free);
	store->crl_times = g_array_new(FALSE, FALSE, sizeof(CrlTimes));
	store->crl_indexes = g_ptr_array_new_with_free_func((GDestroyNotify)crl_index_free);
	store->crl_scopes = g_ptr_array_new_with_free_func((GDestroyNotify)ISSUING_DIST_POINT_free);
	g_mutex_init(&store->lock);
	store->crl_checks = g_array_new(FALSE, FALSE, sizeof(CrlSignatureCheck));
	return store;
}

void
jpki_trust_store_free(JpkiTrustStore *store)
{
	if (store == NULL)
		return;
	X509_STORE_free(store->x509_store);
	X509_STORE_free(store->anchor_store);
	g_ptr_array_unref(store->crls);
	g_array_unref(store->crl_times);
	g_ptr_array_unref(store->crl_indexes);
	g_ptr_array_unref(store->crl_scopes);
	g_array_unref(store->crl_checks);
	g_mutex_clear(&store->lock);
	g_free(store);
}

static int
compare_file_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Where the real roots are. Windows: the jpki-ca folder beside the program, where the installer
 * puts it (and the build beside each program it makes): Windows has no fixed place for a
 * program's data. Elsewhere: the folder fixed at build time, or the source tree's copy for the
 * tests and an uninstalled build. */
static char *
default_ca_dir(GError **error)
{
#ifdef G_OS_WIN32
	g_autofree char *program_dir = jpki_program_dir(error);
	return program_dir != NULL ? g_build_filename(program_dir, "jpki-ca", NULL) : NULL;
#else
	(void)error;
	return g_strdup(g_file_test(JPKI_CA_DIR, G_FILE_TEST_IS_DIR) ? JPKI_CA_DIR
								     : JPKI_SOURCE_CA_DIR);
#endif
}

JpkiTrustStore *
jpki_trust_store_new_default(GError **error)
{
	g_autofree char *dir = default_ca_dir(error);
	g_autoptr(GDir) listing = dir != NULL ? g_dir_open(dir, 0, error) : NULL;
	if (listing == NULL) {
		jpki_error_convert(error);
		g_prefix_error(error, "JPKI roots: ");
		return NULL;
	}
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	for (const char *name; (name = g_dir_read_name(listing)) != NULL;) {
		if (g_str_has_suffix(name, ".pem"))
			g_ptr_array_add(files, g_build_filename(dir, name, NULL));
	}
	g_ptr_array_sort(files, compare_file_names);

	g_autoptr(JpkiTrustStore) store = jpki_trust_store_new();
	for (guint i = 0; i < files->len; i++) {
		if (!jpki_trust_store_add_file(store, g_ptr_array_index(files, i), error))
			return NULL;
	}
	if (jpki_trust_store_count(store) == 0) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_IO, "no JPKI root certificate in %s",
			    dir);
		return NULL;
	}
	return g_steal_pointer(&store);
}

gboolean
jpki_trust_store_add_file(JpkiTrustStore *store, const char *path, GError **error)
{
	g_return_val_if_fail(store != NULL && path != NULL, FALSE);
	g_autoptr(GPtrArray) certs = jpki_x509_read_file(path, error);
	if (certs == NULL)
		return FALSE;
	/* X509_STORE_add_cert() takes its own reference and skips a certificate it has. */
	for (guint i = 0; i < certs->len; i++) {
		if (X509_STORE_add_cert(store->x509_store, g_ptr_array_index(certs, i)) != 1 ||
		    X509_STORE_add_cert(store->anchor_store, g_ptr_array_index(certs, i)) != 1) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT, "%s: %s", path,
				    jpki_openssl_take_reason());
			return FALSE;
		}
	}
	return TRUE;
}

/* OpenSSL sorts a CRL's entries at its first lookup, under a lock (a fraction of a second for
 * 10^6 entries): done here, by whoever loads or reloads the CRLs, rather than in the first
 * verification after that. */
static void
presort_entries(X509_CRL *crl)
{
	g_autoptr(ASN1_INTEGER) serial = ASN1_INTEGER_new();
	X509_REVOKED *revoked = NULL;
	if (serial == NULL)
		g_error("ASN1_INTEGER_new: out of memory");
	X509_CRL_get0_by_serial(crl, &revoked, serial);
	ERR_clear_error();
}

gboolean
jpki_trust_store_add_crl_file(JpkiTrustStore *store, const char *path, GError **error)
{
	g_return_val_if_fail(store != NULL && path != NULL, FALSE);
	g_autoptr(GPtrArray) crls = jpki_x509_crl_read_file(path, error);
	if (crls == NULL)
		return FALSE;
	/* On the store, so contexts made from it elsewhere (CMS) check revocation too; set
	 * first, so a store left with some of the file's CRLs still checks them. */
	X509_STORE_set_flags(store->x509_store, X509_V_FLAG_CRL_CHECK);
	for (guint i = 0; i < crls->len; i++) {
		g_autoptr(ISSUING_DIST_POINT) scope = NULL;
		g_autoptr(GError) scope_error = NULL;
		if (!jpki_crl_scope_read(g_ptr_array_index(crls, i), &scope, &scope_error)) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT, "%s: %s", path,
				    scope_error->message);
			return FALSE;
		}
		if (X509_STORE_add_crl(store->x509_store, g_ptr_array_index(crls, i)) != 1) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT, "%s: %s", path,
				    jpki_openssl_take_reason());
			return FALSE;
		}
		X509_CRL *crl = g_ptr_array_index(crls, i);
		const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
		CrlTimes times = {0, G_MAXINT64};
		if (!asn1_time_to_unix(X509_CRL_get0_lastUpdate(crl), &times.last_update) ||
		    (next != NULL && !asn1_time_to_unix(next, &times.next_update))) {
			g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "%s: a CRL's lastUpdate or nextUpdate is not a time", path);
			return FALSE;
		}
		if (X509_CRL_up_ref(crl) != 1)
			g_error("X509_CRL_up_ref failed");
		presort_entries(crl);
		g_ptr_array_add(store->crls, crl);
		g_array_append_val(store->crl_times, times);
		g_ptr_array_add(store->crl_indexes, crl_index_new(crl));
		g_ptr_array_add(store->crl_scopes, g_steal_pointer(&scope));
	}
	return TRUE;
}

guint
jpki_trust_store_count(JpkiTrustStore *store)
{
	g_return_val_if_fail(store != NULL, 0);
	STACK_OF(X509_OBJECT) *objects = X509_STORE_get0_objects(store->x509_store);
	guint count = 0;
	for (int i = 0; i < sk_X509_OBJECT_num(objects); i++) {
		if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509)
			count++;
	}
	return count;
}

X509_STORE *
jpki_trust_store_get_x509_store(JpkiTrustStore *store)
{
	g_return_val_if_fail(store != NULL, NULL);
	return store->x509_store;
}

X509_STORE *
jpki_trust_store_get_anchor_x509_store(JpkiTrustStore *store)
{
	g_return_val_if_fail(store != NULL, NULL);
	return store->anchor_store;
}

/* What path validation found, by the precedence of the error codes we report. */
enum { PROBLEM_REVOKED, PROBLEM_EXPIRED, PROBLEM_NOT_YET_VALID, PROBLEM_UNTRUSTED, N_PROBLEMS };

static const JpkiErrorCode problem_codes[N_PROBLEMS] = {
	[PROBLEM_REVOKED] = JPKI_ERROR_CERTIFICATE_REVOKED,
	[PROBLEM_EXPIRED] = JPKI_ERROR_CERTIFICATE_EXPIRED,
	[PROBLEM_NOT_YET_VALID] = JPKI_ERROR_CERTIFICATE_NOT_YET_VALID,
	[PROBLEM_UNTRUSTED] = JPKI_ERROR_CERTIFICATE_UNTRUSTED,
};

typedef struct {
	char *messages[N_PROBLEMS]; /* the first of each kind */
} VerifyProblems;

static void
verify_problems_clear(VerifyProblems *problems)
{
	for (guint i = 0; i < N_PROBLEMS; i++)
		g_clear_pointer(&problems->messages[i], g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VerifyProblems, verify_problems_clear)

static int
problem_of(int verify_error)
{
	switch (verify_error) {
	case X509_V_ERR_CERT_REVOKED:
		return PROBLEM_REVOKED;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return PROBLEM_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return PROBLEM_NOT_YET_VALID;
	default:
		return PROBLEM_UNTRUSTED;
	}
}

/* Records every failure and lets OpenSSL go on, so that the code reported follows our
 * precedence rather than the order of OpenSSL's checks (issuers, then CRLs, then signatures
 * and dates). jpki_cert_verify() fails whenever anything was recorded. */
static int
record_verify_problem(int ok, X509_STORE_CTX *ctx)
{
	if (ok)
		return 1;
	VerifyProblems *problems = X509_STORE_CTX_get_app_data(ctx);
	int verify_error = X509_STORE_CTX_get_error(ctx);
	int problem = problem_of(verify_error);
	if (problems->messages[problem] == NULL) {
		X509 *current = X509_STORE_CTX_get_current_cert(ctx);
		g_autofree char *subject =
			current != NULL ? jpki_x509_name_dup_line(X509_get_subject_name(current))
					: g_strdup("?");
		problems->messages[problem] =
			g_strdup_printf("%s (certificate %s, depth %d)",
					X509_verify_cert_error_string(verify_error), subject,
					X509_STORE_CTX_get_error_depth(ctx));
	}
	return 1;
}

static gboolean
crl_signature_ok(JpkiTrustStore *store, X509_CRL *crl, X509 *issuer)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&store->lock);
	for (guint i = 0; i < store->crl_checks->len; i++) {
		const CrlSignatureCheck *check =
			&g_array_index(store->crl_checks, CrlSignatureCheck, i);
		if (check->crl == crl && check->issuer == issuer)
			return check->signature_ok;
	}
	EVP_PKEY *key = X509_get0_pubkey(issuer);
	CrlSignatureCheck check = {crl, issuer, key != NULL && X509_CRL_verify(crl, key) > 0};
	ERR_clear_error();
	g_array_append_val(store->crl_checks, check);
	return check.signature_ok;
}

static void
record_problem(VerifyProblems *problems, int problem, int verify_error, X509 *leaf)
{
	if (problems->messages[problem] != NULL)
		return;
	g_autofree char *subject = jpki_x509_name_dup_line(X509_get_subject_name(leaf));
	problems->messages[problem] =
		g_strdup_printf("%s (certificate %s, depth 0)",
				X509_verify_cert_error_string(verify_error), subject);
}

/* The leaf against every CRL of its issuer that covers it (crl_scope.h), is signed by that
 * issuer and is current at `when` (a full CRL and a newer one, or partitions of one CRL, may be
 * loaded together; a partition that does not name the leaf's distribution point is left out):
 * revoked when any of them lists it. A CRL whose signature does not verify or that is not
 * current is left out, so it can neither revoke nor clear; without any usable CRL the leaf is
 * untrusted, as OpenSSL's X509_V_FLAG_CRL_CHECK has it. */
static void
check_revocation(JpkiTrustStore *store, X509 *leaf, X509 *issuer, time_t when,
		 VerifyProblems *problems)
{
	int why = X509_V_ERR_UNABLE_TO_GET_CRL;
	gboolean checked = FALSE;
	for (guint i = 0; i < store->crls->len; i++) {
		X509_CRL *crl = g_ptr_array_index(store->crls, i);
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0 ||
		    !jpki_crl_scope_covers(g_ptr_array_index(store->crl_scopes, i), leaf))
			continue;
		if ((X509_get_key_usage(issuer) & KU_CRL_SIGN) == 0) {
			why = X509_V_ERR_KEYUSAGE_NO_CRL_SIGN;
			continue;
		}
		if (!crl_signature_ok(store, crl, issuer)) {
			why = X509_V_ERR_CRL_SIGNATURE_FAILURE;
			continue;
		}
		/* As X509_cmp_time() counts: valid from lastUpdate, expired at nextUpdate. */
		const CrlTimes *times = &g_array_index(store->crl_times, CrlTimes, i);
		if (times->last_update > when) {
			why = X509_V_ERR_CRL_NOT_YET_VALID;
			continue;
		}
		if (times->next_update <= when) {
			why = X509_V_ERR_CRL_HAS_EXPIRED;
			continue;
		}
		checked = TRUE;
		if (crl_index_lists(g_ptr_array_index(store->crl_indexes, i),
				    X509_get0_serialNumber(leaf))) {
			record_problem(problems, PROBLEM_REVOKED, X509_V_ERR_CERT_REVOKED, leaf);
			return;
		}
	}
	if (!checked)
		record_problem(problems, PROBLEM_UNTRUSTED, why, leaf);
}

/* The first problem by our precedence as `error`; FALSE when there was one. */
static gboolean
report_problems(VerifyProblems *problems, GError **error)
{
	for (guint i = 0; i < N_PROBLEMS; i++) {
		if (problems->messages[i] != NULL) {
			g_set_error_literal(error, JPKI_ERROR, problem_codes[i],
					    problems->messages[i]);
			return FALSE;
		}
	}
	return TRUE;
}

static time_t
time_of(GDateTime *at)
{
	return at != NULL ? (time_t)g_date_time_to_unix(at) : time(NULL);
}

/* The instants at which every certificate of `chain` is within its dates, as OpenSSL counts
 * them (notBefore inclusive, notAfter exclusive). */
static void
chain_window(STACK_OF(X509) * chain, JpkiCertPath *path)
{
	path->valid_from = G_MININT64;
	path->valid_until = G_MAXINT64;
	for (int i = 0; i < sk_X509_num(chain); i++) {
		X509 *x509 = sk_X509_value(chain, i);
		gint64 not_before = 0, not_after = 0;
		/* OpenSSL compared these times already: they parse. */
		if (!asn1_time_to_unix(X509_get0_notBefore(x509), &not_before) ||
		    !asn1_time_to_unix(X509_get0_notAfter(x509), &not_after))
			g_error("a verified certificate's dates do not parse");
		path->valid_from = MAX(path->valid_from, not_before);
		path->valid_until = MIN(path->valid_until, not_after);
	}
}

void
jpki_cert_path_clear(JpkiCertPath *path)
{
	g_clear_pointer(&path->issuer, X509_free);
}

gboolean
jpki_cert_path_covers(const JpkiCertPath *path, GDateTime *at)
{
	gint64 when = time_of(at);
	return path->issuer != NULL && path->valid_from <= when && when < path->valid_until;
}

gboolean
jpki_trust_store_check_revocation(JpkiTrustStore *store, JpkiCert *cert, const JpkiCertPath *path,
				  GDateTime *at, GError **error)
{
	g_return_val_if_fail(store != NULL && cert != NULL && path != NULL, FALSE);
	g_return_val_if_fail(path->issuer != NULL, FALSE);
	if (store->crls->len == 0)
		return TRUE;
	g_auto(VerifyProblems) problems = {0};
	check_revocation(store, jpki_cert_get_x509(cert), path->issuer, time_of(at), &problems);
	return report_problems(&problems, error);
}

gboolean
jpki_cert_verify(JpkiCert *cert, JpkiTrustStore *store, GPtrArray *untrusted, GDateTime *at,
		 GError **error)
{
	return jpki_cert_verify_path(cert, store, untrusted, at, NULL, error);
}

gboolean
jpki_cert_verify_path(JpkiCert *cert, JpkiTrustStore *store, GPtrArray *untrusted, GDateTime *at,
		      JpkiCertPath *path, GError **error)
{
	g_return_val_if_fail(cert != NULL && store != NULL, FALSE);
	g_autoptr(X509BorrowedStack) intermediates = NULL;
	if (untrusted != NULL) {
		intermediates = sk_X509_new_null();
		for (guint i = 0; i < untrusted->len; i++) {
			JpkiCert *other = g_ptr_array_index(untrusted, i);
			if (intermediates == NULL ||
			    sk_X509_push(intermediates, jpki_cert_get_x509(other)) <= 0)
				g_error("sk_X509_push: out of memory");
		}
	}

	g_autoptr(X509_STORE_CTX) ctx = X509_STORE_CTX_new();
	if (ctx == NULL || X509_STORE_CTX_init(ctx, store->anchor_store, jpki_cert_get_x509(cert),
					       intermediates) != 1) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_UNTRUSTED,
			    "cannot start path validation: %s", jpki_openssl_take_reason());
		return FALSE;
	}
	if (at != NULL)
		X509_STORE_CTX_set_time(ctx, 0, (time_t)g_date_time_to_unix(at));
	g_auto(VerifyProblems) problems = {0};
	X509_STORE_CTX_set_app_data(ctx, &problems);
	X509_STORE_CTX_set_verify_cb(ctx, record_verify_problem);

	int verified = X509_verify_cert(ctx);
	ERR_clear_error();
	/* A leaf without a verified issuer is untrusted already. */
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	X509 *issuer = chain != NULL && sk_X509_num(chain) >= 2 ? sk_X509_value(chain, 1) : NULL;
	if (store->crls->len > 0 && issuer != NULL)
		check_revocation(store, jpki_cert_get_x509(cert), issuer, time_of(at), &problems);
	/* A CRL with a bad signature, a stale CRL, or one for a certificate that does not chain
	 * still gets its entries looked up once the callback has let OpenSSL go on: "revoked"
	 * is only true when nothing else is wrong with the path or the CRL. */
	if (problems.messages[PROBLEM_UNTRUSTED] != NULL)
		g_clear_pointer(&problems.messages[PROBLEM_REVOKED], g_free);
	if (!report_problems(&problems, error))
		return FALSE;
	/* A failure that never reached the callback (an internal error). */
	if (verified != 1) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_CERTIFICATE_UNTRUSTED,
			    "path validation failed: %s",
			    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		return FALSE;
	}
	/* A self-signed anchor given as the leaf has no issuer: no path to reuse. */
	if (path != NULL && issuer != NULL) {
		if (X509_up_ref(issuer) != 1)
			g_error("X509_up_ref failed");
		path->issuer = issuer;
		chain_window(chain, path);
	}
	return TRUE;
}
