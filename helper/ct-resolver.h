/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-error.h"

/* curl's --resolve NAME:PORT:ADDR: connect to ADDR while the TLS checks still see NAME */
typedef struct {
	gchar *name;	/* canonical: ct_hostname_canonical (lower case, A-labels) */
	guint16 port;	/* the rule only applies to connections to this port */
	gchar *address; /* canonical text of the IP address */
} CtResolveRule;

void
ct_resolve_rule_free(CtResolveRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtResolveRule, ct_resolve_rule_free)

/* parse "NAME:PORT:ADDR" (ADDR may be "[v6]" or a bare IPv6 address) */
CtResolveRule *
ct_resolve_rule_parse(const gchar *text, GError **error); /* (transfer full) */

#define CT_TYPE_RESOLVER (ct_resolver_get_type())
G_DECLARE_FINAL_TYPE(CtResolver, ct_resolver, CT, RESOLVER, GResolver)

/* a resolver that answers the rules' names itself and asks fallback for the rest */
CtResolver *
ct_resolver_new(GResolver *fallback);
/* add the rule's name (the caller checks the port against the target) */
void
ct_resolver_add_rule(CtResolver *self, const CtResolveRule *rule);
