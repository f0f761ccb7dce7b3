/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "ct-error.h"

/* Firefox profiles (found in ct-firefox-profile.c, their locks in ct-firefox-lock.c) and
 * their permanent-exception store, cert_override.txt (ct-firefox-override.c, one line of it
 * in ct-firefox-override-line.c) */

typedef struct {
	gchar *name; /* Name= in profiles.ini */
	gchar *path; /* absolute directory */
	gchar *ini;  /* the profiles.ini that lists it */
	gboolean is_default;
} CtFirefoxProfile;

void
ct_firefox_profile_free(CtFirefoxProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFirefoxProfile, ct_firefox_profile_free)

/* the profiles.ini locations for a HOME and XDG_CONFIG_HOME: ~/.mozilla/firefox,
 * $XDG_CONFIG_HOME/mozilla/firefox, snap, flatpak */
GPtrArray *
ct_firefox_get_ini_dirs(const gchar *home, const gchar *xdg_config_home); /* (transfer full) */

/* every profile of every profiles.ini found (IsRelative=0 honoured, duplicates once);
 * a malformed profiles.ini is CT_ERROR_INVALID_DATA naming it */
GPtrArray *
ct_firefox_find_profiles(const gchar *home,
			 const gchar *xdg_config_home,
			 GError **error); /* (transfer full) CtFirefoxProfile* */

/* is a Firefox running on this profile? (its "lock" symlink names a live process, or
 * .parentlock is locked) */
gboolean
ct_firefox_profile_is_running(const gchar *profile_dir);

/* one exception in cert_override.txt: the certificate with this SHA-256 fingerprint
 * accepted for host:port */
typedef struct {
	const gchar *host;
	guint16 port;
	const gchar *sha256;
} CtFirefoxOverride;

/* the cert_override.txt line for host:port (IPv6 as [addr]) and a SHA-256 fingerprint */
gchar *
ct_firefox_override_line(const gchar *host, guint16 port, const gchar *sha256);

/* add or replace the override for its host:port in profile_dir/cert_override.txt: every other
 * line (comments, garbage, other hosts) kept as it is, the header written when the file is
 * new, the file replaced atomically with mode 0600; refused with CT_ERROR_REFUSED while
 * Firefox runs on the profile; *changed FALSE when the line was already there; the line
 * it replaced (another fingerprint) in *replaced, else NULL */
gboolean
ct_firefox_override_add(const gchar *profile_dir,
			const CtFirefoxOverride *override,
			gboolean *changed,
			gchar **replaced,
			GError **error);

/* remove the override for its host:port with exactly its fingerprint; nothing else changes */
gboolean
ct_firefox_override_remove(const gchar *profile_dir,
			   const CtFirefoxOverride *override,
			   gboolean *changed,
			   GError **error);

/* take out the override for its host:port with exactly its fingerprint and put the user's
 * own exception it replaced (previous_sha256) back in its place, in one write under the
 * profile's lock; *changed FALSE (nothing written) when host:port's line is not sha256's */
gboolean
ct_firefox_override_restore(const gchar *profile_dir,
			    const CtFirefoxOverride *override,
			    const gchar *previous_sha256,
			    gboolean *changed,
			    GError **error);

/* the overrides in a profile: "host:port" -> fingerprint */
GHashTable *
ct_firefox_override_list(const gchar *profile_dir, GError **error); /* (transfer full) */
