/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <gio/gunixinputstream.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-chain.h"
#include "ct-cleanup.h"
#include "ct-cli.h"
#include "ct-fetch.h"
#include "ct-hostname.h"
#include "ct-json.h"
#include "ct-nssdb.h"
#include "ct-source.h"
#include "ct-tmpdir.h"

/* docs/cli.md: every command, built or not, so --help tells the whole contract */
static const CtCliCommand ct_cli_commands[] = {
    {"fetch", "SOURCE...", "connect like a browser and capture the chain and every TLS problem",
     ct_cmd_fetch, NULL,
     "certtrust fetch https://ucm.example.com:8443/\n"
     "certtrust fetch ucm.example.com:8443 -o ucm.pem\n"
     "certtrust fetch --from cluster.txt --jobs 8"},
    {"show", "SOURCE...", "show certificates as the browsers' certificate viewers do", ct_cmd_show,
     NULL,
     "certtrust show ucm.example.com:8443\n"
     "certtrust show ucm.pem --view properties"},
    {"check-host", "SOURCE...",
     "check a host name against a certificate (RFC 9525 and legacy rules)", ct_cmd_check_host, NULL,
     "certtrust check-host ucm.example.com:8443 --name ucm --name 10.0.0.5\n"
     "certtrust check-host ucm.pem --name ucm.example.com --policy legacy"},
    {"export", "SOURCE...", "write certificates in every format the browsers offer", ct_cmd_export,
     "Either one format into one file (--format F -o FILE) or every format a browser's export\n"
     "dialog offers into a directory (--browser B --dir DIR).",
     "certtrust export ucm.example.com:8443 --format pem -o ucm.pem\n"
     "certtrust export ucm.example.com:8443 --browser ie8 --dir ~/certificates"},
    {"trust", "SOURCE...", "trust a server's certificate in browser and OS stores", ct_cmd_trust,
     "The OS store (--store system) without root: pkexec runs certtrust-system-helper as\n"
     "root once polkit has an administrator's password, and the ledger entry is yours (under\n"
     "sudo too); without pkexec or polkit's consent, the commands for a root shell are printed.\n"
     "Several SOURCEs (a cluster, a directory of certificates): a plan for each, one question,\n"
     "each target's result; --name is for one SOURCE. A file without --name is trusted for its\n"
     "own names (port 443 or --port) where the store keeps no name (nss:DIR, chromium,\n"
     "system); a Firefox exception needs --name HOST:PORT.",
     "certtrust trust https://ucm.example.com:8443/\n"
     "certtrust trust ucm.example.com:8443 --name ucm:8443 --store all\n"
     "certtrust trust --from cluster.txt --store chromium\n"
     "certtrust trust certificates/*.pem --store nss:$HOME/.pki/nssdb"},
    {"untrust", "SOURCE|SHA256-PREFIX...", "remove exactly what certtrust trusted", ct_cmd_untrust,
     "Give the SOURCEs trusted or the starts of their SHA-256 (8 or more hex digits), or\n"
     "instead --for HOST:PORT: what was trusted for that name, whichever certificate it was.\n"
     "Many are read concurrently and untrusted with one save of the record.",
     "certtrust untrust ucm.example.com:8443\n"
     "certtrust untrust --from cluster.txt --store chromium\n"
     "certtrust untrust --for ucm.example.com:8443 --for sub1.example.com:8443 --store firefox"},
    {"list", "", "list what certtrust trusts where", ct_cmd_list, NULL,
     "certtrust list\n"
     "certtrust list --store chromium --json"},
    {"status", "SOURCE...", "is what the server shows now what we trust?", ct_cmd_status, NULL,
     "certtrust status ucm.example.com:8443\n"
     "certtrust status ucm.example.com:8443 --exact\n"
     "certtrust status --from cluster.txt"},
    {"flow", "ie8|firefox3|safari4 SOURCE",
     "replay a browser's first-access procedure step by step", ct_cmd_flow,
     "Each dialog of the seed's procedure is shown as the browser showed it, and the real\n"
     "action is done behind it: the first access, the certificate views, the trust store\n"
     "that browser maps to on Linux (ie8, safari4: the OS store, under --sysroot; without\n"
     "root as trust does it: through pkexec, else the commands are printed; firefox3: a\n"
     "permanent exception in every Firefox profile), and with --export-dir every format\n"
     "its Copy to File / Export offers.\n"
     "\n"
     "Choices answer the dialogs that ask, in order; the last one answers the rest:\n"
     "  continue   the button the seed's procedure clicks (it ends in the trust store)\n"
     "  permanent  install / \"Permanently store this exception\"\n"
     "  session    this session only, nothing stored (ie8: Continue to this website without\n"
     "             installing; safari4: Yes; firefox3: the box unticked, then Firefox opens\n"
     "             the page on a throwaway profile with the exception, as open --session)\n"
     "  cancel     Click here to close this webpage / Get Me Out Of Here / No / Cancel\n"
     "On a terminal without --choice or --yes every dialog that asks is a prompt (a button's\n"
     "letter or name, or a choice; Enter clicks the procedure's button). --yes answers\n"
     "permanent everywhere. Without a terminal, give --choice or --yes.\n"
     "\n"
     "After an install, IE8 and Safari check the names typed with their legacy rules: the\n"
     "SOURCE's and each --name; without --name also localhost and 127.0.0.1, which the seed\n"
     "says warn: these are shown, and do not change the exit status.\n"
     "\n"
     "Exit status: 0 trusted (also for this session only, or no warning at all); 4 blocked:\n"
     "cancelled, the session's browser blocked the page, or a name typed still mismatches\n"
     "after the install; 1 failed (also: the OS store needs root); 3 no Firefox profile or\n"
     "no OS store layout; 6 refused for safety (a certificate that can sign others without\n"
     "--allow-ca, Firefox running on the profile); 5 unreachable; 2 usage; 130 interrupted.",
     "certtrust flow firefox3 https://ucm.example.com:8443/\n"
     "certtrust flow ie8 ucm.example.com:8443 --choice continue --export-dir ~/certificates"},
    {"open", "SOURCE...", "open a browser that trusts the server for this session only",
     ct_cmd_open, NULL,
     "certtrust open https://ucm.example.com:8443/ --browser firefox --session\n"
     "certtrust open ucm.example.com:8443 --browser chromium --session --headless"},
    {"verify", "SOURCE...", "prove in a real headless browser that the page loads", ct_cmd_verify,
     NULL,
     "certtrust verify https://ucm.example.com:8443/ --browser all\n"
     "certtrust verify https://ucm.example.com:8443/ --browser chromium --name ucm:8443"},
    {"serve", "", "run the embedded UCM-like HTTPS server", ct_cmd_serve, NULL,
     "certtrust serve\n"
     "certtrust serve --profile chain --https-port 0 --http-port 0 --json"},
    {"scenario", "PATH...", "run QA scenario files in parallel", ct_cmd_scenario, NULL,
     "certtrust scenario /usr/share/certtrust/scenarios --tap\n"
     "certtrust scenario my-lab.scenario --browsers --junit report.xml"},
    {"wizard", "[SOURCE]",
     "guided first access: show a server's or a file's certificate, then trust, open or save it",
     ct_cmd_wizard,
     "Asks for the server when no SOURCE is given, shows what the first access found and the\n"
     "certificate, asks the names you will type and checks each, then offers: trust\n"
     "permanently (Firefox and Chromium, or also the OS store), trust for this session only\n"
     "(a browser on a throwaway profile), save to files, or cancel. Each choice runs the\n"
     "command you could type (trust, open, export) on the certificate you were shown. The\n"
     "desktop entries run it in a terminal.",
     "certtrust wizard\n"
     "certtrust wizard ~/Downloads/ucm.cer --keep-open"},
};

