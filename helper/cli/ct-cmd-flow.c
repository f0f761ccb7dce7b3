/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-cli-browser.h"
#include "ct-cli-show.h"
#include "ct-cli-trust.h"
#include "ct-cli.h"
#include "ct-export.h"
#include "ct-fetch.h"
#include "ct-firefox.h"
#include "ct-hostname.h"
#include "ct-json.h"

/* flow: the procedures of docs/browser-procedures.md for IE8, Firefox 3.x and Safari 4.x,
 * one dialog at a time as the browser showed it, each with the real action behind it:
 * the first access, the certificate views, the trust store the browser maps to on Linux
 * (IE8 and Safari: the OS store; Firefox: its profiles), the exports, the name rule */

/* what a user can answer a dialog with; a button stands for one or more of them */
typedef enum {
	CT_FLOW_CONTINUE = 1 << 0,  /* the button the procedure clicks */
	CT_FLOW_CANCEL = 1 << 1,    /* the dialog's cancel: no access, nothing written */
	CT_FLOW_SESSION = 1 << 2,   /* trust for this session only */
	CT_FLOW_PERMANENT = 1 << 3, /* install, store permanently */
} CtFlowChoice;

static const gchar *ct_flow_choice_names[] = {"continue", "cancel", "session", "permanent"};

typedef struct {
	gchar key;	    /* what to type at the prompt */
	const gchar *label; /* the button as the dialog says it */
	guint answers;	    /* CtFlowChoice bits */
	const gchar *hint;  /* what it means, at the prompt; NULL for nothing to add */
} CtFlowButton;

typedef struct {
	gchar *dialog;
	GPtrArray *text;    /* gchar*, raw: escaped when printed */
	GString *view;	    /* certificate views and plans, escaped already */
	GPtrArray *buttons; /* gchar*: what the dialog offers (or the one the procedure clicks) */
	gboolean asked;	    /* a decision, from --choice, --yes or the prompt */
	gchar *choice;	    /* the button pressed, or NULL */
	gchar *answered_by; /* "--choice session", "--yes", "prompt", or NULL */
	gchar *action;	    /* what certtrust did behind it */
	GPtrArray *result;  /* gchar*, raw */
	gchar *extra_name;  /* a member with more for --json: certificate, trust, files ... */
	JsonNode *extra;
	gboolean head_printed;
	gboolean done;
} CtFlowStep;

typedef struct {
	CtCli *cli;
	const gchar *browser; /* ie8, firefox3, safari4 */
	const gchar *title;   /* Internet Explorer 8, ... */
	const gchar *source;
	gchar *host;	 /* the SOURCE's host, for the dialogs' texts */
	gchar **names;	 /* --name, (transfer none) */
	GArray *choices; /* CtFlowChoice, in order */
	guint next_choice;
	gboolean interactive;
	GDataInputStream *input;
	GPtrArray *chains;
	CtChain *chain; /* (transfer none) */
	GPtrArray *steps;
	const gchar *export_dir;
	gboolean force;
	gboolean allow_ca;
	const gchar *outcome; /* trusted, session, blocked, name-mismatch, needs-root, ... */
	gchar *message;	      /* what the outcome means */
	GError *error;	      /* the non-zero exit status, or NULL */
} CtFlow;

static void
ct_flow_step_free(CtFlowStep *step)
{
	g_free(step->dialog);
	g_ptr_array_unref(step->text);
	if (step->view != NULL)
		g_string_free(step->view, TRUE);
	g_ptr_array_unref(step->buttons);
	g_free(step->choice);
	g_free(step->answered_by);
	g_free(step->action);
	g_ptr_array_unref(step->result);
	g_free(step->extra_name);
	if (step->extra != NULL)
		json_node_unref(step->extra);
	g_free(step);
}

static void
ct_flow_free(CtFlow *flow)
{
	g_free(flow->host);
	g_array_unref(flow->choices);
	g_clear_object(&flow->input);
	if (flow->chains != NULL)
		g_ptr_array_unref(flow->chains);
	g_ptr_array_unref(flow->steps);
	g_free(flow->message);
	g_clear_error(&flow->error);
	g_free(flow);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFlow, ct_flow_free)

/* the dialogs go where the user sees them: stdout, or stderr when --json keeps stdout
 * for the transcript and a prompt needs them on the terminal */
static void
ct_flow_emit(CtFlow *flow, const gchar *text)
{
	if (!flow->cli->json) {
		ct_cli_print(flow->cli, "%s", text);
		fflush(stdout);
	} else if (flow->interactive) {
		fputs(text, stderr);
		fflush(stderr);
	}
}

static CtFlowStep *
ct_flow_step_new(CtFlow *flow, const gchar *dialog)
{
	CtFlowStep *step = g_new0(CtFlowStep, 1);

	step->dialog = g_strdup(dialog);
	step->text = g_ptr_array_new_with_free_func(g_free);
	step->buttons = g_ptr_array_new_with_free_func(g_free);
	step->result = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(flow->steps, step);
	return step;
}

static void
ct_flow_text(CtFlowStep *step, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

static void
ct_flow_text(CtFlowStep *step, const gchar *format, ...)
{
	va_list args;

	va_start(args, format);
	g_ptr_array_add(step->text, g_strdup_vprintf(format, args));
	va_end(args);
}

static void
ct_flow_result(CtFlowStep *step, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

static void
ct_flow_result(CtFlowStep *step, const gchar *format, ...)
{
	va_list args;

	va_start(args, format);
	g_ptr_array_add(step->result, g_strdup_vprintf(format, args));
	va_end(args);
}

/* a click the procedure makes, no decision */
static void
ct_flow_click(CtFlowStep *step, const gchar *label)
{
	g_ptr_array_add(step->buttons, g_strdup(label));
	g_free(step->choice);
	step->choice = g_strdup(label);
}

/* value: (transfer full) */
static void
ct_flow_set_extra(CtFlowStep *step, const gchar *name, JsonNode *value)
{
	g_free(step->extra_name);
	g_clear_pointer(&step->extra, json_node_unref);
	step->extra_name = g_strdup(name);
	step->extra = value;
}

static void
ct_flow_append_lines(GString *out, GPtrArray *lines, const gchar *prefix)
{
	for (guint i = 0; i < lines->len; i++) {
		g_autofree gchar *escaped = ct_cli_escape(g_ptr_array_index(lines, i));
		g_string_append_printf(out, "%s%s\n", prefix, escaped);
	}
}

/* rendered text, indented under the dialog */
static void
ct_flow_append_view(GString *out, const gchar *view)
{
	g_auto(GStrv) lines = g_strsplit(view, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		if (lines[i][0] == '\0' && lines[i + 1] == NULL)
			break;
		g_string_append_printf(out, "   %s\n", lines[i]);
	}
}

static void
ct_flow_print_head(CtFlow *flow, CtFlowStep *step)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree gchar *dialog = ct_cli_escape(step->dialog);

	if (step->head_printed)
		return;
	step->head_printed = TRUE;
	g_string_append_printf(out, "\n== %s\n", dialog);
	ct_flow_append_lines(out, step->text, "   ");
	if (step->view != NULL)
		ct_flow_append_view(out, step->view->str);
	ct_flow_emit(flow, out->str);
}

/* the step is complete: what was clicked and what came of it */
static void
ct_flow_done(CtFlow *flow, CtFlowStep *step, const gchar *action)
{
	g_autoptr(GString) out = g_string_new(NULL);
	/* action may be step->action itself */
	gchar *copy = g_strdup(action);

	g_free(step->action);
	step->action = copy;
	step->done = TRUE;
	if (!step->asked && step->choice != NULL) {
		g_autofree gchar *choice = ct_cli_escape(step->choice);
		ct_flow_print_head(flow, step);
		g_string_append_printf(out, "   > %s\n", choice);
	}
	ct_flow_print_head(flow, step);
	ct_flow_append_lines(out, step->result, "   -> ");
	ct_flow_emit(flow, out->str);
}

/* the flow ends here: outcome, and for a non-zero exit status the error saying why */
static void
ct_flow_end(CtFlow *flow, const gchar *outcome, gint code, const gchar *format, ...)
    G_GNUC_PRINTF(4, 5);

static void
ct_flow_end(CtFlow *flow, const gchar *outcome, gint code, const gchar *format, ...)
{
	va_list args;

	flow->outcome = outcome;
	g_free(flow->message);
	va_start(args, format);
	flow->message = g_strdup_vprintf(format, args);
	va_end(args);
	g_clear_error(&flow->error);
	if (code >= 0)
		flow->error = g_error_new_literal(CT_ERROR, code, flow->message);
}

static gboolean
ct_flow_parse_choices(gchar **texts, GArray *choices, GError **error)
{
	for (guint i = 0; texts != NULL && texts[i] != NULL; i++) {
		gboolean found = FALSE;
		for (guint j = 0; j < G_N_ELEMENTS(ct_flow_choice_names) && !found; j++) {
			if (g_ascii_strcasecmp(texts[i], ct_flow_choice_names[j]) == 0) {
				guint choice = 1u << j;
				g_array_append_val(choices, choice);
				found = TRUE;
			}
		}
		if (!found) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "unknown choice '%s': use continue, cancel, session or "
				    "permanent",
				    texts[i]);
			return FALSE;
		}
	}
	return TRUE;
}

