/*
 * check_net.c -- the network (NET-n in docs/RULES.md): host and address
 * registry, default and configured paths, latency, loss, duplication,
 * unrouted segments, the deliver hook and the in-flight pool.
 *
 * tcp_input() is a test double recording each arrival and its time
 * (tests/tcp_input_double.c).
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/net.h"
#include "models/tcp_var.h"
#include "sim/dist.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define A1	FX_ADDR(10, 0, 0, 1)
#define A1B	FX_ADDR(10, 0, 0, 3)
#define A2	FX_ADDR(10, 0, 0, 2)

static int nhook;

static struct sim *sim;
static struct net *net;
static struct host *h1, *h2;

static void
setup(void)
{

	fx_rec_reset();
	nhook = 0;
	fx_world_create(5, &sim, &net);
	h1 = fx_host(net, "h1", NULL, A1);
	fx_addr(net, h1, A1B);
	h2 = fx_host(net, "h2", NULL, A2);
}

static void
teardown(void)
{

	fx_world_destroy(&sim, &net);
}

static void
xmit_flow(struct host *from, uint32_t saddr, uint32_t daddr, uint16_t sport,
    uint32_t seq)
{
	struct tcp_segment s;

	memset(&s, 0, sizeof(s));
	s.saddr = saddr;
	s.daddr = daddr;
	s.sport = sport;
	s.dport = 2;
	s.seq = seq;
	net_output(net, from, &s);
}

static void
xmit(struct host *from, uint32_t saddr, uint32_t daddr, uint32_t seq)
{

	xmit_flow(from, saddr, daddr, 1, seq);
}

static struct net_path_config
path_const(sim_time_t lat)
{
	struct net_path_config c;

	memset(&c, 0, sizeof(c));
	c.latency.kind = DIST_CONSTANT;
	c.latency.p[0] = (double)lat;
	c.duplicate_delay.kind = DIST_CONSTANT;
	return (c);
}

START_TEST(test_net1_default_latencies)
{
	xmit(h1, A1, A2, 1);
	xmit(h1, A1, A1B, 2);		/* to itself: loopback */
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), 2);
	ck_assert_ptr_eq(fx_rec(0)->h, h1);
	ck_assert_int_eq(fx_rec(0)->t, 10 * SIM_USEC);
	ck_assert_ptr_eq(fx_rec(1)->h, h2);
	ck_assert_int_eq(fx_rec(1)->t, SIM_MSEC);
	ck_assert_int_eq(net_stats(net)->delivered, 2);
}
END_TEST

START_TEST(test_net2_constant_latency_respected)
{
	struct net_path_config c = path_const(7 * SIM_MSEC);
	char err[256];
	int i;

	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), 0);
	for (i = 0; i < 10; i++) {
		sim_run(sim, i * SIM_MSEC, 0);
		xmit(h1, A1, A2, (uint32_t)i);
	}
	/* The reverse path is still the default. */
	xmit(h2, A2, A1, 100);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), 11);
	for (i = 0; i < 11; i++) {
		/* h2 -> h1: default 1 ms */
		if (fx_rec(i)->seg.seq == 100) {
			ck_assert_ptr_eq(fx_rec(i)->h, h1);
			ck_assert_int_eq(fx_rec(i)->t, 10 * SIM_MSEC);
			continue;
		}
		ck_assert_ptr_eq(fx_rec(i)->h, h2);
		ck_assert_int_eq(fx_rec(i)->t, fx_rec(i)->seg.seq * SIM_MSEC +
		    7 * SIM_MSEC);
	}
}
END_TEST

START_TEST(test_net2_uniform_latency_within_bounds)
{
	struct net_path_config c = path_const(0);
	char err[256];
	double sum = 0;
	int i, n = 2000;

	c.latency.kind = DIST_UNIFORM;
	c.latency.p[0] = (double)SIM_MSEC;
	c.latency.p[1] = (double)(3 * SIM_MSEC);
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), 0);
	/* One segment every 10 ms: far enough apart that NET-7 never delays
	 * one behind its predecessor, so each arrival shows its own draw. */
	for (i = 0; i < n; i++) {
		xmit(h1, A1, A2, (uint32_t)i);
		sim_run(sim, (sim_time_t)(i + 1) * 10 * SIM_MSEC, 0);
	}
	ck_assert_int_eq(fx_nrec(), n);
	for (i = 0; i < n; i++) {
		sim_time_t lat = fx_rec(i)->t - (sim_time_t)i * 10 * SIM_MSEC;

		ck_assert_int_ge(lat, SIM_MSEC);
		ck_assert_int_le(lat, 3 * SIM_MSEC);
		sum += (double)lat;
	}
	ck_assert(fabs(sum / n - 2e6) < 0.05e6);
}
END_TEST

