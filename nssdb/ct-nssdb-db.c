/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <cert.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <prerror.h>
#include <secerr.h>
#include <sqlite3.h>
#include <unistd.h>
#include <utilpars.h>

#include "ct-nssdb-private.h"

/* a database handle: opened after checking its files (SQLite's own check, locks, empty
 * files), created with an empty password, closed; whether trust can be written in it */

/* tokenDescription must be unique among the open slots: never reuse a number */
static gint ct_nssdb_db_counter = 0;

/* PR_GetError() after a failed write, as a CtError code */
gint
ct_nssdb_db_error_code(void)
{
	switch (PR_GetError()) {
	case SEC_ERROR_READ_ONLY:
	case SEC_ERROR_TOKEN_NOT_LOGGED_IN:
	case PR_NO_ACCESS_RIGHTS_ERROR:
	case PR_READ_ONLY_FILESYSTEM_ERROR:
		return CT_ERROR_PERMISSION_DENIED;
	case SEC_ERROR_BAD_DATABASE:
		return CT_ERROR_INVALID_DATA;
	default:
		return CT_ERROR_FAILED;
	}
}

/* does another process hold a write lock on the SQLite file (an exclusive or pending
 * transaction)? SQLite's rollback journal locks these bytes with POSIX locks */
static gboolean
ct_nssdb_db_is_locked(const gchar *path)
{
	struct flock lock = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	gboolean locked = FALSE;

	if (fd < 0)
		return FALSE;
	lock.l_type = F_RDLCK;
	lock.l_whence = SEEK_SET;
	lock.l_start = 0x40000000; /* PENDING_BYTE, then RESERVED and the SHARED range */
	lock.l_len = 512;
	if (fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK)
		locked = TRUE;
	close(fd);
	return locked;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

/* SQLite's own quick check of an existing database file, before NSS reads it: NSS 3.87
 * spins forever on some damaged files (a cert9.db with a few pages overwritten);
 * errors this check cannot classify are left for NSS to report */
static gboolean
ct_nssdb_db_check_file(const gchar *dir, const gchar *path, GError **error)
{
	g_autoptr(sqlite3) sql = NULL;
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autofree gchar *name = g_path_get_basename(path);
	const gchar *result;
	int rc;

	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return TRUE;
	rc = sqlite3_open_v2(path, &sql, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(sql, 2000);
		rc = sqlite3_prepare_v2(sql, "PRAGMA quick_check(1)", -1, &stmt, NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	switch (rc & 0xff) {
	case SQLITE_ROW:
		result = (const gchar *)sqlite3_column_text(stmt, 0);
		if (result == NULL || g_strcmp0(result, "ok") == 0)
			return TRUE;
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "the NSS database in %s is corrupt: %s fails SQLite's check", dir,
			    name);
		return FALSE;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "the NSS database in %s is corrupt: %s is damaged or not a SQLite "
			    "database",
			    dir, name);
		return FALSE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		g_set_error(error, CT_ERROR, CT_ERROR_BUSY,
			    "the NSS database in %s is locked by another program", dir);
		return FALSE;
	default:
		g_debug("cannot check %s: %s", path,
			sql != NULL ? sqlite3_errmsg(sql) : sqlite3_errstr(rc));
		return TRUE;
	}
}

/* why SECMOD_OpenUserDB failed: it only ever says SEC_ERROR_UNKNOWN_PKCS11_ERROR */
static void
ct_nssdb_db_set_open_error(const gchar *dir, const gchar *cert9, gboolean existed, GError **error)
{
	g_autofree gchar *why = ct_nssdb_describe_error();

	if (existed && ct_nssdb_db_is_locked(cert9)) {
		g_set_error(error, CT_ERROR, CT_ERROR_BUSY,
			    "the NSS database in %s is locked by another program", dir);
		return;
	}
	if (existed && access(cert9, R_OK) != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "cannot read the NSS database in %s: %s", dir, g_strerror(errno));
		return;
	}
	if (existed) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "cannot open the NSS database in %s: corrupt or not an NSS "
			    "database: %s",
			    dir, why);
		return;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "cannot create an NSS database in %s: %s",
		    dir, why);
}

/* a read never writes: a cert9.db or key4.db of 0 bytes (which SQLite and NSS would turn
 * into a new, empty database) or a missing key4.db is a broken database, not an empty one */
static gboolean
ct_nssdb_db_check_readable(const gchar *dir, const gchar *cert9, GError **error)
{
	g_autofree gchar *key4 = g_build_filename(dir, "key4.db", NULL);
	const gchar *files[] = {cert9, key4};

	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *name = g_path_get_basename(files[i]);
		GStatBuf st;

		if (g_stat(files[i], &st) != 0) {
			gint errsv = errno;
			g_set_error(error, CT_ERROR,
				    errsv == ENOENT ? CT_ERROR_INVALID_DATA : CT_ERROR_FAILED,
				    "the NSS database in %s is incomplete: %s: %s", dir, name,
				    g_strerror(errsv));
			return FALSE;
		}
		if (st.st_size == 0) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "the NSS database in %s is corrupt: %s is empty (0 bytes)", dir,
				    name);
			return FALSE;
		}
	}
	return TRUE;
}

