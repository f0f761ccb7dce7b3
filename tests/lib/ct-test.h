#pragma once

#include <criterion/criterion.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ct-chain.h"

/* path of a generated test file: $CT_TEST_DATADIR/name */
gchar *
ct_test_data_path(const gchar *name);
/* contents of a generated test file; fails the test when missing */
GBytes *
ct_test_data_bytes(const gchar *name);

/* a fresh private temp dir; ct_test_tmpdir_remove() deletes it recursively */
gchar *
ct_test_tmpdir_new(void);
void
ct_test_tmpdir_remove(const gchar *path);

typedef struct {
	gint exit_status;
	gchar *out; /* stdout */
	gchar *err; /* stderr */
} CtTestRun;

void
ct_test_run_free(CtTestRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtTestRun, ct_test_run_free)

/* run argv (NULL-terminated) with optional stdin bytes; argv[0] "certtrust" means
 * the built program; the environment is inherited; fails the test when it cannot start */
CtTestRun *
ct_test_run(const gchar *const *argv, GBytes *stdin_bytes);
/* run a shell command line (sh -c) and return its result */
CtTestRun *
ct_test_run_shell(const gchar *command_line);

/* stdout must be exactly one JSON object; its root (transfer full) */
JsonNode *
ct_test_parse_one_json_document(const gchar *text);

/* a generated test file loaded as a chain; fails the test when it does not load */
CtChain *
ct_test_load_chain(const gchar *name); /* (transfer full) */
