/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib/gstdio.h>

#include "ct-scenario-step.h"
#include "ct-scenario.h"
#include "ct-serve-profiles.h"
#include "ct-test.h"

/* the scenario file format (scenarios/README.md): every step kind, comments, and a
 * parse error for each mistake, naming the file and the line */

static CtScenario *
scenario_parse_ok(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	CtScenario *scenario = ct_scenario_parse("good.scenario", text, -1, &error);
	cr_assert_not_null(scenario, "%s", error != NULL ? error->message : "");
	return scenario;
}

static CtScenarioStep *
scenario_step(CtScenario *scenario, guint index)
{
	cr_assert_lt(index, scenario->steps->len);
	return g_ptr_array_index(scenario->steps, index);
}

static const gchar *
scenario_string(GPtrArray *array, guint index)
{
	cr_assert_lt(index, array->len);
	return g_ptr_array_index(array, index);
}

Test(scenario, every_step_kind_parses_with_its_expectations)
{
	const gchar *text =
	    "# IE8: install into Trusted Root,\n"
	    "#   then reach it by IP\n"
	    "\n"
	    "scenario ie8-by-ip\n"
	    "profile chain\n"
	    "name ucm.example.test other.example.test\n"
	    "step access 127.0.0.1 path /ccmadmin expect blocked unknown-ca bad-identity http 200 "
	    "title \"Cisco \\\"UCM\\\"\" certificates 2\n"
	    "step show from full-chain expect version 3 self-signed no ca-capable no certificates "
	    "3\n"
	    "step check-host 127.0.0.1 localhost expect strict mismatch legacy match\n"
	    "step trust firefox chromium mode anchor allow-ca name 127.0.0.1 from root-pem expect "
	    "firefox done chromium refused action nss flags C,, predict 127.0.0.1 os "
	    "name-mismatch\n"
	    "step untrust system from trusted expect removed\n"
	    "step untrust expect not-found\n"
	    "step export ie8 expect files 3 certificates 2 order leaf,intermediate\n"
	    "step status exact nss expect not-trusted\n"
	    "step list system expect entries 0\n"
	    "step verify chromium localhost store nss expect blocked ERR_CERT_COMMON_NAME_INVALID\n"
	    "step session firefox expect loads todo \"a known problem\"\n"
	    "step regenerate\n"
	    "step restart todo why\n"
	    "step soap expect http 403 https 200\n"
	    "step flow ie8 choice continue choice permanent name 127.0.0.1 allow-ca export expect "
	    "name-mismatch files 3 dialog \"Security Warning\" dialog \"Certificate Import "
	    "Wizard\"\n"
	    "step flow firefox3 choice session expect session\n";
	g_autoptr(CtScenario) scenario = scenario_parse_ok(text);
	CtScenarioStep *step;
	CtScenarioStoreResult *result;
	CtScenarioPrediction *prediction;

	cr_assert_str_eq(scenario->name, "ie8-by-ip");
	cr_assert_str_eq(scenario->profile, "chain");
	cr_assert_str_eq(scenario->description,
			 "IE8: install into Trusted Root, then reach it by IP");
	cr_assert_eq(scenario->names->len, 2);
	cr_assert_str_eq(scenario_string(scenario->names, 1), "other.example.test");
	cr_assert_eq(scenario->steps->len, 16);

	step = scenario_step(scenario, 0);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_ACCESS);
	cr_assert_eq(step->line, 7);
	cr_assert_str_eq(scenario_string(step->names, 0), "127.0.0.1");
	cr_assert_str_eq(scenario_string(step->paths, 0), "/ccmadmin");
	cr_assert_str_eq(step->outcome, "blocked");
	cr_assert_eq(step->problems->len, 2);
	cr_assert_str_eq(scenario_string(step->problems, 1), "bad-identity");
	cr_assert_eq(step->http_status, 200);
	cr_assert_str_eq(step->title, "Cisco \"UCM\"");
	cr_assert_eq(step->certificates, 2);
	cr_assert_str_eq(step->text,
			 "access 127.0.0.1 path /ccmadmin expect blocked unknown-ca "
			 "bad-identity http 200 title \"Cisco \\\"UCM\\\"\" certificates 2");

	step = scenario_step(scenario, 1);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_SHOW);
	cr_assert_str_eq(step->from, "full-chain");
	cr_assert_eq(step->version, 3);
	cr_assert_eq(step->self_signed, 0);
	cr_assert_eq(step->ca_capable, 0);

	step = scenario_step(scenario, 2);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_CHECK_HOST);
	cr_assert_eq(step->names->len, 2);
	cr_assert_str_eq(step->strict, "mismatch");
	cr_assert_str_eq(step->legacy, "match");

	step = scenario_step(scenario, 3);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_TRUST);
	cr_assert_eq(step->stores->len, 2);
	cr_assert_str_eq(step->mode, "anchor");
	cr_assert(step->allow_ca);
	cr_assert_str_eq(scenario_string(step->names, 0), "127.0.0.1");
	cr_assert_str_eq(step->from, "root-pem");
	cr_assert_eq(step->results->len, 2);
	result = g_ptr_array_index(step->results, 1);
	cr_assert_str_eq(result->store, "chromium");
	cr_assert_str_eq(result->result, "refused");
	cr_assert_str_eq(step->action, "nss");
	cr_assert_str_eq(step->flags, "C,,");
	prediction = g_ptr_array_index(step->predictions, 0);
	cr_assert_str_eq(prediction->browser, "curl, GLib", "os is the OS store's clients");
	cr_assert_str_eq(prediction->verdict, "name-mismatch");

	step = scenario_step(scenario, 4);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_UNTRUST);
	cr_assert_str_eq(step->from, "trusted");
	result = g_ptr_array_index(step->results, 0);
	cr_assert_null(result->store, "a result without a store is for every store");
	cr_assert_str_eq(result->result, "removed");
	cr_assert_str_eq(scenario_step(scenario, 5)->outcome, "not-found");

	step = scenario_step(scenario, 6);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_EXPORT);
	cr_assert_str_eq(step->format, "ie8");
	cr_assert_eq(step->files, 3);
	cr_assert_eq(step->order->len, 2);
	cr_assert_str_eq(scenario_string(step->order, 1), "intermediate");

	step = scenario_step(scenario, 7);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_STATUS);
	cr_assert(step->exact);
	cr_assert_str_eq(scenario_string(step->stores, 0), "nss");
	cr_assert_str_eq(step->outcome, "not-trusted");

	cr_assert_eq(scenario_step(scenario, 8)->entries, 0);

	step = scenario_step(scenario, 9);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_VERIFY);
	cr_assert_str_eq(step->browser, "chromium");
	cr_assert_str_eq(scenario_string(step->names, 0), "localhost");
	cr_assert_str_eq(scenario_string(step->stores, 0), "nss");
	cr_assert_str_eq(step->error_code, "ERR_CERT_COMMON_NAME_INVALID");
	cr_assert(ct_scenario_step_needs_browser(step));

	step = scenario_step(scenario, 10);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_SESSION);
	cr_assert_str_eq(step->outcome, "loads");
	cr_assert_str_eq(step->todo, "a known problem");

	cr_assert_eq(scenario_step(scenario, 11)->kind, CT_SCENARIO_STEP_REGENERATE);
	cr_assert_not(ct_scenario_step_needs_browser(scenario_step(scenario, 11)));
	cr_assert_str_eq(scenario_step(scenario, 12)->todo, "why");
	step = scenario_step(scenario, 13);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_SOAP);
	cr_assert_eq(step->http_status, 403);
	cr_assert_eq(step->https_status, 200);

	step = scenario_step(scenario, 14);
	cr_assert_eq(step->kind, CT_SCENARIO_STEP_FLOW);
	cr_assert_str_eq(step->browser, "ie8");
	cr_assert_eq(step->choices->len, 2);
	cr_assert_str_eq(scenario_string(step->choices, 1), "permanent");
	cr_assert_str_eq(scenario_string(step->names, 0), "127.0.0.1");
	cr_assert(step->allow_ca);
	cr_assert(step->exports);
	cr_assert_str_eq(step->outcome, "name-mismatch");
	cr_assert_eq(step->files, 3);
	cr_assert_eq(step->dialogs->len, 2);
	cr_assert_str_eq(scenario_string(step->dialogs, 1), "Certificate Import Wizard");
	cr_assert_not(ct_scenario_step_needs_browser(step), "IE8's flow needs no browser");
	cr_assert(ct_scenario_step_needs_browser(scenario_step(scenario, 15)),
		  "Firefox 3's session opens a real Firefox");
}

