/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ct-cleanup.h"
#include "ct-test.h"
#include "ct-tmpdir.h"

/* the OS store's tree, state files, temp dirs and reads: two --sysroot trees
 * with Debian's layout, the host's /etc/ssl/certs checked byte for byte before and after,
 * openssl verify against each tree's bundle as the witness */

#define HOST_ETC_CERTS_DIR "/etc/ssl/certs"

static gchar *tmpdir = NULL;
static gchar *host_certs_before = NULL;

static gchar *
state_path(const gchar *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static void
state_run_ok(const gchar *command)
{
	g_autoptr(CtTestRun) run = ct_test_run_shell(command);
	cr_assert_eq(run->exit_status, 0, "%s: %s%s", command, run->out, run->err);
}

/* every name, link target and file checksum under the host's /etc/ssl/certs */
static gchar *
state_host_certs_digest(void)
{
	g_autoptr(CtTestRun) run = ct_test_run_shell(
	    "cd " HOST_ETC_CERTS_DIR " && find . -printf '%p %y %l\\n' | LC_ALL=C sort && "
	    "find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum");
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	return g_steal_pointer(&run->out);
}

static void
state_setup(void)
{
	g_autofree gchar *profile = NULL;

	tmpdir = ct_test_tmpdir_new();
	profile = ct_test_private_home(tmpdir);
	if (g_file_test(HOST_ETC_CERTS_DIR, G_FILE_TEST_IS_DIR))
		host_certs_before = state_host_certs_digest();
}

static void
state_teardown(void)
{
	/* whatever a test did, the host's store is as it was */
	if (host_certs_before != NULL) {
		g_autofree gchar *after = state_host_certs_digest();
		cr_expect_str_eq(after, host_certs_before, "the host's /etc/ssl/certs changed");
	}
	g_clear_pointer(&host_certs_before, g_free);
	ct_test_tmpdir_remove(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

TestSuite(state, .init = state_setup, .fini = state_teardown, .timeout = 120);

static void
state_skip_without_debian_tools(void)
{
	if (!g_file_test("/usr/sbin/update-ca-certificates", G_FILE_TEST_IS_EXECUTABLE) ||
	    !g_file_test("/usr/share/ca-certificates/mozilla", G_FILE_TEST_IS_DIR))
		cr_skip_test("no Debian ca-certificates here");
}

/* a small Debian tree under tmpdir/name: two of the host's packaged CAs in its
 * configuration, no local CA, an empty /etc/ssl/certs, an empty hooks dir */
static gchar *
state_debian_tree_new(const gchar *name)
{
	g_autofree gchar *root = state_path(name);
	g_autofree gchar *q = g_shell_quote(root);
	g_autofree gchar *fill = g_strdup_printf(
	    "set -e; mkdir -p %s; cd %s; mkdir -p usr/share/ca-certificates/mozilla "
	    "usr/local/share/ca-certificates etc/ssl/certs etc/ca-certificates/update.d "
	    "usr/sbin; : > usr/sbin/update-ca-certificates; "
	    "ls /usr/share/ca-certificates/mozilla | grep '\\.crt$' | head -n 2 | "
	    "while read -r f; do cp \"/usr/share/ca-certificates/mozilla/$f\" "
	    "usr/share/ca-certificates/mozilla/; echo \"mozilla/$f\"; done "
	    "> etc/ca-certificates.conf; test \"$(wc -l < etc/ca-certificates.conf)\" = 2",
	    q, q);

	state_run_ok(fill);
	return g_steal_pointer(&root);
}

static gchar *
state_bundle(const gchar *root)
{
	return g_build_filename(root, "etc/ssl/certs/ca-certificates.crt", NULL);
}

/* does openssl verify the generated certificate against the tree's bundle? */
static gboolean
state_tree_verifies(const gchar *root, const gchar *name)
{
	g_autofree gchar *bundle = state_bundle(root);
	g_autofree gchar *pem = ct_test_data_path(name);
	const gchar *argv[] = {"openssl", "verify", "-CAfile", bundle, pem, NULL};
	g_autoptr(CtTestRun) run = NULL;

	if (!g_file_test(bundle, G_FILE_TEST_IS_REGULAR))
		return FALSE;
	run = ct_test_run(argv, NULL);
	return run->exit_status == 0;
}

static gchar *
state_sha256(const gchar *name)
{
	g_autofree gchar *pem = ct_test_data_path(name);
	g_autofree gchar *cmd =
	    g_strdup_printf("openssl x509 -in '%s' -noout -fingerprint -sha256 | cut -d= -f2", pem);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	return g_strdup(g_strstrip(run->out));
}

static CtTestRun *
state_trust_system(const gchar *root, const gchar *name)
{
	g_autofree gchar *pem = ct_test_data_path(name);
	return ct_test_run_certtrust("--sysroot", root, "trust", pem, "--store", "system", "--name",
				     "ucm.example.com:8443", NULL);
}

/* the names (and link targets) in a directory, to compare before and after */
static gchar *
state_listing(const gchar *dir)
{
	g_autofree gchar *q = g_shell_quote(dir);
	g_autofree gchar *cmd =
	    g_strdup_printf("cd %s && find . -printf '%%p %%y %%l %%s\\n' | LC_ALL=C sort", q);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	return g_steal_pointer(&run->out);
}

/* trusted in tree A, untrusted with --sysroot B: the anchor leaves A's bundle too (the
 * ledger recorded A), and B is left as it was */
Test(state, untrust_under_another_sysroot_uses_the_tree_it_was_trusted_in)
{
	g_autofree gchar *tree_a = NULL;
	g_autofree gchar *tree_b = NULL;
	g_autofree gchar *sha = state_sha256("tomcat.pem");
	g_autofree gchar *b_before = NULL;
	g_autofree gchar *b_after = NULL;
	g_autoptr(CtTestRun) trusted = NULL;
	g_autoptr(CtTestRun) primed = NULL;
	g_autoptr(CtTestRun) removed = NULL;

	state_skip_without_debian_tools();
	tree_a = state_debian_tree_new("tree-a");
	tree_b = state_debian_tree_new("tree-b");
	/* B gets a bundle of its own first (a trust and untrust of another certificate) */
	primed = state_trust_system(tree_b, "wildcard.pem");
	cr_assert_eq(primed->exit_status, 0, "%s%s", primed->out, primed->err);
	ct_test_run_free(g_steal_pointer(&primed));
	{
		g_autofree gchar *wild = state_sha256("wildcard.pem");
		primed = ct_test_run_certtrust("--sysroot", tree_b, "untrust", wild, NULL);
		cr_assert_eq(primed->exit_status, 0, "%s%s", primed->out, primed->err);
	}
	cr_assert_not(state_tree_verifies(tree_b, "tomcat.pem"));

	trusted = state_trust_system(tree_a, "tomcat.pem");
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);
	cr_assert(state_tree_verifies(tree_a, "tomcat.pem"), "A's bundle lacks the anchor");
	b_before = state_listing(tree_b);

	removed = ct_test_run_certtrust("--sysroot", tree_b, "untrust", sha, NULL);
	cr_assert_eq(removed->exit_status, 0, "%s%s", removed->out, removed->err);
	cr_assert_not(state_tree_verifies(tree_a, "tomcat.pem"),
		      "untrust said %s but A's bundle still trusts the certificate", removed->out);
	b_after = state_listing(tree_b);
	cr_assert_str_eq(b_after, b_before, "tree B changed");
}

/* a tree whose /etc/ssl/certs (or anchors dir) is a symlink out of it: nothing is
 * written out there, and certtrust says why */
static void
state_assert_symlink_refused(const gchar *relative)
{
	g_autofree gchar *tree = NULL;
	g_autofree gchar *outside = state_path("outside");
	g_autofree gchar *marker = g_build_filename(outside, "marker", NULL);
	g_autofree gchar *link = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autoptr(CtTestRun) run = NULL;

	state_skip_without_debian_tools();
	tree = state_debian_tree_new("tree");
	link = g_build_filename(tree, relative, NULL);
	cr_assert_eq(g_mkdir(outside, 0755), 0);
	cr_assert(g_file_set_contents(marker, "not the tree's\n", -1, NULL));
	cr_assert_eq(g_rmdir(link), 0);
	cr_assert_eq(symlink(outside, link), 0);
	before = state_listing(outside);

	run = state_trust_system(tree, "tomcat.pem");
	cr_assert_neq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->out, "symlink"), "%s%s", run->out, run->err);
	after = state_listing(outside);
	cr_assert_str_eq(after, before, "certtrust wrote outside the tree");
}