START_TEST(test_net7_flow_does_not_reorder)
{
	struct net_path_config c = path_const(0);
	char err[256];
	int i, n = 500, later = 0;

	c.latency.kind = DIST_UNIFORM;
	c.latency.p[0] = (double)SIM_MSEC;
	c.latency.p[1] = (double)(30 * SIM_MSEC);
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), 0);
	/* A burst sent at one instant with widely varying latency. */
	for (i = 0; i < n; i++)
		xmit(h1, A1, A2, (uint32_t)i);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), n);
	for (i = 0; i < n; i++) {
		/* In order. */
		ck_assert_uint_eq(fx_rec(i)->seg.seq, (uint32_t)i);
		ck_assert_int_le(fx_rec(i)->t, 30 * SIM_MSEC);
		if (i > 0) {
			ck_assert_int_ge(fx_rec(i)->t, fx_rec(i - 1)->t);
			if (fx_rec(i)->t > fx_rec(i - 1)->t)
				later++;
		}
	}
	/* The order is kept by holding segments back, not by accident. */
	ck_assert_int_gt(later, 0);
}
END_TEST

/*
 * NET-7: order is per flow.  A burst of segments of different flows sent
 * at one instant arrives in the order of its own latency draws: no flow
 * waits behind another, so latency does not grow with load.
 */
START_TEST(test_net7_flows_do_not_wait_for_each_other)
{
	struct net_path_config c = path_const(0);
	char err[256];
	int i, n = 500, earlier = 0;

	c.latency.kind = DIST_UNIFORM;
	c.latency.p[0] = (double)SIM_MSEC;
	c.latency.p[1] = (double)(30 * SIM_MSEC);
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), 0);
	for (i = 0; i < n; i++)
		xmit_flow(h1, A1, A2, (uint16_t)(1000 + i), (uint32_t)i);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), n);
	/* Arrival order differs from sending order about half the time. */
	for (i = 1; i < n; i++)
		if (fx_rec(i)->seg.seq < fx_rec(i - 1)->seg.seq)
			earlier++;
	ck_assert_int_gt(earlier, n / 4);
	/* The mean latency is the distribution's, 15.5 ms, not more. */
	{
		double sum = 0;

		for (i = 0; i < n; i++)
			sum += (double)fx_rec(i)->t;
		ck_assert(fabs(sum / n - 15.5e6) < 1.5e6);
	}
}
END_TEST

/*
 * NET-7 with NET-5: a duplicate never arrives before its original, even
 * when the original was held back behind its flow's predecessor.
 */
START_TEST(test_net7_duplicate_never_before_original)
{
	struct net_path_config c = path_const(0);
	char err[256];
	int i, n = 200, seen[200], next = 0;

	c.latency.kind = DIST_UNIFORM;
	c.latency.p[0] = (double)SIM_MSEC;
	c.latency.p[1] = (double)(30 * SIM_MSEC);
	c.duplicate = 1.0;
	c.duplicate_delay.kind = DIST_CONSTANT;
	c.duplicate_delay.p[0] = 0;
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), 0);
	for (i = 0; i < n; i++)
		xmit(h1, A1, A2, (uint32_t)i);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), 2 * n);
	/*
	 * The originals keep their order (NET-7), so the first copy of each
	 * seq to arrive comes in seq order; a duplicate that overtook its
	 * held-back original would show up ahead of earlier seqs.
	 */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 2 * n; i++) {
		uint32_t q = fx_rec(i)->seg.seq;

		if (seen[q]++ == 0)
			ck_assert_int_eq(q, next++);
	}
	ck_assert_int_eq(next, n);
}
END_TEST

START_TEST(test_net2_loss_one_drops_all)
{
	struct net_path_config c = path_const(SIM_MSEC);
	char err[256];
	int i;

	c.loss = 1.0;
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), 0);
	for (i = 0; i < 100; i++)
		xmit(h1, A1, A2, (uint32_t)i);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), 0);
	ck_assert_int_eq(net_stats(net)->lost, 100);
	ck_assert_int_eq(net_stats(net)->delivered, 0);
}
END_TEST

START_TEST(test_net2_half_loss_drops_about_half)
{
	struct net_path_config c = path_const(SIM_MSEC);
	char err[256];
	int i;

	c.loss = 0.5;
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), 0);
	for (i = 0; i < 2000; i++)
		xmit(h1, A1, A2, (uint32_t)i);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_gt(fx_nrec(), 850);
	ck_assert_int_lt(fx_nrec(), 1150);
	ck_assert_int_eq(net_stats(net)->lost + net_stats(net)->delivered,
	    2000);
}
END_TEST

