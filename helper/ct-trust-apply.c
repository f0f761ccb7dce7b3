/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTrust"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-cleanup.h"
#include "ct-context.h"
#include "ct-firefox.h"
#include "ct-source.h"
#include "ct-system-store-pkexec.h"
#include "ct-system-store.h"
#include "ct-trust-private.h"
#include "ct-trust.h"

/* a plan written: each store, with its ledger record written ahead of the change */

static CtLedgerEntry *
ct_trust_entry_new(CtTrustStep *step, CtTrustPlan *plan, const gchar *kind, const gchar *location)
{
	CtLedgerEntry *entry = g_new0(CtLedgerEntry, 1);
	entry->store = g_strdup(ct_store_kind_to_string(step->store->kind));
	entry->location = g_strdup(location);
	entry->kind = g_strdup(kind);
	entry->sha256 = g_strdup(step->target->sha256);
	entry->for_sha256 = g_strdup(ct_chain_get_leaf(plan->chain)->sha256);
	entry->subject = g_strdup(step->target->subject);
	/* status finds it again by these after the server's certificate changed; a CA's own
	 * file is no server's certificate, so no name says it changed */
	if (step->action != CT_TRUST_ACTION_OVERRIDE && !ct_trust_is_lone_ca(plan->chain)) {
		g_autoptr(GStrvBuilder) names = g_strv_builder_new();
		for (guint i = 0; i < plan->names->len; i++)
			g_strv_builder_add(names, g_ptr_array_index(plan->names, i));
		entry->names = g_strv_builder_end(names);
	}
	entry->not_after = step->target->not_after;
	entry->time = g_get_real_time() / G_USEC_PER_SEC;
	return entry;
}

static void
ct_trust_set_result(CtTrustStep *step, CtTrustResult result, gchar *message)
{
	g_free(step->message);
	step->result = result;
	step->message = message;
}

static void
ct_trust_set_error(CtTrustStep *step, GError *error)
{
	ct_trust_set_result(step,
			    error->code == CT_ERROR_REFUSED ? CT_TRUST_RESULT_REFUSED
							    : CT_TRUST_RESULT_FAILED,
			    g_strdup(error->message));
	step->refusal = error->code;
}

/* write-ahead: the ledger learns of a write before the store changes, so a write cut
 * short (SIGKILL, a power cut) leaves a record untrust can act on, never a change nobody
 * recorded; *added says whether the record is new */
static gboolean
ct_trust_record_ahead(CtLedger *ledger, CtLedgerEntry *entry, gboolean *added, GError **error)
{
	const CtLedgerEntry *recorded = ct_ledger_lookup(ledger, entry);
	gboolean covered = recorded != NULL && ct_ledger_entry_covers(recorded, entry);

	*added = recorded == NULL;
	ct_ledger_add(ledger, entry);
	/* the ledger on disk names this write as it will be done (every entry in memory has
	 * been saved: entries are added only here and in one save ahead of a run); the run's
	 * last save records when it was written */
	if (covered)
		return TRUE;
	if (!ct_ledger_save(ledger, error)) {
		g_prefix_error(error, "nothing was written: ");
		return FALSE;
	}
	return TRUE;
}

/* the write did not happen: a record made for it goes again (a record made ahead for a run
 * goes with the run's last save) */
static void
ct_trust_unrecord(CtLedger *ledger, CtLedgerEntry *entry, gboolean added, gboolean save)
{
	g_autoptr(GError) error = NULL;

	if (!added)
		return;
	ct_ledger_remove(ledger, entry);
	if (save && !ct_ledger_save(ledger, &error))
		g_warning("the ledger still names a write that did not happen: %s", error->message);
}

/* the user's own exception for the entry's host that the new line replaces (the
 * fingerprint in the file now), or NULL: none, the same certificate, or one certtrust wrote
 * (then the user's exception that one replaced, if any) */
