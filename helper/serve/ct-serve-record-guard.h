/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

/* the TCP stream under serve's TLS, watching the TLS records the client sends: once the
 * handshake is done (ct_serve_record_guard_arm), a client's handshake record can only be
 * a renegotiation (TLS 1.3 sends none), which GnuTLS would accept; the read fails instead
 * and the connection ends, as with Tomcat's refusal */

#define CT_TYPE_SERVE_RECORD_GUARD (ct_serve_record_guard_get_type())
G_DECLARE_FINAL_TYPE(CtServeRecordGuard, ct_serve_record_guard, CT, SERVE_RECORD_GUARD, GIOStream)

/* wraps a TCP connection; closing the guard closes it */
GIOStream *
ct_serve_record_guard_new(GIOStream *connection); /* (transfer full) */
/* from now on a client handshake record is refused */
void
ct_serve_record_guard_arm(CtServeRecordGuard *self);
