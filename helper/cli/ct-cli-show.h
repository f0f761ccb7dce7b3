/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"

/* the certificate views of the browsers' viewers, shared by show and flow: Safari 4's
 * Details views (docs/browser-procedures.md); the text is escaped for the terminal */

typedef enum {
	CT_CLI_SHOW_VIEW_ALL,
	CT_CLI_SHOW_VIEW_V1,
	CT_CLI_SHOW_VIEW_EXTENSIONS,
	CT_CLI_SHOW_VIEW_CRITICAL,
	CT_CLI_SHOW_VIEW_PROPERTIES,
} CtCliShowView;

/* the view's name, as --view takes it */
const gchar *
ct_cli_show_view_to_string(CtCliShowView view);
/* "all", "v1", "extensions", "critical" or "properties"; else CT_ERROR_INVALID_ARGS */
gboolean
ct_cli_show_parse_view(const gchar *text, CtCliShowView *view, GError **error);

/* one certificate of chain, as view shows it, two spaces in */
void
ct_cli_show_render_certificate(GString *out, CtChain *chain, guint index, CtCliShowView view);

/* what the first access found, as a browser's warning page says it, in a few lines: the
 * source, the TLS problems, who it is issued to and by, validity, SHA-256, the protocol,
 * the page (fetch, wizard) */
void
ct_cli_show_render_summary(GString *out, CtChain *chain);
