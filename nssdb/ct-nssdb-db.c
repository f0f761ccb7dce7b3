/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include <cert.h>
#include <certdb.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pkcs11n.h>
#include <prerror.h>
#include <secerr.h>
#include <sqlite3.h>
#include <unistd.h>
#include <utilpars.h>

#include "ct-nssdb-private.h"

/* each database is a softoken slot of its own (SECMOD_OpenUserDB), next to the
 * database-less context of ct_nssdb_ensure_initialized(); everything that reads or
 * writes a database talks PKCS#11 to that slot alone, because NSS's certificate cache
 * merges the copies of one certificate in several databases: CERT_GetCertTrust() mixes
 * their trust and CERT_ChangeCertTrust() writes to whichever token it prefers (or to
 * none when the merged trust already matches) */
struct _CtNssDb {
	gchar *dir;
	PK11SlotInfo *slot;
	gboolean read_only; /* opened read-only: the directory or cert9.db is not writable */
	gchar *read_only_why;
};

/* a trust object (CKO_NSS_TRUST) in the slot; NSS finds it by issuer and serial */
typedef struct {
	CK_OBJECT_HANDLE handle;
	GBytes *issuer;
	GBytes *serial; /* the DER INTEGER, tag and length included */
	GBytes *sha1;	/* CKA_CERT_SHA1_HASH, NULL when absent */
	CK_TRUST server_auth;
	CK_TRUST client_auth;
	CK_TRUST email_protection;
	CK_TRUST code_signing;
} CtNssDbTrustObject;

/* a certificate object in the slot, with the entry it shows as */
typedef struct {
	CK_OBJECT_HANDLE handle;
	CtNssDbEntry *entry;
	CtNssDbTrustObject *trust; /* borrowed from the trust list, or NULL */
} CtNssDbCertObject;

/* tokenDescription must be unique among the open slots: never reuse a number */
static gint ct_nssdb_db_counter = 0;

static void
ct_nssdb_db_trust_object_free(CtNssDbTrustObject *trust)
{
	if (trust == NULL)
		return;
	g_clear_pointer(&trust->issuer, g_bytes_unref);
	g_clear_pointer(&trust->serial, g_bytes_unref);
	g_clear_pointer(&trust->sha1, g_bytes_unref);
	g_free(trust);
}

static void
ct_nssdb_db_cert_object_free(CtNssDbCertObject *cert)
{
	if (cert == NULL)
		return;
	ct_nssdb_entry_free(cert->entry);
	g_free(cert);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNssDbTrustObject, ct_nssdb_db_trust_object_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNssDbCertObject, ct_nssdb_db_cert_object_free)

void
ct_nssdb_entry_free(CtNssDbEntry *entry)
{
	if (entry == NULL)
		return;
	g_free(entry->nickname);
	g_free(entry->sha256);
	g_free(entry->trust);
	g_clear_pointer(&entry->der, g_bytes_unref);
	g_free(entry);
}

static GBytes *
ct_nssdb_db_digest_bytes(GChecksumType type, GBytes *der)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(type);
	guint8 digest[64];
	gsize len = sizeof(digest);

	g_checksum_update(checksum, g_bytes_get_data(der, NULL), g_bytes_get_size(der));
	g_checksum_get_digest(checksum, digest, &len);
	return g_bytes_new(digest, len);
}

/* the DER INTEGER around the content octets of a serial number */
static GBytes *
ct_nssdb_db_encode_serial(const SECItem *content)
{
	g_autoptr(GByteArray) der = g_byte_array_new();
	guint8 header[2 + sizeof(guint32)] = {0x02};
	guint header_len = 2;

	if (content->len < 0x80) {
		header[1] = (guint8)content->len;
	} else {
		guint n = 0;
		for (guint32 len = content->len; len != 0; len >>= 8)
			n++;
		header[1] = (guint8)(0x80 | n);
		for (guint i = 0; i < n; i++)
			header[2 + i] = (guint8)(content->len >> (8 * (n - 1 - i)));
		header_len += n;
	}
	g_byte_array_append(der, header, header_len);
	g_byte_array_append(der, content->data, content->len);
	return g_byte_array_free_to_bytes(g_steal_pointer(&der));
}

/* the DER issuer name and the DER serial number INTEGER, as NSS stores them in the
 * certificate's and the trust object's CKA_ISSUER and CKA_SERIAL_NUMBER */
