/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtResolver"

#include "config.h"

#include <string.h>

#include "ct-hostname.h"
#include "ct-resolver.h"

struct _CtResolver {
	GResolver parent_instance;
	GResolver *fallback;
	GHashTable *names; /* canonical name (ct_hostname_canonical) -> GInetAddress */
};

G_DEFINE_TYPE(CtResolver, ct_resolver, G_TYPE_RESOLVER)

void
ct_resolve_rule_free(CtResolveRule *rule)
{
	if (rule == NULL)
		return;
	g_free(rule->name);
	g_free(rule->address);
	g_free(rule);
}

CtResolveRule *
ct_resolve_rule_parse(const gchar *text, GError **error)
{
	g_autoptr(CtResolveRule) rule = g_new0(CtResolveRule, 1);
	g_autoptr(GInetAddress) address = NULL;
	g_autofree gchar *address_text = NULL;
	const gchar *first = strchr(text, ':');
	const gchar *second = first != NULL ? strchr(first + 1, ':') : NULL;
	g_autofree gchar *port_text = NULL;
	g_autofree gchar *name_text = NULL;
	g_autoptr(GError) error_local = NULL;
	guint64 port = 0;

	if (first == NULL || second == NULL || first == text) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--resolve %s: expected NAME:PORT:ADDRESS", text);
		return NULL;
	}
	port_text = g_strndup(first + 1, second - first - 1);
	if (!g_ascii_string_to_unsigned(port_text, 10, 1, 65535, &port, NULL)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--resolve %s: '%s' is not a port number", text, port_text);
		return NULL;
	}
	address_text = g_strdup(second + 1);
	if (address_text[0] == '[' && g_str_has_suffix(address_text, "]")) {
		gsize len = strlen(address_text);
		memmove(address_text, address_text + 1, len - 2);
		address_text[len - 2] = '\0';
	}
	address = g_inet_address_new_from_string(address_text);
	if (address == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--resolve %s: '%s' is not an IP address", text, address_text);
		return NULL;
	}
	name_text = g_strndup(text, first - text);
	/* the connection looks up the A-label form: keep the one canonical form */
	rule->name = ct_hostname_canonical(name_text, &error_local);
	if (rule->name == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "--resolve %s: %s", text,
			    error_local->message);
		return NULL;
	}
	rule->port = (guint16)port;
	rule->address = g_inet_address_to_string(address);
	return g_steal_pointer(&rule);
}

static GInetAddress *
ct_resolver_find(CtResolver *self, const gchar *hostname)
{
	/* "NAME.", "Name" and the U-label form are the same name */
	g_autofree gchar *canonical = ct_hostname_canonical(hostname, NULL);
	return canonical != NULL ? g_hash_table_lookup(self->names, canonical) : NULL;
}

static GList *
ct_resolver_answer(GInetAddress *address,
		   GResolverNameLookupFlags flags,
		   const gchar *hostname,
		   GError **error)
{
	GSocketFamily family = g_inet_address_get_family(address);
	if (((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY) != 0 &&
	     family != G_SOCKET_FAMILY_IPV4) ||
	    ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY) != 0 &&
	     family != G_SOCKET_FAMILY_IPV6)) {
		g_set_error(error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
			    "%s: no address of the requested family in --resolve", hostname);
		return NULL;
	}
	return g_list_prepend(NULL, g_object_ref(address));
}

static GList *
ct_resolver_lookup_by_name_with_flags(GResolver *resolver,
				      const gchar *hostname,
				      GResolverNameLookupFlags flags,
				      GCancellable *cancellable,
				      GError **error)
{
	CtResolver *self = CT_RESOLVER(resolver);
	GInetAddress *address = ct_resolver_find(self, hostname);

	if (address != NULL)
		return ct_resolver_answer(address, flags, hostname, error);
	return g_resolver_lookup_by_name_with_flags(self->fallback, hostname, flags, cancellable,
						    error);
}

static GList *
ct_resolver_lookup_by_name(GResolver *resolver,
			   const gchar *hostname,
			   GCancellable *cancellable,
			   GError **error)
{
	return ct_resolver_lookup_by_name_with_flags(resolver, hostname,
						     G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
						     cancellable, error);
}