static gchar *
ct_trust_previous_exception(CtLedger *ledger, const CtLedgerEntry *entry, const gchar *current)
{
	GPtrArray *entries = ct_ledger_get_entries(ledger);

	if (current == NULL || g_strcmp0(current, entry->sha256) == 0)
		return NULL;
	for (guint i = 0; i < entries->len; i++) {
		const CtLedgerEntry *recorded = g_ptr_array_index(entries, i);
		if (g_strcmp0(recorded->kind, "override") == 0 &&
		    g_strcmp0(recorded->location, entry->location) == 0 &&
		    g_strcmp0(recorded->host, entry->host) == 0 &&
		    g_strcmp0(recorded->sha256, current) == 0)
			return g_strdup(recorded->previous_sha256);
	}
	return g_strdup(current);
}

static void
ct_trust_apply_override(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) present = NULL;
	guint changed_count = 0;

	present = ct_firefox_override_list(step->store->location, &error);
	if (present == NULL) {
		ct_trust_set_error(step, error);
		return;
	}
	for (guint i = 0; i < step->hosts->len; i++) {
		const gchar *name = g_ptr_array_index(step->hosts, i);
		guint16 port = CT_SOURCE_DEFAULT_PORT;
		g_autofree gchar *host = ct_trust_split_name(name, &port);
		g_autofree gchar *replaced = NULL;
		CtLedgerEntry *entry;
		gboolean changed = FALSE;
		gboolean added = FALSE;

		entry = ct_trust_entry_new(step, plan, "override", step->store->location);
		entry->host = ct_source_format_host_port(host, port);
		/* an exception the user made by hand is not certtrust's to record or remove */
		if (g_strcmp0(g_hash_table_lookup(present, entry->host), step->target->sha256) ==
			0 &&
		    ct_ledger_lookup(ledger, entry) == NULL) {
			ct_ledger_entry_free(entry);
			continue;
		}
		entry->previous_sha256 =
		    ct_trust_previous_exception(ledger, entry,
						g_hash_table_lookup(present, entry->host));
		if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
			ct_trust_set_error(step, error);
			return;
		}
		if (!ct_firefox_override_add(step->store->location,
					     &(CtFirefoxOverride){host, port, step->target->sha256},
					     &changed, &replaced, &error)) {
			ct_trust_unrecord(ledger, entry, added, TRUE);
			ct_trust_set_error(step, error);
			return;
		}
		if (changed)
			changed_count++;
	}
	ct_trust_set_result(step,
			    changed_count > 0 ? CT_TRUST_RESULT_DONE : CT_TRUST_RESULT_UNCHANGED,
			    changed_count > 0
				? g_strdup("restart Firefox if it is open in another session")
				: g_strdup("the exceptions were already there"));
}

/* one field of NSS trust flags ("CT,C,C": 0 is TLS), as a new string */
gchar *
ct_trust_flags_field(const gchar *trust, guint field)
{
	g_auto(GStrv) fields = g_strsplit(trust != NULL ? trust : "", ",", 3);
	return g_strdup(g_strv_length(fields) > field ? fields[field] : "");
}

/* does have already give TLS everything want gives, without distrust? */
static gboolean
ct_trust_flags_include(const gchar *have, const gchar *want)
{
	g_autofree gchar *have_tls = ct_trust_flags_field(have, 0);
	g_autofree gchar *want_tls = ct_trust_flags_field(want, 0);

	if (strchr(have_tls, 'p') != NULL)
		return FALSE;
	for (const gchar *p = want_tls; *p != '\0'; p++) {
		if (strchr(have_tls, *p) == NULL)
			return FALSE;
	}
	return TRUE;
}

/* the user's own entry distrusts the certificate and nobody said to lift that: why not */
static gchar *
ct_trust_users_distrust(const CtTrustStep *step,
			const CtTrustPlan *plan,
			const CtNssDbEntry *existing)
{
	g_autofree gchar *tls = ct_trust_flags_field(existing->trust, 0);

	if (strchr(tls, 'p') == NULL || plan->override_distrust)
		return NULL;
	return g_strdup_printf("your own entry %s in %s/cert9.db distrusts this certificate "
			       "(trust %s): certtrust does not lift a distrust; add "
			       "--override-distrust if that is what you want (untrust puts %s "
			       "back)",
			       existing->nickname, step->store->location, existing->trust,
			       existing->trust);
}