static GOptionEntry *
ct_cli_global_entries(CtCli *cli)
{
	GOptionEntry entries[] = {
	    {"json", 0, 0, G_OPTION_ARG_NONE, &cli->json, "Print one JSON document on stdout",
	     NULL},
	    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose, "Say more on stderr", NULL},
	    {"sysroot", 0, 0, G_OPTION_ARG_FILENAME, &cli->sysroot,
	     "Root for OS trust store paths (default /)", "DIR"},
	    {"yes", 'y', 0, G_OPTION_ARG_NONE, &cli->yes, "Answer the confirmation prompts", NULL},
	    G_OPTION_ENTRY_NULL,
	};
	return g_memdup2(entries, sizeof(entries));
}

static const CtCliCommand *
ct_cli_find_command(const gchar *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(ct_cli_commands); i++) {
		if (g_strcmp0(ct_cli_commands[i].name, name) == 0)
			return &ct_cli_commands[i];
	}
	return NULL;
}

const CtCliCommand *
ct_cli_get_commands(guint *n_commands)
{
	*n_commands = G_N_ELEMENTS(ct_cli_commands);
	return ct_cli_commands;
}

/* does entry take a value (--long VALUE, --long=VALUE, -s VALUE)? */
static gboolean
ct_cli_entry_takes_value(const GOptionEntry *entry)
{
	return entry->arg != G_OPTION_ARG_NONE && entry->arg != G_OPTION_ARG_CALLBACK;
}

static gboolean
ct_cli_entry_is_single(const GOptionEntry *entry)
{
	return ct_cli_entry_takes_value(entry) && entry->arg != G_OPTION_ARG_STRING_ARRAY &&
	       entry->arg != G_OPTION_ARG_FILENAME_ARRAY;
}

