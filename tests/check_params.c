/*
 * check_params.c -- the one parameter table: well-formed entries, FreeBSD 9
 * defaults for host tunables, lookups and "did you mean", and the committed
 * docs/scenario-keys.md equal to `twsim params --markdown` (so the docs
 * never drift from the table).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/commands.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"
#include "tests/capture.h"

START_TEST(test_every_entry_is_complete_and_indexed_by_its_id)
{
	const struct param *t;
	size_t n, i, j;

	t = params_table(&n);
	ck_assert_uint_eq(n, P_NPARAMS);
	for (i = 0; i < n; i++) {
		ck_assert_msg(t[i].key != NULL, "entry %zu has no key", i);
		ck_assert_int_eq(t[i].id, (int)i);
		ck_assert_ptr_eq(params_by_id(t[i].id), &t[i]);
		ck_assert_msg(t[i].meaning != NULL && t[i].meaning[0],
		    "%s has no meaning", t[i].key);
		/* A default, or marked required / computed: never both. */
		if (t[i].flags & (PARAM_F_REQUIRED | PARAM_F_COMPUTED))
			ck_assert_msg(t[i].defval == NULL, "%s", t[i].key);
		else
			ck_assert_msg(t[i].defval != NULL, "%s has no default",
			    t[i].key);
		ck_assert_ptr_eq(params_lookup(t[i].section, t[i].key), &t[i]);
		for (j = 0; j < i; j++)
			ck_assert_msg(t[j].section != t[i].section ||
			    strcmp(t[j].key, t[i].key) != 0, "%s twice",
			    t[i].key);
	}
}
END_TEST

START_TEST(test_time_defaults_parse_and_lie_within_bounds)
{
	const struct param *t;
	size_t n, i;
	sim_time_t v;
	char err[256];

	t = params_table(&n);
	for (i = 0; i < n; i++) {
		if (t[i].type != PARAM_T_TIME || t[i].defval == NULL)
			continue;
		ck_assert_msg(units_parse_time(t[i].defval, &v, err,
		    sizeof(err)) == 0, "%s: %s", t[i].key, err);
		ck_assert_msg((double)v >= t[i].min && (double)v <= t[i].max,
		    "%s default out of bounds", t[i].key);
	}
}
END_TEST

static const char *
def(const char *key)
{
	const struct param *p = params_lookup(PARAM_SEC_HOST, key);

	ck_assert_msg(p != NULL, "no host key %s", key);
	return p->defval;
}

START_TEST(test_host_defaults_are_freebsd9)
{
	ck_assert_str_eq(def("hz"), "1000");
	ck_assert_str_eq(def("msl"), "30s");
	ck_assert_str_eq(def("portrange"), "10000-65535");
	ck_assert_str_eq(def("randomized"), "1");
	ck_assert_str_eq(def("randomcps"), "10");
	ck_assert_str_eq(def("randomtime"), "45s");
	ck_assert_str_eq(def("maxsockets"), "25600");
	ck_assert_str_eq(def("maxtcptw"), "0");
	ck_assert_str_eq(def("nolocaltimewait"), "0");
	ck_assert_str_eq(def("rfc1323"), "1");
	ck_assert_str_eq(def("rto_initial"), "3s");
	ck_assert_str_eq(def("keepinit"), "75s");
	ck_assert_str_eq(params_lookup(PARAM_SEC_HOST, "maxtcptw")->sysctl,
	    "net.inet.tcp.maxtcptw");
}
END_TEST

