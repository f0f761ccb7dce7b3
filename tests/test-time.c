#define G_LOG_DOMAIN "CtTestTime"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <time.h>

#include "ct-test.h"
#include "ct-time.h"

typedef struct {
	gint64 seconds;
	CtTimeStyle style;
	gchar expected[32];
} TimeCase;

/* the dates a calendar makes hard (a 1st with one digit, a leap day, the 32-bit edge,
 * UTCTime's end) and the times GLib cannot represent; the epoch seconds come from
 * `date -u -d ... +%s` */
ParameterizedTestParameters(time_format, each_style_writes_utc)
{
	static TimeCase cases[] = {
	    {1798761610, CT_TIME_ISO8601, "2027-01-01T00:00:10Z"},
	    {1798761610, CT_TIME_DAY_MINUTE, "2027-01-01 00:00 UTC"},
	    {1798761610, CT_TIME_DAY_SECOND, "2027-01-01 00:00:10 UTC"},
	    {1835438400, CT_TIME_DAY_SECOND, "2028-02-29 12:00:00 UTC"},
	    {2147483647, CT_TIME_ISO8601, "2038-01-19T03:14:07Z"},
	    {2147483648, CT_TIME_DAY_SECOND, "2038-01-19 03:14:08 UTC"},
	    {2524607999, CT_TIME_ISO8601, "2049-12-31T23:59:59Z"},
	    {2524608000, CT_TIME_DAY_MINUTE, "2050-01-01 00:00 UTC"},
	    {-1, CT_TIME_ISO8601, "1969-12-31T23:59:59Z"},
	    {G_MAXINT64, CT_TIME_ISO8601, ""},
	    {G_MAXINT64, CT_TIME_DAY_MINUTE, "?"},
	    {G_MININT64, CT_TIME_DAY_SECOND, "(out of range)"},
	    {253402300800, CT_TIME_DAY_SECOND, "(out of range)"},
	};
	return cr_make_param_array(TimeCase, cases, G_N_ELEMENTS(cases));
}

ParameterizedTest(TimeCase *param, time_format, each_style_writes_utc)
{
	g_autofree gchar *text = ct_time_format(param->seconds, param->style);

	cr_assert_str_eq(text, param->expected, "%" G_GINT64_FORMAT " in style %d", param->seconds,
			 param->style);
}

/* the local time zone plays no part */
Test(time_format, the_local_time_zone_is_ignored)
{
	g_autofree gchar *utc = NULL;
	g_autofree gchar *far = NULL;

	g_setenv("TZ", "UTC", TRUE);
	tzset();
	utc = ct_time_format(1798761610, CT_TIME_DAY_SECOND);
	g_setenv("TZ", "Pacific/Kiritimati", TRUE);
	tzset();
	far = ct_time_format(1798761610, CT_TIME_DAY_SECOND);
	cr_assert_str_eq(far, utc);
}