Test(scenario, comments_blank_lines_and_crlf_are_ignored)
{
	const gchar *text = "   # indented comment\r\n"
			    "profile tomcat # the UCM default\r\n"
			    "\t\r\n"
			    "# between\r\n"
			    "step access expect blocked unknown-ca   # trailing comment\r\n"
			    "step access path /a expect http 404 title \"# not a comment\"\r\n"
			    "step access path /b expect title x#y\r\n";
	g_autoptr(CtScenario) scenario = scenario_parse_ok(text);
	CtScenarioStep *step = scenario_step(scenario, 1);

	cr_assert_eq(scenario->steps->len, 3);
	cr_assert_str_eq(scenario->description, "indented comment");
	cr_assert_eq(scenario_step(scenario, 0)->line, 5);
	cr_assert_eq(scenario_step(scenario, 0)->problems->len, 1);
	cr_assert_str_eq(scenario_step(scenario, 0)->text, "access expect blocked unknown-ca");
	/* a '#' inside quotes or inside a word is text */
	cr_assert_str_eq(step->title, "# not a comment");
	cr_assert_str_eq(scenario_step(scenario, 2)->title, "x#y");
}

Test(scenario, defaults_name_from_file_and_the_typed_name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtScenario)
	    scenario = ct_scenario_parse("dir/ie8-cancel.scenario",
					 "profile tomcat\nstep list expect entries 0\n", -1,
					 &error);

	cr_assert_not_null(scenario, "%s", error != NULL ? error->message : "");
	cr_assert_str_eq(scenario->name, "ie8-cancel");
	cr_assert_null(scenario->description);
	cr_assert_str_eq(scenario_string(scenario->names, 0), "ucm.example.test");
	cr_assert_eq(scenario_step(scenario, 0)->paths->len, 0);
	cr_assert_eq(scenario_step(scenario, 0)->http_status, -1, "unset numbers are -1");
}

