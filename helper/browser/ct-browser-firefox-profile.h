/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-browser-options.h"

/* fill the throwaway profile dir: the trust files of options->profile (cert9.db,
 * cert_override.txt, prefs.js, user.js, HSTS state), options->overrides as permanent
 * exceptions, and a user.js (after the user's) with the prefs that keep Firefox on
 * loopback, the hosts named reached directly (a PAC file) and the names mapped or
 * resolved; CT_ERROR_INVALID_ARGS for an exception that is not host:port=SHA-256 or
 * --resolve rules Firefox cannot follow */
gboolean
ct_browser_firefox_fill_profile(const gchar *profile,
				const CtBrowserOptions *options,
				GError **error);
