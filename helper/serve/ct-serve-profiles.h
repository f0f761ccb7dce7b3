/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

/* the certificates serve's profiles make: one row of a table each (the name, what it makes),
 * read by serve, its --help and the scenario format */

/* a made certificate and its private key (DER) */
typedef struct {
	GBytes *der;
	GBytes *key;
} CtServeIssued;

void
ct_serve_issued_clear(CtServeIssued *issued);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CtServeIssued, ct_serve_issued_clear)

/* the profile names, NULL-terminated, in the table's order (the first is the default) */
const gchar *const *
ct_serve_profiles_get_names(void);

/* "tomcat, leaf, ... or v1" for a message; with mark_default "tomcat (default), leaf, ..." */
gchar *
ct_serve_profiles_describe(gboolean mark_default); /* (transfer full) */

/* make the leaf the profile asks for (and for chain the intermediate and the root) for
 * the DNS names and IP addresses (NULL-terminated; the first of either is the CN); listen
 * is the address an ip-san certificate names beside ::1. CT_ERROR_INVALID_ARGS for a
 * profile that is not in the table */
gboolean
ct_serve_profiles_make(const gchar *profile,
		       GPtrArray *dns,
		       GPtrArray *ips,
		       const gchar *listen,
		       CtServeIssued *leaf,
		       CtServeIssued *intermediate,
		       CtServeIssued *root,
		       GError **error);