Test(scenario, several_paths_in_one_access)
{
	g_autoptr(CtScenario) scenario = scenario_parse_ok(
	    "profile tomcat\nstep access path /ccmadmin path /drf expect http 200\n");

	cr_assert_eq(scenario_step(scenario, 0)->paths->len, 2);
}

Test(scenario, from_server_or_the_chain_presented)
{
	g_autoptr(CtScenario)
	    scenario = scenario_parse_ok("profile tomcat\n"
					 "step trust expect done\n"
					 "step export ie8 from server expect files 3\n"
					 "step untrust from server expect removed\n");

	cr_assert_null(scenario_step(scenario, 0)->from,
		       "the chain presented, from serve's copies");
	cr_assert_str_eq(scenario_step(scenario, 1)->from, "server");
	cr_assert_str_eq(scenario_step(scenario, 2)->from, "server");
}

Test(scenario, an_external_server_with_its_address_and_the_layouts)
{
	g_autoptr(CtScenario) external = scenario_parse_ok(
	    "server https://UCM.Lab.test:8443/\n"
	    "resolve 192.0.2.7\n"
	    "layout legacy\n"
	    "step access expect blocked unknown-ca\n"
	    "step trust from server expect done\n"
	    "step untrust from trusted expect removed\n"
	    "step check-host ucm.lab.test expect strict match legacy match\n");
	g_autoptr(CtScenario) bare = scenario_parse_ok("server https://10.1.2.3\n"
						       "step list expect entries 0\n");
	g_autoptr(CtScenario) served = scenario_parse_ok("profile tomcat\n"
							 "step list expect entries 0\n");

	cr_assert_null(external->profile);
	cr_assert_str_eq(external->server, "https://ucm.lab.test:8443/");
	cr_assert_eq(external->port, 8443);
	cr_assert_str_eq(external->address, "192.0.2.7");
	cr_assert_eq(external->names->len, 1);
	cr_assert_str_eq(scenario_string(external->names, 0), "ucm.lab.test",
			 "the URL's host is the name typed");
	cr_assert_eq(external->layout, CT_SCENARIO_LAYOUT_LEGACY);
	cr_assert_eq(external->steps->len, 4);
	cr_assert_str_eq(bare->server, "https://10.1.2.3:443/", "443 when no port is given");
	cr_assert_null(bare->address);
	cr_assert_eq(bare->layout, CT_SCENARIO_LAYOUT_CURRENT, "today's layout by default");
	cr_assert_null(served->server);
	cr_assert_eq(served->layout, CT_SCENARIO_LAYOUT_CURRENT);
}

