#pragma once

#include <glib.h>

/* the ways certtrust writes a point in time (always UTC) */
typedef enum {
	CT_TIME_ISO8601,    /* 2027-01-01T00:00:10Z: JSON and the ledger; "" when out of range */
	CT_TIME_DAY_MINUTE, /* 2027-01-01 00:00 UTC: fetch's warning page; "?" when out of range */
	CT_TIME_DAY_SECOND, /* 2027-01-01 00:00:10 UTC: show and the flows' dialogs;
			     * "(out of range)" when out of range */
} CtTimeStyle;

/* unix_seconds in style; a time GLib cannot represent (before year 1, after 9999) gets
 * the style's out-of-range text */
gchar *
ct_time_format(gint64 unix_seconds, CtTimeStyle style); /* (transfer full) */
