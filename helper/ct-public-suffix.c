/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtPublicSuffix"

#include "config.h"

#include <libpsl.h>

#include "ct-public-suffix.h"

static const psl_ctx_t *
ct_public_suffix_get_list(void)
{
	static gsize loaded = 0;
	static const psl_ctx_t *list = NULL;

	if (g_once_init_enter(&loaded)) {
		/* the newer of libpsl's built-in list and the publicsuffix package's file */
		list = psl_latest(NULL);
		if (list == NULL)
			list = psl_builtin();
		g_once_init_leave(&loaded, 1);
	}
	return list;
}

gboolean
ct_public_suffix_is_registry(const gchar *domain)
{
	const psl_ctx_t *list = ct_public_suffix_get_list();

	g_return_val_if_fail(domain != NULL, FALSE);

	/* no list at all: every domain could be one, so no wildcard may cover it */
	if (list == NULL)
		return TRUE;
	/* PSL_TYPE_ICANN keeps the implicit "*" rule: an unknown top-level label is one */
	return psl_is_public_suffix2(list, domain, PSL_TYPE_ICANN) != 0;
}
