/*
 * check_tunable.c -- the one table of host tunables (models/tunable.c):
 * every row complete and consistent with struct host_tunables, defaults
 * (HOST-1) stored where the row says, values kept in the kernel's unit,
 * boot validation from the bounds, and the run-time write path through a
 * host (HOST-2, HOST-3, TW-4) driven by the rows rather than by name.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/net.h"
#include "models/tunable.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

START_TEST(test_host1_every_row_is_complete)
{
	const struct tunable *t;
	size_t n, k, j;
	int i, s;

	t = tunable_table(&n);
	ck_assert_uint_ge(n, 12);
	for (k = 0; k < n; k++) {
		ck_assert_msg(t[k].key != NULL && t[k].meaning != NULL &&
		    t[k].unit != NULL, "row %zu", k);
		/* Some stack has it: a sysctl name for that stack. */
		for (s = 0; s < TUNABLE_NSTACKS; s++)
			if (tunable_has(&t[k], (enum tunable_stack)s))
				break;
		ck_assert_msg(s < TUNABLE_NSTACKS, "%s: no stack", t[k].key);
		ck_assert_msg(t[k].min <= t[k].max, "%s bounds", t[k].key);
		ck_assert_msg(t[k].size == sizeof(int) ||
		    t[k].size == sizeof(sim_time_t), "%s size", t[k].key);
		ck_assert_msg(strcmp(t[k].unit, t[k].type == TUNABLE_T_TIME ?
		    "s" : "") == 0, "%s unit", t[k].key);
		for (i = 0; i < tunable_nvalues(&t[k]); i++) {
			ck_assert_msg(t[k].off[i] + t[k].size <=
			    sizeof(struct host_tunables), "%s", t[k].key);
			if (tunable_nvalues(&t[k]) > 1)
				ck_assert_ptr_nonnull(t[k].names[i]);
			for (s = 0; s < TUNABLE_NSTACKS; s++)
				ck_assert_msg((double)t[k].def[s][i] >=
				    t[k].min && (double)t[k].def[s][i] <=
				    t[k].max, "%s default of stack %d",
				    t[k].key, s);
		}
		ck_assert_ptr_eq(tunable_lookup(t[k].key), &t[k]);
		for (j = 0; j < k; j++) {
			ck_assert_msg(strcmp(t[j].key, t[k].key) != 0,
			    "%s twice", t[k].key);
			/*
			 * One knob under each kernel's name (rfc1323,
			 * tcp_timestamps) may share a field; within a stack
			 * every row has its own.
			 */
			if (t[j].off[0] != t[k].off[0])
				continue;
			for (s = 0; s < TUNABLE_NSTACKS; s++)
				ck_assert_msg(!tunable_has(&t[j],
				    (enum tunable_stack)s) ||
				    !tunable_has(&t[k], (enum tunable_stack)s),
				    "%s and %s share a field in stack %d",
				    t[j].key, t[k].key, s);
		}
	}
	ck_assert_ptr_null(tunable_lookup("nosuch"));
}
END_TEST

START_TEST(test_host1_defaults_stored_where_the_row_says)
{
	struct host_tunables tun;
	const struct tunable *t;
	size_t n, k;
	int i;

	memset(&tun, 0xa5, sizeof(tun));
	host_tunables_init(&tun);
	t = tunable_table(&n);
	for (k = 0; k < n; k++)
		for (i = 0; i < tunable_nvalues(&t[k]); i++)
			ck_assert_msg(tunable_value(&tun, &t[k], i) ==
			    t[k].def[TUNABLE_STACK_FREEBSD9][i], "%s",
			    t[k].key);
	/* The struct the model reads, named field by field. */
	ck_assert_int_eq(tun.portrange_first, 10000);
	ck_assert_int_eq(tun.portrange_last, 65535);
	ck_assert(tun.keepinit == 75 * SIM_SEC);
	ck_assert_int_eq(host_tunables_validate(&tun, NULL, 0), 0);
}
END_TEST

