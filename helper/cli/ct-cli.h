/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "ct-chain.h"
#include "ct-error.h"
#include "ct-fetch.h"

typedef struct _CtCliCommand CtCliCommand;

/* the state every command shares: global options and where output goes */
typedef struct {
	gboolean json;
	gboolean verbose;
	gboolean yes;
	gchar *sysroot;
	gboolean colour;
	gboolean json_printed;	  /* the one JSON document is out: an error adds none */
	gboolean progress_shown;  /* a progress line is on stderr (ct-cli-progress.c) */
	gboolean error_printed;	  /* the command's error is out: the end adds it no more */
	gchar **resolve;	  /* --resolve NAME:PORT:ADDR, for commands that connect */
	GPtrArray *resolve_rules; /* CtResolveRule*: resolve parsed, ct_cli_get_resolve_rules */
	gint timeout;		  /* --timeout S, 0 for the default */
	gchar *from;		  /* --from FILE: more SOURCEs, one a line */
	gint jobs;		  /* --jobs N: first accesses at once, 0 for the default */
	gchar **sources_argv;	  /* the command's argv with --from's SOURCEs added */
	GCancellable *cancellable;
	const CtCliCommand *command;
	JsonBuilder *describe; /* describe mode: parsing adds the command's options here
				* and ends the command (ct-cli-describe.c) */
} CtCli;

typedef gboolean (*CtCliFunc)(CtCli *cli, gint argc, gchar **argv, GError **error);

struct _CtCliCommand {
	const gchar *name;
	const gchar *arguments; /* the arguments after "certtrust NAME", without the options
				 * (the synopsis adds them from the command's own entries) */
	const gchar *summary;	/* one line for --help */
	CtCliFunc func;
	const gchar *description; /* more for --help (choices, exit statuses), or NULL */
	const gchar *examples;	  /* command lines, one a line: --help, the man page */
};

/* the program: returns the exit status (docs/cli.md) */
gint
ct_cli_run(gint argc, gchar **argv);

/* run the command name with args (NULL-terminated, the command name not included) as if
 * the user had typed them, with the global options cli already holds (the wizard's steps) */
gboolean
ct_cli_call(CtCli *cli, const gchar *name, const gchar *const *args, GError **error);

/* parse a command's own entries plus the global options; usage errors are INVALID_ARGS */
gboolean
ct_cli_parse_options(CtCli *cli,
		     const GOptionEntry *entries,
		     gint *argc,
		     gchar ***argv,
		     GError **error);
/* the same for a command whose SOURCEs may be servers: adds --resolve, --timeout, --jobs
 * and --from FILE, whose SOURCEs (one a line, blank lines and # comments skipped) come
 * after the command line's in *argv */
gboolean
ct_cli_parse_source_options(CtCli *cli,
			    const GOptionEntry *entries,
			    gint *argc,
			    gchar ***argv,
			    GError **error);

/* --resolve parsed (once), each CtResolveRule* at its text's index in cli->resolve; usage
 * errors are INVALID_ARGS */
GPtrArray *
ct_cli_get_resolve_rules(CtCli *cli, GError **error); /* (transfer none) */

/* every SOURCE argument (argv[1..argc)) read: servers --jobs at a time, files as they
 * come; ready (or NULL) sees each result in order as soon as it can (ct_fetch_many); a
 * CtFetchResult for each in order, its error naming it; only a usage error (no SOURCE, a
 * fingerprint, a bad --resolve) fails the whole */
GPtrArray *
ct_cli_acquire_sources(CtCli *cli,
		       gint argc,
		       gchar **argv,
		       CtFetchReadyFunc ready,
		       gpointer ready_data,
		       GError **error);
/* the same as chains, all or the first error in input order; at least one */
GPtrArray *
ct_cli_load_sources(CtCli *cli, gint argc, gchar **argv, GError **error); /* CtChain* */

/* every format browser's export dialog offers (ct_export_get_browser_offers) for chain
 * into dir, all or nothing; each file printed (path, label) and added to files, a JSON
 * array being built */
gboolean
ct_cli_export_to_dir(CtCli *cli,
		     CtChain *chain,
		     const gchar *browser,
		     const gchar *dir,
		     gboolean force,
		     JsonBuilder *files,
		     GError **error);

/* the exit status of many targets' results as one error: NULL when every one succeeded,
 * else the most serious (interrupted, failed, refused, unreachable, not found, check
 * negative) with a message counting them */
void
ct_cli_summarise_targets(GPtrArray *errors, guint total, GError **error);

/* host:port (IPv6 as [addr]:port, host lower-case) of a network SOURCE, or NULL for a
 * file; *port gets its port */
