/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-chain.h"
#include "ct-cli-show.h"
#include "ct-cli.h"
#include "ct-export.h"
#include "ct-hostname.h"
#include "ct-source.h"
#include "ct-tmpdir.h"

/* wizard: the desktop user's way in (the desktop entries run it in a terminal). It asks
 * for the server when no SOURCE is given, shows what the first access found and the
 * certificate, asks the names the user will type and checks each, then offers to trust
 * permanently, to trust for this session, to save to files, or to cancel. Each choice is
 * a command the user could type (trust, open, export), run on the chain the user was
 * shown, saved once: a server cannot swap its certificate between showing and trusting.
 * Questions go to stderr and answers come from stdin, a line each (a script may pipe
 * them); the end of input is a cancel, and nothing is written. */

/* an answer longer than this is no host name, URL or menu number */
#define CT_CMD_WIZARD_MAX_ANSWER 1024
/* a question asked again after a wrong answer, at most this often */
#define CT_CMD_WIZARD_MAX_TRIES 3

typedef enum {
	CT_CMD_WIZARD_TRUST_BROWSERS = 1,
	CT_CMD_WIZARD_TRUST_ALL,
	CT_CMD_WIZARD_SESSION_FIREFOX,
	CT_CMD_WIZARD_SESSION_CHROMIUM,
	CT_CMD_WIZARD_SAVE,
	CT_CMD_WIZARD_CANCEL,
} CtCmdWizardChoice;

static const gchar *const ct_cmd_wizard_menu[] = {
    [CT_CMD_WIZARD_TRUST_BROWSERS] = "trust permanently in Firefox and Chromium",
    [CT_CMD_WIZARD_TRUST_ALL] = "trust permanently in Firefox, Chromium and the OS store (every "
				"program; needs root or an administrator's password)",
    [CT_CMD_WIZARD_SESSION_FIREFOX] = "trust for this session only: open Firefox on a "
				      "throwaway profile",
    [CT_CMD_WIZARD_SESSION_CHROMIUM] = "trust for this session only: open Chromium on a "
				       "throwaway profile",
    [CT_CMD_WIZARD_SAVE] = "save the certificate to files (the formats the browsers offer)",
    [CT_CMD_WIZARD_CANCEL] = "cancel: write nothing",
};

typedef struct {
	CtCli *cli;
	gchar *dir;	   /* private temp dir holding the chain shown */
	gchar *chain_path; /* the chain shown, as PEM: what every step reads */
	GPtrArray *names;  /* gchar* "host:port": the names the user will type */
} CtCmdWizard;

static void
ct_cmd_wizard_free(CtCmdWizard *self)
{
	if (self->dir != NULL)
		ct_tmpdir_remove(self->dir);
	g_free(self->dir);
	g_free(self->chain_path);
	g_clear_pointer(&self->names, g_ptr_array_unref);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtCmdWizard, ct_cmd_wizard_free)

/* one line from stdin, trimmed; the end of input (or Ctrl-D) cancels */
static gchar *
ct_cmd_wizard_ask(CtCmdWizard *self, const gchar *question, GError **error)
{
	gchar line[CT_CMD_WIZARD_MAX_ANSWER + 2] = {0};
	gsize len;

	fflush(stdout);
	fputs(question, stderr);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		if (g_cancellable_set_error_if_cancelled(self->cli->cancellable, error)) {
			ct_error_convert(error);
			return NULL;
		}
		g_set_error_literal(error, CT_ERROR, CT_ERROR_REFUSED,
				    "no answer (end of input): nothing was written");
		return NULL;
	}
	len = strlen(line);
	if (len > CT_CMD_WIZARD_MAX_ANSWER) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "an answer of more than %d characters: nothing was written",
			    CT_CMD_WIZARD_MAX_ANSWER);
		return NULL;
	}
	return g_strstrip(g_strdup(line));
}

/* a wrong answer, said before the question comes again */
static void
ct_cmd_wizard_say_wrong(const GError *error)
{
	g_autofree gchar *message = ct_cli_escape(error->message);

	fflush(stdout);
	fprintf(stderr, "%s\n", message);
}

/* the server to ask about: SOURCE, or asked for until one is given */
static gchar *
ct_cmd_wizard_ask_source(CtCmdWizard *self, GError **error)
{
	for (guint i = 0; i < CT_CMD_WIZARD_MAX_TRIES; i++) {
		g_autofree gchar *answer =
		    ct_cmd_wizard_ask(self,
				      "Server address (https://HOST:PORT/ or HOST:PORT), or a "
				      "certificate file: ",
				      error);
		if (answer == NULL)
			return NULL;
		if (answer[0] != '\0')
			return g_steal_pointer(&answer);
	}
	g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "no server given: nothing was written");
	return NULL;
}

