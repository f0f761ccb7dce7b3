/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtChain"

#include "config.h"

#include <gio/gunixinputstream.h>

#include "ct-chain.h"
#include "ct-escape.h"
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

/* bounds the parsing and the ordering a hostile file or server can ask for; checked
 * before any of them is parsed */
static gboolean
ct_chain_check_count(guint count, GError **error)
{
	if (count <= CT_CHAIN_MAX_CERTIFICATES)
		return TRUE;
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
		    "%u certificates, more than %u: not a certificate chain", count,
		    (guint)CT_CHAIN_MAX_CERTIFICATES);
	return FALSE;
}

static gboolean
ct_chain_add_der(GPtrArray *certificates, GBytes *der, GError **error)
{
	g_autoptr(CtCertificate) certificate = ct_nssdb_parse_certificate(der, error);
	if (certificate == NULL)
		return FALSE;
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
	if (ders == NULL || !ct_chain_check_count(certificates->len + ders->len, error))
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
	guint count = 0;

	if (blocks == NULL)
		return FALSE;
	for (guint i = 0; i < blocks->len; i++) {
		CtPemBlock *block = g_ptr_array_index(blocks, i);
		if (ct_chain_label_is_certificate(block->label))
			count++;
	}
	if (!ct_chain_check_count(count, error))
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

/* the certificates of a file or a server, indexed so that ordering them stays near-linear
 * whatever they hold: issuers are looked up by subject name (and key identifier first),
 * one signature check per distinct key under a name, and no more checks in all than a
 * budget that a real chain never comes near */
typedef struct {
	GPtrArray *certificates; /* CtCertificate*, not owned */
	GHashTable *by_subject;	 /* GBytes* subject DER -> GArray* of guint, in input order */
	GHashTable *by_key_id;	 /* GBytes* subjectKeyIdentifier -> GArray* of guint */
	guint *issuer;		 /* per certificate: the first issuer found, or G_MAXUINT */
	gboolean *issues;	 /* per certificate: it issued another one of the input */
	guint budget;		 /* signature checks left */
} CtChainIndex;

static void
ct_chain_index_add(GHashTable *table, GBytes *key, guint i)
{
	GArray *list = g_hash_table_lookup(table, key);

	if (list == NULL) {
		list = g_array_new(FALSE, FALSE, sizeof(guint));
		g_hash_table_insert(table, key, list);
	}
	g_array_append_val(list, i);
}

static void
ct_chain_index_clear(CtChainIndex *index)
{
	g_clear_pointer(&index->by_subject, g_hash_table_unref);
	g_clear_pointer(&index->by_key_id, g_hash_table_unref);
	g_clear_pointer(&index->issuer, g_free);
	g_clear_pointer(&index->issues, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CtChainIndex, ct_chain_index_clear)

static void
ct_chain_index_init(CtChainIndex *index, GPtrArray *certificates)
{
	index->certificates = certificates;
	index->by_subject = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, NULL,
						  (GDestroyNotify)g_array_unref);
	index->by_key_id = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, NULL,
						 (GDestroyNotify)g_array_unref);
	index->issuer = g_new(guint, certificates->len);
	index->issues = g_new0(gboolean, certificates->len);
	index->budget = 2 * certificates->len + 16;
	for (guint i = 0; i < certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(certificates, i);
		index->issuer[i] = G_MAXUINT;
		ct_chain_index_add(index->by_subject, certificate->subject_der, i);
		if (certificate->subject_key_id != NULL)
			ct_chain_index_add(index->by_key_id, certificate->subject_key_id, i);
	}
}

/* does candidate's key sign child? each distinct key under the name is checked once */
static gboolean
ct_chain_index_try(CtChainIndex *index,
		   guint child,
		   guint candidate,
		   GHashTable *tried,
		   gboolean *signs,
		   GError **error)
{
	CtCertificate *certificate = g_ptr_array_index(index->certificates, child);
	CtCertificate *other = g_ptr_array_index(index->certificates, candidate);

	*signs = FALSE;
	if (candidate == child || !g_bytes_equal(other->subject_der, certificate->issuer_der) ||
	    g_hash_table_contains(tried, other->spki_sha256_base64))
		return TRUE;
	g_hash_table_add(tried, other->spki_sha256_base64);
	if (index->budget == 0) {
		g_autofree gchar *name = ct_escape_for_terminal(certificate->issuer, -1, 80);
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "too many certificates named %s with different keys to find which "
			    "signed which: not a certificate chain",
			    name);
		return FALSE;
	}
	index->budget--;
	*signs = ct_nssdb_is_issued_by(certificate, other);
	return TRUE;
}

