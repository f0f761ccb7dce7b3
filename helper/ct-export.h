/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ct-chain.h"

typedef enum {
	CT_EXPORT_FORMAT_DER,
	CT_EXPORT_FORMAT_BASE64,
	CT_EXPORT_FORMAT_PEM,
	CT_EXPORT_FORMAT_PEM_CHAIN,
	CT_EXPORT_FORMAT_PKCS7,
	CT_EXPORT_FORMAT_PKCS7_CHAIN,
	CT_EXPORT_FORMAT_LAST
} CtExportFormat;

/* one choice of a browser's export dialog */
typedef struct {
	CtExportFormat format;
	const gchar *label;  /* the dialog's wording */
	const gchar *suffix; /* appended to the base name: "-der.cer", ".p7b", ... */
} CtExportOffer;

const gchar *
ct_export_format_to_string(CtExportFormat format);
gboolean
ct_export_format_from_string(const gchar *text, CtExportFormat *format, GError **error);

/* the offers of ie8, firefox3 or safari4 (all: every format once), terminated by an offer
 * with label NULL */
const CtExportOffer *
ct_export_get_browser_offers(const gchar *browser, GError **error);

/* the bytes of chain in format */
GBytes *
ct_export_render(CtChain *chain, CtExportFormat format, GError **error); /* (transfer full) */

/* render and save atomically with mode 0644; replace only with force */
gboolean
ct_export_to_file(CtChain *chain,
		  CtExportFormat format,
		  const gchar *path,
		  gboolean force,
		  GError **error);

/* the file name stem for chain: the leaf's CN made safe, or "certificate" */
gchar *
ct_export_get_base_name(CtChain *chain); /* (transfer full) */

/* every format browser offers, into dir, named after the leaf; all or nothing:
 * an existing file without force stops before anything is written */
GPtrArray *
ct_export_to_browser_dir(CtChain *chain,
			 const gchar *browser,
			 const gchar *dir,
			 gboolean force,
			 GError **error); /* (transfer full) paths written */
