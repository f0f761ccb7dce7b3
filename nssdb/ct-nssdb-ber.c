/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtNssDb"

#include "config.h"

#include "ct-nssdb-private.h"

/* deeper nesting than any certificate or PKCS#7 needs; bounds the recursion on hostile
 * input */
#define CT_NSSDB_BER_MAX_DEPTH 64

typedef struct {
	gsize len;		/* the whole input */
	gsize first_indefinite; /* offset of the first indefinite length, or G_MAXSIZE */
} CtNssDbBerWalk;

/* tag and length octets of the element at pos: *content is where its contents start,
 * *content_len their length, or G_MAXSIZE for the indefinite form */
static gboolean
ct_nssdb_ber_read_header(CtNssDbBerWalk *walk,
			 const guint8 *data,
			 gsize pos,
			 gboolean *constructed,
			 gsize *content,
			 gsize *content_len,
			 GError **error)
{
	gsize i = pos + 1;
	guint8 first;

	if (pos + 2 > walk->len) {
		g_set_error(
		    error, CT_ERROR, CT_ERROR_INVALID_DATA,
		    "truncated at byte %" G_GSIZE_FORMAT
		    ": the input ends inside the element that starts at byte %" G_GSIZE_FORMAT,
		    walk->len, pos);
		return FALSE;
	}
	*constructed = (data[pos] & 0x20) != 0;
	/* the high tag number form: more tag octets while bit 8 is set */
	if ((data[pos] & 0x1f) == 0x1f) {
		while (i < walk->len && (data[i] & 0x80) != 0)
			i++;
		i++;
	}
	if (i >= walk->len) {
		g_set_error(
		    error, CT_ERROR, CT_ERROR_INVALID_DATA,
		    "truncated at byte %" G_GSIZE_FORMAT
		    ": the input ends inside the element that starts at byte %" G_GSIZE_FORMAT,
		    walk->len, pos);
		return FALSE;
	}
	first = data[i++];
	if (first < 0x80) {
		*content_len = first;
	} else if (first == 0x80) {
		if (!*constructed) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "the primitive element at byte %" G_GSIZE_FORMAT
				    " has an indefinite length, which BER allows only for "
				    "constructed elements",
				    pos);
			return FALSE;
		}
		*content_len = G_MAXSIZE;
		if (walk->first_indefinite == G_MAXSIZE)
			walk->first_indefinite = pos;
	} else {
		guint n = first & 0x7f;
		gsize value = 0;
		if (n == 0x7f || n > sizeof(gsize) || i + n > walk->len) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "the element at byte %" G_GSIZE_FORMAT
				    " has a length of %u octets, %s",
				    pos, n,
				    i + n > walk->len ? "beyond the end of the input" : "too long");
			return FALSE;
		}
		for (guint k = 0; k < n; k++)
			value = (value << 8) | data[i + k];
		i += n;
		*content_len = value;
	}
	*content = i;
	return TRUE;
}

/* the element at pos; *end is the offset just after it */
static gboolean
ct_nssdb_ber_walk(CtNssDbBerWalk *walk,
		  const guint8 *data,
		  gsize pos,
		  guint depth,
		  gsize *end,
		  GError **error)
{
	gboolean constructed = FALSE;
	gsize content = 0;
	gsize content_len = 0;
	gsize child;

	if (depth > CT_NSSDB_BER_MAX_DEPTH) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "the element at byte %" G_GSIZE_FORMAT " is nested more than %d deep",
			    pos, CT_NSSDB_BER_MAX_DEPTH);
		return FALSE;
	}
	if (!ct_nssdb_ber_read_header(walk, data, pos, &constructed, &content, &content_len, error))
		return FALSE;
	if (content_len != G_MAXSIZE) {
		if (content_len > walk->len - content) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "truncated at byte %" G_GSIZE_FORMAT
				    ": the element at byte %" G_GSIZE_FORMAT
				    " needs %" G_GSIZE_FORMAT " bytes up to byte %" G_GSIZE_FORMAT,
				    walk->len, pos, content - pos + content_len,
				    content + content_len);
			return FALSE;
		}
		*end = content + content_len;
		return TRUE;
	}

	/* indefinite: the elements inside, up to the end-of-contents octets 00 00 */
	child = content;
	for (;;) {
		/* fewer than two bytes left: not even room for the end-of-contents */
		if (child + 2 > walk->len) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "truncated at byte %" G_GSIZE_FORMAT
				    ": no end-of-contents for the indefinite-length element at "
				    "byte %" G_GSIZE_FORMAT,
				    walk->len, pos);
			return FALSE;
		}
		if (data[child] == 0x00 && data[child + 1] == 0x00) {
			*end = child + 2;
			return TRUE;
		}
		if (!ct_nssdb_ber_walk(walk, data, child, depth + 1, &child, error))
			return FALSE;
	}
}

gboolean
ct_nssdb_ber_measure(const guint8 *data,
		     gsize len,
		     gsize *size,
		     gsize *first_indefinite,
		     GError **error)
{
	CtNssDbBerWalk walk = {len, G_MAXSIZE};
	gsize end = 0;

	if (len == 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA, "the input is empty");
		return FALSE;
	}
	if (!ct_nssdb_ber_walk(&walk, data, 0, 0, &end, error))
		return FALSE;
	if (size != NULL)
		*size = end;
	if (first_indefinite != NULL)
		*first_indefinite = walk.first_indefinite;
	return TRUE;
}

gboolean
ct_nssdb_ber_check_single(const guint8 *data, gsize len, gboolean der, GError **error)
{
	gsize size = 0;
	gsize indefinite = G_MAXSIZE;

	if (!ct_nssdb_ber_measure(data, len, &size, &indefinite, error))
		return FALSE;
	if (der && indefinite != G_MAXSIZE) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "indefinite length at byte %" G_GSIZE_FORMAT
			    ": a certificate must be DER (definite lengths only)",
			    indefinite);
		return FALSE;
	}
	if (size != len) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
			    "trailing data after byte %" G_GSIZE_FORMAT " (%" G_GSIZE_FORMAT
			    " more bytes)",
			    size, len - size);
		return FALSE;
	}
	return TRUE;
}