gchar *
ct_cli_source_name(const gchar *source, guint16 *port); /* (transfer full) */

/* the names the user will type: the SOURCE's and every --name (HOST or HOST:PORT, the
 * SOURCE's port by default), each "host:port" once; a file SOURCE needs a --name */
GPtrArray *
ct_cli_typed_names(const gchar *source, gchar **names, GError **error); /* gchar* */

/* a file's own names, for a store that records no name (an NSS database, the OS store):
 * its SAN DNS names (not wildcards) and IP addresses, else its CN, each "host:port" with
 * port, canonical, at most CT_CLI_CERTIFICATE_NAMES_MAX; INVALID_ARGS when none */
#define CT_CLI_CERTIFICATE_NAMES_MAX 32
GPtrArray *
ct_cli_certificate_names(const CtCertificate *leaf, guint16 port, GError **error);

/* for commands that run long (browsers): SIGINT, SIGTERM and SIGHUP cancel
 * cli->cancellable instead of ending the process, so the command cleans up and exits
 * 130; a second signal ends it at once after ct_cleanup_now() (children killed, temp dirs
 * deleted), exit 130; call it first, before the command starts threads (they inherit the
 * blocked mask) */
void
ct_cli_cancel_on_signals(CtCli *cli);

/* output: results on stdout, diagnostics on stderr (ct-cli-output.c) */
gchar *
ct_cli_escape(const gchar *text); /* (transfer full) terminal-safe, long text cut */
void
ct_cli_print(CtCli *cli, const gchar *format, ...) G_GNUC_PRINTF(2, 3);
void
ct_cli_print_json(CtCli *cli, JsonBuilder *builder);
/* "  Redirect: ..." when the first access was answered with a redirect (never followed) */
void
ct_cli_append_redirect(GString *out, CtChain *chain);
void
ct_cli_print_error(CtCli *cli, const GError *error);
/* --verbose: one "certtrust: " line on stderr of what was read or written, or a store's
 * decision; the whole line escaped for the terminal (it carries certificate text) */
void
ct_cli_verbose(CtCli *cli, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

/* progress of long work (many SOURCEs, a scenario batch, a browser starting) as one line
 * on stderr that each update replaces: only when stderr is a terminal, never with --json,
 * so a pipe or a log gets none of it; any other output clears the line first
 * (ct-cli-progress.c) */

typedef struct {
	CtCli *cli;
	guint total; /* 0: no count, only what is being done */
} CtCliProgress;

/* whether progress goes out at all for cli (a terminal on stderr, no --json, not dumb) */
gboolean
ct_cli_progress_enabled(CtCli *cli);

/* "[done/total] what" (or "what" when total is 0), what escaped for the terminal */
void
ct_cli_progress_update(CtCliProgress *self, guint done, const gchar *what);

/* the progress line erased, if one is shown; every printer calls it before writing */
void
ct_cli_progress_clear(CtCli *cli);

/* the command table, *n_commands entries */
const CtCliCommand *
ct_cli_get_commands(guint *n_commands);

/* ct-cli-describe.c: "ARGUMENTS [-s VALUE] [--long]..." from the option lists
 * (NULL-terminated), the synopsis --help and the man page show */
gchar *
ct_cli_describe_synopsis(const CtCliCommand *command, const GOptionEntry *const *lists);
/* the description of --help: the command's, then its examples */
gchar *
ct_cli_describe_help_text(const CtCliCommand *command);
/* one command's object into the builder's open array */
void
ct_cli_describe_command(JsonBuilder *builder,
			const CtCliCommand *command,
			const GOptionEntry *const *lists);
/* the JSON description of the CLI with the global option lists (NULL-terminated; only
 * NULL) or of the command only (global NULL), on stdout */
gboolean
ct_cli_describe_print(CtCli *cli,
		      const GOptionEntry *const *global,
		      const gchar *only,
		      GError **error);

/* ct-cli-suggest.c: the candidate nearest to a mistyped name, or NULL when none is close */
const gchar *
ct_cli_suggest(const gchar *typed, const gchar *const *candidates);

/* --version: certtrust's and the runtime libraries' versions (ct-cli-version.c) */
gboolean
ct_cli_print_version(CtCli *cli);

/* the commands, one file each */
gboolean
ct_cmd_show(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_export(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_check_host(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_fetch(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_serve(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_trust(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_untrust(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_list(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_status(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_verify(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_open(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_flow(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_scenario(CtCli *cli, gint argc, gchar **argv, GError **error);
gboolean
ct_cmd_wizard(CtCli *cli, gint argc, gchar **argv, GError **error);