/* the entry argument arg names (--long, --long=..., -s, -sVALUE), or NULL */
static const GOptionEntry *
ct_cli_match_entry(const GOptionEntry *const *lists, const gchar *arg, gboolean *inline_value)
{
	for (guint l = 0; lists[l] != NULL; l++) {
		for (const GOptionEntry *entry = lists[l]; entry->long_name != NULL; entry++) {
			gsize len = strlen(entry->long_name);
			if (g_str_has_prefix(arg, "--") &&
			    strncmp(arg + 2, entry->long_name, len) == 0 &&
			    (arg[2 + len] == '\0' || arg[2 + len] == '=')) {
				*inline_value = arg[2 + len] == '=';
				return entry;
			}
			if (entry->short_name != 0 && arg[0] == '-' &&
			    arg[1] == entry->short_name) {
				*inline_value = arg[2] != '\0';
				return entry;
			}
		}
	}
	return NULL;
}

/* GOption keeps the last of an option given twice: a usage error instead, so that
 * nothing the user asked for is silently dropped */
static gboolean
ct_cli_reject_repeats(const GOptionEntry *const *lists, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (gint i = 1; i < argc; i++) {
		gboolean inline_value = FALSE;
		const GOptionEntry *entry;

		if (g_strcmp0(argv[i], "--") == 0)
			break;
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			continue;
		entry = ct_cli_match_entry(lists, argv[i], &inline_value);
		if (entry == NULL)
			continue;
		if (ct_cli_entry_is_single(entry) &&
		    !g_hash_table_add(seen, (gpointer)entry->long_name)) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "--%s given twice: give it once", entry->long_name);
			return FALSE;
		}
		/* its value is no option */
		if (ct_cli_entry_takes_value(entry) && !inline_value)
			i++;
	}
	return TRUE;
}

/* GOption's "Unknown option --stroe" with the nearest option of the command's */
static void
ct_cli_suggest_option(const GOptionEntry *const *lists, gint argc, gchar **argv, GError *error)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

	for (guint l = 0; lists[l] != NULL; l++) {
		for (const GOptionEntry *entry = lists[l]; entry->long_name != NULL; entry++)
			g_ptr_array_add(names, g_strconcat("--", entry->long_name, NULL));
	}
	g_ptr_array_add(names, g_strdup("--help"));
	g_ptr_array_add(names, NULL);
	for (gint i = 1; i < argc; i++) {
		gboolean inline_value = FALSE;
		const GOptionEntry *entry;
		g_autofree gchar *typed = NULL;
		g_autofree gchar *safe = NULL;
		const gchar *nearest;

		if (g_strcmp0(argv[i], "--") == 0)
			return;
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			continue;
		entry = ct_cli_match_entry(lists, argv[i], &inline_value);
		if (entry != NULL) {
			if (ct_cli_entry_takes_value(entry) && !inline_value)
				i++;
			continue;
		}
		if (g_strcmp0(argv[i], "--help") == 0 || g_strcmp0(argv[i], "-h") == 0)
			continue;
		typed = g_strndup(argv[i], strcspn(argv[i], "="));
		safe = ct_cli_escape(typed);
		nearest = ct_cli_suggest(typed, (const gchar *const *)names->pdata);
		g_free(error->message);
		error->message = nearest != NULL ? g_strdup_printf("unknown option %s: did you "
								   "mean %s?",
								   safe, nearest)
						 : g_strdup_printf("unknown option %s", safe);
		return;
	}
}

/* --from FILE at most this long: a list of servers, not a data file */
#define CT_CLI_FROM_MAX (1024 * 1024)

/* --from FILE: the command line's arguments, then one SOURCE a line of FILE ("-": stdin);
 * blank lines and lines starting with # are skipped, white space around a SOURCE too */
static gboolean
ct_cli_add_sources_from(CtCli *cli, gint *argc, gchar ***argv, GError **error)
{
	g_autofree gchar *path = g_steal_pointer(&cli->from);
	g_autofree gchar *safe = ct_cli_escape(path);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;
	gsize len = 0;

	if (g_strcmp0(path, "-") == 0) {
		g_autoptr(GInputStream) in = g_unix_input_stream_new(STDIN_FILENO, FALSE);
		g_autoptr(GBytes)
		    bytes = g_input_stream_read_bytes(in, CT_CLI_FROM_MAX + 1, NULL, &error_local);
		if (bytes != NULL)
			text = g_strndup(g_bytes_get_data(bytes, &len), g_bytes_get_size(bytes));
	} else if (g_file_get_contents(path, &text, &len, &error_local) && len > CT_CLI_FROM_MAX) {
		g_clear_pointer(&text, g_free);
		len = CT_CLI_FROM_MAX + 1;
	}
	if (text == NULL && len <= CT_CLI_FROM_MAX) {
		g_set_error(error, CT_ERROR,
			    g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
				? CT_ERROR_NOT_FOUND
				: CT_ERROR_FAILED,
			    "--from %s: %s", safe, error_local->message);
		return FALSE;
	}
	if (text == NULL || len > CT_CLI_FROM_MAX || strlen(text) != len) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--from %s: not a list of SOURCEs (more than %u bytes, or a NUL byte)",
			    safe, CT_CLI_FROM_MAX);
		return FALSE;
	}
	for (gint i = 0; i < *argc; i++)
		g_strv_builder_add(builder, (*argv)[i]);
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		gchar *line = g_strstrip(lines[i]);
		if (line[0] == '\0' || line[0] == '#')
			continue;
		g_strv_builder_add(builder, line);
	}
	g_strfreev(cli->sources_argv);
	cli->sources_argv = g_strv_builder_end(builder);
	*argv = cli->sources_argv;
	*argc = (gint)g_strv_length(cli->sources_argv);
	return TRUE;
}