/* read the SOURCE once, show it, and keep the chain shown for every later step */
static CtChain *
ct_cmd_wizard_load(CtCmdWizard *self, const gchar *source, GError **error)
{
	g_autoptr(GPtrArray) chains = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	gchar *args[] = {NULL, (gchar *)source, NULL};
	CtChain *chain;

	chains = ct_cli_load_sources(self->cli, 2, args, error);
	if (chains == NULL)
		return NULL;
	chain = g_ptr_array_steal_index(chains, 0);
	self->dir = ct_tmpdir_new(NULL, "wizard", error);
	if (self->dir == NULL) {
		ct_chain_free(chain);
		return NULL;
	}
	self->chain_path = g_build_filename(self->dir, "shown.pem", NULL);
	if (!ct_export_to_file(chain, CT_EXPORT_FORMAT_PEM_CHAIN, self->chain_path, FALSE, error)) {
		ct_chain_free(chain);
		return NULL;
	}
	ct_cli_show_render_summary(out, chain);
	g_string_append(out, "\nThe certificate:\n");
	ct_cli_show_render_certificate(out, chain, 0, CT_CLI_SHOW_VIEW_PROPERTIES);
	ct_cli_print(self->cli, "%s\n", out->str);
	return chain;
}

/* the names the user will type: the server's own, and more asked for (a file has none,
 * so at least one is asked for); each as typed names are everywhere (ct_cli_typed_names) */
static gboolean
ct_cmd_wizard_ask_names(CtCmdWizard *self, const gchar *source, GError **error)
{
	g_autoptr(GPtrArray) asked = g_ptr_array_new_with_free_func(g_free);
	gboolean network = ct_source_is_network(source);
	guint wrong = 0;

	for (;;) {
		g_autoptr(GError) error_local = NULL;
		g_autoptr(GPtrArray) typed = NULL;
		g_autofree gchar *answer = NULL;
		gboolean need_one = !network && asked->len == 0;

		answer = ct_cmd_wizard_ask(self,
					   need_one ? "The name you will type in the browser "
						      "(HOST or HOST:PORT): "
						    : "Another name you will type (HOST or "
						      "HOST:PORT), or Enter to go on: ",
					   error);
		if (answer == NULL)
			return FALSE;
		if (answer[0] == '\0' && !need_one)
			break;
		if (answer[0] != '\0') {
			g_ptr_array_add(asked, g_strdup(answer));
			g_ptr_array_add(asked, NULL);
			typed = ct_cli_typed_names(source, (gchar **)asked->pdata, &error_local);
			g_ptr_array_remove_index(asked, asked->len - 1);
			if (typed != NULL) {
				g_clear_pointer(&self->names, g_ptr_array_unref);
				self->names = g_steal_pointer(&typed);
				continue;
			}
			g_ptr_array_remove_index(asked, asked->len - 1);
			ct_cmd_wizard_say_wrong(error_local);
		}
		if (++wrong >= CT_CMD_WIZARD_MAX_TRIES) {
			g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
					    "no name given: nothing was written");
			return FALSE;
		}
	}
	if (self->names == NULL)
		self->names = ct_cli_typed_names(source, NULL, error);
	return self->names != NULL;
}

/* each name checked as the browsers check it: what the user will see when typing it */
static void
ct_cmd_wizard_check_names(CtCmdWizard *self, CtChain *chain)
{
	g_autoptr(GString) out = g_string_new("The names you will type:\n");

	for (guint i = 0; i < self->names->len; i++) {
		const gchar *name = g_ptr_array_index(self->names, i);
		g_autofree gchar *host = NULL;
		g_autofree gchar *safe = ct_cli_escape(name);
		g_autofree gchar *reason = NULL;
		g_autoptr(CtHostCheck) check = NULL;
		const CtHostnameVerdict *verdict;
		guint16 port = CT_SOURCE_DEFAULT_PORT;

		if (!ct_source_split_host_port(name, port, &host, &port, NULL))
			continue;
		check = ct_hostname_check(ct_chain_get_leaf(chain), host);
		verdict = ct_host_check_get_verdict(check, CT_HOSTNAME_POLICY_STRICT);
		reason = ct_cli_escape(verdict->reason);
		if (verdict->match && !ct_host_check_browsers_differ(check))
			g_string_append_printf(out, "  %s: the certificate names it (%s)\n", safe,
					       reason);
		else if (verdict->match)
			g_string_append_printf(
			    out,
			    "  %s: the browsers differ (see certtrust check-host): "
			    "%s\n",
			    safe, reason);
		else
			g_string_append_printf(
			    out,
			    "  %s: MISMATCH, the certificate does not name it (%s); "
			    "the plan says which browser accepts it under this "
			    "name\n",
			    safe, reason);
	}
	ct_cli_print(self->cli, "%s\n", out->str);
}