/* the trust the user's own entry gets: certtrust's for TLS, the user's for the rest */
static gchar *
ct_trust_users_new_trust(const CtTrustStep *step, const CtNssDbEntry *existing)
{
	g_autofree gchar *ours = ct_trust_flags_field(step->trust, 0);
	g_autofree gchar *email = ct_trust_flags_field(existing->trust, 1);
	g_autofree gchar *code = ct_trust_flags_field(existing->trust, 2);
	return g_strdup_printf("%s,%s,%s", ours, email, code);
}

void
ct_trust_plan_find_users_entries(CtTrustPlan *plan)
{
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		g_autofree gchar *cert9 = NULL;
		CtNssDb *db = NULL;
		g_autoptr(CtNssDbEntry) existing = NULL;
		g_autofree gchar *refusal = NULL;
		g_autofree gchar *trust = NULL;
		GStatBuf st;

		if (step->action != CT_TRUST_ACTION_NSS)
			continue;
		/* only a database that is there: reading never makes one */
		cert9 = g_build_filename(step->store->location, "cert9.db", NULL);
		if (g_stat(cert9, &st) != 0 || st.st_size == 0)
			continue;
		db = ct_trust_plan_get_nssdb(plan, step->store, NULL);
		if (db != NULL)
			existing = ct_nssdb_find_der(db, step->target->der, NULL);
		if (existing == NULL || g_strcmp0(existing->nickname, step->nickname) == 0)
			continue;
		refusal = ct_trust_users_distrust(step, plan, existing);
		if (refusal != NULL) {
			g_autofree gchar *browser = NULL;
			if (step->predictions->len > 0)
				browser = g_strdup(
				    ((CtPrediction *)g_ptr_array_index(step->predictions, 0))
					->browser);
			ct_trust_refuse(step, CT_ERROR_REFUSED, refusal);
			/* nothing is written: no name will load */
			g_ptr_array_set_size(step->predictions, 0);
			if (browser != NULL)
				ct_trust_predict(step, plan, browser, FALSE);
			continue;
		}
		g_free(step->plan);
		if (ct_trust_flags_include(existing->trust, step->trust)) {
			step->plan = g_strdup_printf("nothing: your own entry %s in %s/cert9.db "
						     "already has trust %s",
						     existing->nickname, step->store->location,
						     existing->trust);
			continue;
		}
		trust = ct_trust_users_new_trust(step, existing);
		step->plan =
		    g_strdup_printf("your own entry %s in %s/cert9.db: trust %s becomes %s "
				    "(untrust puts %s back)",
				    existing->nickname, step->store->location, existing->trust,
				    trust, existing->trust);
	}
}

/* the certificate is in the database already under the user's own nickname: never lift
 * the user's distrust unless asked (--override-distrust), never take the user's entry as
 * certtrust's; its TLS trust becomes ours, the rest stays, and the ledger keeps the trust
 * it had so that untrust puts exactly that back */