static gboolean
ct_nssdb_db_get_issuer_serial(GBytes *der, GBytes **issuer, GBytes **serial)
{
	g_autoptr(PLArenaPool) arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	CERTCertificate *cert = NULL;

	if (arena == NULL)
		return FALSE;
	cert = ct_nssdb_decode_certificate(arena, der);
	if (cert == NULL)
		return FALSE;
	*issuer = g_bytes_new(cert->derIssuer.data, cert->derIssuer.len);
	*serial = ct_nssdb_db_encode_serial(&cert->serialNumber);
	return TRUE;
}

/* an attribute's value, or NULL when the object has none */
static GBytes *
ct_nssdb_db_read_attribute(PK11GenericObject *object, CK_ATTRIBUTE_TYPE type)
{
	g_auto(SECItem) item = {siBuffer, NULL, 0};

	if (PK11_ReadRawAttribute(PK11_TypeGeneric, object, type, &item) != SECSuccess)
		return NULL;
	return g_bytes_new(item.data, item.len);
}

static CK_TRUST
ct_nssdb_db_read_trust_attribute(PK11GenericObject *object, CK_ATTRIBUTE_TYPE type)
{
	g_auto(SECItem) item = {siBuffer, NULL, 0};
	CK_TRUST value = CKT_NSS_TRUST_UNKNOWN;

	if (PK11_ReadRawAttribute(PK11_TypeGeneric, object, type, &item) != SECSuccess)
		return CKT_NSS_TRUST_UNKNOWN;
	if (item.len == sizeof(value))
		memcpy(&value, item.data, sizeof(value));
	return value;
}

/* how NSS reads one purpose of a trust object back into CERTCertTrust flags
 * (lib/pki/pki3hack.c get_nss3trust_from_nss4trust) */
static unsigned int
ct_nssdb_db_flags_from_ck_trust(CK_TRUST trust)
{
	switch (trust) {
	case CKT_NSS_TRUSTED:
		return CERTDB_TERMINAL_RECORD | CERTDB_TRUSTED;
	case CKT_NSS_TRUSTED_DELEGATOR:
		return CERTDB_VALID_CA | CERTDB_TRUSTED_CA;
	case CKT_NSS_NOT_TRUSTED:
		return CERTDB_TERMINAL_RECORD;
	case CKT_NSS_VALID_DELEGATOR:
		return CERTDB_VALID_CA;
	default:
		return 0;
	}
}

/* and how NSS writes CERTCertTrust flags as one purpose (pki3hack.c get_stan_trust);
 * the client-auth purpose carries the "T" flag and, next to "C", the "P" flag */
static CK_TRUST
ct_nssdb_db_ck_trust_from_flags(unsigned int flags, gboolean client_auth)
{
	if (client_auth && (flags & CERTDB_TRUSTED_CLIENT_CA) != 0)
		return CKT_NSS_TRUSTED_DELEGATOR;
	if (!client_auth && (flags & (CERTDB_TRUSTED_CA | CERTDB_NS_TRUSTED_CA)) != 0)
		return CKT_NSS_TRUSTED_DELEGATOR;
	if ((flags & CERTDB_TRUSTED) != 0)
		return CKT_NSS_TRUSTED;
	if ((flags & CERTDB_TERMINAL_RECORD) != 0)
		return CKT_NSS_NOT_TRUSTED;
	if ((flags & CERTDB_VALID_CA) != 0)
		return CKT_NSS_VALID_DELEGATOR;
	return CKT_NSS_MUST_VERIFY_TRUST;
}

/* one field of the trust string, as certutil prints it (lib/certdb/certdb.c
 * EncodeFlags; libnss3 does not export CERT_EncodeTrustString) */
static void
ct_nssdb_db_encode_flags(GString *str, unsigned int flags)
{
	if ((flags & CERTDB_VALID_CA) != 0 &&
	    (flags & (CERTDB_TRUSTED_CA | CERTDB_TRUSTED_CLIENT_CA)) == 0)
		g_string_append_c(str, 'c');
	if ((flags & CERTDB_TERMINAL_RECORD) != 0 && (flags & CERTDB_TRUSTED) == 0)
		g_string_append_c(str, 'p');
	if ((flags & CERTDB_TRUSTED_CA) != 0)
		g_string_append_c(str, 'C');
	if ((flags & CERTDB_TRUSTED_CLIENT_CA) != 0)
		g_string_append_c(str, 'T');
	if ((flags & CERTDB_TRUSTED) != 0)
		g_string_append_c(str, 'P');
}

