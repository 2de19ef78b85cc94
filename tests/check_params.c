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
	const struct param *p, *q, *l;
	struct param pb, qb, lb;
	size_t n, i, j, ntun = 0;

	n = params_count();
	for (i = 0; i < n; i++) {
		p = params_at(i, &pb);
		ck_assert_msg(p->key != NULL, "entry %zu has no key", i);
		if (p->tun != NULL) {
			/* A host tunable: a row of models/tunable.c. */
			ck_assert_ptr_eq(p, &pb);
			ck_assert_int_eq(p->id, P_TUNABLE);
			ck_assert_int_eq(p->section, PARAM_SEC_HOST);
			ntun++;
		} else {
			ck_assert_int_eq(p->id, (int)(i - ntun));
			ck_assert_ptr_eq(params_by_id(p->id), p);
		}
		ck_assert_msg(p->meaning != NULL && p->meaning[0],
		    "%s has no meaning", p->key);
		/* A default, or marked required / computed: never both. */
		if (p->flags & (PARAM_F_REQUIRED | PARAM_F_COMPUTED))
			ck_assert_msg(params_default(p) == NULL, "%s", p->key);
		else
			ck_assert_msg(params_default(p) != NULL,
			    "%s has no default", p->key);
		l = params_lookup(p->section, p->key, &lb);
		ck_assert_ptr_nonnull(l);
		if (p->tun != NULL)
			ck_assert_ptr_eq(l->tun, p->tun);
		else
			ck_assert_ptr_eq(l, p);
		for (j = 0; j < i; j++) {
			q = params_at(j, &qb);
			ck_assert_msg(q->section != p->section ||
			    strcmp(q->key, p->key) != 0, "%s twice", p->key);
		}
	}
	ck_assert_uint_eq(n, P_NPARAMS + ntun);
	ck_assert_uint_gt(ntun, 10);
}
END_TEST

START_TEST(test_time_defaults_parse_and_lie_within_bounds)
{
	const struct param *p;
	struct param pb;
	size_t i;
	sim_time_t v;
	char err[256];

	for (i = 0; i < params_count(); i++) {
		p = params_at(i, &pb);
		if (p->type != PARAM_T_TIME || params_default(p) == NULL)
			continue;
		ck_assert_msg(units_parse_time(params_default(p), &v, err,
		    sizeof(err)) == 0, "%s: %s", p->key, err);
		ck_assert_msg((double)v >= p->min && (double)v <= p->max,
		    "%s default out of bounds", p->key);
	}
}
END_TEST

static const char *
def(const char *key)
{
	static struct param pb;		/* the test's own, one at a time */
	const struct param *p = params_lookup(PARAM_SEC_HOST, key, &pb);

	ck_assert_msg(p != NULL, "no host key %s", key);
	return params_default(p);
}

START_TEST(test_host_defaults_are_freebsd9)
{
	struct param pb;

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
	ck_assert_str_eq(params_lookup(PARAM_SEC_HOST, "maxtcptw", &pb)->sysctl,
	    "net.inet.tcp.maxtcptw");
}
END_TEST

START_TEST(test_lookup_and_did_you_mean)
{
	struct param pb;
	char buf[512];

	ck_assert_ptr_null(params_lookup(PARAM_SEC_HOST, "maxtcpwt", &pb));
	ck_assert_ptr_null(params_lookup(PARAM_SEC_RUN, "maxtcptw", &pb));
	ck_assert_str_eq(params_suggest(PARAM_SEC_HOST, "maxtcpwt"),
	    "maxtcptw");
	ck_assert_str_eq(params_suggest(PARAM_SEC_RUN, "duraton"),
	    "duration");
	ck_assert_str_eq(params_suggest(PARAM_SEC_WORKLOAD, "respons"),
	    "response");
	ck_assert_ptr_null(params_suggest(PARAM_SEC_HOST, "zzzzzzzz"));
	/* [at] keys are host tunables; address is not one. */
	ck_assert_ptr_nonnull(params_lookup(PARAM_SEC_AT, "maxtcptw", &pb));
	params_list_keys(PARAM_SEC_AT, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "address"));
	ck_assert_ptr_nonnull(strstr(buf, "maxtcptw"));
	/* hz is a boot-time tunable: the table says it cannot change. */
	ck_assert(strncmp(buf, "msl, ", 5) == 0);
	params_list_keys(PARAM_SEC_HOST, buf, sizeof(buf));
	ck_assert(strncmp(buf, "address, listen, stack, hz", 26) == 0);
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
	const struct param *p;
	struct param pb;
	size_t i, len;
	char *out, line[128];

	out = render(params_write_text, &len);
	for (i = 0; i < params_count(); i++) {
		p = params_at(i, &pb);
		snprintf(line, sizeof(line), " %s ", p->key);
		/* FreeBSD 9's view: the Linux tunables are not its keys. */
		if (p->tun != NULL &&
		    !tunable_has(p->tun, TUNABLE_STACK_FREEBSD9)) {
			ck_assert_msg(strstr(out, line) == NULL, "%s listed",
			    p->key);
			continue;
		}
		ck_assert_msg(strstr(out, line) != NULL, "%s missing", p->key);
		if (params_default(p) != NULL && params_default(p)[0])
			ck_assert_msg(strstr(out, params_default(p)) != NULL,
			    "default of %s missing", p->key);
	}
	free(out);
}
END_TEST