Test(state, sysroot_etc_ssl_certs_symlinked_out_of_the_tree_is_refused)
{
	state_assert_symlink_refused("etc/ssl/certs");
}

Test(state, sysroot_anchor_dir_symlinked_out_of_the_tree_is_refused)
{
	state_assert_symlink_refused("usr/local/share/ca-certificates");
}

/* a hook in the tree runs (as root here) but cannot write outside the tree; POSIX shared
 * memory works for it, in a /dev/shm of its own */
Test(state, sysroot_hook_writes_only_inside_the_tree)
{
	g_autofree gchar *tree = NULL;
	g_autofree gchar *hook = NULL;
	g_autofree gchar *script = NULL;
	g_autofree gchar *escaped = state_path("escaped");
	g_autofree gchar *shm = g_strdup_printf("/dev/shm/certtrust-test-hook-%d", (gint)getpid());
	g_autofree gchar *ran = NULL;
	g_autoptr(CtTestRun) run = NULL;

	state_skip_without_debian_tools();
	if (geteuid() != 0)
		cr_skip_test("the jail is for root; a user's hook has the user's rights");
	tree = state_debian_tree_new("tree");
	hook = g_build_filename(tree, "etc/ca-certificates/update.d/escape", NULL);
	ran = g_build_filename(tree, "etc/ssl/certs/hook-ran", NULL);
	script = g_strdup_printf("#!/bin/sh\ncat > /dev/null\ntouch '%s' || exit 3\n"
				 "touch '%s' 2>/dev/null\ntouch '%s'\n",
				 shm, escaped, ran);
	cr_assert(g_file_set_contents(hook, script, -1, NULL));
	cr_assert_eq(g_chmod(hook, 0755), 0);

	run = state_trust_system(tree, "tomcat.pem");
	cr_assert_eq(run->exit_status, 0, "%s%s", run->out, run->err);
	cr_assert(state_tree_verifies(tree, "tomcat.pem"));
	cr_assert(g_file_test(ran, G_FILE_TEST_EXISTS), "the hook did not run");
	cr_assert_not(g_file_test(escaped, G_FILE_TEST_EXISTS),
		      "a hook of the tree wrote %s, outside it", escaped);
	cr_assert_not(g_file_test(shm, G_FILE_TEST_EXISTS), "the hook wrote the host's %s", shm);
}

