#define G_LOG_DOMAIN "CtChain"

#include "config.h"

#include <gio/gunixinputstream.h>

#include "ct-chain.h"
#include "ct-pem.h"

CtChain *
ct_chain_new(const gchar *source)
{
	CtChain *chain = g_new0(CtChain, 1);
	chain->source = g_strdup(source);
	chain->certificates = g_ptr_array_new_with_free_func((GDestroyNotify)ct_certificate_free);
	return chain;
}

void
ct_chain_free(CtChain *chain)
{
	if (chain == NULL)
		return;
	g_free(chain->source);
	g_free(chain->peer);
	g_free(chain->page_title);
	g_free(chain->redirect);
	g_ptr_array_unref(chain->certificates);
	g_free(chain);
}

const gchar *
ct_chain_tls_version_to_string(GTlsProtocolVersion version)
{
	switch (version) {
	case G_TLS_PROTOCOL_VERSION_SSL_3_0:
		return "SSL 3.0";
	case G_TLS_PROTOCOL_VERSION_TLS_1_0:
		return "TLS 1.0";
	case G_TLS_PROTOCOL_VERSION_TLS_1_1:
		return "TLS 1.1";
	case G_TLS_PROTOCOL_VERSION_TLS_1_2:
		return "TLS 1.2";
	case G_TLS_PROTOCOL_VERSION_TLS_1_3:
		return "TLS 1.3";
	case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
		return "DTLS 1.0";
	case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
		return "DTLS 1.2";
	case G_TLS_PROTOCOL_VERSION_UNKNOWN:
	default:
		return NULL;
	}
}

gboolean
ct_chain_tls_version_is_obsolete(CtChain *chain)
{
	return chain->tls_version == G_TLS_PROTOCOL_VERSION_SSL_3_0 ||
	       chain->tls_version == G_TLS_PROTOCOL_VERSION_TLS_1_0 ||
	       chain->tls_version == G_TLS_PROTOCOL_VERSION_TLS_1_1 ||
	       chain->tls_version == G_TLS_PROTOCOL_VERSION_DTLS_1_0;
}

