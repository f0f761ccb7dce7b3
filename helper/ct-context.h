#pragma once

#include <glib.h>

/* every location certtrust reads or writes, resolved in one place from the
 * environment (HOME, XDG_*) so tests redirect them all */

/* $XDG_STATE_HOME/certtrust (~/.local/state/certtrust) */
gchar *
ct_context_get_state_dir(void); /* (transfer full) */

/* where `serve` keeps its certificate copies by default */
gchar *
ct_context_get_serve_dir(void); /* (transfer full) */
