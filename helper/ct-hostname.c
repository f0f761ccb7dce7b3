/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtHostname"

#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "ct-hostname.h"
#include "ct-public-suffix.h"

/* RFC 1035 limits, which browsers enforce on what the user typed */
#define CT_HOSTNAME_MAX 253
#define CT_HOSTNAME_LABEL_MAX 63
/* the reasons list at most this many SAN entries */
#define CT_HOSTNAME_LIST_MAX 8

void
ct_host_check_free(CtHostCheck *check)
{
	if (check == NULL)
		return;
	g_free(check->name);
	g_free(check->reference);
	g_free(check->strict.reason);
	g_free(check->legacy.reason);
	g_free(check->firefox.reason);
	g_free(check->chromium.reason);
	g_free(check);
}

static const gchar *const ct_hostname_policy_names[] = {"strict", "legacy", "firefox", "chromium"};

const gchar *
ct_hostname_policy_to_string(CtHostnamePolicy policy)
{
	if ((guint)policy >= G_N_ELEMENTS(ct_hostname_policy_names))
		return "strict";
	return ct_hostname_policy_names[policy];
}

gboolean
ct_hostname_policy_from_string(const gchar *text, CtHostnamePolicy *policy, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS(ct_hostname_policy_names); i++) {
		if (g_strcmp0(text, ct_hostname_policy_names[i]) == 0) {
			*policy = (CtHostnamePolicy)i;
			return TRUE;
		}
	}
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "unknown policy '%s': use strict, legacy, firefox or chromium", text);
	return FALSE;
}

const CtHostnameVerdict *
ct_host_check_get_verdict(const CtHostCheck *check, CtHostnamePolicy policy)
{
	switch (policy) {
	case CT_HOSTNAME_POLICY_LEGACY:
		return &check->legacy;
	case CT_HOSTNAME_POLICY_FIREFOX:
		return &check->firefox;
	case CT_HOSTNAME_POLICY_CHROMIUM:
		return &check->chromium;
	case CT_HOSTNAME_POLICY_STRICT:
	default:
		return &check->strict;
	}
}

gboolean
ct_host_check_browsers_differ(const CtHostCheck *check)
{
	return check->firefox.match != check->chromium.match;
}

/* one number of a WHATWG IPv4 address: decimal, 0x hex or 0-prefixed octal; -1 if not */
static gint64
ct_hostname_parse_ipv4_number(const gchar *text)
{
	guint base = 10;
	gint64 value = 0;

	if (text[0] == '\0')
		return -1;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		text += 2;
	} else if (text[0] == '0' && text[1] != '\0') {
		base = 8;
		text++;
	}
	for (; *text != '\0'; text++) {
		gint digit = g_ascii_xdigit_value(*text);
		if (digit < 0 || (guint)digit >= base)
			return -1;
		value = value * base + digit;
		if (value > G_MAXUINT32)
			return -1;
	}
	return value;
}

/* what a browser's address bar makes of "127.1", "0x7f.0.0.1" or "2130706433" */
static gboolean
ct_hostname_parse_ipv4(const gchar *text, guint8 out[4])
{
	g_auto(GStrv) parts = g_strsplit(text, ".", -1);
	guint n = g_strv_length(parts);
	gint64 numbers[4];
	guint64 address = 0;

	/* one trailing dot is allowed, as in "127.0.0.1." (the URL Standard's IPv4 parser) */
	if (n > 1 && parts[n - 1][0] == '\0')
		n--;
	if (n == 0 || n > 4)
		return FALSE;
	for (guint i = 0; i < n; i++) {
		numbers[i] = ct_hostname_parse_ipv4_number(parts[i]);
		if (numbers[i] < 0)
			return FALSE;
		if (i < n - 1 && numbers[i] > 255)
			return FALSE;
	}
	/* the last number fills the bytes the others left */
	if (numbers[n - 1] >= ((gint64)1 << (8 * (5 - n))))
		return FALSE;
	for (guint i = 0; i < n - 1; i++)
		address |= (guint64)numbers[i] << (8 * (3 - i));
	address |= (guint64)numbers[n - 1];
	for (guint i = 0; i < 4; i++)
		out[i] = (address >> (8 * (3 - i))) & 0xff;
	return TRUE;
}