/* the table of step kinds has a row for every kind, and the format's list of kinds in a
 * message is the table's keywords, in its order; the profile list is serve's table */
Test(scenario, the_kind_and_profile_lists_in_messages_come_from_the_tables)
{
	g_autoptr(GString) kinds = g_string_new(NULL);
	g_autofree gchar *profiles = g_strjoinv(", ", (gchar **)ct_serve_profiles_get_names());
	g_autofree gchar *want_profiles = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) profile_error = NULL;
	g_autoptr(CtScenario) scenario = NULL;
	g_autoptr(CtScenario) profile_scenario = NULL;

	for (guint kind = CT_SCENARIO_STEP_ACCESS; kind <= CT_SCENARIO_STEP_FLOW; kind++) {
		const CtScenarioStepKindInfo *info = ct_scenario_step_kind_get(kind);
		cr_assert_not_null(info->keyword, "kind %u has no row", kind);
		cr_assert_not_null(info->help, "%s", info->keyword);
		cr_assert_not_null(info->operands, "%s", info->keyword);
		cr_assert_not_null(info->run, "%s", info->keyword);
		cr_assert_str_eq(ct_scenario_step_kind_to_string(kind), info->keyword);
		g_string_append_printf(kinds, "%s%s", kind > 0 ? ", " : "", info->keyword);
	}
	cr_assert_str_eq(kinds->str, "access, show, check-host, trust, untrust, export, status, "
				     "list, verify, session, regenerate, restart, soap, flow");
	scenario =
	    ct_scenario_parse("kinds.scenario",
			      "profile tomcat\nstep fly expect loads\nstep list expect entries 0\n",
			      -1, &error);
	cr_assert_null(scenario);
	cr_assert_str_eq(error->message,
			 "kinds.scenario:2: expected a step kind (access, show, check-host, "
			 "trust, untrust, export, status, list, verify, session, regenerate, "
			 "restart, soap, flow), got 'fly'");

	cr_assert(g_strv_length((gchar **)ct_serve_profiles_get_names()) == 11);
	profile_scenario = ct_scenario_parse("p.scenario",
					     "profile apache\nstep list expect "
					     "entries 0\n",
					     -1, &profile_error);
	cr_assert_null(profile_scenario);
	want_profiles = g_strdup_printf("p.scenario:1: expected a serve profile (%s), got 'apache'",
					profiles);
	cr_assert(g_str_has_prefix(profile_error->message, want_profiles), "%s",
		  profile_error->message);
}