static gboolean
ct_cli_parse(CtCli *cli,
	     const GOptionEntry *entries,
	     gboolean sources,
	     gint *argc,
	     gchar ***argv,
	     GError **error)
{
	g_autofree GOptionEntry *global = ct_cli_global_entries(cli);
	const GOptionEntry network[] = {
	    {"resolve", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->resolve,
	     "Connect to ADDR for NAME:PORT, like curl (repeatable)", "NAME:PORT:ADDR"},
	    {"timeout", 0, 0, G_OPTION_ARG_INT, &cli->timeout,
	     "Seconds for connect, handshake and response (default 10)", "S"},
	    {"from", 0, 0, G_OPTION_ARG_FILENAME, &cli->from,
	     "Read more SOURCEs from FILE, one a line (# comments; - is stdin)", "FILE"},
	    {"jobs", 'j', 0, G_OPTION_ARG_INT, &cli->jobs, "Servers to read at once (default 8)",
	     "N"},
	    G_OPTION_ENTRY_NULL,
	};
	const GOptionEntry none[] = {G_OPTION_ENTRY_NULL};
	/* the command's own options, then the network ones: the synopsis and the description */
	const GOptionEntry *const own[] = {entries != NULL ? entries : none,
					   sources ? network : none, NULL};
	const GOptionEntry *const all[] = {own[0], own[1], global, NULL};
	g_autofree gchar *parameter = ct_cli_describe_synopsis(cli->command, own);
	g_autofree gchar *description = ct_cli_describe_help_text(cli->command);
	g_autoptr(GOptionContext) context = g_option_context_new(parameter);

	if (cli->describe != NULL) {
		ct_cli_describe_command(cli->describe, cli->command, own);
		g_set_error_literal(error, CT_ERROR, CT_ERROR_CANCELLED, "described");
		return FALSE;
	}
	g_option_context_set_summary(context, cli->command->summary);
	g_option_context_set_description(context, description);
	g_option_context_add_main_entries(context, own[0], NULL);
	g_option_context_add_main_entries(context, own[1], NULL);
	g_option_context_add_main_entries(context, global, NULL);
	if (!ct_cli_reject_repeats(all, *argc, *argv, error))
		return FALSE;
	if (!g_option_context_parse(context, argc, argv, error)) {
		if (g_error_matches(*error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION))
			ct_cli_suggest_option(all, *argc, *argv, *error);
		ct_error_convert(error);
		return FALSE;
	}
	if (cli->timeout < 0 || cli->timeout > 3600) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--timeout %d: give 1 to 3600 seconds", cli->timeout);
		return FALSE;
	}
	if (cli->jobs != -1 && (cli->jobs < 1 || cli->jobs > CT_FETCH_JOBS_MAX)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "--jobs %d: give 1 to %d",
			    cli->jobs, CT_FETCH_JOBS_MAX);
		return FALSE;
	}
	if (cli->from != NULL && !ct_cli_add_sources_from(cli, argc, argv, error))
		return FALSE;
	return TRUE;
}

gboolean
ct_cli_parse_options(CtCli *cli,
		     const GOptionEntry *entries,
		     gint *argc,
		     gchar ***argv,
		     GError **error)
{
	return ct_cli_parse(cli, entries, FALSE, argc, argv, error);
}

gboolean
ct_cli_parse_source_options(CtCli *cli,
			    const GOptionEntry *entries,
			    gint *argc,
			    gchar ***argv,
			    GError **error)
{
	return ct_cli_parse(cli, entries, TRUE, argc, argv, error);
}

/* hex pairs (AB:CD) are a fingerprint: where a SOURCE is read, a usage error, never a host
 * to look up nor a file to read */