/* does the last label look numeric? then a browser parses the whole name as IPv4; a
 * trailing dot ends no label, so "127." ends in a number (the URL Standard's checker) */
static gboolean
ct_hostname_ends_in_number(const gchar *name)
{
	gsize len = strlen(name);
	const gchar *last;

	if (len > 1 && name[len - 1] == '.')
		len--;
	last = g_strrstr_len(name, (gssize)len, ".");
	last = last != NULL ? last + 1 : name;
	if (last == name + len)
		return FALSE;
	if (last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
		return TRUE;
	for (const gchar *p = last; p < name + len; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
	}
	return TRUE;
}

/* the IP address in name as bytes (4 or 16), or 0 */
static gsize
ct_hostname_parse_ip(const gchar *name, guint8 out[16])
{
	g_autofree gchar *inner = NULL;

	if (name[0] == '[') {
		gsize len = strlen(name);
		if (len < 3 || name[len - 1] != ']')
			return 0;
		inner = g_strndup(name + 1, len - 2);
		return inet_pton(AF_INET6, inner, out) == 1 ? 16 : 0;
	}
	if (strchr(name, ':') != NULL)
		return inet_pton(AF_INET6, name, out) == 1 ? 16 : 0;
	if (ct_hostname_ends_in_number(name) && ct_hostname_parse_ipv4(name, out))
		return 4;
	return 0;
}

static gchar *
ct_hostname_ip_to_string(const guint8 *bytes, gsize len)
{
	gchar buf[INET6_ADDRSTRLEN] = {0};
	if (inet_ntop(len == 4 ? AF_INET : AF_INET6, bytes, buf, sizeof(buf)) == NULL)
		return g_strdup("");
	return g_strdup(buf);
}

static gboolean
ct_hostname_is_label_char(gchar c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '_';
}

/* a host name a browser would send: labels of letters, digits, '-' and '_' */
static gboolean
ct_hostname_is_valid_reference(const gchar *name, const gchar **why)
{
	gsize label = 0;
	gsize len = strlen(name);

	if (len == 0) {
		*why = "it is empty";
		return FALSE;
	}
	if (len > CT_HOSTNAME_MAX) {
		*why = "it is longer than 253 characters";
		return FALSE;
	}
	for (gsize i = 0; i <= len; i++) {
		if (name[i] == '.' || name[i] == '\0') {
			if (label == 0) {
				*why = "it has an empty label";
				return FALSE;
			}
			label = 0;
			continue;
		}
		if (!ct_hostname_is_label_char(name[i])) {
			*why = "it has a character that is not allowed in a host name";
			return FALSE;
		}
		if (++label > CT_HOSTNAME_LABEL_MAX) {
			*why = "it has a label longer than 63 characters";
			return FALSE;
		}
	}
	return TRUE;
}

/* the reference identifier: A-labels, lower case, no trailing dot; NULL with why */
static gchar *
ct_hostname_normalize(const gchar *name, const gchar **why)
{
	g_autofree gchar *copy = NULL;
	g_autofree gchar *ascii = NULL;
	gsize len = strlen(name);

	if (len > 4 * CT_HOSTNAME_MAX) {
		*why = "it is longer than 253 characters";
		return NULL;
	}
	if (!g_utf8_validate(name, -1, NULL)) {
		*why = "it is not valid UTF-8";
		return NULL;
	}
	copy = g_strdup(name);
	/* one trailing dot is the DNS root, which browsers ignore */
	if (len > 1 && copy[len - 1] == '.')
		copy[len - 1] = '\0';
	if (g_str_is_ascii(copy)) {
		ascii = g_ascii_strdown(copy, -1);
	} else {
		g_autofree gchar *converted = g_hostname_to_ascii(copy);
		if (converted == NULL) {
			*why = "it is not a valid internationalized domain name";
			return NULL;
		}
		ascii = g_ascii_strdown(converted, -1);
	}
	if (!ct_hostname_is_valid_reference(ascii, why))
		return NULL;
	return g_steal_pointer(&ascii);
}

gchar *
ct_hostname_canonical(const gchar *host, GError **error)
{
	guint8 ip[16];
	gsize ip_len;
	const gchar *why = NULL;
	gchar *canonical;

	g_return_val_if_fail(host != NULL, NULL);

	ip_len = strlen(host) <= 4 * CT_HOSTNAME_MAX ? ct_hostname_parse_ip(host, ip) : 0;
	if (ip_len > 0)
		return ct_hostname_ip_to_string(ip, ip_len);
	if (host[0] == '[' || strchr(host, ':') != NULL) {
		why = "it is neither a host name nor an IP address";
	} else if (ct_hostname_ends_in_number(host)) {
		why = "it ends in a number but is not an IPv4 address";
	} else {
		canonical = ct_hostname_normalize(host, &why);
		if (canonical != NULL)
			return canonical;
	}
	{
		g_autofree gchar *shown = g_utf8_make_valid(host, -1);
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "'%s' is not a valid host: %s",
			    shown, why);
	}
	return NULL;
}

