#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "ct-flow-engine.h"

/* the flow engine without a terminal: a prompt that records what it is told and answers
 * from a script, the way another front end would answer the procedure's questions */

static GString *told = NULL;
static guint asked = 0;
static guint scripted_answer = 0;

static void
test_flow_tell(CtFlow *flow, const gchar *text)
{
	g_string_append(told, text);
}

static gboolean
test_flow_ask(CtFlow *flow,
	      const CtFlowButton *buttons,
	      guint n_buttons,
	      guint *index,
	      GError **error)
{
	asked++;
	*index = scripted_answer;
	return TRUE;
}

static const CtFlowPrompt test_flow_prompt = {
    .tell = test_flow_tell,
    .ask = test_flow_ask,
};

static const CtFlowButton test_flow_buttons[] = {
    {'y', "Yes", CT_FLOW_CONTINUE | CT_FLOW_PERMANENT, NULL},
    {'s', "Just this once", CT_FLOW_SESSION, "this session only"},
    {'n', "No", CT_FLOW_CANCEL, NULL},
};

static CtCli cli;

static void
flow_engine_setup(void)
{
	memset(&cli, 0, sizeof(cli));
	told = g_string_new(NULL);
	asked = 0;
	scripted_answer = 0;
}

static void
flow_engine_teardown(void)
{
	g_string_free(told, TRUE);
	told = NULL;
}

TestSuite(flow_engine, .init = flow_engine_setup, .fini = flow_engine_teardown, .timeout = 30);

static CtFlow *
test_flow_new(void)
{
	g_autoptr(GError) error = NULL;
	CtFlow *flow = ct_flow_new(&cli, "ie8", "https://ucm.example.com:8443/", &error);

	cr_assert_not_null(flow, "%s", error != NULL ? error->message : "");
	flow->prompt = &test_flow_prompt;
	return flow;
}

Test(flow_engine, a_table_row_is_one_step_clicked_and_told)
{
	static const CtFlowDialog rows[] = {
	    {"Wizard", {"Welcome", "Second line"}, "Next >", NULL, "none"},
	    {"Done", {NULL}, "OK", "it worked", "trust"},
	};
	g_autoptr(CtFlow) flow = test_flow_new();
	CtFlowStep *step;

	ct_flow_show_dialogs(flow, rows, G_N_ELEMENTS(rows));
	cr_assert_eq(flow->steps->len, 2);
	step = g_ptr_array_index(flow->steps, 1);
	cr_assert_str_eq(step->dialog, "Done");
	cr_assert_str_eq(step->choice, "OK");
	cr_assert_str_eq(step->action, "trust");
	cr_assert_not(step->asked, "a table row clicks; it does not ask");
	cr_assert_eq(asked, 0);
	cr_assert_str_eq(told->str, "\n== Wizard\n   Welcome\n   Second line\n   > Next >\n"
				    "\n== Done\n   > OK\n   -> it worked\n");
}

Test(flow_engine, a_question_without_choice_goes_to_the_prompt)
{
	g_autoptr(CtFlow) flow = test_flow_new();
	CtFlowStep *step = ct_flow_step_new(flow, "Question");
	g_autoptr(GError) error = NULL;
	guint index = 99;

	scripted_answer = 1;
	cr_assert(ct_flow_ask(flow, step, test_flow_buttons, G_N_ELEMENTS(test_flow_buttons),
			      &index, &error));
	cr_assert_eq(asked, 1);
	cr_assert_eq(index, 1);
	cr_assert_str_eq(step->choice, "Just this once");
	cr_assert_str_eq(step->answered_by, "prompt");
	cr_assert_not_null(strstr(told->str, "   [s] Just this once  (this session only)\n"), "%s",
			   told->str);
	cr_assert_not_null(strstr(told->str, "   > Just this once\n"), "%s", told->str);
}

Test(flow_engine, choices_answer_in_order_and_the_last_answers_the_rest)
{
	gchar *texts[] = {"cancel", "SESSION", NULL};
	g_autoptr(CtFlow) flow = test_flow_new();
	g_autoptr(GError) error = NULL;
	const gchar *expected[] = {"No", "Just this once", "Just this once"};

	cr_assert(ct_flow_parse_choices(flow, texts, &error));
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		CtFlowStep *step = ct_flow_step_new(flow, "Question");
		guint index = 99;
		cr_assert(ct_flow_ask(flow, step, test_flow_buttons,
				      G_N_ELEMENTS(test_flow_buttons), &index, &error));
		cr_assert_str_eq(step->choice, expected[i]);
	}
	cr_assert_eq(asked, 0, "--choice answered: the prompt is never asked");
}

Test(flow_engine, yes_answers_permanent)
{
	g_autoptr(CtFlow) flow = test_flow_new();
	CtFlowStep *step = ct_flow_step_new(flow, "Question");
	g_autoptr(GError) error = NULL;
	guint index = 99;

	cli.yes = TRUE;
	cr_assert(ct_flow_ask(flow, step, test_flow_buttons, G_N_ELEMENTS(test_flow_buttons),
			      &index, &error));
	cr_assert_eq(index, 0);
	cr_assert_str_eq(step->answered_by, "--yes");
	cr_assert_eq(asked, 0);
}

Test(flow_engine, an_unknown_choice_is_a_usage_error)
{
	gchar *texts[] = {"continue", "maybe", NULL};
	g_autoptr(CtFlow) flow = test_flow_new();
	g_autoptr(GError) error = NULL;

	cr_assert_not(ct_flow_parse_choices(flow, texts, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS));
	cr_assert_not_null(strstr(error->message, "'maybe'"), "%s", error->message);
}

Test(flow_engine, a_flow_needs_a_known_browser_and_a_server)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtFlow) opera = ct_flow_new(&cli, "opera", "https://example.com/", &error);

	cr_assert_null(opera);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS));
	g_clear_error(&error);
	cr_assert_null(ct_flow_new(&cli, "safari4", "/etc/hostname", &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_ARGS));
	cr_assert_not_null(strstr(error->message, "is not a server"), "%s", error->message);
}

Test(flow_engine, a_certificate_derived_dialog_text_is_escaped)
{
	g_autoptr(CtFlow) flow = test_flow_new();
	CtFlowStep *step = ct_flow_step_new(flow, "Issued \x1b[31mred");

	ct_flow_text(step, "Issued to: evil\x1b]0;title\x07");
	ct_flow_done(flow, step, "show");
	cr_assert_null(strchr(told->str, '\x1b'), "an escape reached the terminal: %s", told->str);
	cr_assert_null(strchr(told->str, '\x07'));
}

Test(flow_engine, the_end_sets_outcome_and_the_exit_status)
{
	g_autoptr(CtFlow) flow = test_flow_new();

	ct_flow_end(flow, "session", -1, "trusted for %s", "this session");
	cr_assert_str_eq(flow->outcome, "session");
	cr_assert_null(flow->error);
	ct_flow_end(flow, "blocked", CT_ERROR_CHECK_FAILED, "no access");
	cr_assert_str_eq(flow->outcome, "blocked");
	cr_assert_eq(ct_error_get_exit_status(flow->error), 4);
	cr_assert_str_eq(flow->message, "no access");
}
