/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#define CT_TYPE_TLS_DATABASE (ct_tls_database_get_type())
G_DECLARE_FINAL_TYPE(CtTlsDatabase, ct_tls_database, CT, TLS_DATABASE, GTlsDatabase)

/* the system's CA database, loaded once per process: glib-networking 2.74 builds a new
 * GnuTLS trust list (the whole CA bundle read and parsed again) for every connection
 * whose database is its own kind; a database of another kind is asked through
 * g_tls_database_verify_chain() instead, so each connection after the first costs a
 * handshake, not a bundle. The verdicts are the system database's own. */
CtTlsDatabase *
ct_tls_database_new(GTlsDatabase *system); /* (transfer full) */

/* make the process's default TLS database one CtTlsDatabase over the system's (once;
 * later calls do nothing); without a system database nothing changes */
void
ct_tls_database_ensure_default(void);
