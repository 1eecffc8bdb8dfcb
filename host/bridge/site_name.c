#include "site_name.h"

#include <libpsl.h>
#include <string.h>

/* The host of scheme://host[:port], with an IPv6 literal's brackets. */
static char *
origin_host(const char *origin, const char **host_start)
{
	const char *separator = strstr(origin, "://");
	const char *host = separator != NULL ? separator + 3 : origin;
	gsize len = host[0] == '[' ? strcspn(host, "]") + (strchr(host, ']') != NULL ? 1 : 0)
				   : strcspn(host, ":");
	if (host_start != NULL)
		*host_start = host;
	return g_strndup(host, len);
}

static gboolean
is_address_or_single_label(const char *host)
{
	return host[0] == '[' || g_hostname_is_ip_address(host) || strchr(host, '.') == NULL;
}

/* Where, in `host`, its registrable domain starts; NULL when it has none. The
 * newest list the system has (Debian's publicsuffix), else libpsl's own. */
static const char *
registrable_domain(const char *host)
{
	if (is_address_or_single_label(host))
		return NULL;
	psl_ctx_t *latest = psl_latest(NULL);
	const psl_ctx_t *psl = latest != NULL ? latest : psl_builtin();
	const char *domain = psl != NULL ? psl_registrable_domain(psl, host) : NULL;
	psl_free(latest);
	return domain;
}

char *
bridge_site_name(const char *origin)
{
	g_autofree char *host = origin_host(origin, NULL);
	const char *domain = registrable_domain(host);
	return g_strdup(domain != NULL ? domain : host);
}

char *
bridge_site_address(const char *origin)
{
	const char *host_start = NULL;
	g_autofree char *host = origin_host(origin, &host_start);
	gsize host_len = strlen(host);
	const char *domain = registrable_domain(host);
	if (host_len <= BRIDGE_SITE_HOST_SHOWN || domain == NULL)
		return g_strdup(origin);
	/* Whole labels from the right while they fit, the registrable domain always. */
	const char *shown = domain;
	while (shown > host) {
		const char *label = shown - 1; /* the dot before `shown` */
		while (label > host && label[-1] != '.')
			label--;
		if (strlen(label) > BRIDGE_SITE_HOST_SHOWN)
			break;
		shown = label;
	}
	if (shown == host)
		return g_strdup(origin);
	return g_strdup_printf("%.*s…%s%s", (int)(host_start - origin), origin, shown,
			       host_start + host_len);
}