/* the trust string certutil -L prints for this trust object (",," for none) */
static gchar *
ct_nssdb_db_encode_trust(const CtNssDbTrustObject *object)
{
	g_autoptr(GString) str = g_string_new(NULL);
	unsigned int ssl = 0;
	unsigned int client = 0;

	if (object != NULL) {
		ssl = ct_nssdb_db_flags_from_ck_trust(object->server_auth);
		client = ct_nssdb_db_flags_from_ck_trust(object->client_auth);
		if ((client & (CERTDB_TRUSTED_CA | CERTDB_NS_TRUSTED_CA)) != 0) {
			client &= ~(CERTDB_TRUSTED_CA | CERTDB_NS_TRUSTED_CA);
			client |= CERTDB_TRUSTED_CLIENT_CA;
		}
		ssl |= client;
	}
	ct_nssdb_db_encode_flags(str, ssl);
	g_string_append_c(str, ',');
	if (object != NULL)
		ct_nssdb_db_encode_flags(str,
					 ct_nssdb_db_flags_from_ck_trust(object->email_protection));
	g_string_append_c(str, ',');
	if (object != NULL)
		ct_nssdb_db_encode_flags(str,
					 ct_nssdb_db_flags_from_ck_trust(object->code_signing));
	return g_string_free(g_steal_pointer(&str), FALSE);
}

/* only what makes sense for a server certificate: C, P and T in the SSL field, nothing
 * for S/MIME and code signing; lower-case p is distrust and never written here; C, P
 * and T together do not fit NSS's two trust slots for TLS (it would read back as CT) */
static gboolean
ct_nssdb_db_parse_trust(const gchar *trust,
			const gchar *nickname,
			CERTCertTrust *result,
			GError **error)
{
	const gchar *comma = strchr(trust, ',');
	gboolean seen[3] = {FALSE, FALSE, FALSE};
	const gchar *flags = "CPT";

	if (strchr(trust, 'p') != NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "refusing trust flags with lower-case p for %s: in NSS it means "
			    "distrust",
			    nickname);
		return FALSE;
	}
	if (comma == NULL || g_strcmp0(comma, ",,") != 0 || comma == trust) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "invalid trust flags for %s: expected C, P or T before \",,\", "
			    "like \"CP,,\"",
			    nickname);
		return FALSE;
	}
	for (const gchar *p = trust; p < comma; p++) {
		const gchar *flag = strchr(flags, *p);
		if (*p == '\0' || flag == NULL || seen[flag - flags]) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "invalid trust flags for %s: only C, P and T, each once, "
				    "before \",,\"",
				    nickname);
			return FALSE;
		}
		seen[flag - flags] = TRUE;
	}
	if (seen[0] && seen[1] && seen[2]) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "invalid trust flags for %s: NSS cannot store C, P and T together",
			    nickname);
		return FALSE;
	}
	if (CERT_DecodeTrustString(result, trust) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "invalid trust flags for %s: %s", nickname, why);
		return FALSE;
	}
	return TRUE;
}

/* a nickname is a PKCS#11 label that certutil prints and takes back with -n */
static gboolean
ct_nssdb_db_check_nickname(const gchar *nickname, GError **error)
{
	if (nickname[0] == '\0') {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "empty nickname");
		return FALSE;
	}
	if (!g_utf8_validate(nickname, -1, NULL)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "nickname is not valid UTF-8");
		return FALSE;
	}
	for (const gchar *p = nickname; *p != '\0'; p = g_utf8_next_char(p)) {
		if (g_unichar_iscntrl(g_utf8_get_char(p))) {
			g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
					    "nickname contains control characters");
			return FALSE;
		}
	}
	return TRUE;
}

/* PR_GetError() after a failed write, as a CtError code */
static gint
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

