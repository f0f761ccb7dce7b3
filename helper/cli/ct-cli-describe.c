/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-cli-show.h"
#include "ct-cli.h"
#include "ct-export.h"
#include "ct-hostname.h"
#include "ct-json.h"
#include "ct-serve-profiles.h"

/* the command line described from the command table and the very GOptionEntry arrays the
 * commands parse: each command's synopsis in --help, `certtrust --json --help` (the whole
 * CLI, which the man page and the shell completions are generated from at build time) and
 * `certtrust --json COMMAND --help` */

/* an option's value as its help shows it */
static const gchar *
ct_cli_describe_value_name(const GOptionEntry *entry)
{
	if (entry->arg_description != NULL)
		return entry->arg_description;
	return entry->arg == G_OPTION_ARG_INT ? "N" : "VALUE";
}

static gboolean
ct_cli_describe_takes_value(const GOptionEntry *entry)
{
	return entry->arg != G_OPTION_ARG_NONE;
}

static gboolean
ct_cli_describe_repeatable(const GOptionEntry *entry)
{
	return entry->arg == G_OPTION_ARG_STRING_ARRAY || entry->arg == G_OPTION_ARG_FILENAME_ARRAY;
}

gchar *
ct_cli_describe_synopsis(const CtCliCommand *command, const GOptionEntry *const *lists)
{
	GString *out = g_string_new(command->arguments);

	for (guint l = 0; lists[l] != NULL; l++) {
		for (const GOptionEntry *entry = lists[l]; entry->long_name != NULL; entry++) {
			if (entry->flags & G_OPTION_FLAG_HIDDEN)
				continue;
			if (out->len > 0)
				g_string_append_c(out, ' ');
			if (entry->short_name != 0)
				g_string_append_printf(out, "[-%c", entry->short_name);
			else
				g_string_append_printf(out, "[--%s", entry->long_name);
			if (ct_cli_describe_takes_value(entry))
				g_string_append_printf(out, " %s",
						       ct_cli_describe_value_name(entry));
			g_string_append_c(out, ']');
			if (ct_cli_describe_repeatable(entry))
				g_string_append(out, "...");
		}
	}
	return g_string_free(out, FALSE);
}

gchar *
ct_cli_describe_help_text(const CtCliCommand *command)
{
	GString *out = g_string_new(command->description);
	g_auto(GStrv) examples = g_strsplit(command->examples, "\n", -1);

	if (out->len > 0)
		g_string_append(out, "\n\n");
	g_string_append(out, "Examples:\n");
	for (guint i = 0; examples[i] != NULL; i++)
		g_string_append_printf(out, "  %s\n", examples[i]);
	return g_string_free(out, FALSE);
}

static const gchar *const ct_cli_describe_stores[] = {"firefox", "chromium", "system", "all", NULL};
static const gchar *const ct_cli_describe_modes[] = {"auto", "exception", "anchor", NULL};
static const gchar *const ct_cli_describe_flow_choices[] = {"continue", "permanent", "session",
							    "cancel", NULL};
static const gchar *const ct_cli_describe_layouts[] = {"current", "legacy", NULL};
static const gchar *const ct_cli_describe_old_browsers[] = {"ie8", "firefox3", "safari4", NULL};
static const gchar *const ct_cli_describe_verify_browsers[] = {"firefox", "chromium", "all", NULL};
static const gchar *const ct_cli_describe_browsers[] = {"firefox", "chromium", NULL};

/* the fixed values an option takes, from the tables the code parses them with where there
 * is one; NULL when the value is free (a file, a host, a number) */
static GPtrArray *
ct_cli_describe_choices(const gchar *command, const gchar *option)
{
	GPtrArray *choices = g_ptr_array_new();
	const gchar *const *fixed = NULL;

	if (g_strcmp0(option, "format") == 0) {
		for (guint i = 0; i < CT_EXPORT_FORMAT_LAST; i++)
			g_ptr_array_add(choices, (gpointer)ct_export_format_to_string(i));
	} else if (g_strcmp0(option, "view") == 0) {
		for (guint i = CT_CLI_SHOW_VIEW_ALL; i <= CT_CLI_SHOW_VIEW_PROPERTIES; i++)
			g_ptr_array_add(choices, (gpointer)ct_cli_show_view_to_string(i));
	} else if (g_strcmp0(option, "policy") == 0) {
		for (guint i = CT_HOSTNAME_POLICY_STRICT; i <= CT_HOSTNAME_POLICY_CHROMIUM; i++)
			g_ptr_array_add(choices, (gpointer)ct_hostname_policy_to_string(i));
	} else if (g_strcmp0(command, "serve") == 0 && g_strcmp0(option, "profile") == 0) {
		fixed = ct_serve_profiles_get_names();
	} else if (g_strcmp0(option, "store") == 0) {
		/* and firefox:DIR, nss:DIR: a directory after the colon */
		fixed = ct_cli_describe_stores;
	} else if (g_strcmp0(option, "mode") == 0) {
		fixed = ct_cli_describe_modes;
	} else if (g_strcmp0(option, "choice") == 0) {
		fixed = ct_cli_describe_flow_choices;
	} else if (g_strcmp0(option, "layout") == 0) {
		fixed = ct_cli_describe_layouts;
	} else if (g_strcmp0(option, "browser") == 0 && g_strcmp0(command, "export") == 0) {
		fixed = ct_cli_describe_old_browsers;
	} else if (g_strcmp0(option, "browser") == 0 && g_strcmp0(command, "verify") == 0) {
		fixed = ct_cli_describe_verify_browsers;
	} else if (g_strcmp0(option, "browser") == 0) {
		fixed = ct_cli_describe_browsers;
	}
	for (guint i = 0; fixed != NULL && fixed[i] != NULL; i++)
		g_ptr_array_add(choices, (gpointer)fixed[i]);
	if (choices->len == 0)
		g_clear_pointer(&choices, g_ptr_array_unref);
	return choices;
}