static const gchar *
ct_flow_choice_to_string(guint choice)
{
	for (guint i = 0; i < G_N_ELEMENTS(ct_flow_choice_names); i++) {
		if (choice == (1u << i))
			return ct_flow_choice_names[i];
	}
	return "continue";
}

/* the dialog's button for a choice: the first that stands for it */
static guint
ct_flow_button_for(const CtFlowButton *buttons, guint n_buttons, guint choice)
{
	for (guint i = 0; i < n_buttons; i++) {
		if (buttons[i].answers & choice)
			return i;
	}
	return 0;
}

/* "Continue to this website (not recommended)." and "continue to this website" alike */
static gboolean
ct_flow_label_equal(const gchar *label, const gchar *answer)
{
	g_autofree gchar *a = g_ascii_strdown(label, -1);
	g_autofree gchar *b = g_ascii_strdown(answer, -1);

	g_strchomp(a);
	while (g_str_has_suffix(a, ".") || g_str_has_suffix(a, "!"))
		a[strlen(a) - 1] = '\0';
	while (g_str_has_suffix(b, ".") || g_str_has_suffix(b, "!"))
		b[strlen(b) - 1] = '\0';
	return g_strcmp0(a, b) == 0;
}

/* a typed answer: a button's key, its name (or the start of it, when only one button
 * starts so), or one of the choices */
static gboolean
ct_flow_match_answer(const gchar *answer,
		     const CtFlowButton *buttons,
		     guint n_buttons,
		     guint *index)
{
	guint prefixed = 0;
	guint found = 0;

	if (strlen(answer) == 1) {
		for (guint i = 0; i < n_buttons; i++) {
			if (g_ascii_tolower(answer[0]) == buttons[i].key) {
				*index = i;
				return TRUE;
			}
		}
	}
	for (guint i = 0; i < n_buttons; i++) {
		if (ct_flow_label_equal(buttons[i].label, answer)) {
			*index = i;
			return TRUE;
		}
	}
	for (guint i = 0; i < G_N_ELEMENTS(ct_flow_choice_names); i++) {
		if (g_ascii_strcasecmp(answer, ct_flow_choice_names[i]) == 0) {
			*index = ct_flow_button_for(buttons, n_buttons, 1u << i);
			return TRUE;
		}
	}
	for (guint i = 0; i < n_buttons && strlen(answer) >= 2; i++) {
		if (g_ascii_strncasecmp(buttons[i].label, answer, strlen(answer)) == 0) {
			prefixed++;
			found = i;
		}
	}
	if (prefixed == 1) {
		*index = found;
		return TRUE;
	}
	return FALSE;
}

/* the prompt: read answers until one names a button; end of input is the dialog's
 * cancel, Enter the button of the procedure (docs/browser-procedures.md) */
static gboolean
ct_flow_read_answer(CtFlow *flow,
		    const CtFlowButton *buttons,
		    guint n_buttons,
		    guint *index,
		    GError **error)
{
	guint fallback = ct_flow_button_for(buttons, n_buttons, CT_FLOW_CONTINUE);
	g_autoptr(GString) keys = g_string_new(NULL);

	for (guint i = 0; i < n_buttons; i++)
		g_string_append_printf(keys, "%s%c", i > 0 ? "/" : "", buttons[i].key);
	if (flow->input == NULL) {
		g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new(STDIN_FILENO, FALSE);
		flow->input = g_data_input_stream_new(stdin_stream);
	}
	for (;;) {
		g_autoptr(GError) error_local = NULL;
		g_autofree gchar *line = NULL;

		fprintf(stderr, "   Your answer [%s, Enter: %c]: ", keys->str,
			buttons[fallback].key);
		fflush(stderr);
		line = g_data_input_stream_read_line(flow->input, NULL, flow->cli->cancellable,
						     &error_local);
		if (line == NULL && error_local != NULL) {
			fputc('\n', stderr);
			g_propagate_error(error, g_steal_pointer(&error_local));
			ct_error_convert(error);
			return FALSE;
		}
		if (line == NULL) {
			/* the window closed: the dialog's cancel */
			fputc('\n', stderr);
			*index = ct_flow_button_for(buttons, n_buttons, CT_FLOW_CANCEL);
			return TRUE;
		}
		g_strstrip(line);
		if (line[0] == '\0') {
			*index = fallback;
			return TRUE;
		}
		if (g_utf8_validate(line, -1, NULL) &&
		    ct_flow_match_answer(line, buttons, n_buttons, index))
			return TRUE;
		fprintf(stderr,
			"   Answer %s, a button's name, or continue, cancel, session or "
			"permanent.\n",
			keys->str);
	}
}

/* a dialog that asks: --choice (in order, the last one for the rest), --yes (permanent)
 * or the prompt picks a button; *index is the button's */
static gboolean
ct_flow_ask(CtFlow *flow,
	    CtFlowStep *step,
	    const CtFlowButton *buttons,
	    guint n_buttons,
	    guint *index,
	    GError **error)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree gchar *chosen = NULL;

	if (g_cancellable_set_error_if_cancelled(flow->cli->cancellable, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	step->asked = TRUE;
	ct_flow_print_head(flow, step);
	for (guint i = 0; i < n_buttons; i++) {
		g_ptr_array_add(step->buttons, g_strdup(buttons[i].label));
		g_string_append_printf(out, "   [%c] %s%s%s%s\n", buttons[i].key, buttons[i].label,
				       buttons[i].hint != NULL ? "  (" : "",
				       buttons[i].hint != NULL ? buttons[i].hint : "",
				       buttons[i].hint != NULL ? ")" : "");
	}
	ct_flow_emit(flow, out->str);
	if (flow->choices->len > 0) {
		guint at = MIN(flow->next_choice, flow->choices->len - 1);
		guint choice = g_array_index(flow->choices, guint, at);
		flow->next_choice++;
		*index = ct_flow_button_for(buttons, n_buttons, choice);
		step->answered_by = g_strdup_printf("--choice %s",
						    ct_flow_choice_to_string(choice));
	} else if (flow->cli->yes) {
		*index = ct_flow_button_for(buttons, n_buttons, CT_FLOW_PERMANENT);
		step->answered_by = g_strdup("--yes");
	} else {
		if (!ct_flow_read_answer(flow, buttons, n_buttons, index, error))
			return FALSE;
		step->answered_by = g_strdup("prompt");
	}
	step->choice = g_strdup(buttons[*index].label);
	if (g_strcmp0(step->answered_by, "prompt") == 0)
		chosen = g_strdup_printf("   > %s\n", buttons[*index].label);
	else
		chosen = g_strdup_printf("   > %s   (%s)\n", buttons[*index].label,
					 step->answered_by);
	ct_flow_emit(flow, chosen);
	return TRUE;
}

static const gchar *
ct_flow_name_of(CtCertificate *certificate)
{
	return certificate->subject_cn != NULL ? certificate->subject_cn : certificate->subject;
}

/* who the browsers say issued the server's certificate */
static const gchar *
ct_flow_issuer_name(CtChain *chain)
{
	CtCertificate *leaf = ct_chain_get_leaf(chain);

	if (leaf->self_signed)
		return ct_flow_name_of(leaf);
	if (chain->path_length > 1)
		return ct_flow_name_of(g_ptr_array_index(chain->certificates, 1));
	return leaf->issuer;
}

static void
ct_flow_add_certificate_extra(CtFlowStep *step, CtChain *chain)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	ct_json_add_certificate(builder, ct_chain_get_leaf(chain), "leaf");
	ct_flow_set_extra(step, "certificate", json_builder_get_root(builder));
}

/* a certificate view of the server's certificate, as show renders it */
static void
ct_flow_add_view(CtFlowStep *step, CtChain *chain, CtCliShowView view)
{
	const gchar *names[] = {"all", "v1", "extensions", "critical", "properties"};

	if (step->view == NULL)
		step->view = g_string_new(NULL);
	ct_cli_show_render_certificate(step->view, chain, 0, view);
	/* --json: which view; the certificate itself is in the General step */
	ct_flow_set_extra(step, "view", json_node_init_string(json_node_alloc(), names[view]));
}

/* the first access */

static gboolean
ct_flow_first_access(CtFlow *flow, GError **error)
{
	const gchar *window = g_strcmp0(flow->browser, "ie8") == 0 ? "Windows Internet Explorer"
			      : g_strcmp0(flow->browser, "firefox3") == 0 ? "Mozilla Firefox"
									  : "Safari";
	const gchar *argv[] = {"certtrust flow", flow->source, NULL};
	CtFlowStep *step = ct_flow_step_new(flow, window);
	g_autoptr(GPtrArray) problems = NULL;
	CtCertificate *leaf;

	ct_flow_text(step, "Address: %s", flow->source);
	flow->chains = ct_cli_load_sources(flow->cli, 2, (gchar **)argv, error);
	if (flow->chains == NULL)
		return FALSE;
	flow->chain = g_ptr_array_index(flow->chains, 0);
	leaf = ct_chain_get_leaf(flow->chain);
	problems = ct_chain_get_problem_names(flow->chain);
	ct_flow_result(step, "the first access: %s presented %u certificate%s, %s",
		       flow->chain->peer != NULL ? flow->chain->peer : flow->source,
		       flow->chain->certificates->len,
		       flow->chain->certificates->len == 1 ? "" : "s", ct_flow_name_of(leaf));
	if (problems->len > 0) {
		g_autofree gchar *joined = NULL;
		g_ptr_array_add(problems, NULL);
		joined = g_strjoinv(", ", (gchar **)problems->pdata);
		ct_flow_result(step, "TLS problems: %s", joined);
	} else {
		ct_flow_result(step, "no TLS problem: the certificate is trusted already");
	}
	if (flow->chain->http_status > 0)
		ct_flow_result(step, "HTTP %u%s%s%s", flow->chain->http_status,
			       flow->chain->page_title != NULL ? " \"" : "",
			       flow->chain->page_title != NULL ? flow->chain->page_title : "",
			       flow->chain->page_title != NULL ? "\"" : "");
	ct_flow_done(flow, step, "fetch");
	return TRUE;
}