/* every trust object in the slot */
static GPtrArray *
ct_nssdb_db_read_trust_objects(CtNssDb *db)
{
	g_autoptr(GPtrArray)
	    trusts = g_ptr_array_new_with_free_func((GDestroyNotify)ct_nssdb_db_trust_object_free);
	g_autoptr(PK11GenericObject) objects = PK11_FindGenericObjects(db->slot, CKO_NSS_TRUST);

	for (PK11GenericObject *object = objects; object != NULL;
	     object = PK11_GetNextGenericObject(object)) {
		g_autoptr(CtNssDbTrustObject) trust = g_new0(CtNssDbTrustObject, 1);

		trust->handle = PK11_GetObjectHandle(PK11_TypeGeneric, object, NULL);
		trust->issuer = ct_nssdb_db_read_attribute(object, CKA_ISSUER);
		trust->serial = ct_nssdb_db_read_attribute(object, CKA_SERIAL_NUMBER);
		if (trust->issuer == NULL || trust->serial == NULL)
			continue;
		trust->sha1 = ct_nssdb_db_read_attribute(object, CKA_CERT_SHA1_HASH);
		trust->server_auth = ct_nssdb_db_read_trust_attribute(object,
								      CKA_TRUST_SERVER_AUTH);
		trust->client_auth = ct_nssdb_db_read_trust_attribute(object,
								      CKA_TRUST_CLIENT_AUTH);
		trust->email_protection =
		    ct_nssdb_db_read_trust_attribute(object, CKA_TRUST_EMAIL_PROTECTION);
		trust->code_signing = ct_nssdb_db_read_trust_attribute(object,
								       CKA_TRUST_CODE_SIGNING);
		g_ptr_array_add(trusts, g_steal_pointer(&trust));
	}
	return g_steal_pointer(&trusts);
}

/* the trust object NSS would use for this certificate: same issuer and serial, and the
 * same SHA-1 when the object records one */
static CtNssDbTrustObject *
ct_nssdb_db_find_trust_object(GPtrArray *trusts, GBytes *der)
{
	g_autoptr(GBytes) issuer = NULL;
	g_autoptr(GBytes) serial = NULL;
	g_autoptr(GBytes) sha1 = NULL;

	if (!ct_nssdb_db_get_issuer_serial(der, &issuer, &serial))
		return NULL;
	sha1 = ct_nssdb_db_digest_bytes(G_CHECKSUM_SHA1, der);
	for (guint i = 0; i < trusts->len; i++) {
		CtNssDbTrustObject *trust = g_ptr_array_index(trusts, i);
		if (!g_bytes_equal(trust->issuer, issuer) || !g_bytes_equal(trust->serial, serial))
			continue;
		if (trust->sha1 != NULL && g_bytes_get_size(trust->sha1) > 0 &&
		    !g_bytes_equal(trust->sha1, sha1))
			continue;
		return trust;
	}
	return NULL;
}

/* every certificate object in the slot with its trust (borrowed from trusts) */
static GPtrArray *
ct_nssdb_db_read_cert_objects(CtNssDb *db, GPtrArray *trusts)
{
	g_autoptr(GPtrArray)
	    certs = g_ptr_array_new_with_free_func((GDestroyNotify)ct_nssdb_db_cert_object_free);
	g_autoptr(PK11GenericObject) objects = PK11_FindGenericObjects(db->slot, CKO_CERTIFICATE);

	for (PK11GenericObject *object = objects; object != NULL;
	     object = PK11_GetNextGenericObject(object)) {
		g_autoptr(CtNssDbCertObject) cert = g_new0(CtNssDbCertObject, 1);
		g_autoptr(GBytes) label = NULL;
		g_autoptr(GBytes) der = ct_nssdb_db_read_attribute(object, CKA_VALUE);

		if (der == NULL || g_bytes_get_size(der) == 0)
			continue;
		label = ct_nssdb_db_read_attribute(object, CKA_LABEL);
		cert->handle = PK11_GetObjectHandle(PK11_TypeGeneric, object, NULL);
		cert->trust = ct_nssdb_db_find_trust_object(trusts, der);
		cert->entry = g_new0(CtNssDbEntry, 1);
		cert->entry->nickname = label != NULL ? g_strndup(g_bytes_get_data(label, NULL),
								  g_bytes_get_size(label))
						      : g_strdup("");
		cert->entry->sha256 = ct_nssdb_digest(G_CHECKSUM_SHA256, der);
		cert->entry->trust = ct_nssdb_db_encode_trust(cert->trust);
		cert->entry->der = g_steal_pointer(&der);
		g_ptr_array_add(certs, g_steal_pointer(&cert));
	}
	return g_steal_pointer(&certs);
}