static void
ct_trust_apply_nss_users(CtTrustStep *step,
			 CtTrustPlan *plan,
			 CtLedger *ledger,
			 CtNssDb *db,
			 const CtNssDbEntry *existing)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *refusal = NULL;
	g_autofree gchar *trust = NULL;
	const gchar *nickname = existing->nickname;
	CtLedgerEntry *entry;
	gboolean added = FALSE;

	if (ct_trust_flags_include(existing->trust, step->trust)) {
		ct_trust_set_result(step, CT_TRUST_RESULT_UNCHANGED,
				    g_strdup_printf("already trusted that way: your own entry %s "
						    "has trust %s",
						    nickname, existing->trust));
		return;
	}
	refusal = ct_trust_users_distrust(step, plan, existing);
	if (refusal != NULL) {
		ct_trust_set_result(step, CT_TRUST_RESULT_REFUSED, g_steal_pointer(&refusal));
		step->refusal = CT_ERROR_REFUSED;
		return;
	}
	trust = ct_trust_users_new_trust(step, existing);
	entry = ct_trust_entry_new(step, plan, "nss", step->store->location);
	entry->nickname = g_strdup(existing->nickname);
	entry->trust = g_strdup(trust);
	entry->previous_trust = g_strdup(existing->trust);
	if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
		ct_trust_set_error(step, error);
		return;
	}
	if (!ct_nssdb_set_trust(db, step->target->sha256, trust, &error)) {
		ct_trust_unrecord(ledger, entry, added, TRUE);
		ct_trust_set_error(step, error);
		return;
	}
	ct_trust_set_result(step, CT_TRUST_RESULT_DONE,
			    g_strdup_printf("your own entry %s had trust %s, now %s (untrust puts "
					    "%s back); restart the browser if it already failed "
					    "this site",
					    nickname, existing->trust, trust, existing->trust));
}

/* the ledger record of an NSS step's write */
static CtLedgerEntry *
ct_trust_nss_entry_new(CtTrustStep *step, CtTrustPlan *plan)
{
	CtLedgerEntry *entry = ct_trust_entry_new(step, plan, "nss", step->store->location);

	entry->nickname = g_strdup(step->nickname);
	entry->trust = g_strdup(step->trust);
	return entry;
}

gboolean
ct_trust_plans_record_ahead(GPtrArray *plans, CtLedger *ledger, GError **error)
{
	for (guint i = 0; i < plans->len; i++) {
		CtTrustPlan *plan = g_ptr_array_index(plans, i);
		for (guint j = 0; j < plan->steps->len; j++) {
			CtTrustStep *step = g_ptr_array_index(plan->steps, j);
			g_autoptr(CtLedgerEntry) entry = NULL;
			if (step->action != CT_TRUST_ACTION_NSS)
				continue;
			entry = ct_trust_nss_entry_new(step, plan);
			/* recorded already (before this run, or by an earlier step of it): the
			 * step records its write itself when it comes */
			if (ct_ledger_lookup(ledger, entry) != NULL)
				continue;
			step->ahead = entry;
			step->ahead_added = TRUE;
			ct_ledger_add(ledger, g_steal_pointer(&entry));
		}
	}
	if (!ct_ledger_save(ledger, error)) {
		g_prefix_error(error, "nothing was written: ");
		return FALSE;
	}
	return TRUE;
}

/* a record made ahead that this step will not use (it writes another, or nothing) */
static void
ct_trust_drop_ahead(CtTrustStep *step, CtLedger *ledger)
{
	if (step->ahead == NULL)
		return;
	ct_trust_unrecord(ledger, step->ahead, step->ahead_added, FALSE);
	step->ahead = NULL;
}