/* one mistake per file; the message names the file, the line and what was expected */
typedef struct {
	gchar text[200];
	guint line; /* 0: the message names the file only */
	gchar expected[128];
} ScenarioBad;

ParameterizedTestParameters(scenario, each_mistake_names_file_line_and_what_was_expected)
{
	static ScenarioBad params[] = {
	    {"profile tomcat\nstep access expect blocked unknown-ca\nfrobnicate\n", 3,
	     "expected 'scenario', 'profile', 'server', 'name', 'resolve', 'layout' or 'step', got "
	     "'frobnicate'"},
	    {"profile tomcat\nstep fly expect loads\n", 2, "expected a step kind (access, show"},
	    {"profile apache\nstep list expect entries 0\n", 1, "expected a serve profile (tomcat"},
	    {"step list expect entries 0\n", 0, "expected a 'profile' line"},
	    {"profile tomcat\n# only comments\n", 0, "expected at least one 'step' line"},
	    {"profile tomcat\nprofile chain\nstep list expect entries 0\n", 2,
	     "expected one 'profile' line only"},
	    {"profile tomcat\nstep list expect entries 0\nname a.test\n", 3,
	     "expected a 'step' (scenario, profile or server, name, resolve and layout come "
	     "first)"},
	    {"profile tomcat\nname\nstep list expect entries 0\n", 2,
	     "expected a host name or an IPv4 address, got the end of the line"},
	    {"profile tomcat\nname ucm/x\nstep list expect entries 0\n", 2,
	     "expected a host name or an IPv4 address, got 'ucm/x'"},
	    {"profile tomcat\nscenario has space\nstep list expect entries 0\n", 2,
	     "expected the end of the line, got 'space'"},
	    {"profile tomcat\nstep access\n", 2, "expected 'expect' and what must come out"},
	    {"profile tomcat\nstep access expect\n", 2,
	     "expected what must come out after 'expect'"},
	    {"profile tomcat\nstep access expect blocked\n", 2, "expected a problem (unknown-ca"},
	    {"profile tomcat\nstep access expect http 999\n", 2,
	     "expected an HTTP status (a number from 100 to 599), got '999'"},
	    {"profile tomcat\nstep access path ccmadmin expect loads\n", 2,
	     "expected a path that starts with '/', got 'ccmadmin'"},
	    {"profile tomcat\nstep access path /a path /b expect title x\n", 2,
	     "expected no 'title' for several paths"},
	    {"profile tomcat\nstep access expect loads \"unterminated\n", 2,
	     "expected a closing '\"', got the end of the line"},
	    {"profile tomcat\nstep trust firfox expect done\n", 2,
	     "expected a store (firefox, chromium, nss, system), 'mode'"},
	    {"profile tomcat\nstep trust mode strict expect done\n", 2,
	     "expected a mode (exception, anchor), got 'strict'"},
	    {"profile tomcat\nstep trust expect firefox great\n", 2, "expected a result (done"},
	    {"profile tomcat\nstep trust expect done predict 10.0.0.1 os loads\n", 2,
	     "expected 'name 10.0.0.1' in the trust step before predicting"},
	    {"profile tomcat\nstep trust expect done predict ucm.example.test edge loads\n", 2,
	     "expected a browser (firefox, chromium, os), got 'edge'"},
	    /* found by the scenario fuzzer: a prediction without a valid name crashed the
	     * check of the predicted names */
	    {"profile tomcat\nstep trust name a.test expect done predict uc&m.test chromium "
	     "loads\n",
	     2, "expected a host name or an IPv4 address, got 'uc&m.test'"},
	    {"profile tomcat\nstep untrust from somewhere expect removed\n", 2,
	     "expected a file of the server's or 'trusted'"},
	    {"profile tomcat\nstep export ie9 expect files 3\n", 2,
	     "expected a format or a browser's set (ie8, firefox3, safari4"},
	    {"profile tomcat\nstep export ie8 expect order leaf,trunk\n", 2,
	     "expected roles (leaf, intermediate, root) separated by ','"},
	    {"profile tomcat\nstep check-host expect strict match\n", 2,
	     "expected a host name or an IPv4 address, got 'expect'"},
	    {"profile tomcat\nstep check-host a.test expect strict maybe\n", 2,
	     "expected a verdict (match, mismatch), got 'maybe'"},
	    {"profile tomcat\nstep status expect fine\n", 2, "expected a status (trusted, changed"},
	    {"profile tomcat\nstep status exact\n", 2, "expected 'expect'"},
	    {"profile tomcat\nstep list expect entries\n", 2, "expected an entry count"},
	    {"profile tomcat\nstep verify safari expect loads\n", 2,
	     "expected a browser (firefox, chromium), got 'safari'"},
	    {"profile tomcat\nstep verify firefox expect blocked\n", 2,
	     "expected the browser's error code"},
	    {"profile tomcat\nstep verify firefox expect blocked lower_case\n", 2,
	     "expected the browser's error code (e.g. ERR_CERT_AUTHORITY_INVALID), got "
	     "'lower_case'"},
	    {"profile tomcat\nstep session chromium store nss expect loads\n", 2,
	     "expected a host name, 'expect' or 'todo', got 'store'"},
	    {"profile tomcat\nstep regenerate expect done\n", 2,
	     "expected the end of the line or 'todo', got 'expect'"},
	    {"profile tomcat\nstep soap expect ftp 21\n", 2, "expected 'http N' or 'https N'"},
	    {"profile tomcat\nstep list expect entries 0 todo\n", 2,
	     "expected why the step is known to fail, got the end of the line"},
	    {"profile tomcat\nstep list expect entries 0 extra\n", 2, "expected 'entries N'"},
	    {"profile tomcat\nstep flow ie9 expect trusted\n", 2,
	     "expected a browser's flow (ie8, firefox3, safari4), got 'ie9'"},
	    {"profile tomcat\nstep flow ie8 choice always expect trusted\n", 2,
	     "expected a choice (continue, cancel, session, permanent), got 'always'"},
	    {"profile tomcat\nstep flow safari4 expect files 3\n", 2,
	     "expected the flow's outcome after 'expect'"},
	    {"profile tomcat\nstep flow safari4 expect trusted files 3\n", 2,
	     "expected 'export' before expecting files"},
	    {"profile tomcat\nstep flow firefox3 expect trusted dialog\n", 2,
	     "expected a dialog's title, got the end of the line"},
	    {"server http://ucm.lab.test/\nstep list expect entries 0\n", 1,
	     "expected an https://HOST:PORT/ URL"},
	    {"server https://ucm.lab.test:8443/ccmadmin\nstep list expect entries 0\n", 1,
	     "expected an https://HOST:PORT/ URL"},
	    {"server https://admin@ucm.lab.test/\nstep list expect entries 0\n", 1,
	     "expected an https://HOST:PORT/ URL"},
	    {"server https://ucm.lab.test/\nprofile tomcat\nstep list expect entries 0\n", 2,
	     "expected 'profile' or 'server', not both"},
	    {"name a.test\nserver https://ucm.lab.test/\nstep list expect entries 0\n", 2,
	     "expected no 'name' with 'server'"},
	    {"server https://ucm.lab.test/\nresolve ucm\nstep list expect entries 0\n", 2,
	     "expected an IP address, got 'ucm'"},
	    {"server https://10.0.0.5:8443/\nresolve 10.0.0.6\nstep list expect entries 0\n", 2,
	     "expected 'resolve' only for a server named by a host name"},
	    {"profile tomcat\nresolve 10.0.0.5\nstep list expect entries 0\n", 2,
	     "expected 'resolve' only with a 'server' line"},
	    {"profile tomcat\nlayout new\nstep list expect entries 0\n", 2,
	     "expected a home layout (legacy, current), got 'new'"},
	    {"profile tomcat\nlayout legacy\nlayout current\nstep list expect entries 0\n", 3,
	     "expected one 'layout' line only"},
	    {"server https://ucm.lab.test/\nstep regenerate\n", 2,
	     "expected a step an external server allows, got 'regenerate': it restarts serve"},
	    {"server https://ucm.lab.test/\nstep restart\n", 2,
	     "expected a step an external server allows, got 'restart'"},
	    {"server https://ucm.lab.test/\nstep soap expect https 200\n", 2,
	     "expected a step an external server allows, got 'soap expect https 200'"},
	    {"server https://ucm.lab.test/\nstep trust from root-pem expect done\n", 2,
	     "'from' names one of serve's files (use 'from server')"},
	    {"server https://ucm.lab.test/\nstep export pem from full-chain expect files 1\n", 2,
	     "'from' names one of serve's files"},
	};
	return cr_make_param_array(ScenarioBad, params, G_N_ELEMENTS(params));
}

