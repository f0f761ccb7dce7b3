/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtTest"

#include "config.h"

#include "ct-test.h"

/* `certtrust verify --resolve` rules a browser cannot follow are usage errors (exit 2), said
 * before any browser runs: the rules are parsed once by the program and the drivers read
 * their names and addresses */

TestSuite(verify_resolve, .timeout = 120);

static CtTestRun *
verify_run(const gchar *browser, const gchar *first_rule, const gchar *second_rule)
{
	const gchar *argv[] = {"certtrust", "verify",	 "https://a.example:8443/",
			       "--browser", browser,	 "--resolve",
			       first_rule,  "--resolve", second_rule,
			       NULL};
	return ct_test_run(argv, NULL);
}

static void
assert_usage_error(CtTestRun *run, const gchar *words)
{
	cr_assert_eq(run->exit_status, 2, "%d: %s", run->exit_status, run->err);
	cr_assert_str_empty(run->out, "%s", run->out);
	cr_assert_not_null(strstr(run->err, words), "'%s' in: %s", words, run->err);
}

/* for both browsers, before anything starts: a rule that does not parse is named, and one
 * name sent to two addresses is refused (the port is not the browser's: the same name on
 * two ports is one name) */
Test(verify_resolve, rules_no_browser_can_follow_are_named)
{
	const gchar *browsers[] = {"firefox", "chromium"};
	const gchar *cases[][3] = {
	    {"a.example:8443:127.0.0.1", "b.example:127.0.0.1",
	     "--resolve b.example:127.0.0.1: expected NAME:PORT:ADDRESS"},
	    {"a.example:8443:127.0.0.1", "b.example:8443:not-an-ip",
	     "--resolve b.example:8443:not-an-ip: 'not-an-ip' is not an IP address"},
	    {"a.example:8443:10.0.0.1", "A.Example:443:10.0.0.2",
	     "--resolve A.Example:443:10.0.0.2: a browser sends a name to one address, and "
	     "a.example already has another"},
	    {"a.example:8443:10.0.0.1", "a.example:443:127.0.0.1",
	     "--resolve a.example:443:127.0.0.1: a browser sends a name to one address, and "
	     "a.example already has another"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(browsers); i++) {
		for (guint j = 0; j < G_N_ELEMENTS(cases); j++) {
			g_autoptr(CtTestRun)
			    run = verify_run(browsers[i], cases[j][0], cases[j][1]);
			assert_usage_error(run, cases[j][2]);
		}
	}
}

Test(verify_resolve, firefox_sends_every_name_to_one_address)
{
	const gchar *unavailable = ct_test_browser_unavailable("firefox");
	g_autofree gchar *dir = NULL;
	g_autofree gchar *profile = NULL;
	g_autoptr(CtTestRun) run = NULL;
	g_autoptr(CtTestRun) same = NULL;

	if (unavailable != NULL)
		cr_skip_test("%s", unavailable);
	dir = ct_test_tmpdir_new();
	profile = ct_test_private_home(dir);
	/* refused while the throwaway profile is written, before Firefox starts */
	run = verify_run("firefox", "a.example:8443:10.0.0.1", "b.example:8443:10.0.0.2");
	assert_usage_error(run, "Firefox sends names to one address only: --resolve gives "
				"10.0.0.1 and 10.0.0.2");
	/* with one address, the one name the user typed that has no rule is refused */
	same = verify_run("firefox", "b.example:8443:10.0.0.1", "c.example:8443:10.0.0.1");
	assert_usage_error(same, "Firefox cannot look a.example up the normal way while --resolve "
				 "sends names to 10.0.0.1: give it a --resolve too");
	ct_test_tmpdir_remove(dir);
}