/* $XDG_STATE_HOME/certtrust, made as certtrust would find it */
static gchar *
state_dir_new(void)
{
	gchar *dir = g_build_filename(g_getenv("XDG_STATE_HOME"), "certtrust", NULL);
	cr_assert_eq(g_mkdir_with_parents(dir, 0700), 0);
	return dir;
}

/* a new NSS database made by certutil: "nss:DIR" */
static gchar *
state_nss_store(const gchar *name)
{
	g_autofree gchar *db = state_path(name);
	g_autofree gchar *cmd =
	    g_strdup_printf("mkdir -p '%s' && certutil -N -d 'sql:%s' --empty-password", db, db);
	state_run_ok(cmd);
	return g_strconcat("nss:", db, NULL);
}

static gchar *
state_read_text(const gchar *path)
{
	gchar *text = NULL;
	cr_assert(g_file_get_contents(path, &text, NULL, NULL), "cannot read %s", path);
	return text;
}

/* a lock-file symlink planted in the state dir (to a file, and to a file not there yet):
 * certtrust refuses, the target stays as it was (or absent), and no store is written */
Test(state, lock_file_symlink_is_refused)
{
	g_autofree gchar *dir = state_dir_new();
	g_autofree gchar *lock = g_build_filename(dir, "ledger.json.lock", NULL);
	g_autofree gchar *precious = state_path("precious");
	g_autofree gchar *absent = state_path("created-through-the-link");
	g_autofree gchar *store = state_nss_store("db");
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autofree gchar *text = NULL;
	g_autofree gchar *listing = NULL;
	const gchar *targets[] = {precious, absent};

	cr_assert(g_file_set_contents(precious, "precious\n", -1, NULL));
	for (guint i = 0; i < G_N_ELEMENTS(targets); i++) {
		g_autoptr(CtTestRun) run = NULL;
		g_autoptr(CtTestRun) list = NULL;

		g_unlink(lock);
		cr_assert_eq(symlink(targets[i], lock), 0);
		run = ct_test_run_certtrust("trust", pem, "--store", store, "--name",
					    "ucm.example.com:8443", NULL);
		cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
		cr_assert_not_null(strstr(run->err, "symbolic link"), "%s%s", run->out, run->err);
		list = ct_test_run_certtrust("list", NULL);
		cr_assert_eq(list->exit_status, 6, "%s%s", list->out, list->err);
	}
	text = state_read_text(precious);
	cr_assert_str_eq(text, "precious\n");
	cr_assert_not(g_file_test(absent, G_FILE_TEST_EXISTS), "%s was created", absent);
	{
		g_autofree gchar *cmd = g_strdup_printf("certutil -L -d 'sql:%s'", store + 4);
		g_autoptr(CtTestRun) certutil = ct_test_run_shell(cmd);
		cr_assert_eq(certutil->exit_status, 0, "%s", certutil->err);
		cr_assert_null(strstr(certutil->out, "P,,"), "a store was written:\n%s",
			       certutil->out);
		listing = g_strdup(certutil->out);
	}
	cr_assert_null(strstr(listing, "ucm"), "%s", listing);
}

