/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "ct-error.h"

typedef enum {
	CT_SAVE_FLAG_NONE = 0,
	CT_SAVE_FLAG_REPLACE = 1 << 0, /* replace an existing regular file (else CT_ERROR_EXISTS) */
} CtSaveFlags;

/* write atomically: a temp file in the target directory (umask 077), write, fsync,
 * fchmod to mode, then link() to create or rename() to replace; nothing is left
 * behind on failure; symlinks and non-regular files at path are refused
 * (CT_ERROR_INVALID_ARGS); mode is masked with 0777; errors name the path, escaped */
gboolean
ct_save_file(const gchar *path, GBytes *contents, guint mode, CtSaveFlags flags, GError **error);