START_TEST(test_host1_value_kept_in_the_kernels_unit)
{
	struct host_tunables tun;
	const struct tunable *t = tunable_lookup("randomtime");

	host_tunables_init(&tun);
	/* net.inet.ip.portrange.randomtime counts whole seconds. */
	tunable_store(&tun, t, 0, 1500 * SIM_MSEC);
	ck_assert_int_eq(tun.randomtime, 1);
	ck_assert(tunable_value(&tun, t, 0) == SIM_SEC);
	tunable_store(&tun, tunable_lookup("msl"), 0, 1500 * SIM_MSEC);
	ck_assert(tun.msl == 1500 * SIM_MSEC);
}
END_TEST

START_TEST(test_host1_validate_refuses_a_value_out_of_bounds)
{
	struct host_tunables tun;
	const struct tunable *t;
	char err[256];
	size_t n, k;
	int i;

	t = tunable_table(&n);
	for (k = 0; k < n; k++)
		for (i = 0; i < tunable_nvalues(&t[k]); i++) {
			if (t[k].min <= -1e18)
				continue;
			/* A host of a stack that has the row. */
			host_tunables_init_stack(&tun,
			    tunable_has(&t[k], TUNABLE_STACK_FREEBSD9) ?
			    TUNABLE_STACK_FREEBSD9 : TUNABLE_STACK_LINUX);
			tunable_store(&tun, &t[k], i, (int64_t)t[k].min -
			    (t[k].scale > 1 ? t[k].scale : 1));
			ck_assert_msg(host_tunables_validate(&tun, err,
			    sizeof(err)) == -1, "%s below min", t[k].key);
			ck_assert_msg(strstr(err, t[k].key) != NULL, "%s: %s",
			    t[k].key, err);
		}
	host_tunables_init(&tun);
	tun.hz = 300;			/* in bounds, but the row's check */
	ck_assert_int_eq(host_tunables_validate(&tun, err, sizeof(err)), -1);
	ck_assert(strstr(err, "must divide") != NULL);
}
END_TEST

#define FB9	TUNABLE_STACK_FREEBSD9
#define F14	TUNABLE_STACK_FREEBSD14
#define LNX	TUNABLE_STACK_LINUX

static const struct tunable *
lookup(const char *name, enum tunable_stack st, int *i)
{

	return (tunable_lookup_sysctl(name, st, i));
}

/* A sysctl's kernel name finds its row; its value's unit is the row's. */
/*
 * DP-14: every stack boots the data path with buffers and windows that
 * can carry data; FreeBSD 14 lacks initcwnd10 (initcwnd_segments gives the
 * same window); Linux has only sack among the data path's rows and runs
 * with its own values.
 */