/* the ledger itself a symlink to a file outside: never read through, never replaced */
Test(state, ledger_symlink_is_refused)
{
	g_autofree gchar *dir = state_dir_new();
	g_autofree gchar *ledger = g_build_filename(dir, "ledger.json", NULL);
	g_autofree gchar *outside = state_path("outside.json");
	g_autofree gchar *text = NULL;
	g_autoptr(CtTestRun) run = NULL;
	const gchar *entries = "{\"version\":1,\"entries\":[]}\n";

	cr_assert(g_file_set_contents(outside, entries, -1, NULL));
	cr_assert_eq(symlink(outside, ledger), 0);
	run = ct_test_run_certtrust("list", NULL);
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->err, "symbolic link"), "%s%s", run->out, run->err);
	text = state_read_text(outside);
	cr_assert_str_eq(text, entries);
}

/* root with another user's state dir (sudo keeping HOME): refused, nothing made there */
Test(state, state_dir_of_another_user_is_refused_for_root)
{
	g_autofree gchar *dir = state_dir_new();
	g_autofree gchar *lock = g_build_filename(dir, "ledger.json.lock", NULL);
	g_autoptr(CtTestRun) run = NULL;

	if (geteuid() != 0)
		cr_skip_test("needs root to give the directory to another user");
	cr_assert_eq(chown(dir, 65534, 65534), 0);
	run = ct_test_run_certtrust("list", NULL);
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->err, "belongs to user 65534"), "%s%s", run->out, run->err);
	cr_assert_not(g_file_test(lock, G_FILE_TEST_EXISTS), "root made %s", lock);
}

/* wait until path exists (a condition, not a sleep), at most seconds */
static gboolean
state_wait_for_file(const gchar *path, guint seconds)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;

	while (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		if (g_get_monotonic_time() > deadline)
			return FALSE;
		g_usleep(20 * 1000);
	}
	return TRUE;
}

static gchar *
state_read_line(const gchar *path)
{
	g_autofree gchar *text = state_read_text(path);
	return g_strdup(g_strstrip(text));
}

/* a verify killed with SIGKILL while its (fake) browser starts leaves its temp dir; the
 * next certtrust, whatever the command, removes it, and leaves a live process's dir, a dir
 * of another user and a name of another shape alone */