static guint
ct_hostname_count_labels(const gchar *name)
{
	guint n = 1;
	for (const gchar *p = name; *p != '\0'; p++) {
		if (*p == '.')
			n++;
	}
	return n;
}

/* a presented dNSName that RFC 9525 can match: ASCII labels, "*" only as the whole
 * first label with two or more labels after it, no empty label, no trailing dot */
static gboolean
ct_hostname_is_valid_presented(const gchar *presented, gboolean *wildcard)
{
	const gchar *rest = presented;

	*wildcard = FALSE;
	if (g_str_has_prefix(presented, "*.")) {
		*wildcard = TRUE;
		rest = presented + 2;
		if (ct_hostname_count_labels(rest) < 2)
			return FALSE;
	}
	if (strlen(rest) > CT_HOSTNAME_MAX)
		return FALSE;
	for (const gchar *p = rest; *p != '\0'; p++) {
		if (*p == '.' && (p == rest || p[1] == '.' || p[1] == '\0'))
			return FALSE;
		if (*p != '.' && !ct_hostname_is_label_char(*p))
			return FALSE;
	}
	return rest[0] != '\0';
}

static gboolean
ct_hostname_strict_dns_match(const gchar *presented, const gchar *reference)
{
	gboolean wildcard = FALSE;
	const gchar *dot;

	if (!ct_hostname_is_valid_presented(presented, &wildcard))
		return FALSE;
	if (!wildcard)
		return g_ascii_strcasecmp(presented, reference) == 0;
	/* "*" stands for exactly one label, an IDN A-label too: measured, Firefox ESR 153 and
	 * Chromium 156 both load xn--bcher-kva.example.com under *.example.com (RFC 9525 only
	 * rules out a wildcard inside a label, which is not valid here) */
	dot = strchr(reference, '.');
	if (dot == NULL || dot == reference)
		return FALSE;
	return g_ascii_strcasecmp(presented + 1, dot) == 0;
}

/* the part of reference after its first label ("co.uk" for "foo.co.uk"), or NULL */
static const gchar *
ct_hostname_parent_domain(const gchar *reference)
{
	const gchar *dot = strchr(reference, '.');
	return dot != NULL && dot[1] != '\0' ? dot + 1 : NULL;
}

/* Chromium (net/cert/x509_certificate.cc VerifyHostname): no wildcard at all for a
 * name whose parent domain is registry-controlled (ICANN public suffixes and unknown
 * top-level labels; private registries such as appspot.com do not count), unless the
 * name is itself one */