static gboolean
ct_chain_contains(GPtrArray *certificates, CtCertificate *certificate)
{
	for (guint i = 0; i < certificates->len; i++) {
		CtCertificate *other = g_ptr_array_index(certificates, i);
		if (g_strcmp0(other->sha256, certificate->sha256) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
ct_chain_add_der(GPtrArray *certificates, GBytes *der, GError **error)
{
	g_autoptr(CtCertificate) certificate = ct_nssdb_parse_certificate(der, error);
	if (certificate == NULL)
		return FALSE;
	/* the same certificate twice in one input is one certificate */
	if (!ct_chain_contains(certificates, certificate))
		g_ptr_array_add(certificates, g_steal_pointer(&certificate));
	return TRUE;
}

/* a certificate, or a PKCS#7 SignedData (also found inside CERTIFICATE armour) */
static gboolean
ct_chain_add_der_or_pkcs7(GPtrArray *certificates, GBytes *der, GError **error)
{
	g_autoptr(GPtrArray) ders = NULL;

	if (!ct_nssdb_is_pkcs7(der)) {
		g_autofree gchar *other = ct_nssdb_describe_pkcs7_other(der);
		if (other != NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "a PKCS#7 %s, not signedData: it holds no certificates", other);
			return FALSE;
		}
		return ct_chain_add_der(certificates, der, error);
	}
	ders = ct_nssdb_decode_pkcs7(der, error);
	if (ders == NULL)
		return FALSE;
	for (guint i = 0; i < ders->len; i++) {
		if (!ct_chain_add_der(certificates, g_ptr_array_index(ders, i), error)) {
			g_prefix_error(error, "certificate %u of the PKCS#7: ", i + 1);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
ct_chain_label_is_certificate(const gchar *label)
{
	return g_strcmp0(label, "CERTIFICATE") == 0 || g_strcmp0(label, "X509 CERTIFICATE") == 0 ||
	       g_strcmp0(label, "PKCS7") == 0 || g_strcmp0(label, "CMS") == 0;
}

static gboolean
ct_chain_add_pem(GPtrArray *certificates, const guint8 *data, gsize len, GError **error)
{
	g_autoptr(GPtrArray) blocks = ct_pem_decode(data, len, error);
	g_autoptr(GString) skipped = g_string_new(NULL);

	if (blocks == NULL)
		return FALSE;
	for (guint i = 0; i < blocks->len; i++) {
		CtPemBlock *block = g_ptr_array_index(blocks, i);
		if (!ct_chain_label_is_certificate(block->label)) {
			g_string_append_printf(skipped, "%s%s", skipped->len > 0 ? ", " : "",
					       block->label);
			continue;
		}
		if (!ct_chain_add_der_or_pkcs7(certificates, block->der, error)) {
			g_prefix_error(error, "PEM block %u (%s): ", i + 1, block->label);
			return FALSE;
		}
	}
	if (certificates->len == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "no certificate among the PEM blocks (found %s)",
			    skipped->len > 0 ? skipped->str : "none");
		return FALSE;
	}
	return TRUE;
}

/* base64 without armour: what some tools paste; only letters of the alphabet */
static GBytes *
ct_chain_decode_bare_base64(const guint8 *data, gsize len)
{
	g_autofree gchar *text = NULL;
	guchar *decoded = NULL;
	gsize decoded_len = 0;
	gsize n = 0;

	for (gsize i = 0; i < len; i++) {
		if (g_ascii_isspace(data[i]))
			continue;
		if (!g_ascii_isalnum(data[i]) && data[i] != '+' && data[i] != '/' && data[i] != '=')
			return NULL;
		n++;
	}
	if (n < 16 || n % 4 != 0)
		return NULL;
	text = g_strndup((const gchar *)data, len);
	decoded = g_base64_decode(text, &decoded_len);
	return g_bytes_new_take(decoded, decoded_len);
}

static void
ct_chain_order(CtChain *chain)
{
	GPtrArray *certs = chain->certificates;
	g_autoptr(GPtrArray)
	    ordered = g_ptr_array_new_with_free_func((GDestroyNotify)ct_certificate_free);
	g_autofree gboolean *used = g_new0(gboolean, certs->len);
	guint leaf = 0;
	guint current;

	/* the leaf is the first certificate that issued none of the others */
	for (guint i = 0; i < certs->len; i++) {
		gboolean issued_another = FALSE;
		for (guint j = 0; j < certs->len && !issued_another; j++) {
			if (i != j && ct_nssdb_is_issued_by(g_ptr_array_index(certs, j),
							    g_ptr_array_index(certs, i)))
				issued_another = TRUE;
		}
		if (!issued_another) {
			leaf = i;
			break;
		}
	}
	current = leaf;
	used[current] = TRUE;
	g_ptr_array_add(ordered, g_ptr_array_index(certs, current));
	for (;;) {
		CtCertificate *cert = g_ptr_array_index(certs, current);
		guint next = G_MAXUINT;
		if (cert->self_signed)
			break;
		for (guint j = 0; j < certs->len; j++) {
			if (!used[j] && ct_nssdb_is_issued_by(cert, g_ptr_array_index(certs, j))) {
				next = j;
				break;
			}
		}
		if (next == G_MAXUINT)
			break;
		current = next;
		used[current] = TRUE;
		g_ptr_array_add(ordered, g_ptr_array_index(certs, current));
	}
	chain->path_length = ordered->len;
	for (guint i = 0; i < certs->len; i++) {
		if (!used[i])
			g_ptr_array_add(ordered, g_ptr_array_index(certs, i));
	}
	/* the new array owns the certificates now */
	g_ptr_array_set_free_func(certs, NULL);
	g_ptr_array_unref(certs);
	chain->certificates = g_steal_pointer(&ordered);
}

CtChain *
ct_chain_load_bytes(const gchar *source, GBytes *data, GError **error)
{
	g_autoptr(CtChain) chain = ct_chain_new(source);
	g_autoptr(GBytes) bare = NULL;
	gsize len = 0;
	const guint8 *buf = g_bytes_get_data(data, &len);
	gboolean ok;

	if (len == 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA, "the input is empty");
		return NULL;
	}
	if (ct_pem_contains_armor(buf, len)) {
		ok = ct_chain_add_pem(chain->certificates, buf, len, error);
	} else if (buf[0] == 0x30) {
		ok = ct_chain_add_der_or_pkcs7(chain->certificates, data, error);
	} else if ((bare = ct_chain_decode_bare_base64(buf, len)) != NULL) {
		ok = ct_chain_add_der_or_pkcs7(chain->certificates, bare, error);
	} else {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "not a certificate: expected DER, PEM, Base-64 or PKCS#7");
		return NULL;
	}
	if (!ok)
		return NULL;
	ct_chain_order(chain);
	return g_steal_pointer(&chain);
}

CtChain *
ct_chain_new_from_ders(const gchar *source, GPtrArray *ders, GError **error)
{
	g_autoptr(CtChain) chain = ct_chain_new(source);

	for (guint i = 0; i < ders->len; i++) {
		if (!ct_chain_add_der(chain->certificates, g_ptr_array_index(ders, i), error)) {
			g_prefix_error(error, "certificate %u: ", i + 1);
			return NULL;
		}
	}
	if (chain->certificates->len == 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_TLS, "no certificate was presented");
		return NULL;
	}
	ct_chain_order(chain);
	return g_steal_pointer(&chain);
}

static GBytes *
ct_chain_read_stream(GInputStream *stream, GCancellable *cancellable, GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	guint8 chunk[65536];

	for (;;) {
		gssize n = g_input_stream_read(stream, chunk, sizeof(chunk), cancellable, error);
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		if (buf->len + (gsize)n > CT_CHAIN_MAX_INPUT) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "larger than %u MiB: not a certificate file",
				    (guint)(CT_CHAIN_MAX_INPUT / (1024 * 1024)));
			return NULL;
		}
		g_byte_array_append(buf, chunk, (guint)n);
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
}

