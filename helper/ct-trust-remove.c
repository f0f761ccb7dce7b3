/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTrust"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "ct-firefox.h"
#include "ct-source.h"
#include "ct-system-store-pkexec.h"
#include "ct-system-store.h"
#include "ct-trust-private.h"
#include "ct-trust.h"

/* untrust: exactly what the ledger recorded taken out of its store, the user's own state
 * put back; and whether a recorded write is still in its store */

void
ct_untrust_result_free(CtUntrustResult *result)
{
	ct_ledger_entry_free(result->entry);
	g_free(result->message);
	g_free(result);
}

/* the OS store tree an anchor entry was written in: the recorded one, or for a ledger from
 * before trees were recorded, sysroot when the anchor file is inside it */
gchar *
ct_trust_entry_get_sysroot(const CtLedgerEntry *entry, const gchar *sysroot, GError **error)
{
	g_autofree gchar *root = NULL;
	g_autofree gchar *prefix = NULL;

	if (entry->sysroot != NULL)
		return g_strdup(entry->sysroot);
	root = g_canonicalize_filename(sysroot != NULL ? sysroot : "/", NULL);
	prefix = g_str_has_suffix(root, "/") ? g_strdup(root) : g_strconcat(root, "/", NULL);
	if (g_str_has_prefix(entry->location, prefix))
		return g_steal_pointer(&root);
	g_set_error(error, CT_ERROR, CT_ERROR_REFUSED,
		    "%s is not in the OS store under %s: run untrust with the --sysroot it was "
		    "trusted with",
		    entry->location, root);
	return NULL;
}

/* is every flag of have also in the same field of set? */
static gboolean
ct_trust_flags_within(const gchar *have, const gchar *set)
{
	for (guint field = 0; field < 3; field++) {
		g_autofree gchar *have_field = ct_trust_flags_field(have, field);
		g_autofree gchar *set_field = ct_trust_flags_field(set, field);
		for (const gchar *p = have_field; *p != '\0'; p++) {
			if (strchr(set_field, *p) == NULL)
				return FALSE;
		}
	}
	return TRUE;
}

/* an NSS entry: removed when certtrust added the certificate, its trust put back when it
 * was the user's; changed by hand since (other trust than certtrust set): left */