ParameterizedTest(ScenarioBad *param, scenario, each_mistake_names_file_line_and_what_was_expected)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtScenario)
	    scenario = ct_scenario_parse("scenarios/bad.scenario", param->text, -1, &error);
	g_autofree gchar *where = param->line > 0
				      ? g_strdup_printf("scenarios/bad.scenario:%u: ", param->line)
				      : g_strdup("scenarios/bad.scenario: ");

	cr_assert_null(scenario, "parsed: %s", param->text);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA), "%s", error->message);
	cr_assert(g_str_has_prefix(error->message, where), "'%s' does not start with '%s'",
		  error->message, where);
	cr_assert_not_null(strstr(error->message, param->expected), "'%s' does not say '%s'",
			   error->message, param->expected);
}

Test(scenario, every_error_of_a_file_is_reported_with_its_line)
{
	const gchar *text = "profile apache\n"
			    "step access expect blocked\n"
			    "step list expect entries 0\n"
			    "frobnicate\n"
			    "step status expect fine\n"
			    "step trust expect done predict 10.0.0.1 os loads\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(CtScenario) scenario = ct_scenario_parse("many.scenario", text, -1, &error);
	g_auto(GStrv) lines = NULL;

	cr_assert_null(scenario);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_INVALID_DATA), "%s", error->message);
	lines = g_strsplit(error->message, "\n", -1);
	cr_assert_eq(g_strv_length(lines), 5, "five errors, one a line: %s", error->message);
	cr_assert(g_str_has_prefix(lines[0], "many.scenario:1: expected a serve profile"), "%s",
		  lines[0]);
	cr_assert(g_str_has_prefix(lines[1], "many.scenario:2: expected a problem"), "%s",
		  lines[1]);
	cr_assert(g_str_has_prefix(lines[2], "many.scenario:4: expected 'scenario'"), "%s",
		  lines[2]);
	cr_assert(g_str_has_prefix(lines[3], "many.scenario:5: expected a status"), "%s", lines[3]);
	cr_assert(g_str_has_prefix(lines[4], "many.scenario:6: expected 'name 10.0.0.1'"), "%s",
		  lines[4]);
}