static gboolean
ct_hostname_chromium_allows_wildcard(const gchar *reference)
{
	const gchar *parent = ct_hostname_parent_domain(reference);

	if (parent == NULL)
		return FALSE;
	return !ct_public_suffix_is_registry(parent) || ct_public_suffix_is_registry(reference);
}

static gboolean
ct_hostname_chromium_dns_match(const gchar *presented, const gchar *reference)
{
	if (g_str_has_prefix(presented, "*.") && !ct_hostname_chromium_allows_wildcard(reference))
		return FALSE;
	return ct_hostname_strict_dns_match(presented, reference);
}

/* KB258858: one '*', at the end of the first label (a prefix may stand before it), with
 * two or more labels after it, matching one label; without '*' a plain comparison */
static gboolean
ct_hostname_legacy_dns_match(const gchar *presented, const gchar *reference)
{
	const gchar *star = strchr(presented, '*');
	const gchar *first_dot = strchr(presented, '.');
	const gchar *reference_dot;
	gsize prefix_len;

	if (g_str_has_suffix(presented, "."))
		return FALSE;
	if (star == NULL)
		return g_ascii_strcasecmp(presented, reference) == 0;
	if (strchr(star + 1, '*') != NULL || first_dot == NULL || star + 1 != first_dot)
		return FALSE;
	if (ct_hostname_count_labels(first_dot + 1) < 2)
		return FALSE;
	prefix_len = (gsize)(star - presented);
	reference_dot = strchr(reference, '.');
	if (reference_dot == NULL || (gsize)(reference_dot - reference) < prefix_len)
		return FALSE;
	/* NSS: a partial wildcard never matches an IDN A-label */
	if (prefix_len > 0 && g_ascii_strncasecmp(reference, "xn--", 4) == 0)
		return FALSE;
	if (g_ascii_strncasecmp(presented, reference, prefix_len) != 0)
		return FALSE;
	return g_ascii_strcasecmp(first_dot, reference_dot) == 0;
}

static gboolean
ct_hostname_ip_entry_matches(const gchar *entry, const guint8 *ip, gsize ip_len)
{
	guint8 bytes[16];
	if (ip_len == 16)
		return inet_pton(AF_INET6, entry, bytes) == 1 && memcmp(bytes, ip, 16) == 0;
	return inet_pton(AF_INET, entry, bytes) == 1 && memcmp(bytes, ip, 4) == 0;
}

/* "DNS:a, DNS:b, IP:c" for a reason, at most CT_HOSTNAME_LIST_MAX entries */
static gchar *
ct_hostname_describe_san(const CtCertificate *certificate)
{
	GString *out = g_string_new(NULL);
	guint total = certificate->san_dns->len + certificate->san_ip->len;
	guint shown = 0;

	for (guint i = 0; i < certificate->san_dns->len && shown < CT_HOSTNAME_LIST_MAX; i++) {
		g_string_append_printf(out, "%sDNS:%s", shown > 0 ? ", " : "",
				       (const gchar *)g_ptr_array_index(certificate->san_dns, i));
		shown++;
	}
	for (guint i = 0; i < certificate->san_ip->len && shown < CT_HOSTNAME_LIST_MAX; i++) {
		g_string_append_printf(out, "%sIP:%s", shown > 0 ? ", " : "",
				       (const gchar *)g_ptr_array_index(certificate->san_ip, i));
		shown++;
	}
	if (total > shown)
		g_string_append_printf(out, " and %u more", total - shown);
	if (total == 0)
		g_string_append(out, "no DNS or IP entries");
	return g_string_free(out, FALSE);
}

static void
ct_hostname_set(CtHostnameVerdict *verdict, gboolean match, gchar *reason)
{
	verdict->match = match;
	verdict->reason = reason;
}