/* the key of the first of candidates (NULL for none) that signs child, in *key; nothing
 * is tried once *key is set */
static gboolean
ct_chain_index_find_signer(CtChainIndex *index,
			   guint child,
			   GArray *candidates,
			   GHashTable *tried,
			   const gchar **key,
			   GError **error)
{
	gboolean signs = FALSE;

	for (guint k = 0; candidates != NULL && k < candidates->len && *key == NULL; k++) {
		guint candidate = g_array_index(candidates, guint, k);
		if (!ct_chain_index_try(index, child, candidate, tried, &signs, error))
			return FALSE;
		if (signs)
			*key = ((CtCertificate *)g_ptr_array_index(index->certificates, candidate))
				   ->spki_sha256_base64;
	}
	return TRUE;
}

/* the issuer of child in the input (G_MAXUINT when none), marking every certificate with
 * that name and key as one that issues */
static gboolean
ct_chain_index_find_issuer(CtChainIndex *index, guint child, GError **error)
{
	CtCertificate *certificate = g_ptr_array_index(index->certificates, child);
	GArray *named = g_hash_table_lookup(index->by_subject, certificate->issuer_der);
	GArray *keyed = NULL;
	g_autoptr(GHashTable) tried = NULL;
	const gchar *key = NULL;

	if (certificate->self_signed || named == NULL)
		return TRUE;
	tried = g_hash_table_new(g_str_hash, g_str_equal);
	if (certificate->authority_key_id != NULL)
		keyed = g_hash_table_lookup(index->by_key_id, certificate->authority_key_id);
	/* the issuers the authority key id names first, then any of that name */
	if (!ct_chain_index_find_signer(index, child, keyed, tried, &key, error) ||
	    !ct_chain_index_find_signer(index, child, named, tried, &key, error))
		return FALSE;
	/* the same name and key sign the same certificates: all of them issued this one */
	for (guint k = 0; k < named->len && key != NULL; k++) {
		guint candidate = g_array_index(named, guint, k);
		CtCertificate *other = g_ptr_array_index(index->certificates, candidate);
		if (candidate == child || g_strcmp0(other->spki_sha256_base64, key) != 0)
			continue;
		index->issues[candidate] = TRUE;
		if (index->issuer[child] == G_MAXUINT)
			index->issuer[child] = candidate;
	}
	return TRUE;
}

/* "CN=a, CN=b and 3 more" for an error message, escaped */
static gchar *
ct_chain_describe(GPtrArray *certificates, GArray *which)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint k = 0; k < which->len && k < 3; k++) {
		CtCertificate *certificate = g_ptr_array_index(certificates,
							       g_array_index(which, guint, k));
		g_autofree gchar *name = ct_escape_for_terminal(certificate->subject, -1, 80);
		g_string_append_printf(text, "%s%s", k > 0 ? "; " : "", name);
	}
	if (which->len > 3)
		g_string_append_printf(text, " and %u more", which->len - 3);
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* the leaf of a file, by structure: the one certificate that signs nothing else in it and
 * is not a CA; else the one that signs nothing else (a CA's own file, an intermediate with
 * its root); several candidates are refused rather than guessed */
static gboolean
ct_chain_find_leaf(CtChainIndex *index, guint *leaf, GError **error)
{
	GPtrArray *certificates = index->certificates;
	g_autoptr(GArray) servers = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GArray) bottoms = g_array_new(FALSE, FALSE, sizeof(guint));
	GArray *found = NULL;
	g_autofree gchar *names = NULL;

	for (guint i = 0; i < certificates->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(certificates, i);
		if (index->issues[i])
			continue;
		g_array_append_val(bottoms, i);
		if (!certificate->ca_capable)
			g_array_append_val(servers, i);
	}
	found = servers->len > 0 ? servers : bottoms;
	if (found->len == 1) {
		*leaf = g_array_index(found, guint, 0);
		return TRUE;
	}
	if (found->len == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "no leaf: each of the %u certificates signs another one of them",
			    certificates->len);
		return FALSE;
	}
	names = ct_chain_describe(certificates, found);
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
		    "%u certificates could be the server's (%s): give a file with one server "
		    "certificate and the CAs above it",
		    found->len, names);
	return FALSE;
}