/* what the page looks like once the warning is passed */
static void
ct_flow_page_opens(CtFlow *flow, CtFlowStep *step, const gchar *how)
{
	if (flow->chain->http_status > 0)
		ct_flow_result(step, "the page opens (HTTP %u%s%s%s)%s", flow->chain->http_status,
			       flow->chain->page_title != NULL ? " \"" : "",
			       flow->chain->page_title != NULL ? flow->chain->page_title : "",
			       flow->chain->page_title != NULL ? "\"" : "", how);
	else
		ct_flow_result(step, "the connection opens%s", how);
}

static void
ct_flow_blocked(CtFlow *flow, CtFlowStep *step)
{
	ct_flow_end(flow, "blocked", CT_ERROR_CHECK_FAILED,
		    "%s: \"%s\" was cancelled: no access, nothing was written", flow->title,
		    step->dialog);
}

/* the OS store: IE8 and Safari install into Trusted Root Certification Authorities,
 * which is the OS trust store on Linux */

/* the names the user types: the SOURCE's and each --name; without --name also
 * localhost and the IP address, which are shown but do not decide the exit status */
static GPtrArray *
ct_flow_check_names(CtFlow *flow, guint *counted, GError **error)
{
	const gchar *defaults[] = {"localhost", "127.0.0.1", NULL};
	gchar **names = flow->names != NULL && flow->names[0] != NULL ? flow->names
								      : (gchar **)defaults;
	GPtrArray *typed = ct_cli_typed_names(flow->source, names, error);

	if (typed != NULL)
		*counted = names == flow->names ? typed->len : 1;
	return typed;
}

static CtTrustPlan *
ct_flow_system_plan(CtFlow *flow, GPtrArray **stores, GError **error)
{
	const gchar *specs[] = {"system", NULL};
	guint counted = 0;
	g_autoptr(GPtrArray) names = ct_flow_check_names(flow, &counted, error);

	if (names == NULL)
		return NULL;
	*stores = ct_store_resolve(specs, flow->cli->sysroot, FALSE, error);
	if (*stores == NULL)
		return NULL;
	return ct_trust_plan_new(flow->chain, *stores, names, CT_TRUST_MODE_AUTO, flow->allow_ca,
				 flow->cli->sysroot, error);
}

static void
ct_flow_add_trust_extra(CtFlowStep *step, CtTrustPlan *plan)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	ct_cli_trust_add_json(builder, plan);
	json_builder_end_object(builder);
	ct_flow_set_extra(step, "trust", json_builder_get_root(builder));
}

/* the wizard cannot import: the plan says why (a CA without --allow-ca, no OS store) */
static void
ct_flow_import_refused(CtFlow *flow, CtTrustStep *store_step)
{
	CtFlowStep *step = ct_flow_step_new(flow, "Completing the Certificate Import Wizard");

	ct_flow_click(step, "Finish");
	ct_flow_result(step, "The import failed.");
	ct_flow_result(step, "%s", store_step->plan);
	ct_flow_done(flow, step, "none");
	if (store_step->refusal == CT_ERROR_REFUSED)
		ct_flow_end(flow, "refused", CT_ERROR_REFUSED, "%s: the import was refused: %s",
			    flow->title, store_step->plan);
	else
		ct_flow_end(flow, "not-found", CT_ERROR_NOT_FOUND, "%s: the import failed: %s",
			    flow->title, store_step->plan);
}

static void
ct_flow_security_warning_text(CtFlowStep *step, CtCertificate *target)
{
	const gchar *name = ct_flow_name_of(target);

	ct_flow_text(step,
		     "You are about to install a certificate from a certification authority (CA) "
		     "claiming to represent:");
	ct_flow_text(step, "    %s", name);
	ct_flow_text(step,
		     "Windows cannot validate that the certificate is actually from \"%s\". You "
		     "should confirm its origin by contacting \"%s\". The following number will "
		     "assist you in this process:",
		     name, name);
	ct_flow_text(step, "    Thumbprint (sha1): %s", target->sha1);
	ct_flow_text(step, "Warning: if you install this root certificate, it is trusted for "
			   "every site it vouches for. Installing a certificate with an "
			   "unconfirmed thumbprint is a security risk.");
	ct_flow_text(step, "Do you want to install this certificate?");
}

