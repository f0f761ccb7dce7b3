/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "ct-error.h"

/* what certtrust-system-helper does as root for an unprivileged certtrust (through pkexec):
 * install or remove one anchor in the OS store and run the distribution's update tool. It
 * trusts nothing its caller says: the certificate is decoded and judged again (exactly one,
 * self-signed, no CA power without --allow-ca), the file name is derived here, and only a
 * file certtrust names and that holds the given certificate is ever removed.
 * Each adds its result's members to the open object of result. */

/* at most this much base64 on the command line (a certificate is a few KiB) */
#define CT_SYSTEM_HELPER_MAX_INPUT (64 * 1024)

gboolean
ct_system_helper_install(const gchar *sysroot,
			 const gchar *der_base64,
			 gboolean allow_ca,
			 JsonBuilder *result,
			 GError **error);

gboolean
ct_system_helper_remove(const gchar *sysroot,
			const gchar *anchor_path,
			const gchar *sha256,
			JsonBuilder *result,
			GError **error);