static gboolean
ct_cmd_wizard_ask_choice(CtCmdWizard *self, CtCmdWizardChoice *choice, GError **error)
{
	g_autoptr(GString) menu = g_string_new("What now?\n");

	for (guint i = CT_CMD_WIZARD_TRUST_BROWSERS; i <= CT_CMD_WIZARD_CANCEL; i++)
		g_string_append_printf(menu, "  %u) %s\n", i, ct_cmd_wizard_menu[i]);
	g_string_append_printf(menu, "Choose %d-%d: ", CT_CMD_WIZARD_TRUST_BROWSERS,
			       CT_CMD_WIZARD_CANCEL);
	for (guint i = 0; i < CT_CMD_WIZARD_MAX_TRIES; i++) {
		g_autofree gchar *answer = ct_cmd_wizard_ask(self, menu->str, error);
		guint64 number = 0;

		if (answer == NULL)
			return FALSE;
		if (g_ascii_string_to_unsigned(answer, 10, CT_CMD_WIZARD_TRUST_BROWSERS,
					       CT_CMD_WIZARD_CANCEL, &number, NULL)) {
			*choice = (CtCmdWizardChoice)number;
			return TRUE;
		}
		g_string_assign(menu, "Choose a number from the list: ");
	}
	g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "no choice made: nothing was written");
	return FALSE;
}

/* the chain shown, every name as --name, then extra: the command's arguments */
static GPtrArray *
ct_cmd_wizard_args(CtCmdWizard *self, const gchar *const *extra)
{
	GPtrArray *args = g_ptr_array_new();

	g_ptr_array_add(args, self->chain_path);
	for (guint i = 0; i < self->names->len; i++) {
		g_ptr_array_add(args, "--name");
		g_ptr_array_add(args, g_ptr_array_index(self->names, i));
	}
	for (guint i = 0; extra[i] != NULL; i++)
		g_ptr_array_add(args, (gpointer)extra[i]);
	g_ptr_array_add(args, NULL);
	return args;
}

static gboolean
ct_cmd_wizard_save(CtCmdWizard *self, GError **error)
{
	g_autofree gchar *answer = NULL;
	g_autofree gchar *dir = NULL;
	g_autoptr(GPtrArray) args = NULL;
	const gchar *browser;

	answer = ct_cmd_wizard_ask(self,
				   "Which files? w) Windows: .cer and .p7b, as IE8 and Safari 4 "
				   "offered; f) Firefox: .crt, .pem and .p7c [w/f]: ",
				   error);
	if (answer == NULL)
		return FALSE;
	if (g_ascii_strcasecmp(answer, "w") != 0 && g_ascii_strcasecmp(answer, "f") != 0) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "answer w or f: nothing was written");
		return FALSE;
	}
	browser = g_ascii_strcasecmp(answer, "w") == 0 ? "ie8" : "firefox3";
	g_free(answer);
	answer = ct_cmd_wizard_ask(self, "Into which directory? (Enter: this one): ", error);
	if (answer == NULL)
		return FALSE;
	dir = answer[0] != '\0' ? g_strdup(answer) : g_get_current_dir();
	args = g_ptr_array_new();
	g_ptr_array_add(args, self->chain_path);
	g_ptr_array_add(args, "--browser");
	g_ptr_array_add(args, (gpointer)browser);
	g_ptr_array_add(args, "--dir");
	g_ptr_array_add(args, dir);
	g_ptr_array_add(args, NULL);
	return ct_cli_call(self->cli, "export", (const gchar *const *)args->pdata, error);
}