/* Yes in the Security Warning: the anchor is written (or the root commands printed) */
static gboolean
ct_flow_system_apply(CtFlow *flow, CtFlowStep *step, CtTrustPlan *plan, GError **error)
{
	CtTrustStep *store_step = g_ptr_array_index(plan->steps, 0);

	if (g_cancellable_set_error_if_cancelled(flow->cli->cancellable, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	if (!ct_cli_trust_apply(plan, FALSE, error))
		return FALSE;
	ct_flow_add_trust_extra(step, plan);
	if (g_strcmp0(store_step->result, "done") == 0 ||
	    g_strcmp0(store_step->result, "unchanged") == 0) {
		ct_flow_result(step, "The import was successful.%s",
			       g_strcmp0(store_step->result, "unchanged") == 0
				   ? " (the certificate was there already)"
				   : "");
		ct_flow_result(step, "the OS trust store's anchor: %s", store_step->anchor_path);
		ct_flow_done(flow, step, "trust");
		return TRUE;
	}
	if (g_strcmp0(store_step->result, "needs-root") == 0) {
		ct_flow_result(step, "The import needs root: nothing was written. As root, run:");
		for (guint i = 0; store_step->commands != NULL && i < store_step->commands->len;
		     i++)
			ct_flow_result(step, "    %s",
				       (const gchar *)g_ptr_array_index(store_step->commands, i));
		ct_flow_result(step, "(%s holds the certificate)", store_step->source_path);
		ct_flow_done(flow, step, "trust");
		ct_flow_end(flow, "needs-root", CT_ERROR_FAILED,
			    "%s: the OS trust store needs root: run the commands shown as root, "
			    "or give --sysroot DIR",
			    flow->title);
		return TRUE;
	}
	ct_flow_result(step, "The import failed: %s",
		       store_step->message != NULL ? store_step->message : store_step->plan);
	ct_flow_done(flow, step, "trust");
	if (g_strcmp0(store_step->result, "refused") == 0)
		ct_flow_end(flow, "refused", CT_ERROR_REFUSED, "%s: the import was refused: %s",
			    flow->title, store_step->message);
	else
		ct_flow_end(flow, "failed", CT_ERROR_FAILED, "%s: the import failed: %s",
			    flow->title,
			    store_step->message != NULL ? store_step->message : store_step->plan);
	return TRUE;
}

/* the Certification Path tab after the import: is the anchor really there? */
static gboolean
ct_flow_anchor_is_present(CtTrustStep *store_step)
{
	g_autoptr(CtChain) anchor = NULL;

	if (store_step->anchor_path == NULL)
		return FALSE;
	anchor = ct_chain_load_file(store_step->anchor_path, NULL, NULL);
	return anchor != NULL &&
	       g_strcmp0(ct_chain_get_leaf(anchor)->sha256, store_step->target->sha256) == 0;
}

static void
ct_flow_certification_path(CtFlow *flow, CtTrustStep *store_step)
{
	CtFlowStep *step = ct_flow_step_new(flow, "Certificate - Certification Path");
	gboolean present = ct_flow_anchor_is_present(store_step);

	ct_flow_text(step, "Certificate status:");
	ct_flow_result(step, "%s",
		       present ? "This certificate is OK."
			       : "This CA Root certificate is not trusted: it is not in the "
				 "Trusted Root Certification Authorities store.");
	ct_flow_done(flow, step, "check");
	if (!present)
		ct_flow_end(flow, "failed", CT_ERROR_FAILED,
			    "%s: the anchor %s is not in the OS trust store after the import",
			    flow->title, store_step->anchor_path);
}

/* the host part of "host:port" or "[v6]:port" */
static gchar *
ct_flow_host_of(const gchar *name)
{
	const gchar *colon = strrchr(name, ':');

	if (name[0] == '[') {
		const gchar *end = strchr(name, ']');
		return g_strndup(name + 1,
				 end != NULL ? (gsize)(end - name - 1) : strlen(name) - 1);
	}
	return colon != NULL ? g_strndup(name, colon - name) : g_strdup(name);
}

/* the name rule, after the install: the address typed must be the certificate's
 * name (the legacy rules of IE8 and Safari 4); localhost and the IP address warn */
static void
ct_flow_name_rule(CtFlow *flow, gboolean safari)
{
	guint counted = 0;
	guint mismatches = 0;
	g_autoptr(GString) failed = g_string_new(NULL);
	g_autoptr(GPtrArray) names = ct_flow_check_names(flow, &counted, NULL);
	CtCertificate *leaf = ct_chain_get_leaf(flow->chain);

	for (guint i = 0; names != NULL && i < names->len; i++) {
		const gchar *name = g_ptr_array_index(names, i);
		g_autofree gchar *host = ct_flow_host_of(name);
		g_autoptr(CtHostCheck) check = ct_hostname_check(leaf, host);
		g_autoptr(JsonBuilder) builder = json_builder_new();
		g_autofree gchar *reason = g_utf8_make_valid(check->legacy.reason, -1);
		g_autofree gchar *dialog =
		    g_strdup_printf("%s - https://%s/",
				    safari ? "Safari" : "Windows Internet Explorer", name);
		CtFlowStep *step = ct_flow_step_new(flow, dialog);

		ct_flow_text(step, "Address: https://%s/%s", name,
			     i < counted ? "" : " (the seed: localhost and the IP address warn)");
		if (check->legacy.match) {
			ct_flow_result(step, "%s",
				       safari ? "Safari opens it without a Security Alert"
					      : "the page opens; no Certificate Error");
		} else if (safari) {
			ct_flow_result(step, "Security Alert: the name on the security certificate "
					     "does not match the name of the site.");
		} else {
			ct_flow_result(step,
				       "Certificate Error: the security certificate presented "
				       "by this website was issued for a different website's "
				       "address.");
		}
		ct_flow_result(step, "%s: %s", check->legacy.match ? "match" : "mismatch",
			       check->legacy.reason);
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "name");
		json_builder_add_string_value(builder, name);
		json_builder_set_member_name(builder, "policy");
		json_builder_add_string_value(builder, "legacy");
		json_builder_set_member_name(builder, "match");
		json_builder_add_boolean_value(builder, check->legacy.match);
		json_builder_set_member_name(builder, "reason");
		json_builder_add_string_value(builder, reason);
		json_builder_set_member_name(builder, "counted");
		json_builder_add_boolean_value(builder, i < counted);
		json_builder_end_object(builder);
		ct_flow_set_extra(step, "check", json_builder_get_root(builder));
		ct_flow_done(flow, step, "check-host");
		if (!check->legacy.match && i < counted) {
			mismatches++;
			g_string_append_printf(failed, "%s%s", failed->len > 0 ? ", " : "", name);
		}
	}
	if (mismatches > 0)
		ct_flow_end(flow, "name-mismatch", CT_ERROR_CHECK_FAILED,
			    "%s: installed, but it still warns for %s: the name is not in the "
			    "certificate",
			    flow->title, failed->str);
	else
		ct_flow_end(flow, "trusted", -1,
			    "%s trusts the certificate: it is in the OS trust store", flow->title);
}

/* the wizard from the Security Warning on, IE8's and Safari's alike; *installed when the
 * anchor is in the store */
static gboolean
ct_flow_system_import(CtFlow *flow,
		      CtTrustPlan *plan,
		      const CtFlowButton *buttons,
		      guint n_buttons,
		      gboolean *installed,
		      GError **error)
{
	CtTrustStep *store_step = g_ptr_array_index(plan->steps, 0);
	CtFlowStep *step = ct_flow_step_new(flow, "Security Warning");
	guint answer = 0;

	*installed = FALSE;
	ct_flow_security_warning_text(step, store_step->target);
	if (!ct_flow_ask(flow, step, buttons, n_buttons, &answer, error))
		return FALSE;
	if (buttons[answer].answers & CT_FLOW_CANCEL) {
		ct_flow_result(step, "the certificate was not installed: nothing was written");
		ct_flow_done(flow, step, "none");
		return TRUE;
	}
	if (!ct_flow_system_apply(flow, step, plan, error))
		return FALSE;
	*installed = flow->outcome == NULL;
	return TRUE;
}

/* Internet Explorer 8 */

static void
ct_flow_ie8_problems(CtFlow *flow, CtFlowStep *step)
{
	GTlsCertificateFlags problems = flow->chain->problems;

	if (problems & G_TLS_CERTIFICATE_UNKNOWN_CA)
		ct_flow_text(step, "The security certificate presented by this website was not "
				   "issued by a trusted certificate authority.");
	if (problems & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
		ct_flow_text(step, "The security certificate presented by this website has "
				   "expired or is not yet valid.");
	if (problems & G_TLS_CERTIFICATE_BAD_IDENTITY)
		ct_flow_text(step, "The security certificate presented by this website was "
				   "issued for a different website's address.");
	if (problems & (G_TLS_CERTIFICATE_REVOKED | G_TLS_CERTIFICATE_INSECURE |
			G_TLS_CERTIFICATE_GENERIC_ERROR))
		ct_flow_text(step, "The security certificate presented by this website has "
				   "errors.");
}

static void
ct_flow_ie8_show(CtFlow *flow)
{
	CtCertificate *leaf = ct_chain_get_leaf(flow->chain);
	g_autoptr(GPtrArray) path = ct_chain_get_path(flow->chain);
	CtCertificate *top = g_ptr_array_index(path, path->len - 1);
	g_autofree gchar *not_before = ct_cli_show_format_time(leaf->not_before);
	g_autofree gchar *not_after = ct_cli_show_format_time(leaf->not_after);
	CtFlowStep *step;

	step = ct_flow_step_new(flow, "Certificate Error");
	ct_flow_text(step, "The security certificate presented by this website has errors.");
	ct_flow_text(step, "This problem might indicate an attempt to fool you or intercept any "
			   "data you send to the server.");
	ct_flow_text(step, "We recommend that you close this webpage.");
	ct_flow_click(step, "View certificates");
	ct_flow_result(step, "the Certificate dialog opens");
	ct_flow_done(flow, step, "show");

	step = ct_flow_step_new(flow, "Certificate - General");
	ct_flow_text(step, "Certificate Information");
	ct_flow_text(step, "%s",
		     leaf->self_signed ? "This CA Root certificate is not trusted. To enable "
					 "trust, install this certificate in the Trusted Root "
					 "Certification Authorities store."
				       : "Windows does not have enough information to verify this "
					 "certificate.");
	ct_flow_text(step, "Issued to: %s", ct_flow_name_of(leaf));
	ct_flow_text(step, "Issued by: %s", ct_flow_issuer_name(flow->chain));
	ct_flow_text(step, "Valid from %s to %s", not_before, not_after);
	ct_flow_add_certificate_extra(step, flow->chain);
	ct_flow_done(flow, step, "show");

	step = ct_flow_step_new(flow, "Certificate - Details");
	ct_flow_add_view(step, flow->chain, CT_CLI_SHOW_VIEW_ALL);
	ct_flow_done(flow, step, "show");

	step = ct_flow_step_new(flow, "Certificate - Certification Path");
	for (guint i = path->len; i > 0; i--) {
		g_autofree gchar *indent = g_strnfill((path->len - i) * 2, ' ');
		ct_flow_text(step, "%s%s", indent, ct_flow_name_of(g_ptr_array_index(path, i - 1)));
	}
	ct_flow_text(step, "Certificate status:");
	if (flow->chain->problems & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
		ct_flow_text(step, "This certificate has expired or is not yet valid.");
	else if (top->self_signed)
		ct_flow_text(step, "This CA Root certificate is not trusted because it is not in "
				   "the Trusted Root Certification Authorities store.");
	else
		ct_flow_text(step, "The issuer of this certificate could not be found.");
	ct_flow_done(flow, step, "show");
}

static gboolean
ct_flow_run_ie8(CtFlow *flow, GError **error)
{
	static const CtFlowButton blocked[] = {
	    {'c', "Continue to this website (not recommended).",
	     CT_FLOW_CONTINUE | CT_FLOW_SESSION | CT_FLOW_PERMANENT, NULL},
	    {'x', "Click here to close this webpage.", CT_FLOW_CANCEL, NULL},
	};
	static const CtFlowButton general[] = {
	    {'i', "Install Certificate...", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT,
	     "into the Trusted Root Certification Authorities store, for good"},
	    {'o', "OK", CT_FLOW_SESSION | CT_FLOW_CANCEL,
	     "close it without installing: trusted for this session only"},
	};
	static const CtFlowButton warning[] = {
	    {'y', "Yes", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT, NULL},
	    {'n', "No", CT_FLOW_CANCEL | CT_FLOW_SESSION, NULL},
	};
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(CtTrustPlan) plan = NULL;
	CtTrustStep *store_step;
	CtFlowStep *step;
	gboolean installed = FALSE;
	guint answer = 0;

	step = ct_flow_step_new(flow, "Certificate Error: Navigation Blocked");
	ct_flow_text(step, "There is a problem with this website's security certificate.");
	ct_flow_ie8_problems(flow, step);
	ct_flow_text(step, "Security certificate problems may indicate an attempt to fool you or "
			   "intercept any data you send to the server.");
	ct_flow_text(step, "We recommend that you close this webpage and do not continue to this "
			   "website.");
	if (!ct_flow_ask(flow, step, blocked, G_N_ELEMENTS(blocked), &answer, error))
		return FALSE;
	if (answer == 1) {
		ct_flow_result(step, "the webpage closes: navigation stays blocked");
		ct_flow_done(flow, step, "none");
		ct_flow_blocked(flow, step);
		return TRUE;
	}
	ct_flow_page_opens(flow, step, "; the address bar is red: Certificate Error");
	ct_flow_done(flow, step, "open-page");

	ct_flow_ie8_show(flow);

	step = ct_flow_step_new(flow, "Certificate - General");
	if (!ct_flow_ask(flow, step, general, G_N_ELEMENTS(general), &answer, error))
		return FALSE;
	if (answer == 1) {
		ct_flow_result(step, "IE8 remembers the certificate for this session only and "
				     "warns again next time; nothing was written");
		ct_flow_done(flow, step, "none");
		ct_flow_end(flow, "session", -1, "IE8 trusts %s for this session only", flow->host);
		return TRUE;
	}
	ct_flow_result(step, "the Certificate Import Wizard starts");
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, "Certificate Import Wizard");
	ct_flow_text(step, "Welcome to the Certificate Import Wizard");
	ct_flow_click(step, "Next >");
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, "Certificate Import Wizard - Certificate Store");
	ct_flow_text(step, "Certificate stores are system areas where certificates are kept.");
	ct_flow_text(step, "(*) Automatically select the certificate store based on the type of "
			   "certificate");
	ct_flow_click(step, "Next >");
	plan = ct_flow_system_plan(flow, &stores, error);
	if (plan == NULL)
		return FALSE;
	store_step = g_ptr_array_index(plan->steps, 0);
	step->view = g_string_new(NULL);
	ct_cli_trust_render_plan(step->view, plan, FALSE);
	ct_flow_result(step,
		       "the store: Trusted Root Certification Authorities, on Linux the OS "
		       "trust store (%s)",
		       store_step->store->location);
	ct_flow_done(flow, step, "plan");
	if (store_step->action == CT_TRUST_ACTION_NONE) {
		ct_flow_import_refused(flow, store_step);
		return TRUE;
	}

	step = ct_flow_step_new(flow, "Completing the Certificate Import Wizard");
	ct_flow_text(step, "Certificate Store Selected: Automatically determined by the wizard");
	ct_flow_text(step, "Content: Certificate");
	ct_flow_click(step, "Finish");
	ct_flow_done(flow, step, "none");

	if (!ct_flow_system_import(flow, plan, warning, G_N_ELEMENTS(warning), &installed, error))
		return FALSE;
	if (flow->outcome != NULL)
		return TRUE;
	if (!installed) {
		ct_flow_end(flow, "session", -1,
			    "IE8 trusts %s for this session only: the import was cancelled",
			    flow->host);
		return TRUE;
	}
	step = ct_flow_step_new(flow, "Certificate Import Wizard");
	ct_flow_text(step, "The import was successful.");
	ct_flow_click(step, "OK");
	ct_flow_done(flow, step, "none");

	ct_flow_certification_path(flow, store_step);
	if (flow->outcome != NULL)
		return TRUE;

	step = ct_flow_step_new(flow, "Internet Options - Content - Certificates - Trusted Root "
				      "Certification Authorities");
	ct_flow_text(step, "Issued To: %s", ct_flow_name_of(store_step->target));
	ct_flow_text(step, "Issued By: %s",
		     store_step->target == ct_chain_get_leaf(flow->chain)
			 ? ct_flow_issuer_name(flow->chain)
			 : ct_flow_name_of(store_step->target));
	ct_flow_result(step, "in the store: %s", store_step->anchor_path);
	ct_flow_done(flow, step, "list");

	ct_flow_name_rule(flow, FALSE);
	return TRUE;
}

/* Firefox 3.x */

static void
ct_flow_firefox_problems(CtFlow *flow, CtFlowStep *step)
{
	CtCertificate *leaf = ct_chain_get_leaf(flow->chain);
	GTlsCertificateFlags problems = flow->chain->problems;
	const gchar *code = NULL;

	ct_flow_text(step, "%s uses an invalid security certificate.", flow->host);
	if (problems & G_TLS_CERTIFICATE_UNKNOWN_CA) {
		ct_flow_text(step, "%s",
			     leaf->self_signed ? "The certificate is not trusted because it is "
						 "self signed."
					       : "The certificate is not trusted because the "
						 "issuer certificate is unknown.");
		code = leaf->self_signed ? "sec_error_untrusted_issuer"
					 : "sec_error_unknown_issuer";
	}
	if (problems & G_TLS_CERTIFICATE_BAD_IDENTITY) {
		g_autoptr(GString) names = g_string_new(NULL);
		for (guint i = 0; leaf->san_dns != NULL && i < leaf->san_dns->len; i++)
			g_string_append_printf(names, "%s%s", names->len > 0 ? ", " : "",
					       (const gchar *)g_ptr_array_index(leaf->san_dns, i));
		for (guint i = 0; leaf->san_ip != NULL && i < leaf->san_ip->len; i++)
			g_string_append_printf(names, "%s%s", names->len > 0 ? ", " : "",
					       (const gchar *)g_ptr_array_index(leaf->san_ip, i));
		if (names->len == 0)
			g_string_append(names, ct_flow_name_of(leaf));
		ct_flow_text(step, "The certificate is only valid for %s", names->str);
		if (code == NULL)
			code = "ssl_error_bad_cert_domain";
	}
	if (problems & G_TLS_CERTIFICATE_EXPIRED) {
		g_autofree gchar *date = ct_cli_show_format_time(leaf->not_after);
		ct_flow_text(step, "The certificate expired on %s.", date);
		if (code == NULL)
			code = "sec_error_expired_certificate";
	}
	if (problems & G_TLS_CERTIFICATE_NOT_ACTIVATED) {
		g_autofree gchar *date = ct_cli_show_format_time(leaf->not_before);
		ct_flow_text(step, "The certificate will not be valid until %s.", date);
		if (code == NULL)
			code = "sec_error_expired_certificate";
	}
	if (code != NULL)
		ct_flow_text(step, "(Error code: %s)", code);
}

static void
ct_flow_firefox_status(CtFlow *flow, CtFlowStep *step)
{
	GTlsCertificateFlags problems = flow->chain->problems;

	ct_flow_result(step, "Certificate Status: This site attempts to identify itself with "
			     "invalid information.");
	if (problems & G_TLS_CERTIFICATE_BAD_IDENTITY)
		ct_flow_result(step, "Wrong Site: Certificate belongs to a different site, which "
				     "could indicate an identity theft.");
	if (problems & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
		ct_flow_result(step,
			       "Outdated Information: Certificate is not currently valid. "
			       "It is impossible to verify whether this identity was reported "
			       "as stolen or lost.");
	if (problems & G_TLS_CERTIFICATE_UNKNOWN_CA)
		ct_flow_result(step, "Unknown Identity: Certificate is not trusted, because it "
				     "hasn't been verified by a recognized authority.");
}

/* Confirm Security Exception with "Permanently store this exception" ticked: an
 * exception in every Firefox profile, as trust --store firefox writes it */
static gboolean
ct_flow_firefox_permanent(CtFlow *flow, CtFlowStep *step, GError **error)
{
	const gchar *specs[] = {"firefox", NULL};
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(CtTrustPlan) plan = NULL;
	guint written = 0;
	gint status;

	names = ct_cli_typed_names(flow->source, flow->names, error);
	if (names == NULL)
		return FALSE;
	stores = ct_store_resolve(specs, flow->cli->sysroot, FALSE, error);
	if (stores == NULL)
		return FALSE;
	/* the procedure chose Firefox, not the user: no profile at all is "not found" (exit 3),
	 * said below, not a store the user named that failed */
	for (guint i = 0; i < stores->len; i++)
		((CtStore *)g_ptr_array_index(stores, i))->named = FALSE;
	plan = ct_trust_plan_new(flow->chain, stores, names, CT_TRUST_MODE_EXCEPTION,
				 flow->allow_ca, flow->cli->sysroot, error);
	if (plan == NULL)
		return FALSE;
	if (g_cancellable_set_error_if_cancelled(flow->cli->cancellable, error)) {
		ct_error_convert(error);
		return FALSE;
	}
	if (!ct_cli_trust_apply(plan, FALSE, error))
		return FALSE;
	ct_flow_add_trust_extra(step, plan);
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *store_step = g_ptr_array_index(plan->steps, i);
		if (g_strcmp0(store_step->result, "done") == 0 ||
		    g_strcmp0(store_step->result, "unchanged") == 0) {
			ct_flow_result(step, "the exception is stored permanently in %s/%s",
				       store_step->store->location, "cert_override.txt");
			written++;
		} else {
			ct_flow_result(step, "not stored in %s: %s", store_step->store->location,
				       store_step->message != NULL ? store_step->message
								   : store_step->plan);
		}
	}
	ct_flow_done(flow, step, "trust");

	status = ct_trust_plan_get_exit_status(plan);
	if (status == 6)
		ct_flow_end(flow, "refused", CT_ERROR_REFUSED,
			    "Firefox 3: some profiles refused the exception: see why above");
	else if (status != 0)
		ct_flow_end(
		    flow, "failed", CT_ERROR_FAILED,
		    "Firefox 3: some profiles could not store the exception: see why above");
	else if (written == 0)
		ct_flow_end(flow, "not-found", CT_ERROR_NOT_FOUND,
			    "Firefox 3: no Firefox profile found to store the exception in (run "
			    "Firefox once)");
	if (written == 0)
		return TRUE;

	/* Tools > Options > Advanced > View Certificates: the exceptions, re-read */
	step = ct_flow_step_new(flow, "Certificate Manager - Servers");
	for (guint i = 0; i < plan->steps->len; i++) {
		CtTrustStep *store_step = g_ptr_array_index(plan->steps, i);
		g_autoptr(GHashTable) present = NULL;
		if (store_step->hosts == NULL)
			continue;
		present = ct_firefox_override_list(store_step->store->location, error);
		if (present == NULL)
			return FALSE;
		for (guint j = 0; j < store_step->hosts->len; j++) {
			const gchar *host = g_ptr_array_index(store_step->hosts, j);
			gboolean found = g_strcmp0(g_hash_table_lookup(present, host),
						   store_step->target->sha256) == 0;
			ct_flow_result(step, "%s %s (%s)", host, found ? "Permanent" : "missing",
				       store_step->store->location);
			if (!found && flow->outcome == NULL)
				ct_flow_end(flow, "failed", CT_ERROR_FAILED,
					    "Firefox 3: the exception for %s is not in %s", host,
					    store_step->store->location);
		}
	}
	ct_flow_done(flow, step, "list");
	if (flow->outcome == NULL)
		ct_flow_end(flow, "trusted", -1,
			    "Firefox 3 trusts the certificate for %s: a permanent exception",
			    flow->host);
	return TRUE;
}

/* Confirm Security Exception with the box unticked: the real session, open --session's
 * Firefox on a throwaway copy of the profile that has the exception */
static gboolean
ct_flow_firefox_session(CtFlow *flow, GError **error)
{
	const gchar *argv[] = {"certtrust flow", flow->source, NULL};
	g_autoptr(CtCliBrowser) browser = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	CtFlowStep *step = ct_flow_step_new(flow, "Mozilla Firefox (this session only)");
	guint blocked = 0;

	step->action = g_strdup("open-session");
	ct_flow_text(step, "Firefox on a throwaway copy of the profile that has the exception, "
			   "deleted when it ends; the profile itself is not written");
	browser = ct_cli_browser_new(flow->cli, "firefox", NULL, NULL, flow->names, 2,
				     (gchar **)argv, error);
	if (browser == NULL)
		return FALSE;
	browser->names = flow->names;
	if (!ct_cli_browser_add_session_trust(browser, flow->chains, 2, (gchar **)argv, error))
		return FALSE;
	browser->options.headed = ct_cli_browser_has_display();
	if (!ct_cli_browser_launch(flow->cli, browser, error) ||
	    !ct_cli_browser_visit(flow->cli, browser, error))
		return FALSE;
	json_builder_begin_array(builder);
	for (guint i = 0; i < browser->navigations->len; i++) {
		CtNavigation *navigation = g_ptr_array_index(browser->navigations, i);
		if (g_strcmp0(navigation->outcome, "loads") != 0)
			blocked++;
		ct_flow_result(step, "%s: %s%s%s", navigation->url, navigation->outcome,
			       navigation->error_code != NULL ? " " : "",
			       navigation->error_code != NULL ? navigation->error_code : "");
		ct_cli_browser_add_navigation(builder, navigation);
	}
	json_builder_end_array(builder);
	ct_flow_set_extra(step, "navigations", json_builder_get_root(builder));
	ct_flow_result(step, "%s%s", browser->version,
		       browser->options.headed ? ": close its window to end the session" : "");
	ct_flow_done(flow, step, "open-session");
	if (browser->options.headed &&
	    !ct_browser_wait_closed(browser->browser, flow->cli->cancellable, error))
		return FALSE;
	ct_cli_browser_finish(browser);
	if (blocked > 0)
		ct_flow_end(flow, "blocked", CT_ERROR_CHECK_FAILED,
			    "Firefox 3: the session's Firefox blocked %u of %u pages", blocked,
			    browser->navigations->len);
	else
		ct_flow_end(flow, "session", -1,
			    "Firefox 3 trusts %s for this session only: the exception went with "
			    "the session",
			    flow->host);
	return TRUE;
}

static gboolean
ct_flow_run_firefox3(CtFlow *flow, GError **error)
{
	static const CtFlowButton alert[] = {
	    {'i', "I Understand The Risks", CT_FLOW_CONTINUE | CT_FLOW_SESSION | CT_FLOW_PERMANENT,
	     NULL},
	    {'g', "Get Me Out Of Here", CT_FLOW_CANCEL, "cancel: no access"},
	};
	static const CtFlowButton exception[] = {
	    {'c', "Confirm Security Exception", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT,
	     "with \"Permanently store this exception\" ticked: stored in the profile"},
	    {'u', "Confirm Security Exception (\"Permanently store this exception\" unticked)",
	     CT_FLOW_SESSION, "this session only"},
	    {'x', "Cancel", CT_FLOW_CANCEL, NULL},
	};
	g_autofree gchar *location = NULL;
	g_autoptr(CtFetchTarget) target = ct_fetch_target_parse(flow->source, NULL);
	CtFlowStep *step;
	guint answer = 0;

	step = ct_flow_step_new(flow, "Security Alert - This Connection is Untrusted");
	ct_flow_text(step,
		     "You have asked Firefox to connect securely to %s, but we can't confirm that "
		     "your connection is secure.",
		     flow->host);
	ct_flow_text(step, "Normally, when you try to connect securely, sites will present trusted "
			   "identification to prove that you are going to the right place. "
			   "However, this site's identity can't be verified.");
	ct_flow_text(step, "What Should I Do?");
	ct_flow_text(step, "If you usually connect to this site without problems, this error "
			   "could mean that someone is trying to impersonate the site, and you "
			   "shouldn't continue.");
	ct_flow_text(step, "Technical Details");
	ct_flow_firefox_problems(flow, step);
	if (!ct_flow_ask(flow, step, alert, G_N_ELEMENTS(alert), &answer, error))
		return FALSE;
	if (answer == 1) {
		ct_flow_result(step, "Firefox leaves the site: no access");
		ct_flow_done(flow, step, "none");
		ct_flow_blocked(flow, step);
		return TRUE;
	}
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, "This Connection is Untrusted - I Understand The Risks");
	ct_flow_text(step, "If you understand what's going on, you can tell Firefox to start "
			   "trusting this site's identification. Even if you trust the site, this "
			   "error could mean that someone is tampering with your connection.");
	ct_flow_text(step, "Don't add an exception unless you know there's a good reason why "
			   "this site doesn't use trusted identification.");
	ct_flow_click(step, "Add Exception...");
	ct_flow_done(flow, step, "none");

	location = target != NULL
		       ? g_strdup_printf("https://%s%s%s:%u/",
					 strchr(target->host, ':') != NULL ? "[" : "", target->host,
					 strchr(target->host, ':') != NULL ? "]" : "", target->port)
		       : g_strdup(flow->source);
	step = ct_flow_step_new(flow, "Add Security Exception");
	ct_flow_text(step, "You are about to override how Firefox identifies this site.");
	ct_flow_text(step, "Legitimate banks, stores, and other public sites will not ask you to "
			   "do this.");
	ct_flow_text(step, "Server Location: %s", location);
	ct_flow_click(step, "Get Certificate");
	ct_flow_firefox_status(flow, step);
	ct_flow_done(flow, step, "fetch");

	step = ct_flow_step_new(flow, "Certificate Viewer - Details");
	ct_flow_text(step, "Certificate Fields / Field Values:");
	ct_flow_add_view(step, flow->chain, CT_CLI_SHOW_VIEW_ALL);
	ct_flow_add_certificate_extra(step, flow->chain);
	ct_flow_click(step, "View...");
	ct_flow_done(flow, step, "show");

	step = ct_flow_step_new(flow, "Add Security Exception");
	ct_flow_text(step, "Permanently store this exception: ticked");
	if (!ct_flow_ask(flow, step, exception, G_N_ELEMENTS(exception), &answer, error))
		return FALSE;
	if (answer == 2) {
		ct_flow_result(step, "no exception: the page stays blocked");
		ct_flow_done(flow, step, "none");
		ct_flow_blocked(flow, step);
		return TRUE;
	}
	if (answer == 1) {
		ct_flow_result(step, "an exception for this session only: nothing is stored");
		ct_flow_done(flow, step, "none");
		return ct_flow_firefox_session(flow, error);
	}
	return ct_flow_firefox_permanent(flow, step, error);
}