START_TEST(test_dp14_data_path_defaults_per_stack)
{
	static const char *const lnx_lacks[] = { "delayed_ack",
	    "delacktime", "sendspace", "recvspace", "sendbuf_auto",
	    "sendbuf_inc", "sendbuf_max", "recvbuf_auto", "recvbuf_inc",
	    "recvbuf_max", "maxsockbuf", "rfc3390", "initcwnd10", "rfc3465",
	    "abc_l_var", "rfc3042" };
	struct host_tunables t;
	size_t k;
	int s;

	for (s = 0; s < TUNABLE_NSTACKS; s++) {
		host_tunables_init_stack(&t, (enum tunable_stack)s);
		ck_assert_int_gt(t.sendspace, 0);
		ck_assert_int_gt(t.recvspace, 0);
		ck_assert_int_ge(t.sendbuf_max, t.sendspace);
		ck_assert_int_ge(t.recvbuf_max, t.recvspace);
		ck_assert_int_ge(t.maxsockbuf, t.recvspace);
		ck_assert_int_gt(t.sendbuf_inc, 0);
		ck_assert_int_gt(t.recvbuf_inc, 0);
		ck_assert_int_gt(t.abc_l_var, 0);
		ck_assert_int_gt(t.delacktime, 0);
		ck_assert_int_eq(t.initcwnd10, 1);
		ck_assert_int_eq(t.sack, 1);
	}
	ck_assert(tunable_has(tunable_lookup("initcwnd10"), F14) == 0);
	ck_assert(tunable_has(tunable_lookup("delacktime"), F14));
	/* F14-5: TCPTV_DELACK went from hz / 10 to hz / 25 in 13.0. */
	host_tunables_init_stack(&t, F14);
	ck_assert_int_eq(t.delacktime, 40 * SIM_MSEC);
	host_tunables_init_stack(&t, TUNABLE_STACK_FREEBSD9);
	ck_assert_int_eq(t.delacktime, 100 * SIM_MSEC);
	host_tunables_init_stack(&t, LNX);
	ck_assert_int_eq(t.delacktime, 40 * SIM_MSEC);
	ck_assert_int_eq(t.sendspace, 16384);
	ck_assert_int_eq(t.recvspace, 131072);
	ck_assert_int_eq(t.recvbuf_max, 6291456);
	ck_assert(tunable_has(tunable_lookup("sack"), LNX));
	for (k = 0; k < sizeof(lnx_lacks) / sizeof(lnx_lacks[0]); k++)
		ck_assert_msg(!tunable_has(tunable_lookup(lnx_lacks[k]), LNX),
		    "linux has %s", lnx_lacks[k]);
}
END_TEST

START_TEST(test_tunable_lookup_by_sysctl_name)
{
	const struct tunable *t;
	int i = -1;

	t = lookup("net.inet.tcp.msl", FB9, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->key, "msl");
	ck_assert_int_eq(i, 0);
	/* net.inet.tcp.msl counts milliseconds (sysctl_msec_to_ticks). */
	ck_assert_int_eq(tunable_sysctl_unit(t), SIM_MSEC);
	t = lookup("net.inet.ip.portrange.first", FB9, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->key, "portrange");
	ck_assert_int_eq(i, 0);
	t = lookup("net.inet.ip.portrange.last", FB9, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(i, 1);
	ck_assert_int_eq(tunable_sysctl_unit(t), 1);
	t = lookup("net.inet.ip.portrange.randomtime", FB9, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tunable_sysctl_unit(t), SIM_SEC);
	t = lookup("net.inet.tcp.keepinit", FB9, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tunable_sysctl_unit(t), SIM_MSEC);
	/* Not sysctls, or not ours. */
	ck_assert_ptr_null(lookup("TCPTV_RTOBASE", FB9, &i));
	ck_assert_ptr_null(lookup("msl", FB9, &i));
	ck_assert_ptr_null(lookup("net.inet.ip.portrange.", FB9, &i));
	ck_assert_ptr_null(lookup("net.inet.tcp.ecn.enable", FB9, &i));
	/* SACK-1: one row, under each kernel's own name. */
	t = lookup("net.inet.tcp.sack.enable", FB9, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->key, "sack");
	ck_assert_ptr_eq(lookup("net.inet.tcp.sack.enable", F14, &i), t);
	ck_assert_ptr_eq(lookup("net.ipv4.tcp_sack", LNX, &i), t);
	ck_assert_ptr_null(lookup("net.inet.tcp.sack.enable", LNX, &i));
	/* Per stack: Linux's names on Linux only, in their own units. */
	t = lookup("net.ipv4.tcp_fin_timeout", LNX, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tunable_sysctl_unit(t), SIM_SEC);
	t = lookup("net.ipv4.tcp_tw_reuse_delay", LNX, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tunable_sysctl_unit(t), SIM_MSEC);
	ck_assert_ptr_null(lookup("net.ipv4.tcp_rfc1337", FB9, &i));
	ck_assert_ptr_null(lookup("net.inet.tcp.msl", LNX, &i));
	/* FreeBSD 14 keeps net.inet.tcp.msl, in milliseconds. */
	t = lookup("net.inet.tcp.msl", F14, &i);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tunable_sysctl_unit(t), SIM_MSEC);
}
END_TEST

