/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtServe"

#include "config.h"

#include "ct-serve-record-guard.h"

/* TLS record header: type (1), version (2), length (2) */
#define CT_SERVE_RECORD_HEADER 5
#define CT_SERVE_RECORD_HANDSHAKE 22

/* the input side: the connection's bytes, passed on while the record headers are read */
#define CT_TYPE_SERVE_RECORD_INPUT (ct_serve_record_input_get_type())
G_DECLARE_FINAL_TYPE(CtServeRecordInput,
		     ct_serve_record_input,
		     CT,
		     SERVE_RECORD_INPUT,
		     GInputStream)

struct _CtServeRecordInput {
	GInputStream parent_instance;
	GInputStream *base; /* pollable */
	gboolean armed;
	gboolean refused;
	guint8 header[CT_SERVE_RECORD_HEADER];
	guint header_length; /* bytes of the next header seen so far */
	gsize body_left;     /* bytes of the current record still to come */
};

static void
ct_serve_record_input_pollable_init(GPollableInputStreamInterface *iface);

G_DEFINE_TYPE_WITH_CODE(CtServeRecordInput,
			ct_serve_record_input,
			G_TYPE_INPUT_STREAM,
			G_IMPLEMENT_INTERFACE(G_TYPE_POLLABLE_INPUT_STREAM,
					      ct_serve_record_input_pollable_init))

/* follow the record boundaries through the bytes just read; FALSE at a refused record */
static gboolean
ct_serve_record_input_scan(CtServeRecordInput *self, const guint8 *data, gsize length)
{
	gsize at = 0;

	while (at < length) {
		if (self->body_left > 0) {
			gsize skip = MIN(self->body_left, length - at);
			self->body_left -= skip;
			at += skip;
			continue;
		}
		self->header[self->header_length++] = data[at++];
		if (self->header_length < CT_SERVE_RECORD_HEADER)
			continue;
		self->header_length = 0;
		self->body_left = ((gsize)self->header[3] << 8) | self->header[4];
		if (self->armed && self->header[0] == CT_SERVE_RECORD_HANDSHAKE)
			self->refused = TRUE;
	}
	return !self->refused;
}

static gssize
ct_serve_record_input_checked(CtServeRecordInput *self, void *buffer, gssize got, GError **error)
{
	if (got <= 0)
		return got;
	if (!ct_serve_record_input_scan(self, buffer, (gsize)got)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
				    "client-initiated TLS renegotiation refused");
		return -1;
	}
	return got;
}

static gssize
ct_serve_record_input_read(GInputStream *stream,
			   void *buffer,
			   gsize count,
			   GCancellable *cancellable,
			   GError **error)
{
	CtServeRecordInput *self = CT_SERVE_RECORD_INPUT(stream);

	if (self->refused) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
				    "client-initiated TLS renegotiation refused");
		return -1;
	}
	return ct_serve_record_input_checked(self, buffer,
					     g_input_stream_read(self->base, buffer, count,
								 cancellable, error),
					     error);
}

static gssize
ct_serve_record_input_read_nonblocking(GPollableInputStream *stream,
				       void *buffer,
				       gsize count,
				       GError **error)
{
	CtServeRecordInput *self = CT_SERVE_RECORD_INPUT(stream);

	if (self->refused) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
				    "client-initiated TLS renegotiation refused");
		return -1;
	}
	return ct_serve_record_input_checked(
	    self, buffer,
	    g_pollable_input_stream_read_nonblocking(G_POLLABLE_INPUT_STREAM(self->base), buffer,
						     count, NULL, error),
	    error);
}

static gboolean
ct_serve_record_input_can_poll(GPollableInputStream *stream)
{
	return TRUE;
}

static gboolean
ct_serve_record_input_is_readable(GPollableInputStream *stream)
{
	CtServeRecordInput *self = CT_SERVE_RECORD_INPUT(stream);
	return self->refused ||
	       g_pollable_input_stream_is_readable(G_POLLABLE_INPUT_STREAM(self->base));
}

static GSource *
ct_serve_record_input_create_source(GPollableInputStream *stream, GCancellable *cancellable)
{
	CtServeRecordInput *self = CT_SERVE_RECORD_INPUT(stream);
	g_autoptr(GSource)
	    base = g_pollable_input_stream_create_source(G_POLLABLE_INPUT_STREAM(self->base), NULL);
	return g_pollable_source_new_full(stream, base, cancellable);
}

static void
ct_serve_record_input_pollable_init(GPollableInputStreamInterface *iface)
{
	iface->can_poll = ct_serve_record_input_can_poll;
	iface->is_readable = ct_serve_record_input_is_readable;
	iface->create_source = ct_serve_record_input_create_source;
	iface->read_nonblocking = ct_serve_record_input_read_nonblocking;
}

static void
ct_serve_record_input_finalize(GObject *object)
{
	CtServeRecordInput *self = CT_SERVE_RECORD_INPUT(object);
	g_clear_object(&self->base);
	G_OBJECT_CLASS(ct_serve_record_input_parent_class)->finalize(object);
}

static void
ct_serve_record_input_class_init(CtServeRecordInputClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ct_serve_record_input_finalize;
	G_INPUT_STREAM_CLASS(klass)->read_fn = ct_serve_record_input_read;
}

static void
ct_serve_record_input_init(CtServeRecordInput *self)
{
}

struct _CtServeRecordGuard {
	GIOStream parent_instance;
	GIOStream *connection;
	CtServeRecordInput *input;
};

G_DEFINE_TYPE(CtServeRecordGuard, ct_serve_record_guard, G_TYPE_IO_STREAM)

static GInputStream *
ct_serve_record_guard_get_input_stream(GIOStream *stream)
{
	return G_INPUT_STREAM(CT_SERVE_RECORD_GUARD(stream)->input);
}

static GOutputStream *
ct_serve_record_guard_get_output_stream(GIOStream *stream)
{
	return g_io_stream_get_output_stream(CT_SERVE_RECORD_GUARD(stream)->connection);
}

static gboolean
ct_serve_record_guard_close(GIOStream *stream, GCancellable *cancellable, GError **error)
{
	return g_io_stream_close(CT_SERVE_RECORD_GUARD(stream)->connection, cancellable, error);
}

static void
ct_serve_record_guard_finalize(GObject *object)
{
	CtServeRecordGuard *self = CT_SERVE_RECORD_GUARD(object);
	g_clear_object(&self->input);
	g_clear_object(&self->connection);
	G_OBJECT_CLASS(ct_serve_record_guard_parent_class)->finalize(object);
}

static void
ct_serve_record_guard_class_init(CtServeRecordGuardClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ct_serve_record_guard_finalize;
	G_IO_STREAM_CLASS(klass)->get_input_stream = ct_serve_record_guard_get_input_stream;
	G_IO_STREAM_CLASS(klass)->get_output_stream = ct_serve_record_guard_get_output_stream;
	G_IO_STREAM_CLASS(klass)->close_fn = ct_serve_record_guard_close;
}

static void
ct_serve_record_guard_init(CtServeRecordGuard *self)
{
}

GIOStream *
ct_serve_record_guard_new(GIOStream *connection)
{
	CtServeRecordGuard *self = g_object_new(CT_TYPE_SERVE_RECORD_GUARD, NULL);

	self->connection = g_object_ref(connection);
	self->input = g_object_new(CT_TYPE_SERVE_RECORD_INPUT, NULL);
	self->input->base = g_object_ref(g_io_stream_get_input_stream(connection));
	return G_IO_STREAM(self);
}

void
ct_serve_record_guard_arm(CtServeRecordGuard *self)
{
	self->input->armed = TRUE;
}