/* Safari 4.x */

static void
ct_flow_safari_show(CtFlow *flow)
{
	const struct {
		const gchar *title;
		CtCliShowView view;
	} views[] = {
	    {"Certificate - Details (Show: Version 1 Fields Only)", CT_CLI_SHOW_VIEW_V1},
	    {"Certificate - Details (Show: Extensions Only)", CT_CLI_SHOW_VIEW_EXTENSIONS},
	    {"Certificate - Details (Show: Critical Extensions Only)", CT_CLI_SHOW_VIEW_CRITICAL},
	    {"Certificate - Details (Show: Properties Only)", CT_CLI_SHOW_VIEW_PROPERTIES},
	};
	CtCertificate *leaf = ct_chain_get_leaf(flow->chain);
	g_autofree gchar *not_before = ct_cli_show_format_time(leaf->not_before);
	g_autofree gchar *not_after = ct_cli_show_format_time(leaf->not_after);
	CtFlowStep *step = ct_flow_step_new(flow, "Certificate - General");

	ct_flow_text(step, "Issued to: %s", ct_flow_name_of(leaf));
	ct_flow_text(step, "Issued by: %s", ct_flow_issuer_name(flow->chain));
	ct_flow_text(step, "Valid from %s to %s", not_before, not_after);
	ct_flow_add_certificate_extra(step, flow->chain);
	ct_flow_done(flow, step, "show");
	/* "All" is these four together */
	for (guint i = 0; i < G_N_ELEMENTS(views); i++) {
		step = ct_flow_step_new(flow, views[i].title);
		ct_flow_add_view(step, flow->chain, views[i].view);
		ct_flow_done(flow, step, "show");
	}
}

