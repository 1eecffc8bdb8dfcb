/* Which certificates a CRL speaks for (crl_scope.h). */
#include "crl_scope.h"

#include "jpki_error.h"

gboolean
jpki_crl_scope_read(X509_CRL *crl, ISSUING_DIST_POINT **scope, GError **error)
{
	*scope = NULL;
	int critical = -1;
	ASN1_INTEGER *delta = X509_CRL_get_ext_d2i(crl, NID_delta_crl, &critical, NULL);
	ASN1_INTEGER_free(delta);
	if (critical != -1) {
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "a delta CRL is not supported: give the issuer's full CRL");
		return FALSE;
	}
	ISSUING_DIST_POINT *idp =
		X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &critical, NULL);
	if (idp == NULL) {
		if (critical == -1)
			return TRUE;
		g_set_error_literal(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
				    "a CRL's issuingDistributionPoint does not parse");
		return FALSE;
	}
	if (idp->onlysomereasons != NULL || idp->indirectCRL || idp->onlyCA || idp->onlyattr) {
		ISSUING_DIST_POINT_free(idp);
		g_set_error_literal(
			error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT,
			"a CRL for some reasons, another issuer's certificates, or CA or "
			"attribute certificates only is not supported");
		return FALSE;
	}
	if (idp->distpoint == NULL) {
		ISSUING_DIST_POINT_free(idp); /* end-entity certificates only: all we check */
		return TRUE;
	}
	*scope = idp;
	return TRUE;
}

static gboolean
names_meet(const GENERAL_NAMES *ours, const GENERAL_NAMES *theirs)
{
	for (int i = 0; i < sk_GENERAL_NAME_num(ours); i++) {
		for (int j = 0; j < sk_GENERAL_NAME_num(theirs); j++) {
			if (GENERAL_NAME_cmp(sk_GENERAL_NAME_value(ours, i),
					     sk_GENERAL_NAME_value(theirs, j)) == 0)
				return TRUE;
		}
	}
	return FALSE;
}

gboolean
jpki_crl_scope_covers(const ISSUING_DIST_POINT *scope, X509 *cert)
{
	if (scope == NULL)
		return TRUE;
	/* A distribution point given as a name relative to the issuer is not matched here:
	 * such a CRL covers nothing we can tell, so it never clears a certificate. */
	if (scope->distpoint->type != 0)
		return FALSE;
	CRL_DIST_POINTS *points = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
	gboolean covered = FALSE;
	for (int i = 0; !covered && i < sk_DIST_POINT_num(points); i++) {
		const DIST_POINT *point = sk_DIST_POINT_value(points, i);
		covered = point->distpoint != NULL && point->distpoint->type == 0 &&
			  names_meet(scope->distpoint->name.fullname,
				     point->distpoint->name.fullname);
	}
	CRL_DIST_POINTS_free(points);
	return covered;
}