static gboolean
ct_trust_remove_nss(CtLedgerEntry *entry, CtTrustRemoval *removal, GError **error)
{
	g_autoptr(CtNssDb) db = ct_nssdb_open(entry->location, FALSE, error);
	g_autoptr(CtNssDbEntry) found = NULL;
	g_autoptr(GError) error_local = NULL;
	gboolean changed = FALSE;

	if (db == NULL)
		return FALSE;
	found = ct_nssdb_find(db, entry->sha256, &error_local);
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	if (found == NULL) {
		removal->result = CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	/* a write cut short before it changed the trust: nothing of certtrust's is there */
	if (entry->previous_trust != NULL && g_strcmp0(found->trust, entry->previous_trust) == 0) {
		removal->result = CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	/* less than certtrust set (a write cut short, a flag taken away) is still ours to
	 * remove; a flag certtrust did not set is the user's decision */
	if (entry->trust != NULL && !ct_trust_flags_within(found->trust, entry->trust)) {
		removal->result = CT_REMOVAL_RESULT_LEFT;
		removal->message = g_strdup_printf(
		    "%s was changed by hand since certtrust set %s (its trust is now %s): left as "
		    "it is, and certtrust forgets it",
		    found->nickname, entry->trust, found->trust);
		return TRUE;
	}
	if (entry->previous_trust != NULL) {
		if (!ct_nssdb_set_trust(db, entry->sha256, entry->previous_trust, error))
			return FALSE;
		removal->result = CT_REMOVAL_RESULT_RESTORED;
		removal->message = g_strdup_printf("%s is yours again with trust %s",
						   found->nickname, entry->previous_trust);
		return TRUE;
	}
	if (!ct_nssdb_remove(db, entry->sha256, &changed, error))
		return FALSE;
	removal->result = changed ? CT_REMOVAL_RESULT_REMOVED : CT_REMOVAL_RESULT_ABSENT;
	return TRUE;
}

/* an exception: certtrust's line goes; the user's own line it replaced comes back */
static gboolean
ct_trust_remove_override(CtLedgerEntry *entry, CtTrustRemoval *removal, GError **error)
{
	guint16 port = CT_SOURCE_DEFAULT_PORT;
	g_autofree gchar *host = ct_trust_split_name(entry->host, &port);
	CtFirefoxOverride override = {host, port, entry->sha256};
	gboolean changed = FALSE;

	if (entry->previous_sha256 == NULL) {
		if (!ct_firefox_override_remove(entry->location, &override, &changed, error))
			return FALSE;
		removal->result = changed ? CT_REMOVAL_RESULT_REMOVED : CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	/* the user's line takes the place of certtrust's, in one write */
	if (!ct_firefox_override_restore(entry->location, &override, entry->previous_sha256,
					 &changed, error))
		return FALSE;
	if (!changed) {
		removal->result = CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	removal->result = CT_REMOVAL_RESULT_RESTORED;
	removal->message = g_strdup_printf("your own exception for %s is back (%s)", entry->host,
					   entry->previous_sha256);
	return TRUE;
}

/* take what the entry records out of its store: removal->result says how (removed,
 * restored, absent, left) */
gboolean
ct_trust_remove_entry(CtLedgerEntry *entry,
		      const gchar *sysroot,
		      CtTrustRemoval *removal,
		      GError **error)
{
	gboolean changed = FALSE;

	removal->result = CT_REMOVAL_RESULT_PLANNED;
	removal->message = NULL;
	if (g_strcmp0(entry->kind, "override") == 0)
		return ct_trust_remove_override(entry, removal, error);
	if (g_strcmp0(entry->kind, "nss") == 0)
		return ct_trust_remove_nss(entry, removal, error);
	if (g_strcmp0(entry->kind, "anchor") == 0) {
		g_autofree gchar *tree = ct_trust_entry_get_sysroot(entry, sysroot, error);
		if (tree == NULL)
			return FALSE;
		if (g_strcmp0(tree, "/") == 0 && geteuid() != 0) {
			/* the privileged helper through pkexec, or root's shell */
			g_autoptr(GError) error_local = NULL;
			if (!ct_system_store_pkexec_remove(entry->location, entry->sha256, &changed,
							   &error_local)) {
				if (!g_error_matches(error_local, CT_ERROR,
						     CT_ERROR_PERMISSION_DENIED)) {
					g_propagate_error(error, g_steal_pointer(&error_local));
					return FALSE;
				}
				g_set_error(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED,
					    "removing %s needs root (%s)", entry->location,
					    error_local->message);
				return FALSE;
			}
		} else if (!ct_system_store_remove(tree, ct_system_store_detect(tree),
						   entry->location, &changed, error))
			return FALSE;
		removal->result = changed ? CT_REMOVAL_RESULT_REMOVED : CT_REMOVAL_RESULT_ABSENT;
		return TRUE;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "unknown ledger entry kind %s",
		    entry->kind);
	return FALSE;
}

/* the ledger's entry is no longer written for name */
static void
ct_trust_entry_drop_name(CtLedgerEntry *entry, const gchar *name)
{
	g_autoptr(GStrvBuilder) names = g_strv_builder_new();

	for (guint i = 0; entry->names != NULL && entry->names[i] != NULL; i++) {
		if (g_strcmp0(entry->names[i], name) != 0)
			g_strv_builder_add(names, entry->names[i]);
	}
	g_strfreev(entry->names);
	entry->names = g_strv_builder_end(names);
}

/* remove the entries (in the stores given) from their stores and the ledger; for_name:
 * an entry also written for names other than this one stays */
static GPtrArray *
ct_trust_remove_entries(CtLedger *ledger,
			GPtrArray *entries,
			const gchar *for_name,
			GPtrArray *stores,
			const gchar *sysroot)
{
	GPtrArray *results = g_ptr_array_new_with_free_func((GDestroyNotify)ct_untrust_result_free);

	for (guint i = 0; i < entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(entries, i);
		CtUntrustResult *result = NULL;
		g_autoptr(GError) error = NULL;
		g_autoptr(GString) others = g_string_new(NULL);
		CtTrustRemoval removal = {0};

		if (!ct_store_selects(stores, entry))
			continue;
		result = g_new0(CtUntrustResult, 1);
		result->entry = ct_ledger_entry_copy(entry);
		g_ptr_array_add(results, result);
		for (guint n = 0;
		     for_name != NULL && entry->names != NULL && entry->names[n] != NULL; n++) {
			if (g_strcmp0(entry->names[n], for_name) != 0)
				g_string_append_printf(others, "%s%s", others->len > 0 ? ", " : "",
						       entry->names[n]);
		}
		if (others->len > 0) {
			/* this name's record goes: the last name's untrust removes the entry */
			ct_trust_entry_drop_name(entry, for_name);
			result->result = CT_REMOVAL_RESULT_KEPT;
			result->message = g_strdup_printf("also trusted for %s: untrust %s removes "
							  "it",
							  others->str, entry->sha256);
			continue;
		}
		if (!ct_trust_remove_entry(entry, sysroot, &removal, &error)) {
			/* still there: the ledger keeps it for the next try */
			result->result = error->code == CT_ERROR_REFUSED ? CT_REMOVAL_RESULT_REFUSED
									 : CT_REMOVAL_RESULT_FAILED;
			result->message = g_strdup(error->message);
			continue;
		}
		result->result = removal.result;
		result->message = removal.message;
		ct_ledger_remove(ledger, entry);
	}
	return results;
}

GPtrArray *
ct_trust_remove(CtLedger *ledger, const gchar *sha256, GPtrArray *stores, const gchar *sysroot)
{
	g_autoptr(GPtrArray) entries = ct_ledger_find(ledger, sha256);
	return ct_trust_remove_entries(ledger, entries, NULL, stores, sysroot);
}

GPtrArray *
ct_trust_remove_for(CtLedger *ledger, const gchar *name, GPtrArray *stores, const gchar *sysroot)
{
	g_autoptr(GPtrArray) entries = g_ptr_array_new();
	GPtrArray *all = ct_ledger_get_entries(ledger);
	g_autofree gchar *canonical = ct_source_canonical_host_port(name);

	if (canonical == NULL)
		canonical = g_strdup(name);
	for (guint i = 0; i < all->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(all, i);
		if (ct_ledger_entry_has_name(entry, canonical))
			g_ptr_array_add(entries, entry);
	}
	return ct_trust_remove_entries(ledger, entries, canonical, stores, sysroot);
}

gboolean
ct_trust_entry_is_present(const CtLedgerEntry *entry, gboolean *present, GError **error)
{
	*present = FALSE;
	if (g_strcmp0(entry->kind, "override") == 0) {
		g_autoptr(GHashTable) overrides = ct_firefox_override_list(entry->location, error);
		if (overrides == NULL)
			return FALSE;
		*present = g_strcmp0(g_hash_table_lookup(overrides, entry->host), entry->sha256) ==
			   0;
		return TRUE;
	}
	if (g_strcmp0(entry->kind, "nss") == 0) {
		g_autoptr(CtNssDb) db = NULL;
		g_autoptr(CtNssDbEntry) found = NULL;
		g_autoptr(GError) error_local = NULL;

		/* a read: never creates or rewrites the database */
		db = ct_nssdb_open_read_only(entry->location, &error_local);
		if (db == NULL && g_error_matches(error_local, CT_ERROR, CT_ERROR_NOT_FOUND))
			return TRUE;
		if (db == NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		found = ct_nssdb_find(db, entry->sha256, &error_local);
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (found == NULL)
			return TRUE;
		*present = g_strcmp0(found->trust, entry->trust) == 0;
		return TRUE;
	}
	if (g_strcmp0(entry->kind, "anchor") == 0) {
		g_autoptr(CtChain) chain = NULL;
		g_autoptr(GError) error_local = NULL;

		if (!g_file_test(entry->location, G_FILE_TEST_EXISTS))
			return TRUE;
		chain = ct_chain_load_file(entry->location, NULL, &error_local);
		*present = chain != NULL &&
			   g_strcmp0(ct_chain_get_leaf(chain)->sha256, entry->sha256) == 0;
		return TRUE;
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "unknown ledger entry kind %s",
		    entry->kind);
	return FALSE;
}