static gboolean
ct_cli_refuse_fingerprint(const gchar *source, GError **error)
{
	if (ct_source_classify(source) != CT_SOURCE_KIND_FINGERPRINT)
		return TRUE;
	g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
		    "%s is a fingerprint, not a server (HOST:PORT, https://HOST/) or a file",
		    source);
	return FALSE;
}

GPtrArray *
ct_cli_get_resolve_rules(CtCli *cli, GError **error)
{
	g_autoptr(GPtrArray) rules = NULL;

	if (cli->resolve_rules != NULL)
		return cli->resolve_rules;
	rules = g_ptr_array_new_with_free_func((GDestroyNotify)ct_resolve_rule_free);
	for (guint i = 0; cli->resolve != NULL && cli->resolve[i] != NULL; i++) {
		CtResolveRule *rule = ct_resolve_rule_parse(cli->resolve[i], error);
		if (rule == NULL)
			return NULL;
		g_ptr_array_add(rules, rule);
	}
	cli->resolve_rules = g_steal_pointer(&rules);
	return cli->resolve_rules;
}

/* how serious a target's failure is, for the exit status of many: the larger the worse */
static guint
ct_cli_error_rank(const GError *error)
{
	static const CtError order[] = {
	    CT_ERROR_CHECK_FAILED, CT_ERROR_NOT_FOUND, CT_ERROR_NOT_REACHABLE, CT_ERROR_TLS,
	    CT_ERROR_REFUSED,	   CT_ERROR_FAILED,    CT_ERROR_CANCELLED,
	};

	for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
		if (g_error_matches(error, CT_ERROR, (gint)order[i]))
			return i + 1;
	}
	/* anything else (bad data, a usage error of one line of --from) fails the target */
	return 6;
}

void
ct_cli_summarise_targets(GPtrArray *errors, guint total, GError **error)
{
	const GError *worst = NULL;

	for (guint i = 0; i < errors->len; i++) {
		const GError *one = g_ptr_array_index(errors, i);
		if (worst == NULL || ct_cli_error_rank(one) > ct_cli_error_rank(worst))
			worst = one;
	}
	if (worst == NULL)
		return;
	if (total == 1) {
		g_set_error_literal(error, worst->domain, worst->code, worst->message);
		return;
	}
	g_set_error(error, worst->domain, worst->code, "%u of %u targets failed (the worst: %s)",
		    errors->len, total, worst->message);
}

/* the progress line, then the caller's own use of each result */
typedef struct {
	CtCliProgress progress;
	CtFetchReadyFunc ready;
	gpointer ready_data;
} CtCliAcquire;

static void
ct_cli_acquire_ready_cb(CtFetchResult *result, guint index, guint total, gpointer user_data)
{
	CtCliAcquire *acquire = user_data;
	CtCli *cli = acquire->progress.cli;

	if (result->chain != NULL)
		ct_cli_verbose(cli, "read %s: %u certificate(s), the leaf %s, SHA-256 %s",
			       result->source, result->chain->certificates->len,
			       ct_chain_get_leaf(result->chain)->subject,
			       ct_chain_get_leaf(result->chain)->sha256);
	if (acquire->ready != NULL)
		acquire->ready(result, index, total, acquire->ready_data);
	/* [done/total], the last one read */
	if (acquire->progress.total > 0)
		ct_cli_progress_update(&acquire->progress, index + 1, result->source);
}

GPtrArray *
ct_cli_acquire_sources(CtCli *cli,
		       gint argc,
		       gchar **argv,
		       CtFetchReadyFunc ready,
		       gpointer ready_data,
		       GError **error)
{
	g_autoptr(GPtrArray) sources = g_ptr_array_new();
	g_autoptr(GPtrArray) results = NULL;
	CtCliAcquire acquire = {{cli, argc > 2 ? (guint)argc - 1 : 0}, ready, ready_data};
	GPtrArray *rules;

	if (argc < 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "no SOURCE given");
		return NULL;
	}
	rules = ct_cli_get_resolve_rules(cli, error);
	if (rules == NULL)
		return NULL;
	for (gint i = 1; i < argc; i++) {
		if (!ct_cli_refuse_fingerprint(argv[i], error))
			return NULL;
		g_ptr_array_add(sources, argv[i]);
	}
	g_ptr_array_add(sources, NULL);
	if (acquire.progress.total > 0)
		ct_cli_progress_update(&acquire.progress, 0, argv[1]);
	results = ct_fetch_many((const gchar *const *)sources->pdata, rules, (guint)cli->timeout,
				cli->jobs != -1 ? (guint)cli->jobs : CT_FETCH_JOBS_DEFAULT,
				ct_cli_acquire_ready_cb, &acquire, cli->cancellable);
	ct_cli_progress_clear(cli);
	return g_steal_pointer(&results);
}