/* what completes an option's value or an argument: "choice", "file", "directory" or
 * "text" */
static const gchar *
ct_cli_describe_completes(const GOptionEntry *entry, GPtrArray *choices)
{
	const gchar *value = ct_cli_describe_value_name(entry);

	if (choices != NULL)
		return "choice";
	if (g_strcmp0(value, "DIR") == 0)
		return "directory";
	if (entry->arg == G_OPTION_ARG_FILENAME || entry->arg == G_OPTION_ARG_FILENAME_ARRAY)
		return "file";
	return "text";
}

static void
ct_cli_describe_add_options(JsonBuilder *builder, const gchar *command, const GOptionEntry *entries)
{
	for (const GOptionEntry *entry = entries; entry->long_name != NULL; entry++) {
		g_autoptr(GPtrArray) choices = NULL;
		gchar short_name[2] = {entry->short_name, '\0'};

		if (entry->flags & G_OPTION_FLAG_HIDDEN)
			continue;
		if (ct_cli_describe_takes_value(entry))
			choices = ct_cli_describe_choices(command, entry->long_name);
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "long", entry->long_name);
		ct_json_add_string(builder, "short", entry->short_name != 0 ? short_name : NULL);
		ct_json_add_string(builder, "value",
				   ct_cli_describe_takes_value(entry)
				       ? ct_cli_describe_value_name(entry)
				       : NULL);
		ct_json_add_string(builder, "help", entry->description);
		ct_json_add_boolean(builder, "repeatable", ct_cli_describe_repeatable(entry));
		if (ct_cli_describe_takes_value(entry))
			ct_json_add_string(builder, "completes",
					   ct_cli_describe_completes(entry, choices));
		if (choices != NULL) {
			ct_json_begin_array_member(builder, "choices");
			for (guint i = 0; i < choices->len; i++)
				json_builder_add_string_value(builder,
							      g_ptr_array_index(choices, i));
			json_builder_end_array(builder);
		}
		json_builder_end_object(builder);
	}
}

void
ct_cli_describe_command(JsonBuilder *builder,
			const CtCliCommand *command,
			const GOptionEntry *const *lists)
{
	g_autofree gchar *synopsis = ct_cli_describe_synopsis(command, lists);
	g_auto(GStrv) examples = g_strsplit(command->examples, "\n", -1);

	json_builder_begin_object(builder);
	ct_json_add_string(builder, "name", command->name);
	ct_json_add_string(builder, "arguments", command->arguments);
	ct_json_add_string(builder, "synopsis", synopsis);
	ct_json_add_string(builder, "summary", command->summary);
	ct_json_add_string(builder, "description", command->description);
	ct_json_begin_array_member(builder, "examples");
	for (guint i = 0; examples[i] != NULL; i++)
		json_builder_add_string_value(builder, examples[i]);
	json_builder_end_array(builder);
	/* the arguments' own fixed values: flow's browser procedure */
	if (g_strcmp0(command->name, "flow") == 0) {
		ct_json_begin_array_member(builder, "argument_choices");
		for (const gchar *const *p = ct_cli_describe_old_browsers; *p != NULL; p++)
			json_builder_add_string_value(builder, *p);
		json_builder_end_array(builder);
	}
	ct_json_add_string(builder, "argument_completes",
			   g_str_has_prefix(command->arguments, "PATH") ? "file"
			   : command->arguments[0] != '\0'		? "file-or-host"
									: NULL);
	ct_json_begin_array_member(builder, "options");
	for (guint l = 0; lists[l] != NULL; l++)
		ct_cli_describe_add_options(builder, command->name, lists[l]);
	json_builder_end_array(builder);
	json_builder_end_object(builder);
}

gboolean
ct_cli_describe_print(CtCli *cli,
		      const GOptionEntry *const *global,
		      const gchar *only,
		      GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	const CtCliCommand *commands;
	guint n_commands = 0;
	const CtCliCommand *caller = cli->command;

	commands = ct_cli_get_commands(&n_commands);
	json_builder_begin_object(builder);
	ct_json_add_string(builder, "program", "certtrust");
	ct_json_add_string(builder, "version", PACKAGE_VERSION);
	if (only == NULL) {
		ct_json_begin_array_member(builder, "global_options");
		for (guint l = 0; global[l] != NULL; l++)
			ct_cli_describe_add_options(builder, NULL, global[l]);
		json_builder_end_array(builder);
	}
	ct_json_begin_array_member(builder, "commands");
	cli->describe = builder;
	for (guint i = 0; i < n_commands; i++) {
		g_autoptr(GError) described = NULL;
		if (only != NULL && g_strcmp0(commands[i].name, only) != 0)
			continue;
		/* the command parses its options first: in describe mode that parse adds the
		 * description and ends the command (CT_ERROR_CANCELLED) */
		if (ct_cli_call(cli, commands[i].name, (const gchar *const[]){NULL}, &described) ||
		    !g_error_matches(described, CT_ERROR, CT_ERROR_CANCELLED)) {
			cli->describe = NULL;
			cli->command = caller;
			g_set_error(error, CT_ERROR, CT_ERROR_FAILED,
				    "%s did not describe its options", commands[i].name);
			return FALSE;
		}
	}
	cli->describe = NULL;
	cli->command = caller;
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	ct_cli_print_json(cli, builder);
	return TRUE;
}
