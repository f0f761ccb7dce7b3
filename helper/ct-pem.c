/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtPem"

#include "config.h"

#include <string.h>

#include "ct-pem.h"

#define CT_PEM_BEGIN "-----BEGIN "
#define CT_PEM_END "-----END "
#define CT_PEM_DASHES "-----"
#define CT_PEM_LABEL_MAX 64

typedef struct {
	const guint8 *data; /* the line without its line end */
	gsize len;
} CtPemLine;

typedef enum {
	CT_PEM_STATE_HEADERS, /* before the first base64 line: RFC 1421 headers allowed */
	CT_PEM_STATE_BASE64,
} CtPemState;

void
ct_pem_block_free(CtPemBlock *block)
{
	if (block == NULL)
		return;
	g_free(block->label);
	if (block->der != NULL)
		g_bytes_unref(block->der);
	g_free(block);
}

gboolean
ct_pem_contains_armor(const guint8 *data, gsize len)
{
	if (data == NULL || len < strlen(CT_PEM_BEGIN))
		return FALSE;
	return memmem(data, len, CT_PEM_BEGIN, strlen(CT_PEM_BEGIN)) != NULL;
}

static gboolean
ct_pem_is_space(guint8 c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* the line starting at *pos, ended by LF, CRLF, CR or the end of the data; one pass over
 * the bytes so that the whole scan stays linear whatever the line ends are */
static gboolean
ct_pem_next_line(const guint8 *data, gsize len, gsize *pos, CtPemLine *line)
{
	gsize i = *pos;

	if (i >= len)
		return FALSE;
	while (i < len && data[i] != '\n' && data[i] != '\r')
		i++;
	line->data = data + *pos;
	line->len = i - *pos;
	if (i < len && data[i] == '\r') {
		i++;
		if (i < len && data[i] == '\n')
			i++;
	} else if (i < len) {
		i++;
	}
	*pos = i;
	return TRUE;
}

/* leading and trailing blanks removed */
static void
ct_pem_line_strip(CtPemLine *line)
{
	while (line->len > 0 && ct_pem_is_space(line->data[0])) {
		line->data++;
		line->len--;
	}
	while (line->len > 0 && ct_pem_is_space(line->data[line->len - 1]))
		line->len--;
}

static gboolean
ct_pem_line_has_prefix(const CtPemLine *line, const gchar *prefix)
{
	gsize prefix_len = strlen(prefix);
	return line->len >= prefix_len && memcmp(line->data, prefix, prefix_len) == 0;
}

static gboolean
ct_pem_line_has_suffix(const CtPemLine *line, const gchar *suffix)
{
	gsize suffix_len = strlen(suffix);
	return line->len >= suffix_len &&
	       memcmp(line->data + line->len - suffix_len, suffix, suffix_len) == 0;
}

/* RFC 7468: printable ASCII without '-', with single spaces or hyphens between words */
static gboolean
ct_pem_label_is_valid(const guint8 *label, gsize len)
{
	if (len == 0 || len > CT_PEM_LABEL_MAX)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		guint8 c = label[i];
		if (c == ' ' || c == '-') {
			if (i == 0 || i == len - 1 || label[i - 1] == ' ' || label[i - 1] == '-')
				return FALSE;
			continue;
		}
		if (c < 0x21 || c > 0x7e)
			return FALSE;
	}
	return TRUE;
}

/* the label of a stripped "-----BEGIN LABEL-----" line, or NULL if malformed */
static gchar *
ct_pem_parse_begin(const CtPemLine *line)
{
	gsize begin_len = strlen(CT_PEM_BEGIN);
	gsize dashes_len = strlen(CT_PEM_DASHES);
	const guint8 *label;
	gsize label_len;

	if (!ct_pem_line_has_prefix(line, CT_PEM_BEGIN) || line->len < begin_len + dashes_len + 1 ||
	    !ct_pem_line_has_suffix(line, CT_PEM_DASHES))
		return NULL;
	label = line->data + begin_len;
	label_len = line->len - begin_len - dashes_len;
	if (!ct_pem_label_is_valid(label, label_len))
		return NULL;
	return g_strndup((const gchar *)label, label_len);
}

/* is a stripped line exactly "-----END LABEL-----"? */
static gboolean
ct_pem_is_end_for(const CtPemLine *line, const gchar *label)
{
	gsize end_len = strlen(CT_PEM_END);
	gsize label_len = strlen(label);
	gsize dashes_len = strlen(CT_PEM_DASHES);

	if (line->len != end_len + label_len + dashes_len)
		return FALSE;
	return ct_pem_line_has_prefix(line, CT_PEM_END) &&
	       memcmp(line->data + end_len, label, label_len) == 0 &&
	       ct_pem_line_has_suffix(line, CT_PEM_DASHES);
}

static gboolean
ct_pem_is_base64_char(guint8 c)
{
	return g_ascii_isalnum(c) || c == '+' || c == '/';
}

/* append the base64 characters of one line to str; '=' only as the final padding */
static gboolean
ct_pem_add_base64_line(GString *str, const CtPemLine *line, guint *padding)
{
	for (gsize i = 0; i < line->len; i++) {
		guint8 c = line->data[i];
		if (ct_pem_is_space(c))
			continue;
		if (c == '=') {
			if (*padding >= 2)
				return FALSE;
			(*padding)++;
		} else if (!ct_pem_is_base64_char(c) || *padding > 0) {
			return FALSE;
		}
		g_string_append_c(str, (gchar)c);
	}
	return TRUE;
}