GPtrArray *
ct_cli_load_sources(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GPtrArray) chains = g_ptr_array_new_with_free_func((GDestroyNotify)ct_chain_free);
	g_autoptr(GPtrArray) results = ct_cli_acquire_sources(cli, argc, argv, NULL, NULL, error);

	if (results == NULL)
		return NULL;
	/* every source read before any output: one error, no half results */
	for (guint i = 0; i < results->len; i++) {
		CtFetchResult *result = g_ptr_array_index(results, i);
		if (result->chain == NULL) {
			g_propagate_error(error, g_steal_pointer(&result->error));
			return NULL;
		}
		g_ptr_array_add(chains, g_steal_pointer(&result->chain));
	}
	return g_steal_pointer(&chains);
}

static void
ct_cli_print_help(void)
{
	g_autoptr(GString) out = g_string_new(NULL);

	g_string_append(
	    out, "Usage:\n  certtrust [--json] [--verbose] [--sysroot DIR] [--yes] COMMAND "
		 "[ARGS...]\n\n"
		 "Trust a server's HTTPS certificate on a Linux desktop, correctly, once.\n\n"
		 "Commands:\n");
	for (guint i = 0; i < G_N_ELEMENTS(ct_cli_commands); i++) {
		const CtCliCommand *cmd = &ct_cli_commands[i];
		g_string_append_printf(out, "  %-11s %s\n", cmd->name, cmd->summary);
	}
	g_string_append(out,
			"\nGlobal options:\n"
			"  --json         print one JSON document on stdout, also on error\n"
			"  --verbose      say more on stderr\n"
			"  --sysroot DIR  root for OS trust store paths (default /)\n"
			"  --yes          answer the confirmation prompts\n"
			"  --version      print the version\n\n"
			"Exit status: 0 done, 1 failed, 2 usage, 3 not found, 4 check negative,\n"
			"5 unreachable or TLS failure, 6 refused (for safety, or declined at a\n"
			"prompt), 130 interrupted.\n"
			"Use certtrust COMMAND --help for a command's options.\n");
	fputs(out->str, stdout);
}