Test(scenario, a_file_full_of_errors_reports_the_first_fifty)
{
	g_autoptr(GString) text = g_string_new("profile tomcat\nstep list expect entries 0\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(CtScenario) scenario = NULL;
	g_auto(GStrv) lines = NULL;

	for (guint i = 0; i < 70; i++)
		g_string_append(text, "step fly expect loads\n");
	scenario = ct_scenario_parse("full.scenario", text->str, -1, &error);
	cr_assert_null(scenario);
	lines = g_strsplit(error->message, "\n", -1);
	cr_assert_eq(g_strv_length(lines), 51, "%u lines", g_strv_length(lines));
	cr_assert(g_str_has_prefix(lines[0], "full.scenario:3: expected a step kind"), "%s",
		  lines[0]);
	cr_assert(g_str_has_prefix(lines[49], "full.scenario:52: expected a step kind"), "%s",
		  lines[49]);
	cr_assert_str_eq(lines[50], "full.scenario: more errors: only the first 50 are shown");
}

Test(scenario, binary_and_invalid_utf8_are_refused_with_their_line)
{
	const gchar nul[] = "profile tomcat\nstep list\0 expect entries 0\n";
	const gchar *invalid = "profile tomcat\nstep list expect entries 0\n# caf\xe9\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_utf8 = NULL;
	g_autoptr(CtScenario)
	    binary = ct_scenario_parse("b.scenario", nul, sizeof(nul) - 1, &error);
	g_autoptr(CtScenario) latin1 = ct_scenario_parse("l.scenario", invalid, -1, &error_utf8);

	cr_assert_null(binary);
	cr_assert_not_null(strstr(error->message, "b.scenario: expected a text file"), "%s",
			   error->message);
	cr_assert_null(latin1);
	cr_assert_not_null(strstr(error_utf8->message, "l.scenario:3: expected UTF-8 text"), "%s",
			   error_utf8->message);
}

Test(scenario, hostile_text_in_a_message_is_escaped)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(CtScenario) scenario =
	    ct_scenario_parse("x.scenario", "profile tomcat\nstep \"\x1b[31mred\"\n", -1, &error);

	cr_assert_null(scenario);
	cr_assert_null(strchr(error->message, '\x1b'), "a raw ESC in: %s", error->message);
}

