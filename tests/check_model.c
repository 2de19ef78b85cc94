/*
 * check_model.c -- the whole TCP model under random load: several clients,
 * lossy and duplicating paths, small port ranges and small TIME_WAIT zones
 * so that port exhaustion, recycling and old duplicates all happen.
 *
 * After EVERY event host_check() must hold on every host (pcb and port
 * accounting, zone use == queue length <= cap, every TIME_WAIT pcb holds
 * its port).  Once the workloads stop and every timer has had time to run
 * out, nothing may be left: no pcb, tcpcb, TIME_WAIT entry or in-flight
 * segment (leaks are bugs of the state machine: a connection that can
 * never close).  The hazard tests (HAZ-n) show that early recycling lets
 * old duplicates into new incarnations, and that full TIME_WAIT stops it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "models/workload.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define NCLIENTS	3
#define MAXWL		8

static struct sim *sim;
static struct net *net;
static struct host *server, *clients[NCLIENTS];
static struct workload *wls[MAXWL];
static int nwl;
static uint64_t nrecords, outcomes[CONN_NOUTCOMES];

static void
record(void *ctx, const struct conn_record *r)
{

	(void)ctx;
	nrecords++;
	outcomes[r->outcome]++;
	ck_assert_int_ge(r->t_end, r->t_start);
	if (r->outcome == CONN_OK)
		ck_assert_int_ge(r->t_established, r->t_start);
}

static void
path(struct host *a, struct host *b, double loss, double dup,
    sim_time_t dup_lo, sim_time_t dup_hi)
{
	struct net_path_config pc;
	char err[256];

	memset(&pc, 0, sizeof(pc));
	pc.latency.kind = DIST_UNIFORM;
	pc.latency.p[0] = SIM_MSEC;
	pc.latency.p[1] = 5 * SIM_MSEC;
	pc.loss = loss;
	pc.duplicate = dup;
	pc.duplicate_delay.kind = DIST_UNIFORM;
	pc.duplicate_delay.p[0] = dup_lo;
	pc.duplicate_delay.p[1] = dup_hi;
	ck_assert_msg(net_set_path(net, a, b, &pc, err, sizeof(err)) == 0,
	    "%s", err);
}

static void
add_workload(const char *name, struct host *c, uint16_t port,
    enum workload_closer by, double rate, uint16_t sport, uint32_t resp,
    sim_time_t stop)
{
	struct workload_config wc;
	char err[256];

	memset(&wc, 0, sizeof(wc));
	wc.name = name;
	wc.client = c;
	wc.server = server;
	wc.server_port = port;
	wc.arrival = WORKLOAD_POISSON;
	wc.nsteps = 1;
	wc.steps[0].rate = rate;
	wc.request = 300;
	wc.response = resp;
	wc.hold = 0;
	wc.close_by = by;
	wc.sport = sport;
	wc.stop = stop;
	ck_assert_int_lt(nwl, MAXWL);
	wls[nwl] = workload_create(net, &wc, record, NULL, err, sizeof(err));
	ck_assert_msg(wls[nwl] != NULL, "%s", err);
	nwl++;
}

static void
world(uint64_t seed, int client_maxtcptw, int first, int last)
{
	struct host_tunables t;
	char name[32];
	int i;

	nwl = 0;
	nrecords = 0;
	memset(outcomes, 0, sizeof(outcomes));
	fx_world_create(seed, &sim, &net);
	host_tunables_init(&t);
	t.msl = 2 * SIM_SEC;
	t.maxtcptw = 16;
	/* Small hash tables: host_check walks them after every event. */
	t.maxsockets = 512;
	server = fx_host(net, "server", &t, FX_ADDR(10, 0, 0, 1));
	t.maxtcptw = client_maxtcptw;
	t.portrange_first = first;
	t.portrange_last = last;
	for (i = 0; i < NCLIENTS; i++) {
		snprintf(name, sizeof(name), "client%d", i);
		clients[i] = fx_host(net, name, &t, FX_ADDR(10, 0, 1, i + 1));
	}
}

static void
check_all(void)
{
	char err[512];
	int i;

	if (host_check(server, err, sizeof(err)) != 0)
		ck_abort_msg("server at %lld ns: %s",
		    (long long)sim_now(sim), err);
	for (i = 0; i < NCLIENTS; i++)
		if (host_check(clients[i], err, sizeof(err)) != 0)
			ck_abort_msg("%s at %lld ns: %s", clients[i]->name,
			    (long long)sim_now(sim), err);
}