/* the first argument that is not an option (or the value of --sysroot) */
static gint
ct_cli_find_command_index(gint argc, gchar **argv)
{
	for (gint i = 1; i < argc; i++) {
		if (g_strcmp0(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (g_strcmp0(argv[i], "--sysroot") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] != '-')
			return i;
	}
	return -1;
}

static gboolean
ct_cli_run_without_command(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	gboolean version = FALSE;
	gboolean help = FALSE;
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autofree GOptionEntry *global = ct_cli_global_entries(cli);
	GOptionEntry entries[] = {
	    {"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL},
	    {"help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show help", NULL},
	    G_OPTION_ENTRY_NULL,
	};

	g_option_context_set_help_enabled(context, FALSE);
	g_option_context_add_main_entries(context, entries, NULL);
	g_option_context_add_main_entries(context, global, NULL);
	if (!g_option_context_parse(context, &argc, &argv, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	if (version)
		return ct_cli_print_version(cli);
	if (help && cli->json)
		return ct_cli_describe_print(cli,
					     (const GOptionEntry *const[]){global, entries, NULL},
					     NULL, error);
	if (help) {
		ct_cli_print_help();
		return TRUE;
	}
	g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "no command given");
	return FALSE;
}

/* --json must hold for errors too, even when the parse failed before reaching it */
static gboolean
ct_cli_wants_json(gint argc, gchar **argv)
{
	for (gint i = 1; i < argc; i++) {
		if (g_strcmp0(argv[i], "--") == 0)
			return FALSE;
		if (g_strcmp0(argv[i], "--json") == 0)
			return TRUE;
	}
	return FALSE;
}

/* -h or --help before "--" */
static gboolean
ct_cli_wants_help(gint argc, gchar **argv)
{
	for (gint i = 1; i < argc; i++) {
		if (g_strcmp0(argv[i], "--") == 0)
			return FALSE;
		if (g_strcmp0(argv[i], "--help") == 0 || g_strcmp0(argv[i], "-h") == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean
ct_cli_call(CtCli *cli, const gchar *name, const gchar *const *args, GError **error)
{
	const CtCliCommand *caller = cli->command;
	const CtCliCommand *command = ct_cli_find_command(name);
	g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar **view = NULL;
	gboolean ok;

	g_return_val_if_fail(command != NULL && command->func != NULL, FALSE);
	g_ptr_array_add(owned, g_strdup_printf("certtrust %s", command->name));
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(owned, g_strdup(args[i]));
	g_ptr_array_add(owned, NULL);
	/* GOption rearranges the vector it parses; owned keeps every string */
	view = g_memdup2(owned->pdata, sizeof(gchar *) * owned->len);
	cli->command = command;
	ok = command->func(cli, (gint)owned->len - 1, view, error);
	cli->command = caller;
	return ok;
}

static gboolean
ct_cli_dispatch(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	gint index = ct_cli_find_command_index(argc, argv);
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar **args_view = NULL;
	gint args_len;

	if (index < 0) {
		g_set_prgname("certtrust");
		return ct_cli_run_without_command(cli, argc, argv, error);
	}
	cli->command = ct_cli_find_command(argv[index]);
	if (cli->command == NULL) {
		g_autofree gchar *name = ct_cli_escape(argv[index]);
		g_autoptr(GPtrArray) names = g_ptr_array_new();
		const gchar *nearest;
		for (guint i = 0; i < G_N_ELEMENTS(ct_cli_commands); i++)
			g_ptr_array_add(names, (gpointer)ct_cli_commands[i].name);
		g_ptr_array_add(names, NULL);
		nearest = ct_cli_suggest(argv[index], (const gchar *const *)names->pdata);
		if (nearest != NULL)
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "unknown command '%s': did you mean '%s'?", name, nearest);
		else
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "unknown command '%s'",
				    name);
		return FALSE;
	}
	/* --json COMMAND --help: the command described as JSON, not GOption's text */
	if (ct_cli_wants_json(argc, argv) && ct_cli_wants_help(argc, argv)) {
		cli->json = TRUE;
		return ct_cli_describe_print(cli, NULL, cli->command->name, error);
	}

	/* the command sees "certtrust CMD" as its program name and every other argument */
	g_ptr_array_add(args, g_strdup_printf("certtrust %s", cli->command->name));
	g_set_prgname(g_ptr_array_index(args, 0));
	for (gint i = 1; i < argc; i++) {
		if (i != index)
			g_ptr_array_add(args, g_strdup(argv[i]));
	}
	g_ptr_array_add(args, NULL);
	args_len = (gint)args->len - 1;
	/* GOption rearranges the vector it parses; keep ownership in args */
	args_view = g_memdup2(args->pdata, sizeof(gchar *) * args->len);

	return cli->command->func(cli, args_len, args_view, error);
}

/* the first signal cancels (the command cleans up and exits 130); the next one, while
 * that clean-up runs (a browser that will not close, a child that will not end), ends
 * the program at once: every child registered is killed and every temp dir deleted */
static gpointer
ct_cli_signal_thread(gpointer data)
{
	GCancellable *cancellable = data;
	g_autoptr(GError) error = NULL;
	sigset_t set;
	gint signum = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	while (sigwait(&set, &signum) != 0)
		;
	g_debug("signal %d: cancelling", signum);
	g_cancellable_cancel(cancellable);
	while (sigwait(&set, &signum) != 0)
		;
	/* stderr only: stdout may be half way through the command's own document */
	error = g_error_new(CT_ERROR, CT_ERROR_CANCELLED, "%s while stopping: stopping now",
			    g_strsignal(signum));
	g_printerr("%s: %s\n", g_get_prgname(), error->message);
	ct_cleanup_now();
	_exit(ct_error_get_exit_status(error));
	return NULL;
}

void
ct_cli_cancel_on_signals(CtCli *cli)
{
	static gboolean started = FALSE;
	sigset_t set;

	/* once a process (the wizard runs open), and not for a command only described */
	if (started || cli->describe != NULL)
		return;
	started = TRUE;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* the thread keeps a reference: the process ends before it could drop it */
	g_thread_unref(
	    g_thread_new("ct-signals", ct_cli_signal_thread, g_object_ref(cli->cancellable)));
}

/* host:port of a network SOURCE, the host in its one canonical form */
static gchar *
ct_cli_server_name(const gchar *source, guint16 *port, GError **error)
{
	g_autoptr(CtSourceServer) server = ct_source_parse_server(source, error);
	g_autofree gchar *canonical = NULL;

	if (server == NULL)
		return NULL;
	canonical = ct_hostname_canonical(server->host, error);
	if (canonical == NULL)
		return NULL;
	*port = server->port;
	return ct_source_format_host_port(canonical, server->port);
}

/* host:port of a network SOURCE, or NULL for a file (or a host that cannot be one) */
gchar *
ct_cli_source_name(const gchar *source, guint16 *port)
{
	if (!ct_source_is_network(source))
		return NULL;
	return ct_cli_server_name(source, port, NULL);
}

/* --name HOST, HOST:PORT, [V6]:PORT or V6 as "host:port", the host canonical (lower case,
 * A-labels, no trailing dot, IPv6 compressed) and the port the SOURCE's unless given */
static gchar *
ct_cli_name_with_port(const gchar *name, guint16 default_port, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *host = NULL;
	g_autofree gchar *canonical = NULL;
	guint16 port = default_port;

	if (!ct_source_split_host_port(name, default_port, &host, &port, error)) {
		g_prefix_error(error, "--name ");
		return NULL;
	}
	canonical = ct_hostname_canonical(host, &error_local);
	if (canonical == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS, "--name %s: %s", name,
			    error_local->message);
		return NULL;
	}
	/* a browser reads 127.1, 0x7f.1, 0177.0.0.1 or 2130706433 as 127.0.0.1, but whoever
	 * typed 0177 may have meant 177: an IPv4 address is written out, never guessed */
	if (strchr(canonical, ':') == NULL && g_hostname_is_ip_address(canonical) &&
	    g_strcmp0(host, canonical) != 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "--name %s: a browser reads this as the IPv4 address %s: write it as "
			    "%s",
			    name, canonical, canonical);
		return NULL;
	}
	return ct_source_format_host_port(canonical, port);
}

/* the names the user will type: the SOURCE's and every --name, each with a port, each in
 * the one canonical form the plan, the stores, the ledger and the browsers use */
GPtrArray *
ct_cli_typed_names(const gchar *source, gchar **names, GError **error)
{
	g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func(g_free);
	guint16 port = CT_SOURCE_DEFAULT_PORT;

	if (!ct_cli_refuse_fingerprint(source, error))
		return NULL;
	if (ct_source_is_network(source)) {
		gchar *own = ct_cli_server_name(source, &port, error);
		if (own == NULL)
			return NULL;
		g_ptr_array_add(result, own);
	}
	for (guint i = 0; names != NULL && names[i] != NULL; i++) {
		gchar *full = ct_cli_name_with_port(names[i], port, error);
		if (full == NULL)
			return NULL;
		if (!g_ptr_array_find_with_equal_func(result, full, g_str_equal, NULL))
			g_ptr_array_add(result, full);
		else
			g_free(full);
	}
	if (result->len == 0) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s is a file: give --name HOST:PORT, the name you will type in the "
			    "browser",
			    source);
		return NULL;
	}
	return g_steal_pointer(&result);
}