START_TEST(test_net5_duplicate_one_delivers_twice_later)
{
	struct net_path_config c = path_const(2 * SIM_MSEC);
	char err[256];

	c.duplicate = 1.0;
	c.duplicate_delay.p[0] = (double)(500 * SIM_MSEC);
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), 0);
	xmit(h1, A1, A2, 42);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), 2);
	ck_assert_int_eq(fx_rec(0)->t, 2 * SIM_MSEC);
	ck_assert_int_eq(fx_rec(1)->t, 502 * SIM_MSEC);
	ck_assert_int_eq(fx_rec(0)->seg.seq, 42);
	ck_assert_int_eq(fx_rec(1)->seg.seq, 42);
	ck_assert_int_eq(net_stats(net)->duplicated, 1);
	ck_assert_int_eq(net_stats(net)->delivered, 2);
}
END_TEST

START_TEST(test_net3_unowned_address_counted_no_route)
{
	xmit(h1, A1, FX_ADDR(192, 168, 1, 1), 1);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), 0);
	ck_assert_int_eq(net_stats(net)->no_route, 1);
	ck_assert_int_eq(net_inflight(net), 0);
}
END_TEST

START_TEST(test_net4_duplicate_address_refused)
{
	char err[256];
	struct host *h3;

	ck_assert_int_eq(net_add_addr(net, h2, A1, err, sizeof(err)), -1);
	ck_assert(strstr(err, "h1") != NULL);
	ck_assert_int_eq(net_add_addr(net, h1, A1, err, sizeof(err)), -1);
	ck_assert_int_eq(net_add_addr(net, h2, 0, err, sizeof(err)), -1);
	ck_assert_ptr_eq(net_host_by_addr(net, A1), h1);
	ck_assert_int_eq(h2->naddrs, 1);
	/* Duplicate host names too. */
	ck_assert_ptr_null(net_add_host(net, "h1", NULL, err, sizeof(err)));
	h3 = net_add_host(net, "h3", NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(h3);
	ck_assert_ptr_eq(net_host_by_name(net, "h3"), h3);
	ck_assert_ptr_eq(net_host(net, 2), h3);
	ck_assert_int_eq(net_nhosts(net), 3);
}
END_TEST

START_TEST(test_net4_many_addresses_lookup)
{
	char err[256];
	struct host *h;
	int i;

	h = net_add_host(net, "", NULL, err, sizeof(err));
	ck_assert_ptr_null(h);			/* empty name refused */
	h = net_add_host(net, "a/b", NULL, err, sizeof(err));
	ck_assert_ptr_null(h);			/* '/' would break stream names */
	for (i = 0; i < HOST_MAXADDRS - 1; i++)
		ck_assert_int_eq(net_add_addr(net, h2,
		    FX_ADDR(10, 1, 1 + i / 200, i % 200 + 1),
		    err, sizeof(err)), 0);
	ck_assert_int_eq(net_add_addr(net, h2, FX_ADDR(10, 1, 0, 99), err,
	    sizeof(err)), -1);		/* HOST_MAXADDRS */
	for (i = 0; i < HOST_MAXADDRS - 1; i++)
		ck_assert_ptr_eq(net_host_by_addr(net,
		    FX_ADDR(10, 1, 1 + i / 200, i % 200 + 1)), h2);
	ck_assert_ptr_null(net_host_by_addr(net, FX_ADDR(10, 1, 0, 99)));
}
END_TEST

START_TEST(test_net2_invalid_path_refused)
{
	struct net_path_config c = path_const(SIM_MSEC);
	char err[256];

	c.loss = 1.5;
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), -1);
	c = path_const(SIM_MSEC);
	c.latency.kind = DIST_UNIFORM;
	c.latency.p[0] = 5;
	c.latency.p[1] = 1;
	ck_assert_int_eq(net_set_path(net, h1, h2, &c, err, sizeof(err)), -1);
}
END_TEST

static void
hook(void *arg, struct host *h, const struct tcp_segment *seg)
{

	ck_assert_ptr_eq(arg, &nhook);
	ck_assert_ptr_eq(h, h2);
	ck_assert_int_eq(seg->seq, 9);
	nhook++;
}