static gboolean
ct_cmd_wizard_do(CtCmdWizard *self, CtCmdWizardChoice choice, GError **error)
{
	g_autoptr(GPtrArray) args = NULL;

	switch (choice) {
	case CT_CMD_WIZARD_TRUST_BROWSERS:
		args = ct_cmd_wizard_args(self,
					  (const gchar *const[]){"--store", "firefox", "--store",
								 "chromium", NULL});
		return ct_cli_call(self->cli, "trust", (const gchar *const *)args->pdata, error);
	case CT_CMD_WIZARD_TRUST_ALL:
		args = ct_cmd_wizard_args(self, (const gchar *const[]){"--store", "firefox",
								       "--store", "chromium",
								       "--store", "system", NULL});
		return ct_cli_call(self->cli, "trust", (const gchar *const *)args->pdata, error);
	case CT_CMD_WIZARD_SESSION_FIREFOX:
		args = ct_cmd_wizard_args(self, (const gchar *const[]){"--browser", "firefox",
								       "--session", NULL});
		return ct_cli_call(self->cli, "open", (const gchar *const *)args->pdata, error);
	case CT_CMD_WIZARD_SESSION_CHROMIUM:
		args = ct_cmd_wizard_args(self, (const gchar *const[]){"--browser", "chromium",
								       "--session", NULL});
		return ct_cli_call(self->cli, "open", (const gchar *const *)args->pdata, error);
	case CT_CMD_WIZARD_SAVE:
		return ct_cmd_wizard_save(self, error);
	case CT_CMD_WIZARD_CANCEL:
	default:
		g_set_error_literal(error, CT_ERROR, CT_ERROR_REFUSED,
				    "cancelled: nothing was written");
		return FALSE;
	}
}

/* after a permanent trust: how to prove it and how to undo it */
static void
ct_cmd_wizard_print_next(CtCmdWizard *self, CtChain *chain)
{
	const gchar *first = g_ptr_array_index(self->names, 0);
	g_autofree gchar *name = ct_cli_escape(first);
	g_autofree gchar *prefix = g_strndup(ct_chain_get_leaf(chain)->sha256, 11);

	ct_cli_print(self->cli,
		     "\nProve it in the browsers: certtrust verify https://%s/ --browser firefox\n"
		     "                          certtrust verify https://%s/ --browser chromium\n"
		     "Undo it:                  certtrust untrust %s\n",
		     name, name, prefix);
}

static gboolean
ct_cmd_wizard_run(CtCmdWizard *self, const gchar *given, GError **error)
{
	g_autofree gchar *source = NULL;
	g_autoptr(CtChain) chain = NULL;
	CtCmdWizardChoice choice = CT_CMD_WIZARD_CANCEL;

	source = given != NULL ? g_strdup(given) : ct_cmd_wizard_ask_source(self, error);
	if (source == NULL)
		return FALSE;
	chain = ct_cmd_wizard_load(self, source, error);
	if (chain == NULL)
		return FALSE;
	if (!ct_cmd_wizard_ask_names(self, source, error))
		return FALSE;
	ct_cmd_wizard_check_names(self, chain);
	if (!ct_cmd_wizard_ask_choice(self, &choice, error))
		return FALSE;
	if (!ct_cmd_wizard_do(self, choice, error))
		return FALSE;
	if (choice == CT_CMD_WIZARD_TRUST_BROWSERS || choice == CT_CMD_WIZARD_TRUST_ALL)
		ct_cmd_wizard_print_next(self, chain);
	return TRUE;
}

gboolean
ct_cmd_wizard(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_autoptr(CtCmdWizard) self = g_new0(CtCmdWizard, 1);
	gboolean keep_open = FALSE;
	gboolean ok;
	const GOptionEntry entries[] = {
	    {"keep-open", 'k', 0, G_OPTION_ARG_NONE, &keep_open,
	     "At the end, wait for Enter (a terminal the desktop opened stays readable)", NULL},
	    G_OPTION_ENTRY_NULL,
	};

	self->cli = cli;
	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (cli->json) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "the wizard asks questions: for JSON use fetch, trust, open or "
				    "export");
		return FALSE;
	}
	if (argc > 2) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give at most one SOURCE");
		return FALSE;
	}
	ok = ct_cmd_wizard_run(self, argc == 2 ? argv[1] : NULL, error);
	if (keep_open) {
		gchar line[8];
		/* said before the wait, as the window closes after it (said once: see
		 * ct_cli_print_error) */
		if (!ok) {
			ct_error_convert(error);
			ct_cli_print_error(cli, *error);
		}
		fputs("\nPress Enter to close.", stderr);
		fflush(stderr);
		if (fgets(line, sizeof(line), stdin) == NULL)
			fputc('\n', stderr);
	}
	return ok;
}