static CtNssDbCertObject *
ct_nssdb_db_find_cert_object(GPtrArray *certs, const gchar *sha256)
{
	for (guint i = 0; i < certs->len; i++) {
		CtNssDbCertObject *cert = g_ptr_array_index(certs, i);
		if (g_strcmp0(cert->entry->sha256, sha256) == 0)
			return cert;
	}
	return NULL;
}

static CtNssDbEntry *
ct_nssdb_db_entry_copy(const CtNssDbEntry *entry)
{
	CtNssDbEntry *copy = g_new0(CtNssDbEntry, 1);

	copy->nickname = g_strdup(entry->nickname);
	copy->sha256 = g_strdup(entry->sha256);
	copy->trust = g_strdup(entry->trust);
	copy->der = g_bytes_ref(entry->der);
	return copy;
}

GPtrArray *
ct_nssdb_list(CtNssDb *db, GError **error)
{
	g_autoptr(GPtrArray) trusts = NULL;
	g_autoptr(GPtrArray) certs = NULL;
	g_autoptr(GPtrArray)
	    entries = g_ptr_array_new_with_free_func((GDestroyNotify)ct_nssdb_entry_free);

	g_return_val_if_fail(db != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	trusts = ct_nssdb_db_read_trust_objects(db);
	certs = ct_nssdb_db_read_cert_objects(db, trusts);
	for (guint i = 0; i < certs->len; i++) {
		CtNssDbCertObject *cert = g_ptr_array_index(certs, i);
		g_ptr_array_add(entries, g_steal_pointer(&cert->entry));
	}
	return g_steal_pointer(&entries);
}

CtNssDbEntry *
ct_nssdb_find(CtNssDb *db, const gchar *sha256, GError **error)
{
	g_autoptr(GPtrArray) trusts = NULL;
	g_autoptr(GPtrArray) certs = NULL;
	g_autofree gchar *wanted = NULL;
	CtNssDbCertObject *cert;

	g_return_val_if_fail(db != NULL, NULL);
	g_return_val_if_fail(sha256 != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	wanted = ct_nssdb_normalize_sha256(sha256);
	if (wanted == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "invalid SHA-256 fingerprint: expected 32 bytes in hex");
		return NULL;
	}
	trusts = ct_nssdb_db_read_trust_objects(db);
	certs = ct_nssdb_db_read_cert_objects(db, trusts);
	cert = ct_nssdb_db_find_cert_object(certs, wanted);
	if (cert == NULL)
		return NULL;
	return ct_nssdb_db_entry_copy(cert->entry);
}

/* write the trust object for der into this slot alone: a token object with the
 * attributes nssToken_ImportTrust() gives it; the softoken replaces an existing trust
 * object of the same issuer and serial in place */
static gboolean
ct_nssdb_db_write_trust(CtNssDb *db,
			GBytes *der,
			const gchar *nickname,
			const CERTCertTrust *trust,
			GError **error)
{
	g_autoptr(GBytes) issuer = NULL;
	g_autoptr(GBytes) serial = NULL;
	g_autoptr(GBytes) sha1 = ct_nssdb_db_digest_bytes(G_CHECKSUM_SHA1, der);
	g_autoptr(GBytes) md5 = ct_nssdb_db_digest_bytes(G_CHECKSUM_MD5, der);
	g_autoptr(PK11GenericObject) object = NULL;
	CK_OBJECT_CLASS klass = CKO_NSS_TRUST;
	CK_BBOOL yes = CK_TRUE;
	CK_BBOOL no = CK_FALSE;
	CK_TRUST server_auth = ct_nssdb_db_ck_trust_from_flags(trust->sslFlags, FALSE);
	CK_TRUST client_auth = ct_nssdb_db_ck_trust_from_flags(trust->sslFlags, TRUE);
	CK_TRUST email_protection = ct_nssdb_db_ck_trust_from_flags(trust->emailFlags, FALSE);
	CK_TRUST code_signing = ct_nssdb_db_ck_trust_from_flags(trust->objectSigningFlags, FALSE);
	gsize sha1_len = 0;
	gsize md5_len = 0;
	gsize issuer_len = 0;
	gsize serial_len = 0;

	if (!ct_nssdb_db_get_issuer_serial(der, &issuer, &serial)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "cannot read the issuer and serial number of %s", nickname);
		return FALSE;
	}
	{
		CK_ATTRIBUTE attrs[] = {
		    {CKA_CLASS, &klass, sizeof(klass)},
		    {CKA_TOKEN, &yes, sizeof(yes)},
		    {CKA_ISSUER, (gpointer)g_bytes_get_data(issuer, &issuer_len), 0},
		    {CKA_SERIAL_NUMBER, (gpointer)g_bytes_get_data(serial, &serial_len), 0},
		    {CKA_CERT_SHA1_HASH, (gpointer)g_bytes_get_data(sha1, &sha1_len), 0},
		    {CKA_CERT_MD5_HASH, (gpointer)g_bytes_get_data(md5, &md5_len), 0},
		    {CKA_TRUST_SERVER_AUTH, &server_auth, sizeof(server_auth)},
		    {CKA_TRUST_CLIENT_AUTH, &client_auth, sizeof(client_auth)},
		    {CKA_TRUST_EMAIL_PROTECTION, &email_protection, sizeof(email_protection)},
		    {CKA_TRUST_CODE_SIGNING, &code_signing, sizeof(code_signing)},
		    {CKA_TRUST_STEP_UP_APPROVED, &no, sizeof(no)},
		};
		attrs[2].ulValueLen = issuer_len;
		attrs[3].ulValueLen = serial_len;
		attrs[4].ulValueLen = sha1_len;
		attrs[5].ulValueLen = md5_len;
		object = PK11_CreateManagedGenericObject(db->slot, attrs, G_N_ELEMENTS(attrs),
							 PR_TRUE);
	}
	if (object == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
			    "cannot set the trust of %s in the NSS database in %s: %s", nickname,
			    db->dir, why);
		return FALSE;
	}
	return TRUE;
}

