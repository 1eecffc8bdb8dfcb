/* Which certificates a CRL speaks for (RFC 5280 5.2.5, issuingDistributionPoint): a CRL that
 * names a distribution point covers only the certificates whose cRLDistributionPoints name it,
 * so it can neither revoke nor clear any other. For trust_store.c. */
#pragma once

#include <glib.h>
#include <openssl/x509v3.h>

/* The CRL's scope: *scope NULL when it covers every certificate of its issuer (no
 * issuingDistributionPoint, or one that only says "end-entity certificates only"), else its
 * distribution point (free with ISSUING_DIST_POINT_free()). FALSE with JPKI_ERROR_INVALID_INPUT
 * for the kinds not supported: a delta CRL, an indirect CRL, one for some reasons only, or one
 * for CA or attribute certificates only. */
gboolean jpki_crl_scope_read(X509_CRL *crl, ISSUING_DIST_POINT **scope, GError **error);

/* Whether a CRL of `scope` (from jpki_crl_scope_read(); NULL: all) covers `cert`: a full name
 * of the scope's distribution point equals one in the certificate's cRLDistributionPoints. */
gboolean jpki_crl_scope_covers(const ISSUING_DIST_POINT *scope, X509 *cert);