CtChain *
ct_chain_load_file(const gchar *path, GCancellable *cancellable, GError **error)
{
	g_autoptr(GInputStream) stream = NULL;
	g_autoptr(GBytes) data = NULL;
	g_autoptr(GError) error_local = NULL;
	CtChain *chain = NULL;

	if (g_strcmp0(path, "-") == 0) {
		stream = g_unix_input_stream_new(0, FALSE);
	} else {
		/* a path, never a URI: "https://..." is for the network commands */
		g_autoptr(GFile) file = g_file_new_for_path(path);
		stream = G_INPUT_STREAM(g_file_read(file, cancellable, &error_local));
		if (stream == NULL) {
			ct_error_convert(&error_local);
			if (g_error_matches(error_local, CT_ERROR, CT_ERROR_NOT_FOUND)) {
				g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND, "%s: no such file",
					    path);
				return NULL;
			}
			if (g_error_matches(error_local, CT_ERROR, CT_ERROR_INVALID_ARGS)) {
				g_set_error(
				    error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "%s: is a directory or special file, not a certificate file",
				    path);
				return NULL;
			}
			g_set_error(error, CT_ERROR, error_local->code, "cannot read %s: %s", path,
				    error_local->message);
			return NULL;
		}
	}
	data = ct_chain_read_stream(stream, cancellable, &error_local);
	if (data == NULL) {
		ct_error_convert(&error_local);
		g_set_error(error, CT_ERROR,
			    error_local->code == CT_ERROR_FAILED ? CT_ERROR_INVALID_DATA
								 : error_local->code,
			    "%s: %s", g_strcmp0(path, "-") == 0 ? "standard input" : path,
			    error_local->message);
		return NULL;
	}
	chain = ct_chain_load_bytes(path, data, error);
	if (chain == NULL)
		g_prefix_error(error, "%s: ", g_strcmp0(path, "-") == 0 ? "standard input" : path);
	return chain;
}

CtCertificate *
ct_chain_get_leaf(CtChain *chain)
{
	if (chain->certificates->len == 0)
		return NULL;
	return g_ptr_array_index(chain->certificates, 0);
}

CtChainRole
ct_chain_get_role(CtChain *chain, guint index)
{
	CtCertificate *certificate = g_ptr_array_index(chain->certificates, index);

	if (index == 0)
		return CT_CHAIN_ROLE_LEAF;
	if (index >= chain->path_length)
		return CT_CHAIN_ROLE_UNRELATED;
	if (index == chain->path_length - 1 && certificate->self_signed)
		return CT_CHAIN_ROLE_ROOT;
	return CT_CHAIN_ROLE_INTERMEDIATE;
}

const gchar *
ct_chain_role_to_string(CtChainRole role)
{
	switch (role) {
	case CT_CHAIN_ROLE_LEAF:
		return "leaf";
	case CT_CHAIN_ROLE_INTERMEDIATE:
		return "intermediate";
	case CT_CHAIN_ROLE_ROOT:
		return "root";
	case CT_CHAIN_ROLE_UNRELATED:
	default:
		return "unrelated";
	}
}

GPtrArray *
ct_chain_get_path(CtChain *chain)
{
	GPtrArray *path = g_ptr_array_new();
	for (guint i = 0; i < chain->path_length; i++)
		g_ptr_array_add(path, g_ptr_array_index(chain->certificates, i));
	return path;
}

static const struct {
	GTlsCertificateFlags flag;
	const gchar *name;
} ct_chain_problem_names[] = {
    {G_TLS_CERTIFICATE_UNKNOWN_CA, "unknown-ca"},
    {G_TLS_CERTIFICATE_BAD_IDENTITY, "bad-identity"},
    {G_TLS_CERTIFICATE_NOT_ACTIVATED, "not-activated"},
    {G_TLS_CERTIFICATE_EXPIRED, "expired"},
    {G_TLS_CERTIFICATE_REVOKED, "revoked"},
    {G_TLS_CERTIFICATE_INSECURE, "insecure"},
    {G_TLS_CERTIFICATE_GENERIC_ERROR, "generic-error"},
};

GPtrArray *
ct_chain_get_problem_names(CtChain *chain)
{
	GPtrArray *names = g_ptr_array_new();
	for (guint i = 0; i < G_N_ELEMENTS(ct_chain_problem_names); i++) {
		if (chain->problems & ct_chain_problem_names[i].flag)
			g_ptr_array_add(names, (gpointer)ct_chain_problem_names[i].name);
	}
	return names;
}
