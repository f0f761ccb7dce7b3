#pragma once

#include <gio/gio.h>

#define CT_ERROR ct_error_quark()

/* append-only: the numbers are part of the --json contract */
typedef enum {
	CT_ERROR_FAILED,	    /* something went wrong that has no better code */
	CT_ERROR_INVALID_ARGS,	    /* the command line is wrong (exit 2) */
	CT_ERROR_INVALID_DATA,	    /* an input is malformed: not a certificate, bad base64 */
	CT_ERROR_NOT_FOUND,	    /* a file, store or certificate does not exist (exit 3) */
	CT_ERROR_PERMISSION_DENIED, /* the operating system refused access */
	CT_ERROR_BUSY,		    /* a database or profile is locked by another program */
	CT_ERROR_NOT_REACHABLE,	    /* the server could not be reached (exit 5) */
	CT_ERROR_TLS,		    /* the TLS handshake failed (exit 5) */
	CT_ERROR_CHECK_FAILED,	/* a check came out negative: name mismatch, not trusted (exit 4) */
	CT_ERROR_CANCELLED,	/* interrupted by the user (exit 130) */
	CT_ERROR_REFUSED,	/* refused for safety: needs --allow-ca, browser running (exit 6) */
	CT_ERROR_NOT_SUPPORTED, /* not possible here (exit 1) */
	CT_ERROR_EXISTS,	/* an output exists and --force was not given (exit 1) */
	CT_ERROR_LAST
} CtError;

GQuark
ct_error_quark(void);
const gchar *
ct_error_to_string(CtError code);
/* the exit status of a command that ends with error (0 for none) or with a code */
gint
ct_error_get_exit_status(const GError *error);
gint
ct_error_code_get_exit_status(CtError code);
void
ct_error_convert(GError **error);
/* the code for a failed system call's errno on a path: missing, not allowed, exists, not a
 * usable path (a directory, a loop, too long), else CT_ERROR_FAILED */
CtError
ct_error_code_from_errno(gint errsv);