static void
ct_resolver_fallback_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	GError *error = NULL;
	GList *addresses = g_resolver_lookup_by_name_with_flags_finish(G_RESOLVER(source), result,
								       &error);
	if (addresses == NULL) {
		g_task_return_error(task, error);
		return;
	}
	g_task_return_pointer(task, addresses, (GDestroyNotify)g_resolver_free_addresses);
}

static void
ct_resolver_lookup_by_name_with_flags_async(GResolver *resolver,
					    const gchar *hostname,
					    GResolverNameLookupFlags flags,
					    GCancellable *cancellable,
					    GAsyncReadyCallback callback,
					    gpointer user_data)
{
	CtResolver *self = CT_RESOLVER(resolver);
	GInetAddress *address = ct_resolver_find(self, hostname);
	g_autoptr(GTask) task = g_task_new(resolver, cancellable, callback, user_data);
	GError *error = NULL;
	GList *addresses = NULL;

	g_task_set_source_tag(task, ct_resolver_lookup_by_name_with_flags_async);
	if (address == NULL) {
		g_resolver_lookup_by_name_with_flags_async(self->fallback, hostname, flags,
							   cancellable, ct_resolver_fallback_cb,
							   g_steal_pointer(&task));
		return;
	}
	addresses = ct_resolver_answer(address, flags, hostname, &error);
	if (addresses == NULL) {
		g_task_return_error(task, error);
		return;
	}
	g_task_return_pointer(task, addresses, (GDestroyNotify)g_resolver_free_addresses);
}

static GList *
ct_resolver_lookup_by_name_with_flags_finish(GResolver *resolver,
					     GAsyncResult *result,
					     GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, resolver), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

static void
ct_resolver_lookup_by_name_async(GResolver *resolver,
				 const gchar *hostname,
				 GCancellable *cancellable,
				 GAsyncReadyCallback callback,
				 gpointer user_data)
{
	ct_resolver_lookup_by_name_with_flags_async(resolver, hostname,
						    G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
						    cancellable, callback, user_data);
}

/* reverse and record lookups are not ours to change */
static gchar *
ct_resolver_lookup_by_address(GResolver *resolver,
			      GInetAddress *address,
			      GCancellable *cancellable,
			      GError **error)
{
	return g_resolver_lookup_by_address(CT_RESOLVER(resolver)->fallback, address, cancellable,
					    error);
}

static GList *
ct_resolver_lookup_records(GResolver *resolver,
			   const gchar *rrname,
			   GResolverRecordType record_type,
			   GCancellable *cancellable,
			   GError **error)
{
	return g_resolver_lookup_records(CT_RESOLVER(resolver)->fallback, rrname, record_type,
					 cancellable, error);
}

static void
ct_resolver_finalize(GObject *object)
{
	CtResolver *self = CT_RESOLVER(object);
	g_clear_object(&self->fallback);
	g_hash_table_unref(self->names);
	G_OBJECT_CLASS(ct_resolver_parent_class)->finalize(object);
}

static void
ct_resolver_class_init(CtResolverClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GResolverClass *resolver_class = G_RESOLVER_CLASS(klass);

	object_class->finalize = ct_resolver_finalize;
	resolver_class->lookup_by_name = ct_resolver_lookup_by_name;
	resolver_class->lookup_by_name_async = ct_resolver_lookup_by_name_async;
	resolver_class->lookup_by_name_finish = ct_resolver_lookup_by_name_with_flags_finish;
	resolver_class->lookup_by_name_with_flags = ct_resolver_lookup_by_name_with_flags;
	resolver_class->lookup_by_name_with_flags_async =
	    ct_resolver_lookup_by_name_with_flags_async;
	resolver_class->lookup_by_name_with_flags_finish =
	    ct_resolver_lookup_by_name_with_flags_finish;
	resolver_class->lookup_by_address = ct_resolver_lookup_by_address;
	resolver_class->lookup_records = ct_resolver_lookup_records;
}

static void
ct_resolver_init(CtResolver *self)
{
	self->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
}

CtResolver *
ct_resolver_new(GResolver *fallback)
{
	CtResolver *self = g_object_new(CT_TYPE_RESOLVER, NULL);
	self->fallback = g_object_ref(fallback);
	return self;
}

void
ct_resolver_add_rule(CtResolver *self, const CtResolveRule *rule)
{
	g_hash_table_replace(self->names, g_strdup(rule->name),
			     g_inet_address_new_from_string(rule->address));
}
