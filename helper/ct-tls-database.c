/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTlsDatabase"

#include "config.h"

#include "ct-tls-database.h"

struct _CtTlsDatabase {
	GTlsDatabase parent_instance;
	GTlsDatabase *system; /* every question goes to it */
};

G_DEFINE_TYPE(CtTlsDatabase, ct_tls_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
ct_tls_database_verify_chain(GTlsDatabase *database,
			     GTlsCertificate *chain,
			     const gchar *purpose,
			     GSocketConnectable *identity,
			     GTlsInteraction *interaction,
			     GTlsDatabaseVerifyFlags flags,
			     GCancellable *cancellable,
			     GError **error)
{
	CtTlsDatabase *self = CT_TLS_DATABASE(database);

	return g_tls_database_verify_chain(self->system, chain, purpose, identity, interaction,
					   flags, cancellable, error);
}

static gchar *
ct_tls_database_create_certificate_handle(GTlsDatabase *database, GTlsCertificate *certificate)
{
	CtTlsDatabase *self = CT_TLS_DATABASE(database);

	return g_tls_database_create_certificate_handle(self->system, certificate);
}

static GTlsCertificate *
ct_tls_database_lookup_certificate_for_handle(GTlsDatabase *database,
					      const gchar *handle,
					      GTlsInteraction *interaction,
					      GTlsDatabaseLookupFlags flags,
					      GCancellable *cancellable,
					      GError **error)
{
	CtTlsDatabase *self = CT_TLS_DATABASE(database);

	return g_tls_database_lookup_certificate_for_handle(self->system, handle, interaction,
							    flags, cancellable, error);
}

static GTlsCertificate *
ct_tls_database_lookup_certificate_issuer(GTlsDatabase *database,
					  GTlsCertificate *certificate,
					  GTlsInteraction *interaction,
					  GTlsDatabaseLookupFlags flags,
					  GCancellable *cancellable,
					  GError **error)
{
	CtTlsDatabase *self = CT_TLS_DATABASE(database);

	return g_tls_database_lookup_certificate_issuer(self->system, certificate, interaction,
							flags, cancellable, error);
}

static GList *
ct_tls_database_lookup_certificates_issued_by(GTlsDatabase *database,
					      GByteArray *issuer_raw_dn,
					      GTlsInteraction *interaction,
					      GTlsDatabaseLookupFlags flags,
					      GCancellable *cancellable,
					      GError **error)
{
	CtTlsDatabase *self = CT_TLS_DATABASE(database);

	return g_tls_database_lookup_certificates_issued_by(self->system, issuer_raw_dn,
							    interaction, flags, cancellable, error);
}

static void
ct_tls_database_finalize(GObject *object)
{
	CtTlsDatabase *self = CT_TLS_DATABASE(object);

	g_clear_object(&self->system);
	G_OBJECT_CLASS(ct_tls_database_parent_class)->finalize(object);
}

static void
ct_tls_database_class_init(CtTlsDatabaseClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS(klass);

	object_class->finalize = ct_tls_database_finalize;
	database_class->verify_chain = ct_tls_database_verify_chain;
	database_class->create_certificate_handle = ct_tls_database_create_certificate_handle;
	database_class->lookup_certificate_for_handle =
	    ct_tls_database_lookup_certificate_for_handle;
	database_class->lookup_certificate_issuer = ct_tls_database_lookup_certificate_issuer;
	database_class->lookup_certificates_issued_by =
	    ct_tls_database_lookup_certificates_issued_by;
}

static void
ct_tls_database_init(CtTlsDatabase *self)
{
}

CtTlsDatabase *
ct_tls_database_new(GTlsDatabase *system)
{
	CtTlsDatabase *self = g_object_new(CT_TYPE_TLS_DATABASE, NULL);

	self->system = g_object_ref(system);
	return self;
}

void
ct_tls_database_ensure_default(void)
{
	static gsize done = 0;

	if (g_once_init_enter(&done)) {
		GTlsBackend *backend = g_tls_backend_get_default();
		g_autoptr(GTlsDatabase) system = g_tls_backend_get_default_database(backend);
		if (system != NULL && !CT_IS_TLS_DATABASE(system)) {
			g_autoptr(CtTlsDatabase) database = ct_tls_database_new(system);
			g_tls_backend_set_default_database(backend, G_TLS_DATABASE(database));
		}
		g_once_init_leave(&done, 1);
	}
}