static void
ct_trust_apply_nss(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	g_autoptr(GError) error = NULL;
	CtNssDb *db = NULL;
	g_autoptr(CtNssDbEntry) existing = NULL;
	CtLedgerEntry *entry = NULL;
	gboolean added = FALSE;
	gboolean ahead = step->ahead != NULL;

	if (step->store->create && g_mkdir_with_parents(step->store->location, 0700) != 0) {
		gint errsv = errno;
		ct_trust_drop_ahead(step, ledger);
		ct_trust_set_result(step, CT_TRUST_RESULT_FAILED,
				    g_strdup_printf("cannot create %s: %s", step->store->location,
						    g_strerror(errsv)));
		return;
	}
	db = ct_trust_plan_get_nssdb(plan, step->store, &error);
	if (db == NULL) {
		ct_trust_drop_ahead(step, ledger);
		ct_trust_set_error(step, error);
		return;
	}
	existing = ct_nssdb_find_der(db, step->target->der, &error);
	if (error != NULL) {
		ct_trust_drop_ahead(step, ledger);
		ct_trust_set_error(step, error);
		return;
	}
	/* the user's own entry for this certificate, under another nickname */
	if (existing != NULL && g_strcmp0(existing->nickname, step->nickname) != 0) {
		ct_trust_drop_ahead(step, ledger);
		ct_trust_apply_nss_users(step, plan, ledger, db, existing);
		return;
	}
	if (ahead) {
		entry = step->ahead;
		added = step->ahead_added;
	} else {
		entry = ct_trust_nss_entry_new(step, plan);
		if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
			ct_trust_set_error(step, error);
			return;
		}
	}
	if (existing != NULL && g_strcmp0(existing->trust, step->trust) == 0) {
		ct_trust_set_result(step, CT_TRUST_RESULT_UNCHANGED,
				    g_strdup("already trusted that way"));
		return;
	}
	if (!ct_nssdb_add(db, step->target->der, step->nickname, step->trust, &error)) {
		ct_trust_unrecord(ledger, entry, added, !ahead);
		step->ahead = NULL;
		ct_trust_set_error(step, error);
		return;
	}
	ct_trust_set_result(step, CT_TRUST_RESULT_DONE,
			    g_strdup("restart the browser if it already failed this site"));
}

/* not written for want of root: the PEM goes where the printed commands read it, so they
 * work as pasted */
static void
ct_trust_needs_root(CtTrustStep *step, const gchar *why)
{
	g_autoptr(GError) error = NULL;

	if (!ct_system_store_write_source(step->source_path, step->target->der, &error)) {
		ct_trust_set_result(step, CT_TRUST_RESULT_FAILED,
				    g_strdup_printf("%s, and the certificate could not be saved "
						    "for the commands: %s",
						    why, error->message));
		return;
	}
	ct_trust_set_result(step, CT_TRUST_RESULT_NEEDS_ROOT,
			    g_strdup_printf("%s: as root, run the commands below (%s holds the "
					    "certificate)",
					    why, step->source_path));
}

/* the host's store for a user: written as root by the privileged helper through pkexec
 * (polkit asks for an administrator's password), recorded in this user's ledger; without
 * pkexec, the helper or polkit's consent, the commands for a root shell as before */
static void
ct_trust_apply_anchor_pkexec(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *why = NULL;
	g_autofree gchar *helper = ct_system_store_pkexec_find(&why);
	g_autofree gchar *written = NULL;
	gboolean changed = FALSE;
	gboolean added = FALSE;
	CtLedgerEntry *entry;

	if (helper == NULL) {
		g_autofree gchar *need = g_strdup_printf("the OS store needs root (%s)", why);
		ct_trust_needs_root(step, need);
		return;
	}
	entry = ct_trust_entry_new(step, plan, "anchor", step->anchor_path);
	entry->sysroot = g_strdup("/");
	if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
		ct_trust_set_error(step, error);
		return;
	}
	if (!ct_system_store_pkexec_install(step->target->der, step->target->ca_capable, &written,
					    &changed, &error)) {
		ct_trust_unrecord(ledger, entry, added, TRUE);
		if (g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED)) {
			g_autofree gchar *need = g_strdup_printf("the OS store needs root: %s",
								 error->message);
			ct_trust_needs_root(step, need);
		} else {
			ct_trust_set_error(step, error);
		}
		return;
	}
	if (g_strcmp0(written, step->anchor_path) != 0) {
		/* the helper named the file itself; the ledger says what is there */
		g_free(entry->location);
		entry->location = g_strdup(written);
		if (!ct_ledger_save(ledger, &error)) {
			ct_trust_set_error(step, error);
			return;
		}
	}
	ct_trust_set_result(step, changed ? CT_TRUST_RESULT_DONE : CT_TRUST_RESULT_UNCHANGED,
			    g_strdup_printf("written as root by %s through pkexec", helper));
}