Test(state, temp_dir_of_a_killed_verify_is_removed_at_the_next_start)
{
	g_autofree gchar *fake = state_path("fake-firefox");
	g_autofree gchar *told = state_path("browser-tmpdir");
	g_autofree gchar *fake_pid_file = state_path("browser-pid");
	g_autofree gchar *profile = state_path("profile");
	g_autofree gchar *script = NULL;
	g_autofree gchar *browser_tmp = NULL;
	g_autofree gchar *left = NULL;
	g_autofree gchar *parent = NULL;
	g_autofree gchar *live = NULL;
	g_autofree gchar *other_shape = NULL;
	g_autofree gchar *other_user = NULL;
	g_autofree gchar *fake_pid = NULL;
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GSubprocess) verify = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(CtTestRun) next = NULL;
	g_auto(GStrv) envp = ct_test_environ_to_kill();
	const gchar *argv[] = {g_getenv("CT_CERTTRUST"),
			       "verify",
			       "https://127.0.0.1:9/",
			       "--browser",
			       "firefox",
			       "--profile",
			       profile,
			       NULL};

	cr_assert_eq(g_mkdir(profile, 0700), 0);
	script = g_strdup_printf("#!/bin/sh\necho \"$TMPDIR\" > '%s.new'\necho $$ > '%s'\n"
				 "mv '%s.new' '%s'\nexec sleep 120\n",
				 told, fake_pid_file, told, told);
	cr_assert(g_file_set_contents(fake, script, -1, NULL));
	cr_assert_eq(g_chmod(fake, 0755), 0);
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
					     G_SUBPROCESS_FLAGS_STDERR_SILENCE);
	g_subprocess_launcher_set_environ(launcher, envp);
	g_subprocess_launcher_setenv(launcher, "CT_FIREFOX", fake, TRUE);
	verify = g_subprocess_launcher_spawnv(launcher, argv, &error);
	cr_assert_not_null(verify, "%s", error != NULL ? error->message : "");
	cr_assert(state_wait_for_file(told, 60), "the fake browser never started");
	browser_tmp = state_read_line(told);
	fake_pid = state_read_line(fake_pid_file);

	g_subprocess_force_exit(verify);
	cr_assert(g_subprocess_wait(verify, NULL, NULL));
	kill((pid_t)g_ascii_strtoll(fake_pid, NULL, 10), SIGKILL);
	left = g_path_get_dirname(browser_tmp);
	parent = g_path_get_dirname(left);
	cr_assert(g_file_test(left, G_FILE_TEST_IS_DIR), "SIGKILL left no %s", left);

	/* neighbours that must stay: this test's own (live), another shape, another user's */
	live = ct_tmpdir_new(parent, "browser", NULL);
	cr_assert_not_null(live);
	other_shape = g_strdup_printf("%s/certtrust-browser-%d-not-ours", parent, getpid());
	cr_assert_eq(g_mkdir(other_shape, 0700), 0);
	if (geteuid() == 0) {
		other_user = g_strdup(left);
		memcpy(other_user + strlen(other_user) - 6, "otheru", 6);
		cr_assert_eq(g_mkdir(other_user, 0700), 0);
		cr_assert_eq(chown(other_user, 65534, 65534), 0);
	}

	next = ct_test_run_certtrust("list", NULL);
	cr_assert_eq(next->exit_status, 0, "%s%s", next->out, next->err);
	cr_expect_not(g_file_test(left, G_FILE_TEST_EXISTS), "%s is still there", left);
	cr_expect(g_file_test(live, G_FILE_TEST_IS_DIR), "a live process's dir was removed");
	cr_expect(g_file_test(other_shape, G_FILE_TEST_IS_DIR), "%s was removed", other_shape);
	if (other_user != NULL)
		cr_expect(g_file_test(other_user, G_FILE_TEST_IS_DIR), "%s was removed",
			  other_user);
	ct_tmpdir_remove(live);
	g_rmdir(other_shape);
	if (other_user != NULL)
		g_rmdir(other_user);
	ct_cleanup_remove_tree(left);
}

/* every file of dir with its checksum, "absent" when there is no dir */
static gchar *
state_snapshot(const gchar *dir)
{
	g_autofree gchar *q = g_shell_quote(dir);
	g_autofree gchar *cmd = g_strdup_printf(
	    "cd %s 2>/dev/null || { echo absent; exit 0; }; ls -la --time-style=+ | "
	    "awk '{print $1, $5, $NF}'; find . -type f -print0 | LC_ALL=C sort -z | "
	    "xargs -0 -r sha256sum",
	    q);
	g_autoptr(CtTestRun) run = ct_test_run_shell(cmd);
	cr_assert_eq(run->exit_status, 0, "%s", run->err);
	return g_steal_pointer(&run->out);
}

