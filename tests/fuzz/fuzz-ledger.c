/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtFuzz"

#include "config.h"

#include <stdlib.h>

#include "ct-ledger.h"

/* libFuzzer target for the ledger reader (ct_ledger_open on a file holding the input).
 * Beyond "no crash": every entry read has its store, location, kind and certificate; and
 * the ledger saved and read again holds the same entries (parse(format(x)) round trips).
 * Files go to CT_FUZZ_TMPDIR (run-fuzz makes one on tmpfs). */

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

static gboolean
ct_fuzz_entry_equal(const CtLedgerEntry *a, const CtLedgerEntry *b)
{
	if (g_strcmp0(a->store, b->store) != 0 || g_strcmp0(a->location, b->location) != 0 ||
	    g_strcmp0(a->kind, b->kind) != 0 || g_strcmp0(a->sha256, b->sha256) != 0 ||
	    g_strcmp0(a->for_sha256, b->for_sha256) != 0 ||
	    g_strcmp0(a->nickname, b->nickname) != 0 || g_strcmp0(a->trust, b->trust) != 0 ||
	    g_strcmp0(a->host, b->host) != 0 || g_strcmp0(a->subject, b->subject) != 0 ||
	    a->not_after != b->not_after || a->time != b->time)
		return FALSE;
	if ((a->names == NULL) != (b->names == NULL))
		return FALSE;
	return a->names == NULL ||
	       g_strv_equal((const gchar *const *)a->names, (const gchar *const *)b->names);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
	const gchar *tmp = g_getenv("CT_FUZZ_TMPDIR");
	g_autofree gchar *path = g_build_filename(tmp != NULL ? tmp : ".", "ledger.json", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(CtLedger) ledger = NULL;
	g_autoptr(CtLedger) again = NULL;
	g_autoptr(GPtrArray)
	    copies = g_ptr_array_new_with_free_func((GDestroyNotify)ct_ledger_entry_free);
	GPtrArray *entries;

	if (!g_file_set_contents(path, (const gchar *)data, (gssize)size, NULL))
		abort();
	ledger = ct_ledger_open(path, &error);
	if (ledger == NULL) {
		if (error == NULL || error->domain != CT_ERROR || error->message[0] == '\0')
			abort();
		return 0;
	}
	entries = ct_ledger_get_entries(ledger);
	for (guint i = 0; i < entries->len; i++) {
		const CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		if (entry->store == NULL || entry->location == NULL || entry->kind == NULL ||
		    entry->sha256 == NULL)
			abort();
		g_ptr_array_add(copies, ct_ledger_entry_copy(entry));
	}
	if (!ct_ledger_save(ledger, NULL))
		abort();
	g_clear_pointer(&ledger, ct_ledger_close);
	again = ct_ledger_open(path, NULL);
	if (again == NULL)
		abort();
	entries = ct_ledger_get_entries(again);
	if (entries->len != copies->len)
		abort();
	for (guint i = 0; i < entries->len; i++) {
		if (!ct_fuzz_entry_equal(g_ptr_array_index(entries, i),
					 g_ptr_array_index(copies, i)))
			abort();
	}
	return 0;
}
