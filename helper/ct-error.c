#define G_LOG_DOMAIN "CtError"

#include "config.h"

#include <errno.h>

#include "ct-error.h"

GQuark
ct_error_quark(void)
{
	static GQuark quark = 0;
	if (quark == 0)
		quark = g_quark_from_static_string("CtError");
	return quark;
}

const gchar *
ct_error_to_string(CtError code)
{
	switch (code) {
	case CT_ERROR_FAILED:
		return "failed";
	case CT_ERROR_INVALID_ARGS:
		return "invalid-args";
	case CT_ERROR_INVALID_DATA:
		return "invalid-data";
	case CT_ERROR_NOT_FOUND:
		return "not-found";
	case CT_ERROR_PERMISSION_DENIED:
		return "permission-denied";
	case CT_ERROR_BUSY:
		return "busy";
	case CT_ERROR_NOT_REACHABLE:
		return "not-reachable";
	case CT_ERROR_TLS:
		return "tls";
	case CT_ERROR_CHECK_FAILED:
		return "check-failed";
	case CT_ERROR_CANCELLED:
		return "cancelled";
	case CT_ERROR_REFUSED:
		return "refused";
	case CT_ERROR_NOT_SUPPORTED:
		return "not-supported";
	case CT_ERROR_EXISTS:
		return "exists";
	case CT_ERROR_LAST:
	default:
		return "unknown";
	}
}

/* the one place where an error code becomes an exit status (DESIGN.md section 4) */
gint
ct_error_code_get_exit_status(CtError code)
{
	switch (code) {
	case CT_ERROR_INVALID_ARGS:
		return 2;
	case CT_ERROR_NOT_FOUND:
		return 3;
	case CT_ERROR_CHECK_FAILED:
		return 4;
	case CT_ERROR_NOT_REACHABLE:
	case CT_ERROR_TLS:
		return 5;
	case CT_ERROR_REFUSED:
		return 6;
	case CT_ERROR_CANCELLED:
		return 130;
	default:
		return 1;
	}
}

gint
ct_error_get_exit_status(const GError *error)
{
	if (error == NULL)
		return 0;
	if (error->domain != CT_ERROR)
		return ct_error_code_get_exit_status(CT_ERROR_FAILED);
	return ct_error_code_get_exit_status((CtError)error->code);
}

static CtError
ct_error_code_from_io(gint code)
{
	switch (code) {
	case G_IO_ERROR_NOT_FOUND:
		return CT_ERROR_NOT_FOUND;
	case G_IO_ERROR_EXISTS:
		return CT_ERROR_EXISTS;
	case G_IO_ERROR_PERMISSION_DENIED:
	case G_IO_ERROR_READ_ONLY:
		return CT_ERROR_PERMISSION_DENIED;
	case G_IO_ERROR_INVALID_ARGUMENT:
	case G_IO_ERROR_IS_DIRECTORY:
	case G_IO_ERROR_NOT_REGULAR_FILE:
		return CT_ERROR_INVALID_ARGS;
	case G_IO_ERROR_INVALID_DATA:
	case G_IO_ERROR_PARTIAL_INPUT:
		return CT_ERROR_INVALID_DATA;
	case G_IO_ERROR_BUSY:
	case G_IO_ERROR_WOULD_BLOCK:
		return CT_ERROR_BUSY;
	case G_IO_ERROR_CANCELLED:
		return CT_ERROR_CANCELLED;
	case G_IO_ERROR_TIMED_OUT:
	case G_IO_ERROR_HOST_NOT_FOUND:
	case G_IO_ERROR_HOST_UNREACHABLE:
	case G_IO_ERROR_NETWORK_UNREACHABLE:
	case G_IO_ERROR_CONNECTION_REFUSED:
	case G_IO_ERROR_CONNECTION_CLOSED:
		return CT_ERROR_NOT_REACHABLE;
	case G_IO_ERROR_NOT_SUPPORTED:
		return CT_ERROR_NOT_SUPPORTED;
	default:
		return CT_ERROR_FAILED;
	}
}

static CtError
ct_error_code_from_file(gint code)
{
	switch (code) {
	case G_FILE_ERROR_NOENT:
		return CT_ERROR_NOT_FOUND;
	case G_FILE_ERROR_EXIST:
		return CT_ERROR_EXISTS;
	case G_FILE_ERROR_ACCES:
	case G_FILE_ERROR_PERM:
	case G_FILE_ERROR_ROFS:
		return CT_ERROR_PERMISSION_DENIED;
	case G_FILE_ERROR_ISDIR:
	case G_FILE_ERROR_NOTDIR:
	case G_FILE_ERROR_NAMETOOLONG:
		return CT_ERROR_INVALID_ARGS;
	case G_FILE_ERROR_INTR:
		return CT_ERROR_CANCELLED;
	default:
		return CT_ERROR_FAILED;
	}
}

CtError
ct_error_code_from_errno(gint errsv)
{
	switch (errsv) {
	case ENOENT:
	case ENOTDIR:
		return CT_ERROR_NOT_FOUND;
	case EACCES:
	case EPERM:
	case EROFS:
		return CT_ERROR_PERMISSION_DENIED;
	case EEXIST:
		return CT_ERROR_EXISTS;
	case EISDIR:
	case ENAMETOOLONG:
	case ELOOP:
		return CT_ERROR_INVALID_ARGS;
	default:
		return CT_ERROR_FAILED;
	}
}

/* convert a foreign GError into CT_ERROR, keeping the message; call once, at a boundary */
void
ct_error_convert(GError **error)
{
	GError *err;

	if (error == NULL || *error == NULL)
		return;
	err = *error;
	if (err->domain == CT_ERROR)
		return;
	if (err->domain == G_IO_ERROR)
		err->code = ct_error_code_from_io(err->code);
	else if (err->domain == G_FILE_ERROR)
		err->code = ct_error_code_from_file(err->code);
	else if (err->domain == G_OPTION_ERROR)
		err->code = CT_ERROR_INVALID_ARGS;
	else if (err->domain == G_TLS_ERROR)
		err->code = CT_ERROR_TLS;
	else if (err->domain == G_RESOLVER_ERROR)
		err->code = CT_ERROR_NOT_REACHABLE;
	else
		err->code = CT_ERROR_FAILED;
	err->domain = CT_ERROR;
}