/* list and status are reads: over an NSS database whose cert9.db is empty (0 bytes), or
 * gone, or whose directory is gone, they change nothing (they used to make a new database
 * over the empty file) and say what is wrong */
Test(state, reads_never_write_an_empty_or_missing_nss_database)
{
	g_autofree gchar *store = state_nss_store("db");
	const gchar *db = store + strlen("nss:");
	g_autofree gchar *cert9 = g_build_filename(db, "cert9.db", NULL);
	g_autofree gchar *key4 = g_build_filename(db, "key4.db", NULL);
	g_autofree gchar *pem = ct_test_data_path("tomcat.pem");
	g_autoptr(CtTestRun) trusted = NULL;

	trusted = ct_test_run_certtrust("trust", pem, "--store", store, "--name",
					"ucm.example.com:8443", NULL);
	cr_assert_eq(trusted->exit_status, 0, "%s%s", trusted->out, trusted->err);

	for (guint round = 0; round < 4; round++) {
		g_autofree gchar *before = NULL;
		g_autofree gchar *after_list = NULL;
		g_autofree gchar *after_status = NULL;
		g_autoptr(CtTestRun) list = NULL;
		g_autoptr(CtTestRun) status = NULL;
		const gchar *says = NULL;

		if (round == 1) {
			/* an empty cert9.db */
			cr_assert(g_file_set_contents(cert9, "", 0, NULL));
			says = "cert9.db is empty";
		} else if (round == 2) {
			/* no database at all in the directory */
			cr_assert_eq(g_unlink(cert9), 0);
			cr_assert_eq(g_unlink(key4), 0);
		} else if (round == 3) {
			/* no directory */
			ct_cleanup_remove_tree(db);
		}
		before = state_snapshot(db);
		list = ct_test_run_certtrust("list", NULL);
		after_list = state_snapshot(db);
		cr_assert_str_eq(after_list, before, "round %u: list changed %s (%s%s)", round, db,
				 list->out, list->err);
		status = ct_test_run_certtrust("status", pem, NULL);
		after_status = state_snapshot(db);
		cr_assert_str_eq(after_status, before, "round %u: status changed %s (%s%s)", round,
				 db, status->out, status->err);
		if (round == 0) {
			cr_assert_eq(list->exit_status, 0, "%s%s", list->out, list->err);
			cr_assert_eq(status->exit_status, 0, "%s%s", status->out, status->err);
		}
		if (says != NULL) {
			cr_assert_not_null(strstr(list->out, says), "%s%s", list->out, list->err);
			cr_assert_neq(status->exit_status, 0, "%s", status->out);
			cr_assert_not_null(strstr(status->err, says), "%s%s", status->out,
					   status->err);
		}
		if (round >= 2)
			cr_assert_not(g_file_test(cert9, G_FILE_TEST_EXISTS), "%s made", cert9);
	}
}

/* serve's default certificate dir (it holds the private key) a symlink planted in the state
 * dir: refused before anything is written there */
Test(state, serve_dir_symlink_is_refused)
{
	g_autofree gchar *dir = state_dir_new();
	g_autofree gchar *serve = g_build_filename(dir, "serve", NULL);
	g_autofree gchar *outside = state_path("outside");
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autoptr(CtTestRun) run = NULL;

	cr_assert_eq(g_mkdir(outside, 0755), 0);
	cr_assert_eq(symlink(outside, serve), 0);
	before = state_listing(outside);
	run = ct_test_run_certtrust("serve", "--https-port", "0", "--http-port", "0", NULL);
	cr_assert_eq(run->exit_status, 6, "%s%s", run->out, run->err);
	cr_assert_not_null(strstr(run->err, "symbolic link"), "%s", run->err);
	after = state_listing(outside);
	cr_assert_str_eq(after, before, "serve wrote through the symlink");
}
