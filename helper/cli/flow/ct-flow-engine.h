#pragma once

#include <json-glib/json-glib.h>

#include "ct-chain.h"
#include "ct-cli-show.h"
#include "ct-cli.h"
#include "ct-trust.h"

/* the flow engine: a browser's procedure (ct-flow-ie8.c, ct-flow-firefox3.c,
 * ct-flow-safari4.c) is a run of steps, one per dialog; the engine keeps the transcript,
 * asks the dialogs that ask through a CtFlowPrompt, and ends the flow with an outcome */

/* what a user can answer a dialog with; a button stands for one or more of them */
typedef enum {
	CT_FLOW_CONTINUE = 1 << 0,  /* the button the seed's procedure clicks */
	CT_FLOW_CANCEL = 1 << 1,    /* the dialog's cancel: no access, nothing written */
	CT_FLOW_SESSION = 1 << 2,   /* trust for this session only */
	CT_FLOW_PERMANENT = 1 << 3, /* install, store permanently */
} CtFlowChoice;

typedef struct {
	gchar key;	    /* what to type at the prompt */
	const gchar *label; /* the button as the dialog says it */
	guint answers;	    /* CtFlowChoice bits */
	const gchar *hint;  /* what it means, at the prompt; NULL for nothing to add */
} CtFlowButton;

/* a dialog that only shows text and clicks the procedure's button: a row of a browser's
 * table, shown by ct_flow_show_dialogs() */
typedef struct {
	const gchar *dialog;
	const gchar *text[3]; /* its lines; NULL after the last */
	const gchar *button;  /* the button the procedure clicks */
	const gchar *result;  /* what it leads to, or NULL */
	const gchar *action;  /* what certtrust does behind it */
} CtFlowDialog;

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

typedef struct _CtFlow CtFlow;

/* how the procedure reaches its user (flatpak's transaction asks through vfuncs alike):
 * tell shows a dialog's text as it happens, ask picks one of a dialog's buttons when
 * neither --choice nor --yes answered it; ct_flow_terminal_prompt is the terminal's */
typedef struct {
	void (*tell)(CtFlow *flow, const gchar *text);
	gboolean (*ask)(CtFlow *flow,
			const CtFlowButton *buttons,
			guint n_buttons,
			guint *index,
			GError **error);
} CtFlowPrompt;

extern const CtFlowPrompt ct_flow_terminal_prompt;

struct _CtFlow {
	CtCli *cli;
	const CtFlowPrompt *prompt;
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
	CtChain *chain;	   /* (transfer none) */
	GPtrArray *stores; /* CtStore*, the trust plan's (it holds them transfer none) */
	GPtrArray *steps;
	const gchar *export_dir;
	gboolean force;
	gboolean allow_ca;
	const gchar *outcome; /* trusted, session, blocked, name-mismatch, needs-root, ... */
	gchar *message;	      /* what the outcome means */
	GError *error;	      /* the non-zero exit status, or NULL */
};

/* the flow of browser (ie8, firefox3, safari4) for source, or NULL with INVALID_ARGS */
CtFlow *
ct_flow_new(CtCli *cli, const gchar *browser, const gchar *source, GError **error);
void
ct_flow_free(CtFlow *flow);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtFlow, ct_flow_free)

/* --choice's words into flow->choices, in order */
gboolean
ct_flow_parse_choices(CtFlow *flow, gchar **texts, GError **error);

/* a --choice word (any case) as its CtFlowChoice bit, 0 for none */
guint
ct_flow_choice_from_string(const gchar *text);
/* the dialog's button for a choice: the first that stands for it */
guint
ct_flow_button_for(const CtFlowButton *buttons, guint n_buttons, guint choice);

/* the procedure: the first access, the browser's dialogs, the exports; FALSE only when
 * the first access fails; every later failure ends the flow (flow->outcome, flow->error) */
gboolean
ct_flow_run(CtFlow *flow, GError **error);

/* the transcript as one JSON document (ct-flow-transcript.c) */
void
ct_flow_print_json(CtFlow *flow);

/* the steps */
CtFlowStep *
ct_flow_step_new(CtFlow *flow, const gchar *dialog);
void
ct_flow_text(CtFlowStep *step, const gchar *format, ...) G_GNUC_PRINTF(2, 3);
void
ct_flow_result(CtFlowStep *step, const gchar *format, ...) G_GNUC_PRINTF(2, 3);
/* a click the procedure makes, no decision */
void
ct_flow_click(CtFlowStep *step, const gchar *label);
/* value: (transfer full) */
void
ct_flow_set_extra(CtFlowStep *step, const gchar *name, JsonNode *value);
/* the step is complete: what was clicked and what came of it */
void
ct_flow_done(CtFlow *flow, CtFlowStep *step, const gchar *action);
/* the rows of a browser's table, one step each */
void
ct_flow_show_dialogs(CtFlow *flow, const CtFlowDialog *dialogs, guint n_dialogs);
/* a dialog that asks: --choice (in order, the last one for the rest), --yes (permanent)
 * or the prompt picks a button; *index is the button's */
gboolean
ct_flow_ask(CtFlow *flow,
	    CtFlowStep *step,
	    const CtFlowButton *buttons,
	    guint n_buttons,
	    guint *index,
	    GError **error);

/* the end of the flow: outcome, and for code >= 0 the error (its exit status) saying why */
void
ct_flow_end(CtFlow *flow, const gchar *outcome, gint code, const gchar *format, ...)
    G_GNUC_PRINTF(4, 5);
/* the dialog step was cancelled: no access */
void
ct_flow_blocked(CtFlow *flow, CtFlowStep *step);
/* what the page looks like once the warning is passed */
void
ct_flow_page_opens(CtFlow *flow, CtFlowStep *step, const gchar *how);

/* what the dialogs say about certificates */
const gchar *
ct_flow_name_of(CtCertificate *certificate);
const gchar *
ct_flow_issuer_name(CtChain *chain);
void
ct_flow_add_certificate_extra(CtFlowStep *step, CtChain *chain);
void
ct_flow_add_view(CtFlowStep *step, CtChain *chain, CtCliShowView view);

/* the browsers' procedures, after the first access found a problem */
gboolean
ct_flow_run_ie8(CtFlow *flow, GError **error);
gboolean
ct_flow_run_firefox3(CtFlow *flow, GError **error);
gboolean
ct_flow_run_safari4(CtFlow *flow, GError **error);

/* Copy to File / Export: every format the browser's dialog offers (ct-flow-export.c) */
gboolean
ct_flow_export(CtFlow *flow, GError **error);