static gboolean
ct_flow_run_safari4(CtFlow *flow, GError **error)
{
	static const CtFlowButton alert[] = {
	    {'y', "Yes", CT_FLOW_SESSION, "trust the certificate for this session only"},
	    {'s', "Show Certificate", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT,
	     "then Install Certificate: always trust it"},
	    {'n', "No", CT_FLOW_CANCEL, "cancel: no access"},
	};
	static const CtFlowButton alert_again[] = {
	    {'y', "Yes", CT_FLOW_CONTINUE | CT_FLOW_SESSION | CT_FLOW_PERMANENT,
	     "trust the certificate for this session only"},
	    {'n', "No", CT_FLOW_CANCEL, "cancel: no access"},
	};
	static const CtFlowButton warning[] = {
	    {'y', "Yes", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT, NULL},
	    {'n', "No", CT_FLOW_CANCEL | CT_FLOW_SESSION, NULL},
	};
	g_autoptr(GPtrArray) stores = NULL;
	g_autoptr(CtTrustPlan) plan = NULL;
	CtTrustStep *store_step;
	CtFlowStep *step;
	gboolean installed = FALSE;
	guint answer = 0;

	step = ct_flow_step_new(flow, "Security Alert");
	ct_flow_text(step, "Safari can't verify the identity of the website \"%s\".", flow->host);
	ct_flow_text(step,
		     "The certificate for this website is invalid. You might be connecting to a "
		     "website that is pretending to be \"%s\", which could put your confidential "
		     "information at risk. Would you like to connect to the website anyway?",
		     flow->host);
	if (!ct_flow_ask(flow, step, alert, G_N_ELEMENTS(alert), &answer, error))
		return FALSE;
	if (answer == 2) {
		ct_flow_result(step, "cancelled: no access");
		ct_flow_done(flow, step, "none");
		ct_flow_blocked(flow, step);
		return TRUE;
	}
	if (answer == 0) {
		ct_flow_page_opens(flow, step,
				   "; Safari trusts the certificate for this session only and "
				   "shows the Security Alert again next time; nothing was written");
		ct_flow_done(flow, step, "open-page");
		ct_flow_end(flow, "session", -1, "Safari trusts %s for this session only",
			    flow->host);
		return TRUE;
	}
	ct_flow_result(step, "the Certificate pane opens");
	ct_flow_done(flow, step, "show");

	ct_flow_safari_show(flow);

	step = ct_flow_step_new(flow, "Certificate");
	ct_flow_click(step, "Install Certificate...");
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, "Certificate Import Wizard");
	ct_flow_text(step, "Welcome to the Certificate Import Wizard");
	ct_flow_click(step, "Next >");
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, "Certificate Import Wizard - Certificate Store");
	ct_flow_text(step, "(*) Place all certificates in the following store");
	ct_flow_click(step, "Browse...");
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, "Select Certificate Store");
	ct_flow_text(step, "Trusted Root Certification Authorities");
	ct_flow_click(step, "OK");
	plan = ct_flow_system_plan(flow, &stores, error);
	if (plan == NULL)
		return FALSE;
	store_step = g_ptr_array_index(plan->steps, 0);
	step->view = g_string_new(NULL);
	ct_cli_trust_render_plan(step->view, plan, FALSE);
	ct_flow_result(step, "on Linux: the OS trust store (%s)", store_step->store->location);
	ct_flow_done(flow, step, "plan");
	if (store_step->action == CT_TRUST_ACTION_NONE) {
		ct_flow_import_refused(flow, store_step);
		return TRUE;
	}

	step = ct_flow_step_new(flow, "Completing the Certificate Import Wizard");
	ct_flow_text(step, "Certificate Store Selected by User: Trusted Root Certification "
			   "Authorities");
	ct_flow_text(step, "Content: Certificate");
	ct_flow_click(step, "Finish");
	ct_flow_done(flow, step, "none");

	if (!ct_flow_system_import(flow, plan, warning, G_N_ELEMENTS(warning), &installed, error))
		return FALSE;
	if (flow->outcome != NULL)
		return TRUE;
	if (!installed) {
		/* back at the Security Alert, without Show Certificate this time */
		step = ct_flow_step_new(flow, "Security Alert");
		ct_flow_text(step, "Safari can't verify the identity of the website \"%s\".",
			     flow->host);
		if (!ct_flow_ask(flow, step, alert_again, G_N_ELEMENTS(alert_again), &answer,
				 error))
			return FALSE;
		if (answer == 1) {
			ct_flow_result(step, "cancelled: no access");
			ct_flow_done(flow, step, "none");
			ct_flow_blocked(flow, step);
			return TRUE;
		}
		ct_flow_page_opens(flow, step, "; trusted for this session only");
		ct_flow_done(flow, step, "open-page");
		ct_flow_end(flow, "session", -1, "Safari trusts %s for this session only",
			    flow->host);
		return TRUE;
	}
	step = ct_flow_step_new(flow, "Certificate Import Wizard");
	ct_flow_text(step, "The import was successful.");
	ct_flow_click(step, "OK");
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, "Security Alert");
	ct_flow_text(step, "Trust the certificate always, without this dialog?");
	ct_flow_click(step, "Yes");
	ct_flow_result(step, "the Security Alert no longer appears for %s", flow->host);
	ct_flow_done(flow, step, "none");

	ct_flow_certification_path(flow, store_step);
	if (flow->outcome != NULL)
		return TRUE;
	ct_flow_name_rule(flow, TRUE);
	return TRUE;
}

