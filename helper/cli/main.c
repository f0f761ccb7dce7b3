/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <locale.h>

#include "ct-cli.h"

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	return ct_cli_run(argc, argv);
}