START_TEST(test_lookup_and_did_you_mean)
{
	char buf[512];

	ck_assert_ptr_null(params_lookup(PARAM_SEC_HOST, "maxtcpwt"));
	ck_assert_ptr_null(params_lookup(PARAM_SEC_RUN, "maxtcptw"));
	ck_assert_str_eq(params_suggest(PARAM_SEC_HOST, "maxtcpwt"),
	    "maxtcptw");
	ck_assert_str_eq(params_suggest(PARAM_SEC_RUN, "duraton"),
	    "duration");
	ck_assert_str_eq(params_suggest(PARAM_SEC_WORKLOAD, "respons"),
	    "response");
	ck_assert_ptr_null(params_suggest(PARAM_SEC_HOST, "zzzzzzzz"));
	/* [at] keys are host tunables; address is not one. */
	ck_assert_ptr_nonnull(params_lookup(PARAM_SEC_AT, "maxtcptw"));
	params_list_keys(PARAM_SEC_AT, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "address"));
	ck_assert_ptr_nonnull(strstr(buf, "maxtcptw"));
	params_list_keys(PARAM_SEC_HOST, buf, sizeof(buf));
	ck_assert(strncmp(buf, "address, listen, hz", 19) == 0);
	ck_assert_int_eq(params_section_by_name("workload"),
	    PARAM_SEC_WORKLOAD);
	ck_assert_int_eq(params_section_by_name("hosts"), -1);
}
END_TEST

static char *
render(int (*fn)(FILE *), size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fn(f), 0);
	fclose(f);
	return buf;
}

START_TEST(test_text_lists_every_key_with_its_default)
{
	const struct param *t;
	size_t n, i, len;
	char *out, line[128];

	out = render(params_write_text, &len);
	t = params_table(&n);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), " %s ", t[i].key);
		ck_assert_msg(strstr(out, line) != NULL, "%s missing",
		    t[i].key);
		if (t[i].defval != NULL && t[i].defval[0])
			ck_assert_msg(strstr(out, t[i].defval) != NULL,
			    "default of %s missing", t[i].key);
	}
	free(out);
}
END_TEST

START_TEST(test_committed_docs_equal_generated_markdown)
{
	const char *srcdir = getenv("srcdir");
	char path[1024], *gen, *doc;
	size_t glen, dlen;
	FILE *f;

	snprintf(path, sizeof(path), "%s/docs/scenario-keys.md",
	    srcdir != NULL ? srcdir : ".");
	gen = render(params_write_markdown, &glen);
	ck_assert_ptr_nonnull(strstr(gen, "| `[host NAME]` | `maxtcptw` |"));
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	doc = malloc(glen + 2);
	ck_assert_ptr_nonnull(doc);
	dlen = fread(doc, 1, glen + 1, f);
	fclose(f);
	ck_assert_msg(dlen == glen && memcmp(doc, gen, glen) == 0,
	    "%s differs from `twsim params --markdown`: regenerate it", path);
	free(doc);
	free(gen);
}
END_TEST

START_TEST(test_params_command_text_markdown_and_bad_argument)
{
	static char out[65536];
	char *a1[] = { "params", NULL };
	char *a2[] = { "params", "--markdown", NULL };
	char *a3[] = { "params", "--bogus", NULL };
	char *a4[] = { "params", "--help", NULL };

	ck_assert_int_eq(capture_cmd(cmd_params, 1, a1, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "[host NAME] maxtcptw"));
	ck_assert_int_eq(capture_cmd(cmd_params, 2, a2, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "# Scenario keys"));
	ck_assert_int_eq(capture_cmd(cmd_params, 2, a3, out, sizeof(out)), 2);
	ck_assert_ptr_nonnull(strstr(out, "--bogus"));
	ck_assert_int_eq(capture_cmd(cmd_params, 2, a4, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "usage: twsim params"));
}
END_TEST

static Suite *
params_suite(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_every_entry_is_complete_and_indexed_by_its_id);
	tcase_add_test(tc, test_time_defaults_parse_and_lie_within_bounds);
	tcase_add_test(tc, test_host_defaults_are_freebsd9);
	tcase_add_test(tc, test_lookup_and_did_you_mean);
	tcase_add_test(tc, test_text_lists_every_key_with_its_default);
	tcase_add_test(tc, test_committed_docs_equal_generated_markdown);
	tcase_add_test(tc, test_params_command_text_markdown_and_bad_argument);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(params_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