START_TEST(test_net6_deliver_hook_replaces_tcp_input)
{
	net_set_deliver_hook(net, hook, &nhook);
	xmit(h1, A1, A2, 9);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(nhook, 1);
	ck_assert_int_eq(fx_nrec(), 0);
	net_set_deliver_hook(net, NULL, NULL);
	xmit(h1, A1, A2, 9);
	sim_run(sim, 2 * SIM_SEC, 0);
	ck_assert_int_eq(nhook, 1);
	ck_assert_int_eq(fx_nrec(), 1);
}
END_TEST

START_TEST(test_net6_inflight_records_are_pooled)
{
	int i, round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 300; i++)
			xmit(h1, A1, A2, (uint32_t)i);
		ck_assert_int_eq(net_inflight(net), 300);
		sim_run(sim, (round + 1) * SIM_SEC, 0);
		ck_assert_int_eq(net_inflight(net), 0);
	}
	ck_assert_int_eq(fx_nrec(), 900);
}
END_TEST

/*
 * NET-2: a path is found whatever the order of the set-up: configured
 * before a host is added, on a host added after segments already flowed,
 * and reconfigured (net.c keeps the paths in a matrix rebuilt when the
 * host count changes).
 */
START_TEST(test_net2_paths_found_across_host_additions)
{
	struct net_path_config c7 = path_const(7 * SIM_MSEC);
	struct net_path_config c5 = path_const(5 * SIM_MSEC);
	struct host *h3;
	char err[256];

	ck_assert_int_eq(net_set_path(net, h1, h2, &c7, err, sizeof(err)), 0);
	xmit(h1, A1, A2, 1);			/* 7 ms */
	sim_run(sim, 100 * SIM_MSEC, 0);
	h3 = fx_host(net, "h3", NULL, FX_ADDR(10, 0, 0, 9));
	xmit(h1, A1, A2, 2);			/* still 7 ms */
	xmit(h3, FX_ADDR(10, 0, 0, 9), A1, 3);	/* default 1 ms */
	sim_run(sim, 200 * SIM_MSEC, 0);
	ck_assert_int_eq(net_set_path(net, h3, h1, &c5, err, sizeof(err)), 0);
	ck_assert_int_eq(net_set_path(net, h1, h2, &c5, err, sizeof(err)), 0);
	xmit(h3, FX_ADDR(10, 0, 0, 9), A1, 4);	/* 5 ms */
	xmit(h1, A1, A2, 5);			/* reconfigured: 5 ms */
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(fx_nrec(), 5);
	ck_assert_int_eq(fx_rec(0)->t, 7 * SIM_MSEC);
	ck_assert_int_eq(fx_rec(1)->t, 101 * SIM_MSEC);
	ck_assert_uint_eq(fx_rec(1)->seg.seq, 3);
	ck_assert_int_eq(fx_rec(2)->t, 107 * SIM_MSEC);
	ck_assert_uint_eq(fx_rec(2)->seg.seq, 2);
	ck_assert_int_eq(fx_rec(3)->t, 205 * SIM_MSEC);
	ck_assert_int_eq(fx_rec(4)->t, 205 * SIM_MSEC);
	ck_assert_uint_eq(fx_rec(3)->seg.seq, 4);
	ck_assert_uint_eq(fx_rec(4)->seg.seq, 5);
}
END_TEST

START_TEST(test_net_conn_ids_increase)
{
	uint64_t a = net_new_conn_id(net), b = net_new_conn_id(net);

	ck_assert(a != 0);
	ck_assert(b > a);
}
END_TEST

static Suite *
net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("net");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_net1_default_latencies);
	tcase_add_test(tc, test_net2_constant_latency_respected);
	tcase_add_test(tc, test_net2_uniform_latency_within_bounds);
	tcase_add_test(tc, test_net7_flow_does_not_reorder);
	tcase_add_test(tc, test_net7_flows_do_not_wait_for_each_other);
	tcase_add_test(tc, test_net7_duplicate_never_before_original);
	tcase_add_test(tc, test_net2_loss_one_drops_all);
	tcase_add_test(tc, test_net2_half_loss_drops_about_half);
	tcase_add_test(tc, test_net5_duplicate_one_delivers_twice_later);
	tcase_add_test(tc, test_net3_unowned_address_counted_no_route);
	tcase_add_test(tc, test_net4_duplicate_address_refused);
	tcase_add_test(tc, test_net4_many_addresses_lookup);
	tcase_add_test(tc, test_net2_invalid_path_refused);
	tcase_add_test(tc, test_net6_deliver_hook_replaces_tcp_input);
	tcase_add_test(tc, test_net6_inflight_records_are_pooled);
	tcase_add_test(tc, test_net_conn_ids_increase);
	tcase_add_test(tc, test_net2_paths_found_across_host_additions);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