/* can we write trust here? trust attributes are authenticated with a key derived from
 * the key database's password: a database without one gets the empty password, as
 * certutil -A does; one with a real password needs a login we cannot do */
static gboolean
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

gboolean
ct_nssdb_add(CtNssDb *db, GBytes *der, const gchar *nickname, const gchar *trust, GError **error)
{
	g_autoptr(GPtrArray) trusts = NULL;
	g_autoptr(GPtrArray) certs = NULL;
	g_autoptr(CERTCertificate) cert = NULL;
	g_autofree gchar *sha256 = NULL;
	CERTCertTrust cert_trust = {0};
	CtNssDbCertObject *existing;
	gsize len = 0;
	const guint8 *data;

	g_return_val_if_fail(db != NULL, FALSE);
	g_return_val_if_fail(der != NULL, FALSE);
	g_return_val_if_fail(nickname != NULL, FALSE);
	g_return_val_if_fail(trust != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (!ct_nssdb_db_check_nickname(nickname, error))
		return FALSE;
	if (!ct_nssdb_db_parse_trust(trust, nickname, &cert_trust, error))
		return FALSE;
	data = g_bytes_get_data(der, &len);
	if (len > G_MAXINT) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "the certificate for %s is too large", nickname);
		return FALSE;
	}
	if (!ct_nssdb_ber_check_single(data, len, TRUE, error)) {
		g_prefix_error(error, "the certificate for %s is not valid DER: ", nickname);
		return FALSE;
	}

	if (!ct_nssdb_db_ensure_writable(db, error))
		return FALSE;

	/* the same certificate again: its trust is set, its nickname stays */
	sha256 = ct_nssdb_digest(G_CHECKSUM_SHA256, der);
	trusts = ct_nssdb_db_read_trust_objects(db);
	certs = ct_nssdb_db_read_cert_objects(db, trusts);
	existing = ct_nssdb_db_find_cert_object(certs, sha256);
	if (existing != NULL) {
		g_debug("%s is in %s already as %s", sha256, db->dir, existing->entry->nickname);
		return ct_nssdb_db_write_trust(db, der, existing->entry->nickname, &cert_trust,
					       error);
	}

	{
		SECItem item = {siDERCertBuffer, (unsigned char *)data, (unsigned int)len};
		cert = CERT_NewTempCertificate(CERT_GetDefaultCertDB(), &item, NULL, PR_FALSE,
					       PR_TRUE);
	}
	if (cert == NULL) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "the certificate for %s is not valid DER: %s", nickname, why);
		return FALSE;
	}
	/* NSS hands back the certificate it knows by issuer and serial: another one with
	 * the same issuer and serial number must not be stored in place of ours */
	if (cert->derCert.len != len || memcmp(cert->derCert.data, data, len) != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "cannot add %s to the NSS database in %s: a different certificate "
			    "with the same issuer and serial number is already known",
			    nickname, db->dir);
		return FALSE;
	}
	if (PK11_ImportCert(db->slot, cert, CK_INVALID_HANDLE, nickname, PR_FALSE) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
			    "cannot add %s to the NSS database in %s: %s", nickname, db->dir, why);
		return FALSE;
	}
	/* no certificate without the trust asked for: take back what was just added */
	if (!ct_nssdb_db_write_trust(db, der, nickname, &cert_trust, error)) {
		CK_OBJECT_HANDLE handle = PK11_FindCertInSlot(db->slot, cert, NULL);
		if (handle != CK_INVALID_HANDLE)
			PK11_DestroyTokenObject(db->slot, handle);
		return FALSE;
	}
	return TRUE;
}

