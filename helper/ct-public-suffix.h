/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* is domain (A-labels, lower case, no trailing dot) a registry-controlled domain, as
 * Chromium's registry_controlled_domains sees it with EXCLUDE_PRIVATE_REGISTRIES and
 * INCLUDE_UNKNOWN_REGISTRIES: a public suffix of the ICANN section of the public suffix
 * list ("co.uk", "com"), or a top-level label the list does not know ("localhost")?
 * Read with libpsl from the newest of its built-in list and Debian's publicsuffix */
gboolean
ct_public_suffix_is_registry(const gchar *domain);