static void
ct_hostname_check_ip(CtHostCheck *check,
		     const CtCertificate *certificate,
		     const guint8 *ip,
		     gsize ip_len)
{
	g_autofree gchar *san = NULL;

	for (guint i = 0; i < certificate->san_ip->len; i++) {
		const gchar *entry = g_ptr_array_index(certificate->san_ip, i);
		if (!ct_hostname_ip_entry_matches(entry, ip, ip_len))
			continue;
		ct_hostname_set(&check->strict, TRUE, g_strdup_printf("SAN iPAddress %s", entry));
		ct_hostname_set(&check->legacy, TRUE, g_strdup_printf("SAN iPAddress %s", entry));
		return;
	}
	if (certificate->has_san) {
		san = ct_hostname_describe_san(certificate);
		ct_hostname_set(&check->strict, FALSE,
				g_strdup_printf("no SAN iPAddress entry is %s, and an IP address "
						"never matches a dNSName (SAN: %s)",
						check->reference, san));
		ct_hostname_set(&check->legacy, FALSE,
				g_strdup_printf("no SAN iPAddress entry is %s (SAN: %s)",
						check->reference, san));
		return;
	}
	ct_hostname_set(&check->strict, FALSE,
			g_strdup_printf("the certificate has no subjectAltName: an IP address only "
					"matches a SAN iPAddress entry, never the CN"));
	/* old browsers compared the text of the CN with what was typed */
	if (certificate->subject_cn != NULL &&
	    (g_ascii_strcasecmp(certificate->subject_cn, check->reference) == 0 ||
	     g_ascii_strcasecmp(certificate->subject_cn, check->name) == 0)) {
		ct_hostname_set(
		    &check->legacy, TRUE,
		    g_strdup_printf("no subjectAltName; the CN %s is the address as text",
				    certificate->subject_cn));
		return;
	}
	ct_hostname_set(&check->legacy, FALSE,
			certificate->subject_cn != NULL
			    ? g_strdup_printf("no subjectAltName and the CN %s is not %s",
					      certificate->subject_cn, check->reference)
			    : g_strdup("no subjectAltName and no CN"));
}

static const gchar *
ct_hostname_find_dns(const CtCertificate *certificate,
		     const gchar *reference,
		     gboolean (*match)(const gchar *, const gchar *))
{
	for (guint i = 0; i < certificate->san_dns->len; i++) {
		const gchar *entry = g_ptr_array_index(certificate->san_dns, i);
		if (match(entry, reference))
			return entry;
	}
	return NULL;
}

static gchar *
ct_hostname_describe_match(const gchar *where, const gchar *entry)
{
	if (strchr(entry, '*') != NULL)
		return g_strdup_printf("%s %s (wildcard for one label)", where, entry);
	return g_strdup_printf("%s %s", where, entry);
}

static void
ct_hostname_check_dns(CtHostCheck *check, const CtCertificate *certificate)
{
	const gchar *strict = ct_hostname_find_dns(certificate, check->reference,
						   ct_hostname_strict_dns_match);
	const gchar *legacy = ct_hostname_find_dns(certificate, check->reference,
						   ct_hostname_legacy_dns_match);
	g_autofree gchar *san = ct_hostname_describe_san(certificate);

	if (strict != NULL)
		ct_hostname_set(&check->strict, TRUE,
				ct_hostname_describe_match("SAN dNSName", strict));
	else if (certificate->has_san)
		ct_hostname_set(&check->strict, FALSE,
				g_strdup_printf("no SAN entry matches %s (SAN: %s)",
						check->reference, san));
	else
		ct_hostname_set(
		    &check->strict, FALSE,
		    certificate->subject_cn != NULL
			? g_strdup_printf("the certificate has no subjectAltName: modern browsers "
					  "never use the CN (%s)",
					  certificate->subject_cn)
			: g_strdup("the certificate has no subjectAltName and no CN"));

	if (legacy != NULL) {
		ct_hostname_set(&check->legacy, TRUE,
				ct_hostname_describe_match("SAN dNSName", legacy));
		return;
	}
	if (certificate->has_san) {
		ct_hostname_set(&check->legacy, FALSE,
				g_strdup_printf("no SAN entry matches %s (SAN: %s)",
						check->reference, san));
		return;
	}
	/* no subjectAltName at all: the most specific CN, as NSS and IE did */
	if (certificate->subject_cn != NULL &&
	    ct_hostname_legacy_dns_match(certificate->subject_cn, check->reference)) {
		ct_hostname_set(&check->legacy, TRUE,
				ct_hostname_describe_match("no subjectAltName; CN",
							   certificate->subject_cn));
		return;
	}
	ct_hostname_set(&check->legacy, FALSE,
			certificate->subject_cn != NULL
			    ? g_strdup_printf("no subjectAltName and the CN %s does not match %s",
					      certificate->subject_cn, check->reference)
			    : g_strdup("no subjectAltName and no CN"));
}

