/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtLedger"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ct-json.h"
#include "ct-ledger.h"
#include "ct-save.h"
#include "ct-source.h"
#include "ct-state.h"

struct _CtLedger {
	gchar *path;
	GPtrArray *entries;
	gint lock_fd;
	gboolean owned;	 /* root writes it for another user: */
	uid_t owner_uid; /* chown what is made to them */
	gid_t owner_gid;
};

void
ct_ledger_entry_free(CtLedgerEntry *entry)
{
	if (entry == NULL)
		return;
	g_free(entry->store);
	g_free(entry->location);
	g_free(entry->sysroot);
	g_free(entry->kind);
	g_free(entry->sha256);
	g_free(entry->for_sha256);
	g_free(entry->nickname);
	g_free(entry->trust);
	g_free(entry->host);
	g_strfreev(entry->names);
	g_free(entry->subject);
	g_free(entry->previous_trust);
	g_free(entry->previous_sha256);
	g_free(entry);
}

CtLedgerEntry *
ct_ledger_entry_copy(const CtLedgerEntry *entry)
{
	CtLedgerEntry *copy = g_new0(CtLedgerEntry, 1);
	copy->store = g_strdup(entry->store);
	copy->location = g_strdup(entry->location);
	copy->sysroot = g_strdup(entry->sysroot);
	copy->kind = g_strdup(entry->kind);
	copy->sha256 = g_strdup(entry->sha256);
	copy->for_sha256 = g_strdup(entry->for_sha256);
	copy->nickname = g_strdup(entry->nickname);
	copy->trust = g_strdup(entry->trust);
	copy->host = g_strdup(entry->host);
	copy->names = g_strdupv(entry->names);
	copy->subject = g_strdup(entry->subject);
	copy->previous_trust = g_strdup(entry->previous_trust);
	copy->previous_sha256 = g_strdup(entry->previous_sha256);
	copy->not_after = entry->not_after;
	copy->time = entry->time;
	return copy;
}

/* a "host:port" in the one form the stores use: older versions recorded the name as typed
 * (VICTIM.TEST, a U-label), which then matched nothing; one that is no host:port stays */
static gchar *
ct_ledger_canonical_name(const gchar *name)
{
	gchar *canonical;

	if (name == NULL)
		return NULL;
	canonical = ct_source_canonical_host_port(name);
	return canonical != NULL ? canonical : g_strdup(name);
}

/* a string as the ledger keeps it: valid UTF-8, as ct_ledger_save writes it (json-glib can
 * hand back bytes that are not, from a broken \u escape), so what is read is what is kept */
static gchar *
ct_ledger_dup_text(const gchar *text)
{
	if (text == NULL)
		return NULL;
	return g_utf8_validate(text, -1, NULL) ? g_strdup(text) : g_utf8_make_valid(text, -1);
}

static gchar **
ct_ledger_dup_names(JsonObject *object)
{
	g_autoptr(GStrvBuilder) names = NULL;
	JsonNode *node = json_object_get_member(object, "names");
	JsonArray *array;
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);

	if (node == NULL || !JSON_NODE_HOLDS_ARRAY(node))
		return NULL;
	array = json_node_get_array(node);
	names = g_strv_builder_new();
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);
		g_autofree gchar *text = NULL;
		g_autofree gchar *name = NULL;
		if (!JSON_NODE_HOLDS_VALUE(element) ||
		    json_node_get_value_type(element) != G_TYPE_STRING)
			continue;
		text = ct_ledger_dup_text(json_node_get_string(element));
		name = ct_ledger_canonical_name(text);
		if (!g_ptr_array_find_with_equal_func(seen, name, g_str_equal, NULL)) {
			g_strv_builder_add(names, name);
			g_ptr_array_add(seen, g_steal_pointer(&name));
		}
	}
	return g_strv_builder_end(names);
}

