/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ct-pem.h"

/* libFuzzer target for the PEM splitter (ct_pem_decode). Beyond "no crash": a text with
 * blocks contains armour; every block has a label; and each block written again with
 * ct_pem_encode() decodes to one block with the same label and bytes (parse(format(x))). */

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) blocks = ct_pem_decode(data, size, &error);

	if (blocks == NULL) {
		if (error == NULL || error->domain != CT_ERROR || error->message[0] == '\0')
			abort();
		return 0;
	}
	if (blocks->len == 0 || !ct_pem_contains_armor(data, size))
		abort();
	for (guint i = 0; i < blocks->len; i++) {
		CtPemBlock *block = g_ptr_array_index(blocks, i);
		g_autofree gchar *text = NULL;
		g_autoptr(GPtrArray) again = NULL;
		CtPemBlock *copy;

		if (block->label == NULL || block->der == NULL)
			abort();
		text = ct_pem_encode(block->label, block->der);
		again = ct_pem_decode((const guint8 *)text, strlen(text), NULL);
		if (again == NULL || again->len != 1)
			abort();
		copy = g_ptr_array_index(again, 0);
		if (strcmp(copy->label, block->label) != 0 || !g_bytes_equal(copy->der, block->der))
			abort();
	}
	return 0;
}
