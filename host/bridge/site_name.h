/* How the host's dialogs name the site that asks: the registrable domain on a
 * line of its own (what a resident should read), and the origin with a long
 * host shortened from the left, so that a look-alike such as
 * https://www.myna.go.jp.login-secure-check.example.com shows as
 * "example.com" and "https://…login-secure-check.example.com". The origin is
 * the well-formed ASCII one request.c accepted: an internationalised host stays
 * in its xn-- form, never decoded into characters that can imitate others. */
#pragma once

#include <glib.h>

/* Hosts longer than this are shortened from the left in bridge_site_address(). */
#define BRIDGE_SITE_HOST_SHOWN 32

/* The registrable domain of the origin's host (public suffix + one label, from
 * the Public Suffix List through libpsl); the host as it is for an IP address,
 * localhost, or a host that has none (a public suffix itself). */
char *bridge_site_name(const char *origin);

/* The origin, its host cut to whole labels from the right, behind "…", when
 * longer than BRIDGE_SITE_HOST_SHOWN; the registrable domain is never cut. */
char *bridge_site_address(const char *origin);