/* Copy to File / Export: every format the browser's dialog offers */

static gboolean
ct_flow_export(CtFlow *flow, GError **error)
{
	gboolean firefox = g_strcmp0(flow->browser, "firefox3") == 0;
	const CtExportOffer *offers = ct_export_get_browser_offers(flow->browser, error);
	g_autoptr(GPtrArray) paths = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GError) error_local = NULL;
	CtFlowStep *step;

	if (offers == NULL)
		return FALSE;
	step = ct_flow_step_new(flow, firefox ? "Certificate Manager - Servers"
					      : "Certificate - Details");
	ct_flow_click(step, firefox ? "Export..." : "Copy to File...");
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, firefox ? "Save Certificate to File"
					      : "Certificate Export Wizard - Export File Format");
	ct_flow_text(step, "%s", firefox ? "Save as type:" : "Select the format you want to use:");
	for (guint i = 0; offers[i].label != NULL; i++)
		ct_flow_text(step, "  %s", offers[i].label);
	ct_flow_click(step, firefox ? "Save" : "Finish");
	paths = ct_export_to_browser_dir(flow->chain, flow->browser, flow->export_dir, flow->force,
					 &error_local);
	if (paths == NULL) {
		if (g_error_matches(error_local, CT_ERROR, CT_ERROR_EXISTS))
			g_prefix_error(&error_local, "--export-dir: use --force to replace: ");
		ct_flow_result(step, "The export failed: %s", error_local->message);
		ct_flow_done(flow, step, "export");
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	json_builder_begin_array(builder);
	ct_flow_result(step, "%s",
		       firefox ? "saved, one file per type" : "The export was successful.");
	for (guint i = 0; i < paths->len; i++) {
		const gchar *path = g_ptr_array_index(paths, i);
		ct_flow_result(step, "%s  (%s)", path, offers[i].label);
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "path");
		json_builder_add_string_value(builder, path);
		json_builder_set_member_name(builder, "format");
		json_builder_add_string_value(builder,
					      ct_export_format_to_string(offers[i].format));
		json_builder_set_member_name(builder, "label");
		json_builder_add_string_value(builder, offers[i].label);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	ct_flow_set_extra(step, "files", json_builder_get_root(builder));
	ct_flow_done(flow, step, "export");
	return TRUE;
}

/* the transcript */

static void
ct_flow_add_lines_json(JsonBuilder *builder, const gchar *member, GPtrArray *lines)
{
	g_autoptr(GString) joined = g_string_new(NULL);
	g_autofree gchar *valid = NULL;

	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf(joined, "%s%s", i > 0 ? "\n" : "",
				       (const gchar *)g_ptr_array_index(lines, i));
	valid = g_utf8_make_valid(joined->str, -1);
	json_builder_set_member_name(builder, member);
	json_builder_add_string_value(builder, valid);
}

