/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* OpenSSL's view, kept apart: its headers and NSS's define the same macros */

/* why OpenSSL's X509_check_ca() takes the DER certificate as a CA ("OpenSSL cannot read
 * it" when d2i_X509 fails, failing closed), as static text; NULL when it does not */
const gchar *
ct_nssdb_openssl_judge_ca_power(GBytes *der);