/* IP addresses and invalid names: both browsers decide as RFC 9525 does */
static void
ct_hostname_set_browsers_as_strict(CtHostCheck *check)
{
	ct_hostname_set(&check->firefox, check->strict.match, g_strdup(check->strict.reason));
	ct_hostname_set(&check->chromium, check->strict.match, g_strdup(check->strict.reason));
}

static void
ct_hostname_check_browsers(CtHostCheck *check, const CtCertificate *certificate)
{
	const gchar *chromium = NULL;
	const gchar *parent = ct_hostname_parent_domain(check->reference);

	/* Firefox: RFC 9525 as mozilla::pkix implements it */
	ct_hostname_set(&check->firefox, check->strict.match, g_strdup(check->strict.reason));
	if (!check->strict.match) {
		ct_hostname_set(&check->chromium, FALSE, g_strdup(check->strict.reason));
		return;
	}
	chromium = ct_hostname_find_dns(certificate, check->reference,
					ct_hostname_chromium_dns_match);
	if (chromium != NULL) {
		ct_hostname_set(&check->chromium, TRUE,
				ct_hostname_describe_match("SAN dNSName", chromium));
		return;
	}
	/* only a wildcard matched, and it stands over a registry-controlled domain */
	ct_hostname_set(&check->chromium, FALSE,
			g_strdup_printf("the wildcard *.%s covers a public suffix (%s): Chromium "
					"refuses such wildcards, Firefox accepts them",
					parent != NULL ? parent : "",
					parent != NULL ? parent : ""));
}

CtHostCheck *
ct_hostname_check(const CtCertificate *certificate, const gchar *name)
{
	g_autoptr(CtHostCheck) check = g_new0(CtHostCheck, 1);
	guint8 ip[16];
	gsize ip_len;
	const gchar *why = NULL;

	check->name = g_strdup(name != NULL ? name : "");
	ip_len = strlen(check->name) <= 4 * CT_HOSTNAME_MAX ? ct_hostname_parse_ip(check->name, ip)
							    : 0;
	if (ip_len > 0) {
		check->is_ip = TRUE;
		check->reference = ct_hostname_ip_to_string(ip, ip_len);
		ct_hostname_check_ip(check, certificate, ip, ip_len);
		ct_hostname_set_browsers_as_strict(check);
		return g_steal_pointer(&check);
	}
	/* a browser takes a name ending in a number as IPv4, and refuses it when it is not */
	if (ct_hostname_ends_in_number(check->name)) {
		why = "it ends in a number but is not an IPv4 address";
		check->reference = NULL;
	} else {
		check->reference = ct_hostname_normalize(check->name, &why);
	}
	if (check->reference == NULL) {
		ct_hostname_set(&check->strict, FALSE,
				g_strdup_printf("not a valid host name: %s", why));
		ct_hostname_set(&check->legacy, FALSE,
				g_strdup_printf("not a valid host name: %s", why));
		ct_hostname_set_browsers_as_strict(check);
		return g_steal_pointer(&check);
	}
	ct_hostname_check_dns(check, certificate);
	ct_hostname_check_browsers(check, certificate);
	return g_steal_pointer(&check);
}