static void
ct_flow_add_string_or_null(JsonBuilder *builder, const gchar *member, const gchar *value)
{
	json_builder_set_member_name(builder, member);
	if (value != NULL) {
		g_autofree gchar *valid = g_utf8_make_valid(value, -1);
		json_builder_add_string_value(builder, valid);
	} else {
		json_builder_add_null_value(builder);
	}
}

static void
ct_flow_print_json(CtFlow *flow)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GPtrArray) problems = NULL;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "flow");
	json_builder_add_string_value(builder, flow->browser);
	json_builder_set_member_name(builder, "browser");
	json_builder_add_string_value(builder, flow->title);
	ct_flow_add_string_or_null(builder, "source", flow->source);
	ct_flow_add_string_or_null(builder, "sha256",
				   flow->chain != NULL ? ct_chain_get_leaf(flow->chain)->sha256
						       : NULL);
	json_builder_set_member_name(builder, "problems");
	json_builder_begin_array(builder);
	problems = flow->chain != NULL ? ct_chain_get_problem_names(flow->chain) : NULL;
	for (guint i = 0; problems != NULL && i < problems->len; i++)
		json_builder_add_string_value(builder, g_ptr_array_index(problems, i));
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "steps");
	json_builder_begin_array(builder);
	for (guint i = 0; i < flow->steps->len; i++) {
		CtFlowStep *step = g_ptr_array_index(flow->steps, i);
		json_builder_begin_object(builder);
		ct_flow_add_string_or_null(builder, "dialog", step->dialog);
		ct_flow_add_lines_json(builder, "text", step->text);
		json_builder_set_member_name(builder, "buttons");
		json_builder_begin_array(builder);
		for (guint j = 0; j < step->buttons->len; j++)
			json_builder_add_string_value(builder, g_ptr_array_index(step->buttons, j));
		json_builder_end_array(builder);
		json_builder_set_member_name(builder, "asked");
		json_builder_add_boolean_value(builder, step->asked);
		ct_flow_add_string_or_null(builder, "choice", step->choice);
		ct_flow_add_string_or_null(builder, "answered_by", step->answered_by);
		ct_flow_add_string_or_null(builder, "action", step->action);
		ct_flow_add_lines_json(builder, "result", step->result);
		if (step->extra != NULL) {
			json_builder_set_member_name(builder, step->extra_name);
			json_builder_add_value(builder, json_node_ref(step->extra));
		}
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	ct_flow_add_string_or_null(builder, "outcome", flow->outcome);
	ct_flow_add_string_or_null(builder, "message", flow->message);
	json_builder_set_member_name(builder, "exit_status");
	json_builder_add_int_value(builder, ct_error_get_exit_status(flow->error));
	json_builder_end_object(builder);
	ct_cli_print_json(flow->cli, builder);
}

/* a failure inside a step: the step says so, the outcome follows the error */
static void
ct_flow_fail(CtFlow *flow, GError *error_local)
{
	CtFlowStep *last = flow->steps->len > 0
			       ? g_ptr_array_index(flow->steps, flow->steps->len - 1)
			       : NULL;
	const gchar *outcome = "failed";

	if (last != NULL && !last->done) {
		ct_flow_result(last, "failed: %s", error_local->message);
		ct_flow_done(flow, last, last->action != NULL ? last->action : "none");
	}
	if (error_local->code == CT_ERROR_CANCELLED)
		outcome = "interrupted";
	else if (error_local->code == CT_ERROR_REFUSED)
		outcome = "refused";
	else if (error_local->code == CT_ERROR_NOT_FOUND)
		outcome = "not-found";
	/* an export that fails after the trust part keeps the trust's outcome; the first
	 * reason for a non-zero exit status stays the one reported */
	if (flow->outcome == NULL)
		flow->outcome = outcome;
	if (flow->error == NULL) {
		g_free(flow->message);
		flow->message = g_strdup(error_local->message);
		flow->error = g_error_copy(error_local);
	}
}

static const gchar *
ct_flow_title_for(const gchar *browser)
{
	if (g_strcmp0(browser, "ie8") == 0)
		return "Internet Explorer 8";
	if (g_strcmp0(browser, "firefox3") == 0)
		return "Firefox 3";
	if (g_strcmp0(browser, "safari4") == 0)
		return "Safari 4";
	return NULL;
}

gboolean
ct_cmd_flow(CtCli *cli, gint argc, gchar **argv, GError **error)
{
	g_auto(GStrv) choice_texts = NULL;
	g_auto(GStrv) names = NULL;
	g_autofree gchar *export_dir = NULL;
	gboolean force = FALSE;
	gboolean allow_ca = FALSE;
	g_autoptr(CtFlow) flow = NULL;
	g_autoptr(CtFetchTarget) target = NULL;
	g_autoptr(GPtrArray) typed = NULL;
	g_autoptr(GError) error_local = NULL;
	gboolean ok;
	const GOptionEntry entries[] = {
	    {"choice", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &choice_texts,
	     "continue, cancel, session or permanent: answers the dialogs that ask, in order; "
	     "the last one answers the rest (repeatable)",
	     "C"},
	    {"export-dir", 'd', 0, G_OPTION_ARG_FILENAME, &export_dir,
	     "Also Copy to File / Export: every format the browser offers, into DIR", "DIR"},
	    {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace existing export files", NULL},
	    {"name", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &names,
	     "Another name you type, HOST or HOST:PORT (repeatable); without it IE8 and "
	     "Safari also show localhost and 127.0.0.1",
	     "HOST"},
	    {"allow-ca", 0, 0, G_OPTION_ARG_NONE, &allow_ca,
	     "Allow installing a certificate that can sign others into the OS store", NULL},
	    G_OPTION_ENTRY_NULL,
	};

	/* before any thread: Ctrl-C cancels, a session's browser and its profile go */
	ct_cli_cancel_on_signals(cli);
	if (!ct_cli_parse_source_options(cli, entries, &argc, &argv, error))
		return FALSE;
	if (argc != 3) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "give the browser (ie8, firefox3 or safari4) and one SOURCE");
		return FALSE;
	}
	flow = g_new0(CtFlow, 1);
	flow->cli = cli;
	flow->browser = argv[1];
	flow->title = ct_flow_title_for(argv[1]);
	flow->source = argv[2];
	flow->names = names;
	flow->export_dir = export_dir;
	flow->force = force;
	flow->allow_ca = allow_ca;
	flow->choices = g_array_new(FALSE, FALSE, sizeof(guint));
	flow->steps = g_ptr_array_new_with_free_func((GDestroyNotify)ct_flow_step_free);
	if (flow->title == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "unknown flow '%s': use ie8, firefox3 or safari4", argv[1]);
		return FALSE;
	}
	if (!ct_fetch_is_network_source(flow->source)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s is not a server: a flow starts with the first access to "
			    "https://HOST[:PORT]/ or HOST:PORT",
			    flow->source);
		return FALSE;
	}
	target = ct_fetch_target_parse(flow->source, error);
	if (target == NULL)
		return FALSE;
	flow->host = g_strdup(target->host);
	typed = ct_cli_typed_names(flow->source, names, error);
	if (typed == NULL)
		return FALSE;
	if (!ct_flow_parse_choices(choice_texts, flow->choices, error))
		return FALSE;
	flow->interactive = flow->choices->len == 0 && !cli->yes;
	if (flow->interactive && !isatty(STDIN_FILENO)) {
		g_set_error_literal(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "standard input is not a terminal: answer the dialogs with "
				    "--choice continue, cancel, session or permanent (or --yes)");
		return FALSE;
	}

	if (!cli->json) {
		g_autofree gchar *source = ct_cli_escape(flow->source);
		ct_cli_print(cli, "%s: %s\n", flow->title, source);
	}
	if (!ct_flow_first_access(flow, error))
		return FALSE;

	if (flow->chain->problems == 0) {
		ct_flow_end(flow, "no-warning", -1,
			    "%s opens %s without a certificate warning: nothing to trust",
			    flow->title, flow->host);
		ok = TRUE;
	} else if (g_strcmp0(flow->browser, "ie8") == 0) {
		ok = ct_flow_run_ie8(flow, &error_local);
	} else if (g_strcmp0(flow->browser, "firefox3") == 0) {
		ok = ct_flow_run_firefox3(flow, &error_local);
	} else {
		ok = ct_flow_run_safari4(flow, &error_local);
	}
	/* the Copy to File procedure, unless the user never got to the certificate */
	if (ok && export_dir != NULL && g_strcmp0(flow->outcome, "blocked") != 0)
		ok = ct_flow_export(flow, &error_local);
	if (!ok) {
		ct_error_convert(&error_local);
		ct_flow_fail(flow, error_local);
	}

	if (cli->json) {
		ct_flow_print_json(flow);
	} else {
		g_autofree gchar *message = ct_cli_escape(flow->message);
		ct_cli_print(cli, "\nOutcome: %s%s%s\n", flow->outcome,
			     flow->error == NULL ? ": " : "", flow->error == NULL ? message : "");
	}
	if (flow->error != NULL) {
		g_propagate_error(error, g_steal_pointer(&flow->error));
		return FALSE;
	}
	return TRUE;
}