static CtNssDb *
ct_nssdb_db_open(const gchar *dir, gboolean create, gboolean read_only, GError **error)
{
	g_autoptr(CtNssDb) db = NULL;
	g_autofree gchar *cert9 = NULL;
	g_autofree gchar *config = NULL;
	g_auto(ct_nss_string) quoted = NULL;
	g_autofree gchar *spec = NULL;
	gboolean existed;

	g_return_val_if_fail(dir != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!ct_nssdb_ensure_initialized(error))
		return NULL;
	if (!g_file_test(dir, G_FILE_TEST_EXISTS)) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "the NSS database directory %s does not exist", dir);
		return NULL;
	}
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "the NSS database path %s is not a directory", dir);
		return NULL;
	}
	cert9 = g_build_filename(dir, "cert9.db", NULL);
	existed = g_file_test(cert9, G_FILE_TEST_EXISTS);
	if (!existed && !create) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "no NSS database in %s: cert9.db does not exist", dir);
		return NULL;
	}
	/* access() also sees a read-only mount, which root's modes do not */
	if (!existed && access(dir, W_OK) != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "cannot create an NSS database in %s: %s", dir, g_strerror(errno));
		return NULL;
	}
	if (existed && read_only && !ct_nssdb_db_check_readable(dir, cert9, error))
		return NULL;
	if (existed) {
		g_autofree gchar *key4 = g_build_filename(dir, "key4.db", NULL);
		if (!ct_nssdb_db_check_file(dir, cert9, error) ||
		    !ct_nssdb_db_check_file(dir, key4, error))
			return NULL;
	}
	db = g_new0(CtNssDb, 1);
	db->dir = g_strdup(dir);
	/* SQLite needs the directory for its journal: without it NSS cannot even open the
	 * database read-write, but listing still works read-only */
	if (existed && (access(dir, W_OK) != 0 || access(cert9, W_OK) != 0)) {
		db->read_only = TRUE;
		db->read_only_why = g_strdup(g_strerror(errno));
	} else if (read_only) {
		db->read_only = TRUE;
		db->read_only_why = g_strdup("opened for reading only");
	}

	/* the path is quoted for NSS's parameter parser: quotes and backslashes escaped */
	config = g_strconcat("sql:", dir, NULL);
	quoted = NSSUTIL_Quote(config, '\'');
	if (quoted == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "cannot open the NSS database in %s: out of memory", dir);
		return NULL;
	}
	spec = g_strdup_printf("configdir=%s tokenDescription='certtrust-%d'%s", quoted,
			       g_atomic_int_add(&ct_nssdb_db_counter, 1) + 1,
			       db->read_only ? " flags=readOnly" : "");
	db->slot = SECMOD_OpenUserDB(spec);
	if (db->slot == NULL) {
		ct_nssdb_db_set_open_error(dir, cert9, existed, error);
		return NULL;
	}
	if (!PK11_IsPresent(db->slot)) {
		ct_nssdb_db_set_open_error(dir, cert9, existed, error);
		return NULL;
	}
	/* a new key4.db gets an empty password, as certutil -N --empty-password does */
	if (!existed && PK11_NeedUserInit(db->slot) &&
	    PK11_InitPin(db->slot, NULL, "") != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
			    "cannot set the empty password of the new NSS database in %s: %s", dir,
			    why);
		return NULL;
	}
	g_debug("opened the NSS database in %s as %s", dir, PK11_GetTokenName(db->slot));
	return g_steal_pointer(&db);
}

CtNssDb *
ct_nssdb_open(const gchar *dir, gboolean create, GError **error)
{
	return ct_nssdb_db_open(dir, create, FALSE, error);
}

CtNssDb *
ct_nssdb_open_read_only(const gchar *dir, GError **error)
{
	return ct_nssdb_db_open(dir, FALSE, TRUE, error);
}

void
ct_nssdb_close(CtNssDb *db)
{
	if (db == NULL)
		return;
	if (db->slot != NULL) {
		if (SECMOD_CloseUserDB(db->slot) != SECSuccess) {
			g_autofree gchar *why = ct_nssdb_describe_error();
			g_debug("closing the NSS database in %s: %s", db->dir, why);
		}
		PK11_FreeSlot(db->slot);
	}
	g_free(db->dir);
	g_free(db->read_only_why);
	g_free(db);
}

const gchar *
ct_nssdb_get_dir(CtNssDb *db)
{
	g_return_val_if_fail(db != NULL, NULL);
	return db->dir;
}

/* can we write trust here? trust attributes are authenticated with a key derived from
 * the key database's password: a database without one gets the empty password, as
 * certutil -A does; one with a real password needs a login we cannot do */
gboolean
ct_nssdb_db_ensure_writable(CtNssDb *db, GError **error)
{
	if (db->read_only) {
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "the NSS database in %s is read-only: %s", db->dir, db->read_only_why);
		return FALSE;
	}
	if (PK11_NeedUserInit(db->slot)) {
		if (PK11_InitPin(db->slot, NULL, "") != SECSuccess) {
			g_autofree gchar *why = ct_nssdb_describe_error();
			g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
				    "cannot set the empty password of the NSS database in %s: %s",
				    db->dir, why);
			return FALSE;
		}
		return TRUE;
	}
	if (PK11_NeedLogin(db->slot) && !PK11_IsLoggedIn(db->slot, NULL)) {
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "the NSS database in %s is protected by a password", db->dir);
		return FALSE;
	}
	return TRUE;
}