static gboolean
ct_ledger_parse(CtLedger *ledger, const gchar *text, gsize len, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error_local = NULL;
	JsonNode *root;
	JsonArray *entries;

	if (!json_parser_load_from_data(parser, text, (gssize)len, &error_local)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "%s is not a certtrust ledger: %s (move it away to start a new one)",
			    ledger->path, error_local->message);
		return FALSE;
	}
	root = json_parser_get_root(parser);
	entries = root != NULL ? ct_json_get_array(ct_json_node_get_object(root), "entries") : NULL;
	if (entries == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "%s is not a certtrust ledger (move it away to start a new one)",
			    ledger->path);
		return FALSE;
	}
	for (guint i = 0; i < json_array_get_length(entries); i++) {
		JsonObject *object = ct_json_node_get_object(json_array_get_element(entries, i));
		CtLedgerEntry *entry = NULL;
		g_autofree gchar *host = NULL;
		if (object == NULL)
			continue;
		entry = g_new0(CtLedgerEntry, 1);
		entry->store = ct_ledger_dup_text(ct_json_get_string(object, "store"));
		entry->location = ct_ledger_dup_text(ct_json_get_string(object, "location"));
		entry->sysroot = ct_ledger_dup_text(ct_json_get_string(object, "sysroot"));
		entry->kind = ct_ledger_dup_text(ct_json_get_string(object, "kind"));
		entry->sha256 = ct_ledger_dup_text(ct_json_get_string(object, "sha256"));
		entry->for_sha256 = ct_ledger_dup_text(ct_json_get_string(object, "for_sha256"));
		entry->nickname = ct_ledger_dup_text(ct_json_get_string(object, "nickname"));
		entry->trust = ct_ledger_dup_text(ct_json_get_string(object, "trust"));
		host = ct_ledger_dup_text(ct_json_get_string(object, "host"));
		entry->host = ct_ledger_canonical_name(host);
		entry->names = ct_ledger_dup_names(object);
		entry->subject = ct_ledger_dup_text(ct_json_get_string(object, "subject"));
		entry->previous_trust = ct_ledger_dup_text(
		    ct_json_get_string(object, "previous_trust"));
		entry->previous_sha256 = ct_ledger_dup_text(
		    ct_json_get_string(object, "previous_sha256"));
		entry->not_after = json_object_get_int_member_with_default(object, "not_after", 0);
		entry->time = json_object_get_int_member_with_default(object, "time", 0);
		if (entry->store == NULL || entry->location == NULL || entry->kind == NULL ||
		    entry->sha256 == NULL) {
			ct_ledger_entry_free(entry);
			continue;
		}
		g_ptr_array_add(ledger->entries, entry);
	}
	return TRUE;
}

/* give path (never what a link points to) to the ledger's owner */
static gboolean
ct_ledger_give(CtLedger *ledger, const gchar *path, GError **error)
{
	if (!ledger->owned)
		return TRUE;
	if (fchownat(AT_FDCWD, path, ledger->owner_uid, ledger->owner_gid, AT_SYMLINK_NOFOLLOW) !=
	    0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv),
			    "cannot give %s to user %u: %s", path, (guint)ledger->owner_uid,
			    g_strerror(errsv));
		return FALSE;
	}
	return TRUE;
}

static CtLedger *
ct_ledger_open_owned(const gchar *path,
		     gboolean owned,
		     uid_t owner_uid,
		     gid_t owner_gid,
		     GError **error)
{
	g_autoptr(CtLedger) ledger = g_new0(CtLedger, 1);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autofree gchar *lock = g_strconcat(path, ".lock", NULL);
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error_local = NULL;
	gsize len = 0;

	ledger->path = g_strdup(path);
	ledger->entries = g_ptr_array_new_with_free_func((GDestroyNotify)ct_ledger_entry_free);
	ledger->lock_fd = -1;
	ledger->owned = owned;
	ledger->owner_uid = owner_uid;
	ledger->owner_gid = owner_gid;
	if (owned) {
		/* the directories made now are the owner's, nothing above them */
		g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
		g_autofree gchar *missing = g_strdup(dir);
		ct_state_set_owner(owner_uid);
		while (!g_file_test(missing, G_FILE_TEST_EXISTS) && strcmp(missing, "/") != 0) {
			gchar *parent = g_path_get_dirname(missing);
			g_ptr_array_add(made, g_steal_pointer(&missing));
			missing = parent;
		}
		if (!ct_state_ensure_dir(dir, error))
			return NULL;
		for (guint i = made->len; i > 0; i--) {
			if (!ct_ledger_give(ledger, g_ptr_array_index(made, i - 1), error))
				return NULL;
		}
	} else if (!ct_state_ensure_dir(dir, error)) {
		return NULL;
	}
	/* one certtrust at a time reads, changes and writes the ledger; never through a
	 * symlink planted in the state dir (root may run with a user's HOME) */
	ledger->lock_fd = ct_state_open_file(lock, O_RDWR | O_CREAT, 0600, error);
	if (ledger->lock_fd < 0)
		return NULL;
	if (owned && fchown(ledger->lock_fd, owner_uid, owner_gid) != 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, ct_error_code_from_errno(errsv),
			    "cannot give %s to user %u: %s", lock, (guint)owner_uid,
			    g_strerror(errsv));
		return NULL;
	}
	if (flock(ledger->lock_fd, LOCK_EX) != 0) {
		gint errsv = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_BUSY, "cannot lock %s: %s", lock,
			    g_strerror(errsv));
		return NULL;
	}
	if (!ct_state_read_file(path, &text, &len, &error_local)) {
		if (g_error_matches(error_local, CT_ERROR, CT_ERROR_NOT_FOUND))
			return g_steal_pointer(&ledger);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	if (!ct_ledger_parse(ledger, text, len, error))
		return NULL;
	return g_steal_pointer(&ledger);
}

