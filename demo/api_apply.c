/* Receiving a signed e-application: /api/apply (a detached CMS from jpki.signCms) and
 * /api/apply-raw (a raw signature from jpki.sign with the certificate from
 * jpki.getSigningCertificate). The portal hashes the form text itself: the page's digest is
 * never trusted. */
#include "portal_private.h"

#include "application.h"
#include "base64.h"
#include "http.h"
#include "jpki_error.h"
#include "portal_error.h"

#include <string.h>

/* Generous bounds on the decoded values; the body limit (64 KiB) comes first anyway. */
#define CMS_MAX         (32 * 1024)
#define SIGNATURE_MAX   1024
#define CERTIFICATE_MAX (4 * 1024)

const JpkiJsonKey portal_apply_keys[] = {
	{"form", JSON_STRING}, {"cms", JSON_STRING}, {NULL, JSON_NULL}};
const JpkiJsonKey portal_apply_raw_keys[] = {{"form", JSON_STRING},
					     {"signature", JSON_STRING},
					     {"certificate", JSON_STRING},
					     {NULL, JSON_NULL}};

static gboolean
require_login(PortalRequest *request, GError **error)
{
	g_autoptr(GError) store_error = NULL;
	g_autoptr(PortalLogin) login = portal_request_login(request, &store_error);
	if (login != NULL)
		return TRUE;
	if (store_error != NULL) {
		g_propagate_error(error, g_steal_pointer(&store_error));
		return FALSE;
	}
	g_set_error_literal(error, PORTAL_ERROR, PORTAL_ERROR_NOT_LOGGED_IN,
			    "log in with the card before applying");
	return FALSE;
}

/* Strict standard base64 (libjpki's one decoder) of at most `max` bytes. */
static GBytes *
decode_base64(const char *key, const char *text, gsize max, GError **error)
{
	g_autoptr(GBytes) decoded = jpki_base64_decode_strict(text, strlen(text));
	if (decoded == NULL || g_bytes_get_size(decoded) > max) {
		g_set_error(error, PORTAL_ERROR, PORTAL_ERROR_INVALID_REQUEST,
			    "\"%s\" must be standard base64 of 1 to %" G_GSIZE_FORMAT " bytes", key,
			    max);
		return NULL;
	}
	return g_steal_pointer(&decoded);
}

/* The login check, the exact keys, and the form: what both kinds of application share. */
static json_t *
read_application(PortalRequest *request, const JpkiJsonKey *keys, PortalApplication **application,
		 GError **error)
{
	if (!require_login(request, error))
		return NULL;
	g_autoptr(GBytes) body = portal_http_get_json_body(request->msg, error);
	if (body == NULL)
		return NULL;
	g_autoptr(json_t) root = portal_http_parse_object(body, keys, error);
	if (root == NULL)
		return NULL;
	json_t *form = json_object_get(root, "form");
	*application =
		portal_application_parse(json_string_value(form), json_string_length(form), error);
	if (*application == NULL)
		return NULL;
	return g_steal_pointer(&root);
}

static GBytes *
form_bytes(json_t *root)
{
	json_t *form = json_object_get(root, "form");
	return g_bytes_new(json_string_value(form), json_string_length(form));
}

static char *
content_digest_base64(GBytes *content)
{
	gsize len = 0;
	const char *text = g_bytes_get_data(content, &len);
	guint8 digest[32];
	portal_form_digest(text, len, digest);
	return g_base64_encode(digest, sizeof(digest));
}

static void
reply_verified(PortalRequest *request, const char *method, PortalSigner *signer,
	       PortalApplication *application, GBytes *content)
{
	g_autofree char *subject = jpki_cert_dup_subject(signer->certificate);
	g_autofree char *serial = jpki_cert_dup_serial_hex(signer->certificate);
	g_autofree char *not_after = g_date_time_format(
		jpki_cert_get_not_after(signer->certificate), "%Y-%m-%dT%H:%M:%SZ");
	g_autofree char *digest = content_digest_base64(content);
	JpkiHolderAttributes *holder = signer->holder;
	json_t *signer_json = json_pack("{s:s?, s:s?, s:s, s:s, s:s}", "name", holder->name,
					"address", holder->address, "subject", subject, "serial",
					serial, "notAfter", not_after);
	json_t *reply =
		json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:s, s:s, s:o}", "status", "ok",
			  "method", method, "checks", "digest", "ok", "signature", "ok", "chain",
			  "ok", "signer", signer_json, "hashFunction", jpki_hash_name(signer->alg),
			  "digest", digest, "application", portal_application_to_json(application));
	/* Only a CMS names the site it was made for; a raw signature carries nothing but the
	 * hash. */
	if (strcmp(method, "cms") == 0)
		json_object_set_new(json_object_get(reply, "checks"), "origin", json_string("ok"));
	if (signer->signing_time != NULL) {
		g_autofree char *signing_time =
			g_date_time_format(signer->signing_time, "%Y-%m-%dT%H:%M:%SZ");
		json_object_set_new(reply, "signingTime", json_string(signing_time));
	}
	g_printerr("jpki-demo-portal: application (%s) signed by %s\n", method, subject);
	portal_http_reply_json(request->msg, SOUP_STATUS_OK, reply);
}

void
portal_api_apply(PortalRequest *request)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalApplication) application = NULL;
	g_autoptr(json_t) root = read_application(request, portal_apply_keys, &application, &error);
	if (root == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	g_autoptr(GBytes) cms = decode_base64(
		"cms", json_string_value(json_object_get(root, "cms")), CMS_MAX, &error);
	g_autoptr(GBytes) content = form_bytes(root);
	g_autoptr(PortalSigner) signer =
		cms != NULL ? portal_verify_cms(cms, content, request->portal->origin,
						request->portal->sign_anchors, &error)
			    : NULL;
	if (signer == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	reply_verified(request, "cms", signer, application, content);
}

void
portal_api_apply_raw(PortalRequest *request)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PortalApplication) application = NULL;
	g_autoptr(json_t) root =
		read_application(request, portal_apply_raw_keys, &application, &error);
	if (root == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	g_autoptr(GBytes) signature =
		decode_base64("signature", json_string_value(json_object_get(root, "signature")),
			      SIGNATURE_MAX, &error);
	g_autoptr(GBytes) certificate =
		signature != NULL
			? decode_base64("certificate",
					json_string_value(json_object_get(root, "certificate")),
					CERTIFICATE_MAX, &error)
			: NULL;
	g_autoptr(GBytes) content = form_bytes(root);
	g_autoptr(PortalSigner) signer =
		certificate != NULL ? portal_verify_raw(signature, certificate, content,
							request->portal->sign_anchors, &error)
				    : NULL;
	if (signer == NULL) {
		portal_request_reply_error(request, error);
		return;
	}
	reply_verified(request, "raw", signer, application, content);
}