START_TEST(test_host2_runtime_writes_follow_the_rows)
{
	struct sim *sim;
	struct net *net;
	struct host *h, *hs[TUNABLE_NSTACKS];
	struct host_tunables boot;
	const struct tunable *t;
	char err[256], name[16];
	size_t n, k;
	int64_t v;
	int s;

	fx_world_create(3, &sim, &net);
	for (s = 0; s < TUNABLE_NSTACKS; s++) {
		host_tunables_init_stack(&boot, (enum tunable_stack)s);
		snprintf(name, sizeof(name), "h%d", s);
		hs[s] = fx_host(net, name, &boot, FX_ADDR(10, 0, 0, 1 + s));
	}
	h = hs[TUNABLE_STACK_FREEBSD9];
	t = tunable_table(&n);
	for (k = 0; k < n; k++) {
		/* A write goes to a host whose stack has the row ... */
		for (s = 0; s < TUNABLE_NSTACKS; s++)
			if (tunable_has(&t[k], (enum tunable_stack)s))
				break;
		h = hs[s];
		/* ... and a host whose stack lacks it refuses it. */
		for (s = 0; s < TUNABLE_NSTACKS; s++)
			if (!tunable_has(&t[k], (enum tunable_stack)s)) {
				ck_assert_int_eq(host_tunable_set(hs[s], &t[k],
				    0, t[k].def[s][0], err, sizeof(err)), -1);
				ck_assert_msg(strstr(err, "not a tunable of") !=
				    NULL, "%s: %s", t[k].key, err);
			}
		if (!(t[k].flags & TUNABLE_F_RUNTIME)) {
			/* HOST-2: hz is a boot-time tunable. */
			ck_assert_int_eq(host_tunable_set(h, &t[k], 0,
			    t[k].def[0][0], err, sizeof(err)), -1);
			ck_assert(strstr(err, "boot-time") != NULL);
			continue;
		}
		if (t[k].set != NULL)
			continue;	/* hooks: check_host, check_timewait */
		/* A plain row: the bounds, then the value as written. */
		v = (int64_t)t[k].max;
		ck_assert_msg(host_tunable_set(h, &t[k], 0, v, err,
		    sizeof(err)) == 0, "%s: %s", t[k].key, err);
		ck_assert_msg(host_tunable_get(h, &t[k], 0) == v, "%s",
		    t[k].key);
		ck_assert_int_eq(host_tunable_set(h, &t[k], 0, v + (t[k].scale
		    > 1 ? t[k].scale : 1), err, sizeof(err)), -1);
		ck_assert_msg(host_tunable_get(h, &t[k], 0) == v, "%s",
		    t[k].key);
	}
	/* TW-4 through the row's hook: below 32 is ignored, not an error. */
	h = hs[TUNABLE_STACK_FREEBSD9];
	t = tunable_lookup("maxtcptw");
	ck_assert_int_eq(host_tunable_set(h, t, 0, 31, err, sizeof(err)), 0);
	ck_assert_int_eq(h->tun.maxtcptw, 0);
	fx_world_destroy(&sim, &net);
}
END_TEST

static Suite *
tunable_suite(void)
{
	Suite *s = suite_create("tunable");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_host1_every_row_is_complete);
	tcase_add_test(tc, test_host1_defaults_stored_where_the_row_says);
	tcase_add_test(tc, test_host1_value_kept_in_the_kernels_unit);
	tcase_add_test(tc, test_host1_validate_refuses_a_value_out_of_bounds);
	tcase_add_test(tc, test_host2_runtime_writes_follow_the_rows);
	tcase_add_test(tc, test_tunable_lookup_by_sysctl_name);
	tcase_add_test(tc, test_dp14_data_path_defaults_per_stack);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(tunable_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