CtLedger *
ct_ledger_open(const gchar *path, GError **error)
{
	return ct_ledger_open_owned(path, FALSE, 0, 0, error);
}

CtLedger *
ct_ledger_open_for(const gchar *path, uid_t owner_uid, gid_t owner_gid, GError **error)
{
	return ct_ledger_open_owned(path, TRUE, owner_uid, owner_gid, error);
}

void
ct_ledger_close(CtLedger *ledger)
{
	if (ledger == NULL)
		return;
	if (ledger->lock_fd >= 0)
		close(ledger->lock_fd);
	g_ptr_array_unref(ledger->entries);
	g_free(ledger->path);
	g_free(ledger);
}

GPtrArray *
ct_ledger_get_entries(CtLedger *ledger)
{
	return ledger->entries;
}

static gboolean
ct_ledger_same(const CtLedgerEntry *a, const CtLedgerEntry *b)
{
	return g_strcmp0(a->store, b->store) == 0 && g_strcmp0(a->location, b->location) == 0 &&
	       g_strcmp0(a->kind, b->kind) == 0 && g_strcmp0(a->sha256, b->sha256) == 0 &&
	       g_strcmp0(a->host, b->host) == 0;
}

gboolean
ct_ledger_entry_has_name(const CtLedgerEntry *entry, const gchar *name)
{
	return g_strcmp0(entry->host, name) == 0 ||
	       (entry->names != NULL && g_strv_contains((const gchar *const *)entry->names, name));
}

gboolean
ct_ledger_entry_covers(const CtLedgerEntry *recorded, const CtLedgerEntry *entry)
{
	if (!ct_ledger_same(recorded, entry) || g_strcmp0(recorded->sysroot, entry->sysroot) != 0 ||
	    g_strcmp0(recorded->for_sha256, entry->for_sha256) != 0 ||
	    g_strcmp0(recorded->nickname, entry->nickname) != 0 ||
	    g_strcmp0(recorded->trust, entry->trust) != 0)
		return FALSE;
	/* the previous state: the recorded one is kept when the new entry names none */
	if (entry->previous_trust != NULL &&
	    g_strcmp0(recorded->previous_trust, entry->previous_trust) != 0)
		return FALSE;
	if (entry->previous_sha256 != NULL &&
	    g_strcmp0(recorded->previous_sha256, entry->previous_sha256) != 0)
		return FALSE;
	for (guint i = 0; entry->names != NULL && entry->names[i] != NULL; i++) {
		if (!ct_ledger_entry_has_name(recorded, entry->names[i]))
			return FALSE;
	}
	return TRUE;
}

/* the names of both, the new entry's first */
static void
ct_ledger_merge_names(CtLedgerEntry *entry, const CtLedgerEntry *old)
{
	g_autoptr(GStrvBuilder) names = g_strv_builder_new();

	if (old->names == NULL)
		return;
	for (guint i = 0; entry->names != NULL && entry->names[i] != NULL; i++)
		g_strv_builder_add(names, entry->names[i]);
	for (guint i = 0; old->names[i] != NULL; i++) {
		if (entry->names == NULL ||
		    !g_strv_contains((const gchar *const *)entry->names, old->names[i]))
			g_strv_builder_add(names, old->names[i]);
	}
	g_strfreev(entry->names);
	entry->names = g_strv_builder_end(names);
}

void
ct_ledger_add(CtLedger *ledger, CtLedgerEntry *entry)
{
	for (guint i = 0; i < ledger->entries->len; i++) {
		CtLedgerEntry *old = g_ptr_array_index(ledger->entries, i);
		if (old != entry && ct_ledger_same(old, entry)) {
			ct_ledger_merge_names(entry, old);
			/* what was there before certtrust's first write stays what untrust restores
			 */
			if (entry->previous_trust == NULL)
				entry->previous_trust = g_strdup(old->previous_trust);
			if (entry->previous_sha256 == NULL)
				entry->previous_sha256 = g_strdup(old->previous_sha256);
			g_ptr_array_remove_index(ledger->entries, i);
			break;
		}
	}
	g_ptr_array_add(ledger->entries, entry);
}

CtLedgerEntry *
ct_ledger_lookup(CtLedger *ledger, const CtLedgerEntry *entry)
{
	for (guint i = 0; i < ledger->entries->len; i++) {
		CtLedgerEntry *recorded = g_ptr_array_index(ledger->entries, i);
		if (ct_ledger_same(recorded, entry))
			return recorded;
	}
	return NULL;
}

