/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "ct-error.h"

typedef struct {
	gchar *label; /* "CERTIFICATE", "PKCS7", ... as written, upper case */
	GBytes *der;  /* the decoded body */
} CtPemBlock;

void
ct_pem_block_free(CtPemBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtPemBlock, ct_pem_block_free)

/* does the text hold at least one "-----BEGIN " line? */
gboolean
ct_pem_contains_armor(const guint8 *data, gsize len);

/* every armoured block, in order; LF, CRLF or CR line ends; headers skipped;
 * a block with broken base64 or no END line is an error naming the block;
 * no block at all (armour only mid-line counts as text) is CT_ERROR_INVALID_DATA too,
 * so a non-NULL result holds at least one block */
GPtrArray *
ct_pem_decode(const guint8 *data, gsize len, GError **error); /* (transfer full) CtPemBlock* */

/* "-----BEGIN label-----", base64 in 64 columns, CRLF line ends, a final CRLF */
gchar *
ct_pem_encode(const gchar *label, GBytes *der); /* (transfer full) */