static void
ct_trust_apply_anchor(CtTrustStep *step, CtTrustPlan *plan, CtLedger *ledger)
{
	g_autoptr(GError) error = NULL;
	gboolean changed = FALSE;
	gboolean added = FALSE;
	CtSystemStoreKind kind = ct_system_store_detect(plan->sysroot);
	CtLedgerEntry *entry;

	if (g_strcmp0(plan->sysroot, "/") == 0 && geteuid() != 0) {
		ct_trust_apply_anchor_pkexec(step, plan, ledger);
		return;
	}
	entry = ct_trust_entry_new(step, plan, "anchor", step->anchor_path);
	entry->sysroot = g_canonicalize_filename(plan->sysroot, NULL);
	if (!ct_trust_record_ahead(ledger, entry, &added, &error)) {
		ct_trust_set_error(step, error);
		return;
	}
	if (!ct_system_store_install(plan->sysroot, kind, step->anchor_path, step->target->der,
				     &changed, &error)) {
		g_autofree gchar *why = NULL;
		ct_trust_unrecord(ledger, entry, added, TRUE);
		if (!g_error_matches(error, CT_ERROR, CT_ERROR_PERMISSION_DENIED)) {
			ct_trust_set_error(step, error);
			return;
		}
		why = g_strdup_printf("%s: root is needed to write there", error->message);
		ct_trust_needs_root(step, why);
		return;
	}
	ct_trust_set_result(step, changed ? CT_TRUST_RESULT_DONE : CT_TRUST_RESULT_UNCHANGED, NULL);
}

void
ct_trust_plan_apply(CtTrustPlan *plan, CtLedger *ledger, gboolean dry_run)
{
	ct_trust_plan_find_retired(plan, ledger);
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *step = g_ptr_array_index(plan->steps, i);
		if (step->action == CT_TRUST_ACTION_NONE) {
			ct_trust_set_result(step,
					    step->refusal == CT_ERROR_REFUSED
						? CT_TRUST_RESULT_REFUSED
					    : step->refusal == CT_ERROR_FAILED
						? CT_TRUST_RESULT_FAILED
						: CT_TRUST_RESULT_SKIPPED,
					    g_strdup(step->plan));
			continue;
		}
		if (dry_run) {
			ct_trust_set_result(step, CT_TRUST_RESULT_DRY_RUN, NULL);
			continue;
		}
		/* the store and its ledger record, or neither: a second Ctrl-C waits */
		ct_cleanup_hold();
		switch (step->action) {
		case CT_TRUST_ACTION_OVERRIDE:
			ct_trust_apply_override(step, plan, ledger);
			break;
		case CT_TRUST_ACTION_NSS:
			ct_trust_apply_nss(step, plan, ledger);
			break;
		case CT_TRUST_ACTION_ANCHOR:
		case CT_TRUST_ACTION_NONE:
		default:
			ct_trust_apply_anchor(step, plan, ledger);
			break;
		}
		ct_trust_retire(step, plan, ledger);
		ct_cleanup_release();
	}
}

CtLedger *
ct_trust_open_ledger(GError **error)
{
	g_autofree gchar *ledger_path = ct_context_get_ledger_path();
	g_autofree gchar *home = NULL;
	uid_t uid;
	gid_t gid;

	/* root through sudo records in the ledger of the user who ran sudo, as theirs */
	if (ct_context_get_sudo_user(&uid, &gid, &home))
		return ct_ledger_open_for(ledger_path, uid, gid, error);
	return ct_ledger_open(ledger_path, error);
}

gboolean
ct_trust_plan_apply_recorded(CtTrustPlan *plan, gboolean dry_run, GError **error)
{
	g_autoptr(CtLedger) ledger = ct_trust_open_ledger(error);

	if (ledger == NULL)
		return FALSE;
	ct_trust_plan_apply(plan, ledger, dry_run);
	return dry_run || ct_ledger_save(ledger, error);
}