GPtrArray *
ct_ledger_find(CtLedger *ledger, const gchar *sha256)
{
	GPtrArray *found = g_ptr_array_new();
	for (guint i = 0; i < ledger->entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(ledger->entries, i);
		if (g_ascii_strcasecmp(entry->sha256, sha256) == 0 ||
		    (entry->for_sha256 != NULL &&
		     g_ascii_strcasecmp(entry->for_sha256, sha256) == 0))
			g_ptr_array_add(found, entry);
	}
	return found;
}

gchar *
ct_ledger_parse_sha256_prefix(const gchar *text)
{
	g_autoptr(GString) hex = g_string_new(NULL);
	gboolean colons = strchr(text, ':') != NULL;
	guint group = 0;

	for (const gchar *p = text; *p != '\0'; p++) {
		if (*p == ':') {
			/* pairs only: "AB:CD", never "2001:db8" or "::" */
			if (group != 2)
				return NULL;
			group = 0;
			continue;
		}
		if (!g_ascii_isxdigit(*p))
			return NULL;
		group++;
		if (colons && group > 2)
			return NULL;
		g_string_append_c(hex, g_ascii_toupper(*p));
	}
	if (hex->len < 8 || hex->len > 64 || (colons && group == 0))
		return NULL;
	return g_string_free(g_steal_pointer(&hex), FALSE);
}

static gboolean
ct_ledger_sha256_has_prefix(const gchar *sha256, const gchar *prefix)
{
	gsize matched = 0;

	if (sha256 == NULL)
		return FALSE;
	for (const gchar *p = sha256; *p != '\0' && prefix[matched] != '\0'; p++) {
		if (*p == ':')
			continue;
		if (g_ascii_toupper(*p) != prefix[matched])
			return FALSE;
		matched++;
	}
	return prefix[matched] == '\0';
}

GPtrArray *
ct_ledger_find_prefix(CtLedger *ledger, const gchar *prefix)
{
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < ledger->entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(ledger->entries, i);
		const gchar *shas[] = {entry->sha256, entry->for_sha256};
		for (guint j = 0; j < G_N_ELEMENTS(shas); j++) {
			if (!ct_ledger_sha256_has_prefix(shas[j], prefix) ||
			    g_ptr_array_find_with_equal_func(found, shas[j], g_str_equal, NULL))
				continue;
			g_ptr_array_add(found, g_strdup(shas[j]));
		}
	}
	return found;
}

void
ct_ledger_remove(CtLedger *ledger, CtLedgerEntry *entry)
{
	g_ptr_array_remove(ledger->entries, entry);
}

gboolean
ct_ledger_save(CtLedger *ledger, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GBytes) bytes = NULL;
	gchar *text;

	json_builder_begin_object(builder);
	ct_json_add_int(builder, "version", 1);
	ct_json_begin_array_member(builder, "entries");
	for (guint i = 0; i < ledger->entries->len; i++) {
		CtLedgerEntry *entry = g_ptr_array_index(ledger->entries, i);
		json_builder_begin_object(builder);
		ct_json_add_optional_string(builder, "store", entry->store);
		ct_json_add_optional_string(builder, "location", entry->location);
		ct_json_add_optional_string(builder, "sysroot", entry->sysroot);
		ct_json_add_optional_string(builder, "kind", entry->kind);
		ct_json_add_optional_string(builder, "sha256", entry->sha256);
		ct_json_add_optional_string(builder, "for_sha256", entry->for_sha256);
		ct_json_add_optional_string(builder, "nickname", entry->nickname);
		ct_json_add_optional_string(builder, "trust", entry->trust);
		ct_json_add_optional_string(builder, "host", entry->host);
		if (entry->names != NULL) {
			ct_json_begin_array_member(builder, "names");
			for (guint n = 0; entry->names[n] != NULL; n++) {
				g_autofree gchar *valid = g_utf8_make_valid(entry->names[n], -1);
				json_builder_add_string_value(builder, valid);
			}
			json_builder_end_array(builder);
		}
		ct_json_add_optional_string(builder, "subject", entry->subject);
		ct_json_add_optional_string(builder, "previous_trust", entry->previous_trust);
		ct_json_add_optional_string(builder, "previous_sha256", entry->previous_sha256);
		ct_json_add_int(builder, "not_after", entry->not_after);
		ct_json_add_int(builder, "time", entry->time);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, NULL);
	bytes = g_bytes_new_take(text, strlen(text));
	if (!ct_save_file(ledger->path, bytes, 0600, CT_SAVE_FLAG_REPLACE, error))
		return FALSE;
	return ct_ledger_give(ledger, ledger->path, error);
}