static void
assert_empty(struct host *h)
{

	ck_assert_msg(h->pcbinfo.ipi_count == 0, "%s: %zu pcbs left",
	    h->name, h->pcbinfo.ipi_count);
	ck_assert_msg(h->tcpcb_live == 0, "%s: %zu tcpcbs left", h->name,
	    h->tcpcb_live);
	ck_assert_int_eq(host_tw_count(h), 0);
	ck_assert_int_eq(h->twzone.tw_used, 0);
	ck_assert_int_eq(h->stat.established, 0);
}

static void
teardown_world(void)
{
	int i;

	for (i = 0; i < nwl; i++)
		workload_destroy(wls[i]);
	fx_world_destroy(&sim, &net);
}

/* The randomized invariant test (all rules at once). */
START_TEST(test_model_random_load_invariants_and_no_leaks)
{
	sim_time_t stop = 20 * SIM_SEC, end;
	uint64_t started = 0, hazards = 0, anv = 0, recycled = 0;
	int i;

	/* 60 ports: the zone (one slab of 50, UMA-1) fills and recycles. */
	world(1000 + (uint64_t)_i, 4, 10000, 10059);
	for (i = 0; i < NCLIENTS; i++) {
		path(clients[i], server, 0.05, 0.05, SIM_MSEC,
		    300 * SIM_MSEC);
		path(server, clients[i], 0.05, 0.05, SIM_MSEC,
		    300 * SIM_MSEC);
	}
	add_workload("c0", clients[0], 80, WORKLOAD_CLOSE_CLIENT, 40, 0,
	    4000, stop);
	add_workload("c1", clients[1], 81, WORKLOAD_CLOSE_SERVER, 40, 0,
	    2000, stop);
	add_workload("c2", clients[2], 80, WORKLOAD_CLOSE_CLIENT, 20, 0,
	    4000, stop);
	add_workload("c2fix", clients[2], 82, WORKLOAD_CLOSE_SERVER, 5,
	    2222, 500, stop);
	check_all();
	/* One event at a time, every invariant after each. */
	end = stop + 1200 * SIM_SEC;
	while (sim_now(sim) < end) {
		if (sim_run(sim, end, 1) == SIM_STOP_EMPTY)
			break;
		check_all();
	}
	for (i = 0; i < nwl; i++) {
		started += workload_started(wls[i]);
		ck_assert_uint_eq(workload_active(wls[i]), 0);
	}
	ck_assert_uint_gt(started, 2000);
	ck_assert_uint_eq(nrecords, started);
	for (i = 0; i < NCLIENTS; i++) {
		anv += clients[i]->stat.conn_failed_addrnotavail;
		recycled += clients[i]->stat.tw_recycled;
		hazards += clients[i]->stat.hazards;
		assert_empty(clients[i]);
	}
	hazards += server->stat.hazards;
	recycled += server->stat.tw_recycled;
	/* The load did exhaust ports and recycle entries. */
	ck_assert_uint_gt(anv, 0);
	ck_assert_uint_gt(recycled, 0);
	ck_assert_uint_gt(outcomes[CONN_OK], started / 2);
	ck_assert_uint_eq(outcomes[CONN_ADDRNOTAVAIL], anv);
	ck_assert_uint_eq(net_inflight(net), 0);
	/* Only the listeners are left on the server; close them. */
	for (i = 0; i < nwl; i++)
		workload_destroy(wls[i]);
	nwl = 0;
	assert_empty(server);
	(void)hazards;
	teardown_world();
}
END_TEST

/*
 * HAZ-1: with a small TIME_WAIT zone (one slab, 50 entries, UMA-1) and 100
 * ports, the same 4-tuple comes back some 50-60 connections later, a few
 * hundred ms; copies of the old incarnation's segments, delayed up to
 * 600 ms, reach the new one.  The client sends 1 MiB per connection, far
 * more than its ISN for the 4-tuple moves on in between (1 MB/s plus 4-8
 * KB per ISN, TCP-11's tcp_new_isn): old data lands in the new window.
 * The server's ISNs are random (SYNC-1), so its old data does not.
 * Without timestamps the server takes the old data (hazards); with them
 * PAWS drops it, because the client's tsval is its plain clock (TS-1).
 */