Test(scenario, load_reads_a_file_and_find_files_walks_directories_in_order)
{
	g_autofree gchar *dir = ct_test_tmpdir_new();
	g_autofree gchar *sub = g_build_filename(dir, "b-sub", NULL);
	g_autofree gchar *first = g_build_filename(dir, "a.scenario", NULL);
	g_autofree gchar *second = g_build_filename(sub, "c.scenario", NULL);
	g_autofree gchar *other = g_build_filename(dir, "notes.txt", NULL);
	g_autofree gchar *missing = g_build_filename(dir, "missing", NULL);
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autoptr(CtScenario) loaded = NULL;
	g_autoptr(CtScenario) absent = NULL;

	cr_assert_eq(g_mkdir(sub, 0700), 0);
	cr_assert(
	    g_file_set_contents(first, "profile tomcat\nstep list expect entries 0\n", -1, NULL));
	cr_assert(
	    g_file_set_contents(second, "profile v1\nstep list expect entries 0\n", -1, NULL));
	cr_assert(g_file_set_contents(other, "not a scenario", -1, NULL));

	cr_assert(ct_scenario_find_files(dir, files, &error), "%s",
		  error != NULL ? error->message : "");
	cr_assert_eq(files->len, 2);
	cr_assert_str_eq(scenario_string(files, 0), first);
	cr_assert_str_eq(scenario_string(files, 1), second);
	cr_assert(ct_scenario_find_files(other, files, &error), "a file is itself");
	cr_assert_eq(files->len, 3);
	cr_assert_not(ct_scenario_find_files(missing, files, &error));
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_FOUND));
	g_clear_error(&error);

	loaded = ct_scenario_load(second, &error);
	cr_assert_not_null(loaded, "%s", error != NULL ? error->message : "");
	cr_assert_str_eq(loaded->profile, "v1");
	cr_assert_str_eq(loaded->name, "c");
	absent = ct_scenario_load(missing, &error);
	cr_assert_null(absent);
	cr_assert(g_error_matches(error, CT_ERROR, CT_ERROR_NOT_FOUND), "%s", error->message);
	ct_test_tmpdir_remove(dir);
}
