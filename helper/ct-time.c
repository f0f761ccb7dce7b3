#define G_LOG_DOMAIN "CtTime"

#include "config.h"

#include "ct-time.h"

static const struct {
	const gchar *format;
	const gchar *out_of_range;
} ct_time_styles[] = {
    [CT_TIME_ISO8601] = {"%Y-%m-%dT%H:%M:%SZ", ""},
    [CT_TIME_DAY_MINUTE] = {"%Y-%m-%d %H:%M UTC", "?"},
    [CT_TIME_DAY_SECOND] = {"%Y-%m-%d %H:%M:%S UTC", "(out of range)"},
};

gchar *
ct_time_format(gint64 unix_seconds, CtTimeStyle style)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(unix_seconds);

	g_return_val_if_fail((guint)style < G_N_ELEMENTS(ct_time_styles), NULL);
	if (dt == NULL)
		return g_strdup(ct_time_styles[style].out_of_range);
	return g_date_time_format(dt, ct_time_styles[style].format);
}
