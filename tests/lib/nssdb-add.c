/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nssdb-add DIR DER-FILE NICKNAME TRUST: add one certificate to an existing NSS database
 * through certtrust's nssdb module, as a process of its own (tests start several at once:
 * fork() without exec() from a threaded test worker can deadlock in the allocator) */

#include "config.h"

#include "ct-nssdb.h"

gint
main(gint argc, gchar **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtNssDb) db = NULL;
	g_autoptr(GBytes) der = NULL;
	gchar *contents = NULL;
	gsize length = 0;

	if (argc != 5) {
		g_printerr("usage: nssdb-add DIR DER-FILE NICKNAME TRUST\n");
		return 2;
	}
	if (!g_file_get_contents(argv[2], &contents, &length, &error)) {
		g_printerr("read %s: %s\n", argv[2], error->message);
		return 1;
	}
	der = g_bytes_new_take(contents, length);
	db = ct_nssdb_open(argv[1], FALSE, &error);
	if (db == NULL) {
		g_printerr("open %s: %s\n", argv[1], error->message);
		return 1;
	}
	if (!ct_nssdb_add(db, der, argv[3], argv[4], &error)) {
		g_printerr("add %s: %s\n", argv[3], error->message);
		return 1;
	}
	g_clear_pointer(&db, ct_nssdb_close);
	ct_nssdb_shutdown();
	return 0;
}
