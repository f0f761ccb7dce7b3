/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* every location certtrust reads or writes, resolved in one place from the
 * environment (HOME, XDG_*) so tests redirect them all */

/* $XDG_STATE_HOME/certtrust (~/.local/state/certtrust) */
gchar *
ct_context_get_state_dir(void); /* (transfer full) */

/* where `serve` keeps its certificate copies by default */
gchar *
ct_context_get_serve_dir(void); /* (transfer full) */

/* $HOME, and the XDG directories with their defaults, as the environment says now */
gchar *
ct_context_get_home(void); /* (transfer full) */
gchar *
ct_context_get_config_home(void); /* (transfer full) $XDG_CONFIG_HOME or ~/.config */

/* Chromium's NSS databases: ~/.pki/nssdb if it exists, else $XDG_DATA_HOME/pki/nssdb
 * (Chromium 146+), then the snap and flatpak ones that exist */
GPtrArray *
ct_context_get_chromium_dbs(void); /* (transfer full) gchar* */

/* where certtrust records what it trusted */
gchar *
ct_context_get_ledger_path(void); /* (transfer full) */

/* root run through sudo with root's own HOME (sudo reset it) and no XDG_STATE_HOME: the user
 * who ran sudo (SUDO_UID, SUDO_GID) and their home, whose ledger records the writes; FALSE
 * otherwise (a HOME given, as sudo -E and the tests give it, is used as it is) */
gboolean
ct_context_get_sudo_user(uid_t *uid, gid_t *gid, gchar **home);

/* $XDG_STATE_HOME/certtrust/anchors: the PEM copies the OS store's root commands install */
gchar *
ct_context_get_anchors_dir(void); /* (transfer full) */
