#include "asn1_time.h"

#include <openssl/err.h>
#include <time.h>

GDateTime *
jpki_asn1_time_to_utc(const ASN1_TIME *time)
{
	struct tm tm = {0};
	if (time == NULL || ASN1_TIME_to_tm(time, &tm) != 1) {
		ERR_clear_error();
		return NULL;
	}
	return g_date_time_new_utc(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				   tm.tm_min, tm.tm_sec);
}
