/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <string.h>

#include "ct-cli.h"

/* "did you mean ...?" for a mistyped command or option, as git and flatpak say it: the
 * nearest by edit distance, where a swap of two neighbours (trsut) is one edit */

/* optimal string alignment distance (Damerau-Levenshtein without edits of an edit) */
static guint
ct_cli_suggest_distance(const gchar *a, const gchar *b)
{
	gsize la = strlen(a);
	gsize lb = strlen(b);
	g_autofree guint *d = g_new0(guint, (la + 1) * (lb + 1));

#define CT_D(i, j) d[(i) * (lb + 1) + (j)]
	for (gsize i = 0; i <= la; i++)
		CT_D(i, 0) = (guint)i;
	for (gsize j = 0; j <= lb; j++)
		CT_D(0, j) = (guint)j;
	for (gsize i = 1; i <= la; i++) {
		for (gsize j = 1; j <= lb; j++) {
			guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
			guint best = MIN(CT_D(i - 1, j) + 1, CT_D(i, j - 1) + 1);
			best = MIN(best, CT_D(i - 1, j - 1) + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				best = MIN(best, CT_D(i - 2, j - 2) + 1);
			CT_D(i, j) = best;
		}
	}
	return CT_D(la, lb);
#undef CT_D
}

const gchar *
ct_cli_suggest(const gchar *typed, const gchar *const *candidates)
{
	const gchar *best = NULL;
	const gchar *prefixed = NULL;
	guint prefixes = 0;
	guint best_distance = G_MAXUINT;
	gsize len = strlen(typed);

	if (len == 0 || len > 64)
		return NULL;
	for (guint i = 0; candidates[i] != NULL; i++) {
		guint distance = ct_cli_suggest_distance(typed, candidates[i]);
		if (distance < best_distance) {
			best_distance = distance;
			best = candidates[i];
		}
		if (len >= 2 && g_str_has_prefix(candidates[i], typed)) {
			prefixed = candidates[i];
			prefixes++;
		}
	}
	/* close enough: at most two edits, and not most of what was typed */
	if (best != NULL && best_distance <= 2 && best_distance * 2 <= len)
		return best;
	/* the start of exactly one name (untr: untrust) */
	return prefixes == 1 ? prefixed : NULL;
}