static void
ct_pem_set_block_error(GError **error, guint number, const gchar *label, const gchar *what)
{
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA, "PEM block %u (%s): %s", number, label,
		    what);
}

/* the body after a BEGIN line, up to and including its END line; *pos moves past it;
 * label is (transfer full) and belongs to the block, also on error */
static CtPemBlock *
ct_pem_decode_body(const guint8 *data,
		   gsize len,
		   gsize *pos,
		   guint number,
		   gchar *label,
		   GError **error)
{
	g_autoptr(GString) str = g_string_new(NULL);
	g_autoptr(CtPemBlock) block = g_new0(CtPemBlock, 1);
	CtPemState state = CT_PEM_STATE_HEADERS;
	gboolean in_header = FALSE;
	guint padding = 0;
	CtPemLine line = {NULL, 0};
	guchar *der;
	gsize der_len = 0;

	block->label = label;
	for (;;) {
		gboolean continuation;

		if (!ct_pem_next_line(data, len, pos, &line)) {
			ct_pem_set_block_error(error, number, label, "no END line");
			return NULL;
		}
		continuation = line.len > 0 && ct_pem_is_space(line.data[0]);
		ct_pem_line_strip(&line);
		if (ct_pem_line_has_prefix(&line, CT_PEM_END)) {
			if (!ct_pem_is_end_for(&line, label)) {
				ct_pem_set_block_error(error, number, label,
						       "END line does not match the BEGIN line");
				return NULL;
			}
			break;
		}
		if (ct_pem_line_has_prefix(&line, CT_PEM_BEGIN)) {
			ct_pem_set_block_error(error, number, label,
					       "no END line before the next BEGIN line");
			return NULL;
		}
		if (line.len == 0) {
			/* a blank line ends the headers */
			in_header = FALSE;
			continue;
		}
		if (state == CT_PEM_STATE_HEADERS) {
			/* "Proc-Type: 4,ENCRYPTED" and friends, with indented continuations */
			if (memchr(line.data, ':', line.len) != NULL) {
				in_header = TRUE;
				continue;
			}
			if (in_header && continuation)
				continue;
			state = CT_PEM_STATE_BASE64;
		}
		if (!ct_pem_add_base64_line(str, &line, &padding)) {
			ct_pem_set_block_error(error, number, label, "invalid base64");
			return NULL;
		}
	}

	if (str->len == 0) {
		ct_pem_set_block_error(error, number, label, "empty body");
		return NULL;
	}
	if (str->len % 4 != 0) {
		ct_pem_set_block_error(error, number, label, "invalid base64");
		return NULL;
	}
	der = g_base64_decode(str->str, &der_len);
	block->der = g_bytes_new_take(der, der_len);
	return g_steal_pointer(&block);
}

GPtrArray *
ct_pem_decode(const guint8 *data, gsize len, GError **error)
{
	g_autoptr(GPtrArray)
	    blocks = g_ptr_array_new_with_free_func((GDestroyNotify)ct_pem_block_free);
	CtPemLine line = {NULL, 0};
	gsize pos = 0;

	g_return_val_if_fail(data != NULL || len == 0, NULL);

	/* nothing to look at until the first BEGIN marker */
	if (!ct_pem_contains_armor(data, len)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA, "no PEM block found");
		return NULL;
	}
	while (ct_pem_next_line(data, len, &pos, &line)) {
		CtPemBlock *block;
		gchar *label;
		guint number = blocks->len + 1;

		ct_pem_line_strip(&line);
		if (!ct_pem_line_has_prefix(&line, CT_PEM_BEGIN))
			continue;
		label = ct_pem_parse_begin(&line);
		if (label == NULL) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_DATA,
				    "PEM block %u: malformed BEGIN line", number);
			return NULL;
		}
		block = ct_pem_decode_body(data, len, &pos, number, label, error);
		if (block == NULL)
			return NULL;
		g_ptr_array_add(blocks, block);
	}
	if (blocks->len == 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_DATA, "no PEM block found");
		return NULL;
	}
	return g_steal_pointer(&blocks);
}

gchar *
ct_pem_encode(const gchar *label, GBytes *der)
{
	g_autofree gchar *b64 = NULL;
	GString *str;
	gsize b64_len;
	gsize der_len = 0;
	const guint8 *der_data;

	g_return_val_if_fail(label != NULL, NULL);
	g_return_val_if_fail(der != NULL, NULL);

	der_data = g_bytes_get_data(der, &der_len);
	b64 = g_base64_encode(der_data, der_len);
	b64_len = strlen(b64);
	str = g_string_sized_new(b64_len + (b64_len / 64 + 1) * 2 + 2 * strlen(label) + 64);
	g_string_append_printf(str, "-----BEGIN %s-----\r\n", label);
	for (gsize i = 0; i < b64_len; i += 64) {
		g_string_append_len(str, b64 + i, MIN(64, b64_len - i));
		g_string_append(str, "\r\n");
	}
	g_string_append_printf(str, "-----END %s-----\r\n", label);
	return g_string_free(str, FALSE);
}