static uint64_t
hazard_run(int maxtcptw, double dup, int rfc1323, uint64_t *ok)
{
	struct workload_config wc;
	sim_time_t stop = 5 * SIM_SEC;
	uint64_t hz;
	char err[256];

	world(5, maxtcptw, 10000, 10099);
	clients[0]->tun.rfc1323 = rfc1323;
	path(clients[0], server, 0, dup, 100 * SIM_MSEC, 600 * SIM_MSEC);
	memset(&wc, 0, sizeof(wc));
	wc.name = "upload";
	wc.client = clients[0];
	wc.server = server;
	wc.server_port = 80;
	wc.arrival = WORKLOAD_CONSTANT;
	wc.nsteps = 1;
	wc.steps[0].rate = 200;
	wc.request = 1 << 20;
	wc.response = 1000;
	wc.close_by = WORKLOAD_CLOSE_CLIENT;
	wc.stop = stop;
	wls[nwl] = workload_create(net, &wc, record, NULL, err, sizeof(err));
	ck_assert_msg(wls[nwl] != NULL, "%s", err);
	nwl++;
	(void)sim_run(sim, stop + 100 * SIM_SEC, 0);
	hz = clients[0]->stat.hazards + server->stat.hazards;
	*ok = outcomes[CONN_OK];
	teardown_world();
	return (hz);
}

START_TEST(test_haz1_recycled_time_wait_lets_old_duplicates_in)
{
	uint64_t ok;

	ck_assert_uint_gt(hazard_run(1, 0.05, 0, &ok), 20);
	ck_assert_uint_gt(ok, 900);
}
END_TEST

/* TS-1, TCP-10: the same load with timestamps: PAWS stops the copies. */
START_TEST(test_ts1_timestamps_keep_old_duplicates_out)
{
	uint64_t ok, with, without;

	without = hazard_run(1, 0.05, 0, &ok);
	with = hazard_run(1, 0.05, 1, &ok);
	ck_assert_uint_gt(ok, 900);
	ck_assert_uint_le(with * 10, without);
}
END_TEST

START_TEST(test_haz1_no_hazard_without_duplicates)
{
	uint64_t ok;

	ck_assert_uint_eq(hazard_run(1, 0, 0, &ok), 0);
}
END_TEST

/*
 * Each 4-tuple waits 2MSL: ports run out instead, and hazards all but
 * vanish.  Not quite: a duplicated SYN that reaches the server after the
 * connection there closed makes a new syncache entry, whose SYN-ACK (a
 * random ISN, SYNC-1) is above the client's rcv_nxt half the time and so
 * ends the client's TIME_WAIT early (TW-16 does not look at the ACK bit).
 */
START_TEST(test_haz1_full_time_wait_prevents_hazards)
{
	uint64_t ok, full;

	full = hazard_run(100000, 0.05, 0, &ok);
	ck_assert_uint_lt(ok, 900);
	ck_assert_uint_le(full * 10, hazard_run(1, 0.05, 0, &ok));
}
END_TEST

/* Speed and steady state: 100k short connections, all ok, no leak. */
START_TEST(test_model_100k_connections)
{
	struct workload_config wc;
	struct workload *w;
	char err[256];

	world(9, 0, 10000, 65535);
	memset(&wc, 0, sizeof(wc));
	wc.name = "fast";
	wc.client = clients[0];
	wc.server = server;
	wc.server_port = 80;
	wc.arrival = WORKLOAD_CONSTANT;
	wc.nsteps = 1;
	wc.steps[0].rate = 1000;
	wc.request = 100;
	wc.response = 1000;
	wc.close_by = WORKLOAD_CLOSE_SERVER;
	wc.stop = 100 * SIM_SEC;
	w = workload_create(net, &wc, record, NULL, err, sizeof(err));
	ck_assert_msg(w != NULL, "%s", err);
	wls[nwl++] = w;
	(void)sim_run(sim, 110 * SIM_SEC, 0);
	ck_assert_uint_eq(workload_started(w), 100000);
	ck_assert_uint_eq(outcomes[CONN_OK], 100000);
	ck_assert_uint_eq(workload_active(w), 0);
	ck_assert_uint_eq(clients[0]->tcpcb_live, 0);
	teardown_world();
}
END_TEST

static Suite *
model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("model");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc,
	    test_model_random_load_invariants_and_no_leaks, 0, 3);
	tcase_add_test(tc, test_haz1_recycled_time_wait_lets_old_duplicates_in);
	tcase_add_test(tc, test_ts1_timestamps_keep_old_duplicates_out);
	tcase_add_test(tc, test_haz1_no_hazard_without_duplicates);
	tcase_add_test(tc, test_haz1_full_time_wait_prevents_hazards);
	tcase_add_test(tc, test_model_100k_connections);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
