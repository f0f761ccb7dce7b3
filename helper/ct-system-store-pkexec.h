/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "ct-error.h"

/* the host's OS store for a user without a root shell: pkexec runs certtrust-system-helper
 * as root under the polkit action io.github.certtrust.system-store, which asks for an
 * administrator's password (once per session: auth_admin_keep). The helper re-checks
 * everything itself (helper/system-helper/).
 * Errors: CT_ERROR_PERMISSION_DENIED when polkit did not authorize it (no agent, dismissed,
 * wrong password, no polkitd): the caller falls back to printing root's commands; the
 * helper's own refusals keep their code. */

/* the helper's path when pkexec and the helper are there (CT_SYSTEM_HELPER, for the tests
 * of a build tree, else the installed one); NULL and why when not */
gchar *
ct_system_store_pkexec_find(gchar **why); /* (transfer full) */

/* install der as an anchor; allow_ca when the user gave --allow-ca for a CA-capable one;
 * *anchor_path is the file the helper wrote */
gboolean
ct_system_store_pkexec_install(GBytes *der,
			       gboolean allow_ca,
			       gchar **anchor_path,
			       gboolean *changed,
			       GError **error);

/* remove the anchor certtrust installed that holds sha256 */
gboolean
ct_system_store_pkexec_remove(const gchar *anchor_path,
			      const gchar *sha256,
			      gboolean *changed,
			      GError **error);
