/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-fetch.h"
#include "ct-flow-engine.h"
#include "ct-json.h"
#include "ct-source.h"

/* flow: the procedures of docs/browser-procedures.md for IE8, Firefox 3.x and Safari 4.x,
 * one dialog at a time as the browser showed it, each with the real action behind it:
 * the first access, the certificate views, the trust store the browser maps to on Linux
 * (IE8 and Safari: the OS store; Firefox: its profiles), the exports, the name rule */

static const gchar *ct_flow_choice_names[] = {"continue", "cancel", "session", "permanent"};

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

void
ct_flow_free(CtFlow *flow)
{
	g_free(flow->host);
	g_array_unref(flow->choices);
	g_clear_object(&flow->input);
	if (flow->stores != NULL)
		g_ptr_array_unref(flow->stores);
	if (flow->chains != NULL)
		g_ptr_array_unref(flow->chains);
	g_ptr_array_unref(flow->steps);
	g_free(flow->message);
	g_clear_error(&flow->error);
	g_free(flow);
}

/* the dialogs go where the user sees them, through the prompt */
static void
ct_flow_emit(CtFlow *flow, const gchar *text)
{
	flow->prompt->tell(flow, text);
}

CtFlowStep *
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

void
ct_flow_text(CtFlowStep *step, const gchar *format, ...)
{
	va_list args;

	va_start(args, format);
	g_ptr_array_add(step->text, g_strdup_vprintf(format, args));
	va_end(args);
}

void
ct_flow_result(CtFlowStep *step, const gchar *format, ...)
{
	va_list args;

	va_start(args, format);
	g_ptr_array_add(step->result, g_strdup_vprintf(format, args));
	va_end(args);
}

/* a click the procedure makes, no decision */
void
ct_flow_click(CtFlowStep *step, const gchar *label)
{
	g_ptr_array_add(step->buttons, g_strdup(label));
	g_free(step->choice);
	step->choice = g_strdup(label);
}

/* value: (transfer full) */
void
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
void
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
void
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
guint
ct_flow_choice_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(ct_flow_choice_names); i++) {
		if (g_ascii_strcasecmp(text, ct_flow_choice_names[i]) == 0)
			return 1u << i;
	}
	return 0;
}

gboolean
ct_flow_parse_choices(CtFlow *flow, gchar **texts, GError **error)
{
	for (guint i = 0; texts != NULL && texts[i] != NULL; i++) {
		guint choice = ct_flow_choice_from_string(texts[i]);
		if (choice == 0) {
			g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
				    "unknown choice '%s': use continue, cancel, session or "
				    "permanent",
				    texts[i]);
			return FALSE;
		}
		g_array_append_val(flow->choices, choice);
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
guint
ct_flow_button_for(const CtFlowButton *buttons, guint n_buttons, guint choice)
{
	for (guint i = 0; i < n_buttons; i++) {
		if (buttons[i].answers & choice)
			return i;
	}
	return 0;
}

/* a dialog that asks: --choice (in order, the last one for the rest), --yes (permanent)
 * or the prompt picks a button; *index is the button's */
gboolean
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
		if (!flow->prompt->ask(flow, buttons, n_buttons, index, error))
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

const gchar *
ct_flow_name_of(CtCertificate *certificate)
{
	return certificate->subject_cn != NULL ? certificate->subject_cn : certificate->subject;
}

/* who the browsers say issued the server's certificate */
const gchar *
ct_flow_issuer_name(CtChain *chain)
{
	CtCertificate *leaf = ct_chain_get_leaf(chain);

	if (leaf->self_signed)
		return ct_flow_name_of(leaf);
	if (chain->path_length > 1)
		return ct_flow_name_of(g_ptr_array_index(chain->certificates, 1));
	return leaf->issuer;
}

void
ct_flow_add_certificate_extra(CtFlowStep *step, CtChain *chain)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	ct_json_add_certificate(builder, ct_chain_get_leaf(chain), "leaf");
	ct_flow_set_extra(step, "certificate", json_builder_get_root(builder));
}

/* a certificate view of the server's certificate, as show renders it */
void
ct_flow_add_view(CtFlowStep *step, CtChain *chain, CtCliShowView view)
{
	if (step->view == NULL)
		step->view = g_string_new(NULL);
	ct_cli_show_render_certificate(step->view, chain, 0, view);
	/* --json: which view; the certificate itself is in the General step */
	ct_flow_set_extra(step, "view",
			  json_node_init_string(json_node_alloc(),
						ct_cli_show_view_to_string(view)));
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
void
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

void
ct_flow_blocked(CtFlow *flow, CtFlowStep *step)
{
	ct_flow_end(flow, "blocked", CT_ERROR_CHECK_FAILED,
		    "%s: \"%s\" was cancelled: no access, nothing was written", flow->title,
		    step->dialog);
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

/* the rows of a browser's table: dialogs that only click the procedure's button */
void
ct_flow_show_dialogs(CtFlow *flow, const CtFlowDialog *dialogs, guint n_dialogs)
{
	for (guint i = 0; i < n_dialogs; i++) {
		CtFlowStep *step = ct_flow_step_new(flow, dialogs[i].dialog);
		for (guint j = 0; j < G_N_ELEMENTS(dialogs[i].text) && dialogs[i].text[j] != NULL;
		     j++)
			ct_flow_text(step, "%s", dialogs[i].text[j]);
		ct_flow_click(step, dialogs[i].button);
		if (dialogs[i].result != NULL)
			ct_flow_result(step, "%s", dialogs[i].result);
		ct_flow_done(flow, step, dialogs[i].action);
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

CtFlow *
ct_flow_new(CtCli *cli, const gchar *browser, const gchar *source, GError **error)
{
	g_autoptr(CtFlow) flow = g_new0(CtFlow, 1);
	g_autoptr(CtSourceServer) target = NULL;

	flow->cli = cli;
	flow->prompt = &ct_flow_terminal_prompt;
	flow->browser = browser;
	flow->title = ct_flow_title_for(browser);
	flow->source = source;
	flow->choices = g_array_new(FALSE, FALSE, sizeof(guint));
	flow->steps = g_ptr_array_new_with_free_func((GDestroyNotify)ct_flow_step_free);
	if (flow->title == NULL) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "unknown flow '%s': use ie8, firefox3 or safari4", browser);
		return NULL;
	}
	if (!ct_source_is_network(flow->source)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s is not a server: a flow starts with the first access to "
			    "https://HOST[:PORT]/ or HOST:PORT",
			    flow->source);
		return NULL;
	}
	target = ct_source_parse_server(flow->source, error);
	if (target == NULL)
		return NULL;
	flow->host = g_strdup(target->host);
	return g_steal_pointer(&flow);
}

gboolean
ct_flow_run(CtFlow *flow, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	gboolean ok;

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
	if (ok && flow->export_dir != NULL && g_strcmp0(flow->outcome, "blocked") != 0)
		ok = ct_flow_export(flow, &error_local);
	if (!ok) {
		ct_error_convert(&error_local);
		ct_flow_fail(flow, error_local);
	}
	return TRUE;
}