/* twsim params --stack linux: Linux's keys, defaults and sysctl names. */
static int
write_linux(FILE *f)
{

	return params_write_text_stack(f, TUNABLE_STACK_LINUX);
}

START_TEST(test_lnx21_params_stack_linux_lists_linux_defaults)
{
	size_t len;
	char *out;

	out = render(write_linux, &len);
	ck_assert_ptr_nonnull(strstr(out, " tcp_tw_reuse "));
	ck_assert_ptr_nonnull(strstr(out, "net.ipv4.tcp_tw_reuse)"));
	ck_assert_ptr_nonnull(strstr(out, " 32768-60999 "));
	ck_assert_ptr_nonnull(strstr(out, "net.ipv4.ip_local_port_range"));
	ck_assert_ptr_nonnull(strstr(out, " 131072 "));
	ck_assert_ptr_null(strstr(out, " maxtcptw "));
	ck_assert_ptr_null(strstr(out, " msl "));
	ck_assert_ptr_null(strstr(out, " 10000-65535 "));
	free(out);
}
END_TEST

/* The committed file REL (under $srcdir) is exactly gen[0..glen). */
static void
assert_committed(const char *rel, const char *gen, size_t glen,
    const char *how)
{
	const char *srcdir = getenv("srcdir");
	char path[1024], *doc;
	size_t dlen;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", srcdir != NULL ? srcdir : ".",
	    rel);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	doc = malloc(glen + 2);
	ck_assert_ptr_nonnull(doc);
	dlen = fread(doc, 1, glen + 1, f);
	fclose(f);
	ck_assert_msg(dlen == glen && memcmp(doc, gen, glen) == 0,
	    "%s differs from `%s`: regenerate it", path, how);
	free(doc);
}

START_TEST(test_committed_docs_equal_generated_markdown)
{
	char *gen;
	size_t glen;

	gen = render(params_write_markdown, &glen);
	ck_assert_ptr_nonnull(strstr(gen, "| `[host NAME]` | `maxtcptw` |"));
	assert_committed("docs/scenario-keys.md", gen, glen,
	    "twsim params --markdown");
	free(gen);
}
END_TEST

/*
 * The manual page twsim-scenario(5) is generated from the same table:
 * every key is in it, and the committed docs/twsim-scenario.5 is what
 * `twsim params --man` prints (what `make install` installs).
 */
START_TEST(test_committed_man_page_equals_generated)
{
	const struct param *p;
	struct param pb;
	char *gen, key[128];
	size_t glen, i;

	gen = render(params_write_man, &glen);
	for (i = 0; i < params_count(); i++) {
		p = params_at(i, &pb);
		snprintf(key, sizeof(key), "\n.TP\n.B %s\n", p->key);
		ck_assert_msg(strstr(gen, key) != NULL, "%s missing", p->key);
	}
	ck_assert_ptr_nonnull(strstr(gen, ".TH TWSIM\\-SCENARIO 5"));
	assert_committed("docs/twsim-scenario.5", gen, glen,
	    "twsim params --man");
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
	tcase_add_test(tc, test_lnx21_params_stack_linux_lists_linux_defaults);
	tcase_add_test(tc, test_committed_docs_equal_generated_markdown);
	tcase_add_test(tc, test_committed_man_page_equals_generated);
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