GPtrArray *
ct_cli_certificate_names(const CtCertificate *leaf, guint16 port, GError **error)
{
	g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) candidates = g_ptr_array_new();

	for (guint i = 0; i < leaf->san_dns->len; i++)
		g_ptr_array_add(candidates, g_ptr_array_index(leaf->san_dns, i));
	for (guint i = 0; i < leaf->san_ip->len; i++)
		g_ptr_array_add(candidates, g_ptr_array_index(leaf->san_ip, i));
	/* no SAN: the CN, which the browsers will refuse (the plan says so) */
	if (candidates->len == 0 && leaf->subject_cn != NULL)
		g_ptr_array_add(candidates, leaf->subject_cn);
	for (guint i = 0; i < candidates->len && result->len < CT_CLI_CERTIFICATE_NAMES_MAX; i++) {
		const gchar *name = g_ptr_array_index(candidates, i);
		g_autofree gchar *canonical = NULL;
		gchar *full = NULL;
		/* a wildcard is no name anybody types; a name that is no host name is skipped */
		if (g_str_has_prefix(name, "*."))
			continue;
		canonical = ct_hostname_canonical(name, NULL);
		if (canonical == NULL)
			continue;
		full = ct_source_format_host_port(canonical, port);
		if (g_ptr_array_find_with_equal_func(result, full, g_str_equal, NULL)) {
			g_free(full);
			continue;
		}
		g_ptr_array_add(result, full);
	}
	if (result->len == 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "the certificate names no host one can type (no DNS name or IP "
				    "address, no common name): give --name HOST:PORT");
		return NULL;
	}
	return g_steal_pointer(&result);
}

gint
ct_cli_run(gint argc, gchar **argv)
{
	CtCli cli = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	const gchar *no_color = g_getenv("NO_COLOR");
	gint status;

	cli.jobs = -1; /* --jobs not given */
	cli.cancellable = cancellable;
	/* no-color.org: NO_COLOR set to anything but the empty string turns colour off; a
	 * dumb terminal gets none either */
	cli.colour = isatty(STDOUT_FILENO) && (no_color == NULL || no_color[0] == '\0') &&
		     g_strcmp0(g_getenv("TERM"), "dumb") != 0;
	/* what a certtrust killed earlier (SIGKILL) could not remove itself */
	ct_tmpdir_clean_stale(NULL);
	if (!ct_cli_dispatch(&cli, argc, argv, &error)) {
		/* GOption reverts what it parsed when it fails; --json still holds */
		cli.json = cli.json || ct_cli_wants_json(argc, argv);
		ct_error_convert(&error);
		if (!cli.error_printed)
			ct_cli_print_error(&cli, error);
	}
	status = ct_error_get_exit_status(error);
	g_free(cli.sysroot);
	g_strfreev(cli.resolve);
	g_free(cli.from);
	g_strfreev(cli.sources_argv);
	g_clear_pointer(&cli.resolve_rules, g_ptr_array_unref);
	ct_nssdb_shutdown();
	return status;
}