/* certificates leaf first, then its issuers toward the root (path_length of them), then
 * the unrelated ones in input order; a server's leaf is the first it sent (TLS says so),
 * a file's is found by structure; duplicates count once */
static gboolean
ct_chain_order(CtChain *chain, gboolean first_is_leaf, GError **error)
{
	g_autoptr(GPtrArray) certs = g_steal_pointer(&chain->certificates);
	g_autoptr(GPtrArray) ordered = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	g_autofree gboolean *used = NULL;
	g_auto(CtChainIndex) index = {0};
	guint current = 0;

	/* the same certificate twice in one input is one certificate */
	chain->certificates = g_ptr_array_new_with_free_func((GDestroyNotify)ct_certificate_free);
	for (guint i = 0; i < certs->len; i++) {
		CtCertificate *certificate = g_ptr_array_index(certs, i);
		if (!g_hash_table_add(seen, certificate->sha256))
			continue;
		g_ptr_array_add(chain->certificates, certificate);
		certs->pdata[i] = NULL;
	}
	if (chain->certificates->len == 0)
		return TRUE;
	ct_chain_index_init(&index, chain->certificates);
	for (guint i = 0; i < chain->certificates->len; i++) {
		if (!ct_chain_index_find_issuer(&index, i, error))
			return FALSE;
	}
	if (!first_is_leaf && !ct_chain_find_leaf(&index, &current, error))
		return FALSE;

	ordered = g_ptr_array_new_with_free_func((GDestroyNotify)ct_certificate_free);
	used = g_new0(gboolean, chain->certificates->len);
	while (current != G_MAXUINT && !used[current]) {
		CtCertificate *certificate = g_ptr_array_index(chain->certificates, current);
		CtCertificate *issuer = NULL;
		GArray *named = NULL;
		guint next = G_MAXUINT;

		used[current] = TRUE;
		g_ptr_array_add(ordered, certificate);
		if (index.issuer[current] == G_MAXUINT)
			break;
		/* the first one not on the path yet with the issuer's name and key */
		issuer = g_ptr_array_index(chain->certificates, index.issuer[current]);
		named = g_hash_table_lookup(index.by_subject, certificate->issuer_der);
		for (guint k = 0; k < named->len && next == G_MAXUINT; k++) {
			guint candidate = g_array_index(named, guint, k);
			CtCertificate *other = g_ptr_array_index(chain->certificates, candidate);
			if (!used[candidate] &&
			    g_strcmp0(other->spki_sha256_base64, issuer->spki_sha256_base64) == 0)
				next = candidate;
		}
		current = next;
	}
	chain->path_length = ordered->len;
	for (guint i = 0; i < chain->certificates->len; i++) {
		if (!used[i])
			g_ptr_array_add(ordered, g_ptr_array_index(chain->certificates, i));
	}
	/* the new array owns the certificates now */
	g_ptr_array_set_free_func(chain->certificates, NULL);
	g_ptr_array_unref(chain->certificates);
	chain->certificates = g_steal_pointer(&ordered);
	return TRUE;
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
	if (!ok || !ct_chain_order(chain, FALSE, error))
		return NULL;
	return g_steal_pointer(&chain);
}

CtChain *
ct_chain_new_from_ders(const gchar *source, GPtrArray *ders, GError **error)
{
	g_autoptr(CtChain) chain = ct_chain_new(source);

	if (!ct_chain_check_count(ders->len, error))
		return NULL;
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
	if (!ct_chain_order(chain, TRUE, error))
		return NULL;
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
				/* a bare word is a file (ct-source.h); it may have been meant as
				 * a server with a short name */
				gboolean bare = strchr(path, '/') == NULL &&
						strchr(path, '.') == NULL;
				g_set_error(
				    error, CT_ERROR, CT_ERROR_NOT_FOUND,
				    bare ? "%s: no such file (a server: %s:443 or https://%s/)"
					 : "%s: no such file",
				    path, path, path);
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