gboolean
ct_nssdb_set_trust(CtNssDb *db, const gchar *sha256, const gchar *trust, GError **error)
{
	g_autoptr(GPtrArray) trusts = NULL;
	g_autoptr(GPtrArray) certs = NULL;
	g_autofree gchar *wanted = NULL;
	g_autofree gchar *copy = NULL;
	CERTCertTrust cert_trust = {0};
	CtNssDbCertObject *cert;
	guint commas = 0;

	g_return_val_if_fail(db != NULL, FALSE);
	g_return_val_if_fail(sha256 != NULL, FALSE);
	g_return_val_if_fail(trust != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	wanted = ct_nssdb_normalize_sha256(sha256);
	if (wanted == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "invalid SHA-256 fingerprint: expected 32 bytes in hex");
		return FALSE;
	}
	for (const gchar *p = trust; *p != '\0'; p++)
		commas += *p == ',';
	copy = g_strdup(trust);
	if (commas != 2 || CERT_DecodeTrustString(&cert_trust, copy) != SECSuccess) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "invalid trust flags \"%s\": expected three fields like \"CT,C,C\"",
			    trust);
		return FALSE;
	}
	trusts = ct_nssdb_db_read_trust_objects(db);
	certs = ct_nssdb_db_read_cert_objects(db, trusts);
	cert = ct_nssdb_db_find_cert_object(certs, wanted);
	if (cert == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND,
			    "%s is not in the NSS database in %s", wanted, db->dir);
		return FALSE;
	}
	if (!ct_nssdb_db_ensure_writable(db, error))
		return FALSE;
	return ct_nssdb_db_write_trust(db, cert->entry->der, cert->entry->nickname, &cert_trust,
				       error);
}

gboolean
ct_nssdb_remove(CtNssDb *db, const gchar *sha256, gboolean *removed, GError **error)
{
	g_autoptr(GPtrArray) trusts = NULL;
	g_autoptr(GPtrArray) certs = NULL;
	g_autofree gchar *wanted = NULL;
	CtNssDbCertObject *cert;

	g_return_val_if_fail(db != NULL, FALSE);
	g_return_val_if_fail(sha256 != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (removed != NULL)
		*removed = FALSE;
	wanted = ct_nssdb_normalize_sha256(sha256);
	if (wanted == NULL) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "invalid SHA-256 fingerprint: expected 32 bytes in hex");
		return FALSE;
	}
	trusts = ct_nssdb_db_read_trust_objects(db);
	certs = ct_nssdb_db_read_cert_objects(db, trusts);
	cert = ct_nssdb_db_find_cert_object(certs, wanted);
	if (cert == NULL)
		return TRUE;
	if (db->read_only) {
		g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
			    "cannot remove %s: the NSS database in %s is read-only: %s",
			    cert->entry->nickname, db->dir, db->read_only_why);
		return FALSE;
	}

	/* the trust first: a failure half way leaves less trust, never more */
	if (cert->trust != NULL &&
	    PK11_DestroyTokenObject(db->slot, cert->trust->handle) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
			    "cannot remove the trust of %s from the NSS database in %s: %s",
			    cert->entry->nickname, db->dir, why);
		return FALSE;
	}
	if (PK11_DestroyTokenObject(db->slot, cert->handle) != SECSuccess) {
		g_autofree gchar *why = ct_nssdb_describe_error();
		g_set_error(error, CT_ERROR, ct_nssdb_db_error_code(),
			    "cannot remove %s from the NSS database in %s: %s",
			    cert->entry->nickname, db->dir, why);
		return FALSE;
	}
	if (removed != NULL)
		*removed = TRUE;
	return TRUE;
}
